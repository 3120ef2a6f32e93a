"""`mlaudit scan PATH...` (fleet mode) and `mlaudit aggregate`: between flags and renderers.

Exit code of a fleet scan: the highest exit code of its repositories (0 all scanned and every
gate passed, 1 a gate failed, 2 a configuration error, 3 a repository could not be read), so
a scheduled job turns red when any repository needs a look; 2 before anything is scanned for
a bad flag or list.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import typer

from mlaudit.history_cmd import FORMAT_OPTION, OUTPUT_OPTION

FLEET_FORMATS = ("terminal", "json", "csv", "markdown", "html")


def wants_fleet(paths: Sequence[Path], repos_from: Path | None, shard: str | None) -> bool:
    return len(paths) > 1 or repos_from is not None or shard is not None


def run_fleet(
    paths: Sequence[Path],
    flags: Mapping[str, Any],
    *,
    repos_from: Path | None = None,
    jobs: int | None = None,
    shard: str | None = None,
    out_dir: Path | None = None,
    config_file: Path | None = None,
    width: int = 0,
) -> int:
    from mlaudit.errors import UsageError
    from mlaudit.fleet import (
        build_report,
        fleet_names,
        parse_shard,
        read_repo_list,
        run_jobs,
        select_shard,
    )

    formats = list(flags.get("format") or [])
    outputs = list(flags.get("output") or [])
    every = [str(p) for p in paths]
    if repos_from is not None:
        every += read_repo_list(repos_from)
    if not every:
        raise UsageError("no repository to scan: give paths or --repos-from FILE")
    names = fleet_names(list(dict.fromkeys(every)))
    chosen = select_shard(every, parse_shard(shard) if shard else None)
    plan = _plan(formats, outputs)
    # per-repository flags: everything but the fleet report's own formats
    per_repo = {k: v for k, v in flags.items() if k not in ("format", "output")}
    wants_html = any(name == "html" for name, _ in plan)
    job_list = [
        {
            "name": names[p],
            "path": p,
            "flags": per_repo,
            "config_file": config_file,
            "out_dir": str(out_dir) if out_dir else None,
            "html": wants_html,
        }
        for p in chosen
    ]
    workers = jobs or os.cpu_count() or 1
    results = run_jobs(job_list, workers)
    header = next((h for _, h in results if h is not None), None)
    notes = [f"shard {shard}: {len(chosen)} of {len(names)} repositories"] if shard else []
    report = build_report([row for row, _ in results], header, notes)
    from mlaudit.report.escape import error_line

    for row in report.failed:
        sys.stderr.write(
            error_line(f"mlaudit: {row.name}: exit {row.exit_code}: {row.error}") + "\n"
        )
    _emit(report, plan, width)
    return report.exit_code


def _plan(formats: list[str], outputs: list[str]) -> list[tuple[str, Path | None]]:
    from mlaudit.run import plan_outputs

    return plan_outputs(formats, outputs, list(FLEET_FORMATS), "terminal")


def _emit(report: Any, plan: list[tuple[str, Path | None]], width: int) -> None:
    from mlaudit.fleet import with_links_from
    from mlaudit.repo.parsers.secrets import redact_strings
    from mlaudit.report.escape import scalar
    from mlaudit.report.fleet import RENDERERS
    from mlaudit.run import _width, write_text

    report = redact_strings(report, then=scalar)  # the output boundary: names, paths, errors
    for name, target in plan:
        linked = with_links_from(report, target.parent if target else Path("."))
        write_text(RENDERERS[name](linked, _width(width)), target)


def aggregate(
    files: list[Path] = typer.Argument(
        ..., help="Per-repository JSON results (scan --format json, scan --out-dir), or folders."
    ),
    format: list[str] | None = typer.Option(None, "--format", "-f", **FORMAT_OPTION),
    output: list[str] | None = typer.Option(None, "--output", "-o", **OUTPUT_OPTION),
    width: int = typer.Option(0, "--width", help="Terminal width (default: detected)."),
) -> None:
    """Merge per-repository results (e.g. of every shard) into one fleet report; exit as a
    fleet scan does (the highest exit code of its repositories), 2 for unreadable input."""
    from mlaudit.errors import MlauditError
    from mlaudit.fleet import build_report, load_results

    try:
        rows, header, notes = load_results(files)
        report = build_report(rows, header, notes)
        _emit(report, _plan(format or [], output or []), width)
    except MlauditError as exc:
        typer.echo(f"mlaudit: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    raise typer.Exit(report.exit_code)
