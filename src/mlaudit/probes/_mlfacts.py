"""Shared readers for ML-versioning facts: DVC files and config, Git LFS attributes.

Not a probe module (leading underscore): reproducibility, tracking and versioning probes
read the same DVC and LFS facts, parsed once through the Snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlaudit.probes import base
from mlaudit.repo.parsers.yaml_docs import key_line, node_line
from mlaudit.repo.snapshot import Snapshot

HASH_KEYS = ("md5", "etag", "checksum", "sha256")

DATA_EXTENSIONS = (
    "csv",
    "tsv",
    "parquet",
    "feather",
    "arrow",
    "jsonl",
    "ndjson",
    "json",
    "xml",
    "txt",
    "xlsx",
    "xls",
    "avro",
    "orc",
    "tfrecord",
    "tfrecords",
    "npy",
    "npz",
    "hdf5",
    "zarr",
    "sqlite",
    "db",
    "zip",
    "gz",
    "tar",
    "bz2",
    "xz",
    "wav",
    "flac",
    "mp3",
)
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "svg", "bmp", "ico", "webp", "tif", "tiff", "pdf")
MODEL_EXTENSIONS = (
    "pkl",
    "pickle",
    "pt",
    "pth",
    "h5",
    "onnx",
    "joblib",
    "ckpt",
    "safetensors",
    "keras",
    "pb",
    "tflite",
    "mlmodel",
    "bin",
    "model",
)
DATA_DIRS = ("data", "dataset", "datasets", "raw", "processed", "interim", "external")


# model weights whatever folder they are in; pickles/joblib only where models live (a
# pickle under data/ is a dataset)
MODEL_WEIGHT_EXTENSIONS = (
    "pt",
    "pth",
    "ckpt",
    "onnx",
    "h5",
    "safetensors",
    "keras",
    "tflite",
    "mlmodel",
    "pb",
)
SERIALISED_EXTENSIONS = ("pkl", "pickle", "joblib", "sav", "zip", "bin", "model")
MODEL_DIRS = ("models", "model", "checkpoints", "weights", "saved_models", "trained_models")
_MODEL_NAME = re.compile(r"(?:^|[_\-.])(?:model|models|weights|checkpoint|ckpt)(?:$|[_\-.\d])")


def path_kind(path: str) -> str:
    """What a versioned path holds: `model`, `image`, `data` or `other` — by extension,
    folder and file name (`models/…`, `*.onnx`, `model.pkl`, `Model.zip` are models)."""
    low = path.lower().rstrip("/")
    name = low.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    stem = name.rsplit(".", 1)[0] if ext else name
    parts = [p for p in re.split(r"[/*]+", low) if p]
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in MODEL_WEIGHT_EXTENSIONS:
        return "model"
    # the nearest folder that says decides: model/dataset/train.csv is a dataset
    # (JasonNguyen2135/Spotify-Sentiment-MLOps model/dataset/*.csv.dvc; reviewed), and a
    # pickle under data/ is a dataset
    for part in reversed(parts[:-1] or parts):
        if part in DATA_DIRS and part in parts[:-1]:
            return "data"
        if part in MODEL_DIRS:
            return "model"
    if (ext in SERIALISED_EXTENSIONS or not ext) and _MODEL_NAME.search(stem.strip("*")):
        return "model"
    if ext in MODEL_EXTENSIONS and ext != "zip":
        return "model"
    if ext in DATA_EXTENSIONS or any(p in DATA_DIRS for p in parts):
        return "data"
    return "other"


@dataclass(frozen=True)
class DvcOut:
    """An output recorded by DVC (`*.dvc` file or `dvc.lock`), with its content hash."""

    source: str  # the .dvc / dvc.lock file
    line: int | None
    path: str
    hashed: bool
    stage: str | None = None

    @property
    def kind(self) -> str:
        """`model` for model outputs (versioning them is model versioning), else `data`."""
        folder = self.source.rsplit("/", 1)[0] + "/" if "/" in self.source else ""
        full = self.path if self.stage is not None else folder + self.path
        return "model" if path_kind(full) == "model" else "data"


def _is_dvc_internal(path: str) -> bool:
    return path.startswith(".dvc/") or "/.dvc/" in path


def dvc_files(snap: Snapshot) -> list[str]:
    """`*.dvc` pointer files (not the `.dvc/` folder's own files)."""
    return [p for p in base.select_files(snap, ["*.dvc"]) if not _is_dvc_internal(p)]


def _outs_of(node: Any, source: str, stage: str | None) -> list[DvcOut]:
    outs = node.get("outs") if isinstance(node, dict) else None
    found: list[DvcOut] = []
    if not isinstance(outs, list):
        return found
    lines = getattr(outs, "item_lines", [])
    for index, out in enumerate(outs):
        if not isinstance(out, dict):
            continue
        hashed = any(out.get(k) for k in HASH_KEYS)
        line = lines[index] if index < len(lines) else node_line(out)
        found.append(DvcOut(source, line, str(out.get("path", "")), hashed, stage))
    return found


def dvc_pointer_outs(snap: Snapshot) -> list[DvcOut]:
    outs: list[DvcOut] = []
    for path in dvc_files(snap):
        for doc in snap.yaml_docs(path):
            outs.extend(_outs_of(doc, path, None))
    return outs


def dvc_lock_stages(snap: Snapshot, path: str) -> dict[str, Any]:
    """Stage name → stage mapping of a dvc.lock (schema 2 `stages:` or schema 1 top level)."""
    for doc in snap.yaml_docs(path):
        if not isinstance(doc, dict):
            continue
        stages = doc.get("stages") if "schema" in doc else doc
        if isinstance(stages, dict):
            return {str(k): v for k, v in stages.items() if isinstance(v, dict)}
    return {}


def declared_outputs(snap: Snapshot, lock_path: str) -> tuple[set[str], set[str]]:
    """(outputs the sibling dvc.yaml keeps out of the DVC cache, `cache: false` — git keeps
    them, not the remote: iterative/cml_dvc_case metrics.json, loss.csv —; every metrics and
    plots file it declares), read once for the lock beside it."""
    folder = lock_path.rsplit("/", 1)[0] + "/" if "/" in lock_path else ""
    uncached: set[str] = set()
    reports: set[str] = set()
    for name in ("dvc.yaml", "dvc.yml"):
        for doc in snap.yaml_docs(folder + name) if snap.exists(folder + name) else []:
            stages = doc.get("stages") if isinstance(doc, dict) else None
            for stage in stages.values() if isinstance(stages, dict) else []:
                for key in ("outs", "metrics", "plots"):
                    entries = stage.get(key) if isinstance(stage, dict) else None
                    for entry in entries if isinstance(entries, list) else []:
                        if isinstance(entry, str) and key != "outs":
                            reports.add(entry)
                        elif isinstance(entry, dict):
                            for out, options in entry.items():
                                if isinstance(options, dict) and options.get("cache") is False:
                                    uncached.add(str(out))
                                if key != "outs":
                                    reports.add(str(out))
    return uncached, reports


def dvc_lock_outs(snap: Snapshot) -> list[DvcOut]:
    outs: list[DvcOut] = []
    for path in base.select_files(snap, ["dvc.lock"]):
        uncached, _reports = declared_outputs(snap, path)
        for name, stage in dvc_lock_stages(snap, path).items():
            outs.extend(o for o in _outs_of(stage, path, name) if o.path not in uncached)
    return outs


def dvc_import_deps(snap: Snapshot) -> list[tuple[str, int | None, str]]:
    """(file, line, url) of `dvc import` sources pinned by `rev_lock`."""
    found: list[tuple[str, int | None, str]] = []
    for path in dvc_files(snap):
        for doc in snap.yaml_docs(path):
            deps = doc.get("deps") if isinstance(doc, dict) else None
            for dep in deps if isinstance(deps, list) else []:
                repo = dep.get("repo") if isinstance(dep, dict) else None
                if isinstance(repo, dict) and repo.get("rev_lock"):
                    found.append((path, node_line(dep), str(repo.get("url", ""))))
    return found


_REMOTE_SECTION = re.compile(r"""^\s*\[\s*'?remote\s+"([^"]+)"'?\s*\]""")
_URL = re.compile(r"^\s*url\s*=\s*(\S+)")


def dvc_remotes(snap: Snapshot) -> list[tuple[str, int, str]]:
    """(path, line, 'name = url') of remotes declared in tracked `.dvc/config` files."""
    found: list[tuple[str, int, str]] = []
    for path in snap.glob(".dvc/config", "**/.dvc/config"):
        current: str | None = None
        for number, line in enumerate(snap.lines(path), start=1):
            section = _REMOTE_SECTION.match(line)
            if section:
                current = section.group(1)
                continue
            if line.strip().startswith("["):
                current = None
                continue
            url = _URL.match(line)
            if current and url:
                found.append((path, number, f"{current} = {url.group(1)}"))
    return found


@dataclass(frozen=True)
class LfsRule:
    path: str  # the .gitattributes file
    line: int
    pattern: str
    kind: str  # data | model | image | other

    @property
    def text(self) -> str:
        return f"{self.pattern} filter=lfs"


def _pattern_kind(pattern: str) -> str:
    return path_kind(pattern)


def lfs_rules(snap: Snapshot) -> list[LfsRule]:
    """`.gitattributes` lines that route a pattern through `filter=lfs` (comments ignored)."""
    rules: list[LfsRule] = []
    for path in snap.glob(".gitattributes"):
        if base.is_excluded(path):
            continue
        for number, line in enumerate(snap.lines(path), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            fields = stripped.split()
            if "filter=lfs" not in fields[1:]:
                continue
            prefix = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
            pattern = fields[0]
            rules.append(LfsRule(path, number, prefix + pattern, _pattern_kind(pattern)))
    return rules


LFS_POINTER_PREFIX = b"version https://git-lfs"


def is_lfs_pointer(snap: Snapshot, path: str) -> bool:
    size = snap.size(path)
    if size is None or size > 1024:
        return False
    data = snap.raw(path, 4096)
    return bool(data and data.startswith(LFS_POINTER_PREFIX))


def lfs_pointers_at_head(snap: Snapshot, rule: LfsRule) -> tuple[list[str], list[str]]:
    """(files the rule covers, of which stored as LFS pointers or smudged LFS content).

    A covered file that is a pointer (a `--ref` scan, or a checkout without LFS) or bigger
    than any pointer (a checkout where LFS smudged it) went through LFS; a small file that
    is not a pointer was committed straight into git."""
    from mlaudit.repo.globs import compile_glob

    regex = compile_glob(rule.pattern)
    # rule ex: example data routed through LFS is not the project's (microsoft/MLOps
    # examples/**/*.csv under a root `*.csv filter=lfs`)
    covered = [
        f for f in snap.files if regex.match(f) and f != rule.path and not base.is_excluded(f)
    ]
    through = [f for f in covered if is_lfs_pointer(snap, f) or (snap.size(f) or 0) > 1024]
    return covered, through


def key_evidence_line(node: Any, key: str) -> int | None:
    return key_line(node, key) if isinstance(node, dict) else None


# MLflow Projects -------------------------------------------------------------------------------
MLPROJECT_FILE = "MLproject"  # MLflow reads this exact name only (not MLproject.yaml)
_SCRIPT_ARG = re.compile(
    r"(?:^|\s)(?:python[\d.]*|bash|sh|Rscript)\s+(?:-\w+\s+)*([\w./-]+\.(?:py|sh|R))\b"
)
_MODULE_ARG = re.compile(r"(?:^|\s)python[\d.]*\s+-m\s+([\w.]+)")
_PYTHONPATH = re.compile(r"(?:^|\s)PYTHONPATH=[\"']?([\w./:-]+)")
_PATH_PARAM_NAME = re.compile(
    r"(?:^|_)(?:path|paths|file|files|dir|directory|folder|uri|url|input|output|csv|data)$",
    re.IGNORECASE,
)
_PATH_DEFAULT = re.compile(r"/|\\|\.(?:csv|parquet|json|ya?ml|txt|pkl|joblib|zip|gz)$")


@dataclass(frozen=True)
class MlprojectEntry:
    """An MLproject entry point: its command, the local script it runs (None when the
    command names none) and whether that script exists, and its hyper-parameters."""

    path: str
    name: str
    line: int | None
    command: str
    script: str | None
    script_exists: bool
    hyperparameters: tuple[str, ...]

    @property
    def runnable(self) -> bool:
        return self.script is None or self.script_exists


def _is_path_parameter(name: str, spec: Any) -> bool:
    """A parameter that only says where data or output lives is not a hyper-parameter."""
    kind = str(spec.get("type", "")) if isinstance(spec, dict) else ""
    default = spec.get("default") if isinstance(spec, dict) else spec
    if kind in ("path", "uri"):
        return True
    if _PATH_PARAM_NAME.search(name):
        return True
    return isinstance(default, str) and bool(_PATH_DEFAULT.search(default))


def _entry_script(snap: Snapshot, folder: str, command: str) -> tuple[str | None, bool]:
    found = _SCRIPT_ARG.search(command)
    if found and "{" not in found.group(1):
        script = (folder + found.group(1).removeprefix("./")).replace("//", "/")
        return script, snap.exists(script)
    module = _MODULE_ARG.search(command)
    if module:
        # `python -m pkg` finds pkg beside the command, on a `PYTHONPATH=` it sets, or
        # installed from a src layout (fmind/mlops-python-package: `PYTHONPATH=src python -m
        # bikes {conf_file}` with src/bikes/__main__.py)
        extra = _PYTHONPATH.search(command)
        roots = [folder]
        paths = (extra.group(1) if extra else "").split(":")
        roots += [folder + p.strip("./") + "/" for p in paths if p.strip("./")]
        roots.append(folder + "src/")
        relative = module.group(1).replace(".", "/")
        candidates = [
            c
            for root in dict.fromkeys(roots)
            for c in (f"{root}{relative}.py", f"{root}{relative}/__main__.py")
        ]
        found_module = next((c for c in candidates if snap.exists(c)), None)
        return found_module or candidates[0], found_module is not None
    return None, False


def mlproject_entries(snap: Snapshot) -> list[MlprojectEntry]:
    """Entry points of every file named exactly `MLproject` (parsed once, cached)."""

    def build() -> list[MlprojectEntry]:
        entries: list[MlprojectEntry] = []
        # a test fixture's MLproject (tests/…/MLproject) is not the project's pipeline
        for path in base.select_files(snap, [MLPROJECT_FILE], scope="non_tests"):
            if path.rsplit("/", 1)[-1] != MLPROJECT_FILE:
                continue
            folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
            for doc in snap.yaml_docs(path):
                eps = doc.get("entry_points") if isinstance(doc, dict) else None
                for name, entry in eps.items() if isinstance(eps, dict) else []:
                    if not isinstance(entry, dict) or not isinstance(entry.get("command"), str):
                        continue
                    command = entry["command"]
                    script, exists = _entry_script(snap, folder, command)
                    params = entry.get("parameters")
                    hyper = tuple(
                        str(k)
                        for k, v in (params.items() if isinstance(params, dict) else [])
                        if not _is_path_parameter(str(k), v)
                    )
                    entries.append(
                        MlprojectEntry(
                            path, str(name), key_line(eps, name), command, script, exists, hyper
                        )
                    )
        return entries

    return snap._cached("mlproject_entries", "", build)
