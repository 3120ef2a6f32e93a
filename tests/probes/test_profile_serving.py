"""Profile detection for serving: a serving framework in production code plus something that
ships it (container, manifest, Helm chart, Ray Serve spec, CI deploy). Known false positives:
`fastapi` only in a lockfile (a transitive dependency) and dataset CSVs mentioning "Flask"."""

from __future__ import annotations

import pytest
from helpers import snapshot

from mlaudit.probes.profile import detect_profile

APP = "from fastapi import FastAPI\napp = FastAPI()\n"
LOCK = (
    'version = 1\n[[package]]\nname = "fastapi"\nversion = "0.110.0"\n'
    '[[package]]\nname = "gradio"\nversion = "4.0"\n'
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"app/main.py": APP, "Dockerfile": "FROM python:3.11\n"}, "online-serving"),
        (
            {
                "app/main.py": APP,
                ".kube/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n",
            },
            "online-serving",
        ),
        (
            {
                "app/main.py": APP,
                "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 1.0.0\n",
            },
            "online-serving",
        ),
        (
            {
                "serve.py": "from ray import serve\n",
                "deploy/service.yaml": "name: svc\nray_serve_config:\n  import_path: serve:app\n",
            },
            "online-serving",
        ),
        (
            {
                "serve.py": APP,
                ".github/workflows/cd.yml": "on: [push]\njobs:\n  d:\n    runs-on: x\n    steps:\n"
                "    - run: anyscale service rollout --service-config-file svc.yaml\n",
            },
            "online-serving",
        ),
        ({"app/main.py": APP}, "research"),  # nothing ships it
        # known false positive: fastapi only as a transitive dependency in a lockfile
        (
            {"uv.lock": LOCK, "train.py": "import sklearn\n", "Dockerfile": "FROM python:3.11\n"},
            "batch",
        ),
        # known false positive: a dataset that mentions Flask is not code
        (
            {
                "datasets/projects.csv": "id,title\n1,Deploying models with Flask and FastAPI\n",
                "train.py": "import pandas as pd\n",
                "Dockerfile": "FROM python:3.11\n",
            },
            "batch",
        ),
        # a serving framework only in tests or examples does not make a service
        (
            {"tests/test_api.py": APP, "examples/demo/app.py": APP, "Dockerfile": "FROM x\n"},
            "batch",
        ),
    ],
)
def test_profile(tmp_path, files, expected):
    profile = detect_profile(snapshot(tmp_path, files))
    assert profile.name == expected, profile.reasons
    assert profile.reasons
