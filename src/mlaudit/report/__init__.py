"""Renderers: one module per output format, each reading only the Assessment.

A renderer module exposes `render(assessment: Assessment, options: RenderOptions) -> str`.
Adding a format = one module here + one line in FORMATS + a snapshot test.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from mlaudit.results import Assessment

if TYPE_CHECKING:
    from mlaudit.gate import Verdict

FORMATS: dict[str, str] = {
    "terminal": "mlaudit.report.terminal",
    "json": "mlaudit.report.json",
    "markdown": "mlaudit.report.markdown",
    "html": "mlaudit.report.html",
    "sarif": "mlaudit.report.sarif",
    "junit": "mlaudit.report.junit",
    "github": "mlaudit.report.github",
    "gitlab": "mlaudit.report.gitlab",
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


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    return module.render  # type: ignore[no-any-return,unused-ignore]
