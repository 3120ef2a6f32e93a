"""`mlaudit diff`: compare the assessment of a base commit with the head, check by check and
cell by cell, for pull-request gating.

A check improved or regressed when its outcome moved on pass > partial > fail (a probe
error ranks with fail: it is never a pass); waived results, `unknown` and `not applicable`
are not ranked — a move to or from them is `changed`. A cell improved or regressed when its
level (then its score) moved. Regressions that gate (`--fail-on-regression`): every regressed
check, a drop of the maturity index, and every drop of the overall or of an artifact's
maturity level. The report names the gate items whose credit moved the index.
"""

from __future__ import annotations

from typing import Literal

from mlaudit.maturity import artifact_level, level_text
from mlaudit.report.text import clean, md, md_code
from mlaudit.results import ARTIFACTS, Assessment, CheckResult, Frozen, GateItemState, Outcome

Status = Literal["improved", "regressed", "unchanged", "changed", "added", "removed"]
_RANK = {Outcome.PASS: 2, Outcome.PARTIAL: 1, Outcome.FAIL: 0, Outcome.ERROR: 0}
COMMENT_MARKER = "<!-- mlaudit-diff -->"


class CheckChange(Frozen):
    check: str
    name: str
    quality: str
    artifact: str
    status: Status
    base: str | None = None  # outcome, or "waived"
    head: str | None = None
    message: str = ""
    where: str = ""  # path:line of the first evidence (scan-root relative)
    path: str = ""  # a file of the head to annotate ("" = none)
    line: int | None = None


class CellChange(Frozen):
    quality: str
    artifact: str
    status: Status
    base_level: int | None = None
    head_level: int | None = None
    base_score: float | None = None
    head_score: float | None = None


class Side(Frozen):
    label: str
    commit: str | None = None
    level: int
    index: float = 0.0
    score: float | None = None
    artifact_levels: dict[str, int | None]  # None: none of the artifact's items applies
    artifact_index: dict[str, float] = {}


class IndexMove(Frozen):
    """A gate item whose credit changed, with its effect on the index (its weight share in
    its pillar at the head, times the change of credit; signed)."""

    check: str
    name: str
    level: int
    pillar: str
    base: float | None = None  # credit (None: n/a or unknown)
    head: float | None = None
    delta: float


class DiffReport(Frozen):
    schema_version: str = "2"
    base: Side
    head: Side
    checks: tuple[CheckChange, ...]
    cells: tuple[CellChange, ...]
    regressions: tuple[str, ...]
    index_moves: tuple[IndexMove, ...] = ()
    notes: tuple[str, ...] = ()
    subdir: str = ""  # the scanned folder inside the repository

    def count(self, status: str) -> int:
        return sum(1 for c in self.checks if c.status == status)

    def by_status(self, status: str) -> list[CheckChange]:
        return [c for c in self.checks if c.status == status]


def _state(r: CheckResult | None) -> str | None:
    if r is None:
        return None
    return "waived" if r.waived_by else r.outcome.value


def _rank(r: CheckResult) -> int | None:
    return None if r.waived_by else _RANK.get(r.outcome)


def _levels(a: Assessment) -> dict[str, int | None]:
    return {k: artifact_level(m) for k, m in a.artifact_maturity.items()}


def _compare(base: float | int | None, head: float | int | None) -> Status:
    if base is None and head is None:
        return "unchanged"
    if base is None or head is None:
        return "changed"
    if head > base:
        return "improved"
    if head < base:
        return "regressed"
    return "unchanged"


def compare(base: Assessment, head: Assessment, *, base_label: str, head_label: str) -> DiffReport:
    base_by = {r.check: r for r in base.results}
    head_by = {r.check: r for r in head.results}
    checks: list[CheckChange] = []
    for check in sorted(set(base_by) | set(head_by)):
        b, h = base_by.get(check), head_by.get(check)
        ref = h or b
        assert ref is not None
        if b is None:
            status: Status = "added"
        elif h is None:
            status = "removed"
        else:
            rb, rh = _rank(b), _rank(h)
            if rb is not None and rh is not None:
                status = _compare(rb, rh)
            else:
                status = "unchanged" if _state(b) == _state(h) else "changed"
        evidence = h.evidence if h is not None else ()
        first = evidence[0] if evidence else None
        where = first.location() if first else ""
        if not evidence and b is not None and status == "regressed" and b.evidence:
            # the head has no evidence: what the base had is gone (a deleted lockfile), so
            # say so rather than cite a file that no longer exists as the proof
            where = f"was {b.evidence[0].location()} in the base"
        # annotations may only point at a file that exists at the head
        at_head = next(
            (
                e
                for e in (h.evidence if h is not None else ())
                if not e.path.endswith("/") and e.path not in head.target.non_files
            ),
            None,
        )
        checks.append(
            CheckChange(
                check=check,
                name=ref.name,
                quality=ref.quality,
                artifact=ref.artifact,
                status=status,
                base=_state(b),
                head=_state(h),
                message=(h.message if h else "") or "",
                where=where,
                path=at_head.path if at_head else "",
                line=at_head.line if at_head else None,
            )
        )
    cells: list[CellChange] = []
    for quality in [q.id for q in head.qualities] or [q.id for q in base.qualities]:
        for artifact in ARTIFACTS:
            cb, ch = base.cell(quality, artifact), head.cell(quality, artifact)
            if cb is None and ch is None:
                continue
            bl = cb.level if cb else None
            hl = ch.level if ch else None
            bs = cb.score if cb else None
            hs = ch.score if ch else None
            status = _compare(bl, hl)
            if status == "unchanged":
                status = _compare(bs, hs)
            cells.append(
                CellChange(
                    quality=quality,
                    artifact=artifact,
                    status=status,
                    base_level=bl,
                    head_level=hl,
                    base_score=bs,
                    head_score=hs,
                )
            )
    regressions: list[str] = []
    if head.maturity_index < base.maturity_index:
        regressions.append(
            f"maturity index dropped {base.maturity_index:.1f} → {head.maturity_index:.1f}"
        )
    if head.overall_level < base.overall_level:
        regressions.append(f"maturity level dropped {base.overall_level} → {head.overall_level}")
    for artifact in ARTIFACTS:
        lb = artifact_level(base.artifact_maturity.get(artifact))
        lh = artifact_level(head.artifact_maturity.get(artifact))
        if lb is not None and lh is not None and lh < lb:
            regressions.append(f"{artifact} level dropped {lb} → {lh}")
    for c in checks:
        if c.status == "regressed":
            at = f" @ {c.where}" if c.where else ""
            regressions.append(
                f"{c.check} {c.name} [{c.artifact}] regressed {c.base} → {c.head}: {c.message}{at}"
            )
    return DiffReport(
        base=Side(
            label=base_label,
            commit=base.target.commit,
            level=base.overall_level,
            index=base.maturity_index,
            score=base.overall_score,
            artifact_levels=_levels(base),
            artifact_index={a: m.index for a, m in base.artifact_maturity.items()},
        ),
        head=Side(
            label=head_label,
            commit=head.target.commit,
            level=head.overall_level,
            index=head.maturity_index,
            score=head.overall_score,
            artifact_levels=_levels(head),
            artifact_index={a: m.index for a, m in head.artifact_maturity.items()},
        ),
        checks=tuple(checks),
        cells=tuple(cells),
        regressions=tuple(regressions),
        index_moves=index_moves(base, head),
        subdir=head.target.subdir,
    )


def index_moves(base: Assessment, head: Assessment) -> tuple[IndexMove, ...]:
    """The gate items whose credit changed between base and head, largest effect first."""

    def items(a: Assessment) -> dict[tuple[int, str, str], GateItemState]:
        return {
            (i.level, i.pillar, ",".join(sorted(i.checks))): i
            for la in a.maturity.attainment
            for i in la.items
        }

    b_items, h_items = items(base), items(head)
    totals: dict[tuple[int, str], float] = {}
    for (level, pillar, _), i in h_items.items():
        if i.credit is not None:
            totals[(level, pillar)] = totals.get((level, pillar), 0.0) + i.weight
    moves = []
    for key in sorted(set(b_items) | set(h_items)):
        b, h = b_items.get(key), h_items.get(key)
        bc = b.credit if b else None
        hc = h.credit if h else None
        if bc == hc:
            continue
        ref = h or b
        assert ref is not None
        total = totals.get((key[0], key[1])) or sum(
            i.weight for k, i in b_items.items() if k[:2] == key[:2] and i.credit is not None
        )
        delta = ref.weight * ((hc or 0.0) - (bc or 0.0)) / total if total else 0.0
        moves.append(
            IndexMove(
                check=ref.check,
                name=ref.name,
                level=ref.level,
                pillar=ref.pillar,
                base=bc,
                head=hc,
                delta=round(delta, 3),
            )
        )
    return tuple(sorted(moves, key=lambda m: (-abs(m.delta), m.level, m.check)))


def _credit(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _moves_text(d: DiffReport, limit: int = 8) -> str:
    return ", ".join(
        f"{m.name} ({m.check}) {_credit(m.base)} → {_credit(m.head)} {m.delta:+.2f}"
        for m in d.index_moves[:limit]
    )


# --- renderers ----------------------------------------------------------------------------
def _score(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def headline(d: DiffReport) -> str:
    """ "maturity 2 → 2, 3 checks improved, 1 regressed: REP008 deps-locked (pass → fail)"."""
    improved, regressed = d.by_status("improved"), d.by_status("regressed")
    text = (
        f"maturity {d.base.level} → {d.head.level} (index {d.base.index:.1f} → "
        f"{d.head.index:.1f}), "
        f"{len(improved)} check{'s' if len(improved) != 1 else ''} improved, "
        f"{len(regressed)} regressed"
    )
    if regressed:
        text += ": " + ", ".join(
            f"{c.check} {c.name} ({c.base} → {c.head})" for c in regressed[:10]
        )
        if len(regressed) > 10:
            text += f", … {len(regressed) - 10} more"
    return text


def render_text(d: DiffReport) -> str:
    lines = [
        f"mlaudit diff {clean(d.base.label)} ({(d.base.commit or '')[:12]}) → "
        f"{clean(d.head.label)} ({(d.head.commit or 'work tree')[:12]})",
        clean(headline(d), max_chars=2000),
        f"score {_score(d.base.score)} → {_score(d.head.score)}; "
        + ", ".join(
            f"{a} {level_text(d.base.artifact_levels.get(a))} → "
            f"{level_text(d.head.artifact_levels.get(a))}"
            for a in ARTIFACTS
        ),
    ]
    if d.index_moves:
        lines.append(clean("index moved by: " + _moves_text(d), max_chars=2000))
    for status in ("regressed", "improved", "changed", "added", "removed"):
        items = d.by_status(status)
        if not items:
            continue
        lines.append(f"{status}:")
        for c in items:
            at = f" @ {clean(c.where)}" if c.where else ""
            lines.append(
                f"  {c.check} {c.name} [{c.artifact}] {c.base or '—'} → {c.head or '—'}"
                f"{': ' + clean(c.message) if c.message and status != 'improved' else ''}{at}"
            )
    moved = [c for c in d.cells if c.status in ("improved", "regressed", "changed")]
    if moved:
        lines.append("cells:")
        for cell in moved:
            lines.append(
                f"  {cell.quality}/{cell.artifact} {cell.status}: L{cell.base_level} → "
                f"L{cell.head_level}, score {_score(cell.base_score)} → {_score(cell.head_score)}"
            )
    lines += [f"note: {clean(n)}" for n in d.notes]
    return "\n".join(lines) + "\n"


_ICON = {"regressed": "🔴", "improved": "🟢", "changed": "🟡", "added": "➕", "removed": "➖"}


def render_markdown(d: DiffReport) -> str:
    """A pull-request comment; the marker lets a workflow update its previous comment."""
    regressed = d.by_status("regressed")
    title = "❌" if regressed or d.head.level < d.base.level else "✅"
    lines = [
        COMMENT_MARKER,
        f"### {title} mlaudit: {md(headline(d), max_chars=1500)}",
        "",
        f"Score {_score(d.base.score)} → {_score(d.head.score)} · "
        + " · ".join(
            f"{a} {level_text(d.base.artifact_levels.get(a))} → "
            f"{level_text(d.head.artifact_levels.get(a))}"
            for a in ARTIFACTS
        )
        + f" · base {md_code((d.base.commit or d.base.label)[:12])}"
        + f", head {md_code((d.head.commit or d.head.label)[:12])}",
        "",
    ]
    if d.index_moves:
        lines += [f"Index moved by: {md(_moves_text(d), max_chars=1500)}", ""]
    moved = [c for c in d.checks if c.status not in ("unchanged",)]
    if moved:
        lines += ["| | check | artifact | base | head | detail |", "|---|---|---|---|---|---|"]
        order = ("regressed", "changed", "improved", "added", "removed")
        for c in sorted(moved, key=lambda c: (order.index(c.status), c.check)):
            detail = md(c.message, max_chars=160) if c.status != "improved" else ""
            if c.where and c.status == "regressed":
                detail += f" ({md(c.where, max_chars=120)})"
            lines.append(
                f"| {_ICON[c.status]} {c.status} | `{c.check}` {md(c.name)} | {c.artifact} | "
                f"{c.base or '—'} | {c.head or '—'} | {detail} |"
            )
        lines.append("")
    else:
        lines += ["No check changed outcome.", ""]
    cells = [c for c in d.cells if c.status in ("improved", "regressed", "changed")]
    if cells:
        lines += [
            "<details><summary>Cells that moved</summary>",
            "",
            "| quality | artifact | level | score |",
            "|---|---|---|---|",
        ]
        for cell in cells:
            lines.append(
                f"| {md(cell.quality)} | {cell.artifact} | L{cell.base_level} → L{cell.head_level} "
                f"| {_score(cell.base_score)} → {_score(cell.head_score)} |"
            )
        lines += ["", "</details>", ""]
    for note in d.notes:
        lines.append(f"> {md(note, max_chars=400)}")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(d: DiffReport) -> str:
    from mlaudit.report.escape import json_dumps

    return json_dumps(d.model_dump(mode="json")) + "\n"


def render_github(d: DiffReport, gate_lines: list[str]) -> str:
    """Annotations for regressions (file/line from the head's evidence) plus the text form."""
    from mlaudit.report.escape import gh_log
    from mlaudit.report.github import command

    out = []
    for c in d.by_status("regressed")[:10]:
        props: dict[str, object] = {"title": f"mlaudit regression {c.check} {c.name}"}
        if c.path:
            sub = d.subdir.strip("/")
            props = {"file": f"{sub}/{c.path}" if sub else c.path, "line": c.line, **props}
        out.append(command("error", f"{c.base} → {c.head}: {clean(c.message)}", **props))
    for r in d.regressions:
        if r.startswith(("maturity", *ARTIFACTS)):
            out.append(command("error", r, title="mlaudit regression"))
    out += [gh_log(line) for line in render_text(d).rstrip("\n").split("\n")]
    out += [gh_log(line) for line in gate_lines]
    return "\n".join(out) + "\n"


DIFF_FORMATS = ("terminal", "markdown", "json", "github")
