"""Whole-scan fuzzing: generated file trees → Snapshot → every probe → scores.

Properties: the scan returns an Assessment (no exception escapes), no probe crashes (an
`error` outcome whose message says a probe failed is a bug), every score is within 0–100,
and every evidence path is repo-relative and inside the root.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlaudit.repo.worktree import open_worktree
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess

from .test_parsers_fuzz import docs, texts

NAMES = [
    "Dockerfile", "docker/Dockerfile.prod", "requirements.txt", "requirements-dev.txt",
    "pyproject.toml", "setup.py", "train.py", "src/pkg/model.py", "tests/test_model.py",
    "notebooks/eda.ipynb", "params.yaml", "dvc.yaml", "dvc.lock", "data/raw.csv.dvc",
    ".github/workflows/ci.yml", ".gitlab-ci.yml", "Jenkinsfile", "azure-pipelines.yml",
    "k8s/deployment.yaml", "helm/chart/Chart.yaml", "helm/chart/values.yaml",
    "helm/chart/templates/deploy.yaml", "kustomization.yaml", "docker-compose.yml",
    "infra/main.tf", "monitoring/alerts.yml", "prometheus.yml", "dashboards/model.json",
    "README.md", "MLproject", "conda.yaml", ".env", "config/settings.json", "uv.lock",
    "a b/with space.py", "weird/\u202e.py", "x\\y.py", "deep/a/b/c/d/e/f.yaml",
]  # fmt: skip

MAX_RESULTS = {"files": 0}


def _yaml(doc: Any) -> str:
    try:
        return yaml.safe_dump(doc, allow_unicode=True)
    except (yaml.YAMLError, ValueError, RecursionError):
        return ""


contents = st.one_of(
    texts,
    docs.map(_yaml),
    docs.map(lambda d: json.dumps(d, default=str)),
    st.binary(max_size=200),
)
trees = st.dictionaries(st.sampled_from(NAMES), contents, min_size=1, max_size=12)

_RUBRIC = None


def _rubric() -> Any:
    global _RUBRIC
    if _RUBRIC is None:
        _RUBRIC = load_rubric(os.environ.get("MLAUDIT_TEST_RUBRIC", "default"))
    return _RUBRIC


def _scores(assessment: Any) -> list[float]:
    out = [c.score for c in assessment.cells if c.score is not None]
    out += [s for s in assessment.artifact_scores.values() if s is not None]
    if assessment.overall_score is not None:
        out.append(assessment.overall_score)
    return out


@settings(max_examples=max(10, settings().max_examples // 3))
@given(trees)
def test_scan_generated_trees(tree: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory(prefix="mlaudit-fuzz-") as tmp:
        root = Path(tmp) / "repo"
        for rel, content in tree.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogateescape")
        snap = open_worktree(root)
        assessment = assess(snap, _rubric())
        crashed = [
            f"{r.check}: {r.message}"
            for r in assessment.results
            if r.outcome.value == "error" and " failed: " in r.message
        ]
        assert not crashed, crashed
        for score in _scores(assessment):
            assert 0 <= score <= 100
        for result in assessment.results:
            for evidence in result.evidence:
                assert evidence.path and not evidence.path.startswith("/"), evidence
                assert ".." not in evidence.path.split("/"), evidence
                assert str(root) not in evidence.path
        # the whole Assessment serialises (no lone surrogates, no NaN)
        json.dumps(assessment.model_dump(mode="json"), allow_nan=False).encode("utf-8")
