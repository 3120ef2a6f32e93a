"""The rubric schema: qualities → checks (probe + params), maturity levels and gates."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mlaudit.probes.params import Params

Artifact = Literal["data", "model", "code"]
Strength = Literal["strong", "supporting", "anti"]
Severity = Literal["info", "low", "medium", "high", "critical"]
Profile = Literal["research", "batch", "online-serving"]
PROFILES: tuple[str, ...] = ("research", "batch", "online-serving")
SEVERITY_ORDER: tuple[str, ...] = ("info", "low", "medium", "high", "critical")

_CHECK_ID = re.compile(r"^[A-Z]{3}\d{3}$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def validate_params(probe: str, model: type[Params], raw: Any) -> Params:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        # a misspelt key also makes the right one "missing": name the misspelling first
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(model.model_fields)
            msg = f"unknown parameter; allowed: {allowed}"
        raise ValueError(f"probe {probe!r} `with.{loc}`: {msg}") from None


class Check(Strict):
    id: str = Field(description="quality prefix + 3 digits, e.g. REP001; stable")
    name: str = Field(description="catalogue slug, e.g. deps-locked")
    title: str
    artifact: Artifact
    level: int = Field(ge=1, le=4, description="lowest maturity level this signal counts towards")
    strength: Strength = "supporting"
    weight: float = Field(default=1.0, gt=0, le=10)
    severity: Severity = "medium"
    probe: str
    with_: Params | dict[str, Any] = Field(default_factory=dict, alias="with")
    profiles: list[Profile] | None = Field(
        default=None, description="profiles this check applies to; default: its quality's"
    )
    caps: int | None = Field(
        default=None, ge=0, le=4, description="anti-signal: a failure caps the level at this"
    )
    rationale: str = ""
    remediation: str = ""
    references: list[str] = []
    enabled: bool = True

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _CHECK_ID.match(value):
            raise ValueError(
                f"check id {value!r} must be three capitals and three digits, e.g. REP001"
            )
        return value

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"check name {value!r} must be a lower-case slug such as deps-locked")
        return value

    @model_validator(mode="before")
    @classmethod
    def _params(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        name = data.get("probe")
        if name is None:
            return data
        from mlaudit.probes.registry import get_probe

        spec = get_probe(str(name))
        if spec is None:
            import difflib

            from mlaudit.probes.registry import all_probes

            close = difflib.get_close_matches(str(name), list(all_probes()), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "see docs/rubric.md"
            raise ValueError(f"unknown probe {name!r}; {hint} ({len(all_probes())} probes exist)")
        raw = data.get("with", data.get("with_")) or {}
        if isinstance(raw, Params):
            return data
        data = dict(data)
        data.pop("with_", None)
        data["with"] = validate_params(spec.name, spec.params, raw)
        return data


def _all_profiles() -> list[Profile]:
    return ["research", "batch", "online-serving"]


class Quality(Strict):
    id: str
    prefix: str = Field(pattern=r"^[A-Z]{3}$")
    title: str
    source_heading: str = Field(default="", description="heading in the source model")
    description: str = ""
    profiles: list[Profile] = Field(default_factory=_all_profiles)
    checks: list[Check] = []

    @model_validator(mode="after")
    def _prefix(self) -> Quality:
        for check in self.checks:
            if not check.id.startswith(self.prefix):
                raise ValueError(
                    f"check {check.id} must start with its quality prefix {self.prefix}"
                )
        return self


class GateEntry(Strict):
    """A gate item with an explicit weight: one check (`check`) or an any-of group (`any`)."""

    check: str | None = None
    any: list[str] | None = None
    weight: float | None = Field(
        default=None, gt=0, le=10, description="default: the highest weight of its checks"
    )

    @model_validator(mode="after")
    def _one(self) -> GateEntry:
        if (self.check is None) == (not self.any):
            raise ValueError("a gate item names either `check` or a non-empty `any` list")
        return self

    def refs(self) -> list[str]:
        return [self.check] if self.check is not None else list(self.any or [])


GateItem = str | list[str] | GateEntry


def gate_refs(item: GateItem) -> list[str]:
    """The check names/ids of a gate item (a list or `any` means any-of)."""
    if isinstance(item, GateEntry):
        return item.refs()
    return [item] if isinstance(item, str) else list(item)


def gate_weight(item: GateItem) -> float | None:
    return item.weight if isinstance(item, GateEntry) else None


class Pillar(Strict):
    """One way to evidence a level (e.g. level 1: a scripted project, or a tested CI-built
    codebase, or a containerised service). A level's attainment is its best pillar's."""

    id: str
    title: str = ""
    requires: list[str] = Field(
        default_factory=list,
        description="checks of which one must be applicable for this pillar to count "
        "(e.g. a container pillar needs a container)",
    )
    items: list[GateItem]

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"pillar id {value!r} must be a lower-case slug")
        return value


class Level(Strict):
    level: int = Field(ge=0, le=4)
    name: str
    description: str = ""
    gate: list[GateItem] = Field(
        default_factory=list,
        description="check names or ids; a list is any-of; one pillar (all items averaged)",
    )
    pillars: list[Pillar] = Field(
        default_factory=list,
        description="alternative pillars; the level's attainment is the best pillar's",
    )

    @model_validator(mode="after")
    def _gate_or_pillars(self) -> Level:
        if self.gate and self.pillars:
            raise ValueError(f"level {self.level}: give either `gate` or `pillars`, not both")
        return self

    def all_pillars(self) -> list[Pillar]:
        if self.pillars:
            return list(self.pillars)
        return [Pillar(id="gate", title="", items=list(self.gate))] if self.gate else []


class CheckOverride(Strict):
    weight: float | None = Field(default=None, gt=0, le=10)
    level: int | None = Field(default=None, ge=1, le=4)
    severity: Severity | None = None
    enabled: bool | None = None
    profiles: list[Profile] | None = None


class Rubric(Strict):
    id: str
    version: str
    title: str = ""
    description: str = ""
    levels: list[Level]
    qualities: list[Quality]

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        seen_ids: set[str] = set()
        seen_names: set[str] = set()
        prefixes: set[str] = set()
        for quality in self.qualities:
            if quality.prefix in prefixes:
                raise ValueError(f"duplicate quality prefix {quality.prefix}")
            prefixes.add(quality.prefix)
            for check in quality.checks:
                if check.id in seen_ids:
                    raise ValueError(f"duplicate check id {check.id}")
                if check.name in seen_names:
                    raise ValueError(f"duplicate check name {check.name}")
                seen_ids.add(check.id)
                seen_names.add(check.name)
        levels = sorted(level.level for level in self.levels)
        if levels != list(range(len(levels))) or not levels:
            raise ValueError("levels must be numbered 0, 1, 2 … without gaps")
        by_ref = {ref: c.id for _, c in self.checks() for ref in (c.id, c.name)}
        owner: dict[str, int] = {}
        for level in self.levels:
            for pillar in level.all_pillars():
                for ref in pillar.requires:
                    if ref not in by_ref:
                        raise ValueError(
                            f"level {level.level} pillar {pillar.id} requires unknown check {ref!r}"
                        )
                for item in pillar.items:
                    for ref in gate_refs(item):
                        if ref not in by_ref:
                            raise ValueError(
                                f"level {level.level} gate names unknown check {ref!r}"
                            )
                        # one check, one level: then no single check can move the index by
                        # more than one level's share, so it never moves the level by two
                        first = owner.setdefault(by_ref[ref], level.level)
                        if first != level.level:
                            raise ValueError(
                                f"check {ref!r} is in the gates of levels {first} and "
                                f"{level.level}; a check belongs to one level"
                            )
        return self

    def checks(self) -> list[tuple[Quality, Check]]:
        return [(q, c) for q in self.qualities for c in q.checks]

    def find(self, ref: str) -> tuple[Quality, Check] | None:
        for quality, check in self.checks():
            if ref in (check.id, check.name):
                return quality, check
        return None

    def quality(self, ref: str) -> Quality | None:
        for quality in self.qualities:
            if ref in (quality.id, quality.prefix, quality.title):
                return quality
        return None
