"""Shared by the CI formats (SARIF, GitHub annotations, GitLab Code Quality, JUnit):
which results are findings, where each one points, how important it is, its fingerprint.

A finding with evidence points at its first evidence (file and line). A repository-level
finding (no evidence: "no lockfile", "no CI") points at the existing file that should change
for that quality — the CI config for automation, the manifest for reproducibility, the README
for documentation — or the closest project file; never at a made-up "line 1" of nothing.
Paths are made relative to the repository root (the scanned subfolder is prefixed), which is
what code scanning, annotations and the MR widget resolve against.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from mlaudit.report import RenderOptions
from mlaudit.results import Assessment, CheckResult, Outcome, TargetInfo

FINDING_OUTCOMES = (Outcome.FAIL, Outcome.PARTIAL)
_SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}

_CI = (".github/workflows/", ".gitlab-ci.yml")
_MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "requirements", "environment.y", "Pipfile")
_PIPELINE = ("dvc.yaml", "MLproject", "params.yaml")
_PREFERENCE: dict[str, tuple[str, ...]] = {
    "automation": _CI + _PIPELINE + _MANIFESTS,
    "testing": _MANIFESTS + _CI,
    "security": _CI + ("Dockerfile",) + _MANIFESTS,
    "reproducibility": _MANIFESTS + _PIPELINE + ("Dockerfile",),
    "versioning": _PIPELINE + _MANIFESTS,
    "experiment-tracking": _MANIFESTS + _PIPELINE,
    "documentation": ("README",),
    "project-structure": ("README",) + _MANIFESTS,
}
_FALLBACK = _MANIFESTS + ("README", "Dockerfile", "Makefile") + _CI + _PIPELINE


@dataclass(frozen=True)
class Location:
    path: str  # repository-root relative
    line: int | None
    inferred: bool  # True when the finding had no evidence and points at an anchor file


def repo_path(target: TargetInfo, path: str) -> str:
    sub = target.subdir.strip("/")
    return f"{sub}/{path}" if sub else path


# workflows that build docs, publish pages or triage issues never hold an ML fix
_UNRELATED_CI = re.compile(
    r"(^|[/_.-])(docs?|pages|gh-pages|mkdocs|sphinx|label|labeler|stale|greetings|welcome|"
    r"release-drafter|dependabot|codeql|lock|spell|links?|triage)([/_.-]|$)",
    re.I,
)
_MAIN_CI = re.compile(r"(^|[/_.-])(ci|test|tests|build|main|pipeline|train|ml)([/_.-]|$)", re.I)


def _ci_rank(path: str) -> tuple[int, str]:
    name = path.rsplit("/", 1)[-1]
    return (0 if _MAIN_CI.search(name) else 1, path)


def anchor_for(result: CheckResult, target: TargetInfo) -> str | None:
    """The existing file where the fix of a repository-level finding belongs: the quality's
    preferred kind of file (the main CI workflow, the manifest, the README); never a
    workflow that only builds docs or triages issues. None when nothing fits: the finding
    then sits on the repository's top-level README or manifest, without a line."""
    preference = _PREFERENCE.get(result.quality, ()) + _FALLBACK
    anchors = sorted(
        (a for a in target.anchors if not (a.startswith(_CI) and _UNRELATED_CI.search(a))),
        key=_ci_rank,
    )
    for want in preference:
        for candidate in anchors:
            if candidate.startswith(want) or candidate.split("/")[-1].startswith(want):
                return candidate
    return anchors[0] if anchors else None


def locations(result: CheckResult, target: TargetInfo) -> list[Location]:
    """Every location of a finding, primary first; empty when the repository has no file."""
    skip = set(target.non_files)
    out = [
        Location(repo_path(target, e.path), e.line, False)
        for e in result.evidence
        if e.path and not e.path.startswith("/") and not e.path.endswith("/") and e.path not in skip
    ]
    if out:
        return out
    # a folder (`tests/`) or an absent file: the file inside it, else the quality's anchor
    for e in result.evidence:
        folder = e.path.rstrip("/") + "/"
        inside = sorted(a for a in target.anchors if a.startswith(folder))
        if inside:
            return [Location(repo_path(target, inside[0]), None, True)]
    anchor = anchor_for(result, target)
    return [Location(repo_path(target, anchor), None, True)] if anchor else []


def is_finding(result: CheckResult) -> bool:
    return result.outcome in FINDING_OUTCOMES


def importance(result: CheckResult, blocking: frozenset[str] = frozenset()) -> tuple:
    """Sort key, most important first: gate-blocking, fail before partial, severity,
    lower maturity level (more basic), weight, id."""
    return (
        0 if result.check in blocking else 1,
        0 if result.outcome == Outcome.FAIL else 1,
        -_SEVERITY_RANK.get(result.severity, 2),
        result.level,
        -result.weight,
        result.check,
    )


def fingerprint(result: CheckResult, location: Location | None) -> str:
    """Stable across edits: check + artifact + path, never the line or the message."""
    key = f"{result.check}|{result.artifact}|{location.path if location else ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def blocking(options: RenderOptions) -> frozenset[str]:
    return frozenset(options.verdict.blocking) if options.verdict else frozenset()


def baselined(options: RenderOptions) -> frozenset[str]:
    return frozenset(options.verdict.baselined) if options.verdict else frozenset()


def findings(a: Assessment, options: RenderOptions) -> list[CheckResult]:
    """Failing and partial results, most important first (waived ones included)."""
    marks = blocking(options)
    return sorted((r for r in a.results if is_finding(r)), key=lambda r: importance(r, marks))
