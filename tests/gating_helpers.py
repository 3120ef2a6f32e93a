"""Helpers for the CI-gating tests: a small ML project in a real git repo, and the CLI."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import make_repo
from typer.testing import CliRunner

from mlaudit.cli import app

PROJECT: dict[str, str] = {
    "pyproject.toml": '[project]\nname = "churn"\nversion = "0.1.0"\n'
    'dependencies = ["numpy", "scikit-learn"]\n',
    "uv.lock": 'version = 1\n[[package]]\nname = "numpy"\nversion = "1.26.4"\n'
    '[[package]]\nname = "scikit-learn"\nversion = "1.4.2"\n',
    "src/churn/__init__.py": "",
    "src/churn/train.py": (
        "import numpy as np\n\n\ndef train(x):\n    np.random.seed(0)\n    return x.mean()\n"
    ),
    "tests/test_train.py": (
        "import numpy as np\n\nfrom churn.train import train\n\n\n"
        "def test_train():\n    assert train(np.ones(3)) == 1.0\n"
    ),
    "tests/conftest.py": "",
    ".github/workflows/ci.yml": (
        "name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -e .\n"
        "      - run: pytest\n"
    ),
    "README.md": "# churn\n\nTrain with `python -m churn.train`.\n",
}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def invoke(args: Sequence[str], env: Mapping[str, str] | None = None) -> Run:
    base_env = {"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""}
    result = CliRunner().invoke(app, list(args), env={**base_env, **(env or {})})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def project(
    root: Path, extra: Mapping[str, str] | None = None, *, drop: Sequence[str] = ()
) -> Path:
    files = {k: v for k, v in PROJECT.items() if k not in drop}
    files.update(extra or {})
    return make_repo(root, files)


def results_by_check(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["check"]: r for r in report["results"]}
