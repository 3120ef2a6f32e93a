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


@dataclass(frozen=True)
class DvcOut:
    """An output recorded by DVC (`*.dvc` file or `dvc.lock`), with its content hash."""

    source: str  # the .dvc / dvc.lock file
    line: int | None
    path: str
    hashed: bool
    stage: str | None = None


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


def dvc_lock_outs(snap: Snapshot) -> list[DvcOut]:
    outs: list[DvcOut] = []
    for path in base.select_files(snap, ["dvc.lock"]):
        for name, stage in dvc_lock_stages(snap, path).items():
            outs.extend(_outs_of(stage, path, name))
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
    low = pattern.lower().rstrip("/")
    ext = low.rsplit(".", 1)[-1] if "." in low.rsplit("/", 1)[-1] else ""
    parts = [p for p in re.split(r"[/*]+", low) if p]
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in MODEL_EXTENSIONS or any(p in ("models", "model", "checkpoints") for p in parts):
        return "model"
    if ext in DATA_EXTENSIONS or any(p in DATA_DIRS for p in parts):
        return "data"
    return "other"


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


def key_evidence_line(node: Any, key: str) -> int | None:
    return key_line(node, key) if isinstance(node, dict) else None
