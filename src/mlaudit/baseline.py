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


def load_baseline(path: Path) -> frozenset[Key]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"baseline file not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a readable mlaudit baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("baseline_version") != BASELINE_VERSION:
        raise UsageError(f"{path}: not an mlaudit baseline (baseline_version {BASELINE_VERSION})")
    out: set[Key] = set()
    for entry in data.get("failures") or []:
        try:
            out.add((str(entry["check"]), str(entry["artifact"]), str(entry.get("path") or "")))
        except (KeyError, TypeError):
            raise UsageError(f"{path}: malformed baseline entry {entry!r}") from None
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
