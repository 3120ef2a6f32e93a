"""Probes for the Project Structure practice (cookiecutter-data-science conventions, the
source model's Project Structure table).

Folders are judged by what they hold: a `models/` full of `.py` files is model code, not a
model store; a folder holding only `.gitkeep` placeholders is an untouched template
(catalogue rule tpl) and earns partial credit only.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from pydantic import Field

from mlaudit.probes import base, words
from mlaudit.probes._mlfacts import LfsRule, is_lfs_pointer, lfs_rules
from mlaudit.probes.base import ev
from mlaudit.probes.registry import Params, probe
from mlaudit.probes.testing import (
    _reexported,
    _resolve,
    local_modules,
    missing_local_import,
    schema_module,
    test_files,
)
from mlaudit.repo.globs import glob_matcher
from mlaudit.repo.parsers.yaml_docs import as_list, key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

PLACEHOLDERS = (".gitkeep", ".keep", ".gitignore", "__init__.py", ".placeholder", "README.md")
DATA_EXTENSIONS = (
    ".csv",
    ".tsv",
    ".parquet",
    ".json",
    ".jsonl",
    ".xml",
    ".xlsx",
    ".xls",
    ".feather",
    ".arrow",
    ".h5",
    ".hdf5",
    ".npy",
    ".npz",
    ".pkl",
    ".pickle",
    ".zip",
    ".gz",
    ".tar",
    ".txt",
    ".avro",
    ".orc",
    ".db",
    ".sqlite",
    ".jpg",
    ".jpeg",
    ".png",
    ".wav",
    ".mp3",
)
MODEL_EXTENSIONS = (
    ".pkl",
    ".pickle",
    ".joblib",
    ".pt",
    ".pth",
    ".ckpt",
    ".h5",
    ".keras",
    ".onnx",
    ".pb",
    ".bin",
    ".safetensors",
    ".model",
    ".tflite",
    ".mlmodel",
    ".cbm",
    ".xgb",
    ".lgb",
)


# a folder made only of these is an untouched template (a lone .gitignore is not)
TEMPLATE_MARKERS = (".gitkeep", ".keep", "__init__.py", ".placeholder")


_DOC_EXTENSIONS = (".md", ".rst", ".txt", ".markdown", ".mdx")


def _under(snap: Snapshot, folder: str) -> list[str]:
    return snap.glob(folder.rstrip("/") + "/**")


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _is_placeholder(snap: Snapshot, path: str) -> bool:
    name = _basename(path)
    if name == "__init__.py":
        return not (snap.text(path) or "").strip()
    # an empty file holds nothing, whatever its name (Nneji123/Serving-Machine-Learning-Models:
    # tests/ holds one 0-byte test_api.py), nor does one of comments only
    return name in PLACEHOLDERS or base.holds_nothing(snap, path)


def _single_modules(snap: Snapshot, globs: list[str]) -> list[str]:
    """The module files (`features.py`) that stand in for a folder, outside tests: an empty
    one (a template's 0-byte build_features.py) stands for nothing."""
    if not globs:
        return []
    found = base.select_files(snap, globs, scope="non_tests")
    return [path for path in found if not _is_placeholder(snap, path)]


def _in_tests(path: str) -> bool:
    return bool(re.search(r"(^|/)(tests?|testing)(/|$)", path))


def gitignore_entries(snap: Snapshot) -> list[tuple[str, int, str]]:
    """(gitignore path, line, pattern relative to the repository root)."""
    out = []
    for path in base.select_files(snap, [".gitignore"], include_excluded_dirs=False):
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        for number, raw in enumerate(snap.lines(path), start=1):
            line = raw.strip()
            if not line or line.startswith(("#", "!")):
                continue
            out.append((path, number, folder + line.lstrip("/")))
    return out


def _tracked_by_lfs(snap: Snapshot, path: str, rules: list[LfsRule]) -> bool:
    return is_lfs_pointer(snap, path) or any(glob_matcher(r.pattern)(path) for r in rules)


# generic folder --------------------------------------------------------------------------------
_STORE_FOLDERS = frozenset({"artifacts", "artifact", "outputs", "output", "mlruns", "runs"})


class FolderParams(Params):
    names: list[str] = Field(min_length=1, description="fnmatch patterns of folder names")
    extensions: list[str] = Field(
        default_factory=list, description="the folder must hold files with one of these"
    )
    root_only: bool = Field(default=False, description="only folders at the repository root")
    skip_root: list[str] = Field(
        default_factory=list,
        description="names whose placeholder-only folder at the root is not a template of this "
        "folder (a root models/ with .gitkeep is the model store, not model code)",
    )
    allow_in_tests: bool = False
    files: list[str] = Field(
        default_factory=list, description="globs of single files that earn partial credit"
    )
    root_files: list[str] = Field(
        default_factory=list, description="globs of files that count as the folder (pass)"
    )
    not_packages: bool = Field(
        default=False,
        description="a Python package (a folder with __init__.py) of that name is code, not "
        "this folder (colbert/infra/ of stanford-futuredata/ColBERT is no deployment folder)",
    )
    not_subpackages: bool = Field(
        default=False,
        description="a subpackage (a package inside a package) of that name that the rest of "
        "its package imports is library code, not this folder (supervision/detection/tools/ of "
        "roboflow/supervision is no scripts folder)",
    )
    not_schemas: bool = Field(
        default=False,
        description="a module (or a folder of modules) that only declares data records — "
        "pydantic models, dataclasses, enumerations — is not this code (a `models.py` of "
        "request schemas or provider settings is no model code)",
    )
    not_importing: dict[str, list[str]] = Field(
        default_factory=dict,
        description="folder name → modules: a folder of that name whose code imports one of "
        "them is something else (a `transformers/` folder wrapping 🤗 Transformers models is no "
        "feature code)",
    )


# the folders of CI systems and development tools at the root (a hidden .infra/ or .kube/
# of the project's own stays a folder of the project)
CI_FOLDERS = frozenset(
    {".github", ".gitlab", ".circleci", ".buildkite", ".azuredevops", ".azure-pipelines"}
    | {".devcontainer", ".vscode"}
)


def find_folders(snap: Snapshot, p: FolderParams) -> tuple[list[Evidence], list[Evidence]]:
    """(real folders, template-only folders)."""
    real: list[Evidence] = []
    template: list[Evidence] = []
    for folder in sorted(snap.dirs):
        name = _basename(folder)
        at_root = "/" not in folder
        if p.root_only and not at_root:
            continue
        if folder.split("/", 1)[0] in CI_FOLDERS:
            # a CI system's folder holds its helpers, not the project's scripts or code
            # (pytorch/torchtune .github/scripts/pre_build_script.sh, reviewed)
            continue
        if any(part.lower() in _STORE_FOLDERS for part in folder.split("/")[:-1]):
            # a folder of a store of outputs holds what was made, not code or configuration
            # (mdzurilla/telco-churn-mlops churn_ops_platform/artifacts/serving/, the served
            # model's .joblib files; reviewed)
            continue
        # `model-training` is spelt like `model_training` (microsoft/MLOps model-training/)
        spelt = name.lower().replace("-", "_")
        if not any(fnmatch.fnmatchcase(spelt, pat) for pat in p.names):
            continue
        if base.is_excluded(folder + "/") or (not p.allow_in_tests and _in_tests(folder)):
            continue
        if p.not_packages and snap.exists(folder + "/__init__.py"):
            continue
        if p.not_subpackages and _imported_subpackage(snap, folder):
            continue
        files = _under(snap, folder)
        # rule ex inside the folder too: a course's lesson folder s7_deployment/ holds lesson
        # pages and exercise_files/ (SkafteNicki/dtu_mlops), neither of them deployment code
        content = [f for f in files if not _is_placeholder(snap, f) and not base.is_excluded(f)]
        if p.extensions:
            content = [f for f in content if f.endswith(tuple(p.extensions))]
        else:  # documentation about the topic is not the topic's code or configuration
            content = [f for f in content if not f.lower().endswith(_DOC_EXTENSIONS)]
        if not p.allow_in_tests:
            # a data/ folder whose only code is data_test.py holds tests, not pipeline code
            content = [f for f in content if not base.is_test_path(f)]
        if content and _imports_what_it_is_not(snap, spelt, content, p.not_importing):
            continue
        if p.not_schemas and content and _records_only(snap, content):
            continue
        if content:
            real.append(ev(folder + "/", None, f"{len(content)} file(s)"))
        elif (
            files
            and all(_is_placeholder(snap, f) for f in files)
            and any(_basename(f) in TEMPLATE_MARKERS for f in files)
            and not (at_root and name in p.skip_root)
        ):
            template.append(ev(folder + "/", None, "only placeholders", "untouched template"))
    return real, template


def _imported_subpackage(snap: Snapshot, folder: str) -> bool:
    """Is `folder` a subpackage (a package inside a package) that the rest of its top-level
    package imports: library code, whatever its name (roboflow/supervision
    supervision/__init__.py:50 `from supervision.detection.tools.inference_slicer import …`;
    reviewed)? A subpackage only run as entry points is not (nerfstudio/scripts/, the
    console scripts of pyproject.toml)."""
    parts = folder.split("/")
    top = len(parts)
    while top > 1 and snap.exists("/".join(parts[: top - 1]) + "/__init__.py"):
        top -= 1
    if top == len(parts) or not snap.exists(folder + "/__init__.py"):
        return False  # not inside a package
    module = ".".join(parts[top - 1 :])
    package = "/".join(parts[:top]) + "/"
    for path in snap.glob(package + "**/*.py"):
        if path.startswith(folder + "/") or base.is_test_path(path):
            continue
        facts = snap.python(path)
        if facts is not None and any(
            imp.module == module or imp.module.startswith(module + ".") for imp in facts.imports
        ):
            return True
    return False


def _records_only(snap: Snapshot, files: list[str]) -> bool:
    """Are the folder's Python modules all declarations of data records (schema_module)?"""
    modules = [f for f in files if f.endswith(".py")]
    return (
        bool(modules)
        and len(modules) == len(files)
        and all(schema_module(snap, f) for f in modules)
    )


def _imports_what_it_is_not(
    snap: Snapshot, name: str, files: list[str], not_importing: dict[str, list[str]]
) -> bool:
    modules = tuple(not_importing.get(name, ()))
    if not modules:
        return False
    for path in files:
        facts = snap.python(path) if path.endswith(".py") else None
        if facts is not None and any(
            imp.module == m or imp.module.startswith(m + ".")
            for imp in facts.imports
            for m in modules
        ):
            return True
    return False


@probe("folder_layout", FolderParams)
def folder_layout(snap: Snapshot, p: FolderParams) -> Observation:
    """A conventional folder exists and holds real content.

    Looks for: folders whose name matches `names` (outside examples/docs, a CI system's
    folder such as .github/ and, unless allowed, tests) containing files with the given extensions. Folders holding only
    placeholders (`.gitkeep`, empty `__init__.py`) are an untouched template (rule tpl) and
    earn partial credit, as does a single module file (`features.py`) standing in for the
    folder.
    Why: the source model's Project Structure practice (cookiecutter-data-science): a
    predictable place for each kind of code and artefact.
    Fix: create the folder and move the corresponding code or files into it.
    """
    real, template = find_folders(snap, p)
    real += [ev(f) for f in base.select_files(snap, p.root_files)] if p.root_files else []
    if real:
        return base.passed(f"found {', '.join(e.path for e in real[:3])}", real)
    singles = _single_modules(snap, p.files)
    if p.not_schemas:
        singles = [s for s in singles if not schema_module(snap, s)]
    if template or singles:
        what = "only template placeholders" if template else "a single module, not a folder"
        return base.partial(what, template + [ev(s) for s in singles])
    return base.failed(words.files_phrase(p.names, "dir"))


# data/raw + data/processed ------------------------------------------------------------------------
_LAYER_NUMBER = re.compile(r"^\d{2}_")


class DataLayoutParams(Params):
    data_dirs: list[str] = Field(default_factory=lambda: ["data", "datasets", "dataset"])
    raw: list[str] = Field(default_factory=lambda: ["raw", "external", "source", "input"])
    processed: list[str] = Field(
        default_factory=lambda: [
            "processed",
            "interim",
            "prepared",
            "features",
            "clean",
            "cleaned",
            "final",
            "transformed",
            # Kedro's data layers (data/02_intermediate, data/03_primary, data/04_feature …)
            "intermediate",
            "primary",
            "feature",
            "model_input",
        ]
    )


def _dvc_paths(snap: Snapshot) -> tuple[list[tuple[str, str, int | None]], set[str]]:
    """([(dvc.yaml, dep path, line)], {out paths}) over every dvc.yaml stage."""
    from mlaudit.probes.automation import _stage_outs, dvc_stages

    deps: list[tuple[str, str, int | None]] = []
    outs: set[str] = set()
    for path, _name, stage, line in dvc_stages(snap):
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        wdir = str(stage.get("wdir", "")).strip("./")
        prefix = folder + (wdir + "/" if wdir else "")
        for out in _stage_outs(stage):
            outs.add(prefix + out.rstrip("/"))
        for dep in as_list(stage.get("deps")):
            dep_path = (
                dep
                if isinstance(dep, str)
                else next(iter(dep), "")
                if isinstance(dep, dict)
                else ""
            )
            deps.append((path, prefix + str(dep_path).rstrip("/"), line))
    return deps, outs


@probe("data_layout", DataLayoutParams)
def data_layout(snap: Snapshot, p: DataLayoutParams) -> Observation:
    """Data is split into raw and processed stages, and kept out of git.

    Looks for: `data/raw` plus `data/processed` (or interim/external/prepared/features) —
    as tracked folders, `.dvc` files, DVC pipeline paths or `.gitignore` entries — or a DVC
    pipeline whose stages turn a raw input under `data/` into derived outputs under
    `data/` (raw → prepared → features). Data files committed into those folders without
    LFS, or folders holding only `.gitkeep` (untouched template), give partial credit.
    Why: immutable raw data and reproducible derived data (cookiecutter-data-science).
    Fix: keep raw inputs in `data/raw` (DVC-tracked), write derived data to
    `data/processed`, and git-ignore both.
    """
    roots = tuple(p.data_dirs)
    raw_ev: list[Evidence] = []
    processed_ev: list[Evidence] = []
    placeholder_only = True

    def root_at(parts: list[str]) -> int | None:
        """Where the data folder is: at the root, or in the folder of one component of the
        project (ml/data/raw: Bilal-SSDL/loan-default-mlops-platform ml/config/settings.py:50;
        reviewed), never in examples, docs or tests."""
        for i, part in enumerate(parts[:3]):
            if part in roots and len(parts) > i + 1:
                if i and (
                    base.is_excluded("/".join(parts[:i]) + "/") or _in_tests("/".join(parts[:i]))
                ):
                    return None
                return i
        return None

    def classify(path: str) -> str | None:
        parts = path.strip("/").split("/")
        at = root_at(parts)
        if at is not None:
            # Kedro numbers its layers: data/01_raw, data/04_feature
            sub = _LAYER_NUMBER.sub("", parts[at + 1].removesuffix(".dvc"))
            if sub in p.raw:
                return "raw"
            if sub in p.processed:
                return "processed"
        return None

    for folder in sorted(snap.dirs):
        kind = classify(folder)
        at = root_at(folder.split("/"))
        if kind and at is not None and folder.count("/") == at + 1:
            files = _under(snap, folder)
            if any(not _is_placeholder(snap, f) for f in files):
                placeholder_only = False
            (raw_ev if kind == "raw" else processed_ev).append(ev(folder + "/"))
    for path in base.select_files(snap, ["*.dvc"]):
        kind = classify(path)
        if kind:
            placeholder_only = False
            (raw_ev if kind == "raw" else processed_ev).append(ev(path, None, "DVC-tracked"))
    for path, number, pattern in gitignore_entries(snap):
        kind = classify(pattern)
        if kind:
            placeholder_only = False
            (raw_ev if kind == "raw" else processed_ev).append(ev(path, number, pattern))
    deps, outs = _dvc_paths(snap)
    for dvc_path, dep, line in deps:
        kind = classify(dep)
        if kind:
            placeholder_only = False
            (raw_ev if kind == "raw" else processed_ev).append(ev(dvc_path, line, dep))
    for out in sorted(outs):
        if classify(out) == "processed":
            placeholder_only = False
            processed_ev.append(ev("dvc.yaml", None, f"out {out}"))
    if not (raw_ev and processed_ev):
        # the DVC-declared split: a raw input under data/ that no stage produces, and
        # derived outputs under data/
        raw_inputs = [
            (path, dep, line)
            for path, dep, line in deps
            if dep.split("/")[0] in roots and dep not in outs and "/" in dep
        ]
        derived = sorted(o for o in outs if o.split("/")[0] in roots)
        if raw_inputs and derived:
            raw_ev.append(ev(raw_inputs[0][0], raw_inputs[0][2], f"raw input {raw_inputs[0][1]}"))
            processed_ev.extend(ev("dvc.yaml", None, f"derived {o}") for o in derived[:3])
            placeholder_only = False
    if not (raw_ev and processed_ev):
        have = raw_ev + processed_ev
        if have:
            return base.failed("only one side of the raw/processed split", have)
        return base.failed("no data/raw + data/processed layout")
    evidence = raw_ev + processed_ev
    lfs = lfs_rules(snap)
    committed = [
        f
        for f in snap.files
        if classify(f.rsplit("/", 1)[0]) is not None
        and f.lower().endswith(DATA_EXTENSIONS)
        and not _tracked_by_lfs(snap, f, lfs)
    ]
    if committed:
        return base.partial(
            "raw/processed split, but data files are committed to git",
            [ev(f, None, None, "committed data") for f in committed[:4]] + evidence,
        )
    if placeholder_only:
        return base.partial("raw/processed folders hold only placeholders (template)", evidence)
    return base.passed("raw and processed data are separated", evidence)


# models folder -------------------------------------------------------------------------------------
class ModelsFolderParams(Params):
    names: list[str] = Field(
        default_factory=lambda: [
            "models",
            "model",
            "artifacts",
            "checkpoints",
            "saved_models",
            "trained_models",
            "weights",
            "model_store",
            "model_registry",
        ]
    )


@probe("models_store", ModelsFolderParams)
def models_store(snap: Snapshot, p: ModelsFolderParams) -> Observation:
    """A folder holds the trained models, and keeps them out of git (ignored, DVC or LFS).

    Looks for: a top-level `models/` (or artifacts/, checkpoints/ …) that is git-ignored,
    DVC-tracked (`models.dvc`, `models/*.dvc`, a `dvc.yaml` output) or LFS-tracked. Model
    binaries committed without LFS, or a folder with only `.gitkeep`, give partial credit;
    a git-ignored top-level folder of another name passes when the project's own settings
    name it as where checkpoints, models or outputs are saved (`checkpoint_dir: saved`);
    a `models/` holding Python code (with or without its configs) is model code (see
    model-engineering-folder), not a store.
    Why: a predictable, versioned place for model artefacts (cookiecutter-data-science).
    Fix: write models to `models/`, track them with DVC (`dvc add models/model.pkl`) or
    git-ignore them and publish to a registry.
    """
    names = set(p.names)
    good: list[Evidence] = []
    partial_ev: list[Evidence] = []
    lfs = lfs_rules(snap)
    # folders whose model binaries are committed: an ignore rule or a DVC output naming
    # them does not keep them out of git (kaziamaan47/end-to-end-mlops-pipeline: `models/*`
    # in .gitignore, models/model.joblib tracked all the same)
    committed: set[str] = set()
    for folder in sorted(d for d in snap.dirs if "/" not in d and d in names):
        files = _under(snap, folder)
        content = [f for f in files if not _is_placeholder(snap, f)]
        dvc = [f for f in content if f.endswith(".dvc")]
        binaries = [f for f in content if f.lower().endswith(MODEL_EXTENSIONS)]
        code = [f for f in content if f.endswith((".py", ".ipynb"))]
        if dvc or (binaries and all(_tracked_by_lfs(snap, b, lfs) for b in binaries)):
            good.append(ev((dvc or binaries)[0], None, "tracked by DVC/LFS"))
        elif binaries:
            partial_ev.append(ev(binaries[0], None, None, "model committed to git"))
            committed.add(folder)
        elif not content:
            partial_ev.append(ev(folder + "/", None, "only placeholders", "untouched template"))
        elif code:
            # code with its build files and configs is a code folder, not a store
            # (aws-samples/amazon-sagemaker-safe-deployment-pipeline model/: run_pipeline.py,
            # buildspec.yml, requirements.txt; the models go to S3; reviewed)
            continue
        else:
            good.append(ev(folder + "/"))
    for path in base.select_files(snap, [f"/{n}.dvc" for n in names]):
        good.append(ev(path, None, "DVC-tracked"))
    for path, number, entry in gitignore_entries(snap):
        # `**/models/` ignores a models/ folder at any depth, the top one included
        # (DataTalksClub/mlops-zoomcamp .gitignore:14)
        rest = entry.removeprefix("**/")
        pattern = rest if rest != entry and "/" not in rest.rstrip("/") else entry
        top = pattern.strip("/").split("/")[0].rstrip("*")
        if top in names and not pattern.startswith("*") and top not in committed:
            good.append(ev(path, number, pattern, "git-ignored"))
        elif _nested_store(pattern, names) and not any(
            f.endswith((".py", ".ipynb")) for f in _under(snap, "/".join(_store_folder(pattern)))
        ):
            # one models folder per project of a multi-project repository (graviraja/
            # MLOps-Basics .gitignore:132 `*/models/*`, one project per week_N/;
            # aws-samples/amazon-sagemaker-mlops-workshop `labs/0*/model`)
            good.append(ev(path, number, pattern, "git-ignored, in each project"))
    _deps, outs = _dvc_paths(snap)
    for out in sorted(outs):
        top = out.split("/")[0]
        if top in names and "/" in out and top not in committed:
            good.append(ev("dvc.yaml", None, f"out {out}"))
    if not good:
        good.extend(_ignored_configured_store(snap, names))
    if good:
        return base.passed("a models folder kept out of git", good)
    if partial_ev:
        return base.partial("a models folder, but not tracked properly", partial_ev)
    return base.failed("no models folder")


# where the project's own configuration says training saves its models: a folder given to a
# checkpoint, model or output directory setting (a `save_dir` is as often a dataset's)
# (RUCAIBox/RecBole recbole/properties/overall.yaml:9 `checkpoint_dir: 'saved'`, .gitignore:10
# `saved/`; nerfstudio-project/nerfstudio nerfstudio/configs/experiment_config.py:39
# `output_dir: Path = Path("outputs")`, .gitignore:165 `outputs/`; both reviewed):
# git-ignored, it is the models folder
_STORE_SETTING = re.compile(
    r"\b\w*(?:checkpoint|ckpt|model|output)s?_?(?:dir|directory|path|folder|root)\b",
    re.IGNORECASE,
)
_FOLDER_VALUE = re.compile(r"^(?:\./)?([\w.-]+)/?$")
_GIVEN = re.compile(r"""\s*(?::[^=]*)?=\s*(?:[\w.]+\(\s*)?[rbuf]?["']""")
_STORE_SETTINGS = derivation_key("models_store.settings")


def _configured_stores(snap: Snapshot) -> dict[str, Evidence]:
    """Top-level folder → the setting (a YAML key, or a Python line) that names it as where
    models are saved, in the project's code and configs outside the tests."""

    def of_python(path: str, facts: Any) -> tuple[tuple[str, int], ...]:
        # most files name no such setting: one search of the text rules them out
        if not _STORE_SETTING.search(snap.text(path) or ""):
            return ()
        lines = snap.lines(path)
        out = []
        for value, line in facts.strings:
            folder = _FOLDER_VALUE.match(value) if len(value) < 60 else None
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            at = text.find(value) if folder else -1
            setting = _STORE_SETTING.search(text, 0, at) if at > 0 else None
            # the folder is the value the setting is given (`output_dir: Path =
            # Path("outputs")`, `save_dir="ckpt"`), not a name used beside it
            if folder and setting and _GIVEN.fullmatch(text[setting.end() : at]):
                out.append((folder.group(1), line))
        return tuple(out)

    found: dict[str, Evidence] = {}
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    for path, hits in snap.python_per_file(_STORE_SETTINGS, paths, of_python):
        for name, line in hits:
            found.setdefault(name, ev(path, line, None, "where training saves models"))
    for path in base.select_files(snap, ["*.yaml", "*.yml"], scope="non_tests"):
        for doc in snap.yaml_docs(path):
            for key, value in doc.items() if isinstance(doc, dict) else []:
                folder = _FOLDER_VALUE.match(value) if isinstance(value, str) else None
                if folder and _STORE_SETTING.fullmatch(str(key)):
                    where = ev(
                        path, key_line(doc, key), f"{key}: {value}", "where models are saved"
                    )
                    found.setdefault(folder.group(1), where)
    return found


def _ignored_configured_store(snap: Snapshot, names: set[str]) -> list[Evidence]:
    """A git-ignored top-level folder that the project's settings name as where models are
    saved (see _STORE_SETTING), when no folder of `names` is the store."""
    ignored: dict[str, Evidence] = {}
    for path, number, entry in gitignore_entries(snap):
        top = entry.removeprefix("**/").strip("/").split("/")[0].rstrip("*")
        if top and top not in names and top not in ignored and re.fullmatch(r"[\w.-]+", top):
            ignored[top] = ev(path, number, entry, "git-ignored")
    if not ignored:
        return []
    configured = _configured_stores(snap)
    for folder in sorted(ignored.keys() & configured.keys()):
        if not any(f.endswith((".py", ".ipynb")) for f in _under(snap, folder)):
            return [ignored[folder], configured[folder]]
    return []


_FILES_GLOB = re.compile(r"^\*{1,2}(?:\.\w+)?$")


def _store_folder(pattern: str) -> list[str]:
    """The folder parts of an ignore rule, a trailing files glob (`*`, `*.pkl`) left out."""
    parts = [part for part in pattern.strip("/").split("/") if part]
    while parts and _FILES_GLOB.match(parts[-1]) and len(parts) > 1:
        parts.pop()
    return parts


def _nested_store(pattern: str, names: set[str]) -> bool:
    """An ignore rule whose last folder is a models store below some other folder, with
    nothing after it but a files glob (`*/models/*`, `labs/0*/model`, `pkg/checkpoints/`)."""
    parts = _store_folder(pattern)
    return (
        len(parts) >= 2
        and parts[-1] in names
        and not any(part.strip(".").lower() in _NOT_PROJECTS for part in parts[:-1])
    )


# folders above a models/ that are caches or installs, not projects (`**/cache/models/`: a
# model hub's download cache)
_NOT_PROJECTS = frozenset(
    {"cache", "tmp", "temp", "venv", "site-packages", "node_modules", "vendor", "__pycache__"}
)


# notebooks folder -------------------------------------------------------------------------------------
class NotebooksParams(Params):
    folders: list[str] = Field(
        default_factory=lambda: ["notebooks", "notebook", "nbs", "nb", "notebooks_*", "*notebooks"]
    )


@probe("notebooks_folder", NotebooksParams)
def notebooks_folder(snap: Snapshot, p: NotebooksParams) -> Observation:
    """Notebooks live under `notebooks/`, not scattered across the repository.

    Looks for: every `*.ipynb` (outside examples/docs, outside tests: a notebook a test
    reads is a fixture, and not a demo that installs the published package) inside a folder named `notebooks/` (or nbs/ …). Some outside →
    partial; all at the root or elsewhere → fail; no notebooks at all → not applicable.
    Why: exploration code kept apart from production code (cookiecutter-data-science).
    Fix: move the notebooks into `notebooks/` and name them `<n>.<initials>-<topic>.ipynb`.
    """
    from mlaudit.probes._demos import package_demo_notebooks

    notebooks = [n for n in base.select_files(snap, ["*.ipynb"]) if not base.is_test_path(n)]
    if not notebooks:
        return base.not_applicable("no notebooks (outside examples, docs and tests)")
    demos = package_demo_notebooks(snap)
    if all(n in demos for n in notebooks):
        # a demo of the released package is documentation wherever it lies (roboflow/
        # supervision demo.ipynb, the README's Colab demo; reviewed)
        return base.not_applicable(
            "the notebooks demonstrate the package this repository publishes (they install or, "
            "named as demos, import it)"
        )
    notebooks = [n for n in notebooks if n not in demos]

    def inside(path: str) -> bool:
        return any(
            fnmatch.fnmatchcase(part.lower(), pat)
            for part in path.split("/")[:-1]
            for pat in p.folders
        )

    good = [n for n in notebooks if inside(n)]
    bad = [n for n in notebooks if not inside(n)]
    if not bad:
        return base.passed(
            f"all {len(good)} notebook(s) under a notebooks folder", [ev(n) for n in good]
        )
    if good:
        return base.partial(
            f"{len(bad)} of {len(notebooks)} notebook(s) outside a notebooks folder",
            [ev(n, None, None, "outside notebooks/") for n in bad],
        )
    return base.failed(
        "notebooks are not in a notebooks folder",
        [ev(n, None, None, "outside notebooks/") for n in bad],
    )


# tests of the data pipeline -----------------------------------------------------------------------------
class DataPipelineTestsParams(FolderParams):
    pass


@probe("data_pipeline_tests", DataPipelineTestsParams)
def data_pipeline_tests(snap: Snapshot, p: DataPipelineTestsParams) -> Observation:
    """Tests cover the data-pipeline folder.

    Looks for: test files with test functions that import a module from the data-pipeline
    folder (the same folders data-pipeline-folder finds), unless the file imports a module of
    the repository's own packages that does not exist (it fails when imported). Tests of a
    single data module standing in for the folder give partial credit.
    Why: the data pipeline is code and is tested like code (source model: Project
    Structure; ML Test Score Data 7).
    Fix: add `tests/test_<step>.py` importing the pipeline functions and asserting on small
    fixtures.
    """
    real, _template = find_folders(snap, p)
    folders = [e.path for e in real]
    singles = _single_modules(snap, p.files)
    if not folders and not singles:
        return base.failed("no data-pipeline folder to test")
    modules = local_modules(snap)
    full: list[Evidence] = []
    weak: list[Evidence] = []
    for tf in test_files(snap):
        if missing_local_import(snap, tf.facts, tf.path) is not None:
            continue  # a file that cannot be imported runs no test
        names = [(i.module, i.line) for i in tf.facts.imports]
        for name, line in names:
            resolved = _resolve(name, modules)
            if resolved is None:
                continue
            origin = _reexported(snap, resolved)  # a name the package re-exports
            if origin is not None:
                resolved = _resolve(origin, modules) or resolved
            path = resolved[1]
            if any(path.startswith(f) for f in folders):
                full.append(ev(tf.path, line, f"import {name}"))
                break
            if path in singles:
                weak.append(ev(tf.path, line, f"import {name}"))
                break
    if full:
        return base.passed("tests import the data-pipeline code", full)
    if weak:
        return base.partial("tests import a data module (no data-pipeline folder)", weak)
    return base.failed(
        "no test imports the data-pipeline code",
        [ev(f) for f in folders] + [ev(s) for s in singles],
    )
