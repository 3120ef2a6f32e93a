from __future__ import annotations

import pytest
from helpers import run_probe, snapshot

from mlaudit.results import Outcome


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"uv.lock": "version = 1\n", "pyproject.toml": "[project]\nname='x'\n"}, Outcome.PASS),
        ({"requirements.txt": "numpy==1.26.4\npandas==2.2.0 --hash=sha256:abc\n"}, Outcome.PASS),
        ({"requirements.txt": "numpy==1.26.4\npandas>=2\n"}, Outcome.FAIL),
        ({"src/requirements.txt": "dvclive>=3.0\npandas\n"}, Outcome.FAIL),
        # trap: dvc.lock is a pipeline lock, not a dependency lockfile
        ({"dvc.lock": "schema: '2.0'\n", "requirements.txt": "scikit-learn\n"}, Outcome.FAIL),
        # trap: an npm lockfile does not lock the Python project
        ({"package-lock.json": "{}", "pyproject.toml": "[project]\nname='x'\n"}, Outcome.FAIL),
        ({"README.md": "pip install numpy==1.0"}, Outcome.FAIL),
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
