"""The on-disk cache: parsed files by blob id, history-secret scans by the commits they read.

Where: `$MLAUDIT_CACHE_DIR`, else `$XDG_CACHE_HOME/mlaudit`, else `~/.cache/mlaudit` — never
inside the scanned repository (a cache that would be is not used). `--no-cache` or
`MLAUDIT_NO_CACHE=1` turns it off.

What:
- `parses/<repository>.pickle`: parse-level views (YAML, TOML, JSON, Python facts, notebooks,
  requirements, Dockerfiles, Terraform, secret findings) keyed by (view, path, blob id), as
  repo.parse_cache shares them within one run. A work-tree file's key is git's blob id of the
  bytes read from disk, hashed here: asking git (`git diff-files`) whether a file matches its
  index entry would run the repository's own clean filters (`filter.<driver>.process`), which
  is running the target's code. Text itself is not stored: reading it is the floor of a scan.
- `secrets/<repository>-<refs>.pickle`: the history secret scan (`git log -p --all`), keyed
  by the commit every ref points at — the same commits give the same findings.

Both live under a folder named after the mlaudit version, a fingerprint of its code (an
editable install changes without a version bump) and the rubric's id, version and sha256, so
an upgrade, a code change or a rubric change starts afresh. Entries are written to a temporary
file and renamed (atomic on POSIX and Windows): concurrent fleet workers never see half a
file, the last writer wins. A file that cannot be read back (truncated, corrupt, another
version's, or holding anything but plain data and mlaudit's own classes) is ignored and
rewritten. The whole cache is held under `MLAUDIT_CACHE_MAX_MB` (default 512) by removing
the least recently used files, each time a tenth of that has been written (keep_bounded). A parse file keeps only the entries the last
run used, so it does not grow with the repository's history.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import io
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlaudit.repo.parse_cache import ParseCache

FORMAT = 3  # 2: a parse file is a sequence of pickled chunks of entries; 3: Call.choices
# entries pickled together (sharing one pickler memo) in a parse file
PARSE_CHUNK_ENTRIES = 2_000
DEFAULT_MAX_MB = 512
# the cache is listed and trimmed once the bytes written since the last trim reach
# 1/TRIM_FRACTION of its bound (keep_bounded)
TRIM_FRACTION = 10
TRIM_LEDGER = "written-since-trim"
# plain builtins a cache file may name; never a function (getattr, eval…) nor a module
_SAFE_GLOBALS = frozenset(
    {
        ("builtins", name)
        for name in ("dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int", "float")
        + ("bool", "complex", "slice")
    }
    | {("datetime", name) for name in ("date", "datetime", "time", "timedelta", "timezone")}
    | {("collections", "OrderedDict")}
)
# plain containers an mlaudit class may extend (LineDict, LineList, NamedTuples…)
_PLAIN_BASES = (dict, list, tuple, set, frozenset, str, bytes, int, float)


def enabled() -> bool:
    return not os.environ.get("MLAUDIT_NO_CACHE")


def cache_root() -> Path:
    explicit = os.environ.get("MLAUDIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "mlaudit"


def _data_class(obj: Any, module: str) -> bool:
    """A class defined in `module` of mlaudit that only holds data: an enum, a pydantic
    model, a dataclass or a subclass of a plain container. Constructing one runs no code
    that reaches outside the process (no functions, modules, or classes imported into an
    mlaudit module from elsewhere, such as subprocess.Popen)."""
    if not isinstance(obj, type) or obj.__module__ != module:
        return False
    if issubclass(obj, BaseException):
        return False
    if issubclass(obj, enum.Enum) or dataclasses.is_dataclass(obj):
        return True
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and issubclass(obj, pydantic.BaseModel):
        return True
    return issubclass(obj, _PLAIN_BASES)


class _Unpickler(pickle.Unpickler):
    """Plain data and mlaudit's own data classes only: a planted cache file cannot run code.

    Every global a pickle names is checked: the builtins of _SAFE_GLOBALS, or a class that
    `_data_class` accepts in an mlaudit module this process has already imported (loading
    a cache file never imports anything: `mlaudit.__main__` would run the CLI) — never a
    function (getattr, os.system), a module, or a name reached through an attribute path
    (`mlaudit.repo.git.subprocess`)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        loaded = sys.modules.get(module) if module.startswith("mlaudit.") else None
        if loaded is not None and name.isidentifier():
            obj = getattr(loaded, name, None)
            if _data_class(obj, module):
                return obj
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def loads(data: bytes) -> Any:
    """The value pickled in `data` (see _Unpickler), or None when it does not read back."""
    try:
        return _Unpickler(io.BytesIO(data)).load()
    except Exception:  # corrupt, truncated, foreign: ignored, rewritten by the next save
        return None


def _load(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return loads(data)


def load_file(path: Path) -> Any:
    """A cache file's value, or None (missing, unreadable, corrupt, foreign)."""
    return _load(path)


def store_file(path: Path, value: Any) -> None:
    """Write a cache file atomically, then hold the cache under its size bound."""
    keep_bounded(path.parent.parent, _store(path, value))


def _store(path: Path, value: Any) -> int:
    return _store_chunks(path, (value,))


def _store_chunks(path: Path, chunks: Iterable[Any]) -> int:
    """Write `chunks` as consecutive pickles, atomically; the bytes written (0 when nothing
    was). The pickler's memo (an entry per object written) is cleared after each chunk: a
    parse file of 100,000 files holds millions of objects, and one memo over all of them cost
    more memory than the scan itself."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        with open(tmp, "wb") as handle:
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            for chunk in chunks:
                pickler.dump(chunk)
                pickler.clear_memo()
            written = handle.tell()
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        with contextlib.suppress(OSError, UnboundLocalError):
            tmp.unlink()
        return 0
    return written


def _load_chunks(path: Path) -> list[Any] | None:
    """The pickles _store_chunks wrote to `path`, in order; None when it does not read back
    whole (missing, truncated, corrupt, foreign: see _Unpickler)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    stream = io.BytesIO(data)
    chunks: list[Any] = []
    try:
        while stream.tell() < len(data):
            # one unpickler per chunk: the pickler's memo restarts at each chunk, and an
            # unpickler's memo carried over would resolve the next chunk's back-references to
            # the previous chunk's objects
            chunks.append(_Unpickler(stream).load())
    except Exception:  # corrupt, truncated, foreign: ignored, rewritten by the next save
        return None
    return chunks


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """mlaudit's version and the size and mtime of every file of the package (an editable
    install changes without a version bump), Python's version, and the git binary."""
    from mlaudit import __version__

    package = Path(__file__).resolve().parent
    entries: list[tuple[str, int, int]] = []
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            try:
                st = os.stat(full)
            except OSError:
                continue
            entries.append((os.path.relpath(full, package), st.st_size, st.st_mtime_ns))
    git = shutil.which("git")
    git_stat: tuple[int, int] | None = None
    if git:
        with contextlib.suppress(OSError):
            st = os.stat(git)
            git_stat = (st.st_size, st.st_mtime_ns)
    parts = (__version__, sys.version, entries, git, git_stat)
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()


def usable_root(target: Path) -> Path | None:
    """The cache folder for a scan of `target`: None when disabled or inside the target."""
    if not enabled():
        return None
    root = cache_root()
    return None if _inside(root, Path(target)) else root


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def _max_bytes() -> int:
    try:
        return int(os.environ.get("MLAUDIT_CACHE_MAX_MB", DEFAULT_MAX_MB)) * 1024**2
    except ValueError:
        return DEFAULT_MAX_MB * 1024**2


def keep_bounded(root: Path, written: int, max_bytes: int | None = None) -> None:
    """Hold the cache under its bound after `written` bytes were stored in it, without
    listing the whole cache after every write.

    Listing is what a trim costs: 85 ms for a cache of 10,000 files, and a scan stores up
    to five files. So the bytes written since the last trim are counted in a small ledger
    file, and the cache is only listed and trimmed once they reach a tenth of the bound (or
    when the ledger is missing or unreadable: a new or damaged cache). Between two trims the
    cache can exceed its bound by that tenth. Concurrent fleet workers may each overwrite
    the other's count (the last writer wins): the overshoot grows by at most a tenth per
    worker, and every worker's next write still counts."""
    if max_bytes is None:
        max_bytes = _max_bytes()
    ledger = root / TRIM_LEDGER
    try:
        since_trim: int | None = int(ledger.read_text(encoding="ascii"))
    except (OSError, ValueError, UnicodeDecodeError):
        since_trim = None
    if since_trim is not None and since_trim >= 0:
        total = since_trim + written
        if total < max_bytes // TRIM_FRACTION:
            _write_ledger(ledger, total)
            return
    trim(root, max_bytes)
    _write_ledger(ledger, 0)


def _write_ledger(ledger: Path, value: int) -> None:
    tmp = ledger.with_name(f".{ledger.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        tmp.write_text(str(value), encoding="ascii")
        os.replace(tmp, ledger)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def trim(root: Path, max_bytes: int | None = None) -> None:
    """Remove the least recently used cache files until the cache holds at most max_bytes."""
    if max_bytes is None:
        max_bytes = _max_bytes()
    files = []
    for path in root.rglob("*.pickle"):
        try:
            st = path.stat()
        except OSError:
            continue
        files.append((st.st_mtime, st.st_size, path))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        try:
            path.unlink()
            total -= size
        except OSError:
            pass


class DiskCache:
    """The cache of one repository for one run (see the module docstring)."""

    def __init__(self, root: Path, repo_key: str, rubric_key: str) -> None:
        from mlaudit import __version__
        from mlaudit.repo.parse_cache import ParseCache

        self.root = root
        # mlaudit's own code in the key too: parses and secret findings derived by a checkout
        # that changed since (an editable install, the same version) are not reused
        self.base = root / f"v{FORMAT}-{__version__}-{code_fingerprint()[:12]}-{rubric_key}"
        self.repo_key = repo_key
        self.parses = ParseCache()
        self._loaded_keys: frozenset[tuple[str, str, str]] = frozenset()
        self._used: set[tuple[str, str, str]] = set()

    @property
    def parse_file(self) -> Path:
        return self.base / "parses" / f"{self.repo_key}.pickle"

    def load_parses(self) -> ParseCache:
        self.parses.entries.update(load_parse_entries(self.parse_file) or {})
        self._loaded_keys = frozenset(self.parses.entries)
        self.parses.entry_room -= len(self._loaded_keys)
        return self.parses

    def save_parses(self) -> None:
        from mlaudit.repo.parse_cache import SHARED_VIEWS

        persisted = SHARED_VIEWS - {"text"}  # re-reading text costs what unpickling it would
        entries = {
            key: value
            for key, value in self.parses.entries.items()
            if key[0] in persisted and (key in self.parses.used or not self.parses.track_used)
        }
        from mlaudit.repo.parse_cache import DERIVED_BUDGET

        # a derived bundle that gained values keeps its key: the set alone does not tell
        grew = self.parses.derived_room < DERIVED_BUDGET
        if frozenset(entries) == self._loaded_keys and not grew:
            with contextlib.suppress(OSError):
                os.utime(self.parse_file)  # unchanged: only mark it recently used
            return
        items = list(entries.items())
        written = _store_chunks(
            self.parse_file,
            (
                dict(items[start : start + PARSE_CHUNK_ENTRIES])
                for start in range(0, len(items), PARSE_CHUNK_ENTRIES)
            ),
        )
        keep_bounded(self.root, written)

    def secrets_file(self, refs_key: str) -> Path:
        return self.base / "secrets" / f"{self.repo_key}-{refs_key}.pickle"

    def load_secrets(self, refs_key: str) -> Any:
        return _load(self.secrets_file(refs_key))

    def save_secrets(self, refs_key: str, scan: Any) -> None:
        keep_bounded(self.root, _store(self.secrets_file(refs_key), scan))


def load_parse_entries(path: Path) -> dict[tuple[str, str, str], tuple[Any, Any]] | None:
    """The entries of a parse file, (view, path, blob id) → (value, problem); None when it
    does not read back whole."""
    chunks = _load_chunks(path)
    if chunks is None:
        return None
    entries: dict[tuple[str, str, str], tuple[Any, Any]] = {}
    for chunk in chunks:
        if not isinstance(chunk, dict) or not all(
            isinstance(key, tuple) and len(key) == 3 and isinstance(value, tuple)
            for key, value in chunk.items()
        ):
            return None
        entries.update(chunk)
    return entries


def open_cache(target: Path, git_dir_key: str, rubric_key: str) -> DiskCache | None:
    """The cache for a repository, or None when disabled or when it would lie inside it."""
    if not enabled():
        return None
    root = cache_root()
    if _inside(root, target):
        return None  # never write into the scanned tree
    key = hashlib.sha256(git_dir_key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return DiskCache(root, key, rubric_key)


# wiring a Snapshot to the cache --------------------------------------------------------------
def rubric_key(loaded: Any) -> str:
    rubric = loaded.outline  # id and version: the probes need not be imported
    raw = f"{rubric.id}-{rubric.version}-{loaded.sha256[:16]}"
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in raw)


def worktree_blob_ids(source: Any, max_bytes: int) -> Callable[[str], str | None]:
    """Work-tree path → git's blob id of the bytes on disk (None when unreadable or too large).

    Hashed in-process, without git: see the module docstring for why `git diff-files` is out."""

    ids: dict[str, str | None] = {}

    def blob_id(path: str) -> str | None:
        if path not in ids:
            result = source.read(path, max_bytes)
            data = result.data
            if result.problem or result.truncated or data is None:
                ids[path] = None
            else:
                header = b"blob %d\0" % len(data)
                ids[path] = hashlib.sha1(header + data, usedforsecurity=False).hexdigest()
        return ids[path]

    return blob_id


def ref_tips(root: Path) -> tuple[str, list[str]] | None:
    """(digest, tips): a digest of every ref and the object it names (+ HEAD) — the input of
    `git log --all` — and those objects, sorted; None when git cannot list them."""
    from mlaudit.repo.git import GitFailed, run_git

    try:
        refs = run_git(root, ["for-each-ref", "--format=%(objectname) %(refname)"])
        head = run_git(root, ["rev-parse", "--verify", "--quiet", "HEAD"], check=False)
    except GitFailed:
        return None
    digest = hashlib.sha256(refs + b"\n" + head).hexdigest()[:24]
    names = [line.split(b" ", 1)[0] for line in refs.splitlines()] + head.split()
    tips = sorted({n.decode("ascii", "replace") for n in names if n})
    return digest, tips


def cached_secret_scan(
    cache: DiskCache, root: Path, scan: Callable[[], Any], incremental: bool = True
) -> Callable[[], Any]:
    """`scan` (the history secret scan) answered from the cache when every ref still names
    the commit it named when the result was stored. Otherwise, when history only grew since
    the repository's latest stored scan, only the new commits are read and merged into it
    (`secrets_history.scan_new_commits`, exact or not used); else the full scan runs. A
    complete new result is stored, under its refs and as the repository's latest."""
    return _CachedSecretScan(cache, root, scan, incremental)


class _CachedSecretScan:
    def __init__(
        self, cache: DiskCache, root: Path, scan: Callable[[], Any], incremental: bool
    ) -> None:
        self.cache, self.root, self.scan, self.incremental = cache, root, scan, incremental
        self._lookup: tuple[Any, ...] | None = None

    def _look_up(self) -> tuple[Any, ...]:
        """(key, tips, the stored result or None, the latest stored scan or None), or ()
        when the refs cannot be read."""
        from mlaudit.repo.secrets_history import HistorySecretScan

        if self._lookup is None:
            found = ref_tips(self.root)
            if found is None:
                self._lookup = ()
            else:
                key, tips = found
                hit = self.cache.load_secrets(key)
                wanted = self.incremental and not isinstance(hit, HistorySecretScan)
                latest = self.cache.load_secrets("latest") if wanted else None
                self._lookup = (key, tips, hit, latest)
        return self._lookup

    def start(self) -> None:
        """Start the full scan's git early, unless the cache answers (or the new commits
        alone will be read)."""
        from mlaudit.repo.secrets_history import HistorySecretScan

        lookup = self._look_up()
        if lookup and (isinstance(lookup[2], HistorySecretScan) or _usable_latest(lookup[3])):
            return
        start = getattr(self.scan, "start", None)
        if start is not None:
            start()

    def __call__(self) -> Any:
        from mlaudit.repo.secrets_history import HistorySecretScan, scan_new_commits

        lookup = self._look_up()
        if not lookup:
            return self.scan()
        key, tips, hit, latest = lookup
        if isinstance(hit, HistorySecretScan):
            return hit
        result = None
        if _usable_latest(latest):
            result = scan_new_commits(self.root, latest["scan"], latest["tips"], tips)
        if result is None:
            result = self.scan()
        if result.available and not result.truncated:
            self.cache.save_secrets(key, result)
            self.cache.save_secrets("latest", {"tips": tips, "scan": result})
        return result


def _usable_latest(latest: Any) -> bool:
    from mlaudit.repo.secrets_history import HistorySecretScan

    return (
        isinstance(latest, dict)
        and isinstance(latest.get("scan"), HistorySecretScan)
        and isinstance(latest.get("tips"), list)
    )


def attach(
    snap: Any,
    target: Path,
    loaded: Any,
    blob_ids: Callable[[str], str | None] | None = None,
) -> DiskCache | None:
    """Give `snap` the on-disk cache of its repository (None when there is none to use).
    `blob_ids`: work-tree blob ids already known (result_cache.ContentIds). Call
    `DiskCache.save_parses()` after the assessment."""
    if snap.git is None or snap.git.commit is None:
        return None  # a plain folder or a repository without commits: nothing to key on
    root = Path(target).resolve()
    cache = open_cache(root, str(root), rubric_key(loaded))
    if cache is None:
        return None
    source = snap.source
    blob_id = getattr(source, "blob_id", None) or blob_ids
    if blob_id is None:
        blob_id = worktree_blob_ids(source, snap.max_bytes)
    parses = cache.load_parses()
    # loop memos replay a per-file loop in the NEXT Snapshot of the same run (history): one
    # scan has no next one, and at 100,000 files they held tens of MB for nothing
    parses.loop_room = 0
    parses.share_text = False
    parses.one_snapshot = True
    parses.track_used = bool(parses.entries)  # from empty, every entry is this scan's
    snap.parse_cache = parses.bind(blob_id)
    if snap.history_secrets_loader is not None:
        git = snap.git  # a shallow or partial clone is never scanned: nothing to add to
        incremental = not (git.shallow or git.partial_clone or git.damaged)
        snap.history_secrets_loader = cached_secret_scan(
            cache, root, snap.history_secrets_loader, incremental
        )
    return cache
