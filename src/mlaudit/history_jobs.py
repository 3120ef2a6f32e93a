"""`history --jobs N`: the points of a history assessed in forked worker processes.

The parent reads what every point shares once — the selection, the commit graph, the newest
point's `git log`, the history secret scan (possibly from the disk cache) — and assesses the
first point itself, which parses the whole tree. Then it forks: the remaining points are
split into N CONTIGUOUS chunks, one per worker, because neighbouring commits share most of
their blobs, so a worker that walks its chunk in order re-examines only what changed (its
own copy of the ParseCache, inherited warm from the parent). A worker sends back one
`PointSummary` per point (or the note of a point it cannot read), a few kilobytes; the parent
compares each point with the previous one in point order, so the timeline is the same for
any N. What a worker parsed that the on-disk cache lacks comes back with its chunk and is
merged, and only the parent writes the cache.

Parallel workers lower the wall time of a long history on a machine with free cores, not its
CPU cost: every worker's first point re-reads the blobs that changed since the parent's.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mlaudit.errors import MlauditError
from mlaudit.history_select import Point
from mlaudit.repo.parse_cache import DERIVED, SHARED_VIEWS, ParseCache
from mlaudit.timeline import UNREADABLE, PointSummary, SharedHistory, describe, unreadable_note

# A worker costs a fork and its first point (the blobs that changed since the parent's point):
# below this many points per worker, fewer workers finish sooner (see docs/history.md).
MIN_POINTS_PER_WORKER = 4
# what the on-disk cache keeps (cache.DiskCache.save_parses): text is cheaper to re-read
PERSISTED_VIEWS = SHARED_VIEWS - {"text"}

Outcome = PointSummary | str  # a point's summary, or the note saying why it was skipped


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def pool_size(jobs: int, points: int) -> int:
    """How many workers assess `points` points when `jobs` are allowed (1: in process)."""
    if jobs <= 1 or not can_fork():
        return 1
    return max(1, min(jobs, points // MIN_POINTS_PER_WORKER))


def chunks(count: int, parts: int) -> list[range]:
    """`count` indexes in `parts` contiguous ranges whose sizes differ by at most one."""
    size, extra = divmod(count, parts)
    out, start = [], 0
    for part in range(parts):
        stop = start + size + (1 if part < extra else 0)
        out.append(range(start, stop))
        start = stop
    return [r for r in out if len(r)]


@dataclass
class _Work:
    """What every worker inherits from the parent at the fork (never pickled)."""

    pending: list[tuple[int, Point]]
    assess_point: Callable[[Point, SharedHistory, ParseCache], Any]
    shared: SharedHistory
    cache: ParseCache
    done: Any  # a SimpleQueue of finished point numbers (progress), or None
    known: frozenset[tuple[str, str, str]]  # cache keys at the fork
    derived_sizes: dict[tuple[str, str, str], int]  # derived bundle → its size at the fork
    used: frozenset[tuple[str, str, str]]  # keys the parent had used at the fork


@dataclass
class Learnt:
    """What a worker's ParseCache gained that the parent's on-disk cache should keep."""

    entries: dict[tuple[str, str, str], tuple[Any, str | None]] = field(default_factory=dict)
    used: set[tuple[str, str, str]] = field(default_factory=set)
    hits: int = 0
    misses: int = 0


_WORK: _Work | None = None  # set in the parent just before the fork


def _start_worker() -> None:
    """A worker shows no progress (the parent does) and leaves Ctrl-C to the parent."""
    from mlaudit import progress

    progress._ACTIVE = None
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _assess_chunk(part: range) -> tuple[list[Outcome], Learnt]:
    """In a worker: assess the points of `part`, in order."""
    work = _WORK
    assert work is not None, "history worker started without its work"
    cache = work.cache
    hits, misses = cache.stats.hits, cache.stats.misses
    outcomes: list[Outcome] = []
    checks: dict[str, tuple[str, str, str]] | None = None
    for i in part:
        number, point = work.pending[i]
        try:
            summary = describe(point, work.assess_point(point, work.shared, cache))
        except UNREADABLE as exc:
            outcomes.append(unreadable_note(point, exc))
        else:
            if summary.checks == checks:  # one object for equal maps: pickled once
                summary = PointSummary(summary.point, checks, summary.rubric)
            checks = summary.checks
            outcomes.append(summary)
        if work.done is not None:
            work.done.put(number)
    learnt = _learnt(work)
    learnt.hits, learnt.misses = cache.stats.hits - hits, cache.stats.misses - misses
    return outcomes, learnt


def _learnt(work: _Work) -> Learnt:
    """The persisted cache entries this worker used that the parent lacks: new keys, derived
    bundles that gained values, and keys the parent had not used (so it keeps them)."""
    learnt = Learnt()
    entries = work.cache.entries
    for key in work.cache.used:
        if key[0] not in PERSISTED_VIEWS:
            continue
        if key not in work.used:
            learnt.used.add(key)
        value = entries.get(key)
        if value is None:
            continue
        if key not in work.known or (
            key[0] == DERIVED and len(value[0]) != work.derived_sizes.get(key)
        ):
            learnt.entries[key] = value
    return learnt


def merge(cache: ParseCache, learnt: Learnt) -> None:
    """Add what a worker learnt to the parent's cache (existing values win: equal by key)."""
    for key, (value, problem) in learnt.entries.items():
        have = cache.entries.get(key)
        if key[0] != DERIVED:
            if have is None:
                cache.entries[key] = (value, problem)
            continue
        if have is None:
            have = cache.entries[key] = ({}, problem)
        bundle = have[0]
        for name, derived in value.items():
            if name not in bundle and cache.derived_room > 0:
                bundle[name] = derived
                cache.derived_room -= 1
    cache.used |= learnt.used
    cache.stats.hits += learnt.hits
    cache.stats.misses += learnt.misses


def assess_in_workers(
    pending: list[tuple[int, Point]],
    assess_point: Callable[[Point, SharedHistory, ParseCache], Any],
    shared: SharedHistory,
    cache: ParseCache,
    workers: int,
    *,
    on_done: Callable[[int, Point], None] | None = None,
) -> Iterator[tuple[int, Point, Outcome]]:
    """(number, point, outcome) of every pending point, in order, assessed by `workers`
    forked processes; what they learnt is merged into `cache`. A worker that dies (killed,
    out of memory) ends the command with a clear error (exit 2), never a traceback."""
    global _WORK
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from mlaudit.fleet import _preload

    _preload()  # probes imported once, shared by the workers
    context = multiprocessing.get_context("fork")
    done = context.SimpleQueue() if on_done is not None else None
    _WORK = _Work(
        pending=pending,
        assess_point=assess_point,
        shared=shared,
        cache=cache,
        done=done,
        known=frozenset(cache.entries),
        derived_sizes={k: len(v[0]) for k, v in cache.entries.items() if k[0] == DERIVED},
        used=frozenset(cache.used),
    )
    numbered = {number: point for number, point in pending}
    parts = chunks(len(pending), workers)
    pool = ProcessPoolExecutor(
        max_workers=len(parts), mp_context=context, initializer=_start_worker
    )
    results: list[tuple[list[Outcome], Learnt]] = []
    gc.freeze()  # the workers' garbage collector leaves the inherited objects (and pages) alone
    try:
        futures = [pool.submit(_assess_chunk, part) for part in parts]
        waiting = set(futures)
        while waiting:
            _, waiting = wait(waiting, timeout=0.2, return_when=FIRST_COMPLETED)
            while done is not None and on_done is not None and not done.empty():
                number = done.get()
                on_done(number, numbered[number])
        for part, future in zip(parts, futures, strict=True):
            try:
                results.append(future.result())
            except BrokenProcessPool:
                first, last = pending[part[0]][1], pending[part[-1]][1]
                raise MlauditError(
                    "a worker process died while auditing the commits from "
                    f"{first.label} to {last.label} (killed, or out of memory?): "
                    "run again with fewer --jobs, or --jobs 1"
                ) from None
    except BaseException:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        _WORK = None
        gc.unfreeze()
    pool.shutdown()
    for part, (outcomes, learnt) in zip(parts, results, strict=True):
        merge(cache, learnt)
        for i, outcome in zip(part, outcomes, strict=True):
            number, point = pending[i]
            yield number, point, outcome


def default_jobs() -> int:
    """The number of CPUs this process may use (as the fleet's `scan PATH...`)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1
