"""A presentation model of the Assessment shared by the Markdown and HTML renderers.

It only reorders and labels what the Assessment holds (sorted, deterministic); it never
reads the repository or the rubric. Escaping is left to each format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlaudit.report import RenderOptions
from mlaudit.report.text import OUTCOME_SYMBOL, evidence_url
from mlaudit.results import ARTIFACTS, Assessment, Cell, CheckResult, Evidence, QualityInfo

OUTCOME_LABEL = {
    "pass": "pass",
    "partial": "partial",
    "fail": "fail",
    "not_applicable": "n/a",
    "unknown": "unknown",
    "error": "error",
}
# Evidence "paths" that name no file to link to (git history facts).
NOT_A_FILE = frozenset({".git", ""})
# Display order of outcomes inside a quality: what needs attention first.
OUTCOME_ORDER = {"error": 0, "fail": 1, "partial": 2, "unknown": 3, "pass": 4, "not_applicable": 5}


@dataclass(frozen=True)
class EvidenceView:
    path: str
    line: int | None
    location: str
    url: str
    snippet: str | None
    note: str | None


@dataclass(frozen=True)
class CellView:
    artifact: str
    state: str  # scored | na | unknown | none
    score: float | None
    level: int | None
    text: str  # "75 · L2", "n/a", "?", "—"
    bucket: str  # high | mid | low | na | unknown | none

    @property
    def label(self) -> str:
        """A complete sentence for screen readers and tooltips."""
        if self.state == "scored":
            return f"{self.artifact}: score {self.score:.0f} of 100, level {self.level}"
        if self.state == "na":
            return f"{self.artifact}: not applicable to this profile"
        if self.state == "unknown":
            return f"{self.artifact}: unknown — no check could be decided"
        return f"{self.artifact}: no checks for this artifact"


@dataclass(frozen=True)
class CheckView:
    result: CheckResult
    symbol: str
    label: str  # outcome label, or "waived"
    evidence: tuple[EvidenceView, ...]


@dataclass
class QualityView:
    info: QualityInfo
    anchor: str
    cells: list[CellView]
    checks: list[CheckView] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    score: float | None = None  # mean of its decided, applicable cells (radar value)
    applicable: bool = False  # at least one applicable cell: the quality gets a radar axis


def bucket(score: float | None) -> str:
    if score is None:
        return "unknown"
    return "high" if score >= 75 else "mid" if score >= 40 else "low"


def cell_view(cell: Cell | None, artifact: str) -> CellView:
    if cell is None:
        return CellView(artifact, "none", None, None, "—", "none")
    if not cell.applicable:
        return CellView(artifact, "na", None, None, "n/a", "na")
    if cell.score is None:
        return CellView(artifact, "unknown", None, cell.level, "?", "unknown")
    return CellView(
        artifact,
        "scored",
        cell.score,
        cell.level,
        f"{cell.score:.0f} · L{cell.level}",
        bucket(cell.score),
    )


def anchor(quality: QualityInfo) -> str:
    """The id GitHub gives the heading `Title (PREFIX)`: lower case, punctuation dropped."""
    text = f"{quality.title} ({quality.prefix})".lower()
    out = "".join(c for c in text if c.isalnum() or c in " -_")
    return out.replace(" ", "-")


def evidence_views(
    evidence: tuple[Evidence, ...], a: Assessment, options: RenderOptions
) -> tuple[EvidenceView, ...]:
    return tuple(
        EvidenceView(
            path=e.path,
            line=e.line,
            location=e.location(),
            url=""
            if e.path in NOT_A_FILE
            else evidence_url(
                e.path,
                e.line,
                repo_url=options.repo_url,
                commit=a.target.commit,
                subdir=a.target.subdir,
            ),
            snippet=e.snippet,
            note=e.note,
        )
        for e in evidence
    )


def check_view(r: CheckResult, a: Assessment, options: RenderOptions) -> CheckView:
    label = "waived" if r.waived_by else OUTCOME_LABEL[r.outcome.value]
    symbol = "≈" if r.waived_by else OUTCOME_SYMBOL[r.outcome.value]
    return CheckView(r, symbol, label, evidence_views(r.evidence, a, options))


def qualities(a: Assessment, options: RenderOptions) -> list[QualityView]:
    views = []
    for q in a.qualities:
        cells = [a.cell(q.id, art) for art in ARTIFACTS]
        members = sorted(
            (r for r in a.results if r.quality == q.id),
            key=lambda r: (OUTCOME_ORDER[r.outcome.value], r.check),
        )
        counts: dict[str, int] = {}
        for r in members:
            counts[r.outcome.value] = counts.get(r.outcome.value, 0) + 1
        scores = [c.score for c in cells if c is not None and c.applicable and c.score is not None]
        views.append(
            QualityView(
                info=q,
                anchor=anchor(q),
                cells=[cell_view(c, art) for c, art in zip(cells, ARTIFACTS, strict=True)],
                checks=[check_view(r, a, options) for r in members],
                counts=counts,
                score=round(sum(scores) / len(scores), 1) if scores else None,
                applicable=any(c is not None and c.applicable for c in cells),
            )
        )
    return views


def quality_titles(a: Assessment) -> dict[str, str]:
    return {q.id: q.title for q in a.qualities}


def short_commit(a: Assessment) -> str:
    return a.target.commit[:12] if a.target.commit else ""


def commit_day(a: Assessment) -> str:
    return (a.target.commit_date or "")[:10]


@dataclass(frozen=True)
class ToolView:
    id: str
    name: str
    status: str
    via: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]


@dataclass(frozen=True)
class CategoryView:
    id: str
    title: str
    tools: tuple[ToolView, ...]


def inventory(a: Assessment, options: RenderOptions) -> list[CategoryView]:
    return [
        CategoryView(
            id=cat.id,
            title=cat.title,
            tools=tuple(
                ToolView(t.id, t.name, t.status, t.via, evidence_views(t.evidence, a, options))
                for t in cat.tools
            ),
        )
        for cat in a.inventory.categories
    ]


def target_name(a: Assessment) -> str:
    """The scanned folder's name (and its place in the repository): stable across checkouts."""
    return a.target.subdir.strip("/") or a.target.root_name
