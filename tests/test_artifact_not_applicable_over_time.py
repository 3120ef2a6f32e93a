"""An artifact the repository does not have is n/a in history points, fleet rows, diffs and
gates too, not "L0": a trend would otherwise show a model appearing as a climb from L0, a
fleet table would rank a workflow library's missing model with the unmanaged ones, and a diff
would call a model's removal a drop (the reports' n/a, 71fb5a9, carried through)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from gating_helpers import invoke
from helpers import WORKFLOW_TOOL, commit, git, make_repo

TRAIN = {"train.py": "def run(m, X, y):\n    m.fit(X, y)\n"}


@pytest.fixture(scope="module")
def grows_a_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """First commit: the tool alone; second: it trains a model."""
    root = make_repo(tmp_path_factory.mktemp("h") / "repo", WORKFLOW_TOOL)
    commit(root, TRAIN, "train a model")
    return root


def _run(args: list[str]) -> str:
    run = invoke(args)
    assert run.code == 0, run.stdout + run.stderr
    return run.stdout


def test_history_points_carry_no_level_for_a_missing_model(grows_a_model: Path) -> None:
    report = json.loads(_run(["history", str(grows_a_model), "--last", "2", "-f", "json"]))
    assert report["schema_version"] == "2"
    before, after = report["points"]
    assert before["artifact_levels"]["model"] is None
    assert before["artifact_index"]["model"] is None
    assert isinstance(after["artifact_levels"]["model"], int)
    assert isinstance(before["artifact_levels"]["code"], int)  # code is always there


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "csv", "html"])
def test_history_renderers_show_it_as_na(grows_a_model: Path, fmt: str) -> None:
    text = _run(["history", str(grows_a_model), "--last", "2", "-f", fmt])
    if fmt == "csv":
        first = next(csv.DictReader(io.StringIO(text)))
        assert first["level_model"] == "n/a" and first["index_model"] == "n/a"
        assert first["level_code"] not in ("", "n/a")
    else:
        assert "n/a" in text


def test_fleet_rows_carry_no_level_for_a_missing_model(grows_a_model: Path, tmp_path: Path) -> None:
    tool = make_repo(tmp_path / "tool", WORKFLOW_TOOL)
    out = _run(["scan", str(tool), str(grows_a_model), "--jobs", "1", "-f", "json"])
    rows = {r["name"]: r for r in json.loads(out)["rows"]}
    assert rows["tool"]["artifact_levels"]["model"] is None
    assert isinstance(rows["repo"]["artifact_levels"]["model"], int)
    md = _run(["scan", str(tool), "--jobs", "1", "-f", "markdown"])
    assert "| n/a |" in md


def test_a_diff_never_calls_a_model_that_is_gone_a_drop(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {**WORKFLOW_TOOL, **TRAIN})
    git(root, "rm", "-q", "train.py")
    git(root, "commit", "-q", "-m", "the model moves to its own repository")
    args = ["diff", str(root), "--base", "HEAD~1", "--head", "HEAD"]
    report = json.loads(_run([*args, "-f", "json"]))
    assert isinstance(report["base"]["artifact_levels"]["model"], int)
    assert report["head"]["artifact_levels"]["model"] is None
    assert not any(r.startswith("model level dropped") for r in report["regressions"])
    assert re.search(r"model L\d → n/a", _run(args))


def test_an_artifact_minimum_does_not_apply_where_the_artifact_does_not(tmp_path: Path) -> None:
    tool = make_repo(
        tmp_path / "tool", {**WORKFLOW_TOOL, ".mlaudit.yaml": "minimums:\n  model: 2\n"}
    )
    run = invoke(["scan", str(tool)])
    assert "model artifact" not in run.stdout
    trains = make_repo(
        tmp_path / "trains", {**WORKFLOW_TOOL, **TRAIN, ".mlaudit.yaml": "minimums:\n  model: 4\n"}
    )
    run = invoke(["scan", str(trains)])
    assert run.code == 1 and "model artifact level" in run.stdout
