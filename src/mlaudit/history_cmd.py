"""`mlaudit history`: what the command does between its flags and the renderers.

Settings and rubric (exit 2 before anything is read) → which commits (history_select) →
one Snapshot per commit from git objects, sharing parses, git history and the history
secret scan (timeline) → HistoryReport → every requested format (report/history.py).
Exit 0, 2 on a usage error, 3 when no selected commit can be read.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

HISTORY_FORMATS = ("terminal", "json", "csv", "markdown", "html")
# --format / --output of the reports over many assessments (history, fleet, aggregate)
FORMAT_OPTION: dict[str, Any] = {
    "metavar": "FORMAT",
    "help": "terminal, json, csv, markdown or html; repeatable (default: terminal).",
}
OUTPUT_OPTION: dict[str, Any] = {
    "metavar": "FORMAT=FILE",
    "help": "FORMAT=FILE writes that format to FILE (repeatable).",
}


def history(
    path: Path = typer.Argument(Path("."), help="Repository (or subfolder, or bare repository)."),
    tags: bool = typer.Option(
        False, "--tags", help="Audit every release tag (version-like names), in version order."
    ),
    last: int | None = typer.Option(
        None, "--last", min=1, metavar="N", help="The last N commits of the first-parent line."
    ),
    since: str | None = typer.Option(
        None, "--since", metavar="DATE", help="Commits (or tags) since DATE (2024-01-31)."
    ),
    every: int | None = typer.Option(
        None, "--every", min=1, metavar="N", help="Keep one point in N (the newest is kept)."
    ),
    ref: list[str] | None = typer.Option(
        None, "--ref", metavar="REF", help="Audit these refs, in this order (repeatable)."
    ),
    format: list[str] | None = typer.Option(None, "--format", "-f", **FORMAT_OPTION),
    output: list[str] | None = typer.Option(None, "--output", "-o", **OUTPUT_OPTION),
    config: Path | None = typer.Option(
        None, "--config", metavar="FILE", help="Configuration file."
    ),
    rubric: str | None = typer.Option(None, "--rubric", help="Rubric: 'default' or a YAML file."),
    profile: str | None = typer.Option(
        None, "--profile", help="auto, research, batch or online-serving."
    ),
    commit_limit: int | None = typer.Option(
        None, "--commit-limit", min=1, help="Read at most this many commits of history per point."
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Do not read or write the parse cache."
    ),
    jobs: int | None = typer.Option(
        None,
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Assess commits in N worker processes (default: CPUs; 1: in this process).",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Say how much parsing was reused."),
    width: int = typer.Option(0, "--width", help="Terminal width (default: detected)."),
) -> None:
    """Maturity over time: audit many commits (tags, the last N, since a date, or refs) from
    git objects, without a checkout; exit 0, 2 usage error, 3 no selected commit readable."""
    from mlaudit.errors import MlauditError

    flags = {
        k: v
        for k, v in {
            "rubric": rubric,
            "profile": profile,
            "commit_limit": commit_limit,
            "verbose": verbose or None,
        }.items()
        if v is not None
    }
    refs = [part.strip() for item in ref or [] for part in item.split(",") if part.strip()]
    try:
        code = run_history(
            path,
            flags,
            config_file=config,
            tags=tags,
            last=last,
            since=since,
            every=every,
            refs=refs,
            formats=format,
            outputs=output,
            width=width,
            use_cache=not no_cache,
            jobs=jobs,
        )
    except MlauditError as exc:
        from mlaudit.report.escape import error_line

        typer.echo(f"mlaudit: error: {error_line(str(exc))}", err=True)
        raise typer.Exit(exc.exit_code) from None
    raise typer.Exit(code)


def run_history(
    path: Path,
    flags: Mapping[str, Any],
    *,
    config_file: Path | None = None,
    tags: bool = False,
    last: int | None = None,
    since: str | None = None,
    every: int | None = None,
    refs: list[str] | None = None,
    formats: list[str] | None = None,
    outputs: list[str] | None = None,
    width: int = 0,
    use_cache: bool = True,
    jobs: int | None = None,
) -> int:
    from mlaudit import __version__, progress
    from mlaudit.errors import TargetError, UsageError
    from mlaudit.history_jobs import default_jobs
    from mlaudit.history_select import select_points
    from mlaudit.repo.git import GitFailed
    from mlaudit.repo.gitref import SHALLOW_HINT, _layout
    from mlaudit.report import history as render
    from mlaudit.results import LevelInfo, QualityInfo
    from mlaudit.run import _width, default_format, plan_outputs, prepare, write_text
    from mlaudit.scoring import assess
    from mlaudit.timeline import HistoryReport, build_history

    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}: give a number of worker processes, 1 or more")
    prepared = prepare(path, flags, config_file)
    default = "terminal" if default_format() == "terminal" else "markdown"
    plan = plan_outputs(formats or [], outputs or [], list(HISTORY_FORMATS), default)
    root = Path(path)
    if not root.is_dir():
        raise TargetError(f"target not found or not a directory: {path}")
    root = root.resolve()
    layout = _layout(root)
    prefix, shallow, _ = layout
    try:
        selection = select_points(
            root, tags=tags, last=last, since=since, every=every, refs=refs, shallow=shallow
        )
    except GitFailed as exc:
        raise TargetError(f"cannot read the commits of {path}: {exc}") from None
    notes = list(selection.notes)
    if shallow:
        notes.append(f"shallow clone: only the fetched commits can be audited; {SHALLOW_HINT}")
    if not selection.points:
        hint = f": {SHALLOW_HINT}" if shallow else ""
        raise TargetError(
            "no selected commit can be read"
            + (f" ({'; '.join(selection.notes)})" if selection.notes else "")
            + hint
        )
    commit_limit = prepared.policy.commit_limit
    disk = _disk_cache(use_cache, prepared, root)
    cache = disk.load_parses() if disk is not None else None
    scores: dict[Any, Any] = {}  # points whose results score alike share one scoring

    def assess_point(point: Any, shared: Any, parses: Any) -> Any:
        snap = open_point(root, str(path), point, layout, shared, parses)
        options = prepared.options
        waivers = prepared.waivers
        if waivers is not None:
            # waivers expire relative to the audited commit's date, as in `scan --ref`
            waive, _ = waivers.bind(snap.git.commit_date if snap.git else None)
            options = dataclasses.replace(options, waive=waive)
        try:
            # a history shows no stack inventory (HistoryPoint)
            return assess(snap, prepared.loaded, options, scores=scores, inventory=False)
        finally:
            snap.source.close()

    stdout_formats = [name for name, target in plan if target is None]
    from mlaudit.repo.gitref import release_objects

    with progress.display(progress.wanted(stdout_formats)):
        task = progress.phase("auditing commits", total=len(selection.points))
        try:
            timeline = build_history(
                root,
                selection,
                assess_point,
                layout=layout,
                commit_limit=commit_limit,
                on_point=lambda n, p: task.advance(label=p.label),
                parse_cache=cache,
                secrets_cache=disk,
                jobs=default_jobs() if jobs is None else jobs,
            )
        finally:
            release_objects(root)  # the git readers every point shared
    if disk is not None:
        disk.save_parses()
    notes += timeline.notes
    points, stats = timeline.points, timeline.stats
    if timeline.rubric is None or not points:
        raise TargetError("no selected commit can be read: " + "; ".join(notes))
    rubric = prepared.loaded.rubric
    report = HistoryReport(
        tool_version=__version__,
        target=str(path),
        root_name=root.name,
        subdir=prefix,
        selection=selection.description,
        rubric=timeline.rubric,
        profile=timeline.profile,
        qualities=tuple(
            QualityInfo(id=q.id, prefix=q.prefix, title=q.title) for q in rubric.qualities
        ),
        levels=tuple(
            LevelInfo(level=lv.level, name=lv.name)
            for lv in sorted(rubric.levels, key=lambda x: x.level)
        ),
        points=tuple(points),
        skipped=(*selection.skipped, *timeline.skipped),
        notes=tuple(dict.fromkeys(notes)),
    )
    if flags.get("verbose") and stats.lookups:
        sys.stderr.write(
            f"mlaudit: {len(points)} commit(s) audited; parsed files reused "
            f"{stats.hits} of {stats.lookups} times\n"
        )
    from mlaudit.repo.parsers.secrets import redact_strings
    from mlaudit.report.escape import scalar

    report = redact_strings(report, then=scalar)  # the output boundary: refs, notes, paths
    for name, target in plan:
        text = render.RENDERERS[name](report, _width(width))
        write_text(text, target)
    return 0


def _disk_cache(use_cache: bool, prepared: Any, root: Path) -> Any:
    """The repository's on-disk cache (parses by blob id, history secret scans), or None."""
    if not use_cache:
        return None
    from mlaudit.cache import open_cache, rubric_key

    return open_cache(root, str(root), rubric_key(prepared.loaded))


@functools.lru_cache(maxsize=8)
def _branch_facts(root: Path) -> tuple[str | None, tuple[tuple[str, int], ...]]:
    """The remote's default branch and each branch's last commit time: one `git
    for-each-ref` per repository and process, whatever the number of points."""
    from mlaudit.repo.gitinfo import GitInfo, read_branches

    info = GitInfo()
    read_branches(root, info)
    return info.default_branch, tuple(sorted(info.branch_tips.items()))


def open_point(
    root: Path,
    display_path: str,
    point: Any,
    layout: tuple[str, bool, bool],
    shared: Any,
    parses: Any,
) -> Any:
    """A Snapshot of one point, reading shared parses, history and history secrets."""
    from mlaudit.repo.gitref import GitRefSource, objects_for
    from mlaudit.repo.snapshot import GitInfo, Snapshot
    from mlaudit.timeline import _iso

    prefix, shallow, partial = layout
    source = GitRefSource(root, point.commit, prefix, objects=objects_for(root))
    info = GitInfo(
        commit=point.commit,
        commit_date=_iso(point.timestamp) if point.timestamp else None,
        subdir=prefix,
        shallow=shallow,
        partial_clone=partial,
    )
    # the branches as a scan sees them, so that a point's CI triggers read as a scan's of the
    # same commit (ci.demote_dead_branches: liveness is judged at the point's own date)
    info.default_branch, tips = _branch_facts(root)
    info.branch_tips = dict(tips)
    snap = Snapshot(source=source, root_name=root.name, display_path=display_path, git=info)
    snap.parse_cache = parses.bind(source.blob_id)
    snap.notes.append(
        f"scanned {point.label} ({point.commit[:12]}) from git objects, not the work tree"
    )
    snap.history_loader = lambda: shared.history(point.commit)
    snap.history_secrets_loader = lambda: shared.secrets(point.commit)
    if shallow:
        snap.notes.append("shallow clone: history-based checks are unknown")
    if partial:
        snap.notes.append("partial clone: files whose blobs are missing cannot be read")
    _ = snap.files
    snap.notes.extend(source.notes)
    return snap
