"""Probes over dependency manifests and lockfiles."""

from __future__ import annotations

import posixpath
import re
import time
from typing import Any

from packaging.version import Version
from pydantic import Field

from mlaudit.inventory import canonical_name, conda_dependencies, toml_dependency_names
from mlaudit.probes import base, words
from mlaudit.probes.base import ev
from mlaudit.probes.kubernetes import NoParams
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation, Outcome

# Dependency lockfiles. `dvc.lock` is a pipeline lock, not a dependency lock (catalogue
# trap); npm/yarn lockfiles lock JavaScript, not the Python project.
LOCKFILES: tuple[str, ...] = (
    "uv.lock",
    "poetry.lock",
    "Pipfile.lock",
    "pdm.lock",
    "conda-lock.yml",
    "conda-lock.yaml",
    "*.conda-lock.yml",
    "pixi.lock",
    "requirements*.lock",
    # PEP 751's lockfile, written by `pip lock` and `uv export` (mahadamir19/ids-mlops-pipeline
    # pylock.toml; reviewed)
    "pylock.toml",
    "pylock.*.toml",
)
REQUIREMENTS_GLOBS: tuple[str, ...] = (
    "requirements*.txt",
    "requirements/*.txt",
    "*requirements.txt",
)
# conda environment files under their usual names (Azure ML templates call them
# conda_dependencies.yml); conda-lock files are lockfiles, above
CONDA_ENV_GLOBS: tuple[str, ...] = (
    "environment.yml",
    "environment.yaml",
    "environment*.yml",
    "environment*.yaml",
    "conda.yaml",
    "conda.yml",
    "{conda_dependencies,conda_env,conda-env,conda_environment}.{yml,yaml}",
    # `conda env export > env.yml` (outerbounds/full-stack-ML-metaflow-tutorial
    # scipy-full-stack-ml/env.yml, which its CI creates the environment from)
    "env.yml",
    "env.yaml",
)
MANIFESTS: tuple[str, ...] = (
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "Pipfile",
    *CONDA_ENV_GLOBS,
)


class DepsLockedParams(Params):
    lockfiles: list[str] = Field(default_factory=lambda: list(LOCKFILES))
    requirements: list[str] = Field(default_factory=lambda: list(REQUIREMENTS_GLOBS))


@probe("deps_locked", DepsLockedParams)
def deps_locked(snap: Snapshot, p: DepsLockedParams) -> Observation:
    """Dependencies are locked: a lockfile, or requirements files that pin every package.

    Looks for: uv.lock, poetry.lock, Pipfile.lock, pdm.lock, pylock.toml, conda-lock files;
    otherwise
    every requirement in every requirements*.txt and conda environment file pinned with `==`
    (or hash-pinned; conda's `=X.Y.Z` too). A
    `dvc.lock` is a pipeline lock, not a dependency lock, and never counts. A lock that
    does not hold every dependency its pyproject.toml declares is stale: partial; so is a
    pixi.lock whose entry for the project's own package was locked against other
    requirements than its pyproject.toml now declares. In a repository whose main language is
    not Python (probes._languages), that language's lockfile counts (go.sum, Cargo.lock,
    package-lock.json …); Maven has none, and a pom.xml whose every dependency has one
    exact version stands for it.
    Why: unpinned dependencies make training and serving environments drift apart; the
    same code then gives different models (MTS Infra 1, reproducibility).
    Fix: generate a lockfile (`uv lock`, `poetry lock`, `pip-compile`) and commit it.
    """
    locks = base.select_files(snap, p.lockfiles)
    # a lock that holds no package locks nothing (zuhair1508/MLOps-Pipeline-Prophet-Forecasting
    # uv.lock:1-3, a header only, beside a git-ignored poetry.lock; reviewed)
    empty = [lock for lock in locks if _locks_nothing(snap, lock)]
    locks = [lock for lock in locks if lock not in empty]
    if empty and not locks and not base.select_files(snap, p.requirements):
        return base.failed(
            f"{empty[0]} locks no package (it holds no package entry)",
            [ev(lock, note="no package") for lock in empty],
        )
    if locks:
        stale = [(lock, missing) for lock in locks if (missing := stale_lock(snap, lock))]
        if len(stale) == len(locks):  # a lock that is up to date stands
            lock, missing = stale[0]
            return base.partial(
                f"{lock} is stale: it does not hold "
                f"{words.plural(len(missing), 'dependency', 'dependencies')} its "
                f"pyproject.toml declares ({words.listing(missing)})",
                [ev(lock, note="stale"), *_declared_evidence(snap, lock, missing)],
            )
        return base.passed(f"lockfile {locks[0]}", [ev(path) for path in locks])
    req_files = base.select_files(snap, p.requirements)
    conda_envs = base.select_files(snap, CONDA_ENV_GLOBS)
    if not req_files and not conda_envs:
        from mlaudit.probes import _languages

        # the lockfile of the repository's main language, when it is not Python (gorse-io/
        # gorse go.sum; reviewed)
        language = _languages.main_language(snap)
        other = _languages.lockfiles(snap, language) if language is not None else []
        if language is not None and other:
            return base.passed(
                f"{language.name} lockfile {other[0].path} (the repository's main language)",
                other,
            )
        if language is not None and language.name == "Java/Kotlin":
            pinned_poms = _maven_pins(snap)
            if pinned_poms is not None:
                return pinned_poms
        manifests = base.select_files(snap, MANIFESTS)
        pinned_project = _pinned_pyproject(snap, manifests)
        if pinned_project is not None:
            return pinned_project
        if manifests:
            return base.failed(
                "dependencies declared without a lockfile", [ev(m) for m in manifests]
            )
        return base.failed("no dependency lockfile and no requirements file")
    unpinned: list[Evidence] = []
    tools: list[Evidence] = []  # the unpinned that are test, lint or packaging tools
    pinned: list[Evidence] = []
    unreadable: list[Evidence] = []
    for path in conda_envs:
        entries = _conda_entries(snap, path)
        if entries is None:
            unreadable.append(ev(path, note=snap.problem(path) or "not valid YAML"))
            continue
        for line, raw, name, is_pinned in entries:
            target = pinned if is_pinned else unpinned
            target.append(ev(path, line, raw))
            if not is_pinned and _is_tool(canonical_name(name)):
                tools.append(target[-1])
    for path in req_files:
        parsed = snap.requirements(path)
        if parsed is None:
            unreadable.append(ev(path, note=snap.problem(path) or "unreadable"))
            continue
        # a line that adds extras to a package the file pins elsewhere installs that version
        # (Hisoe/demand-forecasting-mlops requirements.txt:129-130 `mlflow==2.10.2`,
        # `mlflow[databricks]`; reviewed)
        pinned_names = {canonical_name(r.name) for r in parsed.requirements if r.pinned}
        for req in parsed.requirements:
            if not req.pinned and not req.specifier and canonical_name(req.name) in pinned_names:
                continue
            target = pinned if req.pinned else unpinned
            target.append(ev(path, req.line, req.raw))
            if not req.pinned and _is_tool(canonical_name(req.name)):
                tools.append(target[-1])
        # `pandas>=1.3.*` (mlflow/mlp-regression-template) is no valid specifier, let alone a
        # pin: not counting it would let a file of such lines beside one `==` pass
        unpinned.extend(
            ev(path, number, raw, "not a valid requirement") for raw, number in parsed.invalid
        )
    if len(tools) < len(unpinned) or (unpinned and not pinned):
        return base.failed(f"{len(unpinned)} requirement(s) not pinned with ==", unpinned)
    if tools:
        # google-deepmind/alphafold requirements.txt: eleven packages pinned, `pytest<8.5.0`
        # and `setuptools<72.0.0` ranged
        return base.partial(
            f"all {len(pinned)} runtime requirements pinned with ==; {len(tools)} test or "
            "build tool(s) are not",
            tools,
        )
    if unreadable:
        return base.unknown("a requirements file could not be read", unreadable)
    if not pinned:
        return base.failed("requirements files declare no packages", [ev(r) for r in req_files])
    return base.passed(f"all {len(pinned)} requirements pinned with ==", pinned)


def project_requirements(data: dict[str, Any]) -> list[str]:
    """The PEP 508 strings of a pyproject.toml's `[project]` dependencies and optional
    dependencies, in order."""
    project = base.table(data, "project")
    groups = [project.get("dependencies")]
    groups += list(base.table(project, "optional-dependencies").values())
    return [str(text) for group in groups for text in (group if isinstance(group, list) else [])]


def _pinned_pyproject(snap: Snapshot, manifests: list[str]) -> Observation | None:
    """A pyproject.toml whose `[project]` dependencies (optional ones too) are each pinned
    with `==`, the only manifests beside it: pinned as a requirements file pinned with `==`
    is (Ardiyanto24/telco-churn-mlops pyproject.toml:24-101, 21 `==` pins; reviewed). A
    single range fails; None when there is no such pyproject.toml or it declares nothing."""
    from packaging.requirements import InvalidRequirement, Requirement

    from mlaudit.repo.parsers.requirements import is_pinned

    projects = [m for m in manifests if posixpath.basename(m) == "pyproject.toml"]
    others = [m for m in manifests if posixpath.basename(m) not in ("pyproject.toml", "setup.py")]
    if not projects or others:
        return None
    pinned: list[Evidence] = []
    floating: list[Evidence] = []
    for path in projects:
        data = snap.toml(path) or {}
        for text in project_requirements(data):
            try:
                req = Requirement(text)
            except InvalidRequirement:
                floating.append(ev(path, note=f"{text}: not a valid requirement"))
                continue
            line = _quoted_line(snap, path, text) or base.line_naming(snap, path, req.name)
            (pinned if is_pinned(req) else floating).append(ev(path, line, text))
        if base.table(base.table(data, "tool"), "poetry").get("dependencies"):
            return None  # Poetry's own table: read by the lock rules, not here
    if floating:
        return base.failed(
            f"dependencies declared without a lockfile; {len(floating)} not pinned with ==",
            floating,
        )
    if pinned:
        return base.passed(
            f"all {len(pinned)} pyproject.toml dependencies pinned with == (no lockfile)", pinned
        )
    return None


def _quoted_line(snap: Snapshot, path: str, text: str) -> int | None:
    """The line of a TOML array holding `text` as a string (a comment may name it first)."""
    quoted = (f'"{text}"', f"'{text}'")
    return next(
        (
            n
            for n, line in enumerate(snap.lines(path), start=1)
            if any(q in line for q in quoted) and not line.lstrip().startswith("#")
        ),
        None,
    )


def _maven_pins(snap: Snapshot) -> Observation | None:
    """Maven has no lockfile: a build is repeatable when every dependency the poms declare
    has one exact version — Maven then resolves the same tree on every build, as a
    requirements file pinned with `==` does (sthobbs/fraud-model-serving pom.xml:104-181,
    every version fixed or a property of the same pom; reviewed). A range, a -SNAPSHOT,
    LATEST or RELEASE resolve anew. None when no pom declares a version."""
    from mlaudit.probes import _languages

    exact: list[Evidence] = []
    floating: list[Evidence] = []
    for path in base.select_files(snap, ("pom.xml",), include_excluded_dirs=False):
        pins = _languages.pom_pins(snap.text(path) or "")
        exact += [ev(path, line, f"{name} {version}") for line, name, version in pins.exact]
        floating += [ev(path, line, f"{name} {version}") for line, name, version in pins.floating]
    if floating:
        return base.failed(
            f"{len(floating)} Maven dependenc{'y' if len(floating) == 1 else 'ies'} without "
            "an exact version (a range, -SNAPSHOT, LATEST or RELEASE)",
            floating,
        )
    if exact:
        return base.passed(
            f"all {len(exact)} Maven dependencies have an exact version (Maven has no "
            "lockfile; it resolves the same versions on every build)",
            exact,
        )
    return None


# lockfiles that list every resolved package as a `[[package]]` table with a `name`
_PACKAGE_LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "pylock.toml")
_LOCKED_NAME = re.compile(r"""^name\s*=\s*["']([^"'\n]+)["']""", re.MULTILINE)


def _locks_nothing(snap: Snapshot, lock: str) -> bool:
    """Is `lock` a package lock (uv, Poetry, PDM, PEP 751) with no package entry in it?"""
    name = lock.rpartition("/")[2]
    if name not in _PACKAGE_LOCKS:
        return False
    text = snap.text(lock)
    return text is not None and not _LOCKED_NAME.search(text)


def stale_lock(snap: Snapshot, lock: str) -> list[str]:
    """The dependencies the pyproject.toml beside `lock` declares that the lock does not
    hold: the lock was not regenerated after they were added, and installing from it
    gives another environment than the one declared (AI4Finance-Foundation/FinRL
    poetry.lock lacks alpaca-py, selenium, webdriver-manager and pandas-market-calendars,
    pyproject.toml:43-46; reviewed). Empty when it holds them all or cannot be read."""
    folder, _, name = lock.rpartition("/")
    if name not in _PACKAGE_LOCKS and name != "pixi.lock":
        return []
    pyproject = _pyproject_beside(lock)
    data = snap.toml(pyproject) if snap.exists(pyproject) else None
    if not isinstance(data, dict):
        return []
    if name == "pixi.lock":
        return _pixi_stale(snap, lock, data)
    # the names at the start of a line: each `[[package]]` table's; a dependency's name sits
    # in an inline table. Read from the text: parsing a 1 MB uv.lock as TOML cost 0.1 s
    held = {canonical_name(name) for name in _LOCKED_NAME.findall(snap.text(lock) or "")}
    if not held:
        return []
    own = {
        canonical_name(n) for n in base.declared_distributions(snap, folder + "/" if folder else "")
    }
    if name == "pylock.toml":
        # `pip lock` locks the extras it was asked for: only the required ones must be there
        project = data.get("project")
        required = project.get("dependencies") if isinstance(project, dict) else None
        data = {"project": {"dependencies": required if isinstance(required, list) else []}}
    declared = {canonical_name(name): name for name in toml_dependency_names(data)}
    missing = sorted(written for key, written in declared.items() if key not in held | own)
    if not missing and name == "uv.lock":
        return _uv_stale(snap, lock, data)
    return missing


# the project's own package in a pixi lock: the requirements it was locked against (pixi.lock
# v4-v6 `- kind: pypi`, v6 `- pypi:` entries with `path: .`)
_PIXI_OWN = re.compile(
    r"^- (?:kind: pypi\n  name: (?P<name>[^\n]+)|pypi: \.\n  name: (?P<name6>[^\n]+))\n"
    r"(?P<body>(?:  [^\n]*\n)+)",
    re.MULTILINE,
)
_PIXI_REQUIRE = re.compile(r"^  - (.+)$", re.MULTILINE)


def _pixi_stale(snap: Snapshot, lock: str, data: dict[str, Any]) -> list[str]:
    """The requirements the pyproject.toml beside a pixi lock declares that the lock's entry
    for the project's own package was not locked against: a requirement added or changed
    since (nerfstudio-project/nerfstudio pixi.lock:6088 `gsplat ==1.0.0`, pyproject.toml:67
    `gsplat==1.4.0`; reviewed). Extras aside. Empty when in step or unreadable."""
    from packaging.requirements import InvalidRequirement, Requirement

    project, own = _named_project(data)
    if project is None:
        return []
    text = snap.text(lock) or ""
    for match in _PIXI_OWN.finditer(text):
        name = (match.group("name") or match.group("name6") or "").strip().strip("'\"")
        body = match.group("body")
        if canonical_name(name) != own or not re.search(
            r"^  (?:path: \.|editable: true)", body, re.M
        ):
            continue
        locked: set[tuple[str, str]] = set()
        section = body.split("  requires_dist:\n", 1)
        for item in _PIXI_REQUIRE.findall(section[1] if len(section) > 1 else ""):
            item = item.strip()
            if len(item) > 1 and item[0] == item[-1] and item[0] in "'\"":
                item = item[1:-1]  # a quoted YAML scalar
            try:
                req = Requirement(item)
            except InvalidRequirement:
                continue
            locked.add((canonical_name(req.name), str(req.specifier)))
        return _not_locked_against(project, locked)
    return []


def _named_project(data: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """pyproject.toml's `[project]` table and its canonical name; (None, "") without one."""
    project = data.get("project")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        return None, ""
    return project, canonical_name(project["name"])


def _not_locked_against(project: dict[str, Any], locked: set[tuple[str, str]]) -> list[str]:
    """The `[project] dependencies` whose (name, version specifier) is not in `locked`."""
    from packaging.requirements import InvalidRequirement, Requirement

    stale = []
    for item in project.get("dependencies") or []:
        try:
            req = Requirement(str(item))
        except InvalidRequirement:
            continue
        if (canonical_name(req.name), str(req.specifier)) not in locked:
            stale.append(str(item))
    return stale


# the project's own package in a uv.lock, and what it was locked against (its
# `[package.metadata] requires-dist`, which `uv lock --check` compares with pyproject.toml)
_UV_OWN = re.compile(
    r'^\[\[package\]\]\nname = "([^"\n]+)"\n(?P<body>(?:(?!\[\[package\]\]).*\n?)*)', re.M
)
_UV_REQUIRES = re.compile(r"^\[package\.metadata\]\nrequires-dist = \[\n(.*?)^\]", re.M | re.S)
_INLINE_TABLE = re.compile(r"\{([^{}]*)\}")
_INLINE_KEY = re.compile(r'(\w[\w-]*)\s*=\s*"([^"]*)"')


def _uv_stale(snap: Snapshot, lock: str, data: dict[str, Any]) -> list[str]:
    """The requirements of the pyproject.toml beside a uv.lock whose version specifier is
    not the one the lock was resolved for: changed since the last `uv lock`
    (bentoml/OpenLLM uv.lock:1241 `bentoml` `==1.4.8`, pyproject.toml:33 `bentoml==1.4.23`;
    reviewed). Empty when in step, or when the lock has no entry for the project."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    project, own = _named_project(data)
    if project is None:
        return []
    text = snap.text(lock) or ""
    for match in _UV_OWN.finditer(text):
        if canonical_name(match.group(1)) != own:
            continue
        requires = _UV_REQUIRES.search(match.group("body"))
        if requires is None:
            return []
        locked: set[tuple[str, str]] = set()
        for table in _INLINE_TABLE.findall(requires.group(1)):
            keys = dict(_INLINE_KEY.findall(table))
            try:
                specifier = str(SpecifierSet(keys.get("specifier", "")))
            except InvalidSpecifier:
                continue
            if "name" in keys:
                locked.add((canonical_name(keys["name"]), specifier))
        return _not_locked_against(project, locked)
    return []


def _pyproject_beside(lock: str) -> str:
    folder = lock.rpartition("/")[0]
    return f"{folder}/pyproject.toml" if folder else "pyproject.toml"


def _declared_evidence(snap: Snapshot, lock: str, missing: list[str]) -> list[Evidence]:
    """The pyproject.toml lines declaring the first few dependencies the lock lacks."""
    pyproject = _pyproject_beside(lock)
    return [
        ev(
            pyproject,
            _line_holding(snap, pyproject, name)
            or base.line_naming(snap, pyproject, _distribution(name)),
            name,
            "not in the lock",
        )
        for name in missing[:4]
    ]


def _line_holding(snap: Snapshot, path: str, requirement: str) -> int | None:
    """The first line of `path` that holds `requirement` as written (`bentoml==1.4.23`):
    the name alone may first appear in the project's description or authors."""
    if requirement == _distribution(requirement):
        return None
    return next(
        (n for n, line in enumerate(snap.lines(path), start=1) if requirement in line), None
    )


_DISTRIBUTION = re.compile(r"[A-Za-z0-9][\w.-]*")


def _distribution(requirement: str) -> str:
    """The name a requirement (`gsplat==1.4.0`) starts with."""
    match = _DISTRIBUTION.match(requirement)
    return match[0] if match else requirement


# a conda entry's version pinned: `==X`, or conda's `=X.Y.Z` (with or without a build string);
# `=3.10` is any 3.10.x
_CONDA_PIN = re.compile(r"^(==\s*[\w.!+-]+|=\s*\d+(\.[\w!+-]+){2,}(=\S+)?|=\s*[\w.!+-]+=\S+)\s*$")
# `name[extras] spec` after an optional `channel::`; exported environments name conda's own
# packages with a leading underscore (`_libgcc_mutex=0.1=conda_forge`)
_CONDA_SPEC = re.compile(r"^(?:[\w.-]+::)?\w[\w.-]*(?:\[[^\]]*\])?\s*(.*)$")


def _conda_entries(snap: Snapshot, path: str) -> list[tuple[int | None, str, str, bool]] | None:
    """(line, entry, name, pinned) of each package of a conda environment file, None when it
    cannot be read. `python` and `pip` are the interpreter and the installer, not packages:
    they are left out (`python=3.10` and a bare `pip` are how environments are written), as
    are pip options."""
    parsed = snap.yaml(path)
    if parsed is None or parsed.error:
        return None
    out: list[tuple[int | None, str, str, bool]] = []
    for entry, name, line in conda_dependencies(parsed.documents):
        spec = _CONDA_SPEC.match(entry.strip())
        if spec is None or name.lower() in ("python", "pip"):
            continue  # a pip option (`-e .`, `-r requirements.txt`) names no package
        pinned = bool(_CONDA_PIN.match(spec.group(1).strip()))
        out.append((line, entry, name, pinned))
    return out


# test, lint and packaging tools: unpinned, they change how the project is checked or
# built, not what it runs
_TOOL_PACKAGES = frozenset(
    (
        "pytest",
        "coverage",
        "tox",
        "nox",
        "setuptools",
        "wheel",
        "pip",
        "build",
        "twine",
        "setuptools-scm",
        "hatchling",
        "black",
        "ruff",
        "flake8",
        "isort",
        "mypy",
        "pylint",
        "yapf",
        "pre-commit",
        "pyink",
    )
)
# plugins of a test or lint tool are tools too (databricks/mlops-stacks dev-requirements.txt:
# `pytest-black`, reviewed)
_TOOL_PLUGIN_PREFIXES = ("pytest-", "flake8-", "mypy-", "types-")


def _is_tool(name: str) -> bool:
    return name in _TOOL_PACKAGES or name.startswith(_TOOL_PLUGIN_PREFIXES)


# MON: a dependency bot that has something to update --------------------------------------
DEPENDABOT_FILES = (".github/dependabot.yml", ".github/dependabot.yaml")
RENOVATE_FILES = (
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
)
# what a Dependabot ecosystem reads in the folder it is given (dependabot-core's file
# fetchers); `pip` also reads a `requirements/` folder beside it
_PYTHON_MANIFESTS = (
    "requirements*.txt",
    "*requirements.txt",
    "requirements*.in",
    "*.in",
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "Pipfile",
    "Pipfile.lock",
    "poetry.lock",
)
_ECOSYSTEM_FILES: dict[str, tuple[str, ...]] = {
    "pip": _PYTHON_MANIFESTS,
    "uv": ("pyproject.toml", "uv.lock"),
    "conda": CONDA_ENV_GLOBS,
    "docker": ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Dockerfile-*", "Dockerfile_*"),
    "docker-compose": (
        "docker-compose*.yml",
        "docker-compose*.yaml",
        "compose*.yml",
        "compose*.yaml",
    ),
    "terraform": ("*.tf",),
    "npm": ("package.json",),
    "gomod": ("go.mod",),
    "cargo": ("Cargo.toml",),
    "maven": ("pom.xml",),
    "gradle": ("build.gradle", "build.gradle.kts"),
    "helm": ("Chart.yaml",),
}
PYTHON_ECOSYSTEMS = frozenset({"pip", "uv", "conda"})


def _dependabot_folder(raw: object) -> str | None:
    """A Dependabot `directory` as a repo-relative folder ('' for the root), None if not text."""
    if not isinstance(raw, str):
        return None
    folder = raw.strip()
    while folder.startswith(("./", "/")):
        folder = folder[1:] if folder.startswith("/") else folder[2:]
    return folder.strip("/")


def _ecosystem_files(snap: Snapshot, ecosystem: str, folder: str) -> list[str]:
    """The files of `folder` that `ecosystem` would update."""
    import fnmatch

    if ecosystem == "github-actions":
        # `/` means the workflows folder; a folder holding an action.yml is a local action
        workflows = ".github/workflows" if folder in ("", ".github/workflows") else None
        hits = snap.glob(f"{workflows}/*.yml", f"{workflows}/*.yaml") if workflows else []
        action = f"{folder}/action" if folder else "action"
        return hits or [p for p in (f"{action}.yml", f"{action}.yaml") if snap.exists(p)]
    patterns = _ECOSYSTEM_FILES.get(ecosystem)
    if patterns is None:
        return []
    prefix = f"{folder}/" if folder else ""
    found = []
    for path in snap.files:
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :]
        if ecosystem == "pip" and rest.startswith("requirements/"):
            rest = rest[len("requirements/") :]
            if "/" not in rest and rest.endswith((".txt", ".in")):
                found.append(path)
            continue
        if "/" not in rest and any(fnmatch.fnmatchcase(rest, pat) for pat in patterns):
            found.append(path)
    return found


def _dependabot_folders(snap: Snapshot, entry: dict[str, object]) -> list[str]:
    """The folders an `updates` entry names: `directory`, or `directories` (globs allowed)."""
    import fnmatch

    raw = entry.get("directories")
    names = raw if isinstance(raw, list) else [entry.get("directory")]
    folders: list[str] = []
    for name in names:
        folder = _dependabot_folder(name)
        if folder is None:
            continue
        if any(ch in folder for ch in "*?["):
            folders.extend(d for d in sorted({"", *snap.dirs}) if fnmatch.fnmatchcase(d, folder))
        else:
            folders.append(folder)
    return folders


def python_manifests(snap: Snapshot) -> list[str]:
    """Python dependency manifests anywhere in the repository (not under test fixtures)."""
    return [
        p
        for p in snap.glob(
            *(f"**/{pat}" for pat in _PYTHON_MANIFESTS if pat != "*.in"), "**/requirements/*.txt"
        )
        if not p.startswith(("tests/", "test/"))
    ]


def _first(paths: list[str]) -> str:
    return paths[0] + (" …" if len(paths) > 1 else "")


BOT_RECENT_SECONDS = 365 * 24 * 3600


def _bot_commits(snap: Snapshot) -> Observation:
    """Without a configuration: commits of a dependency bot in the history show updates
    switched on in the repository's settings (Dependabot security updates: no file), partial
    — they come only for known vulnerabilities (jeremyjordan/ml-monitoring e46b215, merged
    as pull requests #4, #5 and #10)."""
    history = snap.history
    if not history.available:
        return base.failed("no Dependabot or Renovate configuration")
    bots = [
        c
        for c in history.commits
        if c.author.lower().startswith(("dependabot", "renovate")) and "[bot]" in c.author
    ]
    if not bots:
        return base.failed("no Dependabot or Renovate configuration")
    latest = max(bots, key=lambda c: c.timestamp)
    newest = max(c.timestamp for c in history.commits)
    if newest - latest.timestamp > BOT_RECENT_SECONDS:
        # a bot that stopped a year before the last commit: its configuration was removed,
        # or the settings switched off (coqui-ai/TTS: the last in 2020)
        day = time.strftime("%Y-%m-%d", time.gmtime(latest.timestamp))
        return base.failed(
            f"no Dependabot or Renovate configuration; the last commit by {latest.author} "
            f"({day}) is over a year older than the last commit"
        )
    evidence = [
        ev(".git", note=f"commit {c.sha[:10]} by {c.author}: {c.subject[:80]}") for c in bots[:3]
    ]
    day = time.strftime("%Y-%m-%d", time.gmtime(latest.timestamp))
    return base.partial(
        f"{len(bots)} commit(s) by {latest.author}, the latest on {day}, but no configuration: "
        "security updates switched on in the repository's settings, no version updates",
        evidence,
    )


@probe("dependency_bot", NoParams)
def dependency_bot(snap: Snapshot, p: NoParams) -> Observation:
    """A bot proposes dependency updates, and is pointed at the manifests it should update.

    Looks for: `.github/dependabot.yml` `updates` entries whose `directory` (or
    `directories`) holds files of their `package-ecosystem` (pip: requirements files,
    pyproject.toml, setup.py, Pipfile …; github-actions: the workflows), or a Renovate
    config (Renovate finds the manifests itself).
    Known false positive: a dependabot.yml copied from a template whose `directory: "/"`
    holds no manifest (the requirements live in subfolders) updates nothing; one that only
    keeps GitHub Actions up to date leaves the Python dependencies unwatched (partial).
    Why: upstream releases and vulnerabilities in dependencies are noticed when a bot proposes
    the update (ML Test Score, Monitor 1).
    Fix: add an `updates` entry per ecosystem whose `directory` is where its manifest is.
    """
    renovate = [ev(path) for path in RENOVATE_FILES if snap.exists(path)]
    if renovate:
        return base.passed("Renovate is configured", renovate)
    configs = [path for path in DEPENDABOT_FILES if snap.exists(path)]
    if not configs:
        return _bot_commits(snap)
    live: list[Evidence] = []
    live_ecosystems: set[str] = set()
    python_live: list[Evidence] = []
    idle: list[Evidence] = []
    for path in configs:
        for doc in snap.yaml_docs(path):
            updates = doc.get("updates") if isinstance(doc, dict) else None
            for entry in updates if isinstance(updates, list) else []:
                if not isinstance(entry, dict):
                    continue
                ecosystem = str(entry.get("package-ecosystem") or "").strip()
                if not ecosystem:
                    continue
                line = key_line(entry, "package-ecosystem")
                folders = _dependabot_folders(snap, entry)
                shown = ", ".join(f"/{f}" for f in folders) or "(no directory)"
                known = ecosystem == "github-actions" or ecosystem in _ECOSYSTEM_FILES
                hits = [h for f in folders for h in _ecosystem_files(snap, ecosystem, f)]
                if hits or not known:
                    note = f"{ecosystem} in {shown}"
                    live.append(ev(path, line, f"package-ecosystem: {ecosystem}", note=note))
                    live_ecosystems.add(ecosystem)
                    if ecosystem in PYTHON_ECOSYSTEMS:
                        python_live.append(live[-1])
                else:
                    note = f"{shown} holds no {ecosystem} manifest"
                    idle.append(ev(path, line, f"package-ecosystem: {ecosystem}", note=note))
    problems = base.problem_evidence(snap, configs)
    if python_live:
        return base.passed("Dependabot updates the Python dependencies", python_live + live)
    manifests = python_manifests(snap)
    if live and not manifests:
        return base.passed("Dependabot is configured", live)
    if live:
        bots = _bot_commits(snap)
        if bots.outcome == Outcome.PARTIAL:
            # security updates switched on in the settings watch the rest (Nixtla/mlforecast:
            # 41 commits by dependabot[bot] to uv.lock beside a github-actions config; reviewed)
            return base.partial(
                f"Dependabot updates {', '.join(sorted(live_ecosystems))}; the Python "
                f"dependencies ({_first(manifests)}) get security updates only "
                f"({len(bots.evidence)} of the bot's commits shown), no version updates",
                live + idle + list(bots.evidence),
            )
        return base.partial(
            f"Dependabot updates {', '.join(sorted(live_ecosystems))} only: the Python dependencies "
            f"({_first(manifests)}) are not watched",
            live + idle,
        )
    if problems:
        return base.unknown("the Dependabot configuration could not be parsed", problems)
    if idle:
        where = f"; the manifests are in {_first(manifests)}" if manifests else ""
        return base.failed(
            "Dependabot is pointed at folders that hold no manifest, so it updates nothing" + where,
            idle,
        )
    return base.failed("a Dependabot configuration without `updates` entries", [ev(configs[0])])


# declared versions ----------------------------------------------------------------------------
def _pep508_specifier(text: str, name: str) -> str | None:
    """The version specifier of a PEP 508 string that names `name` ('' when unversioned)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    return str(req.specifier) if base.norm_dist(req.name) == base.norm_dist(name) else None


def _poetry_specifier(value: object) -> str:
    """A Poetry constraint (`^2.6`, `~2.6`, `>=2.6,<3`, `{version = "…"}`) as PEP 440."""
    if isinstance(value, dict):
        value = value.get("version", "")
    text = str(value).strip()
    if text.startswith(("^", "~")) and not text.startswith("~="):
        return ">=" + text.lstrip("^~")
    return "" if text == "*" else text


def declared_specifiers(snap: Snapshot, name: str) -> list[tuple[str, int | None, str]]:
    """(path, line, PEP 440 specifier) of every declaration of the distribution `name`:
    requirements files, pyproject `[project]` dependencies and optional dependencies, and
    Poetry dependencies (tests, examples and docs left out)."""
    found: list[tuple[str, int | None, str]] = []
    wanted = base.norm_dist(name)
    for path in base.select_files(snap, REQUIREMENTS_GLOBS, scope="non_tests"):
        parsed = snap.requirements(path)
        for req in parsed.requirements if parsed else []:
            if base.norm_dist(req.name) == wanted:
                found.append((path, req.line, req.specifier))
    for path in base.select_files(snap, ["pyproject.toml"], scope="non_tests"):
        data = snap.toml(path) or {}
        for text in project_requirements(data):
            spec = _pep508_specifier(text, name)
            if spec is not None:
                found.append((path, base.line_naming(snap, path, name), spec))
        poetry = base.table(base.table(data, "tool"), "poetry")
        for key, value in base.table(poetry, "dependencies").items():
            if base.norm_dist(str(key)) == wanted:
                found.append((path, base.line_naming(snap, path, name), _poetry_specifier(value)))
    return found


def minimum_version(specifier: str) -> Version | None:
    """The lowest version a specifier set allows, as far as its lower bounds say
    (`>=2.6,<3` → 2.6; `==2.7.*` → 2.7; no lower bound or unparsable → None)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion

    try:
        specs = SpecifierSet(specifier)
    except InvalidSpecifier:
        return None
    floors = []
    for spec in specs:
        if spec.operator in (">=", ">", "==", "~=", "==="):
            try:
                floors.append(Version(spec.version.removesuffix(".*")))
            except InvalidVersion:
                continue
    return max(floors) if floors else None
