"""Terminal report (rich): header, the verdict (index, level, per artifact, next-level
progress), the quality × artifact grid with its legend, top fixes; -v adds every check with its
evidence, in grid order (not-applicable checks only with --show-na). Readable at 80 columns; all repository text is escaped."""

from __future__ import annotations

import io
import textwrap

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlaudit.maturity import (
    NO_ARTIFACT,
    artifact_applies,
    cap_text,
    cell_reason_lines,
    compensation_lines,
    fmt_index,
    progress_text,
)
from mlaudit.report import RenderOptions
from mlaudit.report.text import OUTCOME_SYMBOL, clean
from mlaudit.results import ARTIFACTS, Assessment, Cell

_STYLE = {
    "pass": "green",
    "partial": "yellow",
    "fail": "red",
    "not_applicable": "dim",
    "unknown": "magenta",
    "error": "bold red",
}


LEGEND = (
    "Each cell: score 0–100 and level L0–L4 of that quality for that artifact; "
    "n/a = not applicable to this profile; ? = not decidable statically; blank = the quality "
    "has no check for that artifact; * = see the note below."
)


def _cell_text(cell: Cell | None) -> Text:
    if cell is None:
        return Text("", style="dim")
    if not cell.applicable:
        return Text("n/a", style="dim")
    if cell.score is None:
        return Text("?", style="magenta")
    style = "green" if cell.score >= 75 else "yellow" if cell.score >= 40 else "red"
    mark = "*" if cell.reason is not None else ""
    return Text(f"{cell.score:>3.0f} L{cell.level}{mark}", style=style)


def _wrapped(console: Console, text: str, indent: str) -> None:
    for part in textwrap.wrap(
        clean(text, max_chars=2000),
        width=console.width - len(indent),
        subsequent_indent="  ",
        break_on_hyphens=False,
    ):
        console.print(Text(indent + part, style="dim"))


def verdict_line(a: Assessment, options: RenderOptions) -> str:
    """`-q`: one line — level, score, gate."""
    score = f", score {a.overall_score:.0f}/100" if a.overall_score is not None else ""
    gate = ""
    if options.verdict is not None and options.verdict.gates:
        gate = " — gate passed" if options.verdict.passed else " — gate failed"
    name = clean(a.target.subdir.strip("/") or a.target.root_name, max_chars=80)
    return (
        f"{name}: maturity level {a.overall_level} ({clean(a.level_name(a.overall_level))}), "
        f"index {a.maturity_index:.1f}{score}{gate}\n"
    )


def render(a: Assessment, options: RenderOptions) -> str:
    if options.quiet:
        return verdict_line(a, options)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=max(60, options.width),
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
    t = a.target
    where = clean(t.path)
    commit = f"{t.commit[:12]}" if t.commit else "no commit"
    header = Text()
    header.append("mlaudit ", style="bold")
    header.append(f"{where}  ")
    header.append(f"({commit}{', ' + clean(t.branch) if t.branch else ''})", style="dim")
    console.print(header)
    console.print(
        Text(
            f"profile: {a.profile.name}{', a published library' if a.profile.library else ''}"
            + (" (set by --profile)" if a.profile.overridden else " (detected)")
            + f" · rubric {a.rubric.id} {a.rubric.version} · {t.files} files"
            + (f" · scanned {a.generated_at}" if a.generated_at else ""),
            style="dim",
        )
    )
    for note in t.notes:
        console.print(Text(f"note: {clean(note)}", style="yellow"))
    console.print()

    level = Text()
    level.append("Maturity: ", style="bold")
    level.append(
        f"index {fmt_index(a.maturity_index)} of 4 → level {a.overall_level} — "
        f"{clean(a.level_name(a.overall_level))}",
        style="bold cyan",
    )
    if a.overall_score is not None:
        level.append(f"  (score {a.overall_score:.0f}/100)")
    console.print(level)
    for cap in a.caps:
        console.print(Text(f"  {clean(cap_text(cap))}", style="red"))
    for note in compensation_lines(a):
        _wrapped(console, note, "  ")
    _wrapped(console, progress_text(a.maturity, a.level_name(a.overall_level + 1)), "  ")
    for art in ARTIFACTS:
        m = a.artifact_maturity[art]
        score = a.artifact_scores.get(art)
        verdict = f"index {fmt_index(m.index)} → L{m.level}" if artifact_applies(m) else NO_ARTIFACT
        head = f"{art.capitalize()}: {verdict}" + (
            f" (score {score:.0f})" if score is not None else ""
        )
        console.print("  " + head)
        for cap in m.caps:
            console.print(Text(f"    {clean(cap_text(cap))}", style="red"))
        if m.next_level is not None and m.next_level.missing:
            _wrapped(console, progress_text(m), "    ")
    console.print()

    grid = Table(title="Quality × artifact (score 0–100, level L0–L4)", title_justify="left")
    grid.add_column("quality", no_wrap=True)
    for artifact in ARTIFACTS:
        grid.add_column(artifact, justify="right", no_wrap=True)
    for q in a.qualities:
        grid.add_row(
            Text(clean(q.title, max_chars=60)),
            *(_cell_text(a.cell(q.id, art)) for art in ARTIFACTS),
        )
    console.print(grid)
    _wrapped(console, LEGEND, "")
    reasons = cell_reason_lines(a)
    if reasons:
        _wrapped(console, "* " + "; ".join(clean(r) for r in reasons[:6]), "  ")
    console.print()

    if a.fixes:
        console.print(Text("Fix next", style="bold"))
        for index, fix in enumerate(a.fixes, start=1):
            line = Text(f" {index}. ")
            line.append(f"{fix.check} {clean(fix.name)}", style="bold")
            line.append(f" [{fix.artifact}, L{fix.level}")
            if fix.binding_cap:
                line.append(", binding cap", style="red")
            elif fix.gain > 0:
                line.append(f", index +{fix.gain:.2f}")
            line.append("] ")
            line.append(clean(fix.title))
            console.print(line)
            if fix.remediation:
                # wrapped lines keep the indent; no trailing padding
                for part in textwrap.wrap(
                    clean(fix.remediation, max_chars=400),
                    width=console.width - 4,
                    break_on_hyphens=False,
                ):
                    console.print(Text("    " + part, style="dim"))
        console.print()

    used = [c for c in a.inventory.categories if c.tools]
    if used:
        console.print(Text("MLOps stack", style="bold"))
        for category in used:
            line = Text(f" {clean(category.title)}: ", style="dim")
            for index, tool in enumerate(category.tools):
                if index:
                    line.append(", ")
                line.append(clean(tool.name, max_chars=60))
                if tool.status != "used":
                    line.append(" (declared only)", style="dim")
                elif options.verbose and tool.evidence:
                    line.append(f" [{clean(tool.evidence[0].location(), max_chars=80)}]", "dim")
            console.print(line)
        console.print()

    if options.verbose:
        by_quality = {q.id: q.title for q in a.qualities}
        grid_order = {q.id: i for i, q in enumerate(a.qualities)}
        shown = [r for r in a.results if options.show_na or r.outcome.value != "not_applicable"]
        shown.sort(key=lambda r: (grid_order.get(r.quality, len(grid_order)), r.check))
        hidden = len(a.results) - len(shown)
        current = None
        for r in shown:
            if r.quality != current:
                current = r.quality
                title = clean(by_quality.get(r.quality, r.quality))
                console.print(Text(title, style="bold underline"))
            row = Text(f" {OUTCOME_SYMBOL[r.outcome.value]} ", style=_STYLE[r.outcome.value])
            row.append(f"{r.check} ", style="bold")
            row.append(f"{clean(r.name)} [{clean(r.artifact)}] ")
            row.append(clean(r.message or r.outcome.value), style="dim")
            console.print(row)
            for e in r.evidence:
                loc = clean(e.location())
                extra = " — " + clean(e.note) if e.note else ""
                extra += " — " + clean(e.snippet, max_chars=100) if e.snippet else ""
                console.print(Text(f"     {loc}{extra}", style="dim"))
        if hidden:
            console.print(
                Text(f"{hidden} not-applicable checks hidden (--show-na lists them).", style="dim")
            )
    else:
        counts: dict[str, int] = {}
        for r in a.results:
            counts[r.outcome.value] = counts.get(r.outcome.value, 0) + 1
        summary = ", ".join(f"{counts[k]} {k}" for k in _STYLE if k in counts)
        console.print(
            Text(
                f"{len(a.results)} checks: {summary}. Use -v for every check and its evidence.",
                style="dim",
            )
        )
    return buffer.getvalue()
