"""Per-file derived facts shared between Snapshots by blob id (Snapshot.per_file).

A history point reuses what probes derived from a file at an earlier point where the file
was the same blob; whole-tree facts (the packages the repository publishes, file lists,
globs) are applied afresh at every point. So every point must read exactly like a cold
`scan --ref` of its commit: outcomes, messages and evidence — across a renamed file, a
commit that turns calls into "own module" calls, notebooks and a file that stops parsing.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import CI_RUNS_PYTEST, commit, git, make_repo, snapshot
from typer.testing import CliRunner

from mlaudit import timeline
from mlaudit.cli import app
from mlaudit.repo.parse_cache import ParseCache
from mlaudit.repo.snapshot import derivation_key

runner = CliRunner()

TRAIN = textwrap.dedent(
    """\
    import mlflow
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    def train(x, y):
        np.random.seed(0)
        mlflow.log_param("C", 1.0)
        client = mlflow.tracking.MlflowClient()
        client.log_metric("run", "acc", 0.9)
        model = LogisticRegression().fit(x, y)
        mlflow.sklearn.log_model(model, "model")
        return model
    """
)
SERVE = textwrap.dedent(
    """\
    import pickle
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/predict")
    def predict(x: float):
        model = pickle.load(open("model.pkl", "rb"))
        return model.predict([[x]])
    """
)


def notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "metadata": {}, "source": c, "outputs": []} for c in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def varied_repo(root: Path) -> Path:
    """Six commits that change what per-file derivations see, one kind of change each."""
    make_repo(
        root,
        {
            "README.md": "# demo\n",
            "src/demo/train.py": TRAIN,
            "src/demo/serve.py": SERVE,
            "notebooks/explore.ipynb": notebook("import wandb\n", "wandb.init()\nwandb.log({})"),
        },
        message="start",
    )
    # a rename: same blob, new path (evidence must name the new path)
    git(root, "mv", "src/demo/train.py", "src/demo/training.py")
    git(root, "commit", "-q", "-m", "rename", date="2024-01-03T12:00:00Z")
    # a whole-tree fact changes, no Python file does: the repository now publishes `mlflow`,
    # so its calls into mlflow are its own code (rule lib), not tool use
    commit(
        root,
        {"pyproject.toml": '[project]\nname = "mlflow"\n', "mlflow/__init__.py": ""},
        "publish mlflow",
        date="2024-01-04T12:00:00Z",
    )
    # and back: the package goes away again
    git(root, "rm", "-q", "-r", "mlflow", "pyproject.toml")
    git(root, "commit", "-q", "-m", "unpublish", date="2024-01-05T12:00:00Z")
    # a notebook cell moves (its evidence names another cell) and a file stops parsing
    commit(
        root,
        {
            "notebooks/explore.ipynb": notebook("x = 1\n", "import wandb\n", "wandb.init()"),
            "src/demo/serve.py": SERVE + "def broken(:\n",
        },
        "edit notebook, break serve",
        date="2024-01-06T12:00:00Z",
    )
    commit(root, {"src/demo/serve.py": SERVE}, "fix serve", date="2024-01-07T12:00:00Z")
    return root


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """What a point and a cold scan must agree on (the target block names how it was read)."""
    return {k: v for k, v in data.items() if k not in ("target", "generated_at", "gate")}


def test_every_point_reads_like_a_cold_scan_of_its_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = varied_repo(tmp_path / "repo")
    seen: dict[str, dict[str, Any]] = {}
    summarise = timeline.summarise

    def keep(point: Any, assessment: Any, previous: Any) -> Any:
        seen[point.commit] = assessment.model_dump(mode="json")
        return summarise(point, assessment, previous)

    monkeypatch.setattr(timeline, "summarise", keep)
    args = ["history", str(repo), "--last", "6", "--no-cache", "-f", "json", "--jobs", "1"]
    result = runner.invoke(app, args)  # in this process: `keep` sees every Assessment
    assert result.exit_code == 0, result.output
    assert len(seen) == 6
    for commit_id, point in seen.items():
        cold = runner.invoke(
            app, ["scan", str(repo), "--ref", commit_id, "--no-cache", "-f", "json"]
        )
        assert cold.exit_code in (0, 1), cold.output
        expected = json.loads(cold.stdout)
        for result_ in expected["results"]:
            result_.pop("doc_url", None)
        expected.pop("counts", None)
        got, want = comparable(point), comparable(expected)
        # a history shows no stack inventory, so its points compute none (scoring.assess)
        assert got.pop("inventory") == {"catalogue": "", "categories": []}
        want.pop("inventory")
        got_results = {r["check"]: r for r in got.pop("results")}
        want_results = {r["check"]: r for r in want.pop("results")}
        for check, wanted in want_results.items():
            if check == "SEC014":
                # the history secret scan: `scan --ref` reads every ref's commits, a point
                # counts those its commit reaches (by design, see timeline.SharedHistory)
                wanted.pop("message"), got_results[check].pop("message")
            assert got_results.get(check) == wanted, (commit_id, check)
        assert got_results.keys() == want_results.keys()
        assert got == want, commit_id


def test_the_whole_tree_fact_is_applied_at_every_point(tmp_path: Path) -> None:
    """The same training file is tool use before `mlflow` is published here, own code while
    it is, tool use again after: the derived calls are shared, the verdict is not."""
    repo = varied_repo(tmp_path / "repo")
    result = runner.invoke(app, ["history", str(repo), "--last", "6", "--no-cache", "-f", "json"])
    data = json.loads(result.stdout)
    tracked = [p["outcomes"].get("TRK001") for p in data["points"]]
    assert tracked[1] != tracked[2], tracked  # published: mlflow calls are its own
    assert tracked[1] == tracked[3], tracked  # unpublished again


def test_history_reuses_derived_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second point derives nothing for files that did not change."""
    repo = varied_repo(tmp_path / "repo")
    cache = ParseCache()
    original = timeline.ParseCache
    monkeypatch.setattr(timeline, "ParseCache", lambda: cache)
    args = ["history", str(repo), "--last", "6", "--no-cache", "-f", "json", "--jobs", "1"]
    result = runner.invoke(app, args)
    monkeypatch.setattr(timeline, "ParseCache", original)
    assert result.exit_code == 0, result.output
    derived = {k: v[0] for k, v in cache.entries.items() if k[0] == "derived"}
    # one bundle per (path, blob): the renamed training file has two, serve.py three
    by_path: dict[str, int] = {}
    for _view, path, _blob in derived:
        by_path[path] = by_path.get(path, 0) + 1
    assert by_path["src/demo/serve.py"] == 2  # SERVE and the broken one (fixed = SERVE again)
    assert by_path["src/demo/train.py"] == 1 and by_path["src/demo/training.py"] == 1
    assert all(derived.values()), "every bundle holds the derivations of its file"


def test_per_file_without_a_parse_cache_computes_each_time(tmp_path: Path) -> None:
    snap = snapshot(tmp_path / "r", {"a.py": "import os\n"})
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    key = derivation_key("test", ("x",))
    assert [snap.per_file(key, "a.py", build) for _ in range(2)] == [1, 2]  # nothing kept


def test_per_file_is_shared_by_blob_and_keyed_by_path_and_parameters(tmp_path: Path) -> None:
    files = {"a.py": "import os\n", "b.py": "import os\n"}
    make_repo(tmp_path / "r", files)
    cache = ParseCache()
    built: list[tuple[str, str]] = []

    def open_snap() -> Any:
        snap = snapshot(tmp_path / "r", git_init=False)
        snap.parse_cache = cache.bind(lambda p: "blob-" + p)  # a blob id per path
        return snap

    def derive(snap: Any, key: str, path: str) -> str:
        def build() -> str:
            built.append((key, path))
            return f"{key}:{path}"

        return str(snap.per_file(key, path, build))

    one, two = open_snap(), open_snap()
    k1, k2 = derivation_key("k", ("x",)), derivation_key("k", ("y",))
    assert derive(one, k1, "a.py") == derive(two, k1, "a.py")
    derive(two, k2, "a.py")
    derive(two, k1, "b.py")
    assert built == [(k1, "a.py"), (k2, "a.py"), (k1, "b.py")]
    assert derivation_key("k", ("x",)) is k1  # interned: one key object in every bundle


def test_derived_values_past_the_budget_are_computed_not_kept(tmp_path: Path) -> None:
    snap = snapshot(tmp_path / "r", {"a.py": "import os\n"})
    cache = ParseCache(derived_room=1)
    snap.parse_cache = cache.bind(lambda p: "blob")
    built: list[str] = []

    def derive(key: str) -> None:
        def build() -> str:
            built.append(key)
            return key

        snap.per_file(key, "a.py", build)

    for key in ("one", "two", "two"):
        derive(key)
    assert built == ["one", "two", "two"]  # "two" did not fit: derived again


def test_the_next_commit_reuses_derived_facts_from_the_disk_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Derived facts are kept in the on-disk parse cache next to the parses; a scan of the
    next commit — here one that turns calls into the repository's own — reads them and
    still equals a scan without the cache."""
    monkeypatch.delenv("MLAUDIT_NO_CACHE", raising=False)
    monkeypatch.setenv("MLAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    repo = make_repo(
        tmp_path / "repo",
        {"src/demo/train.py": TRAIN, "notebooks/explore.ipynb": notebook("import wandb\n")},
    )
    first = runner.invoke(app, ["scan", str(repo), "-f", "json"])
    assert first.exit_code in (0, 1), first.output
    parse_files = list((tmp_path / "cache").rglob("parses/*.pickle"))
    assert parse_files
    from mlaudit.cache import load_parse_entries

    stored = load_parse_entries(parse_files[0])
    assert stored is not None
    assert any(key[0] == "derived" and value[0] for key, value in stored.items())
    published = {"pyproject.toml": '[project]\nname = "mlflow"\n', "mlflow/__init__.py": ""}
    commit(repo, published, "publish mlflow")
    warm = runner.invoke(app, ["scan", str(repo), "-f", "json"])
    cold = runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"])
    assert warm.stdout == cold.stdout
    assert json.loads(warm.stdout)["results"] != json.loads(first.stdout)["results"]


def test_first_import_of_is_the_first_match_per_file_derived_once(tmp_path: Path) -> None:
    from mlaudit.probes.base import first_import_of

    files = {
        "a.py": "import os\nimport feast.repo\nimport feast\n",
        "b.py": "import os\n",
        "c.py": "from hsfs import x\n",
        "d.py": "import feastly\n",  # not a submodule of feast
    }
    make_repo(tmp_path / "r", files)
    cache = ParseCache()

    def run() -> list[tuple[str, tuple[int, str]]]:
        snap = snapshot(tmp_path / "r", git_init=False)
        snap.parse_cache = cache.bind(lambda p: "blob-" + p)
        return first_import_of(snap, sorted(files), ("feast", "hsfs"))

    first = run()
    assert first == [("a.py", (2, "feast.repo")), ("c.py", (1, "hsfs"))]
    kept = sum(
        len(bundle) for (view, _, _), (bundle, _) in cache.entries.items() if view == "derived"
    )
    assert kept == 4  # one value per file, the files without a match too
    assert run() == first


def test_a_verdict_read_from_a_modules_content_is_not_shared_by_its_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """model-unit-tests decides whether `app/models.py` is model code from its content (a
    module of pydantic schemas is not): two points with the same paths and another
    models.py must each read their own, not the verdict the first point memoised by path."""
    schemas = "from pydantic import BaseModel\n\nclass Ride(BaseModel):\n    distance: float\n"
    test = "from app.models import Ride\n\ndef test_ride():\n    assert Ride(distance=1.0)\n"
    repo = make_repo(
        tmp_path / "repo",
        {
            "app/__init__.py": "",
            "app/models.py": schemas,
            "tests/test_models.py": test,
            "train.py": "def fit(model, X, y):\n    model.fit(X, y)\n",
            **CI_RUNS_PYTEST,
        },
        message="schemas",
    )
    commit(
        repo,
        {
            "app/models.py": schemas
            + "\ndef predict(model, ride):\n    return model.predict([ride])\n"
        },
        "a model function",
    )
    seen: dict[str, str] = {}
    summarise = timeline.summarise

    def keep(point: Any, assessment: Any, previous: Any) -> Any:
        outcome = next(r.outcome.value for r in assessment.results if r.check == "TST005")
        seen[point.label] = outcome
        return summarise(point, assessment, previous)

    monkeypatch.setattr(timeline, "summarise", keep)
    args = ["history", str(repo), "--last", "2", "--no-cache", "-f", "json", "--jobs", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(seen.values()) == ["fail", "pass"], seen
