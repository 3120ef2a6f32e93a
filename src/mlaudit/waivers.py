"""Waivers: accepted risks from the configuration, with an inclusive expiry date.

An active waiver marks a failing or partial result of its check as waived (`waived_by` holds
the reason): waived results leave scores, levels and gates, and every report shows them as
waived with the reason. A waiver whose `until` date is past or malformed is expired: it waives
nothing, and the report says when it expired. A waiver naming an unknown check is an error.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mlaudit.config import Waiver
from mlaudit.errors import UsageError
from mlaudit.repo.globs import compile_glob
from mlaudit.results import CheckResult, Outcome
from mlaudit.rubric.model import Rubric

WAIVABLE = (Outcome.FAIL, Outcome.PARTIAL)


def today_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


@dataclass(frozen=True)
class ActiveWaiver:
    check: str
    reason: str
    until: dt.date | None
    paths: tuple[str, ...]

    def covers(self, result: CheckResult) -> bool:
        if result.check != self.check or result.outcome not in WAIVABLE:
            return False
        if not self.paths:
            return True
        if not result.evidence:
            return False  # a path-limited waiver cannot cover a repository-level finding
        regexes = [compile_glob(p) for p in self.paths]
        return all(any(rx.match(e.path) for rx in regexes) for e in result.evidence)

    def label(self) -> str:
        suffix = f" (waived until {self.until.isoformat()})" if self.until else " (waived)"
        return self.reason.strip() + suffix


@dataclass(frozen=True)
class WaiverPlan:
    active: tuple[ActiveWaiver, ...]
    notes: tuple[str, ...]  # expired or malformed waivers, for the report

    def hook(self) -> Callable[[CheckResult], str | None] | None:
        if not self.active:
            return None

        def waive(result: CheckResult) -> str | None:
            for waiver in self.active:
                if waiver.covers(result):
                    return waiver.label()
            return None

        return waive


def plan_waivers(
    waivers: Sequence[Waiver], rubric: Rubric, today: dt.date | None = None
) -> WaiverPlan:
    today = today or today_utc()
    ids = {c.id: c.id for _, c in rubric.checks()}
    ids.update({c.name: c.id for _, c in rubric.checks()})
    active: list[ActiveWaiver] = []
    notes: list[str] = []
    for index, waiver in enumerate(waivers):
        ref = waiver.check.strip()
        check_id = ids.get(ref) or ids.get(ref.upper())
        if check_id is None:
            close = difflib.get_close_matches(ref, list(ids), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UsageError(f"waivers[{index}]: unknown check {ref!r}{hint}")
        for pattern in waiver.paths:
            if not pattern.strip("/"):
                raise UsageError(f"waivers[{index}]: empty path pattern")
        if waiver.until is not None and waiver.expiry() is None:
            notes.append(
                f"waiver for {check_id} has a malformed until date {str(waiver.until)!r} "
                "(expected YYYY-MM-DD): treated as expired, the check counts again"
            )
            continue
        until = waiver.expiry()
        if until is not None and until < today:
            notes.append(
                f"waiver for {check_id} expired on {until.isoformat()}: the check counts again"
            )
            continue
        active.append(
            ActiveWaiver(
                check=check_id,
                reason=waiver.reason,
                until=until,
                paths=tuple(p.lstrip("/") for p in waiver.paths),
            )
        )
    return WaiverPlan(active=tuple(active), notes=tuple(notes))
