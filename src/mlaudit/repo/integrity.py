"""Is the repository whole? Damage and local history rewriting, told apart from a new one.

A repository can be damaged (a garbage line in `packed-refs`, a ref that names no object,
a corrupt `shallow` file) or rewritten locally, outside its objects (`info/grafts`, replace
refs). git answers the first with an error that looks like "no commits yet" and silently
applies the second. mlaudit never reports a damaged repository as an empty, healthy one:
its history checks are `unknown` with git's reason (or exit 3 when no file can be listed).
Grafts and replace refs are switched off for every git call (repo/git.py: GIT_GRAFT_FILE,
GIT_NO_REPLACE_OBJECTS), so history is read as stored; their presence is noted.
"""

from __future__ import annotations

import os
from pathlib import Path

from mlaudit.repo.git import GitFailed, run_git

PACKED_REFS_SCAN_BYTES = 64 * 1024 * 1024


def head_problem(cwd: Path, failure: GitFailed) -> str:
    """Why `git log HEAD` failed: "" when HEAD is a branch without commits (a new
    repository or an orphan branch) and every ref reads, else the damage, in words.
    Two small git calls, on this failure path only."""
    try:
        run_git(cwd, ["symbolic-ref", "-q", "HEAD"])  # detached onto nothing: damaged
    except GitFailed:
        return damage_reason(failure)
    try:
        run_git(cwd, ["show-ref"])
    except GitFailed as exc:
        if exc.returncode != 1 or exc.stderr.strip():  # 1, silent: no refs at all
            return damage_reason(exc)
    return ""


def damage_reason(exc: GitFailed) -> str:
    lines = [line.strip() for line in exc.stderr.splitlines() if line.strip()]
    detail = (lines[0] if lines else f"git exited with {exc.returncode}").removeprefix("fatal: ")
    return f"git cannot read this repository's history ({detail[:160]})"


def rewritten_history_notes(common_dir: Path) -> list[str]:
    """Notes for local history rewriting found in the git directory (ignored when read)."""
    notes: list[str] = []
    if (common_dir / "info" / "grafts").exists():
        notes.append("info/grafts present: ignored, history is read as stored")
    if _has_replace_refs(common_dir):
        notes.append("replace refs present (refs/replace/): ignored, history is read as stored")
    return notes


def _has_replace_refs(common_dir: Path) -> bool:
    replace_dir = common_dir / "refs" / "replace"
    if replace_dir.is_dir() and any(os.scandir(replace_dir)):
        return True
    packed = common_dir / "packed-refs"
    try:
        if not packed.is_file():
            return False
        with packed.open("rb") as fh:
            return b" refs/replace/" in fh.read(PACKED_REFS_SCAN_BYTES)
    except OSError:
        return False


def unresponsive_git(root: Path, exc: GitFailed) -> str:
    return (
        f"git did not answer in {root} ({exc.stderr.strip()[:120]}); its configuration may "
        "read a FIFO or a device (e.g. an include.path), see docs/security.md"
    )
