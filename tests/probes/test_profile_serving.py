"""Profile detection for serving: a serving framework in production code plus something that
ships it (container, manifest, Helm chart, Ray Serve spec, CI deploy). Known false positives:
`fastapi` only in a lockfile (a transitive dependency) and dataset CSVs mentioning "Flask"."""

from __future__ import annotations

import pytest
from helpers import snapshot

from mlaudit.probes.profile import detect_profile

APP = "from fastapi import FastAPI\napp = FastAPI()\n"
# an image that runs a job of its own
JOB_IMAGE = 'FROM python:3.11\nCOPY . /app\nCMD ["python", "job.py"]\n'
LOCK = (
    'version = 1\n[[package]]\nname = "fastapi"\nversion = "0.110.0"\n'
    '[[package]]\nname = "gradio"\nversion = "4.0"\n'
)


GRADIO = (
    "import gradio as gr\n\ndef predict(image):\n    return 'text'\n\n"
    "gr.Interface(fn=predict, inputs='image', outputs='text').launch(server_name='0.0.0.0')\n"
)
GRADIO_NB = (
    '{"cells": [{"cell_type": "code", "source": ["import gradio as gr\\n", '
    "\"gr.Interface(fn=f, inputs='text', outputs='text').launch()\\n\"]}], \"nbformat\": 4}"
)


BENTO_SERVICE = (
    "import bentoml\n\nimage = bentoml.images.Image(python_version='3.11')\n\n\n"
    "@bentoml.service(%s)\nclass Forecast:\n    @bentoml.api\n    def predict(self, x: int) -> int:\n"
    "        return x\n"
)


PUSH_IMAGE = (
    "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: python code/build_image.py\n      - run: docker push me/model:latest\n"
)


GCF_DEPLOY = (
    "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: gcloud functions deploy train_fn --runtime=python39 --source=source %s\n"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"app/main.py": APP, "Dockerfile": "FROM python:3.11\nEXPOSE 8000\n"}, "online-serving"),
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
        # a Gradio app is a web server for the model (full-stack-deep-learning/
        # fsdl-text-recognizer-2022 app_gradio/app.py:8, shipped by app_gradio/Dockerfile)
        (
            {
                "app_gradio/app.py": GRADIO,
                "app_gradio/Dockerfile": "FROM python:3.10\nCOPY . .\nCMD python app.py\n",
            },
            "online-serving",
        ),
        # … a Gradio demo only in a notebook serves nobody
        (
            {
                "demo.ipynb": GRADIO_NB,
                "train.py": "import torch\n",
                "Dockerfile": JOB_IMAGE,
            },
            "batch",
        ),
        # a Lambda container image whose handler answers requests (api_serverless/Dockerfile)
        (
            {
                "api/Dockerfile": "FROM public.ecr.aws/lambda/python:3.7\n"
                'COPY api/app.py ./app.py\nCMD ["app.handler"]\n',
                "api/app.py": "def handler(event, _context):\n"
                "    return {'statusCode': 200, 'body': event.get('body')}\n",
            },
            "online-serving",
        ),
        ({"app/main.py": APP}, "research"),  # nothing ships it
        # known false positive: fastapi only as a transitive dependency in a lockfile
        (
            {"uv.lock": LOCK, "train.py": "import sklearn\n", "Dockerfile": JOB_IMAGE},
            "batch",
        ),
        # known false positive: a dataset that mentions Flask is not code
        (
            {
                "datasets/projects.csv": "id,title\n1,Deploying models with Flask and FastAPI\n",
                "train.py": "import pandas as pd\n",
                "Dockerfile": JOB_IMAGE,
            },
            "batch",
        ),
        # a serving framework only in tests or examples does not make a service
        (
            {
                "tests/test_api.py": APP,
                "examples/demo/app.py": APP,
                "Dockerfile": JOB_IMAGE,
            },
            "batch",
        ),
        # BentoML's model store used by training code is not a server
        # (nogibjj/mlops-template bentoml/hello.py); a BentoML service is
        (
            {
                "bentoml/hello.py": "import bentoml\nclf.fit(X, y)\n"
                "bentoml.sklearn.save_model('iris_clf', clf)\n",
                "Dockerfile": "FROM alpine\nCOPY repeat.sh /\n",
            },
            "research",
        ),
        (
            {
                "service.py": "import bentoml\nsvc = bentoml.Service('iris', runners=[r])\n"
                "@svc.api(input=i, output=o)\ndef classify(x):\n    return r.run(x)\n",
                "Dockerfile": 'FROM python:3.11\nCMD ["bentoml", "serve", "service:svc"]\n',
            },
            "online-serving",
        ),
        (
            {
                "service.py": "import bentoml\n@bentoml.service\nclass Iris:\n"
                "    @bentoml.api\n    def classify(self, x):\n        return x\n",
                "Dockerfile": 'FROM python:3.11\nCMD ["bentoml", "serve", "service:Iris"]\n',
            },
            "online-serving",
        ),
        # an image holding no Python work packages no ML job (nogibjj/mlops-template:
        # alpine with one shell script) ...
        (
            {
                "train.py": "import pandas as pd\n",
                "Dockerfile": "FROM alpine\nCOPY repeat.sh /app\n",
            },
            "research",
        ),
        # ... one that copies the project in or installs Python does
        (
            {
                "train.py": "import pandas as pd\n",
                "Dockerfile": "FROM alpine\nRUN apk add python3 py3-pip\nCOPY . /app\n"
                'CMD ["python3", "/app/train.py"]\n',
            },
            "batch",
        ),
        # a Jupyter server image is a development environment, not a packaged job
        # (microsoft/recommenders tools/docker/Dockerfile) ...
        (
            {
                "train.py": "import pandas as pd\n",
                "Dockerfile": "FROM python:3.11\nRUN pip install jupyter\nCOPY . /app\n"
                'CMD ["jupyter", "notebook", "--ip=0.0.0.0", "--allow-root"]\n',
            },
            "research",
        ),
        # ... but an image that only installs Jupyter and runs a job is one
        (
            {
                "train.py": "import pandas as pd\n",
                "Dockerfile": "FROM python:3.11\nRUN pip install jupyter\nCOPY . /app\n"
                'CMD ["python", "train.py"]\n',
            },
            "batch",
        ),
        # a bentofile serves its service module; one that outlived it serves nothing
        # (khuyentran1401/customer_segmentation: src/bentoml_app.py deleted, bentofile kept)
        (
            {
                "bentofile.yaml": 'service: "src/bentoml_app.py:service"\n',
                "src/bentoml_app.py": "import bentoml\nservice = bentoml.Service('s')\n",
            },
            "online-serving",
        ),
        (
            {
                "bentofile.yaml": 'service: "src/bentoml_app.py:service"\n',
                "src/segment.py": "import pandas as pd\n",
                "Dockerfile": JOB_IMAGE,
            },
            "batch",
        ),
        # an MLRun model server deployed by the project's workflow (mlrun/demo-fraud
        # src/serving.py:19-22, src/train_workflow.py:180) ...
        (
            {
                "src/serving.py": "from mlrun.serving.v2_serving import V2ModelServer\n\n"
                "class Classifier(V2ModelServer):\n    def predict(self, body):\n        return []\n",
                "src/workflow.py": "import mlrun\nproject = mlrun.get_current_project()\n"
                "project.deploy_function(serving_fn)\n",
            },
            "online-serving",
        ),
        # ... while a module that only reads MLRun's serving helpers declares no server, and a
        # project that runs and builds job functions deploys none
        (
            {
                "src/graph.py": "import mlrun.serving\nstate = mlrun.serving.states.TaskStep('x')\n",
                "src/workflow.py": "import mlrun\nproject = mlrun.get_current_project()\n"
                "project.build_function('train')\nproject.run_function('train')\n",
                "Dockerfile": JOB_IMAGE,
            },
            "batch",
        ),
        # a Jina Flow served from a container (jina-ai/clip-as-service server/clip_server/
        # __main__.py:21-26); a Jina client calls someone else's service
        (
            {
                "server/__main__.py": "from jina import Flow\nf = Flow.load_config('flow.yml')\n"
                "with f:\n    f.block()\n",
                "Dockerfile": "FROM python:3.11\nCOPY . /app\nCMD python -m server\n",
            },
            "online-serving",
        ),
        (
            {
                "client.py": "import pandas as pd\nfrom jina import Client\nc = Client(host='x')\n",
                "Dockerfile": JOB_IMAGE,
            },
            "batch",
        ),
        # a gRPC server in a container serves; gRPC imported to catch a client's errors
        # does not (mosaicml/llm-foundry convert_delta_to_json.py:503)
        (
            {
                "serve.py": "import grpc\nfrom protos import predict_pb2_grpc\n\n"
                "class P(predict_pb2_grpc.PredictServicer):\n    pass\n\n"
                "server = grpc.server(pool)\n"
                "predict_pb2_grpc.add_PredictServicer_to_server(P(), server)\n",
                "Dockerfile": "FROM python:3.11\nCOPY . /app\nCMD python serve.py\n",
            },
            "online-serving",
        ),
        (
            {
                "export.py": "import pandas as pd\ntry:\n    run()\nexcept Exception as e:\n"
                "    import grpc\n    if isinstance(e, grpc.RpcError):\n        raise\n",
                "Dockerfile": JOB_IMAGE,
            },
            "batch",
        ),
        # a BentoML service that declares its image in code is shipped, as a bentofile is
        # (bentoml/BentoProphet predict/service.py:23-28; reviewed); without the image it is
        # a service nothing here packages
        ({"service.py": BENTO_SERVICE % "image=image"}, "online-serving"),
        ({"service.py": BENTO_SERVICE % ""}, "research"),
        # a Cloud Function deployed by CI serves requests over HTTP; one started by a Pub/Sub
        # topic runs a job (ruteee/kubeflow-pipeline-gcp-deploy pipelineCD.yml:47-54, which
        # launches a training pipeline; reviewed)
        ({".github/workflows/cd.yml": GCF_DEPLOY % "--trigger-http"}, "online-serving"),
        ({".github/workflows/cd.yml": GCF_DEPLOY % "--trigger-topic=train"}, "batch"),
        # a KServe InferenceService serves the model with no serving code of the project's own
        # (tanny1412/kubeflow-kserve-mlops-pipeline kserve/inference-service.yaml; reviewed),
        # beside a KFP training pipeline; the pipeline alone is batch work
        (
            {
                "pipelines/pipeline.py": "from kfp import dsl\n\n@dsl.pipeline(name='p')\ndef p():\n    pass\n",
                "kserve/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                "metadata:\n  name: iris\nspec:\n  predictor:\n    sklearn:\n"
                "      storageUri: s3://bucket/model\n",
            },
            "online-serving",
        ),
        (
            {
                "pipelines/pipeline.py": "from kfp import dsl\n\n@dsl.pipeline(name='p')\ndef p():\n    pass\n"
            },
            "batch",
        ),
        # an MLflow scoring server generated from the registry and pushed by CI serves online
        # (davesamer/ml-ops-test-project code/build_docker_image.py:16; reviewed); the same
        # image built and never shipped is not a service
        (
            {
                "code/build_image.py": "import mlflow\n"
                "mlflow.models.build_docker(model_uri=uri, name='me/model')\n",
                ".github/workflows/cd.yml": PUSH_IMAGE,
            },
            "online-serving",
        ),
        (
            {
                ".github/workflows/cd.yml": PUSH_IMAGE.replace(
                    "python code/build_image.py", "mlflow models build-docker -m $URI -n me/model"
                )
            },
            "online-serving",
        ),
        (
            {
                "code/build_image.py": "import mlflow\n"
                "mlflow.models.build_docker(model_uri=uri, name='me/model')\n",
            },
            "research",
        ),
    ],
)
def test_profile(tmp_path, files, expected):
    profile = detect_profile(snapshot(tmp_path, files))
    assert profile.name == expected, profile.reasons
    assert profile.reasons


def test_profile_managed_endpoint_deploy_is_online_serving(tmp_path):
    """Real repository (mlops-guide/dvc-gitactions): Watson ML deployment, no framework."""
    deploy = (
        "from ibm_watson_machine_learning import APIClient\n\nclient = APIClient({})\n"
        "client.deployments.create(artifact_uid='m', meta_props={})\n"
    )
    snap = snapshot(tmp_path, {"src/pipelines/deploy.py": deploy})
    assert detect_profile(snap).name == "online-serving"
    # the SDK without a deploy call (batch scoring, registry) is not serving
    batch = "from ibm_watson_machine_learning import APIClient\n\nAPIClient({}).repository.list()\n"
    snap = snapshot(tmp_path / "b", {"src/pipelines/score.py": batch})
    assert detect_profile(snap).name == "research"


CFN_ENDPOINT = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Endpoint:
    Type: "AWS::SageMaker::Endpoint"
    Properties:
      EndpointConfigName: !GetAtt EndpointConfig.EndpointConfigName
"""
SAM_API = """Transform: AWS::Serverless-2016-10-31
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.lambda_handler
      Events:
        Invoke:
          Type: Api
          Properties: {Path: /api, Method: post}
"""
SAM_CUSTOM_RESOURCE = """Resources:
  TrainingJobFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: sagemaker_training_job.lambda_handler
      Events:
        Nightly:
          Type: Schedule
          Properties: {Schedule: rate(1 day)}
"""
CDK_STACK = (
    "from aws_cdk import aws_sagemaker as sagemaker\n\n"
    "class Stack:\n    def __init__(self):\n"
    "        endpoint = {construct}(self, 'Endpoint', endpoint_config_name=name)\n"
)
TF_ENDPOINT = 'resource "aws_sagemaker_endpoint" "api" {\n  name = "api"\n}\n'


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # aws-samples/amazon-sagemaker-safe-deployment-pipeline assets/deploy-model-prd.yml:116
        ({"assets/deploy-model-prd.yml": CFN_ENDPOINT}, "online-serving"),
        ({"template.yml": SAM_API}, "online-serving"),
        ({"infra/main.tf": TF_ENDPOINT}, "online-serving"),
        # a function run on a schedule is not an HTTP service; a template in tests is a fixture
        ({"custom_resource/template.yml": SAM_CUSTOM_RESOURCE}, "research"),
        ({"tests/fixtures/endpoint.yml": CFN_ENDPOINT}, "research"),
        # the same declared with the AWS CDK (aws-samples/amazon-sagemaker-drift-detection
        # deployment_pipeline/infra/sagemaker_stack.py:78)
        ({"infra/stack.py": CDK_STACK.format(construct="sagemaker.CfnEndpoint")}, "online-serving"),
        # a CDK stack that declares only a model is no service
        ({"infra/stack.py": CDK_STACK.format(construct="sagemaker.CfnModel")}, "research"),
        # the resource type named in prose only
        ({"docs/notes.yml": "text: deploy an AWS::SageMaker::Endpoint later\n"}, "research"),
    ],
)
def test_profile_endpoint_declared_as_infrastructure_code(tmp_path, files, expected):
    info = detect_profile(snapshot(tmp_path, files))
    assert info.name == expected, info
    if expected == "online-serving":
        assert info.evidence and info.evidence[0].line


NIGHTLY = (
    "on:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  {name}:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -e .\n"
    "      - run: {cmd}\n"
)


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        ("python example_test.py", "research"),  # nightly example tests (evidently)
        ("pytest -q tests", "research"),
        # a weekly dependency audit (unit8co/darts .github/workflows/uv-audit.yml:30,34)
        ("uv lock -U && uv audit", "research"),
        ("# keep source-built wheels\nuv cache prune --ci", "research"),
        ("pip-audit -r requirements.txt", "research"),
        ("python jobs/score.py --date today", "batch"),
        ("dvc repro", "batch"),
        # the set-up around a weekly test run (drivendataorg/cookiecutter-data-science
        # tests.yml): shell syntax, tool versions, a system package, `make requirements`
        ("which make && make --version && conda --version", "research"),
        ("make requirements && make lint && make docs", "research"),
        ("choco install --verbose make", "research"),
        ('if [[ -z "$X" ]]; then bash --version; else $X --version; fi', "research"),
        ('python -c "import platform; print(platform.architecture())"', "research"),
        # ... while a Makefile target or an inline program that does the work is batch
        # a weekly lock update and the clean-up of a test image (huggingface/lerobot
        # latest_deps_tests.yml:261-285,304-330): options, assignments, conditions
        ('set -euo pipefail\nBRANCH="auto/update-uv-lock"\ngit push origin "$BRANCH"', "research"),
        ('TOKEN=$(curl -s https://hub.example/login)\n[ -z "$TOKEN" ]', "research"),
        # ... while a captured command that does the work is batch
        ("N=$(python jobs/score.py --date today)", "batch"),
        ("make train", "batch"),
        ('python -c "from jobs import score; score.main()"', "batch"),
    ],
)
def test_profile_scheduled_ci_housekeeping_is_not_batch(tmp_path, cmd, expected):
    block = "|\n" + "".join(f"          {line}\n" for line in cmd.splitlines())
    files = {".github/workflows/nightly.yml": NIGHTLY.format(name="nightly", cmd=block)}
    snap = snapshot(tmp_path, files)
    assert [job.name for job in snap.ci_jobs] == ["nightly"]  # the workflow is read
    assert detect_profile(snap).name == expected


@pytest.mark.parametrize(
    ("triggers", "expected"),
    [
        # the examples run weekly and on every pull request: regression tests on a timer
        # (optuna/optuna-examples .github/workflows/pytorch.yml:4-6, reviewed)
        ("\n  pull_request:\n", "research"),
        ("\n  pull_request_target:\n", "research"),
        # a job on the timer alone, or with pushes (a retraining on merge and weekly), is batch
        ("\n", "batch"),
        ("\n  push:\n    branches: [main]\n", "batch"),
    ],
    ids=["pull-request", "pull-request-target", "schedule-only", "push"],
)
def test_profile_a_scheduled_job_also_run_on_pull_requests_is_a_test(tmp_path, triggers, expected):
    workflow = (
        f"on:\n  schedule:\n    - cron: '0 15 * * 1'{triggers}jobs:\n  examples:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: python jobs/score.py --date today\n"
    )
    snap = snapshot(tmp_path, {".github/workflows/examples.yml": workflow})
    assert [job.name for job in snap.ci_jobs] == ["examples"]
    assert detect_profile(snap).name == expected


ALIBI_MAKEFILE = (
    "build_pypi: ## Build the Python package\n\tpython setup.py sdist bdist_wheel\n"
    "build_docs:\n\tpython -m sphinx -b html doc/source doc/_build/html\n"
    "licenses:\n\t# pull in license information\n\ttox --recreate -e licenses\n"
    "\tcut -d, -f1,3 ./licenses/license_info.csv \\\n\t\t> ./licenses/no_versions.csv\n"
    "score:\n\tpython jobs/score.py --date today\n"
    "nightly: build_docs score\n"
)


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        # a nightly copy of the PR checks (SeldonIO/alibi-detect ci.yml:54,94,149,168): the
        # machine's state, and Makefile targets that build, document and list licenses
        ("df -h && make build_pypi", "research"),
        ("make build_docs", "research"),
        ("make licenses", "research"),
        # ... while a target whose recipe does the work, or depends on one that does, is batch
        ("make score", "batch"),
        ("make nightly", "batch"),
        # a target the Makefile does not define is unknown work, as any unknown command is
        ("make refresh", "batch"),
    ],
)
def test_profile_scheduled_make_targets_are_what_their_recipes_run(tmp_path, cmd, expected):
    files = {
        ".github/workflows/nightly.yml": NIGHTLY.format(name="nightly", cmd=cmd),
        "Makefile": ALIBI_MAKEFILE,
    }
    assert detect_profile(snapshot(tmp_path, files)).name == expected


@pytest.mark.parametrize(
    ("uses", "expected"),
    [
        # a weekly scanner's options (alibi-detect security.yaml:57-63) are no batch work
        ("snyk/actions/python-3.10@master", "research"),
        ("aquasecurity/trivy-action@0.20.0", "research"),
        # the trap: the same inputs to an action that runs the project's own command
        ("./.github/actions/run", "batch"),
    ],
)
def test_profile_a_scheduled_scanner_actions_inputs_are_not_work(tmp_path, uses, expected):
    workflow = (
        "on:\n  schedule:\n    - cron: '0 0 * * 1'\njobs:\n  weekly:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n      - uses: {uses}\n        with:\n          command: code test\n"
        "          args: --severity-threshold=high\n            --all-projects\n"
    )
    files = {".github/workflows/weekly.yml": workflow}
    assert detect_profile(snapshot(tmp_path, files)).name == expected


VERTEX_BATCH = {
    "model/prediction/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "model/Dockerfile": 'FROM python:3.11\nCOPY . /app\nCMD ["uvicorn", "prediction.main:app"]\n',
    "components/model_batch_predict.py": (
        "from google.cloud.aiplatform_v1beta1.services.job_service import JobServiceClient\n"
        "client = JobServiceClient()\nclient.create_batch_prediction_job(parent=p, batch_prediction_job=j)\n"
    ),
}
DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n"
    "    spec:\n      containers:\n      - name: api\n        image: api:1\n"
)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # the server is the image a Vertex batch prediction job runs, nothing is deployed
        # online (teamdatatonic/vertex-pipelines-end-to-end-samples)
        ({}, "batch"),
        # the same image also deployed as a Kubernetes workload serves online
        ({"k8s/api.yaml": DEPLOYMENT}, "online-serving"),
    ],
    ids=["batch-prediction-only", "also-a-deployment"],
)
def test_profile_a_server_run_only_by_a_batch_prediction_job(tmp_path, extra, expected):
    info = detect_profile(snapshot(tmp_path, {**VERTEX_BATCH, **extra}))
    assert info.name == expected
    if expected == "batch":
        assert any("managed batch prediction" in r for r in info.reasons)


def test_profile_a_server_without_batch_prediction_serves_online(tmp_path):
    """The trap: the same app and image, with no batch job, is an online service."""
    files = {k: v for k, v in VERTEX_BATCH.items() if not k.startswith("components/")}
    assert detect_profile(snapshot(tmp_path, files)).name == "online-serving"


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        # dependencies resolved and listed before a nightly test run (Lightning-AI/LitServe
        # .github/workflows/ci-testing.yml:48-59)
        ("uv pip compile pyproject.toml -o requirements.txt && uv pip list", "research"),
        ("uv run python -m lightning_utilities.cli requirements set-oldest", "research"),
        ("pip-compile requirements.in", "research"),
        # the trap: a job that scores data at night is still batch work
        ("uv pip list && python jobs/score.py", "batch"),
    ],
)
def test_profile_dependency_resolution_is_housekeeping(tmp_path, cmd, expected):
    files = {".github/workflows/nightly.yml": NIGHTLY.format(name="nightly", cmd=cmd)}
    assert detect_profile(snapshot(tmp_path, files)).name == expected


def test_lib_rule_a_libraries_scheduled_jobs_are_its_own_checks(tmp_path):
    """Lightning-AI/LitServe: a published library whose nightly job (`pytester`) runs its own
    test suite is no batch project; the same job in a project that publishes nothing is."""
    job = NIGHTLY.format(name="pytester", cmd="python -m litserve.cli check")
    files = {
        "pyproject.toml": '[project]\nname = "litserve"\nversion = "1"\n',
        "src/litserve/__init__.py": "",
        ".github/workflows/ci-testing.yml": job,
        ".github/workflows/release.yml": (
            "on: {release: {types: [published]}}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n"
        ),
    }
    assert detect_profile(snapshot(tmp_path, files)).name == "research"
    job = NIGHTLY.format(name="nightly", cmd="python -m litserve.cli check")
    files[".github/workflows/ci-testing.yml"] = job
    del files[".github/workflows/release.yml"]
    assert detect_profile(snapshot(tmp_path / "b", files)).name == "batch"


def test_lib_rule_covers_the_tools_plugins_benchmarks_and_configs(tmp_path):
    """SeldonIO/MLServer: a serving tool published to PyPI, its runtimes published from
    sub-folders (runtimes/mlflow/pyproject.toml), a benchmark server and scripts importing the
    tool, its own model-settings.json fixtures and a nightly benchmark: no deployment."""
    files = {
        "pyproject.toml": '[tool.poetry]\nname = "mlserver"\nversion = "1"\n',
        "mlserver/__init__.py": "",
        "mlserver/rest/app.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "runtimes/mlflow/pyproject.toml": '[tool.poetry]\nname = "mlserver-mlflow"\nversion = "1"\n',
        "runtimes/mlflow/mlserver_mlflow/__init__.py": "",
        "runtimes/mlflow/mlserver_mlflow/runtime.py": "import fastapi\n",
        "benchmarking/generator.py": "import mlserver\n",
        "benchmarking/testserver/models/iris/model-settings.json": '{"name": "iris"}\n',
        "Dockerfile": 'FROM python:3.11\nCOPY . /app\nCMD ["mlserver", "start", "."]\n',
        ".github/workflows/release.yml": (
            "on: {push: {tags: ['*']}}\njobs:\n  release:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: poetry publish\n"
        ),
        ".github/workflows/benchmark.yml": NIGHTLY.format(
            name="benchmark", cmd="./k6 run scenario.js"
        ),
    }
    info = detect_profile(snapshot(tmp_path, files))
    assert info.name == "research", info.reasons
    # the same runtime package in a repository that does not publish itself is its code
    del files[".github/workflows/release.yml"], files["pyproject.toml"]
    assert detect_profile(snapshot(tmp_path / "b", files)).name != "research"


def test_lib_rule_a_release_by_hand_from_the_makefile(tmp_path):
    """SeldonIO/alibi-detect Makefile:48-52: the package goes to PyPI with `make push_pypi`,
    not from CI; a Makefile of an example that uploads is not the project's release."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='detect', packages=['detect'])\n",
        "detect/__init__.py": "",
        "detect/serve.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "Dockerfile": 'FROM python:3.11\nCOPY . /app\nCMD ["uvicorn", "detect.serve:app"]\n',
        "Makefile": (
            "push_pypi_test:\n\ttwine upload --repository-url https://test.pypi.org/legacy/ dist/*\n"
            "push_pypi:\n\ttwine upload dist/*\n"
        ),
    }
    info = detect_profile(snapshot(tmp_path, files))
    assert info.name == "research" and any("rule lib" in r for r in info.reasons)
    assert [(e.path, e.line, e.snippet) for e in info.evidence] == [
        ("Makefile", 4, "twine upload dist/*")
    ]
    files["examples/demo/Makefile"] = files.pop("Makefile")
    other = detect_profile(snapshot(tmp_path / "b", files))
    assert other.name != "research" and not any("rule lib" in r for r in other.reasons)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # a weekly smoke evaluation named for testing (huggingface/lerobot
        # benchmark_tests.yml:67 libero-integration-test)
        ("libero-integration-test", "research"),
        ("smoke_eval", "research"),
        ("e2e", "research"),
        # the same command in a job named for its work is a batch job
        ("nightly-scoring", "batch"),
        # the trap: a word that only contains "test" (a job scoring the latest data)
        ("score-latest", "batch"),
    ],
)
def test_profile_scheduled_job_named_for_testing_is_not_batch(tmp_path, name, expected):
    files = {
        ".github/workflows/nightly.yml": NIGHTLY.format(
            name=name, cmd="python jobs/score.py --date today"
        )
    }
    assert detect_profile(snapshot(tmp_path, files)).name == expected


CRONJOB = (
    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: score}\nspec:\n"
    "  schedule: '0 2 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
    "          containers:\n          - name: s\n            image: r/score:1\n"
    "            command: [python, score.py]\n          restartPolicy: Never\n"
)


@pytest.mark.parametrize(
    ("dockerfile", "extra", "expected"),
    [
        # positive: the image runs a job of its own
        ('FROM python:3.11\nCOPY . /app\nENTRYPOINT ["python", "-m", "jobs.score"]\n', {}, "batch"),
        # negative: an environment to work in, that starts nothing (facebookresearch/
        # detectron2 docker/Dockerfile, skorch-dev/skorch Dockerfile) or only a shell
        # (EleutherAI/gpt-neox containers/docker/Dockerfile: GPU training environments)
        ("FROM nvidia/cuda:12.1.0-runtime\nCOPY . /app\nRUN pip install -e /app\n", {}, "research"),
        ('FROM python:3.11\nCOPY . /app\nCMD ["bash"]\n', {}, "research"),
        # trap: an environment image that a CronJob runs on a schedule is a batch job
        ("FROM python:3.11\nCOPY . /app\n", {"k8s/cron.yaml": CRONJOB}, "batch"),
        # an entrypoint script that only runs its arguments starts nothing (advimman/lama
        # docker/entrypoint.sh `exec $@`; reviewed) ...
        (
            'FROM python:3.11\nADD entrypoint.sh /usr/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\n',
            {"entrypoint.sh": "#!/bin/bash\nset -e\nexport PYTHONPATH=/app\nexec $@\n"},
            "research",
        ),
        # ... one that starts a program of its own does, and so does a CMD it is given
        (
            'FROM python:3.11\nENTRYPOINT ["/entrypoint.sh"]\n',
            {"entrypoint.sh": '#!/bin/sh\npython -m jobs.score\nexec "$@"\n'},
            "batch",
        ),
        (
            'FROM python:3.11\nENTRYPOINT ["entrypoint.sh"]\nCMD ["python", "-m", "jobs.score"]\n',
            {"entrypoint.sh": '#!/bin/sh\nexec "$@"\n'},
            "batch",
        ),
    ],
    ids=[
        "runs-a-job",
        "starts-nothing",
        "starts-a-shell",
        "run-by-a-cronjob",
        "pass-through-entrypoint",
        "entrypoint-starts-a-job",
        "pass-through-entrypoint-with-cmd",
    ],
)
def test_profile_environment_images_package_no_job(tmp_path, dockerfile, extra, expected):
    files = {"train.py": "import pandas as pd\n", "Dockerfile": dockerfile, **extra}
    assert detect_profile(snapshot(tmp_path, files)).name == expected


def test_profile_lib_rule_published_tool_is_not_a_deployment(tmp_path):
    """Real repository (evidentlyai/evidently): a published MLOps tool with a web UI in its
    own package and a Dockerfile for it is not an online model service."""
    files = {
        "pyproject.toml": '[project]\nname = "evidently"\nversion = "1"\n',
        "src/evidently/__init__.py": "",
        "src/evidently/ui/app.py": "from litestar import Litestar\n\napp = Litestar([])\n",
        "docker/Dockerfile.service": 'FROM python:3.11\nENTRYPOINT ["evidently", "ui"]\n',
        ".github/workflows/release.yml": (
            "on: {release: {types: [published]}}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n"
        ),
    }
    info = detect_profile(snapshot(tmp_path, files))
    assert info.name == "research"
    assert any("rule lib" in r for r in info.reasons)
    # without publishing, the same repository ships a litestar service
    del files[".github/workflows/release.yml"]
    assert detect_profile(snapshot(tmp_path / "b", files)).name == "online-serving"


MERLION_LIKE = {
    "setup.py": "from setuptools import setup, find_namespace_packages\n\n"
    "setup(name='salesforce-tsfm', version='1', "
    "packages=find_namespace_packages(include='tsfm.*'))\n",
    "tsfm/plot.py": "import matplotlib\n",
    "tsfm/dashboard/server.py": "from dash import Dash\n\nserver = Dash(__name__).server\n",
    "docker/dashboard/Dockerfile": "FROM python:3.9-slim\nCOPY tsfm tsfm\n"
    'RUN pip install gunicorn "./[dashboard]"\n'
    "CMD gunicorn -b 0.0.0.0:80 tsfm.dashboard.server:server\n",
    ".github/workflows/publish.yml": (
        "on: {release: {types: [published]}}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n"
    ),
}


@pytest.mark.parametrize(
    ("include", "expected"),
    [
        # the package the build configuration names, under another distribution name
        # (salesforce/Merlion setup.py:49-60: `salesforce-merlion` ships `merlion`, a namespace
        # package; reviewed): its dashboard image is the library's, not a packaged job
        ("include='tsfm.*'", "research"),
        # the trap: a build that names no package proves nothing about `tsfm/`
        ("exclude=['tests']", "batch"),
    ],
)
def test_profile_lib_rule_package_named_by_the_build(tmp_path, include, expected):
    files = {
        **MERLION_LIKE,
        "setup.py": MERLION_LIKE["setup.py"].replace("include='tsfm.*'", include),
    }
    info = detect_profile(snapshot(tmp_path, files))
    assert info.name == expected, info
    assert any("rule lib" in r for r in info.reasons) == (expected == "research")


@pytest.mark.parametrize(
    "build",
    [
        '[tool.setuptools.packages.find]\ninclude = ["tsfm*"]\n',
        '[tool.setuptools]\npackages = ["tsfm", "tsfm.dashboard"]\n',
        '[tool.poetry]\npackages = [{include = "tsfm"}]\n',
    ],
    ids=["setuptools-find-include", "setuptools-packages", "poetry-packages"],
)
def test_profile_lib_rule_package_named_by_pyproject(tmp_path, build):
    files = {k: v for k, v in MERLION_LIKE.items() if k != "setup.py"}
    files["pyproject.toml"] = '[project]\nname = "salesforce-tsfm"\nversion = "1"\n\n' + build
    assert detect_profile(snapshot(tmp_path, files)).name == "research"


def test_profile_ignores_devcontainers_test_bentofiles_and_docs_jobs(tmp_path):
    """Real repository (bentoml/BentoML): a `.devcontainer/Dockerfile`, `bentofile.yaml`
    fixtures under tests/ and a scheduled spell-check job ship nothing."""
    spelling = (
        "on:\n  schedule:\n    - cron: '0 0 * * 1'\njobs:\n  spelling:\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: sudo apt-get update && sudo apt-get install -y libenchant-2-dev\n"
        "      - run: pdm sync -dG docs\n"
        "      - run: pdm run -v sphinx-build -b spelling docs build || (echo failed; exit 1)\n"
    )
    files = {
        ".devcontainer/Dockerfile": "FROM python:3.11\n",
        "tests/e2e/bentofile.yaml": "service: service:Svc\n",
        ".github/workflows/cqa.yml": spelling,
        "app/service.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    }
    assert detect_profile(snapshot(tmp_path, files)).name == "research"


def test_lib_rule_src_layout_ships_every_package(tmp_path):
    from mlaudit.probes.base import is_own_module, own_packages

    files = {
        "pyproject.toml": '[project]\nname = "bentoml"\nversion = "1"\n',
        "src/bentoml/__init__.py": "",
        "src/_bentoml_impl/__init__.py": "",
        "tools/__init__.py": "",
    }
    snap = snapshot(tmp_path, files)
    assert own_packages(snap) == frozenset({"bentoml", "_bentoml_impl"})
    assert is_own_module(snap, "_bentoml_impl.server.app") and not is_own_module(snap, "fastapi")


# feast-dev/feast pyproject.toml:254: the package lives where the build configuration says
FEAST_LAYOUT = {
    "sdk/python/feast/__init__.py": "",
    "sdk/python/feast/api/rest.py": "import fastapi\napp = fastapi.FastAPI()\n",
    "sdk/python/tests/__init__.py": "",
}


@pytest.mark.parametrize(
    ("build", "own"),
    [
        # setuptools packages.find.where, setuptools package-dir, setup.cfg, a hatch wheel
        (
            {
                "pyproject.toml": '[project]\nname = "feast"\n\n[tool.setuptools]\n'
                'packages = {find = {where = ["sdk/python"], exclude = ["sdk/python/tests"]}}\n'
            },
            {"feast"},
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "feast"\n\n[tool.setuptools.package-dir]\n'
                '"" = "sdk/python"\n'
            },
            {"feast"},
        ),
        (
            {
                "setup.cfg": "[metadata]\nname = feast\n\n[options.packages.find]\n"
                "where = sdk/python\n"
            },
            {"feast"},
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "feast"\n\n'
                '[tool.hatch.build.targets.wheel]\npackages = ["sdk/python/feast"]\n'
            },
            {"feast"},
        ),
        # negative: nothing says where the package is: not found (as before)
        ({"pyproject.toml": '[project]\nname = "feast"\n'}, set()),
    ],
    ids=["find-where", "package-dir", "setup-cfg", "hatch", "unnamed-folder"],
)
def test_lib_rule_reads_where_the_build_finds_the_package(tmp_path, build, own):
    from mlaudit.probes.base import in_own_package, own_packages

    snap = snapshot(tmp_path, {**FEAST_LAYOUT, **build})
    assert own_packages(snap) == frozenset(own)  # the trap: its tests/ is no package of its own
    assert in_own_package(snap, "sdk/python/feast/api/rest.py") == bool(own)
    assert not in_own_package(snap, "sdk/python/tests/test_rest.py")


DEPLOY_WF = (
    "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: {cmd}\n"
)


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        # the app a delivery job ships to a serving platform is served (no framework import)
        ("gcloud run deploy api --source .", "online-serving"),
        (
            "aws lambda update-function-code --function-name f --zip-file fileb://f.zip",
            "online-serving",
        ),
        ("scp app.py u@$HOST:/srv && ssh u@$HOST 'sudo systemctl restart app'", "online-serving"),
        # negative: a batch deployment packages batch work, it serves nothing
        ("gcloud run jobs deploy nightly --image gcr.io/p/job", "batch"),
        # trap: copying build output locally and checking ssh access deploys nothing
        ("rsync -a build/ dist/ && ssh -V", "research"),
    ],
)
def test_profile_ci_delivery_ships_a_served_app(tmp_path, cmd, expected):
    snap = snapshot(
        tmp_path,
        {
            "main.py": "def handler(event, context):\n    return 1\n",
            ".github/workflows/d.yml": DEPLOY_WF.format(cmd=cmd),
        },
    )
    assert detect_profile(snap).name == expected


FLASK_EXAMPLE = (
    "import flask\n\napp = flask.Flask(__name__)\n\n"
    "@app.route('/predict', methods=['POST'])\ndef predict():\n    return {}\n"
)
TRAINING_IMAGE = "FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\nCOPY . /app\n"
SERVICE_IMAGE = TRAINING_IMAGE + "EXPOSE 5000\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # positive: the server's framework is declared: what ships can serve
        (
            {
                "utils/api/restapi.py": FLASK_EXAMPLE,
                "requirements.txt": "torch==2.3.0\nflask==3.0.0\n",
                "Dockerfile": SERVICE_IMAGE,
            },
            "online-serving",
        ),
        # the image installs it, or setup.py declares it (read as text)
        (
            {
                "utils/api/restapi.py": FLASK_EXAMPLE,
                "requirements.txt": "torch==2.3.0\n",
                "Dockerfile": SERVICE_IMAGE + "RUN pip install --no-cache-dir flask gunicorn\n",
            },
            "online-serving",
        ),
        (
            {
                "utils/api/restapi.py": FLASK_EXAMPLE,
                "setup.py": "setup(name='p', install_requires=['torch', 'flask>=2'])\n",
                "Dockerfile": SERVICE_IMAGE,
            },
            "online-serving",
        ),
        # negative: dependencies declared, none brings a server, no image installs one
        # (ultralytics/yolov5 utils/flask_rest_api/: Flask in no requirements file)
        (
            {
                "utils/api/restapi.py": FLASK_EXAMPLE,
                "requirements.txt": "torch==2.3.0\nopencv-python\n",
                "Dockerfile": TRAINING_IMAGE,
                "train.py": "def main(model, opt):\n    opt.step()\n",
            },
            # ... nor does the training environment package a job: it starts nothing
            "research",
        ),
        # trap: nothing declared at all is not "declared without a server": as before
        ({"utils/api/restapi.py": FLASK_EXAMPLE, "Dockerfile": SERVICE_IMAGE}, "online-serving"),
    ],
    ids=["declared", "installed-in-image", "setup-py", "never-installed", "nothing-declared"],
)
def test_a_server_that_nothing_installs_is_an_example(tmp_path, files, expected):
    assert detect_profile(snapshot(tmp_path, files)).name == expected


@pytest.mark.parametrize(
    ("dockerfile", "extra", "expected"),
    [
        # positive: the image exposes a port, or starts something other than a shell
        ("FROM python:3.11\nCOPY . /app\nEXPOSE 7860\n", {}, "online-serving"),
        ('FROM python:3.11\nCOPY . /app\nCMD ["python", "app.py"]\n', {}, "online-serving"),
        # negative: a CI test image that starts a shell (huggingface/peft docker/peft-cpu):
        # an environment for jobs, neither a service nor a job
        ('FROM python:3.11\nCOPY . /app\nCMD ["/bin/bash"]\n', {}, "research"),
        # trap: no CMD, but a Compose file may start it with a command of its own
        (
            "FROM python:3.11\nCOPY . /app\n",
            {"docker-compose.yml": "services:\n  app:\n    build: .\n    command: python app.py\n"},
            "online-serving",
        ),
    ],
    ids=["exposes-a-port", "starts-the-app", "starts-a-shell", "no-cmd-but-compose"],
)
def test_an_image_that_starts_only_a_shell_ships_no_service(tmp_path, dockerfile, extra, expected):
    files = {"app.py": GRADIO, "requirements.txt": "gradio==4.0\n", "Dockerfile": dockerfile}
    assert detect_profile(snapshot(tmp_path, {**files, **extra})).name == expected


def test_profile_an_image_that_runs_a_test_script_serves_nothing(tmp_path):
    """IDEA-Research/GroundingDINO: a Gradio demo, and a Dockerfile whose command checks that
    the package installs (`CMD [ "python", "docker_test.py" ]`; reviewed): research."""
    demo = {"demo/gradio_app.py": "import gradio as gr\n\ngr.Interface(fn=print).launch()\n"}
    tested = 'FROM python:3.11\nCOPY . .\nCMD [ "python", "docker_test.py" ]\n'
    served = 'FROM python:3.11\nCOPY . .\nCMD [ "python", "demo/gradio_app.py" ]\n'
    assert (
        detect_profile(snapshot(tmp_path / "t", {**demo, "Dockerfile": tested})).name == "research"
    )
    assert (
        detect_profile(snapshot(tmp_path / "s", {**demo, "Dockerfile": served})).name
        == "online-serving"
    )


def test_profile_an_image_of_a_web_front_end_serves_no_python(tmp_path):
    """A web demo's front end built by node and served from nginx's document root ships none
    of the repository's Python servers (OpenBMB/MiniCPM-V web_demos/…/web_server/Dockerfile;
    reviewed); the same server in a Python image is shipped."""
    server = {"demo/model_server.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    front = (
        "FROM registry.example.com/playground:20 as build\nRUN pnpm run build\n"
        "FROM registry.example.com/playground:alpine\n"
        "COPY --from=build /build/dist /usr/share/nginx/html\nEXPOSE 3000\n"
    )
    python = 'FROM python:3.11\nCOPY . .\nCMD ["uvicorn", "demo.model_server:app"]\n'
    web = {**server, "web/Dockerfile": front}
    assert detect_profile(snapshot(tmp_path / "web", web)).name == "research"
    shipped = {**server, "Dockerfile": python}
    assert detect_profile(snapshot(tmp_path / "py", shipped)).name == "online-serving"


SERVING_TOOL = {
    "pyproject.toml": '[project]\nname = "servetool"\n',
    "servetool/__init__.py": "",
    "servetool/serving/__init__.py": "",
    "servetool/serving/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "servetool/serving/entrypoint.sh": "#!/bin/bash\npython3 -m uvicorn servetool.serving.main:app\n",
    "README.md": "[![PyPI](https://img.shields.io/pypi/v/servetool.svg)](https://pypi.org/project/servetool/)\n",
}


def test_profile_a_serving_tool_that_ships_its_own_server_image_serves(tmp_path):
    """A published serving tool whose repository ships the image of its own server deploys
    it (allegroai/clearml-serving serving/Dockerfile → entrypoint.sh → uvicorn
    clearml_serving.serving.main:app; reviewed); without the image it is a library."""
    image = {
        "servetool/serving/Dockerfile": 'FROM python:3.11\nENTRYPOINT ["servetool/serving/entrypoint.sh"]\n'
    }
    shipped = detect_profile(snapshot(tmp_path / "image", {**SERVING_TOOL, **image}))
    assert (shipped.name, shipped.library) == ("online-serving", True)
    alone = detect_profile(snapshot(tmp_path / "alone", SERVING_TOOL))
    assert (alone.name, alone.library) == ("research", True)


def test_profile_a_tools_own_deployers_are_no_deployment(tmp_path):
    """A published tool's SageMaker deployer, called for its users, deploys nothing of the
    repository's (iterative/mlem mlem/contrib/sagemaker/meta.py:316; reviewed)."""
    deployer = {
        "servetool/contrib/sagemaker.py": "import sagemaker\n\n\ndef deploy(model):\n"
        "    sm_model = sagemaker.Model(image_uri='x', role='r')\n"
        "    return sm_model.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n"
    }
    tool = detect_profile(snapshot(tmp_path / "tool", {**SERVING_TOOL, **deployer}))
    assert tool.name == "research"
    project = {k: v for k, v in deployer.items()}
    project["deploy.py"] = project.pop("servetool/contrib/sagemaker.py")
    assert detect_profile(snapshot(tmp_path / "project", project)).name == "online-serving"
