"""Versioning (VER) checks, run through the default rubric: per check a positive case, a
negative case and the catalogue's known false positives. Git-history checks build real
histories (commits, tags, authors, shallow clones)."""

from __future__ import annotations

import json
import subprocess

import pytest
from helpers import (
    _default_rubric,
    commit,
    git,
    make_repo,
    run_probe,
    run_rubric_check,
    snapshot,
    training_repo,
)

from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Outcome

PASS, PARTIAL, FAIL, NA, UNKNOWN = (
    Outcome.PASS,
    Outcome.PARTIAL,
    Outcome.FAIL,
    Outcome.NOT_APPLICABLE,
    Outcome.UNKNOWN,
)
MIB = 1024 * 1024
BIG_CSV = b"a,b,c\n1,2,3\n" * (11 * MIB // 12 + 1)
BIG_BINARY = b"\x80\x04" + b"\x00\x01" * (11 * MIB // 2)
LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 12345678\n"
)
DVC_POINTER = "outs:\n- md5: 3a1b2c3d4e5f60718293a4b5c6d7e8f9\n  size: 1024\n  path: raw\n"

HUB_SERVE = (
    "import joblib\nfrom huggingface_hub import hf_hub_download\n\n\n"
    "def load(repo_id, revision):\n"
    "    return joblib.load(hf_hub_download(repo_id=repo_id, filename='m.joblib', revision=revision))\n"
    "\n\nTAG = '%s'\nmodel = load('org/m', revision=TAG)\n"
)


def nb(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "source": c.splitlines(True)} for c in cells],
            "nbformat": 4,
            "metadata": {},
        }
    )


# a notebook as Jupyter saves it after a run: an output and an execution count
NB_WITH_OUTPUT = json.dumps(
    {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "source": ["print(1)"],
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1"]}],
            }
        ],
        "nbformat": 4,
        "metadata": {},
    },
    indent=1,
)


VERTEX_JOB = (
    "import google.cloud.aiplatform as aip\n\n"
    "job = aip.CustomTrainingJob(display_name='j', script_path='task.py', container_uri=c)\n"
    "model = job.run({extra})\n"
)

LIT_LOGGER = (
    "import pytorch_lightning as pl\n"
    "logger = pl.loggers.WandbLogger(project='ocr', log_model={log_model})\n"
)
RECIPE = (
    'recipe: "regression/v1"\ntarget_col: "fare_amount"\nprimary_metric: "root_mean_squared_error"\n'
    "steps:\n  ingest: {{INGEST_CONFIG}}\n  train:\n    using: custom\n  register:\n"
    "    allow_non_validated_model: false\n"
)
# a conda recipe in rattler-build's format is another `recipe.yaml`
RATTLER_RECIPE = "context:\n  version: 1.0\nrecipe:\n  name: pkg\nsource:\n  path: .\n"
SM_MODEL = (
    "Resources:\n  Model:\n    Type: AWS::SageMaker::Model\n    Properties:\n"
    "      PrimaryContainer:\n        Image: img\n"
    "        ModelDataUrl: !Sub s3://${{Bucket}}/{}\n"
)
ISVC = (
    "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: fraud}\n"
    "spec:\n  predictor:\n    model:\n      modelFormat: {name: mlflow}\n      storageUri: %s\n"
)
HUB_ARGS = (
    "from transformers import Trainer, TrainingArguments\n"
    "args = TrainingArguments(output_dir='out', push_to_hub=%s)\n"
    "Trainer(model=m, args=args).train()\n"
)

CASES = [
    # data-vcs -----------------------------------------------------------------------------
    ("data-vcs", "dvc pointer", {"data/raw.dvc": DVC_POINTER, ".dvc/config": "[core]\n"}, PASS),
    # the nearest folder decides: a dataset folder inside model/ holds data
    # (JasonNguyen2135/Spotify-Sentiment-MLOps model/dataset/train_data.csv.dvc; reviewed) ...
    (
        "data-vcs",
        "dataset folder under model",
        {
            "model/dataset/train_data.csv.dvc": "outs:\n- md5: 9300ab20538c79d8dfcab866ce5205ef\n"
            "  path: train_data.csv\n",
            ".dvc/config": "[core]\n",
        },
        PASS,
    ),
    # ... and weights stay a model wherever they are
    (
        "data-vcs",
        "FP weights under data",
        {
            "data/checkpoints/best.pt.dvc": "outs:\n- md5: 9300ab20538c79d8dfcab866ce5205ef\n"
            "  path: best.pt\n",
            ".dvc/config": "[core]\n",
        },
        FAIL,
    ),
    # a stage's metrics and plots kept in git (`cache: false`) are not versioned data
    # (iterative/cml_dvc_case dvc.yaml:8-12, dvc.lock:9-12)
    (
        "data-vcs",
        "FP uncached metrics in dvc.lock",
        {
            "dvc.yaml": "stages:\n  s:\n    cmd: python train.py\n    deps: [train.py]\n"
            "    metrics:\n    - metrics.json:\n        cache: false\n",
            "dvc.lock": "s:\n  cmd: python train.py\n  outs:\n  - path: metrics.json\n"
            "    md5: 0955b6cb503d807426bab33d28358988\n",
            "train.py": "print(1)\n",
        },
        FAIL,
    ),
    (
        "data-vcs",
        "lfs for csv",
        {
            ".gitattributes": "*.csv filter=lfs diff=lfs merge=lfs -text\n",
            "data/train.csv": LFS_POINTER,
        },
        PASS,
    ),
    (
        "data-vcs",
        "lfs for data dir",
        {
            ".gitattributes": "data/** filter=lfs diff=lfs merge=lfs -text\n",
            "data/train.parquet": LFS_POINTER,
        },
        PASS,
    ),
    # rule dead: an LFS rule naming one file that was since removed (mozilla/DeepSpeech
    # .gitattributes:1 data/lm/kenlm.scorer, reviewed)
    (
        "data-vcs",
        "FP lfs rule for a removed file",
        {
            ".gitattributes": "data/lm/kenlm.scorer filter=lfs diff=lfs merge=lfs -text\n",
            "data/lm/generate_lm.py": "x = 1\n",
        },
        FAIL,
    ),
    (
        "data-vcs",
        "lfs rule for one data file with its pointer",
        {
            ".gitattributes": "data/train.csv filter=lfs diff=lfs merge=lfs -text\n",
            "data/train.csv": LFS_POINTER,
        },
        PASS,
    ),
    # class 6 of issue 10: an LFS rule that no file at HEAD goes through is at most partial;
    # one that no commit ever touched a file under was set up and never used (axolotl-ai-cloud/
    # axolotl .gitattributes:1 `data/*.jsonl filter=lfs`; reviewed; with history: below)
    (
        "data-vcs",
        "FP lfs rule no file ever went through",
        {".gitattributes": "*.csv filter=lfs diff=lfs merge=lfs -text\n"},
        FAIL,
    ),
    (
        "data-vcs",
        "lfs rule, csv committed without LFS",
        {".gitattributes": "*.csv filter=lfs -text\n", "data/small.csv": "a,b\n1,2\n"},
        PARTIAL,
    ),
    # a DVC-tracked model is model versioning, not data versioning
    (
        "data-vcs",
        "FP dvc pointer for a model",
        {
            "models/model.pkl.dvc": DVC_POINTER.replace("path: raw", "path: model.pkl"),
            ".dvc/config": "[core]\n",
        },
        FAIL,
    ),
    (
        "data-vcs",
        "FP dvc.lock outputs are checkpoints and onnx",
        {
            "dvc.lock": "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n"
            "    outs:\n    - path: best.ckpt\n      md5: a1\n    - path: export/model.onnx\n      md5: b2\n",
        },
        FAIL,
    ),
    # … which counts (at most partially) where model versions are looked for
    (
        "model-version-tags",
        "dvc-versioned model without tags",
        {"models/model.pkl.dvc": DVC_POINTER.replace("path: raw", "path: model.pkl")},
        PARTIAL,
    ),
    (
        "model-version-tags",
        "lfs rule for Model.zip with its pointer",
        {".gitattributes": "Model.zip filter=lfs -text\n", "Model.zip": LFS_POINTER},
        PARTIAL,
    ),
    # released weights from fixed URLs, checked against a SHA-256 the code holds (openai/CLIP
    # clip/clip.py, openai/shap-e, reviewed): pinned by content, not tagged
    (
        "model-version-tags",
        "weights pinned by url and sha256",
        {
            "pkg/download.py": "import hashlib\n"
            "MODELS = {'base': 'https://example.org/models/3f2a/base.pt'}\n"
            "def ok(data, expected):\n    return hashlib.sha256(data).hexdigest() == expected\n"
        },
        PARTIAL,
    ),
    # ... or by torch.hub against the hash prefix of the file name (facebookresearch/detr
    # hubconf.py, reviewed) ...
    (
        "model-version-tags",
        "weights checked by torch.hub",
        {
            "hubconf.py": "import torch\n\ndef detr():\n    return torch.hub.load_state_dict_from_url(\n"
            "        url='https://example.org/detr-r50-e632da11.pth', check_hash=True)\n"
        },
        PARTIAL,
    ),
    # ... not a download torch.hub does not check
    (
        "model-version-tags",
        "FP torch.hub download unchecked",
        {
            "hubconf.py": "import torch\n\ndef detr():\n    return torch.hub.load_state_dict_from_url(\n"
            "        url='https://example.org/detr.pth', check_hash=False)\n"
        },
        FAIL,
    ),
    # ... a URL alone pins nothing, and a checksum of a data download is no model version
    (
        "model-version-tags",
        "FP weights url without a checksum",
        {"pkg/download.py": "MODELS = {'base': 'https://example.org/models/base.pt'}\n"},
        FAIL,
    ),
    (
        "model-version-tags",
        "FP checksum of a dataset download",
        {
            "pkg/data.py": "import hashlib\nURL = 'https://example.org/data/train.csv'\n"
            "def ok(b, e):\n    return hashlib.sha256(b).hexdigest() == e\n"
        },
        FAIL,
    ),
    (
        "model-version-tags",
        "FP dvc-versioned data is not a model version",
        {"data/raw.dvc": DVC_POINTER},
        FAIL,
    ),
    # Git LFS rules classified by file name too: Model.zip is a model
    (
        "data-vcs",
        "FP lfs rule for Model.zip",
        {".gitattributes": "Model.zip filter=lfs -text\n", "Model.zip": LFS_POINTER},
        FAIL,
    ),
    ("data-vcs", "datalad", {".datalad/config": '[datalad "dataset"]\n\tid = x\n'}, PASS),
    ("data-vcs", "lakefs uri", {"load.py": "path = 'lakefs://repo/main/data.parquet'\n"}, PASS),
    ("data-vcs", "nothing", {"train.py": "x = 1\n", "data/small.csv": "a,b\n1,2\n"}, FAIL),
    # FP: an empty dvc init, LFS only for images, a linguist-only .gitattributes, README prose
    ("data-vcs", "FP empty dvc init", {".dvc/config": "[core]\n", ".dvcignore": "\n"}, FAIL),
    (
        "data-vcs",
        "FP lfs images",
        {".gitattributes": "*.png filter=lfs diff=lfs merge=lfs -text\n*.jpg filter=lfs -text\n"},
        FAIL,
    ),
    (
        "data-vcs",
        "FP lfs model weights",
        {".gitattributes": "*.pt filter=lfs diff=lfs merge=lfs -text\n"},
        FAIL,
    ),
    (
        "data-vcs",
        "FP linguist only",
        {
            ".gitattributes": "*.dvc linguist-language=YAML\n# *.csv filter=lfs\n",
            "README.md": "Run dvc add data\n",
        },
        FAIL,
    ),
    # feature-defs-versioned ---------------------------------------------------------------------
    (
        "feature-defs-versioned",
        "feast view",
        {
            "features/defs.py": "from feast import FeatureView, Field\nfv = FeatureView(name='driver', entities=[e], schema=[])\n"
        },
        PASS,
    ),
    (
        "feature-defs-versioned",
        "dbt project",
        {"dbt/dbt_project.yml": "name: x\n", "dbt/models/marts/features.sql": "select 1\n"},
        PASS,
    ),
    (
        "feature-defs-versioned",
        "FP dbt project without models",
        {"dbt/dbt_project.yml": "name: x\n"},
        FAIL,
    ),
    (
        "feature-defs-versioned",
        "FP a test's feature store fixture",
        {"etl.py": "import pandas as pd\n", "tests/fixtures/feature_store.yaml": "project: t\n"},
        FAIL,
    ),
    ("feature-defs-versioned", "nothing", {"train.py": "x = 1\n"}, FAIL),
    # FP: an import with no definition; README prose
    (
        "feature-defs-versioned",
        "FP import only",
        {"f.py": "import feast\n", "README.md": "FeatureView(...)\n"},
        FAIL,
    ),
    # data-unversioned (anti: pass = good) ------------------------------------------------------
    ("data-unversioned", "small data", {"data/train.csv": "a,b\n1,2\n"}, PASS),
    ("data-unversioned", "big csv", {"data/train.csv": BIG_CSV}, FAIL),
    ("data-unversioned", "big parquet anywhere", {"raw.parquet": BIG_BINARY}, FAIL),
    # data kept out of git with no tool: a data folder at any depth (you-dont-need-a-bigger-
    # boat .gitignore:134), a data format anywhere
    (
        "data-unversioned",
        "nested data folder ignored",
        {".gitignore": "/remote_flow/data/*.csv\n", "flow.py": "x = 1\n"},
        PARTIAL,
    ),
    ("data-unversioned", "data format ignored", {".gitignore": "**/*.parquet\n"}, PARTIAL),
    (
        "data-unversioned",
        "ignored but versioned by DVC",
        {".gitignore": "*.csv\n", "data/train.csv.dvc": "outs:\n- md5: 1a2b\n  path: train.csv\n"},
        PASS,
    ),
    # the trap: git has no inline comments, so `/data/ # raw` ignores nothing it means to
    # (MohamedDiar/azure-mlops-fraud-detection .gitignore:150; reviewed)
    (
        "data-unversioned",
        "inline comment",
        {".gitignore": "/data/ # raw data\n*.csv # generated\n", "flow.py": "x = 1\n"},
        PASS,
    ),
    # traps: a negation keeps a file in git; `database.py` and `*.py` are code
    (
        "data-unversioned",
        "negation and code names",
        {".gitignore": "!data/.gitkeep\n*.py\napp/database.py\n# data/\n"},
        PASS,
    ),
    # FP: an LFS pointer is small text; a large notebook is not data (Made-With-ML trap)
    (
        "data-unversioned",
        "FP lfs pointer",
        {
            "data/train.csv": LFS_POINTER,
            ".gitattributes": "*.csv filter=lfs diff=lfs merge=lfs -text\n",
        },
        PASS,
    ),
    (
        "data-unversioned",
        "FP big notebook",
        {"notebooks/big.ipynb": nb("x = '" + "a" * (11 * MIB) + "'\n")},
        PASS,
    ),
    (
        "data-unversioned",
        "ignored data, no tool",
        {".gitignore": "data/\n", "train.py": "x = 1\n"},
        PARTIAL,
    ),
    (
        "data-unversioned",
        "ignored data, dvc",
        {".gitignore": "/data\n", "data.dvc": DVC_POINTER},
        PASS,
    ),
    # model-registry -------------------------------------------------------------------------------
    # Vertex AI: a training job given a model name uploads a registry version; aliases move
    # the champion (GoogleCloudPlatform/vertex-pipelines-end-to-end-samples)
    # Comet's registry read by serving (Paulescu/hands-on-train-and-deploy-ml model_registry_api.py:30)
    # Lightning's logger uploads checkpoints as run artefacts: a tracker store, no registry
    # (full-stack-deep-learning/fsdl-text-recognizer-2022 training/run_experiment.py:161)
    # a packaged model pushed to the Hugging Face Hub by the project's workflow (explosion/
    # projects integrations/huggingface_hub/project.yml:103)
    # a card of evaluation results pushed to a dataset repository is no model
    # (EleutherAI/lm-evaluation-harness evaluation_tracker.py:586)
    (
        "model-registry",
        "FP card pushed to a dataset repo",
        {
            "tracker.py": "from huggingface_hub import DatasetCard\n\ndef push(card, repo_id):\n"
            "    card.push_to_hub(repo_id, repo_type='dataset')\n"
        },
        FAIL,
    ),
    # 🤗 Trainer pushes the saved model to the Hub when its arguments say so: a literal True,
    # or (partial) a value from configuration (Fine-Tuning-Team/Fine-Tune-Pipeline
    # app/finetuner.py:353; reviewed); False pushes nothing
    (
        "model-registry",
        "TrainingArguments push_to_hub",
        {"train.py": HUB_ARGS % "True"},
        PASS,
    ),
    (
        "model-registry",
        "TrainingArguments push_to_hub from config",
        {"train.py": HUB_ARGS % "cfg.push_to_hub"},
        PARTIAL,
    ),
    (
        "model-registry",
        "FP TrainingArguments push_to_hub False",
        {"train.py": HUB_ARGS % "False"},
        FAIL,
    ),
    # Azure ML's CLI v2 registers a model version (coderkol95/MLOps_stock_prediction
    # .github/workflows/model_pipeline.yml:57; reviewed); a commented-out line is none
    # BentoML's local model store: versioned, not shared (bentoml/BentoProphet; reviewed)
    (
        "model-registry",
        "bentoml local store",
        {
            "save.py": "import bentoml\nmodel.fit(df)\nwith bentoml.models.create(name='m') as ref:\n    pass\n"
        },
        PARTIAL,
    ),
    (
        "model-registry",
        "az ml model create",
        {
            "train.py": "model.fit(x, y)\n",
            ".github/workflows/train.yml": "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n"
            "      - run: az ml model create --name m --version 3 --path outputs/model\n",
        },
        PASS,
    ),
    (
        "model-registry",
        "FP az ml model create commented out",
        {
            "train.py": "model.fit(x, y)\n",
            ".github/workflows/train.yml": "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n"
            "      - run: echo hi  # az ml model create --name m\n",
        },
        FAIL,
    ),
    (
        "model-registry",
        "spacy huggingface-hub push in project.yml",
        {
            "project.yml": "commands:\n  - name: push\n    script:\n"
            "      - python -m spacy huggingface-hub push packages/en_ner-0.0.0.whl\n"
        },
        PASS,
    ),
    # a SageMaker model package group declared with the AWS CDK (aws-solutions/
    # mlops-workload-orchestrator pipeline_definitions/sagemaker_model_registry.py:26;
    # reviewed) ...
    (
        "model-registry",
        "cdk model package group",
        {
            "infra/registry.py": "from aws_cdk import aws_sagemaker as sagemaker\n\n"
            "def registry(scope, name):\n"
            "    return sagemaker.CfnModelPackageGroup(scope, 'Registry', "
            "model_package_group_name=name)\n"
        },
        PASS,
    ),
    # ... not a model declared alone, which versions nothing
    (
        "model-registry",
        "FP cdk model",
        {
            "infra/model.py": "from aws_cdk import aws_sagemaker as sagemaker\n\n"
            "def model(scope, image):\n"
            "    return sagemaker.CfnModel(scope, 'Model', primary_container=image)\n"
        },
        FAIL,
    ),
    (
        "model-registry",
        "huggingface-cli upload of a model",
        {"scripts/release.sh": "huggingface-cli upload org/model ./out\n"},
        PASS,
    ),
    # a trainer pushing the trained model to the Hub registers it ...
    (
        "model-registry",
        "trainer push_to_hub",
        {
            "train.py": "import transformers\ntrainer = transformers.Trainer(model=m)\ntrainer.push_to_hub()\n"
        },
        PASS,
    ),
    # ... a dataset pushed there is data (huggingface/open-r1 scripts/decontaminate.py:145)
    (
        "model-registry",
        "FP dataset push_to_hub",
        {
            "scripts/decontaminate.py": "import datasets\nds = datasets.load_dataset('x')\n"
            "ds.push_to_hub('org/x-clean')\nclean_dataset.push_to_hub('org/y')\n"
            "distiset.push_to_hub('org/z')\n"
            "lm_dataset.train_test_split(0.1).push_to_hub('org/w')\n",
            "train.py": "import torch\nloss.backward()\n",
        },
        FAIL,
    ),
    # the trap: uploading a dataset is no model registry
    (
        "model-registry",
        "FP huggingface-cli upload of a dataset",
        {"scripts/release.sh": "huggingface-cli upload org/data ./data --repo-type dataset\n"},
        FAIL,
    ),
    (
        "model-registry",
        "lightning wandb logger log_model",
        {"train.py": LIT_LOGGER.format(log_model="'all'")},
        PARTIAL,
    ),
    (
        "model-registry",
        "FP lightning wandb logger without log_model",
        {"train.py": LIT_LOGGER.format(log_model="False")},
        FAIL,
    ),
    # an MLflow Recipe (mlflow/recipes-regression-template recipe.yaml:18); a rattler-build
    # conda recipe is another recipe.yaml
    ("model-registry", "mlflow recipe", {"recipe.yaml": RECIPE, "steps/train.py": "x = 1\n"}, PASS),
    # unsloth's merged export pushes the fine-tuned model to the Hub (PacktPublishing/
    # LLM-Engineers-Handbook llm_engineering/model/finetuning/finetune.py:223; reviewed) ...
    (
        "model-registry",
        "unsloth push_to_hub_merged",
        {
            "finetune.py": "def save(model, tokenizer, repo_id):\n"
            "    model.push_to_hub_merged(repo_id, tokenizer, save_method='merged_16bit')\n"
        },
        PASS,
    ),
    # ... unless it names a Space
    (
        "model-registry",
        "FP push_to_hub_merged to a Space",
        {
            "finetune.py": "def save(model, tokenizer, repo_id):\n"
            "    model.push_to_hub_merged(repo_id, tokenizer, repo_type='space')\n"
        },
        FAIL,
    ),
    ("model-registry", "FP conda recipe.yaml", {"recipe/recipe.yaml": RATTLER_RECIPE}, FAIL),
    # IBM Watson ML's repository (mlops-guide/dvc-gitactions model_deploy_pipeline.py:57)
    (
        "model-registry",
        "watson ml repository",
        {
            "deploy.py": "from ibm_watson_machine_learning import APIClient\n"
            "client = APIClient(creds)\nclient.repository.store_model(model=m, meta_props=p)\n"
        },
        PASS,
    ),
    # FP: listing the deployments stores no model
    (
        "model-registry",
        "FP watson ml deployments list",
        {
            "deploy.py": "from ibm_watson_machine_learning import APIClient\n"
            "client = APIClient(creds)\nclient.deployments.list()\n"
        },
        FAIL,
    ),
    (
        "model-registry",
        "comet registry download",
        {
            "src/registry.py": "import comet_ml\napi = comet_ml.API(api_key=key)\n"
            "api.download_registry_model(workspace, model_name, version='1.0.0')\n"
        },
        PASS,
    ),
    (
        "model-registry",
        "vertex training job uploads a version",
        {"c/train.py": VERTEX_JOB.format(extra="model_display_name=name, parent_model=parent")},
        PASS,
    ),
    (
        "model-registry",
        "FP vertex training job without a model",
        {"c/train.py": VERTEX_JOB.format(extra="replica_count=1")},
        FAIL,
    ),
    (
        "model-registry",
        "register_model",
        {"train.py": "import mlflow\nmlflow.register_model(f'runs:/{rid}/model', 'churn')\n"},
        PASS,
    ),
    (
        "model-registry",
        "registered_model_name",
        {
            "train.py": "import mlflow\nmlflow.sklearn.log_model(m, 'model', registered_model_name='churn')\n"
        },
        PASS,
    ),
    ("model-registry", "push_to_hub", {"train.py": "model.push_to_hub('org/model')\n"}, PASS),
    (
        "model-registry",
        "azureml-model-module",
        {
            "register.py": (
                "from azureml.core.model import Model as AMLModel\n"
                "AMLModel.register(workspace=ws, model_path='m.pkl', model_name='m')\n"
            )
        },
        PASS,
    ),
    (
        "model-registry",
        "sagemaker package group",
        {
            "pipe.py": "from sagemaker.workflow.step_collections import RegisterModel\nRegisterModel(name='r', model_package_group_name='churn')\n"
        },
        PASS,
    ),
    (
        "model-registry",
        "run artefact only",
        {"train.py": "import mlflow\nmlflow.sklearn.log_model(m, 'model')\n"},
        PARTIAL,
    ),
    (
        "model-registry",
        "nothing",
        {"train.py": "import joblib\njoblib.dump(m, 'model.pkl')\n"},
        FAIL,
    ),
    # FP: a folder named MODEL_REGISTRY is not a registry (Made-With-ML trap); import only
    (
        "model-registry",
        "FP registry path constant",
        {
            "config.py": "import mlflow\nfrom pathlib import Path\nMODEL_REGISTRY = Path('/tmp/mlflow')\n"
        },
        FAIL,
    ),
    # model-pinned-in-serving ----------------------------------------------------------------------
    # a Hub download of a tagged revision, given through the file's own wrapper and constant
    # (JensBender/loan-default-prediction backend/app.py:184,207-211; reviewed) ...
    (
        "model-pinned-in-serving",
        "hub download of a tag through a wrapper",
        {"serve.py": HUB_SERVE % "v1.0"},
        PASS,
    ),
    # ... not of a branch, nor where the file's calls of the wrapper disagree, nor a same-named
    # local of another function
    (
        "model-pinned-in-serving",
        "FP hub download of a branch",
        {"serve.py": HUB_SERVE % "main"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "FP callers disagree",
        {"serve.py": HUB_SERVE % "v1.0" + "latest = load('org/m', revision='main')\n"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "FP a local of another function",
        {
            "serve.py": "from huggingface_hub import hf_hub_download\n\n\n"
            "def health():\n    revision = 'v2.0'\n    return revision\n\n\n"
            "def load(revision):\n    return hf_hub_download('org/m', 'm.bin', revision=revision)\n"
        },
        FAIL,
    ),
    # ... while a one-line wrapper is one
    (
        "model-pinned-in-serving",
        "one-line wrapper",
        {
            "serve.py": "from huggingface_hub import hf_hub_download\n\n\n"
            "def fetch(revision): return hf_hub_download('org/m', 'm.bin', revision=revision)\n"
            "\n\nTAG = 'v1.0'\nfetch(revision=TAG)\n"
        },
        PASS,
    ),
    # a docstring's example pins nothing: the default beside it floats (hzabun/player-churn-
    # mlops src/predict.py:11-19; reviewed) ...
    (
        "model-pinned-in-serving",
        "FP docstring example",
        {
            "predict.py": "import mlflow\n"
            "def load(uri='models:/churn/latest'):\n"
            '    """Load the model.\n\n    uri: "models:/churn/3" (a version)\n    """\n'
            "    return mlflow.pyfunc.load_model(uri)\n"
        },
        FAIL,
    ),
    # ... while the same URI as a default is a pin
    (
        "model-pinned-in-serving",
        "version as a default",
        {
            "predict.py": "import mlflow\n"
            "def load(uri='models:/churn/3'):\n"
            '    """Load the model."""\n'
            "    return mlflow.pyfunc.load_model(uri)\n"
        },
        PASS,
    ),
    # a Hub revision pins the model when it names a commit or a release, not a branch
    # (`revision="fp16"`: IDEA-Research/GroundingDINO demo notebook; reviewed)
    (
        "model-pinned-in-serving",
        "hub revision commit",
        {
            "serve.py": "from transformers import AutoModel\n"
            "m = AutoModel.from_pretrained('org/m', revision='3f5c2a9')\n"
        },
        PASS,
    ),
    (
        "model-pinned-in-serving",
        "FP hub branch revision",
        {
            "serve.py": "from transformers import AutoModel\n"
            "m = AutoModel.from_pretrained('org/m', revision='fp16')\n"
        },
        FAIL,
    ),
    # a registry alias in an f-string is an alias, whatever its value (davesamer/
    # ml-ops-test-project code/build_docker_image.py:14; reviewed) ...
    (
        "model-pinned-in-serving",
        "f-string alias",
        {
            "serve.py": "import mlflow\nalias = 'Challenger'\n"
            "m = mlflow.pyfunc.load_model(f'models:/{NAME}@{alias}')\n"
        },
        PASS,
    ),
    # ... an f-string's literal `latest` still floats, and beside the alias (a fallback) it
    # makes the pin partial (Umer-Muhammad1/loan_approval_prediction app/main.py:47,54)
    (
        "model-pinned-in-serving",
        "FP f-string latest",
        {"serve.py": "import mlflow\nm = mlflow.pyfunc.load_model(f'models:/{NAME}/latest')\n"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "f-string alias with a latest fallback",
        {
            "serve.py": "import mlflow\ntry:\n"
            "    m = mlflow.pyfunc.load_model(f'models:/{NAME}@{ALIAS}')\n"
            "except Exception:\n    m = mlflow.pyfunc.load_model(f'models:/{NAME}/latest')\n"
        },
        PARTIAL,
    ),
    # ... and a version from a variable is not decided by the template
    (
        "model-pinned-in-serving",
        "FP f-string version variable",
        {"serve.py": "import mlflow\nm = mlflow.pyfunc.load_model(f'models:/{NAME}/{stage}')\n"},
        FAIL,
    ),
    # the newest version in a registry stage is the stage's (surajm20061998/driftAwareMLOPS
    # services/inference/main.py:81; reviewed); the newest of all versions floats
    (
        "model-pinned-in-serving",
        "latest in a stage",
        {
            "serve.py": "from mlflow import MlflowClient\nimport mlflow\n"
            "v = MlflowClient().get_latest_versions(name, stages=[stage])[0].version\n"
            "model = mlflow.pyfunc.load_model(f'models:/{name}/{v}')\n"
        },
        PASS,
    ),
    # the version an alias names, looked up by a module the service imports, whatever loads
    # it then (mahadamir19/ids-mlops-pipeline lifecycle/registry.py:92; reviewed) ...
    (
        "model-pinned-in-serving",
        "alias lookup reached from serving",
        {
            "app/main.py": "from fastapi import FastAPI\nfrom app.models import load\n"
            "app = FastAPI()\nmodel = load()\n",
            "app/__init__.py": "",
            "app/models.py": "from app.registry import champion\n\n\ndef load():\n"
            "    return champion()\n",
            "app/registry.py": "from mlflow import MlflowClient\n\n\ndef champion():\n"
            "    return MlflowClient().get_model_version_by_alias('ids', 'champion')\n",
        },
        PASS,
    ),
    # ... not by a script that serving never runs
    (
        "model-pinned-in-serving",
        "FP alias lookup outside serving",
        {
            "app/main.py": "from fastapi import FastAPI\nimport joblib\napp = FastAPI()\n"
            "model = joblib.load('model.joblib')\n",
            "scripts/report.py": "from mlflow import MlflowClient\n"
            "v = MlflowClient().get_model_version_by_alias('ids', 'champion')\nprint(v)\n",
        },
        FAIL,
    ),
    # ... a promotion script looks it up to move it, and loads nothing (zvarrog/sentiment-mlops-
    # pipeline scripts/model_registry.py:92-99; reviewed)
    (
        "model-pinned-in-serving",
        "FP stage lookup to promote",
        {
            "registry.py": "import json\nfrom mlflow import MlflowClient\nc = MlflowClient()\n"
            "meta = json.load(open('m.json'))\n"
            "v = c.get_latest_versions(name, stages=['Staging'])[0].version\n"
            "c.transition_model_version_stage(name, v, 'Production')\n"
        },
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "FP latest of every stage",
        {
            "serve.py": "from mlflow import MlflowClient\nv = MlflowClient().get_latest_versions(name)\n"
        },
        FAIL,
    ),
    # a serving platform pointed at one MLflow run's artifacts (kuanchoulai10/data2ml-ops
    # kserve/inference-service-rest-v2.yaml:14; reviewed); a bucket's model folder floats
    (
        "model-pinned-in-serving",
        "kserve run artifacts",
        {"k8s/isvc.yaml": ISVC % "s3://mlflow/2/5ccd7dcabc1f49c1bc45f1f94d945dd6/artifacts/model"},
        PASS,
    ),
    (
        "model-pinned-in-serving",
        "FP kserve bucket folder",
        {"k8s/isvc.yaml": ISVC % "s3://models/fraud/model"},
        FAIL,
    ),
    # an Azure ML deployment's model version (coderkol95/MLOps_stock_prediction
    # jobs/deploy.yml:4; reviewed); a label that floats
    (
        "model-pinned-in-serving",
        "azureml model version",
        {"jobs/deploy.yml": "name: blue\nendpoint_name: ep\nmodel: azureml:GA_model:20\n"},
        PASS,
    ),
    (
        "model-pinned-in-serving",
        "FP azureml model latest",
        {"jobs/deploy.yml": "name: blue\nendpoint_name: ep\nmodel: azureml:GA_model@latest\n"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "version number",
        {"serve.py": "import mlflow\nmodel = mlflow.pyfunc.load_model('models:/churn/3')\n"},
        PASS,
    ),
    (
        "model-pinned-in-serving",
        "alias",
        {"serve.py": "import mlflow\nmodel = mlflow.pyfunc.load_model('models:/churn@champion')\n"},
        PASS,
    ),
    # a SageMaker model served from one training job's output (aws-samples/amazon-sagemaker-
    # safe-deployment-pipeline assets/deploy-model-prd.yml:87) ... not a fixed path, overwritten
    # by every run
    (
        "model-pinned-in-serving",
        "cfn model data of a training job",
        {"assets/prd.yml": SM_MODEL.format("${ModelName}-${TrainJobId}/output/model.tar.gz")},
        PASS,
    ),
    (
        "model-pinned-in-serving",
        "FP cfn model data at a fixed path",
        {"assets/prd.yml": SM_MODEL.format("${ModelName}/model.tar.gz")},
        FAIL,
    ),
    # a Databricks serving endpoint serves the version it names (marvelousmlops/marvel-
    # characters src/marvel_characters/serving/model_serving.py:47)
    (
        "model-pinned-in-serving",
        "databricks served entity version",
        {
            "serving.py": "from databricks.sdk.service.serving import ServedEntityInput\n"
            "ServedEntityInput(entity_name=name, entity_version=version, workload_size='Small')\n"
        },
        PASS,
    ),
    # FP: a tool's docstring and the regex that parses such URIs pin nothing (feast-dev/feast
    # sdk/python/feast/mlflow_integration/client.py:308-309)
    (
        "model-pinned-in-serving",
        "FP docstring and regex of a URI parser",
        {
            "serve.py": "import re\n\ndef parse(uri):\n"
            '    """Parse ``models:/<name>/<version_or_alias>`` into a tuple."""\n'
            '    return re.match(r"^models:/([^/]+)/(.+)$", uri)\n'
        },
        FAIL,
    ),
    # a ZenML inference config runs the model of a stage (zenml-io/zenml-projects
    # zencoder/configs/deployment_a100.yaml:9 `version: production`)
    (
        "model-pinned-in-serving",
        "zenml stage in an inference config",
        {"configs/inference.yaml": "model:\n  name: breast_cancer\n  version: production\n"},
        PASS,
    ),
    (
        "model-pinned-in-serving",
        "FP zenml latest in a deployment config",
        {"configs/deployment.yaml": "model:\n  name: breast_cancer\n  version: latest\n"},
        FAIL,
    ),
    # the trap: a training config's model version is the one it creates, not one served
    (
        "model-pinned-in-serving",
        "FP version in a training config",
        {"configs/training.yaml": "model:\n  name: breast_cancer\n  version: v2\n"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "manifest MODEL_VERSION",
        {"k8s/deploy.yaml": "env:\n- name: X\n  value: y\n", "k8s/config.env": "MODEL_VERSION=3\n"},
        PASS,
    ),
    (
        "model-pinned-in-serving",
        "hf revision",
        {
            "serve.py": "from transformers import AutoModel\nAutoModel.from_pretrained('org/m', revision='4f1e2a9')\n"
        },
        PASS,
    ),
    # the image pulls the model a committed DVC pointer pins (graviraja/MLOps-Basics
    # week_9_monitoring/Dockerfile:27): pinned by hash, not by a registry version
    (
        "model-pinned-in-serving",
        "dvc pull into the shipped image",
        {
            "serve.py": "import joblib\nmodel = joblib.load('models/model.pkl')\n",
            "models/model.pkl.dvc": "outs:\n- md5: 3f1e2a9b0c\n  path: model.pkl\n",
            "Dockerfile": "FROM python:3.11-slim\nCOPY . .\nRUN dvc pull models/model.pkl.dvc\n",
        },
        PARTIAL,
    ),
    # negative: no DVC pointer to pin anything; trap: a development container's pull
    (
        "model-pinned-in-serving",
        "dvc pull without a pointer",
        {
            "serve.py": "import joblib\nmodel = joblib.load('models/model.pkl')\n",
            "Dockerfile": "FROM python:3.11-slim\nCOPY . .\nRUN dvc pull\n",
        },
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "dvc pull in a dev container",
        {
            "serve.py": "import joblib\nmodel = joblib.load('models/model.pkl')\n",
            "models/model.pkl.dvc": "outs:\n- md5: 3f1e2a9b0c\n  path: model.pkl\n",
            ".devcontainer/Dockerfile": "FROM python:3.11\nRUN dvc pull\n",
        },
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "nothing",
        {"serve.py": "import joblib\nmodel = joblib.load('model.pkl')\n"},
        FAIL,
    ),
    # FP: a floating `latest` (URI, manifest, API call); a commented-out pin
    (
        "model-pinned-in-serving",
        "FP latest uri",
        {"serve.py": "import mlflow\nmlflow.pyfunc.load_model('models:/churn/latest')\n"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "FP manifest latest",
        {".env.example": "MODEL_VERSION=latest\n"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "FP get_latest_versions",
        {
            "serve.py": "from mlflow import MlflowClient\nv = MlflowClient().get_latest_versions('churn')\n"
        },
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "FP commented pin",
        {"serve.py": "# load_model('models:/churn/3')\nx = 1\n"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "FP latest release with fallback",
        {
            "serve.py": "URL = f'https://github.com/o/r/releases/download/v1.0.0/{FN}'\nrel = repo.get_latest_release()\n"
        },
        FAIL,
    ),
    # model-binary-in-git (anti) -------------------------------------------------------------------
    ("model-binary-in-git", "small pickle", {"models/model.pkl": b"\x80\x04small"}, PASS),
    ("model-binary-in-git", "big checkpoint", {"models/model.pt": BIG_BINARY}, FAIL),
    # a 🤗 checkpoint's weights (m-bain/whisperX whisperx/assets/pytorch_model.bin; reviewed)
    ("model-binary-in-git", "big hf weights", {"assets/pytorch_model.bin": BIG_BINARY}, FAIL),
    ("model-binary-in-git", "big gguf", {"models/llama-q4.gguf": BIG_BINARY}, FAIL),
    # ... but any other big .bin is not known to be a model (firmware, a data dump)
    ("model-binary-in-git", "FP other bin", {"data/vectors.bin": BIG_BINARY}, PASS),
    # FP: LFS pointer files are small text
    (
        "model-binary-in-git",
        "FP lfs pointer",
        {"models/model.pt": LFS_POINTER, ".gitattributes": "*.pt filter=lfs -text\n"},
        PASS,
    ),
    # config-versioned -----------------------------------------------------------------------------
    ("config-versioned", "params.yaml", {"params.yaml": "lr: 0.1\n"}, PASS),
    # a component's own configuration (artefactory/skaff-rag-accelerator backend/config.yaml;
    # reviewed); deeper down, a test's is not
    (
        "config-versioned",
        "component config",
        {"backend/config.yaml": "llm: {temperature: 0.1}\n"},
        PASS,
    ),
    ("config-versioned", "FP test config", {"tests/unit/config.yaml": "x: 1\n"}, FAIL),
    (
        "config-versioned",
        "FP tool config in a hidden folder",
        {".circleci/config.yml": "version: 2.1\n", ".cargo/config.toml": "[build]\n"},
        FAIL,
    ),
    # an MLproject's entry-point parameters (mlflow/mlflow-example MLproject:7-9; reviewed) ...
    (
        "config-versioned",
        "MLproject parameters",
        {
            "MLproject": "name: tutorial\nentry_points:\n  main:\n    parameters:\n"
            "      alpha: {type: float, default: 0.5}\n    command: python train.py {alpha}\n"
        },
        PASS,
    ),
    # ... not an MLproject whose entry point takes none
    (
        "config-versioned",
        "FP MLproject without parameters",
        {"MLproject": "name: t\nentry_points:\n  main:\n    command: python train.py\n"},
        FAIL,
    ),
    ("config-versioned", "configs dir", {"configs/train.yaml": "lr: 0.1\n"}, PASS),
    # a package's default run configuration (RUCAIBox/RecBole recbole/properties/; reviewed) ...
    (
        "config-versioned",
        "properties dir",
        {"recsys/properties/overall.yaml": "epochs: 300\n"},
        PASS,
    ),
    # ... not Java properties files (the trap)
    (
        "config-versioned",
        "fp java properties",
        {"src/main/properties/app.properties": "a=1\n"},
        FAIL,
    ),
    # tuned hyperparameters per algorithm (DLR-RM/rl-baselines3-zoo hyperparams/ppo.yml)
    (
        "config-versioned",
        "hyperparams dir",
        {"hyperparams/ppo.yml": "CartPole-v1:\n  n_envs: 8\n"},
        PASS,
    ),
    # ... not a hyperparams package of code deeper in the tree
    ("config-versioned", "fp-nested-hyperparams", {"pkg/hyperparams/opt.py": "x = 1\n"}, FAIL),
    # per-stage configs (aws-samples/amazon-sagemaker-drift-detection prod-config.json)
    (
        "config-versioned",
        "stage config",
        {"deploy/prod-config.json": '{"instance_count": 2}'},
        PASS,
    ),
    # fmind/mlops-python-package confs/training.yaml, Lightning-AI/litgpt config_hub/
    ("config-versioned", "confs dir", {"confs/training.yaml": "job: {KIND: TrainingJob}\n"}, PASS),
    ("config-versioned", "config hub", {"config_hub/finetune/phi-2/lora.yaml": "lr: 0.1\n"}, PASS),
    # run configs in a sub-folder of a package's configs/ (huggingface/lerobot
    # src/lerobot/configs/recipes/subtask.yaml)
    (
        "config-versioned",
        "nested configs",
        {"src/pkg/configs/recipes/subtask.yaml": "steps: 10\n"},
        PASS,
    ),
    # a folder that merely starts like one is not a config folder
    ("config-versioned", "FP confusion dir", {"confusion/matrix.yaml": "a: 1\n"}, FAIL),
    ("config-versioned", "FP configs in name only", {"src/myconfigs_x/a.yaml": "a: 1\n"}, FAIL),
    # typed config classes in a python_configs/ package (h2oai/h2o-llmstudio)
    (
        "config-versioned",
        "python_configs package",
        {"llm_studio/python_configs/text_config.py": "class Cfg:\n    lr: float = 1e-4\n"},
        PASS,
    ),
    # Chim-SO/mlops-template: a 0-byte configs/model1.yaml and a .gitkeep hold no configuration
    (
        "config-versioned",
        "FP empty template config",
        {"configs/model1.yaml": "", "configs/.gitkeep": ""},
        FAIL,
    ),
    ("config-versioned", "helm values", {"deploy/chart/values.yaml": "replicas: 2\n"}, PASS),
    (
        "config-versioned",
        "parameters.json",
        {"ml/parameters.json": '{"training": {"alpha": 0.4}}\n'},
        PASS,
    ),
    # per-module config folders (awslabs/mlmax) and params.json (ThoughtWorksInc/CD4ML-Scenarios)
    (
        "config-versioned",
        "module config folder",
        {"modules/pipeline/config/deploy-us-east-1-prod.ini": "[default]\nPipelineName = p\n"},
        PASS,
    ),
    (
        "config-versioned",
        "params.json",
        {"cd4ml/features/feature_sets/simple/params.json": '{"lr": 0.1}\n'},
        PASS,
    ),
    # curiousily/Deploy-BERT-…-FastAPI: config.json at the root, read by the model code
    ("config-versioned", "root config.json", {"config.json": '{"MAX_SEQUENCE_LEN": 160}\n'}, PASS),
    ("config-versioned", "FP nested config.json", {"web/static/config.json": "{}\n"}, FAIL),
    # an MLflow Recipes template: recipe.yaml and one profile per environment
    (
        "config-versioned",
        "mlflow recipe profiles",
        {"profiles/local.yaml": "experiment:\n  tracking_uri: sqlite:///m.db\n"},
        PASS,
    ),
    (
        "config-versioned",
        "FP test fixture config",  # Netflix/metaflow test/ux/core/flows/config/config_simple.json
        {"test/ux/flows/config/config_simple.json": "{}\n", "tests/configs/a.yaml": "a: 1\n"},
        FAIL,
    ),
    ("config-versioned", "nothing", {"train.py": "LR = 0.1\n"}, FAIL),
    # FP: a config.py module is code, docs/ is not the project
    (
        "config-versioned",
        "FP config module + docs",
        {"src/pkg/config.py": "LR = 0.1\n", "docs/config/x.yaml": "a: 1\n"},
        FAIL,
    ),
    # notebook-hygiene -----------------------------------------------------------------------------
    (
        "notebook-hygiene",
        "nbstripout pre-commit",
        {
            "nb/a.ipynb": nb("x = 1"),
            ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/kynan/nbstripout\n  rev: 0.7.1\n  hooks:\n  - id: nbstripout\n",
        },
        PASS,
    ),
    (
        "notebook-hygiene",
        "jupytext config",
        {"nb/a.ipynb": nb("x = 1"), "jupytext.toml": "formats = 'ipynb,py:percent'\n"},
        PASS,
    ),
    ("notebook-hygiene", "no tool", {"nb/a.ipynb": NB_WITH_OUTPUT}, FAIL),
    # every notebook committed clean, though no tool keeps it so (optuna/optuna-examples
    # quickstart.ipynb; reviewed) ...
    ("notebook-hygiene", "clean, no tool", {"nb/a.ipynb": nb("x = 1")}, PARTIAL),
    # ... but one notebook with outputs among clean ones is not
    (
        "notebook-hygiene",
        "one notebook with outputs",
        {"nb/a.ipynb": nb("x = 1"), "nb/b.ipynb": NB_WITH_OUTPUT},
        FAIL,
    ),
    ("notebook-hygiene", "no notebooks", {"train.py": "x = 1\n"}, NA),
    # a markdown-only notebook has no outputs to strip (google-deepmind/alphafold)
    (
        "notebook-hygiene",
        "markdown-only notebook",
        {
            "notebooks/a.ipynb": '{"cells": [{"cell_type": "markdown", "metadata": {}, '
            '"source": ["SERVICE UNAVAILABLE"]}], "nbformat": 4}'
        },
        NA,
    ),
    # FP: README prose and a commented-out hook
    (
        "notebook-hygiene",
        "FP prose",
        {
            "nb/a.ipynb": NB_WITH_OUTPUT,
            "README.md": "run nbstripout\n",
            ".pre-commit-config.yaml": "repos: []\n# - id: nbstripout\n",
        },
        FAIL,
    ),
    # hyperparameter files the training script loads (ultralytics/yolov5 data/hyps/)
    ("config-versioned", "hyps", {"data/hyps/hyp.scratch-low.yaml": "lr0: 0.01\n"}, PASS),
    ("config-versioned", "FP dataset yaml", {"data/coco.yaml": "path: ../datasets/coco\n"}, FAIL),
    ("config-versioned", "config classes", {"pkg/configs/vits_config.py": "X = 1\n"}, PASS),
    ("config-versioned", "yamls folder", {"scripts/train/yamls/pretrain/mpt.yaml": "a: 1\n"}, PASS),
    ("config-versioned", "conf json", {"pkg/conf/example.json": '{"lr": 1}\n'}, PASS),
    ("config-versioned", "FP config loader module", {"pkg/config.py": "def load(): ...\n"}, FAIL),
    # ARM template parameters per environment (microsoft/MLOps infra-as-code/arm-templates/)
    (
        "config-versioned",
        "arm parameters per env",
        {"infra/storage/parameters.dev.json": '{"parameters": {}}\n'},
        PASS,
    ),
    # Hopsworks: the project's registry, a model created in it and saved; the serving app
    # loading a fixed version (featurestoreorg/serverless-ml-course)
    (
        "model-registry",
        "hopsworks create_model",
        {
            "train.py": "import hopsworks\nproject = hopsworks.login()\nmr = project.get_model_registry()\n"
            "m = mr.python.create_model(name='iris')\nm.save('model')\n"
        },
        PASS,
    ),
    (
        "model-registry",
        "FP a project's own create_model",
        {"train.py": "from models import create_model\nm = create_model()\nm.save('x.h5')\n"},
        FAIL,
    ),
    (
        "model-pinned-in-serving",
        "hopsworks get_model version",
        {
            "app.py": "import hopsworks\nproject = hopsworks.login()\nmr = project.get_model_registry()\n"
            "model = mr.get_model('iris', version=1)\n"
        },
        PASS,
    ),
    (
        "model-pinned-in-serving",
        "hopsworks get_model positional version",
        {"app.py": "mr = project.get_model_registry()\nmodel = mr.get_model('iris', 3)\n"},
        PASS,
    ),
    # FP: no version, or one computed at run time, pins nothing
    (
        "model-pinned-in-serving",
        "FP hopsworks get_model unversioned",
        {
            "app.py": "mr = project.get_model_registry()\nmodel = mr.get_model('iris')\n"
            "other = mr.get_model('iris', version=v)\n"
        },
        FAIL,
    ),
    (
        "feature-defs-versioned",
        "hopsworks feature group",
        {
            "features.py": "fs = project.get_feature_store()\n"
            "fg = fs.get_or_create_feature_group(name='iris', version=1, primary_key=['id'])\n"
        },
        PASS,
    ),
    # FP: reading an existing feature group declares nothing
    (
        "feature-defs-versioned",
        "FP hopsworks read only",
        {"features.py": "fs = project.get_feature_store()\nfg = fs.get_feature_group('iris', 1)\n"},
        FAIL,
    ),
    (
        "model-registry",
        "wandb artifact link",
        {
            "reg.py": "art = api.artifact('e/p/model:v3')\nart.link(target_path='e/model-registry/clf')\n"
        },
        PASS,
    ),
    # FP: a link into another collection, or a link of something else, is not a registration
    (
        "model-registry",
        "FP wandb link elsewhere",
        {"reg.py": "art.link(target_path='e/datasets/raw')\nos.link(src, dst)\n"},
        FAIL,
    ),
    # ClearML stores the task's weights as its OutputModel
    (
        "model-registry",
        "clearml update_output_model",
        {
            "log.py": "from clearml import Task\ntask = Task.init()\ntask.update_output_model(model_path='best.pt')\n"
        },
        PASS,
    ),
    # named config folders and run configs (open_clip model_configs/, alignment-handbook recipes/)
    ("config-versioned", "model_configs", {"src/pkg/model_configs/ViT-B-32.json": "{}\n"}, PASS),
    ("config-versioned", "config_*.yaml", {"recipes/sft/config_full.yaml": "lr: 1\n"}, PASS),
    # Hugging Face Hub uploads a model repository unless told otherwise (open_clip push_to_hf_hub.py)
    (
        "model-registry",
        "hf upload_folder",
        {
            "push.py": "from huggingface_hub import upload_folder\nupload_folder(repo_id='a/b', folder_path='out')\n"
        },
        PASS,
    ),
    # what Great Expectations keeps out of version control is not the project's configuration
    (
        "config-versioned",
        "FP gx uncommitted",
        {"great_expectations/uncommitted/config_variables.yml": "instance_id: x\n"},
        FAIL,
    ),
    # per-environment configs (Azure/mlops-project-template config-infra-prod.yml)
    (
        "config-versioned",
        "config-infra-prod",
        {"config-infra-prod.yml": "location: westeurope\n"},
        PASS,
    ),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}: {label}") for c, label, f, e in CASES],
)
def test_versioning_checks(tmp_path, check, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs


def test_every_ver_check_is_covered():
    quality = _default_rubric().quality("VER")
    assert quality is not None
    history_checks = {"data-history", "model-version-tags", "release-tags", "pr-workflow"}
    assert {c.name for c in quality.checks} == {c for c, *_ in CASES} | history_checks
    assert [c.id for c in quality.checks] == [f"VER{i:03d}" for i in range(1, 13)]


# git-history checks --------------------------------------------------------------------------
def shallow_clone(src, dest):
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{src}", str(dest)],
        check=True,
        capture_output=True,
    )
    return open_worktree(dest)


def test_data_history_two_dvc_updates_pass(tmp_path):
    repo = make_repo(tmp_path / "r", {"data/raw.dvc": DVC_POINTER, "train.py": "x = 1\n"})
    commit(repo, {"data/raw.dvc": DVC_POINTER.replace("3a1b", "4b2c")}, "update data")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == PASS, obs
    assert all(e.path == "data/raw.dvc" for e in obs.evidence)


def test_data_history_lfs_data_commits_pass(tmp_path):
    attrs = {".gitattributes": "*.parquet filter=lfs diff=lfs merge=lfs -text\n"}
    repo = make_repo(tmp_path / "r", {**attrs, "data/a.parquet": LFS_POINTER})
    commit(repo, {"data/a.parquet": LFS_POINTER.replace("size 1", "size 2")}, "new data")
    assert run_rubric_check(open_worktree(repo), "data-history").outcome == PASS


def test_data_history_lfs_counts_only_commits_since_the_rule(tmp_path):
    """microsoft/MLOps: CSVs committed as plain blobs in 2019, `*.csv filter=lfs` added in
    2020 — the commits from before the rule versioned nothing through LFS."""
    repo = make_repo(tmp_path / "r", {"data/a.csv": "a,b\n1,2\n"})
    commit(repo, {"data/a.csv": "a,b\n1,3\n"}, "more rows", date="2024-01-03T12:00:00Z")
    attrs = {".gitattributes": "*.csv filter=lfs diff=lfs merge=lfs -text\n"}
    commit(repo, {**attrs, "data/a.csv": LFS_POINTER}, "move to lfs", date="2024-02-01T12:00:00Z")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == FAIL and "1 commit changed" in obs.message, obs
    new = LFS_POINTER.replace("size 1", "size 3")
    commit(repo, {"data/a.csv": new}, "new data", date="2024-03-01T12:00:00Z")
    assert run_rubric_check(open_worktree(repo), "data-history").outcome == PASS


def test_data_history_ignores_example_data(tmp_path):
    attrs = {".gitattributes": "*.csv filter=lfs diff=lfs merge=lfs -text\n"}
    repo = make_repo(tmp_path / "r", {**attrs, "examples/demo/a.csv": LFS_POINTER})
    commit(repo, {"examples/demo/a.csv": LFS_POINTER.replace("size 1", "size 2")}, "demo data")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == FAIL and not obs.evidence, obs
    # nor does example data make the LFS rule the project's data versioning
    assert run_rubric_check(open_worktree(repo), "data-vcs").outcome != PASS


def test_data_history_ignores_test_baselines(tmp_path):
    """Screenshot baselines a UI test keeps in DVC change with every UI change; they are the
    tests', not data (evidentlyai/evidently ui/service/tests/visual.spec.ts-snapshots.dvc:
    32 of its 33 'data' commits)."""
    baselines = "ui/tests/visual.spec.ts-snapshots.dvc"
    repo = make_repo(tmp_path / "r", {baselines: DVC_POINTER, "train.py": "x = 1\n"})
    commit(repo, {baselines: DVC_POINTER.replace("3a1b", "4b2c")}, "update screenshots")
    commit(repo, {baselines: DVC_POINTER.replace("3a1b", "5c3d")}, "update screenshots")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == FAIL and not obs.evidence, obs
    # the same pointer outside the tests is data with a history
    repo2 = make_repo(tmp_path / "r2", {"data/raw.dvc": DVC_POINTER, "train.py": "x = 1\n"})
    commit(repo2, {"data/raw.dvc": DVC_POINTER.replace("3a1b", "4b2c")}, "update data")
    assert run_rubric_check(open_worktree(repo2), "data-history").outcome == PASS


def test_data_history_single_version_fails(tmp_path):
    repo = make_repo(tmp_path / "r", {"data/raw.dvc": DVC_POINTER})
    commit(repo, {"train.py": "x = 2\n"}, "code only")
    # FP: .dvc/config changes are not data changes
    commit(repo, {".dvc/config": "[core]\n"}, "dvc config")
    assert run_rubric_check(open_worktree(repo), "data-history").outcome == FAIL


def test_data_history_counts_only_pointers_that_still_exist(tmp_path):
    """awslabs/mlmax: one commit added data.dvc, a later one deleted it (DVC dropped): two
    commits touched a pointer, but no data is versioned now, let alone with a history."""
    repo = make_repo(tmp_path / "r", {"data.dvc": DVC_POINTER, "train.py": "x = 1\n"})
    git(repo, "rm", "-q", "data.dvc")
    git(repo, "commit", "-q", "-m", "drop dvc")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == FAIL and not obs.evidence, obs
    # a pointer that exists keeps every commit that changed it, its creation included
    commit(repo, {"data/raw.dvc": DVC_POINTER}, "version again")
    commit(repo, {"data/raw.dvc": DVC_POINTER.replace("3a1b", "4b2c")}, "update data")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == PASS and {e.path for e in obs.evidence} == {"data/raw.dvc"}, obs


DVC_LOCK = """schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py
    deps:
    - path: src/prepare.py
      md5: {code}
    outs:
    - path: data/prepared
      md5: {data}.dir
    - path: reports/metrics.json
      md5: {metrics}
  train:
    cmd: python src/train.py
    outs:
    - path: models/model.pkl
      md5: {model}
"""
DVC_YAML = (
    "stages:\n  prepare:\n    cmd: python src/prepare.py\n    outs: [data/prepared]\n"
    "    metrics: [reports/metrics.json]\n  train:\n    cmd: python src/train.py\n"
    "    outs: [models/model.pkl]\n"
)


def _lock(code="c1", data="d1", metrics="m1", model="p1"):
    return DVC_LOCK.format(code=code, data=data, metrics=metrics, model=model)


def test_data_history_dvc_lock_code_and_metrics_churn_is_no_data_version(tmp_path):
    """adrianmarchramon/fraud-mlops-pipeline dvc.lock (70726e0, 8842cdf): a stage's code
    hash, its metrics and the model changed; the data outputs never did (reviewed)."""
    repo = make_repo(
        tmp_path / "r", {"dvc.yaml": DVC_YAML, "dvc.lock": _lock(), "data/raw.dvc": DVC_POINTER}
    )
    commit(repo, {"dvc.lock": _lock(code="c2", metrics="m2", model="p2")}, "new code")
    commit(repo, {"dvc.lock": _lock(code="c3", metrics="m3")}, "newer code")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == FAIL and "one version" in obs.message, obs
    # ... a change of the prepared data's hash is a second version of the data
    commit(repo, {"dvc.lock": _lock(code="c3", data="d2", metrics="m3")}, "new data")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == PASS and [e.path for e in obs.evidence] == ["dvc.lock"], obs


def test_data_history_pointer_rename_and_mode_change_are_no_data_version(tmp_path):
    """ruthwik-ganji/churn-pipeline data/raw/churn.csv.dvc: renamed from data.csv.dvc, then
    made executable; the md5 never changed (reviewed)."""
    repo = make_repo(tmp_path / "r", {"data/raw/data.csv.dvc": DVC_POINTER, "train.py": "x = 1\n"})
    git(repo, "mv", "data/raw/data.csv.dvc", "data/raw/churn.csv.dvc")
    git(repo, "commit", "-q", "-m", "rename")
    git(repo, "update-index", "--chmod=+x", "data/raw/churn.csv.dvc")
    git(repo, "commit", "-q", "-m", "chmod")
    obs = run_rubric_check(open_worktree(repo), "data-history")
    assert obs.outcome == FAIL, obs


def test_data_history_reads_versions_at_a_ref_and_in_a_subfolder(tmp_path):
    from mlaudit.repo.gitref import open_gitref

    repo = make_repo(tmp_path / "r", {"ml/data/raw.dvc": DVC_POINTER, "ml/train.py": "x = 1\n"})
    commit(repo, {"ml/data/raw.dvc": DVC_POINTER.replace("3a1b", "4b2c")}, "update data")
    assert run_rubric_check(open_worktree(repo / "ml"), "data-history").outcome == PASS
    assert run_rubric_check(open_gitref(repo, "HEAD"), "data-history").outcome == PASS
    assert run_rubric_check(open_gitref(repo, "HEAD~1"), "data-history").outcome == FAIL


@pytest.mark.parametrize("kind", ["shallow", "no-git"])
def test_data_history_unknown_without_full_history(tmp_path, kind):
    files = {"data/raw.dvc": DVC_POINTER}
    if kind == "no-git":
        snap = snapshot(tmp_path / "plain", files, git_init=False)
    else:
        repo = make_repo(tmp_path / "r", files)
        commit(repo, {"data/raw.dvc": DVC_POINTER.replace("3a1b", "4b2c")}, "update")
        snap = shallow_clone(repo, tmp_path / "shallow")
    assert run_rubric_check(snap, "data-history").outcome == UNKNOWN


@pytest.mark.parametrize(
    ("tags", "files", "expected"),
    [
        (["churn@v1.0.0"], {}, PASS),
        (["churn#prod#1"], {}, PASS),
        ([], {"dvc.yaml": "artifacts:\n  churn:\n    path: model.pkl\n    type: model\n"}, PASS),
        (["v1.0.0"], {}, FAIL),
        # a model published as this repository's release asset is only partial
        (
            ["v1.2"],
            {"serve.py": "URL = 'https://github.com/o/r/releases/download/v1.2/model.onnx'\n"},
            PARTIAL,
        ),
        # a TensorFlow frozen graph (mozilla/DeepSpeech deepspeech-0.9.3-models.pbmm)
        (
            ["v0.9.3"],
            {
                "bin/get.sh": "wget https://github.com/o/r/releases/download/v0.9.3/"
                "deepspeech-0.9.3-models.pbmm\n"
            },
            PARTIAL,
        ),
        # class 8 of issue 10: another repository's release asset is not this project's
        # model publication (its tag is not a tag here)
        (
            [],
            {"serve.py": "URL = 'https://github.com/o/r/releases/download/v1.2/model.onnx'\n"},
            FAIL,
        ),
        (
            ["v7.0"],
            {
                "download.sh": "wget https://github.com/ultralytics/assets/releases/download/"
                "v0.0.0/yolov5s.pt\n"
            },
            FAIL,
        ),
        # FP: a dataset artifact is not a model version; a README mention of GTO
        (
            [],
            {
                "dvc.yaml": "artifacts:\n  d:\n    path: data\n    type: dataset\n",
                "README.md": "gto register churn@v1.0.0\n",
            },
            FAIL,
        ),
    ],
)
def test_model_version_tags(tmp_path, tags, files, expected):
    repo = make_repo(tmp_path / "r", {"train.py": "x = 1\n", **files})
    for tag in tags:
        git(repo, "tag", tag)
    assert run_rubric_check(open_worktree(repo), "model-version-tags").outcome == expected


def test_model_version_tags_unknown_without_git(tmp_path):
    snap = snapshot(tmp_path, {"train.py": "x = 1\n"}, git_init=False)
    assert run_rubric_check(snap, "model-version-tags").outcome == UNKNOWN


@pytest.mark.parametrize(
    ("tags", "files", "expected"),
    [
        (["v1.2.0"], {"CHANGELOG.md": "# 1.2.0\n"}, PASS),
        (["1.0"], {"HISTORY.md": "# 1.0\n"}, PASS),
        (["v1.2.0"], {}, PARTIAL),
        ([], {"CHANGELOG.md": "# 1.2.0\n"}, FAIL),
        # FP: GTO model tags are model versions, not releases
        (["churn@v1.0.0", "churn#prod#1"], {"CHANGELOG.md": "x\n"}, FAIL),
        # calendar versions without dots (openai/whisper: v20230117 … v20250625)
        (["v20230117", "v20250625"], {"CHANGELOG.md": "## [v20250625]\n"}, PASS),
        (["20240930"], {}, PARTIAL),
        # the changelog in docs/ that changelog (DOC007) accepts, or notes GitHub generates
        # (facebookresearch/detectron2 docs/notes/changelog.md)
        (["v0.6"], {"docs/notes/changelog.md": "# Change Log\n"}, PASS),
        (["v0.6"], {".github/release.yml": "changelog:\n  categories: []\n"}, PASS),
        # release-drafter run by a workflow (Nixtla/neuralforecast); its config alone is not
        (
            ["v1.0.0"],
            {
                ".github/release-drafter.yml": "template: $CHANGES\n",
                ".github/workflows/release-drafter.yml": "on: push\njobs:\n  draft:\n    runs-on: x\n"
                "    steps:\n      - uses: release-drafter/release-drafter@v6\n",
            },
            PASS,
        ),
        (["v1.0.0"], {".github/release-drafter.yml": "template: $CHANGES\n"}, PARTIAL),
        # notes the release workflow writes to a file (vllm-project/production-stack
        # .github/workflows/scheduled-release.yml:168; reviewed)
        (
            ["vllm-stack-0.1.0"],
            {
                ".github/workflows/release.yml": "on:\n  schedule:\n    - cron: '0 0 * * 1'\n"
                "jobs:\n  release:\n    runs-on: x\n    steps:\n"
                '      - run: gh release edit "$TAG" --notes-file release_notes.md\n',
            },
            PASS,
        ),
        # a changelog of something else deep in the tree is not the project's
        (["v0.6"], {"vendor/lib/CHANGELOG.md": "x\n"}, PARTIAL),
        # a bare number is no version: a build number, an issue, a year
        (["v1", "2023", "123456789"], {"CHANGELOG.md": "x\n"}, FAIL),
        # a package's release tags under a prefix (stanford-crfm/levanter releases/levanter/v1.0)
        (["releases/levanter/v1.0", "releases/levanter/v1.1"], {}, PARTIAL),
        (["mypkg-1.2.0"], {"CHANGELOG.md": "x\n"}, PASS),
        # ... not a prefix with no version after it, nor a year after one
        (["save_hero", "last_xmap", "build-2023"], {"CHANGELOG.md": "x\n"}, FAIL),
    ],
)
def test_release_tags(tmp_path, tags, files, expected):
    repo = make_repo(tmp_path / "r", {"train.py": "x = 1\n", **files})
    for tag in tags:
        git(repo, "tag", tag)
    assert run_rubric_check(open_worktree(repo), "release-tags").outcome == expected


def _merge_history(repo, subjects, authors):
    for i, (subject, author) in enumerate(zip(subjects, authors, strict=True)):
        (repo / f"f{i}.txt").write_text(str(i))
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", subject, f"--author={author} <{author}@example.com>")


PRS = ["Merge pull request #1 from a/x", "Add feature (#2)", "Merge pull request #3 from b/y"]


@pytest.mark.parametrize(
    ("subjects", "authors", "files", "expected"),
    [
        (PRS, ["ann", "bob", "ann"], {}, PASS),
        (PRS[:1], ["ann"], {".github/CODEOWNERS": "* @team\n"}, PASS),
        # FP: a solo repository merging its own PRs: nobody reviewed
        (PRS, ["ann", "ann", "ann"], {}, PARTIAL),
        (["fix", "update readme", "wip"], ["ann", "bob", "cid"], {}, FAIL),
        # FP: a dependency bot's pull requests merged by the owner are no reviewed change
        # (jeremyjordan/ml-monitoring: dependabot PRs #4, #5, #10)
        (
            [
                "Merge pull request #4 from ann/dependabot/pip/numpy-1.22",
                "Bump urllib3 from 1.26.4 to 1.26.5 (#5)",
                "wip",
            ],
            ["ann", "bob", "cid"],
            {},
            FAIL,
        ),
    ],
)
def test_pr_workflow(tmp_path, subjects, authors, files, expected):
    repo = make_repo(tmp_path / "r", files)
    _merge_history(repo, subjects, authors)
    snap = open_worktree(repo)
    if len(set(authors)) == 1:  # the initial commit's author counts as another author
        git(repo, "filter-branch", "-f", "--env-filter", "GIT_AUTHOR_EMAIL=ann@example.com")
        snap = open_worktree(repo)
    assert run_rubric_check(snap, "pr-workflow").outcome == expected


def test_pr_workflow_weighs_the_share_of_the_main_line_that_came_through_prs(tmp_path):
    """karpathy/minGPT (reviewed): 15 pull-request merges by several authors, but 54 of the
    last 69 changes on master pushed directly: review is the exception, partial."""
    repo = make_repo(tmp_path / "r", {})
    direct = [f"tweak {i}" for i in range(17)]
    _merge_history(repo, [*PRS, *direct], ["ann", "bob", "cid"] + ["ann"] * 17)
    observed = run_rubric_check(open_worktree(repo), "pr-workflow")
    assert observed.outcome == PARTIAL
    assert "were pushed without a pull request" in observed.message
    # ... while a branch whose changes mostly land through pull requests passes
    repo = make_repo(tmp_path / "m", {})
    _merge_history(repo, [*PRS * 6, *direct[:3]], ["ann", "bob", "cid"] * 6 + ["ann"] * 3)
    assert run_rubric_check(open_worktree(repo), "pr-workflow").outcome == PASS


def test_pr_workflow_unknown_in_shallow_clone(tmp_path):
    repo = make_repo(tmp_path / "r", {})
    _merge_history(repo, PRS, ["ann", "bob", "cid"])
    snap = shallow_clone(repo, tmp_path / "s")
    assert run_rubric_check(snap, "pr-workflow").outcome == UNKNOWN


def test_anti_checks_count_against_their_cell_without_capping():
    # v2: caps are for disqualifiers only; big files in git are a gap, not a disqualifier
    rubric = _default_rubric()
    for name in ("data-unversioned", "model-binary-in-git"):
        found = rubric.find(name)
        assert found is not None
        assert found[1].strength == "anti" and found[1].caps is None


def test_pr_merges_whose_tree_equals_a_parent_are_counted(tmp_path):
    """GitHub's "Merge pull request" of a branch based on the tip has the branch's tree: a
    pathspec (`git log -- .`) simplifies it away (ThoughtWorksInc/CD4ML-Scenarios kept 2 of
    its 8 merges). At the repository root the history is read without one."""
    repo = make_repo(tmp_path / "r", {"train.py": "x = 0\n"})
    for i, author in enumerate(["ann", "bob", "cid"]):
        git(repo, "checkout", "-q", "-b", f"feature-{i}")
        (repo / f"f{i}.py").write_text(f"y = {i}\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"feature {i}", f"--author={author} <{author}@x.org>")
        git(repo, "checkout", "-q", "-")
        git(repo, "merge", "-q", "--no-ff", f"feature-{i}", "-m", f"Merge pull request #{i + 1}")
    git(repo, "commit", "-q", "--allow-empty", "-m", "an empty commit counts too")
    snap = open_worktree(repo)
    subjects = [c.subject for c in snap.history.commits]
    assert sum(s.startswith("Merge pull request") for s in subjects) == 3
    assert "an empty commit counts too" in subjects
    assert run_rubric_check(snap, "pr-workflow").outcome == PASS


@pytest.mark.parametrize(
    ("identities", "count"),
    [
        # graviraja/MLOps-Basics: one developer, four spellings (laptop, work, GitHub)
        (
            [
                ("ravirajag", "raviraja@aavaz.ai"),
                ("raviraja", "raviraja.ghanta@gmail.com"),
                ("graviraja", "raviraja.ghanta@gmail.com"),
                ("Raviraja", "raviraja@Chinmay-ka-MacBook-Pro.local"),
            ],
            1,
        ),
        # the same name with two addresses, the same address under two names
        ([("Eugene Fedorenko", "e@corp.com"), ("eugene fedorenko", "eugene@gmail.com")], 1),
        ([("Sushant Divate", "sd@ms.com"), ("sushantdivate", "sd@ms.com")], 1),
        # GitHub's noreply address carries the login
        ([("Jenny So", "123+jennyso@users.noreply.github.com"), ("jennyso", "j@x.com")], 1),
        # negative: two people stay two
        ([("Ann Lee", "ann@a.com"), ("Bob Ray", "bob@b.com")], 2),
        # traps: a role or machine account shared by name only is not one person, and a bot
        # is nobody
        ([("Ann", "root@host-a"), ("Bob", "root@host-b"), ("dependabot[bot]", "1+d@x")], 2),
        ([("ci", "ci@example.com"), ("Ann", "ann@example.com")], 2),
    ],
)
def test_authors_are_people(identities, count):
    from mlaudit.repo.history import people

    assert len(people(identities)) == count


def test_pr_workflow_of_one_developer_under_several_identities_is_solo(tmp_path):
    repo = make_repo(tmp_path / "r", {}, git_init=False)
    git(repo, "init", "-q")
    who = ["ravirajag <raviraja@aavaz.ai>", "raviraja <raviraja.ghanta@gmail.com>"]
    for i, subject in enumerate(["initial", *PRS]):
        (repo / f"f{i}.txt").write_text(str(i))
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", subject, f"--author={who[i % 2]}")
    observed = run_rubric_check(open_worktree(repo), "pr-workflow")
    assert observed.outcome == PARTIAL
    assert "1 author(s) (a solo repository" in observed.message


# a committed file the scan cannot read (deleted from the work tree, a blob missing from a
# partial clone) may be over the size limit: the size checks cannot decide without it
@pytest.mark.parametrize(
    ("check", "missing", "kept", "expected"),
    [
        # positive: a tracked checkpoint absent from the work tree is undecided
        ("model-binary-in-git", "models/best.pth", {}, Outcome.UNKNOWN),
        ("data-unversioned", "data/train.zip", {}, Outcome.UNKNOWN),
        # negative: a big file that IS readable decides the answer on its own
        ("model-binary-in-git", "models/best.pth", {"models/big.pt": b"\0" * (11 << 20)}, FAIL),
        ("data-unversioned", "data/train.zip", {"data/big.csv": "a,b\n" * (3 << 20)}, FAIL),
        # trap: a missing file the check never looks at (a script) changes nothing
        ("model-binary-in-git", "src/old_train.py", {}, PASS),
    ],
)
def test_size_checks_are_unknown_when_a_candidate_is_missing(
    tmp_path, check, missing, kept, expected
):
    repo = make_repo(tmp_path / "r", training_repo({missing: "weights\n", **kept}))
    (repo / missing).unlink()  # still tracked: `git ls-files --deleted` lists it
    obs = run_rubric_check(open_worktree(repo), check)
    assert obs.outcome == expected, obs
    if expected == Outcome.UNKNOWN:
        assert [e.path for e in obs.evidence] == [missing]
        assert "cannot be read" in obs.message


def test_an_lfs_rule_whose_data_left_head_is_partial(tmp_path):
    """Data went through the rule once and was removed since: versioned in the past, none
    at HEAD (partial), unlike a rule no commit ever used (fail, in CASES)."""
    root = make_repo(
        tmp_path / "repo",
        {
            ".gitattributes": "data/*.jsonl filter=lfs diff=lfs merge=lfs -text\n",
            "data/train.jsonl": LFS_POINTER,
        },
    )
    commit(root, {"README.md": "# x\n"}, "more")
    git(root, "rm", "-q", "data/train.jsonl")
    git(root, "commit", "-q", "-m", "drop the data")
    obs = run_probe(open_worktree(root), "data_vcs")
    assert obs.outcome == PARTIAL, obs.message


def test_a_symlinked_checkpoint_is_no_binary_in_git(tmp_path):
    """A symlink's blob is the path it points to (speechbrain/speechbrain
    tests/templates/…/source_pretrained/asr.ckpt -> ../results/…; reviewed): its target's size,
    unknown here, says nothing of what git holds."""
    import os

    snap_root = tmp_path / "repo"
    make_repo(snap_root, {"train.py": "def run(m):\n    m.fit(X, y)\n"})
    os.makedirs(snap_root / "pretrained")
    os.symlink("../results/save/model.ckpt", snap_root / "pretrained" / "asr.ckpt")
    git(snap_root, "add", "-A")
    git(snap_root, "commit", "-q", "-m", "link")
    obs = run_rubric_check(open_worktree(snap_root), "model-binary-in-git")
    assert obs.outcome == PASS, obs


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a .gitignore template's data lines where nothing trains and no dataset is read
        # keep nothing of the project's out of git (aimhubio/aim .gitignore:117 `data`,
        # fuzzylabs/matcha .gitignore:2 `*.csv`; reviewed)
        ({".gitignore": "data\n*.csv\n", "tool/cli.py": "def main():\n    print('x')\n"}, PASS),
        # ... where the project reads its data, they do: nothing says which version it used
        (
            {
                ".gitignore": "data\n*.csv\n",
                "prepare.py": "import pandas as pd\ndf = pd.read_csv('data/raw.csv')\n",
            },
            PARTIAL,
        ),
    ],
    ids=["no-data-of-its-own", "reads-its-data"],
)
def test_ignored_data_lines_matter_only_where_there_is_data(tmp_path, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, files), "data-unversioned")
    assert obs.outcome == expected, obs


def test_no_large_model_binary_says_the_bound(tmp_path):
    """A small committed model is no large one: the pass says the size it looked for, not
    that no model file exists (GoparapukethaN/mlops-end-to-end-pipeline models/
    churn_model.joblib, 231 KB; reviewed)."""
    obs = run_rubric_check(
        snapshot(tmp_path, {"models/model.pkl": b"\x80\x04small"}), "model-binary-in-git"
    )
    assert obs.outcome == PASS
    assert obs.message.endswith("of 10 MiB or more"), obs.message
