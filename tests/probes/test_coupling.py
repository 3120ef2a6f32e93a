"""Loose-coupling checks (ARC) and the shared training/serving classification."""

from __future__ import annotations

import pytest
from helpers import commit, make_repo, run_rubric_check, snapshot, with_a_model

from mlaudit.probes.code_roles import code_roles
from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Outcome

SERVE = "from fastapi import FastAPI\napp = FastAPI()\n"
TRAIN = (
    "from sklearn.linear_model import LogisticRegression\nm = LogisticRegression()\nm.fit(X, y)\n"
)
FEATURE_FIT = (
    "from sklearn.pipeline import Pipeline\n\n\ndef select(df):\n    return df\n\n\n"
    "def fit_features(df, steps):\n    pipe = Pipeline(steps)\n    pipe.fit(df)\n    return pipe\n"
)
BATCH_SCORING = (
    "import joblib\nfrom feast import FeatureStore\n"
    "rows = FeatureStore('.').get_online_features(features=[], entity_rows=[]).to_df()\n"
    "print(joblib.load('m.pkl').predict(rows))\n"
)
FEATURES = "def preprocess(df):\n    return df.dropna()\n"
GH_PR = "on: [pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"

DBT_MODEL = (
    "version: 2\nmodels:\n  - name: stg\n    config:\n      contract:\n        enforced: %s\n"
    "    columns:\n      - name: id\n        data_type: string\n"
)
CASES = [
    # serving-spec
    # a BentoML service declaring its image in code (bentoml/BentoProphet; reviewed)
    (
        "serving-spec",
        {
            "service.py": "import bentoml\nimage = bentoml.images.Image(python_version='3.11')\n"
            "@bentoml.service(image=image)\nclass S:\n    pass\n"
        },
        Outcome.PASS,
    ),
    (
        "serving-spec",
        {"bentofile.yaml": "service: 'service:svc'\n", "service.py": "svc = 1\n"},
        Outcome.PASS,
    ),
    # the service as a file path, relative to the bentofile's folder
    (
        "serving-spec",
        {"deploy/bentofile.yaml": "service: 'app/api.py:svc'\n", "deploy/app/api.py": "svc = 1\n"},
        Outcome.PASS,
    ),
    # khuyentran1401/customer_segmentation: the bentofile outlived its deleted service module
    (
        "serving-spec",
        {"bentofile.yaml": 'service: "src/bentoml_app.py:service"\n', "src/app.py": "x = 1\n"},
        Outcome.FAIL,
    ),
    ("serving-spec", {"bentofile.yaml": "service: 'service:svc'\n"}, Outcome.FAIL),
    # an Azure ML v1 inference config, written in JSON (kubeflow/examples
    # pipelines/azurepipeline/code/deploy/inferenceconfig.json:2)
    (
        "serving-spec",
        {
            "deploy/inferenceconfig.json": '{\n  "entryScript": "/scripts/score.py",\n  "runtime": "python"\n}\n'
        },
        Outcome.PASS,
    ),
    # the trap: a JSON file of another name with the same key is not read
    ("serving-spec", {"deploy/settings.json": '{"entryScript": "score.py"}\n'}, Outcome.FAIL),
    # an Anyscale service spec serving a Ray Serve deployment (ray-project/llm-applications)
    (
        "serving-spec",
        {
            "deploy/services/service.yaml": "name: rag\nray_serve_config:\n  import_path: rag.serve:app\n"
        },
        Outcome.PASS,
    ),
    # FP: a Ray job spec runs an entrypoint, it serves nothing
    (
        "serving-spec",
        {"deploy/jobs/job.yaml": "name: x\nentrypoint: python run.py\n"},
        Outcome.FAIL,
    ),
    # Chim-SO/mlops-template style: an empty spec holds nothing
    ("serving-spec", {"model-settings.json": ""}, Outcome.FAIL),
    (
        "serving-spec",
        {
            "assets/prd.yml": "Resources:\n  Config:\n    Type: AWS::SageMaker::EndpointConfig\n"
            "    Properties:\n      ProductionVariants:\n        - ModelName: !GetAtt Model.ModelName\n"
        },
        Outcome.PASS,
    ),
    # an MLproject runs training entry points; it does not say how a model is served
    (
        "serving-spec",
        {"MLproject": "name: bikes\nentry_points:\n  main:\n    command: python -m bikes\n"},
        Outcome.FAIL,
    ),
    # feature-store-interface
    (
        "feature-store-interface",
        {
            "pkg/train.py": "import feast\n" + TRAIN,
            "pkg/serve.py": SERVE + "from feast import FeatureStore\n",
        },
        Outcome.PASS,
    ),
    (
        "feature-store-interface",
        {"pkg/train.py": "import feast\n" + TRAIN, "pkg/serve.py": SERVE},
        Outcome.PARTIAL,
    ),
    ("feature-store-interface", {"pkg/train.py": TRAIN, "pkg/serve.py": SERVE}, Outcome.FAIL),
    # a batch scoring module reads the online features the training read offline (hzabun/
    # player-churn-mlops src/predict.py:83, no web framework; reviewed) ...
    (
        "feature-store-interface",
        {"pkg/train.py": "import feast\n" + TRAIN, "pkg/predict.py": BATCH_SCORING},
        Outcome.PASS,
    ),
    # ... not a module of that name that predicts nothing
    (
        "feature-store-interface",
        {
            "pkg/train.py": "import feast\n" + TRAIN,
            "pkg/predict.py": "import feast\nstore = feast.FeatureStore('.')\n",
        },
        Outcome.PARTIAL,
    ),
    # MLRun's feature store (mlrun/demo-fraud src/get_vector.py:15)
    (
        "feature-store-interface",
        {"pkg/train.py": "import mlrun.feature_store as fstore\n" + TRAIN, "pkg/serve.py": SERVE},
        Outcome.PARTIAL,
    ),
    # known FP: feast only as a dependency is not an interface
    (
        "feature-store-interface",
        {"requirements.txt": "feast==0.40\n", "pkg/train.py": TRAIN},
        Outcome.FAIL,
    ),
    # same-transform-code
    (
        "same-transform-code",
        {
            "pkg/features.py": FEATURES,
            "pkg/train.py": "from pkg.features import preprocess\n" + TRAIN,
            "pkg/serve.py": SERVE + "from pkg import features\n",
        },
        Outcome.PASS,
    ),
    (
        "same-transform-code",
        {"pkg/train.py": FEATURES + TRAIN, "pkg/serve.py": SERVE + FEATURES},
        Outcome.FAIL,
    ),
    # known FP: sharing a logging helper is not sharing transforms, nor is a configuration
    # module whose functions happen to "process" settings (Taurus3333/MlOps-Term-Deposit-
    # Subscription src/logging, arec1b0/ml-cicd-pipeline src/app/config.py; reviewed)
    (
        "same-transform-code",
        {
            "pkg/log.py": "def get_logger():\n    return 1\n",
            "pkg/train.py": "from pkg.log import get_logger\n" + TRAIN,
            "pkg/serve.py": SERVE + "from .log import get_logger\n",
        },
        Outcome.FAIL,
    ),
    (
        "same-transform-code",
        {
            "pkg/config/__init__.py": "def process_env():\n    return {}\n",
            "pkg/train.py": "from pkg.config import process_env\n" + TRAIN,
            "pkg/serve.py": SERVE + "from pkg.config import process_env\n",
        },
        Outcome.FAIL,
    ),
    # a shared module that is no utility and no transform: partial
    (
        "same-transform-code",
        {
            "pkg/registry.py": "def latest():\n    return 1\n",
            "pkg/train.py": "from pkg.registry import latest\n" + TRAIN,
            "pkg/serve.py": SERVE + "from pkg.registry import latest\n",
        },
        Outcome.PARTIAL,
    ),
    ("same-transform-code", {"pkg/serve.py": SERVE}, Outcome.NOT_APPLICABLE),
    # model-served-by-uri
    (
        "model-served-by-uri",
        {
            "pkg/train.py": TRAIN,
            "pkg/serve.py": SERVE
            + "import mlflow\nm = mlflow.pyfunc.load_model('models:/churn@champion')\n",
        },
        Outcome.PASS,
    ),
    (
        "model-served-by-uri",
        {"pkg/train.py": TRAIN, "pkg/serve.py": SERVE + "from pkg.train import m\n"},
        Outcome.FAIL,
    ),
    # known FP: importing the model *definition* (no training calls) to load weights is fine
    (
        "model-served-by-uri",
        {
            "pkg/model.py": "import torch\nclass Net(torch.nn.Module):\n    pass\n",
            "pkg/train.py": "from pkg.model import Net\nloss.backward()\n",
            "pkg/serve.py": SERVE
            + "import torch\nfrom pkg.model import Net\nnet = Net()\nnet.load_state_dict(torch.load(p, weights_only=True))\n",
        },
        Outcome.PASS,
    ),
    ("model-served-by-uri", {"pkg/serve.py": SERVE}, Outcome.UNKNOWN),
    # the feature module, whose fit is the transform's, is the code serving should share
    # (brunoramosmartins/customer-churn-mlops-pipeline src/churn_ml/serve/router.py:11;
    # reviewed) ...
    (
        "model-served-by-uri",
        {
            "pkg/features/pipeline.py": FEATURE_FIT,
            "pkg/train.py": TRAIN,
            "pkg/serve.py": SERVE
            + "import joblib\nfrom pkg.features.pipeline import select\nm = joblib.load('m.pkl')\n",
        },
        Outcome.PASS,
    ),
    # ... not a training module kept in the features folder
    (
        "model-served-by-uri",
        {
            "pkg/features/train_model.py": FEATURE_FIT,
            "pkg/serve.py": SERVE
            + "import joblib\nfrom pkg.features.train_model import select\nm = joblib.load('m.pkl')\n",
        },
        Outcome.FAIL,
    ),
    # a serving module named after the package it wraps imports the package, not the
    # training module of the same name elsewhere (takenking9879/MLOPS-project-Distributed-ML-
    # with-KubeRay k3s/kuberay/serving/modules/xgboost.py:4; reviewed) ...
    (
        "model-served-by-uri",
        {
            "k3s/modules/xgboost.py": "import xgboost as xgb\nxgb.train({}, d)\n",
            "k3s/serving/app.py": SERVE + "from modules.xgboost import load\n",
            "k3s/serving/modules/xgboost.py": "import pickle\nimport xgboost as xgb\n\n\n"
            "def load(p):\n    return pickle.load(open(p, 'rb'))\n",
        },
        Outcome.PASS,
    ),
    # ... while an import of that training module by its own name still counts
    (
        "model-served-by-uri",
        {
            "k3s/modules/xgboost.py": "import xgboost as xgb\nxgb.train({}, d)\n",
            "k3s/serving/app.py": SERVE + "from modules.xgboost import load\n",
            "k3s/serving/modules/model.py": "import pickle\n",
            "k3s/serving/modules/__init__.py": "",
        },
        Outcome.FAIL,
    ),
    # a retraining webhook beside the model server serves no model: its import of the trainer
    # is no serving import (arbaz-shaik/rul-mlops-pipeline src/retraining/app.py:23,145;
    # reviewed) ...
    (
        "model-served-by-uri",
        {
            "pkg/train.py": TRAIN,
            "pkg/serve.py": SERVE
            + "import mlflow\nm = mlflow.pyfunc.load_model('models:/rul@production')\n",
            "pkg/retrain.py": "from fastapi import FastAPI\nfrom pkg.train import m\n\napp = FastAPI()\n\n\n"
            "@app.post('/retrain')\ndef retrain():\n    return m\n\n\n@app.get('/health')\n"
            "def health():\n    return 'ok'\n",
        },
        Outcome.PASS,
    ),
    # ... a service that also predicts is serving, and its import of the trainer counts
    (
        "model-served-by-uri",
        {
            "pkg/train.py": TRAIN,
            "pkg/serve.py": SERVE
            + "import mlflow\nm = mlflow.pyfunc.load_model('models:/rul@production')\n",
            "pkg/retrain.py": "from fastapi import FastAPI\nfrom pkg.train import m\n\napp = FastAPI()\n\n\n"
            "@app.post('/retrain')\ndef retrain():\n    return m\n\n\n@app.post('/predict')\n"
            "def predict():\n    return m\n",
        },
        Outcome.FAIL,
    ),
    # the platform loads the model by the URI it is given (SageMaker model_data:
    # jacopotagliabue/you-dont-need-a-bigger-boat deploy_model.py:53; reviewed)
    (
        "model-served-by-uri",
        {
            "pkg/serve.py": SERVE,
            "pkg/deploy.py": "from sagemaker.tensorflow import TensorFlowModel\n"
            "m = TensorFlowModel(model_data=uri, role=r)\nm.deploy(initial_instance_count=1)\n",
        },
        Outcome.PASS,
    ),
    # a serving class loading the model file it was given with cloudpickle (mlrun/demo-fraud
    # src/serving.py:27-28)
    (
        "model-served-by-uri",
        {
            "pkg/train.py": TRAIN,
            "pkg/serve.py": SERVE + "from cloudpickle import load\nm = load(open(path, 'rb'))\n",
        },
        Outcome.PASS,
    ),
    # ThoughtWorksInc/CD4ML-Scenarios: app.py reaches train.py through 7 imports
    (
        "model-served-by-uri",
        {
            "pkg/serve.py": SERVE + "from pkg.m1 import x\n",
            **{f"pkg/m{i}.py": f"from pkg.m{i + 1} import x\n" for i in range(1, 7)},
            "pkg/m7.py": "from pkg.train import x\n",
            "pkg/train.py": "x = 1\n" + TRAIN,
        },
        Outcome.FAIL,
    ),
    # data-contracts
    (
        "data-contracts",
        {"contracts/orders.datacontract.yaml": "dataContractSpecification: 1.1.0\nid: orders\n"},
        Outcome.PASS,
    ),
    (
        "data-contracts",
        {"c/x.yaml": "apiVersion: v3.0.0\nkind: DataContract\nid: x\n"},
        Outcome.PASS,
    ),
    ("data-contracts", {"k8s/d.yaml": "apiVersion: apps/v1\nkind: Deployment\n"}, Outcome.FAIL),
    # dbt model contracts, enforced when the model is built (kuanchoulai10/data2ml-ops
    # dbt/models/staging/*.yml; reviewed); a contract switched off is none
    (
        "data-contracts",
        {"dbt/dbt_project.yml": "name: p\n", "dbt/models/stg.yml": DBT_MODEL % "true"},
        Outcome.PASS,
    ),
    (
        "data-contracts",
        {"dbt/dbt_project.yml": "name: p\n", "dbt/models/stg.yml": DBT_MODEL % "false"},
        Outcome.FAIL,
    ),
    # serving-spec
    (
        "serving-spec",
        {"bentofile.yaml": "service: 'pkg.service:svc'\n", "pkg/service/__init__.py": "svc = 1\n"},
        Outcome.PASS,
    ),
    (
        "serving-spec",
        {
            "k8s/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: m}\nspec:\n  predictor: {sklearn: {storageUri: 's3://m'}}\n"
        },
        Outcome.PASS,
    ),
    ("serving-spec", {"serve.py": SERVE}, Outcome.FAIL),
    # known FP: a serving spec under examples/ is not the project's
    ("serving-spec", {"examples/bento/bentofile.yaml": "service: x\n"}, Outcome.FAIL),
    # model-io-contract
    (
        "model-io-contract",
        {
            "train.py": "import mlflow\nfrom mlflow.models import infer_signature\nsig = infer_signature(X, y)\n"
        },
        Outcome.PASS,
    ),
    (
        "model-io-contract",
        {"model/MLmodel": "flavors: {}\nsignature:\n  inputs: '[]'\n"},
        Outcome.PASS,
    ),
    (
        "model-io-contract",
        {"train.py": "import mlflow\nmlflow.sklearn.log_model(m, 'model')\n"},
        Outcome.FAIL,
    ),
    # autolog infers the signature: partial (deramos/mlops-k8s-pipeline model/train.py:24)
    ("model-io-contract", {"train.py": "import mlflow\nmlflow.autolog()\n"}, Outcome.PARTIAL),
    (
        "model-io-contract",
        {"train.py": "import mlflow\nmlflow.autolog(log_models=False)\n"},
        Outcome.FAIL,
    ),
    # known FP: an MLmodel without a signature
    ("model-io-contract", {"model/MLmodel": "flavors: {}\nrun_id: abc\n"}, Outcome.FAIL),
    # a Hopsworks model registered with its input/output schema
    (
        "model-io-contract",
        {"train.py": "m = mr.sklearn.create_model('iris', model_schema=ModelSchema(i, o))\n"},
        Outcome.PASS,
    ),
    # import-contracts
    (
        "import-contracts",
        {
            ".importlinter": "[importlinter]\nroot_package = pkg\n",
            ".github/workflows/ci.yml": GH_PR + "      - run: lint-imports\n",
        },
        Outcome.PASS,
    ),
    (
        "import-contracts",
        {"pyproject.toml": "[tool.importlinter]\nroot_package = 'pkg'\n"},
        Outcome.PARTIAL,
    ),
    ("import-contracts", {"pkg/a.py": "x = 1\n"}, Outcome.FAIL),
    # known FP: installing the tool is not running it
    (
        "import-contracts",
        {".github/workflows/ci.yml": GH_PR + "      - run: pip install import-linter\n"},
        Outcome.FAIL,
    ),
    # api-contracts
    (
        "api-contracts",
        {
            "api.py": SERVE
            + "from pydantic import BaseModel\nclass Request(BaseModel):\n    text: str\n"
        },
        Outcome.PASS,
    ),
    ("api-contracts", {"proto/predict.proto": 'syntax = "proto3";\n'}, Outcome.PASS),
    # a model built from field definitions (Ardiyanto24/telco-churn-mlops src/churn_prediction/
    # schema/request_schema.py:35; reviewed), imported by the service
    (
        "api-contracts",
        {
            "pkg/__init__.py": "",
            "pkg/schema.py": "from pydantic import create_model\n"
            "Request = create_model('Request', age=(int, ...))\n",
            "pkg/api.py": SERVE + "from pkg.schema import Request\n",
        },
        Outcome.PASS,
    ),
    # a model whose only field is a mapping of anything checks no feature (ai-art-dev99/
    # mlops-capstone app/main.py:17-18; reviewed); a typed field beside it is a contract
    (
        "api-contracts",
        {
            "api.py": SERVE + "from typing import Any, Dict\nfrom pydantic import BaseModel\n"
            "class Features(BaseModel):\n    features: Dict[str, Any]\n"
        },
        Outcome.PARTIAL,
    ),
    (
        "api-contracts",
        {
            "api.py": SERVE + "from typing import Any, Dict\nfrom pydantic import BaseModel\n"
            "class Features(BaseModel):\n    features: Dict[str, Any]\n    age: int = 0\n"
        },
        Outcome.PASS,
    ),
    ("api-contracts", {"api.py": SERVE}, Outcome.FAIL),
    # parameters declared one by one: validated and published, no request model (neuml/txtai
    # api/routers/embeddings.py:54; reviewed)
    (
        "api-contracts",
        {
            "api.py": SERVE + "from fastapi import Body\n\n@app.post('/search')\n"
            "def search(queries: list[str] = Body(...), limit: int = Body(default=None)):\n"
            "    return []\n"
        },
        Outcome.PARTIAL,
    ),
    # known FP: pydantic config models without any serving code do not make an API
    (
        "api-contracts",
        {"conf.py": "from pydantic import BaseModel\nclass Cfg(BaseModel):\n    lr: float\n"},
        Outcome.NOT_APPLICABLE,
    ),
    # modular-layout
    (
        "modular-layout",
        {
            "src/pkg/training/train.py": "x=1\n",
            "src/pkg/serving/app.py": "x=1\n",
            "src/pkg/pipelines/p.py": "x=1\n",
        },
        Outcome.PASS,
    ),
    ("modular-layout", {"pkg/train.py": "x=1\n", "pkg/serve.py": "x=1\n"}, Outcome.PARTIAL),
    ("modular-layout", {"main.py": "x=1\n"}, Outcome.FAIL),
    # a data_processing/ folder beside the serving code: two roles (jacopotagliabue/you-dont-
    # need-a-bigger-boat remote_flow/metaflow/data_processing/; reviewed); the trap: a
    # module named for its data is no folder of roles unless named so whole
    (
        "modular-layout",
        {"flow/data_processing/wranglers.py": "x=1\n", "flow/inference/handler.py": "x=1\n"},
        Outcome.PARTIAL,
    ),
    (
        "modular-layout",
        {"flow/metadata/store.py": "x=1\n", "flow/inference/handler.py": "x=1\n"},
        Outcome.FAIL,
    ),
    # an empty module holds no role (NandakumarGunalan/mlops-keras-gcp src/evaluate.py, 0
    # bytes; reviewed)
    (
        "modular-layout",
        {"src/train.py": "x=1\n", "src/evaluate.py": "", "src/serve.py": "x=1\n"},
        Outcome.PARTIAL,
    ),
    # prediction/ is the serving role (teamdatatonic/vertex-pipelines-end-to-end-samples
    # model/prediction/main.py beside model/training/)
    (
        "modular-layout",
        {
            "model/training/train.py": "x=1\n",
            "model/prediction/main.py": "x=1\n",
            "pipelines/p.py": "x=1\n",
        },
        Outcome.PASS,
    ),
    # a folder named by a compound says its last word (GoogleCloudPlatform/mlops-with-vertex-ai)
    (
        "modular-layout",
        {
            "src/model_training/task.py": "x=1\n",
            "src/tfx_pipelines/runner.py": "x=1\n",
            "src/common/features.py": "x=1\n",
        },
        Outcome.PASS,
    ),
    # ... a module's name does not: it queries a training job, it validates data
    (
        "modular-layout",
        {
            "custom_resource/sagemaker_query_training.py": "x=1\n",
            "src/data_validation.py": "x=1\n",
            "api/app.py": "x=1\n",
        },
        Outcome.FAIL,
    ),
    # known FP: .github helper scripts are not a pipelines module
    ("modular-layout", {".github/workflows/render.py": "x=1\n", "main.py": "x=1\n"}, Outcome.FAIL),
    # notebook-imports (anti: pass = clean)
    ("notebook-imports", {"src/app.py": "import sys\nsys.path.append('..')\n"}, Outcome.FAIL),
    ("notebook-imports", {"src/app.py": "import import_ipynb\n"}, Outcome.FAIL),
    (
        "notebook-imports",
        {"src/job.py": "# Databricks notebook source\n# MAGIC %run ./utils\n"},
        Outcome.FAIL,
    ),
    ("notebook-imports", {"src/app.py": "import pkg.utils\n"}, Outcome.PASS),
    # known FP: Sphinx conf.py and test conftest patch sys.path legitimately
    (
        "notebook-imports",
        {
            "conf.py": "import os, sys\nsys.path.insert(0, os.path.abspath('..'))\n",
            "tests/conftest.py": "import sys\nsys.path.append('..')\n",
        },
        Outcome.PASS,
    ),
    # hardcoded-endpoints (anti, weak)
    (
        "hardcoded-endpoints",
        {"src/load.py": "df = read('s3://acme-data/train.parquet')\n"},
        Outcome.FAIL,
    ),
    (
        "hardcoded-endpoints",
        {"src/client.py": "URL = 'http://10.0.3.17:8080/predict'\n"},
        Outcome.FAIL,
    ),
    # a client calling a server on the loopback address names one machine's server
    # (khuyentran1401/customer_segmentation src/streamlit_app.py:67)
    (
        "hardcoded-endpoints",
        {"src/streamlit_app.py": "r = requests.post('http://127.0.0.1:5000/predict', json=d)\n"},
        Outcome.FAIL,
    ),
    # ... a bind address is not, nor a test.py run by hand against a local emulator
    (
        "hardcoded-endpoints",
        {
            "src/app.py": "app.run(host='127.0.0.1', port=5000)\n",
            "lambda/test.py": "url = 'http://localhost:8080/2015-03-31/functions/function/invocations'\n",
        },
        Outcome.PASS,
    ),
    # a smoke test run against the container (Unstructured-IO/unstructured-api
    # scripts/smoketest.py:14; reviewed)
    (
        "hardcoded-endpoints",
        {"scripts/smoketest.py": "API_URL = 'http://localhost:8000/general/v0/general'\n"},
        Outcome.PASS,
    ),
    # a default the caller's keyword arguments override (neuml/txtai pipeline/llm/opencode.py:66;
    # reviewed) ...
    (
        "hardcoded-endpoints",
        {"src/llm.py": "self.url = kwargs.get('url', 'http://localhost:4096')\n"},
        Outcome.PASS,
    ),
    # ... not a lookup in another dict, whose default is the endpoint
    (
        "hardcoded-endpoints",
        {"src/llm.py": "self.url = routes.get('llm', 'http://localhost:4096')\n"},
        Outcome.FAIL,
    ),
    # a platform's published schema is the same for every deployment
    (
        "hardcoded-endpoints",
        {
            "c/eval.py": "SCHEMA = 'gs://google-cloud-aiplatform/schema/modelevaluation/"
            "classification_metrics_1.0.0.yaml'\n"
        },
        Outcome.PASS,
    ),
    # ... a bucket named like it is not
    (
        "hardcoded-endpoints",
        {"c/eval.py": "DATA = 'gs://google-cloud-aiplatform-acme-data/train.csv'\n"},
        Outcome.FAIL,
    ),
    (
        "hardcoded-endpoints",
        {
            "src/load.py": "import os\nBUCKET = os.getenv('BUCKET', 's3://acme-data')\n",
            "src/config.py": "DATA = 's3://acme'\n",
        },
        Outcome.PASS,
    ),
    # known FP: bind addresses and version strings are not endpoints
    (
        "hardcoded-endpoints",
        {"src/serve.py": "run(host='0.0.0.0', port=80)\nVERSION = '1.2.3'\n"},
        Outcome.PASS,
    ),
    # notebook-imports: the parent folder reached through the name the call is given
    # (ultralytics/yolov5 models/yolo.py:22-24)
    (
        "notebook-imports",
        {
            "pkg/yolo.py": "import sys\nfrom pathlib import Path\nFILE = Path(__file__).resolve()\n"
            "ROOT = FILE.parents[1]\nif str(ROOT) not in sys.path:\n    sys.path.append(str(ROOT))\n"
        },
        Outcome.FAIL,
    ),
    # ... the trap: parents[0] is the file's own folder, not a parent
    (
        "notebook-imports",
        {
            "train.py": "import sys\nfrom pathlib import Path\nFILE = Path(__file__).resolve()\n"
            "ROOT = FILE.parents[0]\nsys.path.append(str(ROOT))\n"
        },
        Outcome.PASS,
    ),
    # model-served-by-uri: a model pulled from PyTorch Hub is loaded as an artifact
    (
        "model-served-by-uri",
        {"pkg/serve.py": SERVE + "import torch\nm = torch.hub.load('org/repo', 'small')\n"},
        Outcome.PASS,
    ),
    # a Triton model config's typed inputs, in either protobuf text form
    (
        "model-io-contract",
        {"models/m/config.pbtxt": 'name: "m"\ninput {\n  name: "x"\n  data_type: TYPE_FP32\n}\n'},
        Outcome.PASS,
    ),
    # a SavedModel exported with serving signatures (mlops-with-vertex-ai exporter.py:99);
    # saved without them, it declares nothing
    (
        "model-io-contract",
        {
            "exporter.py": "import tensorflow as tf\n"
            "tf.saved_model.save(m, out, signatures={'serving_default': f})\n"
        },
        Outcome.PASS,
    ),
    (
        "model-io-contract",
        {"exporter.py": "import tensorflow as tf\ntf.saved_model.save(m, out)\n"},
        Outcome.FAIL,
    ),
    # a model read from a Metaflow run's artifacts (full-stack-ML-metaflow-tutorial model-server.py)
    (
        "model-served-by-uri",
        {
            "pkg/serve.py": SERVE
            + "from metaflow import Flow\nm = Flow('TrainFlow').latest_run.data.model\n"
        },
        Outcome.PASS,
    ),
]


@pytest.mark.parametrize(("check", "files", "expected"), CASES)
def test_coupling_checks(tmp_path, check, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, with_a_model(check, files)), check)
    assert obs.outcome == expected, obs.message


def test_code_roles_resolves_local_imports(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/data.py": FEATURES,
            "src/pkg/predict.py": "from pkg.data import preprocess\n",
            "src/pkg/serve.py": SERVE + "from . import predict\n",
            "src/pkg/train.py": "from .data import preprocess\nloss.backward()\n",
            "tests/test_train.py": TRAIN,
        },
    )
    roles = code_roles(snap)
    assert set(roles.serving) == {"src/pkg/serve.py"}
    assert set(roles.training) == {"src/pkg/train.py"}  # tests are not training code
    reach = roles.reach("src/pkg/serve.py")
    assert "src/pkg/data.py" in reach and reach["src/pkg/data.py"][0] == "src/pkg/predict.py"


def test_code_roles_fit_on_preprocessor_is_not_training(tmp_path):
    snap = snapshot(tmp_path, {"prep.py": "scaler.fit(X)\npreprocessor = preprocessor.fit(ds)\n"})
    assert code_roles(snap).training == {}


def _coupled_repo(tmp_path, together: int, apart: int):
    root = make_repo(tmp_path / "r", {"pkg/train.py": TRAIN, "pkg/serve.py": SERVE})
    for i in range(together):
        commit(
            root,
            {"pkg/train.py": TRAIN + f"# {i}\n", "pkg/serve.py": SERVE + f"# {i}\n"},
            f"both {i}",
        )
    for i in range(apart):
        commit(root, {"pkg/train.py": TRAIN + f"# a{i}\n"}, f"train {i}")
    return open_worktree(root)


@pytest.mark.parametrize(
    ("together", "apart", "expected"),
    [(1, 8, Outcome.PASS), (6, 2, Outcome.FAIL), (1, 1, Outcome.UNKNOWN)],
)
def test_change_coupling(tmp_path, together, apart, expected):
    obs = run_rubric_check(_coupled_repo(tmp_path, together, apart), "change-coupling")
    assert obs.outcome == expected, obs.message


def test_change_coupling_same_module_trains_and_serves(tmp_path):
    snap = snapshot(tmp_path, {"app.py": SERVE + TRAIN})
    assert run_rubric_check(snap, "change-coupling").outcome == Outcome.FAIL


def test_modular_layout_template_rule(tmp_path):
    root = make_repo(
        tmp_path / "r",
        {
            "src/pkg/training/t.py": "x=1\n",
            "src/pkg/serving/s.py": "x=1\n",
            "src/pkg/pipelines/p.py": "x=1\n",
        },
    )
    commit(root, {"README.md": "a\n"}, "docs")
    commit(root, {"README.md": "b\n"}, "docs")
    obs = run_rubric_check(open_worktree(root), "modular-layout")
    assert obs.outcome == Outcome.PARTIAL and "template" in obs.message
