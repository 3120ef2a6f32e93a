"""What CI really runs: each job's commands plus what they reach through indirection.

A CI step often delegates: `make test` runs a Makefile recipe, `tox` runs tox.ini's
`commands`, `nox` runs the sessions of noxfile.py, `bash scripts/ci.sh` runs a script,
`anyscale jobs submit job.yaml` runs that spec's `entrypoint`, `hatch run test` runs a
pyproject script, `uses: ./.github/workflows/x.yml` runs another workflow's jobs. This
module follows those links inside the repository, up to a small depth, so probes can ask
"does CI (really) run X?" and point at the line that does.

Nothing is executed; everything is read through the Snapshot.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mlaudit.probes import _task_runners, base
from mlaudit.probes.base import ev
from mlaudit.repo.parsers.ci import CiJob
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

DEFAULT_DEPTH = 2
MAX_REACHED_PER_JOB = 2000

# A line that installs packages mentions tool names without running them.
INSTALL = re.compile(
    r"\b(?:pip3?|uv\s+pip|python[\d.]*\s+-m\s+pip|conda|mamba|micromamba|apt(?:-get)?|brew|"
    r"pipx|npm|yarn)\s+install\b|\b(?:uv|poetry)\s+add\b"
)
SCRIPT_EXTENSIONS = (".sh", ".bash", ".zsh", ".ps1", ".yaml", ".yml")
# Keys of a referenced YAML spec (job specs, k8s, compose) whose strings are commands.
YAML_COMMAND_KEYS = {
    "entrypoint",
    "command",
    "commands",
    "cmd",
    "run",
    "script",
    "scripts",
    "args",
    "steps",
    "before_script",
    "after_script",
}
_MAKE = re.compile(r"(?:^|[\s;&|(])(?:\$\(MAKE\)|\$\{MAKE\}|make)((?:\s+[^\s;&|)]+)*)")
_MAKE_TARGET = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)(.*)$")


@dataclass(frozen=True)
class Reached:
    """A command CI runs, directly (`via` empty) or through repository files."""

    job: CiJob
    text: str
    path: str
    line: int | None
    via: tuple[str, ...] = ()
    cwd: str = ""  # the folder the command runs in (a step's working-directory), "" the root

    @property
    def direct(self) -> bool:
        return not self.via

    def evidence(self) -> Evidence:
        note = f"{self.job.system} job {self.job.name}"
        if self.via:
            note += " via " + " → ".join(self.via)
        return ev(self.path, self.line, self.text, note)


def is_install(text: str) -> bool:
    return bool(INSTALL.search(text))


# a command that asks a tool for its version or help, or the package manager about what is
# installed, runs none of it (deaneeth/telco-churn-mlops-pipeline ci.yml:46-47 `pip show
# pytest pytest-cov`, `pytest --version`, read as test runs; reviewed)
_QUERY = re.compile(
    r"\b(?:pip3?|uv\s+pip|python[\d.]*\s+-m\s+pip)\s+(?:show|list|freeze|check|download|uninstall)\b"
    r"|\b(?:conda|mamba|micromamba)\s+list\b"
    r"|^\s*(?:python[\d.]*\s+-m\s+)?[\w.-]+\s+(?:--version|--help|-V|-h)\s*$"
)


def is_query(text: str) -> bool:
    return bool(_QUERY.search(text))


_SEPARATORS = re.compile(r"\s*(?:&&|\|\||;)\s*")


def split_commands(text: str) -> list[str]:
    """The `&&`/`||`/`;`-separated commands of one line."""
    return [part for part in _SEPARATORS.split(text) if part]


def runs(text: str, pattern: re.Pattern[str]) -> bool:
    """Does a command line run something matching `pattern`? Each `&&`/`;`-separated part
    is judged alone, so `pip install pytest && pytest` runs pytest but `pip install pytest`
    does not; a shell comment runs nothing, nor does a part that only assigns one word to a
    variable (`b=runs/train/exp/weights/best`: ultralytics/yolov5 ci-testing.yml:94)."""
    return any(
        pattern.search(part)
        and not is_install(part)
        and not is_query(part)
        and not _ASSIGNMENT.match(part)
        and not _FILE_CHORE.match(part)
        for part in _SEPARATORS.split(_COMMENT.sub("", text))
    )


# a command that moves, removes or lists files runs none of the tools its paths name: freeing
# a runner's disk of CodeQL (deepchem/deepchem build.yml:36 `sudo rm -rf
# /opt/hostedtoolcache/CodeQL`; reviewed) is no static analysis. A pipe may feed a tool.
_FILE_CHORE = re.compile(
    r"^\s*(?:sudo\s+(?:-\S+\s+)*)?(?:rm|rmdir|mv|cp|ls|du|df|chmod|chown|mkdir|touch|ln|stat)\s[^|]*$"
)


def cannot_fail(text: str, pattern: re.Pattern[str]) -> bool:
    """Does every command of the line that runs `pattern` swallow its own failure
    (`flake8 --exit-zero`, `pytest || true`, `|| exit 0`, `|| :`)? Such a step runs the tool
    but can never fail the build (microsoft/MLOps azure-pipelines.yml:19)."""
    parts = [
        part
        for part in _STEPS.split(_COMMENT.sub("", text))
        if pattern.search(part) and not is_install(part) and not is_query(part)
    ]
    return bool(parts) and all(_SWALLOWED.search(part) for part in parts)


_ERREXIT = re.compile(r"^\s*set\s+(?:-[a-zA-Z]*e|-o\s+errexit)|^#!.*\s-[a-zA-Z]*e\b")
_SHELL_FILES = (".sh", ".bash")
_HEEDED = re.compile(r"\$\?|^\s*exit\s+(?:\"?\$|[1-9])|\|\|\s*(?:exit|return)\b|\bPIPESTATUS\b")


def lost_in_script(snap: Snapshot, item: Reached) -> bool:
    """Is a command a shell script runs (not the step itself) lost there: the script does not
    stop on errors (`set -e`) and other commands follow, so its exit status is the last
    command's? (GokuMohandas/mlops-course deploy/jobs/workloads.sh: pytest three times, then
    `aws s3 cp` decides the job; reviewed.) A `make` recipe stops at a failing line."""
    if not item.via or not item.path.endswith(_SHELL_FILES) or item.line is None:
        return False
    lines = snap.lines(item.path)
    if any(_ERREXIT.search(line) for line in lines):
        return False
    # a script that reads the exit status itself and exits with it (explosion/projects
    # run-tests.sh:73-77: `if [[ $? != @(0|5) ]]; then status=1`, … `exit $status`), or
    # that records it and fails later (the-full-stack/fsdl-text-recognizer-2022
    # tasks/unit_test.sh: `python -m pytest || FAILURE=true`, … `exit 1`)
    if any(_HEEDED.search(line) for line in lines[item.line - 1 :]):
        return False
    after = [
        line
        for line in lines[item.line :]
        if line.strip()
        and not line.lstrip().startswith("#")
        and line.strip() not in ("fi", "done", "}")
    ]
    return bool(after)


# `&&`/`;` end a command; `||` only says what runs when it fails
_STEPS = re.compile(r"\s*(?:&&|;)\s*")
_SWALLOWED = re.compile(
    r"(?:^|\s)--exit-zero\b|(?:^|\s)--exit-code[=\s]+0\b|\|\|\s*(?:true|:|exit\s+0)\s*$"
)
_COMMENT = re.compile(r"(?:^|\s)#.*$")
# one word: a quoted command line kept in a variable is often run later (`eval "$command"`:
# ThoughtWorksInc/CD4ML-Scenarios run_tests.sh:7-10)
_ASSIGNMENT = re.compile(r"""^\s*(?:export\s+)?\w+=[^\s"'`$()]*\s*$""")


# parsers for the files a command can reach -------------------------------------------------
def makefile_targets(
    snap: Snapshot, path: str
) -> dict[str, tuple[list[str], list[tuple[str, int]]]]:
    """target → (prerequisites, [(recipe line, line number)])."""

    def parse() -> dict[str, tuple[list[str], list[tuple[str, int]]]]:
        targets: dict[str, tuple[list[str], list[tuple[str, int]]]] = {}
        variables: dict[str, str] = {}
        defining: str | None = None  # a variable whose value goes on after a backslash
        current: list[str] = []
        continued = False  # the last recipe line ended in a backslash
        for number, raw in enumerate(snap.lines(path), start=1):
            if defining is not None:
                variables[defining] += " " + raw.strip().removesuffix("\\").strip()
                defining = defining if raw.rstrip().endswith("\\") else None
                continue
            variable = _MAKE_VARIABLE.match(raw)
            if variable and not raw.startswith("\t"):
                name, value = variable.group(1), variable.group(3).split("#", 1)[0]
                text = value.strip().removesuffix("\\").strip()
                joined = variable.group(2) == "+" and name in variables
                variables[name] = f"{variables[name]} {text}" if joined else text
                defining = name if value.rstrip().endswith("\\") else None
                current = []
                continue
            # a continuation line belongs to the recipe however it is indented (GNU make
            # joins it first): `        $(MAKE) sync-assets; \` under a tab-indented `if`
            if raw.startswith("\t") or (continued and current):
                command = raw.strip().lstrip("@-+").strip()
                if not command.startswith("#"):  # the shell's comment runs nothing
                    for name in current:
                        targets[name][1].append((command, number))
                continued = raw.rstrip().endswith("\\")
                continue
            continued = False
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            match = _MAKE_TARGET.match(raw)
            if match and "=" not in match.group(1):
                names = [n for n in match.group(1).split() if n]
                prereqs = match.group(2).split(";")[0].split()
                inline = match.group(2).split(";", 1)[1].strip() if ";" in match.group(2) else ""
                current = []
                for name in names:
                    entry = targets.setdefault(name, ([], []))
                    entry[0].extend(prereqs)
                    if inline:
                        entry[1].append((inline, number))
                    current.append(name)
            else:
                current = []
        if variables:
            for _prereqs, recipe in targets.values():
                recipe[:] = [(_expand_make(command, variables), line) for command, line in recipe]
        return targets

    return snap._cached("makefile", path, parse)


# a variable of the Makefile, and its uses in recipes: the command a recipe line runs may be
# held in one (facebookresearch/audiocraft Makefile:1 `INTEG=… python3 -m dora -v run …
# optim.epochs=1`, run by `tests_integ: $(INTEG_COMPRESSION)` from CI; reviewed)
_MAKE_VARIABLE = re.compile(r"^([A-Za-z_][\w.-]*)\s*(?:([+?]|::?)=|=)(?!=)(.*)$")
_MAKE_USE = re.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
MAX_MAKE_EXPANSION = 4_000  # characters of one expanded recipe line


def _expand_make(command: str, variables: dict[str, str]) -> str:
    """`command` with the Makefile's variables replaced, nested ones too (four levels);
    unknown ones (`$(MAKE)`, `$(USER)`) are left as written."""
    for _ in range(4):
        expanded = _MAKE_USE.sub(lambda m: variables.get(m.group(1), m.group(0)), command)
        if expanded == command or len(expanded) > MAX_MAKE_EXPANSION:
            break
        command = expanded
    return command


def make_lines(
    snap: Snapshot, makefile: str, targets: list[str], seen: set[str]
) -> list[tuple[str, int, str]]:
    table = makefile_targets(snap, makefile)
    if not targets:
        first = next((t for t in table if not t.startswith(".") and "%" not in t), None)
        targets = [first] if first else []
    out: list[tuple[str, int, str]] = []
    for target in targets:
        if target in seen or target not in table:
            continue
        seen.add(target)
        prereqs, recipe = table[target]
        if prereqs:  # none: not "the first target", which only a bare `make` runs
            out.extend(make_lines(snap, makefile, prereqs, seen))
        out.extend((text, line, target) for text, line in recipe)
    return out


# keys under a step whose strings label, condition or configure it: never a command
# (microsoft/Olive job_templates/olive-test-cpu-template.yaml:69 `displayName: Upload
# pipeline run test results`; reviewed)
YAML_LABEL_KEYS = {
    "displayName",
    "name",
    "condition",
    "testRunTitle",
    "testResultsFiles",
    "artifactName",
    "targetPath",
    "versionSpec",
    "if",
}


def _yaml_command_strings(node: Any, inside: bool = False) -> Iterator[tuple[str, int | None]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if inside and str(key) in YAML_LABEL_KEYS:
                continue
            active = inside or str(key) in YAML_COMMAND_KEYS
            if isinstance(value, str) and active:
                yield value, key_line(node, key)
            else:
                yield from _yaml_command_strings(value, active)
    elif isinstance(node, list):
        lines = getattr(node, "item_lines", [])
        for index, value in enumerate(node):
            if isinstance(value, str) and inside:
                yield value, lines[index] if index < len(lines) else None
            else:
                yield from _yaml_command_strings(value, inside)


def _file_lines(snap: Snapshot, path: str) -> list[tuple[str, int]]:
    if path.endswith((".yaml", ".yml")):
        out: list[tuple[str, int]] = []
        for doc in snap.yaml_docs(path):
            for text, line in _yaml_command_strings(doc):
                for offset, part in enumerate(text.splitlines() or [text]):
                    if part.strip() and not part.lstrip().startswith("#"):
                        out.append(
                            (part.strip(), (line or 0) + (offset + 1 if "\n" in text else 0))
                        )
        return out
    return [
        (text.strip(), number)
        for number, text in enumerate(snap.lines(path), start=1)
        if text.strip() and not text.lstrip().startswith(("#", "REM ", "::"))
    ]


def referenced_files(snap: Snapshot, text: str, cwd: str = "") -> list[str]:
    """Tracked repository files named by a command line (`bash ci/run.sh`, `-f job.yaml`),
    read from the folder the command runs in (`cwd`), then from the root."""
    words = _task_runners.shell_words(text)
    found = []
    for word in words:
        for candidate in (word, word.split("=", 1)[-1]):
            name = candidate.strip("'\"").removeprefix("./")
            if not name:
                continue
            for path in (posixpath.normpath(f"{cwd}/{name}"), name) if cwd else (name,):
                if snap.exists(path):
                    if path not in found:
                        found.append(path)
                    break
    return found


def make_invocation(text: str) -> tuple[str, list[str]] | None:
    match = _MAKE.search(text)
    if not match:
        return None
    words = match.group(1).split()
    directory, makefile, targets = "", None, []
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word in ("-C", "--directory") and index + 1 < len(words):
            directory = words[index + 1].rstrip("/") + "/"
            skip = True
        elif word in ("-f", "--file", "--makefile") and index + 1 < len(words):
            makefile = words[index + 1]
            skip = True
        elif word.startswith("-") or "=" in word:
            continue
        elif re.match(r"^[\w./%-]+$", word):
            targets.append(word)
        else:
            break
    path = makefile or "Makefile"
    return (directory + path).removeprefix("./"), targets


def _expand(
    snap: Snapshot, text: str, depth: int, seen: frozenset[str], cwd: str = ""
) -> Iterator[tuple[str, str, int | None, str]]:
    """(command, path, line, link) reached from one command line, one level down; `cwd`:
    the folder the command runs in (a script's commands run in its caller's)."""
    if depth <= 0:
        return
    parts = [part for part in _SEPARATORS.split(text) if part and not is_install(part)]
    if len(parts) != 1 or parts[0] != text:
        for part in parts:
            yield from _expand(snap, part, depth, seen, cwd)
        return
    make = make_invocation(text)
    if make is not None:
        makefile, targets = make
        if cwd:
            makefile = posixpath.normpath(f"{cwd}/{makefile}")
        for candidate in (makefile, makefile.replace("Makefile", "makefile")):
            if snap.exists(candidate) and candidate not in seen:
                for recipe, line, target in make_lines(snap, candidate, targets, set()):
                    yield recipe, candidate, line, f"{candidate}:{target}"
                break
    for command, task_file, task_line, link in _task_runners.resolve(snap, text, cwd):
        if task_file not in seen:
            yield command, task_file, task_line, link
    for path in referenced_files(snap, text, cwd):
        if path in seen:
            continue
        is_script = path.endswith(SCRIPT_EXTENSIONS) or (
            "." not in path.rsplit("/", 1)[-1]
            and (snap.lines(path)[:1] or [""])[0].startswith("#!")
        )
        if is_script and "workflows/" not in path:
            for command, line in _file_lines(snap, path):
                yield command, path, line, path
        elif path.endswith(".py") and _PYTHON_RUNS.search(text):
            spans = _subcommand_spans(snap, path, text)
            for item in _python_script_commands(snap, path):
                # the subcommand's function and what it calls in the script; the modules the
                # script imports are read whole, as before
                if spans is None or item[1] != path or _within(spans, item[2]):
                    yield item
    module = _PYTHON_MODULE.search(text)
    if module is not None:
        from mlaudit.probes.testing import local_modules

        runs_module = local_modules(snap).get(module.group(1))
        if runs_module is not None and runs_module not in seen:
            yield from _python_script_commands(snap, runs_module)


_SUBCOMMAND_PREFIXES = ("", "task_", "cmd_", "command_", "run_", "do_", "_")


def _subcommand_spans(snap: Snapshot, path: str, text: str) -> list[tuple[int, int]] | None:
    """The lines of the function a driver script runs for the subcommand it is given
    (`python3 tasks.py test` → `def task_test`: aakash1552005/telco-churn-mlops
    Jenkinsfile:65, tasks.py:83; reviewed) and of the script's functions it calls, to any
    depth (`task_ci` calling `task_lint` and `task_test`); None: no subcommand, or no
    function named for it (the whole script may run)."""
    words = text.split()
    name = posixpath.basename(path)
    at = next((i for i, w in enumerate(words) if w.endswith(name)), None)
    if at is None or at + 1 >= len(words) or not re.fullmatch(r"[a-z][\w-]*", words[at + 1]):
        return None
    wanted = words[at + 1].replace("-", "_")
    facts = snap.python(path)
    if facts is None:
        return None
    functions = {fn: (first, last) for fn, first, last, kind in facts.spans if kind == "def"}
    start = next(
        (prefix + wanted for prefix in _SUBCOMMAND_PREFIXES if prefix + wanted in functions), None
    )
    if start is None:
        return None
    spans: list[tuple[int, int]] = []
    queue, seen = [start], {start}
    while queue:
        first, last = functions[queue.pop()]
        spans.append((first, last))
        for call in facts.calls:
            callee = call.name.rpartition(".")[2]
            if first <= call.line <= last and callee in functions and callee not in seen:
                seen.add(callee)
                queue.append(callee)
    return spans


def _within(spans: list[tuple[int, int]], line: int | None) -> bool:
    return line is not None and any(first <= line <= last for first, last in spans)


# `python script.py` and `python -m package.module`: a Python script CI runs
_PYTHON_RUNS = re.compile(r"(?:^|[\s/;&|(])python[\d.]*(?:\s|$)")
_PYTHON_MODULE = re.compile(r"(?:^|[\s/;&|(])python[\d.]*\s+(?:-\S+\s+)*-m\s+([\w.]+)")
# the tools a Python driver script runs as commands: a string literal that starts with one
# of them, followed by an argument, is a command the script runs (pytorch/serve
# binaries/upload.py:28 `f"twine upload --username __token__ {dist_path}/*"`,
# ts_scripts/backend_utils.py:17 `f"python -m pytest --cov-report xml:… --cov=…"`,
# benchmarks/utils/benchmarks.py:96 `f"ab -c {…} -s 300 -n {…}"`; reviewed)
_COMMAND_WORD = re.compile(
    r"^(?:python[\d.]*|pytest|py\.test|coverage|twine|anaconda|uv|pip3?|poetry|hatch|tox|nox|"
    r"ab|hey|wrk|locust|k6|docker|podman|kubectl|helm|terraform|gcloud|aws|az|mlflow|dvc|"
    r"bandit|semgrep|trivy|pip-audit|safety|gitleaks|ruff|black|flake8|mypy|pylint|isort|"
    r"codecov|make|bash|sh|torchserve|npm|mvn|gradlew?|cargo)\s+\S"
)
_MODULE_ARGUMENT = re.compile(r"""\bsys\.executable\s*,\s*["']-m["']\s*,""")
MAX_SCRIPT_IMPORTS = 20  # the repository's modules a driver script imports, followed


def _python_script_commands(
    snap: Snapshot, path: str
) -> Iterator[tuple[str, str, int | None, str]]:
    """The commands a Python driver script (and the repository modules it imports, one
    level) runs: its string literals that start with a tool's name, the pieces of one
    f-string joined. Nothing is imported or run. Worked out once per script and scan."""
    yield from snap.memo(("ci_reach.script_commands", path), lambda: _script_commands(snap, path))


def _script_commands(snap: Snapshot, path: str) -> list[tuple[str, str, int | None, str]]:
    from mlaudit.probes.testing import local_modules

    facts = snap.python(path)
    if facts is None:
        return []
    modules = local_modules(snap)
    files = [path]
    for imp in facts.imports:
        if len(files) > MAX_SCRIPT_IMPORTS:
            break
        found = modules.get(imp.module)
        if found is None and "." in imp.module:  # `from pkg.mod import name`
            found = modules.get(imp.module.rsplit(".", 1)[0])
        if found is not None and found not in files and not base.is_test_path(found):
            files.append(found)
    return [
        (text, file, line, path if file == path else f"{path} → {file}")
        for file in files
        for text, line in _python_commands(snap, file)
    ]


def _python_commands(snap: Snapshot, path: str) -> list[tuple[str, int]]:
    def derive() -> list[tuple[str, int]]:
        facts = snap.python(path)
        if facts is None:
            return []
        by_line: dict[int, list[str]] = {}
        for value, line in facts.strings:
            by_line.setdefault(line, []).append(value)
        out = []
        source = snap.lines(path)
        for line, pieces in sorted(by_line.items()):
            text = " ".join(" ".join(pieces).split())
            if _MODULE_ARGUMENT.search(source[line - 1] if line <= len(source) else ""):
                # `[sys.executable, "-m", "pytest"]`: the interpreter running the module
                # (aakash1552005/telco-churn-mlops tasks.py:86; reviewed; the parser keeps
                # no two-letter string)
                text = "python -m " + text
            if _COMMAND_WORD.match(text):
                out.append((text, line))
        return out

    return snap.memo(("ci_reach.python_commands", path), derive)


def _is_makefile(path: str) -> bool:
    return posixpath.basename(path) in ("Makefile", "makefile", "GNUmakefile")


def job_reach(snap: Snapshot, job: CiJob, depth: int = DEFAULT_DEPTH) -> list[Reached]:
    """Every command a CI job runs, and what those commands reach within `depth` links."""
    out: list[Reached] = []
    queue: deque[tuple[str, str, int | None, tuple[str, ...], int, str]] = deque(
        (c.text, job.path, c.line, (), depth, c.cwd) for c in job.commands[:MAX_REACHED_PER_JOB]
    )
    folder = job.path.rsplit("/", 1)[0] + "/" if "/" in job.path else ""
    for uses in job.uses:
        target = uses.text.split("@", 1)[0].removeprefix("./").rstrip("/")
        if job.system != "github" and target.endswith((".yml", ".yaml")):
            # an Azure/GitLab template included from this pipeline's folder or the root
            path = next((c for c in (folder + target, target) if snap.exists(c)), None)
            if path and path != job.path:
                link = f"{job.path}:{uses.line}" if uses.line else job.path
                queue.extend(
                    (text, path, line, (link,), depth - 1, "")
                    for text, line in _file_lines(snap, path)
                )
            continue
        if target in ("pre-commit/action", "pre-commit-ci/lite-action"):
            # the action runs `pre-commit run --all-files`: every hook of the config
            link = f"{job.path}:{uses.line}" if uses.line else job.path
            queue.extend(
                (text, path, line, (link,), depth - 1, "")
                for text, path, line, _ in _task_runners.precommit_hook_commands(snap)
            )
            continue
        if not uses.text.startswith("./"):
            continue
        if target.endswith((".yml", ".yaml")):  # a local reusable workflow
            for other in snap.ci_jobs:
                if other.path == target and other is not job:
                    link = f"{job.path}:{uses.line}" if uses.line else job.path
                    queue.extend(
                        (c.text, target, c.line, (link,), depth - 1, c.cwd) for c in other.commands
                    )
        else:  # a local composite action
            for name in ("action.yml", "action.yaml"):
                path = f"{target}/{name}"
                if snap.exists(path):
                    link = f"{job.path}:{uses.line}" if uses.line else job.path
                    queue.extend(
                        (text, path, line, (link,), depth - 1, "")
                        for text, line in _file_lines(snap, path)
                    )
    while queue and len(out) < MAX_REACHED_PER_JOB:
        text, path, line, via, left, cwd = queue.popleft()
        out.append(Reached(job, text, path, line, via, cwd))
        chain_files = frozenset({job.path, *(v.split(":", 1)[0] for v in via)})
        for command, cpath, cline, _link in _expand(snap, text, left, chain_files, cwd):
            origin = f"{path}:{line}" if line else path
            # make runs a recipe in its Makefile's folder; a script runs in its caller's
            here = posixpath.dirname(cpath) if _is_makefile(cpath) else cwd
            queue.append((command, cpath, cline, (*via, origin), left - 1, here))
    return out


# a command whose failure the shell swallows: `bandit -r src || true`, `flake8 --exit-zero`,
# or a scanner told to exit 0 whatever it finds (samfash/cloud-cost-mlops-platform
# .github/workflows/ci.yml:121 `trivy image … --exit-code 0`; reviewed)
_NEVER_FAILS = re.compile(
    r"\|\|\s*(?:true|:|exit\s+0)\s*(?:$|[;&])|\s--exit-zero\b|\s--exit-code[=\s]+0\b"
)


def advisory(item: Reached) -> bool:
    """Does the command report without ever failing its job: its failure swallowed by the
    shell (`|| true`, `--exit-zero`), or a step the job may fail (`continue-on-error: true`,
    GitLab `allow_failure: true`), reached directly or through the files it runs?"""
    if _NEVER_FAILS.search(item.text):
        return True
    root = item.via[0] if item.via else f"{item.path}:{item.line}"
    path, _, line = root.rpartition(":")
    if path != item.job.path or not line.isdigit():
        return False
    return any(c.advisory and c.line == int(line) for c in item.job.commands)


def reached(snap: Snapshot, depth: int = DEFAULT_DEPTH) -> list[Reached]:
    """All commands of all active CI jobs, with indirection (cached per snapshot)."""

    def build() -> list[Reached]:
        out: list[Reached] = []
        for job in snap.ci_jobs:
            if not job.disabled:
                out.extend(job_reach(snap, job, depth))
        return out

    return snap._cached("ci_reach", str(depth), build)


def search(
    snap: Snapshot,
    pattern: re.Pattern[str],
    *,
    triggers: set[str] | None = None,
    depth: int = DEFAULT_DEPTH,
    skip_installs: bool = True,
) -> list[Reached]:
    """Reached commands matching `pattern`, optionally only in jobs with one of `triggers`."""
    hits = []
    for item in reached(snap, depth):
        if triggers and not (item.job.triggers & triggers):
            continue
        if runs(item.text, pattern) if skip_installs else pattern.search(item.text):
            hits.append(item)
    return hits


def only_elsewhere(jobs: list[CiJob]) -> Observation | None:
    """A fail when every CI job is a reusable workflow or pipeline template that no pipeline
    of this repository calls (ci.mark_uncalled): they run in other repositories; else None."""
    elsewhere = [j for j in jobs if j.runs_elsewhere]
    if not elsewhere or any(not j.disabled for j in jobs):
        return None
    return base.failed(
        f"the only CI jobs ({len(elsewhere)}) are reusable workflows or pipeline templates that "
        "no pipeline of this repository calls: they run in the repositories that call them",
        [ev(j.path, j.line, None, f"{j.system} job {j.name}") for j in elsewhere[:8]],
    )
