"""Per-artifact maturity (SIGNALS.md §3): the rubric's gates restricted to one artifact.

A level that asks nothing of an artifact is passed through when a higher level does ask
something of it, but it is never evidence on its own, and trailing levels that ask nothing
(everything not applicable) are not claimed."""

from __future__ import annotations

import pytest

from mlaudit.results import CheckResult, Outcome
from mlaudit.rubric.model import Rubric
from mlaudit.scoring import score

CHECKS = {
    "lock": ("code", 1),
    "ci": ("code", 1),
    "data-pin": ("data", 2),
    "tracker": ("model", 2),
    "data-wired": ("data", 3),
    "cd": ("code", 3),
    "gate": ("model", 3),
    "drift": ("data", 4),
    "loadtest": ("code", 4),
    "monitor": ("model", 4),
}
RUBRIC = Rubric.model_validate(
    {
        "id": "t",
        "version": "1",
        "title": "t",
        "levels": [
            {"level": 0, "name": "L0"},
            {"level": 1, "name": "L1", "gate": ["lock", "ci"]},
            {"level": 2, "name": "L2", "gate": ["data-pin", "tracker"]},
            {"level": 3, "name": "L3", "gate": ["data-wired", "cd", "gate"]},
            {"level": 4, "name": "L4", "gate": ["drift", "loadtest", "monitor"]},
        ],
        "qualities": [
            {
                "id": "q",
                "prefix": "QQQ",
                "title": "Q",
                "description": "q",
                "checks": [
                    {
                        "id": f"QQQ{i:03d}",
                        "name": name,
                        "title": name,
                        "artifact": artifact,
                        "level": level,
                        "strength": "strong",
                        "probe": "files",
                        "with": {"globs": ["x"]},
                    }
                    for i, (name, (artifact, level)) in enumerate(CHECKS.items(), 1)
                ],
            }
        ],
    }
)


def _levels(passing: set[str], not_applicable: frozenset[str] = frozenset()) -> tuple[int, dict]:
    results = []
    for i, (name, (artifact, level)) in enumerate(CHECKS.items(), 1):
        outcome = (
            Outcome.NOT_APPLICABLE
            if name in not_applicable
            else Outcome.PASS
            if name in passing
            else Outcome.FAIL
        )
        results.append(
            CheckResult(
                check=f"QQQ{i:03d}",
                name=name,
                title=name,
                quality="q",
                artifact=artifact,
                level=level,
                weight=1,
                severity="medium",
                strength="strong",
                outcome=outcome,
                message="",
            )
        )
    _, overall, _, artifact_levels, *_ = score(results, RUBRIC)
    return overall, artifact_levels


@pytest.mark.parametrize(
    ("passing", "not_applicable", "overall", "data", "model", "code"),
    [
        # nothing: every artifact at 0 (data passes nothing at L1 but claims nothing either)
        (set(), frozenset(), 0, 0, 0, 0),
        # level-2 project: code passes L1 and nothing is asked of it at L2 → 2, like overall
        ({"lock", "ci", "data-pin", "tracker"}, frozenset(), 2, 2, 2, 2),
        # data is wired (L3) although the code is not
        ({"lock", "ci", "data-pin", "tracker", "data-wired"}, frozenset(), 2, 3, 2, 2),
        # trailing levels that ask nothing (drift not applicable) are not claimed
        ({"lock", "ci", "data-pin", "tracker", "data-wired"}, frozenset({"drift"}), 2, 3, 2, 2),
        # code fails L1: code 0, overall 0, but data and model keep their own levels
        ({"data-pin", "tracker"}, frozenset(), 0, 2, 2, 0),
        # everything
        (set(CHECKS), frozenset(), 4, 4, 4, 4),
    ],
)
def test_artifact_levels(passing, not_applicable, overall, data, model, code) -> None:
    got_overall, levels = _levels(passing, not_applicable)
    assert got_overall == overall
    assert levels == {"data": data, "model": model, "code": code}
    if not not_applicable:
        assert min(levels.values()) == overall
