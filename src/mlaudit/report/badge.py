"""`--format badge`: a README badge of the maturity level and index, as an SVG (shields.io's
flat style, drawn here: no request to any service) and, next to an SVG written to a file,
a shields.io endpoint JSON (`FILE.json`) for `https://img.shields.io/endpoint?url=…`.

The colour follows the level: 0 red, 1 orange, 2 yellow, 3 yellow-green, 4 green. Text
widths use Verdana 11px advance widths (approximated per character class), as shields does.
"""

from __future__ import annotations

import json
from typing import Any

from mlaudit.report import RenderOptions
from mlaudit.report.escape import xml
from mlaudit.results import Assessment

LABEL = "mlaudit"
COLORS = ("#e05d44", "#fe7d37", "#dfb317", "#a4a61d", "#4c1")
NAMED = ("red", "orange", "yellow", "yellowgreen", "brightgreen")


def _index(a: Assessment) -> float | None:
    value = getattr(a, "maturity_index", None)
    return float(value) if isinstance(value, (int, float)) else None


def message(a: Assessment) -> str:
    index = _index(a)
    if index is not None:
        return f"level {a.overall_level} · index {index:.1f}"
    score = f" · score {a.overall_score:.0f}" if a.overall_score is not None else ""
    return f"level {a.overall_level}{score}"


def _width(text: str) -> int:
    """Verdana 11px: narrow (il.,:·), wide (mwMW), digits and others ~7px."""
    total = 0.0
    for ch in text:
        if ch in "il.,:;'|!·":
            total += 3.6
        elif ch in "mwMW":
            total += 10.0
        elif ch == " ":
            total += 3.9
        elif ch.isupper():
            total += 7.6
        else:
            total += 6.6
    return int(total + 10.5)


def svg(a: Assessment) -> str:
    level = max(0, min(a.overall_level, len(COLORS) - 1))
    text = message(a)
    left, right = _width(LABEL), _width(text)
    total = left + right
    title = f"{LABEL}: MLOps maturity {text}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{xml(title)}">'
        f"<title>{xml(title)}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{COLORS[level]}"/>'
        f'<rect width="{total}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{LABEL}</text>'
        f'<text x="{left / 2:.1f}" y="14">{LABEL}</text>'
        f'<text x="{left + right / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">'
        f"{xml(text)}</text>"
        f'<text x="{left + right / 2:.1f}" y="14">{xml(text)}</text></g></svg>\n'
    )


def endpoint(a: Assessment) -> dict[str, Any]:
    """shields.io endpoint schema: https://shields.io/badges/endpoint-badge"""
    level = max(0, min(a.overall_level, len(NAMED) - 1))
    return {"schemaVersion": 1, "label": LABEL, "message": message(a), "color": NAMED[level]}


def endpoint_json(a: Assessment) -> str:
    return json.dumps(endpoint(a), sort_keys=True, ensure_ascii=False) + "\n"


def render(a: Assessment, options: RenderOptions) -> str:
    return svg(a)
