"""Core result types shared by probes, scoring and renderers.

Everything here is frozen pydantic so that an Assessment can be serialised, compared
and rendered without any renderer reaching back into the Snapshot or the rubric loader.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mlaudit.outcome import Outcome as Outcome  # re-exported: callers import it from here


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


ARTIFACTS: tuple[str, ...] = ("data", "model", "code")


class Evidence(Frozen):
    """A fact located in the repository: repo-relative POSIX path, optional 1-based line."""

    path: str
    line: int | None = None
    snippet: str | None = None
    note: str | None = None

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.note or "", self.snippet or "")

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class Observation(Frozen):
    """What a probe saw: an outcome, the evidence for it and a one-line message."""

    outcome: Outcome
    evidence: tuple[Evidence, ...] = ()
    message: str = ""


class Attestation(Frozen):
    """A human claim from `.mlaudit/attestations.yaml` for what static analysis cannot decide.

    It counts at most 0.5 (declared, not verified) and 0 once `expires` is past."""

    check: str
    claim: str
    evidence: str
    owner: str
    verified_on: str  # ISO date
    expires: str  # ISO date
    expired: bool = False
    path: str = ".mlaudit/attestations.yaml"
    line: int | None = None


class CheckResult(Frozen):
    check: str
    name: str
    title: str
    quality: str
    artifact: str
    level: int
    weight: float
    severity: str
    strength: str
    outcome: Outcome
    message: str
    evidence: tuple[Evidence, ...] = ()
    remediation: str = ""
    waived_by: str | None = None
    # who issued the waiver: "repository" (the scanned repository's own config, bounded by
    # mlaudit.trust) or "operator" (a config passed with --config / MLAUDIT_CONFIG)
    waiver_origin: Literal["repository", "operator"] | None = None
    attestation: Attestation | None = None


ItemStatus = Literal[
    "met", "partial", "missing", "waived", "attested", "expired", "unknown", "not_applicable"
]


class Cap(Frozen):
    """A failing disqualifier (anti-signal with `caps`) that binds: it lowers the level shown,
    or holds it where the index alone also gives it (`lowers` False: the next level needs it
    fixed)."""

    check: str
    name: str
    artifact: str
    cap: int = Field(ge=0, le=4)
    waived_in_repo: bool = False  # waived by the repository itself: it still caps
    lowers: bool = True


class CellReason(Frozen):
    """Why a cell's level is not what its score suggests (one line in every report)."""

    kind: Literal["capped", "top-level", "lower-level-unmet"]
    level: int  # the cap, the highest level the cell measures, or the unmet level
    check: str | None = None
    name: str | None = None


class Cell(Frozen):
    """One quality × artifact. `score` (0–100) and `index`/`level` come from the same checks:
    every positive check of the cell and every failing anti-signal."""

    quality: str
    artifact: str
    score: float | None = Field(default=None, ge=0, le=100)
    level: int | None = Field(default=None, ge=0, le=4)
    index: float | None = Field(default=None, ge=0, le=4)
    reason: CellReason | None = None
    applicable: bool = True
    checks: int = 0
    decided: int = 0


class GateItemState(Frozen):
    """One gate item (a check or an any-of group) at one level and pillar, as scored."""

    level: int
    pillar: str
    check: str  # the member shown: the best-credited one, else the first
    name: str
    checks: tuple[str, ...]  # every member (any-of)
    artifact: str
    weight: float
    credit: float | None = Field(default=None, ge=0, le=1)  # None: n/a or unknown, left out
    status: ItemStatus
    gain: float = 0.0  # index gain if this item were fully met
    expires: str | None = None  # attested or expired: the attestation's expiry date


class PillarAttainment(Frozen):
    id: str
    title: str
    attainment: float | None = Field(default=None, ge=0, le=1)
    met: int = 0
    total: int = 0


class LevelAttainment(Frozen):
    """a_L: the best pillar's weighted mean credit of its applicable items (None: none apply)."""

    level: int
    name: str
    attainment: float | None = Field(default=None, ge=0, le=1)
    pillar: str | None = None  # the pillar that gives a_L
    met: int = 0
    total: int = 0
    pillars: tuple[PillarAttainment, ...] = ()
    items: tuple[GateItemState, ...] = ()


class NextLevel(Frozen):
    """Progress towards the next level: items met in its best pillar and the missing items
    (of any level) that raise the index most, with their gain."""

    level: int
    pillar: str | None = None
    met: int = 0
    total: int = 0
    index_needed: float  # the index at which the level is reached
    missing: tuple[GateItemState, ...] = ()


class Maturity(Frozen):
    """The v2 scheme: index M = Σ a_L (0.0–4.0, one decimal); level = round(M), then caps."""

    index: float = Field(ge=0, le=4)
    level: int = Field(ge=0, le=4)
    uncapped_level: int = Field(ge=0, le=4)
    attainment: tuple[LevelAttainment, ...] = ()
    caps: tuple[Cap, ...] = ()  # binding caps only
    next_level: NextLevel | None = None


class QualityMaturity(Frozen):
    """Capability profile: a quality's index and level over all its checks (by check level)."""

    quality: str
    index: float | None = Field(default=None, ge=0, le=4)
    level: int | None = Field(default=None, ge=0, le=4)
    score: float | None = Field(default=None, ge=0, le=100)


class Fix(Frozen):
    check: str
    name: str
    title: str
    quality: str
    artifact: str
    level: int
    gain: float  # overall index gain if this check passed (0 for checks outside the gates)
    remediation: str
    outcome: Outcome
    binding_cap: bool = False  # a disqualifier that lowers the level shown or stops the next
    raises_level: bool = False  # fixing it alone raises the overall level
    status: ItemStatus = "missing"


class ProfileInfo(Frozen):
    name: str
    detected: str
    overridden: bool = False
    reasons: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    # the repository publishes its own package (rule lib): a library or MLOps tool, graded
    # with the profile's checks less those its package code does not owe (shown with the name:
    # "research" alone read as "not a library" to reviewers of dspy, Olive and mlforecast)
    library: bool = False


class TargetInfo(Frozen):
    path: str
    root_name: str
    commit: str | None = None
    commit_date: str | None = None
    branch: str | None = None
    subdir: str = ""
    is_git: bool = False
    shallow: bool = False
    partial_clone: bool = False
    files: int = 0
    notes: tuple[str, ...] = ()
    # existing project files (scan-root relative) that a repository-level finding without
    # evidence can point at in SARIF/annotations: manifests, CI config, README …
    anchors: tuple[str, ...] = ()
    # evidence paths that are not files (folders, expected files that are absent)
    non_files: tuple[str, ...] = ()


class RubricInfo(Frozen):
    id: str
    version: str
    sha256: str
    title: str = ""


class QualityInfo(Frozen):
    id: str
    prefix: str
    title: str
    source_heading: str = ""
    description: str = ""


class LevelInfo(Frozen):
    level: int
    name: str


class InventoryTool(Frozen):
    """A tool of the MLOps stack found in the repository.

    `used`: code imports it, a config file of it exists or CI runs it; `declared`: it only
    appears as a dependency (requirements, pyproject) — installed, not shown to be used."""

    id: str
    name: str
    status: str  # "used" | "declared"
    via: tuple[str, ...] = ()  # import, call, config, ci, requirement
    evidence: tuple[Evidence, ...] = ()


class InventoryCategory(Frozen):
    id: str
    title: str
    tools: tuple[InventoryTool, ...] = ()


class Inventory(Frozen):
    """The MLOps stack by category of the MLOps Stack Canvas (catalogue: rubrics/inventory.yaml)."""

    catalogue: str = ""
    categories: tuple[InventoryCategory, ...] = ()


class Assessment(Frozen):
    schema_version: str = "2"
    tool: str
    tool_version: str
    target: TargetInfo
    rubric: RubricInfo
    profile: ProfileInfo
    qualities: tuple[QualityInfo, ...]
    levels: tuple[LevelInfo, ...]
    results: tuple[CheckResult, ...]
    cells: tuple[Cell, ...]
    overall_level: int = Field(ge=0, le=4)
    overall_score: float | None = Field(default=None, ge=0, le=100)
    artifact_levels: dict[str, int]
    artifact_scores: dict[str, float | None]
    maturity_index: float = Field(ge=0, le=4)
    maturity: Maturity
    artifact_maturity: dict[str, Maturity]
    quality_maturity: tuple[QualityMaturity, ...] = ()
    fixes: tuple[Fix, ...] = ()
    caps: tuple[Cap, ...] = ()  # binding caps of the overall level (= maturity.caps)
    generated_at: str | None = None  # only with --timestamp: output is otherwise byte-stable
    inventory: Inventory = Field(default_factory=Inventory)

    def cell(self, quality: str, artifact: str) -> Cell | None:
        for c in self.cells:
            if c.quality == quality and c.artifact == artifact:
                return c
        return None

    def level_name(self, level: int) -> str:
        for info in self.levels:
            if info.level == level:
                return info.name
        return str(level)
