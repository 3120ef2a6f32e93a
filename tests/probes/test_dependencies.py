from __future__ import annotations

import pytest
from helpers import run_probe, snapshot

from mlaudit.results import Outcome


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "uv.lock": "version = 1\n[[package]]\nname = 'x'\n",
                "pyproject.toml": "[project]\nname='x'\n",
            },
            Outcome.PASS,
        ),
        ({"requirements.txt": "numpy==1.26.4\npandas==2.2.0 --hash=sha256:abc\n"}, Outcome.PASS),
        ({"requirements.txt": "numpy==1.26.4\npandas>=2\n"}, Outcome.FAIL),
        ({"src/requirements.txt": "dvclive>=3.0\npandas\n"}, Outcome.FAIL),
        # trap: dvc.lock is a pipeline lock, not a dependency lockfile
        ({"dvc.lock": "schema: '2.0'\n", "requirements.txt": "scikit-learn\n"}, Outcome.FAIL),
        # trap: an npm lockfile does not lock the Python project
        ({"package-lock.json": "{}", "pyproject.toml": "[project]\nname='x'\n"}, Outcome.FAIL),
        ({"README.md": "pip install numpy==1.0"}, Outcome.FAIL),
        # a line adding extras to a package pinned above installs the pinned version
        # (Hisoe/demand-forecasting-mlops requirements.txt:129-130; reviewed) ...
        ({"requirements.txt": "mlflow==2.10.2\nmlflow[databricks]\n"}, Outcome.PASS),
        # ... not extras of a package pinned nowhere, nor a second line with its own range
        ({"requirements.txt": "numpy==1.26.4\nmlflow[databricks]\n"}, Outcome.FAIL),
        ({"requirements.txt": "mlflow==2.10.2\nmlflow>=3\n"}, Outcome.FAIL),
    ],
)
def test_deps_locked(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "deps_locked")
    assert obs.outcome == expected, obs


def test_deps_locked_evidence_names_unpinned_line(tmp_path):
    obs = run_probe(
        snapshot(tmp_path, {"requirements.txt": "# comment\nnumpy==1\ntorch\n"}), "deps_locked"
    )
    assert [(e.path, e.line) for e in obs.evidence] == [("requirements.txt", 3)]


_PIP_AT_ROOT = 'version: 2\nupdates:\n  - package-ecosystem: "pip"\n    directory: "/"\n'
_ACTIONS = "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n"
_CI = {".github/workflows/ci.yml": "on: push\njobs: {}\n"}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # positive: pip where the requirements are (ultralytics/yolov5 .github/dependabot.yml:8)
        ({".github/dependabot.yml": _PIP_AT_ROOT, "requirements.txt": "torch\n"}, Outcome.PASS),
        ({".github/dependabot.yaml": _PIP_AT_ROOT, "pyproject.toml": "[project]\n"}, Outcome.PASS),
        # pip also reads a requirements/ folder beside the directory it is given
        ({".github/dependabot.yml": _PIP_AT_ROOT, "requirements/base.txt": "x\n"}, Outcome.PASS),
        (
            {
                ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: pip\n"
                "    directories: ['/services/*']\n",
                "services/api/requirements.txt": "fastapi\n",
            },
            Outcome.PASS,
        ),
        ({"renovate.json": "{}", "requirements.txt": "x\n"}, Outcome.PASS),
        # actions only in a repository without Python manifests: all it has is watched
        ({".github/dependabot.yml": _ACTIONS, **_CI}, Outcome.PASS),
        # negative
        ({"requirements.txt": "torch\n"}, Outcome.FAIL),
        ({"README.md": "We use Dependabot to keep dependencies fresh.\n"}, Outcome.FAIL),
        ({".github/dependabot.yml": "version: 2\nupdates: []\n"}, Outcome.FAIL),
        # catalogue false positive: a template's `directory: "/"` where no manifest is
        # (Nneji123/Serving-Machine-Learning-Models: requirements only in subfolders)
        (
            {".github/dependabot.yml": _PIP_AT_ROOT, "fastapi/requirements.txt": "fastapi\n"},
            Outcome.FAIL,
        ),
        # only GitHub Actions kept fresh; the Python dependencies are not (openai/whisper)
        (
            {".github/dependabot.yml": _ACTIONS, "pyproject.toml": "[project]\n", **_CI},
            Outcome.PARTIAL,
        ),
        ({".github/dependabot.yml": "updates: [\n", "requirements.txt": "x\n"}, Outcome.UNKNOWN),
    ],
)
def test_dependency_bot(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "dependency_bot")
    assert obs.outcome == expected, obs


def test_dependency_bot_points_at_the_idle_entry(tmp_path):
    files = {".github/dependabot.yml": _PIP_AT_ROOT, "app/requirements.txt": "x\n"}
    obs = run_probe(snapshot(tmp_path, files), "dependency_bot")
    assert [(e.path, e.line) for e in obs.evidence] == [(".github/dependabot.yml", 3)]
    assert "app/requirements.txt" in obs.message
