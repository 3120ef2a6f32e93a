"""Reproducibility (REP) checks, run through the default rubric so the YAML params are
tested too: per check a positive case, a negative case and the catalogue's known false
positives."""

from __future__ import annotations

import json

import pytest
from helpers import run_rubric_check, snapshot, training_repo

from mlaudit.results import Outcome

PASS, PARTIAL, FAIL, NA, UNKNOWN = (
    Outcome.PASS,
    Outcome.PARTIAL,
    Outcome.FAIL,
    Outcome.NOT_APPLICABLE,
    Outcome.UNKNOWN,
)

S3_VERSIONING = (
    'resource "aws_s3_bucket_versioning" "data" {\n  bucket = aws_s3_bucket.data.id\n'
    "  versioning_configuration {\n    status = %s\n  }\n}\n"
)


def nb(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "source": c.splitlines(True)} for c in cells],
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
        }
    )


DVC_CONFIG = "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://bucket/dvc\n"
DVC_POINTER = "outs:\n- md5: 3a1b2c3d4e5f60718293a4b5c6d7e8f9\n  size: 1024\n  path: raw\n"
DVC_YAML = (
    "stages:\n  train:\n    cmd: python src/train.py\n    deps:\n    - data/raw\n"
    "    - src/train.py\n    params:\n    - train.lr\n    outs:\n    - model.pkl\n"
)
DVC_LOCK = (
    "schema: '2.0'\nstages:\n  train:\n    cmd: python src/train.py\n    deps:\n"
    "    - path: data/raw\n      md5: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.dir\n    outs:\n"
    "    - path: model.pkl\n      md5: 9a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
)

CONFIGURATOR = (
    "import sys\nfrom ast import literal_eval\n\nfor arg in sys.argv[1:]:\n"
    "    if '=' not in arg:\n        config_file = arg\n"
    "        exec(open(config_file).read())\n"
)


TRAIN_PY = "clf = MLPClassifier(random_state=0, max_iter=50)\n"
DVC_STAGE = "stages:\n  train:\n    cmd: python train.py\n    deps:\n    - train.py\n    outs:\n    - model.pkl\n"


def dvc_lock(train: str) -> str:
    import hashlib

    digest = hashlib.md5(train.encode(), usedforsecurity=False).hexdigest()
    return (
        "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n"
        f"    - path: train.py\n      md5: {digest}\n    outs:\n    - path: model.pkl\n"
        "      md5: 0123456789abcdef0123456789abcdef\n"
    )


KEDRO_NODE = (
    "from kedro.pipeline import Pipeline, node\n\n"
    "def create_pipeline():\n    return Pipeline([node(func=train, "
    "inputs=dict(data='x_train', hyperparameters='params:xgb_hyperparameters'), outputs='model')])\n"
)


def hydra_seeded(seed: str, extra: str = "") -> dict[str, str]:
    """A Hydra project whose train script seeds from `cfg.seed`, `seed: <seed>` by default."""
    files = {
        "configs/train.yaml": f"defaults:\n  - _self_\n  - experiment: null\nseed: {seed}\n",
        "configs/experiment/example.yaml": "# @package _global_\nseed: 12345\n",
        "src/train.py": "import hydra\nimport lightning as L\n\n"
        "@hydra.main(config_path='../configs', config_name='train')\ndef main(cfg):\n"
        "    if cfg.get('seed'):\n        L.seed_everything(cfg.seed, workers=True)\n",
    }
    if extra:
        files["src/data.py"] = extra
    return files


RECIPE = (
    'recipe: "regression/v1"\ntarget_col: "fare_amount"\nprimary_metric: "root_mean_squared_error"\n'
    "steps:\n  ingest: {{INGEST_CONFIG}}\n  train:\n    using: custom\n  register:\n"
    "    allow_non_validated_model: false\n"
)
# a conda recipe in rattler-build's format is another `recipe.yaml`
RATTLER_RECIPE = "context:\n  version: 1.0\nrecipe:\n  name: pkg\nsource:\n  path: .\n"
JSONARGPARSE = (
    "from jsonargparse import ActionConfigFile, ArgumentParser\n"
    "parser = ArgumentParser(){}\nparser.add_argument('--lr', type=float)\n"
    "cfg = parser.parse_args()\n"
)
CHECKED_DOWNLOAD = (
    "from pkg import util\n\ndef _download_raw_dataset(metadata, dirname):\n"
    "    filename = dirname / metadata['filename']\n"
    "    util.download_url(metadata['url'], filename)\n"
    "    sha256 = util.compute_sha256(filename)\n"
    "    if sha256 != metadata['sha256']:\n        raise ValueError('bad download')\n"
    "    return filename\n"
)
PIXI_LOCK = (
    "version: 4\nenvironments: {{}}\npackages:\n"
    "- kind: pypi\n  name: numpy\n  version: 1.26.0\n  url: https://x/numpy.whl\n"
    "- kind: pypi\n  name: nerf\n  version: 1.0.3\n  path: .\n  sha256: ab\n"
    "  requires_dist:\n  - gsplat =={gsplat}\n  - numpy >=1\n  - pytest ; extra == 'dev'\n"
    "  requires_python: '>=3.8'\n"
)

UV_LOCK = (
    'version = 1\n\n[[package]]\nname = "bentoml"\nversion = "{bentoml}"\n\n'
    '[[package]]\nname = "ollm"\nsource = {{ editable = "." }}\ndependencies = [\n'
    '    {{ name = "bentoml" }},\n    {{ name = "typer" }},\n]\n\n'
    "[package.metadata]\nrequires-dist = [\n"
    '    {{ name = "bentoml", specifier = "=={bentoml}" }},\n    {{ name = "typer" }},\n]\n\n'
    '[[package]]\nname = "typer"\nversion = "0.12.0"\n'
)

INTEGRITY_CHECKED = (
    "import urllib.request\n\n"
    "def _urlretrieve(url, filename):\n    urllib.request.urlretrieve(url, filename)\n\n"
    "def download_from_url(url, file_path, config_path, hash_prefix):\n"
    "    _urlretrieve(url, file_path)\n"
    "    if not _check_integrity(file_path, hash_prefix):\n"
    "        raise ValueError('corrupted download')\n"
)

BAKE_HCL = (
    'variable "PY" {\n  default = "3.11"\n}\n\ntarget "default" {\n'
    '  dockerfile = "Dockerfile"\n  args = {\n    base_image = "deepset/haystack:stable"\n'
    "  }\n}\n"
)

SPLIT_THEN_FOREST = (
    "import numpy as np\nfrom sklearn.model_selection import train_test_split\n"
    "from sklearn.ensemble import RandomForestClassifier\n{seed}"
    "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=42)\n"
    "model = {forest}\nmodel.fit(X_tr, y_tr)\n"
)

SHA = "afc26626d710899948693e1a61405dce197f57ffa719fa1130d346b4cc095343"
BYTES_CHECKED = (
    "from urllib.request import urlopen\n\nSPEC = {'url': 'https://x/d.zip', 'sha256': '%s'}\n\n\n"
    "def download_dataset(spec):\n    with urlopen(spec['url'], timeout=30) as response:\n"
    "        payload = response.read()\n    digest = sha256_bytes(payload)\n"
    "    if digest != spec['sha256']:\n        raise ValueError('checksum mismatch')\n"
    "    return payload\n"
)

CASES = [
    # data-pinned -----------------------------------------------------------------------
    (
        "data-pinned",
        "dvc outs + remote",
        {".dvc/config": DVC_CONFIG, "data/raw.dvc": DVC_POINTER},
        PASS,
    ),
    (
        "data-pinned",
        "hf revision sha",
        {
            "train.py": "from datasets import load_dataset\nload_dataset('imdb', revision='4f1e2a9c0b7d')\n"
        },
        PASS,
    ),
    # a download checked against a recorded checksum (the-full-stack/fsdl-text-recognizer-2022
    # text_recognizer/data/base_data_module.py:33-37, data/raw/iam/metadata.toml) ...
    (
        "data-pinned",
        "hand-checked download",
        {"pkg/data/base.py": CHECKED_DOWNLOAD, "train.py": "model.fit(x)\n"},
        PASS,
    ),
    # ... by a verifier named for a hash (open-edge-platform/anomalib data/utils/download.py:
    # 318-324: urlretrieve(filename=path), then check_hash(path, info.hashsum); reviewed) ...
    (
        "data-pinned",
        "hand-checked download, check_hash",
        {
            "pkg/data/download.py": "from urllib.request import urlretrieve\n\n"
            "def download_and_extract(root, info):\n    path = root / info.filename\n"
            "    urlretrieve(url=info.url, filename=path)\n    check_hash(path, info.hashsum)\n",
            "train.py": "model.fit(x)\n",
        },
        PASS,
    ),
    # ... by torchvision's check_integrity or a private copy of it, after a private wrapper of
    # urlretrieve (mindee/doctr doctr/utils/data.py:106-121; reviewed) ...
    (
        "data-pinned",
        "hand-checked download, _check_integrity",
        {
            "pkg/utils/data.py": INTEGRITY_CHECKED,
            "train.py": "model.fit(x)\n",
        },
        PASS,
    ),
    # ... or the downloaded bytes hashed and compared with the digest the file records
    # (mzquadri/MLOps-End-to-End-Pipeline src/datasets.py:59,124-131; reviewed) ...
    (
        "data-pinned",
        "downloaded bytes against a recorded sha256",
        {"src/datasets.py": BYTES_CHECKED % SHA, "train.py": "model.fit(x)\n"},
        PASS,
    ),
    # ... not the same hashing with no digest recorded to compare with
    (
        "data-pinned",
        "FP downloaded bytes hashed, nothing recorded",
        {"src/datasets.py": BYTES_CHECKED % "unknown", "train.py": "model.fit(x)\n"},
        FAIL,
    ),
    # ... not an integrity check of another file than the one downloaded
    (
        "data-pinned",
        "FP integrity of another file",
        {
            "pkg/utils/data.py": INTEGRITY_CHECKED.replace(
                "_check_integrity(file_path", "_check_integrity(config_path"
            ),
            "train.py": "model.fit(x)\n",
        },
        FAIL,
    ),
    # ... not the builtin `hash` of the file's name
    (
        "data-pinned",
        "FP builtin hash of the download",
        {
            "pkg/data/download.py": "from urllib.request import urlretrieve\n\n"
            "def download_and_extract(root, info):\n    path = root / info.filename\n"
            "    urlretrieve(url=info.url, filename=path)\n    key = hash(path)\n",
            "train.py": "model.fit(x)\n",
        },
        FAIL,
    ),
    (
        "data-pinned",
        "pooch known_hash",
        {
            "pkg/data.py": "import pooch\n"
            "f = pooch.retrieve('https://x/iris.csv', known_hash='sha256:9f86d08')\n",
            "train.py": "model.fit(x)\n",
        },
        PASS,
    ),
    # ... not a download left unchecked, a hash computed of something else, or a checked
    # download of model weights (openai/whisper `_download`: the checkpoint's sha256)
    (
        "data-pinned",
        "FP pooch without a hash",
        {
            "pkg/data.py": "import pooch\nf = pooch.retrieve('https://x/iris.csv', known_hash=None)\n",
            "train.py": "model.fit(x)\n",
        },
        FAIL,
    ),
    (
        "data-pinned",
        "FP digest of the url",
        {
            "pkg/data/base.py": CHECKED_DOWNLOAD.replace(
                "compute_sha256(filename)", "compute_sha256(metadata['url'])"
            ),
            "train.py": "model.fit(x)\n",
        },
        FAIL,
    ),
    (
        "data-pinned",
        "FP checked weights download",
        {
            "pkg/hub.py": CHECKED_DOWNLOAD.replace("_download_raw_dataset", "_download"),
            "train.py": "model.fit(x)\n",
        },
        FAIL,
    ),
    (
        "data-pinned",
        "delta versionAsOf",
        {"etl.py": "df = spark.read.format('delta').option('versionAsOf', 3).load(p)\n"},
        PASS,
    ),
    # a Hopsworks feature view read at a fixed training-dataset version
    (
        "data-pinned",
        "hopsworks training dataset version",
        {
            "train.py": "import hopsworks\nproject = hopsworks.login()\nfs = project.get_feature_store()\n"
            "fv = fs.get_feature_view('iris', 1)\nX, y = fv.get_training_data(1)\n"
        },
        PASS,
    ),
    (
        "data-pinned",
        "hopsworks split by keyword",
        {
            "train.py": "fv = fs.get_or_create_feature_view(name='iris', version=1, query=q)\n"
            "parts = fv.get_train_test_split(training_dataset_version=2)\n"
        },
        PASS,
    ),
    # FP: no version materialises a new training dataset each run; a version computed at
    # run time is not a pin either; a project function of the same name is not a feature view
    (
        "data-pinned",
        "FP hopsworks unversioned read",
        {
            "train.py": "fv = fs.get_feature_view('iris', 1)\nX = fv.get_training_data()\n"
            "Y = fv.get_train_test_split(training_dataset_version=td)\nZ = get_training_data(1)\n"
        },
        FAIL,
    ),
    (
        "data-pinned",
        "hashes without remote",
        {".dvc/config": "[core]\n", "data/raw.dvc": DVC_POINTER},
        PARTIAL,
    ),
    (
        "data-pinned",
        "nothing",
        {"train.py": "import pandas as pd\npd.read_csv('data.csv')\n"},
        FAIL,
    ),
    # FP: an empty `dvc init` pins nothing
    (
        "data-pinned",
        "FP empty dvc init",
        {".dvc/config": DVC_CONFIG, ".dvcignore": "# ignore\n"},
        FAIL,
    ),
    # FP: a floating revision is not a pin
    (
        "data-pinned",
        "FP revision main",
        {"train.py": "from datasets import load_dataset\nload_dataset('imdb', revision='main')\n"},
        FAIL,
    ),
    # data-backup -------------------------------------------------------------------------
    (
        "data-backup",
        "s3 versioning enabled",
        {
            "infra/main.tf": 'resource "aws_s3_bucket_versioning" "data" {\n  bucket = aws_s3_bucket.data.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n'
        },
        PASS,
    ),
    # a status a variable decides: its default where nothing else sets it ...
    (
        "data-backup",
        "s3 versioning from a variable's default",
        {
            "infra/main.tf": S3_VERSIONING % "var.versioning",
            "infra/variables.tf": 'variable "versioning" {\n  default = "Enabled"\n}\n',
        },
        PASS,
    ),
    # ... unknown where an expression over an uncommitted variable file decides it
    # (hzabun/player-churn-mlops terraform/modules/s3/main.tf:7-11; reviewed)
    (
        "data-backup",
        "s3 versioning decided by an expression",
        {"infra/main.tf": S3_VERSIONING % 'var.on ? "Enabled" : "Suspended"'},
        UNKNOWN,
    ),
    (
        "data-backup",
        "backup plan",
        {"main.tf": 'resource "aws_backup_plan" "daily" {\n  name = "daily"\n}\n'},
        PASS,
    ),
    (
        "data-backup",
        "gcs inline versioning",
        {
            "gcs.tf": 'resource "google_storage_bucket" "d" {\n  versioning {\n    enabled = true\n  }\n}\n'
        },
        PASS,
    ),
    (
        "data-backup",
        "cloudformation",
        {
            "stack.yaml": "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n"
            "      VersioningConfiguration:\n        Status: Enabled\n"
        },
        PASS,
    ),
    (
        "data-backup",
        "FP commented-out block",
        {"main.tf": '# resource "aws_backup_plan" "daily" {\n#   name = "daily"\n# }\n'},
        FAIL,
    ),
    ("data-backup", "no IaC", {"train.py": "x = 1\n"}, FAIL),
    # FP: versioning declared but suspended; prose in a README
    (
        "data-backup",
        "FP suspended",
        {
            "main.tf": 'resource "aws_s3_bucket_versioning" "d" {\n  versioning_configuration {\n    status = "Suspended"\n  }\n}\n',
            "README.md": 'status = "Enabled"\n',
        },
        FAIL,
    ),
    # point-in-time-data ----------------------------------------------------------------------
    (
        "point-in-time-data",
        "feast historical",
        {
            "features.py": "from feast import FeatureStore\nstore = FeatureStore('.')\nstore.get_historical_features(entity_df=df, features=f)\n"
        },
        PASS,
    ),
    (
        "point-in-time-data",
        "sql system time",
        {"sql/train.sql": "SELECT * FROM t FOR SYSTEM_TIME AS OF '2024-01-01'\n"},
        PASS,
    ),
    ("point-in-time-data", "nothing", {"train.py": "x = 1\n"}, FAIL),
    # FP: a commented-out query does not count
    (
        "point-in-time-data",
        "FP sql comment",
        {"q.sql": "-- FOR SYSTEM_TIME AS OF yesterday\nSELECT 1\n"},
        FAIL,
    ),
    # pipeline-as-code -------------------------------------------------------------------------
    # an MLflow Recipe (mlflow/recipes-regression-template recipe.yaml:18); a rattler-build
    # conda recipe is another recipe.yaml
    (
        "pipeline-as-code",
        "mlflow recipe",
        {"recipe.yaml": RECIPE, "steps/train.py": "x = 1\n"},
        PASS,
    ),
    ("pipeline-as-code", "FP conda recipe.yaml", {"recipe/recipe.yaml": RATTLER_RECIPE}, FAIL),
    # a Prefect flow that trains (DataTalksClub/mlops-zoomcamp orchestrate.py), as AUT004 counts it
    (
        "pipeline-as-code",
        "prefect flow that trains",
        {
            "orchestrate.py": "from prefect import flow\nimport xgboost as xgb\n\n@flow\n"
            "def main():\n    booster = xgb.train(params, dtrain)\n"
        },
        PASS,
    ),
    # Prefect 1.x: a Flow context holding the tasks (datarevenue-berlin/OpenMLOps tutorial)
    (
        "pipeline-as-code",
        "prefect 1 Flow that trains",
        {
            "flow.py": "from prefect import Flow, task\nfrom sklearn.linear_model import ElasticNet\n\n"
            "@task\ndef train(x, y):\n    return ElasticNet().fit(x, y)\n\n"
            "with Flow('train') as flow:\n    train(x, y)\n"
        },
        PASS,
    ),
    # a spaCy/Weasel project (explosion/projects pipelines/ner_demo/project.yml)
    (
        "pipeline-as-code",
        "weasel project.yml",
        {
            "project.yml": "workflows:\n  all:\n    - train\ncommands:\n  - name: train\n"
            "    script: ['python -m spacy train c.cfg']\n    deps: ['corpus/train.spacy']\n"
            "    outputs: ['training/model-best']\n"
        },
        PASS,
    ),
    # FP: another tool's project.yml (no workflows of commands with dependencies)
    (
        "pipeline-as-code",
        "FP other project.yml",
        {"project.yml": "name: app\ncommands:\n  - name: build\n    script: [make]\n"},
        FAIL,
    ),
    # FP: a flow that moves files trains nothing
    (
        "pipeline-as-code",
        "FP prefect flow without training",
        {"etl.py": "from prefect import flow\n\n@flow\ndef copy():\n    move(a, b)\n"},
        FAIL,
    ),
    # an MLflow Recipe (mlflow/recipes-regression-template recipe.yaml:18); a rattler-build
    # conda recipe is another recipe.yaml
    (
        "params-externalized",
        "mlflow recipe",
        {"recipe.yaml": RECIPE, "steps/train.py": "x = 1\n"},
        PASS,
    ),
    ("params-externalized", "FP conda recipe.yaml", {"recipe/recipe.yaml": RATTLER_RECIPE}, FAIL),
    # a logging configuration is no parameter file (aswithabukka/mlops-fraud-detection
    # src/utils/logger.py:29; reviewed)
    (
        "params-externalized",
        "FP logging config",
        {
            "src/utils/logger.py": "import yaml, logging.config\n"
            "logging.config.dictConfig(yaml.safe_load(open('config/logging_config.yaml')))\n",
            "config/logging_config.yaml": "version: 1\nhandlers: {}\n",
        },
        FAIL,
    ),
    # ... a logistic regression's parameters are (`log_reg.yaml`)
    (
        "params-externalized",
        "log_reg config is parameters",
        {
            "train.py": "import yaml\nP = yaml.safe_load(open('configs/log_reg.yaml'))\n"
            "model.fit(X, y, C=P['C'])\n",
            "configs/log_reg.yaml": "C: 0.5\n",
        },
        PASS,
    ),
    # a config file whose path an environment variable gives, read by a helper
    # (jacopotagliabue/you-dont-need-a-bigger-boat local_flow/intent/src/
    # cart_baseline_flow.py:117, config.json beside it; reviewed) ...
    (
        "params-externalized",
        "config path from the environment",
        {
            "flow/train_flow.py": "import os\nfrom utils import read_json\n"
            "cfg = read_json(os.getenv('MODEL_CONFIG_PATH'))\nmodel.fit(x, epochs=cfg['EPOCHS'])\n",
            "flow/config.json": '{"EPOCHS": 200, "LEARNING_RATE": 0.01}\n',
        },
        PASS,
    ),
    # ... the traps: a variable that names a model, not a config; no config file in the tree
    (
        "params-externalized",
        "FP model path from the environment",
        {
            "flow/train_flow.py": "import os, json\ncfg = json.load(open(os.getenv('MODEL_PATH')))\n",
            "flow/config.json": '{"EPOCHS": 200}\n',
        },
        FAIL,
    ),
    # TensorFlow's TF_CONFIG holds the cluster's JSON, no file of parameters
    # (Jessicanyc/Distributed-Machine-Learning-System; reviewed)
    (
        "params-externalized",
        "FP TF_CONFIG",
        {
            "train.py": "import os, json\ncluster = json.loads(os.getenv('TF_CONFIG'))\n"
            "model.fit(x, epochs=1)\n",
            "cluster_config.json": '{"lr": 0.1}\n',
        },
        FAIL,
    ),
    (
        "params-externalized",
        "FP config path from the environment, no config file",
        {
            "flow/train_flow.py": "import os\nfrom utils import read_json\n"
            "cfg = read_json(os.getenv('MODEL_CONFIG_PATH'))\n",
            "tsconfig.json": "{}\n",
        },
        FAIL,
    ),
    ("pipeline-as-code", "dvc locked", {"dvc.yaml": DVC_YAML, "dvc.lock": DVC_LOCK}, PASS),
    (
        "pipeline-as-code",
        "mlflow recipe",
        {
            "recipe.yaml": (
                'template: "regression/v1"\ndata:\n  location: {{INGEST_DATA_LOCATION}}\n'
                "steps:\n  train:\n    estimator_method: steps.train.estimator_fn\n"
            )
        },
        PASS,
    ),
    (
        "pipeline-as-code",
        "FP CI pipeline.yaml is not an ML recipe",
        {"pipeline.yaml": "trigger:\n- main\nsteps:\n- script: make test\n"},
        FAIL,
    ),
    (
        "pipeline-as-code",
        "mlproject",
        {
            "MLproject": "name: x\nentry_points:\n  main:\n    command: python train.py\n",
            "train.py": "print(1)\n",
        },
        PASS,
    ),
    # class 7 of issue 10: only a file named exactly MLproject is one, and only entry points
    # whose script exists count
    (
        "pipeline-as-code",
        "mlproject in a subfolder running a module",
        {
            "proj/MLproject": "name: x\nentry_points:\n  main:\n    command: python -m pkg.train\n",
            "proj/pkg/train.py": "print(1)\n",
        },
        PASS,
    ),
    # the lock's md5 of a tracked dependency is that file's (iterative/cml_dvc_case: train.py
    # edited after `dvc repro`, dvc.lock:7 kept the old md5: the pipeline is stale)
    (
        "pipeline-as-code",
        "dvc lock matches the code",
        {"dvc.yaml": DVC_STAGE, "dvc.lock": dvc_lock(TRAIN_PY), "train.py": TRAIN_PY},
        PASS,
    ),
    (
        "pipeline-as-code",
        "FP dvc lock of older code",
        {
            "dvc.yaml": DVC_STAGE,
            "dvc.lock": dvc_lock(TRAIN_PY),
            "train.py": TRAIN_PY.replace("50", "30"),
        },
        PARTIAL,
    ),
    # a Kubeflow pipeline definition (GoogleCloudPlatform/vertex-pipelines-end-to-end-samples
    # pipelines/src/pipelines/xgboost/training/pipeline.py:30)
    (
        "pipeline-as-code",
        "kfp pipeline",
        {
            "pipelines/training/pipeline.py": "from kfp.v2 import dsl\n\n"
            "@dsl.pipeline(name='xgboost-train-pipeline')\ndef pipeline():\n    pass\n"
        },
        PASS,
    ),
    (
        "pipeline-as-code",
        "FP kfp imported, no pipeline",
        {"pipelines/components.py": "from kfp.v2 import dsl\n\nx = dsl.Output\n"},
        FAIL,
    ),
    # fmind/mlops-python-package MLproject:5-9 (src/bikes/__main__.py)
    (
        "pipeline-as-code",
        "mlproject running a src-layout module",
        {
            "MLproject": "name: bikes\nentry_points:\n  main:\n"
            "    command: 'PYTHONPATH=src python -m bikes {conf_file}'\n",
            "src/bikes/__main__.py": "print(1)\n",
        },
        PASS,
    ),
    (
        "pipeline-as-code",
        "FP mlproject running a module that is nowhere",
        {
            "MLproject": "name: bikes\nentry_points:\n  main:\n"
            "    command: 'PYTHONPATH=lib python -m bikes {conf_file}'\n",
            "src/other/__main__.py": "print(1)\n",
        },
        FAIL,
    ),
    (
        "pipeline-as-code",
        "FP MLproject.yaml is not an MLflow project",
        {
            "MLproject.yaml": "name: x\nentry_points:\n  main:\n    command: python train.py\n",
            "train.py": "print(1)\n",
        },
        FAIL,
    ),
    (
        "pipeline-as-code",
        "FP a test fixture's MLproject",
        {
            "tests/integration/mnist/MLproject": "name: x\nentry_points:\n  main:\n"
            "    command: python train.py\n",
            "tests/integration/mnist/train.py": "print(1)\n",
        },
        FAIL,
    ),
    (
        "pipeline-as-code",
        "FP entry point runs a script that does not exist",
        {"MLproject": "name: x\nentry_points:\n  main:\n    command: python train.py\n"},
        FAIL,
    ),
    # a yacs config merged from the file the command line names (facebookresearch/detectron2
    # tools/train_net.py:117), the file in configs/
    (
        "params-externalized",
        "yacs merge_from_file",
        {
            "tools/train_net.py": "from detectron2.config import get_cfg\ncfg = get_cfg()\n"
            "cfg.merge_from_file(args.config_file)\n",
            "configs/mask_rcnn.yaml": "SOLVER:\n  BASE_LR: 0.02\n",
        },
        PASS,
    ),
    # a training framework's command line reads its config file (RasaHQ/rasa-demo
    # continuous_integration.yml:232 `rasa train`, config.yml; reviewed)
    (
        "params-externalized",
        "rasa train reads config.yml",
        {
            ".github/workflows/ci.yml": "on: [pull_request]\njobs:\n  t:\n    runs-on: x\n"
            "    steps:\n      - run: rasa train\n",
            "config.yml": "language: en\npipeline:\n  - name: DIETClassifier\n    epochs: 200\n",
        },
        PASS,
    ),
    (
        "params-externalized",
        "spacy train with its config",
        {
            "project.sh": "python -m spacy train configs/config.cfg --output training/\n",
            "configs/config.cfg": "[training]\nmax_epochs = 10\n",
        },
        PASS,
    ),
    # the trap: the config the command names is not in the repository
    (
        "params-externalized",
        "FP spacy train of a config not committed",
        {"project.sh": "spacy train configs/missing.cfg --output training/\n"},
        FAIL,
    ),
    # a configuration module loads the files of the tree by paths it builds (RUCAIBox/RecBole
    # recbole/config/configurator.py:242; google-deepmind/graphcast weathernext/utils/
    # fiddle_config_io.py:137; reviewed) ...
    (
        "params-externalized",
        "config module builds a relative yaml path",
        {
            "rec/config/configurator.py": "import os\nimport yaml\n\ndef load(model):\n"
            "    base = os.path.dirname(__file__)\n"
            "    path = os.path.join(base, '../properties/overall.yaml')\n"
            "    return yaml.safe_load(open(path))\n",
            "rec/properties/overall.yaml": "learning_rate: 0.001\n",
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        PASS,
    ),
    (
        "params-externalized",
        "config module builds a path from a name and an extension",
        {
            "wn/utils/fiddle_config_io.py": "import pathlib\n"
            "from fiddle.experimental import serialization\n\n"
            "def get(name):\n"
            "    path = pathlib.Path(__file__).parent.parent / (name + '.json')\n"
            "    with open(path) as f:\n"
            "        return serialization.load_json(f.read())\n",
            "wn/model2/configs/Model2.json": '{"lr": 0.1}\n',
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        PASS,
    ),
    # ... a data reader is no configuration module, though it builds ".json" paths too ...
    (
        "params-externalized",
        "FP data reader building json paths",
        {
            "wn/data/reader.py": "import json\n\ndef read(name):\n"
            "    return json.load(open(name + '.json'))\n",
            "wn/model2/configs/Model2.json": '{"lr": 0.1}\n',
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        PARTIAL,
    ),
    # ... nor does a configuration module read JSON files where the configs are YAML
    (
        "params-externalized",
        "FP config module of another extension",
        {
            "wn/utils/config_io.py": "import json\n\ndef get(name):\n"
            "    return json.load(open(name + '.json'))\n",
            "wn/configs/model.yaml": "lr: 0.1\n",
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        PARTIAL,
    ),
    # the project's own loader handed the file the command line names (facebookresearch/
    # fairseq2 src/fairseq2/recipe/cli.py:194 `config_loader.load(config_kls,
    # args.config_file, …)`; reviewed) ...
    (
        "params-externalized",
        "own loader of the config file option",
        {
            "pkg/cli.py": "def run(args, config_loader, kls):\n"
            "    return config_loader.load(kls, args.config_file, args.config_overrides)\n",
            "recipes/train/configs/small.yaml": "lr: 0.0003\nnum_steps: 100\n",
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        PASS,
    ),
    # ... with no config file in the repository for it to read, nothing
    (
        "params-externalized",
        "FP own loader with no config files",
        {
            "pkg/cli.py": "def run(args, config_loader, kls):\n"
            "    return config_loader.load(kls, args.config_file)\n",
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        FAIL,
    ),
    # a Python package named config/ is code the project imports, not configuration files
    # (stanford-futuredata/ColBERT colbert/infra/config/settings.py, reviewed) ...
    (
        "params-externalized",
        "FP config package of dataclasses",
        {
            "colbert/__init__.py": "",
            "colbert/infra/config/__init__.py": "from .settings import *\n",
            "colbert/infra/config/settings.py": "from dataclasses import dataclass\n\n"
            "@dataclass\nclass TrainingSettings:\n    lr: float = 3e-06\n",
        },
        FAIL,
    ),
    # ... while Python config files in a configs/ folder (mmdetection style) are config files
    (
        "params-externalized",
        "python config files nothing loads",
        {"configs/faster_rcnn.py": "lr = 0.02\nmax_epochs = 12\n"},
        PARTIAL,
    ),
    # ... the trap: merged from files the repository does not hold
    (
        "params-externalized",
        "FP yacs merge without config files",
        {"tools/train_net.py": "cfg = get_cfg()\ncfg.merge_from_file(args.config_file)\n"},
        FAIL,
    ),
    # the options parsed in one module, the config file loaded in another
    # (facebookresearch/dinov2 dinov2/utils/config.py:44, the option in train/train.py:32)
    (
        "params-externalized",
        "loader of args.config_file, parser elsewhere",
        {
            "pkg/train.py": "import argparse\np = argparse.ArgumentParser()\n"
            "p.add_argument('--config-file')\n",
            "pkg/config.py": "from omegaconf import OmegaConf\n\n\ndef get_cfg(args):\n"
            "    return OmegaConf.load(args.config_file)\n",
            "pkg/configs/vitl16.yaml": "optim:\n  lr: 0.001\n",
        },
        PASS,
    ),
    (
        "params-externalized",
        "open() of args.hparams_path fed to a loader",
        {
            "pkg/config.py": "import json\n\n\ndef get(args):\n    return json.load(open(args.hparams_path))\n"
        },
        PASS,
    ),
    # ... the trap: the file the options name is data, not configuration
    (
        "params-externalized",
        "FP loader of args.data_file",
        {
            "pkg/data.py": "import json\n\n\ndef rows(args):\n    return json.load(open(args.data_file))\n"
        },
        FAIL,
    ),
    # Kedro feeds nodes `params:<key>` from conf/base/parameters.yml
    # (Galileo-Galilei/kedro-mlflow-tutorial ml_app/pipeline.py:105)
    (
        "params-externalized",
        "kedro params inputs",
        {
            "src/pkg/pipeline.py": KEDRO_NODE,
            "conf/base/parameters.yml": "xgb_hyperparameters:\n  max_depth: 6\n",
        },
        PASS,
    ),
    (
        "params-externalized",
        "FP kedro params inputs with no parameters file",
        {"src/pkg/pipeline.py": KEDRO_NODE},
        FAIL,
    ),
    # Lightning-AI/litgpt litgpt/__main__.py:80 CLI(PARSER_DATA), configs in config_hub/
    (
        "params-externalized",
        "jsonargparse CLI over config files",
        {
            "pkg/__main__.py": "from jsonargparse import CLI\nCLI({'finetune': finetune})\n",
            "config_hub/finetune/lora.yaml": "lr: 0.0002\n",
        },
        PASS,
    ),
    # a jsonargparse parser with a config-file option (Unbabel/COMET comet/cli/train.py:58) ...
    (
        "params-externalized",
        "jsonargparse parser with ActionConfigFile",
        {
            "pkg/cli/train.py": JSONARGPARSE.format(
                '\nparser.add_argument("--cfg", action=ActionConfigFile)'
            ),
            "configs/model.yaml": "lr: 0.0002\n",
        },
        PASS,
    ),
    # ... not one reading the command line only (COMET's comet-score parser)
    (
        "params-externalized",
        "FP jsonargparse parser without a config option",
        {"pkg/cli/score.py": JSONARGPARSE.format(""), "configs/model.yaml": "lr: 0.0002\n"},
        PARTIAL,
    ),
    # 🤗 HfArgumentParser over a committed JSON config (huggingface/parler-tts, reviewed)
    (
        "params-externalized",
        "hf argument parser reading a json file",
        {
            "training/run.py": "import sys\nfrom transformers import HfArgumentParser\n"
            "parser = HfArgumentParser((ModelArguments,))\n"
            "(model_args,) = parser.parse_json_file(json_file=sys.argv[1])\n",
            "helpers/training_configs/v1.json": '{"learning_rate": 0.001}\n',
        },
        PASS,
    ),
    # ... options only from the command line are not a config file
    (
        "params-externalized",
        "FP hf argument parser over the command line only",
        {
            "training/run.py": "from transformers import HfArgumentParser\n"
            "parser = HfArgumentParser((ModelArguments,))\n"
            "(model_args,) = parser.parse_args_into_dataclasses()\n",
            "helpers/training_configs/v1.json": '{"learning_rate": 0.001}\n',
        },
        PARTIAL,
    ),
    (
        "params-externalized",
        "FP jsonargparse CLI and no config file",
        {"pkg/__main__.py": "from jsonargparse import CLI\nCLI({'finetune': finetune})\n"},
        FAIL,
    ),
    (
        "params-externalized",
        "mlproject hyper-parameters",
        {
            "MLproject": "name: x\nentry_points:\n  main:\n    parameters:\n"
            "      alpha: {type: float, default: 0.5}\n      data_path: {type: path}\n"
            "    command: python train.py {alpha} {data_path}\n",
            "train.py": "import sys\n",
        },
        PASS,
    ),
    (
        "params-externalized",
        "FP mlproject parameters that are only paths",
        {
            "MLproject": "name: x\nentry_points:\n  main:\n    parameters:\n"
            "      training_data: {type: string, default: data/train.csv}\n"
            "      model_uri: {type: uri}\n"
            "    command: python train.py {training_data} {model_uri}\n",
            "train.py": "import sys\n",
        },
        FAIL,
    ),
    (
        "pipeline-as-code",
        "nothing",
        {"train.py": "x = 1\n", "Makefile": "train:\n\tpython train.py\n"},
        FAIL,
    ),
    # FP: a stale lock (command changed since) and a missing lock are only partial
    (
        "pipeline-as-code",
        "FP stale lock",
        {
            "dvc.yaml": DVC_YAML,
            "dvc.lock": DVC_LOCK.replace("src/train.py\n    deps", "old.py\n    deps"),
        },
        PARTIAL,
    ),
    ("pipeline-as-code", "FP no lock", {"dvc.yaml": DVC_YAML}, PARTIAL),
    # FP: dvc.yaml without stages
    ("pipeline-as-code", "FP empty dvc.yaml", {"dvc.yaml": "stages: {}\n"}, FAIL),
    # params-externalized ---------------------------------------------------------------------
    # config files nothing loads: partial; an empty one (Chim-SO/mlops-template's 0-byte
    # configs/model1.yaml) holds no parameter at all
    ("params-externalized", "unloaded config", {"configs/model1.yaml": "lr: 0.1\n"}, PARTIAL),
    ("params-externalized", "FP empty config", {"configs/model1.yaml": ""}, FAIL),
    # a tool's own configuration in a config folder holds no model parameter
    # (DataTalksClub/mlops-zoomcamp 05-monitoring/config/grafana_datasources.yaml)
    (
        "params-externalized",
        "FP grafana provisioning",
        {
            "config/grafana_datasources.yaml": "apiVersion: 1\ndatasources:\n  - name: pg\n",
            "config/prometheus.yml": "scrape_configs:\n  - job_name: app\n",
        },
        FAIL,
    ),
    (
        "params-externalized",
        "dvc params",
        {"dvc.yaml": DVC_YAML, "params.yaml": "train:\n  lr: 0.1\n"},
        PASS,
    ),
    (
        "params-externalized",
        "yaml loader",
        {
            "src/train.py": "import yaml\nparams = yaml.safe_load(open('params.yaml'))['train']\n",
            "params.yaml": "train:\n  lr: 0.1\n",
        },
        PASS,
    ),
    # a loader naming a parameter file that is not in the repository: nobody else has it
    (
        "params-externalized",
        "FP loader of a file not in the repository",
        {"src/train.py": "import yaml\nparams = yaml.safe_load(open('params.yaml'))['train']\n"},
        PARTIAL,
    ),
    # configuration loading without a config file name in the code (issue #10 class 11)
    (
        "params-externalized",
        "nanoGPT configurator",
        {
            "train.py": "lr = 6e-4\nexec(open('configurator.py').read())\n",
            "configurator.py": CONFIGURATOR,
            "config/train_small.py": "lr = 1e-3\n",
        },
        PASS,
    ),
    (
        "params-externalized",
        "exec of a config from sys.argv",
        {"run.py": "import sys\nlr = 0.1\nexec(open(sys.argv[1]).read())\n"},
        PASS,
    ),
    (
        "params-externalized",
        "configparser",
        {
            "train.py": "import configparser\ncfg = configparser.ConfigParser()\n"
            "cfg.read('train.ini')\nlr = cfg.getfloat('model', 'lr')\n"
        },
        PASS,
    ),
    (
        "params-externalized",
        "argparse --config + yaml",
        {
            "train.py": "import argparse\nimport yaml\n\np = argparse.ArgumentParser()\n"
            "p.add_argument('--config', required=True)\nargs = p.parse_args()\n"
            "with open(args.config) as f:\n    cfg = yaml.safe_load(f)\n"
        },
        PASS,
    ),
    (
        "params-externalized",
        "typer option + json",
        {
            "train.py": "import json\nimport typer\n\napp = typer.Typer()\n\n\n@app.command()\n"
            "def main(config_path: str = typer.Option(..., '--config-path')):\n"
            "    hp = json.load(open(config_path))\n"
        },
        PASS,
    ),
    (
        "params-externalized",
        "FP json.loads of a command-line string",
        {
            "train.py": "import json\nimport typer\n\n\ndef main(train_loop_config: str = typer.Option(...)):\n"
            "    cfg = json.loads(train_loop_config)\n"
        },
        FAIL,
    ),
    (
        "params-externalized",
        "FP CLI script loading a results file",
        {
            "report.py": "import json\nimport sys\n\nresults = json.load(open(sys.argv[1]))\n"
            "print(results['accuracy'])\n"
        },
        FAIL,
    ),
    (
        "params-externalized",
        "FP exec of a script that is no config",
        {"run.py": "exec(open('setup_env.py').read())\n", "setup_env.py": "import os\n"},
        FAIL,
    ),
    (
        "params-externalized",
        "hydra",
        {
            "train.py": "import hydra\n@hydra.main(config_path='conf', config_name='config')\ndef main(cfg):\n"
            "    model.fit(x, y)\n"
        },
        PASS,
    ),
    # a Hydra entry point that hands over to the project's code, relative or absolute
    (
        "params-externalized",
        "hydra runs the project",
        {
            "src/__init__.py": "",
            "src/train.py": "def train(cfg):\n    model.fit(x, y)\n",
            "run.py": "import hydra\nfrom src.train import train\n\n"
            "@hydra.main(config_path='conf', config_name='config')\ndef main(cfg):\n    train(cfg)\n",
        },
        PASS,
    ),
    (
        "params-externalized",
        "hydra relative import",
        {
            "pkg/__init__.py": "",
            "pkg/main.py": "import hydra\nfrom . import solver\n\n"
            "@hydra.main(config_path='conf', config_name='config')\ndef main(cfg):\n    solver.run(cfg)\n",
        },
        PASS,
    ),
    # FP: a standalone Hydra script that trains nothing configures a toy (optuna/optuna-
    # examples hydra/simple.py:19-24, `return x**2 + y**2 + z`; reviewed)
    (
        "params-externalized",
        "FP hydra toy objective",
        {
            "hydra/simple.py": "from omegaconf import DictConfig\n\nimport hydra\n\n"
            "@hydra.main(version_base=None, config_path='conf', config_name='config')\n"
            "def objective(cfg: DictConfig) -> float:\n    return cfg.x**2 + cfg.y**2\n",
            "hydra/conf/config.yaml": "x: 1\ny: 2\n",
        },
        PARTIAL,
    ),
    # Dora's wrapper of hydra.main (facebookresearch/demucs demucs/train.py:222) ... not
    # another library's decorator of that name
    (
        "params-externalized",
        "dora hydra_main",
        {
            "train.py": "from dora import hydra_main\nfrom .solver import get_solver\n"
            "@hydra_main(config_path='../conf', config_name='config')\ndef main(cfg):\n"
            "    get_solver(cfg).train()\n"
        },
        PASS,
    ),
    (
        "params-externalized",
        "FP other hydra_main",
        {
            "train.py": "from mylib import hydra_main\n"
            "@hydra_main(config_path='../conf')\ndef main(cfg):\n    pass\n"
        },
        FAIL,
    ),
    (
        "params-externalized",
        "config dir unread",
        {"configs/train.yaml": "lr: 0.1\n", "train.py": "lr = 0.1\n"},
        PARTIAL,
    ),
    (
        "params-externalized",
        "argparse only",
        {
            "train.py": "import argparse\np = argparse.ArgumentParser()\np.add_argument('--lr', type=float)\n"
        },
        FAIL,
    ),
    # FP: README prose and a loader reading data, not parameters
    (
        "params-externalized",
        "FP readme + data json",
        {
            "README.md": "Edit params.yaml\n",
            "load.py": "import json\nrows = json.load(open('rows.json'))\n",
        },
        FAIL,
    ),
    # a JSON file named for training is its data, and a help text naming a file is no file
    # name (google-research/bert run_squad.py:230, reviewed)
    (
        "params-externalized",
        "FP json training data named in a help text",
        {
            "run_squad.py": "import json\nimport argparse\n"
            "p = argparse.ArgumentParser()\n"
            "p.add_argument('--train_file', help='SQuAD json for training. E.g., train-v1.1.json')\n"
            "data = json.load(open(p.parse_args().train_file))\n",
        },
        FAIL,
    ),
    # ... while a YAML file named for training is its settings
    (
        "params-externalized",
        "yaml named for training",
        {
            "train.py": "import yaml\ncfg = yaml.safe_load(open('configs/train.yaml'))\n",
            "configs/train.yaml": "lr: 0.1\n",
        },
        PASS,
    ),
    # seeds-set --------------------------------------------------------------------------------
    ("seeds-set", "numpy seed", {"train.py": "import numpy as np\nnp.random.seed(42)\n"}, PASS),
    # the project's own subclass of 🤗 Trainer seeds its runs as the Trainer does (haotian-liu/
    # LLaVA llava/train/llava_trainer.py, built in train.py; reviewed) ...
    (
        "seeds-set",
        "trainer subclass",
        {
            "pkg/my_trainer.py": "from transformers import Trainer\n\n\nclass MyTrainer(Trainer):\n"
            "    pass\n",
            "train.py": "from pkg.my_trainer import MyTrainer\n\ntrainer = MyTrainer(model=m, args=a)\n"
            "trainer.train()\n",
        },
        PASS,
    ),
    # ... a subclass of Lightning's, which seeds nothing, does not
    (
        "seeds-set",
        "FP lightning trainer subclass",
        {
            "pkg/my_trainer.py": "import lightning as L\n\n\nclass MyTrainer(L.Trainer):\n"
            "    pass\n",
            "train.py": "from pkg.my_trainer import MyTrainer\n\nMyTrainer().fit(m)\n",
        },
        FAIL,
    ),
    # a helper that turns its caller's `rng` (None, a seed or a generator) into a generator
    # fixes no seed (IDEA-Research/GroundingDINO util/utils.py:430; reviewed) ...
    (
        "seeds-set",
        "FP generator normaliser",
        {
            "train.py": "import numpy as np\nimport torch\n\n"
            "def ensure_rng(rng=None):\n    if rng is None:\n        rng = np.random.mtrand._rand\n"
            "    elif isinstance(rng, int):\n        rng = np.random.RandomState(rng)\n    return rng\n\n"
            "loss.backward()\n"
        },
        FAIL,
    ),
    # ... a generator seeded with a fixed value does
    (
        "seeds-set",
        "seeded generator",
        {"train.py": "import numpy as np\nrng = np.random.default_rng(7)\nloss.backward()\n"},
        PASS,
    ),
    # Stable-Baselines3's helper seeds every RNG (DLR-RM/rl-baselines3-zoo rl_zoo3/train.py:191)
    (
        "seeds-set",
        "sb3 seed",
        {
            "train.py": "from stable_baselines3.common.utils import set_random_seed\n"
            "set_random_seed(7)\n"
        },
        PASS,
    ),
    # a seeded shuffle of a dataset split (nogibjj/mlops-template hf_fine_tune_hello_world.py:34)
    (
        "seeds-set",
        "seeded split shuffle",
        {"train.py": 'ds = load_dataset("yelp")\nsmall = ds["train"].shuffle(seed=42)\n'},
        PASS,
    ),
    (
        "seeds-set",
        "random_state",
        {
            "train.py": "from sklearn.model_selection import train_test_split\ntrain_test_split(X, y, random_state=0)\n"
        },
        PASS,
    ),
    ("seeds-set", "lightning", {"train.py": "import lightning as L\nL.seed_everything(7)\n"}, PASS),
    # a seed from a Hydra config value: set by the primary config, or left null by it
    # (ashleve/lightning-hydra-template configs/train.yaml:49 `seed: null`, src/train.py:54-55)
    ("seeds-set", "hydra seed set", hydra_seeded("42"), PASS),
    ("seeds-set", "hydra seed null by default", hydra_seeded("null"), PARTIAL),
    # … a literal run seed elsewhere still seeds every run; a generator's seed does not
    (
        "seeds-set",
        "hydra seed null, literal run seed",
        hydra_seeded("null", "import numpy as np\nnp.random.seed(0)\n"),
        PASS,
    ),
    (
        "seeds-set",
        "FP hydra seed null, only the data split seeded",
        hydra_seeded("null", "import torch\ng = torch.Generator().manual_seed(42)\n"),
        PARTIAL,
    ),
    ("seeds-set", "nothing", {"train.py": "import torch\nm = torch.nn.Linear(2, 2)\n"}, FAIL),
    # FP: commented-out seeds (the titanic trap), random_state=None, seeds only in tests
    (
        "seeds-set",
        "FP commented",
        {"train.py": "# np.random.seed(4)\n#model = RF(random_state=4)\nmodel = RF()\n"},
        FAIL,
    ),
    (
        "seeds-set",
        "FP commented in notebook",
        {"t.ipynb": nb("#random_state = 4\n#RandomForestClassifier(random_state=4)\nx = 1\n")},
        FAIL,
    ),
    (
        "seeds-set",
        "FP random_state None",
        {
            "train.py": "from sklearn.model_selection import train_test_split\ntrain_test_split(X, y, random_state=None)\n"
        },
        FAIL,
    ),
    (
        "seeds-set",
        "FP tests only",
        {"tests/test_model.py": "import numpy as np\nnp.random.seed(0)\n"},
        FAIL,
    ),
    # FP: cudnn.benchmark=True hurts determinism
    (
        "seeds-set",
        "FP cudnn benchmark",
        {"train.py": "import torch\ntorch.manual_seed(0)\ntorch.backends.cudnn.benchmark = True\n"},
        PARTIAL,
    ),
    # ... but not where it only speeds up inference (ultralytics/yolov5 utils/dataloaders.py:381,
    # `class LoadStreams`: "faster for fixed-size inference")
    (
        "seeds-set",
        "cudnn benchmark in an inference loader",
        {
            "train.py": "import torch\ntorch.manual_seed(0)\n",
            "utils/dataloaders.py": "import torch\n\nclass LoadStreams:\n    def __init__(self):\n"
            "        torch.backends.cudnn.benchmark = True\n",
        },
        PASS,
    ),
    # ... while a training function named with an inference word still trains
    (
        "seeds-set",
        "FP cudnn benchmark in a training function",
        {
            "train.py": "import torch\ntorch.manual_seed(0)\n\ndef train_stream_model():\n"
            "    torch.backends.cudnn.benchmark = True\n",
        },
        PARTIAL,
    ),
    (
        "seeds-set",
        "notebook only",
        {"nb.ipynb": nb("import numpy as np\nnp.random.seed(1)\n")},
        PARTIAL,
    ),
    # a seeded split, then a forest built without random_state and no run seed: the fit is
    # random (rockerspace/End-to-End-MLOps-with-FastAPI-Docker-Grafana create_models.py:19-22;
    # reviewed); a run seed, or the estimator's own random_state, seeds it
    (
        "seeds-set",
        "seeded split, unseeded forest",
        {"train.py": SPLIT_THEN_FOREST.format(forest="RandomForestClassifier()", seed="")},
        PARTIAL,
    ),
    (
        "seeds-set",
        "seeded split and forest",
        {
            "train.py": SPLIT_THEN_FOREST.format(
                forest="RandomForestClassifier(random_state=0)", seed=""
            )
        },
        PASS,
    ),
    (
        "seeds-set",
        "run seed, unseeded forest",
        {
            "train.py": SPLIT_THEN_FOREST.format(
                forest="RandomForestClassifier()", seed="np.random.seed(0)\n"
            )
        },
        PASS,
    ),
    # model-signature ---------------------------------------------------------------------------
    (
        "model-signature",
        "MLmodel signature",
        {"model/MLmodel": "flavors: {}\nsignature:\n  inputs: '[]'\n"},
        PASS,
    ),
    (
        "model-signature",
        "log_model signature",
        {"train.py": "import mlflow\nmlflow.sklearn.log_model(m, 'model', signature=sig)\n"},
        PASS,
    ),
    # MLflow infers the signature from the input example (kuanchoulai10/data2ml-ops
    # ray/training.py:262-265; reviewed); an example of None gives it nothing
    (
        "model-signature",
        "log_model input_example",
        {"train.py": "import mlflow\nmlflow.sklearn.log_model(m, 'model', input_example=X[:1])\n"},
        PASS,
    ),
    # autolog logs the model with an inferred signature (deramos/mlops-k8s-pipeline
    # model/train.py:24; reviewed): implicit, partial; not when told to log no model
    (
        "model-signature",
        "autolog",
        {"train.py": "import mlflow\nmlflow.xgboost.autolog()\nfit(X, y)\n"},
        PARTIAL,
    ),
    (
        "model-signature",
        "FP autolog without models",
        {"train.py": "import mlflow\nmlflow.autolog(log_models=False)\nfit(X, y)\n"},
        FAIL,
    ),
    # ... nor when switched off (dr563105/mlops-project-grocery-sales src/model_train.py:34;
    # reviewed)
    (
        "model-signature",
        "FP autolog disabled",
        {"train.py": "import mlflow\nmlflow.lightgbm.autolog(disable=True)\nfit(X, y)\n"},
        FAIL,
    ),
    (
        "model-signature",
        "FP autolog without signatures",
        {"train.py": "import mlflow\nmlflow.sklearn.autolog(log_model_signatures=False)\n"},
        FAIL,
    ),
    (
        "model-signature",
        "FP log_model input_example None",
        {"train.py": "import mlflow\nmlflow.sklearn.log_model(m, 'model', input_example=None)\n"},
        FAIL,
    ),
    (
        "model-signature",
        "persisted pipeline",
        {
            "train.py": "import joblib\nfrom sklearn.pipeline import Pipeline\np = Pipeline([('s', s), ('m', m)])\njoblib.dump(p, 'model.joblib')\n"
        },
        PASS,
    ),
    # a Hopsworks model registered with its schema; the schema built but never given to the
    # registry, or another library's create_model, is not
    (
        "model-signature",
        "hopsworks model_schema",
        {
            "train.py": "from hsml.model_schema import ModelSchema\nms = ModelSchema(i, o)\n"
            "m = mr.python.create_model(name='iris', model_schema=ms)\n"
        },
        PASS,
    ),
    (
        "model-signature",
        "FP create_model without schema",
        {"train.py": "import timm\nm = timm.create_model('resnet50')\nms = ModelSchema(i, o)\n"},
        FAIL,
    ),
    # built in one module, persisted by the training script that imports it
    (
        "model-signature",
        "pipeline imported and persisted",
        {
            "src/churn/model.py": "from sklearn.pipeline import Pipeline\n"
            "def build():\n    return Pipeline([])\n",
            "src/churn/train.py": "import joblib\nfrom churn.model import build\n"
            "joblib.dump(build(), 'm.joblib')\n",
        },
        PASS,
    ),
    # awslabs/mlmax src/mlmax/preprocessing.py: old scikit-learn's vendored joblib
    (
        "model-signature",
        "persisted through sklearn.externals.joblib",
        {
            "prep.py": "try:\n    from sklearn.externals import joblib\nexcept ImportError:\n"
            "    import joblib\nfrom sklearn.compose import make_column_transformer\n"
            "t = make_column_transformer((s, ['a']))\njoblib.dump(t, 'model.joblib')\n"
        },
        PASS,
    ),
    (
        "model-signature",
        "nothing",
        {"train.py": "import joblib\njoblib.dump(m, 'model.joblib')\n"},
        FAIL,
    ),
    # ONNX and SavedModel exports store their named, typed inputs (graviraja/MLOps-Basics
    # convert_model_to_onnx.py:42; GoogleCloudPlatform/mlops-with-vertex-ai exporter.py:99)
    (
        "model-signature",
        "onnx input names",
        {
            "export.py": "import torch\ntorch.onnx.export(m, x, 'm.onnx', "
            "input_names=['input_ids'], output_names=['logits'])\n"
        },
        PASS,
    ),
    (
        "model-signature",
        "savedmodel signatures",
        {
            "exporter.py": "import tensorflow as tf\n"
            "signatures = {'serving_default': fn.get_concrete_function(tf.TensorSpec([None]))}\n"
            "classifier.save(serving_dir, signatures=signatures)\n"
        },
        PASS,
    ),
    # the trap: an ONNX export without input names, a SavedModel without signatures
    (
        "model-signature",
        "FP onnx and savedmodel without a signature",
        {
            "export.py": "import torch, tensorflow as tf\ntorch.onnx.export(m, x, 'm.onnx')\n"
            "tf.saved_model.save(m, 'out')\nmodel.save('model.keras')\n"
        },
        FAIL,
    ),
    # a notebook that builds and logs a Pipeline (DataTalksClub/mlops-zoomcamp
    # random-forest.ipynb): the practice only in a notebook is partial
    (
        "model-signature",
        "pipeline persisted in a notebook",
        {
            "rf.ipynb": nb(
                "import mlflow\nfrom sklearn.pipeline import make_pipeline\n"
                "pipeline = make_pipeline(dv, rf)\n"
                "mlflow.sklearn.log_model(pipeline, artifact_path='model')\n"
            )
        },
        PARTIAL,
    ),
    # FP: a notebook's Pipeline is no module a script imports and persists
    (
        "model-signature",
        "FP notebook pipeline, script persists something else",
        {
            "model.ipynb": nb("from sklearn.pipeline import Pipeline\np = Pipeline([])\n"),
            "train.py": "import joblib\nimport model\njoblib.dump(m, 'model.joblib')\n",
        },
        FAIL,
    ),
    # FP: a Pipeline that is never persisted; an MLmodel without a signature
    (
        "model-signature",
        "FP pipeline not persisted",
        {
            "a.py": "from sklearn.pipeline import Pipeline\nPipeline([])\n",
            "b.py": "import pickle\npickle.dump(m, f)\n",
        },
        FAIL,
    ),
    (
        "model-signature",
        "FP MLmodel no signature",
        {"model/MLmodel": "flavors:\n  sklearn: {}\n"},
        FAIL,
    ),
    # deps-locked (REP008, kept) ------------------------------------------------------------
    (
        "deps-locked",
        "uv.lock",
        {
            "uv.lock": "version = 1\n\n[[package]]\nname = 'x'\nversion = '0.1.0'\n",
            "pyproject.toml": "[project]\nname='x'\n",
        },
        PASS,
    ),
    ("deps-locked", "unpinned", {"requirements.txt": "pandas>=2\n"}, FAIL),
    # a pyproject.toml pinning every dependency with ==, as a pinned requirements file does
    # (Ardiyanto24/telco-churn-mlops pyproject.toml:24-101; reviewed) ...
    (
        "deps-locked",
        "pyproject pinned",
        {
            "pyproject.toml": "[project]\nname = 'x'\n# keep numpy==2.5.2 below\n"
            "dependencies = [\n  'numpy==2.5.2',\n  'pandas==3.0.5',\n]\n"
            "[project.optional-dependencies]\ndev = ['pytest==9.1.1']\n"
        },
        PASS,
    ),
    # ... not one range among them, nor a pyproject declaring ranges only
    (
        "deps-locked",
        "pyproject with one range",
        {"pyproject.toml": "[project]\nname = 'x'\ndependencies = ['numpy==2.5.2', 'pandas>=2']\n"},
        FAIL,
    ),
    (
        "deps-locked",
        "pyproject ranges",
        {"pyproject.toml": "[project]\nname = 'x'\ndependencies = ['pandas>=2']\n"},
        FAIL,
    ),
    # a lock of a header only locks nothing (zuhair1508/MLOps-Pipeline-Prophet-Forecasting
    # uv.lock:1-3; reviewed)
    (
        "deps-locked",
        "empty uv.lock",
        {
            "uv.lock": "version = 1\nrevision = 3\nrequires-python = '>=3.11'\n",
            "pyproject.toml": "[project]\nname='x'\ndependencies = ['prophet']\n",
        },
        FAIL,
    ),
    # PEP 751's lockfile (mahadamir19/ids-mlops-pipeline pylock.toml; reviewed): the extras
    # `pip lock` was not asked for are not missing from it ...
    (
        "deps-locked",
        "pylock.toml",
        {
            "pyproject.toml": "[project]\nname = 'x'\ndependencies = ['pandas>=2']\n\n"
            "[project.optional-dependencies]\nmonitoring = ['evidently==0.7.21']\n",
            "pylock.toml": "lock-version = '1.0'\n\n[[packages]]\nname = 'pandas'\nversion = '2.2.0'\n",
            "requirements.txt": "pandas>=2\n",
        },
        PASS,
    ),
    # ... but a required dependency missing from it is
    (
        "deps-locked",
        "stale pylock.toml",
        {
            "pyproject.toml": "[project]\nname = 'x'\ndependencies = ['pandas>=2', 'mlflow']\n",
            "pylock.toml": "lock-version = '1.0'\n\n[[packages]]\nname = 'pandas'\nversion = '2.2.0'\n",
        },
        PARTIAL,
    ),
    # a lock that lacks what pyproject.toml declares is stale (AI4Finance-Foundation/FinRL
    # poetry.lock without alpaca-py and selenium, pyproject.toml:43-45; reviewed) ...
    (
        "deps-locked",
        "stale poetry.lock",
        {
            "pyproject.toml": "[tool.poetry]\nname = 'finrl'\n\n[tool.poetry.dependencies]\n"
            "python = '^3.7'\nyfinance = '^0.2'\nalpaca-py = '^0.37'\n",
            "poetry.lock": "[[package]]\nname = 'yfinance'\nversion = '0.2.1'\n",
        },
        PARTIAL,
    ),
    # a pixi lock whose entry for the project was locked against other requirements than it
    # now declares (nerfstudio-project/nerfstudio pixi.lock:6088, pyproject.toml:67; reviewed)
    (
        "deps-locked",
        "stale pixi.lock",
        {
            "pyproject.toml": "[project]\nname = 'nerf'\ndependencies = ['gsplat==1.4.0', 'numpy>=1']\n",
            "pixi.lock": PIXI_LOCK.format(gsplat="1.0.0"),
        },
        PARTIAL,
    ),
    # a uv.lock resolved for another version than pyproject.toml now pins (bentoml/OpenLLM
    # uv.lock:1241 `bentoml` `==1.4.8`, pyproject.toml:33 `bentoml==1.4.23`; reviewed) ...
    (
        "deps-locked",
        "stale uv.lock specifier",
        {
            "pyproject.toml": "[project]\nname = 'ollm'\ndependencies = ['bentoml==1.4.23', 'typer']\n",
            "uv.lock": UV_LOCK.format(bentoml="1.4.8"),
        },
        PARTIAL,
    ),
    (
        "deps-locked",
        "current uv.lock specifier",
        {
            "pyproject.toml": "[project]\nname = 'ollm'\ndependencies = ['bentoml==1.4.23', 'typer']\n",
            "uv.lock": UV_LOCK.format(bentoml="1.4.23"),
        },
        PASS,
    ),
    # ... one in step with it is a lock
    (
        "deps-locked",
        "current pixi.lock",
        {
            "pyproject.toml": "[project]\nname = 'nerf'\ndependencies = ['gsplat==1.4.0', 'numpy>=1']\n",
            "pixi.lock": PIXI_LOCK.format(gsplat="1.4.0"),
        },
        PASS,
    ),
    # ... while one that holds them all, under any spelling, and the project itself, is not
    (
        "deps-locked",
        "current uv.lock",
        {
            "pyproject.toml": "[project]\nname = 'x'\ndependencies = ['Pandas_Market.Calendars>=5', 'numpy']\n"
            "[project.optional-dependencies]\nall = ['x[extra]']\n",
            "uv.lock": "version = 1\n[[package]]\nname = 'pandas-market-calendars'\n"
            "[[package]]\nname = 'numpy'\n[[package]]\nname = 'x'\n",
        },
        PASS,
    ),
    # every runtime package pinned, only test and build tools ranged (google-deepmind/alphafold
    # requirements.txt:11-12)
    (
        "deps-locked",
        "only-tools-unpinned",
        {"requirements.txt": "jax==0.4.26\nnumpy==1.24.3\npytest<8.5.0\nsetuptools<72.0.0\n"},
        PARTIAL,
    ),
    # a conda environment pinning every package (microsoft/table-transformer environment.yml,
    # reviewed): `==`, conda's `=X.Y.Z` and an exported `=X.Y.Z=build` are pins; the
    # interpreter (`python=3.10`) and the installer (`pip`) are no packages
    (
        "deps-locked",
        "conda-env-pinned",
        {
            "environment.yml": "name: e\ndependencies:\n  - python=3.10\n  - pip\n"
            "  - pytorch==1.13.1\n  - editdistance=0.6.2\n  - numpy=1.24.2=py310h8deb116_0\n"
            "  - _libgcc_mutex=0.1=conda_forge\n"
            "  - pip:\n    - scipy==1.10.1\n    - -e .\n"
        },
        PASS,
    ),
    # ... an environment file that is no YAML cannot be read
    (
        "deps-locked",
        "conda-env-unreadable",
        {"environment.yml": "dependencies: [numpy==1.0\n  - : :\n"},
        UNKNOWN,
    ),
    # ... a minor version `=1.5` is any 1.5.x, and a range is no pin
    (
        "deps-locked",
        "fp-conda-env-minor-version",
        {"environment.yml": "dependencies:\n  - pandas=1.5\n  - pip:\n    - mlflow==2.1.1\n"},
        FAIL,
    ),
    # ... an unpinned package in a conda environment beside pinned requirements
    (
        "deps-locked",
        "conda-env-unpinned-beside-requirements",
        {
            "requirements.txt": "mlflow==2.9.2\n",
            "deploy/conda.yml": "dependencies:\n  - pip:\n    - pandas>=1.3.0\n",
        },
        FAIL,
    ),
    # a test tool's plugin is a test tool (databricks/mlops-stacks dev-requirements.txt)
    (
        "deps-locked",
        "only-plugin-unpinned",
        {"requirements.txt": "mlflow==2.11.0\npytest==8.1.1\npytest-black\n"},
        PARTIAL,
    ),
    # ... but a ranged runtime package beside them is not pinned
    (
        "deps-locked",
        "fp-tool-and-runtime-unpinned",
        {"requirements.txt": "jax==0.4.26\nnumpy>=1.24\npytest<8.5.0\n"},
        FAIL,
    ),
    ("deps-locked", "tools-only-file", {"requirements.txt": "pytest\nblack\n"}, FAIL),
    # mlflow/mlp-regression-template requirements.txt:2-6: invalid specifiers are no pins
    (
        "deps-locked",
        "invalid-specifier-beside-a-pin",
        {"requirements.txt": "mlflow==2.1.1\npandas>=1.3.*\nscikit-learn>=1.0.*\n"},
        FAIL,
    ),
    (
        "deps-locked",
        "FP dvc.lock",
        {"dvc.lock": "schema: '2.0'\n", "requirements.txt": "pandas\n"},
        FAIL,
    ),
    # lock-used-in-build ------------------------------------------------------------------------
    # `uv pip sync` installs exactly a committed compiled file ...
    (
        "lock-used-in-build",
        "uv pip sync committed",
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n    - run: uv pip sync --strict requirements/lock.txt\n",
            "requirements/lock.txt": "# uv pip compile\nnumpy==1.26.4\n",
        },
        PASS,
    ),
    # ... but a file compiled afresh in the same job locks nothing the repository keeps
    # (stanfordnlp/dspy dependency-range.yml:59-69 `uv pip sync "$RUNNER_TEMP/requirements-
    # $PROFILE.txt"`; reviewed)
    (
        "lock-used-in-build",
        "uv pip sync compiled in CI",
        {
            ".github/workflows/ci.yml": 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n    - run: uv pip compile pyproject.toml -o "$RUNNER_TEMP/req.txt"\n    - run: uv pip sync --python .venv/bin/python "$RUNNER_TEMP/req.txt"\n',
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["numpy"]\n',
        },
        FAIL,
    ),
    (
        "lock-used-in-build",
        "uv sync frozen",
        {
            "uv.lock": "version = 1\n",
            "Dockerfile": "FROM python:3.11\nCOPY . .\nRUN pip install uv && uv sync --frozen\n",
        },
        PASS,
    ),
    # the trap: a lock the repository does not hold (git-ignored), with an unlocked fallback
    # (DmitryDubovikov/Sentiment-MLOps docker/fastapi/Dockerfile:15-18; reviewed)
    (
        "lock-used-in-build",
        "FP uv sync frozen without uv.lock",
        {
            ".gitignore": "uv.lock\n",
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["numpy"]\n',
            "Dockerfile": "FROM python:3.11\nCOPY pyproject.toml uv.lock* ./\n"
            "RUN uv sync --frozen --no-dev 2>/dev/null || uv sync --no-dev\n",
        },
        FAIL,
    ),
    # `ENV UV_LOCKED=TRUE` is `--locked` for every later `uv sync` (CCRI-POPROX/poprox-
    # recommender Dockerfile:18-20; reviewed); set after the sync it changes nothing
    (
        "lock-used-in-build",
        "uv sync under ENV UV_LOCKED",
        {
            "uv.lock": "version = 1\n",
            "Dockerfile": "FROM python:3.11\nENV UV_LOCKED=TRUE\nCOPY . .\nRUN uv sync --no-dev\n",
        },
        PASS,
    ),
    (
        "lock-used-in-build",
        "FP ENV UV_LOCKED after the sync",
        {
            "uv.lock": "version = 1\n",
            "Dockerfile": "FROM python:3.11\nCOPY . .\nRUN uv sync --no-dev\nENV UV_LOCKED=1\n",
        },
        PARTIAL,
    ),
    (
        "lock-used-in-build",
        "ci require-hashes",
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n    - run: pip install --require-hashes -r requirements.txt\n",
            "requirements.txt": "numpy==1.26.4 --hash=sha256:abc\n",
        },
        PASS,
    ),
    # `uv run` syncs the environment from uv.lock first (vwxyzjn/cleanrl tests.yaml:29) ...
    (
        "lock-used-in-build",
        "ci uv run",
        {
            "uv.lock": "version = 1\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
            "    - run: uv run pytest tests/\n",
        },
        PARTIAL,
    ),
    # ... not when told not to sync
    (
        "lock-used-in-build",
        "FP uv run no-sync",
        {
            "uv.lock": "version = 1\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
            "    - run: uv run --no-sync pytest tests/\n",
        },
        FAIL,
    ),
    # a hashed file of the linter and build front end pins the tooling, not the project
    # (microsoft/presidio .github/pipelines/requirements-ruff.txt; reviewed)
    (
        "lock-used-in-build",
        "FP hashed tool requirements",
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
            "    - run: pip install --require-hashes -r .github/pipelines/requirements-ruff.txt\n",
            ".github/pipelines/requirements-ruff.txt": "ruff==0.9.2 --hash=sha256:abc\n",
            "pyproject.toml": "[project]\nname = 'x'\ndependencies = ['spacy']\n",
        },
        FAIL,
    ),
    # one floating file floats the whole install (coqui-ai/TTS Dockerfile.dev:33-37); every
    # file pinned by hand is partial
    (
        "lock-used-in-build",
        "one of several files floats",
        {
            "requirements.txt": "torch>=2.1\n",
            "requirements.nb.txt": "bokeh==1.4.0\n",
            "Dockerfile": "FROM python:3.11\nCOPY . .\n"
            "RUN pip install -r requirements.txt -r requirements.nb.txt\n",
        },
        FAIL,
    ),
    (
        "lock-used-in-build",
        "several files all pinned",
        {
            "requirements.txt": "torch==2.1.0\n",
            "requirements.nb.txt": "bokeh==1.4.0\n",
            "Dockerfile": "FROM python:3.11\nCOPY . .\n"
            "RUN pip install -r requirements.txt -r requirements.nb.txt\n",
        },
        PARTIAL,
    ),
    # the install behind `make setup` (GoogleCloudPlatform/vertex-pipelines-end-to-end-samples
    # cloudbuild/pr-checks.yaml:25 → Makefile:28 `pipenv install --dev`)
    (
        "lock-used-in-build",
        "ci make target installs",
        {
            "Pipfile.lock": "{}\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
            "    steps:\n    - run: make setup\n",
            "Makefile": "setup:\n\tpipenv install --deploy --dev\n",
        },
        PASS,
    ),
    (
        "lock-used-in-build",
        "FP make target that installs nothing",
        {
            "Pipfile.lock": "{}\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
            "    steps:\n    - run: make lint\n",
            "Makefile": "setup:\n\tpipenv install --deploy --dev\nlint:\n\truff check .\n",
        },
        FAIL,
    ),
    (
        "lock-used-in-build",
        "poetry with lock",
        {
            "poetry.lock": "# lock\n",
            "Dockerfile": "FROM python:3.11\nRUN poetry install --no-root\n",
        },
        PASS,
    ),
    (
        "lock-used-in-build",
        "pipenv deploy",
        {
            "Pipfile.lock": "{}",
            "Dockerfile": "FROM python:3.11\nRUN pipenv install --system --deploy\n",
        },
        PASS,
    ),
    (
        "lock-used-in-build",
        "compiled requirements",
        {
            "requirements.txt": "# This file is autogenerated by pip-compile with Python 3.11\nnumpy==1.26.4\n",
            "Dockerfile": "FROM python:3.11\nRUN pip install -r requirements.txt\n",
        },
        PASS,
    ),
    (
        "lock-used-in-build",
        "hand pinned",
        {
            "requirements.txt": "numpy==1.26.4\n",
            "Dockerfile": "FROM python:3.11\nRUN pip install --no-cache-dir -r requirements.txt\n",
        },
        PARTIAL,
    ),
    (
        "lock-used-in-build",
        "uv sync unfrozen",
        {"uv.lock": "version = 1\n", "Dockerfile": "FROM python:3.11\nRUN uv sync\n"},
        PARTIAL,
    ),
    # `uv lock --check` refuses a stale lock before the plain `uv sync` of the same job
    # (m-bain/whisperX .github/workflows/python-compatibility.yml:33,36; reviewed)
    (
        "lock-used-in-build",
        "uv lock --check, then uv sync",
        {
            "uv.lock": "version = 1\n",
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  t:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: uv lock --check\n"
            "      - run: uv sync --all-extras\n",
        },
        PASS,
    ),
    (
        "lock-used-in-build",
        "uv lock --check && uv sync in a Dockerfile",
        {
            "uv.lock": "version = 1\n",
            "Dockerfile": "FROM python:3.11\nRUN uv lock --check && uv sync\n",
        },
        PASS,
    ),
    # ... or in another job of the same workflow, which fails with it (nubank/fklearn
    # .github/workflows/push.yaml:23; reviewed)
    (
        "lock-used-in-build",
        "uv lock --check in another job of the workflow",
        {
            "uv.lock": "version = 1\n",
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  a:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: uv lock --check\n"
            "  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv sync\n",
        },
        PASS,
    ),
    # ... but a check started by hand, in another workflow, verifies no change; and a plain
    # `uv lock` rewrites the lock instead of checking it
    (
        "lock-used-in-build",
        "uv lock --check by hand elsewhere",
        {
            "uv.lock": "version = 1\n",
            ".github/workflows/lock.yml": "on: workflow_dispatch\njobs:\n  a:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: uv lock --check\n",
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  b:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: uv lock\n"
            "      - run: uv sync\n",
        },
        PARTIAL,
    ),
    # the Dockerfile COPYs the file to another path before installing it
    (
        "lock-used-in-build",
        "copied pinned file",
        {
            "api/requirements.txt": "fastapi==0.110.0\n",
            "Dockerfile": "FROM python:3.8\nWORKDIR /app\nCOPY ./api/requirements.txt /app/requirements.txt\n"
            "RUN pip install --no-cache-dir --upgrade -r /app/requirements.txt\n",
        },
        PARTIAL,
    ),
    (
        "lock-used-in-build",
        "unpinned install",
        {
            "requirements.txt": "numpy\n",
            "Dockerfile": "FROM python:3.11\nRUN pip install -r requirements.txt\n",
        },
        FAIL,
    ),
    ("lock-used-in-build", "no build", {"train.py": "x = 1\n"}, FAIL),
    # a Dockerfile reads its own build context: a pinned namesake in another folder is not
    # the file `COPY . .` copies (junxng/churn-mlops-project Dockerfile:6-9; reviewed) ...
    (
        "lock-used-in-build",
        "namesake outside the build context",
        {
            "TEST/requirements.txt": "fastapi==0.110.0\n",
            "Dockerfile": "FROM python:3.11\nWORKDIR /app\nCOPY . .\n"
            "RUN pip install -r requirements.txt\n",
        },
        FAIL,
    ),
    # ... while the same file at the context's root is read
    (
        "lock-used-in-build",
        "the context's own file",
        {
            "requirements.txt": "fastapi==0.110.0\n",
            "Dockerfile": "FROM python:3.11\nWORKDIR /app\nCOPY . .\n"
            "RUN pip install -r requirements.txt\n",
        },
        PARTIAL,
    ),
    # FP: README instructions are not a build; dvc.lock is not a dependency lock
    (
        "lock-used-in-build",
        "FP readme",
        {"uv.lock": "version = 1\n", "README.md": "```\nuv sync --frozen\n```\n"},
        FAIL,
    ),
    (
        "lock-used-in-build",
        "FP dvc.lock",
        {
            "dvc.lock": DVC_LOCK,
            "requirements.txt": "pandas\n",
            "Dockerfile": "FROM python:3.11\nRUN pip install -r requirements.txt && dvc pull\n",
        },
        FAIL,
    ),
    # image-pinned ------------------------------------------------------------------------------
    (
        "image-pinned",
        "digest",
        {"Dockerfile": "FROM python:3.11-slim@sha256:" + "a" * 64 + "\n"},
        PASS,
    ),
    (
        "image-pinned",
        "multi-stage digest",
        {
            "Dockerfile": "FROM python@sha256:"
            + "b" * 64
            + " AS builder\nRUN x\nFROM builder\nCOPY . .\n"
        },
        PASS,
    ),
    ("image-pinned", "version tag", {"Dockerfile": "FROM python:3.11-slim\n"}, PARTIAL),
    # Docker builds a lower-case `dockerfile` too (dbobo4/mlops-churn-prediction-pipeline;
    # reviewed): it is read, not "no Dockerfile"
    ("image-pinned", "lower-case dockerfile", {"dockerfile": "FROM python:3.11-slim\n"}, PARTIAL),
    # and with a suffix (hzabun/player-churn-mlops docker/dockerfile.train:1; reviewed) ...
    (
        "image-pinned",
        "lower-case suffixed dockerfile",
        {"docker/dockerfile.train": "FROM python:3.11-slim\n"},
        PARTIAL,
    ),
    # ... not a module that writes Dockerfiles
    (
        "image-pinned",
        "FP dockerfile module",
        {"src/tools/dockerfile_builder.py": "BASE = 'FROM python:3.11'\n"},
        NA,
    ),
    (
        "dev-prod-parity",
        "compose build of a lower-case dockerfile",
        {
            "docker-compose.yml": "services:\n  api:\n    build: .\n",
            "dockerfile": "FROM python:3.11-slim\n",
            "pyproject.toml": "[project]\nname = 'x'\nrequires-python = '>=3.10'\n",
        },
        PASS,
    ),
    # a channel tag moves with every release, like `latest`
    ("image-pinned", "channel tag", {"Dockerfile": "FROM pytorch/pytorch:nightly\n"}, FAIL),
    # an ARG without a default that the Docker Bake file beside the Dockerfile sets
    # (deepset-ai/hayhooks docker/docker-bake.hcl:25-26; reviewed) ...
    (
        "image-pinned",
        "bake argument, channel tag",
        {
            "docker/Dockerfile": "ARG base_image\nFROM $base_image\n",
            "docker/docker-bake.hcl": BAKE_HCL,
        },
        FAIL,
    ),
    (
        "image-pinned",
        "bake argument, version tag through a variable",
        {
            "docker/Dockerfile": "ARG base_image\nFROM $base_image\n",
            "docker/docker-bake.hcl": BAKE_HCL.replace(
                '"deepset/haystack:stable"', '"python:${PY}-slim"'
            ),
        },
        PARTIAL,
    ),
    # ... but not one two targets set differently, nor a bake file elsewhere
    (
        "image-pinned",
        "FP bake argument set twice",
        {
            "docker/Dockerfile": "ARG base_image\nFROM $base_image\n",
            "docker/docker-bake.hcl": BAKE_HCL
            + 'target "gpu" {\n  args = {\n    base_image = "nvidia/cuda:12.1.0-runtime"\n  }\n}\n',
        },
        UNKNOWN,
    ),
    (
        "image-pinned",
        "FP bake file of another folder",
        {"docker/Dockerfile": "ARG base_image\nFROM $base_image\n", "docker-bake.hcl": BAKE_HCL},
        UNKNOWN,
    ),
    (
        "image-pinned",
        "arg default tag",
        {"Dockerfile": "ARG BASE=python:3.10\nFROM ${BASE}\n"},
        PARTIAL,
    ),
    (
        "image-pinned",
        "platform flag",
        {"Dockerfile": "FROM --platform=$BUILDPLATFORM python:3.12@sha256:" + "c" * 64 + "\n"},
        PASS,
    ),
    (
        "image-pinned",
        "unresolved build arg",
        {"Dockerfile": "ARG BASE\nFROM ${BASE}\n"},
        UNKNOWN,
    ),
    ("image-pinned", "latest", {"Dockerfile": "FROM python:latest\n"}, FAIL),
    # an image copied from floats like a base image (fmind/mlops-python-package Dockerfile:8)
    (
        "image-pinned",
        "COPY --from a floating image",
        {
            "Dockerfile": "FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/\n"
        },
        FAIL,
    ),
    # a build stage, by name or index, is not an image
    (
        "image-pinned",
        "COPY --from a stage",
        {
            "Dockerfile": "FROM python:3.12-slim AS build\nRUN make\nFROM python:3.12-slim\n"
            "COPY --from=build /app /app\nCOPY --from=0 /lib /lib\n"
        },
        PARTIAL,
    ),
    ("image-pinned", "no tag", {"docker/Dockerfile": "FROM ubuntu\n"}, FAIL),
    ("image-pinned", "no Dockerfile", {"train.py": "x = 1\n"}, NA),
    (
        "image-pinned",
        "FP dev container only",
        {".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:1-3.11\n"},
        NA,
    ),
    # FP: an example's Dockerfile is not the project's build
    ("image-pinned", "FP examples only", {"examples/demo/Dockerfile": "FROM python:latest\n"}, NA),
    # dev-prod-parity ---------------------------------------------------------------------------
    (
        "dev-prod-parity",
        "devcontainer + python",
        {
            ".devcontainer/devcontainer.json": '{"build": {"dockerfile": "../Dockerfile"}}',
            "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n",
            ".python-version": "3.11.7\n",
        },
        PASS,
    ),
    # a dev container of its own (you-dont-need-a-bigger-boat .devcontainer/Dockerfile): a
    # development environment, not the production one; a commented-out key is no key
    (
        "dev-prod-parity",
        "devcontainer of its own + python",
        {
            ".devcontainer/devcontainer.json": '// dev\n{\n  "build": {\n    "dockerfile": "Dockerfile",\n'
            '    // "dockerfile": "../Dockerfile",\n    "context": ".."\n  }\n}\n',
            ".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.11\n",
            "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n",
            ".python-version": "3.11.7\n",
        },
        PARTIAL,
    ),
    (
        "dev-prod-parity",
        "stock-image devcontainer, no python pin",
        {
            ".devcontainer/devcontainer.json": '{"image": "mcr.microsoft.com/devcontainers/python:3"}'
        },
        PARTIAL,
    ),
    (
        "dev-prod-parity",
        "devcontainer on the compose services + python",
        {
            ".devcontainer/devcontainer.json": '{"dockerComposeFile": ["../docker-compose.yml"],'
            ' "service": "api"}',
            ".python-version": "3.11.7\n",
        },
        PASS,
    ),
    (
        "dev-prod-parity",
        "compose build + requires-python",
        {
            "docker-compose.yml": "services:\n  api:\n    build: .\n",
            "Dockerfile": "FROM python:3.11-slim\n",
            "pyproject.toml": "[project]\nname = 'x'\nrequires-python = '>=3.10'\n",
        },
        PASS,
    ),
    (
        "dev-prod-parity",
        "compose build of a named Dockerfile in a context folder",
        {
            "deploy/docker-compose.yml": "services:\n  api:\n    build:\n      context: ../api\n"
            "      dockerfile: Dockerfile.prod\n",
            "api/Dockerfile.prod": "FROM python:3.11-slim\n",
            "pyproject.toml": "[project]\nname = 'x'\nrequires-python = '>=3.10'\n",
        },
        PASS,
    ),
    # a build whose Dockerfile is not in the repository builds nothing (rockerspace/
    # End-to-End-MLOps-with-FastAPI-Docker-Grafana docker-compose.yml:5; reviewed)
    (
        "dev-prod-parity",
        "FP compose build without a Dockerfile",
        {
            "docker-compose.yml": "services:\n  api:\n    build: .\n",
            "pyproject.toml": "[project]\nname = 'x'\nrequires-python = '>=3.10'\n",
        },
        PARTIAL,
    ),
    (
        "dev-prod-parity",
        "requires-python only",
        {"pyproject.toml": "[project]\nname = 'x'\nrequires-python = '>=3.10'\n"},
        PARTIAL,
    ),
    ("dev-prod-parity", "nothing", {"train.py": "x = 1\n"}, FAIL),
    # an image that installs its own Python minor version (tloen/alpaca-lora Dockerfile:10)
    (
        "dev-prod-parity",
        "compose build of an image installing python3.10",
        {
            "docker-compose.yml": "services:\n  api:\n    build: .\n",
            "Dockerfile": "FROM nvidia/cuda:11.8.0-devel-ubuntu22.04\n"
            "RUN apt-get update && apt install -y \\\n    git python3.10 \\\n    curl\n"
            'ENTRYPOINT ["python3.10"]\n',
        },
        PASS,
    ),
    # FP: the distribution's unversioned python3 is whatever the base image ships
    (
        "dev-prod-parity",
        "FP compose build of an image installing python3",
        {
            "docker-compose.yml": "services:\n  api:\n    build: .\n",
            "Dockerfile": "FROM ubuntu:22.04\nRUN apt-get install -y python3 python3-pip\n",
        },
        PARTIAL,
    ),
    (
        "dev-prod-parity",
        "azureml conda_dependencies python pin",
        {"ml/conda_dependencies.yml": "name: env\ndependencies:\n  - python=3.7.*\n  - pip\n"},
        PARTIAL,
    ),
    (
        "deps-locked",
        "FP conda env file is not a lock",
        {"ml/conda_dependencies.yml": "name: env\ndependencies:\n  - python=3.7.*\n"},
        FAIL,
    ),
    # FP: prose; a compose file that only pulls images
    (
        "dev-prod-parity",
        "FP readme + pulled image",
        {
            "README.md": "Use Python 3.10\n",
            "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n",
        },
        FAIL,
    ),
    # notebook-only (anti) ----------------------------------------------------------------------
    (
        "notebook-only",
        "scripts hold ML code",
        {"src/train.py": "import sklearn.linear_model\n", "nb/eda.ipynb": nb("import pandas\n")},
        PASS,
    ),
    (
        "notebook-only",
        "serving runtime in .py",
        {
            "api/main.py": "import onnxruntime as ort\n",
            "nb/train.ipynb": nb("import tensorflow as tf\n"),
        },
        PASS,
    ),
    ("notebook-only", "no notebooks", {"train.py": "import torch\n"}, PASS),
    # FP: a .py helper with no ML library beside notebook training is still notebook-only
    (
        "notebook-only",
        "FP joblib helper only",
        {"util.py": "import joblib\n", "train.ipynb": nb("import xgboost\n")},
        FAIL,
    ),
    # the training job defined with a platform SDK, the algorithm in the platform's
    # container (aws-samples/amazon-sagemaker-safe-deployment-pipeline model/run_pipeline.py)
    (
        "notebook-only",
        "managed training in .py",
        {
            "model/run_pipeline.py": "import sagemaker\n"
            "est = sagemaker.estimator.Estimator(image_uri=xgb, role=r)\n",
            "notebook/mlops.ipynb": nb("from sklearn.model_selection import train_test_split\n"),
        },
        PASS,
    ),
    # boto3 alone is not ML code: a Lambda that calls the platform's API
    (
        "notebook-only",
        "FP boto3 lambda",
        {
            "api/app.py": "import boto3\nsm = boto3.client('sagemaker-runtime')\n",
            "notebook/mlops.ipynb": nb("from sklearn.model_selection import train_test_split\n"),
        },
        FAIL,
    ),
    (
        "notebook-only",
        "notebook-only ML",
        {
            "Titanic.ipynb": nb("from sklearn.ensemble import RandomForestClassifier\n"),
            "README.md": "# Titanic\n",
        },
        FAIL,
    ),
    # FP: test files are not a training entry point; docs notebooks are not the project
    (
        "notebook-only",
        "FP tests only",
        {"tests/test_x.py": "import sklearn\n", "train.ipynb": nb("import sklearn\n")},
        FAIL,
    ),
    (
        "notebook-only",
        "FP docs notebook",
        {"train.py": "import xgboost\n", "docs/tutorial.ipynb": nb("import xgboost\n")},
        PASS,
    ),
    # seeds-set: Hugging Face's Trainer seeds the run from TrainingArguments.seed
    # (tatsu-lab/stanford_alpaca train.py:215); Lightning's Trainer does not seed (the trap)
    (
        "seeds-set",
        "hf trainer",
        {"train.py": "from transformers import Trainer\ntrainer = Trainer(model=m, args=a)\n"},
        PASS,
    ),
    (
        "seeds-set",
        "FP lightning trainer",
        {"train.py": "from lightning import Trainer\ntrainer = Trainer(max_epochs=3)\n"},
        FAIL,
    ),
    # a load test reads its own settings, not a model's parameters (GoogleCloudPlatform/
    # mlops-on-gcp tfserving-gke-autoscaling/locust/tasks.py:76); the same read in training does
    (
        "params-externalized",
        "FP locust settings",
        {
            "locust/tasks.py": "import json\nfrom locust import HttpUser\n"
            "cfg = json.load(open('test-config.json'))\n",
            "locust/test-config.json": "{}\n",
        },
        FAIL,
    ),
    (
        "params-externalized",
        "json config in training",
        {
            "train.py": "import json\ncfg = json.load(open('train-config.json'))\n",
            "train-config.json": "{}\n",
        },
        PASS,
    ),
    # a downloaded checkpoint's own files are not the run's parameters (jzhang38/TinyLlama
    # scripts/convert_hf_checkpoint.py:225, lit_gpt/tokenizer.py:24); a run config that is
    # not in the repository still is partial
    (
        "params-externalized",
        "FP checkpoint files of a downloaded model",
        {
            "scripts/convert.py": "import json\n\n\ndef load(checkpoint_dir):\n"
            "    cfg = json.load(open(checkpoint_dir / 'lit_config.json'))\n"
            "    tok = json.load(open(checkpoint_dir / 'tokenizer_config.json'))\n",
            "train.py": "import torch\n\n\ndef fit(model, opt, loss):\n    loss.backward()\n",
        },
        FAIL,
    ),
    # a pretrained model's config fetched from the hub (mindee/doctr models/factory/hub.py:
    # 206 `open(hf_hub_download(repo_id, filename="config.json"))`, and :71 writes it for the
    # hub; reviewed) is the model's architecture, not the run's parameters
    (
        "params-externalized",
        "FP model config from the hub",
        {
            "pkg/hub.py": "import json\nfrom huggingface_hub import hf_hub_download\n\n\n"
            "def save(d, cfg):\n    json.dump(cfg, open(d / 'config.json', 'w'))\n\n\n"
            "def from_hub(repo_id):\n"
            "    cfg = json.load(open(hf_hub_download(repo_id, filename='config.json')))\n",
            "train.py": "import torch\n\n\ndef fit(model, opt, loss):\n    loss.backward()\n",
        },
        FAIL,
    ),
    (
        "params-externalized",
        "run config not in the repository",
        {
            "scripts/convert.py": "import json\n\n\ndef load(run_dir):\n"
            "    cfg = json.load(open(run_dir / 'train_config.json'))\n",
            "train.py": "import torch\n\n\ndef fit(model, opt, loss):\n    loss.backward()\n",
        },
        PARTIAL,
    ),
    # a dvc.yaml that cannot be parsed may declare the pipeline: undecided, not missing
    (
        "pipeline-as-code",
        "malformed dvc.yaml",
        {"dvc.yaml": "stages:\n  train:\n    deps: [data\n"},
        UNKNOWN,
    ),
    # a conda export named env.yml pins the Python of the environment (outerbounds/
    # full-stack-ML-metaflow-tutorial scipy-full-stack-ml/env.yml:256); a file of another
    # shape under that name pins nothing
    (
        "dev-prod-parity",
        "conda env.yml",
        {
            "env.yml": "name: ml\nchannels: [conda-forge]\ndependencies:\n  - python=3.10.8\n  - numpy=1.24.2\n"
        },
        PARTIAL,
    ),
    ("dev-prod-parity", "FP env.yml of settings", {"env.yml": "LOG_LEVEL: info\n"}, FAIL),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}: {label}") for c, label, f, e in CASES],
)
def test_reproducibility_checks(tmp_path, check, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs


def test_every_rep_check_is_covered():
    from helpers import _default_rubric

    quality = _default_rubric().quality("REP")
    assert quality is not None
    names = {c.name for c in quality.checks}
    assert names == {c for c, *_ in CASES}
    assert [c.id for c in quality.checks] == [f"REP{i:03d}" for i in range(1, 13)]


def test_data_pinned_evidence_names_out_and_remote(tmp_path):
    snap = snapshot(tmp_path, {".dvc/config": DVC_CONFIG, "data/raw.dvc": DVC_POINTER})
    obs = run_rubric_check(snap, "data-pinned")
    assert {(e.path, e.line) for e in obs.evidence} >= {(".dvc/config", 4), ("data/raw.dvc", 2)}


def test_seeds_cudnn_evidence_line(tmp_path):
    snap = snapshot(
        tmp_path,
        {"train.py": "import torch\ntorch.manual_seed(0)\ntorch.backends.cudnn.benchmark = True\n"},
    )
    obs = run_rubric_check(snap, "seeds-set")
    assert ("train.py", 3) in {(e.path, e.line) for e in obs.evidence}


def test_notebook_only_caps_level_zero():
    from helpers import _default_rubric

    found = _default_rubric().find("notebook-only")
    assert found is not None
    assert found[1].strength == "anti" and found[1].caps == 0


@pytest.mark.parametrize(
    ("files", "said"),
    [
        # a floor is not the version runs use (three reviews: `>=3.9` was called "pinned")
        ({"pyproject.toml": '[project]\nname = "a"\nrequires-python = ">=3.9"\n'}, "minimum"),
        ({"setup.py": "from setuptools import setup\nsetup(python_requires='>=3.7')\n"}, "minimum"),
        ({".python-version": "3.11.7\n"}, "pinned"),
        ({"pyproject.toml": '[project]\nname = "a"\nrequires-python = ">=3.9,<3.12"\n'}, "pinned"),
    ],
)
def test_dev_prod_parity_says_whether_python_is_pinned_or_only_floored(tmp_path, files, said):
    obs = run_rubric_check(snapshot(tmp_path, files), "dev-prod-parity")
    assert obs.outcome == PARTIAL
    assert f"a {said} Python version is declared" in obs.message


# the model trained only in notebooks, while scripts serve or convert it (outside the table:
# its repositories hold no training command, which the table's training_repo adds)
FLASK_PICKLE = (
    "import pickle\nfrom flask import Flask, jsonify, request\napp = Flask(__name__)\n"
    "model = pickle.load(open('model.pkl', 'rb'))\n\n\n@app.route('/predict', methods=['POST'])\n"
    "def predict():\n    return jsonify(model.predict([request.json['x']]).tolist())\n"
)
NOTEBOOK_TRAINING_CASES = [
    # a service loading the model from the Hopsworks registry while the model is trained in a
    # notebook only (featurestoreorg/serverless-ml-course src/04-module/app.py): GCP level 0
    # is exactly this, manual training handed to a prediction service (SIGNALS: no .py
    # training entry point), as alexeygrigorev/mlbookcamp-code's Flask service loading the
    # pickle 05-deploy.ipynb writes
    (
        "service in .py, training only in a notebook",
        {
            "app.py": "import hopsworks\nimport joblib\nmr = hopsworks.login().get_model_registry()\n",
            "train.ipynb": nb("import xgboost\nmodel = xgboost.XGBClassifier()\nmodel.fit(X, y)\n"),
        },
        FAIL,
    ),
    # ... while a service the repository ships (a container that serves it) is code of its
    # own: the notebook training is a gap, not a cap (rafaelgreca/e2e-mlops-project
    # src/model/inference.py, Dockerfile:18; three reviewers)
    (
        "shipped service in .py, training only in a notebook",
        {
            "app.py": "import xgboost\nfrom fastapi import FastAPI\napp = FastAPI()\n"
            "model = xgboost.Booster(model_file='model.json')\n",
            "Dockerfile": "FROM python:3.11\nCOPY . /app\nEXPOSE 8000\n"
            'CMD ["uvicorn", "app:app"]\n',
            "train.ipynb": nb("import xgboost\nmodel = xgboost.XGBClassifier()\nmodel.fit(X, y)\n"),
        },
        PARTIAL,
    ),
    # ... and so is a shipped Flask app that only unpickles what the notebook trained
    # (Sergendel/MLops-Mid-Project; reviewed), while the same app shipped nowhere is not
    (
        "shipped Flask app, every ML import in the notebook",
        {
            "app.py": FLASK_PICKLE,
            "Dockerfile": 'FROM python:3.11\nCOPY . /app\nEXPOSE 5000\nCMD ["python", "app.py"]\n',
            "train.ipynb": nb(
                "import sklearn.ensemble as e\nm = e.RandomForestClassifier().fit(X, y)\n"
            ),
        },
        PARTIAL,
    ),
    (
        "Flask app shipped nowhere, every ML import in the notebook",
        {
            "app.py": FLASK_PICKLE,
            "train.ipynb": nb(
                "import sklearn.ensemble as e\nm = e.RandomForestClassifier().fit(X, y)\n"
            ),
        },
        FAIL,
    ),
    # ... but a side experiment with another framework is not where the scripts' model comes
    # from (serengil/deepface boosted/*.ipynb `lightgbm.train`, a package running pretrained
    # TensorFlow models; reviewed) ...
    (
        "scripts run other models than the notebook trains",
        {
            "pkg/models.py": "import tensorflow as tf\n\ndef load(path):\n"
            "    return tf.keras.models.load_model(path)\n",
            "boosted/experiments.ipynb": nb(
                "import lightgbm as lgb\nbooster = lgb.train(params, data)\n"
            ),
        },
        PASS,
    ),
    # ... while a service of the notebook's own framework serves what it trained
    (
        "scripts run the framework the notebook trains with",
        {
            "pkg/models.py": "import lightgbm as lgb\n\ndef load(path):\n"
            "    return lgb.Booster(model_file=path)\n",
            "boosted/experiments.ipynb": nb(
                "import lightgbm as lgb\nbooster = lgb.train(params, data)\n"
            ),
        },
        FAIL,
    ),
    # ... and so does a runtime that serves any framework's model (an ONNX export of it)
    (
        "scripts serve the notebook's model through a runtime",
        {
            "app.py": "import onnxruntime as ort\nsession = ort.InferenceSession('model.onnx')\n",
            "train.ipynb": nb(
                "import sklearn.linear_model as lm\nm = lm.LogisticRegression().fit(X, y)\n"
            ),
        },
        FAIL,
    ),
    # ... a script that trains (or a command that does) is the .py entry point
    (
        "service in .py, training in a script too",
        {
            "app.py": "import joblib\nimport sklearn\n",
            "train.ipynb": nb("model.fit(X, y)\n"),
            "pipeline/fit_model.py": "import sklearn\n\ndef run(model, X, y):\n    model.fit(X, y)\n",
        },
        PASS,
    ),
    # trap: a notebook that only loads and evaluates trains nothing
    (
        "service in .py, notebook evaluates only",
        {
            "app.py": "import joblib\nimport sklearn\n",
            "eval.ipynb": nb("import joblib\nmodel = joblib.load('m.pkl')\nmodel.predict(X)\n"),
        },
        PASS,
    ),
]


# a library published by CI, whose package imports no ML framework (roboflow/supervision:
# cv2 and numpy only; reviewed)
PUBLISHED_LIBRARY = {
    "pyproject.toml": '[project]\nname = "vislib"\nversion = "1.0"\n',
    "vislib/__init__.py": "from vislib.annotate import draw\n",
    "vislib/annotate.py": "import cv2\n\ndef draw(image):\n    return cv2.rectangle(image)\n",
    ".github/workflows/publish.yml": "on:\n  push:\n    tags: ['*']\njobs:\n  publish:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    "      - run: python -m build\n      - uses: pypa/gh-action-pypi-publish@release/v1\n",
}
DEMO_NOTEBOOK = nb(
    "!pip install -q vislib[assets]\n",
    "import ultralytics\nimport vislib\nmodel = ultralytics.YOLO('yolov8n.pt')\n",
)

NOTEBOOK_DEMO_CASES = [
    # the README's demo notebook installs the released package: its code lives in the package
    ("demo of the published package", {**PUBLISHED_LIBRARY, "demo.ipynb": DEMO_NOTEBOOK}, PASS),
    # trap: a notebook that installs the checkout develops the project in the notebook
    (
        "notebook installs the checkout",
        {
            **PUBLISHED_LIBRARY,
            "demo.ipynb": DEMO_NOTEBOOK.replace("-q vislib[assets]", "-e ."),
        },
        FAIL,
    ),
    # trap: a package nobody publishes is the project's own code, however it is installed
    (
        "the package is not published",
        {
            **{k: v for k, v in PUBLISHED_LIBRARY.items() if not k.startswith(".github")},
            "demo.ipynb": DEMO_NOTEBOOK,
        },
        FAIL,
    ),
]


@pytest.mark.parametrize(
    ("case", "files", "expected"), NOTEBOOK_DEMO_CASES, ids=[c[0] for c in NOTEBOOK_DEMO_CASES]
)
def test_a_demo_of_the_published_package_is_no_notebook_only_code(tmp_path, case, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, files), "notebook-only")
    assert obs.outcome == expected, obs
    layout = run_rubric_check(snapshot(tmp_path / "again", files), "notebooks-folder")
    assert (layout.outcome == NA) == (expected == PASS), layout


@pytest.mark.parametrize(
    ("case", "files", "expected"),
    NOTEBOOK_TRAINING_CASES,
    ids=[c[0] for c in NOTEBOOK_TRAINING_CASES],
)
def test_notebook_only_when_only_notebooks_train(tmp_path, case, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, files), "notebook-only")
    assert obs.outcome == expected, obs


def test_a_stale_pin_is_shown_on_its_own_line(tmp_path):
    """The pin the lock misses is cited where it is written, not where the package's name
    first appears (bentoml/OpenLLM pyproject.toml: "BentoML" in the authors; reviewed)."""
    files = {
        "pyproject.toml": "[project]\nname = 'ollm'\nauthors = [{name = 'BentoML Team'}]\n"
        "dependencies = [\n  'bentoml==1.4.23',\n  'typer',\n]\n",
        "uv.lock": UV_LOCK.format(bentoml="1.4.8"),
    }
    obs = run_rubric_check(snapshot(tmp_path, files), "deps-locked")
    assert obs.outcome == PARTIAL, obs
    cited = [(e.path, e.line) for e in obs.evidence if e.path == "pyproject.toml"]
    assert cited == [("pyproject.toml", 5)], obs.evidence


def test_notebooks_of_the_docs_are_named_not_denied(tmp_path):
    """A pass that says "no notebooks" where the docs hold some contradicts the evidence of
    other checks (google-deepmind/graphcast docs/*.ipynb; reviewed)."""
    nb = '{"cells": [], "nbformat": 4}'
    files = {"pkg/model.py": "import torch\n", "docs/demo.ipynb": nb}
    obs = run_rubric_check(snapshot(tmp_path, files), "notebook-only")
    assert obs.outcome == PASS, obs
    assert "1 notebook(s) are documentation or examples" in obs.message
    obs = run_rubric_check(
        snapshot(tmp_path / "none", {"pkg/model.py": "import torch\n"}), "notebook-only"
    )
    assert obs.message == "no notebooks; code lives in scripts"


SEED_HELPER = "import torch\n\ndef set_seeds(seed=42):\n    torch.manual_seed(seed)\n"


@pytest.mark.parametrize(
    ("files", "expected", "said"),
    [
        # positive: a script calls the seed helper
        (
            {"helpers.py": SEED_HELPER, "train.py": "from helpers import set_seeds\nset_seeds()\n"},
            PASS,
            "random seeds set",
        ),
        # negative: nothing calls it (mrdbourke/pytorch-deep-learning helper_functions.py:239)
        ({"helpers.py": SEED_HELPER, "train.py": "import torch\n"}, PARTIAL, "nothing calls"),
        # ... or only notebooks do
        (
            {
                "helpers.py": SEED_HELPER,
                "train.py": "import torch\n",
                "nb.ipynb": nb("from helpers import set_seeds\nset_seeds()\n"),
            },
            PARTIAL,
            "called only by notebooks",
        ),
        # trap: a seed inside the training function itself seeds the run that calls it
        (
            {"train.py": "import torch\n\ndef main():\n    torch.manual_seed(0)\n"},
            PASS,
            "random seeds set",
        ),
    ],
    ids=["helper-called", "helper-uncalled", "helper-called-by-notebooks", "seed-in-main"],
)
def test_seeds_in_a_helper_no_script_calls(tmp_path, files, expected, said):
    obs = run_rubric_check(snapshot(tmp_path, training_repo(files)), "seeds-set")
    assert obs.outcome == expected, obs
    assert said in obs.message
