"""Task runners and git-hook managers: which commands does `<runner> <task>` run?

A CI step rarely runs `pytest` itself; it runs `just test`, `task lint`, `poe check`,
`invoke test`, `nox -s tests`, `npm run lint`, `hatch run test:cov`, `mise run ci`,
`pre-commit run --all-files` or `lefthook run pre-commit`. Each function here reads the
runner's definition file *statically* (tasks.py and noxfile.py through the AST, never
imported) and returns the commands the named tasks run, with the line that holds each one.
Tasks that call other tasks of the same runner (dependencies, sequences, `npm run x`
inside a script) are followed inside the file, cycles guarded and bounded; links to other
files are the CI-reach layer's job (probes/_ci_reach.py).

Each resolver returns `[(command, path, line, link)]`, `link` naming the task
(`justfile:test`) for the evidence trail.
"""

from __future__ import annotations

import functools
import posixpath
import re
import shlex
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from mlaudit.probes import base
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot

Command = tuple[str, str, int | None, str]
MAX_TASK_COMMANDS = 200  # per resolution: a runner file cannot flood the reach
MAX_TASK_DEPTH = 4  # task → dependency → … inside one runner file

_OPS = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")


@functools.lru_cache(maxsize=4096)
def shell_words(text: str) -> tuple[str, ...]:
    """A command line split as a POSIX shell would (its whitespace split when its quotes do
    not close). Cached: the same CI and runner lines are split by many checks."""
    try:
        return tuple(shlex.split(text, comments=False, posix=True))
    except ValueError:
        return tuple(text.split())


def _after(text: str, runner: re.Pattern[str]) -> list[str] | None:
    """The words after a runner invocation in one command (None when it is not one)."""
    for part in _OPS.split(text):
        match = runner.search(part)
        if match:
            return list(shell_words(part[match.end() :]))
    return None


def _task_words(words: list[str], flags_with_value: Iterable[str] = ()) -> list[str]:
    """Task names among a runner's arguments: flags (and their values) and `k=v` skipped,
    stops at `--` (what follows goes to the task)."""
    valued = set(flags_with_value)
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "--":
            break
        if word in valued:
            skip = True
            continue
        if word.startswith("-") or "=" in word or word.startswith(("$", "{")):
            continue
        out.append(word)
    return out


def _line_of(snap: Snapshot, path: str, pattern: str, start: int = 1) -> int | None:
    regex = re.compile(pattern)
    for number, text in enumerate(snap.lines(path)[start - 1 :], start=start):
        if regex.search(text):
            return number
    return None


def _walk(
    roots: list[str],
    body: Callable[[str], tuple[list[tuple[str, int | None]], list[str]]],
) -> Iterator[tuple[str, str, int | None]]:
    """(task, command, line) for `roots` and the tasks they depend on or call, in run
    order (dependencies first), each task once."""
    seen: set[str] = set()
    emitted = 0

    def visit(task: str, depth: int) -> Iterator[tuple[str, str, int | None]]:
        nonlocal emitted
        if task in seen or depth > MAX_TASK_DEPTH:
            return
        seen.add(task)
        commands, deps = body(task)
        for dep in deps:
            yield from visit(dep, depth + 1)
        for command, line in commands:
            if emitted >= MAX_TASK_COMMANDS:
                return
            emitted += 1
            yield task, command, line

    for root in roots:
        yield from visit(root, 0)


# just ---------------------------------------------------------------------------------------
JUSTFILES = ("justfile", "Justfile", ".justfile")
_JUST = re.compile(r"(?:^|[\s(])just(?:\s+--justfile\s+\S+)?(?=\s|$)")
# a recipe's parameters may have defaults (`check-coverage numprocesses="auto":`) and be
# variadic (`+args`, `*flags`) or exported (`$name`)
_JUST_RECIPE = re.compile(
    r"^@?([A-Za-z_][\w-]*)"
    r"((?:\s+[+*$]?[A-Za-z_][\w-]*(?:=(?:\"[^\"]*\"|'[^']*'|[^\s:'\"]+))?)*)"
    r"\s*:(?!=)(.*)$"
)


# `import 'tasks/check.just'` (and `import? …`, optional) pulls another file's recipes in
# (fmind/mlops-python-package's template: justfile imports tasks/*.just; irod973/bentoml-demo
# CI runs `just check-coverage`, defined in tasks/check.just:13; reviewed)
_JUST_IMPORT = re.compile(r"""^import\??\s+(['"])(.+?)\1\s*$""")
MAX_JUST_IMPORTS = 3  # depth of imports followed from the justfile

JustRecipe = tuple[str, list[tuple[str, int]], list[str]]  # (its file, body lines, dependencies)


def just_recipes(snap: Snapshot, path: str, depth: int = 0) -> dict[str, JustRecipe]:
    """recipe → (file, [(body line, number)], dependencies), imported files' recipes
    included (the justfile's own win a name)."""

    def parse() -> dict[str, JustRecipe]:
        recipes: dict[str, JustRecipe] = {}
        imports: list[str] = []
        current: str | None = None
        for number, raw in enumerate(snap.lines(path), start=1):
            if raw[:1] in (" ", "\t"):
                if current and raw.strip() and not raw.strip().startswith("#"):
                    recipes[current][1].append((raw.strip().lstrip("@-").strip(), number))
                continue
            current = None
            imported = _JUST_IMPORT.match(raw.strip())
            if imported:
                target = posixpath.normpath(
                    posixpath.join(posixpath.dirname(path), imported.group(2))
                )
                imports.append(target)
                continue
            match = _JUST_RECIPE.match(raw)
            if match and not raw.startswith(("set ", "export ", "alias ", "import ", "mod ")):
                deps = [w.strip("()") for w in match.group(3).split("&&")[0].split()]
                recipes[match.group(1)] = (path, [], [d for d in deps if re.match(r"^[\w-]+$", d)])
                current = match.group(1)
        if depth < MAX_JUST_IMPORTS:
            for target in imports:
                if target != path and snap.exists(target):
                    for name, recipe in just_recipes(snap, target, depth + 1).items():
                        recipes.setdefault(name, recipe)
        return recipes

    return snap._cached("justfile", f"{depth}:{path}", parse)


def just(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    words = _after(text, _JUST)
    path = in_folder(snap, cwd, JUSTFILES)
    if words is None or path is None:
        return []
    table = just_recipes(snap, path)
    tasks = [w for w in _task_words(words, ("-f", "--justfile", "-d")) if w in table]
    if not tasks and table and not _task_words(words):
        tasks = [next(iter(table))]  # `just` alone runs the first recipe

    def body(name: str) -> tuple[list[tuple[str, int | None]], list[str]]:
        _file, recipe, deps = table.get(name, (path, [], []))
        return list(recipe), deps

    return [(c, table[t][0], line, f"{table[t][0]}:{t}") for t, c, line in _walk(tasks, body)]


# Taskfile (go-task) ---------------------------------------------------------------------------
TASKFILES = ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")
_TASK = re.compile(r"(?:^|[\s(])(?:go-)?task(?=\s|$)")


def taskfile(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    words = _after(text, _TASK)
    path = in_folder(snap, cwd, TASKFILES)
    if words is None or path is None:
        return []
    docs = [d for d in snap.yaml_docs(path) if isinstance(d, dict)]
    tasks_node = docs[0].get("tasks") if docs else None
    if not isinstance(tasks_node, dict):
        return []
    names = [w for w in _task_words(words, ("-t", "--taskfile", "-d", "--dir")) if w in tasks_node]
    if not names and not _task_words(words) and "default" in tasks_node:
        names = ["default"]

    def body(name: str) -> tuple[list[tuple[str, int | None]], list[str]]:
        task = tasks_node.get(name)
        if isinstance(task, str):
            return [(task, key_line(tasks_node, name))], []
        if isinstance(task, list):
            task = {"cmds": task}
        if not isinstance(task, dict):
            return [], []
        commands: list[tuple[str, int | None]] = []
        deps: list[str] = []
        for dep in task.get("deps") or []:
            target = dep.get("task") if isinstance(dep, dict) else dep
            if isinstance(target, str):
                deps.append(target)
        cmds = task.get("cmds") or ([task["cmd"]] if "cmd" in task else [])
        lines = getattr(cmds, "item_lines", [])
        for index, cmd in enumerate(cmds if isinstance(cmds, list) else []):
            line = lines[index] if index < len(lines) else key_line(task, "cmds")
            if isinstance(cmd, dict) and isinstance(cmd.get("task"), str):
                deps.append(cmd["task"])  # a call runs in order; following it is what matters
            elif isinstance(cmd, dict) and isinstance(cmd.get("cmd"), str):
                commands.extend(_split_block(cmd["cmd"], line))
            elif isinstance(cmd, str):
                commands.extend(_split_block(cmd, line))
        return commands, deps

    return [(c, path, line, f"{path}:{t}") for t, c, line in _walk(names, body)]


def _split_block(text: str, line: int | None) -> list[tuple[str, int | None]]:
    parts = text.splitlines() or [text]
    block = len(parts) > 1
    return [
        (part.strip(), None if line is None else line + offset + (1 if block else 0))
        for offset, part in enumerate(parts)
        if part.strip() and not part.strip().startswith("#")
    ]


# mise ----------------------------------------------------------------------------------------
MISE_FILES = ("mise.toml", ".mise.toml", "mise/config.toml", ".config/mise.toml")
MISE_TASK_DIRS = ("mise-tasks", ".mise-tasks", ".mise/tasks", "mise/tasks", ".config/mise/tasks")
_MISE = re.compile(r"(?:^|[\s(])mise\s+(?:run|r)(?=\s|$)")


def mise(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    words = _after(text, _MISE)
    if words is None:
        return []
    names = [w for w in _task_words(words, ("-C", "--cd", "-j", "--jobs")) if w != ":::"]
    out: list[Command] = []
    for path in MISE_FILES:
        data = snap.toml(path) if snap.exists(path) else None
        tasks = data.get("tasks") if isinstance(data, dict) else None
        if not isinstance(tasks, dict):
            continue

        def body(name: str, path: str = path, tasks: dict[str, Any] = tasks) -> Any:
            task = tasks.get(name)
            header = _line_of(snap, path, rf"""^\[tasks\.["']?{re.escape(name)}["']?\]""")
            if header is None:
                header = _line_of(snap, path, rf"""^["']?{re.escape(name)}["']?\s*=""")
            if isinstance(task, str):
                return [(task, header)], []
            if not isinstance(task, dict):
                return [], []
            run = task.get("run", [])
            runs = [run] if isinstance(run, str) else [r for r in run if isinstance(r, str)]
            line = _line_of(snap, path, r"^\s*run\s*=", header or 1) if header else None
            commands = [(c, line) for r in runs for c, _ in _split_block(r, None)]
            deps = [d for d in task.get("depends") or [] if isinstance(d, str)]
            return commands, deps

        out.extend((c, path, line, f"{path}:{t}") for t, c, line in _walk(names, body))
    for folder in MISE_TASK_DIRS:
        for name in names:
            path = f"{folder}/{name.replace(':', '/')}"
            if snap.exists(path):
                out.extend(
                    (raw.strip(), path, number, path)
                    for number, raw in enumerate(snap.lines(path), start=1)
                    if raw.strip() and not raw.lstrip().startswith("#")
                )
    return out


# invoke (tasks.py, read through the AST) -----------------------------------------------------
_INVOKE = re.compile(r"(?:^|[\s(])(?:invoke|inv)(?=\s|$)")


def invoke(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    words = _after(text, _INVOKE)
    path = in_folder(snap, cwd, ("tasks.py", "tasks/__init__.py"))
    facts = snap.python(path) if path and words is not None else None
    if facts is None or words is None or path is None:
        return []
    tasks = {}
    for name, start, end, kind in facts.spans:
        decorated = [d for d in facts.decorators if d.line < start and d.line >= start - 3]
        if kind == "def" and any(d.name.split(".")[-1] == "task" for d in decorated):
            tasks[name] = (start, end, decorated)
    wanted = [w.replace("-", "_") for w in _task_words(words, ("-c", "--collection", "-r"))]
    names = [w for w in wanted if w in tasks]

    def body(name: str) -> tuple[list[tuple[str, int | None]], list[str]]:
        if name not in tasks:
            return [], []
        start, end, _decorated = tasks[name]
        commands: list[tuple[str, int | None]] = []
        deps: list[str] = []
        for call in facts.calls:
            if not start < call.line <= end:
                continue
            if call.name.endswith((".run", ".sudo")) and call.args:
                command = _string(call.args[0])
                if command:
                    commands.append((command, call.line))
            elif call.name in tasks:  # a task calling another task
                deps.append(call.name)
        return commands, [d for d in deps if d in tasks]

    return [(c, path, line, f"{path}:{t}") for t, c, line in _walk(names, body)]


def _string(literal: str) -> str | None:
    if len(literal) >= 2 and literal[0] == literal[-1] and literal[0] in "'\"":
        return literal[1:-1]
    return None


# nox (noxfile.py, read through the AST) ------------------------------------------------------
_NOX = re.compile(r"(?:^|[\s;&|(])(?:python[\d.]*\s+-m\s+)?nox(?![\w.-])")


def nox(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    words = _after(text, _NOX)
    noxfile = in_folder(snap, cwd, ("noxfile.py",)) if words is not None else None
    facts = snap.python(noxfile) if noxfile else None
    if facts is None or words is None or noxfile is None:
        return []
    sessions: dict[str, tuple[int, int]] = {}
    for name, start, end, kind in facts.spans:
        for deco in facts.decorators:
            if kind == "def" and start - 3 <= deco.line < start and "session" in deco.name:
                label = _string(deco.kwarg("name") or "") or name
                sessions[label] = (start, end)
    wanted: list[str] = []
    for index, word in enumerate(words):
        if word in ("-s", "--session", "--sessions", "-e") or word.startswith("--session="):
            following = [word.split("=", 1)[1]] if "=" in word else []
            for extra in words[index + 1 :]:
                if extra.startswith("-"):
                    break
                following.append(extra)
            wanted.extend(following)
    names = [n for n in (_session_name(w, sessions) for w in wanted) if n] or list(sessions)
    constants = {a.target: a.value for a in facts.assignments if "." not in a.target}
    # a helper of the noxfile that runs what it is given: `_run(session, "bandit", "-r",
    # "src")` (r-kowalczyk/model-serving-platform noxfile.py:75; reviewed)
    runners = {
        name
        for name, start, end, kind in facts.spans
        if kind == "def"
        and name not in sessions
        and any(
            start < c.line <= end and c.name.endswith((".run", ".run_always")) for c in facts.calls
        )
    }
    out: list[Command] = []
    for name in dict.fromkeys(names):
        start, end = sessions[name]
        for call in facts.calls:
            if not start < call.line <= end:
                continue
            if call.name.endswith((".run", ".run_always")):
                args = call.args
            elif call.name in runners:
                args = call.args[1:]
            else:
                continue
            command = " ".join(literal_words(args, constants))
            if command:
                out.append((command, "noxfile.py", call.line, f"noxfile.py:{name}"))
    if not sessions:  # sessions declared some other way: every session.run of the file
        for call in facts.calls:
            if call.name.endswith((".run", ".run_always")) and call.args:
                command = " ".join(literal_words(call.args))
                if command:
                    out.append((command, "noxfile.py", call.line, "noxfile.py"))
    return out


def _session_name(word: str, sessions: dict[str, tuple[int, int]]) -> str | None:
    """The session a `-s` word selects: `unit-3.11`, `unit-${{ matrix.python }}` and
    `e2e(suite='x')` name the parametrised sessions `unit` and `e2e`."""
    for candidate in (word, re.split(r"\$\{\{|\(", word)[0].rstrip("-")):
        for name in (candidate, re.sub(r"-\d+(?:\.\d+)*$", "", candidate)):
            if name in sessions:
                return name
    return None


def literal_words(args: tuple[str, ...], constants: dict[str, str] | None = None) -> list[str]:
    """The words of literal arguments: a string, or a list or tuple of them (`*NAME` is a
    module-level constant of `constants`); other expressions give none."""
    import ast

    words = []
    for arg in args:
        if arg.startswith("*") and constants:  # `*TEST_ARGS`: a module-level list
            arg = constants.get(arg[1:], "<expr>")
        try:
            value = ast.literal_eval(arg)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str):
            words.append(value)
        elif isinstance(value, list | tuple):
            words.extend(str(v) for v in value)
    return words


# tox (tox.ini, setup.cfg, pyproject legacy_tox_ini, tox.toml / [tool.tox]) ------------------
_TOX = re.compile(r"(?:^|[\s;&|(])(?:python[\d.]*\s+-m\s+)?tox(?![\w.-])")


def _tox_ini_commands(snap: Snapshot, path: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    in_testenv = in_commands = False
    for number, raw in enumerate(snap.lines(path), start=1):
        stripped = raw.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            in_testenv = stripped.startswith(("[testenv", "[tox:testenv"))
            in_commands = False
            continue
        if not in_testenv or stripped.startswith(("#", ";")):
            continue
        if re.match(r"^commands(_pre|_post)?\s*=", stripped):
            in_commands = True
            value = stripped.split("=", 1)[1].strip()
            if value:
                out.append((value, path, number))
        elif in_commands and raw[:1] in (" ", "\t") and stripped:
            out.append((stripped, path, number))
        else:
            in_commands = False
    return out


def _toml_tox_commands(snap: Snapshot, path: str, table: Any) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []

    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in ("commands", "commands_pre", "commands_post") and isinstance(value, list):
                for command in value:
                    words = command if isinstance(command, list) else [command]
                    text = " ".join(str(w) for w in words if isinstance(w, (str, int)))
                    first = re.escape(str(words[0])) if words else ""
                    line = _line_of(snap, path, rf"^\s*commands\w*\s*=.*{first}")
                    out.append((text, path, line or 0))
            else:
                visit(value)

    visit(table)
    return out


def tox_commands(snap: Snapshot, folder: str = "") -> list[tuple[str, str, int]]:
    """The commands of every tox environment configured in `folder` ("" the root)."""
    out: list[tuple[str, str, int]] = []

    def here(name: str) -> str:
        return posixpath.join(folder, name) if folder else name

    for path in (here("tox.ini"), here("setup.cfg")):
        if snap.exists(path):
            out.extend(_tox_ini_commands(snap, path))
    pyproject = here("pyproject.toml")
    if snap.exists(pyproject):
        tool = (snap.toml(pyproject) or {}).get("tool") or {}
        tox = tool.get("tox") if isinstance(tool, dict) else None
        if isinstance(tox, dict):
            if isinstance(tox.get("legacy_tox_ini"), str):
                out.extend(_tox_ini_commands(snap, pyproject))
            out.extend(_toml_tox_commands(snap, pyproject, tox))
    if snap.exists(here("tox.toml")):
        out.extend(_toml_tox_commands(snap, here("tox.toml"), snap.toml(here("tox.toml")) or {}))
    return out


def tox(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    if _after(text, _TOX) is None:
        return []
    found = tox_commands(snap, cwd) if cwd else []
    return [(c, path, line, f"{path}:testenv") for c, path, line in found or tox_commands(snap)]


# pyproject scripts: poe, hatch run, pdm run, uv run <entry point> ---------------------------
_PYPROJECT_RUNNER = re.compile(
    r"(?:^|[\s(])(?:hatch\s+run|pdm\s+run|poe|(?:poetry|uv|pdm|hatch)\s+run\s+poe|"
    r"python[\d.]*\s+-m\s+poethepoet)(?=\s|$)"
)
_UV_RUN = re.compile(r"(?:^|[\s(])(?:uv|poetry)\s+run(?=\s|$)")


def _pyproject_tables(snap: Snapshot) -> list[dict[str, Any]]:
    data = snap.toml("pyproject.toml") if snap.exists("pyproject.toml") else None
    tool = (data or {}).get("tool") or {}
    if not isinstance(tool, dict):
        return []
    tables: list[Any] = [
        (tool.get("pdm") or {}).get("scripts"),
        (tool.get("poe") or {}).get("tasks"),
    ]
    for env in ((tool.get("hatch") or {}).get("envs") or {}).values():
        if isinstance(env, dict):
            tables.append(env.get("scripts"))
    return [t for t in tables if isinstance(t, dict)]


def _script_body(value: Any) -> tuple[list[str], list[str]]:
    """(commands, referenced task names) of one poe/pdm/hatch script value."""
    commands: list[str] = []
    refs: list[str] = []
    if isinstance(value, str):
        commands.append(value)
    elif isinstance(value, list):
        for item in value:
            sub_commands, sub_refs = _script_body(item)
            commands.extend(sub_commands)
            refs.extend(sub_refs)
    elif isinstance(value, dict):
        for key in ("cmd", "shell", "script", "call"):
            if isinstance(value.get(key), str):
                commands.append(value[key])
        if isinstance(value.get("ref"), str):
            refs.extend(value["ref"].split()[:1])
        for key in ("sequence", "composite"):
            items = value.get(key)
            if isinstance(items, list):
                for item in items:
                    if isinstance(item, str) and key == "sequence":
                        refs.append(item.split()[0])  # poe: a bare string names a task
                    else:
                        sub_commands, sub_refs = _script_body(item)
                        commands.extend(sub_commands)
                        refs.extend(sub_refs)
        for dep in value.get("deps") or []:
            if isinstance(dep, str):
                refs.append(dep.split()[0])
    return commands, refs


def pyproject_scripts(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    words = _after(text, _PYPROJECT_RUNNER)
    if words is None:
        return []
    tables = _pyproject_tables(snap)
    names = [w.split(":", 1)[-1] for w in _task_words(words)[:1]]

    def body(name: str) -> tuple[list[tuple[str, int | None]], list[str]]:
        line = _line_of(snap, "pyproject.toml", rf"""^\s*["']?{re.escape(name)}["']?\s*=""")
        if line is None:
            line = _line_of(snap, "pyproject.toml", rf"""\.{re.escape(name)}["']?\]""")
        commands: list[tuple[str, int | None]] = []
        refs: list[str] = []
        for table in tables:
            if name in table:
                cmds, deps = _script_body(table[name])
                commands.extend((c, line) for c in cmds)
                refs.extend(deps)
                # pdm/hatch scripts may run other scripts by name: `pdm run lint`
                for cmd in cmds:
                    first = cmd.split()[:1]
                    if first and first[0] in table and first[0] != name:
                        refs.append(first[0])
        return commands, refs

    return [(c, "pyproject.toml", line, f"pyproject.toml:{t}") for t, c, line in _walk(names, body)]


# one `name = module:function` entry point of setup.py's `console_scripts` list or of
# setup.cfg's `[options.entry_points]` (mosaicml/llm-foundry setup.py:168
# `'console_scripts': ['llmfoundry = llmfoundry.cli.cli:app']`)
_ENTRY_POINT = re.compile(r"([\w.-]+)\s*=\s*([\w.]+)(?:\s*:\s*([\w.]+))?")
_SETUP_PY_SCRIPTS = re.compile(r"""["']console_scripts["']\s*:\s*\[([^\]]*)\]""")
_QUOTED = re.compile(r"""["']([^"'\n]*)["']""")


def _setup_cfg_scripts(text: str) -> list[str]:
    """The entries of setup.cfg's `console_scripts =` key: its value and the indented lines
    that continue it."""
    entries: list[str] = []
    inside = False
    for line in text.splitlines():
        if inside and (not line.strip() or line[:1] in " \t"):
            entries.append(line)
            continue
        inside = False
        key, sep, value = line.partition("=")
        if sep and key.strip() == "console_scripts":
            inside = True
            entries.append(value)
    return entries


def console_scripts(snap: Snapshot) -> dict[str, tuple[str, str]]:
    """`[project.scripts]` and Poetry scripts of pyproject.toml, and the `console_scripts`
    entry points of setup.py and setup.cfg: name → (module, function), the function '' when
    the target names a module only. setup.py is read as text, never run."""
    data = (snap.toml("pyproject.toml") if snap.exists("pyproject.toml") else None) or {}
    found: dict[str, tuple[str, str]] = {}
    for scripts in (
        base.table(data, "project").get("scripts"),
        base.table(base.table(data, "tool"), "poetry").get("scripts"),
    ):
        for name, target in scripts.items() if isinstance(scripts, dict) else []:
            if isinstance(target, str):
                module, _, func = target.partition(":")
                found[str(name)] = (module.strip(), (func.split() or [""])[0])
    entries: list[str] = []
    setup_py = snap.text("setup.py") if snap.exists("setup.py") else None
    for block in _SETUP_PY_SCRIPTS.findall(setup_py or ""):
        entries.extend(_QUOTED.findall(block))
    setup_cfg = snap.text("setup.cfg") if snap.exists("setup.cfg") else None
    entries.extend(_setup_cfg_scripts(setup_cfg or ""))
    for entry in entries:
        match = _ENTRY_POINT.fullmatch(entry.strip())
        if match and match[1] not in found:
            found[match[1]] = (match[2], match[3] or "")
    return found


def uv_entry_point(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    """`uv run <name>` / `poetry run <name>` of a `[project.scripts]` entry point runs that
    module: reported as `python -m <module>`."""
    words = _after(text, _UV_RUN)
    if not words or not snap.exists("pyproject.toml"):
        return []
    name = _task_words(words, ("--with", "--extra", "--group", "--python", "-p"))[:1]
    scripts = console_scripts(snap)
    if not name or name[0] not in scripts:
        return []
    module = scripts[name[0]][0]
    line = _line_of(snap, "pyproject.toml", rf"""^\s*["']?{re.escape(name[0])}["']?\s*=""")
    return [(f"python -m {module}", "pyproject.toml", line, f"pyproject.toml:{name[0]}")]


# npm / yarn / pnpm ---------------------------------------------------------------------------
def npm(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    for part in _OPS.split(text):
        match = re.search(
            r"(?:^|[\s(])(npm|pnpm|yarn|bun)\s+(?:(run(?:-script)?)\s+|(test|t)(?=\s|$))(\S*)",
            part,
        )
        if match:
            break
    else:
        return []
    task = "test" if match.group(3) else match.group(4)
    if not task or not snap.exists("package.json"):
        return []
    data = snap.json("package.json")
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return []

    def body(name: str) -> tuple[list[tuple[str, int | None]], list[str]]:
        value = scripts.get(name)
        if not isinstance(value, str):
            return [], []
        line = _line_of(snap, "package.json", rf'^\s*"{re.escape(name)}"\s*:')
        refs = re.findall(r"\b(?:npm|pnpm|yarn|bun)\s+run\s+([\w:.-]+)", value)
        refs = [f"pre{name}", *refs, f"post{name}"]
        return [(value, line)], [r for r in refs if r in scripts]

    return [(c, "package.json", line, f"package.json:{t}") for t, c, line in _walk([task], body)]


# git-hook managers: pre-commit, lefthook ----------------------------------------------------
PRECOMMIT_FILES = (".pre-commit-config.yaml", ".pre-commit-config.yml")
_PRECOMMIT = re.compile(r"(?:^|[\s(])(?:pre-commit|prek|python[\d.]*\s+-m\s+pre_commit)\s+run")


def precommit_hook_commands(snap: Snapshot, only: str | None = None) -> list[Command]:
    """What each pre-commit hook runs: a local hook's `entry` (+ args); for a hook from a
    hook repository its id (+ args), which names the tool (`ruff`, `mypy`, `bandit`)."""
    out: list[Command] = []
    for path in PRECOMMIT_FILES:
        for doc in snap.yaml_docs(path) if snap.exists(path) else []:
            repos = doc.get("repos") if isinstance(doc, dict) else None
            for repo in repos if isinstance(repos, list) else []:
                hooks = repo.get("hooks") if isinstance(repo, dict) else None
                for hook in hooks if isinstance(hooks, list) else []:
                    if not isinstance(hook, dict) or not isinstance(hook.get("id"), str):
                        continue
                    if only and hook["id"] != only:
                        continue
                    local = str(repo.get("repo")) in ("local", "meta")
                    head = hook.get("entry") if local and hook.get("entry") else hook["id"]
                    args = hook.get("args")
                    words = [str(head), *(str(a) for a in (args if isinstance(args, list) else []))]
                    line = getattr(hook, "line", None)
                    out.append((" ".join(words), path, line, f"{path}:{hook['id']}"))
    return out


def precommit_named_hook(text: str) -> str | None:
    """The hook a `pre-commit run [options] <hook>` runs alone (None: every hook, or no
    pre-commit run in `text`)."""
    words = _after(text, _PRECOMMIT)
    if words is None:
        return None
    named = _task_words(words, ("--hook-stage", "--from-ref", "--to-ref", "--files", "-c"))
    return named[0] if named else None


def precommit(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    if _after(text, _PRECOMMIT) is None:
        return []
    return precommit_hook_commands(snap, precommit_named_hook(text))


LEFTHOOK_FILES = ("lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml")
_LEFTHOOK = re.compile(r"(?:^|[\s(])lefthook\s+run(?=\s|$)")


def lefthook(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    words = _after(text, _LEFTHOOK)
    if words is None:
        return []
    hooks = _task_words(words, ("--commands", "--jobs"))[:1] or ["pre-commit"]
    out: list[Command] = []
    for path in LEFTHOOK_FILES:
        for doc in snap.yaml_docs(path) if snap.exists(path) else []:
            hook = doc.get(hooks[0]) if isinstance(doc, dict) else None
            if not isinstance(hook, dict):
                continue
            groups: list[Any] = []
            commands = hook.get("commands")
            if isinstance(commands, dict):
                groups.extend(commands.items())
            jobs = hook.get("jobs")
            if isinstance(jobs, list):
                groups.extend((str(j.get("name", i)), j) for i, j in enumerate(jobs))
            for name, spec in groups:
                if isinstance(spec, dict):
                    for key in ("run", "script"):
                        if isinstance(spec.get(key), str):
                            for command, line in _split_block(spec[key], key_line(spec, key)):
                                out.append((command, path, line, f"{path}:{hooks[0]}:{name}"))
    return out


RESOLVERS: tuple[Callable[[Snapshot, str, str], list[Command]], ...] = (
    just,
    taskfile,
    mise,
    invoke,
    nox,
    tox,
    pyproject_scripts,
    uv_entry_point,
    npm,
    precommit,
    lefthook,
)


def resolve(snap: Snapshot, text: str, cwd: str = "") -> list[Command]:
    """Commands that the task-runner invocations in one command line run; `cwd`: the folder
    the line runs in (a CI step's working directory), where tox, nox, just, go-task and
    invoke look for their file first."""
    out: list[Command] = []
    for resolver in RESOLVERS:
        out.extend(resolver(snap, text, cwd))
    return out


def in_folder(snap: Snapshot, cwd: str, names: Iterable[str]) -> str | None:
    """The first of `names` in the folder `cwd`, else at the root (a task runner reads its
    file from the folder it runs in: trainindata/deploying-machine-learning-models runs
    `tox` in section-07-ci-and-publishing/house-prices-api; reviewed)."""
    names = tuple(names)
    if cwd:
        found = next((p for n in names if snap.exists(p := posixpath.join(cwd, n))), None)
        if found:
            return found
    return next((p for p in names if snap.exists(p)), None)
