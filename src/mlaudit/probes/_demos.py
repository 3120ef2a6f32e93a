"""Notebooks that demonstrate the package this repository publishes.

A notebook that installs the repository's own distribution from the package index
(`!pip install -q supervision` in roboflow/supervision demo.ipynb, its README's Colab demo;
reviewed) is written for the package's users, like a notebook of the docs: it runs the
released library, whose code lives in the package. It is no exploration code of the project
and no sign that the project's ML code lives in notebooks.

Installing the checkout (`pip install -e .`, `pip install .`, a `git+` URL) does not count: a
notebook that develops against the working tree is the project's own notebook.

A notebook named as a demonstration (`catboost_demo.ipynb`, `tutorial_*.ipynb`,
`quickstart.ipynb`) that imports the published package is one too, installed or not
(nubank/fklearn notebooks/causal_s_learner_demo.ipynb `from fklearn.causal… import`; reviewed).
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
        own = base.own_packages(snap)
        for path in notebooks:
            hit = _installs(snap.json(path), names)
            if hit is not None:
                cell, text = hit
                found[path] = base.ev(path, None, text, f"cell {cell}")
            elif (
                own
                and _DEMO_NAME.search(path.rsplit("/", 1)[-1])
                and not _installs_checkout(snap.json(path))
            ):
                imported = _imports_package(snap, path, own)
                if imported is not None:
                    found[path] = imported
        return found

    return snap.memo(("package_demo_notebooks",), build)


_DEMO_NAME = re.compile(
    r"(?i)(?:^|[_\-. ])(?:demos?|tutorials?|quick_?start|getting_started|walkthrough)(?:[_\-. ]|$)"
)


def _imports_package(snap: Snapshot, path: str, own: frozenset[str]) -> Evidence | None:
    """The first import of one of the published packages (`own`) in the notebook `path`."""
    facts = snap.python(path)
    for imp in facts.imports if facts is not None else ():
        if imp.module.split(".", 1)[0] in own:
            line, note = base.notebook_line_note(snap, path, imp.line)
            return base.ev(path, line, f"import {imp.module}", note or "imports the package")
    return None


def _install_lines(notebook: Any) -> list[tuple[int, str, str]]:
    """(cell number, line, install arguments) of every install line of the code cells."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return []
    found = []
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
            if match:
                found.append((number, line.strip(), match["args"]))
    return found


def _installs(notebook: Any, names: set[str]) -> tuple[int, str] | None:
    """(cell number, line) of the first code cell line that installs one of `names` from
    the package index."""
    for number, line, args in _install_lines(notebook):
        if any(_names_package(word, names) for word in args.split()):
            return number, line
    return None


def _installs_checkout(notebook: Any) -> bool:
    """Does the notebook install the working tree (`pip install -e .`, `pip install ..`, a
    `git+` URL)? It then develops the project, whatever its name says."""
    for _number, _line, args in _install_lines(notebook):
        for word in args.split():
            word = word.strip("'\"")
            if word in (".", "..") or word.startswith(("./", "../", ".[", "..[", "git+", "/")):
                return True
    return False


def _names_package(word: str, names: set[str]) -> bool:
    """Is `word` a requirement on one of `names` (`supervision`, `"supervision[assets]>=0.2"`),
    not an option, a path or a URL?"""
    word = word.strip("'\"")
    if word.startswith(("-", ".", "/")) or "://" in word or "@" in word:
        return False
    match = _REQUIREMENT_NAME.match(word)
    return match is not None and base.norm_dist(match.group()) in names
