"""Where a Snapshot's bytes come from: a work tree on disk (or a plain folder).

A source lists files and reads them with a size cap. It is the only code that opens files
of the target. Reads never follow a symlink out of the root and never write.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from mlaudit.repo.git import GitFailed, run_git

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
MAX_WALK_FILES = 500_000
# Folders that are never part of a project's own content when walking a non-git folder.
WALK_SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".ruff_cache", ".tox"}


@dataclass(frozen=True)
class ReadResult:
    data: bytes | None
    problem: str | None = None
    truncated: bool = False


class FileSource(Protocol):
    def list_files(self) -> list[str]: ...

    def read(self, path: str, max_bytes: int) -> ReadResult: ...

    def size(self, path: str) -> int | None: ...


@dataclass
class WorktreeSource:
    """Files of a folder on disk; listing comes from git when there is a work tree."""

    root: Path
    git_cwd: Path | None = None
    include_untracked: bool = False
    notes: list[str] = field(default_factory=list)
    _root_real: str = ""
    _kinds: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._root_real = os.path.realpath(self.root)

    # listing -------------------------------------------------------------------------
    def list_files(self) -> list[str]:
        paths = self._git_list() if self.git_cwd is not None else self._walk()
        return sorted(set(paths))

    def _git_list(self) -> list[str]:
        assert self.git_cwd is not None
        out = run_git(self.root, ["ls-files", "-z", "--stage", "--", "."])
        paths: list[str] = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode = meta.split(b" ", 1)[0]
            path = raw_path.decode("utf-8", "surrogateescape")
            if mode == b"160000":
                self._kinds[path] = "submodule"
                continue  # submodules are not followed
            if mode == b"120000":
                self._kinds[path] = "symlink"
            paths.append(path)
        if self.include_untracked:
            try:
                extra = run_git(
                    self.root, ["ls-files", "-z", "--others", "--exclude-standard", "--", "."]
                )
                paths.extend(p.decode("utf-8", "surrogateescape") for p in extra.split(b"\0") if p)
            except GitFailed as exc:
                self.notes.append(f"untracked files not listed: {exc}")
        return [p for p in paths if _safe_relpath(p)]

    def _walk(self) -> list[str]:
        from mlaudit.repo.ignore import IgnoreRules

        rules = IgnoreRules()
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            rel_dir = os.path.relpath(dirpath, self.root)
            rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
            if ".gitignore" in filenames:
                rules.add_file(rel_dir, Path(dirpath) / ".gitignore")
            kept = []
            for d in sorted(dirnames):
                rel = f"{rel_dir}/{d}" if rel_dir else d
                if d in WALK_SKIP_DIRS or rules.ignored(rel, is_dir=True):
                    continue
                if os.path.islink(os.path.join(dirpath, d)):
                    self._kinds[rel] = "symlink"
                    found.append(rel)
                    continue
                kept.append(d)
            dirnames[:] = kept
            for name in filenames:
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if rules.ignored(rel, is_dir=False):
                    continue
                if os.path.islink(os.path.join(dirpath, name)):
                    self._kinds[rel] = "symlink"
                found.append(rel)
                if len(found) >= MAX_WALK_FILES:
                    self.notes.append(f"file listing stopped at {MAX_WALK_FILES} files")
                    return found
        return found

    # reading -------------------------------------------------------------------------
    def _resolve_inside(self, path: str) -> str | None:
        full = os.path.join(self._root_real, *PurePosixPath(path).parts)
        real = os.path.realpath(full)
        if real != self._root_real and not real.startswith(self._root_real + os.sep):
            return None
        return real

    def size(self, path: str) -> int | None:
        real = self._resolve_inside(path)
        if real is None:
            return None
        try:
            st = os.stat(real)
        except OSError:
            return None
        return st.st_size if stat.S_ISREG(st.st_mode) else None

    def read(self, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
        if not _safe_relpath(path):
            return ReadResult(None, "path outside the scan root")
        real = self._resolve_inside(path)
        if real is None:
            return ReadResult(None, "symlink leads outside the scan root; not followed")
        try:
            fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            return ReadResult(None, "file listed by git but missing from the work tree")
        except OSError as exc:
            return ReadResult(None, f"unreadable: {exc.strerror}")
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return ReadResult(None, "not a regular file")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            return ReadResult(None, f"unreadable: {exc.strerror}")
        finally:
            os.close(fd)
        if len(data) > max_bytes:
            return ReadResult(data[:max_bytes], f"larger than {max_bytes} bytes", truncated=True)
        return ReadResult(data)

    def kind(self, path: str) -> str:
        return self._kinds.get(path, "file")


def _safe_relpath(path: str) -> bool:
    if not path or path.startswith("/") or "\0" in path:
        return False
    return ".." not in PurePosixPath(path).parts
