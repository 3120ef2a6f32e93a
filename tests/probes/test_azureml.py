"""Azure ML v2 YAML specs and the Azure MLOps v2 accelerator's template workflows
(MohamedDiar/azure-mlops-fraud-detection mlops/azureml/train/pipeline.yml,
mlops/azureml/deploy/online/online-deployment.yml, .github/workflows/*.yml; reviewed)."""

from __future__ import annotations

import pytest
from helpers import run_check, run_probe, snapshot

from mlaudit.probes.profile import detect_profile
from mlaudit.repo.parsers.ci import CiCommand, template_commands
from mlaudit.results import Outcome

P, F, H = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL

PIPELINE = (
    "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
    "type: pipeline\n"
    "settings:\n  default_compute: azureml:cpu-cluster\n"
    "jobs:\n"
    "  {prep}:\n    type: command\n"
    "    outputs:\n      prepared:\n        type: uri_folder\n"
    "    code: ../../../src\n"
    "    command: >-\n      python prep.py --out ${{{{outputs.prepared}}}}\n"
    "  {train}:\n    type: command\n"
    "    inputs:\n      data: ${{{{parent.jobs.{prep}.outputs.prepared}}}}\n"
    "    code: ../../../src\n"
    "    command: >-\n      python {script} --data ${{{{inputs.data}}}}\n"
)
SOURCES = {
    "src/prep.py": "import pandas as pd\n",
    "src/train.py": "def fit(m, X, y):\n    m.fit(X, y)\n",
    "src/score_all.py": "x = 1\n",
}


def pipeline(prep: str = "prep_data", train: str = "train_model", script: str = "train.py"):
    return {
        "mlops/azureml/train/pipeline.yml": PIPELINE.format(prep=prep, train=train, script=script),
        **SOURCES,
    }


COMMAND_JOB = {
    "jobs/train.yml": (
        "$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\n"
        "code: ../src\ncommand: python train.py\n"
    ),
    **SOURCES,
}
# a GitLab-style file whose `type: pipeline` has no steps that run anything
NOT_AML = {"ci/config.yml": "type: pipeline\njobs:\n  lint: ruff\n", **SOURCES}

CASES = [
    ("training-pipeline", "pipeline-train-step", pipeline(), P),
    ("pipeline-as-code", "pipeline-train-step", pipeline(), P),
    # ... by its script when its key says nothing
    ("training-pipeline", "pipeline-train-script", pipeline(train="step_two"), P),
    ("data-pipeline-dag", "pipeline-prep-upstream", pipeline(), P),
    # the traps: one command job is one run, not a pipeline; steps that run nothing named
    # for training; a `type: pipeline` file whose jobs are not steps
    ("training-pipeline", "fp-command-job", COMMAND_JOB, F),
    ("pipeline-as-code", "fp-command-job", COMMAND_JOB, F),
    ("training-pipeline", "fp-no-train-step", pipeline(train="score", script="score_all.py"), F),
    ("training-pipeline", "fp-not-azure-ml", NOT_AML, F),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}:{i}") for c, i, f, e in CASES],
)
def test_pipeline_checks(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, files), check)
    assert obs.outcome == expected, obs.message


def test_a_step_names_the_script_it_runs_in_its_code_folder(tmp_path):
    obs = run_probe(snapshot(tmp_path, pipeline()), "aml_pipeline", what="training")
    assert obs.outcome == P
    assert obs.evidence[0].path == "mlops/azureml/train/pipeline.yml"
    assert obs.evidence[0].snippet == "step train_model: src/train.py"


def test_a_preparation_step_no_step_reads_is_no_data_pipeline(tmp_path):
    files = pipeline()
    path = "mlops/azureml/train/pipeline.yml"
    files[path] = files[path].replace("${{parent.jobs.prep_data.outputs.prepared}}", "x")
    assert run_probe(snapshot(tmp_path, files), "aml_pipeline", what="data").outcome == F


# the accelerator's template workflows, called with the files of this repository
def call(template: str, **inputs: str) -> CiCommand:
    return CiCommand(
        f"Azure/mlops-templates/.github/workflows/{template}.yml@v1.1.0", 7, tuple(inputs.items())
    )


def test_a_template_workflow_runs_its_az_ml_command():
    run = template_commands(call("run-pipeline", **{"parameters-file": "p.yml", "job-name": "x"}))
    assert [c.text for c in run] == ["az ml job create --file p.yml"]
    deploy = call("create-deployment", endpoint_file="d.yml", endpoint_type="online")
    assert [c.text for c in template_commands(deploy)] == [
        "az ml online-deployment create -f d.yml"
    ]


def test_an_unknown_template_or_a_missing_input_runs_nothing():
    assert template_commands(call("read-yaml", file_name="config.yml")) == []
    assert template_commands(call("create-deployment", endpoint_file="d.yml")) == []
    other = CiCommand("someone/templates/.github/workflows/run-pipeline.yml@v1", 3)
    assert template_commands(other) == []


WORKFLOWS = {
    ".github/workflows/train.yml": (
        "on:\n  workflow_dispatch:\njobs:\n  run-pipeline:\n"
        "    uses: Azure/mlops-templates/.github/workflows/run-pipeline.yml@v1.1.0\n"
        "    with:\n      parameters-file: mlops/azureml/train/pipeline.yml\n"
        "      job-name: train\n"
    ),
    ".github/workflows/deploy.yml": (
        "on:\n  push:\n    branches: [main]\njobs:\n  create-deployment:\n"
        "    uses: Azure/mlops-templates/.github/workflows/create-deployment.yml@v1.1.0\n"
        "    with:\n      endpoint_file: mlops/azureml/deploy/online/online-deployment.yml\n"
        "      endpoint_type: online\n      endpoint_name: ep\n      deployment_name: blue\n"
    ),
}
DEPLOYMENT = {
    "mlops/azureml/deploy/online/online-deployment.yml": (
        "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n"
        "name: blue\nendpoint_name: ep\nmodel: azureml:fraud@latest\n"
        "code_configuration:\n  code: .\n  scoring_script: score.py\n"
        "instance_type: Standard_E4s_v3\ninstance_count: 1\n"
    ),
    "mlops/azureml/deploy/online/score.py": (
        "import json\n\ndef init():\n    global model\n    model = None\n\n"
        "def run(raw):\n    return json.dumps(model.predict(json.loads(raw)))\n"
    ),
}


def test_template_workflows_deliver_and_run_the_pipeline(tmp_path):
    snap = snapshot(tmp_path, {**pipeline(), **WORKFLOWS, **DEPLOYMENT})
    deploy = run_check(snap, "cd-deploy")
    assert deploy.outcome == P, deploy.message
    assert deploy.evidence[0].snippet == (
        "az ml online-deployment create -f mlops/azureml/deploy/online/online-deployment.yml"
    )
    built = run_check(snap, "pipeline-ci")
    assert built.outcome == H and "by hand" in built.message, built.message


def test_an_online_deployment_spec_ships_its_scoring_script(tmp_path):
    """Without any CI, the deployment spec is the service, as a Kubernetes manifest is."""
    profile = detect_profile(snapshot(tmp_path, {**DEPLOYMENT, **SOURCES}))
    assert profile.name == "online-serving", profile.reasons
    assert any(e.snippet == "Azure ML online deployment" for e in profile.evidence)


def test_a_scoring_script_without_a_deployment_spec_is_not_shipped(tmp_path):
    files = {**DEPLOYMENT, **SOURCES}
    spec = files.pop("mlops/azureml/deploy/online/online-deployment.yml")
    files["mlops/azureml/deploy/online/inference-config.yml"] = spec.replace(
        "managedOnlineDeployment", "batchDeployment"
    )
    profile = detect_profile(snapshot(tmp_path, files))
    assert profile.name != "online-serving"


COLLECTOR = (
    "from azureml.ai.monitoring import Collector\n\n"
    "def init():\n    global inputs\n    inputs = Collector(name='model_inputs')\n\n"
    "def run(raw):\n    inputs.collect(raw)\n    return raw\n"
)


@pytest.mark.parametrize(
    ("enabled", "expected"), [("'True'", P), ("'False'", F)], ids=["enabled", "fp-disabled"]
)
def test_the_data_collector_logs_payloads_when_the_deployment_enables_it(
    tmp_path, enabled, expected
):
    files = dict(DEPLOYMENT)
    path = "mlops/azureml/deploy/online/online-deployment.yml"
    files[path] += f"data_collector:\n  collections:\n    model_inputs:\n      enabled: {enabled}\n"
    files["mlops/azureml/deploy/online/score.py"] = COLLECTOR
    obs = run_check(snapshot(tmp_path, files), "payload-logging")
    assert obs.outcome == expected, obs.message
