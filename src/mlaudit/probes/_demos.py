"""Notebooks that demonstrate the package this repository publishes.

A notebook that installs the repository's own distribution from the package index
(`!pip install -q supervision` in roboflow/supervision demo.ipynb, its README's Colab demo;
reviewed) is written for the package's users, like a notebook of the docs: it runs the
released library, whose code lives in the package. It is no exploration code of the project
and no sign that the project's ML code lives in notebooks.

Installing the checkout (`pip install -e .`, `pip install .`, a `git+` URL) does not count: a
notebook that develops against the working tree is the project's own notebook.
"""

from __future__ import annotations

import re
from typing import Any

from mlaudit.probes import base
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence

# commented out for the reader to run (microsoft/FLAML notebook/automl_classification.ipynb
# `# %pip install flaml[automl] matplotlib openml`; reviewed)
_NOTEBOOK_INSTALL = re.compile(r"^\s*(?:#\s*)?[!%]\s*(?:pip3?|uv\s+pip)\s+install\s+(?P<args>.+)$")
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def package_demo_notebooks(snap: Snapshot) -> dict[str, Evidence]:
    """Notebook path → the cell that installs the published package, for every notebook of
    `base.select_files` (examples and docs aside) that installs it by name."""

    def build() -> dict[str, Evidence]:
        from mlaudit.probes.profile import published_library

        names = base.declared_distributions(snap)
        notebooks = base.select_files(snap, ["*.ipynb"])
        if not names or not notebooks or not published_library(snap):
            return {}
        found = {}
        for path in notebooks:
            hit = _installs(snap.json(path), names)
            if hit is not None:
                cell, text = hit
                found[path] = base.ev(path, None, text, f"cell {cell}")
        return found

    return snap.memo(("package_demo_notebooks",), build)


def _installs(notebook: Any, names: set[str]) -> tuple[int, str] | None:
    """(cell number, line) of the first code cell line that installs one of `names` from
    the package index."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        for line in source.splitlines():
            match = _NOTEBOOK_INSTALL.match(line.rstrip())
            if match and any(_names_package(word, names) for word in match["args"].split()):
                return number, line.strip()
    return None


def _names_package(word: str, names: set[str]) -> bool:
    """Is `word` a requirement on one of `names` (`supervision`, `"supervision[assets]>=0.2"`),
    not an option, a path or a URL?"""
    word = word.strip("'\"")
    if word.startswith(("-", ".", "/")) or "://" in word or "@" in word:
        return False
    match = _REQUIREMENT_NAME.match(word)
    return match is not None and base.norm_dist(match.group()) in names
