"""Fault-tolerance checks (FLT): per check a positive, a negative and the known false positive."""

from __future__ import annotations

import pytest
from helpers import run_rubric_check, snapshot, training_repo

from mlaudit.results import Outcome

FASTAPI = "from fastapi import FastAPI\napp = FastAPI()\n"
JOB = """apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
%s  template:
    spec:
      containers: [{name: t, image: train:1}]
      restartPolicy: Never
"""
FLAGGER_CANARY = (
    "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n  name: api\nspec:\n"
    "  targetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n"
    "  analysis:\n    interval: 1m\n    threshold: 10\n    metrics:\n"
    "    - name: request-success-rate\n      threshold: 99\n"
)
DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
%s  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1}]
"""
ARGO = """apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: train-}
spec:
  entrypoint: main
  templates:
  - name: main
%s    container: {image: train:1}
"""

RDS_MODULE = (
    'resource "aws_db_instance" "postgres" {\n'
    "  backup_retention_period = var.backup_retention_period\n}\n"
)


SAM_CANARY = """Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Alarms:
          - !Ref AliasErrorMetricGreaterThanZeroAlarm
"""

NA = Outcome.NOT_APPLICABLE

COMPOSE_DB = (
    "services:\n  db:\n    image: pgvector/pgvector:pg16\n    volumes:\n"
    "      - pgdata:/var/lib/postgresql/data\n"
)
CASES = [
    # retries-timeouts
    (
        "retries-timeouts",
        {"client.py": "import requests\nrequests.get(url, timeout=5)\n"},
        Outcome.PASS,
    ),
    (
        "retries-timeouts",
        {
            "client.py": "import tenacity, requests\n@tenacity.retry(stop=tenacity.stop_after_attempt(3))\ndef f():\n    return requests.post(u, timeout=3)\n"
        },
        Outcome.PASS,
    ),
    (
        "retries-timeouts",
        {"client.py": "import requests\nrequests.get(url)\n"},
        Outcome.FAIL,
    ),  # bandit B113
    (
        "retries-timeouts",
        {
            "client.py": "import requests, backoff\n@backoff.on_exception(backoff.expo, Exception)\ndef f():\n    return requests.get(u)\n"
        },
        Outcome.PARTIAL,
    ),
    ("retries-timeouts", {"train.py": "import numpy as np\nnp.zeros(3)\n"}, Outcome.NOT_APPLICABLE),
    # an Azure Blob or Hugging Face Hub download is a call to another service, also from an
    # import inside a function (eshwarsai48/mlops-fraud-detection app/main.py:11;
    # anhquan1111/mlops-fraud-detection src/api.py:97; reviewed): their SDKs retry by
    # default, nothing is configured (partial) ...
    (
        "retries-timeouts",
        {
            "app.py": "from azure.storage.blob import BlobServiceClient\n"
            "BlobServiceClient.from_connection_string(c).get_blob_client(b).download_blob()\n"
        },
        Outcome.PARTIAL,
    ),
    (
        "retries-timeouts",
        {
            "app.py": "def load(repo):\n    from huggingface_hub import hf_hub_download\n"
            "    return hf_hub_download(repo_id=repo, filename='m.pkl')\n"
        },
        Outcome.PARTIAL,
    ),
    # ... beside a client without such defaults, the check fails, in another file or in the
    # same one whatever the order of its imports
    (
        "retries-timeouts",
        {
            "app.py": "from azure.storage.blob import BlobServiceClient\n",
            "db.py": "import psycopg2\npsycopg2.connect(dsn)\n",
        },
        Outcome.FAIL,
    ),
    (
        "retries-timeouts",
        {"worker.py": "import azure.storage.blob\nimport pika\n"},
        Outcome.FAIL,
    ),
    # the trap: Azure's identity library alone calls no data service
    ("retries-timeouts", {"app.py": "import azure.identity\n"}, Outcome.NOT_APPLICABLE),
    # a Kafka producer that resends failed batches (deaneeth/telco-churn-mlops-pipeline
    # src/streaming/producer.py:218; reviewed) ...
    (
        "retries-timeouts",
        {"p.py": "from kafka import KafkaProducer\nKafkaProducer(acks='all', retries=3)\n"},
        Outcome.PASS,
    ),
    # ... not one left at no retries, nor a consumer's poll timeout
    (
        "retries-timeouts",
        {
            "p.py": "from kafka import KafkaProducer, KafkaConsumer\nKafkaProducer(retries=0)\n"
            "KafkaConsumer('t', consumer_timeout_ms=1000)\n"
        },
        Outcome.FAIL,
    ),
    # known FP: a `timeout` in a comment or a variable name is not a timeout on the call
    (
        "retries-timeouts",
        {"client.py": "import requests\ntimeout = 5  # timeout=5\nrequests.get(url)\n"},
        Outcome.FAIL,
    ),
    # circuit-breaker
    (
        "circuit-breaker",
        {"c.py": "import pybreaker\nbreaker = pybreaker.CircuitBreaker()\n"},
        Outcome.PASS,
    ),
    (
        "circuit-breaker",
        {
            "mesh/dr.yaml": "apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata: {name: api}\nspec:\n  host: api\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 5}\n"
        },
        Outcome.PASS,
    ),
    ("circuit-breaker", {"c.py": "import requests\n"}, Outcome.FAIL),
    # a hand-written breaker the code builds: partial (arec1b0/ml-cicd-pipeline
    # src/resilient_mlflow.py:74; reviewed); its config class alone breaks nothing
    (
        "circuit-breaker",
        {
            "src/client.py": "import requests\nclass CircuitBreaker:\n    pass\n"
            "breaker = CircuitBreaker()\n"
        },
        Outcome.PARTIAL,
    ),
    (
        "circuit-breaker",
        {"src/client.py": "import requests\ncfg = CircuitBreakerConfig(failure_threshold=5)\n"},
        Outcome.FAIL,
    ),
    # code that calls no other service has no dependency to isolate (fmind/mlops-python-package:
    # retries-timeouts n/a, circuit-breaker failed, on the same code)
    ("circuit-breaker", {"job.py": "import pandas as pd\ndf = pd.read_csv('a.csv')\n"}, NA),
    # known FP: the words in a README
    (
        "circuit-breaker",
        {"c.py": "import requests\n", "README.md": "We use pybreaker and outlierDetection.\n"},
        Outcome.FAIL,
    ),
    # orchestrator-retries
    # SageMaker Pipelines steps (aws-samples/mlops-sagemaker-github-actions pipeline.py:178-317)
    (
        "orchestrator-retries",
        {
            "pipelines/pipeline.py": "from sagemaker.workflow.steps import TrainingStep\n"
            "from sagemaker.workflow.retry import StepRetryPolicy, StepExceptionTypeEnum\n"
            "policy = StepRetryPolicy(exception_types=[StepExceptionTypeEnum.THROTTLING], max_attempts=3)\n"
            "step = TrainingStep(name='Train', estimator=est, retry_policies=[policy])\n"
        },
        Outcome.PASS,
    ),
    (
        "orchestrator-retries",
        {
            "pipelines/pipeline.py": "from sagemaker.workflow.steps import TrainingStep\n"
            "step = TrainingStep(name='Train', estimator=est)\n"
        },
        Outcome.FAIL,
    ),
    # Azure ML pipeline steps without retries (microsoft/MLOpsPython
    # diabetes_regression_build_train_pipeline.py:104, reviewed)
    (
        "orchestrator-retries",
        {
            "ml_service/pipeline.py": "from azureml.pipeline.steps import PythonScriptStep\n"
            "from azureml.pipeline.core import Pipeline\n"
            "step = PythonScriptStep(name='Train', script_name='train.py')\n"
            "pipeline = Pipeline(workspace=ws, steps=[step])\n"
        },
        Outcome.FAIL,
    ),
    # the trap: a SageMaker estimator alone is no orchestrated task
    (
        "orchestrator-retries",
        {"train.py": "from sagemaker.estimator import Estimator\nEstimator(image_uri=i).fit()\n"},
        Outcome.NOT_APPLICABLE,
    ),
    (
        "orchestrator-retries",
        {
            "dags/train.py": "from airflow import DAG\ndefault_args = {'owner': 'ml', 'retries': 3}\nwith DAG('t', default_args=default_args):\n    pass\n"
        },
        Outcome.PASS,
    ),
    (
        "orchestrator-retries",
        {"flows/f.py": "from prefect import task\n@task(retries=2)\ndef load():\n    pass\n"},
        Outcome.PASS,
    ),
    (
        "orchestrator-retries",
        {"flows/f.py": "from prefect import task\n@task\ndef load():\n    pass\n"},
        Outcome.FAIL,
    ),
    (
        "orchestrator-retries",
        {"dags/t.py": "from airflow import DAG\ndefault_args = {'retries': 0}\n"},
        Outcome.FAIL,
    ),
    ("orchestrator-retries", {"k8s/job.yaml": JOB % "  backoffLimit: 4\n"}, Outcome.PASS),
    # a Flyte task without retries is orchestrated and unretried; a runner that only configures
    # the client and launches workflows defined elsewhere orchestrates nothing (flyteorg/
    # flytesnacks run-tests.py:12)
    (
        "orchestrator-retries",
        {"wf.py": "from flytekit import task\n@task\ndef load() -> int:\n    return 1\n"},
        Outcome.FAIL,
    ),
    (
        "orchestrator-retries",
        {
            "run-tests.py": "from flytekit.configuration import Config\n"
            "from flytekit.remote import FlyteRemote\n"
            "remote = FlyteRemote(Config.auto())\nremote.execute(wf, inputs={})\n"
        },
        Outcome.NOT_APPLICABLE,
    ),
    # a ZenML run configuration retries its steps (zenml-io/zenml-projects
    # gamesense/configs/llama3-1_finetune_remote.yaml:58-59); 0 retries is the trap
    (
        "orchestrator-retries",
        {
            "configs/remote.yaml": "steps:\n  finetune:\n    retry:\n      max_retries: 3\n      delay: 10\n"
        },
        Outcome.PASS,
    ),
    (
        "orchestrator-retries",
        {"configs/remote.yaml": "steps:\n  finetune:\n    retry:\n      max_retries: 0\n"},
        Outcome.FAIL,
    ),
    # an Azure ML v2 batch deployment retries a failed mini-batch (Azure/mlops-project-template
    # batch-deployment.yml:18-20); a pipeline job without retry settings is orchestrated, unretried
    (
        "orchestrator-retries",
        {
            "deploy/batch.yml": "$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json\n"
            "name: b\nretry_settings:\n  max_retries: 3\n"
        },
        Outcome.PASS,
    ),
    (
        "orchestrator-retries",
        {
            "pipe.yml": "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
            "jobs: {}\n"
        },
        Outcome.FAIL,
    ),
    ("orchestrator-retries", {"k8s/job.yaml": JOB % "  backoffLimit: 0\n"}, Outcome.FAIL),
    (
        "orchestrator-retries",
        {"argo/wf.yaml": ARGO % "    retryStrategy: {limit: 3}\n"},
        Outcome.PASS,
    ),
    ("orchestrator-retries", {"argo/wf.yaml": ARGO % ""}, Outcome.FAIL),
    # known FP: a job spec with max_retries: 0 is an explicit "no"; nothing orchestrated is N/A
    (
        "orchestrator-retries",
        {"deploy/job.yaml": "name: train\nentrypoint: python train.py\nmax_retries: 0\n"},
        Outcome.FAIL,
    ),
    ("orchestrator-retries", {"train.py": "x = 1\n"}, Outcome.NOT_APPLICABLE),
    # chaos-tests
    (
        "chaos-tests",
        {
            "chaos/kill.yaml": "apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata: {name: kill}\nspec: {action: pod-kill, mode: one}\n"
        },
        Outcome.PASS,
    ),
    (
        "chaos-tests",
        {
            "chaos/exp.json": '{"title": "t", "steady-state-hypothesis": {"probes": []}, "method": []}\n'
        },
        Outcome.PASS,
    ),
    (
        "chaos-tests",
        {"k8s/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"},
        Outcome.FAIL,
    ),
    # known FP: an Argo `Workflow` is not a Chaos Mesh workflow
    ("chaos-tests", {"argo/wf.yaml": ARGO % ""}, Outcome.FAIL),
    # checkpoint-resume
    # a checkpoint callback and a fit that resumes from the path it is given
    (
        "checkpoint-resume",
        {
            "train.py": "from pytorch_lightning.callbacks import ModelCheckpoint\ncb = ModelCheckpoint()\n"
            "trainer.fit(model, dm, ckpt_path=args.resume)\n"
        },
        Outcome.PASS,
    ),
    # the trap: a best-model checkpoint kept for export, nothing resumes from it
    # (graviraja/MLOps-Basics week_9_monitoring/train.py:57-78)
    (
        "checkpoint-resume",
        {
            "train.py": "from pytorch_lightning.callbacks import ModelCheckpoint\n"
            "cb = ModelCheckpoint(dirpath='models', filename='best-checkpoint', monitor='valid/loss')\n"
            "trainer.fit(model, dm)\n"
        },
        Outcome.PARTIAL,
    ),
    # Lightning's CLI gives every run `fit --ckpt_path`
    (
        "checkpoint-resume",
        {"main.py": "from lightning.pytorch.cli import LightningCLI\nLightningCLI(Model, Data)\n"},
        Outcome.PASS,
    ),
    (
        "checkpoint-resume",
        {"train.py": "trainer.train(resume_from_checkpoint=True)\n"},
        Outcome.PASS,
    ),
    (
        "checkpoint-resume",
        {"train.py": "ck = torch.load(p)\noptimizer.load_state_dict(ck['optimizer'])\n"},
        Outcome.PASS,
    ),
    (
        "checkpoint-resume",
        {"train.py": "import torch\ntorch.save(model.state_dict(), 'm.pt')\n"},
        Outcome.FAIL,
    ),
    # Composer's Trainer resumes from its save folder (mosaicml/llm-foundry train.py:589-594)
    (
        "checkpoint-resume",
        {
            "train.py": "from composer import Trainer\nt = Trainer(model=m, autoresume=cfg.autoresume)\n"
        },
        Outcome.PASS,
    ),
    # the trap: autoresume switched off, or left at its default, with nothing to load
    (
        "checkpoint-resume",
        {
            "train.py": "from composer import Trainer\nt = Trainer(model=m, autoresume=False)\n"
            "u = Trainer(model=m, save_folder='ckpt')\n"
        },
        Outcome.FAIL,
    ),
    # TF Estimator writing checkpoints to its model_dir (microsoft/recommenders wide_deep)
    (
        "checkpoint-resume",
        {
            "train.py": "import tensorflow as tf\n"
            "cfg = tf.estimator.RunConfig(model_dir=d, save_checkpoints_steps=1000)\n"
        },
        Outcome.PASS,
    ),
    (
        "checkpoint-resume",
        {
            "train.py": "import tensorflow as tf\nsaver = tf.compat.v1.train.Saver()\n"
            "saver.restore(sess, path)\n"
            "train_op = tf.compat.v1.train.AdamOptimizer(1e-4).minimize(loss)\n"
        },
        Outcome.PASS,
    ),
    # ... but restoring released weights in a sampling script is no resume (openai/gpt-2)
    (
        "checkpoint-resume",
        {
            "src/generate_samples.py": "import tensorflow as tf\nsaver = tf.train.Saver()\n"
            "saver.restore(sess, ckpt)\nout = sess.run(output)\n"
        },
        Outcome.FAIL,
    ),
    # the trap: checkpoints switched off
    (
        "checkpoint-resume",
        {
            "train.py": "import tensorflow as tf\n"
            "cfg = tf.estimator.RunConfig(save_checkpoints_steps=None, save_checkpoints_secs=None)\n"
        },
        Outcome.FAIL,
    ),
    # known FP: only in a notebook → partial at most
    (
        "checkpoint-resume",
        {
            "nb.ipynb": '{"cells": [{"cell_type": "code", "source": ["from keras.callbacks import ModelCheckpoint\\n", "ModelCheckpoint(p)\\n"]}], "nbformat": 4}'
        },
        Outcome.PARTIAL,
    ),
    # rollback-ready
    ("rollback-ready", {"k8s/d.yaml": DEPLOY % "  revisionHistoryLimit: 5\n"}, Outcome.PASS),
    ("rollback-ready", {"k8s/d.yaml": DEPLOY % "  revisionHistoryLimit: 0\n"}, Outcome.FAIL),
    ("rollback-ready", {"k8s/d.yaml": DEPLOY % ""}, Outcome.PARTIAL),
    # the previous revision of a Deployment running `:latest` names the same tag: undoing
    # the rollout pulls the new image again (rockerspace/End-to-End-MLOps-with-FastAPI-
    # Docker-Grafana deployment.yaml:17; reviewed)
    ("rollback-ready", {"k8s/d.yaml": (DEPLOY % "").replace("api:1", "api:latest")}, Outcome.FAIL),
    (
        "rollback-ready",
        {"k8s/d.yaml": (DEPLOY % "  revisionHistoryLimit: 5\n").replace("api:1", "reg.io/api")},
        Outcome.FAIL,
    ),
    # ... unless CI sets the image each rollout runs (sayakpaul/ml-deployment-k8s-fastapi
    # .github/workflows/deployment.yaml:72 `kustomize edit set image $IMAGE:$GITHUB_SHA`)
    (
        "rollback-ready",
        {
            "k8s/d.yaml": (DEPLOY % "").replace("api:1", "api:latest"),
            ".github/workflows/cd.yml": "on: push\njobs:\n  d:\n    runs-on: x\n    steps:\n"
            "      - run: kustomize edit set image api:$GITHUB_SHA && kustomize build . | kubectl apply -f -\n",
        },
        Outcome.PARTIAL,
    ),
    (
        "rollback-ready",
        {
            "promote.py": "from mlflow import MlflowClient\nMlflowClient().set_registered_model_alias('m', 'champion', 3)\n",
            "serve.py": "import mlflow\nmodel = mlflow.pyfunc.load_model('models:/m@champion')\n",
        },
        Outcome.PASS,
    ),
    # ... an alias nothing loads through rolls nothing back: the API loads a mounted file
    # (zvarrog/sentiment-mlops-pipeline scripts/model_registry.py:99; reviewed)
    (
        "rollback-ready",
        {
            "promote.py": "from mlflow import MlflowClient\nc = MlflowClient()\n"
            "v = c.get_latest_versions('m', stages=['Staging'])[0].version\n"
            "c.transition_model_version_stage('m', v, 'Production')\n",
            "serve.py": "import joblib\nmodel = joblib.load('/models/best.joblib')\n",
        },
        Outcome.PARTIAL,
    ),
    ("rollback-ready", {"RUNBOOK.md": "## Rollback\n\n    helm rollback api 0\n"}, Outcome.PASS),
    # Flagger rolls a canary back when its analysis fails (deramos/mlops-k8s-pipeline
    # charts/fraud-api/templates/canary.yaml; reviewed), in a manifest or a Helm template;
    # a Canary of another API group (or without analysis) is not Flagger's
    ("rollback-ready", {"k8s/canary.yaml": FLAGGER_CANARY}, Outcome.PASS),
    (
        "rollback-ready",
        {
            "charts/api/Chart.yaml": "name: api\n",
            "charts/api/templates/canary.yaml": FLAGGER_CANARY.replace(
                "name: api", "name: {{ .Release.Name }}"
            ),
        },
        Outcome.PASS,
    ),
    (
        "rollback-ready",
        {"k8s/canary.yaml": FLAGGER_CANARY.replace("flagger.app/v1beta1", "example.com/v1")},
        Outcome.FAIL,
    ),
    (
        "rollback-ready",
        {
            "c/update_best_model.py": "from google.cloud.aiplatform.models import ModelRegistry\n"
            "registry = ModelRegistry(model=champion)\n"
            "registry.add_version_aliases(['default'], challenger.version_id)\n"
        },
        Outcome.PASS,
    ),
    ("rollback-ready", {"app.py": "x = 1\n"}, Outcome.FAIL),
    # CodeDeploy rolls a SAM function back when its alarms fire
    # (aws-samples/amazon-sagemaker-safe-deployment-pipeline assets/deploy-model-prd.yml:132)
    ("rollback-ready", {"assets/prd.yml": SAM_CANARY}, Outcome.PASS),
    # a canary without alarms shifts traffic but nothing rolls it back
    ("rollback-ready", {"assets/prd.yml": SAM_CANARY.split("        Alarms")[0]}, Outcome.FAIL),
    ("rollback-ready", {"assets/deploy-dev.yml": SAM_CANARY}, Outcome.FAIL),
    # fallback-path
    (
        "fallback-path",
        {
            "api.py": FASTAPI
            + "def predict(x):\n    try:\n        return model.predict(x)\n    except Exception:\n        return BASELINE\n"
        },
        Outcome.PASS,
    ),
    (
        "fallback-path",
        {
            "api.py": FASTAPI
            + "def predict(x):\n    try:\n        return model.predict(x)\n    except Exception as e:\n        raise HTTPException(500) from e\n"
        },
        Outcome.FAIL,
    ),
    # an error payload, the exception's text or an HTTP error status is not an answer in the
    # model's place (zenml-io/zenml-projects credit-scorer modal_deployment.py:361-363); a
    # fallback that only logs the exception still is
    (
        "fallback-path",
        {
            "api.py": FASTAPI + "def predict(x):\n    try:\n        return model.predict(x)\n"
            "    except Exception as e:\n        return {'error': str(e)}\n"
            "def score(x):\n    try:\n        return model.predict_proba(x)\n"
            "    except ValueError as err:\n        return jsonify(message=f'{err}'), 500\n"
            "def rank(x):\n    try:\n        return model.predict(x)\n"
            "    except Exception:\n        return JSONResponse({'ok': False}, status_code=503)\n"
        },
        Outcome.FAIL,
    ),
    (
        "fallback-path",
        {
            "api.py": FASTAPI + "def predict(x):\n    try:\n        return model.predict(x)\n"
            "    except Exception as e:\n        log.warning('model failed: %s', e)\n"
            "        return {'prediction': BASELINE, 'fallback': True}\n"
        },
        Outcome.PASS,
    ),
    # known FP: a try/except around something else (config loading) is not a fallback
    (
        "fallback-path",
        {
            "api.py": FASTAPI
            + "def cfg():\n    try:\n        return json.load(open('c.json'))\n    except OSError:\n        return {}\n"
        },
        Outcome.FAIL,
    ),
    # a model implementation picked at start-up when weights are missing is no fallback for a
    # failed request (huggingface/text-embeddings-inference backends/python/server/
    # text_embeddings_server/models/__init__.py:106; reviewed) ...
    (
        "fallback-path",
        {
            "api.py": FASTAPI + "def get_model(path):\n    try:\n"
            "        return create_model(FlashBert, path)\n    except FileNotFoundError:\n"
            "        return create_model(DefaultModel, path)\n"
        },
        Outcome.FAIL,
    ),
    # ... while a call of the model itself still is one
    (
        "fallback-path",
        {
            "api.py": FASTAPI + "def embed(x):\n    try:\n        return self.model(x)\n"
            "    except RuntimeError:\n        return BASELINE\n"
        },
        Outcome.PASS,
    ),
    ("fallback-path", {"train.py": "x = 1\n"}, Outcome.NOT_APPLICABLE),
    # backups
    (
        "backups",
        {"infra/b.tf": 'resource "aws_backup_plan" "p" {\n  name = "daily"\n}\n'},
        Outcome.PASS,
    ),
    (
        "backups",
        {"infra/db.tf": 'resource "aws_db_instance" "meta" {\n  backup_retention_period = 7\n}\n'},
        Outcome.PASS,
    ),
    (
        "backups",
        {"infra/db.tf": 'resource "aws_db_instance" "meta" {\n  backup_retention_period = 0\n}\n'},
        Outcome.FAIL,
    ),
    # a module's retention set by a variable: what the environment calling the module passes
    # (hzabun/player-churn-mlops terraform/modules/rds/main.tf:86, environments/dev/main.tf:131;
    # reviewed), else the variable's default ...
    (
        "backups",
        {
            "tf/modules/rds/main.tf": RDS_MODULE,
            "tf/env/dev/main.tf": 'module "rds" {\n  source = "../../modules/rds"\n'
            "  backup_retention_period = 7\n}\n",
        },
        Outcome.PASS,
    ),
    (
        "backups",
        {
            "tf/modules/rds/main.tf": RDS_MODULE,
            "tf/modules/rds/variables.tf": 'variable "backup_retention_period" {\n  default = 0\n}\n',
        },
        Outcome.FAIL,
    ),
    # ... and a call passing 0 keeps the default of 7 out of it
    (
        "backups",
        {
            "tf/modules/rds/main.tf": RDS_MODULE,
            "tf/modules/rds/variables.tf": 'variable "backup_retention_period" {\n  default = 7\n}\n',
            "tf/env/dev/main.tf": 'module "rds" {\n  source = "../../modules/rds"\n'
            "  backup_retention_period = 0\n}\n",
        },
        Outcome.FAIL,
    ),
    # ... while a call that leaves it out takes the default (prod keeps 7 when dev passes 0)
    (
        "backups",
        {
            "tf/modules/rds/main.tf": RDS_MODULE,
            "tf/modules/rds/variables.tf": 'variable "backup_retention_period" {\n  default = 7\n}\n',
            "tf/env/dev/main.tf": 'module "rds" {\n  source = "../../modules/rds"\n'
            "  backup_retention_period = 0\n}\n",
            "tf/env/prod/main.tf": 'module "rds" {\n  source = "../../modules/rds"\n}\n',
        },
        Outcome.PASS,
    ),
    # known FP: a stateless service has nothing to back up (unknown, not fail)
    ("backups", {"k8s/d.yaml": DEPLOY % ""}, Outcome.UNKNOWN),
    (
        "backups",
        {".dvc/config": "[core]\n    remote = s3\n['remote \"s3\"']\n    url = s3://acme/dvc\n"},
        Outcome.UNKNOWN,  # the DVC remote bucket is managed elsewhere
    ),
    (
        "backups",
        {"k8s/pg.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: pg}\nspec: {}\n"},
        Outcome.FAIL,
    ),
    # a compose database keeping its data in a volume is a store declared here (umairwaheed/
    # fastapi-rag prod/docker-compose.yml:3-8; reviewed) ...
    ("backups", {"prod/docker-compose.yml": COMPOSE_DB}, Outcome.FAIL),
    # a chart installing a database or an object store as its dependency declares one
    # (deramos/mlops-k8s-pipeline charts/mlflow/Chart.yaml:9-17; reviewed); another
    # dependency (an ingress controller) stores nothing
    (
        "backups",
        {
            "charts/mlflow/Chart.yaml": "name: mlflow\ndependencies:\n  - name: postgresql\n"
            "    repository: oci://registry-1.docker.io/bitnamicharts\n  - name: minio\n"
        },
        Outcome.FAIL,
    ),
    (
        "backups",
        {"charts/api/Chart.yaml": "name: api\ndependencies:\n  - name: ingress-nginx\n"},
        Outcome.UNKNOWN,
    ),
    # ... and a backup service beside it backs it up
    (
        "backups",
        {
            "prod/docker-compose.yml": COMPOSE_DB
            + "  pg-backup:\n    image: prodrigestivill/postgres-backup-local:16\n"
        },
        Outcome.PASS,
    ),
    # the traps: a database without a volume keeps nothing; a developer's compose is no store
    ("backups", {"docker-compose.yml": COMPOSE_DB.split("    volumes")[0]}, Outcome.UNKNOWN),
    ("backups", {"docker-compose.dev.yml": COMPOSE_DB}, Outcome.UNKNOWN),
    # dead-letter
    (
        "dead-letter",
        {
            "infra/q.tf": 'resource "aws_sqs_queue" "in" {\n  redrive_policy = jsonencode({maxReceiveCount = 4})\n}\n'
        },
        Outcome.PASS,
    ),
    (
        "dead-letter",
        {"infra/q.tf": 'resource "aws_sqs_queue" "in" {\n  name = "in"\n}\n'},
        Outcome.FAIL,
    ),
    (
        "dead-letter",
        {"consume.py": "from confluent_kafka import Consumer, Producer\nDLQ = 'events-dlq'\n"},
        Outcome.PASS,
    ),
    (
        "dead-letter",
        {"infra/q.tf": 'resource "aws_sqs_queue" "events_dlq" {\n  name = "events-dlq"\n}\n'},
        Outcome.PASS,
    ),
    # a Lambda fed by a Kinesis stream, with and without an on-failure destination
    # (DataTalksClub/mlops-zoomcamp 06-best-practices/code/infrastructure/modules/lambda)
    (
        "dead-letter",
        {
            "infra/l.tf": 'resource "aws_lambda_event_source_mapping" "m" {\n'
            "  event_source_arn = var.stream_arn\n  function_name = aws_lambda_function.f.arn\n}\n"
        },
        Outcome.FAIL,
    ),
    (
        "dead-letter",
        {
            "infra/l.tf": 'resource "aws_lambda_event_source_mapping" "m" {\n'
            "  event_source_arn = var.stream_arn\n  function_name = aws_lambda_function.f.arn\n"
            "  destination_config {\n    on_failure {\n      destination_arn = aws_sqs_queue.dlq.arn\n"
            "    }\n  }\n}\n"
        },
        Outcome.PASS,
    ),
    # known FP: "dlq" in code that uses no queue client is not a dead-letter topic
    (
        "dead-letter",
        {"report.py": "import pandas\nCOLUMNS = ['dlq_count']\n"},
        Outcome.NOT_APPLICABLE,
    ),
    (
        "dead-letter",
        {"consume.py": "import pika\nch.basic_consume(queue='events')\n"},
        Outcome.FAIL,
    ),
    # ingest-quarantine
    (
        "ingest-quarantine",
        {
            "ingest.py": "import pandera as pa\ntry:\n    schema.validate(df, lazy=True)\nexcept pa.errors.SchemaErrors as err:\n    err.failure_cases.to_parquet('quarantine/x.parquet')\n"
        },
        Outcome.PASS,
    ),
    (
        "ingest-quarantine",
        {
            "ingest.py": "import pandera as pa\ntry:\n    schema.validate(df)\nexcept pa.errors.SchemaError:\n    raise\n"
        },
        Outcome.FAIL,
    ),
    # known FP: a handler that prints the failures and exits quarantines nothing
    (
        "ingest-quarantine",
        {
            "validate.py": "import sys\nimport pandera\ntry:\n    S.validate(df, lazy=True)\nexcept pandera.errors.SchemaErrors as exc:\n    print(exc.failure_cases.to_string(), file=sys.stderr)\n    sys.exit(1)\n"
        },
        Outcome.FAIL,
    ),
    # a rejected-records path is a quarantine ...
    (
        "ingest-quarantine",
        {"ingest.py": "def keep(bad):\n    bad.to_csv('data/rejected/rows.csv')\n"},
        Outcome.PASS,
    ),
    # ... and a rejected-records table (the records, not the word)
    (
        "ingest-quarantine",
        {"ingest.py": "def keep(bad, db):\n    bad.to_sql('rejected_records', db)\n"},
        Outcome.PASS,
    ),
    # ... while a loan portfolio's rejected segment is the domain's word, not a place records
    # are set aside in (Umer-Muhammad1/loan_approval_prediction bussiness_nodes.py:143; reviewed)
    (
        "ingest-quarantine",
        {
            "nodes.py": "def segments(df):\n    return {'approved_good': 1, 'rejected_good': 2,"
            " 'rejected_percentage': 3}\n"
        },
        Outcome.FAIL,
    ),
    # ... while preference learning's rejected answer is training data (EleutherAI/gpt-neox
    # megatron/training.py:679 metrics["rejected_rewards"])
    (
        "ingest-quarantine",
        {
            "training.py": "def dpo(m, c, r):\n    metrics = {}\n"
            "    metrics['rejected_rewards'] = r.mean()\n    batch['rejected_input_ids'] = r\n"
        },
        Outcome.FAIL,
    ),
    # ... as is a file that speaks of the chosen and the rejected answer (h2oai/h2o-llmstudio
    # text_dpo_modeling_ds.py, huggingface/autotrain-advanced rejected_text_column)
    (
        "ingest-quarantine",
        {
            "config.py": "COLUMNS = ['chosen_response_column', 'rejected_prompt_column']\n",
            "dpo.py": "def f(o):\n    return o['rejected_reference_logps']\n",
        },
        Outcome.FAIL,
    ),
    # known FP: the same handler in a test does not route production records
    (
        "ingest-quarantine",
        {"tests/test_ingest.py": "try:\n    f()\nexcept ValidationError:\n    pass\n"},
        Outcome.FAIL,
    ),
]


@pytest.mark.parametrize(("check", "files", "expected"), CASES)
def test_fault_tolerance_checks(tmp_path, check, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs.message


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        # an LLM API client configured to retry and time out (h2oai/h2o-llmstudio
        # text_causal_language_modeling_metrics.py:91)
        ("OpenAI(api_key=k, max_retries=3, timeout=20)", Outcome.PASS),
        ("AzureOpenAI(api_key=k, timeout=20)", Outcome.PASS),
        # the trap: retries turned off and no timeout
        ("OpenAI(api_key=k, max_retries=0)", Outcome.FAIL),
    ],
)
def test_llm_api_client_retries(tmp_path, client, expected):
    files = {"svc/judge.py": f"from openai import OpenAI, AzureOpenAI\nclient = {client}\n"}
    obs = run_rubric_check(snapshot(tmp_path, training_repo(files)), "retries-timeouts")
    assert obs.outcome == expected, obs.message


def test_retries_timeouts_points_at_the_call(tmp_path):
    snap = snapshot(
        tmp_path, {"svc/client.py": "import requests\n\n\ndef f():\n    return requests.get(u)\n"}
    )
    obs = run_rubric_check(snap, "retries-timeouts")
    assert [(e.path, e.line) for e in obs.evidence] == [("svc/client.py", 5)]
    assert "B113" in (obs.evidence[0].note or "")


def test_unparsable_manifests_make_infra_checks_unknown(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    snap = snapshot(tmp_path, {"k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n" + bomb})
    for check in ("rollback-ready", "orchestrator-retries", "container-hardening", "backups"):
        obs = run_rubric_check(snap, check)
        assert obs.outcome == Outcome.UNKNOWN, (check, obs.message)
        assert obs.evidence and obs.evidence[0].path == "k8s/deploy.yaml"
