"""Managed ML platforms (issue 10, class 5): an Azure ML scoring script named by an inference
config and deployed by CI is online serving; Azure ML autoScaler / appInsightsEnabled / an
Application Insights resource are autoscaling and service telemetry; platform run logging
goes to a shared workspace. SageMaker and Vertex AI equivalents the same way. Each with a
positive case, a negative case and its trap."""

from __future__ import annotations

import pytest
from helpers import run_rubric_check, snapshot, training_repo

from mlaudit.probes.profile import detect_profile
from mlaudit.probes.serving import serving_files
from mlaudit.results import Outcome

P, F = Outcome.PASS, Outcome.FAIL

SCORE = (
    "import json, joblib\nfrom azureml.core.model import Model\n\n"
    "def init():\n    global model\n    model = joblib.load(Model.get_model_path('m'))\n\n"
    "def run(raw):\n    return model.predict(json.loads(raw)['data']).tolist()\n"
)
TRAIN = "def main():\n    pass\n"
INFERENCE_CONFIG = "entryScript: score.py\nruntime: python\ncondaFile: ../conda.yml\n"
CD = (
    "trigger: [main]\npool:\n  vmImage: ubuntu-latest\nsteps:\n- task: AzureCLI@2\n  inputs:\n"
    "    azureSubscription: sc\n    scriptType: bash\n    scriptLocation: inlineScript\n"
    "    inlineScript: |\n      az ml model deploy --name svc --model m:1 --ic inference_config.yml"
    " --dc deployment_config_aks.yml\n"
)
AKS = (
    "computeType: AKS\nautoScaler:\n    autoscaleEnabled: {enabled}\n    minReplicas: 1\n"
    "    maxReplicas: {hi}\nappInsightsEnabled: {insights}\n"
)


def azure(score: str = SCORE, config: str = INFERENCE_CONFIG, cd: str = CD) -> dict[str, str]:
    return {
        "scoring/score.py": score,
        "scoring/train.py": TRAIN,
        "scoring/inference_config.yml": config,
        ".pipelines/cd.yml": cd,
    }


@pytest.mark.parametrize(
    ("files", "profile", "served"),
    [
        # positive: init()/run() named by the inference config, deployed by CI
        (azure(), "online-serving", ["scoring/score.py"]),
        # v2: the online deployment names the scoring script under `code_configuration`
        (
            {
                "src/score.py": SCORE,
                "deploy/blue.yml": "$schema: https://azuremlschemas.azureedge.net/latest/"
                "managedOnlineDeployment.schema.json\nname: blue\ncode_configuration:\n"
                "  code: ../src\n  scoring_script: score.py\n",
                ".github/workflows/cd.yml": "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - run: az ml online-deployment create -f deploy/blue.yml\n",
            },
            "online-serving",
            ["src/score.py"],
        ),
        # negative: the config names a script without the init()/run() handlers
        (azure(config="entryScript: train.py\n"), "online-serving", []),
        # trap: a scoring script nobody deploys is serving code, but not a served app
        (
            azure(cd="trigger: [main]\npool:\n  vmImage: x\nsteps:\n- script: pytest\n"),
            "research",
            ["scoring/score.py"],
        ),
    ],
)
def test_azure_scoring_script_is_online_serving(tmp_path, files, profile, served):
    snap = snapshot(tmp_path, files)
    assert detect_profile(snap).name == profile
    assert [f for f in serving_files(snap) if f.endswith("score.py")] == served


@pytest.mark.parametrize(
    ("files", "autoscaler", "telemetry"),
    [
        # Azure ML v1 deployment config
        (
            {"deployment_config_aks.yml": AKS.format(enabled="True", hi=3, insights="True")},
            P,
            P,
        ),
        (
            {"deployment_config_aks.yml": AKS.format(enabled="False", hi=3, insights="False")},
            F,
            F,
        ),
        # trap: an autoscaler pinned at min == max scales nothing
        ({"deployment_config_aks.yml": AKS.format(enabled="True", hi=1, insights="False")}, F, F),
        # an Application Insights resource (ARM) alone is where telemetry can go: every Azure
        # ML workspace needs one (tecmx-team46-pricing/pricing-mlops-platform; reviewed)
        (
            {
                "infra/env.json": '{"resources": [{"type": "Microsoft.Insights/components", '
                '"name": "ai"}]}\n'
            },
            F,
            Outcome.PARTIAL,
        ),
        # SageMaker: application autoscaling on the variant, data capture
        (
            {
                "deploy.py": "import boto3\nfrom sagemaker.model_monitor import DataCaptureConfig\n"
                "c = boto3.client('application-autoscaling')\n"
                "c.register_scalable_target(ServiceNamespace='sagemaker', MinCapacity=1, "
                "MaxCapacity=4)\nDataCaptureConfig(enable_capture=True, sampling_percentage=50)\n"
            },
            P,
            P,
        ),
        # the same declared with the AWS CDK (aws-samples/amazon-sagemaker-drift-detection
        # deployment_pipeline/infra/sagemaker_stack.py:60,173)
        (
            {
                "infra/stack.py": "from aws_cdk import aws_applicationautoscaling as aas\n"
                "from aws_cdk import aws_sagemaker as sm\n"
                "t = aas.CfnScalableTarget(self, 'A', min_capacity=1, max_capacity=4,\n"
                "    scalable_dimension='sagemaker:variant:DesiredInstanceCount',\n"
                "    service_namespace='sagemaker')\n"
                "c = sm.CfnEndpointConfig.DataCaptureConfigProperty(enable_capture=True)\n"
            },
            P,
            P,
        ),
        # a scalable target of another service, capture switched off
        (
            {
                "infra/stack.py": "from aws_cdk import aws_applicationautoscaling as aas\n"
                "from aws_cdk import aws_sagemaker as sm\n"
                "t = aas.CfnScalableTarget(self, 'A', service_namespace='dynamodb')\n"
                "c = sm.CfnEndpointConfig.DataCaptureConfigProperty(enable_capture=False)\n"
            },
            F,
            F,
        ),
        # Vertex AI: replicas above the minimum, request-response logging
        (
            {
                "deploy.py": "from google.cloud import aiplatform\n"
                "e = aiplatform.Endpoint.create(display_name='e', "
                "enable_request_response_logging=True)\n"
                "e.deploy(model, min_replica_count=1, max_replica_count=5)\n"
            },
            P,
            P,
        ),
        # trap: a Vertex deployment with max == min replicas, and an SDK only imported
        (
            {
                "deploy.py": "from google.cloud import aiplatform\nimport sagemaker\n"
                "e.deploy(model, min_replica_count=2, max_replica_count=2)\n"
            },
            F,
            F,
        ),
    ],
)
def test_managed_autoscaling_and_telemetry(tmp_path, files, autoscaler, telemetry):
    snap = snapshot(tmp_path, files)
    assert run_rubric_check(snap, "autoscaler").outcome == autoscaler
    assert run_rubric_check(snap, "metrics-endpoint").outcome == telemetry


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # Azure ML: the run logs to the workspace
        (
            "from azureml.core import Run\nrun = Run.get_context()\nrun.log('mse', 0.1)\n",
            P,
        ),
        # SageMaker Experiments, Vertex AI Experiments
        (
            "from sagemaker.experiments.run import Run\n"
            "with Run(experiment_name='e') as run:\n    run.log_metric(name='m', value=1)\n",
            P,
        ),
        ("from google.cloud import aiplatform\naiplatform.log_metrics({'auc': 0.9})\n", P),
        # negative: the platform SDK only imported
        ("from azureml.core import Run\n", F),
        # trap: a local logger called `run.log` is not the platform's run
        ("import logging\nrun = logging.getLogger('x')\nrun.log(10, 'msg')\n", F),
    ],
)
def test_platform_run_logging_is_shared_tracking(tmp_path, code, expected):
    snap = snapshot(tmp_path, {"train.py": code})
    assert run_rubric_check(snap, "shared-tracking-server").outcome == expected


def test_azure_ml_runs_record_the_commit_only_from_a_checkout(tmp_path):
    code = "from azureml.core import Run\nrun = Run.get_context()\nrun.log('mse', 0.1)\n"
    snap = snapshot(tmp_path, {"train.py": code})
    assert run_rubric_check(snap, "code-version-logged").outcome == Outcome.PARTIAL
    # the stack lists the same run logging and the same registry calls the checks count
    from mlaudit.inventory import compute_inventory

    snap = snapshot(
        tmp_path / "reg",
        {
            "train.py": code,
            "register.py": "from azureml.core import Model\nModel.register(ws, 'm.pkl', 'm')\n",
        },
    )
    used = {t.id for c in compute_inventory(snap).categories for t in c.tools}
    assert {"azureml-runs", "azureml-registry"} <= used
    assert run_rubric_check(snap, "model-registry").outcome == P


# an Azure ML web service, checked like any other service (microsoft/MLOpsPython) --------------
N = Outcome.NOT_APPLICABLE
SCHEMA_SCORE = (
    "import joblib, numpy\nfrom azureml.core.model import Model\n"
    "from inference_schema.schema_decorators import input_schema, output_schema\n"
    "from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType\n\n"
    "def init():\n    global model\n    model = joblib.load(Model.get_model_path('m'))\n\n"
    "@input_schema('data', NumpyParameterType(numpy.array([[1.0]])))\n"
    "@output_schema(NumpyParameterType(numpy.array([1.0])))\n"
    "def run(data):\n    return model.predict(data).tolist()\n"
)
AKS_SERVICE = (
    "computeType: AKS\nauthEnabled: {auth}\ncontainerResourceRequirements:\n"
    "    cpu: {cpu}\n    memoryInGB: {memory}\n"
)


@pytest.mark.parametrize(
    ("files", "auth", "requests", "contract", "io"),
    [
        # positive: diabetes_regression/scoring/deployment_config_aks.yml:8-11, score.py:61-62
        (
            {
                **azure(SCHEMA_SCORE),
                "scoring/deployment_config_aks.yml": AKS_SERVICE.format(
                    auth="True", cpu=0.5, memory=2
                ),
            },
            P,
            P,
            P,
            P,
        ),
        # negative: an open service without reservations, a scoring script without a schema
        (
            {
                **azure(),
                "scoring/deployment_config_aks.yml": AKS_SERVICE.format(
                    auth="False", cpu="", memory=""
                ),
            },
            F,
            F,
            F,
            F,
        ),
        # the same set in code: deploy_configuration(...)
        (
            {
                **azure(),
                "deploy.py": "from azureml.core.webservice import AksWebservice\n"
                "c = AksWebservice.deploy_configuration(cpu_cores=1, memory_gb=2, "
                "auth_enabled=True)\n",
            },
            P,
            P,
            F,
            F,
        ),
        # trap: the same keys without any scoring script is no service to judge (and the
        # decorators outside serving code are no API contract)
        (
            {
                "lib/schemas.py": SCHEMA_SCORE.replace("def init", "def setup").replace(
                    "def run", "def handle"
                ),
                "deployment_config_aks.yml": AKS_SERVICE.format(auth="True", cpu=1, memory=2),
            },
            N,
            P,
            N,
            P,
        ),
    ],
)
def test_azure_ml_web_service_auth_resources_and_contract(
    tmp_path, files, auth, requests, contract, io
):
    snap = snapshot(tmp_path, files)
    assert run_rubric_check(snap, "api-auth").outcome == auth
    assert run_rubric_check(snap, "resource-requests").outcome == requests
    assert run_rubric_check(snap, "api-contracts").outcome == contract
    assert run_rubric_check(snap, "model-io-contract").outcome == io


def test_a_scoring_script_is_serving_code_for_every_check(tmp_path):
    """The profile found the scoring script; the coupling and fault-tolerance checks must see
    the same serving code, not 'no serving code' (MLOpsPython: ARC004 was n/a)."""
    from mlaudit.probes.code_roles import code_roles

    snap = snapshot(tmp_path, azure())
    assert list(code_roles(snap).serving) == ["scoring/score.py"]
    assert run_rubric_check(snap, "model-served-by-uri").outcome == P
    # a file that defines init()/run() but that no inference config names serves nothing
    snap = snapshot(tmp_path / "other", {"scoring/score.py": SCORE, "scoring/train.py": TRAIN})
    assert code_roles(snap).serving == {}
    assert run_rubric_check(snap, "model-served-by-uri").outcome == N


SAGEMAKER_HANDLER = (
    "import joblib\n\n\ndef model_fn(model_dir):\n    return joblib.load(model_dir + '/m.pkl')\n\n\n"
    "def predict_fn(data, model):\n    return model.predict(data)\n"
)


def test_a_sagemaker_program_is_serving_code_behind_iam(tmp_path):
    """The script a SageMaker container runs, named by SAGEMAKER_PROGRAM in the model's
    environment (romanceresnak/house-price-mlops scripts/deploy_endpoint.py:277; reviewed), is
    serving code; the endpoint answers IAM-signed calls only. A handler nothing names is not."""
    from mlaudit.probes.code_roles import code_roles

    deploy = (
        "import boto3\nsm = boto3.client('sagemaker')\n"
        "sm.create_model(ModelName='m', PrimaryContainer={'Environment': {\n"
        "    'SAGEMAKER_PROGRAM': 'src/serve/inference.py',\n}})\n"
    )
    files = {"src/serve/inference.py": SAGEMAKER_HANDLER, "scripts/deploy.py": deploy}
    snap = snapshot(tmp_path, files)
    assert list(code_roles(snap).serving) == ["src/serve/inference.py"]
    assert run_rubric_check(snap, "api-auth").outcome == P
    snap = snapshot(tmp_path / "other", {"src/serve/inference.py": SAGEMAKER_HANDLER})
    assert code_roles(snap).serving == {}


@pytest.mark.parametrize(
    ("code", "scaleout", "dataset"),
    [
        # positive: ParallelRunStep over node_count nodes; the model registered with its data
        (
            "from azureml.core import Model\n"
            "from azureml.pipeline.steps import ParallelRunConfig, ParallelRunStep\n"
            "cfg = ParallelRunConfig(entry_script='s.py', node_count=4, error_threshold=1)\n"
            "step = ParallelRunStep(name='score', parallel_run_config=cfg, inputs=[ds])\n"
            "Model.register(workspace=ws, model_name='m', model_path='m.pkl', "
            "datasets=[('training data', ds)])\n",
            P,
            P,
        ),
        # negative: a single PythonScriptStep; a model registered without its data
        (
            "from azureml.core import Model\nfrom azureml.pipeline.steps import PythonScriptStep\n"
            "step = PythonScriptStep(script_name='score.py')\n"
            "Model.register(workspace=ws, model_name='m', model_path='m.pkl')\n",
            F,
            F,
        ),
        # trap: a Datastore registration is no dataset lineage
        (
            "from azureml.core import Datastore\n"
            "Datastore.register_azure_blob_container(workspace=ws, datastore_name='d', "
            "container_name='c', datasets='x')\n",
            F,
            F,
        ),
    ],
)
def test_azure_ml_parallel_scoring_and_dataset_lineage(tmp_path, code, scaleout, dataset):
    snap = snapshot(tmp_path, training_repo({"pipelines/build.py": code}))
    assert run_rubric_check(snap, "batch-scaleout").outcome == scaleout
    assert run_rubric_check(snap, "dataset-logged").outcome == dataset


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("key", P), ("aad_token", P), ("aml_token", P), ("none", F)],
)
def test_azure_ml_v2_endpoint_auth_mode(tmp_path, mode, expected):
    # a v2 online endpoint's auth_mode (Azure/mlops-project-template
    # classical/aml-cli-v2/mlops/azureml/deploy/online/online-endpoint.yml:4)
    endpoint = (
        "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\n"
        f"name: fare\nauth_mode: {mode}\n"
    )
    snap = snapshot(tmp_path, {**azure(), "deploy/online-endpoint.yml": endpoint})
    assert run_rubric_check(snap, "api-auth").outcome == expected


def _container_app(scale: str, resources: str) -> str:
    return (
        "location: uksouth\nproperties:\n  managedEnvironmentId: /subscriptions/s/env\n"
        "  template:\n    containers:\n      - name: api\n        image: acr.io/api:v1\n"
        f"{resources}{scale}"
    )


@pytest.mark.parametrize(
    ("app", "autoscaler", "requests"),
    [
        # an Azure Container App (r-kowalczyk/model-serving-platform app.yaml:34-46; reviewed)
        (
            _container_app(
                "    scale:\n      minReplicas: 1\n      maxReplicas: 2\n",
                "        resources:\n          cpu: 1.0\n          memory: 2Gi\n",
            ),
            P,
            P,
        ),
        # negative: neither declared
        (_container_app("", ""), F, F),
        # trap: min == max scales nothing
        (_container_app("    scale:\n      minReplicas: 2\n      maxReplicas: 2\n", ""), F, F),
    ],
    ids=["declared", "absent", "fp-fixed-scale"],
)
def test_azure_container_apps_scale_and_resources(tmp_path, app, autoscaler, requests):
    files = {"api/main.py": "from fastapi import FastAPI\napp = FastAPI()\n", "app.yaml": app}
    snap = snapshot(tmp_path, training_repo(files))
    assert run_rubric_check(snap, "autoscaler").outcome == autoscaler
    assert run_rubric_check(snap, "resource-requests").outcome == requests
