"""Waivers: accepted risks from the configuration, with an inclusive expiry date.

An active waiver marks a failing or partial result of its check as waived (`waived_by` holds
the reason): waived results leave scores, levels and gates, and every report shows them as
waived with the reason. A waiver whose `until` date is past or malformed is expired: it waives
nothing, and the report says when it expired. A waiver naming an unknown check is an error.

Waivers from the scanned repository's own config are bounded (mlaudit.trust): they hold at
most a year after the scanned commit, never cover a disqualifier, and every waived result
records where its waiver came from (`waiver_origin`: "repository" or "operator").
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mlaudit.config import Waiver
from mlaudit.errors import UsageError
from mlaudit.outcome import Outcome
from mlaudit.repo.globs import compile_glob
from mlaudit.rubric.model import Rubric
from mlaudit.trust import OPERATOR, REPOSITORY, commit_day, horizon, is_disqualifier

if TYPE_CHECKING:
    from mlaudit.results import CheckResult

WAIVABLE = (Outcome.FAIL, Outcome.PARTIAL)


def today_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


@dataclass(frozen=True)
class ActiveWaiver:
    check: str
    reason: str
    until: dt.date | None
    paths: tuple[str, ...]
    origin: str = OPERATOR

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
        by = "by the repository " if self.origin == REPOSITORY else ""
        until = f"until {self.until.isoformat()}" if self.until else ""
        suffix = f" (waived {by}{until})".replace(" )", ")") if by or until else " (waived)"
        return self.reason.strip() + suffix


Waive = Callable[["CheckResult"], dict[str, Any] | None]


@dataclass(frozen=True)
class WaiverPlan:
    active: tuple[ActiveWaiver, ...]
    notes: tuple[str, ...]  # expired, malformed or refused waivers, for the report
    today: dt.date | None = None

    def bind(self, commit_date: str | None) -> tuple[Waive | None, tuple[str, ...]]:
        """The waive hook for one scanned commit, and the notes of the waivers its date
        bounds: a repository's waiver holds at most trust.HORIZON_DAYS after the commit."""
        today = self.today or today_utc()
        last = horizon(commit_day(commit_date, today))
        active: list[ActiveWaiver] = []
        notes: list[str] = []
        for waiver in self.active:
            limited = waiver.origin == REPOSITORY and (waiver.until is None or waiver.until > last)
            why = ""
            if limited:
                asked = waiver.until.isoformat() if waiver.until else "no end date"
                why = (
                    f" (a repository's own waiver holds at most one year after the scanned "
                    f"commit; it asked for {asked})"
                )
                waiver = replace(waiver, until=last)
            if waiver.until is not None and waiver.until < today:
                notes.append(
                    f"waiver for {waiver.check} expired on {waiver.until.isoformat()}{why}: "
                    "the check counts again"
                )
                continue
            if limited:
                notes.append(f"waiver for {waiver.check} limited to {last.isoformat()}{why}")
            active.append(waiver)
        if not active:
            return None, tuple(notes)

        def waive(result: CheckResult) -> dict[str, Any] | None:
            for waiver in active:
                if waiver.covers(result):
                    return {"waived_by": waiver.label(), "waiver_origin": waiver.origin}
            return None

        return waive, tuple(notes)


def plan_waivers(
    waivers: Sequence[Waiver],
    rubric: Rubric,
    today: dt.date | None = None,
    origin: str = OPERATOR,
) -> WaiverPlan:
    """Validate the configured waivers (unknown check: exit 2) and keep the ones that can
    apply; expiry against the scanned commit's horizon is decided by WaiverPlan.bind."""
    ids = {c.id: c.id for _, c in rubric.checks()}
    ids.update({c.name: c.id for _, c in rubric.checks()})
    checks = {c.id: c for _, c in rubric.checks()}
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
            try:
                compile_glob(pattern)
            except ValueError as exc:
                raise UsageError(f"waivers[{index}]: {exc}") from None
        if waiver.until is not None and waiver.expiry() is None:
            notes.append(
                f"waiver for {check_id} has a malformed until date {str(waiver.until)!r} "
                "(expected YYYY-MM-DD): treated as expired, the check counts again"
            )
            continue
        if origin == REPOSITORY and is_disqualifier(checks[check_id]):
            notes.append(
                f"waiver for {check_id} ({checks[check_id].name}) ignored: a repository cannot "
                "waive a disqualifier for itself (only a config passed with --config can)"
            )
            continue
        active.append(
            ActiveWaiver(
                check=check_id,
                reason=waiver.reason,
                until=waiver.expiry(),
                paths=tuple(p.lstrip("/") for p in waiver.paths),
                origin=origin,
            )
        )
    return WaiverPlan(active=tuple(active), notes=tuple(notes), today=today)
