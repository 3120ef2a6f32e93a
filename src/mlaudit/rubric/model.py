"""The rubric schema: qualities → checks (probe + params), maturity levels and gates."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mlaudit.probes.registry import Params, get_probe

Artifact = Literal["data", "model", "code"]
Strength = Literal["strong", "supporting", "anti"]
Severity = Literal["info", "low", "medium", "high", "critical"]
Profile = Literal["research", "batch", "online-serving"]
PROFILES: tuple[str, ...] = ("research", "batch", "online-serving")
SEVERITY_ORDER: tuple[str, ...] = ("info", "low", "medium", "high", "critical")

_CHECK_ID = re.compile(r"^[A-Z]{3}\d{3}$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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


GateItem = str | list[str]


class Level(Strict):
    level: int = Field(ge=0, le=4)
    name: str
    description: str = ""
    gate: list[GateItem] = Field(
        default_factory=list,
        description="check names or ids; a list is any-of; all items must be satisfied",
    )


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
        for level in self.levels:
            for item in level.gate:
                for ref in [item] if isinstance(item, str) else item:
                    if ref not in seen_ids and ref not in seen_names:
                        raise ValueError(f"level {level.level} gate names unknown check {ref!r}")
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
