"""GitHub Actions workflow commands: `::error` / `::warning` / `::notice` annotations.

- gate-blocking findings and gate failures are errors, other failures warnings, partial
  results and expired waivers notices; waived results and failures already in the baseline
  are not annotated;
- GitHub shows at most 10 annotations of each type per step: the most important come first
  and the tenth says how many more there are (all of them are in the log and the summary);
- data is %-escaped (`%`, CR, LF) and properties too (`:` and `,` as well), so repository
  strings can neither break the command nor inject another one;
- when `$GITHUB_STEP_SUMMARY` is set, the Markdown report (or a short summary when the
  Markdown renderer is unavailable) is appended to it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from mlaudit.report import RenderOptions
from mlaudit.report.escape import gh_data, gh_log, gh_property
from mlaudit.report.locate import baselined, blocking, findings, locations
from mlaudit.report.text import clean, md
from mlaudit.results import Assessment, Outcome

LIMIT_PER_TYPE = 10


escape_data = gh_data
escape_property = gh_property


def command(kind: str, message: str, **props: object) -> str:
    shown = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in props.items()
        if value not in (None, "")
    )
    return f"::{kind}{' ' + shown if shown else ''}::{escape_data(message)}"


def _limited(kind: str, items: list[tuple[str, dict[str, object]]]) -> Iterable[str]:
    if len(items) <= LIMIT_PER_TYPE:
        for message, props in items:
            yield command(kind, message, **props)
        return
    for message, props in items[: LIMIT_PER_TYPE - 1]:
        yield command(kind, message, **props)
    rest = len(items) - (LIMIT_PER_TYPE - 1)
    yield command(
        kind,
        f"… and {rest} more {kind} finding(s) not annotated (GitHub shows {LIMIT_PER_TYPE} per "
        "type): see the job log and summary",
        title="mlaudit",
    )


def summary_markdown(a: Assessment, options: RenderOptions) -> str:
    try:
        from mlaudit.report import markdown
    except ImportError:
        markdown = None  # type: ignore[assignment]
    verdict = options.verdict
    gate = ""
    if verdict is not None:
        gate = "\n".join(
            [
                "",
                "### Gate",
                "",
                *(f"- {md(line.strip(), max_chars=1000)}" for line in verdict.lines()),
            ]
        )
    if markdown is not None:
        try:
            # the job summary holds up to 1 MiB: the full report, not the PR comment
            return markdown.render_full(a, options).rstrip("\n") + "\n" + gate + "\n"
        except Exception as exc:  # the summary must not fail the run; fall back
            gate += f"\n\n_(full Markdown report unavailable: {clean(str(exc))})_"
    failing = [r for r in a.results if r.outcome == Outcome.FAIL and not r.waived_by]
    lines = [
        f"## mlaudit — maturity level {a.overall_level} ({clean(a.level_name(a.overall_level))}),"
        f" index {a.maturity_index:.1f}",
        "",
        f"Score {a.overall_score if a.overall_score is not None else '?'}/100 · "
        f"{len(a.results)} checks · {len(failing)} failing",
        "",
        *(
            f"- `{r.check}` {clean(r.name)} [{r.artifact}]: {clean(r.message)}"
            for r in failing[:50]
        ),
    ]
    return "\n".join(lines) + "\n" + gate + "\n"


def render(a: Assessment, options: RenderOptions) -> str:
    marks = blocking(options)
    known = baselined(options)
    errors: list[tuple[str, dict[str, object]]] = []
    warnings: list[tuple[str, dict[str, object]]] = []
    notices: list[tuple[str, dict[str, object]]] = []
    verdict = options.verdict
    if verdict is not None and not verdict.passed:
        for reason in verdict.reasons:
            if not any(reason.startswith(check + " ") for check in marks):
                errors.append((clean(reason, max_chars=1000), {"title": "mlaudit gate failed"}))
    log: list[str] = []
    for r in findings(a, options):
        if r.waived_by:
            log.append(f"waived  {r.check} {r.name} [{r.artifact}]: {clean(r.waived_by)}")
            continue
        if r.check in known and r.outcome == Outcome.FAIL:
            log.append(f"baseline {r.check} {r.name} [{r.artifact}]: {clean(r.message)}")
            continue
        locs = locations(r, a.target)
        props: dict[str, object] = {"title": f"mlaudit {r.check} {r.name} [{r.artifact}]"}
        if locs:
            props = {"file": locs[0].path, "line": locs[0].line, **props}
        message = clean(r.message or r.title, max_chars=800)
        if r.remediation:
            message += "\nFix: " + clean(r.remediation, max_chars=800)
        log.append(f"{r.outcome.value:8} {r.check} {r.name} [{r.artifact}]: {clean(r.message)}")
        if r.outcome == Outcome.PARTIAL:
            notices.append(("Partial (declared, not automated): " + message, props))
        elif r.check in marks:
            errors.append((message, props))
        else:
            warnings.append((message, props))
    for r in a.results:
        if r.outcome == Outcome.ERROR:
            warnings.append(
                (
                    f"{r.check} {r.name} could not be evaluated: {clean(r.message)}",
                    {"title": "mlaudit"},
                )
            )
    for note in a.target.notes:
        if "waiver" in note:
            notices.append((clean(note), {"title": "mlaudit waiver"}))
    out = [*_limited("error", errors), *_limited("warning", warnings), *_limited("notice", notices)]
    score = f"{a.overall_score:g}" if a.overall_score is not None else "?"
    out.append(
        gh_log(
            f"mlaudit: maturity level {a.overall_level} ({clean(a.level_name(a.overall_level))}), "
            f"index {a.maturity_index:.1f}, score {score}/100, {len(a.results)} checks"
        )
    )
    out += [gh_log(line) for line in log]
    if verdict is not None:
        out += [gh_log(line) for line in verdict.lines()]
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as handle:
                handle.write(summary_markdown(a, options))
        except OSError as exc:
            out.append(command("warning", f"cannot write the job summary: {exc.strerror}"))
    return "\n".join(out) + "\n"
