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


def make_rubric(levels: list[dict], checks: dict[str, tuple[str, int]]) -> Rubric:
    """A one-quality rubric: `checks` name → (artifact, level), ids QQQ001…"""
    return Rubric.model_validate(
        {
            "id": "t",
            "version": "1",
            "title": "t",
            "levels": levels,
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
                        for i, (name, (artifact, level)) in enumerate(checks.items(), 1)
                    ],
                }
            ],
        }
    )


RUBRIC = make_rubric(
    [
        {"level": 0, "name": "L0"},
        {"level": 1, "name": "L1", "gate": ["lock", "ci"]},
        {"level": 2, "name": "L2", "gate": ["data-pin", "tracker"]},
        {"level": 3, "name": "L3", "gate": ["data-wired", "cd", "gate"]},
        {"level": 4, "name": "L4", "gate": ["drift", "loadtest", "monitor"]},
    ],
    CHECKS,
)


def make_results(
    checks: dict[str, tuple[str, int]], passing: set[str], not_applicable: frozenset[str]
) -> list[CheckResult]:
    """One result per check: passing, not applicable, or failing."""
    return [
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
            outcome=(
                Outcome.NOT_APPLICABLE
                if name in not_applicable
                else Outcome.PASS
                if name in passing
                else Outcome.FAIL
            ),
            message="",
        )
        for i, (name, (artifact, level)) in enumerate(checks.items(), 1)
    ]


def _levels(passing: set[str], not_applicable: frozenset[str] = frozenset()) -> tuple[int, dict]:
    scored = score(make_results(CHECKS, passing, not_applicable), RUBRIC)
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


# A pillar that barely involves an artifact does not speak for its level (EleutherAI/gpt-neox:
# code at level 2 through one code-version-logged item of the ml-pipeline pillar).
PILLAR_CHECKS = {
    "lock": ("code", 1),
    "readme-data": ("data", 1),
    "pipeline": ("model", 2),
    "tracker": ("model", 2),
    "git-hash": ("code", 2),
    "cd": ("code", 2),
    "image": ("code", 2),
    "registry": ("model", 2),
}
PILLAR_RUBRIC = make_rubric(
    [
        {"level": 0, "name": "L0"},
        # data holds a tenth of the only level-1 pillar: still its pillar (no other is)
        {
            "level": 1,
            "name": "L1",
            "pillars": [
                {
                    "id": "scripted",
                    "title": "s",
                    "items": [
                        {"check": "lock", "weight": 9},
                        {"check": "readme-data", "weight": 1},
                    ],
                }
            ],
        },
        {
            "level": 2,
            "name": "L2",
            "pillars": [
                {
                    "id": "ml-pipeline",
                    "title": "p",
                    "items": [
                        {"check": "pipeline", "weight": 3},
                        {"check": "tracker", "weight": 3},
                        {"check": "git-hash", "weight": 1},
                    ],
                },
                {
                    "id": "delivery",
                    "title": "d",
                    "items": [
                        {"check": "cd", "weight": 3},
                        {"check": "image", "weight": 3},
                        {"check": "registry", "weight": 1},
                    ],
                },
            ],
        },
    ],
    PILLAR_CHECKS,
)


def _pillar_levels(passing: set[str]) -> dict[str, float]:
    scored = score(make_results(PILLAR_CHECKS, passing, frozenset()), PILLAR_RUBRIC)
    return {a: m.index for a, m in scored.artifact_maturity.items()}


@pytest.mark.parametrize(
    ("passing", "code", "model", "data"),
    [
        # the code's one item of the ml pipeline (1 of 7) does not make code level 2 ...
        ({"lock", "git-hash"}, 1.0, 0.0, 0.0),
        # ... its own pillar, delivery (6 of 7), does
        ({"lock", "cd", "image"}, 2.0, 0.0, 0.0),
        # nor does the model's registry alone (1 of 7 of delivery) make model level 2
        ({"registry"}, 0.0, 0.0, 0.0),
        ({"pipeline", "tracker"}, 0.0, 2.0, 0.0),
        # the trap: data's one item of level 1 still counts, no pillar of that level is
        # more data's (passed through to level 2, which asks nothing of data)
        ({"readme-data"}, 0.0, 0.0, 2.0),
    ],
)
def test_a_pillar_that_barely_involves_an_artifact_does_not_speak_for_it(
    passing, code, model, data
) -> None:
    assert _pillar_levels(passing) == {"data": data, "model": model, "code": code}
