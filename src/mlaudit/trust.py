"""Who may lower the bar of an audit: the trust model (docs/security.md, "What a repository
may configure about its own audit").

Two parties configure a scan. The operator — whoever runs it — speaks through flags,
`MLAUDIT_*` variables and a config file passed with `--config`/`MLAUDIT_CONFIG`; the
repository speaks through the `.mlaudit.yaml` or `[tool.mlaudit]` found inside it. The
repository may tune its own audit, but never in a way that hides what the audit is for:
- its waivers last at most HORIZON_DAYS after the scanned commit (the commit date, not the
  clock: the same commit always gets the same horizon), are labelled as the repository's own,
  and count as not met for the maturity level;
- it can neither waive nor deselect a disqualifier (a critical check, or one whose failure
  caps the level at 0 — committed secrets, notebook-only);
- it cannot set the operator-only keys (config.OPERATOR_ONLY, config.NOT_IN_FILE), and the
  files it names (rubric, baseline) must lie inside it (config.Settings.confinement).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from mlaudit.rubric.model import Check, Rubric

HORIZON_DAYS = 365
REPOSITORY = "repository"
OPERATOR = "operator"


def is_disqualifier(check: Check) -> bool:
    """A check the repository under audit can neither waive nor deselect for itself."""
    return check.severity == "critical" or check.caps == 0


def disqualifiers(rubric: Rubric) -> frozenset[str]:
    return frozenset(c.id for _, c in rubric.checks() if is_disqualifier(c))


def horizon(anchor: dt.date) -> dt.date:
    """The last day a repository's own waiver may hold, for a commit made on `anchor`."""
    return anchor + dt.timedelta(days=HORIZON_DAYS)


def commit_day(commit_date: str | None, fallback: dt.date) -> dt.date:
    """The day of a `YYYY-MM-DDTHH:MM:SSZ` commit date; `fallback` (today) without a commit."""
    if not commit_date:
        return fallback
    try:
        return dt.date.fromisoformat(commit_date[:10])
    except ValueError:
        return fallback


def keep_disqualifiers(
    selected: Callable[[str], bool] | None, rubric: Rubric
) -> Callable[[str], bool] | None:
    """A selection made by the repository's own config, with every disqualifier kept."""
    if selected is None:
        return None
    always = disqualifiers(rubric)

    def select(check_id: str) -> bool:
        return check_id in always or selected(check_id)

    return select
