"""Automation (AUT) checks through the default rubric: positive, negative and the catalogue's
known false positive for each."""

from __future__ import annotations

import json

import pytest
from helpers import run_check, snapshot, training_repo

from mlaudit.results import Outcome


def notebook(source: str) -> str:
    return json.dumps(
        {"cells": [{"cell_type": "code", "source": source.splitlines(True)}], "nbformat": 4}
    )


P, F, H, U = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL, Outcome.UNKNOWN
CRON = "\n  schedule:\n    - cron: '0 3 * * 1'"


TRAINING_IMAGE_PUSH = """\
on: [push]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: {file}
          push: {push}
"""
TRAINING_ENV = (
    "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nWORKDIR /workspace/app\nCOPY . .\n"
    'RUN pip install -e .\nENTRYPOINT ["/workspace/app/scripts/entrypoint.sh"]\n'
)


PUBLISHED_PACKAGE = {
    "pyproject.toml": '[project]\nname = "trainlib"\nversion = "1.0"\n',
    "src/trainlib/__init__.py": "",
}
PYPI_ACTION = "pypa/gh-action-pypi-publish@release/v1"
PYPI_BADGE = (
    "[![PyPI](https://img.shields.io/pypi/v/trainlib)](https://pypi.org/project/trainlib/)\n"
)


# CI that sets up a cluster's platform: charts from chart repositories and a registry, and
# a URL's manifests (deramos/mlops-k8s-pipeline .github/workflows/deploy-infra.yaml)
PLATFORM_WF = (
    "name: infra\non: push\njobs:\n  infra:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - uses: azure/setup-helm@v3\n"
    "      - run: |\n"
    "          mkdir -p ~/.kube\n          chmod 600 ~/.kube/config\n"
    "          helm repo add traefik https://traefik.github.io/charts\n"
    "          helm repo add flagger https://flagger.app\n          helm repo update\n"
    "          helm upgrade --install traefik traefik/traefik --namespace traefik \\\n"
    "            --create-namespace --set service.type=LoadBalancer\n"
    "          helm install postgres oci://registry-1.docker.io/bitnamicharts/postgresql"
    " --version 12.9.0\n"
    "          kubectl apply -f https://github.com/cert-manager/cert-manager/releases/"
    "download/v1.14.0/cert-manager.yaml\n"
    "          helm install flagger flagger/flagger -n istio-system\n"
)


BROKEN_WORKFLOW = (
    "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/setup-python@v5\n        with:\n"
    "          python-version: ${{ matrix.python }}\n"
    "      - run: |\n          python - <<EOF\nimport json\nprint(1)\nEOF\n"
    "      - uses: docker/metadata-action@v5\n        with:\n"
    "          tags: type=semver,pattern={{version}}\n"
    "      - run: pytest\n"
)


ENV_JOBS = (
    "on: push\njobs:\n"
    "  staging:\n    runs-on: ubuntu-latest\n    environment: staging\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - run: %s\n"
    "  production:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - run: %s\n"
)


def wf(run: str, on: str = "[push, pull_request]", extra: str = "", uses: str = "") -> str:
    body = "\n".join(f"          {line}" for line in run.splitlines())
    steps = "      - uses: actions/checkout@v4\n"
    if uses:
        steps += f"      - uses: {uses}\n"
    if run:
        steps += f"      - run: |\n{body}\n"
    return f"name: ci\non: {on}\njobs:\n  build:\n    runs-on: ubuntu-latest\n{extra}    steps:\n{steps}"


ECS_DEPLOY = (
    "on: {push: {branches: [main]}}\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: aws-actions/amazon-ecs-deploy-task-definition@v1\n        with:\n"
    "          task-definition: task.json\n          service: %s\n          cluster: %s\n"
)


def rule(source: str | None, *, arn: str = "", state: str = "ENABLED") -> str:
    """A template with an EventBridge rule started by `source` events (None: a schedule),
    targeting a Step Functions state machine (or `arn`)."""
    start = (
        f"      EventPattern:\n        source:\n          - {source}\n"
        if source
        else "      ScheduleExpression: cron(0 12 1 * ? *)\n"
    )
    target = arn or '!Sub "arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:train"'
    return (
        "Resources:\n  Training:\n    Type: AWS::StepFunctions::StateMachine\n"
        "  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n"
        f"{start}      State: {state}\n      Targets:\n        - Arn: {target}\n"
        "          Id: t\n"
    )


def codepipeline(source: str, *, stage: str = "TrainModel") -> str:
    """A CodePipeline: a `source` stage, then `stage` invoking a Lambda."""
    return (
        "Resources:\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n"
        "      Stages:\n        - Name: Source\n          Actions:\n            - Name: Data\n"
        f"              ActionTypeId: {{Category: Source, Owner: AWS, Provider: {source}}}\n"
        f"        - Name: {stage}\n          Actions:\n            - Name: Start\n"
        "              ActionTypeId: {Category: Invoke, Owner: AWS, Provider: Lambda}\n"
    )


FIT = "def run(m, X, y):\n    m.fit(X, y)\n"
READS = "import pandas as pd\ndf = pd.read_csv('rows.csv')\n"

BAKE = (
    "on:\n  push:\n    branches: [main]\njobs:\n  image:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/bake-action@v5\n"
    "        with:\n          workdir: docker{push}\n"
)
BUILD_PUSH = (
    "name: docker\non:\n  push:\n    branches: [main]\njobs:\n  docker:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v3\n"
    "        with:\n          push: true\n          tags: org/app:latest\n"
    "          {key}: {value}\n"
)
AIRFLOW_DAG = (
    "from airflow import DAG\nfrom airflow.operators.bash import BashOperator\n\n"
    "with DAG('etl', schedule='@daily') as dag:\n"
    "    BashOperator(task_id='extract', bash_command='python extract.py')\n"
)
AIRFLOW_TRAIN = (
    "from airflow import DAG\nfrom airflow.operators.bash import BashOperator\n\n"
    "with DAG('retrain', schedule='@weekly') as dag:\n"
    "    BashOperator(task_id='train', bash_command='python train.py')\n"
)
NB_GRID = (
    '{"cells": [{"cell_type": "code", "source": ["from sklearn.model_selection import GridSearchCV\\n",'
    ' "GridSearchCV(model, grid)\\n"]}], "nbformat": 4}'
)
NB_COMMENTED = (
    '{"cells": [{"cell_type": "code", "source": ["#from sklearn.model_selection import GridSearchCV\\n",'
    ' "#GridSearchCV(model, grid)\\n"]}], "nbformat": 4}'
)


FLOW = (
    "from prefect import flow, task\nfrom training.trainer import CreditRiskTrainer\n\n\n"
    "@task\ndef train(df):\n    %s\n\n\n@flow\ndef retrain(df):\n    train(df)\n"
)
TRAINER = (
    "import lightgbm\n\n\ndef prepare_features(df):\n    return df\n\n\n"
    "class CreditRiskTrainer:\n    def run(self, df):\n"
    "        return lightgbm.train({}, prepare_features(df))\n"
)
AIRFLOW_TASK = (
    "from airflow import DAG\nfrom airflow.operators.python import PythonOperator\n\n\n"
    "def _train(**context):\n    from %s import run\n\n    run(force=True)\n\n\n"
    "with DAG('p') as dag:\n    PythonOperator(task_id='t', python_callable=_train)\n"
)
TRAIN_MODULE = "from sklearn.linear_model import LogisticRegression\n\n\ndef run(force=False):\n    LogisticRegression().fit([[0]], [0])\n"
DELEGATING_DAG = (
    "from airflow.decorators import dag, task\nfrom pkg.tasks import %s as run\n\n\n"
    "@dag()\ndef pipeline():\n    @task\n    def step():\n        return run({})\n"
)
DELEGATING_TASKS = {
    "pkg/__init__.py": "",
    "pkg/tasks.py": "from pkg.training import train_baseline_model\n\n\n"
    "def run_training_task(ctx):\n    return train_baseline_model(ctx)\n\n\n"
    "def run_report_task(ctx):\n    return ctx\n",
    "pkg/training.py": "from sklearn.linear_model import LogisticRegression\n\n\n"
    "def train_baseline_model(ctx):\n    return LogisticRegression().fit(X, y)\n",
}
BASH_DAG = (
    "from airflow import DAG\nfrom airflow.operators.bash import BashOperator\n\n"
    "dag = DAG('p', schedule=None)\nBashOperator(task_id='train', bash_command='%s', dag=dag)\n"
)
SAGEMAKER_JOB = {
    "dags/__init__.py": "",
    "dags/common/__init__.py": "",
    "dags/common/aws_utils.py": "import boto3\n\n\ndef submit_training_job(name):\n"
    "    boto3.client('sagemaker').create_training_job(TrainingJobName=name)\n\n\n"
    "def job_status(name):\n"
    "    return boto3.client('sagemaker').describe_training_job(TrainingJobName=name)\n",
}
SAGEMAKER_JOB_DAG = (
    "from airflow import DAG\nfrom airflow.operators.python import PythonOperator\n"
    "from common.aws_utils import %s as step\n\n"
    "with DAG('p', schedule='@weekly') as dag:\n"
    "    PythonOperator(task_id='t', python_callable=lambda: step('j'))\n"
)
DOCKER_DAG = (
    "from airflow import DAG\nfrom airflow.providers.docker.operators.docker import DockerOperator\n\n"
    "dag = DAG('p', schedule=None)\nDockerOperator(task_id='t', image='i', %s, dag=dag)\n"
)
CODEPIPELINE = """Resources:
  DeployPipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Stages:
        - Name: Source
          Actions:
            - Name: GitSource
              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
        - Name: DeployDev
          Actions:
            - Name: DeployModelDev
              ActionTypeId:
                Category: Deploy
                Provider: CloudFormation
            - Name: ApproveDeploy
              ActionTypeId: {Category: Approval, Provider: Manual}
        - Name: DeployPrd
          Actions:
            - Name: DeployModelPrd
              ActionTypeId:
                Category: Deploy
                Provider: CloudFormation
"""

CASES = [
    # data-pipeline-dag ------------------------------------------------------------------------
    (
        "data-pipeline-dag",
        "dvc-prepare",
        {
            "dvc.yaml": "stages:\n  prepare:\n    cmd: python prepare.py\n    deps: [data/raw.csv]\n"
            "    outs: [data/prepared]\n"
        },
        P,
    ),
    ("data-pipeline-dag", "airflow", {"dags/etl.py": AIRFLOW_DAG}, P),
    # ZenML pipelines (PacktPublishing/LLM-Engineers-Handbook pipelines/end_to_end_data.py:8;
    # reviewed) ...
    (
        "data-pipeline-dag",
        "zenml pipeline",
        {
            "pipelines/etl.py": "from zenml import pipeline, step\n\n\n@step\ndef crawl():\n"
            "    return []\n\n\n@pipeline\ndef digital_data_etl():\n    crawl()\n"
        },
        P,
    ),
    # ... not a script that only reads ZenML's client
    (
        "data-pipeline-dag",
        "fp-zenml-client",
        {
            "tools/runs.py": "from zenml.client import Client\n\n\ndef last():\n"
            "    return Client().get_pipeline('etl').runs[0]\n"
        },
        F,
    ),
    (
        "data-pipeline-dag",
        "dbt",
        {"dbt_project.yml": "name: shop\n", "models/stg_orders.sql": "select 1\n"},
        P,
    ),
    # a dbt project without a model transforms nothing (saidulIslam1602/Transaction-Anomaly-
    # Detection dbt/dbt_project.yml:9 names a models/ folder that does not exist; reviewed)
    (
        "data-pipeline-dag",
        "fp-dbt-project-without-models",
        {"dbt/dbt_project.yml": "name: shop\n"},
        F,
    ),
    # FP: a test's fixture project (feast-dev/feast sdk/python/tests/integration/dbt/)
    (
        "data-pipeline-dag",
        "fp-dbt-test-fixture",
        {"etl.py": "import pandas as pd\n", "pkg/tests/dbt/fixture/dbt_project.yml": "name: t\n"},
        F,
    ),
    ("data-pipeline-dag", "none", {"prepare.py": "x = 1\n"}, F),
    # a BigQuery job as a node of a Vertex pipeline (teamdatatonic/vertex-pipelines-end-to-end-samples
    # pipelines/src/pipelines/training.py:126)
    (
        "data-pipeline-dag",
        "gcpc-bigquery-op",
        {
            "pipelines/training.py": "from google_cloud_pipeline_components.v1.bigquery import BigqueryQueryJobOp\n"
            "prep_op = BigqueryQueryJobOp(query=q)\n"
        },
        P,
    ),
    # the trap: the BigQuery client itself, called from a script, is no pipeline node
    (
        "data-pipeline-dag",
        "fp-bigquery-client",
        {"prepare.py": "from google.cloud import bigquery\nbigquery.Client().query(q)\n"},
        F,
    ),
    # TFX data components as pipeline nodes (GoogleCloudPlatform/mlops-with-vertex-ai)
    (
        "data-pipeline-dag",
        "tfx-components",
        {
            "src/pipeline.py": "from tfx.v1.extensions.google_cloud_big_query import BigQueryExampleGen\n"
            "from tfx.v1.components import Transform\n"
            "gen = BigQueryExampleGen(query='select 1')\nt = Transform(examples=gen.outputs['examples'])\n"
        },
        P,
    ),
    # a SageMaker processing step of a pipeline a notebook builds: partial (rule nb)
    (
        "data-pipeline-dag",
        "sagemaker-processing-step-in-notebook",
        {
            "03_pipeline.ipynb": notebook(
                "from sagemaker.workflow.steps import ProcessingStep\n"
                "step = ProcessingStep(name='prep', processor=p)\n"
            )
        },
        H,
    ),
    # the SageMaker Python SDK v3 path (aws-samples/amazon-sagemaker-from-idea-to-production
    # 03-sagemaker-pipeline.ipynb)
    (
        "data-pipeline-dag",
        "sagemaker-v3-processing-step-in-notebook",
        {
            "03_pipeline.ipynb": notebook(
                "from sagemaker.mlops.workflow.steps import ProcessingStep\n"
                "step = ProcessingStep(name='prep', processor=p)\n"
            )
        },
        H,
    ),
    # ... but not a notebook trying a TFX component out
    (
        "data-pipeline-dag",
        "fp-tfx-in-notebook",
        {
            "explore.ipynb": '{"cells": [{"cell_type": "code", "source": ["from tfx.v1.components import '
            'CsvExampleGen\\n", "CsvExampleGen(input_base=\'data\')\\n"]}], "nbformat": 4}'
        },
        F,
    ),
    (
        "data-pipeline-dag",
        "fp-train-only-dvc-and-readme",
        {
            "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    outs: [model.pkl]\n",
            "README.md": "We orchestrate with Airflow DAG(...) and Dagster.\n",
        },
        F,
    ),
    # feature-materialization ----------------------------------------------------------------
    (
        "feature-materialization",
        "ci-feast",
        {".github/workflows/mat.yml": wf("feast materialize-incremental $(date +%F)", on=CRON)},
        P,
    ),
    ("feature-materialization", "none", {".github/workflows/ci.yml": wf("pytest")}, F),
    (
        "feature-materialization",
        "fp-requirement-only",
        {
            "requirements.txt": "feast==0.40\ndbt-core==1.8\n",
            "README.md": "Run `feast materialize` daily.\n",
        },
        F,
    ),
    # data-change-trigger --------------------------------------------------------------------------
    (
        "data-change-trigger",
        "paths-data",
        {
            ".github/workflows/train.yml": wf(
                "dvc repro", on="\n  push:\n    paths:\n      - 'data/**'\n      - '**/*.dvc'"
            )
        },
        P,
    ),
    ("data-change-trigger", "no-paths", {".github/workflows/ci.yml": wf("pytest")}, F),
    # a trigger on a git-ignored data file is dead: no push changes it (hzabun/player-churn-
    # mlops .github/workflows/deploy-feast.yml:8, `/data` in .gitignore; reviewed) ...
    (
        "data-change-trigger",
        "FP git-ignored data path",
        {
            ".gitignore": "/data\n",
            ".github/workflows/feast.yml": wf(
                "feast apply",
                on="\n  push:\n    paths:\n      - 'data/processed/features.parquet'",
            ),
        },
        F,
    ),
    # ... while a git-ignored folder whose DVC pointers are tracked still changes
    (
        "data-change-trigger",
        "ignored folder with tracked pointers",
        {
            ".gitignore": "/data/raw\n",
            "data/raw.dvc": "outs:\n- path: raw\n",
            ".github/workflows/train.yml": wf(
                "dvc repro", on="\n  push:\n    paths:\n      - 'data/**'"
            ),
        },
        P,
    ),
    # an EventBridge rule on S3 uploads starting the pipeline (aws-samples/amazon-sagemaker-
    # safe-deployment-pipeline pipeline.yml:431) ... not one on a CloudWatch alarm
    ("data-change-trigger", "eventbridge-s3", {"etl.py": READS, "pipeline.yml": rule("aws.s3")}, P),
    ("data-change-trigger", "codepipeline-s3", {"etl.py": READS, "cfn.yml": codepipeline("S3")}, P),
    (
        "data-change-trigger",
        "fp-eventbridge-alarm",
        {"etl.py": READS, "pipeline.yml": rule("aws.cloudwatch")},
        F,
    ),
    (
        "data-change-trigger",
        "fp-code-paths-only",
        {
            ".github/workflows/ci.yml": wf(
                "pytest", on="\n  push:\n    paths:\n      - 'src/**'\n      - 'docs/**'"
            )
        },
        F,
    ),
    # training-pipeline -----------------------------------------------------------------------------
    # a Prefect flow whose task builds the project's trainer, which trains in its own module
    # (shiva-shivanibokka/ML-System-Design-Retraining-Pipeline pipelines/flows.py:55,448;
    # reviewed) ...
    (
        "training-pipeline",
        "prefect-flow-calls-own-trainer",
        {
            "pipelines/flows.py": FLOW % "trainer = CreditRiskTrainer()\n    trainer.run(df)",
            "training/trainer.py": TRAINER,
        },
        P,
    ),
    # ... not a flow that only calls the training module's feature helper
    (
        "training-pipeline",
        "fp-prefect-flow-calls-a-helper",
        {
            "pipelines/flows.py": FLOW.replace("CreditRiskTrainer", "prepare_features")
            % "prepare_features(df)",
            "training/trainer.py": TRAINER,
        },
        F,
    ),
    # an Airflow task importing the entry point of the training module inside its function
    # (zvarrog/sentiment-mlops-pipeline airflow/dags/kindle_pipeline.py:194,202; reviewed) ...
    (
        "training-pipeline",
        "airflow-task-runs-train-module-entry",
        {
            "dags/pipeline.py": AIRFLOW_TASK % "scripts.train",
            "scripts/__init__.py": "",
            "scripts/train.py": TRAIN_MODULE,
        },
        P,
    ),
    # ... not the entry point of a module that is not named for training
    (
        "training-pipeline",
        "fp-airflow-task-runs-other-module-entry",
        {
            "dags/pipeline.py": AIRFLOW_TASK % "scripts.report",
            "scripts/__init__.py": "",
            "scripts/report.py": TRAIN_MODULE,
        },
        F,
    ),
    # ... unless that module keeps the models it fits: a benchmark that pickles each one
    # (skywalker-89/customer-churn-mlops dags/model_training_dag.py:52-53; reviewed)
    (
        "training-pipeline",
        "airflow-task-runs-entry-of-a-module-keeping-its-models",
        {
            "dags/pipeline.py": AIRFLOW_TASK % "scripts.benchmark",
            "scripts/__init__.py": "",
            "scripts/benchmark.py": "import pickle\n"
            + TRAIN_MODULE.replace(
                "LogisticRegression().fit([[0]], [0])",
                "m = LogisticRegression().fit([[0]], [0])\n    pickle.dumps(m)",
            ),
        },
        P,
    ),
    # a flow handing a trainer its package re-exports to a task that runs it (LunarMoonDev/
    # mlops-project-retail-service retail-training-service/main.py:5,71; reviewed) ...
    (
        "training-pipeline",
        "prefect-flow-hands-a-reexported-trainer-to-a-task",
        {
            "svc/main.py": "from prefect import flow\nfrom models import XGBoostTrain\n"
            "from tasks import execute_model\n\n\n@flow\ndef main():\n"
            "    execute_model(XGBoostTrain, {})\n",
            "svc/models/__init__.py": "from models.xgb_trainer import XGBoostTrain\n",
            "svc/models/xgb_trainer.py": "import xgboost\n\n\nclass XGBoostTrain:\n"
            "    def run(self):\n        xgboost.XGBRegressor().fit(X, y)\n",
            "svc/tasks.py": "def execute_model(trainer, data):\n    return trainer().run()\n",
        },
        P,
    ),
    # ... not one that only uses a helper the package re-exports beside it
    (
        "training-pipeline",
        "fp-prefect-flow-uses-a-reexported-helper",
        {
            "svc/main.py": "from prefect import flow\nfrom models import clean\n\n\n@flow\n"
            "def main():\n    clean({})\n",
            "svc/models/__init__.py": "from models.xgb_trainer import clean\n",
            "svc/models/xgb_trainer.py": "import xgboost\n\n\ndef clean(d):\n    return d\n\n\n"
            "class XGBoostTrain:\n    def run(self):\n        xgboost.XGBRegressor().fit(X, y)\n",
        },
        F,
    ),
    # a task calling the project's training task, which calls the trainer of another module
    # (Atharva-Waranashiwar-Coding/churnops-mlops-platform src/churnops/orchestration/
    # airflow.py:91 -> training_tasks.py -> models/training.py; reviewed) ...
    (
        "training-pipeline",
        "airflow-task-calls-a-task-module-that-trains",
        {**DELEGATING_TASKS, "pkg/dag.py": DELEGATING_DAG % "run_training_task"},
        P,
    ),
    # ... or a custom operator whose `execute` runs the training module's entry point, which
    # trains through the models package (boubnacer/AirQuality-MLOps-Platform dags/operators/
    # mlflow_train_operator.py:29 -> ml/train.py -> ml/models/; reviewed)
    (
        "training-pipeline",
        "airflow-custom-operator-runs-training-entry-two-steps-away",
        {
            "dags/__init__.py": "",
            "dags/pipeline.py": "from airflow import DAG\nfrom dags.train_op import TrainOperator\n\n"
            "with DAG('p', schedule='@daily') as dag:\n    TrainOperator(task_id='t')\n",
            "dags/train_op.py": "from airflow.models import BaseOperator\n\n\n"
            "class TrainOperator(BaseOperator):\n    def execute(self, context):\n"
            "        from ml.train import run\n\n        return run()\n",
            "ml/__init__.py": "",
            "ml/train.py": "from ml.models.forecaster import fit_forecaster\n\n\n"
            "def run():\n    return fit_forecaster()\n",
            "ml/models/__init__.py": "",
            "ml/models/forecaster.py": "from sklearn.linear_model import Ridge\n\n\n"
            "def fit_forecaster():\n    return Ridge().fit(X, y)\n",
        },
        P,
    ),
    # ... or a helper that starts a SageMaker training job (ManimaranRepos/churn-mlops-
    # platform airflow/dags/training_pipeline.py:121, common/aws_utils.py:169; reviewed)
    (
        "training-pipeline",
        "airflow-task-submits-a-managed-training-job",
        {**SAGEMAKER_JOB, "dags/pipeline.py": SAGEMAKER_JOB_DAG % "submit_training_job"},
        P,
    ),
    # ... not one that only reads a job's status from the same helper module
    (
        "training-pipeline",
        "fp-airflow-task-describes-a-managed-training-job",
        {**SAGEMAKER_JOB, "dags/pipeline.py": SAGEMAKER_JOB_DAG % "job_status"},
        F,
    ),
    # ... not one calling only that module's other task
    (
        "training-pipeline",
        "fp-airflow-task-calls-the-task-modules-other-task",
        {**DELEGATING_TASKS, "pkg/dag.py": DELEGATING_DAG % "run_report_task"},
        F,
    ),
    # a BashOperator running the training script, behind a machine's path and in Windows
    # spelling (deaneeth/telco-churn-mlops-pipeline dags/telco_churn_dag.py:58-61; reviewed) ...
    (
        "training-pipeline",
        "airflow-bash-task-runs-training-script",
        {
            "dags/dag.py": BASH_DAG % r"cd /mnt/e/proj && python.exe src\\models\\train.py",
            "src/models/train.py": FIT,
        },
        P,
    ),
    # ... not one that runs only the preprocessing script
    (
        "training-pipeline",
        "fp-airflow-bash-task-runs-preprocessing",
        {
            "dags/dag.py": BASH_DAG % "python src/data/preprocess.py",
            "src/data/preprocess.py": "import pandas\n\npandas.read_csv('x.csv').to_parquet('y')\n",
            "src/models/train.py": FIT,
        },
        F,
    ),
    # a container task running a script that trains through the project's trainer module
    # (PhucBao1/ecommerce-mlops-platform airflow/dags/retrain.py:65-70; reviewed) ...
    (
        "training-pipeline",
        "airflow-docker-task-runs-delegating-training-script",
        {
            "dags/dag.py": DOCKER_DAG % "command='python src/train_model.py'",
            "src/__init__.py": "",
            "src/train_model.py": "from src.trainer import train_one_epoch\n\ntrain_one_epoch()\n",
            "src/trainer.py": FIT.replace("def ", "def train_one_epoch():\n    pass\n\n\ndef ", 1),
        },
        P,
    ),
    # ... and a Kubernetes pod task given the script as its arguments
    (
        "training-pipeline",
        "airflow-pod-task-runs-training-script",
        {
            "dags/dag.py": DOCKER_DAG.replace("DockerOperator", "KubernetesPodOperator")
            % "cmds=['python'], arguments=['src/models/train.py']",
            "src/models/train.py": FIT,
        },
        P,
    ),
    # ... not a container task that runs the serving script
    (
        "training-pipeline",
        "fp-airflow-docker-task-runs-serving",
        {
            "dags/dag.py": DOCKER_DAG % "command='python src/serve.py'",
            "src/serve.py": "import joblib\n\nm = joblib.load('m.pkl')\n",
            "src/models/train.py": FIT,
        },
        F,
    ),
    (
        "pipeline-as-code",
        "airflow-bash-task-runs-training-module",
        {
            "dags/dag.py": BASH_DAG % "python -m src.models.train",
            "src/models/train.py": FIT,
        },
        P,
    ),
    # a pipeline module importing components its project no longer defines never compiles
    # (ayan-create/mlops-kubeflow-assignment pipeline.py:6, the components commented out in
    # src/pipeline_components.py; reviewed) ...
    (
        "training-pipeline",
        "fp-kfp-importing-missing-components",
        {
            "train.py": FIT,
            "src/__init__.py": "",
            "src/components.py": "# def train_model():\n#     pass\n\n\ndef train_model_v2():\n    pass\n",
            "pipeline.py": "from kfp import dsl\nfrom src.components import train_model\n\n\n"
            "@dsl.pipeline(name='train')\ndef p():\n    train_model()\n",
        },
        F,
    ),
    # ... while one whose components are there compiles
    (
        "training-pipeline",
        "kfp-importing-its-components",
        {
            "train.py": FIT,
            "src/__init__.py": "",
            "src/components.py": "a, train_model = None, None\n",
            "pipeline.py": "from kfp import dsl\nfrom src.components import train_model\n\n\n"
            "@dsl.pipeline(name='train')\ndef p():\n    train_model()\n",
        },
        P,
    ),
    (
        "training-pipeline",
        "kfp",
        {
            "pipeline.py": "from kfp import dsl\n\n@dsl.pipeline(name='train')\ndef p():\n    pass\n",
        },
        P,
    ),
    (
        "training-pipeline",
        "step functions data science sdk",  # awslabs/mlmax training_pipeline_define.py:201
        {
            "pipeline/define.py": "from stepfunctions.steps import Chain\n"
            "from stepfunctions.workflow import Workflow\n"
            "wf = Workflow(name='train', definition=Chain([prep, train]), role=role)\n",
        },
        P,
    ),
    (
        "training-pipeline",
        "metaflow",
        {
            "flow.py": "from metaflow import FlowSpec, step\n\nclass TrainFlow(FlowSpec):\n    pass\n"
        },
        P,
    ),
    (
        "training-pipeline",
        "argo-workflow",
        {
            "k8s/train.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: train\n"
            "spec:\n  entrypoint: main\n"
        },
        P,
    ),
    ("training-pipeline", "none", {"train.py": "x = 1\n"}, F),
    # a SageMaker pipeline built, upserted and started from a notebook (aws-samples/
    # amazon-sagemaker-mlops-workshop 03_workflow_sm_pipelines.ipynb:519,580): declared, only
    # in a notebook (rule nb)
    (
        "training-pipeline",
        "sagemaker-pipeline-in-notebook",
        {
            "train.py": "def fit(m, X, y):\n    m.fit(X, y)\n",
            "03_pipeline.ipynb": notebook(
                "from sagemaker.workflow.pipeline import Pipeline\n"
                "pipeline = Pipeline(name='p', steps=[step_train])\n"
                "pipeline.upsert(role_arn=role)\n"
            ),
        },
        H,
    ),
    # a Prefect flow that trains (DataTalksClub/mlops-zoomcamp orchestration.py:132)
    (
        "training-pipeline",
        "prefect-training-flow",
        {
            "orchestrate.py": "import xgboost as xgb\nfrom prefect import flow, task\n\n"
            "@task\ndef train(d):\n    return xgb.train(params, d)\n\n"
            "@flow\ndef main():\n    train(load())\n"
        },
        P,
    ),
    # ... a flow that only prepares data, with a scaler fitted elsewhere, does not
    (
        "training-pipeline",
        "fp-prefect-data-flow",
        {
            "etl.py": "from prefect import flow\nfrom sklearn.preprocessing import StandardScaler\n\n"
            "@flow\ndef etl():\n    StandardScaler().fit(df)\n",
            "train.py": "from sklearn.linear_model import LinearRegression\nLinearRegression().fit(X, y)\n",
        },
        F,
    ),
    ("training-pipeline", "fp-import-only", {"pipeline.py": "import kfp\nimport zenml\n"}, F),
    # ct-trigger --------------------------------------------------------------------------------------
    ("ct-trigger", "cron-train", {".github/workflows/ct.yml": wf("python train.py", on=CRON)}, P),
    # a Prefect flow named for training served on an interval (Aurumdev952/hmsai
    # pipeline/prefect/deployment.py:9; reviewed) ...
    (
        "ct-trigger",
        "prefect-serve-training-flow",
        {
            "train.py": FIT,
            "deployment.py": "from datetime import timedelta\nfrom pipeline import model_training_flow\n"
            "model_training_flow.serve(name='t', interval=timedelta(days=7))\n",
        },
        P,
    ),
    # ... not a report flow served on the same interval
    (
        "ct-trigger",
        "fp-prefect-serve-report-flow",
        {
            "train.py": FIT,
            "deployment.py": "from datetime import timedelta\nfrom reports import daily_report_flow\n"
            "daily_report_flow.serve(name='r', interval=timedelta(days=1))\n",
        },
        F,
    ),
    # EventBridge rules starting the training pipeline on new data or a drift alarm
    # (aws-samples/amazon-sagemaker-safe-deployment-pipeline pipeline.yml:431-476) ...
    (
        "ct-trigger",
        "eventbridge-alarm",
        {"train.py": FIT, "pipeline.yml": rule("aws.cloudwatch")},
        P,
    ),
    (
        "ct-trigger",
        "eventbridge-schedule-by-ref",
        {"train.py": FIT, "pipeline.yml": rule(None, arn="!GetAtt Training.Arn")},
        P,
    ),
    (
        "ct-trigger",
        "eventbridge-schedule-by-long-form-getatt",
        {"train.py": FIT, "pipeline.yml": rule(None, arn="{'Fn::GetAtt': [Training, Arn]}")},
        P,
    ),
    # a CodePipeline whose S3 data source starts its training stage (aws-samples/mlops-amazon-
    # sagemaker 1-Built-In-Algorithm/02.CF-MLOps-BIA-BuildPipeline.yml:108-116) ...
    ("ct-trigger", "codepipeline-s3-train", {"train.py": FIT, "cfn.yml": codepipeline("S3")}, P),
    (
        "training-pipeline",
        "codepipeline-train",
        {"train.py": FIT, "cfn.yml": codepipeline("S3")},
        P,
    ),
    # ... not a CodeCommit source (CI), nor a pipeline that only builds and deploys
    (
        "ct-trigger",
        "fp-codepipeline-codecommit",
        {"train.py": FIT, "cfn.yml": codepipeline("CodeCommit")},
        F,
    ),
    (
        "training-pipeline",
        "fp-codepipeline-deploys-only",
        {"train.py": FIT, "cfn.yml": codepipeline("S3", stage="DeployApi")},
        F,
    ),
    # ... not one started by a commit (CI), a disabled schedule, or one that only notifies
    (
        "ct-trigger",
        "fp-eventbridge-commit",
        {"train.py": FIT, "pipeline.yml": rule("aws.codecommit")},
        F,
    ),
    (
        "ct-trigger",
        "fp-eventbridge-disabled",
        {"train.py": FIT, "pipeline.yml": rule(None, state="DISABLED")},
        F,
    ),
    (
        "ct-trigger",
        "fp-eventbridge-notifies",
        {"train.py": FIT, "pipeline.yml": rule("aws.s3", arn="!Ref NotificationTopic")},
        F,
    ),
    # a nightly run of examples whose only "train" is a folder or a word in quotes, and whose
    # training is one epoch (pytorch/examples run_python_examples.sh:76-124)
    (
        "ct-trigger",
        "fp-train-folder-and-echo",
        {
            ".github/workflows/nightly.yml": wf(
                'mkdir -p sample/train/n\necho "training..."\npython main.py --epochs 1 --dry-run',
                on=CRON,
            )
        },
        F,
    ),
    (
        "ct-trigger",
        "cron-make-retrain",
        {
            ".github/workflows/ct.yml": wf("make pipeline", on=CRON),
            "Makefile": "pipeline:\n\tdvc repro\n",
        },
        P,
    ),
    ("ct-trigger", "airflow-schedule", {"dags/retrain.py": AIRFLOW_TRAIN}, P),
    (
        "ct-trigger",
        "cronjob",
        {
            "k8s/cron.yaml": "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: retrain\nspec:\n"
            "  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
            "          containers:\n            - name: t\n              image: x\n"
            "              command: [python, train.py]\n"
        },
        P,
    ),
    ("ct-trigger", "none", {".github/workflows/ci.yml": wf("python train.py")}, F),
    (
        "ct-trigger",
        "fp-other-scheduled-jobs",
        {
            ".github/workflows/stale.yml": wf("", on=CRON, uses="actions/stale@v9"),
            ".github/workflows/links.yml": wf("lychee --verbose docs/", on=CRON),
            "dags/etl.py": AIRFLOW_DAG,
        },
        F,
    ),
    # hpo-automated ------------------------------------------------------------------------------------
    (
        "hpo-automated",
        "optuna",
        {
            "tune.py": "import optuna\nstudy = optuna.create_study()\nstudy.optimize(obj, n_trials=5)\n"
        },
        P,
    ),
    # Meta's Ax, its scheduler running every trial (deanbgarlick/modular-mlops-pipeline
    # HyperparamPicker/core.py:125,136; reviewed) ...
    (
        "hpo-automated",
        "ax-scheduler",
        {
            "hpo/core.py": "from ax.service.scheduler import Scheduler, SchedulerOptions\n"
            "s = Scheduler(experiment=e, generation_strategy=g, options=SchedulerOptions())\n"
            "s.run_all_trials()\n"
        },
        P,
    ),
    # ... not a plot's axes, named `ax`
    (
        "hpo-automated",
        "fp-matplotlib-ax",
        {"plot.py": "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])\n"},
        F,
    ),
    (
        "hpo-automated",
        "gridsearch",
        {
            "tune.py": "from sklearn.model_selection import GridSearchCV\nGridSearchCV(m, {'a': [1]})\n"
        },
        P,
    ),
    (
        "hpo-automated",
        "nni trial",  # microsoft/recommenders recommenders/tuning/nni/svd_training.py:174
        {"tuning/svd_training.py": "import nni\nparams = nni.get_next_parameter()\n"},
        P,
    ),
    ("hpo-automated", "notebook-only", {"nb/explore.ipynb": NB_GRID}, H),
    ("hpo-automated", "none", {"train.py": "x = 1\n"}, F),
    # a Vertex AI tuning job (GoogleCloudPlatform/mlops-with-vertex-ai 02-experimentation.ipynb)
    (
        "hpo-automated",
        "vertex-tuning-job",
        {
            "tune.py": "from google.cloud import aiplatform as vertex_ai\n"
            "job = vertex_ai.HyperparameterTuningJob(display_name='t', custom_job=cj)\njob.run()\n"
        },
        P,
    ),
    (
        "hpo-automated",
        "hydra-optuna-sweeper",
        {
            "configs/hparams_search/optuna.yaml": (
                "# @package _global_\ndefaults:\n  - override /hydra/sweeper: optuna\n"
            )
        },
        P,
    ),
    (
        "hpo-automated",
        "hydra-sweeper-target",
        {
            "conf/config.yaml": (
                "hydra:\n  sweeper:\n"
                "    _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper\n"
            )
        },
        P,
    ),
    (
        "hpo-automated",
        "fp-hydra-basic-sweeper-commented",
        {
            "conf/config.yaml": (
                "defaults:\n  # - override hydra/sweeper: optuna\n  - override hydra/sweeper: basic\n"
            )
        },
        F,
    ),
    ("hpo-automated", "fp-commented-out-in-notebook", {"Titanic.ipynb": NB_COMMENTED}, F),
    # ci-present ------------------------------------------------------------------------------------------
    ("ci-present", "pytest-job", {".github/workflows/ci.yml": wf("pip install -e .\npytest")}, P),
    (
        "ci-present",
        "jenkins",
        {"Jenkinsfile": "pipeline { stages { stage('t') { steps { sh 'make test' } } } }\n"},
        P,
    ),
    ("ci-present", "none", {"src/a.py": "x = 1\n"}, F),
    # a workflow that is not YAML runs no job: fail, said so (mihgank-qwe/ml_ops2
    # .github/workflows/ci-cd.yml:79, Python at column 0 inside `run: |`; reviewed), not
    # "no CI" and not unknown; its `${{ … }}` expressions and a `{{version}}` value of
    # docker/metadata-action make it no template
    ("ci-present", "fp-workflow-not-yaml", {".github/workflows/ci.yml": BROKEN_WORKFLOW}, F),
    # a job that only installs others' charts on a cluster builds, tests and deploys
    # nothing of the checkout (deramos/mlops-k8s-pipeline deploy-infra.yaml; reviewed)
    ("ci-present", "fp-cluster-platform-only", {".github/workflows/infra.yml": PLATFORM_WF}, H),
    (
        "ci-present",
        "platform-and-own-chart",
        {
            ".github/workflows/infra.yml": PLATFORM_WF.replace(
                "helm install flagger",
                "helm upgrade --install api ./charts/api\n          helm install flagger",
            ),
            "charts/api/Chart.yaml": "name: api\n",
        },
        P,
    ),
    # reusable workflows and pipeline templates that nothing here calls run in the
    # repositories that call them (Azure/mlops-templates .github/workflows/*.yml
    # `on: workflow_call`, templates/aml-cli-v2/*.yml; reviewed) ...
    (
        "ci-present",
        "fp-uncalled-reusable-workflow-and-template",
        {
            ".github/workflows/deploy.yml": wf(
                "az ml online-endpoint create -f ep.yml", on="workflow_call"
            ),
            "templates/aml/run.yml": "steps:\n- script: az ml job create -f job.yml\n",
        },
        F,
    ),
    # ... one this repository's CI calls runs here
    (
        "ci-present",
        "reusable-workflow-called-here",
        {
            ".github/workflows/test.yml": wf("pytest", on="workflow_call"),
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n"
            "    uses: ./.github/workflows/test.yml\n",
        },
        P,
    ),
    # ... a workflow whose every trigger is commented out runs on nothing until they are
    # restored (coderkol95/MLOps_stock_prediction "Pausing all workflows to avoid costs";
    # reviewed)
    (
        "ci-present",
        "paused-workflow",
        {
            ".github/workflows/ci.yml": "name: ci\n# on:\n#   push:\njobs:\n  t:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
        },
        H,
    ),
    # ... and one that can also be started by hand runs when started by hand
    (
        "ci-present",
        "reusable-workflow-also-by-hand",
        {".github/workflows/deploy.yml": wf("pytest", on="[workflow_call, workflow_dispatch]")},
        H,
    ),
    # installing the released package and printing its help tests nothing of the checkout
    # (Unbabel/COMET .github/workflows/ci.yaml:21-23) ...
    (
        "ci-present",
        "released-package-help",
        {
            ".github/workflows/ci.yml": wf(
                "python -m pip install --upgrade pip\npip install unbabel-comet==2.2\n"
                "comet-score --help"
            )
        },
        F,
    ),
    # ... while installing the checkout, or running a real command, does
    (
        "ci-present",
        "fp-installs-the-checkout",
        {".github/workflows/ci.yml": wf("pip install .\ncomet-score --help")},
        P,
    ),
    (
        "ci-present",
        "fp-runs-a-tool",
        {".github/workflows/ci.yml": wf("pip install flake8\nflake8 --count .")},
        P,
    ),
    # a triage bot run on issue events builds and tests nothing (kubeflow/examples
    # .github/workflows/triage_issues.yaml:4-5 `on: issues`)
    (
        "ci-present",
        "fp-issue-bot",
        {
            ".github/workflows/triage.yml": wf(
                "", on="[issues, issue_comment]", uses="org/triage/action@v1"
            )
        },
        F,
    ),
    # ... while the same action on pushes is a job of the CI
    (
        "ci-present",
        "action-on-push",
        {".github/workflows/triage.yml": wf("", on="[push, issues]", uses="org/triage/action@v1")},
        P,
    ),
    # an issue bot's JavaScript (actions/github-script, facebookresearch/detectron2
    # needs-reply.yml:18) and setting Python up do no work; a step after them does
    (
        "ci-present",
        "fp-github-script-and-setup-only",
        {
            ".github/workflows/bot.yml": wf(
                "",
                uses="actions/setup-python@v5",
                extra="",
            ).replace(
                "      - uses: actions/setup-python@v5\n",
                "      - uses: actions/setup-python@v5\n      - uses: actions/github-script@v7\n"
                "        with:\n          script: |\n            // Arguments available:\n"
                "            github.rest.issues.update({state: 'closed'})\n",
            )
        },
        F,
    ),
    # a workflow only ever started by hand integrates nothing (ray-project/llm-applications
    # .github/workflows/update_index.yaml:3); a scheduled one runs by itself
    (
        "ci-present",
        "manual-only",
        {".github/workflows/ci.yml": wf("pytest", on="workflow_dispatch")},
        H,
    ),
    ("ci-present", "scheduled", {".github/workflows/ci.yml": wf("pytest", on="[schedule]")}, P),
    ("ci-present", "fp-empty-workflow", {".github/workflows/ci.yml": wf("echo hello")}, F),
    # a job that only publishes the docs site integrates no code
    # (mrdbourke/pytorch-deep-learning make_docs.yml); one that also tests does
    (
        "ci-present",
        "docs-only",
        {
            ".github/workflows/docs.yml": wf(
                "pip install mkdocs-jupyter\ncp *.ipynb docs/\nmkdocs gh-deploy --force"
            )
        },
        H,
    ),
    (
        "ci-present",
        "docs-and-tests",
        {".github/workflows/ci.yml": wf("pip install -e .\nsphinx-build docs out\npytest")},
        P,
    ),
    (
        "ci-present",
        "fp-disabled-job",
        {".github/workflows/ci.yml": wf("pytest", extra="    if: false\n")},
        F,
    ),
    # cd-deploy ---------------------------------------------------------------------------------------------
    # a job on the project's own runner that starts the stack there and leaves it up: the runner
    # is the server (SudipModak/customer-churn-mlops .github/workflows/deploy.yml:11,19-24;
    # reviewed) ...
    (
        "cd-deploy",
        "self-hosted-compose-up",
        {
            ".github/workflows/deploy.yml": wf(
                "cd ~/app\ngit pull origin main\ndocker compose up --build -d",
                on="{push: {branches: [main]}}",
            ).replace("ubuntu-latest", "self-hosted")
        },
        P,
    ),
    # ... not a job that starts it to test it and takes it down after, nor a hosted runner's
    (
        "cd-deploy",
        "fp-self-hosted-stack-for-tests",
        {
            ".github/workflows/ci.yml": wf(
                "docker compose up -d\npytest tests/e2e\ndocker compose down",
                on="{push: {branches: [main]}}",
            ).replace("ubuntu-latest", "[self-hosted, linux]")
        },
        F,
    ),
    (
        "cd-deploy",
        "fp-self-hosted-stack-for-tests-one-line",
        {
            ".github/workflows/ci.yml": wf(
                "docker compose up --build -d && pytest tests && docker compose down",
                on="{push: {branches: [main]}}",
            ).replace("ubuntu-latest", "self-hosted")
        },
        F,
    ),
    # ... nor the runner's own daemon started for the build
    (
        "cd-deploy",
        "fp-self-hosted-starts-docker",
        {
            ".github/workflows/ci.yml": wf(
                "sudo systemctl start docker\ndocker build -t api .\ndocker run --rm api pytest",
                on="{push: {branches: [main]}}",
            ).replace("ubuntu-latest", "self-hosted")
        },
        F,
    ),
    (
        "cd-deploy",
        "fp-hosted-runner-compose-up",
        {
            ".github/workflows/ci.yml": wf(
                "docker compose up --build -d", on="{push: {branches: [main]}}"
            )
        },
        F,
    ),
    # flyctl's action deploys; its setup-flyctl installs the CLI for tests (iterative/mlem
    # check-test-release.yml:108; reviewed)
    (
        "cd-deploy",
        "flyctl-action-deploys",
        {
            ".github/workflows/cd.yml": "on: {push: {branches: [main]}}\njobs:\n  d:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - uses: superfly/flyctl-actions@1.5\n"
            "        with:\n          args: deploy\n"
        },
        P,
    ),
    (
        "cd-deploy",
        "fp-setup-flyctl",
        {
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: superfly/flyctl-actions/setup-flyctl@master\n"
            "      - run: pytest -k flyio\n"
        },
        F,
    ),
    # a deploy step a template left to fill in deploys nothing (KSandke/mlops-pipeline-
    # recommender .github/workflows/ci.yml:96-97 `service: your-ecs-service-name`; reviewed) ...
    (
        "cd-deploy",
        "fp-template-ecs-deploy",
        {
            ".github/workflows/cd.yml": ECS_DEPLOY
            % ("your-ecs-service-name", "your-ecs-cluster-name")
        },
        F,
    ),
    # ... the same step with the names filled in does
    (
        "cd-deploy",
        "ecs-deploy",
        {".github/workflows/cd.yml": ECS_DEPLOY % ("recsys-api", "prod")},
        P,
    ),
    (
        "cd-deploy",
        "fp-template-command",
        {
            ".github/workflows/cd.yml": wf(
                "gcloud run deploy your-service-name --image gcr.io/p/i", on="push"
            )
        },
        F,
    ),
    # a push to a Hugging Face Space deploys the app it runs (shiva-shivanibokka/ML-System-
    # Design-Retraining-Pipeline deploy/deploy_hf_space.sh:10,27; reviewed) ...
    (
        "cd-deploy",
        "hf-space-script",
        {
            ".github/workflows/cd.yml": wf("bash deploy/space.sh", on="push"),
            "deploy/space.sh": "set -e\ngit clone https://u:$HF_TOKEN@huggingface.co/spaces/$SPACE w\n"
            "cp -r app w/\ncd w\ngit add -A\ngit commit -m sync\ngit push\n",
        },
        P,
    ),
    (
        "cd-deploy",
        "hf-space-upload",
        {
            ".github/workflows/cd.yml": wf(
                "huggingface-cli upload me/app . --repo-type=space", on="push"
            )
        },
        P,
    ),
    # ... a push to a model repository on the Hub, or to the project's own remote, does not
    (
        "cd-deploy",
        "fp-hf-model-push",
        {
            ".github/workflows/cd.yml": wf("bash sync.sh", on="push"),
            "sync.sh": "git clone https://huggingface.co/me/model w\ncd w\ngit push\n"
            "# see https://huggingface.co/spaces/me/demo\n",
        },
        F,
    ),
    ("cd-deploy", "codepipeline-deploy-stage", {"pipeline.yml": CODEPIPELINE}, P),
    # Azure Pipelines' ARM deployment task on pushes to main deploys as `az deployment group
    # create` does (microsoft/MLOps infra-as-code/build-and-release/deploy-infra.template.yml:28)
    (
        "cd-deploy",
        "azure-arm-task",
        {
            "azure-pipelines.yml": "trigger:\n- main\npool:\n  vmImage: ubuntu-latest\nsteps:\n"
            "- task: AzureResourceGroupDeployment@2\n  inputs:\n    csmFile: infra/template.json\n"
        },
        P,
    ),
    # a managed model-serving platform behind `make deploy`, a comment is not a command
    # (Paulescu/hands-on-train-and-deploy-ml Makefile:23,26)
    (
        "cd-deploy",
        "cerebrium-via-make",
        {
            ".github/workflows/cd.yml": wf("make deploy", on="push"),
            "Makefile": "deploy:\n\tcerebrium deploy --hardware CPU predictor\n",
        },
        P,
    ),
    (
        "cd-deploy",
        "FP deploy command in a recipe comment",
        {
            ".github/workflows/cd.yml": wf("make deploy", on="push"),
            "Makefile": "deploy:\n\t# cerebrium deploy might fail here\n\techo skipped\n",
        },
        F,
    ),
    (
        "cd-deploy",
        "codepipeline-build-only",
        {"pipeline.yml": CODEPIPELINE.replace("Category: Deploy", "Category: Build")},
        F,
    ),
    (
        "cd-deploy",
        "aws-cloudformation-deploy",
        {
            ".github/workflows/cd.yml": wf(
                "aws cloudformation deploy --template-file t.yml --stack-name api", on="push"
            )
        },
        P,
    ),
    # the Serverless Framework run at a pinned version (CCRI-POPROX/poprox-recommender
    # .github/workflows/deploy.yml:57 `npx serverless@3.40.0 deploy`; reviewed)
    (
        "cd-deploy",
        "serverless-pinned-version",
        {".github/workflows/cd.yml": wf("npx serverless@3.40.0 deploy --stage prod", on="push")},
        P,
    ),
    (
        "cd-deploy",
        "docker-push",
        {".github/workflows/cd.yml": wf("docker build -t r/x:1 .\ndocker push r/x:1", on="push")},
        P,
    ),
    (
        "cd-deploy",
        "fp-third-party-charts-only",
        {".github/workflows/infra.yml": PLATFORM_WF},
        F,
    ),
    (
        "cd-deploy",
        "own-chart-beside-third-party-ones",
        {
            ".github/workflows/infra.yml": PLATFORM_WF.replace(
                "helm install flagger",
                "helm upgrade --install api charts/api\n          helm install flagger",
            ),
        },
        P,
    ),
    (
        "cd-deploy",
        "helm-via-script",
        {
            ".github/workflows/cd.yml": wf("bash scripts/deploy.sh", on="push"),
            "scripts/deploy.sh": "#!/bin/bash\nhelm upgrade --install api charts/api\n",
        },
        P,
    ),
    (
        "cd-deploy",
        "argocd-application",
        {
            "gitops/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api\n"
            "spec:\n  project: default\n"
        },
        P,
    ),
    # an image built with docker/build-push-action ships it; one built from a development
    # container's Dockerfile is the editor's environment (full-stack-deep-learning/
    # fsdl-text-recognizer-2022 .github/workflows/docker.yml:30)
    (
        "cd-deploy",
        "build-push-action",
        {
            ".github/workflows/cd.yml": BUILD_PUSH.format(
                key="file", value="docker/api.Dockerfile"
            ),
            "docker/api.Dockerfile": "FROM python:3.11\n",
        },
        P,
    ),
    # ... only when it pushes (`push:` defaults to false) an image whose Dockerfile exists
    # (EleutherAI/gpt-neox: pull_request.yml:25 pushes nothing; docker_build.yml:42 builds a
    # root Dockerfile that moved to containers/docker/)
    (
        "cd-deploy",
        "FP build-push-action that does not push",
        {
            ".github/workflows/cd.yml": BUILD_PUSH.format(key="file", value="Dockerfile").replace(
                "push: true", "push: false"
            ),
            "Dockerfile": "FROM python:3.11\n",
        },
        F,
    ),
    # docker/bake-action ships the bake file's images when it pushes (deepset-ai/hayhooks
    # .github/workflows/docker.yml:39-45; reviewed) ...
    (
        "cd-deploy",
        "bake-action that pushes",
        {
            ".github/workflows/cd.yml": BAKE.format(push="\n          push: true"),
            "docker/docker-bake.hcl": 'target "default" {\n  dockerfile = "Dockerfile"\n}\n',
            "docker/Dockerfile": "FROM python:3.11\n",
        },
        P,
    ),
    # ... and only then (`push:` defaults to false)
    (
        "cd-deploy",
        "FP bake-action that does not push",
        {
            ".github/workflows/cd.yml": BAKE.format(push=""),
            "docker/docker-bake.hcl": 'target "default" {\n  dockerfile = "Dockerfile"\n}\n',
            "docker/Dockerfile": "FROM python:3.11\n",
        },
        F,
    ),
    (
        "cd-deploy",
        "FP build-push-action of a missing Dockerfile",
        {
            ".github/workflows/cd.yml": BUILD_PUSH.format(key="context", value="."),
            "containers/docker/Dockerfile": "FROM python:3.11\n",
        },
        F,
    ),
    (
        "cd-deploy",
        "build-push-action of the context's Dockerfile",
        {
            ".github/workflows/cd.yml": BUILD_PUSH.format(key="context", value="./service"),
            "service/Dockerfile": "FROM python:3.11\n",
        },
        P,
    ),
    (
        "cd-deploy",
        "FP build-push-action of a dev container",
        {
            ".github/workflows/cd.yml": BUILD_PUSH.format(
                key="file", value=".devcontainer/gpu/dev-gpu.Dockerfile"
            )
        },
        F,
    ),
    (
        "cd-deploy",
        "FP build-push-action with a dev container context",
        {".github/workflows/cd.yml": BUILD_PUSH.format(key="context", value=".devcontainer")},
        F,
    ),
    ("cd-deploy", "none", {".github/workflows/ci.yml": wf("pytest")}, F),
    # a deploy only ever started by hand is a push-button release (deezer/spleeter's
    # workflow_dispatch image pushes) ... on pushes to main it is delivery
    (
        "cd-deploy",
        "by-hand-only",
        {".github/workflows/cd.yml": wf("docker push org/app:1", on="[workflow_dispatch]")},
        H,
    ),
    (
        "cd-deploy",
        "on-push",
        {".github/workflows/cd.yml": wf("docker push org/app:1", on="[push]")},
        P,
    ),
    (
        "cd-deploy",
        "fp-docs-deploy-build-only-readme",
        {
            ".github/workflows/docs.yml": wf("mkdocs gh-deploy --force\ndocker build -t x ."),
            "README.md": "Deploy with `kubectl apply -f k8s/` and `docker push`.\n",
        },
        F,
    ),
    # class 4 of issue 10: delivery in its common forms
    (
        "cd-deploy",
        "scp-then-ssh-restart",
        {
            ".github/workflows/deploy.yml": wf(
                "scp -r app.py requirements.txt deploy@$HOST:/srv/app\n"
                "ssh deploy@$HOST 'sudo systemctl restart app'",
                on="push",
            )
        },
        P,
    ),
    (
        "cd-deploy",
        "ssh-action-runs-image",
        {
            ".github/workflows/deploy.yml": wf(
                "docker pull r/api:latest\ndocker run -d -p 80:80 r/api:latest",
                on="push",
                uses="appleboy/ssh-action@v1",
            )
        },
        P,
    ),
    *[
        ("cd-deploy", f"platform-{i}", {".github/workflows/cd.yml": wf(cmd, on="push")}, P)
        for i, cmd in enumerate(
            [
                "gcloud run deploy api --image gcr.io/p/api --region europe-west1",
                "az ml model deploy -n svc -m model:1 --ic inference_config.yml",
                "az ml online-deployment create -f deployment.yml --all-traffic",
                "az webapp up --name api --runtime PYTHON:3.11",
                "aws lambda update-function-code --function-name api --zip-file fileb://f.zip",
                "npx serverless deploy --stage prod",
                "flyctl deploy --remote-only",
                "heroku container:release web -a api",
                'curl -X POST "$RENDER_DEPLOY_HOOK"',
                "railway up --service api",
            ]
        )
    ],
    (
        "cd-deploy",
        "gitlab-environment-on-main",
        {
            ".gitlab-ci.yml": "deploy:\n  stage: deploy\n  script:\n    - ./release.sh\n"
            "  environment: production\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"
        },
        P,
    ),
    (
        "cd-deploy",
        "script-deploys-to-managed-endpoint",
        {
            ".github/workflows/cd.yml": wf("python deploy/utils.py --mode deploy-model", on="push"),
            "deploy/utils.py": "from google.cloud import aiplatform\n"
            "def deploy(m):\n    endpoint = aiplatform.Endpoint('e')\n    endpoint.deploy(model=m)\n",
        },
        P,
    ),
    (
        "cd-deploy",
        "shell-script-runs-deploy-pipeline",
        {
            ".github/workflows/release.yml": wf("./scripts/release.sh", on="release"),
            "scripts/release.sh": "#!/bin/sh\npython3 ./pipelines/model_deploy_pipeline.py model.pkl\n",
            "pipelines/model_deploy_pipeline.py": "from ibm_watson_machine_learning import APIClient\n"
            "client = APIClient({})\nclient.deployments.create('m')\n",
        },
        P,
    ),
    (
        "cd-deploy",
        "fp-same-script-asked-to-compile-only",
        {
            ".github/workflows/cd.yml": wf(
                "python deploy/utils.py --mode compile-pipeline", on="push"
            ),
            "deploy/utils.py": "from google.cloud import aiplatform\n"
            "def deploy(m):\n    endpoint = aiplatform.Endpoint('e')\n    endpoint.deploy(model=m)\n",
        },
        F,
    ),
    (
        "cd-deploy",
        "fp-local-rsync-and-ssh-check",
        {
            ".github/workflows/ci.yml": wf(
                "rsync -a src/ build/\nssh -T git@github.com || true\npytest", on="push"
            )
        },
        F,
    ),
    (
        "cd-deploy",
        "fp-gitlab-review-app-and-pypi",
        {
            ".gitlab-ci.yml": "review:\n  script:\n    - ./review.sh\n"
            "  environment:\n    name: review/$CI_COMMIT_REF_SLUG\n"
            "  rules:\n    - if: $CI_MERGE_REQUEST_IID\n"
            "publish:\n  script:\n    - ./publish.sh\n  environment: pypi\n"
        },
        F,
    ),
    # pipeline-ci ---------------------------------------------------------------------------------------------
    (
        "pipeline-ci",
        "compile-kfp",
        {
            ".github/workflows/ci.yml": wf("python pipelines/compile.py"),
            "pipelines/compile.py": "from kfp import compiler\ncompiler.Compiler().compile(p, 'p.yaml')\n",
        },
        P,
    ),
    (
        "pipeline-ci",
        "training-image",
        {
            ".github/workflows/ci.yml": wf("docker build -f docker/train.Dockerfile -t t ."),
            "docker/train.Dockerfile": 'FROM python:3.11\nENTRYPOINT ["python", "train.py"]\n',
        },
        P,
    ),
    ("pipeline-ci", "none", {".github/workflows/ci.yml": wf("pytest")}, F),
    # a serving image that makes a folder named for training trains nothing (AkshitMunjal/
    # house-price-mlops Dockerfile:14,35; reviewed) ...
    (
        "pipeline-ci",
        "fp-serving-image-mkdir-training",
        {
            ".github/workflows/ci.yml": wf("docker build -t api ."),
            "Dockerfile": "FROM python:3.11\nRUN mkdir -p src/training && pip install x\n"
            'CMD ["uvicorn", "api:app"]\n',
        },
        F,
    ),
    # ... while a RUN that trains at build time does
    (
        "pipeline-ci",
        "image-trains-at-build",
        {
            ".github/workflows/ci.yml": wf("docker build -t m ."),
            "Dockerfile": "FROM python:3.11\nRUN mkdir -p out && python train.py\n",
        },
        P,
    ),
    # a build only ever started by hand builds nothing on a change, as AUT007/AUT008 say
    # (GoogleCloudPlatform/mlops-with-vertex-ai build/pipeline-deployment.yaml; reviewed)
    (
        "pipeline-ci",
        "compile-kfp-by-hand",
        {
            ".github/workflows/ci.yml": wf("python pipelines/compile.py", on="[workflow_dispatch]"),
            "pipelines/compile.py": "from kfp import compiler\ncompiler.Compiler().compile(p, 'p.yaml')\n",
        },
        H,
    ),
    # a published image that holds the repository's code and launches no server: the
    # environment a training run starts in (axolotl-ai-cloud/axolotl main.yml:62
    # docker/build-push-action of docker/Dockerfile-uv, `COPY . .`; reviewed) ...
    (
        "pipeline-ci",
        "training-environment-build-push-action",
        {
            ".github/workflows/ci.yml": TRAINING_IMAGE_PUSH.format(
                file="./docker/Dockerfile-uv", push="true"
            ),
            "docker/Dockerfile-uv": TRAINING_ENV,
            "pkg/train.py": "model.fit(x)\n",
        },
        P,
    ),
    # ... the code copied by an ONBUILD trigger a later stage runs (nerfstudio-project/
    # nerfstudio Dockerfile:10 `ONBUILD COPY . /tmp/nerfstudio`; reviewed) ...
    (
        "pipeline-ci",
        "training-environment-onbuild-copy",
        {
            ".github/workflows/ci.yml": TRAINING_IMAGE_PUSH.format(
                file="./Dockerfile", push="true"
            ),
            "Dockerfile": "FROM scratch as source\nONBUILD COPY . /tmp/src\n"
            "FROM python:3.11 as runtime\nCOPY --from=source /tmp/src /tmp/src\n"
            "RUN pip install /tmp/src\nCMD /bin/bash -l\n",
            "pkg/train.py": "model.fit(x)\n",
        },
        P,
    ),
    # ... not an image that copies only another stage's files
    (
        "pipeline-ci",
        "fp-image-without-the-code",
        {
            ".github/workflows/ci.yml": TRAINING_IMAGE_PUSH.format(
                file="./Dockerfile", push="true"
            ),
            "Dockerfile": "FROM python:3.11 as runtime\nCOPY --from=builder /build /usr/local\n"
            "CMD /bin/bash -l\n",
            "pkg/train.py": "model.fit(x)\n",
        },
        F,
    ),
    # ... built by `docker buildx build --push` (stanford-crfm/levanter docker-base-image.yaml:51)
    (
        "pipeline-ci",
        "training-environment-buildx-push",
        {
            ".github/workflows/ci.yml": wf(
                "docker buildx build --file docker/Dockerfile.tpu --tag ghcr.io/o/r:latest --push ."
            ),
            "docker/Dockerfile.tpu": TRAINING_ENV,
            "pkg/train.py": "model.fit(x)\n",
        },
        P,
    ),
    # ... or copying the project's package and handed to a cluster (allenai/open-instruct
    # Dockerfile:86 `COPY open_instruct open_instruct`, `beaker image create`)
    (
        "pipeline-ci",
        "training-environment-package-copy",
        {
            ".github/workflows/ci.yml": wf(
                "docker build -t exp .\nbeaker image create exp --name exp"
            ),
            "Dockerfile": "FROM python:3.11\nCOPY pkg pkg\nRUN pip install -r requirements.txt\n",
            "pkg/__init__.py": "",
            "pkg/train.py": "model.fit(x)\n",
        },
        P,
    ),
    # ... not an image that copies only another stage's or image's files
    (
        "pipeline-ci",
        "fp-copies-from-another-image",
        {
            ".github/workflows/ci.yml": TRAINING_IMAGE_PUSH.format(file="Dockerfile", push="true"),
            "Dockerfile": "FROM python:3.11\nCOPY --chown=app --from=ghcr.io/o/base:1 pkg pkg\n",
            "pkg/__init__.py": "",
            "pkg/train.py": "model.fit(x)\n",
        },
        F,
    ),
    # ... not a serving image, an image nobody publishes, or a development container
    (
        "pipeline-ci",
        "fp-serving-image-pushed",
        {
            ".github/workflows/ci.yml": TRAINING_IMAGE_PUSH.format(file="Dockerfile", push="true"),
            "Dockerfile": "FROM python:3.11\nCOPY . /app\n"
            'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
            "pkg/train.py": "model.fit(x)\n",
        },
        F,
    ),
    (
        "pipeline-ci",
        "fp-environment-image-not-published",
        {
            ".github/workflows/ci.yml": TRAINING_IMAGE_PUSH.format(
                file="./docker/Dockerfile-uv", push="false"
            ),
            "docker/Dockerfile-uv": TRAINING_ENV,
            "pkg/train.py": "model.fit(x)\n",
        },
        F,
    ),
    (
        "pipeline-ci",
        "fp-dev-container-pushed",
        {
            ".github/workflows/ci.yml": TRAINING_IMAGE_PUSH.format(
                file=".devcontainer/Dockerfile", push="true"
            ),
            ".devcontainer/Dockerfile": TRAINING_ENV,
            "pkg/train.py": "model.fit(x)\n",
        },
        F,
    ),
    (
        "pipeline-ci",
        "fp-serving-image",
        {
            ".github/workflows/ci.yml": wf("docker build -t api ."),
            "Dockerfile": 'FROM python:3.11\nCMD ["uvicorn", "app:app"]\n',
        },
        F,
    ),
    (
        "pipeline-ci",
        "azure-publish-module",
        {
            ".pipelines/ci.yml": "trigger: [main]\nsteps:\n- task: AzureCLI@1\n  inputs:\n"
            "    inlineScript: python -m ml_service.pipelines.build_train_pipeline\n",
            "ml_service/pipelines/build_train_pipeline.py": "from azureml.pipeline.core import Pipeline\n"
            "p = Pipeline(workspace=ws, steps=[])\np.publish(name='train')\n",
        },
        P,
    ),
    # iac-env-promotion -----------------------------------------------------------------------------------------
    (
        "iac-env-promotion",
        "tf-and-values",
        {
            "infra/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
            "charts/api/values-staging.yaml": "replicas: 1\n",
            "charts/api/values-prod.yaml": "replicas: 3\n",
        },
        P,
    ),
    ("iac-env-promotion", "tf-only", {"infra/main.tf": 'resource "aws_s3_bucket" "b" {}\n'}, P),
    # deployment jobs per environment promote a release; jobs whose steps only print deploy
    # nothing (Western-1/churn-pipeline .github/workflows/cd.yml:69-88; reviewed)
    (
        "iac-env-promotion",
        "ci-environments",
        {".github/workflows/cd.yml": ENV_JOBS % (("helm upgrade --install api charts/api",) * 2)},
        P,
    ),
    (
        "iac-env-promotion",
        "fp-placeholder-environments",
        {".github/workflows/cd.yml": ENV_JOBS % (("echo deploying",) * 2)},
        F,
    ),
    # empty Terraform files describe nothing (Jessicanyc/Distributed-Machine-Learning-System
    # infra-repo/terraform/*.tf, 0 bytes; reviewed)
    ("iac-env-promotion", "fp-empty-tf", {"infra/main.tf": "", "infra/variables.tf": ""}, F),
    (
        "iac-env-promotion",
        "github-environments",
        {
            ".github/workflows/cd.yml": "on: push\njobs:\n  stage:\n    runs-on: u\n    environment: staging\n"
            "    steps:\n      - run: ./deploy.sh staging\n  prod:\n    runs-on: u\n    environment: production\n"
            "    steps:\n      - run: ./deploy.sh prod\n"
        },
        P,
    ),
    ("iac-env-promotion", "none", {"src/a.py": "x = 1\n"}, F),
    # the Terraform an MLOps tool ships in its package and applies to its users' accounts is
    # its product, not its infrastructure (fuzzylabs/matcha src/matcha_ml/infrastructure/,
    # published: README.md:15 `img.shields.io/pypi/dm/matcha-ml`; reviewed) ...
    (
        "iac-env-promotion",
        "fp-library-shipped-terraform",
        {
            "pyproject.toml": '[project]\nname = "provisioner"\nversion = "1.0"\n',
            "README.md": "![d](https://img.shields.io/pypi/dm/provisioner)\n",
            "src/provisioner/__init__.py": "",
            "src/provisioner/infrastructure/aks/main.tf": 'resource "azurerm_kubernetes_cluster" "k" {}\n',
        },
        F,
    ),
    # ... the same files in a project that publishes nothing are its own infrastructure
    (
        "iac-env-promotion",
        "unpublished-package-terraform",
        {
            "pyproject.toml": '[project]\nname = "provisioner"\nversion = "1.0"\n',
            "src/provisioner/__init__.py": "",
            "src/provisioner/infrastructure/aks/main.tf": 'resource "azurerm_kubernetes_cluster" "k" {}\n',
        },
        P,
    ),
    # ... and a library's own deployment, outside its package, still is
    (
        "iac-env-promotion",
        "library-own-terraform",
        {
            "pyproject.toml": '[project]\nname = "provisioner"\nversion = "1.0"\n',
            "README.md": "![d](https://img.shields.io/pypi/dm/provisioner)\n",
            "src/provisioner/__init__.py": "",
            "deploy/terraform/main.tf": 'resource "aws_s3_bucket" "site" {}\n',
        },
        P,
    ),
    # an environment used for its secrets or approvals is no stage: `deployment: false`
    # (a bot approving pull requests) and a signing key's scope (open-edge-platform/anomalib
    # auto-approve.yml:52-54, tauri-build.yaml:166; reviewed) ...
    (
        "iac-env-promotion",
        "fp-approval-and-signing-environments",
        {
            ".github/workflows/cd.yml": "on: push\njobs:\n  approve:\n    runs-on: u\n"
            "    environment:\n      name: auto-approve\n      deployment: false\n"
            "    steps:\n      - run: gh pr review --approve\n  sign:\n    runs-on: u\n"
            "    environment: windows-msix-signing\n    steps:\n      - run: ./sign.sh\n"
            "  prod:\n    runs-on: u\n    environment: production\n"
            "    steps:\n      - run: ./deploy.sh prod\n"
        },
        F,
    ),
    # ... while an environment given by name in a mapping is a stage
    (
        "iac-env-promotion",
        "environment-mappings",
        {
            ".github/workflows/cd.yml": "on: push\njobs:\n  stage:\n    runs-on: u\n"
            "    environment:\n      name: staging\n      url: https://staging.example.com\n"
            "    steps:\n      - run: ./deploy.sh staging\n  prod:\n    runs-on: u\n"
            "    environment: {name: production}\n    steps:\n      - run: ./deploy.sh prod\n"
        },
        P,
    ),
    # publishing targets are no stages (EleutherAI/lm-evaluation-harness pypi + testpypi)
    (
        "iac-env-promotion",
        "fp-pypi-environments",
        {
            ".github/workflows/publish.yml": "on: push\njobs:\n  test:\n    runs-on: u\n    environment: testpypi\n"
            "    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n  prod:\n    runs-on: u\n"
            "    environment: pypi\n    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n"
        },
        F,
    ),
    # ... nor, in a library, its release and Docker Hub jobs (hiyouga/LLaMA-Factory)
    (
        "iac-env-promotion",
        "fp-library-release-environments",
        {
            "pyproject.toml": '[project]\nname = "pkg"\n',
            "pkg/__init__.py": "",
            ".github/workflows/publish.yml": "on: push\njobs:\n  docker:\n    runs-on: u\n    environment: docker\n"
            "    steps:\n      - run: docker push org/pkg\n  release:\n    runs-on: u\n"
            "    environment: release\n    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n",
        },
        F,
    ),
    # ARM templates are infrastructure as code, with their parameters per environment
    # (microsoft/MLOps infra-as-code/arm-templates/); a parameters file alone declares nothing
    (
        "iac-env-promotion",
        "arm-template",
        {
            "infra/storage/template.json": '{\n  "$schema": "https://schema.management.azure.com/'
            'schemas/2015-01-01/deploymentTemplate.json#",\n  "resources": []\n}\n',
            "infra/storage/parameters.dev.json": "{}\n",
            "infra/storage/parameters.test.json": "{}\n",
        },
        P,
    ),
    (
        "iac-env-promotion",
        "fp-arm-parameters-only",
        {
            "infra/parameters.dev.json": '{"$schema": "https://schema.management.azure.com/'
            'schemas/2015-01-01/deploymentParameters.json#"}\n'
        },
        F,
    ),
    # CloudFormation is infrastructure as code; a CodePipeline's deploy stages are its
    # environments (aws-samples/amazon-sagemaker-safe-deployment-pipeline pipeline.yml:360-405)
    ("iac-env-promotion", "cfn-pipeline", {"pipeline.yml": CODEPIPELINE}, P),
    (
        "iac-env-promotion",
        "cfn-template",
        {"assets/api.yml": "Resources:\n  Api:\n    Type: AWS::Serverless::Function\n"},
        P,
    ),
    # a YAML that names AWS types outside `Resources` is not a template
    ("iac-env-promotion", "fp-cfn-prose", {"notes.yml": "todo: use AWS::S3::Bucket\n"}, F),
    (
        "iac-env-promotion",
        "fp-single-environment",
        {".github/workflows/cd.yml": wf("echo deploy", extra="    environment: production\n")},
        F,
    ),
    # ct-monitor-trigger -------------------------------------------------------------------------------------------
    (
        "ct-monitor-trigger",
        "drift-dispatch",
        {
            "monitoring/drift.py": "import requests\nfrom evidently.report import Report\n"
            "r = Report(metrics=[])\n"
            "requests.post('https://api.github.com/repos/o/r/dispatches', json={})\n"
        },
        P,
    ),
    ("ct-monitor-trigger", "none", {"train.py": "x = 1\n"}, F),
    # a DAG whose drift task runs the project's Evidently module and whose next task triggers
    # the training DAG (aswithabukka/mlops-fraud-detection airflow/dags/monitoring_dag.py:
    # 102,460-473; reviewed) ...
    (
        "ct-monitor-trigger",
        "dag-triggers-after-imported-monitor",
        {
            "src/__init__.py": "",
            "src/monitoring/__init__.py": "",
            "src/monitoring/drift_detector.py": "from evidently.report import Report\n"
            "def detect(ref, cur):\n    return Report(metrics=[]).run(ref, cur)\n",
            "dags/monitoring_dag.py": "from airflow.operators.trigger_dagrun import "
            "TriggerDagRunOperator\nfrom src.monitoring.drift_detector import detect\n"
            "t = TriggerDagRunOperator(task_id='t', trigger_dag_id='training')\n",
        },
        P,
    ),
    # ... not an app whose train endpoint sits beside a report endpoint of the imported
    # monitor (dbobo4/mlops-churn-prediction-pipeline application.py:175)
    (
        "ct-monitor-trigger",
        "fp-train-call-beside-imported-monitor",
        {
            "src/__init__.py": "",
            "src/monitoring/__init__.py": "",
            "src/monitoring/drift_detector.py": "from evidently.report import Report\n"
            "def detect(ref, cur):\n    return Report(metrics=[]).run(ref, cur)\n",
            "app.py": "from src.monitoring.drift_detector import detect\n"
            "def retrain():\n    return train_and_save_model()\n",
        },
        U,
    ),
    # ... not a trigger in a module that imports no monitor
    (
        "ct-monitor-trigger",
        "fp-trigger-without-monitor",
        {
            "src/__init__.py": "",
            "src/monitoring/__init__.py": "",
            "src/monitoring/drift_detector.py": "from evidently.report import Report\n"
            "def detect(ref, cur):\n    return Report(metrics=[]).run(ref, cur)\n",
            "dags/nightly.py": "from airflow.operators.trigger_dagrun import "
            "TriggerDagRunOperator\nimport pandas\n"
            "t = TriggerDagRunOperator(task_id='t', trigger_dag_id='training')\n",
        },
        U,
    ),
    # splitting the training table into reference and current data trains nothing
    # (divakaivan/insurance-fraud-mlops-pipeline make_monitoring_ui_artifacts.py:113; reviewed)
    (
        "ct-monitor-trigger",
        "fp-split-beside-a-drift-suite",
        {
            "monitoring/drift.py": "from sklearn.model_selection import train_test_split\n"
            "from evidently.test_suite import TestSuite\nref, cur = train_test_split(df)\n"
            "TestSuite(tests=[]).run(reference_data=ref, current_data=cur)\n"
        },
        U,
    ),
    # ... a retraining call beside it launches training
    (
        "ct-monitor-trigger",
        "drift-then-retrain",
        {
            "monitoring/drift.py": "from evidently.test_suite import TestSuite\nfrom pipeline import retrain\n"
            "suite = TestSuite(tests=[])\nif suite.as_dict()['summary']['failed']:\n    retrain()\n"
        },
        P,
    ),
    (
        "ct-monitor-trigger",
        "monitor-without-trigger",
        {"monitoring/drift.py": "from evidently.report import Report\nReport(metrics=[])\n"},
        U,
    ),
    # rule lib: a drift library calling its own code (SeldonIO/alibi-detect
    # alibi_detect/cd/base.py:127) monitors nothing
    (
        "ct-monitor-trigger",
        "fp-monitoring-library-itself",
        {
            "setup.py": "from setuptools import setup\nsetup(name='alibi-detect', packages=['alibi_detect'])\n",
            "alibi_detect/__init__.py": "",
            "alibi_detect/cd/base.py": "from alibi_detect.cd.utils import get_input_shape\nget_input_shape(x)\n",
        },
        F,
    ),
    # ... while a project that uses it does
    (
        "ct-monitor-trigger",
        "user-of-the-library",
        {"jobs/drift.py": "from alibi_detect.cd import KSDrift\nKSDrift(x_ref)\n"},
        U,
    ),
    (
        "ct-monitor-trigger",
        "fp-eda-notebook",
        {
            "notebooks/eda.ipynb": '{"cells": [{"cell_type": "code", "source": ['
            '"from evidently.report import Report\\n", "Report(metrics=[])\\n", "train()\\n"]}], "nbformat": 4}'
        },
        F,
    ),
    # a nightly smoke test trains one epoch on tiny data: it keeps no model
    # (ultralytics/yolov5 ci-testing.yml:95)
    (
        "ct-trigger",
        "FP nightly one-epoch smoke test",
        {
            ".github/workflows/ci.yml": wf(
                "python train.py --imgsz 64 --epochs 1 --device cpu", on=CRON
            )
        },
        F,
    ),
    # ... also when the command goes on over several lines (huggingface/lerobot
    # benchmark_tests.yml:179-201: `lerobot-train \` … `--steps=1 \`)
    (
        "ct-trigger",
        "FP nightly one-step smoke test over continued lines",
        {
            ".github/workflows/ci.yml": wf(
                "accelerate launch train.py \\\n  --policy.path=x \\\n  --steps=1 \\\n"
                "  --batch_size=1",
                on=CRON,
            )
        },
        F,
    ),
    # a nightly test run is no training, whatever its folder is called (huggingface/lerobot
    # docker_publish.yml:212 `pytest -vv tests/training/`; Makefile `${MAKE} test-…-train`)
    (
        "ct-trigger",
        "FP nightly pytest of training tests",
        {".github/workflows/ci.yml": wf("pytest -vv tests/training/", on=CRON)},
        F,
    ),
    (
        "ct-trigger",
        "FP nightly make test target named train",
        {
            ".github/workflows/ci.yml": wf("make test-e2e-train", on=CRON),
            "Makefile": "test-e2e-train:\n\tpython train.py --steps=2 --batch_size=2\n",
        },
        F,
    ),
    (
        "ct-trigger",
        "cron-train-continued-lines",
        {".github/workflows/ct.yml": wf("python train.py \\\n  --epochs 100", on=CRON)},
        P,
    ),
    (
        "ct-trigger",
        "cron-train-epochs",
        {".github/workflows/ct.yml": wf("python train.py --epochs 100", on=CRON)},
        P,
    ),
    # a shell variable holding a path with "train" in it runs nothing
    (
        "ct-trigger",
        "FP assignment",
        {".github/workflows/ci.yml": wf("b=runs/train/exp/weights/best\necho $b", on=CRON)},
        F,
    ),
    # ClearML's and Comet's optimizers run a search (ultralytics/yolov5 utils/loggers/*/hpo.py)
    (
        "hpo-automated",
        "clearml optimizer",
        {
            "hpo.py": "from clearml.automation import HyperParameterOptimizer\n"
            "o = HyperParameterOptimizer(base_task_id='x')\n"
        },
        P,
    ),
    (
        "hpo-automated",
        "comet optimizer",
        {"hpo.py": "import comet_ml\no = comet_ml.Optimizer(cfg)\n"},
        P,
    ),
    # a scheduled Airflow DAG whose task materializes through Feast's API
    # (feast-dev/feast-workshop module_1/airflow_demo/dag.py)
    (
        "feature-materialization",
        "airflow dag materialize",
        {
            "dags/m.py": "from airflow.decorators import dag, task\nfrom feast import FeatureStore\n\n"
            "@dag(schedule='@daily')\ndef m():\n    @task()\n    def run():\n"
            "        FeatureStore('.').materialize(a, b)\n    run()\n"
        },
        P,
    ),
    # ... the traps: a DAG only triggered by hand, a materialization run by hand
    (
        "feature-materialization",
        "FP unscheduled dag",
        {
            "dags/m.py": "from airflow.decorators import dag\nfrom feast import FeatureStore\n\n"
            "@dag(schedule=None)\ndef m():\n    FeatureStore('.').materialize(a, b)\n"
        },
        F,
    ),
    (
        "feature-materialization",
        "FP manual script",
        {"materialize.py": "from feast import FeatureStore\nFeatureStore('.').materialize(a, b)\n"},
        F,
    ),
    # Cloud Build pushes the images its `images:` lists (GoogleCloudPlatform/mlops-on-gcp
    # on_demand/tfx-caip/lab-03-tfx-cicd/solutions/cloudbuild.yaml); a build that lists none
    # ships nothing
    (
        "cd-deploy",
        "cloudbuild images",
        {
            "cloudbuild.yaml": "steps:\n- name: gcr.io/cloud-builders/docker\n  args: [build, -t, gcr.io/p/t, .]\nimages: [gcr.io/p/t]\n"
        },
        P,
    ),
    (
        "cd-deploy",
        "FP cloudbuild build only",
        {
            "cloudbuild.yaml": "steps:\n- name: gcr.io/cloud-builders/docker\n  args: [build, -t, gcr.io/p/t, .]\n"
        },
        F,
    ),
    # a Metaflow flow with @schedule that trains (outerbounds/full-stack-ML-metaflow-tutorial
    # flows/cloud/tree_branch_cloud_flow_deploy.py:4)
    (
        "ct-trigger",
        "metaflow schedule",
        {
            "flows/train_flow.py": "from metaflow import FlowSpec, step, schedule\n\n"
            "@schedule(cron='0 * * * *')\nclass TrainFlow(FlowSpec):\n    @step\n    def start(self):\n"
            "        self.model = m.fit(X, y)\n"
        },
        P,
    ),
    # a Bicep/ARM deployment, as terraform apply is; validating one deploys nothing
    (
        "cd-deploy",
        "az deployment create",
        {".github/workflows/cd.yml": wf("az deployment sub create -f main.bicep", on="[push]")},
        P,
    ),
    (
        "cd-deploy",
        "FP az deployment validate",
        {".github/workflows/cd.yml": wf("az deployment sub validate -f main.bicep", on="[push]")},
        F,
    ),
    # a library's releases, published by CI on a release tag (Nixtla/statsforecast)
    (
        "package-delivery",
        "publish action on release",
        {
            **PUBLISHED_PACKAGE,
            ".github/workflows/publish.yml": wf("", on="[release]", uses=PYPI_ACTION),
        },
        P,
    ),
    # ... or whose PyPI badge shows releases that nothing in the repository publishes
    # (bigscience-workshop/petals README.md:6; reviewed)
    ("package-delivery", "badge only", {**PUBLISHED_PACKAGE, "README.md": PYPI_BADGE}, F),
    # a TestPyPI rehearsal is no release
    (
        "package-delivery",
        "fp-test-pypi rehearsal",
        {
            **PUBLISHED_PACKAGE,
            "README.md": PYPI_BADGE,
            ".github/workflows/publish.yml": wf(
                "twine upload --repository testpypi dist/*", on="[release]"
            ),
        },
        F,
    ),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}:{i}") for c, i, f, e in CASES],
)
def test_automation_checks(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs.message


def test_every_automation_check_has_positive_negative_and_false_positive():
    from helpers import _default_rubric

    names = [c.name for q, c in _default_rubric().checks() if q.prefix == "AUT"]
    for name in names:
        ids = [i for c, i, _f, _e in CASES if c == name]
        outcomes = {e for c, _i, _f, e in CASES if c == name}
        assert Outcome.PASS in outcomes and Outcome.FAIL in outcomes, name
        assert any(i.startswith("fp-") for i in ids), name


def test_ct_trigger_reports_non_training_schedules(tmp_path):
    files = {
        ".github/workflows/links.yml": wf("lychee docs/", on=CRON),
        "train.py": "def fit(model, X, y):\n    model.fit(X, y)\n",
    }
    obs = run_check(snapshot(tmp_path, files), "ct-trigger")
    assert obs.outcome == Outcome.FAIL
    assert "none launches training" in obs.message
    assert obs.evidence[0].path == ".github/workflows/links.yml"


def test_a_workflow_that_is_not_yaml_runs_no_job(tmp_path):
    """Its checks are decided (no CI runs the tests), with the file and line shown."""
    snap = snapshot(tmp_path, training_repo({".github/workflows/ci.yml": BROKEN_WORKFLOW}))
    obs = run_check(snap, "ci-present")
    assert obs.outcome == F and "not valid YAML" in obs.message, obs.message
    assert obs.evidence[0].path == ".github/workflows/ci.yml" and obs.evidence[0].line
    assert run_check(snap, "tests-in-ci").outcome == F


def test_a_workflow_with_a_job_at_its_top_runs_no_job(tmp_path):
    """GitHub rejects a workflow whose top holds a key that is none of a workflow's (a job
    written outside `jobs:`: btlambodh/demand-stock-forecasting-mlops .github/workflows/
    ci-cd.yml:475; reviewed): none of its jobs runs, the key's line shown. `on` read by
    YAML 1.1 as true, and the other workflow keys, are no such key."""
    invalid = wf("pytest") + "cleanup:\n  runs-on: ubuntu-latest\n  steps:\n    - run: rm -rf x\n"
    snap = snapshot(tmp_path, training_repo({".github/workflows/ci.yml": invalid}))
    obs = run_check(snap, "ci-present")
    assert obs.outcome == F and "not a valid workflow" in obs.message, obs.message
    assert obs.evidence[0].line == invalid.splitlines().index("cleanup:") + 1
    assert run_check(snap, "tests-in-ci").outcome == F
    # ... also when the bad document is one of several in the file
    both = wf("pytest") + "---\n" + wf("pytest").replace("jobs:", "cleanup: {}\njobs:")
    snap = snapshot(tmp_path / "multi", training_repo({".github/workflows/ci.yml": both}))
    assert run_check(snap, "ci-present").outcome == F
    valid = "permissions: {contents: read}\nconcurrency: ci\nenv: {A: 1}\n" + wf("pytest")
    snap = snapshot(tmp_path / "valid", training_repo({".github/workflows/ci.yml": valid}))
    assert run_check(snap, "ci-present").outcome == P


PUSH_WORKFLOW = (
    "on: {push: {branches: [main]}}\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v5\n"
    "        with:\n          context: .\n          push: true\n          tags: me/app:latest\n"
)


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        # the image copies a file the repository moved into docs/: the build fails every time
        # (Ambika005/Rag-Api-Automate-Testing-GithubActions Dockerfile:4; reviewed)
        ("FROM python:3.11-slim\nCOPY app.py k8s.txt ./\n", Outcome.PARTIAL),
        # ... the file where it now is builds
        ("FROM python:3.11-slim\nCOPY app.py docs/k8s.txt ./\n", Outcome.PASS),
        # trap: a file the repository never had is built by CI first (a model `dvc pull`s)
        ("FROM python:3.11-slim\nCOPY app.py model.pkl ./\n", Outcome.PASS),
        # ... and a copy from another stage is not from the context
        ("FROM python:3.11-slim\nCOPY --from=build /k8s.txt ./\nCOPY app.py ./\n", Outcome.PASS),
    ],
)
def test_cd_deploy_an_image_that_copies_a_file_moved_away(tmp_path, dockerfile, expected):
    from helpers import commit, make_repo, run_probe

    from mlaudit.repo.worktree import open_worktree

    root = make_repo(tmp_path / "r", {"app.py": "x = 1\n", "k8s.txt": "notes\n"})
    (root / "k8s.txt").unlink()
    commit(
        root,
        {
            "docs/k8s.txt": "notes\n",
            "Dockerfile": dockerfile,
            ".github/workflows/cd.yml": PUSH_WORKFLOW,
        },
        "move the notes into docs/",
    )
    obs = run_probe(open_worktree(root), "cd_deploy")
    assert obs.outcome is expected, obs.message
    if expected is Outcome.PARTIAL:
        assert "moved to docs/k8s.txt" in obs.message
        assert ("Dockerfile", 2) in [(e.path, e.line) for e in obs.evidence]


BUILD_PUSH_JOB = (
    "on: {push: {branches: [main]}}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n%s"
    "      - run: |\n          docker build -t reg/app:latest .\n          docker push reg/app:latest\n"
)


@pytest.mark.parametrize(
    ("before", "tracked", "expected"),
    [
        # the image copies git-ignored models nothing in the job creates: a clean checkout
        # cannot build it (harmandeep2993/movie-recommender-system-mlops-end-to-end
        # Dockerfile:22, .github/workflows/ci-cd.yml:55-57; reviewed)
        ("", False, Outcome.PARTIAL),
        # ... a step that pulls them first builds it
        ("      - run: dvc pull models\n", False, Outcome.PASS),
        # ... and so does an action that brings them in
        (
            "      - uses: actions/download-artifact@v4\n        with: {name: models}\n",
            False,
            Outcome.PASS,
        ),
        # trap: a git-ignored file force-added to git is in every checkout
        ("", True, Outcome.PASS),
    ],
)
def test_cd_deploy_an_image_that_copies_git_ignored_files(tmp_path, before, tracked, expected):
    files = {
        ".gitignore": "models/\n*.pkl\n",
        "app.py": "x = 1\n",
        "Dockerfile": "FROM python:3.11-slim\nCOPY app.py .\nCOPY models/ ./models/\n",
        ".github/workflows/cd.yml": BUILD_PUSH_JOB % before,
    }
    if tracked:
        files["models/model.pkl"] = "weights"
    root = tmp_path / "r"
    from helpers import git, make_repo, run_probe

    from mlaudit.repo.worktree import open_worktree

    make_repo(root, files)
    if tracked:
        git(root, "add", "-f", "models/model.pkl")
        git(root, "commit", "-q", "-m", "force-add the model")
    obs = run_probe(open_worktree(root), "cd_deploy")
    assert obs.outcome is expected, obs.message
    if expected is Outcome.PARTIAL:
        assert ("Dockerfile", 3) in [(e.path, e.line) for e in obs.evidence]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("docker build -t app .", ("Dockerfile", "")),
        ("docker build -f docker/serve.Dockerfile -t app .", ("docker/serve.Dockerfile", "")),
        (
            "docker buildx build --platform linux/amd64 --push -t a:b services/api",
            ("services/api/Dockerfile", "services/api"),
        ),
        ("docker build --file=Dockerfile.prod .", ("Dockerfile.prod", "")),
        ("docker build -t app $CONTEXT", None),
        ("docker push app", None),
    ],
)
def test_built_dockerfile_reads_the_build_command(command, expected):
    from mlaudit.probes._delivery import built_dockerfile

    assert built_dockerfile(command) == expected


GITLAB_TRAIN = {"train.py": TRAINER}


@pytest.mark.parametrize(
    ("job", "expected"),
    [
        # a job for scheduled pipelines: GitLab keeps the schedule in its settings
        # (HovhannesHovakimyan/mlops-end-to-end-pipeline .gitlab-ci.yml:295; reviewed)
        ("  only:\n    - schedules\n", U),
        ("  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'\n", U),
        # a job on every push trains on no schedule
        ("", F),
        # trap: a schedule rule that ends `when: never` runs nothing
        ("  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'\n      when: never\n", F),
    ],
    ids=["only-schedules", "rules-schedule", "push", "fp-never"],
)
def test_gitlab_scheduled_training_is_set_in_gitlab(tmp_path, job, expected):
    files = {
        **GITLAB_TRAIN,
        ".gitlab-ci.yml": f"retrain:\n  stage: train\n  script:\n    - python train.py\n{job}",
    }
    obs = run_check(snapshot(tmp_path, training_repo(files)), "ct-trigger")
    assert obs.outcome == expected, obs


# a scheduled drift check that dispatches retraining retrains on that schedule
# (neopentane7/mlops-fraud-detection .github/workflows/monitor.yml:4-5,62-77 -> retrain.yml:11-12;
# reviewed)
DISPATCH_SCRIPT = (
    "name: monitor\non:\n  schedule:\n    - cron: '0 9 * * 1'\njobs:\n  drift:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@v7\n"
    "        with:\n          script: |\n            if (drift) {\n"
    "              await github.rest.repos.createDispatchEvent({\n"
    "                owner: o, repo: r, event_type: '%s' });\n            }\n"
)
RETRAIN_ON_DISPATCH = (
    "name: retrain\non:\n  repository_dispatch:\n    types: [drift-retrain]\njobs:\n"
    "  retrain:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python train.py\n"
    '      - run: echo "## Retrain summary"\n'
)
TRAINER = {"train.py": "def fit(model, X, y):\n    model.fit(X, y)\n"}


@pytest.mark.parametrize(
    ("dispatcher", "expected"),
    [
        ({".github/workflows/monitor.yml": DISPATCH_SCRIPT % "drift-retrain"}, Outcome.PASS),
        # by the CLI, naming the workflow file
        (
            {".github/workflows/monitor.yml": wf("gh workflow run retrain.yml", on=CRON)},
            Outcome.PASS,
        ),
        # the traps: another event type, a dispatcher nothing schedules
        ({".github/workflows/monitor.yml": DISPATCH_SCRIPT % "docs-rebuild"}, Outcome.FAIL),
        (
            {
                ".github/workflows/monitor.yml": (DISPATCH_SCRIPT % "drift-retrain").replace(
                    "  schedule:\n    - cron: '0 9 * * 1'\n", "  workflow_dispatch:\n"
                )
            },
            Outcome.FAIL,
        ),
    ],
    ids=["repository-dispatch", "gh-workflow-run", "fp-other-event", "fp-dispatcher-by-hand"],
)
def test_a_dispatched_workflow_runs_on_its_dispatchers_schedule(tmp_path, dispatcher, expected):
    retrain = RETRAIN_ON_DISPATCH
    if "gh workflow run" in str(dispatcher):
        retrain = retrain.replace(
            "  repository_dispatch:\n    types: [drift-retrain]\n", "  workflow_dispatch:\n"
        )
    files = {**dispatcher, ".github/workflows/retrain.yml": retrain, **TRAINER}
    obs = run_check(snapshot(tmp_path, files), "ct-trigger")
    assert obs.outcome == expected, obs.message
    if expected == Outcome.PASS:
        # the summary the job prints is no training run
        snippets = [e.snippet for e in obs.evidence]
        assert "python train.py" in snippets and not any("echo" in s for s in snippets)


# CI ships an orchestrator's DAG files to where it reads them (Venkat8538/mlops-fraud-detection
# .github/workflows/04-airflow-deploy.yml:3-7,37-45; reviewed)
DAG_PUSH = "{push: {branches: [main], paths: ['%s']}}"
SSM_PULL = (
    "aws ssm send-command --instance-ids $ID --parameters "
    '\'commands=["cd /opt/mlops", "git pull origin main"]\''
)


@pytest.mark.parametrize(
    ("run", "on", "expected"),
    [
        (SSM_PULL, DAG_PUSH % "airflow/dags/**", Outcome.PASS),
        ("gcloud composer environments storage dags import --source dags/", "[push]", Outcome.PASS),
        ("aws s3 sync airflow/dags/ s3://mwaa-bucket/dags/", "[push]", Outcome.PASS),
        # the traps: a host pulled on every change is a deploy of everything, not the pipeline;
        # a local pull
        (SSM_PULL, DAG_PUSH % "src/**", Outcome.FAIL),
        ("git pull origin main", DAG_PUSH % "airflow/dags/**", Outcome.FAIL),
    ],
    ids=["ssm-pull", "composer-import", "mwaa-sync", "fp-not-dag-paths", "fp-local-pull"],
)
def test_ci_ships_the_dags(tmp_path, run, on, expected):
    files = {
        ".github/workflows/dags.yml": wf(run, on=on),
        "airflow/dags/train.py": "from airflow import DAG\nDAG('train')\n",
        **TRAINER,
    }
    obs = run_check(snapshot(tmp_path, files), "pipeline-ci")
    assert obs.outcome == expected, obs.message


# a nightly job running the project's flow module, whose flow calls the trainer
# (shiva-shivanibokka/ML-System-Design-Retraining-Pipeline .github/workflows/retrain.yml:72,
# pipelines/flows.py:55; reviewed) ...
FLOW_MODULE = {
    "pipelines/__init__.py": "",
    "pipelines/flows.py": "from prefect import flow\nfrom training.trainer import CreditTrainer\n\n"
    "@flow\ndef full():\n    CreditTrainer().fit_model()\n",
    "training/__init__.py": "",
    "training/trainer.py": "import lightgbm\n\nclass CreditTrainer:\n"
    "    def fit_model(self):\n        return lightgbm.train({}, DATA)\n",
}


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ("python -m pipelines.flows --flow full", Outcome.PASS),
        ("python -u pipelines/flows.py", Outcome.PASS),
        ("python -m training.trainer", Outcome.PASS),
        # the traps: a module that trains nothing, a message about retraining
        ("python -m pipelines.report", Outcome.FAIL),
        ('echo "skipping scheduled retrain"', Outcome.FAIL),
    ],
)
def test_a_scheduled_command_runs_a_module_that_trains(tmp_path, run, expected):
    files = {
        ".github/workflows/nightly.yml": wf(run, on=CRON),
        "pipelines/report.py": "print('report')\n",
        **FLOW_MODULE,
    }
    obs = run_check(snapshot(tmp_path, files), "ct-trigger")
    assert obs.outcome == expected, obs.message


# the re-read of this session's change: an echo chained before training hides nothing; a
# chain of dispatches is followed whatever the order of the files; an event type in
# shell-escaped JSON is read
@pytest.mark.parametrize(
    "run", ["echo start && python train.py", "echo 'Retraining model'; python train.py"]
)
def test_an_echo_before_the_training_command_hides_nothing(tmp_path, run):
    files = {".github/workflows/n.yml": wf(run, on=CRON), **TRAINER}
    assert run_check(snapshot(tmp_path, files), "ct-trigger").outcome == Outcome.PASS


CHAIN_TRAIN = (
    "name: train\non:\n  repository_dispatch:\n    types: [retrain]\njobs:\n  train:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - run: python train.py\n"
)
CHAIN_DRIFT = (
    "name: drift\non:\n  repository_dispatch:\n    types: [check-drift]\njobs:\n  drift:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - run: python drift.py\n"
    "      - uses: peter-evans/repository-dispatch@v3\n        with:\n          event-type: retrain\n"
)
CHAIN_CRON = (
    "name: nightly\non:\n  schedule:\n    - cron: '0 3 * * *'\njobs:\n  kick:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: peter-evans/repository-dispatch@v3\n"
    "        with:\n          event-type: check-drift\n"
)


@pytest.mark.parametrize(
    "names", [("a_train", "b_drift", "c_nightly"), ("z_train", "y_drift", "x_nightly")]
)
def test_a_chain_of_dispatches_is_followed_whatever_the_file_order(tmp_path, names):
    files = {
        f".github/workflows/{n}.yml": text
        for n, text in zip(names, (CHAIN_TRAIN, CHAIN_DRIFT, CHAIN_CRON), strict=True)
    }
    files |= {**TRAINER, "drift.py": "print('drift')\n"}
    assert run_check(snapshot(tmp_path, files), "ct-trigger").outcome == Outcome.PASS


def test_an_event_type_in_escaped_json_is_read(tmp_path):
    curl = (
        'curl -X POST https://api.github.com/repos/o/r/dispatches -d "{\\"event_type\\": '
        '\\"update-model\\"}"'
    )
    files = {
        ".github/workflows/n.yml": wf(curl, on=CRON),
        ".github/workflows/train.yml": CHAIN_TRAIN.replace("[retrain]", "[update-model]"),
        **TRAINER,
    }
    snap = snapshot(tmp_path, files)
    train = next(j for j in snap.ci_jobs if j.path.endswith("train.yml"))
    assert "schedule" in train.triggers
