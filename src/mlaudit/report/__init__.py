"""Renderers: one module per output format, each reading only the Assessment.

A renderer module exposes `render(assessment: Assessment, options: RenderOptions) -> str`.
Adding a format = one module here + one line in FORMATS + a snapshot test.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from mlaudit.results import Assessment

FORMATS: dict[str, str] = {
    "terminal": "mlaudit.report.terminal",
    "json": "mlaudit.report.json",
}


@dataclass(frozen=True)
class RenderOptions:
    verbose: bool = False
    width: int = 100
    color: bool = False
    repo_url: str | None = None


class Renderer(Protocol):
    def __call__(self, assessment: Assessment, options: RenderOptions) -> str: ...


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    return module.render  # type: ignore[no-any-return,unused-ignore]
