"""HTML readiness report: one self-contained, offline, escaped file.

- Inline CSS and SVG only: no CDN, no web font, no image, no request of any kind; a
  Content-Security-Policy (`default-src 'none'`, the one inline script allowed by its hash)
  makes that a guarantee, even for a report opened from an untrusted source.
- Readable without JavaScript; the small inline script only filters checks by outcome
  and opens every `<details>` before printing.
- jinja2 autoescape is on: every repository string is escaped (and cleaned of control
  characters by `text.clean`).
- Light and dark themes (`prefers-color-scheme`), print CSS, real table markup, every
  colour paired with a text label.

Charts:
- the maturity gauge shows levels 0–4 as five segments; the reached ones are filled;
- the heatmap is the quality × artifact table (score and level per cell, `n/a`, `?`, `—`);
- there is no radar: fifteen axes of means said less than the heatmap, whose cells link to
  their quality's checks.

Layout: the verdict first (level, score, per artifact, what the next level needs), then the
grid, then what to fix next, then the stack and every check. No horizontal scroll from 390
px up: long strings wrap anywhere, and below 700 px the checks tables become one card per
check (tests/report/test_report_browser.py measures it in Chromium).
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from mlaudit.maturity import (
    NO_ARTIFACT,
    artifact_applies,
    cap_text,
    cell_reason_lines,
    compensation_lines,
    progress_text,
)
from mlaudit.report import RenderOptions
from mlaudit.report import view as v
from mlaudit.report.links import rule_url
from mlaudit.report.text import clean
from mlaudit.results import ARTIFACTS, Assessment

_TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["clean"] = lambda text, n=300: clean(str(text), max_chars=n) if text else ""
    env.filters["fmt"] = lambda score: "?" if score is None else f"{score:.0f}"
    env.filters["fmt_index"] = lambda index: "?" if index is None else f"{index:.1f}"
    env.filters["prose"] = prose
    return env


_CODE_SPAN = re.compile(r"`([^`]+)`")


def prose(text: str | None, max_chars: int = 800) -> Markup:
    """Rubric prose with its `code` spans as <code>: escaped first, then marked up."""
    escaped = str(escape(clean(text or "", max_chars=max_chars)))
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))


@lru_cache(maxsize=4)
def _asset(name: str) -> tuple[str, str]:
    """Our own CSS/JS, inlined, and its CSP hash (so nothing else may run or style)."""
    text = (_TEMPLATES / name).read_text(encoding="utf-8").strip()
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return text, f"sha256-{digest}"


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


# gauge ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GaugeSegment:
    level: int
    name: str
    path: str
    reached: bool
    current: bool
    label_x: str
    label_y: str


def _arc(cx: float, cy: float, r: float, start_deg: float, end_deg: float) -> str:
    """An SVG arc from start to end (degrees, 180 = left, 0 = right, drawn clockwise)."""
    a0, a1 = math.radians(start_deg), math.radians(end_deg)
    x0, y0 = cx + r * math.cos(a0), cy - r * math.sin(a0)
    x1, y1 = cx + r * math.cos(a1), cy - r * math.sin(a1)
    return f"M {_num(x0)} {_num(y0)} A {_num(r)} {_num(r)} 0 0 1 {_num(x1)} {_num(y1)}"


def gauge(a: Assessment) -> tuple[list[GaugeSegment], str, str]:
    levels = sorted(a.levels, key=lambda lv: lv.level)
    n = len(levels)
    cx, cy, r = 120.0, 124.0, 86.0
    gap = 2.0
    segments = []
    for index, info in enumerate(levels):
        start = 180.0 - index * 180.0 / n
        end = 180.0 - (index + 1) * 180.0 / n
        mid = math.radians((start + end) / 2)
        segments.append(
            GaugeSegment(
                level=info.level,
                name=info.name,
                path=_arc(cx, cy, r, start - gap / 2, end + gap / 2),
                reached=info.level <= a.overall_level,
                current=info.level == a.overall_level,
                label_x=_num(cx + (r + 20) * math.cos(mid)),
                label_y=_num(cy - (r + 20) * math.sin(mid) + 4),
            )
        )
    current = next((i for i, lv in enumerate(levels) if lv.level == a.overall_level), 0)
    angle = math.radians(180.0 - (current + 0.5) * 180.0 / n)
    needle_x = _num(cx + (r - 18) * math.cos(angle))
    needle_y = _num(cy - (r - 18) * math.sin(angle))
    return segments, needle_x, needle_y


def render(a: Assessment, options: RenderOptions) -> str:
    qualities = v.qualities(a, options)
    segments, needle_x, needle_y = gauge(a)
    script, script_hash = _asset("report.js")
    css, style_hash = _asset("report.css")
    categories = v.inventory(a, options)
    counts: dict[str, int] = {}
    for r in a.results:
        key = "waived" if r.waived_by else r.outcome.value
        counts[key] = counts.get(key, 0) + 1
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            a=a,
            target=v.target_name(a),
            artifacts=ARTIFACTS,
            commit=v.short_commit(a),
            day=v.commit_day(a),
            max_level=max((lv.level for lv in a.levels), default=4),
            qualities=qualities,
            titles=v.quality_titles(a),
            outcome_label=v.OUTCOME_LABEL,
            cap_text=cap_text,
            artifact_applies=artifact_applies,
            no_artifact=NO_ARTIFACT,
            progress_text=progress_text,
            cell_reasons=cell_reason_lines(a),
            compensations=compensation_lines(a),
            segments=segments,
            needle_x=needle_x,
            needle_y=needle_y,
            rule_url=rule_url,
            used_categories=[cat for cat in categories if cat.tools],
            missing_categories=[cat for cat in categories if not cat.tools],
            counts=counts,
            script=script,
            script_hash=script_hash,
            css=css,
            style_hash=style_hash,
            profile_evidence=v.evidence_views(a.profile.evidence, a, options),
        )
    )
