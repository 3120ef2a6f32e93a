"""Properties of the maturity scheme (SIGNALS.md §3 "Levels (v2)") over generated outcome sets
of the default rubric's checks: the index is monotone, no single gate item moves the level by
more than one, and n/a and unknown items are exactly absent ones."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlaudit.maturity import assess_maturity, compile_gates
from mlaudit.results import CheckResult, Outcome
from mlaudit.rubric.load import load_rubric
from mlaudit.rubric.model import Rubric
from mlaudit.scoring import cap_levels

OUTCOMES = [
    Outcome.PASS,
    Outcome.PARTIAL,
    Outcome.FAIL,
    Outcome.NOT_APPLICABLE,
    Outcome.UNKNOWN,
    Outcome.ERROR,
]
RANK = {Outcome.FAIL: 0, Outcome.PARTIAL: 1, Outcome.PASS: 2}


@cache
def rubric() -> Rubric:
    return load_rubric().rubric


@cache
def checks() -> tuple[tuple[str, str, str, int, str, float], ...]:
    return tuple(
        (c.id, c.name, c.artifact, c.level, c.strength, c.weight) for _, c in rubric().checks()
    )


@cache
def gate_checks() -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                ref
                for lv in compile_gates(rubric())
                for p in lv.pillars
                for i in p.items
                for ref in i.refs
            }
        )
    )


def results_for(outcomes: dict[str, Outcome]) -> list[CheckResult]:
    return [
        CheckResult(
            check=cid,
            name=name,
            title=name,
            quality="q",
            artifact=artifact,
            level=level,
            weight=weight,
            severity="medium",
            strength=strength,
            outcome=outcomes[cid],
            message="",
        )
        for cid, name, artifact, level, strength, weight in checks()
        if cid in outcomes
    ]


def maturity(outcomes: dict[str, Outcome], artifact: str | None = None):
    return assess_maturity(
        compile_gates(rubric()), results_for(outcomes), cap_levels(rubric()), artifact
    )


@st.composite
def outcome_sets(draw):
    ids = [c[0] for c in checks()]
    values = draw(st.lists(st.sampled_from(OUTCOMES), min_size=len(ids), max_size=len(ids)))
    return dict(zip(ids, values, strict=True))


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(outcome_sets(), st.data())
def test_raising_an_item_never_lowers_index_or_level(outcomes, data) -> None:
    """fail → partial → pass never lowers the index or the level (overall or per artifact);
    anti-signals too: a disqualifier that stops failing can only lift a cap."""
    ranked = [c for c, o in outcomes.items() if o in RANK and RANK[o] < 2]
    if not ranked:
        return
    cid = data.draw(st.sampled_from(ranked))
    better = data.draw(
        st.sampled_from(
            [o for o in (Outcome.PARTIAL, Outcome.PASS) if RANK[o] > RANK[outcomes[cid]]]
        )
    )
    raised = {**outcomes, cid: better}
    for artifact in (None, "data", "model", "code"):
        before, after = maturity(outcomes, artifact), maturity(raised, artifact)
        assert after.index >= before.index, (cid, artifact)
        assert after.level >= before.level, (cid, artifact)


@PROPERTY
@given(outcome_sets(), st.data())
def test_one_gate_item_moves_the_level_by_at_most_one(outcomes, data) -> None:
    cid = data.draw(st.sampled_from(gate_checks()))
    levels = set()
    for outcome in OUTCOMES:
        m = maturity({**outcomes, cid: outcome})
        levels.add(m.uncapped_level)
        assert 0.0 <= m.index <= 4.0
    assert max(levels) - min(levels) <= 1, cid


@PROPERTY
@given(outcome_sets(), st.data())
def test_not_applicable_and_unknown_are_absent(outcomes, data) -> None:
    cid = data.draw(st.sampled_from([c[0] for c in checks()]))
    absent = {k: v for k, v in outcomes.items() if k != cid}
    want = maturity(absent)
    for outcome in (Outcome.NOT_APPLICABLE, Outcome.UNKNOWN, Outcome.ERROR):
        got = maturity({**outcomes, cid: outcome})
        if outcome != Outcome.NOT_APPLICABLE and cid in _required():
            # a pillar's `requires` (e.g. the container pillar needs a container): n/a and
            # absent agree (no container); unknown keeps the pillar (there is one to judge)
            continue
        assert got.index == want.index, (cid, outcome)
        assert got.uncapped_level == want.uncapped_level


@cache
def _required() -> frozenset[str]:
    return frozenset(r for lv in compile_gates(rubric()) for p in lv.pillars for r in p.requires)


@PROPERTY
@given(outcome_sets())
def test_level_is_the_rounded_index_lowered_only_by_binding_caps(outcomes) -> None:
    m = maturity(outcomes)
    assert m.uncapped_level == min(4, int(m.index + 0.5 + 1e-9))
    assert m.level <= m.uncapped_level
    if m.level < m.uncapped_level:
        assert m.caps and min(c.cap for c in m.caps) == m.level
    assert all(
        c.cap <= m.uncapped_level for c in m.caps
    )  # only caps that bind (lower the level or stop the next) are shown


def test_extremes() -> None:
    ids = [c[0] for c in checks()]
    strengths = {c[0]: c[4] for c in checks()}
    best = maturity({c: Outcome.PASS for c in ids})
    assert best.index == 4.0 and best.level == 4 and best.next_level is None
    worst = maturity({c: Outcome.PASS if strengths[c] == "anti" else Outcome.FAIL for c in ids})
    assert worst.index == 0.0 and worst.level == 0


def test_live_credential_caps_at_one_history_only_does_not() -> None:
    ids = [c[0] for c in checks()]
    everything = {c: Outcome.PASS for c in ids}
    assert maturity({**everything, "SEC014": Outcome.FAIL}).level == 4
    capped = maturity({**everything, "SEC010": Outcome.FAIL})
    assert capped.level == 1 and capped.uncapped_level == 4
    assert [c.check for c in capped.caps] == ["SEC010"]
    nb = maturity({**everything, "REP012": Outcome.FAIL})
    assert nb.level == 0


def test_a_level_without_practice_of_its_own_is_said_so() -> None:
    """Level-1 and level-3 practice round the index up to a level 2 none of whose items is
    met: the level stays (compensatory), and the report says what it stands on."""
    from mlaudit.maturity import compensation_text

    levels = {lv.level: lv for lv in compile_gates(rubric())}
    by_level = {
        lv: [r for p in g.pillars for i in p.items for r in i.refs] for lv, g in levels.items()
    }
    strengths = {c[0]: c[4] for c in checks()}
    ids = [c[0] for c in checks()]
    outcomes = {c: Outcome.PASS if strengths[c] == "anti" else Outcome.FAIL for c in ids}
    outcomes |= {c: Outcome.PASS for c in by_level[1] + by_level[3]}
    lifted = maturity(outcomes)
    assert lifted.level == 2 and [a.attainment for a in lifted.attainment if a.level == 2] == [0.0]
    text = compensation_text(lifted, "Automated training or delivery")
    assert text is not None and text.startswith("level 2 (Automated training or delivery)")
    assert "none of its" in text and "levels 1 and 3" in text
    # a level with some practice of its own needs no word: one level-2 item met
    outcomes[by_level[2][0]] = Outcome.PASS
    assert compensation_text(maturity(outcomes)) is None
    # nor does level 0, or a level reached by its own items alone
    assert compensation_text(maturity({c: Outcome.FAIL for c in ids})) is None
    assert compensation_text(maturity({c: Outcome.PASS for c in ids})) is None


def test_a_cap_says_capped_only_where_it_lowers_the_level() -> None:
    """SIGNALS: caps are reported when they bind. A cap at the level the index gives anyway
    holds the next level back; reading "capped at level 1" there, two reviewers took the level
    for lowered (ageron/handson-ml3 REP012 at 0, gorse-io/gorse SEC010 at 1; reviewed)."""
    from mlaudit.maturity import cap_text

    ids = [c[0] for c in checks()]
    everything = {c: Outcome.PASS for c in ids}
    lowered = maturity({**everything, "SEC010": Outcome.FAIL})
    assert [c.lowers for c in lowered.caps] == [True]
    assert cap_text(lowered.caps[0]).startswith("capped at level 1:")
    strengths = {c[0]: c[4] for c in checks()}
    nothing = {c: Outcome.PASS if strengths[c] == "anti" else Outcome.FAIL for c in ids}
    held = maturity({**nothing, "REP012": Outcome.FAIL})  # notebook-only caps at 0
    assert held.uncapped_level == 0 and held.level == 0
    assert [c.check for c in held.caps] == ["REP012"]
    assert not held.caps[0].lowers
    text = cap_text(held.caps[0])
    assert "capped" not in text and "does not lower this level" in text, text
    assert "no level above L0 is reached until it is fixed" in text, text
