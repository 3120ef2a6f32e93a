"""Helpers shared by the reports over many assessments (history, fleet): sparklines, safe
CSV cells, outcome direction, and the HTML environment with its inlined, hashed assets."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import jinja2

from mlaudit.report.text import clean

_TEMPLATES = Path(__file__).parent / "templates"
SPARK = "▁▂▃▄▅▆▇█"
# how good an outcome is, to tell an improvement from a regression (None: neither)
OUTCOME_RANK: dict[str, int] = {"fail": 0, "partial": 1, "pass": 2, "waived": 2}


def sparkline(values: Sequence[float | None], top: float = 100.0) -> str:
    """One character per value (0–top); a gap (·) where a value is unknown."""
    out = []
    for value in values:
        if value is None:
            out.append("·")
            continue
        step = round(max(0.0, min(value, top)) / top * (len(SPARK) - 1))
        out.append(SPARK[step])
    return "".join(out)


def direction(before: str | None, after: str | None) -> int:
    """+1 improved, -1 regressed, 0 changed without a direction (unknown, n/a, added)."""
    b, a = OUTCOME_RANK.get(before or ""), OUTCOME_RANK.get(after or "")
    if b is None or a is None or a == b:
        return 0
    return 1 if a > b else -1


def csv_cell(value: object) -> str:
    """A CSV cell: None empty, text cleaned, and formula-looking text made inert (a leading
    =, +, -, @ would run as a formula in a spreadsheet: prefixed with ')."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    text = clean(str(value), max_chars=5000)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def artifact_cell(values: Mapping[str, object], artifact: str, error: str | None = None) -> object:
    """An artifact's level or index in a CSV row: `n/a` where none of its items applies (None
    in the JSON), empty where the repository could not be scanned at all."""
    if error is not None:
        return None
    value = values.get(artifact)
    return "n/a" if value is None else value


def render_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "?"
    return f"{value:.{digits}f}"


@lru_cache(maxsize=8)
def asset(name: str) -> tuple[str, str]:
    """One of our own CSS/JS files, to inline, and its CSP hash."""
    text = (_TEMPLATES / name).read_text(encoding="utf-8").strip()
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return text, f"sha256-{digest}"


def environment() -> jinja2.Environment:
    """The HTML reports' jinja environment (autoescape, strict, `clean` and `fmt` filters)."""
    from mlaudit.report.html import _environment

    return _environment()


def styles() -> tuple[str, str]:
    """The base report CSS plus ours, and the CSP `style-src` that allows exactly them."""
    text = asset("report.css")[0] + "\n" + asset("overview.css")[0]
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return text, f"style-src 'sha256-{digest}'"
