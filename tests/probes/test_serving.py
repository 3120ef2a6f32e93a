"""Serving-code probes (NaN guard, statelessness, durable model, latency histogram, latency
budget): positive, negative and known false positives."""

from __future__ import annotations

import pytest
from helpers import run_probe, snapshot

from mlaudit.probes.serving import serving_files
from mlaudit.results import Outcome

PASS, PARTIAL, FAIL, UNKNOWN = Outcome.PASS, Outcome.PARTIAL, Outcome.FAIL, Outcome.UNKNOWN
NOT_APPLICABLE = Outcome.NOT_APPLICABLE

FLAGGER = (
    "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: api}\nspec:\n"
    "  targetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  analysis:\n"
    "    threshold: 10\n    metrics:\n    - name: %s\n      threshold: 500\n"
)
APP = (
    "from fastapi import FastAPI\nfrom app.predict import predict\n\napp = FastAPI()\n\n"
    "@app.post('/predict')\ndef handler(x: list[float]):\n    return predict(x)\n"
)
GUARD = "import numpy as np\n\ndef predict(x):\n    y = model(x)\n    if not np.isfinite(y).all():\n        raise ValueError\n    return y\n"
NO_GUARD = "def predict(x):\n    return model(x)\n"
METRICS = (
    "from prometheus_client import Counter\nNAN = Counter('nan_predictions_total', 'NaN outputs')\n"
)


def test_serving_files_follow_direct_imports_only(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "app/main.py": APP,
            "app/predict.py": "from app import model\n" + NO_GUARD,
            "app/model.py": "import torch\n",  # two links away
            "train/train.py": "import torch\n",
            "tests/test_app.py": "from fastapi.testclient import TestClient\n",
        },
    )
    assert serving_files(snap) == ["app/main.py", "app/predict.py"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"app/main.py": APP + METRICS, "app/predict.py": GUARD}, PASS),
        ({"app/main.py": APP, "app/predict.py": GUARD}, PARTIAL),  # no metric counts it
        ({"app/main.py": APP, "app/predict.py": NO_GUARD}, FAIL),
        # a guard in training code is not a serving guard
        ({"app/main.py": APP, "app/predict.py": NO_GUARD, "train/clean.py": GUARD}, FAIL),
        (
            {
                "app/main.py": APP,
                "app/predict.py": "from pydantic import BaseModel, Field\n"
                "class Req(BaseModel):\n    x: float = Field(allow_inf_nan=False)\n",
            },
            PARTIAL,
        ),
        # no serving code at all: nothing to guard, as the other serving checks say
        ({"train.py": GUARD}, NOT_APPLICABLE),
    ],
)
def test_nan_guard(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "nan_guard").outcome == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"app/main.py": APP, "app/predict.py": NO_GUARD}, PASS),
        (
            {
                "app/main.py": APP,
                "app/predict.py": "def predict(x):\n    with open('feedback.csv', 'a') as f:\n"
                "        f.write(str(x))\n",
            },
            FAIL,
        ),
        (
            {
                "app/main.py": APP,
                "app/predict.py": "def predict(x):\n    with open('model.pkl', 'rb') as f:\n        return f\n",
            },
            PASS,  # reading is fine
        ),
        (
            {
                "app/main.py": APP,
                "app/predict.py": NO_GUARD,
                "k8s/sts.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: api}\n"
                "spec:\n  volumeClaimTemplates:\n  - metadata: {name: data}\n",
            },
            FAIL,
        ),
        # a response body built in memory (aws-samples/mlops-amazon-sagemaker predictor.py:82-84)
        (
            {
                "app/main.py": APP,
                "app/predict.py": "import io\n\ndef predict(df):\n    out = io.StringIO()\n"
                "    df.to_csv(out, index=False)\n    return out.getvalue() + df.to_csv()\n",
            },
            PASS,
        ),
        # the trap: the same name rebound to a file before the write
        (
            {
                "app/main.py": APP,
                "app/predict.py": "import io\n\ndef predict(df):\n    out = io.StringIO()\n"
                "    out = 'log.csv'\n    df.to_csv(out)\n",
            },
            FAIL,
        ),
        ({"train.py": "import torch\n"}, UNKNOWN),
    ],
)
def test_stateless_serving(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "stateless_serving").outcome == expected


SAGEMAKER_DEPLOY = (
    "from sagemaker.tensorflow import TensorFlowModel\n"
    "model = TensorFlowModel(model_data=%s, role=role, framework_version='2.3')\n"
    "predictor = model.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n"
)
READY_DEPLOY = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n"
    "    spec:\n      containers:\n      - name: api\n        readinessProbe:\n"
    "          httpGet: {path: /ready, port: 8000}\n"
)
COMPOSE_GATED = (
    "services:\n  api:\n    build: .\n    healthcheck:\n      test: curl -f localhost:8000/ready\n"
    "  proxy:\n    image: caddy:2\n    depends_on:\n      api:\n        condition: %s\n"
)
REGISTRY_LOAD = "import mlflow\n\ndef predict(x):\n    m = mlflow.pyfunc.load_model('models:/churn/Production')\n    return m.predict(x)\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"app/main.py": APP, "app/predict.py": REGISTRY_LOAD, "k8s/d.yaml": READY_DEPLOY}, PASS),
        ({"app/main.py": APP, "app/predict.py": REGISTRY_LOAD}, PARTIAL),
        # a model published on PyTorch Hub (ultralytics/yolov5 restapi.py:74)
        (
            {
                "app/main.py": APP,
                "app/predict.py": "import torch\nm = torch.hub.load('org/repo', 'small')\n",
                "k8s/d.yaml": READY_DEPLOY,
            },
            PASS,
        ),
        (
            {
                "app/main.py": APP,
                "app/predict.py": "import joblib\nm = joblib.load('model.pkl')\n",
                "k8s/d.yaml": READY_DEPLOY,
            },
            FAIL,
        ),
        (
            {
                "k8s/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                "metadata: {name: m}\nspec:\n  predictor:\n    model:\n"
                "      storageUri: s3://models/churn/v3\n"
            },
            PASS,
        ),
        # an MlflowClient the service holds downloads the registered model's artifacts
        # (arec1b0/ml-cicd-pipeline src/models/manager.py:466; reviewed)
        (
            {
                "app/main.py": APP,
                "app/predict.py": "import mlflow\nclient = mlflow.tracking.MlflowClient()\n"
                "def fetch(uri, dst):\n    c = get_client()\n"
                "    c.download_artifacts(artifact_uri=uri, dst_path=dst)\n",
                "k8s/d.yaml": READY_DEPLOY,
            },
            PASS,
        ),
        # the service looks up the version its registry alias names, two imports away
        # (mahadamir19/ids-mlops-pipeline serving/model_manager.py:173 → lifecycle/
        # registry.py:92; reviewed) ...
        (
            {
                "app/main.py": APP + "from app.manager import load\nmodel = load()\n",
                "app/__init__.py": "",
                "app/manager.py": "from app.registry import champion\n\n\ndef load():\n"
                "    return champion()\n",
                "app/registry.py": "from mlflow import MlflowClient\n\n\ndef champion():\n"
                "    return MlflowClient().get_model_version_by_alias('m', 'champion')\n",
                "k8s/d.yaml": READY_DEPLOY,
            },
            PASS,
        ),
        # ... not a report script nothing in the service imports
        (
            {
                "app/main.py": APP,
                "app/predict.py": "import joblib\nm = joblib.load('model.pkl')\n",
                "scripts/report.py": "from mlflow import MlflowClient\n"
                "print(MlflowClient().get_model_version_by_alias('m', 'champion'))\n",
                "k8s/d.yaml": READY_DEPLOY,
            },
            FAIL,
        ),
        # a Compose health check the proxy in front waits for (LEMSingapore/hdb-mlops-platform
        # docker-compose.yml:49,111-112; reviewed) ...
        (
            {
                "app/main.py": APP,
                "app/predict.py": REGISTRY_LOAD,
                "docker-compose.yml": COMPOSE_GATED % "service_healthy",
            },
            PASS,
        ),
        # ... not a database's, which the API waits for (mahadamir19/ids-mlops-pipeline
        # docker/docker-compose.yml:121 `app-postgres`)
        (
            {
                "app/main.py": APP,
                "app/predict.py": REGISTRY_LOAD,
                "docker-compose.yml": "services:\n  app-postgres:\n    image: postgres:16\n"
                "    healthcheck:\n      test: pg_isready\n  api:\n    build: .\n"
                "    depends_on:\n      app-postgres:\n        condition: service_healthy\n",
            },
            PARTIAL,
        ),
        # ... not one nothing waits for: a health check alone routes nothing away
        (
            {
                "app/main.py": APP,
                "app/predict.py": REGISTRY_LOAD,
                "docker-compose.yml": COMPOSE_GATED % "service_started",
            },
            PARTIAL,
        ),
        # an Azure Blob download (eshwarsai48/mlops-fraud-detection app/main.py:39; reviewed)
        (
            {
                "app/main.py": APP,
                "app/predict.py": "from azure.storage.blob import BlobClient\n"
                "data = BlobClient.from_connection_string(c, 'models', 'm.pkl').download_blob()\n",
            },
            PARTIAL,
        ),
        # a Render web service's health check gates traffic to a new deploy (anhquan1111/
        # mlops-fraud-detection render.yaml:7; reviewed) ...
        (
            {
                "app/main.py": APP,
                "app/predict.py": REGISTRY_LOAD,
                "render.yaml": "services:\n  - type: web\n    name: api\n"
                "    healthCheckPath: /health\n",
            },
            PASS,
        ),
        # ... not a background worker's, which takes no traffic
        (
            {
                "app/main.py": APP,
                "app/predict.py": REGISTRY_LOAD,
                "render.yaml": "services:\n  - type: worker\n    name: w\n"
                "    healthCheckPath: /health\n",
            },
            PARTIAL,
        ),
        # no serving code and no model server: nothing serves a model to judge
        ({"train.py": "import joblib\njoblib.dump(m, 'model.pkl')\n"}, NOT_APPLICABLE),
        # a SageMaker model deployed from its S3 archive: the endpoint pulls it before it is
        # in service (jacopotagliabue/you-dont-need-a-bigger-boat local_flow/intent/src/
        # deploy_model.py:53-60; reviewed) ...
        ({"deploy_model.py": SAGEMAKER_DEPLOY % "model_s3_path"}, PASS),
        # ... the trap: an archive on the machine that runs the script
        ({"deploy_model.py": SAGEMAKER_DEPLOY % "'./model.tar.gz'", "app.py": APP}, FAIL),
    ],
)
def test_model_durable(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "model_durable").outcome == expected


LOCAL_LOAD = "import joblib\nm = joblib.load('models/model.pkl')\n"


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        # graviraja/MLOps-Basics week_9_monitoring/Dockerfile:27: the DVC-versioned model is
        # pulled from S3 into the image
        ("dvc pull dvcfiles/trained_model.dvc", PARTIAL),
        ("aws s3 cp --quiet s3://models/churn/v3/model.pkl models/", PARTIAL),
        ("gsutil -m cp gs://models/churn/v3/* models/", PARTIAL),
        # negative: the model only copied from the build context
        ("pip install -r requirements.txt", FAIL),
        # trap: an upload to a bucket is no download (the source is the local file)
        ("aws s3 cp models/model.pkl s3://models/churn/", FAIL),
    ],
)
def test_model_durable_pulled_into_the_image_at_build(tmp_path, run, expected):
    files = {
        "app/main.py": APP,
        "app/predict.py": LOCAL_LOAD,
        "Dockerfile": f'FROM python:3.11-slim\nCOPY . /app\nRUN {run}\nCMD ["python", "app/main.py"]\n',
        # a development container fetching the model ships nothing
        ".devcontainer/Dockerfile": "FROM python:3.11\nRUN dvc pull\n",
    }
    assert run_probe(snapshot(tmp_path, files), "model_durable").outcome == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "app/metrics.py": "from prometheus_client import Histogram\n"
                "LAT = Histogram('inference_latency_seconds', 'predict latency')\n"
            },
            PASS,
        ),
        (
            {
                "app/main.py": "from fastapi import FastAPI\n"
                "from prometheus_fastapi_instrumentator import Instrumentator\n"
                "app = FastAPI()\nInstrumentator().instrument(app).expose(app)\n"
            },
            PASS,
        ),
        (
            {
                "app/metrics.py": "from prometheus_client import Histogram\n"
                "SIZE = Histogram('payload_bytes', 'request size')\n"
            },
            PARTIAL,
        ),
        (
            {
                "app/metrics.py": "from prometheus_client import Counter\nC = Counter('requests', 'n')\n"
            },
            FAIL,
        ),
    ],
)
def test_latency_histogram(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "latency_histogram").outcome == expected


K6 = (
    "import http from 'k6/http';\nexport const options = {\n  thresholds: {\n"
    "    http_req_duration: ['p(95)<300'],\n  },\n};\n"
    "export default function () { http.post('http://api/predict'); }\n"
)
K6_CI = (
    "on: [pull_request]\njobs:\n  load:\n    runs-on: ubuntu-latest\n    steps:\n"
    "    - run: k6 run loadtest/predict.js\n"
)
SLO = (
    "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: predict-latency}\nspec:\n"
    "  indicator:\n    metadata: {name: latency}\n    spec:\n      thresholdMetric: {}\n"
    "  objectives:\n  - target: 0.99\n"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"loadtest/predict.js": K6, ".github/workflows/load.yml": K6_CI}, PASS),
        ({"loadtest/predict.js": K6}, PARTIAL),  # declared, not checked in CI
        ({"loadtest/predict.js": K6.replace("http_req_duration", "http_req_failed")}, FAIL),
        ({"slo/latency.yaml": SLO}, PASS),
        (
            {
                "monitoring/latency.rules.yml": "groups:\n- name: l\n  rules:\n  - alert: SlowPredictions\n"
                "    expr: histogram_quantile(0.95, rate(inference_latency_seconds_bucket[5m])) > 0.3\n"
            },
            PASS,
        ),
        (
            {
                ".github/workflows/bench.yml": "on: [pull_request]\njobs:\n  b:\n    runs-on: x\n"
                "    steps:\n    - run: pytest benchmarks --benchmark-compare --benchmark-compare-fail=mean:10%\n"
            },
            PASS,
        ),
        ({"app.py": "x = 1\n"}, FAIL),
        # a latency alert in a file the Prometheus configuration beside it does not load
        # (lich2000117/streaming-feature-store prometheus.yml:12-13; reviewed)
        (
            {
                "monitoring/latency.rules.yml": "groups:\n- name: l\n  rules:\n  - alert: Slow\n"
                "    expr: histogram_quantile(0.95, rate(inference_latency_seconds_bucket[5m])) > 0.3\n",
                "monitoring/prometheus.yml": "scrape_configs:\n  - job_name: api\n"
                "# rule_files:\n#   - latency.rules.yml\n",
            },
            PARTIAL,
        ),
        # Flagger's request-duration check holds each rollout to a latency threshold: at
        # releases only (deramos/mlops-k8s-pipeline charts/fraud-api/templates/canary.yaml;
        # reviewed); a canary judged on its success rate alone sets no latency budget
        ({"k8s/canary.yaml": FLAGGER % "request-duration"}, PARTIAL),
        ({"k8s/canary.yaml": FLAGGER % "request-success-rate"}, FAIL),
    ],
)
def test_latency_budget(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "latency_budget")
    assert obs.outcome == expected, obs.message


READY_PROBE = "        readinessProbe:\n          httpGet: {path: /v2/health/ready, port: 8000}\n"


def _server(args: str, ready: str = "") -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: triton}\nspec:\n"
        "  template:\n    spec:\n      containers:\n      - name: triton\n"
        f"        image: nvcr.io/nvidia/tritonserver:22.01-py3\n        args: {args}\n{ready}"
    )


@pytest.mark.parametrize(
    ("args", "ready", "expected"),
    [
        # real repository (mlops-on-gcp gke-triton-priority): Triton pulls from GCS
        ('["tritonserver", "--model-store=gs://bucket/model_repository/"]', READY_PROBE, PASS),
        ('["tritonserver", "--model-repository=s3://bucket/models"]', "", PARTIAL),
        ('["tritonserver", "--model-repository=/models"]', READY_PROBE, FAIL),  # baked in
    ],
)
def test_model_durable_inference_server_remote_repository(tmp_path, args, ready, expected):
    snap = snapshot(tmp_path, {"k8s/triton.yaml": _server(args, ready)})
    assert run_probe(snap, "model_durable").outcome == expected


# what runs once — a lifespan hook downloading the model, module-level code — is no request
# state and logs no request (eshwarsai48/mlops-fraud-detection app/main.py:26-54, which writes
# the model file at startup; anhquan1111/mlops-fraud-detection src/api.py:91-155, whose
# `logger.info` calls report the model load; reviewed)
STARTUP_APP = (
    "import logging\nfrom contextlib import asynccontextmanager\nfrom fastapi import FastAPI\n"
    "log = logging.getLogger(__name__)\n\n"
    "def download(src):\n    with open('/model/model.pkl', 'wb') as f:\n"
    "        f.write(src.read())\n    log.info(f'model from {{src}}')\n\n"
    "@asynccontextmanager\nasync def lifespan(app):\n    download(SOURCE)\n    yield\n\n"
    "app = FastAPI(lifespan=lifespan)\n\n"
    "@app.post('/predict')\ndef predict(x: list[float]):\n{body}    return score(x)\n\n"
    "def score(x):\n{helper}    return MODEL.predict([x])\n"
)


def startup_app(body: str = "", helper: str = "") -> dict[str, str]:
    return {"app/main.py": STARTUP_APP.format(body=body, helper=helper)}


APPEND = "    with open('requests.jsonl', 'a') as f:\n        f.write(str(x))\n"
LOGS = "    log.info(f'request {x}')\n"


@pytest.mark.parametrize(
    ("probe", "files", "expected"),
    [
        ("stateless_serving", startup_app(), PASS),
        ("payload_log", startup_app(), FAIL),
        # the same writes in the handler, or in a function the handler calls, are per request
        ("stateless_serving", startup_app(body=APPEND), FAIL),
        ("stateless_serving", startup_app(helper=APPEND), FAIL),
        ("payload_log", startup_app(helper=APPEND), UNKNOWN),
        ("payload_log", startup_app(body=LOGS), UNKNOWN),
        # a middleware runs for every request
        (
            "payload_log",
            {
                "app/main.py": STARTUP_APP.format(body="", helper="")
                + "\n@app.middleware('http')\nasync def trace(request, call_next):\n"
                "    log.info(f'{request.url}')\n    return await call_next(request)\n"
            },
            UNKNOWN,
        ),
        # a file's own open method, in the handler (neopentane7/mlops-fraud-detection
        # api/main.py:190; reviewed) ...
        (
            "stateless_serving",
            startup_app(helper="    Path('log.jsonl').open('a').write('1')\n"),
            FAIL,
        ),
        (
            "payload_log",
            startup_app(helper="    Path('log.jsonl').open('a').write('1')\n"),
            UNKNOWN,
        ),
        # ... not a read
        ("stateless_serving", startup_app(helper="    Path('cfg.json').open().read()\n"), PASS),
        # a function named for an audit log of predictions (partial: its sink is not read)
        ("payload_log", startup_app(helper="    _audit_log(x)\n"), PARTIAL),
        # a file sent back answers the request; a print in an except reports a failure
        # (bojankostovski/sentiment-mlops src/serving/enhanced_inference.py:89,
        # inference.py:125-126; reviewed)
        (
            "payload_log",
            startup_app(
                body="    try:\n        pass\n    except Exception as e:\n"
                "        print(f'Error: {e}')\n"
            ).__or__(
                {
                    "app/static.py": "from flask import send_from_directory\n"
                    "def index():\n    return send_from_directory('static', 'index.html')\n"
                }
            ),
            FAIL,
        ),
        # an image or archive opened by its path is read, not written
        ("stateless_serving", startup_app(helper="    Image.open('static/logo.png')\n"), PASS),
        ("stateless_serving", startup_app(helper="    tarfile.open('artifacts/m.tar.gz')\n"), PASS),
        # a print just after the except block is the handler's own, not the clause's
        (
            "payload_log",
            startup_app(
                body="    try:\n        y = 1\n    except Exception as e:\n"
                "        print(f'Error: {e}')\n        raise\n    print(f'request {x}')\n"
            ),
            UNKNOWN,
        ),
        # Flask's request hooks run for every request
        (
            "payload_log",
            {
                "app.py": "from flask import Flask, request\napp = Flask(__name__)\n\n"
                "@app.route('/p', methods=['POST'])\ndef p():\n    return 'ok'\n\n"
                "@app.after_request\ndef log_payload(response):\n"
                "    print(f'{request.data} -> {response.data}')\n    return response\n"
            },
            UNKNOWN,
        ),
        # a class registered as a handler runs its methods per request (Falcon)
        (
            "stateless_serving",
            {
                "app.py": "import falcon\n\nclass Predict:\n    def on_post(self, req, resp):\n"
                "        open('requests.jsonl', 'a').write(str(req.media))\n\n"
                "app = falcon.App()\nPREDICT = Predict\napp.add_route('/p', Predict)\n"
            },
            FAIL,
        ),
        # ... and a handler the registering call makes is not named: the file is read whole
        (
            "stateless_serving",
            {
                "app.py": "import falcon\n\nclass Predict:\n    def on_post(self, req, resp):\n"
                "        open('requests.jsonl', 'a').write(str(req.media))\n\n"
                "app = falcon.App()\napp.add_route('/p', Predict())\n"
            },
            FAIL,
        ),
        # a handler registered by a call, not a decorator
        (
            "stateless_serving",
            {
                "app/main.py": "from flask import Flask\napp = Flask(__name__)\n\n"
                "def predict():\n    open('hits.txt', 'a').write('1')\n\n"
                "app.add_url_rule('/predict', view_func=predict)\n"
            },
            FAIL,
        ),
    ],
)
def test_only_what_runs_per_request_counts(tmp_path, probe, files, expected):
    name = "serving_payload_log" if probe == "payload_log" else probe
    obs = run_probe(snapshot(tmp_path, files), name)
    assert obs.outcome == expected, obs.message


def test_a_scoring_script_without_routes_is_read_whole(tmp_path):
    """Azure ML's run() is called per request without a route decorator."""
    files = {
        "score.py": "import json\n\ndef init():\n    global model\n\n"
        "def run(raw):\n    open('log.txt', 'a').write(raw)\n    return json.dumps(raw)\n",
        "deploy/inference_config.yml": "entryScript: ../score.py\n",
    }
    obs = run_probe(snapshot(tmp_path, files), "stateless_serving")
    assert obs.outcome == FAIL, obs.message


def test_an_untraced_framework_leaves_every_entry_file_read_whole(tmp_path):
    """GraphQL resolvers behind a FastAPI router answer requests no route decorator names
    (Pocket/recommendation-api app/graphql/graphql_router.py): the app file is read whole, its
    module-level writes too."""
    files = {
        "app/main.py": "from fastapi import FastAPI\nfrom app.schema import schema\n"
        "app = FastAPI()\nopen('boot.log', 'a').write('up')\n\n"
        "@app.get('/health')\ndef health():\n    return {}\n",
        "app/schema.py": "import strawberry\nschema = strawberry.Schema(query=None)\n",
    }
    obs = run_probe(snapshot(tmp_path, files), "stateless_serving")
    assert obs.outcome == FAIL, obs.message
