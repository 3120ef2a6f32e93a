"""Renderers: one module per output format, each reading only the Assessment.

A renderer module exposes `render(assessment: Assessment, options: RenderOptions) -> str`.
Adding a format = one module here + one line in FORMATS + a snapshot test.

The boundary: `renderer(name)` hands every format an Assessment and options in which every
string went through the one redaction function (`redact_text`), so no format can print a
secret from a file name, commit subject, branch, tag, snippet, note or `--repo-url`; each
renderer then escapes every field for its own context with report/escape.py.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mlaudit.gate import Verdict
    from mlaudit.results import Assessment

FORMATS: dict[str, str] = {
    "terminal": "mlaudit.report.terminal",
    "json": "mlaudit.report.json",
    "markdown": "mlaudit.report.markdown",
    "html": "mlaudit.report.html",
    "sarif": "mlaudit.report.sarif",
    "junit": "mlaudit.report.junit",
    "github": "mlaudit.report.github",
    "gitlab": "mlaudit.report.gitlab",
    "badge": "mlaudit.report.badge",
}


@dataclass(frozen=True)
class RenderOptions:
    verbose: bool = False
    width: int = 100
    color: bool = False
    repo_url: str | None = None
    verdict: Verdict | None = None  # the gate's result, for formats that show it
    quiet: bool = False  # terminal: the verdict line only
    show_na: bool = False  # terminal -v: also the not-applicable checks
    full: bool = False  # markdown: the full report, not the pull-request comment


class Renderer(Protocol):
    def __call__(self, assessment: Assessment, options: RenderOptions) -> str: ...


def safe_assessment(assessment: Assessment) -> Assessment:
    """`assessment` with every string redacted (see parsers/secrets.py) and made of Unicode
    scalar values (a file name's undecodable bytes are lone surrogates, which no UTF-8
    output can hold). Computed once per Assessment object: every format of a run, and the
    result cache (which stores it beside the Assessment), share it."""
    safe = _SAFE.get(id(assessment))
    if safe is not None and safe[0] is assessment:
        return safe[1]
    from mlaudit.repo.parsers.secrets import redact_strings
    from mlaudit.report.escape import scalar

    redacted: Assessment = redact_strings(assessment, then=scalar)
    remember_safe(assessment, redacted)
    return redacted


def remember_safe(assessment: Assessment, safe: Assessment) -> None:
    """Record `safe` as the redacted form of `assessment` (an Assessment is immutable)."""
    if len(_SAFE) >= 8:
        _SAFE.pop(next(iter(_SAFE)))
    _SAFE[id(assessment)] = (assessment, safe)


# id → (the Assessment, its redacted form); the Assessment is kept so its id is not reused
_SAFE: dict[int, tuple[Assessment, Assessment]] = {}


def redacted(assessment: Assessment, options: RenderOptions) -> tuple[Assessment, RenderOptions]:
    """The Assessment and options with every string redacted and made of Unicode scalar
    values (see safe_assessment)."""
    from mlaudit.repo.parsers.secrets import redact_strings
    from mlaudit.report.escape import scalar

    safe = safe_assessment(assessment)
    verdict = redact_strings(options.verdict, then=scalar) if options.verdict else None
    repo_url = redact_strings(options.repo_url) if options.repo_url else options.repo_url
    if verdict is not options.verdict or repo_url != options.repo_url:
        options = replace(options, verdict=verdict, repo_url=repo_url)
    return safe, options


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render

    def render_redacted(assessment: Assessment, options: RenderOptions) -> str:
        return render(*redacted(assessment, options))

    return render_redacted
