"""Per-artifact maturity (SIGNALS.md §3): the rubric's gates restricted to one artifact.

A level whose gate asks nothing of an artifact at all takes the attainment of the nearest
lower level that does (the first asked level for leading ones): passed through, never
evidence on its own. Trailing levels whose items are all not applicable add nothing."""

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
    scored = score(results, RUBRIC)
    return scored.maturity.level, {a: m.level for a, m in scored.artifact_maturity.items()}


@pytest.mark.parametrize(
    ("passing", "not_applicable", "overall", "data", "model", "code"),
    [
        # nothing: every artifact at 0
        (set(), frozenset(), 0, 0, 0, 0),
        # a level-2 project: code passes L1, nothing is asked of it at L2 → passed through
        ({"lock", "ci", "data-pin", "tracker"}, frozenset(), 2, 2, 2, 2),
        # data is wired (L3) although the code is not
        ({"lock", "ci", "data-pin", "tracker", "data-wired"}, frozenset(), 2, 3, 2, 2),
        # trailing levels whose items are not applicable are not claimed
        ({"lock", "ci", "data-pin", "tracker", "data-wired"}, frozenset({"drift"}), 2, 3, 2, 2),
        # code fails L1 (compensatory: the overall index is 2 × 1 of 4 levels → 2)
        ({"data-pin", "tracker"}, frozenset(), 1, 2, 2, 0),
        # everything
        (set(CHECKS), frozenset(), 4, 4, 4, 4),
    ],
)
def test_artifact_levels(passing, not_applicable, overall, data, model, code) -> None:
    got_overall, levels = _levels(passing, not_applicable)
    assert levels == {"data": data, "model": model, "code": code}
    assert got_overall == overall
