"""Monitoring probes (MON): alert rules, scheduled monitors, staleness — positive, negative
and the catalogue's known false positives (`alertThreshold` in a Grafana panel, drift code
only in EDA notebooks)."""

from __future__ import annotations

import json

import pytest
from helpers import run_probe, run_rubric_check, snapshot, with_a_model

from mlaudit.results import Outcome

PASS, PARTIAL, FAIL, UNKNOWN = Outcome.PASS, Outcome.PARTIAL, Outcome.FAIL, Outcome.UNKNOWN

RULES = (
    "groups:\n- name: api\n  rules:\n  - alert: HighErrorRate\n"
    "    expr: rate(http_requests_total{status=~'5..'}[5m]) > 0.05\n    for: 10m\n"
)
DASH_THRESHOLD = json.dumps(
    {
        "title": "Model",
        "schemaVersion": 36,
        "panels": [{"title": "p95", "type": "timeseries", "options": {"alertThreshold": True}}],
    }
)
DASH_ALERT = json.dumps(
    {
        "title": "Model",
        "schemaVersion": 27,
        "panels": [
            {"title": "errors", "alert": {"name": "errors", "conditions": [{"type": "query"}]}}
        ],
    }
)


PROM = (
    "global: {scrape_interval: 15s}\n@rule_files:\n@  - /etc/prometheus/api.rules.yml\n"
    "scrape_configs:\n  - job_name: api\n    static_configs: [{targets: ['api:8000']}]\n"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"monitoring/api.rules.yml": RULES}, PASS),
        (
            {
                "k8s/rules.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
                "metadata: {name: r}\nspec:\n" + "\n".join("  " + ln for ln in RULES.splitlines())
            },
            PASS,
        ),
        ({"alertmanager.yml": "route: {receiver: oncall}\nreceivers:\n- name: oncall\n"}, PASS),
        (
            {
                "infra/alarms.tf": 'resource "aws_cloudwatch_metric_alarm" "latency" {\n  threshold = 1\n}\n'
            },
            PASS,
        ),
        ({"grafana/model.json": DASH_ALERT}, PASS),
        # aws-samples/amazon-sagemaker-safe-deployment-pipeline assets/deploy-model-prd.yml:292
        (
            {
                "assets/deploy.yml": "Resources:\n  Alarm:\n    Type: 'AWS::CloudWatch::Alarm'\n"
                "    Properties: {MetricName: Invocation5XXErrors, Threshold: 1}\n"
            },
            PASS,
        ),
        (
            {
                "infra/stack.py": "from aws_cdk import aws_cloudwatch as cloudwatch\n"
                "alarm = cloudwatch.Alarm(self, 'Drift', metric=m, threshold=1, evaluation_periods=1)\n"
            },
            PASS,
        ),
        # the resource type in a comment or prose is not an alarm
        ({"infra/notes.yml": "# TODO: add an AWS::CloudWatch::Alarm\nResources: {}\n"}, FAIL),
        (
            {
                "grafana/provisioning/alerting/model.yaml": "apiVersion: 1\ngroups:\n- orgId: 1\n"
                "  name: model\n  folder: ml\n  rules:\n  - uid: a1\n    title: Drift high\n"
                "    condition: C\n    data: []\n"
            },
            PASS,
        ),
        ({"app.py": "x = 1\n"}, FAIL),
        # known false positive: a panel's alertThreshold only draws a line on a chart
        ({"grafana/model.json": DASH_THRESHOLD}, FAIL),
        # recording rules are not alerts
        ({"rules.yml": "groups:\n- name: r\n  rules:\n  - record: a:b\n    expr: sum(x)\n"}, FAIL),
        ({"docs/monitoring/api.rules.yml": RULES}, FAIL),  # rule ex
        ({"monitoring/alerts.rules.yml": "groups: [\n"}, UNKNOWN),
        # a rule file the Prometheus configuration beside it does not load is never evaluated
        # (lich2000117/streaming-feature-store prometheus.yml:12-13, `rule_files` commented
        # out; reviewed) ...
        (
            {
                "monitoring/api.rules.yml": RULES,
                "monitoring/prometheus.yml": PROM.replace("@", "# "),
            },
            PARTIAL,
        ),
        # ... one it loads, by its path inside the container, is
        (
            {"monitoring/api.rules.yml": RULES, "monitoring/prometheus.yml": PROM.replace("@", "")},
            PASS,
        ),
    ],
)
def test_alert_rules(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "alert_rules")
    assert obs.outcome == expected, obs.message


def test_grafana_threshold_message_names_the_trap(tmp_path):
    obs = run_probe(snapshot(tmp_path, {"grafana/model.json": DASH_THRESHOLD}), "alert_rules")
    assert "alertThreshold" in obs.message and obs.evidence[0].path == "grafana/model.json"


DRIFT = (
    "from evidently.report import Report\nfrom evidently.metric_preset import DataDriftPreset\n\n"
    "def run():\n    report = Report(metrics=[DataDriftPreset()])\n    report.run(reference_data=a, current_data=b)\n"
)
DRIFT_CALLS = ["evidently.*DataDrift*", "evidently.*DriftPreset*", "alibi_detect.cd.*"]
SERVICE_LOOP = (
    "import time\nfrom monitoring.drift import run\n\nwhile True:\n    run()\n    time.sleep(600)\n"
)
COMPOSE_LOOP = "services:\n  drift:\n    build: .\n    command: %s\n"
SCHEDULED = (
    "on:\n  schedule:\n  - cron: '0 6 * * *'\njobs:\n  drift:\n    runs-on: ubuntu-latest\n"
    "    steps:\n    - run: python -m monitoring.drift\n"
)
ON_PUSH = SCHEDULED.replace("schedule:\n  - cron: '0 6 * * *'", "push:")
NOTEBOOK = json.dumps(
    {
        "cells": [
            {
                "cell_type": "code",
                "source": [
                    "from evidently.metric_preset import DataDriftPreset\n",
                    "DataDriftPreset()\n",
                ],
            }
        ],
        "nbformat": 4,
    }
)
CRONJOB = (
    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: drift}\nspec:\n  schedule: '0 * * * *'\n"
    "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
    "          - name: drift\n            image: x\n            command: [python, monitoring/drift.py]\n"
)
BUNDLE = (
    "bundle:\n  name: b\nresources:\n  jobs:\n    hourly:\n      name: hourly\n"
    "      schedule:\n        quartz_cron_expression: '0 5 * * * ?'\n        timezone_id: UTC\n%s"
    "      tasks:\n        - task_key: drift_check\n          notebook_task:\n"
    "            notebook_path: ./monitoring/drift\n"
)
APPLY = (
    "on: {push: {branches: [main]}}\njobs:\n  d:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: %s\n"
)
COMMAND_DAG = (
    "from airflow import DAG\nfrom airflow.providers.docker.operators.docker import DockerOperator\n\n"
    "with DAG('p', schedule='@daily') as dag:\n"
    "    DockerOperator(task_id='t', image='i', command='python /opt/app/%s')\n"
)
AIRFLOW_DAG = (
    "from airflow import DAG\nfrom airflow.operators.python import PythonOperator\n"
    "from monitoring.drift import run\n\n"
    "with DAG('drift', schedule='@daily') as dag:\n    PythonOperator(task_id='d', python_callable=run)\n"
)


def test_monitor_job_and_broken_files(tmp_path):
    """A broken file whose text names none of the monitor's calls cannot hide one
    (trainindata/deploying-machine-learning-models section-04-research-and-development/
    preprocessors_bonus.py:31, a class with a SyntaxError; reviewed); one naming the tool
    can."""
    broken = "import numpy as np\n\nclass Imputer:\n    def __init__(self, tol=0.05, variables):\n"
    calls = DRIFT_CALLS + ["sagemaker.model_monitor.DefaultModelMonitor"]
    snap = snapshot(tmp_path / "a", {"prep.py": broken})
    assert run_probe(snap, "monitor_job", calls=calls).outcome == FAIL
    snap = snapshot(tmp_path / "b", {"prep.py": broken + "import evidently\n"})
    assert run_probe(snap, "monitor_job", calls=calls).outcome == UNKNOWN


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"monitoring/drift.py": DRIFT, ".github/workflows/drift.yml": SCHEDULED}, PASS),
        ({"monitoring/drift.py": DRIFT, "k8s/cron.yaml": CRONJOB}, PASS),
        # a task of a scheduled Databricks job (edeszarka/energy-forecasting-mlops
        # databricks.yml:11-12,36-40; reviewed) ...
        ({"monitoring/drift.py": DRIFT, "databricks.yml": BUNDLE % ""}, PASS),
        # ... not of a job paused
        (
            {
                "monitoring/drift.py": DRIFT,
                "databricks.yml": BUNDLE % "        pause_status: PAUSED\n",
            },
            PARTIAL,
        ),
        # ... nor paused by the production target
        (
            {
                "monitoring/drift.py": DRIFT,
                "databricks.yml": BUNDLE
                % ""
                + "targets:\n  prod:\n    resources:\n      jobs:\n        hourly:\n"
                "          schedule:\n            pause_status: PAUSED\n",
            },
            PARTIAL,
        ),
        # ... a job of an included file, its path from that file; a notebook that imports the
        # monitor; the workspace's own prefix
        (
            {
                "monitoring/drift.py": DRIFT,
                "databricks.yml": "bundle:\n  name: b\ninclude:\n  - resources/*.yml\n",
                "resources/jobs.yml": BUNDLE.replace("bundle:\n  name: b\n", "").replace(
                    "./monitoring/drift", "../monitoring/drift"
                )
                % "",
            },
            PASS,
        ),
        (
            {
                "monitoring/__init__.py": "",
                "monitoring/drift.py": DRIFT,
                "notebooks/monitor.py": "from monitoring.drift import run\nrun()\n",
                "databricks.yml": BUNDLE.replace("./monitoring/drift", "./notebooks/monitor") % "",
            },
            PASS,
        ),
        (
            {
                "monitoring/drift.py": DRIFT,
                "databricks.yml": BUNDLE.replace(
                    "./monitoring/drift", "${workspace.file_path}/monitoring/drift"
                )
                % "",
            },
            PASS,
        ),
        # a CronJob CI never applies while it applies the manifests beside it by name
        # (aakash1552005/telco-churn-mlops Jenkinsfile:182-191; reviewed) ...
        (
            {
                "monitoring/drift.py": DRIFT,
                "k8s/cron.yaml": CRONJOB,
                "k8s/api.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n",
                ".github/workflows/cd.yml": APPLY % "kubectl apply -f k8s/api.yaml",
            },
            PARTIAL,
        ),
        # ... decided by CI applying the folder, or the file by name
        (
            {
                "monitoring/drift.py": DRIFT,
                "k8s/cron.yaml": CRONJOB,
                "k8s/api.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n",
                ".github/workflows/cd.yml": APPLY % "kubectl apply -f k8s/",
            },
            PASS,
        ),
        (
            {
                "monitoring/drift.py": DRIFT,
                "k8s/cron.yaml": CRONJOB,
                "k8s/api.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n",
                ".github/workflows/cd.yml": APPLY
                % "kubectl apply -f k8s/api.yaml && kubectl apply -f k8s/cron.yaml",
            },
            PASS,
        ),
        # ... however it is named: with a namespace first, in a comma list, or piped in
        *(
            (
                {
                    "monitoring/drift.py": DRIFT,
                    "k8s/cron.yaml": CRONJOB,
                    "k8s/api.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n",
                    ".github/workflows/cd.yml": APPLY % f"kubectl apply -f k8s/api.yaml && {step}",
                },
                PASS,
            )
            for step in (
                "kubectl -n monitoring apply -f k8s/cron.yaml",
                "kubectl apply -f k8s/api.yaml,k8s/cron.yaml",
                "sed s/IMAGE/x/ k8s/cron.yaml | kubectl apply -f -",
            )
        ),
        ({"monitoring/drift.py": DRIFT, "dags/drift_dag.py": AIRFLOW_DAG}, PASS),
        # a scheduled DAG whose container task runs the monitor's script (PhucBao1/ecommerce-
        # mlops-platform airflow/dags/ecommerce_pipeline.py:193-197; reviewed) ...
        (
            {"monitoring/drift.py": DRIFT, "dags/pipeline.py": COMMAND_DAG % "monitoring/drift.py"},
            PASS,
        ),
        # ... not one whose task runs another script
        ({"monitoring/drift.py": DRIFT, "dags/pipeline.py": COMMAND_DAG % "etl/load.py"}, PARTIAL),
        ({"monitoring/drift.py": DRIFT, ".github/workflows/drift.yml": ON_PUSH}, PARTIAL),
        ({"monitoring/drift.py": DRIFT}, PARTIAL),
        # a compose service that loops over the check and sleeps between rounds
        # (arbaz-shaik/rul-mlops-pipeline src/drift/service.py:143-151, docker-compose.yml:69;
        # reviewed) ...
        (
            {
                "monitoring/__init__.py": "",
                "monitoring/drift.py": DRIFT,
                "monitoring/service.py": SERVICE_LOOP,
                "docker-compose.yml": COMPOSE_LOOP % "python -m monitoring.service",
            },
            PASS,
        ),
        # ... not the same loop that nothing starts
        (
            {
                "monitoring/__init__.py": "",
                "monitoring/drift.py": DRIFT,
                "monitoring/service.py": SERVICE_LOOP,
                "docker-compose.yml": COMPOSE_LOOP % "python -m monitoring.report",
            },
            PARTIAL,
        ),
        # ... nor a started service that never waits to run it again
        (
            {
                "monitoring/__init__.py": "",
                "monitoring/drift.py": DRIFT,
                "monitoring/service.py": SERVICE_LOOP.replace("time.sleep(600)", "print('done')"),
                "docker-compose.yml": COMPOSE_LOOP % "python -m monitoring.service",
            },
            PARTIAL,
        ),
        ({"train.py": "import sklearn\n"}, FAIL),
        # known false positive: drift only in an EDA notebook is partial at most
        ({"notebooks/eda.ipynb": NOTEBOOK, ".github/workflows/drift.yml": SCHEDULED}, PARTIAL),
        # tests of the drift code do not count as the monitor
        ({"tests/test_drift.py": DRIFT}, FAIL),
        (
            {
                "monitor.py": "from sagemaker.model_monitor import DefaultModelMonitor\n"
                "m = DefaultModelMonitor(role='r')\nm.create_monitoring_schedule(monitor_schedule_name='d')\n"
            },
            PASS,
        ),
    ],
)
def test_monitor_job(tmp_path, files, expected):
    obs = run_probe(
        snapshot(tmp_path, files),
        "monitor_job",
        calls=DRIFT_CALLS + ["sagemaker.model_monitor.DefaultModelMonitor"],
    )
    assert obs.outcome == expected, obs.message


STALE_RULE = (
    "groups:\n- name: model\n  rules:\n  - alert: ModelStale\n"
    "    expr: time() - model_trained_timestamp_seconds > 30 * 86400\n"
)
AGE_GAUGE = (
    "from prometheus_client import Gauge\n"
    "MODEL_TS = Gauge('model_trained_timestamp_seconds', 'when the served model was trained')\n"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"monitoring/model.rules.yml": STALE_RULE, "app/metrics.py": AGE_GAUGE}, PASS),
        ({"app/metrics.py": AGE_GAUGE}, PARTIAL),  # a metric nobody alerts on
        ({"monitoring/api.rules.yml": RULES}, FAIL),  # alerts, but none about model age
        ({"app.py": "x = 1\n"}, FAIL),
        # the freshness of the features is not the model's age, nor is a count of versions
        # (lich2000117/streaming-feature-store alert_rules.yml:280, mlflow_metrics.py:38;
        # reviewed)
        (
            {
                "monitoring/f.rules.yml": "groups:\n- name: f\n  rules:\n  - alert: StaleFeatures\n"
                "    expr: max_over_time(feature_freshness_seconds[10m]) > 300\n",
                "app/metrics.py": "from prometheus_client import Gauge\n"
                "V = Gauge('mlflow_model_versions_total', 'versions')\n",
            },
            FAIL,
        ),
        # a container's CPU, whose metric ends in `usage_seconds_total` (PhucBao1/ecommerce-
        # mlops-platform monitoring/prometheus/rules.yml:118; reviewed) ...
        (
            {
                "monitoring/c.rules.yml": "groups:\n- name: c\n  rules:\n  - alert: ContainerHighCPU\n"
                "    expr: sum(rate(container_cpu_usage_seconds_total[1m])) > 0.8\n"
            },
            FAIL,
        ),
        # ... while a model's age in seconds is one
        (
            {
                "monitoring/m.rules.yml": "groups:\n- name: m\n  rules:\n  - alert: OldModel\n"
                "    expr: serving_model_age_seconds > 604800\n"
            },
            PASS,
        ),
    ],
)
def test_staleness(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "staleness").outcome == expected


# Catalogue rule lib (real repository: evidently): an MLOps tool's own package is not the
# project *using* the tool.
LIB_FILES = {
    "pyproject.toml": '[project]\nname = "evidently"\nversion = "1"\n',
    "src/evidently/__init__.py": "",
    "src/evidently/presets.py": (
        "from evidently.metrics import DataDriftTable\n\n\ndef preset():\n"
        "    return DataDriftTable()\n"
    ),
    "src/evidently/metrics.py": "class DataDriftTable:\n    pass\n",
}
DRIFT_CALLS = ["evidently.*DataDrift*"]


def test_lib_rule_tool_repo_does_not_use_itself(tmp_path):
    snap = snapshot(tmp_path, LIB_FILES)
    assert run_probe(snap, "python_calls", calls=DRIFT_CALLS).outcome is FAIL
    assert run_probe(snap, "python_imports", modules=["evidently"]).outcome is FAIL
    assert run_probe(snap, "monitor_job", calls=DRIFT_CALLS, what="drift check").outcome is FAIL


def test_lib_rule_applies_only_to_the_published_package(tmp_path):
    # same code, but the repository publishes another distribution: evidently is a dependency
    files = dict(LIB_FILES)
    files["pyproject.toml"] = '[project]\nname = "shop-model"\nversion = "1"\n'
    files.pop("src/evidently/__init__.py")
    files["monitor.py"] = "from evidently.metrics import DataDriftTable\n\nDataDriftTable()\n"
    snap = snapshot(tmp_path, files)
    assert run_probe(snap, "python_calls", calls=DRIFT_CALLS).outcome is PASS


def test_metrics_endpoint_otel_trace_protos_are_not_metrics(tmp_path):
    protos = "from opentelemetry.proto.collector.trace.v1 import trace_service_pb2\n"
    snap = snapshot(tmp_path, {"svc/api.py": protos})
    assert run_rubric_check(snap, "MON008").outcome is FAIL
    metrics = "from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor\n"
    snap = snapshot(tmp_path / "b", {"svc/api.py": metrics})
    assert run_rubric_check(snap, "MON008").outcome is PASS


def test_drift_detection_tfdv_against_a_baseline(tmp_path):
    drift = (
        "import apache_beam as beam\nimport tensorflow_data_validation as tfdv\n\n"
        "def run(p, schema, base):\n"
        "    return p | beam.Map(tfdv.validate_statistics, schema=schema,"
        " previous_statistics=base)\n"
    )
    snap = snapshot(tmp_path, {"monitor/analyzer.py": drift})
    assert run_rubric_check(snap, "MON001").outcome is PASS
    schema_only = (
        "import tensorflow_data_validation as tfdv\n\ntfdv.validate_statistics(s, schema)\n"
    )
    snap = snapshot(tmp_path / "b", {"monitor/analyzer.py": schema_only})
    assert run_rubric_check(snap, "MON001").outcome is FAIL


MONITOR_CFN = """Resources:
  Monitor:
    Type: AWS::SageMaker::MonitoringSchedule
    Properties:
      MonitoringScheduleConfig:
{config}
"""
INLINE_DATA_QUALITY = (
    "        MonitoringJobDefinition:\n"
    "          BaselineConfig: {ConstraintsResource: {S3Uri: s3://b/constraints.json}}\n"
    "        ScheduleConfig:\n          ScheduleExpression: 'cron(0 * ? * * *)'"
)
CDK_MONITOR = (
    "from aws_cdk import aws_sagemaker as sagemaker\n\n"
    "schedule = sagemaker.CfnMonitoringSchedule(self, 'MonitoringSchedule',\n"
    "    monitoring_schedule_config=sagemaker.CfnMonitoringSchedule.MonitoringScheduleConfigProperty(\n"
    "        monitoring_job_definition=job,{schedule}\n    ))\n"
)
CDK_SCHEDULE = (
    "\n        schedule_config=sagemaker.CfnMonitoringSchedule.ScheduleConfigProperty("
    "schedule_expression='cron(0 * ? * * *)'),"
)
TF_MONITOR = (
    'resource "aws_sagemaker_monitoring_schedule" "q" {\n'
    "  monitoring_schedule_config {\n"
    '    monitoring_job_definition_name = "q"\n'
    '    monitoring_type = "ModelQuality"\n'
    '    schedule_config {\n      schedule_expression = "cron(0 * ? * * *)"\n    }\n'
    "  }\n}\n"
)


@pytest.mark.parametrize(
    ("files", "types", "expected"),
    [
        # the inline form is data quality against a baseline (safe-deployment-pipeline :256)
        ({"assets/prd.yml": MONITOR_CFN.format(config=INLINE_DATA_QUALITY)}, ["DataQuality"], PASS),
        (
            {"assets/prd.yml": MONITOR_CFN.format(config=INLINE_DATA_QUALITY)},
            ["ModelQuality"],
            FAIL,
        ),
        ({"infra/monitor.tf": TF_MONITOR}, ["ModelQuality"], PASS),
        # a bias monitor is not a drift check
        (
            {"infra/monitor.tf": TF_MONITOR.replace("ModelQuality", "ModelBias")},
            ["DataQuality"],
            FAIL,
        ),
        # declared, never scheduled
        (
            {
                "assets/prd.yml": MONITOR_CFN.format(
                    config="        MonitoringType: DataQuality\n"
                    "        MonitoringJobDefinitionName: dq"
                )
            },
            ["DataQuality"],
            PARTIAL,
        ),
        (
            {"tests/fixtures/prd.yml": MONITOR_CFN.format(config=INLINE_DATA_QUALITY)},
            ["DataQuality"],
            FAIL,
        ),
        # the AWS CDK form (aws-samples/amazon-sagemaker-drift-detection sagemaker_stack.py:90)
        ({"infra/stack.py": CDK_MONITOR.format(schedule=CDK_SCHEDULE)}, ["DataQuality"], PASS),
        ({"infra/stack.py": CDK_MONITOR.format(schedule="")}, ["DataQuality"], PARTIAL),
        ({"infra/stack.py": CDK_MONITOR.format(schedule=CDK_SCHEDULE)}, ["ModelQuality"], FAIL),
    ],
)
def test_monitoring_schedule(tmp_path, files, types, expected):
    obs = run_probe(snapshot(tmp_path, files), "monitoring_schedule", types=types)
    assert obs.outcome == expected, obs.message


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # the legacy Evidently API (< 0.2) is a quality monitor too
        # (DataTalksClub/mlops-zoomcamp prefect_monitoring_solution.py:70, not scheduled)
        (
            {
                "monitoring/quality.py": "from evidently.model_profile.sections import "
                "RegressionPerformanceProfileSection\nsection = RegressionPerformanceProfileSection()\n"
            },
            PARTIAL,
        ),
        (
            {
                "monitoring/quality.py": "from evidently.metric_preset import RegressionPreset\n"
                "RegressionPreset()\n",
                ".github/workflows/q.yml": SCHEDULED.replace("drift", "quality"),
            },
            PASS,
        ),
        # a drift report is not a quality monitor
        (
            {
                "monitoring/drift.py": "from evidently.metric_preset import DataDriftPreset\nDataDriftPreset()\n"
            },
            FAIL,
        ),
    ],
)
def test_quality_monitor(tmp_path, files, expected):
    files = with_a_model("quality-monitor", files)
    obs = run_rubric_check(snapshot(tmp_path, files), "quality-monitor")
    assert obs.outcome == expected, obs.message
