"""Renderers of the fleet report (`scan PATH...`, `aggregate`): terminal, Markdown, CSV, JSON
and an HTML dashboard.

Each reads only the FleetReport. The dashboard is one offline file: the level distribution,
a repositories × qualities heatmap (sorted by index; a small hashed inline script makes every
column sortable, and without it the table keeps that order), the checks most repositories
fail, repositories that could not be scanned, and a link to each repository's own report.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from mlaudit.fleet import FleetReport, FleetRow
from mlaudit.maturity import level_text
from mlaudit.report.overview import artifact_cell, asset, environment, fmt, render_csv, styles
from mlaudit.report.text import clean, md
from mlaudit.report.view import bucket
from mlaudit.results import ARTIFACTS


def _by_index(report: FleetReport) -> list[FleetRow]:
    """Most mature first (index, then level, then name); failures last."""
    return sorted(
        report.scanned,
        key=lambda r: (-(r.index if r.index is not None else -1), -(r.level or 0), r.name),
    )


def _score(row: FleetRow, prefix: str) -> str:
    """A quality's score, `?` when undecided, `n/a` when it does not apply to the profile."""
    return fmt(row.quality_scores[prefix]) if prefix in row.quality_scores else "n/a"


def _levels(row: FleetRow) -> str:
    return " ".join(
        f"{a[0]}{'-' if row.artifact_levels.get(a) is None else row.artifact_levels[a]}"
        for a in ARTIFACTS
    )


def _summary(report: FleetReport) -> str:
    total = len(report.rows)
    text = f"{len(report.scanned)} of {total} repositories scanned"
    if report.failed:
        text += f", {len(report.failed)} failed"
    return text


# terminal -----------------------------------------------------------------------------------
def render_terminal(report: FleetReport, width: int = 100) -> str:
    rows = _by_index(report)
    name_w = min(40, max([4, *(len(clean(r.name, max_chars=40)) for r in rows)]))
    lines = [f"mlaudit fleet: {_summary(report)} · rubric {clean(report.rubric)}", ""]
    dist = "  ".join(
        f"L{lv.level} {report.level_distribution.get(str(lv.level), 0)}" for lv in report.levels
    )
    if dist:
        lines += [f"levels  {dist}", ""]
    lines.append(f"{'repository':<{name_w}}  {'index':>5}  level  d/m/c     profile")
    for r in rows:
        lines.append(
            f"{clean(r.name, max_chars=name_w):<{name_w}}  {fmt(r.index, 1):>5}  L{r.level:<4}  "
            f"{_levels(r):<8}  {r.profile or ''}"
        )
    if report.missing:
        lines += ["", "most common missing items"]
        lines += [
            f"  {m.repositories:>4} of {m.of:<4} fail {m.check} {clean(m.name, max_chars=40)}"
            for m in report.missing[:10]
        ]
    if report.failed:
        lines += ["", "not scanned"]
        lines += [
            f"  {clean(r.name, max_chars=name_w)}  exit {r.exit_code}: {clean(r.error or '', max_chars=width)}"
            for r in report.failed
        ]
    lines += [*(f"note: {clean(n)}" for n in report.notes)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


# Markdown -----------------------------------------------------------------------------------
def render_markdown(report: FleetReport, width: int = 100) -> str:
    out = [
        "# MLOps maturity of the fleet",
        "",
        f"{_summary(report)} · rubric `{md(report.rubric)}`",
        "",
        "| level | repositories |",
        "|---|---:|",
        *(
            f"| L{lv.level} {md(lv.name)} | {report.level_distribution.get(str(lv.level), 0)} |"
            for lv in report.levels
        ),
        "",
        "| repository | index | level | data | model | code | "
        + " | ".join(q.prefix for q in report.qualities)
        + " |",
        "|---|---:|---|---|---|---|" + "---:|" * len(report.qualities),
    ]
    for r in _by_index(report):
        name = md(r.name, max_chars=60)
        if r.report:
            name = f"[{name}]({md(r.report, max_chars=120)})"
        out.append(
            f"| {name} | {fmt(r.index, 1)} | L{r.level} | "
            + " | ".join(level_text(r.artifact_levels.get(a)) for a in ARTIFACTS)
            + " | "
            + " | ".join(_score(r, q.prefix) for q in report.qualities)
            + " |"
        )
    if report.missing:
        out += ["", "## Most common missing items", ""]
        out += [
            f"- **{m.repositories} of {m.of}** repositories fail {md(m.check)} "
            f"{md(m.name)} — {md(m.title)}"
            for m in report.missing
        ]
    if report.failed:
        out += ["", "## Not scanned", ""]
        out += [
            f"- {md(r.name)} (exit {r.exit_code}): {md(r.error or '', max_chars=300)}"
            for r in report.failed
        ]
    if report.notes:
        out += ["", *(f"> {md(n)}" for n in report.notes)]
    return "\n".join(out) + "\n"


# CSV / JSON ---------------------------------------------------------------------------------
def render_csv_text(report: FleetReport, width: int = 100) -> str:
    header = [
        "repository",
        "path",
        "exit_code",
        "error",
        "commit",
        "profile",
        "index",
        "level",
        "level_name",
        *(f"level_{a}" for a in ARTIFACTS),
        *(f"index_{a}" for a in ARTIFACTS),
        *(q.prefix for q in report.qualities),
        "failing_checks",
    ]
    rows = [
        [
            r.name,
            r.path,
            r.exit_code,
            r.error,
            r.commit,
            r.profile,
            r.index,
            r.level,
            r.level_name,
            *(artifact_cell(r.artifact_levels, a, r.error) for a in ARTIFACTS),
            *(artifact_cell(r.artifact_index, a, r.error) for a in ARTIFACTS),
            *(
                r.quality_scores.get(q.prefix, "n/a") if r.error is None else None
                for q in report.qualities
            ),
            " ".join(f.check for f in r.failing) if r.error is None else None,
        ]
        for r in report.rows
    ]
    return render_csv(header, rows)


def render_json(report: FleetReport, width: int = 100) -> str:
    data = report.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# HTML ---------------------------------------------------------------------------------------
def render_html(report: FleetReport, width: int = 100) -> str:
    css, style_src = styles()
    script, script_hash = asset("fleet.js")
    scanned = max(len(report.scanned), 1)
    distribution = [
        (
            lv,
            report.level_distribution.get(str(lv.level), 0),
            round(100 * report.level_distribution.get(str(lv.level), 0) / scanned),
        )
        for lv in report.levels
    ]
    rows = [
        (
            r,
            [
                (
                    q.prefix,
                    r.quality_scores.get(q.prefix),
                    bucket(r.quality_scores[q.prefix]) if q.prefix in r.quality_scores else "na",
                )
                for q in report.qualities
            ],
        )
        for r in _by_index(report)
    ]
    template = environment().get_template("fleet.html.j2")
    return template.render(
        report=report,
        summary=_summary(report),
        distribution=distribution,
        rows=rows,
        artifacts=ARTIFACTS,
        css=css,
        script=script,
        csp=f"default-src 'none'; {style_src}; script-src '{script_hash}'; img-src data:",
    )


RENDERERS: dict[str, Callable[[FleetReport, int], str]] = {
    "terminal": render_terminal,
    "json": render_json,
    "csv": render_csv_text,
    "markdown": render_markdown,
    "html": render_html,
}
