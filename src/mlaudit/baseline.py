"""Baselines: accept today's failures, gate only on new ones.

A failure is keyed by check id + artifact + evidence path (scan-root relative), never by a
line number, so edits elsewhere in a file do not make an old failure look new. A failure
without evidence is keyed on the check and artifact alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from mlaudit.errors import UsageError
from mlaudit.results import Assessment, CheckResult, Outcome

BASELINE_VERSION = 1
MAX_BASELINE_BYTES = 16 * 1024 * 1024
FAILING = (Outcome.FAIL, Outcome.ERROR)

Key = tuple[str, str, str]


def is_failure(result: CheckResult) -> bool:
    return result.outcome in FAILING and not result.waived_by


def keys(result: CheckResult) -> set[Key]:
    paths = {e.path for e in result.evidence} or {""}
    return {(result.check, result.artifact, path) for path in paths}


def render_baseline(assessment: Assessment) -> str:
    entries = []
    for result in assessment.results:
        if not is_failure(result):
            continue
        for check, artifact, path in sorted(keys(result)):
            entries.append(
                {"check": check, "name": result.name, "artifact": artifact, "path": path}
            )
    data = {
        "tool": "mlaudit",
        "baseline_version": BASELINE_VERSION,
        "rubric": assessment.rubric.id,
        "failures": entries,
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def load_baseline(path: Path, inside: Path | None = None) -> frozenset[Key]:
    """The failure keys of a baseline file; `inside`: the file must lie in that folder (a
    baseline named by the scanned repository's own config)."""
    from mlaudit.inputs import read_input

    text = read_input(
        path, what="baseline file", limit=MAX_BASELINE_BYTES, error=UsageError, inside=inside
    )
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: not a readable mlaudit baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("baseline_version") != BASELINE_VERSION:
        raise UsageError(f"{path}: not an mlaudit baseline (baseline_version {BASELINE_VERSION})")
    out: set[Key] = set()
    failures = data.get("failures") or []
    if not isinstance(failures, list):
        raise UsageError(f"{path}: `failures` must be a list")
    for entry in failures:
        try:
            out.add((str(entry["check"]), str(entry["artifact"]), str(entry.get("path") or "")))
        except (KeyError, TypeError, AttributeError):
            raise UsageError(f"{path}: malformed baseline entry {str(entry)[:200]!r}") from None
    return frozenset(out)


def split_known(
    results: Iterable[CheckResult], baseline: frozenset[Key]
) -> tuple[list[CheckResult], list[CheckResult]]:
    """(new failures, failures already in the baseline)."""
    new: list[CheckResult] = []
    known: list[CheckResult] = []
    for result in results:
        if not is_failure(result):
            continue
        (known if keys(result) <= baseline else new).append(result)
    return new, known
