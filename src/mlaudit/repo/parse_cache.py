"""Parse results shared between Snapshots, keyed by what the file IS (its blob id).

`history` scans many commits of one repository; most files are the same blob at every
commit. A Snapshot that is given a `ParseCache` (and a way to name a file's blob) asks it
before parsing: a hit returns the text or parsed view of that blob, as read the first time.
So N commits cost one full parse plus the blobs that changed, not N parses.

The key is (view, path, blob id): the path is part of it because some views mention it
(secret findings, syntax errors) and a renamed file must read like a new one. A view's
"problem" (why a file is unreadable or unparsable, `Snapshot.problems`) is part of the
cached value and replayed on a hit, so a Snapshot reading from the cache reports exactly
what a cold one does.

Only parse-level views are shared (see SHARED_VIEWS), plus one "derived" bundle per file:
facts a probe derives from that ONE file (`Snapshot.per_file`: the calls matching a check's
patterns, the modules it imports …), keyed by what the derivation is and its parameters.
Facts that depend on the whole tree (the packages the repository publishes, file lists,
globs) and probe memos stay per Snapshot. Parsed and derived values are treated as
immutable (probes are pure functions); the determinism tests compare cached points with
cold `scan --ref` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

DERIVED = "derived"  # the view of per-file derived facts: derivation key → value
# Derived values kept in one run at most (then computed without keeping them): a cold scan of
# 100,000 files with a hundred derivations per file must not hold ten million of them.
DERIVED_BUDGET = 300_000
# Entries (a view of a file) kept in one run at most, loaded ones included; beyond it a view
# is built for its Snapshot alone. Each entry costs its key, its blob id and a slot even when
# the value is small: at 100,000 files, keeping them all cost 150 MiB more than a scan
# without the cache, and the cache file grows past what re-reading costs. 60,000 keeps every
# parse and derived bundle of a repository of ~25,000 Python files; at 100,000 files
# (43,000 Python files) 100,000 entries held 12 MiB more at the peak of a cold scan than
# 60,000 (benchmarks/bench_scale.py), past the 300 MiB that scan may take
ENTRY_BUDGET = 60_000

# Views whose value depends only on (path, file bytes).
SHARED_VIEWS = frozenset(
    {
        "text",
        "yaml",
        "json",
        "toml",
        "python",
        "notebook",
        "requirements",
        "dockerfile",
        "secrets",
        "terraform",
        DERIVED,
    }
)
_ABSENT: Any = object()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    @property
    def lookups(self) -> int:
        return self.hits + self.misses


# Lists of paths whose glob answers are kept (history points mostly share a few).
KEPT_TREES = 4


# A new list of paths differing from the last one by at most this many paths (and a tenth of
# it) answers a glob from the last list's answer: consecutive history points mostly add or
# remove a few files, and matching every path again cost a tenth of `history --last 200`
MAX_TREE_DELTA = 2_000


@dataclass
class TreeDelta:
    """How a list of paths differs from the one asked before it, whose glob answers it
    starts from."""

    previous: dict[str, list[str]]  # the earlier list's globs (pattern → matching paths)
    added: tuple[str, ...]
    removed: frozenset[str]


@dataclass
class TreeFacts:
    """Answers that depend on a Snapshot's list of paths only: shared by equal lists."""

    globs: dict[str, list[str]] = field(default_factory=dict)  # pattern → matching paths
    memo: dict[Any, Any] = field(default_factory=dict)  # Snapshot.tree_memo
    delta: TreeDelta | None = None

    def glob_from_delta(self, pattern: str, test: Callable[[str], bool]) -> list[str] | None:
        """The paths matching `pattern`, from the earlier list's answer and the paths that
        changed; None when there is no earlier answer to start from."""
        delta = self.delta
        if delta is None:
            return None
        before = delta.previous.get(pattern)
        if before is None:
            return None
        kept = [p for p in before if p not in delta.removed] if delta.removed else list(before)
        return kept + [p for p in delta.added if test(p)]


# Loop memos kept per derivation key (one per distinct list of paths asked with it) and keys
# kept in all (then the oldest are forgotten: a replay is only ever a shortcut).
LOOPS_PER_KEY = 4
MAX_LOOP_KEYS = 20_000
# Paths held by all loop memos of a run at most (each costs a list slot, a set entry and its
# result): a scan of 100,000 files asks a hundred loops over them, and must not keep them all.
LOOP_PATH_BUDGET = 500_000


@dataclass
class LoopMemo:
    """What one per-file loop over `paths` produced in the Snapshot of generation `gen`."""

    gen: int
    paths: list[str]  # a private copy: equal lists are the same question
    path_set: frozenset[str]
    unlisted: frozenset[str]  # paths not in that Snapshot's files (no blob: always redone)
    out: list[tuple[str, Any]]
    # paths with a recorded problem after the loop: only reading these can record one
    # (reading a file records the same problems whenever it is the same blob)
    risky: frozenset[str]
    index: dict[str, int] | None = None  # path → position in paths, built when needed


@dataclass
class ParseCache:
    """(view, path, blob id) → (value, problem recorded while building it)."""

    entries: dict[tuple[str, str, str], tuple[Any, str | None]] = field(default_factory=dict)
    stats: CacheStats = field(default_factory=CacheStats)
    used: set[tuple[str, str, str]] = field(default_factory=set)  # keys read or written
    # whether `used` is kept: a scan that started from an empty cache uses every entry it
    # holds (at 100,000 files the set of their keys cost 4 MiB)
    track_used: bool = True
    derived_room: int = DERIVED_BUDGET  # derived values this run may still keep
    entry_room: int = ENTRY_BUDGET  # entries this run may still add
    # text is shared with the next Snapshot of the run (history); one scan has none and its
    # Snapshot keeps the text it reads itself: only a text's problem is shared then (the
    # parsed views of that file replay it)
    share_text: bool = True
    # no other Snapshot joins this run (one scan): memos kept only to answer a later
    # Snapshot of the same paths are not worth their memory
    one_snapshot: bool = False
    trees: dict[tuple[str, ...], TreeFacts] = field(default_factory=dict)
    _last_tree: tuple[tuple[str, ...], TreeFacts] | None = None  # the list asked last
    # per-file loops replayed between consecutive Snapshots (see Snapshot.per_file_loop)
    loops: dict[str, list[LoopMemo]] = field(default_factory=dict)
    loop_room: int = LOOP_PATH_BUDGET  # paths loop memos may still hold
    generation: int = 0  # of the last Snapshot that joined (numbered from 1)
    # that Snapshot's path → (blob id, kind of file)
    last_blobs: dict[str, tuple[str | None, str]] | None = None

    def join(
        self, blobs: dict[str, tuple[str | None, str]] | None
    ) -> tuple[int, int, frozenset[str]]:
        """Number a new Snapshot whose path → (blob id, kind) are `blobs` (None: unknown)
        and compare it with the last one that joined: (its generation, the generation it
        can replay loops from or 0, the paths that changed between the two)."""
        previous, base = self.last_blobs, self.generation
        self.generation += 1
        self.last_blobs = blobs
        if previous is None or blobs is None:
            return self.generation, 0, frozenset()
        changed = {p for p, blob in blobs.items() if blob[0] is None or previous.get(p) != blob}
        changed.update(p for p in previous if p not in blobs)
        return self.generation, base, frozenset(changed)

    def tree(self, paths: list[str]) -> TreeFacts:
        """The facts shared by Snapshots whose list of paths is exactly `paths`."""
        key = tuple(paths)
        found = self.trees.get(key)
        if found is None:
            if len(self.trees) >= KEPT_TREES:
                del self.trees[next(iter(self.trees))]  # the oldest
            found = self.trees[key] = TreeFacts(delta=self._delta(key))
        self._last_tree = (key, found)
        return found

    def _delta(self, key: tuple[str, ...]) -> TreeDelta | None:
        last = self._last_tree
        if last is None:
            return None
        before_key, before = last
        if abs(len(key) - len(before_key)) > MAX_TREE_DELTA:
            return None
        old, new = set(before_key), set(key)
        added = new - old
        removed = old - new
        changed = len(added) + len(removed)
        if changed > min(MAX_TREE_DELTA, len(key) // 10 + 1):
            return None
        before.delta = None  # one step back at most: no chain of trees kept alive
        return TreeDelta(before.globs, tuple(sorted(added)), frozenset(removed))

    def bind(self, blob_id: Callable[[str], str | None]) -> BoundParseCache:
        """The view of this cache for one Snapshot, whose files' blob ids `blob_id` gives."""
        return BoundParseCache(self, blob_id)


@dataclass
class BoundParseCache:
    cache: ParseCache
    blob_id: Callable[[str], str | None]

    def get_or_build(
        self, problems: dict[str, str], view: str, path: str, build: Callable[[], T]
    ) -> T:
        cache = self.cache
        if view not in SHARED_VIEWS:
            return build()
        blob = self.blob_id(path)
        if blob is None:
            return build()
        key = (view, path, blob)
        hit = cache.entries.get(key, _ABSENT)
        if hit is not _ABSENT:
            if cache.track_used:
                cache.used.add(key)
            cache.stats.hits += 1
            value, problem = hit
            if problem is not None and path not in problems:
                problems[path] = problem
            return value  # type: ignore[no-any-return,unused-ignore]
        cache.stats.misses += 1
        if cache.entry_room <= 0:
            return build()
        before = problems.get(path)
        value = build()
        after = problems.get(path)
        problem = after if after != before else None
        if view == "text" and problem is None and not cache.share_text:
            return value  # its Snapshot keeps it; only a text's problem is worth sharing
        if problem is None and view != "text":
            # a parsed view reads the text first: the text's problem (binary, too large)
            # is part of what a cold build of this view records
            problem = cache.entries.get(("text", path, blob), (None, None))[1]
        cache.entry_room -= 1
        if cache.track_used:
            cache.used.add(key)
        cache.entries[key] = (value, problem)
        return value

    def derived(self, path: str) -> dict[str, Any] | None:
        """The derived facts of `path`'s blob (derivation key → value), shared with every
        Snapshot in which `path` is the same blob; None when the file has no blob id or the
        run keeps no more entries (then nothing is kept)."""
        blob = self.blob_id(path)
        if blob is None:
            return None
        key = (DERIVED, path, blob)
        cache = self.cache
        hit = cache.entries.get(key)
        if hit is None:
            if cache.entry_room <= 0:
                return None
            cache.entry_room -= 1
            bundle: dict[str, Any] = {}
            cache.entries[key] = (bundle, None)
            hit = (bundle, None)
        if cache.track_used:
            cache.used.add(key)
        return hit[0]
