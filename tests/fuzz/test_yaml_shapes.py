"""Type-confused YAML in every file kind the probes read (issue #13, class 11).

Plausible bad YAML — `- pip: 23.1` in environment.yml, `deps: 5` in dvc.yaml, `hooks: 5`
in .pre-commit-config.yaml — must be a recorded problem (a parse note on the file, or the
check's own verdict), never a probe crash: no check may end in `error`, and the scan exits
normally.

Two layers: an exhaustive single-point test (every node of a realistic seed replaced by each
wrong type, one scan per kind with all variants side by side) and a hypothesis test that
stacks several replacements.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Outcome
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess

WRONG: list[Any] = [5, 23.1, "text", None, True, [], {}, [5], {"k": 5}, ["a", {"b": None}]]

SEEDS: dict[str, Any] = {
    "dvc.yaml": {
        "stages": {
            "train": {
                "cmd": "python train.py",
                "deps": ["data/raw.csv", "train.py"],
                "params": ["train.lr", {"params.yaml": ["seed"]}],
                "outs": ["model.pkl", {"model.onnx": {"cache": False}}],
                "metrics": [{"metrics.json": {"cache": False}}],
                "desc": "train the model",
            }
        }
    },
    "dvc.lock": {
        "schema": "2.0",
        "stages": {
            "train": {
                "cmd": "python train.py",
                "deps": [{"path": "data/raw.csv", "md5": "abc", "size": 3}],
                "outs": [{"path": "model.pkl", "md5": "def", "size": 4}],
            }
        },
    },
    "data/raw.csv.dvc": {"outs": [{"md5": "abc", "size": 3, "path": "raw.csv"}], "desc": "d"},
    "MLproject": {
        "name": "churn",
        "conda_env": "conda.yaml",
        "entry_points": {
            "main": {
                "parameters": {"lr": {"type": "float", "default": 0.1}},
                "command": "python t.py",
            }
        },
    },
    "environment.yml": {
        "name": "churn",
        "channels": ["conda-forge"],
        "dependencies": ["python=3.11", "numpy=1.26.4", {"pip": ["mlflow==2.9.2", "dvc"]}],
    },
    ".pre-commit-config.yaml": {
        "repos": [
            {
                "repo": "https://github.com/gitleaks/gitleaks",
                "rev": "v8.18.0",
                "hooks": [{"id": "gitleaks"}, {"id": "ruff", "args": ["--fix"]}],
            }
        ]
    },
    ".github/workflows/ci.yml": {
        "name": "ci",
        "on": {"push": {"branches": ["main"]}, "pull_request": None},
        "jobs": {
            "test": {
                "runs-on": "ubuntu-latest",
                "steps": [
                    {"uses": "actions/checkout@v4"},
                    {"run": "pip install -r requirements.txt\npytest"},
                    {"name": "deploy", "run": "dvc repro && mlflow run .", "env": {"A": "1"}},
                ],
            }
        },
    },
    ".gitlab-ci.yml": {
        "stages": ["test", "deploy"],
        "variables": {"X": "1"},
        "test": {"stage": "test", "image": "python:3.11", "script": ["pytest", "dvc repro"]},
        "deploy": {"stage": "deploy", "script": "kubectl apply -f k8s/", "rules": [{"if": "$X"}]},
    },
    "k8s/deployment.yaml": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "model", "labels": {"app": "model"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "model"}},
            "template": {
                "metadata": {"labels": {"app": "model"}},
                "spec": {
                    "containers": [
                        {
                            "name": "api",
                            "image": "model:1.0",
                            "ports": [{"containerPort": 8080}],
                            "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}},
                            "readinessProbe": {"httpGet": {"path": "/health", "port": 8080}},
                            "env": [
                                {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s"}}}
                            ],
                        }
                    ]
                },
            },
        },
    },
    "docker-compose.yml": {
        "services": {
            "api": {
                "build": ".",
                "ports": ["8080:8080"],
                "environment": {"MLFLOW_TRACKING_URI": "http://mlflow:5000"},
                "healthcheck": {"test": ["CMD", "curl", "-f", "http://localhost"]},
                "deploy": {"replicas": 2},
            }
        }
    },
    "params.yaml": {"train": {"lr": 0.1, "seed": 42, "layers": [64, 32]}},
    "monitoring/alerts.yml": {
        "groups": [{"name": "model", "rules": [{"alert": "Drift", "expr": "drift > 0.3"}]}]
    },
    "helm/chart/values.yaml": {"replicaCount": 2, "image": {"repository": "m", "tag": "1"}},
    "kustomization.yaml": {"resources": ["k8s/deployment.yaml"], "images": [{"name": "m"}]},
}

BASE_FILES = {
    "train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
    "requirements.txt": "mlflow==2.9.2\n",
    "tests/test_train.py": "def test_x():\n    assert 1\n",
}


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in node.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(node)]


def _variants(seed: Any) -> list[Any]:
    return [_replace(seed, path, wrong) for path in _paths(seed) for wrong in WRONG]


_LOADED = None


def _errors(files: dict[str, str]) -> list[str]:
    global _LOADED
    _LOADED = _LOADED or load_rubric()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        for rel, text in {**BASE_FILES, **files}.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        assessment = assess(open_worktree(root), _LOADED)
    return [
        f"{r.check} {r.name}: {r.message}" for r in assessment.results if r.outcome == Outcome.ERROR
    ]


def _dump(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False)


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_every_single_wrong_type_is_tolerated(kind: str) -> None:
    """All single-point variants of one kind. Files read at any depth go side by side in one
    scan; root-only files (CI, pre-commit) go to the root in batches of one."""
    variants = [_dump(v) for v in _variants(SEEDS[kind])]
    failures: dict[str, list[str]] = {}
    batched = kind not in (".gitlab-ci.yml", ".pre-commit-config.yaml")
    if batched:
        files = {f"v{i}/{kind}": text for i, text in enumerate(variants)}
        if kind.startswith(".github/"):
            files = {f".github/workflows/v{i}.yml": t for i, t in enumerate(variants)}
        errors = _errors(files)
        if errors:
            failures["batch"] = errors
    else:
        for text in dict.fromkeys(variants):
            errors = _errors({kind: text})
            if errors:
                failures[text] = errors
    assert not failures, failures


_leaf = st.sampled_from(WRONG)


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(sorted(SEEDS)))
    doc = SEEDS[kind]
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(doc))
        doc = _replace(doc, draw(st.sampled_from(paths)), draw(_leaf))
    return kind, _dump(doc)


@settings(max_examples=25)
@given(_mutated())
def test_stacked_wrong_types_are_tolerated(case: tuple[str, str]) -> None:
    kind, text = case
    assert not _errors({kind: text})


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("environment.yml", "dependencies:\n  - python=3.11\n  - pip: 23.1\n"),
        ("dvc.yaml", "stages:\n  train:\n    cmd: python t.py\n    deps: 5\n"),
        (".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks: 5\n"),
    ],
)
def test_red_team_cases_scan_normally_through_the_cli(name: str, text: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlaudit.cli import app

    root = tmp_path / "repo"
    for rel, content in {**BASE_FILES, name: text}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", str(root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    assert '"outcome": "error"' not in result.stdout
