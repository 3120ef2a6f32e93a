"""Determinism: the same commit gives byte-identical reports, whatever the machine state.

The same commit is checked out at two different places (different parent folders, clone
times and file mtimes) and scanned under different locales, time zones and hash seeds
(set iteration order); every output format must be byte-identical. Nothing in a report may
depend on the wall clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hardening.util import formats, scan_options
from helpers import commit, git, make_repo

FILES = {
    "train.py": "import numpy as np\nimport mlflow\nnp.random.seed(0)\nmlflow.log_metric('a', 1)\n",
    "src/pkg/model.py": "import torch\nfrom sklearn.pipeline import Pipeline\n",
    "tests/test_model.py": "def test_x():\n    assert True\n",
    "requirements.txt": "numpy==1.26.4\ntorch>=2\n",
    "params.yaml": "lr: 0.1\nepochs: 3\n",
    "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    deps: [train.py]\n",
    "Dockerfile": "FROM python:3.11\nCOPY . /app\nRUN pip install -r requirements.txt\n",
    ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    steps:\n      - run: pytest -q\n",
    "notebooks/eda.ipynb": '{"cells": [{"cell_type": "code", "source": "import pandas"}]}',
    "README.md": "# project — déjà vu ✓\n",
    "k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: m}\nspec:\n  replicas: 2\n",
}

ENVS = [
    {"LC_ALL": "C", "LANG": "C", "TZ": "UTC", "PYTHONHASHSEED": "1", "COLUMNS": "80"},
    {
        "LC_ALL": "C.UTF-8",
        "LANG": "de_DE.UTF-8",
        "TZ": "Pacific/Kiritimati",
        "PYTHONHASHSEED": "4242",
        "COLUMNS": "200",
    },
]


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("det")
    src = make_repo(base / "src", FILES)
    commit(src, {"src/pkg/train_lib.py": "import lightgbm\n"}, "second")
    git(src, "tag", "v1")
    a = base / "one" / "project"
    b = base / "two" / "elsewhere" / "project"
    for target in (a, b):
        target.parent.mkdir(parents=True)
        git(base, "clone", "-q", str(src), str(target))
    os.utime(b / "train.py", (1_000_000_000, 1_000_000_000))  # different mtimes
    return a, b


def _scan(root: Path, env_extra: dict[str, str], args: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "MLAUDIT_", "LC_"))}
    env.update(env_extra)
    proc = subprocess.run(
        [sys.executable, "-I", "-m", "mlaudit", "scan", ".", "--width", "100", *args],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    return proc.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", formats())
def test_byte_identical_across_paths_locales_and_zones(clones: tuple[Path, Path], fmt: str) -> None:
    a, b = clones
    first = _scan(a, ENVS[0], ["--format", fmt])
    second = _scan(b, ENVS[1], ["--format", fmt])
    assert first, "empty report"
    if first != second:
        diff = [
            f"- {x!r}\n+ {y!r}"
            for x, y in zip(first.splitlines(), second.splitlines(), strict=False)
            if x != y
        ]
        pytest.fail(f"{fmt} differs between runs:\n" + "\n".join(diff[:10]))


def test_ref_scan_is_deterministic(clones: tuple[Path, Path]) -> None:
    if "--ref" not in scan_options():
        pytest.skip("scan --ref not available yet")
    a, b = clones
    first = _scan(a, ENVS[0], ["--format", "json", "--ref", "v1"])
    second = _scan(b, ENVS[1], ["--format", "json", "--ref", "v1"])
    assert first == second


def test_no_wall_clock_in_json(clones: tuple[Path, Path]) -> None:
    import datetime as dt

    text = _scan(clones[0], ENVS[0], ["--format", "json"])
    today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    assert today not in text  # the commits are dated 2024; only the clock could say today
