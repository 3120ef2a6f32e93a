"""Renderers of `mlaudit history`: terminal, JSON, CSV, Markdown and HTML.

Each reads only the HistoryReport. Points are oldest first. The HTML page is one offline
file (inline CSS and SVG, no script, a CSP that forbids everything else): a trend chart of
the maturity index with the level reached at each point drawn as coloured bands, a table of
the points, per-quality sparklines and the change log of checks between points.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from mlaudit.maturity import level_text
from mlaudit.report.overview import (
    artifact_cell,
    direction,
    environment,
    fmt,
    render_csv,
    sparkline,
    styles,
)
from mlaudit.report.text import clean, md
from mlaudit.results import ARTIFACTS
from mlaudit.timeline import CheckChange, HistoryPoint, HistoryReport

ARROW = {1: "▲", -1: "▼", 0: "•"}
WORD = {1: "improved", -1: "regressed", 0: "changed"}


def _outcome(value: str | None) -> str:
    return "absent" if value is None else value.replace("_", " ")


def _tally(point: HistoryPoint) -> tuple[int, int]:
    up = sum(1 for c in point.changes if direction(c.before, c.after) > 0)
    down = sum(1 for c in point.changes if direction(c.before, c.after) < 0)
    return up, down


def _change_line(c: CheckChange) -> str:
    arrow = ARROW[direction(c.before, c.after)]
    where = f" [{c.artifact}]" if c.artifact else ""
    return f"{arrow} {c.check} {clean(c.name, max_chars=60)}{where}: {_outcome(c.before)} → {_outcome(c.after)}"


def _profile_change(r: HistoryReport, p: HistoryPoint) -> str:
    """' — profile batch → research' when the detected profile changed at this point."""
    i = r.points.index(p)
    before = r.points[i - 1].profile if i else p.profile
    return f" — profile {before} → {p.profile}" if before != p.profile else ""


def _header(r: HistoryReport) -> str:
    where = clean(r.root_name) + (f"/{clean(r.subdir.strip('/'))}" if r.subdir else "")
    return (
        f"{where} — {clean(r.selection)} · rubric {clean(r.rubric.id)} "
        f"{clean(r.rubric.version)} · profile {r.profile}"
    )


# terminal -----------------------------------------------------------------------------------
def render_terminal(r: HistoryReport, width: int = 100) -> str:
    points = r.points
    first, last = points[0], points[-1]
    spark_w = max(10, width - 52)  # the newest points when there are more than fit
    lines = [
        f"mlaudit history: {_header(r)}",
        "",
        f"maturity index  {sparkline([p.index for p in points][-spark_w:], top=INDEX_TOP)}  "
        f"{fmt(first.index, 1)} → {fmt(last.index, 1)}   "
        f"level L{first.level} {first.level_name} → L{last.level} {last.level_name}",
        "",
    ]
    ref_w = min(32, max(3, *(len(clean(p.ref, max_chars=24)) for p in points)))
    lines.append(
        f"{'date':<10}  {'ref':<{ref_w}}  {'index':>5}  {'level':<5} "
        f"{'data':>4} {'model':>5} {'code':>4}  changes"
    )
    for p in points:
        up, down = _tally(p)
        changed = f"▲{up} ▼{down}" if p.changes else "—"
        lines.append(
            f"{p.date[:10]:<10}  {clean(p.ref, max_chars=ref_w):<{ref_w}}  "
            f"{fmt(p.index, 1):>5}  L{p.level:<4} "
            f"{level_text(p.artifact_levels['data']):>4} {level_text(p.artifact_levels['model']):>5} "
            f"{level_text(p.artifact_levels['code']):>4}  {changed}"
        )
    lines += ["", "per quality (score at each point)"]
    for q in r.qualities:
        values = [p.quality_scores.get(q.prefix) for p in points]
        if all(v is None for v in values):
            continue
        lines.append(
            f"  {q.prefix:<4}{clean(q.title, max_chars=28):<29}{sparkline(values[-spark_w:])}  "
            f"{fmt(values[0])} → {fmt(values[-1])}"
        )
    changed_points = [p for p in points[1:] if p.changes]
    if changed_points:
        lines += ["", "checks that changed"]
        for p in changed_points:
            lines.append(
                f"  {clean(p.ref, max_chars=40)} ({p.commit[:12]}, {p.date[:10]}){_profile_change(r, p)}"
            )
            lines += [f"    {_change_line(c)}" for c in p.changes]
    if r.notes:
        lines += ["", *(f"note: {clean(n, max_chars=width * 2)}" for n in r.notes)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


# JSON / CSV ---------------------------------------------------------------------------------
def render_json(r: HistoryReport, width: int = 100) -> str:
    return (
        json.dumps(r.model_dump(mode="json"), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    )


def render_csv_text(r: HistoryReport, width: int = 100) -> str:
    header = [
        "date",
        "ref",
        "commit",
        "index",
        "level",
        "level_name",
        *(f"level_{a}" for a in ARTIFACTS),
        *(f"index_{a}" for a in ARTIFACTS),
        *(q.prefix for q in r.qualities),
        "pass",
        "partial",
        "fail",
        "unknown",
        "improved",
        "regressed",
        "changed",
    ]
    rows = []
    for p in r.points:
        up, down = _tally(p)
        rows.append(
            [
                p.date,
                p.ref,
                p.commit,
                p.index,
                p.level,
                p.level_name,
                *(artifact_cell(p.artifact_levels, a) for a in ARTIFACTS),
                *(artifact_cell(p.artifact_index, a) for a in ARTIFACTS),
                *(p.quality_scores.get(q.prefix) for q in r.qualities),
                p.counts.get("pass", 0),
                p.counts.get("partial", 0),
                p.counts.get("fail", 0),
                p.counts.get("unknown", 0),
                up,
                down,
                len(p.changes),
            ]
        )
    return render_csv(header, rows)


# Markdown -----------------------------------------------------------------------------------
def render_markdown(r: HistoryReport, width: int = 100) -> str:
    points = r.points
    first, last = points[0], points[-1]
    out = [
        f"# Maturity history — {md(r.root_name)}",
        "",
        f"{md(r.selection)} · rubric `{md(r.rubric.id)}` {md(r.rubric.version)} · "
        f"profile {md(r.profile)}",
        "",
        f"**Maturity index** {fmt(first.index, 1)} → **{fmt(last.index, 1)}** "
        f"`{sparkline([p.index for p in points], top=INDEX_TOP)}` · **level** L{first.level} → "
        f"**L{last.level} {md(last.level_name)}**",
        "",
        "| date | ref | commit | index | level | data | model | code | changes |",
        "|---|---|---|---:|---|---|---|---|---|",
    ]
    for p in points:
        up, down = _tally(p)
        changed = f"▲{up} ▼{down} ({len(p.changes)})" if p.changes else "—"
        out.append(
            f"| {p.date[:10]} | {md(p.ref, max_chars=60)} | `{p.commit[:12]}` | {fmt(p.index, 1)} | "
            f"L{p.level} {md(p.level_name)} | {level_text(p.artifact_levels['data'])} | "
            f"{level_text(p.artifact_levels['model'])} | {level_text(p.artifact_levels['code'])} | "
            f"{changed} |"
        )
    out += ["", "## Qualities", "", "| quality | trend | first | last |", "|---|---|---:|---:|"]
    for q in r.qualities:
        values = [p.quality_scores.get(q.prefix) for p in points]
        if all(v is None for v in values):
            continue
        out.append(
            f"| {md(q.title)} ({q.prefix}) | `{sparkline(values)}` | {fmt(values[0])} | "
            f"{fmt(values[-1])} |"
        )
    changed_points = [p for p in points[1:] if p.changes]
    if changed_points:
        out += ["", "## Checks that changed", ""]
        for p in changed_points:
            out.append(
                f"### {md(p.ref, max_chars=80)} · {p.date[:10]} · `{p.commit[:12]}`"
                f"{md(_profile_change(r, p))}"
            )
            out.append("")
            out += [f"- {md(_change_line(c), max_chars=200)}" for c in p.changes]
            out.append("")
    if r.notes:
        out += ["", "## Notes", "", *(f"- {md(n, max_chars=400)}" for n in r.notes)]
    return "\n".join(out).rstrip("\n") + "\n"


# HTML ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartPoint:
    x: str
    y: str
    ref: str
    date: str
    index: str
    level: int
    band_x: str
    band_w: str
    label_x: str
    show_label: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    top: int
    bottom: int
    left: int
    points: list[ChartPoint]
    line: str
    grid: list[tuple[str, int]]  # (y, value)


INDEX_TOP = 4.0  # the maturity index runs from 0.0 to 4.0 (one level per unit)


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def chart(r: HistoryReport) -> Chart:
    """The trend chart: the index as a line over the points (evenly spaced, oldest left),
    each point's column shaded with the colour of the level it reached."""
    width, height, left, right, top, bottom = 880, 300, 44, 16, 16, 250
    n = len(r.points)
    step = (width - left - right) / max(n, 1)
    every = -(-n // 8)  # at most 8 x labels (ref and date), so they never overlap
    out = []
    segments: list[list[str]] = [[]]
    for i, p in enumerate(r.points):
        cx = left + step * (i + 0.5)
        if p.index is None:
            segments.append([])
            y = float(bottom)
        else:
            y = bottom - (bottom - top) * p.index / INDEX_TOP
            segments[-1].append(f"{_n(cx)},{_n(y)}")
        out.append(
            ChartPoint(
                x=_n(cx),
                y=_n(y),
                ref=p.ref,
                date=p.date[:10],
                index=fmt(p.index, 1),
                level=p.level,
                band_x=_n(left + step * i),
                band_w=_n(step),
                label_x=_n(cx),
                show_label=(n - 1 - i) % every == 0,
            )
        )
    line = " ".join(f"M {' L '.join(s)}" for s in segments if s)
    grid = [(_n(bottom - (bottom - top) * v / INDEX_TOP), v) for v in (0, 1, 2, 3, 4)]
    return Chart(width, height, top, bottom, left, out, line, grid)


def render_html(r: HistoryReport, width: int = 100) -> str:
    css, style_src = styles()
    points = r.points
    qualities = []
    for q in r.qualities:
        values = [p.quality_scores.get(q.prefix) for p in points]
        if all(v is None for v in values):
            continue
        qualities.append((q, sparkline(values), fmt(values[0]), fmt(values[-1])))
    changes = [
        (
            p,
            _profile_change(r, p),
            [
                (c, WORD[direction(c.before, c.after)], _outcome(c.before), _outcome(c.after))
                for c in p.changes
            ],
        )
        for p in points[1:]
        if p.changes
    ]
    template = environment().get_template("history.html.j2")
    return template.render(
        r=r,
        first=points[0],
        last=points[-1],
        spark=sparkline([p.index for p in points], top=INDEX_TOP),
        chart=chart(r),
        qualities=qualities,
        changes=changes,
        tallies=[_tally(p) for p in points],
        css=css,
        csp=f"default-src 'none'; {style_src}; img-src data:",
        levels=r.levels,
    )


RENDERERS: dict[str, Callable[[HistoryReport, int], str]] = {
    "terminal": render_terminal,
    "json": render_json,
    "csv": render_csv_text,
    "markdown": render_markdown,
    "html": render_html,
}
