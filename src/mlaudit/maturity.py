"""The maturity scheme (v2, SIGNALS.md §3): per-level attainment, the index, the level.

- An item's **credit**: pass 1, partial 0.5, fail 0; a waived result counts 0 (not met,
  shown as waived); an attested result at most 0.5, and its attestation 0 once expired;
  `not_applicable` and `unknown` are left out of every average (never 0, never 1).
- A level L = 1…4 has pillars (alternative ways to evidence it); a pillar's attainment is
  the weighted mean credit of its applicable items, and the level's attainment `a_L` is its
  best pillar's (None when no item applies).
- The **index** `M = Σ a_L` (0.0–4.0, one decimal); the **level** is `round(M)` (halves up),
  then lowered by binding caps (failing disqualifiers). M is monotone in every credit (a
  mean and a max of monotone terms), an n/a or unknown item is exactly an absent item, and
  because a check sits in one level's gate (the rubric enforces it) one item moves M by at
  most 1, so the level by at most one (caps aside: a disqualifier is meant to bind).
- The same for one artifact (items restricted to its checks, pillars to those holding at
  least MIN_PILLAR_SHARE of their weight on it, when one does) and, as a capability
  profile, for a quality or a cell (its checks grouped by their own `level`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mlaudit.results import (
    ARTIFACTS,
    Assessment,
    Cap,
    CellReason,
    CheckResult,
    GateItemState,
    ItemStatus,
    LevelAttainment,
    Maturity,
    NextLevel,
    Outcome,
    PillarAttainment,
)
from mlaudit.rubric.model import Rubric, gate_refs, gate_weight

MAX_LEVEL = 4
MAX_NEXT_ITEMS = 5
NO_CAP = 4  # `caps: 4` marks an anti-signal that does not cap (it only counts as failing)
ATTESTED_CREDIT = 0.5


@dataclass(frozen=True)
class Credit:
    value: float | None  # None: left out of averages
    status: ItemStatus
    expires: str | None = None


def credit_of(r: CheckResult) -> Credit:
    """A result's credit towards maturity (and towards its cell's score)."""
    if r.outcome == Outcome.NOT_APPLICABLE:
        return Credit(None, "not_applicable")
    if r.waived_by:
        return Credit(0.0, "waived")
    base = r.outcome.credit
    if base == 1.0:
        return Credit(1.0, "met")
    att = r.attestation
    if att is not None:
        if att.expired:
            return Credit(base or 0.0, "expired", att.expires)
        return Credit(max(base or 0.0, ATTESTED_CREDIT), "attested", att.expires)
    if base is None:
        return Credit(None, "unknown")
    return Credit(base, "partial" if base > 0 else "missing")


# --- the gates, compiled ------------------------------------------------------------------
@dataclass(frozen=True)
class GateItem:
    level: int
    pillar: str
    refs: tuple[str, ...]  # check ids
    weight: float | None  # None: the highest weight of its checks


@dataclass(frozen=True)
class GatePillar:
    id: str
    title: str
    requires: tuple[str, ...]
    items: tuple[GateItem, ...]
    # each artifact's share of the pillar's weight, from the rubric (an item of checks of
    # several artifacts shares its weight among them)
    shares: tuple[tuple[str, float], ...] = ()

    def share(self, artifact: str) -> float:
        return dict(self.shares).get(artifact, 0.0)


# A pillar speaks for an artifact's level only if it asks enough of that artifact: one
# item of a pillar that is about another artifact is not that artifact "automated end to
# end" (EleutherAI/gpt-neox: code at level 2 through TRK006 alone, 1 of the ml-pipeline
# pillar's 14 weight; model at level 2 through VER005 alone, 2 of continuous delivery's 11).
# In the default rubric the shares are 7-18 % or 33 % and more, so any threshold between
# them draws the same line.
MIN_PILLAR_SHARE = 0.25


@dataclass(frozen=True)
class GateLevel:
    level: int
    name: str
    pillars: tuple[GatePillar, ...]


def compile_gates(rubric: Rubric) -> tuple[GateLevel, ...]:
    ids = {}
    checks = {}
    for _, check in rubric.checks():
        ids[check.id] = check.id
        ids[check.name] = check.id
        checks[check.id] = check
    levels = []
    for lv in sorted(rubric.levels, key=lambda x: x.level):
        if lv.level == 0:
            continue
        pillars = []
        for p in lv.all_pillars():
            items = tuple(
                GateItem(
                    level=lv.level,
                    pillar=p.id,
                    refs=tuple(dict.fromkeys(ids[r] for r in gate_refs(item))),
                    weight=gate_weight(item),
                )
                for item in p.items
            )
            pillars.append(
                GatePillar(
                    p.id,
                    p.title,
                    tuple(ids[r] for r in p.requires),
                    items,
                    _shares(items, checks),
                )
            )
        levels.append(GateLevel(lv.level, lv.name, tuple(pillars)))
    return tuple(levels)


def _shares(
    items: tuple[GateItem, ...], checks: Mapping[str, Any]
) -> tuple[tuple[str, float], ...]:
    weights: dict[str, float] = {}
    for item in items:
        members = [checks[r] for r in item.refs if r in checks]
        if not members:
            continue
        weight = item.weight if item.weight is not None else max(c.weight for c in members)
        artifacts = sorted({c.artifact for c in members})
        for artifact in artifacts:
            weights[artifact] = weights.get(artifact, 0.0) + weight / len(artifacts)
    total = sum(weights.values())
    return tuple((a, w / total) for a, w in sorted(weights.items())) if total else ()


def speaks_for(level: GateLevel, pillar: GatePillar, artifact: str | None) -> bool:
    """Does the pillar count towards this artifact's attainment of the level? Always for
    the overall view; for one artifact, when it holds MIN_PILLAR_SHARE of the pillar's
    weight, or when no pillar of the level does (then every pillar counts, as before)."""
    if artifact is None or pillar.share(artifact) >= MIN_PILLAR_SHARE:
        return True
    return all(p.share(artifact) < MIN_PILLAR_SHARE for p in level.pillars)


# --- evaluation -----------------------------------------------------------------------------
class View:
    """The results seen by one maturity computation (all, or one artifact's), with overrides
    (`what if this check passed`) for gains."""

    def __init__(self, results: Iterable[CheckResult], artifact: str | None = None) -> None:
        self.all = {r.check: r for r in results}
        self.artifact = artifact
        self.credits = {c: credit_of(r) for c, r in self.all.items()}

    def members(self, refs: tuple[str, ...]) -> list[CheckResult]:
        out = [self.all[c] for c in refs if c in self.all]
        if self.artifact is not None:
            out = [r for r in out if r.artifact == self.artifact]
        return out

    def applicable(self, ref: str) -> bool:
        r = self.all.get(ref)
        return r is not None and r.outcome != Outcome.NOT_APPLICABLE


def _item_state(item: GateItem, view: View, overrides: Mapping[str, float]) -> GateItemState | None:
    members = view.members(item.refs)
    if not members:
        return None
    best: CheckResult | None = None
    best_credit: Credit | None = None
    for m in members:
        c = view.credits[m.check]
        if m.check in overrides:
            c = Credit(overrides[m.check], "met")
        if c.value is None:
            continue
        if best_credit is None or best_credit.value is None or c.value > best_credit.value:
            best, best_credit = m, c
    if best is None or best_credit is None:
        best = members[0]
        unknown = any(view.credits[m.check].status == "unknown" for m in members)
        best_credit = Credit(None, "unknown" if unknown else "not_applicable")
    weight = item.weight if item.weight is not None else max(m.weight for m in members)
    return GateItemState(
        level=item.level,
        pillar=item.pillar,
        check=best.check,
        name=best.name,
        checks=tuple(m.check for m in members),
        artifact=best.artifact,
        weight=weight,
        credit=best_credit.value,
        status=best_credit.status,
        expires=best_credit.expires,
    )


def _mean(states: list[GateItemState]) -> float | None:
    counted = [s for s in states if s.credit is not None]
    total = sum(s.weight for s in counted)
    if total <= 0:
        return None
    return sum(s.weight * (s.credit or 0.0) for s in counted) / total


def _level_attainment(
    level: GateLevel, view: View, overrides: Mapping[str, float]
) -> LevelAttainment:
    pillars: list[PillarAttainment] = []
    items: list[GateItemState] = []
    best: PillarAttainment | None = None
    for pillar in level.pillars:
        states = [s for s in (_item_state(i, view, overrides) for i in pillar.items) if s]
        counts = (
            not pillar.requires or any(view.applicable(r) for r in pillar.requires)
        ) and speaks_for(level, pillar, view.artifact)
        value = _mean(states) if counts else None
        counted = [s for s in states if s.credit is not None] if counts else []
        pa = PillarAttainment(
            id=pillar.id,
            title=pillar.title,
            attainment=None if value is None else round(value, 4),
            met=sum(1 for s in counted if s.credit == 1.0),
            total=len(counted),
        )
        pillars.append(pa)
        if counts:
            items += states
        if pa.attainment is not None and (best is None or pa.attainment > (best.attainment or 0)):
            best = pa
    return LevelAttainment(
        level=level.level,
        name=level.name,
        attainment=best.attainment if best else None,
        pillar=best.id if best else None,
        met=best.met if best else 0,
        total=best.total if best else 0,
        pillars=tuple(pillars),
        items=tuple(items),
    )


def _item_value(
    item: GateItem, view: View, overrides: Mapping[str, float]
) -> tuple[float, float] | None:
    """(weight, credit) of an item, or None when it is absent, n/a or unknown: the numeric
    twin of _item_state, for the many what-if computations of gains."""
    members = view.members(item.refs)
    if not members:
        return None
    best: float | None = None
    for m in members:
        value = overrides.get(m.check, view.credits[m.check].value)
        if value is not None and (best is None or value > best):
            best = value
    if best is None:
        return None
    weight = item.weight if item.weight is not None else max(m.weight for m in members)
    return weight, best


def _level_value(level: GateLevel, view: View, overrides: Mapping[str, float]) -> float | None:
    """a_L as a number (the best pillar's weighted mean credit), as _level_attainment rounds it."""
    best: float | None = None
    for pillar in level.pillars:
        if pillar.requires and not any(view.applicable(r) for r in pillar.requires):
            continue
        if not speaks_for(level, pillar, view.artifact):
            continue
        total = weighted = 0.0
        for item in pillar.items:
            got = _item_value(item, view, overrides)
            if got is not None:
                total += got[0]
                weighted += got[0] * got[1]
        if total > 0:
            value = round(weighted / total, 4)
            best = value if best is None else max(best, value)
    return best


def _raw_index(
    attainment: Iterable[LevelAttainment], asks: Mapping[int, bool] | None = None
) -> float:
    return _sum_levels([(a.level, a.attainment) for a in attainment], asks)


def _sum_levels(
    values_by_level: list[tuple[int, float | None]], asks: Mapping[int, bool] | None = None
) -> float:
    """Σ a_L. For one artifact, a level whose gate asks nothing of it at all (`asks[L]`
    false: no item has a check of that artifact) takes the attainment of the nearest lower
    level that does (the first such level for leading ones): it is passed through, never
    evidence on its own."""
    values = [v or 0.0 for _, v in values_by_level]
    if asks is None:
        return sum(values)
    levels = [lv for lv, _ in values_by_level]
    asked = [i for i, lv in enumerate(levels) if asks.get(lv, True)]
    if not asked:
        return 0.0
    filled = []
    for i in range(len(values)):
        if i in asked:
            filled.append(values[i])
        else:
            lower = [j for j in asked if j < i]
            filled.append(values[lower[-1]] if lower else values[asked[0]])
    return sum(filled)


def round_index(raw: float) -> float:
    return min(float(MAX_LEVEL), round(raw + 1e-9, 1))


def level_of(index: float) -> int:
    """round(M), halves up, on the one-decimal index that the reports show."""
    tenths = round(index * 10)
    return min(MAX_LEVEL, (tenths + 5) // 10)


def caps_of(
    results: Iterable[CheckResult], caps: Mapping[str, int], artifact: str | None = None
) -> list[Cap]:
    """Failing disqualifiers. A waiver from outside lifts a cap; one from the repository
    itself does not (a repository cannot waive its own disqualifiers)."""
    out = []
    for r in results:
        if artifact is not None and r.artifact != artifact:
            continue
        cap = caps.get(r.check, NO_CAP)
        if r.strength != "anti" or r.outcome != Outcome.FAIL or cap >= NO_CAP:
            continue
        if r.waived_by and r.waiver_origin != "repository":
            continue
        out.append(
            Cap(
                check=r.check,
                name=r.name,
                artifact=r.artifact,
                cap=cap,
                waived_in_repo=bool(r.waived_by),
            )
        )
    return sorted(out, key=lambda c: (c.cap, c.check))


def _attain(
    levels: tuple[GateLevel, ...], view: View, overrides: Mapping[str, float]
) -> tuple[LevelAttainment, ...]:
    return tuple(_level_attainment(lv, view, overrides) for lv in levels)


def _asks(levels: tuple[GateLevel, ...], view: View) -> dict[int, bool] | None:
    if view.artifact is None:
        return None
    return {
        lv.level: any(view.members(i.refs) for p in lv.pillars for i in p.items) for lv in levels
    }


def index_of(
    levels: tuple[GateLevel, ...], view: View, overrides: Mapping[str, float] | None = None
) -> float:
    overrides = overrides or {}
    values = [(lv.level, _level_value(lv, view, overrides)) for lv in levels]
    return _sum_levels(values, _asks(levels, view))


def assess_maturity(
    levels: tuple[GateLevel, ...],
    results: Iterable[CheckResult],
    caps: Mapping[str, int],
    artifact: str | None = None,
) -> Maturity:
    results = list(results)
    view = View(results, artifact)
    attainment = _attain(levels, view, {})
    raw = _raw_index(attainment, _asks(levels, view))
    index = round_index(raw)
    uncapped = level_of(index)
    failing = caps_of(results, caps, artifact)
    level = min([uncapped] + [c.cap for c in failing])
    # a cap at the level reached binds too: it is what stops the next level (and, at level
    # 0, the reason the level is 0 — "not an ML system" — rather than a list of gaps)
    binding = tuple(
        c if c.cap < uncapped else c.model_copy(update={"lowers": False})
        for c in failing
        if c.cap <= uncapped
    )
    # gains: what fully meeting each item would add to the index (exact: its level's
    # attainment recomputed, the other levels as they are)
    asks = _asks(levels, view)
    values = [(a.level, a.attainment) for a in attainment]
    with_gain: list[LevelAttainment] = []
    for n, (gl, la) in enumerate(zip(levels, attainment, strict=True)):
        states = []
        for s in la.items:
            gain = 0.0
            if s.status != "not_applicable" and (s.credit is None or s.credit < 1.0):
                what_if = list(values)
                what_if[n] = (gl.level, _level_value(gl, view, {s.check: 1.0}))
                gain = _sum_levels(what_if, asks) - raw
            states.append(s.model_copy(update={"gain": round(max(gain, 0.0), 3)}))
        with_gain.append(la.model_copy(update={"items": tuple(states)}))
    next_level = None
    if level < MAX_LEVEL:
        target = next((a for a in with_gain if a.level == level + 1), None)
        missing = sorted(
            (s for a in with_gain for s in a.items if s.gain > 0),
            key=lambda s: (-s.gain, s.level, s.check),
        )
        seen: set[str] = set()
        top = []
        for s in missing:
            if s.check not in seen:
                seen.add(s.check)
                top.append(s)
        next_level = NextLevel(
            level=level + 1,
            pillar=target.pillar if target else None,
            met=target.met if target else 0,
            total=target.total if target else 0,
            index_needed=level + 0.5,
            missing=tuple(top[:MAX_NEXT_ITEMS]),
        )
    return Maturity(
        index=index,
        level=level,
        uncapped_level=uncapped,
        attainment=tuple(with_gain),
        caps=binding,
        next_level=next_level,
    )


# --- capability profile: a cell or a quality, by the checks' own levels -------------------
@dataclass(frozen=True)
class Profile:
    score: float | None
    index: float | None
    level: int | None
    reason: CellReason | None


def counted_in_profile(r: CheckResult) -> bool:
    """Positive checks count; an anti-signal counts only when it fails (the absence of a bad
    thing is no evidence of practice, its presence is evidence against)."""
    return r.strength != "anti" or r.outcome == Outcome.FAIL


def profile(results: Iterable[CheckResult], caps: Mapping[str, int]) -> Profile:
    """Score (0–100) and index/level of a cell or quality from the same checks.

    a_L = weighted mean credit of its checks at level L. A level between two measured levels
    takes the smaller of their attainments: nothing is asked there, so it is met no better
    than the practices on either side of it (a cell whose level-1 checks pass and whose
    level-3 checks all fail is level 1, not 2). A level below the first measured one takes
    the first one's (what is asked above implies it); levels above the highest measured one
    add nothing, and the reason says so when that is why the level is lower than the score
    suggests."""
    results = list(results)
    counted = []
    for r in results:
        if not counted_in_profile(r):
            continue
        c = credit_of(r)
        if c.value is not None:
            counted.append((r, c.value))
    if not counted:
        return Profile(None, None, None, None)
    total = sum(r.weight for r, _ in counted)
    score = round(100.0 * sum(r.weight * v for r, v in counted) / total, 1)
    by_level: dict[int, float] = {}
    for lv in range(1, MAX_LEVEL + 1):
        at = [(r, v) for r, v in counted if r.level == lv]
        w = sum(r.weight for r, _ in at)
        if w > 0:
            by_level[lv] = sum(r.weight * v for r, v in at) / w
    measured = sorted(by_level)
    top = measured[-1]
    a: dict[int, float] = {}
    for lv in range(1, MAX_LEVEL + 1):
        if lv in by_level:
            a[lv] = by_level[lv]
        elif lv > top:
            a[lv] = 0.0
        elif lv < measured[0]:
            a[lv] = by_level[measured[0]]
        else:
            above = next(m for m in measured if m > lv)
            a[lv] = min(a[lv - 1], by_level[above])
    index = round_index(sum(a.values()))
    uncapped = level_of(index)
    failing = caps_of(results, caps)
    level = min([uncapped] + [c.cap for c in failing])
    reason: CellReason | None = None
    implied = level_of(score / 25.0)
    if level < uncapped:
        cap = failing[0]
        reason = CellReason(kind="capped", level=cap.cap, check=cap.check, name=cap.name)
    elif level < implied and level >= top:
        reason = CellReason(kind="top-level", level=top)
    elif level < level_of(score / 100.0 * top):
        # the score is high for what the cell measures, but a lower level's checks fail
        unmet = next((lv for lv in measured if by_level[lv] < 0.5), level + 1)
        reason = CellReason(kind="lower-level-unmet", level=unmet)
    return Profile(score, index, level, reason)


# --- words, for every renderer (each escapes them for its own output) ----------------------
def fmt_index(index: float | None) -> str:
    return "?" if index is None else f"{index:.1f}"


NO_ARTIFACT = "n/a — none of its items applies"


def artifact_applies(m: Maturity | None) -> bool:
    """Does any level item of this artifact apply? A repository without a model or data of
    its own (an orchestrator, a serving library) has no level for it: its 0 is shown as
    n/a, never as "L0 — Manual" (Netflix/metaflow's model, reviewed)."""
    return m is not None and any(level.attainment is not None for level in m.attainment)


def artifact_level(m: Maturity | None) -> int | None:
    """The artifact's level as history points, fleet rows and diffs carry it: None (n/a)
    where none of its items applies, so a trend or a fleet table never shows a missing model
    as "L0" and a diff never calls its disappearance a drop."""
    return m.level if m is not None and artifact_applies(m) else None


def level_text(level: int | None) -> str:
    return "n/a" if level is None else f"L{level}"


def cap_text(cap: Cap) -> str:
    """A binding cap in words: "capped" only where it lowered the level (SIGNALS: caps are
    reported when they bind); where the index alone gives the level, that the cap lowers
    nothing now and what it will hold back (ageron/handson-ml3 and gorse-io/gorse read
    "capped at level 1" as a level lowered; IshmitaBasu/MLOps-Pipeline-for-Fraud-Detection-in-
    Financial-Data and boubnacer/AirQuality-MLOps-Platform read "held at level 1" the same
    way; reviewed)."""
    by_repo = " (waived by the repository itself, which cannot waive a disqualifier)"
    if cap.lowers:
        text = f"capped at level {cap.cap}: {cap.name} ({cap.check}) failed"
    else:
        text = (
            f"{cap.name} ({cap.check}) failed: it does not lower this level (the index gives "
            f"it), but no level above L{cap.cap} is reached until it is fixed"
        )
    return text + (by_repo if cap.waived_in_repo else "")


def item_text(item: GateItemState) -> str:
    status = {
        "partial": "partial",
        "missing": "missing",
        "waived": "waived",
        "attested": f"attested until {item.expires}",
        "expired": f"attestation expired on {item.expires}",
        "unknown": "unknown",
    }.get(item.status, item.status)
    return f"{item.name} ({item.check}, L{item.level}, {status}) +{item.gain:.2f}"


def progress_text(m: Maturity, level_name: str = "") -> str:
    """ "level 3 (Automated deployment): 4/14 items met; most index: a +0.14, b +0.11"."""
    nl = m.next_level
    if nl is None:
        return "highest level reached"
    name = f" ({level_name})" if level_name else ""
    text = f"to reach level {nl.level}{name} (index {nl.index_needed:.1f}): "
    # no pillar of the level applies (a repository that neither trains nor deploys, at
    # level 2): the index still rises through the other levels' items
    text += f"{nl.met}/{nl.total} of its items met" if nl.total else "none of its pillars applies"
    if nl.missing:
        text += "; raise the index most: " + ", ".join(item_text(i) for i in nl.missing)
    return text


def compensation_text(m: Maturity, level_name: str = "") -> str | None:
    """Say so when the level shown rests on no practice of its own: the index sums every
    level's attainment, so level-1 and level-3 practice can round up to a level 2 whose
    own items (a pipeline, continuous delivery) are all missing or do not apply (a library
    with a strong test suite: SeldonIO/alibi-detect, microsoft/recommenders). The level is
    kept (one item still moves it by at most one); the reader is told what it stands on."""
    if m.level < 1:
        return None
    own = next((a for a in m.attainment if a.level == m.level), None)
    if own is None or (own.attainment is not None and own.attainment > 0):
        return None
    others = [a.level for a in m.attainment if a.level != m.level and a.attainment]
    if not others:
        return None
    name = f" ({level_name})" if level_name else ""
    why = (
        "none of its items applies to this repository"
        if own.attainment is None
        else f"none of its {own.total} items is met"
    )
    sources = (
        f"level {others[0]}"
        if len(others) == 1
        else "levels " + ", ".join(str(level) for level in others[:-1]) + f" and {others[-1]}"
    )
    return (
        f"level {m.level}{name} comes from the index, not from practice of its own: {why}; "
        f"the index is made of {sources} practice"
    )


def compensation_lines(a: Assessment) -> list[str]:
    """compensation_text of the overall level and of each artifact's, one line each."""
    lines = []
    overall = compensation_text(a.maturity, a.level_name(a.maturity.level))
    if overall:
        lines.append(overall[0].upper() + overall[1:])
    for artifact in ARTIFACTS:
        m = a.artifact_maturity.get(artifact)
        text = compensation_text(m) if m is not None else None
        if text:
            lines.append(f"{artifact.capitalize()}: {text}")
    return lines


def cell_reason_text(reason: CellReason | None) -> str:
    if reason is None:
        return ""
    if reason.kind == "capped":
        return f"capped at L{reason.level} by {reason.name} ({reason.check})"
    if reason.kind == "top-level":
        return f"this cell has no checks above level {reason.level}"
    return f"level-{reason.level} checks of this cell are not met"


def cell_reason_lines(a: Assessment) -> list[str]:
    """One line per cell whose level is lower than its score suggests, with the reason."""
    titles = {q.id: q.title for q in a.qualities}
    return [
        f"{titles.get(c.quality, c.quality)} × {c.artifact}: {cell_reason_text(c.reason)}"
        for c in a.cells
        if c.reason is not None
    ]
