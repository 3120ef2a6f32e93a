"""Notebook code cells parse as IPython runs them: magics blanked, a cell's leading
indentation removed (IPython's `leading_indent`), one broken cell hiding no other."""

from __future__ import annotations

import json

import pytest

from mlaudit.repo.parsers.notebook import parse_notebook


def notebook(*cells: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": c} for c in cells], "nbformat": 4})


@pytest.mark.parametrize(
    ("cells", "wanted", "absent"),
    [
        # aws-samples/mlops-amazon-sagemaker 2-training-registry.ipynb: the whole cell indented
        (
            (" params = {'a': 1}\n tuner = HyperparameterTuner(**params)\n tuner.fit(x)\n",),
            {"HyperparameterTuner", "tuner.fit"},
            set(),
        ),
        # a block inside the indented cell keeps its own, deeper indentation
        (("\tfor x in xs:\n\t\ttrain(x)\n",), {"train"}, set()),
        # magics blanked; a cell that does not parse even dedented hides only itself
        (
            ("%pip install x\nfit()\n", "def broken(:\n    pass\n", "evaluate()\n"),
            {"fit", "evaluate"},
            set(),
        ),
        # the trap: a line indented less than the first is not shifted (it stays broken)
        (("    a = load()\n  b = bad()\n", "ok()\n"), {"ok"}, {"load", "bad"}),
    ],
)
def test_cells_parse_as_ipython_runs_them(cells, wanted, absent):
    facts = parse_notebook(notebook(*cells)).facts
    names = {c.name for c in facts.calls}
    assert wanted <= names and not (absent & names), names
