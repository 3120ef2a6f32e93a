"""Run each check's probe once, score every quality × artifact cell, derive the maturity.

Rules (docs/profiles-and-levels.md, SIGNALS.md §3 "Levels (v2)"; the scheme is in
maturity.py):
- credit: pass 1, partial 0.5, fail 0, waived 0 (not met), attested at most 0.5 (0 once
  expired); `not_applicable`, `unknown` and `error` are left out of averages;
- the maturity index M = Σ a_L over the rubric's level gates, the level round(M) lowered by
  binding caps; the same per artifact; a capability profile per quality;
- a cell's score and level come from the same checks (its positive checks and its failing
  anti-signals); where the level is lower than the score suggests, the cell says why;
- "fix next" is ordered by binding caps first, then by the index each fix adds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mlaudit import __version__, budget, progress
from mlaudit.attestations import Attestations
from mlaudit.inventory import catalogue_path, compute_inventory, load_catalogue
from mlaudit.maturity import (
    GateLevel,
    View,
    assess_maturity,
    compile_gates,
    counted_in_profile,
    credit_of,
    index_of,
    level_of,
    profile,
)
from mlaudit.options import ScanOptions
from mlaudit.probes import base
from mlaudit.probes.profile import detect_profile
from mlaudit.probes.registry import get_probe, run_noting_unread_code
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import (
    ARTIFACTS,
    Assessment,
    Cell,
    CheckResult,
    Fix,
    Inventory,
    LevelInfo,
    Maturity,
    Observation,
    Outcome,
    ProfileInfo,
    QualityInfo,
    QualityMaturity,
    RubricInfo,
    TargetInfo,
)
from mlaudit.rubric.load import LoadedRubric
from mlaudit.rubric.model import Check, Quality, Rubric

MAX_FIXES = 5


def run_check(snap: Snapshot, check: Check) -> Observation:
    spec = get_probe(check.probe)
    if spec is None:  # the loader prevents this; keep the scan alive regardless
        return base.error(f"unknown probe {check.probe}")
    try:
        with budget.limit(budget.CHECK_SECONDS):
            observation, unread = run_noting_unread_code(spec, snap, check.with_)
    except budget.BudgetExceeded:
        return base.unknown(
            f"not decided: the check ran past its {budget.CHECK_SECONDS:g}-second time budget "
            "(pathological input?)"
        )
    except Exception as exc:  # a probe bug must never pass a check or kill the scan
        return base.error(f"probe {check.probe} failed: {exc.__class__.__name__}: {exc}")
    if unread is not None and observation.outcome == Outcome.UNKNOWN:
        message = (
            f"{observation.message} (in the Python code); {unread}, which mlaudit does not "
            "read: not decided"
        )
        return observation.model_copy(update={"message": message})
    return observation


def _applicable(quality: Quality, check: Check, profile: str) -> bool:
    profiles = check.profiles if check.profiles is not None else quality.profiles
    return profile in profiles


def _selected(check: Check, options: ScanOptions) -> bool:
    return check.enabled and not (options.selected and not options.selected(check.id))


def _runs(quality: Quality, check: Check, profile: str, options: ScanOptions) -> bool:
    return _selected(check, options) and _applicable(quality, check, profile)


def _prefetch(snap: Snapshot, checks: list[Check]) -> set[str]:
    """Start what the checks to run will read slowly (ProbeSpec.prefetch), before any runs;
    the ids of the checks that have something started."""
    started = set()
    for check in checks:
        spec = get_probe(check.probe)
        if spec is not None and spec.prefetch is not None:
            started.add(check.id)
            try:
                spec.prefetch(snap, check.with_)
            except Exception:  # only an early start is lost: the probe reads as it would
                continue
    return started


def evaluate(
    snap: Snapshot,
    rubric: Rubric,
    profile: str,
    options: ScanOptions,
    attestations: Attestations | None = None,
) -> list[CheckResult]:
    with budget.handler():  # once for every check's time budget
        return _evaluate(snap, rubric, profile, options, attestations)


def _evaluate(
    snap: Snapshot,
    rubric: Rubric,
    profile: str,
    options: ScanOptions,
    attestations: Attestations | None,
) -> list[CheckResult]:
    results = []
    checks = rubric.checks()
    prefetched = _prefetch(snap, [c for q, c in checks if _runs(q, c, profile, options)])
    observations: dict[str, Observation] = {}
    task = progress.phase("running checks", total=len(checks))
    # what was started in the background (the history secret scan) is read last: it has
    # had the time of every other check to finish; results keep the rubric's order
    for quality, check in sorted(checks, key=lambda qc: qc[1].id in prefetched):
        task.advance(label=check.id)
        if not _selected(check, options):
            continue
        if not _applicable(quality, check, profile):
            observations[check.id] = base.not_applicable(f"not applicable to a {profile} project")
        else:
            observations[check.id] = run_check(snap, check)
    for quality, check in checks:
        obs = observations.get(check.id)
        if obs is None:
            continue
        result = CheckResult(
            check=check.id,
            name=check.name,
            title=check.title,
            quality=quality.id,
            artifact=check.artifact,
            level=check.level,
            weight=check.weight,
            severity=check.severity,
            strength=check.strength,
            outcome=obs.outcome,
            message=obs.message,
            evidence=obs.evidence,
            remediation=check.remediation.strip(),
        )
        attested = attestations.for_check(check.id) if attestations else None
        if attested is not None and obs.outcome != Outcome.NOT_APPLICABLE:
            result = result.model_copy(update={"attestation": attested})
        waived = options.waive(result) if options.waive else None
        results.append(result.model_copy(update=waived) if waived else result)
    return results


def cap_levels(rubric: Rubric) -> dict[str, int]:
    """Check id → the level a failure caps at (only anti-signals with `caps` below 4)."""
    return {c.id: c.caps for _, c in rubric.checks() if c.strength == "anti" and c.caps is not None}


def _cells(results: list[CheckResult], rubric: Rubric, caps: dict[str, int]) -> list[Cell]:
    cells = []
    for quality in rubric.qualities:
        for artifact in ARTIFACTS:
            members = [r for r in results if r.quality == quality.id and r.artifact == artifact]
            if not members:
                continue
            applicable = any(r.outcome != Outcome.NOT_APPLICABLE for r in members)
            prof = profile(members, caps)
            cells.append(
                Cell(
                    quality=quality.id,
                    artifact=artifact,
                    score=prof.score,
                    level=prof.level,
                    index=prof.index,
                    reason=prof.reason,
                    applicable=applicable,
                    checks=len(members),
                    decided=sum(1 for r in members if r.outcome.decided),
                )
            )
    return cells


def _fixes(
    results: list[CheckResult], levels: tuple[GateLevel, ...], overall: Maturity
) -> list[Fix]:
    """Binding caps first, then what raises the level, then by index gain; checks outside
    the gates (gain 0) after, by the weight they would add to their cell."""
    view = View(results)
    raw = index_of(levels, view)
    binding = {c.check for c in overall.caps}
    candidates = []
    for r in results:
        credit = credit_of(r)
        if r.outcome == Outcome.NOT_APPLICABLE or credit.value == 1.0:
            continue
        if r.strength == "anti" and r.check not in binding:
            if r.outcome != Outcome.FAIL:
                continue
        gain = 0.0 if r.strength == "anti" else index_of(levels, view, {r.check: 1.0}) - raw
        gain = round(max(gain, 0.0), 3)
        raises = level_of(round(raw + gain, 1)) > overall.uncapped_level and not overall.caps
        weight_gain = r.weight * (1.0 - (credit.value or 0.0))
        key = (
            0 if r.check in binding else 1,
            0 if raises else 1,
            -gain,
            -weight_gain,
            r.level,
            r.check,
        )
        candidates.append((key, r, gain, raises, credit.status))
    candidates.sort(key=lambda item: item[0])
    return [
        Fix(
            check=r.check,
            name=r.name,
            title=r.title,
            quality=r.quality,
            artifact=r.artifact,
            level=r.level,
            gain=gain,
            remediation=r.remediation,
            outcome=r.outcome,
            binding_cap=r.check in binding,
            raises_level=raises,
            status=status,
        )
        for _, r, gain, raises, status in candidates[:MAX_FIXES]
    ]


@dataclass(frozen=True)
class Scored:
    cells: list[Cell]
    maturity: Maturity
    artifact_maturity: dict[str, Maturity]
    quality_maturity: list[QualityMaturity]
    overall_score: float | None
    artifact_scores: dict[str, float | None]
    fixes: list[Fix]


def _score_of(results: Iterable[CheckResult]) -> float | None:
    return profile([r for r in results if counted_in_profile(r)], {}).score


def score(results: list[CheckResult], rubric: Rubric) -> Scored:
    caps = cap_levels(rubric)
    levels = compile_gates(rubric)
    cells = _cells(results, rubric, caps)
    overall = assess_maturity(levels, results, caps)
    per_artifact = {a: assess_maturity(levels, results, caps, a) for a in ARTIFACTS}
    qualities = []
    for quality in rubric.qualities:
        prof = profile([r for r in results if r.quality == quality.id], caps)
        qualities.append(
            QualityMaturity(
                quality=quality.id, index=prof.index, level=prof.level, score=prof.score
            )
        )
    scored = [c.score for c in cells if c.score is not None]
    return Scored(
        cells=cells,
        maturity=overall,
        artifact_maturity=per_artifact,
        quality_maturity=qualities,
        overall_score=round(sum(scored) / len(scored), 1) if scored else None,
        artifact_scores={a: _score_of(r for r in results if r.artifact == a) for a in ARTIFACTS},
        fixes=_fixes(results, levels, overall),
    )


# files a repository-level finding may point at (report/locate.py picks one per quality)
ANCHOR_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "requirements*.txt",
    "environment.y*ml",
    "Pipfile",
    "README*",
    "Makefile",
    "Dockerfile",
    "dvc.yaml",
    "MLproject",
    "params.yaml",
    ".gitlab-ci.yml",
    ".github/workflows/*.y*ml",
    ".pre-commit-config.yaml",
    ".mlaudit.y*ml",
)


def _non_files(snap: Snapshot, results: Iterable[CheckResult]) -> tuple[str, ...]:
    """Evidence paths that are not files of the snapshot (folders, files expected but absent):
    formats that need a file to point at (SARIF, annotations) must not point there."""
    return tuple(sorted({e.path for r in results for e in r.evidence if not snap.exists(e.path)}))


def _anchors(snap: Snapshot) -> tuple[str, ...]:
    """Root-level project files and workflows matching ANCHOR_FILES (one pass, no tree walk)."""
    from mlaudit.repo.globs import compile_glob

    regexes = [compile_glob(p) for p in ANCHOR_FILES]
    near = [p for p in snap.files if "/" not in p or p.startswith(".github/workflows/")]
    return tuple(p for p in near if any(rx.match(p) for rx in regexes))


def target_info(snap: Snapshot) -> TargetInfo:
    git = snap.git
    return TargetInfo(
        path=snap.display_path,
        root_name=snap.root_name,
        commit=git.commit if git else None,
        commit_date=git.commit_date if git else None,
        branch=git.branch if git else None,
        subdir=git.subdir if git else "",
        is_git=git is not None,
        shallow=git.shallow if git else False,
        partial_clone=git.partial_clone if git else False,
        files=len(snap.files),
        notes=tuple(snap.notes),
        anchors=_anchors(snap),
    )


# What score() reads of a result: every field but the message and the evidence.
_SCORED_FIELDS = tuple(f for f in CheckResult.model_fields if f not in ("message", "evidence"))
MAX_SHARED_SCORES = 64


def shared_score(
    results: list[CheckResult], rubric: Rubric, scores: dict[Any, Scored] | None
) -> Scored:
    """score(), reused from `scores` (one rubric's) when another point's results differed
    from these in messages and evidence only — history points mostly do."""
    if scores is None:
        return score(results, rubric)
    key = tuple(tuple(getattr(r, f) for f in _SCORED_FIELDS) for r in results)
    found = scores.get(key)
    if found is None:
        if len(scores) >= MAX_SHARED_SCORES:
            scores.clear()
        found = scores[key] = score(results, rubric)
    return found


def assess(
    snap: Snapshot,
    loaded: LoadedRubric,
    options: ScanOptions | None = None,
    *,
    scores: dict[Any, Scored] | None = None,
    inventory: bool = True,
) -> Assessment:
    """The assessment of a snapshot. `scores`: a memo shared by the points of one history
    (same rubric), see shared_score. `inventory=False` leaves the stack inventory empty, for
    callers that show none (a history point: a tenth of its cost)."""
    options = options or ScanOptions()
    rubric = loaded.rubric
    detected = detect_profile(snap)
    if options.profile != "auto":
        profile = ProfileInfo(
            name=options.profile,
            detected=detected.name,
            overridden=True,
            reasons=(f"set with --profile (detected: {detected.name})", *detected.reasons),
            evidence=detected.evidence,
            library=detected.library,
        )
    else:
        profile = detected
    attestations = options.attestations
    if attestations is None:
        from mlaudit.attestations import load_attestations

        attestations = load_attestations(snap, rubric)
    results = evaluate(snap, rubric, profile.name, options, attestations)
    scored = shared_score(results, rubric, scores)
    return Assessment(
        tool="mlaudit",
        tool_version=__version__,
        target=target_info(snap).model_copy(update={"non_files": _non_files(snap, results)}),
        rubric=RubricInfo(
            id=rubric.id, version=rubric.version, sha256=loaded.sha256, title=rubric.title
        ),
        profile=profile,
        qualities=tuple(
            QualityInfo(
                id=q.id,
                prefix=q.prefix,
                title=q.title,
                source_heading=q.source_heading,
                description=q.description.strip(),
            )
            for q in rubric.qualities
        ),
        levels=tuple(
            LevelInfo(level=lv.level, name=lv.name)
            for lv in sorted(rubric.levels, key=lambda x: x.level)
        ),
        results=tuple(sorted(results, key=lambda r: r.check)),
        cells=tuple(scored.cells),
        overall_level=scored.maturity.level,
        overall_score=scored.overall_score,
        artifact_levels={a: m.level for a, m in scored.artifact_maturity.items()},
        artifact_scores=scored.artifact_scores,
        maturity_index=scored.maturity.index,
        maturity=scored.maturity,
        artifact_maturity=scored.artifact_maturity,
        quality_maturity=tuple(scored.quality_maturity),
        fixes=tuple(scored.fixes),
        caps=scored.maturity.caps,
        inventory=(
            compute_inventory(snap, load_catalogue(str(catalogue_path(loaded.path))))
            if inventory
            else Inventory()
        ),
    )
