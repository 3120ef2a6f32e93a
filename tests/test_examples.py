"""The examples under examples/ are what a new user sees first: each one's expected.yaml states
the truth about it (profile, overall and per-artifact level, and check outcomes by check name),
and this test holds the scanner to it.

Each example is replayed into a temporary folder as a real git repository (history, tags and
all: tests/helpers.py `replay_example`), so git facts are real. expected.yaml format (see also
/work/coord/examples.md):

    example: <name>
    profile: research | batch | online-serving
    overall_level: 0-4
    artifact_levels: {data: N, model: N, code: N}
    history: [{message, date, add: [paths from the example], files: {path: text}, tag}]
    final: {message, date, tags: [...]}
    checks: {<check name>: <outcome> | [<outcome>, ...]}   # a list = any of them is right
    known_issues: {<check name>: "why the detector is wrong (reported)"}  # strict xfail

A check that the rubric does not (yet) declare is skipped with a reason, never passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLES_DIR, load_expected

EXAMPLES = sorted(p.name for p in EXAMPLES_DIR.iterdir() if (p / "expected.yaml").is_file())
OUTCOMES = {"pass", "partial", "fail", "not_applicable", "unknown", "error"}


def _check_cases() -> list:
    cases = []
    for name in EXAMPLES:
        spec = load_expected(name)
        known = spec.get("known_issues") or {}
        for check, outcome in (spec.get("checks") or {}).items():
            marks = [pytest.mark.xfail(strict=True, reason=known[check])] if check in known else []
            cases.append(pytest.param(name, check, outcome, id=f"{name}:{check}", marks=marks))
    return cases


@pytest.mark.parametrize("name", EXAMPLES)
def test_expected_file_is_well_formed(name: str) -> None:
    spec = load_expected(name)
    assert spec["example"] == name
    assert spec["profile"] in ("research", "batch", "online-serving")
    assert spec["overall_level"] in range(5)
    assert set(spec["artifact_levels"]) == {"data", "model", "code"}
    for check, outcome in spec["checks"].items():
        allowed = outcome if isinstance(outcome, list) else [outcome]
        assert set(allowed) <= OUTCOMES, f"{check}: {outcome}"
    assert set(spec.get("known_issues") or {}) <= set(spec["checks"])
    root = EXAMPLES_DIR / name
    assert (root / "README.md").is_file()
    for step in spec.get("history") or []:
        for rel in step.get("add") or []:
            assert (root / rel).is_file(), f"history adds missing file {rel}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_profile(name: str, scanned) -> None:
    assessment = scanned(name)
    assert assessment.profile.name == load_expected(name)["profile"], assessment.profile.reasons


@pytest.mark.parametrize("name", EXAMPLES)
def test_overall_level(name: str, scanned) -> None:
    assessment = scanned(name)
    m = assessment.maturity
    why = (m.index, [(a.level, a.pillar, a.attainment) for a in m.attainment], m.caps)
    assert assessment.overall_level == load_expected(name)["overall_level"], why


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("artifact", ["data", "model", "code"])
def test_artifact_level(name: str, artifact: str, scanned) -> None:
    expected = load_expected(name)["artifact_levels"][artifact]
    assert scanned(name).artifact_levels[artifact] == expected


@pytest.mark.parametrize(("name", "check", "expected"), _check_cases())
def test_check_outcome(name: str, check: str, expected: str | list[str], scanned) -> None:
    results = [r for r in scanned(name).results if r.name == check]
    if not results:
        pytest.skip(f"the rubric has no check named {check!r} yet")
    allowed = expected if isinstance(expected, list) else [expected]
    for result in results:
        evidence = "; ".join(f"{e.location()} {e.note or e.snippet or ''}" for e in result.evidence)
        assert result.outcome.value in allowed, (
            f"{result.check} {check}: {result.outcome.value} (expected {expected}) — "
            f"{result.message} [{evidence}]"
        )


def test_examples_scan_from_a_copy_never_touch_the_source(tmp_path: Path) -> None:
    """The replay copies; the example folder itself stays free of .git."""
    for name in EXAMPLES:
        assert not (EXAMPLES_DIR / name / ".git").exists()
