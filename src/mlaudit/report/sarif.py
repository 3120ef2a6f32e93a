"""SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

- one rule per check that ran, unique ids, with help text (the remediation) and, for security
  checks, `security-severity`; `problem.severity` for the others;
- one result per failing or partial check; its location is the first evidence (file, line)
  and further evidence goes to `relatedLocations`; a repository-level finding points at the
  file that should change (report/locate.py), never at a fake "line 1 of nothing";
- `partialFingerprints` keyed on check + artifact + path, so alerts survive edits;
- waived results carry `suppressions` with the waiver's reason; with a baseline,
  `baselineState` says new or unchanged;
- a stable `automationDetails.id` (one category per scanned folder), no timestamps.
"""

from __future__ import annotations

from typing import Any

from mlaudit.report import RenderOptions
from mlaudit.report.escape import json_dumps, sarif_uri
from mlaudit.report.links import HOME, rule_url
from mlaudit.report.locate import baselined, blocking, findings, fingerprint, locations
from mlaudit.report.text import clean
from mlaudit.results import Assessment, CheckResult, Outcome

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RELATED = 25
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
PROBLEM_SEVERITY = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "recommendation",
    "info": "recommendation",
}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def _is_security(r: CheckResult) -> bool:
    return r.check.startswith("SEC") or r.quality == "security"


def _rule(r: CheckResult, quality_titles: dict[str, str]) -> dict[str, Any]:
    quality = quality_titles.get(r.quality, r.quality)
    help_text = clean(r.remediation, max_chars=2000) or clean(r.title)
    props: dict[str, Any] = {
        "tags": sorted(
            {"mlops", r.quality, f"artifact:{r.artifact}", f"level:{r.level}"}
            | ({"security"} if _is_security(r) else set())
        ),
        "precision": "high" if r.strength == "strong" else "medium",
        "problem.severity": PROBLEM_SEVERITY.get(r.severity, "warning"),
    }
    if _is_security(r):
        props["security-severity"] = SECURITY_SEVERITY.get(r.severity, "5.5")
    return {
        "id": r.check,
        "name": r.name,
        "shortDescription": {"text": clean(r.title)},
        "fullDescription": {
            "text": f"{clean(r.title)} — {quality}, {r.artifact} artifact, maturity level "
            f"{r.level} ({r.strength} signal, severity {r.severity})."
        },
        "help": {
            "text": help_text,
            "markdown": f"**{clean(r.title)}** ({quality}, {r.artifact}, level {r.level})\n\n"
            f"{help_text}\n\nRun `mlaudit explain {r.check}` for how it is detected.",
        },
        "helpUri": rule_url(r.check),
        "defaultConfiguration": {"level": LEVEL.get(r.severity, "warning")},
        "properties": props,
    }


def _physical(path: str, line: int | None) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": {"uri": sarif_uri(path), "uriBaseId": "%SRCROOT%"}}
    if line:
        loc["region"] = {"startLine": line}
    return {"physicalLocation": loc}


def _message(r: CheckResult, inferred: bool) -> str:
    text = f"{r.check} {r.name} [{r.artifact}]: {clean(r.message or r.title, max_chars=500)}"
    if r.outcome == Outcome.PARTIAL:
        text += " (partial: declared but not automated)"
    if inferred:
        text += " (nothing to point at in the repository: shown on the file where the fix belongs)"
    if r.remediation:
        text += f". Fix: {clean(r.remediation, max_chars=400)}"
    return text


def render(a: Assessment, options: RenderOptions) -> str:
    titles = {q.id: q.title for q in a.qualities}
    rule_results = sorted({r.check: r for r in a.results}.values(), key=lambda r: r.check)
    rules = [_rule(r, titles) for r in rule_results]
    index = {r.check: i for i, r in enumerate(rule_results)}
    marks = blocking(options)
    known = baselined(options)
    has_baseline = bool(options.verdict and options.verdict.baseline_used)
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for r in findings(a, options):
        locs = locations(r, a.target)
        if not locs:
            notifications.append(
                {
                    "level": "warning",
                    "message": {"text": _message(r, False) + " (no file to point at)"},
                }
            )
            continue
        primary = locs[0]
        level = "error" if r.check in marks else LEVEL.get(r.severity, "warning")
        if r.outcome == Outcome.PARTIAL:
            level = "note"
        item: dict[str, Any] = {
            "ruleId": r.check,
            "ruleIndex": index[r.check],
            "level": level,
            "message": {"text": _message(r, primary.inferred)},
            "locations": [_physical(primary.path, primary.line)],
            "partialFingerprints": {"mlauditFinding/v1": fingerprint(r, primary)},
            "properties": {
                "outcome": r.outcome.value,
                "artifact": r.artifact,
                "quality": r.quality,
            },
        }
        related = [
            {"id": i, **_physical(loc.path, loc.line)}
            for i, loc in enumerate(locs[1 : MAX_RELATED + 1], start=1)
        ]
        if related:
            item["relatedLocations"] = related
        if r.waived_by:
            item["suppressions"] = [
                {"kind": "external", "status": "accepted", "justification": clean(r.waived_by)}
            ]
        if has_baseline and r.outcome == Outcome.FAIL:
            item["baselineState"] = "unchanged" if r.check in known else "new"
        results.append(item)
    for r in a.results:
        if r.outcome == Outcome.ERROR:
            notifications.append(
                {
                    "level": "error",
                    "message": {
                        "text": f"{r.check} {r.name} could not be evaluated: {clean(r.message)}"
                    },
                    "associatedRule": {"id": r.check, "index": index[r.check]},
                }
            )
    for note in a.target.notes:
        notifications.append({"level": "note", "message": {"text": clean(note)}})
    if options.verdict is not None and not options.verdict.passed:
        for reason in options.verdict.reasons:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"gate failed: {clean(reason, max_chars=500)}"},
                }
            )
    sub = a.target.subdir.strip("/")
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "mlaudit",
                "informationUri": HOME,
                "version": a.tool_version,
                "semanticVersion": a.tool_version,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"mlaudit/{sub + '/' if sub else ''}"},
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "maturityLevel": a.overall_level,
            "overallScore": a.overall_score,
            "profile": a.profile.name,
            "rubric": f"{a.rubric.id} {a.rubric.version}",
        },
    }
    if options.repo_url and a.target.commit:
        provenance: dict[str, Any] = {
            "repositoryUri": options.repo_url,
            "revisionId": a.target.commit,
        }
        if a.target.branch:
            provenance["branch"] = a.target.branch
        run["versionControlProvenance"] = [provenance]
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_dumps(doc) + "\n"
