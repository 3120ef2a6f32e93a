"""An artifact the repository does not have (no model of its own: an orchestrator, a serving
library) has no level: every report shows it as n/a, never as "L0 — Manual" (Netflix/metaflow's
model, reviewed)."""

from __future__ import annotations

import helpers
import pytest
from helpers import snapshot

from mlaudit.maturity import NO_ARTIFACT, artifact_applies
from mlaudit.report import RenderOptions, renderer
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess

WORKFLOW_TOOL = {
    **helpers.WORKFLOW_TOOL,
    ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  t:\n    runs-on: x\n"
    "    steps:\n      - run: pytest\n",
    ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n",
}
# the same repository with a model it trains: the model has a level again
WITH_MODEL = {**WORKFLOW_TOOL, "train.py": "def run(m, X, y):\n    m.fit(X, y)\n"}


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    return assess(snapshot(tmp_path_factory.mktemp("tool"), WORKFLOW_TOOL), load_rubric())


def test_the_model_of_a_repository_without_one_has_no_level(tool):
    assert not artifact_applies(tool.artifact_maturity["model"])
    assert artifact_applies(tool.artifact_maturity["code"])


@pytest.mark.parametrize(
    ("fmt", "full"), [("markdown", False), ("markdown", True), ("html", False), ("terminal", False)]
)
def test_every_report_shows_it_as_not_applicable(tool, fmt, full):
    options = RenderOptions(color=False) if fmt == "terminal" else RenderOptions(full=full)
    text = renderer(fmt)(tool, options)
    assert NO_ARTIFACT in text
    assert "| Model | L0" not in text and "| Model | 0.0" not in text
    assert "Model: index" not in text and "Model: <strong>L0" not in text


def test_a_model_it_trains_is_graded(tmp_path):
    a = assess(snapshot(tmp_path, WITH_MODEL), load_rubric())
    assert artifact_applies(a.artifact_maturity["model"])
    assert NO_ARTIFACT not in renderer("markdown")(a, RenderOptions())
