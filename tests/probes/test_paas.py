"""Platform service specs: a Render Blueprint's or a Railway config's services, deployed by
the platform on each push (anhquan1111/mlops-fraud-detection render.yaml:1-15; samfash/
cloud-cost-mlops-platform render.yaml; Bernard-Otieno/mlops-fraud-detection railway.json;
reviewed)."""

from __future__ import annotations

import pytest
from helpers import run_check, run_probe, snapshot

from mlaudit.probes.profile import detect_profile
from mlaudit.results import Outcome

P, F, H = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL

BLUEPRINT = (
    "services:\n  - type: web\n    name: api\n    runtime: docker\n"
    "    dockerfilePath: ./Dockerfile\n    healthCheckPath: /health\n{extra}"
)
APP = {"app.py": "from fastapi import FastAPI\napp = FastAPI()\n"}
RAILWAY = (
    '{\n  "build": {"buildCommand": "pip install -r requirements.txt"},\n'
    '  "deploy": {\n    "startCommand": "python app.py",\n    "healthcheckPath": "/health"\n  }\n}\n'
)


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
        # a Railway config's service, in JSON or TOML
        ({"railway.json": RAILWAY, **APP}, H),
        ({"railway.toml": '[deploy]\nstartCommand = "python app.py"\n', **APP}, H),
        ({"railway.json": '{"build": {"builder": "NIXPACKS"}}', **APP}, F),
    ],
)
def test_paas_deploy(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "paas_deploy")
    assert obs.outcome == expected, obs.message


def test_a_blueprint_is_delivery_and_infrastructure_as_code(tmp_path):
    snap = snapshot(tmp_path, blueprint())
    deploy = run_check(snap, "cd-deploy")
    assert deploy.outcome == H, deploy.message
    assert (deploy.evidence[0].path, deploy.evidence[0].line) == ("render.yaml", 2)
    iac = run_check(snap, "iac-env-promotion")
    assert iac.outcome == P and iac.evidence[0].snippet == "Render service spec", iac.message


def test_a_platform_service_spec_ships_the_app(tmp_path):
    """A Flask app that only a Railway config starts is a deployed service, not research
    (Bernard-Otieno/mlops-fraud-detection railway.json:8; reviewed)."""
    files = {
        "railway.json": RAILWAY,
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    }
    profile = detect_profile(snapshot(tmp_path, files))
    assert profile.name == "online-serving", profile.reasons
    assert any(e.path == "railway.json" for e in profile.evidence)


def test_a_worker_spec_ships_no_web_service(tmp_path):
    files = {
        "render.yaml": "services:\n  - type: worker\n    name: w\n    startCommand: python app.py\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    }
    assert detect_profile(snapshot(tmp_path, files)).name != "online-serving"


def test_a_railway_health_check_gates_traffic(tmp_path):
    files = {
        "railway.json": RAILWAY,
        "app/main.py": "from fastapi import FastAPI\nfrom huggingface_hub import hf_hub_download\n"
        "app = FastAPI()\nMODEL = hf_hub_download(repo_id='a/b', filename='m.pkl')\n",
    }
    obs = run_check(snapshot(tmp_path, files), "model-durable")
    assert obs.outcome == P, obs.message
    assert ("railway.json", 5) in [(e.path, e.line) for e in obs.evidence]


def test_a_static_site_ships_no_service(tmp_path):
    """A Render static site (`runtime: static`) publishes files: the app beside it is not
    shipped by it."""
    files = {
        "render.yaml": "services:\n  - type: web\n    name: docs\n    runtime: static\n"
        "    staticPublishPath: site\n",
        "app.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    }
    assert detect_profile(snapshot(tmp_path, files)).name != "online-serving"


def test_a_railway_toml_service_points_at_its_deploy_table(tmp_path):
    files = {"railway.toml": '[build]\nbuilder = "NIXPACKS"\n\n[deploy]\nstartCommand = "x"\n'}
    obs = run_probe(snapshot(tmp_path, {**files, **APP}), "paas_deploy")
    assert (obs.evidence[0].path, obs.evidence[0].line) == ("railway.toml", 4)
