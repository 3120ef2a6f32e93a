"""A cell's score and level come from the same checks (maturity.profile): its positive checks
and its failing anti-signals. A passing anti-signal (absence of a bad thing) is no evidence;
where the level is lower than the score suggests, the cell carries a one-line reason."""

from __future__ import annotations

import pytest

from mlaudit.maturity import profile
from mlaudit.results import CheckResult, Outcome


def result(name: str, level: int, strength: str, outcome: Outcome, n: int = 1) -> CheckResult:
    return CheckResult(
        check=f"QQQ{n:03d}",
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
    ("checks", "score", "level", "reason"),
    [
        ([("a", 1, "supporting", F), ("b", 3, "supporting", F)], 0.0, 0, None),
        # level 1 met, level 3 not: level 2, where nothing is asked, is met no better than
        # either side of it (index 1 + 0 + 0), and the cell says which level is unmet
        ([("a", 1, "supporting", P), ("b", 3, "supporting", F)], 50.0, 1, "lower-level-unmet"),
        # level 3 half met: level 2 too (index 1 + 0.5 + 0.5)
        ([("a", 1, "supporting", P), ("b", 3, "supporting", H)], 75.0, 2, None),
        # level 3 met, level 1 not: level 2 no better than level 1 (index 0 + 0 + 1)
        ([("a", 1, "supporting", F), ("b", 3, "supporting", P)], 50.0, 1, "lower-level-unmet"),
        ([("a", 2, "strong", P), ("b", 2, "supporting", F)], 50.0, 1, None),
        # only level-2 checks, all met: level 2, and the cell says why not higher
        ([("a", 2, "strong", P)], 100.0, 2, "top-level"),
        ([("a", 3, "strong", H)], 50.0, 2, None),
        # a passing anti-signal is no evidence: left out of score and level
        ([("a", 1, "anti", P), ("b", 2, "supporting", F)], 0.0, 0, None),
        # a failing anti-signal counts as a failing item
        ([("a", 1, "anti", F), ("b", 1, "supporting", P)], 50.0, 1, "top-level"),
        # unknown is left out, not zero
        ([("a", 1, "supporting", U), ("b", 2, "supporting", P)], 100.0, 2, "top-level"),
        ([("a", 1, "supporting", NA)], None, None, None),
    ],
)
def test_cell_profile(checks, score, level, reason):
    results = [result(*c, n=i) for i, c in enumerate(checks, 1)]
    got = profile(results, {})
    assert got.score == score
    assert got.level == level
    assert (got.reason.kind if got.reason else None) == reason


def test_cap_binds_and_says_so() -> None:
    results = [result("a", 1, "anti", F, 1), result("b", 3, "strong", P, 2)]
    got = profile(results, {"QQQ001": 0})
    assert got.level == 0
    assert got.reason is not None and got.reason.kind == "capped" and got.reason.check == "QQQ001"


def test_lower_level_unmet_reason() -> None:
    # level-1 checks fail while many level-3/4 checks pass: high score, low level, a reason
    checks = [result("a", 1, "strong", F, 1)] + [
        result(f"b{i}", 4, "strong", P, i + 2) for i in range(6)
    ]
    got = profile(checks, {})
    assert got.score is not None and got.score > 80
    assert got.level is not None and got.level <= 2
    assert got.reason is not None and got.reason.kind == "lower-level-unmet"
    assert got.reason.level == 1
