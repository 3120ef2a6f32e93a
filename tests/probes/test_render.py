"""Render Blueprints: a render.yaml's services, deployed by Render on each push
(anhquan1111/mlops-fraud-detection render.yaml:1-15; samfash/cloud-cost-mlops-platform
render.yaml; reviewed)."""

from __future__ import annotations

import pytest
from helpers import run_check, run_probe, snapshot

from mlaudit.results import Outcome

P, F, H = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL

BLUEPRINT = (
    "services:\n  - type: web\n    name: api\n    runtime: docker\n"
    "    dockerfilePath: ./Dockerfile\n    healthCheckPath: /health\n{extra}"
)
APP = {"app.py": "from fastapi import FastAPI\napp = FastAPI()\n"}


def blueprint(extra: str = "", where: str = "render.yaml") -> dict[str, str]:
    return {where: BLUEPRINT.format(extra=extra), **APP}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # partial at best: whether the Blueprint is linked in Render is not in the repository
        (blueprint(), H),
        (blueprint("    autoDeploy: true\n"), H),
        # switched off, in either form
        (blueprint("    autoDeploy: false\n"), F),
        (blueprint("    autoDeployTrigger: off\n"), F),
        # the traps: a Blueprint in the docs' examples, a render.yaml that is not one
        (blueprint(where="examples/render.yaml"), F),
        ({"render.yaml": "scene:\n  camera: front\n", **APP}, F),
        (APP, F),
    ],
)
def test_render_deploy(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "render_deploy")
    assert obs.outcome == expected, obs.message


def test_a_blueprint_is_delivery_and_infrastructure_as_code(tmp_path):
    snap = snapshot(tmp_path, blueprint())
    deploy = run_check(snap, "cd-deploy")
    assert deploy.outcome == H, deploy.message
    assert (deploy.evidence[0].path, deploy.evidence[0].line) == ("render.yaml", 2)
    iac = run_check(snap, "iac-env-promotion")
    assert iac.outcome == P and iac.evidence[0].snippet == "Render Blueprint", iac.message
