"""GitLab Code Quality report (the merge-request widget): a JSON list of issues.

Each failing or partial check is one issue with `check_name`, `description`, `severity`,
a stable `fingerprint` (check + artifact + path, never the line) and `location.path` /
`location.lines.begin` relative to the repository root. Waived results and failures already
in the baseline are left out; GitLab compares the reports of the MR and its base itself.
"""

from __future__ import annotations

from typing import Any

from mlaudit.report import RenderOptions
from mlaudit.report.escape import json_dumps
from mlaudit.report.locate import baselined, findings, fingerprint, locations
from mlaudit.report.text import clean
from mlaudit.results import Assessment, Outcome

SEVERITY = {
    "info": "info",
    "low": "minor",
    "medium": "major",
    "high": "critical",
    "critical": "blocker",
}


def render(a: Assessment, options: RenderOptions) -> str:
    known = baselined(options)
    issues: list[dict[str, Any]] = []
    for r in findings(a, options):
        if r.waived_by or (r.check in known and r.outcome == Outcome.FAIL):
            continue
        locs = locations(r, a.target)
        if not locs:
            continue
        primary = locs[0]
        partial = r.outcome == Outcome.PARTIAL
        description = (
            f"{r.check} {r.name} [{r.artifact}]: {clean(r.message or r.title, max_chars=500)}"
        )
        if partial:
            description += " (partial: declared but not automated)"
        issues.append(
            {
                "type": "issue",
                "check_name": f"{r.check} {r.name}",
                "description": description,
                "content": {"body": clean(r.remediation, max_chars=2000)}
                if r.remediation
                else None,
                "categories": ["Security"] if r.check.startswith("SEC") else ["Style"],
                "severity": "info" if partial else SEVERITY.get(r.severity, "major"),
                "fingerprint": fingerprint(r, primary)[:32],
                "location": {"path": primary.path, "lines": {"begin": primary.line or 1}},
            }
        )
    for issue in issues:
        if issue["content"] is None:
            del issue["content"]
    return json_dumps(issues) + "\n"
