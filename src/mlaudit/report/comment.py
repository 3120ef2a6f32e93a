"""The pull-request comment: `--format markdown` by default, at most 10,000 characters.

What a reviewer reads first, in order: the verdict (level, score, per artifact, what the next
level needs, the gate), the quality × artifact grid with its legend, the top fixes, the checks
that need attention; then, collapsed in `<details>`, every other check and the MLOps stack.
A hidden marker (`<!-- mlaudit-scan -->`) lets a workflow find and update one sticky comment.

The budget is kept by dropping the collapsed parts first, then shortening the attention list,
never the verdict, the grid or the fixes; a note then says how to get the rest (`--full`,
which renders today's full report, or the HTML report). Every repository string is escaped
with `text.md` (prose, table cells) or `text.md_code` (code spans, never prose-escaped).
"""

from __future__ import annotations

from mlaudit.maturity import (
    NO_ARTIFACT,
    artifact_applies,
    cap_text,
    compensation_lines,
    fmt_index,
    progress_text,
)
from mlaudit.report import RenderOptions
from mlaudit.report import view as v
from mlaudit.report.escape import md_code, md_prose
from mlaudit.report.escape import md_text as md
from mlaudit.report.links import DOCS, rule_url
from mlaudit.report.locate import blocking, importance
from mlaudit.report.text import OUTCOME_SYMBOL
from mlaudit.results import ARTIFACTS, Assessment, CheckResult

COMMENT_MARKER = "<!-- mlaudit-scan -->"
MAX_CHARS = 10_000
MESSAGE_CHARS = 110
TOP_ATTENTION = 20  # most important first (gate-blocking, fail, severity, level)
LEGEND = (
    "Cells: score 0–100 · level L0–L4. `n/a` not applicable to the profile or the repository · `?` unknown "
    "(no check could be decided; not a zero) · `—` no check for this artifact. "
    "Checks: ✔ pass · ◐ partial (declared, not automated) · ✘ fail · ? unknown · – not applicable."
)
ATTENTION = ("error", "fail", "partial")


def _score(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}"


def verdict_lines(a: Assessment, options: RenderOptions) -> list[str]:
    max_level = max((lv.level for lv in a.levels), default=4)
    lines = [
        f"**Maturity level {a.overall_level} of {max_level} — {md(a.level_name(a.overall_level))}**"
        f" · index **{fmt_index(a.maturity_index)}** of {max_level} · score "
        f"**{_score(a.overall_score)}**/100",
        "",
        "| Artifact | Level | Index | Score |",
        "|---|---|---:|---:|",
    ]
    for art in ARTIFACTS:
        level = a.artifact_levels.get(art, 0)
        m = a.artifact_maturity.get(art)
        shown = (
            f"L{level} — {md(a.level_name(level))} | {fmt_index(m.index if m else None)}"
            if m is None or artifact_applies(m)
            else f"{md(NO_ARTIFACT)} | n/a"
        )
        lines.append(f"| {art.capitalize()} | {shown} | {_score(a.artifact_scores.get(art))} |")
    lines.append("")
    for cap in a.caps:
        lines.append(f"- :warning: {md(cap_text(cap), max_chars=400)}")
    lines += [f"- {md(note, max_chars=400)}" for note in compensation_lines(a)]
    nl = a.maturity.next_level
    if nl is not None:
        lines.append(f"- {md(progress_text(a.maturity, a.level_name(nl.level)), max_chars=900)}")
    verdict = options.verdict
    if verdict is not None and (verdict.gates or verdict.notes):
        gates = ", ".join(md(g) for g in verdict.gates) or "no gate configured"
        state = ":white_check_mark: passed" if verdict.passed else ":x: failed"
        lines.append(f"- **Gate {state}** ({gates})")
        lines += [f"  - {md(reason, max_chars=300)}" for reason in verdict.reasons[:10]]
        if len(verdict.reasons) > 10:
            lines.append(f"  - … and {len(verdict.reasons) - 10} more")
    return [*lines, ""] if lines[-1] != "" else lines


def grid_lines(qualities: list[v.QualityView], anchors: bool) -> list[str]:
    lines = ["| Quality | Data | Model | Code |", "|---|:---:|:---:|:---:|"]
    for q in qualities:
        title = md(q.info.title)
        lines.append(f"| {title} | {' | '.join(c.text for c in q.cells)} |")
    return [*lines, "", LEGEND, ""]


def fix_lines(a: Assessment, titles: dict[str, str]) -> list[str]:
    lines = []
    for index, fix in enumerate(a.fixes, start=1):
        lines.append(
            f"{index}. **[{fix.check}]({rule_url(fix.check)}) {md(fix.name)}** — {md(fix.title)} "
            f"({fix.artifact}, level {fix.level}, {md(titles.get(fix.quality, fix.quality))})  "
        )
        if fix.remediation:
            lines.append(f"   {md_prose(fix.remediation, max_chars=400)}")
    return [*lines, ""] if lines else []


def check_line(r: CheckResult, *, message: bool = True) -> str:
    symbol = "≈" if r.waived_by else OUTCOME_SYMBOL[r.outcome.value]
    text = f"- {symbol} **{r.check}** {md(r.title)} ({r.artifact})"
    if message and r.message:
        text += f": {md(r.message, max_chars=MESSAGE_CHARS)}"
    if r.waived_by:
        text += f" — waived: {md(r.waived_by, max_chars=120)}"
    first = r.evidence[0] if r.evidence else None
    if message and first is not None and first.path not in v.NOT_A_FILE:
        text += f" {md_code(first.location(), max_chars=120)}"
    return text


def _details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


def _stack(a: Assessment) -> list[str]:
    lines = []
    for cat in a.inventory.categories:
        if not cat.tools:
            continue
        tools = ", ".join(
            md(t.name, max_chars=60) + ("" if t.status == "used" else " _(declared only)_")
            for t in cat.tools
        )
        lines.append(f"- {md(cat.title)}: {tools}")
    return lines


def render(a: Assessment, options: RenderOptions) -> str:
    qualities = v.qualities(a, options)
    titles = v.quality_titles(a)
    commit = v.short_commit(a)
    head = [
        COMMENT_MARKER,
        f"## mlaudit: {md_code(v.target_name(a), max_chars=80)}",
        "",
        (f"Commit {md_code(commit)}" if commit else "Working folder (no commit)")
        + f" · profile **{md(a.profile.name)}**"
        + (", a published library" if a.profile.library else "")
        + f" · rubric {md_code(a.rubric.id)} "
        f"{md(a.rubric.version)} · mlaudit {md(a.tool_version)}",
        "",
    ]
    for note in a.target.notes[:5]:
        head += [f"> **Note:** {md(note, max_chars=300)}", ""]
    head += verdict_lines(a, options)
    head += ["### Quality × artifact", "", *grid_lines(qualities, anchors=False)]
    if a.fixes:
        head += ["### Fix next", "", *fix_lines(a, titles)]

    by_quality = [(q, [c.result for c in q.checks]) for q in qualities]
    marks = blocking(options)
    attention = sorted(
        (r for _, results in by_quality for r in results if r.outcome.value in ATTENTION),
        key=lambda r: importance(r, marks),
    )
    unknown = [r for _, results in by_quality for r in results if r.outcome.value == "unknown"]
    passed = [r for _, results in by_quality for r in results if r.outcome.value == "pass"]
    na = [r for _, results in by_quality for r in results if r.outcome.value == "not_applicable"]
    footer = [
        "---",
        "_Static analysis of the repository alone: nothing was run. `mlaudit explain ID` tells "
        "how a check is detected ([rubric reference](" + DOCS + "/rubric.md)); "
        "`--format markdown --full` or `--format html` shows every check with its evidence._",
    ]

    blocks: list[list[str]] = []
    if unknown:
        blocks.append(
            _details(
                f"Unknown — cannot be decided statically ({len(unknown)})",
                [check_line(r) for r in unknown],
            )
        )
    if passed:
        blocks.append(
            _details(f"Passing ({len(passed)})", [check_line(r, message=False) for r in passed])
        )
    if na:
        # to the profile, or to this repository (no model, no data): one line per quality
        na_by_quality: dict[str, list[str]] = {}
        for r in na:
            na_by_quality.setdefault(r.check[:3], []).append(f"{r.check} {md(r.name)}")
        blocks.append(
            _details(
                f"Not applicable to the {md(a.profile.name)} profile or to this repository "
                f"({len(na)})",
                ["- " + ", ".join(names) for names in na_by_quality.values()],
            )
        )
    stack = _stack(a)
    if stack:
        blocks.append(_details("MLOps stack", stack))

    def core(shown: int) -> list[str]:
        body = list(head)
        if attention:
            body += [f"### Needs attention ({len(attention)})", ""]
            body += [check_line(r) for r in attention[:shown]]
            if shown < len(attention):
                body.append(f"- … and {len(attention) - shown} more, listed below")
            body.append("")
        return body

    def size(lines: list[str]) -> int:
        return sum(len(line) + 1 for line in lines)

    shown = min(len(attention), TOP_ATTENTION)
    budget = MAX_CHARS - size(footer) - 1
    while size(core(shown)) > budget and shown > 0:
        shown = max(0, shown - max(1, (size(core(shown)) - budget) // 150 + 1))
    body = core(shown)
    rest = [check_line(r, message=False) for r in attention[shown:]]
    if rest:
        summary = f"The other {len(rest)} checks that need attention"
        room = budget - size(body) - size(_details(summary, [])) - 80
        while rest and size(rest) > room:
            rest = rest[: max(0, len(rest) - 1 - (size(rest) - room) // 80)]
        cut = len(attention) - shown - len(rest)
        if cut:
            rest.append(f"- … and {cut} more: `--format markdown --full` or `--format html`")
        body += _details(summary, rest)
    for block in blocks:  # collapsed parts, most useful first, each only if it fits whole
        if size(body) + size(block) <= budget:
            body += block
    return "\n".join(body + footer) + "\n"
