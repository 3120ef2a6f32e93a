"""A check's outcome: a plain enum, kept apart from the pydantic result models so that the
start-up path (waivers, selection, a result-cache replay) can name outcomes without building
those models."""

from __future__ import annotations

from enum import Enum


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
