"""Small shared vocabulary for probes: scope rules, evidence helpers, outcome helpers.

The catalogue's false-positive rules live here so every probe applies them the same way:
- **ex**: `examples/`, `docs/`, `vendor/`, virtualenvs … are not the project's own code;
- **nb**: a signal seen only in notebooks earns at most partial credit;
- **cmt**: prose and comments never count (probes use parsed views, not raw text).
"""

from __future__ import annotations

import heapq
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from mlaudit.repo.globs import matches_any
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.parsers.secrets import redact_text
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation, Outcome

MAX_EVIDENCE = 8
SNIPPET_CHARS = 160

# Folders that are never the project's own production content (catalogue rule "ex").
EXCLUDED_DIRS: tuple[str, ...] = (
    "examples",
    "example",
    # a course's exercise starters and solutions are teaching material, like examples
    # (SkafteNicki/dtu_mlops s*/exercise_files/: README.md:37 "all the exercise material")
    "exercises",
    "exercise_files",
    # a platform's tutorials are teaching material too (datarevenue-berlin/OpenMLOps
    # tutorials/: its only ML is a tutorial notebook; the repository is Terraform)
    "tutorials",
    "tutorial",
    "docs",
    "doc",
    "vendor",
    "vendored",
    "third_party",
    "third-party",
    "archive",
    "archived",
    "deprecated",
    ".venv",
    "venv",
    "node_modules",
    "site-packages",
    "dist",
    ".tox",
    ".nox",
    ".ipynb_checkpoints",
    "__pycache__",
    # a static analyser's rule fixtures: code written to trip the rule, never run
    # (open-edge-platform/anomalib .semgrep/path-traversal.py; reviewed)
    ".semgrep",
)
# an AI coding assistant's prompts and skills: never the project's documentation or code,
# not even for the checks that read docs/ and examples/ (fmind/mlops-python-package
# .gemini/skills/*/SKILL.md read as deployment documentation)
ASSISTANT_DIRS: tuple[str, ...] = (".claude", ".cursor", ".gemini", ".windsurf", ".codex")
EXCLUDED_DIRS += ASSISTANT_DIRS
_ASSISTANT_RE = re.compile("(?:^|/)(?:" + "|".join(re.escape(d) for d in ASSISTANT_DIRS) + ")/")

TEST_PATTERNS: tuple[str, ...] = (
    "test_*.py",
    "*_test.py",
    "tests/**",
    "test/**",
    "**/tests/**",
    "**/test/**",
    # a plugin's own test folder (SeldonIO/MLServer runtimes/alibi-explain/tests_alibi_explain/
    # helpers/tf_model.py: a model fitted to test the runtime)
    # (`tests_*/**` would also match a root module tests_utils.py)
    "**/tests_*/*",
    "**/tests_*/**/*",
    "conftest.py",
    # a test suite's folder by its kind: e2e-tests/, integration_tests/ (microsoft/presidio
    # e2e-tests/common/methods.py: the harness of the end-to-end tests, reviewed)
    "*-tests/**",
    "**/*-tests/**",
    "*_tests/**",
    "**/*_tests/**",
    # behave's fixed layout: step definitions and hooks of the acceptance tests in features/
    # (kedro-org/kedro-starters features/steps/run_steps.py): tests, not feature engineering
    "features/steps/**",
    "**/features/steps/**",
    "features/environment.py",
    "**/features/environment.py",
)


# A cookiecutter/copier template folder (`{{cookiecutter.project_slug}}/`) is a project that
# the template generates, not this repository's own content.
#
# A build tool's output under build/ (setuptools' build/lib/ and build/bdist.*/, CMake's
# CMakeFiles/, Sphinx's html/) is a copy, but build/ itself is often source: Cloud Build
# configs and the scripts they run (GoogleCloudPlatform/mlops-with-vertex-ai build/utils.py,
# build/pipeline-deployment.yaml).
_BUILD_OUTPUT = r"build/(?:lib(?:\.[^/]*)?|bdist\.[^/]*|temp\.[^/]*|scripts-[^/]*|CMakeFiles|html|latex|doctrees)"
# An MLflow store committed with the project: the runs' logged files (the model's MLmodel,
# conda.yaml, requirements.txt) are what a run wrote, not the project's configuration
# (JJ-C/ml-deployment mlflow_data/artifacts/1/<run id>/artifacts/model/conda.yaml read as the
# project's Python pin; reviewed): mlruns/, mlartifacts/, and <experiment>/<run id>/artifacts/
_RUN_ARTIFACTS = r"mlruns|mlartifacts|\d+/[0-9a-f]{32}/artifacts"
_EXCLUDED_RE = re.compile(
    "(?:^|/)(?:"
    + "|".join(re.escape(d) for d in EXCLUDED_DIRS)
    + r"|[^/]*\{\{[^/]*\}\}[^/]*|"
    # a second documentation tree beside docs/ (SeldonIO/alibi-detect docs-gb/, a GitBook
    # copy of the Sphinx docs whose notebooks are the examples): docs-*, docs_*
    + r"docs[-_][\w.-]+|"
    + _BUILD_OUTPUT
    + "|"
    + _RUN_ARTIFACTS
    + ")/"
)


# A cookiecutter template's hooks run once, when a project is generated from it
# (kedro-org/kedro-starters spaceflights-pandas/hooks/post_gen_project.py): template machinery
_TEMPLATE_HOOK_RE = re.compile(r"(?:^|/)hooks/(?:pre|post)_gen_project\.(?:py|sh)$")


# a JVM source root: the folders below it are a package name, and `com/example/` is the
# package Maven's archetypes generate (sthobbs/fraud-model-serving src/main/java/com/example/,
# the whole program; reviewed), not a folder of examples
_JVM_SOURCE_ROOT = re.compile(
    r"(?:^|/)src/(?:main|test|it)/(?:java|kotlin|scala|groovy|resources)/"
)


def is_excluded(path: str) -> bool:
    if _TEMPLATE_HOOK_RE.search(path) is not None:
        return True
    root = _JVM_SOURCE_ROOT.search(path)
    return _EXCLUDED_RE.search(path[: root.end()] if root else path) is not None


def is_test_path(path: str) -> bool:
    return matches_any(path, TEST_PATTERNS)


# a VS Code / Codespaces development container: the editor's environment, never shipped
DEV_CONTAINER = re.compile(r"(?:^|/)\.devcontainer/")


# a development image by its name (microsoft/presidio presidio-analyzer/Dockerfile.dev, the
# dev container's; the shipped image is the Dockerfile beside it)
DEV_DOCKERFILE = re.compile(
    r"(?:^|/)(?:Dockerfile[.-](?:dev|devel|development|devcontainer)"
    r"|(?:[\w.-]+[.-])?(?:dev|devel|development)\.Dockerfile)$",
    re.IGNORECASE,
)


def shipped_dockerfiles(snap: Snapshot) -> list[str]:
    """The Dockerfiles that may build what is shipped: examples, docs and vendored folders,
    the tests' (a benchmark or test harness: explodinggradients/ragas
    tests/benchmarks/Dockerfile; reviewed), development containers (`.devcontainer/`) and
    development images (`Dockerfile.dev`) left out."""
    return [
        p
        for p in snap.dockerfiles
        if not is_excluded(p)
        and not is_test_path(p)
        and not DEV_CONTAINER.search(p)
        and not DEV_DOCKERFILE.search(p)
    ]


# an image CI jobs run in, kept in the CI configuration's folder (facebookresearch/fairseq2
# ci/docker/manylinux_x86_64/Dockerfile.cpu, the build environment of its wheels, used as a
# workflow's `container: image:`; reviewed): built and maybe pushed, but it runs no workload
CI_IMAGE = re.compile(r"(?:^|/)(?:\.?ci|\.github|\.circleci|\.buildkite|\.gitlab)/")


def runtime_dockerfiles(snap: Snapshot) -> list[str]:
    """The shipped Dockerfiles that may run a workload: the images CI jobs run in (CI_IMAGE)
    left out. Their base image still makes CI reproducible or not; they serve nothing."""
    return [p for p in shipped_dockerfiles(snap) if not CI_IMAGE.search(p)]


def shipped_runs(snap: Snapshot, pattern: re.Pattern[str], note: str) -> list[Evidence]:
    """Evidence for each `RUN` instruction of a shipped Dockerfile that `pattern` finds."""
    found = []
    for path in shipped_dockerfiles(snap):
        parsed = snap.dockerfile(path)
        for ins in parsed.of("RUN") if parsed else []:
            if pattern.search(ins.args):
                found.append(ev(path, ins.line, f"RUN {ins.args}"[:120], note))
    return found


def is_notebook(path: str) -> bool:
    return path.endswith(".ipynb")


# SageMaker Pipelines' modules, in SDK v2 and v3 (v3 moved them: aws-samples/amazon-sagemaker-
# from-idea-to-production 03-sagemaker-pipeline.ipynb `from sagemaker.mlops.workflow.steps import
# ProcessingStep`): the pipeline, orchestration and training vocabularies all name them
SAGEMAKER_PIPELINE_MODULES: tuple[str, ...] = (
    "sagemaker.workflow",
    "sagemaker.mlops.workflow",
    "sagemaker.core.workflow",
)


def norm_dist(name: str) -> str:
    """A distribution name as PEP 503 compares it (`Torch_Audio` ≈ `torch-audio`)."""
    return re.sub(r"[-_.]+", "_", name.strip().strip("'\"")).lower()


def declared_distributions(snap: Snapshot, folder: str = "") -> set[str]:
    """Distribution names this repository (or the project in `folder`, "" or ending in "/")
    publishes (pyproject, setup.cfg, setup.py)."""
    names: set[str] = set()
    pyproject, setup_cfg, setup_py = (
        folder + n for n in ("pyproject.toml", "setup.cfg", "setup.py")
    )
    if snap.exists(pyproject):
        data = snap.toml(pyproject) or {}
        project = data.get("project")
        poetry = (
            (data.get("tool") or {}).get("poetry") if isinstance(data.get("tool"), dict) else None
        )
        for table in (project, poetry):
            if isinstance(table, dict) and isinstance(table.get("name"), str):
                names.add(norm_dist(table["name"]))
    if snap.exists(setup_cfg):
        match = re.search(r"(?ms)^\[metadata\].*?^name\s*=\s*(\S+)", snap.text(setup_cfg) or "")
        if match:
            names.add(norm_dist(match.group(1)))
    if snap.exists(setup_py):
        facts = snap.python(setup_py)
        for call in facts.calls if facts else []:
            if call.name.rsplit(".", 1)[-1] != "setup":
                continue
            name = call.kwarg("name")
            if name == "<expr>":
                name = _module_constant(snap, setup_py, call.name_arg("name"))
            elif name is None and call.spreads_keywords:
                name = _spread_name(snap, setup_py)
            if name:
                names.add(norm_dist(name))
    return names


_SPREAD = re.compile(r"\bsetup\(\s*\*\*(\w+)\s*\)")
_NAME_ITEM = re.compile(r"""^\s*(?:name\s*=|["']name["']\s*:)\s*["']([\w.-]+)["']""")


def _spread_name(snap: Snapshot, path: str) -> str | None:
    """The name in the mapping `setup(**args)` is given (iterative/mlem setup.py:120-274:
    `setup_args = dict(name="mlem", …)`, then `setup(**setup_args)`; reviewed)."""
    text = snap.text(path) or ""
    spread = _SPREAD.search(text)
    if spread is None:
        return None
    lines = snap.lines(path)
    opens = re.compile(rf"^\s*{re.escape(spread.group(1))}\s*=\s*(?:dict\(|\{{)")
    for index, line in enumerate(lines):
        if opens.match(line):
            for inner in lines[index : index + 40]:
                found = _NAME_ITEM.match(inner) or re.search(
                    r"""\bdict\(\s*name\s*=\s*["']([\w.-]+)["']""", inner
                )
                if found:
                    return found.group(1)
            return None
    return None


def _module_constant(snap: Snapshot, path: str, name: str | None) -> str | None:
    """The string a top-level `NAME = "…"` line of `path` assigns to `name` (mosaicml/
    llm-foundry setup.py:12 `_PACKAGE_NAME = 'llm-foundry'`, then `name=_PACKAGE_NAME`), or
    the default of an environment variable it reads (mosaicml/composer setup.py:235
    `package_name = os.environ.get('COMPOSER_PACKAGE_NAME', 'mosaicml')`; reviewed)."""
    if not name or not name.isidentifier():
        return None
    # at the top of the module, or of its `if __name__ == "__main__":` block (pytorch/serve
    # setup.py:147 `    name = "torchserve"`, then `setup(name=name, …)`; reviewed)
    assigned = re.compile(
        rf"""^\s*{re.escape(name)}\s*=\s*(?:os\.(?:environ\.get|getenv)\(\s*["'][\w.-]+["']\s*,\s*)?"""
        r"""["']([\w.-]+)["']\s*\)?\s*(?:#.*)?$"""
    )
    for line in snap.lines(path):
        match = assigned.match(line)
        if match:
            return match[1]
    return None


def in_own_package(snap: Snapshot, path: str) -> bool:
    """Is `path` inside one of the packages the repository publishes (rule lib)?"""
    own = own_packages(snap)
    if own:
        for root in package_roots(snap):
            if path.startswith(root):
                parts = path[len(root) :].split("/")
                if len(parts) > 1 and parts[0] in own:
                    return True
    return any(path.startswith(folder) for folder in _plugin_package_dirs(snap))


def package_roots(snap: Snapshot) -> tuple[str, ...]:
    """The folders the root project's packages are found in ("" or ending in "/"), longest
    first: the root and `src/`, and what the build configuration names — setuptools
    `packages.find.where` / `package-dir` (feast-dev/feast pyproject.toml:254
    `where = ["sdk/python"]`), setup.cfg `[options.packages.find] where`, a hatch wheel's
    `packages = ["lib/x"]`."""

    def build() -> tuple[str, ...]:
        roots = {"", "src/"}
        data = snap.toml("pyproject.toml") if snap.exists("pyproject.toml") else None
        tool = table(data or {}, "tool")
        setuptools = table(tool, "setuptools")
        packages = setuptools.get("packages")
        where = table(packages, "find").get("where") if isinstance(packages, dict) else None
        folders: list[Any] = list(where) if isinstance(where, list) else [where]
        package_dir = table(setuptools, "package-dir")
        folders.append(package_dir.get(""))
        wheel = table(table(table(table(tool, "hatch"), "build"), "targets"), "wheel")
        listed = wheel.get("packages")
        if isinstance(listed, list):
            folders += [x.rsplit("/", 1)[0] for x in listed if isinstance(x, str) and "/" in x]
        if snap.exists("setup.cfg"):
            found = _FIND_WHERE.search(snap.text("setup.cfg") or "")
            folders.append(found.group(1) if found else None)
        for folder in folders:
            if isinstance(folder, str) and folder.strip("./"):
                roots.add(folder.strip("/").removeprefix("./") + "/")
        roots.update(_bindings_roots(snap))
        return tuple(sorted(roots, key=len, reverse=True))

    return snap.memo(("package_roots",), build)


def bindings_folder(snap: Snapshot) -> str | None:
    """The folder ("client/", ending in "/") of the Python package a system written in
    another language publishes, its client or bindings: the root declares no distribution,
    most of the code is Go, Rust or Java, and exactly one project folder at most two levels
    down declares one (featureform/featureform client/setup.cfg `name = featureform` beside
    368 Go files; lancedb/lancedb python/pyproject.toml, built by maturin from Rust; reviewed).
    None otherwise: a collection of example projects, each with its own pyproject, in a
    Python repository is no library."""

    def build() -> str | None:
        from mlaudit.probes import _languages

        if declared_distributions(snap) or _languages.unread_code(snap) is None:
            return None
        folders = sub_projects(snap)
        if len(folders) == 1:
            return next(iter(folders))
        # several: the one named as the repository is (featureform's client/, beside its
        # older embeddinghub/)
        named = [f for f, names in folders.items() if norm_dist(snap.root_name) in names]
        return named[0] if len(named) == 1 else None

    return snap.memo(("bindings_folder",), build)


def _bindings_roots(snap: Snapshot) -> set[str]:
    """Where the bindings folder's packages are: the folder, its src/, and the source folder
    maturin is told (`[tool.maturin] python-source = "python"`)."""
    folder = bindings_folder(snap)
    if folder is None:
        return set()
    roots = {folder, folder + "src/"}
    data = snap.toml(folder + "pyproject.toml") if snap.exists(folder + "pyproject.toml") else None
    source = table(table(data or {}, "tool"), "maturin").get("python-source")
    if isinstance(source, str) and source.strip("./"):
        roots.add(folder + source.strip("/").removeprefix("./") + "/")
    return roots


_FIND_WHERE = re.compile(r"(?ms)^\[options\.packages\.find\][^\[]*?^where\s*=\s*(\S+)")


# how deep a plugin's own project folder may sit (runtimes/mlflow/pyproject.toml)
_PLUGIN_DEPTH = 2


def sub_projects(snap: Snapshot, depth: int = _PLUGIN_DEPTH) -> dict[str, set[str]]:
    """Project folders at most `depth` levels down ("a/b/", ending in "/") → the
    distributions their pyproject, setup.cfg or setup.py declare (none left out)."""
    folders: dict[str, set[str]] = {}
    for path in snap.glob("**/pyproject.toml", "**/setup.py", "**/setup.cfg"):
        parts = path.split("/")
        if not 1 < len(parts) <= depth + 1 or is_excluded(path) or is_test_path(path):
            continue
        folder = "/".join(parts[:-1]) + "/"
        names = declared_distributions(snap, folder)
        if names:
            folders[folder] = names
    return folders


def _plugin_package_dirs(snap: Snapshot) -> dict[str, str]:
    """Packages published from sub-folders of a repository that publishes itself: a tool's
    plugins, each a distribution of its own (SeldonIO/MLServer runtimes/mlflow/pyproject.toml
    `mlserver-mlflow`, package runtimes/mlflow/mlserver_mlflow/). Folder ("a/b/pkg/") →
    package name. Only where the root publishes: a collection of example projects, each
    with its own pyproject, is not a library."""

    def build() -> dict[str, str]:
        if not declared_distributions(snap):
            return {}
        found: dict[str, str] = {}
        for folder, declared in sub_projects(snap).items():
            for package in sorted(declared):
                for candidate in (folder + package, folder + "src/" + package):
                    if snap.exists(candidate + "/__init__.py"):
                        found[candidate + "/"] = package
        return found

    return snap.memo(("plugin_package_dirs",), build)


def own_packages(snap: Snapshot) -> frozenset[str]:
    """Catalogue rule **lib**: top-level Python packages this repository publishes itself.

    A package directory (`X/__init__.py` or `src/X/__init__.py`) whose name is the declared
    distribution name. Inside such a repository `import evidently` is the tool's own code,
    not the project *using* the tool (an MLOps library is not monitored by itself).
    """

    def build() -> frozenset[str]:
        # the distribution `llm-foundry` ships the package `llmfoundry`: names compared
        # without their separators as well
        folder = bindings_folder(snap)
        names = declared_distributions(snap, folder) if folder else declared_distributions(snap)
        declared = {form for name in names for form in (name, name.replace("_", ""))}
        if not declared:
            return frozenset()
        found = set()
        # a src/ layout ships every package under src/ (`_bentoml_impl` next to `bentoml`); a
        # folder the build configuration names may also hold its tests (sdk/python/tests/)
        src_layout: set[str] = set()
        roots = package_roots(snap)
        included = _included_packages(snap)
        for path in snap.glob("**/__init__.py"):
            root = next(r for r in roots if path.startswith(r))  # the longest ("" holds all)
            parts = path[len(root) :].split("/")
            if len(parts) == 2:
                if root == "src/":
                    src_layout.add(parts[0])
                if norm_dist(parts[0]) in declared or parts[0] in included:
                    found.add(parts[0])
        # a namespace package the build configuration names has no __init__.py
        found.update(
            name for name in included - found for root in roots if snap.glob(f"/{root}{name}/*.py")
        )
        if found & src_layout:
            found |= src_layout
        if not found:
            found = _found_packages(snap, roots)
        return frozenset(found)

    return snap.memo(("own_packages",), build)


# folders `find_packages(exclude=…)` is told to leave out, or that hold no package code
_NOT_SHIPPED = re.compile(
    r"^(?:tests?|testing|docs?|examples?|scripts?|benchmarks?|bench|docker|tools|notebooks|ci|"
    r"build|dist|_\w*|\w*tests?)$",
    re.IGNORECASE,
)
_MAX_FOUND_PACKAGES = 3


def _found_packages(snap: Snapshot, roots: tuple[str, ...]) -> set[str]:
    """The top-level packages setup.py's bare `find_packages()` ships when no package is named
    for the distribution (mosaicml/composer setup.py:235-256: `name=package_name`, 'mosaicml',
    `packages=setuptools.find_packages(exclude=['docker*', 'examples*', 'scripts*',
    'tests*'])` ships composer/; reviewed): the packages at the root or under src/, tests,
    docs, examples and scripts aside, when there are at most three."""
    facts = snap.python("setup.py") if snap.exists("setup.py") else None
    finds = [
        call
        for call in (facts.calls if facts else ())
        if call.name.rsplit(".", 1)[-1] in _FIND_CALLS and call.kwarg("include") is None
    ]
    if not finds:
        return set()
    # the packages it is told to leave out (pytorch/serve setup.py:33
    # `find_packages(exclude=["ts_scripts", "test"])` ships ts/; reviewed)
    excluded = {
        name for call in finds for name in _PACKAGE_NAME.findall(call.kwarg("exclude") or "")
    }
    found = {
        parts[0]
        for path in snap.glob("**/__init__.py")
        for root in roots
        if root in ("", "src/") and path.startswith(root)
        for parts in [path[len(root) :].split("/")]
        if len(parts) == 2 and not _NOT_SHIPPED.match(parts[0]) and parts[0] not in excluded
    }
    return found if len(found) <= _MAX_FOUND_PACKAGES else set()


_PACKAGE_NAME = re.compile(r"['\"]([A-Za-z_]\w*)")
_FIND_CALLS = ("find_packages", "find_namespace_packages")


def _included_packages(snap: Snapshot) -> frozenset[str]:
    """Top-level packages the root project's build configuration names, whatever the
    distribution is called (salesforce/Merlion setup.py:49-60 `name="salesforce-merlion"`,
    `packages=find_namespace_packages(include="merlion.*")`; reviewed): setup.py's
    `packages=[…]` and `find_packages(include=…)`, pyproject.toml's setuptools `packages` /
    `packages.find.include`, Poetry's `packages = [{include = …}]`."""
    names: set[str] = set()
    facts = snap.python("setup.py") if snap.exists("setup.py") else None
    for call in facts.calls if facts is not None else ():
        short = call.name.rsplit(".", 1)[-1]
        value = call.kwarg("include") if short in _FIND_CALLS else None
        if short == "setup" and call.kwarg("packages") not in (None, "<expr>"):
            value = call.kwarg("packages")
        if value and value != "<expr>":
            names.update(_PACKAGE_NAME.findall(value))
    data = snap.toml("pyproject.toml") if snap.exists("pyproject.toml") else None
    tool = table(data or {}, "tool")
    setuptools = table(tool, "setuptools")
    packages = setuptools.get("packages")
    listed: list[Any] = []
    if isinstance(packages, list):
        listed += packages
    elif isinstance(packages, dict):
        include = table(packages, "find").get("include")
        listed += include if isinstance(include, list) else []
    poetry = table(tool, "poetry").get("packages")
    if isinstance(poetry, list):
        listed += [p.get("include") for p in poetry if isinstance(p, dict)]
    for item in listed:
        if isinstance(item, str):
            names.update(_PACKAGE_NAME.findall(repr(item.rsplit("/", 1)[-1])))
    return frozenset(names)


def is_own_module(snap: Snapshot, name: str) -> bool:
    """`name` (a module or qualified call name) belongs to a package this repo publishes."""
    own = own_packages(snap)
    if not own:
        return False
    top = name.split(".", 1)[0]
    return top in own or top in _plugin_package_dirs(snap).values()


# a comment line of a configuration file (YAML, TOML, INI, SQL …)
CONFIG_COMMENT = re.compile(r"^\s*(#|//|<!--|;|--\s)")


def line_naming(snap: Snapshot, path: str, name: str) -> int | None:
    """The first non-comment line of `path` that names the distribution `name` (spelled
    with `-`, `_` or `.`): the line evidence of a declared dependency."""
    wanted = re.compile(r"(^|[\"'\s])" + re.escape(name).replace(r"\-", "[-_.]") + r"\b", re.I)
    for number, line in enumerate(snap.lines(path), start=1):
        if not CONFIG_COMMENT.match(line) and wanted.search(line):
            return number
    return None


def table(data: dict[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is a table (a parsed TOML/YAML mapping), else an empty one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


# installed packages, tool caches and an MLflow store's logged files committed with the
# project: never its code, not even where examples and tutorials count (surajm20061998/
# driftAwareMLOPS training/.venv/: 20,653 files of installed packages, every one parsed to
# look for training; reviewed)
_ENVIRONMENT_RE = re.compile(
    r"(?:^|/)(?:\.venv|venv|site-packages|node_modules|\.tox|\.nox|__pycache__"
    r"|\.ipynb_checkpoints|" + _RUN_ARTIFACTS + ")/"
)


def is_environment(path: str) -> bool:
    return _ENVIRONMENT_RE.search(path) is not None


def _kept(path: str, exclude: Sequence[str], include_excluded_dirs: bool, scope: str) -> bool:
    """select_files' filters after the globs: ex-rule folders, `exclude`, the scope."""
    if is_excluded(path) and (
        not include_excluded_dirs or _ASSISTANT_RE.search(path) or is_environment(path)
    ):
        return False
    if exclude and matches_any(path, list(exclude)):
        return False
    if scope == "tests":
        return is_test_path(path)
    if scope == "non_tests":
        return not is_test_path(path)
    return True


# A selection's verdict is a pure function of the path: kept for the process, across checks,
# snapshots and history points (a history asks the same paths at every point), bounded.
_SELECTION_VERDICTS: dict[tuple[object, ...], dict[str, bool]] = {}
_SELECTION_VERDICTS_MAX = 500_000
_selection_verdicts_held = 0


def selection_test(
    globs: Sequence[str],
    *,
    exclude: Sequence[str] = (),
    include_excluded_dirs: bool = False,
    scope: str = "any",
) -> Callable[[str], bool]:
    """Whether select_files(snap, globs, …) would list a path of the snapshot, as a predicate
    that decides each path once (no list or set of every selected file is built)."""
    key = (tuple(globs), tuple(exclude), include_excluded_dirs, scope)
    verdicts = _SELECTION_VERDICTS.get(key)
    if verdicts is None:
        verdicts = _SELECTION_VERDICTS[key] = {}
    pattern_list, excluded = list(globs), tuple(exclude)

    def selected(path: str) -> bool:
        global _selection_verdicts_held
        verdict = verdicts.get(path)
        if verdict is None:
            verdict = matches_any(path, pattern_list) and _kept(
                path, excluded, include_excluded_dirs, scope
            )
            if _selection_verdicts_held >= _SELECTION_VERDICTS_MAX:
                for held in _SELECTION_VERDICTS.values():
                    held.clear()
                _selection_verdicts_held = 0
            verdicts[path] = verdict
            _selection_verdicts_held += 1
        return verdict

    return selected


def select_files(
    snap: Snapshot,
    globs: Sequence[str],
    *,
    exclude: Sequence[str] = (),
    include_excluded_dirs: bool = False,
    scope: str = "any",
) -> list[str]:
    """Files matching `globs`, minus `exclude`, the ex-rule folders and the scope filter."""
    key = ("select_files", tuple(globs), tuple(exclude), include_excluded_dirs, scope)

    def build() -> list[str]:
        return [
            path for path in snap.glob(*globs) if _kept(path, exclude, include_excluded_dirs, scope)
        ]

    return list(snap.tree_memo(key, build))  # the paths alone decide it


def snippet(text: str) -> str:
    """A one-line excerpt for evidence; any secret in it is redacted (never printed)."""
    # bounded before any pattern runs (a 40,000-character CI line once took minutes)
    return redact_text(" ".join(text[:20_000].split()), max_chars=SNIPPET_CHARS)


def ev(
    path: str, line: int | None = None, text: str | None = None, note: str | None = None
) -> Evidence:
    # the same evidence is built again by every check that sees it and at every history
    # point: short ones are kept (Evidence is immutable), long texts are not worth keeping
    if text is not None and len(text) > MEMO_TEXT_CHARS:
        return Evidence(path=path, line=line, snippet=snippet(text), note=note)
    key = (path, line, text, note)
    found = _EVIDENCE.get(key)
    if found is None:
        if len(_EVIDENCE) >= MAX_MEMO_EVIDENCE:
            _EVIDENCE.clear()
        found = _EVIDENCE[key] = Evidence(
            path=path, line=line, snippet=snippet(text) if text else None, note=note
        )
    return found


MEMO_TEXT_CHARS = 400
# a bound, not a size: a repository with one finding per file (100k files) would otherwise
# keep ~30 MiB of Evidence alive for the whole scan
MAX_MEMO_EVIDENCE = 20_000
_EVIDENCE: dict[tuple[str, int | None, str | None, str | None], Evidence] = {}


# what a probe keeps of its evidence: MAX_EVIDENCE to show, or all of it while a combinator
# needs every file a part was found in (same_file)
_EVIDENCE_LIMIT: ContextVar[int] = ContextVar("evidence_limit", default=MAX_EVIDENCE)


def cap(evidence: Iterable[Evidence], limit: int | None = None) -> tuple[Evidence, ...]:
    """The first `limit` distinct pieces of evidence: files before notebooks, then by path,
    line, note and snippet. A notebook cell shows a practice tried once; the module that
    runs it is the evidence a reader opens first (deaneeth/telco-churn-mlops-pipeline: the
    seeds, tracker calls and registry of src/models/train_mlflow.py were listed after
    notebooks/03_model_dev_experiments.ipynb; reviewed), and it is the one kept when the
    evidence is capped.

    Distinct by their fields, compared as plain tuples: hashing the frozen models per item
    cost more than many checks at every history point."""
    unique: dict[tuple[Any, ...], Evidence] = {}
    for e in evidence:
        line, note, snippet, path = e.line, e.note, e.snippet, e.path
        # the order, then whether each field is None (the order reads None as 0 or "")
        key = (
            path.endswith(".ipynb"),
            path,
            line or 0,
            note or "",
            snippet or "",
            line is None,
            note is None,
        )
        unique.setdefault((*key, snippet is None), e)
    count = _EVIDENCE_LIMIT.get() if limit is None else limit
    keys = heapq.nsmallest(count, unique) if count < len(unique) else sorted(unique)
    return tuple(unique[key] for key in keys)


@contextmanager
def all_evidence() -> Iterator[None]:
    """Probes run inside keep every piece of evidence, not MAX_EVIDENCE: which files a part
    was found in decides same_file (dagster-io/hooli-data-eng-pipelines: 15 stub `@asset`
    files sorted before the one that also fits a model pushed it out of the first eight;
    reviewed)."""
    token = _EVIDENCE_LIMIT.set(sys.maxsize)
    try:
        yield
    finally:
        _EVIDENCE_LIMIT.reset(token)


def passed(message: str, evidence: Iterable[Evidence] = ()) -> Observation:
    return Observation(outcome=Outcome.PASS, evidence=cap(evidence), message=message)


def partial(message: str, evidence: Iterable[Evidence] = ()) -> Observation:
    return Observation(outcome=Outcome.PARTIAL, evidence=cap(evidence), message=message)


def failed(message: str, evidence: Iterable[Evidence] = ()) -> Observation:
    return Observation(outcome=Outcome.FAIL, evidence=cap(evidence), message=message)


def unknown(message: str, evidence: Iterable[Evidence] = ()) -> Observation:
    return Observation(outcome=Outcome.UNKNOWN, evidence=cap(evidence), message=message)


def not_applicable(message: str) -> Observation:
    return Observation(outcome=Outcome.NOT_APPLICABLE, message=message)


def error(message: str, evidence: Iterable[Evidence] = ()) -> Observation:
    return Observation(outcome=Outcome.ERROR, evidence=cap(evidence), message=message)


def found_or_missing(
    found: Sequence[Evidence],
    *,
    what: str,
    problems: Sequence[Evidence] = (),
    notebook_only: bool = False,
    missing: str = "",
) -> Observation:
    """The common verdict: pass with evidence, partial when only notebooks show it,
    unknown/error when files that could have shown it were unreadable, else fail.

    `what` is the pass message, `missing` the fail message (default `no {what}`)."""
    if found:
        if notebook_only:
            return partial(f"{what}, only in notebooks", found)
        return passed(what, found)
    if problems:
        unread = "a file" if len(problems) == 1 else f"{len(problems)} files"
        return unknown(
            f"{missing or 'no ' + what}, but {unread} that could show it could not be read",
            problems,
        )
    return failed(missing or f"no {what}")


def problem_evidence(
    snap: Snapshot, paths: Iterable[str], tokens: Iterable[str] = ()
) -> list[Evidence]:
    """Files that could not be read or parsed and so might hide the signal.

    With `tokens`, a file whose text could be read (it only failed to parse) and contains
    none of them cannot hide the signal and is not listed: a broken stub must not turn every
    check of a large repository into `unknown`."""
    problems = snap.problems
    if not problems:
        return []
    if not isinstance(paths, (list, tuple, set, frozenset)):
        paths = list(paths)
    if problems.keys().isdisjoint(paths):  # the usual answer, without a loop per path
        return []
    wanted = [t for t in tokens if t]
    out = []
    for p in paths:
        if p not in problems:
            continue
        if cannot_run(p, problems[p]) and _python_parses(snap):
            continue
        text = snap.text(p) if wanted or _EXERCISE_DIR.search(p) else None
        if text is not None:
            if wanted and not any(t in text for t in wanted):
                continue
            if exercise_stub(p, text):
                continue  # an exercise stub to fill in (below)
        out.append(ev(p, note=snap.problems[p]))
    return out


# Python 2 code fails to parse too, but it runs under Python 2: what it does is unread
_PYTHON2_HINT = re.compile(
    r"Missing parentheses in call|multiple exception types must be parenthesized"
    r"|leading zeros in decimal integer literals"
)


def cannot_run(path: str, problem: str) -> bool:
    """Does the file's parse problem mean no Python can run it? A syntax error that the
    parser's newer-grammar rewrite does not explain (repo.parsers.python_src) breaks the file
    for every interpreter: it holds no working practice, nor a harmful call that runs, so it
    cannot hide a signal (GFiaMon/eurusd-mlops-pipeline tests/clean_reg_orphans.py:1 `simport
    mlflow`, zvarrog/sentiment-mlops-pipeline tests/test_debug_api_service.py:337, an
    IndentationError, had made serving-contract-test and adversarial tests unknown;
    reviewed). Python 2 code is not broken, only unread; nor is a repository none of whose
    Python parses (see problem_evidence)."""
    return (
        path.endswith(".py")
        and problem.startswith(("SyntaxError:", "IndentationError:", "TabError:"))
        and not _PYTHON2_HINT.search(problem)
    )


def _python_parses(snap: Snapshot) -> bool:
    """Does some Python file of the repository parse? Where none does, the parser may be
    what fails (a grammar newer than it knows), and a syntax error says nothing of the code."""

    def some_parses() -> bool:
        for path in snap.files:
            if path.endswith(".py") and (facts := snap.python(path)) is not None:
                if facts.syntax_error is None:
                    return True
        return False

    return snap.memo(("python_parses",), some_parses)


def exercise_stub(path: str, text: str | None) -> bool:
    """Is the file a course's exercise to fill in (in a lab or exercise folder, with TODOs)?"""
    return text is not None and bool(_EXERCISE_DIR.search(path)) and bool(_TODO_MARK.search(text))


# a course's exercise to fill in: a lab's `- name: # TODO` cannot parse by design, and what it
# would hold is in its solution (GoogleCloudPlatform/mlops-on-gcp immersion/kubeflow_pipelines/
# cicd/labs/cloudbuild.yaml:22-32, whose solutions/ twin parses; reviewed)
_EXERCISE_DIR = re.compile(
    r"(?:^|/)(?:labs?|lab[-_][^/]*|exercises?|assignments?|starter[-_\w]*|homework)/", re.I
)
_TODO_MARK = re.compile(r"#\s*TODO\b|\bTODO\b\s*$|<TODO[^>]*>", re.M)


# Formats whose comments start with `#`: a file of such lines only says what it will hold
# (adrianmarchramon/fraud-mlops-pipeline docker/Dockerfile:1-2 and docker/docker-compose.yml:1-2,
# "Populated in Phase 5 (Containerization)"; reviewed). Markdown is not one: `#` is a heading.
_HASH_COMMENTED = re.compile(
    r"(?:^|/)(?:(?:Docker|Container)file[^/]*|[^/]*\.(?:docker|Docker)file|Makefile|Procfile|"
    r"[^/]*\.(?:ya?ml|toml|cfg|ini|sh|bash|py|tf|hcl|r|R|txt|env)|\.[\w.-]*ignore)$"
)
_ONLY_COMMENTS = re.compile(r"(?:[ \t]*(?:#[^\n]*)?(?:\r?\n|$))*")


def holds_nothing(snap: Snapshot, path: str) -> bool:
    """Is the file empty, or (in a `#`-commented format) only comments and blank lines? A
    placeholder of what is to come, not the thing. A file whose text cannot be read is not
    known to be empty."""
    size = snap.size(path)
    if size == 0:
        return True
    if size is None or size > 4096 or not _HASH_COMMENTED.search(path):
        return False
    text = snap.text(path)
    return text is not None and _ONLY_COMMENTS.fullmatch(text) is not None


def unread_evidence(snap: Snapshot, paths: Iterable[str]) -> list[Evidence]:
    """The files of `paths` whose text could not be read (too large, not UTF-8 …): what a
    search of the text could have missed. A file that only failed to parse was searched in
    full, and whether some other check happened to parse it first must not change the
    outcome of a text search."""
    return [e for e in problem_evidence(snap, paths) if snap.text(e.path) is None]


# Documentation, media and repository metadata. A repository holding only these (an
# "awesome" list of links, a course's slides) holds no code in any language: what code
# would do is decided — nothing — where a repository of R or YAML job specs is unknown.
_NOT_CODE = re.compile(
    r"\.(?:md|markdown|mdx|rst|txt|adoc|asciidoc|org|tex|bib|cff|html?|css|png|jpe?g|gif|"
    r"svg|webp|ico|bmp|tiff?|pdf|pptx?|docx?|odt|odp|key|mp4|mov|webm|mp3|wav)$"
    r"|(?:^|/)(?:LICEN[CS]E|COPYING|NOTICE|AUTHORS|CONTRIBUTORS|CODEOWNERS|CITATION|"
    r"CHANGELOG|CHANGES|HISTORY|README|MAINTAINERS|SECURITY|CODE_OF_CONDUCT|"
    r"CONTRIBUTING)[^/]*$"
    r"|(?:^|/)\.(?:gitignore|gitattributes|gitmodules|mailmap|editorconfig|nojekyll)$"
    r"|(?:^|/)(?:mkdocs\.ya?ml|_config\.ya?ml|_toc\.ya?ml|\.readthedocs\.ya?ml|book\.toml)$"
    r"|^\.github/",  # issue templates, funding, a link checker: the forge's, not the project's
    re.IGNORECASE,
)


def holds_no_code(snap: Snapshot) -> bool:
    """Does the repository hold only documentation, media and repository metadata? (Nothing
    tracked at all counts too.)"""
    return snap.tree_memo(
        ("holds_no_code",), lambda: all(_NOT_CODE.search(path) for path in snap.files)
    )


def absent_from_python(
    snap: Snapshot,
    paths: Sequence[str],
    *,
    no_python: str,
    unread: str,
    absent: str,
    no_code: str | None = None,
) -> Observation:
    """The verdict of a search of Python `paths` that found nothing: unknown when there was
    no Python to search or a file could not be read (the search could have missed it), else
    fail with `absent`. With `no_code`: a fail with that message, not unknown, when the
    repository holds no code in any language (holds_no_code)."""
    if not paths:
        if no_code is not None and holds_no_code(snap):
            return failed(f"{no_code}: the repository holds documentation and media only")
        return unknown(no_python)
    missed = unread_evidence(snap, paths)
    if missed:
        return unknown(unread, missed)
    return failed(absent)


def name_tokens(patterns: Iterable[str]) -> list[str]:
    """The literal word each name pattern needs in a file's text: the longest literal of its
    parts (`mlflow.log_*` → `mlflow`, `*.log_metric` → `log_metric`), since a call resolves
    to a dotted name only through text that names each part (the import names the module,
    the call site the function); none (no filtering) when a pattern has no literal part."""
    return list(_name_tokens(tuple(patterns)))


@lru_cache(maxsize=1024)  # asked by every call check at every history point
def _name_tokens(patterns: tuple[str, ...]) -> tuple[str, ...]:
    tokens = []
    for pattern in patterns:
        # `pkg.*TrainingJob().run`: the file must name the class it builds (TrainingJob),
        # while `run` is in most files; `wandb.init`: `wandb`, not the `init` of every
        # `__init__` (a broken file holding a class must not hide a tracker's absence)
        named = pattern.rsplit("()", 1)[0] if "()" in pattern else pattern
        literal = max(
            (
                piece
                for part in named.replace("()", "").split(".")
                for piece in re.split(r"[*?]", re.sub(r"\[[^\]]*\]", "*", part))
            ),
            key=len,
            default="",
        )
        if not literal:
            return ()
        tokens.append(literal)
    return tuple(tokens)


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


def python_sources(
    snap: Snapshot,
    globs: Sequence[str] = ("*.py", "*.ipynb"),
    *,
    scope: str = "any",
    exclude: Sequence[str] = (),
    include_excluded_dirs: bool = False,
) -> list[str]:
    return select_files(
        snap,
        globs,
        exclude=exclude,
        include_excluded_dirs=include_excluded_dirs,
        scope=scope,
    )


def notebook_line_note(snap: Snapshot, path: str, line: int) -> tuple[int | None, str | None]:
    """Evidence location for a fact: a .py line, or the notebook cell it came from."""
    if not is_notebook(path):
        return line, None
    nb = snap.notebook(path)
    cell = nb.cell_for(line) if nb else None
    return None, (f"cell {cell}" if cell else None)


def imports_of(
    snap: Snapshot, paths: Iterable[str], modules: tuple[str, ...]
) -> list[tuple[str, tuple[tuple[str, int | None, str | None], ...]]]:
    """(path, imports) for each file of `paths` importing any of `modules` (a module matches
    itself and its submodules): every such import as (module, line, notebook cell note), in
    source order. Derived once per file content (Snapshot.per_file); rule lib (is_own_module)
    is the caller's, since it depends on the whole tree."""
    from mlaudit.probes.generic import module_matcher

    wanted = module_matcher(modules)

    def derive(path: str, facts: PythonFacts) -> tuple[tuple[str, int | None, str | None], ...]:
        return tuple(
            (imp.module, *notebook_line_note(snap, path, imp.line))
            for imp in facts.imports
            if wanted(imp.module)
        )

    return snap.python_per_file(derivation_key("imports_of", modules), paths, derive)


def first_import_of(
    snap: Snapshot, paths: Iterable[str], modules: tuple[str, ...]
) -> list[tuple[str, tuple[int, str]]]:
    """(path, (line, module)) of the first import of any of `modules` (or a submodule) in
    each file of `paths` that has one, in order. Derived once per file content; rule lib
    (is_own_module) is the caller's."""
    from mlaudit.probes.generic import module_matcher

    wanted = module_matcher(modules)

    def derive(path: str, facts: PythonFacts) -> tuple[int, str] | None:
        for imp in facts.imports:
            if wanted(imp.module):
                return imp.line, imp.module
        return None

    found = snap.python_per_file(derivation_key("first_import_of", modules), paths, derive)
    return [(path, hit) for path, hit in found if hit is not None]


def calls_of(
    snap: Snapshot, paths: Iterable[str], patterns: tuple[str, ...], *, decorators: bool = False
) -> list[tuple[str, tuple[Call, ...]]]:
    """(path, calls) for each file of `paths` with calls (and, with `decorators`, decorators)
    whose qualified name matches any of the fnmatch `patterns`, in source order. Derived once
    per file content (Snapshot.per_file)."""
    from mlaudit.probes.generic import names_matcher

    wanted = names_matcher(patterns)

    def derive(path: str, facts: PythonFacts) -> tuple[Call, ...]:
        items = [*facts.calls, *facts.decorators] if decorators else facts.calls
        return tuple(c for c in items if wanted(c.name))

    key = derivation_key("calls_of", patterns, decorators)
    return snap.python_per_file(key, paths, derive)


def per_file_evidence(
    snap: Snapshot,
    key: str,
    paths: Iterable[str],
    scan_file: Callable[[str, PythonFacts, tuple[list[Evidence], ...]], None],
    kinds: int,
) -> tuple[list[Evidence], ...]:
    """Run a probe's per-file logic once per file content (Snapshot.per_file).

    `scan_file(path, facts, buckets)` appends each file's evidence to `kinds` buckets (found,
    anti-signal …) and may read nothing but that file and module constants — `key` names
    it. Returns the buckets of all `paths` concatenated in order, as the loop would build."""

    def derive(path: str, facts: PythonFacts) -> tuple[tuple[Evidence, ...], ...]:
        buckets: tuple[list[Evidence], ...] = tuple([] for _ in range(kinds))
        scan_file(path, facts, buckets)
        return tuple(tuple(b) for b in buckets) if any(buckets) else ()

    out: tuple[list[Evidence], ...] = tuple([] for _ in range(kinds))
    for _path, buckets in snap.python_per_file(key, paths, derive):
        for bucket, found in zip(out, buckets, strict=True):
            bucket.extend(found)
    return out
