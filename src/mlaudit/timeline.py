"""`mlaudit history`: the maturity of one repository at many commits, read from git objects.

Cost model (what makes N points cheaper than N scans):
- each point's tree is ONE `git ls-tree`; blobs come through that point's `git cat-file --batch`;
- parsed files are shared between points by blob id (repo.parse_cache): a file that did not
  change is parsed once for the whole timeline, and what checks derive from it
  (Snapshot.per_file) is derived once; glob answers are shared by points with the same paths,
  and the scoring by points whose results differ only in messages and evidence;
- the commit graph is ONE `git rev-list --parents`, the history of the newest point ONE
  `git log`; every older point's history is the part of it its commit can reach (its own
  `git log` only when it is not an ancestor of the newest point);
- the history secret scan is ONE `git log -p --all`; each point keeps the findings of the
  commits it can reach (a secret added after a release is not charged to that release).

Each point is summarised (index, level, per-artifact levels, per-quality scores, outcome of
every check) and its full Assessment dropped, so memory does not grow with the point count.
With `--jobs N` the points after the first are assessed by forked workers
(mlaudit.history_jobs); a point is summarised where it is assessed (`describe`) and compared
with the previous one here, in point order (`compare`), so the timeline is the same for any N.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from mlaudit.errors import TargetError
from mlaudit.history_select import Point, Selection
from mlaudit.maturity import artifact_applies, artifact_level
from mlaudit.repo.git import GitFailed
from mlaudit.repo.history import GitHistory, read_history
from mlaudit.repo.parse_cache import CacheStats, ParseCache
from mlaudit.repo.secrets_history import HistorySecretScan, scan_history_secrets
from mlaudit.results import ARTIFACTS, Assessment, Frozen, LevelInfo, QualityInfo, RubricInfo

SCHEMA_VERSION = "2"  # 2: an artifact none of whose items applies has level null


class CheckChange(Frozen):
    """A check whose outcome differs from the previous point (None: not run there)."""

    check: str
    name: str
    quality: str
    artifact: str
    before: str | None
    after: str | None


class HistoryPoint(Frozen):
    ref: str
    commit: str
    date: str
    index: float | None = Field(default=None, ge=0, le=4)
    level: int
    level_name: str
    artifact_levels: dict[str, int | None]  # None: none of the artifact's items applies
    artifact_index: dict[str, float | None]
    quality_scores: dict[str, float | None]  # quality prefix → mean of its scored cells
    counts: dict[str, int]  # outcome → number of checks
    outcomes: dict[str, str]  # check id → outcome
    changes: tuple[CheckChange, ...] = ()
    files: int = 0
    profile: str = ""  # detected (or forced) at this point: a change explains n/a churn
    notes: tuple[str, ...] = ()


class HistoryReport(Frozen):
    schema_version: str = SCHEMA_VERSION
    tool: str = "mlaudit"
    tool_version: str
    target: str
    root_name: str
    subdir: str = ""
    selection: str
    rubric: RubricInfo
    profile: str
    qualities: tuple[QualityInfo, ...]
    levels: tuple[LevelInfo, ...]
    points: tuple[HistoryPoint, ...]
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def level_name(self, level: int) -> str:
        return next((lv.name for lv in self.levels if lv.level == level), str(level))


def maturity_index(a: Assessment) -> float:
    """The assessment's maturity index (0.0–4.0, SIGNALS §3)."""
    return a.maturity_index


def artifact_index(a: Assessment) -> dict[str, float | None]:
    """Artifact → its maturity index (0.0–4.0)."""
    return {k: m.index for k, m in a.artifact_maturity.items()}


def quality_scores(a: Assessment) -> dict[str, float | None]:
    """Quality prefix → mean score of its applicable, decided cells (as the report's radar);
    None when none is decided, no key when the quality does not apply to the profile."""
    out: dict[str, float | None] = {}
    for q in a.qualities:
        cells = [c for c in a.cells if c.quality == q.id and c.applicable]
        if not cells:
            continue  # not applicable to the profile: no key (None means unknown)
        scores = [c.score for c in cells if c.score is not None]
        out[q.prefix] = round(sum(scores) / len(scores), 1) if scores else None
    return out


def headline(a: Assessment) -> dict[str, Any]:
    """What history points and fleet rows show of an assessment: index, level, per-artifact
    levels and indexes, per-quality scores."""
    by_artifact = artifact_index(a)
    return {
        "index": maturity_index(a),
        "level": a.overall_level,
        "level_name": a.level_name(a.overall_level),
        "artifact_levels": {k: artifact_level(a.artifact_maturity.get(k)) for k in ARTIFACTS},
        "artifact_index": {
            k: by_artifact.get(k) if artifact_applies(a.artifact_maturity.get(k)) else None
            for k in ARTIFACTS
        },
        "quality_scores": quality_scores(a),
    }


def _iso(stamp: int) -> str:
    return dt.datetime.fromtimestamp(stamp, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def summarise(point: Point, a: Assessment, previous: HistoryPoint | None) -> HistoryPoint:
    """The point as the report shows it, with the checks that changed since `previous`."""
    return compare(describe(point, a), previous)


@dataclass(frozen=True)
class PointSummary:
    """A point summarised where its Assessment is (a worker of `history --jobs`): what
    `compare` needs to find the checks that changed, a few kilobytes instead of the
    Assessment."""

    point: HistoryPoint  # without its changes
    checks: dict[str, tuple[str, str, str]]  # check id → (name, quality, artifact)
    rubric: RubricInfo


def describe(point: Point, a: Assessment) -> PointSummary:
    outcomes = {r.check: ("waived" if r.waived_by else r.outcome.value) for r in a.results}
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    summary = HistoryPoint(
        ref=point.label,
        commit=point.commit,
        date=_iso(point.timestamp),
        **headline(a),
        counts=dict(sorted(counts.items())),
        outcomes=dict(sorted(outcomes.items())),
        files=a.target.files,
        profile=a.profile.name,
        notes=tuple(n for n in a.target.notes if "shallow" in n or "partial" in n),
    )
    checks = {r.check: (r.name, r.quality, r.artifact) for r in a.results}
    return PointSummary(point=summary, checks=checks, rubric=a.rubric)


def compare(summary: PointSummary, previous: HistoryPoint | None) -> HistoryPoint:
    """The summarised point with the checks whose outcome differs from `previous`."""
    if previous is None:
        return summary.point
    outcomes = summary.point.outcomes
    changes: list[CheckChange] = []
    for check in sorted(set(outcomes) | set(previous.outcomes)):
        before, after = previous.outcomes.get(check), outcomes.get(check)
        if before == after:
            continue
        name, quality, artifact = summary.checks.get(check, (check, "", ""))
        changes.append(
            CheckChange(
                check=check,
                name=name,
                quality=quality,
                artifact=artifact,
                before=before,
                after=after,
            )
        )
    if not changes:
        return summary.point
    return summary.point.model_copy(update={"changes": tuple(changes)})


@dataclass
class Graph:
    """Parents of every commit reachable from the points (one `git rev-list --parents`)."""

    parents: dict[str, tuple[str, ...]]

    def ancestors(self, commit: str) -> set[str]:
        seen = {commit}
        stack = [commit]
        while stack:
            for parent in self.parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen


def read_graph(root: Path, commits: list[str]) -> Graph:
    from mlaudit.repo.git import GitFailed, git_text

    try:
        out = git_text(root, ["rev-list", "--parents", *dict.fromkeys(commits), "--"])
    except GitFailed:
        return Graph({})
    parents = {}
    for line in out.splitlines():
        sha, *rest = line.split()
        parents[sha] = tuple(rest)
    return Graph(parents)


class SharedHistory:
    """Git history and history secrets of every point, from one read of the newest one."""

    def __init__(
        self,
        root: Path,
        prefix: str,
        *,
        shallow: bool,
        partial: bool,
        commit_limit: int,
        points: list[Point],
        tag_commits: dict[str, str],
    ) -> None:
        self.root, self.prefix = root, prefix
        self.shallow, self.partial, self.limit = shallow, partial, commit_limit
        self.graph = read_graph(root, [p.commit for p in points])
        self.tag_commits = tag_commits
        self._ancestors: dict[str, set[str]] = {}
        # the point that reaches the most others: its log covers them
        self.tip = max((p.commit for p in points), key=lambda c: len(self.ancestors(c)), default="")
        self._tip_history: GitHistory | None = None
        self._secrets: HistorySecretScan | None = None
        self._asked_history = self._asked_secrets = False
        # the one history secret scan of every ref (`git log -p --all`); replaceable by a
        # cached one (mlaudit.cache)
        self.scan_secrets: Callable[[], HistorySecretScan] = lambda: scan_history_secrets(
            root, shallow=shallow, partial_clone=partial
        )

    def ancestors(self, commit: str) -> set[str]:
        found = self._ancestors.get(commit)
        if found is None:
            found = self._ancestors[commit] = self.graph.ancestors(commit)
        return found

    def _read(self, rev: str) -> GitHistory:
        return read_history(
            self.root,
            self.prefix,
            limit=self.limit,
            shallow=self.shallow,
            partial_clone=self.partial,
            rev=rev,
        )

    def prefetch(self) -> None:
        """Read now what the points read so far asked for (the newest point's history, the
        history secret scan), so that forked workers inherit it instead of each reading it."""
        if self._asked_history and self._tip_history is None and self.tip in self.graph.parents:
            self._tip_history = self._read(self.tip)
        if self._asked_secrets and self._secrets is None:
            self._secrets = self.scan_secrets()

    def history(self, commit: str) -> GitHistory:
        self._asked_history = True
        reach = self.ancestors(commit)
        if commit == self.tip or self.tip not in self.graph.parents:
            return self._read(commit)
        if commit not in self.ancestors(self.tip):
            return self._read(commit)
        if self._tip_history is None:
            self._tip_history = self._read(self.tip)
        tip = self._tip_history
        commits = [c for c in tip.commits if c.sha in reach]
        return GitHistory(
            available=tip.available,
            reason=tip.reason,
            commits=commits[: self.limit],
            truncated=tip.truncated or len(commits) > self.limit,
            commit_limit=self.limit,
            tags=sorted(t for t, sha in self.tag_commits.items() if sha in reach),
            shallow=tip.shallow,
            partial_clone=tip.partial_clone,
        )

    def secrets(self, commit: str) -> HistorySecretScan:
        self._asked_secrets = True
        if self._secrets is None:
            self._secrets = self.scan_secrets()
        scan = self._secrets
        if not scan.available:
            return scan
        reach = self.ancestors(commit)
        return HistorySecretScan(
            available=True,
            reason=scan.reason,
            findings=[f for f in scan.findings if f.commit in reach],
            commits_scanned=min(scan.commits_scanned, len(reach)),
            bytes_scanned=scan.bytes_scanned,
            truncated=scan.truncated,
            bound=scan.bound,
            failed=scan.failed,
        )


# a point whose tree cannot be read is skipped with a note, never the whole timeline
UNREADABLE: tuple[type[Exception], ...] = (GitFailed, TargetError, OSError)


def unreadable_note(point: Point, exc: Exception) -> str:
    return f"{point.label}: cannot be read ({str(exc)[:160]}): skipped"


@dataclass
class Timeline:
    """What `build_history` read: the points in order, and what the report needs besides."""

    stats: CacheStats
    points: list[HistoryPoint] = field(default_factory=list)
    rubric: RubricInfo | None = None  # the last point's
    profile: str = ""  # the last point's
    skipped: list[str] = field(default_factory=list)  # points that could not be read
    notes: list[str] = field(default_factory=list)  # why

    def add(self, summary: PointSummary) -> None:
        self.points.append(compare(summary, self.points[-1] if self.points else None))
        self.rubric, self.profile = summary.rubric, summary.point.profile

    def skip(self, point: Point, note: str) -> None:
        self.skipped.append(point.label)
        self.notes.append(note)


def build_history(
    path: Path,
    selection: Selection,
    assess_point: Callable[[Point, SharedHistory, ParseCache], Assessment],
    *,
    layout: tuple[str, bool, bool],
    commit_limit: int,
    on_point: Callable[[int, Point], None] | None = None,
    parse_cache: ParseCache | None = None,
    secrets_cache: Any = None,
    jobs: int = 1,
) -> Timeline:
    """Assess every selected point (oldest first), `jobs` worker processes at a time.

    A point that `assess_point` cannot read (UNREADABLE) is left out with a note, and the
    next one is compared with the last point that was read. With jobs > 1 the points after
    the first readable one are split among forked workers (mlaudit.history_jobs); the points
    are compared here, in order, so the timeline is the same for every `jobs`."""
    prefix, shallow, partial = layout
    if not selection.points:
        raise TargetError(
            "no commit to audit: "
            + ("; ".join(selection.notes) if selection.notes else "the selection is empty")
        )
    shared = SharedHistory(
        path,
        prefix,
        shallow=shallow,
        partial=partial,
        commit_limit=commit_limit,
        points=selection.points,
        tag_commits=selection.tag_commits,
    )
    if secrets_cache is not None:
        from mlaudit.cache import cached_secret_scan

        shared.scan_secrets = cached_secret_scan(secrets_cache, path, shared.scan_secrets)
    cache = parse_cache if parse_cache is not None else ParseCache()
    timeline = Timeline(stats=cache.stats)

    def assess_here(number: int, point: Point) -> None:
        if on_point:
            on_point(number, point)
        try:
            assessment = assess_point(point, shared, cache)
        except UNREADABLE as exc:
            timeline.skip(point, unreadable_note(point, exc))
            return
        timeline.points.append(
            summarise(point, assessment, timeline.points[-1] if timeline.points else None)
        )
        timeline.rubric, timeline.profile = assessment.rubric, assessment.profile.name

    pending = list(enumerate(selection.points))
    # here until one point is read: it parses the whole tree and reads the shared history
    # once, and forked workers inherit both instead of each doing it again
    while pending and not timeline.points:
        assess_here(*pending.pop(0))
    if jobs > 1 and len(pending) > 1:
        from mlaudit import history_jobs

        workers = history_jobs.pool_size(jobs, len(pending))
        if workers > 1:
            shared.prefetch()
            for _, point, item in history_jobs.assess_in_workers(
                pending, assess_point, shared, cache, workers, on_done=on_point
            ):
                if isinstance(item, PointSummary):
                    timeline.add(item)
                else:
                    timeline.skip(point, item)
            return timeline
    for number, point in pending:
        assess_here(number, point)
    return timeline
