"""Verdict: the policy's gates applied to an Assessment → pass/fail and one line per reason.

Gates: `fail-under` (overall score), `fail-under-level` (overall maturity level),
`fail-under-index` (the maturity index, 0.0–4.0), `minimums`
per quality, artifact or cell, `fail-on` (a failing check at or above a severity) and a
baseline (only failures not in the baseline count; with a baseline and no `fail-on`, any new
failure fails). Waived results never trip a gate. No gate configured → the gate passes.
Exit codes: 0 passed (or `exit-zero`), 1 failed; 2 and 3 are raised before a verdict exists.
"""

from __future__ import annotations

import difflib

from mlaudit.baseline import Key, is_failure, split_known
from mlaudit.config import Minimum, Policy
from mlaudit.errors import UsageError
from mlaudit.maturity import artifact_applies
from mlaudit.report.text import clean
from mlaudit.results import ARTIFACTS, Assessment, CheckResult, Frozen, QualityInfo
from mlaudit.rubric.model import SEVERITY_ORDER


class Verdict(Frozen):
    passed: bool
    reasons: tuple[str, ...] = ()
    regressions: tuple[str, ...] = ()
    gates: tuple[str, ...] = ()
    blocking: tuple[str, ...] = ()  # check ids whose failure trips a gate
    baselined: tuple[str, ...] = ()  # check ids whose failures are all in the baseline
    notes: tuple[str, ...] = ()
    exit_zero: bool = False
    baseline_used: bool = False

    @property
    def exit_code(self) -> int:
        return 0 if self.passed or self.exit_zero else 1

    def lines(self) -> list[str]:
        gates = f" ({', '.join(self.gates)})" if self.gates else " (no gate configured)"
        if self.passed:
            out = [f"gate passed{gates}"]
        else:
            out = [
                f"gate failed{gates}" + (" — reported only (--exit-zero)" if self.exit_zero else "")
            ]
            out += [f"  ✘ {reason}" for reason in self.reasons]
        out += [f"  note: {note}" for note in self.notes]
        return out


def severity_rank(severity: str) -> int:
    try:
        return SEVERITY_ORDER.index(severity)
    except ValueError:
        return len(SEVERITY_ORDER) // 2


def _quality(qualities: tuple[QualityInfo, ...], ref: str) -> QualityInfo | None:
    low = ref.lower()
    for q in qualities:
        if low in (q.id.lower(), q.prefix.lower(), q.title.lower()):
            return q
    return None


def resolve_minimum_key(
    key: str, qualities: tuple[QualityInfo, ...]
) -> tuple[str | None, str | None]:
    """(quality id or None, artifact or None) of a `minimums` key; UsageError if unknown."""
    quality_part, _, artifact_part = key.partition("/")
    if not artifact_part and quality_part.lower() in ARTIFACTS:
        return None, quality_part.lower()
    quality = _quality(qualities, quality_part)
    if quality is None or (artifact_part and artifact_part.lower() not in ARTIFACTS):
        known = [q.prefix for q in qualities] + [q.id for q in qualities] + list(ARTIFACTS)
        close = difflib.get_close_matches(quality_part, known, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise UsageError(
            f"minimums: unknown key {key!r} (a quality, an artifact data/model/code, or "
            f"QUALITY/ARTIFACT){hint}"
        )
    return quality.id, artifact_part.lower() or None


def validate_minimums(policy: Policy, qualities: tuple[QualityInfo, ...]) -> None:
    for key in policy.minimums:
        resolve_minimum_key(key, qualities)


def _as_minimum(value: int | Minimum) -> Minimum:
    return Minimum(level=value) if isinstance(value, int) else value


def _check_min(
    label: str, key: str, level: int | None, score: float | None, want: Minimum
) -> list[str]:
    out = []
    if want.level is not None and (level is None or level < want.level):
        shown = "unknown" if level is None else str(level)
        out.append(f"{label} level {shown} is below the minimum {want.level} (minimums.{key})")
    if want.score is not None and (score is None or score < want.score):
        shown = "unknown" if score is None else f"{score:g}"
        out.append(f"{label} score {shown} is below the minimum {want.score:g} (minimums.{key})")
    return out


def _why(a: Assessment) -> str:
    """Binding caps first, then the items that would raise the index most."""
    caps = [f"{c.name} ({c.check}) caps it at {c.cap}" for c in a.caps]
    nl = a.maturity.next_level
    items = [f"{i.name} ({i.check}) +{i.gain:.2f}" for i in nl.missing[:3]] if nl else []
    parts = caps + ([f"raise the index most: {', '.join(items)}"] if items else [])
    return "; " + "; ".join(parts) if parts else ""


def _where(result: CheckResult) -> str:
    return f" @ {result.evidence[0].location()}" if result.evidence else ""


def evaluate(
    assessment: Assessment, policy: Policy, baseline: frozenset[Key] | None = None
) -> Verdict:
    reasons: list[str] = []
    gates: list[str] = []
    blocking: list[str] = []
    titles = {q.id: q.title for q in assessment.qualities}

    if policy.fail_under is not None:
        gates.append(f"fail-under {policy.fail_under:g}")
        score = assessment.overall_score
        if score is None:
            reasons.append(
                f"overall score unknown (no decided check) — fail-under {policy.fail_under:g} not met"
            )
        elif score < policy.fail_under:
            reasons.append(f"overall score {score:g} is below fail-under {policy.fail_under:g}")
    if policy.fail_under_level is not None:
        gates.append(f"fail-under-level {policy.fail_under_level}")
        if assessment.overall_level < policy.fail_under_level:
            reasons.append(
                f"maturity level {assessment.overall_level} (index "
                f"{assessment.maturity_index:.1f}) is below fail-under-level "
                f"{policy.fail_under_level}{_why(assessment)}"
            )
            # the checks still missing for the required level make this gate fail
            for attained in assessment.maturity.attainment:
                if attained.level <= policy.fail_under_level:
                    blocking += [
                        i.check
                        for i in attained.items
                        if i.status in ("missing", "partial", "expired") and i.check
                    ]
    if policy.fail_under_index is not None:
        gates.append(f"fail-under-index {policy.fail_under_index:.1f}")
        if assessment.maturity_index < policy.fail_under_index:
            reasons.append(
                f"maturity index {assessment.maturity_index:.1f} is below fail-under-index "
                f"{policy.fail_under_index:.1f}{_why(assessment)}"
            )
    for key, raw in sorted(policy.minimums.items()):
        want = _as_minimum(raw)
        gates.append(f"minimums.{key}")
        quality, artifact = resolve_minimum_key(key, assessment.qualities)
        if quality is None and artifact is not None:
            if not artifact_applies(assessment.artifact_maturity.get(artifact)):
                continue  # as a cell that does not apply: a repository without a model
            reasons += _check_min(
                f"{artifact} artifact",
                key,
                assessment.artifact_levels.get(artifact),
                assessment.artifact_scores.get(artifact),
                want,
            )
            continue
        for cell in assessment.cells:
            if cell.quality != quality or not cell.applicable:
                continue
            if artifact is not None and cell.artifact != artifact:
                continue
            label = f"{titles.get(cell.quality, cell.quality)} × {cell.artifact}"
            reasons += _check_min(label, key, cell.level, cell.score, want)

    failing = [r for r in assessment.results if is_failure(r)]
    baselined: list[str] = []
    if baseline is not None:
        new, known = split_known(failing, baseline)
        baselined = sorted({r.check for r in known} - {r.check for r in new})
        failing = new
        if policy.fail_on is None:
            gates.append("baseline: any new failure fails")
            for r in failing:
                blocking.append(r.check)
                reasons.append(
                    f"{r.check} {r.name} [{r.artifact}] is a new failure (not in the baseline): "
                    f"{clean(r.message, max_chars=200)}{_where(r)}"
                )
    if policy.fail_on is not None:
        gates.append(f"fail-on {policy.fail_on}")
        threshold = severity_rank(policy.fail_on)
        for r in failing:
            if severity_rank(r.severity) >= threshold:
                blocking.append(r.check)
                what = "could not be evaluated" if r.outcome.value == "error" else "failed"
                reasons.append(
                    f"{r.check} {r.name} [{r.artifact}] {what} (severity {r.severity} ≥ "
                    f"fail-on {policy.fail_on}): {clean(r.message, max_chars=200)}{_where(r)}"
                )
    return Verdict(
        passed=not reasons,
        reasons=tuple(reasons),
        gates=tuple(gates),
        blocking=tuple(sorted(set(blocking))),
        baselined=tuple(baselined),
        exit_zero=policy.exit_zero,
        baseline_used=baseline is not None,
    )
