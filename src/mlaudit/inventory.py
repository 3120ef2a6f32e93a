"""The MLOps stack inventory: which tools the project USES, by MLOps Stack Canvas category.

The catalogue of tools is data — `rubrics/inventory.yaml` next to the default rubric (a
custom rubric may ship its own `inventory.yaml` beside it); adding a tool needs no code.
Each tool says how it is detected:

- `imports`: Python modules (AST imports in .py files and notebook code cells; a module
  matches itself and its submodules) → **used**;
- `calls`: fnmatch patterns over qualified call names (through imports) and class
  bases → **used**;
- `config`: files that configure it — `{glob, pattern}` (pattern: an optional regex a
  non-comment line must match) → **used**;
- `commands`: regexes over CI steps (`run:`/`script:` lines and actions/images `uses`) and
  Dockerfile RUN/CMD/ENTRYPOINT instructions → **used**;
- `ci_systems`: CI systems (github, gitlab, azure, circleci, bitbucket, cloudbuild,
  jenkins) — a file the checks read as that system's CI configuration (the same
  `Snapshot.ci_system` classification, so the stack and the CI checks never disagree)
  → **used**;
- `requirements`: distribution names in requirements*.txt, pyproject.toml, Pipfile or a
  conda environment file → only **declared** (installed is not used).

A README, docs or comment mention never counts; `examples/`, `docs/` and vendored folders
are not the project's own use (catalogue rule ex). Like probes, this module never opens a
file of the target: everything comes from the Snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mlaudit.errors import RubricError
from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.generic import _check_regex, module_matches_any, name_matches_any
from mlaudit.repo.parsers.yaml_docs import as_list
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Inventory, InventoryCategory, InventoryTool

CATALOGUE_FILE = "inventory.yaml"
MAX_TOOL_EVIDENCE = 4
_PROSE = (".md", ".rst", ".txt", ".adoc")  # documentation never proves use
REQUIREMENTS_GLOBS = ("requirements*.txt", "requirements/*.txt", "*requirements.txt")
CONDA_FILES = ("environment.yml", "environment.yaml", "conda.yaml", "conda.yml")
_COMMENT = base.CONFIG_COMMENT
_DOCKER_COMMANDS = ("RUN", "CMD", "ENTRYPOINT", "FROM")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ConfigRule(_Strict):
    glob: str
    pattern: str | None = None

    @field_validator("glob")
    @classmethod
    def _not_prose(cls, value: str) -> str:
        if value.lower().endswith(_PROSE) or "readme" in value.lower():
            raise ValueError(f"config glob {value!r}: documentation never proves a tool is used")
        return value

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return _check_regex(value)


class ToolSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str
    imports: list[str] = []
    calls: list[str] = []
    config: list[ConfigRule] = []
    commands: list[str] = []
    ci_systems: list[str] = []
    requirements: list[str] = []

    @field_validator("ci_systems")
    @classmethod
    def _known_systems(cls, values: list[str]) -> list[str]:
        from mlaudit.repo.parsers.ci import CI_GLOBS

        unknown = sorted(set(values) - set(CI_GLOBS))
        if unknown:
            raise ValueError(f"unknown CI system(s) {unknown}; known: {sorted(CI_GLOBS)}")
        return values

    @field_validator("config", mode="before")
    @classmethod
    def _globs(cls, values: Any) -> Any:
        if isinstance(values, list):
            return [{"glob": v} if isinstance(v, str) else v for v in values]
        return values

    @field_validator("commands")
    @classmethod
    def _regexes(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
        return values

    def config_rules(self) -> list[ConfigRule]:
        return list(self.config)


class CategorySpec(_Strict):
    id: str
    title: str
    description: str = ""
    tools: list[ToolSpec] = []


class Catalogue(_Strict):
    id: str
    version: str
    description: str = ""
    categories: list[CategorySpec]

    @field_validator("categories")
    @classmethod
    def _unique(cls, categories: list[CategorySpec]) -> list[CategorySpec]:
        seen: set[str] = set()
        for category in categories:
            for tool in category.tools:
                if tool.id in seen:
                    raise ValueError(f"duplicate tool id {tool.id!r}")
                seen.add(tool.id)
        return categories


def catalogue_path(rubric_path: str | None = None) -> Path:
    """`inventory.yaml` beside the rubric file when there is one, else the built-in one."""
    from mlaudit.rubric.load import rubrics_dir

    if rubric_path:
        beside = Path(rubric_path).parent / CATALOGUE_FILE
        if beside.is_file():
            return beside
    return rubrics_dir() / CATALOGUE_FILE


@lru_cache(maxsize=8)
def load_catalogue(path: str | None = None) -> Catalogue:
    file = Path(path) if path else catalogue_path()
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe either way; C is 10x faster
        raw: Any = yaml.load(file.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise RubricError(f"{file}: cannot read the inventory catalogue: {exc}") from exc
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise RubricError(f"{file}: {loc}: {err['msg']}") from None


# facts gathered once per snapshot ----------------------------------------------------------
def canonical_name(name: str) -> str:
    """A distribution name as PEP 503 compares it (`Scikit_Learn` is `scikit-learn`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def toml_dependency_names(data: Any) -> list[str]:
    """The names of the dependencies a parsed pyproject.toml (or Pipfile) declares: PEP 621
    dependencies, optional dependencies and dependency groups, Poetry's dependencies and
    groups, Python itself aside."""
    from packaging.requirements import InvalidRequirement, Requirement

    names: list[str] = []

    def add_pep508(items: Any) -> None:
        for item in items if isinstance(items, list) else []:
            try:
                names.append(Requirement(str(item)).name)
            except InvalidRequirement:
                continue

    project = data.get("project") if isinstance(data, dict) else None
    if isinstance(project, dict):
        add_pep508(project.get("dependencies"))
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for items in optional.values():
                add_pep508(items)
    groups = data.get("dependency-groups") if isinstance(data, dict) else None
    if isinstance(groups, dict):
        for items in groups.values():
            add_pep508(items)
    tool = data.get("tool") if isinstance(data, dict) else None
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        group = poetry.get("group")
        if isinstance(group, dict):
            tables += [g.get("dependencies") for g in group.values() if isinstance(g, dict)]
        for table in tables:
            if isinstance(table, dict):
                names.extend(str(k) for k in table if str(k).lower() != "python")
    for key in ("packages", "dev-packages"):  # Pipfile
        table = data.get(key) if isinstance(data, dict) else None
        if isinstance(table, dict):
            names.extend(str(k) for k in table)
    return names


def conda_dependencies(docs: list[Any]) -> list[tuple[str, str, int | None]]:
    """(entry, package name, line) of each dependency a conda environment lists under
    `dependencies:`, its `pip:` list's included (`conda-forge::numpy=1.24.2=py310h_0` →
    name `numpy`)."""
    out: list[tuple[str, str, int | None]] = []
    for doc in docs:
        deps = doc.get("dependencies") if isinstance(doc, dict) else None
        if not isinstance(deps, list):
            continue
        lines = getattr(deps, "item_lines", None) or []
        for index, item in enumerate(deps):
            if isinstance(item, str):
                name = re.split(r"[=<>!~\s\[]", item.split("::")[-1], maxsplit=1)[0]
                out.append((item, name, lines[index] if index < len(lines) else None))
            elif isinstance(item, dict):
                pip = as_list(item.get("pip"))
                pip_lines = getattr(item.get("pip"), "item_lines", None) or []
                for at, pip_item in enumerate(pip):
                    if isinstance(pip_item, str):
                        name = re.split(r"[=<>!~\s\[;@]", pip_item, maxsplit=1)[0]
                        out.append((pip_item, name, pip_lines[at] if at < len(pip_lines) else None))
    return out


def _conda_names(docs: list[Any]) -> list[str]:
    return [name for _entry, name, _line in conda_dependencies(docs)]


def declared_requirements(snap: Snapshot) -> dict[str, list[Evidence]]:
    """Each declared dependency (name normalised as PEP 503 does) → where it is declared:
    requirements files, pyproject.toml (PEP 621, dependency groups, Poetry), Pipfile and
    conda environments. Read once per snapshot; the caller must not change it."""

    def build() -> dict[str, list[Evidence]]:
        found: dict[str, list[Evidence]] = {}

        def declare(name: str, evidence: Evidence) -> None:
            found.setdefault(canonical_name(name), []).append(evidence)

        for path in base.select_files(snap, REQUIREMENTS_GLOBS):
            reqs = snap.requirements(path)
            for req in reqs.requirements if reqs else []:
                declare(req.name, ev(path, req.line, req.raw))
        for path in base.select_files(snap, ("pyproject.toml", "Pipfile")):
            data = snap.toml(path)
            for name in toml_dependency_names(data) if data else []:
                declare(name, ev(path, base.line_naming(snap, path, name), name))
        for path in base.select_files(snap, CONDA_FILES):
            for name in _conda_names(snap.yaml_docs(path)):
                if name:
                    declare(name, ev(path, base.line_naming(snap, path, name), name))
        return found

    return snap.memo(("declared_requirements",), build)


class _Facts:
    """Imports, calls, config files, commands and declared requirements — read once."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        # grouped by name: a tool is matched against each distinct name once, not against
        # every occurrence (hundreds of tools × thousands of calls is the hot path); evidence
        # objects are built only for what a tool matches
        # read from each file's facts as they are: a derived copy of every file's (name,
        # line) pairs, kept with the facts, was the peak of a scan (27 MiB at 100,000 files)
        self.imports_by_name: dict[str, list[str | int]] = {}
        self.calls_by_name: dict[str, list[str | int]] = {}
        imports, calls = self.imports_by_name, self.calls_by_name
        for path in base.python_sources(snap):
            facts = snap.python(path)
            if facts is None:
                continue
            for imp in facts.imports:
                _add_place(imports, imp.module, path, imp.line)
            # a subclass of X uses X as much as a call does (unittest.TestCase …)
            for group in (facts.calls, facts.bases):
                for call in group:
                    _add_place(calls, call.name, path, call.line)
        self.commands: list[tuple[str, Evidence]] = []
        for job in snap.ci_jobs:
            if job.disabled or base.is_excluded(job.path):
                continue
            for cmd in [*job.commands, *job.uses]:
                self.commands.append(
                    (cmd.text, ev(job.path, cmd.line, cmd.text, f"{job.system} job {job.name}"))
                )
        for path in snap.dockerfiles:
            if base.is_excluded(path):
                continue
            parsed = snap.dockerfile(path)
            for ins in parsed.instructions if parsed else []:
                if ins.keyword in _DOCKER_COMMANDS:
                    text = f"{ins.keyword} {ins.args}"
                    self.commands.append((text, ev(path, ins.line, text)))
        # CI configuration files by system: exactly the files the CI checks read (parsed or
        # not, wherever they are: a Cloud Build config in build/ is the project's CI)
        self.ci_files: dict[str, list[Evidence]] = {}
        first_job: dict[str, int | None] = {}
        for job in snap.ci_jobs:
            first_job.setdefault(job.path, job.line)
        for path in snap.files:
            system = snap.ci_system(path)
            if system == "codebuild" and path not in first_job:
                continue  # a YAML file named like a build spec, without its build phases
            if system is not None:
                self.ci_files.setdefault(system, []).append(
                    ev(path, first_job.get(path), None, f"{system} CI configuration")
                )
        self.requirements = declared_requirements(snap)

    def code_evidence(self, path: str, line: int, text: str) -> Evidence:
        line_or_none, note = base.notebook_line_note(self.snap, path, line)
        return ev(path, line_or_none, text, note)

    def config(self, rule: ConfigRule) -> list[Evidence]:
        paths = base.select_files(self.snap, [rule.glob])
        if rule.pattern is None:
            return [ev(p) for p in paths]
        regex = re.compile(rule.pattern, re.MULTILINE)  # snap.grep pre-filters the whole text
        found = []
        for path in paths:
            for hit_path, line, text in self.snap.grep([path], regex):
                if not _COMMENT.match(text):
                    found.append(ev(hit_path, line, text))
                    break
        return found


@lru_cache(maxsize=4096)
def _verdicts(kind: str, patterns: tuple[str, ...]) -> dict[str, bool]:
    """name → does it match `patterns`: the same names come back at every history point."""
    return {}


def _matching(names: dict[str, Any], kind: str, patterns: tuple[str, ...]) -> list[str]:
    if not patterns:
        return []
    verdicts = _verdicts(kind, patterns)
    test = module_matches_any if kind == "module" else name_matches_any
    out = []
    for name in names:
        verdict = verdicts.get(name)
        if verdict is None:
            if len(verdicts) > MAX_VERDICTS:
                verdicts.clear()
            verdict = verdicts[name] = test(name, patterns)
        if verdict:
            out.append(name)
    return out


MAX_VERDICTS = 100_000


def _add_place(grouped: dict[str, list[str | int]], name: str, path: str, line: int) -> None:
    """Add one place of `name` to `grouped`: name → path, line, path, line… (one flat list,
    not a tuple per place: ~300k places at 100k files)."""
    places = grouped.get(name)
    if places is None:
        grouped[name] = [path, line]
    else:
        places += (path, line)


def _places(flat: list[str | int]) -> Iterator[tuple[str, int]]:
    """The (path, line) pairs of one name in the flat list `_add_place` builds, in order."""
    items = iter(flat)
    return zip(items, items, strict=True)  # type: ignore[arg-type]


def _detect(facts: _Facts, tool: ToolSpec) -> InventoryTool | None:
    used: list[Evidence] = []
    via: list[str] = []
    wanted = tuple(tool.imports)
    hits = [
        facts.code_evidence(path, line, f"import {module}")
        for module in _matching(facts.imports_by_name, "module", wanted)
        for path, line in _places(facts.imports_by_name[module])
    ]
    if hits:
        via.append("import")
        used += sorted(set(hits), key=Evidence.sort_key)
    hits = [
        facts.code_evidence(path, line, f"{name}(…)")
        for name in _matching(facts.calls_by_name, "name", tuple(tool.calls))
        for path, line in _places(facts.calls_by_name[name])
    ]
    if hits:
        via.append("call")
        used += sorted(set(hits), key=Evidence.sort_key)
    hits = [e for rule in tool.config_rules() for e in facts.config(rule)]
    hits += [e for system in tool.ci_systems for e in facts.ci_files.get(system, [])]
    if hits:
        via.append("config")
        used += sorted(set(hits), key=Evidence.sort_key)
    regexes = [re.compile(c) for c in tool.commands]
    hits = [e for text, e in facts.commands if any(r.search(text) for r in regexes)]
    if hits:
        via.append("ci")
        used += sorted(set(hits), key=Evidence.sort_key)
    declared = [
        e for name in tool.requirements for e in facts.requirements.get(canonical_name(name), [])
    ]
    if declared:
        via.append("requirement")
    if not used and not declared:
        return None
    # strongest kind first (import, call, config, ci), one piece of evidence per file, so
    # the few shown cover the most places
    per_file: dict[str, Evidence] = {}
    for e in used or sorted(set(declared), key=Evidence.sort_key):
        per_file.setdefault(e.path, e)
    shown = list(per_file.values())[:MAX_TOOL_EVIDENCE]
    return InventoryTool(
        id=tool.id,
        name=tool.name,
        status="used" if used else "declared",
        via=tuple(via),
        evidence=tuple(shown),
    )


def compute_inventory(snap: Snapshot, catalogue: Catalogue | None = None) -> Inventory:
    catalogue = catalogue or load_catalogue()
    facts = _Facts(snap)
    categories = []
    for category in catalogue.categories:
        tools = [t for t in (_detect(facts, spec) for spec in category.tools) if t is not None]
        tools.sort(key=lambda t: (t.status != "used", t.name.lower()))
        categories.append(
            InventoryCategory(id=category.id, title=category.title, tools=tuple(tools))
        )
    return Inventory(catalogue=f"{catalogue.id} {catalogue.version}", categories=tuple(categories))
