"""What git says about a scanned folder (commit, branch, layout), and how reports name it.

Kept apart from the Snapshot so that the whole-result cache (result_cache.py) can key a scan
on these facts without importing the parsers and probes a scan needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class GitInfo:
    commit: str | None = None
    commit_date: str | None = None
    branch: str | None = None
    subdir: str = ""
    shallow: bool = False
    partial_clone: bool = False
    damaged: str = ""  # why git cannot read the history (garbage in packed-refs…), or ""
    notes: list[str] = field(default_factory=list)  # grafts, replace refs (ignored)


def display_name(root: Path) -> str:
    """How reports name the scanned folder: its own name, resolved, not the path as typed,
    so that `repo`, `./repo/`, `/abs/path/repo` and a symlink to it give byte-identical
    reports (and no report carries the machine's folder layout)."""
    return root.resolve().name or str(root.resolve())
