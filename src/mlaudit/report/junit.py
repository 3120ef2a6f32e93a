"""JUnit XML (Jenkins, GitLab and Azure test tabs): one testcase per check.

A failing check is a `<failure>` whose message is the finding (and whose text lists the
evidence and the fix); a probe crash is an `<error>`; not applicable, unknown, waived and
baseline-known failures are `<skipped>` with the reason; pass and partial pass (a partial
result is written to `<system-out>`). One `<testsuite>` per quality, plus `mlaudit.gate`
(one testcase failing with every reason) when a gate is configured; no timestamps.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlaudit.report import RenderOptions
from mlaudit.report.escape import xml
from mlaudit.report.locate import baselined
from mlaudit.report.text import clean
from mlaudit.results import Assessment, CheckResult, Outcome


def _text(r: CheckResult) -> str:
    lines = [clean(r.message or r.title, max_chars=1000)]
    lines += [
        f"  at {clean(e.location())}" + (f" — {clean(e.note)}" if e.note else "")
        for e in r.evidence[:50]
    ]
    if r.remediation:
        lines.append(f"Fix: {clean(r.remediation, max_chars=1000)}")
    return "\n".join(lines)


def _well_formed(root: ET.Element) -> None:
    """The boundary: every attribute and text holds only characters XML 1.0 allows (a
    U+FFFF or a control character in a name would make the whole report unreadable)."""
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, xml(value, max_chars=2000))
        if element.text:
            element.text = xml(element.text, max_chars=2000, multiline=True)


def render(a: Assessment, options: RenderOptions) -> str:
    known = baselined(options)
    titles = {q.id: q.title for q in a.qualities}
    root = ET.Element("testsuites", name="mlaudit")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for quality in a.qualities:
        members = [r for r in a.results if r.quality == quality.id]
        if not members:
            continue
        suite = ET.SubElement(
            root, "testsuite", name=f"mlaudit.{quality.prefix} {titles[quality.id]}"
        )
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for r in members:
            counts["tests"] += 1
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{r.check} {r.name} [{r.artifact}]",
                classname=f"mlaudit.{quality.id}",
                time="0",
            )
            if r.waived_by:
                ET.SubElement(case, "skipped", message=f"waived: {clean(r.waived_by)}")
                counts["skipped"] += 1
            elif r.outcome == Outcome.FAIL and r.check in known:
                ET.SubElement(case, "skipped", message="failure already in the baseline")
                counts["skipped"] += 1
            elif r.outcome == Outcome.FAIL:
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=clean(f"{r.check} {r.name}: {r.message or r.title}", max_chars=500),
                    type=r.severity,
                )
                failure.text = _text(r)
                counts["failures"] += 1
            elif r.outcome == Outcome.ERROR:
                error = ET.SubElement(
                    case, "error", message=clean(r.message, max_chars=500), type="probe-error"
                )
                error.text = _text(r)
                counts["errors"] += 1
            elif r.outcome in (Outcome.NOT_APPLICABLE, Outcome.UNKNOWN):
                reason = "not applicable" if r.outcome == Outcome.NOT_APPLICABLE else "unknown"
                ET.SubElement(
                    case, "skipped", message=clean(f"{reason}: {r.message}", max_chars=500)
                )
                counts["skipped"] += 1
            elif r.outcome == Outcome.PARTIAL:
                out = ET.SubElement(case, "system-out")
                out.text = "partial (declared, not automated): " + _text(r)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    verdict = options.verdict
    if verdict is not None and verdict.gates:
        suite = ET.SubElement(root, "testsuite", name="mlaudit.gate")
        case = ET.SubElement(
            suite,
            "testcase",
            name=f"gate: {', '.join(verdict.gates)}",
            classname="mlaudit.gate",
            time="0",
        )
        failed = not verdict.passed
        if failed:
            failure = ET.SubElement(
                case, "failure", message=clean(verdict.reasons[0], max_chars=500), type="gate"
            )
            failure.text = "\n".join(clean(r, max_chars=1000) for r in verdict.reasons)
        counts = {"tests": 1, "failures": int(failed), "errors": 0, "skipped": 0}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    _well_formed(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
