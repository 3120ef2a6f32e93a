"""The MON/HAV/SCL/LAT/GEO rubric entries: every catalogue signal is declared with the
catalogue's artifact, strength and level, and the checks composed in YAML (any_of, wired …)
behave on real repositories: positive, negative and known false positive."""

from __future__ import annotations

import json

import pytest
from helpers import snapshot, with_a_model

from mlaudit.probes.registry import get_probe
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Observation, Outcome
from mlaudit.rubric.load import load_rubric

PASS, PARTIAL, FAIL, UNKNOWN = Outcome.PASS, Outcome.PARTIAL, Outcome.FAIL, Outcome.UNKNOWN

# a FastAPI handler that predicts and returns (the line after it is inside `predict`)
SILENT_API = (
    "import logging\nfrom fastapi import FastAPI, BackgroundTasks\nimport joblib\n"
    "app = FastAPI()\nlogger = logging.getLogger(__name__)\nmodel = joblib.load('model.pkl')\n"
    "@app.post('/predict')\ndef predict(data: dict, tasks: BackgroundTasks):\n"
    "    y = model.predict([data['x']])\n"
)
SCRAPE = (
    "scrape_configs:\n  - job_name: prometheus\n    static_configs: [{targets: ['localhost:9090']}]\n"
    "  - job_name: cadvisor\n    static_configs: [{targets: ['cadvisor:8080']}]\n"
    "  - job_name: %s\n    static_configs: [{targets: ['x:8000']}]\n"
)
LOGGER_FN = (
    "\n\ndef log_prediction(data, y):\n    import sqlite3\n"
    "    with sqlite3.connect('logs.db') as conn:\n"
    "        conn.execute('INSERT INTO {table} (payload, y) VALUES (?, ?)', (str(data), y))\n"
)
DRIFT_READER = (
    "import sqlite3\n\n\ndef recent():\n"
    "    return sqlite3.connect('logs.db').execute('SELECT payload FROM {table}').fetchall()\n"
)


def logged_to(table: str, reader: str, read_table: str) -> dict[str, str]:
    """An API whose handler logs each prediction into `table`, and `reader` selecting from
    `read_table`."""
    return {
        "app/main.py": SILENT_API + "    log_prediction(data, y)\n" + LOGGER_FN.format(table=table),
        reader: DRIFT_READER.format(table=read_table),
    }


QUEUED_LOG = "    tasks.add_task(emit_prediction_log, features=data, predictions=y)\n"

RUBRIC = load_rubric().rubric
CHECKS = {c.name: (q, c) for q in RUBRIC.qualities for c in q.checks}

# SIGNALS.md #5–#9: slug → (prefix, artifact, strength, level)
CATALOGUE = {
    "drift-detection": ("MON", "data", "strong", 3),
    "drift-scheduled": ("MON", "data", "strong", 4),
    "payload-logging": ("MON", "data", "supporting", 3),
    "upstream-contracts": ("MON", "data", "supporting", 2),
    "quality-monitor": ("MON", "model", "strong", 4),
    "nan-guard": ("MON", "model", "supporting", 3),
    "staleness": ("MON", "model", "supporting", 3),
    "metrics-endpoint": ("MON", "code", "strong", 3),
    "alerts": ("MON", "code", "strong", 3),
    "dependency-bot": ("MON", "code", "strong", 2),
    "error-tracking": ("MON", "code", "supporting", 2),
    "replicas-ge2": ("HAV", "code", "strong", 3),
    "probes": ("HAV", "code", "strong", 3),
    "pdb": ("HAV", "code", "strong", 3),
    "zone-spread": ("HAV", "code", "strong", 3),
    "zero-downtime-rollout": ("HAV", "code", "supporting", 3),
    "slo-declared": ("HAV", "code", "supporting", 3),
    "model-durable": ("HAV", "model", "supporting", 3),
    "autoscaler": ("SCL", "code", "strong", 3),
    "resource-requests": ("SCL", "code", "supporting", 2),
    "stateless-serving": ("SCL", "code", "supporting", 3),
    "queue-inference": ("SCL", "code", "supporting", 3),
    "distributed-training": ("SCL", "model", "supporting", 2),
    "cluster-training-jobs": ("SCL", "model", "supporting", 3),
    "batch-scaleout": ("SCL", "model", "supporting", 3),
    "load-test": ("LAT", "code", "strong", 3),
    "latency-budget": ("LAT", "code", "strong", 3),
    "latency-histogram": ("LAT", "code", "supporting", 3),
    "optimized-runtime": ("LAT", "model", "supporting", 2),
    "batching-caching": ("LAT", "model", "supporting", 2),
    "online-features": ("LAT", "data", "supporting", 3),
    "multi-region-iac": ("GEO", "code", "strong", 3),
    "global-routing": ("GEO", "code", "strong", 3),
    "multi-cluster-deploy": ("GEO", "code", "supporting", 3),
    "replicated-storage": ("GEO", "data", "strong", 3),
    "data-residency": ("GEO", "data", "supporting", 3),
    "edge-export": ("GEO", "model", "supporting", 2),
}
BATCH_TOO = {"resource-requests", "distributed-training", "cluster-training-jobs", "batch-scaleout"}


@pytest.mark.parametrize("slug", sorted(CATALOGUE))
def test_every_catalogue_signal_has_a_rubric_entry(slug):
    prefix, artifact, strength, level = CATALOGUE[slug]
    quality, check = CHECKS[slug]
    assert check.id.startswith(prefix) and quality.prefix == prefix
    assert (check.artifact, check.strength, check.level) == (artifact, strength, level)
    assert check.weight == (3 if strength == "strong" else 1)
    assert check.title and check.rationale and check.remediation and check.references
    assert get_probe(check.probe) is not None and get_probe(check.probe).fn.__doc__
    profiles = check.profiles or quality.profiles
    if prefix in ("HAV", "SCL", "LAT", "GEO"):
        assert "research" not in profiles and "online-serving" in profiles
        assert ("batch" in profiles) == (slug in BATCH_TOO)


def run_check(snap: Snapshot, slug: str) -> Observation:
    _quality, check = CHECKS[slug]
    spec = get_probe(check.probe)
    assert spec is not None
    return spec.fn(snap, check.with_)


NB_DRIFT = json.dumps(
    {
        "cells": [
            {
                "cell_type": "code",
                "source": ["import evidently.metric_preset as mp\n", "mp.DataDriftPreset()\n"],
            }
        ],
        "nbformat": 4,
    }
)
LOCUST = "from locust import HttpUser, task\n\nclass U(HttpUser):\n    @task\n    def p(self):\n        self.client.post('/predict')\n"
LOCUST_CI = (
    "on: [push]\njobs:\n  load:\n    runs-on: ubuntu-latest\n    steps:\n"
    "    - run: locust -f loadtest/locustfile.py --headless -u 50 -t 1m\n"
)


SAM_FUNCTION = (
    "Resources:\n  ApiFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      DeploymentPreference:\n        Type: {kind}\n"
)

CFN_CAPTURE = (
    "Resources:\n  Config:\n    Type: AWS::SageMaker::EndpointConfig\n"
    "    Properties:\n      DataCaptureConfig:\n        EnableCapture: {}\n"
)
DRIFT_JOB = (
    "import numpy as np\n\ndef psi(expected, actual):\n"
    "    return float(np.sum((actual - expected) * np.log(actual / expected)))\n"
)
DRIFT_CRON = (
    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: drift}\nspec:\n"
    "  schedule: '0 2 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
    "          containers:\n            - name: drift\n              image: app:1\n"
    "              command: [python, -m, monitoring.drift_job]\n"
)
PUBLISH_WORKFLOW = (
    "on:\n  release:\n    types: [published]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n      - run: python -m build\n"
    "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
)
SQL_LOG = (
    "def log(cur, req, proba):\n    cur.execute(\n"
    '        "INSERT INTO {table} (model_name, features, prediction) VALUES (%s, %s, %s)",\n'
    "        ('m', req.features, proba),\n    )\n"
)
VERTEX_MONITOR = (
    "from google.cloud import aiplatform_v1beta1 as beta\n"
    "skew = beta.ModelMonitoringObjectiveConfig.TrainingPredictionSkewDetectionConfig(t)\n"
    "schedule = beta.ModelDeploymentMonitoringScheduleConfig(monitor_interval=d)\n"
    "alerting = beta.ModelMonitoringAlertConfig(\n"
    "    email_alert_config=beta.ModelMonitoringAlertConfig.EmailAlertConfig(user_emails=e)\n)\n"
)


def notebook(source: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": [source]}], "nbformat": 4})


FLASK_SERVE = (
    "import pickle\nfrom flask import Flask, request, jsonify\napp = Flask(__name__)\n"
    "model = pickle.load(open('model.pkl', %s))\n\n\n@app.route('/predict', methods=['POST'])\n"
    "def predict():\n    return jsonify({'p': int(model.predict([request.get_json()['x']])[0])})\n"
)
SERVE_IMAGE = 'FROM python:3.11\nCOPY . /app\nEXPOSE 5000\nCMD ["python", "deploy.py"]\n'


CASES = [
    # MON
    (
        "drift-detection",
        {
            "monitoring/drift.py": "from evidently.metric_preset import DataDriftPreset\nDataDriftPreset()\n"
        },
        PASS,
    ),
    ("drift-detection", {"app.py": "import pandas as pd\npd.read_csv('x')\n"}, FAIL),
    # drift compared by the project's own code (ai-art-dev99/mlops-capstone monitoring/
    # drift_job.py, run nightly by deploy/k8s/drift-cronjob.yaml; reviewed): partial at most
    ("drift-detection", {"monitoring/drift_job.py": DRIFT_JOB}, PARTIAL),
    # ... or a module of another name defining a function that computes drift (KubaCzech/
    # credit-risk-mlops src/ml/monitoring.py:94 `def compute_psi`; reviewed)
    (
        "drift-detection",
        {"src/ml/monitoring.py": "def compute_psi(expected, actual):\n    return 0.0\n"},
        PARTIAL,
    ),
    (
        "drift-detection",
        {"src/ml/checks.py": "def check_feature_drift(a, b):\n    return 0.0\n"},
        PARTIAL,
    ),
    # ... not a Kolmogorov-Smirnov test (a credit model's metric), a demo's simulated drift or
    # a pressure in psi
    (
        "drift-detection",
        {
            "src/ml/metrics.py": "from scipy.stats import ks_2samp\n\n\ndef ks(a, b):\n"
            "    return ks_2samp(a, b).statistic\n\n\ndef simulate_drift(df):\n    return df\n"
            "\n\ndef bar_to_psi(bar):\n    return bar * 14.5\n"
        },
        FAIL,
    ),
    # ... not a module whose functions are of something else, nor a divergence, which is as
    # often a loss or a calibration (CCRI-POPROX/poprox-recommender diversifiers/
    # calibration.py:63; reviewed)
    (
        "drift-detection",
        {"src/ml/monitoring.py": "def compute_latency(samples):\n    return 0.0\n"},
        FAIL,
    ),
    (
        "drift-detection",
        {"src/rec/calibration.py": "def compute_kl_divergence(p, q):\n    return 0.0\n"},
        FAIL,
    ),
    ("drift-scheduled", {"monitoring/drift_job.py": DRIFT_JOB}, FAIL),
    (
        "drift-scheduled",
        {"monitoring/drift_job.py": DRIFT_JOB, "deploy/k8s/drift-cronjob.yaml": DRIFT_CRON},
        PARTIAL,
    ),
    # ... also from a Helm template of a CronJob (deploy/helm/app/templates/drift-cronjob.yaml)
    (
        "drift-scheduled",
        {
            "monitoring/drift_job.py": DRIFT_JOB,
            "chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
            "chart/templates/drift.yaml": "{{- if .Values.drift.enabled }}\n"
            + DRIFT_CRON
            + "{{- end }}\n",
        },
        PARTIAL,
    ),
    # the traps: a test named for drift, and a drift library's own modules (rule lib)
    ("drift-detection", {"tests/test_drift.py": DRIFT_JOB}, FAIL),
    (
        "drift-detection",
        {
            "pyproject.toml": "[project]\nname = 'driftlib'\nversion = '1'\n",
            "driftlib/__init__.py": "",
            "driftlib/drift.py": DRIFT_JOB,
            ".github/workflows/release.yml": PUBLISH_WORKFLOW,
        },
        FAIL,
    ),
    # Avro record schemas agreed by producers and consumers: partial at most (lich2000117/
    # streaming-feature-store schemas/*.avsc; reviewed)
    ("upstream-contracts", {"schemas/tx.v1.avsc": '{"type": "record", "name": "Tx"}\n'}, PARTIAL),
    # a Vertex AI model monitoring job checks at its own interval and alerts by e-mail
    # (GoogleCloudPlatform/mlops-with-vertex-ai 08-model-monitoring.ipynb; reviewed)
    ("drift-scheduled", {"monitoring/job.py": VERTEX_MONITOR}, PASS),
    ("alerts", {"monitoring/job.py": VERTEX_MONITOR}, PASS),
    ("alerts", {"08-monitoring.ipynb": notebook(VERTEX_MONITOR)}, PARTIAL),
    # the trap: the thresholds of a skew check, with no schedule and no alert
    ("drift-scheduled", {"monitoring/job.py": VERTEX_MONITOR.split("schedule")[0]}, FAIL),
    ("alerts", {"monitoring/job.py": VERTEX_MONITOR.split("schedule")[0]}, FAIL),
    # each request and its prediction written to a log table (surajm20061998/driftAwareMLOPS
    # services/inference/main.py:155; reviewed); the trap: an INSERT of another table
    ("payload-logging", {"app/main.py": SQL_LOG.format(table="inference_logs")}, PASS),
    ("payload-logging", {"app/main.py": SQL_LOG.format(table="users")}, UNKNOWN),
    # a Flask app that reads its model file and answers writes nothing anywhere
    # (muhammadhassaan-solves/automated-ml-pipeline-with-gitlab-ci-cd deploy.py:5; reviewed);
    # one whose handler appends to a file may log its payloads
    ("payload-logging", {"deploy.py": FLASK_SERVE % "'rb'", "Dockerfile": SERVE_IMAGE}, FAIL),
    (
        "payload-logging",
        {
            "deploy.py": FLASK_SERVE.replace(
                "    return jsonify",
                "    open('requests.log', 'a').write(str(request.json))\n    return jsonify",
            )
            % "'rb'",
            "Dockerfile": SERVE_IMAGE,
        },
        UNKNOWN,
    ),
    # ... not one that opens a file once, when the module loads
    ("payload-logging", {"deploy.py": FLASK_SERVE % "'a'", "Dockerfile": SERVE_IMAGE}, FAIL),
    # a logger's error level reports failures, not each request (GoparapukethaN/mlops-end-
    # to-end-pipeline src/api/main.py:162; reviewed)
    (
        "payload-logging",
        {
            "deploy.py": FLASK_SERVE.replace(
                "    return jsonify",
                "    app.logger.error('failed %%s', request.path)\n    return jsonify",
            )
            % "'rb'",
            "Dockerfile": SERVE_IMAGE,
        },
        FAIL,
    ),
    # data capture on a SageMaker endpoint configuration: CloudFormation, AWS CDK
    (
        "payload-logging",
        {"assets/prd.yml": CFN_CAPTURE.format("True")},
        PASS,
    ),
    (
        "payload-logging",
        {
            "infra/stack.py": "from aws_cdk import aws_sagemaker as sm\n"
            "c = sm.CfnEndpointConfig.DataCaptureConfigProperty(enable_capture=True)\n"
        },
        PASS,
    ),
    # an MLRun serving function with tracking on streams requests and responses
    # (mlrun/demo-fraud src/train_workflow.py:138); MLflow's tracking URI is the trap
    (
        "payload-logging",
        {
            "wf.py": "import mlrun\nfn = mlrun.code_to_function('s', kind='serving')\nfn.set_tracking()\n"
        },
        PASS,
    ),
    # (nothing found is unknown: a hand-written payload sink cannot be seen)
    (
        "payload-logging",
        {"train.py": "import mlflow\nmlflow.set_tracking_uri('http://x')\n"},
        UNKNOWN,
    ),
    # Vertex AI Model Monitoring in a batch prediction job's REST body
    # (GoogleCloudPlatform/vertex-pipelines-end-to-end-samples model_batch_predict.py:152)
    (
        "drift-detection",
        {
            "c/batch_predict.py": "message = {}\nmessage['modelMonitoringConfig'] = {\n"
            "    'objectiveConfigs': [{'trainingPredictionSkewDetectionConfig': skew}]}\n"
        },
        PASS,
    ),
    (
        "drift-detection",
        {
            "c/monitor.py": "from google.cloud.aiplatform import model_monitoring\n"
            "drift = model_monitoring.DriftDetectionConfig(drift_thresholds={'x': 0.1})\n"
        },
        PASS,
    ),
    # the GAPIC types of Vertex AI Model Monitoring, here only in a notebook: partial
    # (GoogleCloudPlatform/mlops-with-vertex-ai 08-model-monitoring.ipynb)
    (
        "drift-detection",
        {
            "monitoring.ipynb": '{"cells": [{"cell_type": "code", "source": ['
            '"from google.cloud import aiplatform_v1beta1 as vb\\n", '
            '"d = vb.ModelMonitoringObjectiveConfig.PredictionDriftDetectionConfig()\\n"]}], '
            '"nbformat": 4}'
        },
        PARTIAL,
    ),
    # the key named in prose is not monitoring
    ("drift-detection", {"README.md": "Set `trainingPredictionSkewDetectionConfig`.\n"}, FAIL),
    # ... nor in a docstring: only a whole string literal is a key
    (
        "drift-detection",
        {"c/notes.py": '"""Set trainingPredictionSkewDetectionConfig to enable skew."""\n'},
        FAIL,
    ),
    ("drift-detection", {"notebooks/eda.ipynb": NB_DRIFT}, PARTIAL),  # FP: EDA notebooks
    ("drift-detection", {"README.md": "We use Evidently DataDriftPreset for drift.\n"}, FAIL),
    (
        "metrics-endpoint",
        {"app/main.py": "from prometheus_client import make_asgi_app\napp = make_asgi_app()\n"},
        PASS,
    ),
    (
        "metrics-endpoint",
        {
            "k8s/sm.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: a}\n"
        },
        PASS,
    ),
    ("metrics-endpoint", {"app/main.py": "from fastapi import FastAPI\n"}, FAIL),
    # a scrape job of the service counts; the monitoring stack's own exporters do not
    # (saeed-amiri/german-load-forecasting-mlops deployment/prometheus/prometheus.yml:10-34;
    # reviewed)
    ("metrics-endpoint", {"prometheus/prometheus.yml": SCRAPE % "model-api"}, PASS),
    ("metrics-endpoint", {"prometheus/prometheus.yml": SCRAPE % "node-exporter"}, FAIL),
    # SageMaker data capture declared in CloudFormation (aws-samples/amazon-sagemaker-safe-
    # deployment-pipeline assets/deploy-model-prd.yml:99) ...
    ("metrics-endpoint", {"assets/prd.yml": CFN_CAPTURE.format("True")}, PASS),
    # ... not switched off
    ("metrics-endpoint", {"assets/prd.yml": CFN_CAPTURE.format("false")}, FAIL),
    (
        "metrics-endpoint",
        {"requirements.txt": "prometheus-client==0.20\n"},
        FAIL,
    ),  # a dependency is not use
    (
        "payload-logging",
        {
            "k8s/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: m}\nspec:\n  predictor:\n    logger:\n      mode: all\n"
        },
        PASS,
    ),
    ("payload-logging", {"app.py": "x = 1\n"}, UNKNOWN),  # custom sinks are undecidable
    # serving code that calls a function named for logging predictions, or queues one:
    # partial, its sink is not read (arec1b0/ml-cicd-pipeline src/app/api/predict.py:326)
    ("payload-logging", {"app/main.py": SILENT_API + QUEUED_LOG}, PARTIAL),
    ("payload-logging", {"app/main.py": SILENT_API + "    log_prediction(data, y)\n"}, PARTIAL),
    # ... decided where the logger inserts into a table that other code selects from: the log
    # feeds a drift job (brej-29/customer-churn-mlops api/main.py:233, monitoring/drift.py:170;
    # reviewed) ...
    (
        "payload-logging",
        logged_to("prediction_logs", "monitoring/drift.py", "prediction_logs"),
        PASS,
    ),
    # ... not where only a test reads it, nor where the reader queries another table
    (
        "payload-logging",
        logged_to("prediction_logs", "tests/test_logs.py", "prediction_logs"),
        PARTIAL,
    ),
    (
        "payload-logging",
        logged_to("prediction_logs", "monitoring/drift.py", "reference_rows"),
        PARTIAL,
    ),
    # a row of each prediction added to the ORM session in the handler (KubaCzech/credit-risk-
    # mlops src/api/main.py:124-132; reviewed) ...
    (
        "payload-logging",
        {"app/main.py": SILENT_API + "    db.add(Prediction(**data, y=y))\n    db.commit()\n"},
        PASS,
    ),
    # ... not a row of another kind, nor a prediction object that is only returned
    (
        "payload-logging",
        {"app/main.py": SILENT_API + "    db.add(User(name='x'))\n"},
        UNKNOWN,
    ),
    (
        "payload-logging",
        {"app/main.py": SILENT_API + "    return Prediction(y=y)\n"},
        FAIL,
    ),
    # ... nor another table of the same schema, nor a sentence that says "from"
    ("payload-logging", logged_to("ml.api_events", "jobs/train.py", "ml.customers"), PARTIAL),
    (
        "payload-logging",
        {
            **logged_to("prediction_logs", "jobs/x.py", "x"),
            "jobs/report.py": "print('the weekly summary, from prediction_logs exported')\n",
        },
        PARTIAL,
    ),
    # a handler that only predicts and returns writes nothing anywhere (deramos/mlops-k8s-
    # pipeline api/main.py; reviewed); a literal printed at start-up logs no payload ...
    ("payload-logging", {"app/main.py": SILENT_API + "print('model loaded')\n"}, FAIL),
    # ... but a logger given a value may be the sink: not decided
    (
        "payload-logging",
        {"app/main.py": SILENT_API + "    logger.info('predicted %s for %s', y, data)\n"},
        UNKNOWN,
    ),
    # a constant named for the prediction history is no call of a logger
    (
        "payload-logging",
        {"app/main.py": SILENT_API + "    Store(url=PREDICTION_HISTORY_URL)\n"},
        FAIL,
    ),
    (
        "upstream-contracts",
        {"contracts/orders.datacontract.yaml": "dataContractSpecification: 1.1.0\nid: orders\n"},
        PASS,
    ),
    (
        "upstream-contracts",
        {
            "models/schema.yml": "models:\n- name: orders\n  config:\n    contract:\n      enforced: true\n"
        },
        PASS,
    ),
    (
        "upstream-contracts",
        {
            "models/schema.yml": "models:\n- name: orders\n  config:\n    contract:\n      enforced: false\n"
        },
        FAIL,
    ),
    (
        "dependency-bot",
        {
            ".github/dependabot.yml": "version: 2\nupdates:\n- package-ecosystem: pip\n  directory: /\n  schedule: {interval: weekly}\n",
            "requirements.txt": "torch\n",
        },
        PASS,
    ),
    ("dependency-bot", {"renovate.json": "{}\n"}, PASS),
    (
        "dependency-bot",
        {".github/dependabot.yml": "version: 2\nupdates: []\n"},
        FAIL,
    ),  # no ecosystem
    ("error-tracking", {"app/main.py": "import sentry_sdk\nsentry_sdk.init(dsn='x')\n"}, PASS),
    ("error-tracking", {"app/main.py": "import sentry_sdk\n"}, FAIL),  # an import is not use
    # HAV
    (
        "zero-downtime-rollout",
        {
            "k8s/rollout.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: a}\n"
        },
        PASS,
    ),
    (
        "zero-downtime-rollout",
        {
            "k8s/d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 25%\n"
        },
        FAIL,
    ),
    (
        "zero-downtime-rollout",
        {"assets/prd.yml": SAM_FUNCTION.format(kind="Canary10Percent5Minutes")},
        PASS,
    ),
    # AllAtOnce replaces every instance at once
    ("zero-downtime-rollout", {"assets/prd.yml": SAM_FUNCTION.format(kind="AllAtOnce")}, FAIL),
    # a canary only in the development stack's template
    (
        "zero-downtime-rollout",
        {"assets/deploy-model-dev.yml": SAM_FUNCTION.format(kind="Linear10PercentEvery1Minute")},
        FAIL,
    ),
    (
        "slo-declared",
        {"slo/api.yaml": "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: api}\n"},
        PASS,
    ),
    (
        "slo-declared",
        {
            "slo/sloth.yml": "version: prometheus/v1\nservice: api\nslos:\n- name: availability\n  objective: 99.9\n"
        },
        PASS,
    ),
    ("slo-declared", {"README.md": "Our SLO is 99.9%.\n"}, FAIL),
    # SCL
    (
        "queue-inference",
        {"worker.py": "from confluent_kafka import Consumer\nc = Consumer({'group.id': 'g'})\n"},
        PASS,
    ),
    ("queue-inference", {"worker.py": "import confluent_kafka\n"}, FAIL),
    # a function fed by a stream through a managed trigger: which function is not followed
    (
        "queue-inference",
        {
            "infra/l.tf": 'resource "aws_lambda_event_source_mapping" "m" {\n'
            "  event_source_arn = var.stream_arn\n  function_name = aws_lambda_function.f.arn\n}\n"
        },
        PARTIAL,
    ),
    # ... an example's trigger is not the project's
    (
        "queue-inference",
        {
            "examples/stream/l.tf": 'resource "aws_lambda_event_source_mapping" "m" {\n'
            "  function_name = aws_lambda_function.f.arn\n}\n"
        },
        FAIL,
    ),
    (
        "distributed-training",
        {
            "train.py": "import torch\nfrom torch.nn.parallel import DistributedDataParallel as DDP\nm = DDP(model)\n"
        },
        PASS,
    ),
    (
        "distributed-training",
        {"train.py": "from lightning import Trainer\nTrainer(strategy='ddp', devices=4)\n"},
        PASS,
    ),
    (
        "distributed-training",
        {"train.py": "from lightning import Trainer\nTrainer(devices=1)\n"},
        FAIL,
    ),
    # a Dask cluster in the file that trains feeds the training; one that only preprocesses
    # does not (hzabun/player-churn-mlops src/preprocess.py:687, src/train.py:170; reviewed)
    (
        "distributed-training",
        {
            "train.py": "from dask.distributed import Client\nfrom sklearn.linear_model import "
            "LogisticRegression\nclient = Client()\nLogisticRegression().fit(X, y)\n"
        },
        PASS,
    ),
    (
        "distributed-training",
        {
            "preprocess.py": "from dask.distributed import Client\nclient = Client()\n",
            "train.py": "from sklearn.linear_model import LogisticRegression\n"
            "LogisticRegression().fit(X, y)\n",
        },
        FAIL,
    ),
    # Spark in the file that trains feeds training at scale; in a feature-store job it only
    # materialises features (JJ-C/ml-deployment scripts/feast_materialize_spark.py:26; reviewed)
    (
        "distributed-training",
        {
            "train.py": "from pyspark.sql import SparkSession\nfrom pyspark.ml.classification "
            "import LogisticRegression\nspark = SparkSession.builder.getOrCreate()\n"
            "m = LogisticRegression().fit(spark.read.parquet('d'))\n"
        },
        PASS,
    ),
    (
        "distributed-training",
        {
            "train.py": "from xgboost import XGBClassifier\nXGBClassifier().fit(X, y)\n",
            "scripts/materialize.py": "from pyspark.sql import SparkSession\n"
            "spark = SparkSession.builder.getOrCreate()\nspark.read.parquet('d').write.save('o')\n",
        },
        FAIL,
    ),
    # 🤗 Trainer arguments for its DDP / DeepSpeed run (tloen/alpaca-lora finetune.py:252)
    (
        "distributed-training",
        {
            "finetune.py": "import transformers\nddp = world_size != 1\n"
            "args = transformers.TrainingArguments(output_dir='o',\n"
            "    ddp_find_unused_parameters=False if ddp else None)\n"
            "transformers.Trainer(model=m, args=args).train()\n"
        },
        PASS,
    ),
    (
        "distributed-training",
        {
            "train.py": "from transformers import Trainer, TrainingArguments\n"
            "args = TrainingArguments('o', deepspeed='ds_config.json')\nTrainer(args=args).train()\n"
        },
        PASS,
    ),
    # the trap: DeepSpeed switched off
    (
        "distributed-training",
        {
            "train.py": "from transformers import Trainer, TrainingArguments\n"
            "args = TrainingArguments('o', deepspeed=None)\nTrainer(args=args).train()\n"
        },
        FAIL,
    ),
    # a launcher: in a script, or the arguments a Python launcher builds (huggingface/
    # autotrain-advanced commands.py:64-78)
    (
        "distributed-training",
        {
            "train.py": "def fit(m, opt):\n    opt.step()\n",
            "run.sh": "torchrun --nproc_per_node=4 train.py --epochs 3\n",
        },
        PASS,
    ),
    (
        "distributed-training",
        {
            "train.py": "def fit(m, opt):\n    opt.step()\n",
            "commands.py": "cmd = ['accelerate', 'launch', '--multi_gpu', '--num_machines', '1']\n",
        },
        PASS,
    ),
    # the trap: a single-process launch, and the launcher named in prose
    (
        "distributed-training",
        {
            "train.py": "def fit(m, opt):\n    opt.step()\n",
            "run.sh": "# later: torchrun for several GPUs\naccelerate launch train.py\n",
        },
        FAIL,
    ),
    (
        "cluster-training-jobs",
        {
            "k8s/job.yaml": "apiVersion: kubeflow.org/v1\nkind: PyTorchJob\nmetadata: {name: t}\nspec:\n  pytorchReplicaSpecs:\n    Master: {replicas: 1}\n    Worker: {replicas: 3}\n"
        },
        PASS,
    ),
    (
        "cluster-training-jobs",
        {
            "train.py": "from sagemaker.pytorch import PyTorch\nPyTorch(entry_point='t.py', instance_count=4)\n"
        },
        PASS,
    ),
    (
        "cluster-training-jobs",
        {
            "train.py": "from sagemaker.pytorch import PyTorch\nPyTorch(entry_point='t.py', instance_count=1)\n"
        },
        FAIL,
    ),
    # known FP (awslabs/mlmax): processing, batch transform and serving scale out, not training
    (
        "cluster-training-jobs",
        {
            "etl.py": "from sagemaker.processing import ScriptProcessor\n"
            "from sagemaker.transformer import Transformer\n"
            "from azure.ai.ml.entities import ManagedOnlineDeployment\n"
            "ScriptProcessor(image_uri=u, instance_count=16)\nTransformer(m, instance_count=4)\n"
            "ManagedOnlineDeployment(name='blue', instance_count=3)\n",
            "train.py": "from sagemaker.sklearn import SKLearn\nSKLearn(entry_point='t.py')\n",
        },
        FAIL,
    ),
    (
        "batch-scaleout",
        {"score.py": "import mlflow\nudf = mlflow.pyfunc.spark_udf(spark, 'models:/m/1')\n"},
        PASS,
    ),
    (
        "batch-scaleout",
        {"score.py": "import joblib\nm = joblib.load('m.pkl')\nm.predict(X)\n"},
        FAIL,
    ),
    # PySpark runs a function on each group on the executors (salesforce/Merlion
    # spark_apps/forecast.py:182; reviewed); the same in a test scales nothing
    (
        "batch-scaleout",
        {"apps/forecast.py": "out = df.groupBy('id').applyInPandas(forecast, schema=s)\n"},
        PASS,
    ),
    (
        "batch-scaleout",
        {"tests/test_forecast.py": "out = df.groupBy('id').applyInPandas(forecast, schema=s)\n"},
        FAIL,
    ),
    # an Azure ML v2 batch deployment spreading mini-batches over two instances
    # (Azure/mlops-project-template batch-deployment.yml:13-16); on one instance it does not
    (
        "batch-scaleout",
        {
            "deploy/batch.yml": "$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json\n"
            "resources:\n  instance_count: 2\nmini_batch_size: 10\n"
        },
        PASS,
    ),
    (
        "batch-scaleout",
        {
            "deploy/batch.yml": "$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json\n"
            "resources:\n  instance_count: 1\nmini_batch_size: 10\n"
        },
        FAIL,
    ),
    # LAT
    (
        "load-test",
        {"loadtest/locustfile.py": LOCUST, ".github/workflows/load.yml": LOCUST_CI},
        PASS,
    ),
    ("load-test", {"loadtest/locustfile.py": LOCUST}, PARTIAL),  # not in CI: partial
    # a load generator of the project's own that CI runs at a set rate (vllm-project/
    # production-stack .github/workflows/router-e2e-test.yml:75; reviewed)
    (
        "load-test",
        {
            ".github/workflows/e2e.yml": "on: [pull_request]\njobs:\n  e2e:\n    runs-on: x\n"
            "    steps:\n      - run: python3 request_generator.py --qps 10 --duration 300\n"
        },
        PASS,
    ),
    # ApacheBench in a script CI does not run: declared, not wired
    (
        "load-test",
        {"tests/e2e/stress-test.sh": "ab -n 2000 -c 200 http://localhost:8000/\n"},
        PARTIAL,
    ),
    # trap: a --qps option that is not given a rate, and `ab` as a word, load nothing
    (
        "load-test",
        {
            ".github/workflows/ci.yml": "on: [pull_request]\njobs:\n  t:\n    runs-on: x\n"
            "    steps:\n      - run: python serve.py --help | grep -- --qps\n"
            "      - run: echo ab -v\n"
        },
        FAIL,
    ),
    # the API before Locust 1.0 (shanesoh/deploy-ml-fastapi-redis-docker locustfile.py)
    (
        "load-test",
        {
            "locustfile.py": "from locust import HttpLocust, TaskSet, task\n\n"
            "class UserBehavior(TaskSet):\n    @task\n    def predict(self):\n"
            "        self.client.post('/predict')\n\nclass WebsiteUser(HttpLocust):\n"
            "    task_set = UserBehavior\n"
        },
        PARTIAL,
    ),
    # locust imported for something else is no load test
    (
        "load-test",
        {"tools/stats.py": "from locust import stats\nstats.PERCENTILES = [0.5]\n"},
        FAIL,
    ),
    (
        "load-test",
        {"loadtest/k6.js": "import http from 'k6/http';\nexport default function () {}\n"},
        PARTIAL,
    ),
    ("load-test", {"README.md": "Run locust to load test.\n"}, FAIL),
    (
        "optimized-runtime",
        {"serve.py": "import onnxruntime as ort\ns = ort.InferenceSession('m.onnx')\n"},
        PASS,
    ),
    ("optimized-runtime", {"serve.py": "import torch\nm = torch.compile(model)\n"}, PASS),
    # a training script that checks its ONNX export, served by pyfunc, exports to the runtime
    # but does not serve with it (JJ-C/ml-deployment poc/train_fraud_model.py:131; reviewed)
    (
        "optimized-runtime",
        {
            "train.py": "import onnxruntime as ort\nfrom xgboost import XGBClassifier\n"
            "m = XGBClassifier().fit(X, y)\ns = ort.InferenceSession('m.onnx')\n",
            "serve.py": "import mlflow\nfrom fastapi import FastAPI\napp = FastAPI()\n"
            "m = mlflow.pyfunc.load_model('models:/m/1')\n",
        },
        PARTIAL,
    ),
    # ... the serving code importing it serves with it
    (
        "optimized-runtime",
        {
            "train.py": "from xgboost import XGBClassifier\nm = XGBClassifier().fit(X, y)\n",
            "serve.py": "import onnxruntime as ort\nfrom fastapi import FastAPI\napp = FastAPI()\n"
            "s = ort.InferenceSession('m.onnx')\n",
        },
        PASS,
    ),
    ("optimized-runtime", {"serve.py": "import torch\nm = torch.load('m.pt')\n"}, FAIL),
    # an inference engine deployed as its own image; a plain Python image is not one
    (
        "optimized-runtime",
        {
            "k8s/vllm.yaml": "spec:\n  containers:\n  - name: llm\n    image: vllm/vllm-openai:latest\n"
        },
        PASS,
    ),
    ("optimized-runtime", {"k8s/api.yaml": "spec:\n  containers:\n  - image: python:3.11\n"}, FAIL),
    # a platform deployer that serves through vLLM; another of its integrations is not
    (
        "optimized-runtime",
        {"deploy.py": "from zenml.integrations.vllm.services import VLLMServiceConfig\n"},
        PASS,
    ),
    (
        "optimized-runtime",
        {"deploy.py": "from zenml.integrations.mlflow.services import MLFlowDeploymentService\n"},
        FAIL,
    ),
    # serving a TorchScript model, or exporting one with Lightning (full-stack-deep-learning/
    # fsdl-text-recognizer-2022 paragraph_text_recognizer.py:30, stage_model.py:168)
    ("optimized-runtime", {"serve.py": "import torch\nm = torch.jit.load('model.pt')\n"}, PASS),
    (
        "optimized-runtime",
        {"stage.py": "scripted = lit_model.to_torchscript(method='script')\n"},
        PASS,
    ),
    (
        "batching-caching",
        {
            "models/m/config.pbtxt": "name: 'm'\ndynamic_batching {\n  max_queue_delay_microseconds: 100\n}\n"
        },
        PASS,
    ),
    (
        "batching-caching",
        {
            "service.py": "import bentoml\n\n@bentoml.api(batchable=True)\ndef predict(x):\n    return x\n"
        },
        PASS,
    ),
    (
        "batching-caching",
        {
            "service.py": "import bentoml\n\n@bentoml.api(batchable=False)\ndef predict(x):\n    return x\n"
        },
        FAIL,
    ),
    # an LLM engine batches continuously (lm-sys/FastChat fastchat/serve/vllm_worker.py)
    (
        "batching-caching",
        {
            "worker.py": "from vllm import AsyncLLMEngine\nengine = AsyncLLMEngine.from_engine_args(args)\n"
        },
        PASS,
    ),
    (
        "batching-caching",
        {"compose.yaml": "services:\n  llm:\n    image: vllm/vllm-openai:v0.6.3\n"},
        PASS,
    ),
    # ... also behind a platform's vLLM deployer (zenml-io/zenml-projects
    # zencoder/steps/vllm_deployer.py:70)
    (
        "batching-caching",
        {
            "steps/vllm_deployer.py": "from zenml.integrations.vllm.services import VLLMServiceConfig\n"
            "cfg = VLLMServiceConfig(model=m)\n"
        },
        PASS,
    ),
    # an import is no engine, nor is a README naming one
    (
        "batching-caching",
        {"worker.py": "import vllm\n", "README.md": "Serve it with vllm/vllm-openai.\n"},
        FAIL,
    ),
    (
        "online-features",
        {"feature_repo/feature_store.yaml": "project: p\nonline_store:\n  type: redis\n"},
        PASS,
    ),
    (
        "online-features",
        {"feature_repo/feature_store.yaml": "project: p\noffline_store:\n  type: file\n"},
        FAIL,
    ),
    # GEO
    (
        "global-routing",
        {
            "dns.tf": 'resource "aws_route53_record" "api" {\n  name = "api"\n  failover_routing_policy {\n    type = "PRIMARY"\n  }\n}\n'
        },
        PASS,
    ),
    (
        "global-routing",
        {"dns.tf": 'resource "aws_route53_record" "api" {\n  name = "api"\n  type = "A"\n}\n'},
        FAIL,
    ),
    (
        "global-routing",
        {
            "k8s/mci.yaml": "apiVersion: networking.gke.io/v1\nkind: MultiClusterIngress\nmetadata: {name: a}\n"
        },
        PASS,
    ),
    (
        "multi-cluster-deploy",
        {
            "argocd/appset.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: a}\nspec:\n  generators:\n  - clusters: {}\n"
        },
        PASS,
    ),
    (
        "multi-cluster-deploy",
        {
            "argocd/appset.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: a}\nspec:\n  generators:\n  - list:\n      elements: []\n"
        },
        FAIL,
    ),
    ("edge-export", {"export.py": "import torch\ntorch.onnx.export(model, x, 'm.onnx')\n"}, PASS),
    (
        "edge-export",
        {"export.py": "from ultralytics import YOLO\nYOLO('y.pt').export(format='tflite')\n"},
        PASS,
    ),
    ("edge-export", {"export.py": "import pandas as pd\ndf.export(path='x')\n"}, FAIL),
    # an Istio traffic split between two versions (GoogleCloudPlatform/mlops-on-gcp
    # tfserving-canary-gke virtualservice-weight-70.yaml); all traffic on one is no split
    (
        "zero-downtime-rollout",
        {
            "k8s/vs.yaml": "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: m}\nspec:\n  http:\n  - route:\n    - destination: {host: m, subset: v1}\n      weight: 70\n    - destination: {host: m, subset: v2}\n      weight: 30\n"
        },
        PASS,
    ),
    (
        "zero-downtime-rollout",
        {
            "k8s/vs.yaml": "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: m}\nspec:\n  http:\n  - route:\n    - destination: {host: m, subset: v1}\n      weight: 100\n    - destination: {host: m, subset: v2}\n      weight: 0\n"
        },
        FAIL,
    ),
]


@pytest.mark.parametrize(
    ("slug", "files", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_composed_check(tmp_path, slug, files, expected):
    obs = run_check(snapshot(tmp_path, with_a_model(slug, files)), slug)
    assert obs.outcome == expected, obs.message


def test_dependency_bot_applies_to_research_projects(tmp_path):
    """The repository's own upkeep, not production monitoring (Lightning-AI/litgpt): the bot
    counts for a research project; the rest of monitoring does not."""
    from mlaudit.scoring import ScanOptions, assess

    snap = snapshot(
        tmp_path,
        {
            "train.py": "import torch\n",
            "requirements.txt": "torch==2.1.0\n",
            ".github/dependabot.yml": "version: 2\nupdates:\n- package-ecosystem: pip\n"
            "  directory: /\n  schedule: {interval: weekly}\n",
        },
    )
    results = {
        r.name: r for r in assess(snap, load_rubric(), ScanOptions(profile="research")).results
    }
    assert results["dependency-bot"].outcome == PASS
    assert results["drift-detection"].outcome == Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        # Dependabot security updates, switched on in the settings: no file, commits by the bot
        # (jeremyjordan/ml-monitoring e46b215, reviewed)
        ("dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", PARTIAL),
        ("renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>", PARTIAL),
        # the trap: a person bumping a version by hand, in the bot's words
        ("Jane Doe <jane@example.com>", FAIL),
    ],
)
def test_dependency_bot_commits_without_a_configuration(tmp_path, author, expected):
    from helpers import git, make_repo, run_check

    from mlaudit.repo.worktree import open_worktree

    make_repo(tmp_path, {"requirements.txt": "fastapi==0.1.0\n"})
    (tmp_path / "requirements.txt").write_text("fastapi==0.109.1\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "--author", author, "-m", "Bump fastapi from 0.1.0 to 0.109.1")
    obs = run_check(open_worktree(tmp_path), "dependency-bot")
    assert obs.outcome == expected, obs.message
    if expected == PARTIAL:
        assert "no configuration" in obs.message and obs.evidence[0].path == ".git"


def test_dependency_bot_that_stopped_years_ago_is_not_credited(tmp_path):
    """coqui-ai/TTS: the last Dependabot commit in 2020, the last commit in 2024."""
    from helpers import commit, git, make_repo, run_check

    from mlaudit.repo.worktree import open_worktree

    make_repo(tmp_path, {"requirements.txt": "torch==1.0\n"})
    (tmp_path / "requirements.txt").write_text("torch==1.1\n")
    git(tmp_path, "add", "-A")
    bot = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
    git(tmp_path, "commit", "-q", "--author", bot, "-m", "Bump torch", date="2020-11-13T12:00:00Z")
    commit(tmp_path, {"train.py": "x = 1\n"}, "train", date="2024-02-10T12:00:00Z")
    obs = run_check(open_worktree(tmp_path), "dependency-bot")
    assert obs.outcome == FAIL and "over a year older" in obs.message, obs.message


def test_dependency_bot_for_actions_with_security_updates_for_python(tmp_path):
    """Dependabot configured for GitHub Actions only, while its security updates bump the
    Python dependencies (Nixtla/mlforecast: 41 commits to uv.lock; reviewed): still partial,
    and the message says the Python dependencies get security updates, not that nothing
    watches them."""
    from helpers import commit, git, make_repo

    from mlaudit.repo.worktree import open_worktree

    config = {
        ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: github-actions\n"
        "    directory: /\n    schedule: {interval: weekly}\n",
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n",
        "requirements.txt": "torch==1.0\n",
    }
    make_repo(tmp_path / "quiet", config)
    obs = run_check(open_worktree(tmp_path / "quiet"), "dependency-bot")
    assert obs.outcome == PARTIAL and "are not watched" in obs.message, obs.message
    repo = tmp_path / "bumped"
    make_repo(repo, config)
    (repo / "requirements.txt").write_text("torch==1.1\n")
    git(repo, "add", "-A")
    bot = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
    git(repo, "commit", "-q", "--author", bot, "-m", "Bump torch", date="2024-02-01T12:00:00Z")
    commit(repo, {"train.py": "x = 1\n"}, "train", date="2024-02-10T12:00:00Z")
    obs = run_check(open_worktree(repo), "dependency-bot")
    assert obs.outcome == PARTIAL and "security updates only" in obs.message, obs.message
