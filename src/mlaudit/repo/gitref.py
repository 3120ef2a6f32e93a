"""A Snapshot of a commit, read from git objects without a checkout (`scan --ref`, `diff`).

The tree is listed with ONE `git ls-tree -r -z -l --full-tree <commit>`; blobs are read on
demand through ONE long-lived `git cat-file --batch` process. The points of a history share
one GitObjects instead (one `cat-file --batch` and one `--batch-check` for all of them): each
point's tree is walked from tree objects, and unchanged subtrees are parsed once. Everything above the FileSource
is unchanged, so every probe sees the commit exactly as a checkout of it would show it:
tracked files only, submodules not followed, symlinks resolved inside the scanned tree and
never out of it, files above the size cap reported the same way. History is read from the
commit (`git log <commit>`), not from HEAD.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from mlaudit.errors import TargetError, UsageError
from mlaudit.repo.git import (
    LOG_SAFETY_FLAGS,
    GitFailed,
    arm,
    disarm,
    git_text,
    pipe_git,
    run_git,
)
from mlaudit.repo.gitinfo import GitInfo, display_name, read_branches
from mlaudit.repo.history import DEFAULT_COMMIT_LIMIT, start_file_versions, start_history
from mlaudit.repo.integrity import rewritten_history_notes, unresponsive_git
from mlaudit.repo.sources import DEFAULT_MAX_BYTES, ReadResult, _safe_relpath

if TYPE_CHECKING:  # the Snapshot (parsers…) is imported only when one is built
    from mlaudit.repo.snapshot import Snapshot

MAX_SYMLINK_HOPS = 8


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    sha: str
    size: int | None


class _CatFile:
    """One `git cat-file --batch` process (`--batch-check` with check=True), fed object ids
    one at a time. Each request is bounded in time by the watchdog of repo/git.py (a stalled
    git is killed, and the read fails instead of blocking)."""

    def __init__(self, cwd: Path, *, check: bool = False) -> None:
        self._check = check
        self._child = pipe_git(cwd, ["cat-file", "--batch-check" if check else "--batch"])
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, self._child.close)

    def read(self, sha: str) -> bytes | None:
        """The object's bytes, or None when the object is missing (partial clone)."""
        found = self._ask(sha)
        assert found is None or isinstance(found, bytes)
        return found

    def size(self, sha: str) -> int | None:
        """The object's size (`--batch-check`), or None when it is missing."""
        found = self._ask(sha)
        assert found is None or isinstance(found, int)
        return found

    def _ask(self, sha: str) -> bytes | int | None:
        with self._lock:
            if self._child.proc.poll() is not None:
                raise OSError("git cat-file is not running")
            arm(self._child)
            try:
                stdin, stdout = self._child.stdin, self._child.stdout
                stdin.write(sha.encode("ascii") + b"\n")
                stdin.flush()
                header = stdout.readline()
                if not header:
                    raise OSError("git cat-file stopped")
                parts = header.split()
                if len(parts) < 3 or parts[1] == b"missing" or not parts[2].isdigit():
                    return None
                size = int(parts[2])
                if self._check:
                    return size
                data = stdout.read(size)
                stdout.read(1)  # the newline after the contents
            finally:
                disarm(self._child)
            if len(data) < size:
                raise OSError("git cat-file stopped")
            return data

    def close(self) -> None:
        self._finalizer()


_MISSING_RECORD = object()


class _MissingObject(Exception):
    """A tree object the clone does not hold (partial clone): list with `ls-tree` instead."""


class GitObjects:
    """The object reads of every GitRefSource of one repository in one process — the points
    of a history —: ONE `git cat-file --batch` for trees and blobs and ONE `--batch-check`
    for sizes, started on first use, instead of an `ls-tree` and a `cat-file` per point.

    A commit's files are listed by walking its tree objects (git's binary tree format), and
    the flattened listing of every subtree is kept by its id: a folder that did not change
    between two points is parsed once. Sizes are asked only for the blobs a scan reads or
    measures, and kept by blob id. Nothing here is ever inherited by a forked worker as its
    own: objects_for() gives each process its own reader."""

    MAX_KEPT_ENTRIES = 200_000  # of flattened subtrees, in all (a bound on memory)

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self._cat: _CatFile | None = None
        self._check: _CatFile | None = None
        self._subtrees: dict[str, tuple[tuple[bytes, bytes, str], ...]] = {}
        self._kept = 0
        self._sizes: dict[str, int | None] = {}
        self._records: dict[tuple[bytes, bytes, str], _Record | None] = {}

    def blob(self, sha: str) -> bytes | None:
        if self._cat is None:
            self._cat = _CatFile(self.cwd)
        try:
            return self._cat.read(sha)
        except OSError:
            # cat-file exits on an object it may not fetch (partial clone, lazy fetch off):
            # that object is missing; the next read starts a new process, so one missing
            # blob does not make every later file unreadable
            self._cat.close()
            self._cat = None
            return None

    def size(self, sha: str) -> int | None:
        if sha in self._sizes:
            return self._sizes[sha]
        if self._check is None:
            self._check = _CatFile(self.cwd, check=True)
        try:
            size = self._check.size(sha)
        except OSError:
            self._check.close()
            self._check = None
            return None
        if len(self._sizes) > self.MAX_KEPT_ENTRIES:
            self._sizes.clear()
        self._sizes[sha] = size
        return size

    def listing(self, commit: str, prefix: str) -> list[tuple[bytes, bytes, str]] | None:
        """(path under `prefix`, mode, object id) of every non-tree entry of `commit`'s
        tree, as `ls-tree -r --full-tree` lists them; None when an object is missing or the
        repository's object ids are not SHA-1 (the caller lists with ls-tree then)."""
        if len(commit) != 40:
            return None
        try:
            entries = _parse_tree(self._read(f"{commit}^{{tree}}"))
            for part in [p for p in prefix.encode("utf-8", "surrogateescape").split(b"/") if p]:
                sub = next(
                    (sha for mode, name, sha in entries if name == part and mode == b"40000"), None
                )
                if sub is None:
                    return []  # the scanned folder does not exist in this commit
                entries = _parse_tree(self._read(sub))
            return list(self._flatten(entries))
        except _MissingObject:
            return None

    def records(self, commit: str, prefix: str) -> list[_Record | None] | None:
        """listing() as _Records: an entry (path, mode, id) that an earlier point of the
        history listed too is decoded once (200 points of 1,000 files: 200,000 decodings)."""
        listed = self.listing(commit, prefix)
        if listed is None:
            return None
        memo = self._records
        if len(memo) + len(listed) > self.MAX_KEPT_ENTRIES:
            memo.clear()
        out: list[_Record | None] = []
        for entry in listed:
            record = memo.get(entry, _MISSING_RECORD)
            if record is _MISSING_RECORD:
                path, mode, sha = entry
                record = memo[entry] = _record(path, mode.decode("ascii"), sha, None)
            out.append(record)  # type: ignore[arg-type]
        return out

    def _read(self, rev: str) -> bytes:
        data = self.blob(rev)
        if data is None:
            raise _MissingObject(rev)
        return data

    def _flatten(self, entries: list[tuple[bytes, bytes, str]]) -> list[tuple[bytes, bytes, str]]:
        items: list[tuple[bytes, bytes, str]] = []
        for mode, name, sha in entries:
            if mode == b"40000":
                items.extend((name + b"/" + path, m, s) for path, m, s in self._subtree(sha))
            else:
                items.append((name, mode, sha))
        return items

    def _subtree(self, sha: str) -> tuple[tuple[bytes, bytes, str], ...]:
        kept = self._subtrees.get(sha)
        if kept is None:
            kept = tuple(self._flatten(_parse_tree(self._read(sha))))
            if self._kept + len(kept) > self.MAX_KEPT_ENTRIES:
                self._subtrees.clear()
                self._kept = 0
            self._subtrees[sha] = kept
            self._kept += len(kept)
        return kept

    def close(self) -> None:
        for child in (self._cat, self._check):
            if child is not None:
                child.close()
        self._cat = self._check = None


def _parse_tree(data: bytes) -> list[tuple[bytes, bytes, str]]:
    """(mode, name, object id) of each entry of a tree object: `<mode> <name>\\0<20 bytes>`
    repeated (SHA-1 repositories; a SHA-256 one raises, and is listed with ls-tree)."""
    out: list[tuple[bytes, bytes, str]] = []
    at, end = 0, len(data)
    while at < end:
        space = data.index(b" ", at)
        nul = data.index(b"\0", space)
        if nul + 21 > end:
            raise _MissingObject("a tree object of an unexpected format")
        out.append((data[at:space], data[space + 1 : nul], data[nul + 1 : nul + 21].hex()))
        at = nul + 21
    return out


_OBJECTS: dict[tuple[int, str], GitObjects] = {}


def objects_for(root: Path) -> GitObjects:
    """This process's GitObjects of the repository at `root`: a forked worker gets its own
    (the parent's pipes are the parent's), and leaves the parent's alone."""
    key = (os.getpid(), str(root))
    found = _OBJECTS.get(key)
    if found is None:
        found = _OBJECTS[key] = GitObjects(root)
    return found


def release_objects(root: Path) -> None:
    """Stop this process's readers of `root` (at the end of a history)."""
    found = _OBJECTS.pop((os.getpid(), str(root)), None)
    if found is not None:
        found.close()


class _Record(NamedTuple):
    """One `ls-tree -r -l` record, decoded: the scan-root-relative path, its kind, its entry
    (None for a submodule, which is not followed) and the folders above it."""

    path: str
    kind: str  # "file", "symlink" or "submodule"
    entry: TreeEntry | None
    dirs: tuple[str, ...]


# Most records repeat from one listed commit to the next (history points, `diff`'s two
# sides): each distinct record is decoded once per process. Bounded, and only for trees
# small enough that keeping their records costs little next to the Snapshot itself.
MAX_MEMO_RECORDS = 50_000
_RECORDS: dict[bytes, dict[bytes, _Record | None]] = {}  # scanned prefix → record → parsed


def _record_memo(prefix: bytes, count: int) -> dict[bytes, _Record | None] | None:
    if count > MAX_MEMO_RECORDS:
        return None
    memo = _RECORDS.get(prefix)
    if memo is None or len(memo) > 2 * MAX_MEMO_RECORDS:
        _RECORDS.clear()
        memo = _RECORDS[prefix] = {}
    return memo


def _parse_record(record: bytes, prefix: bytes) -> _Record | None:
    """`<mode> <type> <sha> <size>\t<path>` → _Record; None for a record outside the scanned
    prefix, of an unexpected shape, or whose path is not a safe relative path."""
    meta, _, raw_path = record.partition(b"\t")
    if prefix:
        if not raw_path.startswith(prefix):
            return None
        raw_path = raw_path[len(prefix) :]
    fields = meta.split()
    if len(fields) < 3:
        return None
    mode, _kind, sha, size = (f.decode("ascii", "replace") for f in [*fields[:4], b"-"][:4])
    return _record(raw_path, mode, sha, int(size) if size.isdigit() else None)


def _record(raw_path: bytes, mode: str, sha: str, size: int | None) -> _Record | None:
    """The _Record of one tree entry (path relative to the scanned folder), or None when the
    path is not a safe relative path."""
    path = raw_path.decode("utf-8", "backslashreplace")
    if not _safe_relpath(path):
        return None
    if mode == "160000":
        return _Record(path, "submodule", None, ())
    parts = path.split("/")[:-1]
    dirs = tuple("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    kind = "symlink" if mode == "120000" else "file"
    return _Record(path, kind, TreeEntry(mode, sha, size), dirs)


@dataclass
class GitRefSource:
    """The files of `commit` under `prefix` (the scanned subfolder), from git objects."""

    git_cwd: Path
    commit: str
    prefix: str = ""
    notes: list[str] = field(default_factory=list)
    _entries: dict[str, TreeEntry] = field(default_factory=dict)
    _kinds: dict[str, str] = field(default_factory=dict)
    _dirs: set[str] = field(default_factory=set)
    # shared with the other points of a history (objects_for): trees walked, not ls-tree'd
    objects: GitObjects | None = None
    _own: GitObjects | None = None  # this source's own blob reader, when none is shared

    def list_files(self) -> list[str]:
        listed = self.objects.records(self.commit, self.prefix) if self.objects else None
        if listed is not None:
            return self._keep(listed)
        try:
            out = run_git(self.git_cwd, ["ls-tree", "-r", "-z", "-l", "--full-tree", self.commit])
        except GitFailed:
            # partial clone: `-l` needs the size of every blob and missing blobs are never
            # fetched (GIT_NO_LAZY_FETCH); list without sizes, reads then name what is missing
            out = run_git(self.git_cwd, ["ls-tree", "-r", "-z", "--full-tree", self.commit])
        prefix = self.prefix.encode("utf-8", "surrogateescape")
        records = out.split(b"\0")
        memo = _record_memo(prefix, len(records))

        def parse(record: bytes) -> _Record | None:
            if memo is None:
                return _parse_record(record, prefix)
            if record not in memo:
                memo[record] = _parse_record(record, prefix)
            return memo[record]

        return self._keep(parse(record) for record in records if record)

    def _keep(self, records: Iterable[_Record | None]) -> list[str]:
        """Record the listed entries; the sorted paths of the regular files and symlinks."""
        paths: list[str] = []
        entries, kinds, dirs = self._entries, self._kinds, self._dirs
        for parsed in records:
            if parsed is None:
                continue
            if parsed.kind != "file":
                kinds[parsed.path] = parsed.kind
            if parsed.entry is None:
                continue  # submodules are not followed, as in a work tree
            entries[parsed.path] = parsed.entry
            paths.append(parsed.path)
            dirs.update(parsed.dirs)
        return sorted(paths)

    def kind(self, path: str) -> str:
        return self._kinds.get(path, "file")

    def _blob(self, sha: str) -> bytes | None:
        if self.objects is not None:
            return self.objects.blob(sha)
        if self._own is None:
            self._own = GitObjects(self.git_cwd)
        return self._own.blob(sha)

    def _resolve(self, path: str) -> tuple[TreeEntry | None, str | None]:
        """Follow symlinks inside the scanned tree: (regular-file entry, problem)."""
        if not self._entries and not self._kinds:
            self.list_files()
        entry = self._entries.get(path)
        if entry is not None and entry.mode != "120000":
            return entry, None  # a regular file: asked for every file at every history point
        current = path
        for _ in range(MAX_SYMLINK_HOPS):
            entry = self._entries.get(current)
            if entry is None:
                if current in self._dirs:
                    return None, "not a regular file"
                if current != path:
                    return None, "file listed by git but missing from the work tree"
                return None, "not in the tree of this commit"
            if entry.mode != "120000":
                return entry, None
            target = self._blob(entry.sha)
            if target is None:
                return None, "object missing from this clone (partial clone)"
            link = target.decode("utf-8", "surrogateescape")
            if link.startswith("/"):
                return None, "symlink leads outside the scan root; not followed"
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(current), link))
            if joined == "." or joined.startswith("../") or joined == "..":
                return None, "symlink leads outside the scan root; not followed"
            current = joined
        return None, "too many levels of symbolic links"

    def size(self, path: str) -> int | None:
        entry, _ = self._resolve(path)
        return self._size(entry) if entry else None

    def _size(self, entry: TreeEntry) -> int | None:
        if entry.size is None and self.objects is not None:
            return self.objects.size(entry.sha)  # a walked tree holds no sizes
        return entry.size

    def read(self, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
        if not _safe_relpath(path):
            return ReadResult(None, "path outside the scan root")
        entry, problem = self._resolve(path)
        if entry is None:
            return ReadResult(None, problem)
        size = self._size(entry)
        if size is not None and size > max_bytes:
            return ReadResult(None, f"larger than {max_bytes} bytes", truncated=True)
        try:
            data = self._blob(entry.sha)
        except OSError as exc:
            return ReadResult(None, f"unreadable: {exc}")
        if data is None:
            return ReadResult(None, "object missing from this clone (partial clone)")
        if len(data) > max_bytes:
            return ReadResult(data[:max_bytes], f"larger than {max_bytes} bytes", truncated=True)
        return ReadResult(data)

    def blob_id(self, path: str) -> str | None:
        """The id of the blob `path` reads (after in-tree symlinks), or None."""
        entry, _ = self._resolve(path)
        return entry.sha if entry else None

    def close(self) -> None:
        """Stop this source's own reader (a shared one is released with its history)."""
        if self._own is not None:
            self._own.close()
            self._own = None


SHALLOW_HINT = (
    "this is a shallow clone: fetch the full history (actions/checkout with `fetch-depth: 0`, "
    "GitLab `GIT_DEPTH: 0`) or fetch the ref (`git fetch origin <ref>`)"
)


class _Layout(NamedTuple):
    prefix: str  # of the scanned folder inside the repository
    shallow: bool
    partial_clone: bool


def _layout(root: Path) -> _Layout:
    return _layout_and_notes(root)[0]


def _layout_and_notes(root: Path) -> tuple[_Layout, tuple[str, ...]]:
    """The layout, and notes on local history rewriting (grafts, replace refs: ignored)."""
    try:
        out = git_text(
            root,
            ["rev-parse", "--show-prefix", "--is-shallow-repository", "--git-common-dir"],
        )
    except GitFailed as exc:
        if exc.timed_out:
            raise TargetError(unresponsive_git(root, exc)) from None
        raise TargetError(
            f"{root} is not inside a git repository: `scan --ref` and `diff` read git objects "
            f"({exc.stderr.strip()[:120]})"
        ) from None
    lines = out.splitlines()
    # a bare repository prints no prefix line
    if len(lines) == 2:
        lines = ["", *lines]
    prefix = lines[0].strip() if lines else ""
    shallow = len(lines) > 1 and lines[1].strip() == "true"
    notes = rewritten_history_notes(root / lines[2]) if len(lines) > 2 and lines[2] else []
    promisor = git_text(
        root,
        ["config", "--get-regexp", r"^(remote\..*\.promisor|extensions\.partialclone)$"],
        check=False,
    )
    return _Layout(prefix, shallow, bool(promisor.strip())), tuple(notes)


def resolve_commit(root: Path, ref: str, *, shallow: bool | None = None) -> str:
    """The commit id `ref` names; TargetError (exit 3) with a clear hint when it is absent."""
    if not ref or ref.startswith("-") or "\0" in ref:
        raise UsageError(f"invalid git ref {ref!r}")
    out = run_git(root, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], check=False)
    sha = out.decode("ascii", "replace").strip()
    if sha:
        return sha
    if shallow is None:
        shallow = _layout(root).shallow
    hint = f": {SHALLOW_HINT}" if shallow else " (is it fetched? try `git fetch origin <ref>`)"
    raise TargetError(f"git ref {ref!r} not found in this repository{hint}")


@dataclass
class RefFacts:
    """A commit as git names it, before its tree is listed: enough to key a scan on."""

    root: Path  # resolved
    ref: str  # as given
    git: GitInfo
    layout_notes: tuple[str, ...]


def read_gitref(path: str | Path, ref: str) -> RefFacts:
    """The commit `ref` names in `path` and the git facts a scan of it reports."""
    root = Path(path)
    if not root.is_dir():
        raise TargetError(f"target not found or not a directory: {path}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise TargetError(f"target is not readable: {path}")
    root = root.resolve()
    (prefix, shallow, partial), layout_notes = _layout_and_notes(root)
    sha = resolve_commit(root, ref, shallow=shallow)
    info = GitInfo(commit=sha, subdir=prefix, shallow=shallow, partial_clone=partial)
    stamp = git_text(
        root, ["log", *LOG_SAFETY_FLAGS, "-1", "--format=%ct", sha], check=False
    ).strip()
    if stamp.isdigit():
        when = dt.datetime.fromtimestamp(int(stamp), tz=dt.timezone.utc)
        info.commit_date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    full = git_text(root, ["rev-parse", "--symbolic-full-name", ref], check=False).strip()
    for head in ("refs/heads/", "refs/remotes/"):
        if full.startswith(head):
            info.branch = full[len(head) :]
    read_branches(root, info)
    return RefFacts(root, ref, info, layout_notes)


def open_gitref(
    path: str | Path,
    ref: str,
    *,
    commit_limit: int = DEFAULT_COMMIT_LIMIT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    facts: RefFacts | None = None,
) -> Snapshot:
    """A Snapshot of `path` (a repository, a subfolder of one, or a bare repository) at `ref`."""
    from mlaudit.repo.secrets_history import HistorySecretScan, scan_history_secrets
    from mlaudit.repo.snapshot import Snapshot

    if facts is None:
        facts = read_gitref(path, ref)
    root, info = facts.root, facts.git
    sha, prefix = info.commit or "", info.subdir
    shallow, partial = info.shallow, info.partial_clone
    source = GitRefSource(root, sha, prefix)
    snap = Snapshot(
        source=source,
        root_name=root.name,
        display_path=display_name(root),
        git=info,
        max_bytes=max_bytes,
    )
    snap.notes.append(f"scanned {ref} ({sha[:12]}) from git objects, not the work tree")
    snap.notes.extend(facts.layout_notes)

    snap.history_loader = start_history(  # git works while the scan goes on (see worktree)
        root, prefix, limit=commit_limit, shallow=shallow, partial_clone=partial, rev=sha
    )
    snap.versions_loader = start_file_versions(root, prefix, rev=sha, limit=commit_limit)

    def load_history_secrets() -> HistorySecretScan:
        # the secret scan reads every ref's history (`git log --all`), as for a work tree
        return scan_history_secrets(root, shallow=shallow, partial_clone=partial)

    snap.history_secrets_loader = load_history_secrets
    if shallow:
        snap.notes.append("shallow clone: history-based checks are unknown")
    if partial:
        snap.notes.append("partial clone: files whose blobs are missing cannot be read")
    try:
        _ = snap.files
    except GitFailed as exc:
        raise TargetError(f"cannot list the tree of {ref}: {exc}") from exc
    snap.notes.extend(source.notes)
    return snap


def find_merge_base(
    path: str | Path, base: str, head: str | None = None, *, use_merge_base: bool = True
) -> tuple[str, str | None]:
    """The commit to compare a head with: the merge base of `base` and `head` (HEAD by
    default), as a pull request does; (commit, note for the report).

    In a shallow clone the base or the merge base is often missing: that is an error (exit 3)
    that says to fetch the history, never a silent comparison with the wrong commit."""
    root = Path(path)
    if not root.is_dir():
        raise TargetError(f"target not found or not a directory: {path}")
    root = root.resolve()
    shallow = _layout(root).shallow
    base_sha = resolve_commit(root, base, shallow=shallow)
    head_sha = resolve_commit(root, head or "HEAD", shallow=shallow)
    if not use_merge_base:
        return base_sha, None
    out = run_git(root, ["merge-base", base_sha, head_sha], check=False)
    merge = out.decode("ascii", "replace").strip().split("\n")[0]
    if merge:
        if merge == base_sha:
            return base_sha, None
        return merge, f"compared with the merge base {merge[:12]} of {base} and {head or 'HEAD'}"
    if shallow:
        raise TargetError(
            f"cannot find the merge base of {base} and {head or 'HEAD'}: {SHALLOW_HINT}"
        )
    return base_sha, f"{base} and {head or 'HEAD'} share no history: compared with {base} itself"
