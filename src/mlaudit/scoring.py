"""Run each check's probe once, score every quality × artifact cell, derive maturity levels.

Rules (see docs/ and SIGNALS.md §3):
- credit: pass 1, partial 0.5, fail 0; `not_applicable`, `unknown` and `error` are left
  out of averages — never counted as 0 or as 100;
- cell score = 100 × Σ weight·credit / Σ weight over its decided checks;
- a cell's level = the highest L such that each level 1..L with checks in the cell holds:
  all its strong checks satisfied (partial is enough up to level 2; from level 3 on a
  practice must be wired, i.e. pass), or, with only supporting checks, one of them; capped
  by the highest level the cell has checks for (docs/profiles-and-levels.md);
- the overall level = the highest L whose rubric gates (levels[].gate) are all satisfied,
  the same rule per artifact restricted to its checks; this equals the minimum over the
  gating cells (MTS's min-over-sections), so a strong area cannot hide a weak one;
- an anti-signal (`caps: N`) that fails caps its cell, its artifact and the overall level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mlaudit import __version__, progress
from mlaudit.inventory import catalogue_path, compute_inventory, load_catalogue
from mlaudit.probes import base
from mlaudit.probes.profile import detect_profile
from mlaudit.probes.registry import get_probe
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import (
    ARTIFACTS,
    Assessment,
    Cell,
    CheckResult,
    Fix,
    LevelGap,
    LevelInfo,
    Observation,
    Outcome,
    ProfileInfo,
    QualityInfo,
    RubricInfo,
    TargetInfo,
)
from mlaudit.rubric.load import LoadedRubric
from mlaudit.rubric.model import Check, Quality, Rubric

MAX_FIXES = 5


@dataclass(frozen=True)
class ScanOptions:
    profile: str = "auto"
    selected: Callable[[str], bool] | None = None  # check id → run it?
    # result → the waiver fields to set on it (waived_by, waiver_origin), or None
    waive: Callable[[CheckResult], dict[str, Any] | None] | None = None


def _satisfies(outcome: Outcome, level: int) -> bool:
    if outcome == Outcome.PASS:
        return True
    return outcome == Outcome.PARTIAL and level <= 2


def run_check(snap: Snapshot, check: Check) -> Observation:
    spec = get_probe(check.probe)
    if spec is None:  # the loader prevents this; keep the scan alive regardless
        return base.error(f"unknown probe {check.probe}")
    try:
        return spec.fn(snap, check.with_)
    except Exception as exc:  # a probe bug must never pass a check or kill the scan
        return base.error(f"probe {check.probe} failed: {exc.__class__.__name__}: {exc}")


def _applicable(quality: Quality, check: Check, profile: str) -> bool:
    profiles = check.profiles if check.profiles is not None else quality.profiles
    return profile in profiles


def evaluate(
    snap: Snapshot, rubric: Rubric, profile: str, options: ScanOptions
) -> list[CheckResult]:
    results = []
    checks = rubric.checks()
    task = progress.phase("running checks", total=len(checks))
    for quality, check in checks:
        task.advance(label=check.id)
        if not check.enabled or (options.selected and not options.selected(check.id)):
            continue
        if not _applicable(quality, check, profile):
            obs = base.not_applicable(f"not applicable to a {profile} project")
        else:
            obs = run_check(snap, check)
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
        waived = options.waive(result) if options.waive else None
        results.append(result.model_copy(update=waived) if waived else result)
    return results


def _score(results: Iterable[CheckResult]) -> float | None:
    total = weighted = 0.0
    for r in results:
        credit = r.outcome.credit
        if credit is None or r.waived_by:
            continue
        total += r.weight
        weighted += r.weight * credit
    if total == 0:
        return None
    return round(100.0 * weighted / total, 1)


def _caps(results: Iterable[CheckResult], caps: dict[str, int]) -> int:
    level = 4
    for r in results:
        if r.strength == "anti" and r.outcome == Outcome.FAIL and not r.waived_by:
            level = min(level, caps.get(r.check, 0))
    return level


def _cell_level(results: list[CheckResult], caps: dict[str, int]) -> int | None:
    """Highest L such that every level 1..L with checks in this cell holds: all its strong
    checks satisfied, or — when it has only supporting checks — at least one of them.
    Absence of a bad thing (an anti-signal passing) is never evidence of a level, and a
    level with nothing decidable neither blocks nor counts."""
    live = [r for r in results if r.outcome != Outcome.NOT_APPLICABLE]
    if not live:
        return None
    level = 0
    for candidate in range(1, max(r.level for r in live) + 1):
        at_level = [r for r in live if r.level == candidate and r.strength != "anti"]
        strong = [r for r in at_level if r.strength == "strong"]
        if strong:
            holds = all(_satisfies(r.outcome, candidate) or r.waived_by for r in strong)
        else:
            decided = [r for r in at_level if r.outcome.decided]
            if not decided:
                continue
            holds = any(_satisfies(r.outcome, candidate) or r.waived_by for r in decided)
        if not holds:
            break
        level = candidate
    return min(level, _caps(results, caps))


def _gate_level(
    rubric: Rubric, by_ref: dict[str, CheckResult], artifact: str | None
) -> tuple[int, list[LevelGap]]:
    """Highest level whose gates (restricted to `artifact` when given) all hold."""
    reached = 0
    evidenced = False
    passed_through = 0
    gaps: list[LevelGap] = []
    for level in sorted(rubric.levels, key=lambda lv: lv.level):
        if level.level == 0:
            continue
        missing = []
        live_items = 0
        for item in level.gate:
            refs = [item] if isinstance(item, str) else list(item)
            members = [by_ref[r] for r in refs if r in by_ref]
            if artifact is not None:
                members = [m for m in members if m.artifact == artifact]
            live = [m for m in members if m.outcome != Outcome.NOT_APPLICABLE]
            if not live:
                continue
            live_items += 1
            if not any(_satisfies(m.outcome, level.level) or m.waived_by for m in live):
                missing.append(" or ".join(f"{m.name} ({m.check})" for m in live))
        if missing:
            gaps.append(LevelGap(level=level.level, missing=tuple(missing)))
            reached = max(reached, passed_through)
            break
        if live_items == 0:
            if artifact is None:
                break  # a level needs positive evidence; no applicable gate means no claim
            # Restricted to one artifact, a level that asks nothing of it (data has no
            # level-1 gate item, code none at level 2) is passed through when a higher
            # level does ask something of it; it is never evidence on its own, so an
            # artifact with no satisfied gate item stays at 0 and trailing levels that ask
            # nothing (all not applicable) are not claimed.
            if evidenced:
                passed_through = level.level
            continue
        evidenced = True
        reached = level.level
    return reached, gaps


def _fixes(results: list[CheckResult], gaps: list[LevelGap], rubric: Rubric) -> list[Fix]:
    next_gate: set[str] = set()
    for gap in gaps[:1]:
        for item in gap.missing:
            for part in item.split(" or "):
                next_gate.add(part.rsplit("(", 1)[-1].rstrip(")"))
    candidates = []
    for r in results:
        credit = r.outcome.credit
        if credit is None or credit >= 1.0 or r.waived_by:
            continue
        gain = round(r.weight * (1.0 - credit), 2)
        anti_cap = r.strength == "anti"
        key = (0 if anti_cap else 1, 0 if r.check in next_gate else 1, r.level, -gain, r.check)
        candidates.append((key, r, gain))
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
        )
        for _, r, gain in candidates[:MAX_FIXES]
    ]


def score(
    results: list[CheckResult],
    rubric: Rubric,
) -> tuple[
    list[Cell],
    int,
    float | None,
    dict[str, int],
    dict[str, float | None],
    list[LevelGap],
    list[Fix],
    list[str],
]:
    caps = {c.id: (c.caps if c.caps is not None else 0) for _, c in rubric.checks()}
    cells = []
    for quality in rubric.qualities:
        for artifact in ARTIFACTS:
            members = [r for r in results if r.quality == quality.id and r.artifact == artifact]
            if not members:
                continue
            applicable = any(r.outcome != Outcome.NOT_APPLICABLE for r in members)
            cells.append(
                Cell(
                    quality=quality.id,
                    artifact=artifact,
                    score=_score(members) if applicable else None,
                    level=_cell_level(members, caps) if applicable else None,
                    applicable=applicable,
                    checks=len(members),
                    decided=sum(1 for r in members if r.outcome.decided),
                )
            )
    by_ref: dict[str, CheckResult] = {}
    for r in results:
        by_ref[r.check] = r
        by_ref[r.name] = r
    overall, gaps = _gate_level(rubric, by_ref, None)
    overall = min(overall, _caps(results, caps))
    artifact_levels = {}
    artifact_scores: dict[str, float | None] = {}
    for artifact in ARTIFACTS:
        members = [r for r in results if r.artifact == artifact]
        level, _ = _gate_level(rubric, by_ref, artifact)
        artifact_levels[artifact] = min(level, _caps(members, caps))
        artifact_scores[artifact] = _score(members)
    scored = [c.score for c in cells if c.score is not None]
    overall_score = round(sum(scored) / len(scored), 1) if scored else None
    cap_notes = [
        f"{r.name} ({r.check}) failed: level capped at {caps.get(r.check, 0)}"
        for r in results
        if r.strength == "anti"
        and r.outcome == Outcome.FAIL
        and not r.waived_by
        and caps.get(r.check, 0) < 4  # `caps: 4` = a weak anti-signal that does not cap
    ]
    fixes = _fixes(results, gaps, rubric)
    return cells, overall, overall_score, artifact_levels, artifact_scores, gaps, fixes, cap_notes


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


def assess(snap: Snapshot, loaded: LoadedRubric, options: ScanOptions | None = None) -> Assessment:
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
        )
    else:
        profile = detected
    results = evaluate(snap, rubric, profile.name, options)
    cells, overall, overall_score, a_levels, a_scores, gaps, fixes, caps = score(results, rubric)
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
        cells=tuple(cells),
        overall_level=overall,
        overall_score=overall_score,
        artifact_levels=a_levels,
        artifact_scores=a_scores,
        next_level_gaps=tuple(gaps),
        fixes=tuple(fixes),
        caps=tuple(sorted(set(caps))),
        inventory=compute_inventory(snap, load_catalogue(str(catalogue_path(loaded.path)))),
    )
