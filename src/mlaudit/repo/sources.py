"""Where a Snapshot's bytes come from: a work tree on disk (or a plain folder).

A source lists files and reads them with a size cap. It is the only code that opens files
of the target. Reads never follow a symlink out of the root and never write.

File names are text everywhere above this layer: a name that is not valid UTF-8 is shown
with its bad bytes escaped (`caf\\xe9.py`), and the source keeps the name as it is on disk
to read it, so reports can always be encoded and such a file is still read.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
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
    _on_disk: dict[str, str] = field(default_factory=dict)  # shown name → os-level name
    # tracked, but deleted from the work tree (or never checked out): not scanned, and a
    # check whose answer they could change says unknown (Snapshot.missing_files)
    missing: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._root_real = os.path.realpath(self.root)

    # listing -------------------------------------------------------------------------
    def list_files(self) -> list[str]:
        paths = self._git_list() if self.git_cwd is not None else self._walk()
        return sorted(set(paths))

    def _git_list(self) -> list[str]:
        assert self.git_cwd is not None
        # one call: every tracked entry ("H …") plus, tagged "R …", those deleted from the
        # work tree but not yet from the index — those are not part of what we scan
        out = run_git(
            self.root, ["ls-files", "-z", "-t", "--stage", "--cached", "--deleted", "--", "."]
        )
        records = [r for r in out.split(b"\0") if r]
        deleted = {r.partition(b"\t")[2] for r in records if r.startswith(b"R ")}
        if deleted:
            # said, not silent: a committed file the scan does not see is a finding it
            # cannot make (e.g. a large data file absent from a partial clone)
            names = sorted(self._name(raw) for raw in deleted)
            self.missing = names
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            self.notes.append(
                f"{len(names)} tracked file(s) missing from the work tree, not scanned: {shown}"
            )
        paths: list[str] = []
        for record in records:
            if record.startswith(b"R "):
                continue
            meta, _, raw_path = record.partition(b"\t")
            if raw_path in deleted:
                continue
            mode = meta.split(b" ")[1] if meta[1:2] == b" " else meta.split(b" ", 1)[0]
            path = self._name(raw_path)
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
                paths.extend(self._name(p) for p in extra.split(b"\0") if p)
            except GitFailed as exc:
                self.notes.append(f"untracked files not listed: {exc}")
        return [p for p in paths if _safe_relpath(p)]

    def _walk(self) -> list[str]:
        from mlaudit.repo.ignore import IgnoreRules

        rules = IgnoreRules()
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            # rel_dir/rel are os-level names (undecodable bytes as surrogates); what is
            # listed is the text name from `_name`, which maps back to them for reading.
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
                    shown = self._name(os.fsencode(rel))
                    self._kinds[shown] = "symlink"
                    found.append(shown)
                    continue
                kept.append(d)
            dirnames[:] = kept
            for name in filenames:
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if rules.ignored(rel, is_dir=False):
                    continue
                shown = self._name(os.fsencode(rel))
                if os.path.islink(os.path.join(dirpath, name)):
                    self._kinds[shown] = "symlink"
                found.append(shown)
                if len(found) >= MAX_WALK_FILES:
                    self.notes.append(f"file listing stopped at {MAX_WALK_FILES} files")
                    return found
        return found

    def _name(self, raw: bytes) -> str:
        """A listed name as text; remember the on-disk name when bytes had to be escaped."""
        shown = raw.decode("utf-8", "backslashreplace")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            self._on_disk[shown] = os.fsdecode(raw)
        return shown

    # reading -------------------------------------------------------------------------
    def _full(self, path: str) -> str:
        return os.path.join(self._root_real, *self._on_disk.get(path, path).split("/"))

    def _resolve_inside(self, path: str) -> str | None:
        try:
            real = os.path.realpath(self._full(path))
        except OSError:  # a symlink on the way vanished while it was resolved (Python ≤ 3.12)
            return None
        return real if _is_inside(real, self._root_real) else None

    def _symlinked_dir(self, path: str) -> bool:
        """Is a folder on the way to `path` a listed symlink (so a plain stat would follow it)?"""
        if not self._kinds:
            return False
        parts = path.split("/")[:-1]
        return any(
            self._kinds.get("/".join(parts[: i + 1])) == "symlink" for i in range(len(parts))
        )

    def size(self, path: str) -> int | None:
        if self._kinds.get(path) == "symlink" or self._symlinked_dir(path):
            real = self._resolve_inside(path)
            if real is None:
                return None
        else:
            real = self._full(path)
        try:
            st = os.lstat(real)
        except OSError:
            return None
        return st.st_size if stat.S_ISREG(st.st_mode) else None

    def plain_stat(self, path: str) -> os.stat_result | None:
        """lstat of a listed regular file that no listed symlink leads to (its bytes are
        the file's own), else None: a symlink's bytes are its target's, read to know them."""
        if self._kinds.get(path) == "symlink" or self._symlinked_dir(path):
            return None
        try:
            st = os.lstat(self._full(path))
        except OSError:
            return None
        return st if stat.S_ISREG(st.st_mode) else None

    def _open(self, path: str) -> int | ReadResult:
        """An fd opened read-only on `path` inside the root, or why it cannot be."""
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _O_NOFOLLOW
        target = self._full(path)
        if not _CAN_LOCATE_FD or self._kinds.get(path) == "symlink":
            # resolve first (in-root symlinks are followed, escaping ones refused)
            real = self._resolve_inside(path)
            if real is None:
                return ReadResult(None, "symlink leads outside the scan root; not followed")
            target = real
        try:
            # O_NOFOLLOW: a last component that is (or became) a symlink is refused.
            return os.open(target, flags)
        except FileNotFoundError:
            return ReadResult(None, "file listed by git but missing from the work tree")
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.EMLINK):
                return ReadResult(None, f"unreadable: {exc.strerror}")
        # the last component is a symlink the listing did not announce: resolve it
        real = self._resolve_inside(path)
        if real is None:
            return ReadResult(None, "symlink leads outside the scan root; not followed")
        if real == target:
            return ReadResult(None, "unreadable: symlink loop")
        try:
            return os.open(real, flags)
        except OSError as exc:
            return ReadResult(None, f"unreadable: {exc.strerror}")

    def read(self, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
        if not _safe_relpath(path):
            return ReadResult(None, "path outside the scan root")
        fd = self._open(path)
        if isinstance(fd, ReadResult):
            return fd
        try:
            # Where the open file really is: a folder on the way may be a symlink (or have
            # been swapped for one while we read) — whatever the path said, refuse escapes.
            opened = _fd_path(fd)
            if opened is not None and not _is_inside(opened, self._root_real):
                return ReadResult(None, "symlink leads outside the scan root; not followed")
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return ReadResult(None, "not a regular file")
            data = _read_fd(fd, max_bytes + 1, st.st_size)
        except OSError as exc:
            return ReadResult(None, f"unreadable: {exc.strerror}")
        finally:
            os.close(fd)
        if len(data) > max_bytes:
            return ReadResult(data[:max_bytes], f"larger than {max_bytes} bytes", truncated=True)
        return ReadResult(data)

    def kind(self, path: str) -> str:
        return self._kinds.get(path, "file")


_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _read_fd(fd: int, limit: int, size_hint: int) -> bytes:
    """Up to `limit` bytes of an open file, asking for its stat size first: plain `os.read`
    calls, not a buffered file object (which cost 4x the read itself, per file of a scan).
    A file that grew or shrank since its stat is read to its end all the same."""
    first = os.read(fd, min(limit, size_hint + 1))
    if len(first) == size_hint or len(first) >= limit:  # the whole file, or all we keep
        return first
    parts = [first]
    total = len(first)
    while total < limit:
        chunk = os.read(fd, min(limit - total, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _is_inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _fd_path(fd: int) -> str | None:
    """Where an open file really is (Linux /proc, macOS F_GETPATH); None when unknown."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    getpath = getattr(fcntl, "F_GETPATH", None)
    if getpath is None:
        return None
    try:
        raw = fcntl.fcntl(fd, getpath, b"\0" * 1024)
    except OSError:
        return None
    return os.fsdecode(raw.split(b"\0", 1)[0])


# Can the real location of an open fd be asked? Then files are opened directly and checked
# after opening (one syscall); otherwise every path is resolved with realpath first.
def _can_locate_fd() -> bool:
    if not _O_NOFOLLOW:
        return False
    if os.path.isdir("/proc/self/fd"):
        return True
    try:
        import fcntl
    except ImportError:
        return False
    return hasattr(fcntl, "F_GETPATH")


_CAN_LOCATE_FD = _can_locate_fd()


def _safe_relpath(path: str) -> bool:
    if not path or path.startswith("/") or "\0" in path:
        return False
    return ".." not in path.split("/")  # (PurePosixPath is ~10x slower, per file read)
