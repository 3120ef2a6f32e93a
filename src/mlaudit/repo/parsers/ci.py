"""CI configuration → uniform jobs: triggers, commands with lines, actions used.

Supported: GitHub Actions, GitLab CI, Azure Pipelines, CircleCI, Bitbucket Pipelines,
Google Cloud Build (YAML, parsed) and Jenkinsfile (Groovy, read as text).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from mlaudit.patterns import MAX_MATCH_LINE, bounded
from mlaudit.repo.parsers.yaml_docs import LineDict, key_line

CI_GLOBS: dict[str, tuple[str, ...]] = {
    "github": (".github/workflows/*.yml", ".github/workflows/*.yaml"),
    "gitlab": (".gitlab-ci.yml", ".gitlab-ci.yaml", ".gitlab/ci/*.yml", ".gitlab/ci/*.yaml"),
    "azure": (
        "azure-pipelines.yml",
        "azure-pipelines.yaml",
        "*azure-pipelines*.yml",
        ".azure-pipelines/*.yml",
        ".azure-pipelines/*.yaml",
        ".azure/pipelines/*.yml",
        ".azuredevops/*.yml",
        ".pipelines/*.yml",  # the Azure DevOps convention of microsoft/MLOpsPython and others
        ".pipelines/*.yaml",
    ),
    "circleci": (".circleci/config.yml", ".circleci/config.yaml"),
    "bitbucket": ("bitbucket-pipelines.yml",),
    # a cloudbuild/ folder of configs, one per trigger (GoogleCloudPlatform/vertex-pipelines-
    # end-to-end-samples cloudbuild/pr-checks.yaml, run by a python:3.7 image)
    "cloudbuild": (
        "cloudbuild.yaml",
        "cloudbuild.yml",
        "cloudbuild*.yaml",
        "cloudbuild/*.yaml",
        "cloudbuild/*.yml",
        ".cloudbuild/*.yaml",
        ".cloudbuild/*.yml",
    ),
    "jenkins": ("Jenkinsfile", "Jenkinsfile.*", "*.jenkinsfile", "jenkins/*.groovy"),
    # AWS CodeBuild (run by CodePipeline on pushes); SageMaker's MLOps project templates name
    # theirs codebuild-buildspec.yml (YangLIN1997/AWS-MLOps-CI, amanoxsolutions/mlops-realtime-
    # data-ingestion; reviewed). A file without `phases` is no build spec (parse_codebuild)
    "codebuild": ("buildspec.yml", "buildspec.yaml", "*buildspec*.yml", "*buildspec*.yaml"),
}


@dataclass(frozen=True)
class CiCommand:
    text: str
    line: int | None
    # an action's or task's string inputs (GitHub `with:`, Azure `inputs:`), e.g. the
    # Dockerfile docker/build-push-action builds
    inputs: tuple[tuple[str, str], ...] = ()
    # the folder the command runs in, repo-relative ("" = the root): GitHub's
    # `working-directory:` of the step, or of the job's or workflow's `defaults.run`
    cwd: str = ""
    # the step may fail without failing its job: GitHub `continue-on-error: true` (of the
    # step or the job), GitLab `allow_failure: true`
    advisory: bool = False

    def input(self, key: str) -> str | None:
        return next((value for name, value in self.inputs if name == key), None)

    def __post_init__(self) -> None:
        # every pattern over CI commands sees at most MAX_MATCH_LINE characters (issue #13)
        if len(self.text) > MAX_MATCH_LINE:
            object.__setattr__(self, "text", bounded(self.text))


# a GitHub workflow with no trigger left, or a job whose rules accept no event it receives
PAUSED = "paused"
BY_HAND = frozenset({"manual", "workflow_dispatch", PAUSED})
# GitHub events about the repository's conversation and bookkeeping, never about its code
# (kubeflow/examples triage_issues.yaml: `on: issues` moves cards on a project board)
REPOSITORY_EVENTS = frozenset(
    {
        "issues",
        "issue_comment",
        "discussion",
        "discussion_comment",
        "project",
        "project_card",
        "project_column",
        "label",
        "milestone",
        "watch",
        "fork",
        "gollum",
    }
)


@dataclass
class CiJob:
    system: str
    path: str
    name: str
    line: int | None = None
    triggers: set[str] = field(default_factory=set)  # push, pull_request, schedule, manual, tag …
    commands: list[CiCommand] = field(default_factory=list)
    uses: list[CiCommand] = field(default_factory=list)  # actions / tasks / orbs / images
    environment: str | None = None
    disabled: bool = False
    # a reusable workflow or a pipeline template that no pipeline of this repository calls:
    # it runs in the repositories that call it, never here (see mark_uncalled; disabled too)
    runs_elsewhere: bool = False
    trigger_paths: list[str] = field(default_factory=list)
    # GitHub: an event's branch filter, (`branches`, `branches-ignore`), see demote_dead_branches
    branch_filters: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # GitHub: the workflow's name, and the workflows whose runs start this one
    # (`on: workflow_run: workflows: […]`), see inherit_upstream_triggers
    workflow: str = ""
    after: tuple[str, ...] = ()
    # GitHub: what the job starts — `repository_dispatch:<event type>` or
    # `workflow:<file name>` — and, for `on: repository_dispatch`, the event types it takes
    # (empty: any), see inherit_dispatchers_triggers
    dispatches: tuple[str, ...] = ()
    dispatch_types: tuple[str, ...] = ()
    # GitHub: `runs-on: self-hosted` (or a label list holding it): the job runs on a machine
    # of the project's, where a command may start the service itself
    self_hosted: bool = False

    @property
    def scheduled(self) -> bool:
        return "schedule" in self.triggers

    @property
    def only_by_hand(self) -> bool:
        """Started only by a person (GitHub `workflow_dispatch`, a manual GitLab job, a
        Cloud Build config submitted by hand): it runs on no change. Unknown triggers are
        given the benefit of the doubt."""
        return bool(self.triggers) and self.triggers <= BY_HAND

    @property
    def only_on_other_branches(self) -> bool:
        """Runs on changes only to branches the project does not work on (a stale `develop`,
        a `master` that is no longer the default; see demote_dead_branches), by hand aside."""
        rest = self.triggers - BY_HAND
        return bool(rest) and all(t.endswith(OTHER_BRANCHES) for t in rest)

    @property
    def repository_bot(self) -> bool:
        """Runs only on issue, discussion, project-board or label events (a triage or
        stale bot), by hand aside: it builds, tests and ships nothing."""
        return bool(self.triggers - BY_HAND) and self.triggers <= REPOSITORY_EVENTS | BY_HAND


def _any_of(globs: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs) or "(?!)")


# every CI glob as one regex over the file name and one over the path: most files of a
# repository are none, and are told so by two matches instead of ~40 fnmatch calls
_ALL_GLOBS = [g for globs in CI_GLOBS.values() for g in globs]
_ANY_NAME = _any_of([g for g in _ALL_GLOBS if "/" not in g])
_ANY_PATH = _any_of([g for g in _ALL_GLOBS if "/" in g])


# Folders whose files are copies nothing runs: a Jupyter checkpoint of a build spec opened in
# the notebook editor (YangLIN1997/AWS-MLOps-CI .ipynb_checkpoints/codebuild-buildspec-
# checkpoint.yml read as a second CodeBuild project; reviewed), an installed package's files
_COPY_DIRS = re.compile(
    r"(?:^|/)(?:\.ipynb_checkpoints|node_modules|site-packages|\.venv|venv|__pycache__|\.tox|\.nox)/"
)


def ci_system_for(path: str) -> str | None:
    if _COPY_DIRS.search(path):
        return None
    name = path.rsplit("/", 1)[-1]
    if _ANY_NAME.match(name) is None and _ANY_PATH.match(path) is None:
        return None
    for system, globs in CI_GLOBS.items():
        for glob in globs:
            target = path if "/" in glob else name
            if fnmatch.fnmatchcase(target, glob):
                if (
                    "/" in glob
                    or "/" not in path
                    or system in {"jenkins", "cloudbuild", "codebuild"}
                ):
                    return system
                # a root-only file name (e.g. .gitlab-ci.yml) found in a subfolder is ignored
    return None


# An Azure Pipelines definition may live under any name (`environment_setup/
# iac-create-environment-pipeline.yml`, `mlops/devops-pipelines/deploy.yml`): it is
# recognised by its shape — top-level steps/jobs/stages/extends AND an Azure-only marker
# (a versioned `task:`, `vmImage:`, a top-level `pool:`/`trigger:`/`pr:`).
_AZURE_BODY = re.compile(r"^(?:steps|jobs|stages|extends):", re.MULTILINE)
_AZURE_MARKER = re.compile(
    r"^\s*-\s*task:\s*[\w.-]+@\d+\s*$|^\s*vmImage:\s*\S|^(?:pool|trigger|pr):", re.MULTILINE
)
_NOT_AZURE = re.compile(r"^\s*runs-on:|^\s*-?\s*hosts:|^\s*script:\s*$", re.MULTILINE)


# A Cloud Build config under any name (`build/pipeline-deployment.yaml`): top-level `steps:`
# run by Cloud Build builders or with Cloud Build substitutions.
_CLOUDBUILD_BODY = re.compile(r"^steps:", re.MULTILINE)
_CLOUDBUILD_MARKER = re.compile(
    r"^\s*-\s*name:\s*['\"]?gcr\.io/(?:cloud-builders|google\.com/cloudsdktool)/"
    r"|^substitutions:|^\s*args:.*\$_[A-Z]|\$\{_[A-Z][A-Z0-9_]*\}",
    re.MULTILINE,
)


def sniff_ci_system(path: str, text: str) -> str | None:
    """The CI system of a YAML file that no conventional path names, judged by content."""
    if not path.endswith((".yml", ".yaml")) or _COPY_DIRS.search(path):
        return None
    if _AZURE_BODY.search(text) and _AZURE_MARKER.search(text) and not _NOT_AZURE.search(text):
        return "azure"
    if _CLOUDBUILD_BODY.search(text) and _CLOUDBUILD_MARKER.search(text):
        return "cloudbuild"
    return None


_MAX_CONTINUED = 200  # lines joined into one command at most: an unclosed quote ends there
_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")


def _quote_left_open(text: str) -> bool:
    """Does a shell line end inside a quoted string? Backslash escapes count outside single
    quotes; an unquoted `#` after a blank starts a comment, whose apostrophes quote nothing."""
    quote = ""
    escaped = False
    previous = " "
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and previous in " \t":
            return False
        previous = char
    return bool(quote)


# a `cd`/`pushd` that starts a line or follows `&&`/`;` (not inside a `( … )` subshell),
# and a `popd`
_CHANGE_DIR = re.compile(
    r"""(?:^|&&|;)\s*(?:(cd|pushd)\s+("[^"]*"|'[^']*'|(?:\$\{\{[^}]*\}\}|[^\s;&|()])+)|(popd)\b)"""
)
_WORKSPACE = re.compile(r"\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?")
_ENV_REF = re.compile(r"\$\{\{\s*env\.(\w+)\s*\}\}|\$\{(\w+)\}|\$(\w+)")
_ROOT = "\0root"


def _expand(raw: str, env: Mapping[str, str], depth: int = 0) -> str | None:
    """A folder as written, its workspace and environment variables put in (the workspace
    as _ROOT); None when a variable is not known."""
    text = _WORKSPACE.sub(_ROOT, raw.strip().strip("'\""))

    def put(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        value = env.get(name)
        if value is None or depth >= 3:
            raise KeyError(name)
        expanded = _expand(value, env, depth + 1)
        if expanded is None:
            raise KeyError(name)
        return expanded

    try:
        text = _ENV_REF.sub(put, text)
    except KeyError:
        return None
    return None if "${{" in text or "$" in text else text


def _changed_dir(raw: str, cwd: str, env: Mapping[str, str]) -> str | None:
    """The repo-relative folder `cd raw` moves to from `cwd`; None when it cannot be told
    (an unknown variable, a folder outside the checkout, `cd -`)."""
    text = _expand(raw, env)
    if text is None or text in ("-", "") or text.startswith("~"):
        return None
    if text.startswith(_ROOT):
        folder = posixpath.normpath("./" + text[len(_ROOT) :].lstrip("/"))
    elif text.startswith("/"):
        return None
    else:
        folder = posixpath.normpath(posixpath.join(cwd or ".", text))
    if folder == ".." or folder.startswith("../"):
        return None
    return "" if folder == "." else folder


def _follow_dirs(
    command: str, cwd: str, stack: list[str], env: Mapping[str, str]
) -> tuple[str, str]:
    """(the folder `command` runs its work in, the folder the next line starts in): a line
    `cd sub && pytest` runs pytest in sub/, and so do the lines after it (one shell runs a
    block). A folder that cannot be told leaves the folder as it was."""
    if command.lstrip().startswith("("):
        return cwd, cwd  # a subshell's `cd` stays inside it
    runs_in = None
    position = 0
    for match in _CHANGE_DIR.finditer(command):
        if runs_in is None and command[position : match.start()].strip(" &;"):
            runs_in = cwd  # work before the first `cd`
        position = match.end()
        if match.group(3):
            cwd = stack.pop() if stack else cwd
            continue
        moved = _changed_dir(match.group(2), cwd, env)
        if match.group(1) == "pushd":
            stack.append(cwd)
        if moved is not None:
            cwd = moved
    return (cwd if runs_in is None else runs_in), cwd


def _command_lines(
    value: Any, anchor: int | None, cwd: str = "", env: Mapping[str, str] | None = None
) -> list[CiCommand]:
    """A `run:`/`script:` value (string or list of strings) → one command per line, each
    with the folder it runs in (`cd` followed from line to line, its variables read from
    `env`)."""
    known = env or {}
    stack: list[str] = []
    items: list[tuple[str, int | None]] = []
    if isinstance(value, str):
        items.append((value, anchor))
    elif isinstance(value, list):
        lines = getattr(value, "item_lines", None)
        for index, item in enumerate(value):
            line = lines[index] if lines and index < len(lines) else anchor
            if isinstance(item, str):
                items.append((item, line))
            elif isinstance(item, list):
                items.extend((str(s), line) for s in item if isinstance(s, str))
    out: list[CiCommand] = []
    for text, line in items:
        parts = text.splitlines() or [text]
        block = len(parts) > 1 or text.endswith("\n")
        pending: list[str] = []  # the lines of a command continued with a trailing `\`
        start = 0
        heredoc = ""  # the delimiter of a here-document being read: its lines are text
        for offset, part in enumerate(parts):
            in_heredoc = bool(heredoc)
            if heredoc and part.strip() == heredoc:
                heredoc = ""
            elif not heredoc and (here := _HEREDOC.search(part)):
                heredoc = here.group(1)
            if not pending:
                # a shell comment runs nothing (`# Pull dataset with DVC` above `dvc pull`:
                # iterative/cml_dvc_case .github/workflows/cml.yaml:30)
                if not part.strip() or part.lstrip().startswith("#"):
                    continue
                start = offset
            stripped = part.strip()
            if stripped.endswith("\\") and offset + 1 < len(parts):
                # one command over several lines: `train.py \` / `--steps=1` is one run
                # (huggingface/lerobot benchmark_tests.yml:179-201, a 1-step smoke)
                pending.append(stripped[:-1].strip())
                continue
            if (
                offset + 1 < len(parts)
                and not in_heredoc
                and not heredoc
                and len(pending) < _MAX_CONTINUED
                and _quote_left_open(" ".join([*pending, stripped]))
            ):
                # ... and so is a quoted argument over several lines: the lines of a PR
                # body are words of `gh pr create --body "…"`, not commands (huggingface/
                # lerobot latest_deps_tests.yml:276-281)
                pending.append(stripped)
                continue
            command = " ".join(x for x in [*pending, stripped] if x) if pending else stripped
            pending = []
            number = None if line is None else line + start + (1 if block else 0)
            runs_in = cwd
            if "cd " in command or "pushd" in command or "popd" in command:
                runs_in, cwd = _follow_dirs(command, cwd, stack, known)
            out.append(CiCommand(command, number, cwd=runs_in))
    return out


def _working_directory(*scopes: Any) -> str:
    """The first `working-directory` of a step, then of its job's and workflow's
    `defaults.run`, as a repo-relative folder ("" when none, or when an expression)."""
    for scope in scopes:
        if not isinstance(scope, dict):
            continue
        value = scope.get("working-directory")
        if value is None:
            run = _as_dict(_as_dict(scope.get("defaults")).get("run"))
            value = run.get("working-directory")
        if isinstance(value, str) and value.strip():
            folder = value.strip().removeprefix("./").strip("/")
            return "" if "${{" in folder or folder in (".", "") else folder
    return ""


def _env_values(*scopes: Any) -> dict[str, str]:
    """The `env:` values a step's shell sees: the workflow's, then its job's, then its own."""
    values: dict[str, str] = {}
    for scope in scopes:
        for name, value in _as_dict(_as_dict(scope).get("env")).items():
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                values[str(name)] = str(value)
    return values


def _inputs(given: Any) -> tuple[tuple[str, str], ...]:
    """The string inputs of an action or task step, bounded like commands."""
    if not isinstance(given, dict):
        return ()
    # GitHub reads every input as a string: `push: true` is "true" (YAML made it a bool)
    return tuple(
        (str(key), bounded(_input_text(value)))
        for key, value in given.items()
        if isinstance(value, (str, bool, int, float))
    )


def _input_text(value: str | bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _as_dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    """A YAML sequence, or nothing (`steps: true` must not crash a parser: fuzz-found)."""
    return value if isinstance(value, list) else []


_EVENT_TEST = re.compile(r"""github\.event_name\s*(==|!=)\s*['"]([\w-]+)['"]""")


def _job_events(condition: Any, triggers: set[str]) -> set[str]:
    """The workflow's triggers a job's `if:` lets it run on: `github.event_name ==
    'workflow_dispatch'` keeps that event alone (tecmx-team46-pricing/pricing-mlops-platform
    .github/workflows/platform-infra.yml:69, a deploy job of a workflow that also runs on
    pull requests; reviewed), `!=` drops one. A condition that ORs an event test with
    anything else is not read."""
    if not isinstance(condition, str) or "event_name" not in condition:
        return triggers
    # a reusable workflow runs on its callers' events; a negated or computed test is not read
    if "workflow_call" in triggers or "!(" in condition or "contains(" in condition:
        return triggers
    parts = condition.split("||")
    tests = [_EVENT_TEST.findall(part) for part in parts]
    if len(parts) > 1 and not all(tests):
        return triggers
    # a push of a tag is stored as the `tag` trigger
    wanted = {event for found in tests for op, event in found if op == "=="}
    dropped = {event for found in tests for op, event in found if op == "!="}
    if "push" in wanted:
        wanted.add("tag")
    if "push" in dropped:
        dropped.add("tag")
    kept = {
        trigger
        for trigger in triggers
        if (not wanted or trigger.split("@")[0] in wanted) and trigger.split("@")[0] not in dropped
    }
    return kept or {PAUSED}


def _truthy_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip() in {"false", "${{ false }}"})


# GitHub Actions -------------------------------------------------------------------------
_BRANCH_EVENTS = frozenset({"push", "pull_request", "pull_request_target"})
# a trigger whose branch filter names no branch the project works on (demote_dead_branches)
OTHER_BRANCHES = "@other-branches"
# a branch whose last commit is this much older than the scanned commit is no longer worked on
LIVE_BRANCH_SECONDS = 180 * 86_400

BranchFilters = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def _github_triggers(doc: dict[Any, Any]) -> tuple[set[str], list[str], BranchFilters]:
    raw = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as True
    paths: list[str] = []
    filters: BranchFilters = {}
    if isinstance(raw, str):
        return {raw}, paths, filters
    if isinstance(raw, list):
        return {str(x) for x in raw}, paths, filters
    triggers: set[str] = set()
    for key, value in _as_dict(raw).items():
        event = str(key)
        spec = _as_dict(value)
        if isinstance(spec.get("paths"), list):
            paths.extend(str(p) for p in spec["paths"])
        branches = [str(b) for b in _as_list(spec.get("branches")) if b is not None]
        ignored = [str(b) for b in _as_list(spec.get("branches-ignore")) if b is not None]
        if (
            event == "push"
            and not (branches or ignored)
            and ("tags" in spec or "tags-ignore" in spec)
        ):
            # `push: tags: [v*]` runs on a release tag, never on a pushed change
            triggers.add("tag")
            continue
        triggers.add(event)
        if event in _BRANCH_EVENTS and (branches or ignored):
            filters[event] = (tuple(branches), tuple(ignored))
    return triggers, paths, filters


@lru_cache(maxsize=1024)
def _branch_pattern(pattern: str) -> re.Pattern[str] | None:
    """GitHub's branch filter glob (`*` within a segment, `**` across, `?`/`+` the preceding
    character's count, `[…]` a class) as a regex; None for an expression it cannot read."""
    if "${{" in pattern:
        return None
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c in "?+" and out:
            out.append(c)
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                return None
            out.append("[" + re.escape(pattern[i + 1 : end]).replace("\\-", "-") + "]")
            i = end + 1
            continue
        else:
            out.append(re.escape(c))
        i += 1
    try:
        return re.compile("".join(out) + r"\Z")
    except re.error:
        return None


def _filter_takes(branches: tuple[str, ...], ignored: tuple[str, ...], name: str) -> bool | None:
    """Does an event's branch filter take the branch `name`? (GitHub: the last matching
    pattern of `branches` decides, a `!` one excludes; `branches-ignore` excludes.) None when
    a pattern cannot be read."""
    if ignored:
        for pattern in ignored:
            compiled = _branch_pattern(pattern)
            if compiled is None:
                return None
            if compiled.match(name):
                return False
        if not branches:
            return True
    taken = False
    for pattern in branches:
        negated = pattern.startswith("!")
        compiled = _branch_pattern(pattern[1:] if negated else pattern)
        if compiled is None:
            return None
        if compiled.match(name):
            taken = not negated
    return taken


def other_branch_note(jobs: Iterable[CiJob]) -> str | None:
    """Why the jobs run on no change, when a branch filter is why: `only on changes to
    develop, a branch the project no longer works on`; None otherwise."""
    named: dict[str, None] = {}
    for job in jobs:
        for event, (branches, ignored) in job.branch_filters.items():
            if event + OTHER_BRANCHES in job.triggers:
                named.update(dict.fromkeys(branches or tuple(f"!{b}" for b in ignored)))
    if not named:
        return None
    shown = ", ".join(f"`{b}`" for b in list(named)[:4])
    return (
        f"only on changes to {shown}: no branch the project works on "
        "(its default branch, or one with a commit in the last 180 days)"
    )


def idle_reason(jobs: Iterable[CiJob], otherwise: str) -> str:
    """Why `jobs`, none of which runs on a change, do not: `otherwise` (by hand, on a
    schedule), a branch filter that takes no branch the project works on, or both."""
    jobs = list(jobs)
    if jobs and all(job.triggers == {PAUSED} for job in jobs):
        return (
            "they run on nothing: every trigger of their workflow is commented out, or their "
            "rules accept no event it receives"
        )
    note = other_branch_note(jobs)
    if note is None:
        return otherwise
    if all(job.only_on_other_branches for job in jobs):
        return note
    return f"{otherwise}, or {note}"


def _inherit_callers_triggers(jobs: list[CiJob]) -> None:
    """A GitHub reusable workflow runs on the events of the jobs that call it (`uses:
    ./.github/workflows/x.yaml` in a job): its jobs get their callers' triggers, through
    chains of calls too (open-edge-platform/anomalib pr.yaml:76 calls
    _reusable-test-suite.yaml on every pull request; reviewed)."""
    by_path: dict[str, list[CiJob]] = {}
    for job in jobs:
        if job.system == "github" and "workflow_call" in job.triggers:
            by_path.setdefault(job.path.lower(), []).append(job)
    if not by_path:
        return
    for _round in range(len(by_path)):  # a chain is at most as long as there are workflows
        grew = False
        for caller in jobs:
            if caller.system != "github" or caller.disabled:
                continue
            for use in caller.uses:
                target = use.text.split("@", 1)[0].strip().removeprefix("./").lower()
                for callee in by_path.get(target, ()):
                    added = (caller.triggers - {"workflow_call"}) - callee.triggers
                    if added and callee is not caller:
                        callee.triggers |= added
                        grew = True
        if not grew:
            return


def inherit_upstream_triggers(jobs: list[CiJob]) -> None:
    """A GitHub workflow started when another completes (`on: workflow_run: workflows:
    [CI]`) runs on that workflow's events: on every push when CI runs on every push
    (McDoritos/AAIL-Practical_8 2_continuous_delivery.yml:8-10, training and end-to-end tests
    chained after the CI workflow; reviewed), through chains of them too. Its own filters
    stay; it takes the upstream's path and branch filters where it has none."""
    by_name: dict[str, list[CiJob]] = {}
    for job in jobs:
        if job.system == "github" and job.workflow:
            by_name.setdefault(job.workflow, []).append(job)
    chained = [j for j in jobs if j.system == "github" and j.after and "workflow_run" in j.triggers]
    for _round in range(len(by_name)):  # a chain is at most as long as there are workflows
        grew = False
        for job in chained:
            for name in job.after:
                for upstream in by_name.get(name, ()):
                    if upstream is job or upstream.disabled:
                        continue
                    added = upstream.triggers - {"workflow_run", "workflow_call"} - job.triggers
                    if not added:
                        continue
                    job.triggers |= added
                    if not job.trigger_paths:
                        job.trigger_paths.extend(upstream.trigger_paths)
                    for event in added:
                        if event in upstream.branch_filters:
                            job.branch_filters.setdefault(event, upstream.branch_filters[event])
                    grew = True
        if not grew:
            return


def mark_uncalled(jobs: list[CiJob]) -> None:
    """A GitHub reusable workflow (`on: workflow_call`) or an Azure Pipelines template (a job
    with no trigger of its own) runs only where a pipeline calls it. When no pipeline of this
    repository calls it, it runs in other repositories, never on this one's changes: it is
    marked `runs_elsewhere` and disabled (Azure/mlops-templates .github/workflows/*.yml, all
    `workflow_call`, and templates/**/*.yml, the steps its consumers include; reviewed). A
    reusable workflow that can also be started by hand keeps that trigger only."""
    called: set[str] = set()
    for job in jobs:
        for use in job.uses:
            text = use.text.split("@", 1)[0].strip().removeprefix("./").lower()
            called.update((text, text.rsplit("/", 1)[-1]))
    _inherit_callers_triggers(jobs)
    for job in jobs:
        if job.system == "github" and "workflow_call" in job.triggers:
            if not job.triggers - {"workflow_call"} <= BY_HAND:
                continue
        elif not (job.system == "azure" and not job.triggers):
            continue
        path = job.path.lower()
        if path in called or path.rsplit("/", 1)[-1] in called:
            continue
        job.triggers.discard("workflow_call")
        if not job.triggers:
            job.runs_elsewhere = job.disabled = True


def demote_dead_branches(
    jobs: list[CiJob], default: str | None, tips: dict[str, int], now: int | None
) -> None:
    """A push or pull-request trigger filtered to branches the project does not work on runs
    on none of its changes: it becomes `<event>@other-branches`. The project works on its
    default branch (the remote's HEAD) and on every branch with a commit in the
    LIVE_BRANCH_SECONDS before the scanned commit (a git-flow `develop` that `main` merges).
    DataTalksClub/mlops-zoomcamp ci-tests.yml:3-5 runs on pull requests into `develop`, whose
    last commit is from 2022, while `main` took every change since (reviewed); a workflow
    still filtered to `master` after the default moved to `main` runs on nothing. Without a
    default branch (no remote HEAD: a CI checkout, a local repository) nothing changes."""
    if default is None:
        return
    live = {b for b, t in tips.items() if now is None or t >= now - LIVE_BRANCH_SECONDS}
    # the default branch first: most filters take it, and the first yes decides
    names = (default, *sorted(live - {default}))
    for job in jobs:
        for event, (branches, ignored) in job.branch_filters.items():
            if event not in job.triggers:
                continue
            if any(_filter_takes(branches, ignored, b) is not False for b in names):
                continue  # taken, or a pattern that cannot be read
            job.triggers = (job.triggers - {event}) | {event + OTHER_BRANCHES}


# the keys a GitHub workflow may hold at its top (YAML 1.1 reads an unquoted `on` as true)
_WORKFLOW_KEYS = frozenset(
    {"name", "run-name", "on", True, "permissions", "env", "defaults", "concurrency", "jobs"}
)


def unknown_workflow_key(doc: Any) -> str | None:
    """Why GitHub rejects a workflow file, when a top-level key is none of a workflow's: a job
    written at the top instead of under `jobs:` (btlambodh/demand-stock-forecasting-mlops
    .github/workflows/ci-cd.yml:475 `cleanup:`; reviewed) makes the file invalid, and none of
    its jobs runs ("Invalid workflow file … Unexpected value 'cleanup'")."""
    if not isinstance(doc, dict) or "jobs" not in doc:
        return None
    for key in doc:
        if key not in _WORKFLOW_KEYS:
            line = key_line(doc, key)
            where = f" (line {line})" if line else ""
            return f"unexpected top-level key '{key}'{where}: GitHub rejects the workflow"
    return None


def parse_github(path: str, doc: Any) -> list[CiJob]:
    if not isinstance(doc, dict):
        return []
    triggers, paths, filters = _github_triggers(doc)
    raw_on = doc.get("on", doc.get(True))
    run_after = _as_dict(_as_dict(raw_on).get("workflow_run"))
    upstream = tuple(str(w) for w in _as_list(run_after.get("workflows")) if w is not None)
    dispatch_on = _as_dict(_as_dict(raw_on).get("repository_dispatch"))
    types = tuple(str(t) for t in _as_list(dispatch_on.get("types")) if t is not None)
    if not triggers:
        # a workflow with no `on:` (every trigger commented out) runs on nothing until they
        # are restored: paused, like one started only by hand (coderkol95/
        # MLOps_stock_prediction "Pausing all workflows to avoid costs"; reviewed)
        triggers = {PAUSED}
    jobs: list[CiJob] = []
    for name, job in _as_dict(doc.get("jobs")).items():
        if not isinstance(job, dict):
            continue
        env = job.get("environment")
        if isinstance(env, dict):
            # `deployment: false`: the environment's secrets and approvals without a
            # deployment (open-edge-platform/anomalib auto-approve.yml:52-54, a bot approving
            # pull requests; reviewed)
            deploys = env.get("deployment") not in (False, "false")
            env = env.get("name") if deploys else None
        ci = CiJob(
            "github",
            path,
            str(name),
            key_line(doc.get("jobs"), name),
            _job_events(job.get("if"), set(triggers)),
            environment=str(env) if env else None,
            disabled=_truthy_false(job.get("if")),
            trigger_paths=list(paths),
            branch_filters=dict(filters),
            workflow=str(doc.get("name") or path),
            after=upstream,
            dispatch_types=types,
            self_hosted=_self_hosted(job.get("runs-on")),
        )
        dispatched: list[str] = []
        if isinstance(job.get("uses"), str):
            called = CiCommand(job["uses"], key_line(job, "uses"), _inputs(job.get("with")))
            ci.uses.append(called)
            ci.commands.extend(template_commands(called))
        matrix = _matrix_values(job.get("strategy"))
        for step in _as_list(job.get("steps")):
            if not isinstance(step, dict):
                continue
            dispatched += _dispatched(step)
            if "run" in step:
                run = _with_matrix(step["run"], matrix)
                cwd = _working_directory(step, job, doc)
                shell_env = _env_values(doc, job, step)
                lines = _command_lines(run, key_line(step, "run"), cwd, shell_env)
                if step.get("continue-on-error") is True or job.get("continue-on-error") is True:
                    lines = [replace(c, advisory=True) for c in lines]
                ci.commands.extend(lines)
            if isinstance(step.get("uses"), str):
                with_ = step.get("with")
                ci.uses.append(CiCommand(step["uses"], key_line(step, "uses"), _inputs(with_)))
                # actions/github-script's `script` is JavaScript run against the GitHub API
                # (an issue bot: facebookresearch/detectron2 needs-reply.yml:18), no shell
                javascript = step["uses"].startswith("actions/github-script")
                for key, value in _as_dict(with_).items():
                    # an input the action runs: `run`, `script`, `command`, `args`, or one
                    # named for it (mosaicml/llm-foundry pr-cpu.yaml:36 `pytest_command:`)
                    if javascript and key == "script":
                        continue
                    if isinstance(value, str) and _COMMAND_INPUT.search(str(key)):
                        line = key_line(with_, key)
                        ci.commands.extend(_command_lines(_with_matrix(value, matrix), line))
        ci.dispatches = tuple(dict.fromkeys(dispatched))
        jobs.append(ci)
    return jobs


def _self_hosted(runs_on: Any) -> bool:
    labels = runs_on.get("labels") if isinstance(runs_on, dict) else runs_on
    return any(str(label).strip() == "self-hosted" for label in _as_list(labels) or [labels])


# what a step starts in this repository's workflows: a repository_dispatch event (the REST
# call from github-script or curl, `gh api …/dispatches`, peter-evans/repository-dispatch)
# or a workflow by its file (`gh workflow run retrain.yml`, createWorkflowDispatch)
_EVENT_TYPE = re.compile(r"""event[_-]type\\?['"]?\s*[:=]\s*\\?['"]?([\w.-]+)""")
_WORKFLOW_RUN = re.compile(
    r"\bgh\s+workflow\s+run\s+['\"]?([\w.-]+\.ya?ml)\b"
    r"|workflow_id['\"]?\s*[:=]\s*['\"]([\w.-]+\.ya?ml)['\"]"
    r"|/actions/workflows/([\w.-]+\.ya?ml)/dispatches\b"
)


def _dispatched(step: dict[Any, Any]) -> list[str]:
    parts = [str(step["run"])] if isinstance(step.get("run"), str) else []
    uses = str(step.get("uses") or "")
    with_ = _as_dict(step.get("with"))
    if uses.startswith("actions/github-script"):
        parts.append(str(with_.get("script") or ""))
    elif uses.startswith("peter-evans/repository-dispatch"):
        parts.append(f"dispatches event-type: {with_.get('event-type')}")
    elif uses:
        parts.append(" ".join(f"{k}: {v}" for k, v in with_.items() if isinstance(v, str)))
    found: list[str] = []
    for text in parts:
        if "dispatch" in text.lower():
            found += [f"repository_dispatch:{t}" for t in _EVENT_TYPE.findall(text)]
        for match in _WORKFLOW_RUN.finditer(text):
            found.append(f"workflow:{next(g for g in match.groups() if g)}")
    return found


def inherit_dispatchers_triggers(jobs: list[CiJob]) -> None:
    """A GitHub workflow another one dispatches (`on: repository_dispatch: types: [retrain]`,
    or `workflow_dispatch` started by `gh workflow run retrain.yml`) runs on the dispatcher's
    events: a weekly drift check that dispatches retraining retrains weekly when it finds
    drift (neopentane7/mlops-fraud-detection .github/workflows/monitor.yml:4-5,62-77 →
    retrain.yml:11-12; reviewed)."""
    dispatchers = [j for j in jobs if j.system == "github" and j.dispatches and not j.disabled]
    if not dispatchers:
        return
    # a chain (cron → drift check → retraining) grows one link a round, whatever the order
    # of the files: until nothing grows, as inherit_upstream_triggers
    for _round in range(len(jobs)):
        if not _inherit_dispatchers_once(jobs, dispatchers):
            return


def _inherit_dispatchers_once(jobs: list[CiJob], dispatchers: list[CiJob]) -> bool:
    grew = False
    for job in jobs:
        if job.system != "github":
            continue
        wanted: set[str] = set()
        if "repository_dispatch" in job.triggers:
            wanted |= {f"repository_dispatch:{t}" for t in job.dispatch_types}
        if "workflow_dispatch" in job.triggers:
            wanted.add(f"workflow:{job.path.rsplit('/', 1)[-1]}")
        for source in dispatchers:
            if source is job:
                continue
            takes_any = "repository_dispatch" in job.triggers and not job.dispatch_types
            sent = set(source.dispatches)
            if wanted & sent or (takes_any and any(d.startswith("repository_") for d in sent)):
                added = source.triggers - {"workflow_call"} - job.triggers
                if added:
                    job.triggers |= added
                    grew = True
    return grew


# Azure's MLOps v2 accelerator calls the template workflows of Azure/mlops-templates
# (`uses: Azure/mlops-templates/.github/workflows/run-pipeline.yml@v1.1.0`), each of which runs
# one `az ml` command over a file of the calling repository named by an input: the command is
# read as the caller's own (MohamedDiar/azure-mlops-fraud-detection
# .github/workflows/deploy-online-endpoint-pipeline.yml:23-28; reviewed). Their Terraform
# template only echoes its apply step, so it is not here.
_AZURE_MLOPS_TEMPLATE = re.compile(
    r"^azure/mlops-templates/\.github/workflows/([\w-]+)\.ya?ml(?:@|$)", re.IGNORECASE
)
_AZURE_MLOPS_COMMANDS = {
    "run-pipeline": "az ml job create --file {parameters-file}",
    "create-deployment": "az ml {endpoint_type}-deployment create -f {endpoint_file}",
    "create-endpoint": "az ml {endpoint_type}-endpoint create -f {endpoint_file}",
    "allocate-traffic": "az ml online-endpoint update --traffic {traffic_allocation}",
    "register-environment": "az ml environment create --file {environment_file}",
    "register-dataset": "az ml data create --file {data_file}",
    "create-compute": "az ml compute create --name {cluster_name}",
}
_TEMPLATE_INPUT = re.compile(r"\{([\w-]+)\}")


def template_commands(called: CiCommand) -> list[CiCommand]:
    """The command a known template workflow runs for this call, with its inputs filled in
    (none when the template is unknown or an input it needs is not given)."""
    match = _AZURE_MLOPS_TEMPLATE.match(called.text.strip())
    command = _AZURE_MLOPS_COMMANDS.get(match.group(1).lower()) if match else None
    if command is None:
        return []
    values = [called.input(name) for name in _TEMPLATE_INPUT.findall(command)]
    if any(not value for value in values):
        return []
    filled = _TEMPLATE_INPUT.sub(lambda m: called.input(m.group(1)) or "", command)
    return [CiCommand(filled, called.line, called.inputs)]


_COMMAND_INPUT = re.compile(r"^(?:run|script|command|args)$|[_-](?:command|cmd|script)$")
_MATRIX_REF = re.compile(r"\$\{\{\s*matrix\.([\w-]+(?:\.[\w-]+)?)\s*\}\}")
MAX_MATRIX_VARIANTS = 8


def _matrix_values(strategy: Any) -> dict[str, list[str]]:
    """A job's matrix: each key's scalar values, from its lists and `include` entries."""
    matrix = _as_dict(_as_dict(strategy).get("matrix"))
    pairs = [(k, v) for k, v in matrix.items() if k not in ("include", "exclude")]
    pairs += [pair for entry in _as_list(matrix.get("include")) for pair in _as_dict(entry).items()]
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                values.setdefault(str(key), []).append(str(item))
            elif isinstance(item, dict):
                # an entry that is a mapping, read as `matrix.<key>.<field>` (allenai/OLMo
                # main.yml:30-75: `task: {name: Test, run: pytest …}`, run as
                # `${{ matrix.task.run }}`)
                for field, scalar in item.items():
                    if isinstance(scalar, (str, int, float)) and not isinstance(scalar, bool):
                        values.setdefault(f"{key}.{field}", []).append(str(scalar))
    return values


def _with_matrix(value: Any, matrix: dict[str, list[str]]) -> Any:
    """`value` with `${{ matrix.x }}` replaced by the matrix's values, one variant each (at
    most MAX_MATRIX_VARIANTS), so that a command held in the matrix is seen."""
    if not isinstance(value, str) or not matrix or "matrix." not in value:
        return value
    keys = [k for k in dict.fromkeys(_MATRIX_REF.findall(value)) if k in matrix]
    if not keys:
        return value
    count = min(max(len(matrix[k]) for k in keys), MAX_MATRIX_VARIANTS)
    variants = []
    for index in range(count):

        def pick(m: re.Match[str], index: int = index) -> str:
            options = matrix.get(m.group(1))
            return options[index % len(options)] if options else m.group(0)

        variants.append(_MATRIX_REF.sub(pick, value))
    unique = list(dict.fromkeys(variants))
    return unique[0] if len(unique) == 1 else unique  # a list: each variant at the key's line


# GitLab CI -------------------------------------------------------------------------------
_GITLAB_RESERVED = {
    "stages",
    "variables",
    "default",
    "include",
    "workflow",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "types",
}


# what `$CI_PIPELINE_SOURCE` (a rule's condition) or an `only:` keyword names, as a trigger
_GITLAB_SOURCES = {
    "schedule": "schedule",
    "schedules": "schedule",
    "merge_request_event": "pull_request",
    "merge_requests": "pull_request",
    "external_pull_request_event": "pull_request",
    "external_pull_requests": "pull_request",
    "push": "push",
    "pushes": "push",
    "branches": "push",
    "pipeline": "push",
    "pipelines": "push",
    "parent_pipeline": "push",
    "tags": "tag",
    "web": "manual",
    "api": "manual",
    "trigger": "manual",
    "triggers": "manual",
    "chat": "manual",
}
_GITLAB_SOURCE_TEST = re.compile(r"\$CI_PIPELINE_SOURCE\s*(==|!=|=~|!~)\s*(\S+)")
# `$NAME == "value"`: a variable the file defines, compared to another value than its own
_GITLAB_VARIABLE_TEST = re.compile(r"""\$(\w+)\s*==\s*["']([^"']*)["']""")


def _gitlab_variables(*holders: Any) -> dict[str, str]:
    """The `variables:` the file defines (global, then the job's), as text."""
    out: dict[str, str] = {}
    for holder in holders:
        for name, value in _as_dict(
            holder.get("variables") if isinstance(holder, dict) else None
        ).items():
            if isinstance(value, dict):
                value = value.get("value")
            if isinstance(value, str | int | float | bool):
                out[str(name)] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def _gitlab_condition(condition: str, variables: dict[str, str]) -> set[str]:
    """The triggers on which a rule's `if:` holds. A part that needs a variable of the file
    set to another value than its default (`$ENABLE_DEPLOY_JOBS == "true"` with `"false"`
    in `variables:`) holds only when someone sets it for a run: by hand."""
    out: set[str] = set()
    for part in re.split(r"\|\|", condition):
        defaulted = [
            (name, wanted)
            for name, wanted in _GITLAB_VARIABLE_TEST.findall(part)
            if name in variables and variables[name] != wanted
        ]
        if defaulted:
            out.add("manual")
            continue
        sources: set[str] | None = None
        for op, value in _GITLAB_SOURCE_TEST.findall(part):
            named = {
                trigger
                for word, trigger in _GITLAB_SOURCES.items()
                if re.search(rf"\b{word}\b", value)
            }
            if op in ("!=", "!~"):
                named = {"push", "pull_request"} - named
            sources = named if sources is None else sources & named
        # a tag's pipeline has the source `push`: a test of the tag makes it a tag's
        tagged = "$CI_COMMIT_TAG" in part and not re.search(
            r"""\$CI_COMMIT_TAG\s*(?:==\s*(?:null|["']{2})|!=)""", part
        )
        if sources is None:
            if tagged:
                sources = {"tag"}
            elif "$CI_MERGE_REQUEST" in part:
                sources = {"pull_request"}
            else:
                sources = {"push"}
        elif tagged and "push" in sources:
            sources = (sources - {"push"}) | {"tag"}
        out |= sources
    return out


def _gitlab_triggers(job: dict[Any, Any], variables: dict[str, str] | None = None) -> set[str]:
    """The events that start a GitLab job: its `rules:` read one by one (a `when: never`
    rule starts nothing, a `when: manual` one waits for a person), else its `only:`; a job
    whose rules start it on no event is PAUSED."""
    variables = variables or {}
    job_when = job.get("when")
    rules = job.get("rules")
    if isinstance(rules, list) and rules:
        triggers: set[str] = set()
        for rule in rules:
            if not isinstance(rule, dict):
                continue
            when = rule.get("when", job_when)
            if when == "never":
                continue
            condition = rule.get("if")
            got = (
                _gitlab_condition(condition, variables)
                if isinstance(condition, str)
                else {"push", "pull_request"}
            )
            triggers |= {"manual"} if when == "manual" else got
        return triggers or {PAUSED}
    only = job.get("only")
    if isinstance(only, dict):
        only = only.get("refs")
    if isinstance(only, str):
        only = [only]
    if isinstance(only, list) and only:
        triggers = {_GITLAB_SOURCES.get(str(ref), "push") for ref in only}
    else:
        triggers = {"push", "pull_request"}
    if job_when == "manual":
        return {"manual"}
    return triggers


def parse_gitlab(path: str, doc: Any) -> list[CiJob]:
    if not isinstance(doc, dict):
        return []
    jobs = []
    default = _as_dict(doc.get("default"))
    for name, job in doc.items():
        if str(name) in _GITLAB_RESERVED or str(name).startswith(".") or not isinstance(job, dict):
            continue
        if not any(k in job for k in ("script", "trigger", "extends", "run")):
            continue
        variables = _gitlab_variables(doc, job)
        ci = CiJob("gitlab", path, str(name), key_line(doc, name), _gitlab_triggers(job, variables))
        env = job.get("environment")
        ci.environment = str(env.get("name") if isinstance(env, dict) else env) if env else None
        allowed = job.get("allow_failure") is True  # `{exit_codes: …}` allows only those
        for key in ("before_script", "script", "after_script"):
            source = job if key in job else default
            if key in source:
                lines = _command_lines(source[key], key_line(source, key))
                if allowed:
                    lines = [replace(c, advisory=True) for c in lines]
                ci.commands.extend(lines)
        image = job.get("image") or doc.get("image")
        if isinstance(image, str):
            ci.uses.append(CiCommand(image, key_line(job, "image")))
        jobs.append(ci)
    return jobs


# Azure Pipelines -------------------------------------------------------------------------
_AZURE_SCRIPT_KEYS = ("script", "bash", "pwsh", "powershell")


def _azure_steps(container: dict[Any, Any], ci: CiJob) -> None:
    for step in _as_list(container.get("steps")):
        if not isinstance(step, dict):
            continue
        for key in _AZURE_SCRIPT_KEYS:
            if key in step:
                ci.commands.extend(_command_lines(step[key], key_line(step, key)))
        if isinstance(step.get("task"), str):
            inputs = _as_dict(step.get("inputs"))
            ci.uses.append(CiCommand(step["task"], key_line(step, "task"), _inputs(inputs)))
            for key in ("script", "inline", "inlineScript", "arguments", "command"):
                if isinstance(inputs.get(key), str):
                    ci.commands.extend(_command_lines(inputs[key], key_line(inputs, key)))
        if isinstance(step.get("template"), str):
            ci.uses.append(CiCommand(step["template"], key_line(step, "template")))


def parse_azure(path: str, doc: Any) -> list[CiJob]:
    if not isinstance(doc, dict):
        return []
    triggers = {"push"}
    if doc.get("pr") != "none":
        triggers.add("pull_request")
    if doc.get("trigger") == "none":
        triggers.discard("push")
    if doc.get("schedules"):
        triggers.add("schedule")
    # a step/job template (`*template*.yml`, or any file of a `templates/` folder, with no
    # trigger of its own) runs only where a pipeline includes it; the CI-reach probes follow
    # the include with that pipeline's triggers (Azure/mlops-templates templates/aml-cli-v2/
    # *.yml: step templates for the repositories that consume them; reviewed)
    name_part = path.rsplit("/", 1)[-1].lower()
    in_templates = "templates" in path.lower().split("/")[:-1]
    if ("template" in name_part or in_templates) and not any(
        k in doc for k in ("trigger", "pr", "schedules")
    ):
        triggers = set()
    jobs: list[CiJob] = []

    def job_from(container: dict[Any, Any], name: str, line: int | None) -> None:
        ci = CiJob("azure", path, name, line, set(triggers))
        env = container.get("environment")
        ci.environment = str(env.get("name") if isinstance(env, dict) else env) if env else None
        _azure_steps(container, ci)
        strategy = _as_dict(container.get("strategy"))
        for phase in _as_dict(strategy.get("runOnce")).values():
            if isinstance(phase, dict):
                _azure_steps(phase, ci)
        if ci.commands or ci.uses:
            jobs.append(ci)

    if "steps" in doc:
        job_from(doc, "default", 1)
    containers = list(_as_list(doc.get("jobs")))
    for stage in _as_list(doc.get("stages")):
        if isinstance(stage, dict):
            containers.extend(_as_list(stage.get("jobs")))
    for job in containers:
        if isinstance(job, dict) and isinstance(job.get("template"), str):
            # a job template the pipeline includes runs with the pipeline's triggers: the
            # include is followed as a template use is (microsoft/Olive .azure_pipelines/
            # olive-ci.yaml:39 `- template: job_templates/olive-test-cpu-template.yaml`, the
            # pull-request test job; reviewed)
            line = key_line(job, "template")
            included = CiJob("azure", path, f"template {job['template']}", line, set(triggers))
            included.uses.append(CiCommand(job["template"], line))
            jobs.append(included)
        elif isinstance(job, dict):
            name = str(job.get("job") or job.get("deployment") or "job")
            job_from(job, name, getattr(job, "line", None))
    return jobs


# CircleCI --------------------------------------------------------------------------------
def _circleci_workflow_jobs(doc: dict[str, Any]) -> dict[str, set[str]] | None:
    """Job name → the triggers of the workflows that run it; None without `workflows:`.

    A job runs only when a workflow lists it (a course's config keeps a dozen jobs of past
    sections whose workflow is commented out: trainindata/deploying-machine-learning-models
    .circleci/config.yml:298; reviewed). A workflow with `triggers:` runs on its schedule
    only; a job whose filters ignore every branch runs on tags only."""
    workflows = doc.get("workflows")
    if not isinstance(workflows, dict):
        return None
    live: dict[str, set[str]] = {}
    for name, workflow in workflows.items():
        if name == "version" or not isinstance(workflow, dict):
            continue
        scheduled = "schedule" in repr(workflow.get("triggers", ""))
        for entry in _as_list(workflow.get("jobs")):
            if isinstance(entry, str):
                job, config = entry, None
            elif isinstance(entry, dict) and len(entry) == 1:
                job, config = next(iter(entry.items()))
            else:
                continue
            if scheduled:
                triggers = {"schedule"}
            elif _circleci_tags_only(config):
                triggers = {"tag"}
            else:
                triggers = {"push", "pull_request"}
            live.setdefault(str(job), set()).update(triggers)
    return live


def _circleci_tags_only(config: Any) -> bool:
    filters = config.get("filters") if isinstance(config, dict) else None
    if not isinstance(filters, dict) or not isinstance(filters.get("tags"), dict):
        return False
    branches = filters.get("branches")
    ignored = branches.get("ignore") if isinstance(branches, dict) else None
    return any(str(i).strip() in ("/.*/", "/.+/") for i in _as_list(ignored) or [ignored])


_CIRCLECI_HOME = "~/project"  # CircleCI's default working directory, where checkout clones


def _circleci_checkout_root(job: dict[str, Any], steps: list[Any]) -> str:
    """Where the job's `checkout` puts the repository: its `path:`, else the job's working
    directory."""
    for step in steps:
        if isinstance(step, dict) and isinstance(step.get("checkout"), dict):
            where = step["checkout"].get("path")
            if isinstance(where, str) and where.strip():
                return _circleci_dir(where, job)
    return _circleci_dir(None, job)


def _circleci_dir(value: Any, job: dict[str, Any] | None) -> str:
    """A CircleCI folder as written, normalised; a relative one is under the job's working
    directory (or the default one)."""
    if not isinstance(value, str) or not value.strip():
        return _circleci_dir(job.get("working_directory"), None) if job else _CIRCLECI_HOME
    folder = value.strip().rstrip("/")
    if not folder.startswith(("/", "~")):
        base = _circleci_dir(job.get("working_directory"), None) if job else _CIRCLECI_HOME
        folder = f"{base}/{folder.removeprefix('./')}"
    return folder


def _circleci_cwd(root: str, step_dir: Any, job: dict[str, Any]) -> str:
    """The repo-relative folder a `run` step runs in (`working_directory` of the step, else
    of the job: trainindata/deploying-machine-learning-models runs `tox` in
    `~/project/section-07-ci-and-publishing/house-prices-api`, checked out to `~/project`);
    "" at the root or outside the checkout."""
    folder = _circleci_dir(step_dir, job)
    if not folder.startswith(root + "/"):
        return ""
    relative = folder[len(root) + 1 :].strip("/")
    return "" if ".." in relative.split("/") else relative


def parse_circleci(path: str, doc: Any) -> list[CiJob]:
    if not isinstance(doc, dict):
        return []
    workflow_jobs = _circleci_workflow_jobs(doc)
    jobs = []
    for name, job in _as_dict(doc.get("jobs")).items():
        if not isinstance(job, dict):
            continue
        if workflow_jobs is None:
            # without workflows CircleCI runs the job named `build`
            triggers, dead = {"push", "pull_request"}, str(name) != "build"
        else:
            triggers = workflow_jobs.get(str(name), set())
            dead = not triggers
        ci = CiJob(
            "circleci",
            path,
            str(name),
            key_line(doc.get("jobs"), name),
            set(triggers) or {"push", "pull_request"},
            disabled=dead,
        )
        steps = _as_list(job.get("steps"))
        root = _circleci_checkout_root(job, steps)
        for step in steps:
            if isinstance(step, dict) and "run" in step:
                run = step["run"]
                if isinstance(run, dict):
                    cwd = _circleci_cwd(root, run.get("working_directory"), job)
                    lines = _command_lines(run.get("command"), key_line(run, "command"), cwd)
                    ci.commands.extend(lines)
                else:
                    cwd = _circleci_cwd(root, None, job)
                    ci.commands.extend(_command_lines(run, key_line(step, "run"), cwd))
            elif isinstance(step, dict):
                ci.uses.extend(CiCommand(str(k), key_line(step, k)) for k in step)
        for image in _as_list(job.get("docker")):
            if isinstance(image, dict) and isinstance(image.get("image"), str):
                ci.uses.append(CiCommand(image["image"], key_line(image, "image")))
        jobs.append(ci)
    return jobs


# Bitbucket -------------------------------------------------------------------------------
def _bitbucket_steps(items: Iterable[Any], ci: CiJob) -> None:
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("parallel"), list):
            _bitbucket_steps(item["parallel"], ci)
        step = item.get("step")
        if isinstance(step, dict):
            if "script" in step:
                ci.commands.extend(_command_lines(step["script"], key_line(step, "script")))
            if isinstance(step.get("image"), str):
                ci.uses.append(CiCommand(step["image"], key_line(step, "image")))


def parse_bitbucket(path: str, doc: Any) -> list[CiJob]:
    if not isinstance(doc, dict):
        return []
    jobs = []
    pipelines = _as_dict(doc.get("pipelines"))
    kinds = {
        "default": {"push"},
        "branches": {"push"},
        "pull-requests": {"pull_request"},
        "tags": {"tag"},
        "custom": {"manual", "schedule"},
    }
    for kind, value in pipelines.items():
        triggers = kinds.get(str(kind), {"push"})
        groups = value.items() if isinstance(value, dict) else [(kind, value)]
        for name, items in groups:
            if not isinstance(items, list):
                continue
            ci = CiJob(
                "bitbucket", path, f"{kind}:{name}", key_line(pipelines, kind), set(triggers)
            )
            _bitbucket_steps(items, ci)
            jobs.append(ci)
    return jobs


# Google Cloud Build ----------------------------------------------------------------------
def parse_cloudbuild(path: str, doc: Any) -> list[CiJob]:
    if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
        return []
    ci = CiJob("cloudbuild", path, "build", 1, {"push"})
    for step in doc["steps"]:
        if not isinstance(step, dict):
            continue
        if isinstance(step.get("name"), str):
            ci.uses.append(CiCommand(step["name"], key_line(step, "name")))
        args = step.get("args")
        entry = step.get("entrypoint")
        if isinstance(args, list):
            words = [str(a) for a in args]
            tool = str(entry) if entry else str(step.get("name", "")).rsplit("/", 1)[-1]
            ci.commands.append(CiCommand(" ".join([tool, *words]), key_line(step, "args")))
        if isinstance(step.get("script"), str):
            ci.commands.extend(_command_lines(step["script"], key_line(step, "script")))
    # Cloud Build pushes every image its `images:` lists once the steps have succeeded
    # (GoogleCloudPlatform/mlops-on-gcp on_demand/tfx-caip/lab-03-tfx-cicd/solutions/cloudbuild.yaml)
    images = doc.get("images")
    for image in images if isinstance(images, list) else ():
        if isinstance(image, str):
            # shown for what it does, and said to come from `images:`, not from a step
            text = f"docker push {image}  # Cloud Build images:"
            ci.commands.append(CiCommand(text, key_line(doc, "images")))
    return [ci]


# A Cloud Build config's trigger lives outside the repository (the console, Terraform): its
# jobs are read as run on push. A config the repository submits by hand and that no trigger
# declared in the repository names runs only when someone submits it
# (GoogleCloudPlatform/mlops-with-vertex-ai 04-pipeline-deployment.ipynb:509
# `gcloud builds submit --no-source --config build/pipeline-deployment.yaml`).
_SUBMITTED = re.compile(
    r"\bgcloud\s+(?:beta\s+)?builds\s+submit\b[^\n]*?--config[=\s]+[\"']?([^\s\"'\\]+)"
)
_TRIGGERED = re.compile(
    r"\bgcloud\s+(?:beta\s+)?builds\s+triggers\s+(?:create|import)\b[^\n]*?"
    r"--(?:build-config|inline-config)[=\s]+[\"']?([^\s\"'\\]+)"
    r"|\bfilename\s*=\s*\"([^\"]+)\""  # Terraform google_cloudbuild_trigger
)
# where a repository runs commands: notebooks, scripts, Makefiles, Terraform (not its prose)
HAND_RUN_GLOBS = ("*.ipynb", "*.sh", "*.bash", "Makefile", "*.mk", "*.py", "*.tf")


def config_names(text: str, folder: str) -> tuple[set[str], set[str]]:
    """(configs submitted by hand, configs a declared trigger runs) named in one file's
    text, as repository paths (a name relative to the file's folder, or to the root)."""

    def both(name: str) -> set[str]:
        name = name.removeprefix("./")
        return {name, f"{folder}/{name}"} if folder else {name}

    submitted = {n for m in _SUBMITTED.finditer(text) for n in both(m.group(1))}
    triggered = {n for m in _TRIGGERED.finditer(text) for n in both(m.group(1) or m.group(2))}
    return submitted, triggered


def run_by_hand(jobs: list[CiJob], submitted: set[str], triggered: set[str]) -> None:
    """Cloud Build jobs whose config is submitted by hand and named by no trigger run on
    demand, not on push: their triggers become {"manual"}."""
    for job in jobs:
        if job.system == "cloudbuild" and job.path in submitted and job.path not in triggered:
            job.triggers = {"manual"}


# AWS CodeBuild ---------------------------------------------------------------------------
def parse_codebuild(path: str, doc: Any) -> list[CiJob]:
    phases = _as_dict(doc.get("phases")) if isinstance(doc, dict) else {}
    if not phases:
        return []
    ci = CiJob("codebuild", path, "build", key_line(doc, "phases"), {"push"})
    for name in ("install", "pre_build", "build", "post_build"):
        phase = _as_dict(phases.get(name))
        if "commands" in phase:
            ci.commands.extend(_command_lines(phase["commands"], key_line(phase, "commands")))
    return [ci] if ci.commands else []


# Jenkins (Groovy: text only) ---------------------------------------------------------------
_JENKINS_STEP = re.compile(r"""\b(sh|bat|powershell)\s*\(?\s*(?:script\s*:\s*)?(['"]{1,3})(.*)""")


def parse_jenkinsfile(path: str, text: str) -> list[CiJob]:
    ci = CiJob("jenkins", path, "pipeline", 1, {"push", "pull_request"})
    if re.search(r"\bcron\s*\(", text):
        ci.triggers.add("schedule")
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _JENKINS_STEP.search(line)
        if match and not line.lstrip().startswith("//"):
            quote, rest = match.group(2), match.group(3)
            if len(quote) == 3:  # multi-line script block
                body = [rest]
                while quote not in body[-1] and index + 1 < len(lines):
                    index += 1
                    body.append(lines[index])
                start = index - len(body) + 2
                for offset, part in enumerate(body):
                    part = part.split(quote)[0].strip()
                    if part:
                        ci.commands.append(CiCommand(part, start + offset))
            else:
                ci.commands.append(CiCommand(rest.split(quote)[0].strip(), index + 1))
        index += 1
    return [ci]


YAML_PARSERS = {
    "github": parse_github,
    "gitlab": parse_gitlab,
    "azure": parse_azure,
    "circleci": parse_circleci,
    "bitbucket": parse_bitbucket,
    "cloudbuild": parse_cloudbuild,
    "codebuild": parse_codebuild,
}

__all__ = [
    "CI_GLOBS",
    "YAML_PARSERS",
    "CiCommand",
    "CiJob",
    "LineDict",
    "ci_system_for",
    "inherit_dispatchers_triggers",
    "inherit_upstream_triggers",
    "sniff_ci_system",
]
