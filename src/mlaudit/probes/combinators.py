"""Combinators: build a signal from other probes in YAML, without code.

- `any_of`: the best outcome of its parts (pass > partial > unknown > error > fail);
- `all_of`: the worst (fail > error > unknown > partial > pass);
- `wired`: a *declared* probe and a *wiring* probe (CI, orchestrator): both → pass,
  declared only → partial (the catalogue's 0.5 credit), neither → fail;
- `absent`: an anti-signal; passes when its part fails and fails when it passes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from mlaudit.probes import base, words
from mlaudit.probes.registry import Params, get_probe, probe
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Observation, Outcome


class SubProbe(Params):
    probe: str
    with_: Params | dict[str, Any] = Field(default_factory=dict, alias="with")

    model_config = Params.model_config | {"populate_by_name": True}

    @model_validator(mode="before")
    @classmethod
    def _validate_params(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("expected a mapping with `probe` and `with`")
        name = data.get("probe")
        spec = get_probe(str(name)) if name else None
        if spec is None:
            raise ValueError(f"unknown probe {name!r}")
        raw = data.get("with", data.get("with_", {})) or {}
        if isinstance(raw, Params):
            return data
        from mlaudit.rubric.model import validate_params

        return {"probe": name, "with": validate_params(spec.name, spec.params, raw)}

    def run(self, snap: Snapshot) -> Observation:
        spec = get_probe(self.probe)
        assert spec is not None  # validated at load time
        return spec.fn(snap, self.with_)


_BEST = [
    Outcome.PASS,
    Outcome.PARTIAL,
    Outcome.UNKNOWN,
    Outcome.ERROR,
    Outcome.FAIL,
    Outcome.NOT_APPLICABLE,
]


class AnyOfParams(Params):
    probes: list[SubProbe] = Field(min_length=1)
    failure: Literal["all", "first"] = Field(
        default="all",
        description="when every part fails: every part's message, or the first part's only "
        "(the later parts are lesser credit, whose absence the first already says)",
    )


@probe("any_of", AnyOfParams)
def any_of(snap: Snapshot, p: AnyOfParams) -> Observation:
    """Any of several probes: the best outcome wins, with the evidence of every part that
    reached that outcome."""
    observations = [sub.run(snap) for sub in p.probes]
    best = min(observations, key=lambda o: _BEST.index(o.outcome))
    same = [o for o in observations if o.outcome == best.outcome]
    if best.outcome == Outcome.FAIL and p.failure == "first":
        same = same[:1]  # every part failed: the first part's words
    evidence = [e for o in same for e in o.evidence]
    messages = "; ".join(dict.fromkeys(o.message for o in same if o.message))
    return Observation(outcome=best.outcome, evidence=base.cap(evidence), message=messages)


class AllOfParams(Params):
    probes: list[SubProbe] = Field(min_length=1)


@probe("all_of", AllOfParams)
def all_of(snap: Snapshot, p: AllOfParams) -> Observation:
    """All of several probes: the worst outcome wins; evidence from every part."""
    observations = [sub.run(snap) for sub in p.probes]
    worst = max(observations, key=lambda o: _BEST.index(o.outcome))
    evidence = [e for o in observations for e in o.evidence]
    messages = "; ".join(dict.fromkeys(o.message for o in observations if o.message))
    return Observation(outcome=worst.outcome, evidence=base.cap(evidence), message=messages)


class WiredParams(Params):
    declared: SubProbe
    wiring: SubProbe
    covers_declared: bool = Field(
        default=False,
        description="the wiring must run the test files the declared evidence names: they "
        "are passed to it as its `covers` (tests_in_ci)",
    )


@probe("wired", WiredParams)
def wired(snap: Snapshot, p: WiredParams) -> Observation:
    """A practice that is declared (a file, a call) and wired (CI or an orchestrator runs it).

    Credit follows the ML Test Score: declared only → partial, declared and run
    automatically → pass.
    """
    declared = p.declared.run(snap)
    if declared.outcome not in (Outcome.PASS, Outcome.PARTIAL):
        return declared
    wiring = _wiring_for(p, declared).run(snap)
    evidence = list(declared.evidence) + list(wiring.evidence)
    if wiring.outcome == Outcome.PASS and declared.outcome == Outcome.PASS:
        return base.passed(f"{declared.message}; wired: {wiring.message}", evidence)
    if wiring.outcome == Outcome.PASS:  # run automatically, but only partly declared
        return base.partial(f"{declared.message}; wired: {wiring.message}", evidence)
    if wiring.outcome == Outcome.PARTIAL:  # run, but by hand, on a schedule, or unheeded
        return base.partial(f"{declared.message}; not wired: {wiring.message}", evidence)
    return base.partial(f"{declared.message}; not run automatically", evidence)


def _wiring_for(p: WiredParams, declared: Observation) -> SubProbe:
    """The wiring probe, narrowed to the declared evidence's test files with
    `covers_declared`: a threshold asserted in a folder CI never tests is not run by CI
    running other tests (trainindata/deploying-machine-learning-models
    assignment-section-05/tests/test_prediction.py:27; reviewed)."""
    if not p.covers_declared or not isinstance(p.wiring.with_, Params):
        return p.wiring
    if "covers" not in type(p.wiring.with_).model_fields:
        return p.wiring
    if len(declared.evidence) >= base.MAX_EVIDENCE:
        return p.wiring  # the evidence is capped: the declared files are not all known
    files = sorted({e.path for e in declared.evidence if base.is_test_path(e.path)})
    if not files or any(c in f for f in files for c in "*?[]{}\\"):
        return p.wiring  # none, or a path that would read as a glob: not narrowed
    # a leading "/" anchors each glob at the root: `test_x.py` is no `sub/test_x.py`
    narrowed = p.wiring.with_.model_copy(update={"covers": ["/" + f for f in files]})
    return p.wiring.model_copy(update={"with_": narrowed})


class AbsentParams(Params):
    probe: SubProbe
    message: str = ""


@probe("absent", AbsentParams)
def absent(snap: Snapshot, p: AbsentParams) -> Observation:
    """Anti-signal: passes when the inner probe finds nothing, fails (with its evidence)
    when it does."""
    inner = p.probe.run(snap)
    if inner.outcome in (Outcome.PASS, Outcome.PARTIAL):
        return base.failed(p.message or f"found: {inner.message}", inner.evidence)
    if inner.outcome == Outcome.FAIL:
        return base.passed((p.message and f"not found ({p.message})") or "not found")
    return inner


class AtMostPartialParams(Params):
    probe: SubProbe
    note: str = Field(default="", description="why this evidence is worth half credit at most")
    inner_partial: Literal["partial", "fail"] = Field(
        default="partial",
        description="what the inner probe's own partial counts as: weak evidence that is "
        "itself only half there may count as nothing",
    )


@probe("at_most_partial", AtMostPartialParams)
def at_most_partial(snap: Snapshot, p: AtMostPartialParams) -> Observation:
    """Weaker evidence: the inner probe's pass counts as partial (declared, not proven).

    Used where a fact suggests the practice without establishing it, e.g. a version tag
    instead of a digest, or an inferred rather than declared environment.
    """
    inner = p.probe.run(snap)
    if inner.outcome == Outcome.PARTIAL and p.inner_partial == "fail":
        return base.failed(inner.message, inner.evidence)
    if inner.outcome != Outcome.PASS:
        return inner
    message = f"{inner.message} ({p.note})" if p.note else inner.message
    return base.partial(message, inner.evidence)


class UndecidedParams(Params):
    probe: SubProbe
    note: str = Field(min_length=1, description="what the source does not settle")


@probe("undecided", UndecidedParams)
def undecided(snap: Snapshot, p: UndecidedParams) -> Observation:
    """Evidence that leaves the question open: the inner probe's pass is `unknown`.

    Used where the parts of a practice are all present but whether they act together is
    decided at run time, e.g. MLflow autologging switched on in one module and a search
    run in another: autolog records the search only if it is on when the search runs.
    """
    inner = p.probe.run(snap)
    if inner.outcome != Outcome.PASS:
        return inner
    return base.unknown(f"{inner.message}; {p.note}", inner.evidence)


class OnlyIfParams(Params):
    when: SubProbe
    then: SubProbe
    message: str = Field(default="", description="shown when the condition does not hold")
    undecided: Literal["unknown", "then"] = Field(
        default="unknown",
        description="when the condition is unknown: 'unknown' (the check is undecided too) or "
        "'then' (run `then` as if it held: for a precondition whose error is costly one way)",
    )
    found_applies: bool = Field(
        default=False,
        description="what `then` finds (pass, partial, or undecided) stands whatever the "
        "condition says; only its fail becomes not applicable where the condition fails",
    )
    otherwise: Literal["not_applicable", "fail"] = Field(
        default="not_applicable",
        description="the outcome where the condition fails: 'not_applicable', or 'fail' for "
        "a practice that needs the condition to mean anything (coverage measured over no "
        "tests measures nothing)",
    )


@probe("only_if", OnlyIfParams)
def only_if(snap: Snapshot, p: OnlyIfParams) -> Observation:
    """A conditional signal: not applicable (or, with `otherwise: fail`, failed) unless
    `when` finds something; then `then`.

    E.g. notebook hygiene only matters when the repository has notebooks, and tracked
    hyper-parameter searches only when it runs a search at all. With `undecided: then`, a
    condition that cannot be decided runs `then` (the training checks: an unreadable
    repository is graded as one that trains, never lifted by n/a). With `found_applies`, the
    evidence `then` finds counts even where the condition fails (tests of preprocessing code
    in a repository without data: openai/whisper's text normalisers); `then` runs first and
    once.
    """
    found = p.then.run(snap) if p.found_applies else None
    if found is not None and found.outcome != Outcome.FAIL:
        return found
    condition = p.when.run(snap)
    if condition.outcome in (Outcome.FAIL, Outcome.NOT_APPLICABLE):
        if p.otherwise == "fail":
            return base.failed(p.message or condition.message, condition.evidence)
        return base.not_applicable(p.message or f"not applicable: {condition.message}")
    if condition.outcome in (Outcome.UNKNOWN, Outcome.ERROR) and p.undecided == "unknown":
        return condition
    return found if found is not None else p.then.run(snap)


class SameFileParams(Params):
    probes: list[SubProbe] = Field(min_length=2)
    ordered: bool = Field(
        default=False,
        description="the parts must be found in this order in the file: each at a line after "
        "one of the part before it (a metric test, THEN the raise that stops the run)",
    )


_FOUND_OR_UNDECIDED = (Outcome.PASS, Outcome.PARTIAL, Outcome.UNKNOWN, Outcome.ERROR)


def _in_order(path: str, observations: list[Observation]) -> bool:
    """Does each part have evidence in `path` at a line after one of the part before it?"""
    after = 0
    for observation in observations:
        lines = [e.line for e in observation.evidence if e.path == path and e.line]
        later = [line for line in lines if line > after]
        if not later:
            return False
        after = min(later)
    return True


@probe("same_file", SameFileParams)
def same_file(snap: Snapshot, p: SameFileParams) -> Observation:
    """Every part finds evidence in one and the same file (e.g. a Ray Tune search that
    also registers an MLflow callback). Pass if some file satisfies every part with a
    pass; partial if the best common file only reaches partial (notebooks). A part that
    finds nothing fails the whole at once (the later parts are not run: whatever they
    find, or cannot decide, no file can hold every part)."""
    observations = []
    for sub in p.probes:
        with base.all_evidence():
            observation = sub.run(snap)
        if observation.outcome not in _FOUND_OR_UNDECIDED:
            return base.failed(observation.message or "a part found nothing")
        observations.append(observation)
    if any(o.outcome in (Outcome.UNKNOWN, Outcome.ERROR) for o in observations) and not all(
        o.outcome in (Outcome.PASS, Outcome.PARTIAL) for o in observations
    ):
        worst = next(o for o in observations if o.outcome in (Outcome.UNKNOWN, Outcome.ERROR))
        return worst
    common = set.intersection(*({e.path for e in o.evidence} for o in observations))
    if common and p.ordered:
        common = {path for path in common if _in_order(path, observations)}
        if not common:
            return base.failed("the parts were found in the same file, but not in this order")
    if not common:
        return base.failed("the parts were found, but never in the same file")
    evidence = [e for o in observations for e in o.evidence if e.path in common]
    # the parts' own messages name files where only one part holds
    message = f"found together in {words.listing(sorted(common))}"
    if all(o.outcome == Outcome.PASS for o in observations):
        return base.passed(message, evidence)
    return base.partial(message, evidence)
