"""Core result types shared by probes, scoring and renderers.

Everything here is frozen pydantic so that an Assessment can be serialised, compared
and rendered without any renderer reaching back into the Snapshot or the rubric loader.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Outcome(str, Enum):
    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"
    ERROR = "error"

    @property
    def credit(self) -> float | None:
        """Credit towards a score; None means 'left out of averages'."""
        return _CREDIT[self]

    @property
    def decided(self) -> bool:
        return self.credit is not None


_CREDIT: dict[Outcome, float | None] = {
    Outcome.PASS: 1.0,
    Outcome.PARTIAL: 0.5,
    Outcome.FAIL: 0.0,
    Outcome.NOT_APPLICABLE: None,
    Outcome.UNKNOWN: None,
    Outcome.ERROR: None,
}

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


class Cell(Frozen):
    quality: str
    artifact: str
    score: float | None = Field(default=None, ge=0, le=100)
    level: int | None = Field(default=None, ge=0, le=4)
    applicable: bool = True
    checks: int = 0
    decided: int = 0


class LevelGap(Frozen):
    """Why a level was not reached: the gate groups still unmet."""

    level: int
    missing: tuple[str, ...]


class Fix(Frozen):
    check: str
    name: str
    title: str
    quality: str
    artifact: str
    level: int
    gain: float
    remediation: str
    outcome: Outcome


class ProfileInfo(Frozen):
    name: str
    detected: str
    overridden: bool = False
    reasons: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


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
    schema_version: str = "1"
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
    next_level_gaps: tuple[LevelGap, ...] = ()
    fixes: tuple[Fix, ...] = ()
    caps: tuple[str, ...] = ()
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
