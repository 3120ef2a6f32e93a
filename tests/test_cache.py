"""The on-disk cache (parsed files by blob id, history secret scans by refs): the same bytes
out with the cache off, cold, warm, corrupted or planted; a work-tree edit is never hidden by
it; it never writes into the target; --no-cache; its size bound; concurrent writers."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import commit, make_repo
from typer.testing import CliRunner

from mlaudit.cache import cache_root, trim
from mlaudit.cli import app

runner = CliRunner()

FILES = {
    "README.md": "# demo\n",
    "requirements.txt": "numpy==1.26.4\nscikit-learn==1.4.2\n",
    "src/demo/train.py": textwrap.dedent(
        """\
        import numpy as np
        import mlflow
        from sklearn.linear_model import LogisticRegression

        def train(x, y):
            np.random.seed(0)
            mlflow.log_metric("acc", 1.0)
            return LogisticRegression().fit(x, y)
        """
    ),
    "tests/test_train.py": "def test_train():\n    assert True\n",
    "params.yaml": "lr: 0.1\n",
    "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
    ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pytest\n",
}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MLAUDIT_CACHE_DIR", str(folder))
    monkeypatch.delenv("MLAUDIT_NO_CACHE", raising=False)
    return folder


def scan_json(repo: Path, *extra: str) -> str:
    result = runner.invoke(app, ["scan", str(repo), "-f", "json", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def tree_state(repo: Path) -> dict[str, str]:
    """Every file under the repository (its .git included) → content digest and mtime."""
    out = {}
    for path in sorted(repo.rglob("*")):
        if path.is_file():
            out[str(path.relative_to(repo))] = hashlib.sha256(path.read_bytes()).hexdigest() + str(
                path.stat().st_mtime_ns
            )
    return out


def test_same_bytes_off_cold_warm_corrupted_and_planted(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    commit(repo, {"src/demo/extra.py": "import pandas\n"}, "more")
    before = tree_state(repo)
    off = runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"]).stdout
    assert not cache_dir.exists()  # --no-cache writes nothing
    cold = scan_json(repo)
    pickles = list(cache_dir.rglob("*.pickle"))
    assert any("parses" in str(p) for p in pickles) and any("secrets" in str(p) for p in pickles)
    warm = scan_json(repo)
    assert off == cold == warm
    for path in pickles:  # corrupt every entry: ignored, then rewritten
        path.write_bytes(b"\x80\x05garbage")
    assert scan_json(repo) == off
    assert all(p.read_bytes() != b"\x80\x05garbage" for p in cache_dir.rglob("*.pickle"))

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    for path in cache_dir.rglob("*.pickle"):
        path.write_bytes(pickle.dumps({"entries": Planted()}))
    assert scan_json(repo) == off
    assert not (tmp_path / "pwned").exists()
    assert tree_state(repo) == before  # read-only with the cache cold, warm and corrupted


def test_a_work_tree_edit_is_never_hidden(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    scan_json(repo)  # warm
    (repo / "requirements.txt").write_text("numpy\nscikit-learn\n")  # unpinned, not committed
    (repo / "src/demo/train.py").write_text("print('no more tracking')\n")
    assert (
        scan_json(repo)
        == runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"]).stdout
    )


def test_history_and_scan_share_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    commit(repo, {"README.md": "# demo 2\n"}, "docs")
    first = runner.invoke(app, ["history", str(repo), "--last", "2", "-f", "json", "-v"])
    assert first.exit_code == 0
    again = runner.invoke(app, ["history", str(repo), "--last", "2", "-f", "json", "-v"])
    assert again.stdout == first.stdout
    cold, warm = (
        [int(n) for n in re.findall(r"reused (\d+) of (\d+)", run.stderr)[0]]
        for run in (first, again)
    )
    # the second run's parses (text is not kept on disk: it is re-read) come from the disk
    assert warm[0] > cold[0]


def test_never_inside_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    monkeypatch.setenv("MLAUDIT_CACHE_DIR", str(repo / ".cache"))
    before = tree_state(repo)
    scan_json(repo)
    assert tree_state(repo) == before and not (repo / ".cache").exists()


def test_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MLAUDIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "mlaudit"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache_root() == Path.home() / ".cache" / "mlaudit"


def test_bounded_size(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    (folder / "a").mkdir(parents=True)
    for i in range(5):
        path = folder / "a" / f"{i}.pickle"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (i, i))
    trim(folder, max_bytes=2500)
    assert sorted(p.name for p in (folder / "a").iterdir()) == ["3.pickle", "4.pickle"]


def test_concurrent_writers_never_corrupt(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    expected = runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"]).stdout
    env = {**os.environ, "MLAUDIT_CACHE_DIR": str(cache_dir)}
    exe = str(Path(sys.executable).with_name("mlaudit"))
    procs = [
        subprocess.Popen([exe, "scan", str(repo), "-f", "json"], stdout=subprocess.PIPE, env=env)
        for _ in range(4)
    ]
    outputs = [p.communicate()[0].decode() for p in procs]
    assert all(out == expected for out in outputs)
    assert not list(cache_dir.rglob("*.tmp"))
    assert scan_json(repo) == expected
