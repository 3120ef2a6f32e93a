"""Markdown readiness report (GitHub-flavoured): fits a pull-request comment.

Structure: title (target, commit, date), maturity (overall and per artifact, caps, what the
next level needs), the quality × artifact grid, "Fix next", the MLOps stack, then one
section per quality with its checks and a collapsed `<details>` of evidence and fixes.

Every repository-controlled string is escaped (`text.md`, `text.md_code`): no raw HTML, no
link, no table break, no mention can come from the repository. Evidence links are relative
(`./path#L12`), or point at the file and line at the commit with `--repo-url`.

Size: GitHub rejects comments over 65,536 characters. When the report is longer than
`MAX_CHARS`, the longest `<details>` blocks are cut (at a line, with a note) until it fits;
if that is not enough, passing checks are listed on one line per quality instead of a table
row each. The grid, maturity and fixes are never cut.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

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
from mlaudit.report.escape import md_url
from mlaudit.report.text import md, md_code, md_prose
from mlaudit.results import ARTIFACTS, Assessment

MAX_CHARS = 60_000  # margin under GitHub's 65,536-character comment limit
MAX_EVIDENCE_PER_CHECK = 8  # for a check that needs attention
MAX_EVIDENCE_PER_PASS = 3  # a passing check needs less proof on screen
TRUNCATED_NOTE = (
    "- _… {n} more line(s) of evidence not shown to fit a pull-request comment; "
    "see `--format html` or `--format json` for all of it._"
)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=False,  # Markdown, not HTML: every repository string is escaped by |md / |code
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = lambda text, n=300: md(str(text) if text is not None else "", max_chars=n)
    env.filters["code"] = lambda text, n=300: md_code(
        str(text) if text is not None else "", max_chars=n
    )
    env.filters["prose"] = lambda text: md_prose(str(text) if text is not None else "")
    env.filters["url"] = lambda url: md_url(str(url))
    return env


def _fmt(score: float | None) -> str:
    return "?" if score is None else f"{score:.0f}"


def _evidence_line(e: v.EvidenceView) -> str:
    where = md_code(e.location, max_chars=200)
    parts = [f"[{where}]({md_url(e.url)})" if e.url else where]
    if e.note:
        parts.append(md(e.note, max_chars=200))
    if e.snippet:
        parts.append(md_code(e.snippet, max_chars=160))
    return "  - " + " — ".join(parts)


def _details(q: v.QualityView) -> list[str]:
    lines: list[str] = []
    for c in q.checks:
        r = c.result
        needs_fix = r.outcome.value in ("fail", "partial") and not r.waived_by and r.remediation
        if not c.evidence and not needs_fix:
            continue
        lines.append(f"- {c.symbol} **{r.check}** {md(r.name)} — {c.label}")
        limit = MAX_EVIDENCE_PER_PASS if r.outcome.value == "pass" else MAX_EVIDENCE_PER_CHECK
        for e in c.evidence[:limit]:
            lines.append(_evidence_line(e))
        if len(c.evidence) > limit:
            lines.append(f"  - _… and {len(c.evidence) - limit} more_")
        if needs_fix:
            lines.append(f"  - _How to fix:_ {md_prose(r.remediation)}")
    return lines


def _table_rows(q: v.QualityView, compact: bool) -> list[v.CheckView]:
    """Checks shown as table rows: not the not-applicable ones, nor (compact) the passes."""
    return [
        c
        for c in q.checks
        if c.result.outcome.value != "not_applicable"
        and not (compact and c.result.outcome.value == "pass" and not c.result.waived_by)
    ]


def _folded_rows(q: v.QualityView, compact: bool) -> list[tuple[str, list[v.CheckView]]]:
    """Checks listed on one line instead of a row each."""
    folded = []
    if compact:
        passes = [
            c for c in q.checks if c.result.outcome.value == "pass" and not c.result.waived_by
        ]
        if passes:
            folded.append(("✔ _Passing_", passes))
    na = [c for c in q.checks if c.result.outcome.value == "not_applicable"]
    if na:
        folded.append(("_Not applicable to this profile_", na))
    return folded


def _render(
    a: Assessment,
    qualities: list[v.QualityView],
    categories: list[v.CategoryView],
    details: dict[str, str],
    compact: bool = False,
) -> str:
    return (
        _environment()
        .get_template("markdown.md.j2")
        .render(
            a=a,
            target=v.target_name(a),
            artifacts=ARTIFACTS,
            max_level=max((lv.level for lv in a.levels), default=4),
            commit=v.short_commit(a),
            day=v.commit_day(a),
            qualities=qualities,
            details=details,
            titles=v.quality_titles(a),
            outcome_label=v.OUTCOME_LABEL,
            cap_text=cap_text,
            artifact_applies=artifact_applies,
            no_artifact=NO_ARTIFACT,
            progress_text=progress_text,
            cell_reasons=cell_reason_lines(a),
            compensations=compensation_lines(a),
            used_categories=[c for c in categories if c.tools],
            missing_categories=[c for c in categories if not c.tools],
            fmt=_fmt,
            table_rows=lambda q: _table_rows(q, compact),
            folded_rows=lambda q: _folded_rows(q, compact),
        )
    )


def _fit(blocks: dict[str, list[str]], excess: int) -> bool:
    """Cut the longest details block by at least `excess` characters (or by half); False
    when nothing is left to cut."""
    sizes = {key: sum(len(line) + 1 for line in lines) for key, lines in blocks.items()}
    key = max(sorted(sizes), key=lambda k: sizes[k], default=None)
    if key is None or sizes[key] < 400:
        return False
    lines = blocks[key]
    original = getattr(lines, "original", len(lines))
    target = max(0, min(sizes[key] - excess - 200, sizes[key] // 2))
    kept: list[str] = []
    used = 0
    for line in lines:
        if line.startswith("- _…"):
            break
        if used + len(line) + 1 > target:
            break
        kept.append(line)
        used += len(line) + 1
    cut = _Lines(kept)
    cut.original = original
    cut.append(TRUNCATED_NOTE.format(n=original - len(kept)))
    blocks[key] = cut
    return True


class _Lines(list[str]):
    original: int


def render(a: Assessment, options: RenderOptions) -> str:
    """The pull-request comment (report/comment.py), or with `--full` the full report."""
    if not options.full:
        from mlaudit.report import comment

        return comment.render(a, options)
    return render_full(a, options)


def render_full(a: Assessment, options: RenderOptions) -> str:
    qualities = v.qualities(a, options)
    categories = v.inventory(a, options)
    blocks = {q.info.id: _details(q) for q in qualities}
    compact = False  # last resort: passing checks on one line per quality instead of rows
    while True:
        details = {k: "\n".join(lines) for k, lines in blocks.items()}
        text = _render(a, qualities, categories, details, compact)
        if len(text) <= MAX_CHARS:
            return text
        if not _fit(blocks, len(text) - MAX_CHARS):
            if compact:
                return text
            compact = True
