"""The whole-result cache: re-scanning unchanged inputs costs computing their key, not a scan.

`scan` (and `diff`, `init`, fleet workers: everything that goes through run.assess_target)
first reads the git facts and the file listing, derives the key below, and returns the stored
Assessment when there is one: no file is parsed, no history is read, no probe (nor the
modules that hold them) is imported. On a miss the scan runs and its Assessment is stored.

Every input of an assessment, and where it is in the key:
- mlaudit itself: its version, and the size and mtime of every file of the installed
  package (an editable install changes without a version bump); the Python version (the
  AST of the target's Python files depends on it); the git binary (its path, size, mtime);
- the rubric: the sha256 of the merged rubric (every `include`/`extends` file), its path,
  and the bytes of the inventory catalogue(s) the assessment may read beside it;
- the ScanOptions: the profile; the checks the selection runs (resolved against the rubric);
  the waivers (every active waiver, bound to the commit date, and the notes they produced);
- the policy values read during the assessment: include_untracked, commit_limit, max_bytes
  (the rest — gates, formats, baseline, verbosity, repo URL, timestamp — act after it);
- the target: its resolved path (which also gives the name reports show: display_name),
  the git facts (HEAD commit and date, branch, subfolder, grafts/replace-ref notes), every
  ref → commit (`git for-each-ref`, which the history secret scan reads) and HEAD;
  - a work tree: every listed file (`git ls-files`, plus `--others` with
    --include-untracked), its kind (file, symlink) and a content id: git's blob id of its
    bytes, hashed here without git (see cache.py: `git diff-files` would run the
    repository's clean filters), for a file over max_bytes the blob id of what is read of it
    and its size, for an unreadable one the reason. Config and attestation files are files
    of the list;
  - `--ref` (and both sides of `diff`): the commit id (it names the tree, and history is
    read from it), the ref as typed (the report names it), the layout notes;
- today's date (UTC), where it changes the result: when a waiver is active (expiry), when
  the attestations file exists (expiry), and for every `--ref` scan (its file list is not
  read to know whether attestations exist).

Proved irrelevant: the caller's working directory and the path as typed (reports use the
resolved folder name); the caller's GIT_* variables, git configuration, locale and time zone
(repo/git.py runs git without them); MLAUDIT_* variables and config files (they act through
the policy values above); display settings (colour, width, progress, CI): they act after
the assessment.

Not keyed (a known gap, shared with the history secret cache of cache.py): an untracked
`.gitattributes` (listed only with --include-untracked) or `.git/info/attributes`, which
`git log -p` reads to decide which files are binary; use `--no-cache` after changing one.

Not stored, because the result depends on timing rather than on the inputs: a check that
ran out of its time budget, a git command that timed out, a history secret scan that stopped
at its time or byte bound. Not cached at all: a plain folder (no git facts to key on),
a repository without commits, a damaged, shallow or partial clone (their history can grow
or blobs arrive without any ref moving).

Work-tree content ids are kept in a stat cache (path → size, mtime_ns, ctime_ns, inode,
device, mode → content id), as git's index does: a warm run hashes only files whose stat
changed. Racy-clean protection: an entry whose mtime or ctime is not older than the time its
stat was taken (minus RACY_SLACK_NS, for coarse file-system clocks) is not trusted and is
hashed again; and a result is only stored when no listed file was that recent and none
changed (stat, refs) while the scan ran — so an edit made during a scan can never be
hidden by the cache.

Entries are written atomically and bounded in size like the rest of the cache (cache.py);
a corrupt or foreign entry is ignored and rewritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlaudit.cache import (
    _load,
    _load_chunks,
    _store,
    _store_chunks,
    cache_root,
    code_fingerprint,
    keep_bounded,
    usable_root,
)

if TYPE_CHECKING:
    from mlaudit.options import ScanOptions
    from mlaudit.repo.gitref import RefFacts
    from mlaudit.repo.worktree import WorktreeFacts
    from mlaudit.results import Assessment
    from mlaudit.run import Prepared

RESULT_FORMAT = 2  # 2: the stat cache is a sequence of chunks (StatCache.save)
STAT_CHUNK_ENTRIES = 5_000
# A file whose mtime or ctime is this close to (or after) the moment its stat was taken may
# still change without its stat changing (file-system clocks are coarse: up to 2 s on FAT).
RACY_SLACK_NS = 2_000_000_000
ATTESTATIONS_PATH = ".mlaudit/attestations.yaml"  # attestations.PATH (not imported: heavy)
CATALOGUE_FILE = "inventory.yaml"  # inventory.CATALOGUE_FILE

StatKey = tuple[int, int, int, int, int, int]


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _rubric_key(prepared: Prepared) -> tuple[Any, ...]:
    from mlaudit.rubric.load import rubrics_dir

    loaded = prepared.loaded
    beside = Path(loaded.path).parent / CATALOGUE_FILE
    builtin = rubrics_dir() / CATALOGUE_FILE
    return (loaded.sha256, loaded.path, _file_digest(beside), _file_digest(builtin))


def _options_key(prepared: Prepared, options: ScanOptions) -> tuple[Any, ...]:
    rubric = prepared.loaded.outline
    selected = options.selected
    ids = tuple(c.id for _, c in rubric.checks() if selected is None or selected(c.id))
    waivers = prepared.waivers.active if prepared.waivers is not None else ()
    return (options.profile, ids, repr(waivers), prepared.waiver_notes)


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def refs_state(root: Path) -> bytes | None:
    """Every ref and the commit it names, and HEAD (commit and symbolic name), as git says
    them; None when git cannot answer."""
    from mlaudit.repo.git import GitFailed, run_git

    try:
        refs = run_git(root, ["for-each-ref", "--format=%(objectname) %(refname)"])
        head = run_git(root, ["rev-parse", "HEAD", "--symbolic-full-name", "HEAD"])
    except GitFailed:
        return None
    return refs + b"\0" + head


def _cacheable_git(git: Any) -> bool:
    return (
        git is not None
        and git.commit is not None
        and not git.damaged
        and not git.shallow
        and not git.partial_clone
    )


# content ids of a work tree -----------------------------------------------------------------
def _stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode)


def content_id(source: Any, path: str, max_bytes: int) -> str:
    """What a scan can see of a work-tree file: git's blob id of its bytes; for a file over
    max_bytes, the blob id of the part read and its size; for an unreadable one, why."""
    result = source.read(path, max_bytes)
    data = result.data
    if data is None:
        return f"!{result.problem}"
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    if result.truncated:
        return f"big:{source.size(path)}:{blob}:{result.problem}"
    return blob


class StatCache:
    """Work-tree path → (stat, content id), per repository, as git's index keeps them."""

    def __init__(self, root: Path, repo: Path) -> None:
        key = _digest(str(repo))[:24]
        self.file = root / f"stat-v{RESULT_FORMAT}" / f"{key}.pickle"
        self.entries: dict[str, tuple[StatKey, str]] = {}
        self.taken_ns = 0
        chunks = _load_chunks(self.file)
        if not chunks or not isinstance(chunks[0], int):
            return
        entries: dict[str, tuple[StatKey, str]] = {}
        for chunk in chunks[1:]:
            if not isinstance(chunk, dict):
                return
            entries.update(chunk)
        self.entries, self.taken_ns = entries, chunks[0]

    def trusted(self, path: str, st: StatKey) -> str | None:
        entry = self.entries.get(path)
        if entry is None or entry[0] != st or not isinstance(entry[1], str):
            return None
        if max(st[1], st[2]) >= self.taken_ns - RACY_SLACK_NS:
            return None  # racily clean: could have changed within the same clock tick
        return entry[1]

    def save(self, entries: dict[str, tuple[StatKey, str]], taken_ns: int) -> None:
        """The time the stats were taken, then the entries in chunks (cache._store_chunks:
        one pickle memo over 100,000 entries left 17 MiB behind for the rest of the scan)."""
        items = list(entries.items())
        written = _store_chunks(
            self.file,
            itertools.chain(
                (taken_ns,),
                (
                    dict(items[i : i + STAT_CHUNK_ENTRIES])
                    for i in range(0, len(items), STAT_CHUNK_ENTRIES)
                ),
            ),
        )
        keep_bounded(self.file.parent.parent, written)


class _StatDigest:
    """A digest of a sequence of stats (None: a file read every time instead)."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=16)

    def add(self, key: StatKey | None) -> None:
        self._hash.update(b"-\n" if key is None else b"%d %d %d %d %d %d\n" % key)

    def digest(self) -> bytes:
        return self._hash.digest()


class ContentIds:
    """Content ids of every listed file, from the stat cache where it can be trusted."""

    def __init__(self, facts: WorktreeFacts, max_bytes: int, stat_cache: StatCache) -> None:
        self.source = facts.source
        self.max_bytes = max_bytes
        self.ids: dict[str, str] = {}
        self.racy = False
        taken_ns = time.time_ns()
        fresh: dict[str, tuple[StatKey, str]] = {}
        changed = False
        # a digest of every file's stat, not the stats: at 100,000 files they held 30 MiB
        # for the whole scan, only to be compared once at its end (unchanged)
        stats = _StatDigest()
        for path in facts.files:
            st = self.source.plain_stat(path)
            if st is None:  # a symlink (its target's bytes), or gone: read it every time
                self.ids[path] = content_id(self.source, path, max_bytes)
                stats.add(None)
                continue
            key = _stat_key(st)
            stats.add(key)
            cid = stat_cache.trusted(path, key)
            if cid is None:
                cid = content_id(self.source, path, max_bytes)
                changed = True
            self.ids[path] = cid
            if max(key[1], key[2]) >= taken_ns - RACY_SLACK_NS:
                self.racy = True  # not kept: hashed again next time
                changed = True
            else:
                fresh[path] = (key, cid)
        self.stat_digest = stats.digest()
        if changed or len(fresh) != len(stat_cache.entries):
            stat_cache.save(fresh, taken_ns)

    def unchanged(self) -> bool:
        """Does every listed file still have the stat (or, for symlinks, the bytes) it had?"""
        stats = _StatDigest()
        for path, cid in self.ids.items():
            st = self.source.plain_stat(path)
            if st is None:
                if content_id(self.source, path, self.max_bytes) != cid:
                    return False
                stats.add(None)
                continue
            stats.add(_stat_key(st))
        return stats.digest() == self.stat_digest

    def blob_id(self, path: str) -> str | None:
        """git's blob id of a whole, readable file (what the parse cache keys on), else None."""
        cid = self.ids.get(path)
        return cid if cid is not None and len(cid) == 40 else None


# the lookup ------------------------------------------------------------------------------------
class ResultLookup:
    """The key of one assessment, its stored result, and storing a new one."""

    def __init__(self, root: Path, key: str, refs: bytes, ids: ContentIds | None) -> None:
        from mlaudit import budget

        self.budgets_exceeded = budget.exceeded  # before the scan
        self.root = root
        self.key = key
        self.refs = refs
        self.ids = ids
        self.file = cache_root() / f"results-v{RESULT_FORMAT}" / f"{key[:40]}.pickle"

    def load(self) -> Assessment | None:
        from mlaudit.report import remember_safe
        from mlaudit.results import Assessment

        data = _load(self.file)
        if not (
            isinstance(data, dict)
            and data.get("key") == self.key
            and isinstance(data.get("assessment"), Assessment)
            and isinstance(data.get("safe"), Assessment)
        ):
            return None
        with contextlib.suppress(OSError):
            os.utime(self.file)  # recently used: kept by trim
        assessment: Assessment = data["assessment"]
        remember_safe(assessment, data["safe"])  # its redacted form, for the renderers
        return assessment

    def store(self, assessment: Assessment, snap: Any) -> bool:
        """Store `assessment` unless it depends on timing or an input changed during the scan."""
        if not self._deterministic(snap):
            return False
        if self.ids is not None and (self.ids.racy or not self.ids.unchanged()):
            return False
        if refs_state(self.root) != self.refs:
            return False
        from mlaudit.report import safe_assessment

        safe = safe_assessment(assessment)  # what the renderers show: stored, not recomputed
        written = _store(self.file, {"key": self.key, "assessment": assessment, "safe": safe})
        keep_bounded(cache_root(), written)
        return True

    def replay(self, options_key: tuple[Any, ...]) -> Replay | None:
        """What a scan of this result with these output options printed, wrote and returned
        (run.Emission), when it is stored; None otherwise."""
        data = _load(self._replay_file(options_key))
        if not (isinstance(data, dict) and data.get("key") == self._replay_key(options_key)):
            return None
        replay = Replay.from_stored(data.get("events"), data.get("code"))
        if replay is not None:
            with contextlib.suppress(OSError):
                os.utime(self._replay_file(options_key))  # recently used: kept by trim
        return replay

    def keep_replay(self, options_key: tuple[Any, ...], emission: Any, code: int) -> None:
        """Store what a scan of this (cached) result printed, wrote and returned."""
        events = [tuple(event) for event in emission.events]
        data = {"key": self._replay_key(options_key), "events": events, "code": code}
        keep_bounded(cache_root(), _store(self._replay_file(options_key), data))

    def _replay_key(self, options_key: tuple[Any, ...]) -> str:
        return _digest("mlaudit-output", RESULT_FORMAT, self.key, options_key)

    def _replay_file(self, options_key: tuple[Any, ...]) -> Path:
        name = self._replay_key(options_key)[:40]
        return cache_root() / f"outputs-v{RESULT_FORMAT}" / f"{name}.pickle"

    def _deterministic(self, snap: Any) -> bool:
        """Did the scan finish within every time bound (its result depends on the inputs)?"""
        from mlaudit import budget
        from mlaudit.repo import git

        if budget.exceeded != self.budgets_exceeded or git.unresponsive(self.root):
            return False
        secrets = snap.__dict__.get("history_secrets")  # only if the scan read it
        return not (secrets is not None and (secrets.truncated or not secrets.available))


class Replay:
    """A stored scan output: events ("out" | "err" | "file", path, text) and the exit code."""

    KINDS = ("out", "err", "file")

    def __init__(self, events: list[tuple[str, str | None, str]], code: int) -> None:
        self.events = events
        self.code = code

    @classmethod
    def from_stored(cls, events: object, code: object) -> Replay | None:
        if not (isinstance(events, list) and isinstance(code, int) and 0 <= code <= 3):
            return None
        checked: list[tuple[str, str | None, str]] = []
        for event in events:
            if not (isinstance(event, tuple) and len(event) == 3):
                return None
            kind, path, text = event
            if kind not in cls.KINDS or not isinstance(text, str):
                return None
            if (path is None) != (kind != "file") or (
                path is not None and not isinstance(path, str)
            ):
                return None
            checked.append((kind, path, text))
        return cls(checked, code)

    def perform(self) -> int:
        """Print and write what the scan did, in its order; its exit code."""
        import sys

        from mlaudit.run import write_text

        for kind, path, text in self.events:
            if kind == "err":
                sys.stderr.write(text)
            else:
                write_text(text, None if path is None else Path(path))
        return self.code


def lookup(
    prepared: Prepared,
    facts: WorktreeFacts | RefFacts,
    options: ScanOptions,
    max_bytes: int,
) -> ResultLookup | None:
    """The key of assessing `facts` with `prepared` and `options`, or None when the result
    cannot be cached (disabled, inside the target, nothing to key on: see the docstring)."""
    from mlaudit.repo.worktree import WorktreeFacts

    if options.attestations is not None:
        return None
    git = facts.git
    root = facts.root
    if git is None or not _cacheable_git(git):
        return None
    cache = usable_root(root)
    if cache is None:
        return None  # disabled, or it would lie inside the scanned tree
    refs = refs_state(root)
    if refs is None:
        return None
    policy = prepared.policy
    active_waivers = prepared.waivers is not None and bool(prepared.waivers.active)
    common = (
        "mlaudit-result",
        RESULT_FORMAT,
        code_fingerprint(),
        _rubric_key(prepared),
        _options_key(prepared, options),
        policy.commit_limit,
        max_bytes,
        str(root),
        asdict(git),
        refs,
    )
    ids: ContentIds | None = None
    if isinstance(facts, WorktreeFacts):
        ids = ContentIds(facts, max_bytes, StatCache(cache, root))
        listed = tuple((path, facts.source.kind(path), ids.ids[path]) for path in facts.files)
        today = _today() if active_waivers or ATTESTATIONS_PATH in ids.ids else None
        key = _digest(
            *common, "worktree", policy.include_untracked, listed, facts.source.notes, today
        )
    else:
        key = _digest(*common, "ref", facts.ref, facts.layout_notes, _today())
    return ResultLookup(root, key, refs, ids)
