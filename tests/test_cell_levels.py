"""Cell levels need positive evidence: a cell of failing supporting checks is at 0, not at
its ceiling; a passing anti-signal (absence of a bad thing) is not evidence of a level."""

from __future__ import annotations

import pytest

from mlaudit.results import CheckResult, Outcome
from mlaudit.scoring import _cell_level


def result(name: str, level: int, strength: str, outcome: Outcome) -> CheckResult:
    return CheckResult(
        check="QQQ001",
        name=name,
        title=name,
        quality="q",
        artifact="code",
        level=level,
        weight=1,
        severity="medium",
        strength=strength,
        outcome=outcome,
        message="",
    )


P, F, H, U, NA = (
    Outcome.PASS,
    Outcome.FAIL,
    Outcome.PARTIAL,
    Outcome.UNKNOWN,
    Outcome.NOT_APPLICABLE,
)


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ([("a", 1, "supporting", F), ("b", 3, "supporting", F)], 0),
        ([("a", 1, "supporting", P), ("b", 3, "supporting", F)], 1),
        ([("a", 2, "strong", P), ("b", 2, "supporting", F)], 2),
        ([("a", 2, "strong", H)], 2),  # partial is enough up to level 2
        ([("a", 3, "strong", H)], 0),  # from level 3 a practice must be wired
        ([("a", 1, "anti", P), ("b", 2, "supporting", F)], 0),  # absence is not evidence
        ([("a", 1, "supporting", U), ("b", 2, "supporting", P)], 2),  # undecidable: no block
        ([("a", 1, "strong", U), ("b", 2, "supporting", P)], 0),  # strong unknown blocks
        ([("a", 1, "supporting", NA)], None),
    ],
)
def test_cell_level(checks, expected):
    results = [result(*c) for c in checks]
    assert _cell_level(results, {}) == expected
