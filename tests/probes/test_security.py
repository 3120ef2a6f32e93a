"""Security checks (SEC): per check a positive, a negative and the known false positive.

committed-secrets has its own file (test_secrets.py).
"""

from __future__ import annotations

import pytest
from helpers import run_probe, run_rubric_check, snapshot, training_repo

from mlaudit.results import Outcome

FASTAPI = "from fastapi import FastAPI\napp = FastAPI()\n"
# a notebook with one code cell
NB = '{"cells": [{"cell_type": "code", "source": ["%s\\n"]}], "nbformat": 4, "metadata": {}}'

ROOT_JOB = (
    "apiVersion: batch/v1\nkind: Job\nmetadata: {name: init}\nspec:\n  template:\n    spec:\n"
    "      containers:\n        - name: init\n          image: amazon/aws-cli:2.15.0\n"
)
LITESTAR_GUARDED = (
    "from litestar import Litestar, get\nfrom litestar.exceptions import NotAuthorizedException\n\n"
    "def is_authenticated(connection, _):\n    if not connection.scope['auth']['ok']:\n"
    "        raise NotAuthorizedException()\n\n@get('/predict')\ndef predict() -> dict:\n"
    "    return {}\n\napp = Litestar(route_handlers=[predict], guards=[is_authenticated])\n"
)
DOCKER = "FROM python:3.11-slim\nCOPY . /app\nCMD ['uvicorn', 'app:app']\n"
FLAKE8_HOOK = (
    "repos:\n- repo: https://github.com/PyCQA/flake8\n  rev: 3.9.2\n  hooks:\n  - id: flake8\n"
    "    additional_dependencies: [flake8-bugbear, flake8-bandit]\n"
)
ADO_PR = (
    "pr:\n  - master\npool:\n  vmImage: ubuntu-latest\nsteps:\n"
    "  - script: python tools/generate_requirements_txt.py\n  - task: {}\n"
    "    inputs:\n      scanType: Register\n"
)
GH_PR = "on: [pull_request]\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n"
DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
%s      containers:
        - name: api
          image: api:1.0
%s"""
POD_SC = "      securityContext: {runAsNonRoot: true, runAsUser: 10001}\n"
CONTAINER_SC = (
    "          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}\n"
)
PRIVILEGED = "          securityContext: {privileged: true}\n"

# awslabs/mlmax modules/environment/s3.yaml (shortened); short-form intrinsics are kept
CFN_HARDENED = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  DataBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '${AWS::StackName}-data'
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms'}
"""
# aws-samples/mlops-amazon-sagemaker 01.CF-MLOps-BIA-Lab-Prep.yml (shortened)
CFN_PLAIN = """Resources:
  S3Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: BucketOwnerFullControl
      VersioningConfiguration: {Status: Enabled}
"""
S3 = 'resource "aws_s3_bucket" "data" {\n  bucket = "acme-training-data"\n}\n'
PAB = """resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"""
SSE = """resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "aws:kms" }
  }
}
"""


LIT_MODEL = "import lightning as L\n\nclass ColaModel(L.LightningModule):\n    pass\n"
LIT_LOAD = "from model import ColaModel\nm = ColaModel.load_from_checkpoint('best.ckpt'{args})\n"
TORCH_LOAD = "import torch\nm = torch.load('m.pt')\n"
PYPROJECT_TORCH = '[project]\nname = "x"\ndependencies = ["numpy", "torch{spec}"]\n'
POETRY_TORCH = '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\ntorch = "{spec}"\n'

CASES = [
    # unsafe-deserialization (anti: pass = no unsafe load)
    (
        "unsafe-deserialization",
        {"serve.py": "import joblib\nm = joblib.load('m.pkl')\n"},
        Outcome.FAIL,
    ),
    ("unsafe-deserialization", {"s.py": "import torch\nm = torch.load('m.pt')\n"}, Outcome.FAIL),
    # ruamel's safe YAML object in a variable named yaml (microsoft/qlib qlib/__init__.py:198) ...
    (
        "unsafe-deserialization",
        {
            "conf.py": "from ruamel.yaml import YAML\n\ndef read(f):\n"
            "    yaml = YAML(typ='safe', pure=True)\n    return yaml.load(f)\n"
        },
        Outcome.PASS,
    ),
    # ... while PyYAML's load without a safe loader is unsafe
    (
        "unsafe-deserialization",
        {"conf.py": "import yaml\n\ndef read(f):\n    return yaml.load(f, Loader=yaml.Loader)\n"},
        Outcome.FAIL,
    ),
    # a loader of the file's own built on SafeLoader (microsoft/presidio
    # scripts/zensical_build.py:74,252, reviewed) ...
    (
        "unsafe-deserialization",
        {
            "build.py": "import yaml\n\n\nclass _Tolerant(yaml.SafeLoader):\n    pass\n\n\n"
            "config = yaml.load(raw, Loader=_Tolerant)\n"
        },
        Outcome.PASS,
    ),
    # ... the trap: one built on the full Loader
    (
        "unsafe-deserialization",
        {
            "build.py": "import yaml\n\n\nclass _Mine(yaml.Loader):\n    pass\n\n\n"
            "config = yaml.load(raw, Loader=_Mine)\n"
        },
        Outcome.FAIL,
    ),
    # a Kedro catalog's PickleDataset unpickles the model a node reads
    # (Galileo-Galilei/kedro-mlflow-tutorial conf/base/catalog.yml:47-48)
    (
        "unsafe-deserialization",
        {"conf/base/catalog.yml": "xgb_model:\n  type: pickle.PickleDataSet\n  filepath: m.pkl\n"},
        Outcome.FAIL,
    ),
    (
        "unsafe-deserialization",
        {"conf/base/catalog.yml": "train:\n  type: pandas.CSVDataset\n  filepath: t.csv\n"},
        Outcome.PASS,
    ),
    # torch >= 2.6 loads weights only by default (Lightning-AI/litgpt pyproject.toml:35)
    (
        "unsafe-deserialization",
        {"s.py": TORCH_LOAD, "pyproject.toml": PYPROJECT_TORCH.format(spec=">=2.7")},
        Outcome.PASS,
    ),
    (
        "unsafe-deserialization",
        {"s.py": TORCH_LOAD, "pyproject.toml": POETRY_TORCH.format(spec="^2.6")},
        Outcome.PASS,
    ),
    (
        "unsafe-deserialization",
        {"s.py": TORCH_LOAD, "requirements.txt": "torch==2.5.1\n"},
        Outcome.FAIL,
    ),
    # one declaration still allows an older torch
    (
        "unsafe-deserialization",
        {
            "s.py": TORCH_LOAD,
            "pyproject.toml": PYPROJECT_TORCH.format(spec=">=2.7"),
            "requirements-gpu.txt": "torch\n",
        },
        Outcome.FAIL,
    ),
    # weights_only=False written out is unsafe whatever the torch version
    (
        "unsafe-deserialization",
        {
            "s.py": "import torch\nm = torch.load('m.pt', weights_only=False)\n",
            "pyproject.toml": PYPROJECT_TORCH.format(spec=">=2.7"),
        },
        Outcome.FAIL,
    ),
    (
        "unsafe-deserialization",
        {
            "s.py": "from transformers import AutoModel\nAutoModel.from_pretrained('x', trust_remote_code=True)\n"
        },
        Outcome.FAIL,
    ),
    ("unsafe-deserialization", {"c.py": "import yaml\nyaml.load(open('c.yaml'))\n"}, Outcome.FAIL),
    # Lightning's load_from_checkpoint is torch.load of the checkpoint, weights_only=False
    # before Lightning 2.6 (graviraja/MLOps-Basics week_9_monitoring/inference.py:10: the
    # model class lives in another module of the repository)
    (
        "unsafe-deserialization",
        {"model.py": LIT_MODEL, "inference.py": LIT_LOAD.format(args="")},
        Outcome.FAIL,
    ),
    (
        "unsafe-deserialization",
        {"model.py": LIT_MODEL, "inference.py": LIT_LOAD.format(args=", weights_only=True")},
        Outcome.PASS,
    ),
    # … safe by default where Lightning and torch >= 2.6 are required everywhere
    (
        "unsafe-deserialization",
        {
            "model.py": LIT_MODEL,
            "inference.py": LIT_LOAD.format(args=""),
            "requirements.txt": "lightning>=2.6\ntorch>=2.6\n",
        },
        Outcome.PASS,
    ),
    (
        "unsafe-deserialization",
        {
            "model.py": LIT_MODEL,
            "inference.py": LIT_LOAD.format(args=""),
            "requirements.txt": "lightning>=2.6\ntorch>=2.1\n",
        },
        Outcome.FAIL,
    ),
    # trap: a method of that name in a repository that does not use Lightning
    (
        "unsafe-deserialization",
        {"store.py": "class Store:\n    pass\n\nStore.load_from_checkpoint('run-1')\n"},
        Outcome.PASS,
    ),
    (
        "unsafe-deserialization",
        {
            "c.py": "import yaml, torch, numpy as np\nyaml.load(f, Loader=yaml.SafeLoader)\n"
            "yaml.safe_load(f)\ntorch.load('m.pt', weights_only=True)\nnp.load('a.npy')\n"
        },
        Outcome.PASS,
    ),
    # known FP: test fixtures and comments/strings
    (
        "unsafe-deserialization",
        {
            "tests/test_io.py": "import pickle\npickle.load(f)\n",
            "app.py": "# pickle.load(f)\nx = 'pickle.load'\n",
        },
        Outcome.PASS,
    ),
    # safe-model-formats
    (
        "safe-model-formats",
        {"save.py": "from safetensors.torch import save_file\nsave_file(sd, 'm.safetensors')\n"},
        Outcome.PASS,
    ),
    ("safe-model-formats", {"save.py": "import torch\ntorch.save(m, 'm.pt')\n"}, Outcome.FAIL),
    # a Prophet model written as JSON (bentoml/BentoProphet predict/save_model.py; reviewed)
    (
        "safe-model-formats",
        {
            "save.py": "from prophet import Prophet\nfrom prophet.serialize import model_to_json\n"
            "m = Prophet().fit(df)\nopen('m.json', 'w').write(model_to_json(m))\n"
        },
        Outcome.PASS,
    ),
    # safetensors' bytes writer under another name, and huggingface_hub's writer, safe unless
    # told otherwise (pytorch/torchtune training/checkpointing/_checkpointer.py:18,899,962)
    (
        "safe-model-formats",
        {
            "ckpt.py": "from safetensors.torch import save as save_safetensors\n"
            "def dump(sd, f):\n    f.write(save_safetensors(sd))\n"
        },
        Outcome.PASS,
    ),
    (
        "safe-model-formats",
        {
            "ckpt.py": "from huggingface_hub.serialization import save_torch_state_dict\n"
            "def dump(sd, out):\n    save_torch_state_dict(sd, out)\n"
        },
        Outcome.PASS,
    ),
    # ... while reading safetensors and writing pickles stays partial
    (
        "safe-model-formats",
        {
            "ckpt.py": "import torch\nfrom safetensors.torch import load_file\n"
            "sd = load_file('a.safetensors')\ntorch.save(sd, 'm.pt')\n"
        },
        Outcome.PARTIAL,
    ),
    # ONNX runs no code on load (graviraja/MLOps-Basics convert_model_to_onnx.py:33), but an
    # export sits beside the framework's checkpoints: partial
    (
        "safe-model-formats",
        {"export.py": "import torch\ntorch.onnx.export(m, x, 'models/model.onnx')\n"},
        Outcome.PARTIAL,
    ),
    (
        "safe-model-formats",
        {"convert.py": "from skl2onnx import to_onnx\nonx = to_onnx(clf, X[:1])\n"},
        Outcome.PARTIAL,
    ),
    # a TensorFlow Lite export is the same (mozilla/DeepSpeech train.py:888, reviewed); the
    # trap: the TFLite interpreter reading someone else's model writes none
    (
        "safe-model-formats",
        {
            "export.py": "import tensorflow as tf\n"
            "converter = tf.lite.TFLiteConverter.from_saved_model('out')\ntfl = converter.convert()\n"
        },
        Outcome.PARTIAL,
    ),
    (
        "safe-model-formats",
        {
            "serve.py": "import tensorflow as tf\ni = tf.lite.Interpreter(model_path='m.tflite')\n",
            "save.py": "import torch\ntorch.save(m, 'm.pt')\n",
        },
        Outcome.FAIL,
    ),
    # the trap: reading an ONNX model someone else exported writes none
    (
        "safe-model-formats",
        {
            "serve.py": "import onnxruntime as ort\ns = ort.InferenceSession('m.onnx')\n",
            "save.py": "import torch\ntorch.save(m, 'm.pt')\n",
        },
        Outcome.FAIL,
    ),
    # reading someone else's safetensors checkpoint writes no model safely (Lightning-AI/litgpt)
    (
        "safe-model-formats",
        {
            "load.py": "from safetensors.torch import load_file\nsd = load_file(p)\n",
            "save.py": "import torch\ntorch.save(m, 'lit_model.pth')\n",
        },
        Outcome.PARTIAL,
    ),
    (
        "safe-model-formats",
        {"save.py": "import skops.io as sio\nsio.dump(clf, 'm.skops')\n"},
        Outcome.PASS,
    ),
    # MLX writes safetensors itself (ml-explore/mlx-examples lora/utils.py:107)
    (
        "safe-model-formats",
        {"utils.py": "import mlx.core as mx\nmx.save_safetensors('w.safetensors', shard)\n"},
        Outcome.PASS,
    ),
    (
        "safe-model-formats",
        {"requirements.txt": "modelscan==0.8.1\n"},
        Outcome.PARTIAL,  # declared, never run: not wired
    ),
    (
        "safe-model-formats",
        {".github/workflows/scan.yml": GH_PR + "      - run: modelscan -p models/\n"},
        Outcome.PASS,
    ),
    # adversarial-tests
    (
        "adversarial-tests",
        {"tests/test_robust.py": "from art.attacks.evasion import FastGradientMethod\n"},
        Outcome.PASS,
    ),
    ("adversarial-tests", {"tests/test_model.py": "import torch\n"}, Outcome.FAIL),
    ("adversarial-tests", {"README.md": "We plan to use textattack.\n"}, Outcome.FAIL),
    # sast
    # GitLab's security templates, included by the pipeline (NVIDIA/NeMo-Guardrails
    # .gitlab-ci.yml:13; reviewed); a comment that links their docs is none
    (
        "sast",
        {".gitlab-ci.yml": "stages: [test]\ninclude:\n  - template: Security/SAST.gitlab-ci.yml\n"},
        Outcome.PASS,
    ),
    (
        "sast",
        {
            ".gitlab-ci.yml": "# SAST customization: https://docs.gitlab.com/ee/user/application_security/sast/\nstages: [test]\n"
        },
        Outcome.FAIL,
    ),
    (
        "dep-audit",
        {".gitlab-ci.yml": "include:\n  - template: Jobs/Dependency-Scanning.gitlab-ci.yml\n"},
        Outcome.PASS,
    ),
    (
        "secret-scanning",
        {".gitlab-ci.yml": "include:\n  - template: Security/Secret-Detection.gitlab-ci.yml\n"},
        Outcome.PASS,
    ),
    # CodeQL's analysis counts; its upload-sarif action only uploads another tool's results
    # (indrabrata/simple-mlops: Trivy's image scan; reviewed)
    (
        "sast",
        {
            ".github/workflows/ci.yml": GH_PR
            + "      - uses: github/codeql-action/init@v3\n      - uses: github/codeql-action/analyze@v3\n"
        },
        Outcome.PASS,
    ),
    (
        "sast",
        {
            ".github/workflows/ci.yml": GH_PR + "      - uses: aquasecurity/trivy-action@0.28.0\n"
            "      - uses: github/codeql-action/upload-sarif@v3\n"
        },
        Outcome.FAIL,
    ),
    # a scan whose findings never fail the build reports, it does not gate: a step with
    # `continue-on-error: true` (saidulIslam1602/Transaction-Anomaly-Detection ci.yml:109;
    # reviewed), `|| true`, GitLab `allow_failure: true`
    ("sast", {".github/workflows/ci.yml": GH_PR + "      - run: bandit -r src\n"}, Outcome.PASS),
    (
        "sast",
        {
            ".github/workflows/ci.yml": GH_PR
            + "      - run: bandit -r src\n        continue-on-error: true\n"
        },
        Outcome.PARTIAL,
    ),
    (
        "sast",
        {".github/workflows/ci.yml": GH_PR + "      - run: bandit -r src || true\n"},
        Outcome.PARTIAL,
    ),
    (
        "dep-audit",
        {".gitlab-ci.yml": "audit:\n  script:\n    - pip-audit\n  allow_failure: true\n"},
        Outcome.PARTIAL,
    ),
    ("dep-audit", {".gitlab-ci.yml": "audit:\n  script:\n    - pip-audit\n"}, Outcome.PASS),
    # a scanner told to exit 0 whatever it finds (samfash/cloud-cost-mlops-platform
    # .github/workflows/ci.yml:121; reviewed); exit code 1 fails the build
    (
        "dep-audit",
        {".gitlab-ci.yml": "scan:\n  script:\n    - trivy image --exit-code 0 app:ci\n"},
        Outcome.PARTIAL,
    ),
    (
        "dep-audit",
        {".gitlab-ci.yml": "scan:\n  script:\n    - trivy image --exit-code 1 app:ci\n"},
        Outcome.PASS,
    ),
    # zizmor analyses the workflows only (stanfordnlp/dspy; reviewed): partial at most
    (
        "sast",
        {".github/workflows/ci.yml": GH_PR + "      - uses: zizmorcore/zizmor-action@v0.1.1\n"},
        Outcome.PARTIAL,
    ),
    (
        "sast",
        {".github/workflows/codeql.yml": GH_PR + "      - uses: github/codeql-action/analyze@v3\n"},
        Outcome.PASS,
    ),
    ("sast", {".github/workflows/ci.yml": GH_PR + "      - run: bandit -r src\n"}, Outcome.PASS),
    # freeing the runner's disk of CodeQL runs no CodeQL (deepchem/deepchem build.yml:36;
    # reviewed) ...
    (
        "sast",
        {
            ".github/workflows/ci.yml": GH_PR
            + "      - run: sudo rm -rf /opt/hostedtoolcache/CodeQL\n"
        },
        Outcome.FAIL,
    ),
    # ... but a step that cleans up, then runs it, does (the trap)
    (
        "sast",
        {
            ".github/workflows/ci.yml": GH_PR
            + "      - run: rm -rf db && codeql database create db\n"
        },
        Outcome.PASS,
    ),
    ("sast", {"pyproject.toml": "[tool.bandit]\nexclude_dirs = ['tests']\n"}, Outcome.PARTIAL),
    # Coverity started by hand (EleutherAI/gpt-neox coverity_scan.yml:3,47): configured, not
    # run on every change; SonarCloud's action on pull requests
    (
        "sast",
        {
            ".github/workflows/coverity.yml": "on: workflow_dispatch\njobs:\n  scan:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: cov-build --dir cov-int --no-command\n"
        },
        Outcome.PARTIAL,
    ),
    (
        "sast",
        {
            ".github/workflows/sonar.yml": GH_PR
            + "      - uses: SonarSource/sonarcloud-github-action@v2\n"
        },
        Outcome.PASS,
    ),
    # the trap: a word that contains a tool's name (a coverage step) is no scan
    ("sast", {".github/workflows/ci.yml": GH_PR + "      - run: coverage report\n"}, Outcome.FAIL),
    (
        "sast",
        {
            ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/PyCQA/bandit\n  rev: 1.7.9\n  hooks:\n  - id: bandit\n"
        },
        Outcome.PARTIAL,  # a local hook only
    ),
    (
        "sast",
        {
            ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/PyCQA/bandit\n  rev: 1.7.9\n  hooks:\n  - id: bandit\n",
            ".github/workflows/ci.yml": GH_PR + "      - run: pre-commit run --all-files\n",
        },
        Outcome.PASS,
    ),
    # the trap: CI runs one other hook by name (r-kowalczyk/model-serving-platform
    # .github/workflows/main.yml:38 `pre-commit run gitleaks --all-files`; reviewed)
    (
        "sast",
        {
            ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/PyCQA/bandit\n  rev: 1.7.9\n  hooks:\n  - id: bandit\n",
            ".github/workflows/ci.yml": GH_PR
            + "      - run: pre-commit run gitleaks --all-files\n",
        },
        Outcome.PARTIAL,
    ),
    # ... and the hook itself named
    (
        "sast",
        {
            ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/PyCQA/bandit\n  rev: 1.7.9\n  hooks:\n  - id: bandit\n",
            ".github/workflows/ci.yml": GH_PR + "      - run: pre-commit run bandit -a\n",
        },
        Outcome.PASS,
    ),
    (
        "sast",
        {
            "pyproject.toml": "[tool.ruff.lint]\nselect = ['E', 'S']\n",
            ".github/workflows/ci.yml": GH_PR + "      - run: ruff check .\n",
        },
        Outcome.PASS,
    ),
    # ruff run through its GitHub Action, whose args default to `check` (PriorLabs/TabPFN
    # .github/workflows/ci.yml:23, pyproject.toml:177 `"S",`; reviewed)
    (
        "sast",
        {
            "pyproject.toml": "[tool.ruff.lint]\nselect = ['E', 'S']\n",
            ".github/workflows/ci.yml": GH_PR
            + "      - uses: astral-sh/ruff-action@278981a2c0b4da3fd2b5e8e6b2b8a7b1c1d2e3f4 # v4\n",
        },
        Outcome.PASS,
    ),
    # ... but the action told to format, or a `ruff format` step, applies no rule
    (
        "sast",
        {
            "pyproject.toml": "[tool.ruff.lint]\nselect = ['E', 'S']\n",
            ".github/workflows/ci.yml": GH_PR
            + "      - uses: astral-sh/ruff-action@v3\n        with:\n          args: format --check\n"
            + "      - run: ruff format --check .\n",
        },
        Outcome.PARTIAL,
    ),
    # flake8-bandit, a plugin of the flake8 hook that CI runs through pre-commit
    # (full-stack-deep-learning/fsdl-text-recognizer-2022 .pre-commit-config.yaml:29-31)
    (
        "sast",
        {
            ".pre-commit-config.yaml": FLAKE8_HOOK,
            ".flake8": "[flake8]\nselect = B,C,E,F,\n  S,W\nmax-line-length = 120\n",
            ".github/workflows/ci.yml": GH_PR + "      - uses: pre-commit/action@v3.0.0\n",
        },
        Outcome.PASS,
    ),
    # … silent when flake8's selection leaves the S codes out
    (
        "sast",
        {
            ".pre-commit-config.yaml": FLAKE8_HOOK,
            "setup.cfg": "[metadata]\nname = x\n\n[flake8]\nselect = E,F,W  # S later\n",
            ".github/workflows/ci.yml": GH_PR + "      - uses: pre-commit/action@v3.0.0\n",
        },
        Outcome.FAIL,
    ),
    # known FP: installing bandit is not running it; README prose is not use
    (
        "sast",
        {
            ".github/workflows/ci.yml": GH_PR + "      - run: pip install bandit\n",
            "README.md": "run bandit\n",
        },
        Outcome.FAIL,
    ),
    # dep-audit
    (
        "dep-audit",
        {".github/workflows/ci.yml": GH_PR + "      - run: pip-audit -r requirements.txt\n"},
        Outcome.PASS,
    ),
    (
        "dep-audit",
        {".github/workflows/ci.yml": GH_PR + "      - uses: aquasecurity/trivy-action@0.24.0\n"},
        Outcome.PASS,
    ),
    ("dep-audit", {".github/workflows/ci.yml": GH_PR + "      - run: pytest\n"}, Outcome.FAIL),
    # Azure DevOps' Component Governance task on pull requests (microsoft/nlp-recipes
    # tests/ci/component_governance.yml:22) ... not another task
    (
        "dep-audit",
        {"tests/ci/cg.yml": ADO_PR.format("ComponentGovernanceComponentDetection@0")},
        Outcome.PASS,
    ),
    ("dep-audit", {"tests/ci/cg.yml": ADO_PR.format("UsePythonVersion@0")}, Outcome.FAIL),
    # a JavaScript front end's audit leaves the Python packages unaudited (Netflix/metaflow)
    (
        "dep-audit",
        {".github/workflows/ui.yml": GH_PR + "      - run: npm audit --audit-level=critical\n"},
        Outcome.PARTIAL,
    ),
    # the Rust crates' advisories: cargo-deny told to check them (mosecorg/mosec deny.yml:37,
    # run through variables; reviewed), cargo-audit; not cargo-deny's licence check alone
    (
        "dep-audit",
        {
            ".github/workflows/deny.yml": GH_PR
            + "      - run: $DIR/$CMD -L warn check bans licenses advisories\n"
        },
        Outcome.PASS,
    ),
    ("dep-audit", {".github/workflows/ci.yml": GH_PR + "      - run: cargo audit\n"}, Outcome.PASS),
    (
        "dep-audit",
        {".github/workflows/ci.yml": GH_PR + "      - run: cargo deny check licenses\n"},
        Outcome.FAIL,
    ),
    # known FP: installing the front end's packages audits nothing
    ("dep-audit", {".github/workflows/ui.yml": GH_PR + "      - run: npm ci\n"}, Outcome.FAIL),
    # known FP: dependabot updates dependencies, it does not audit them (MON dependency-bot)
    ("dep-audit", {".github/dependabot.yml": "version: 2\nupdates: []\n"}, Outcome.FAIL),
    # secret-scanning
    (
        "secret-scanning",
        {".github/workflows/ci.yml": GH_PR + "      - uses: gitleaks/gitleaks-action@v2\n"},
        Outcome.PASS,
    ),
    ("secret-scanning", {".secrets.baseline": "{}\n"}, Outcome.PARTIAL),
    ("secret-scanning", {"README.md": "We should add gitleaks.\n"}, Outcome.FAIL),
    # pre-commit-hooks' private-key detector, run by pre-commit.ci: narrow, partial
    (
        "secret-scanning",
        {
            ".pre-commit-config.yaml": "ci: {autofix_prs: true}\nrepos:\n"
            "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
            "    rev: v4.6.0\n    hooks:\n      - id: detect-private-key\n"
        },
        Outcome.PARTIAL,
    ),
    (
        "secret-scanning",
        {
            ".pre-commit-config.yaml": "repos:\n"
            "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
            "    rev: v4.6.0\n    hooks:\n      - id: check-yaml\n"
        },
        Outcome.FAIL,
    ),
    # the key detector configured, but nothing runs pre-commit: worth nothing
    # (awslabs/mlmax .pre-commit-config.yaml)
    (
        "secret-scanning",
        {
            ".pre-commit-config.yaml": "repos:\n"
            "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
            "    rev: v4.6.0\n    hooks:\n      - id: detect-private-key\n"
        },
        Outcome.FAIL,
    ),
    # container-hardening
    ("container-hardening", {"Dockerfile": DOCKER + "USER 10001\n"}, Outcome.PASS),
    ("container-hardening", {"Dockerfile": DOCKER}, Outcome.FAIL),
    # compose: a non-root user from an anchor, overridden with root by one service (skywalker-
    # 89/customer-churn-mlops docker-compose.yaml:25,119; reviewed) ...
    (
        "container-hardening",
        {
            "docker-compose.yaml": "x-common: &common\n  image: apache/airflow:2.9.0\n"
            "  user: '50000:0'\nservices:\n  scheduler:\n    <<: *common\n"
            "  init:\n    <<: *common\n    user: '0:0'\n"
        },
        Outcome.PARTIAL,
    ),
    # ... and root is root whatever the group
    (
        "container-hardening",
        {"docker-compose.yaml": "services:\n  api:\n    image: api:1\n    user: '0:1000'\n"},
        Outcome.FAIL,
    ),
    # ... while a service with no user runs as its image says: not read, not counted
    (
        "container-hardening",
        {
            "docker-compose.yaml": "services:\n  scheduler:\n    image: apache/airflow:2.9.0\n"
            "    user: '50000:0'\n  db:\n    image: postgres:16\n"
        },
        Outcome.PASS,
    ),
    # the image CI jobs build wheels in runs no workload (facebookresearch/fairseq2
    # ci/docker/manylinux_x86_64/Dockerfile.cpu; reviewed) ...
    (
        "container-hardening",
        {"ci/docker/manylinux/Dockerfile.cpu": DOCKER, ".github/actions/lint/Dockerfile": DOCKER},
        Outcome.NOT_APPLICABLE,
    ),
    # ... nor does a test or benchmark harness (explodinggradients/ragas
    # tests/benchmarks/Dockerfile; reviewed)
    ("container-hardening", {"tests/benchmarks/Dockerfile": DOCKER}, Outcome.NOT_APPLICABLE),
    # ... an image beside it that runs the service still counts
    (
        "container-hardening",
        {"ci/docker/Dockerfile.cpu": DOCKER, "docker/serve/Dockerfile": DOCKER},
        Outcome.FAIL,
    ),
    # a non-root user with passwordless sudo for everything is root (EleutherAI/gpt-neox
    # Dockerfile:64); sudo for one command, with a password, is not
    (
        "container-hardening",
        {
            "Dockerfile": DOCKER
            + "RUN useradd -m mchorse && echo 'mchorse ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers\n"
            "USER mchorse\n"
        },
        Outcome.FAIL,
    ),
    (
        "container-hardening",
        {
            "Dockerfile": DOCKER
            + "RUN echo 'app ALL=(root) /usr/bin/apt-get' >> /etc/sudoers.d/app\nUSER app\n"
        },
        Outcome.PASS,
    ),
    # an image that keeps a credential passed at build time (graviraja/MLOps-Basics
    # week_9_monitoring/Dockerfile:3-4,11; reviewed) fails, non-root or not ...
    (
        "container-hardening",
        {
            "Dockerfile": "FROM python:3.11-slim\nARG AWS_ACCESS_KEY_ID\nARG AWS_SECRET_ACCESS_KEY\n"
            "ENV AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID \\\n    AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}\n"
            "RUN dvc pull\nUSER 10001\nCMD ['python', 'app.py']\n"
        },
        Outcome.FAIL,
    ),
    # ... the trap: a build argument used by one step, a path to a key mounted at run time,
    # a tokenizer setting, a credential set in an earlier stage only
    (
        "container-hardening",
        {
            "Dockerfile": "FROM python:3.11-slim AS build\nARG HF_TOKEN\nENV HF_TOKEN=$HF_TOKEN\n"
            "RUN huggingface-cli download m\nFROM python:3.11-slim\nARG KEY_PATH=/run/key.json\n"
            "ENV GOOGLE_APPLICATION_CREDENTIALS=$KEY_PATH TOKENIZERS_PARALLELISM=false\n"
            "ENV API_TOKEN_FILE=${KEY_PATH}\nUSER 10001\n"
        },
        Outcome.PASS,
    ),
    # a job of the developer's local Tilt stack is no production workload (Netflix/metaflow
    # devtools/tilt/k8s/ddb-table-init-job.yaml; reviewed) ...
    (
        "container-hardening",
        {"devtools/tilt/k8s/init-job.yaml": ROOT_JOB},
        Outcome.NOT_APPLICABLE,
    ),
    # ... the same job shipped in the deploy folder is
    ("container-hardening", {"deploy/k8s/init-job.yaml": ROOT_JOB}, Outcome.FAIL),
    # a development image beside the shipped one (microsoft/presidio presidio-analyzer/
    # Dockerfile.dev, its dev container's; reviewed)
    (
        "container-hardening",
        {
            "svc/Dockerfile": DOCKER + "USER 1001\n",
            "svc/Dockerfile.dev": DOCKER,
            "svc/dev.Dockerfile": DOCKER,
        },
        Outcome.PASS,
    ),
    # ThoughtWorksInc/CD4ML-Scenarios names its images Dockerfile-model, Dockerfile-mlflow …
    ("container-hardening", {"Dockerfile-model": DOCKER + "USER root\n"}, Outcome.FAIL),
    ("container-hardening", {"Dockerfile_gpu": DOCKER + "USER 10001\n"}, Outcome.PASS),
    # a development container is the editor's environment, not a shipped image
    # (Lightning-AI/litgpt .devcontainer/Dockerfile)
    (
        "container-hardening",
        {".devcontainer/Dockerfile": DOCKER, ".devcontainer/devcontainer.json": "{}"},
        Outcome.NOT_APPLICABLE,
    ),
    ("container-hardening", {"Dockerfile": DOCKER + "USER root\n"}, Outcome.FAIL),
    ("container-hardening", {"k8s/deploy.yaml": DEPLOY % (POD_SC, CONTAINER_SC)}, Outcome.PASS),
    ("container-hardening", {"k8s/deploy.yaml": DEPLOY % (POD_SC, PRIVILEGED)}, Outcome.FAIL),
    # known FP: a non-root USER in a build stage does not cover the final stage
    (
        "container-hardening",
        {
            "Dockerfile": "FROM python:3.11 AS build\nUSER app\nRUN make\nFROM python:3.11-slim\nCOPY --from=build /a /a\n"
        },
        Outcome.FAIL,
    ),
    ("container-hardening", {"app.py": "x = 1\n"}, Outcome.NOT_APPLICABLE),
    # api-auth
    (
        "api-auth",
        {
            "api.py": FASTAPI
            + "from fastapi.security import APIKeyHeader\nkey = APIKeyHeader(name='X-Key')\n",
            "Dockerfile": DOCKER,
        },
        Outcome.PASS,
    ),
    ("api-auth", {"api.py": FASTAPI, "Dockerfile": DOCKER}, Outcome.FAIL),
    # a Litestar app whose guard turns unauthenticated callers away (evidentlyai/evidently
    # src/evidently/legacy/collector/app.py:221-222, 269; reviewed) ...
    ("api-auth", {"app.py": LITESTAR_GUARDED, "Dockerfile": DOCKER}, Outcome.PASS),
    # ... the trap: a guard list left empty, and a guard that turns nobody away
    (
        "api-auth",
        {
            "app.py": LITESTAR_GUARDED.replace("guards=[is_authenticated]", "guards=[]"),
            "Dockerfile": DOCKER,
        },
        Outcome.FAIL,
    ),
    (
        "api-auth",
        {
            "app.py": LITESTAR_GUARDED.replace("raise NotAuthorizedException()", "log(c)"),
            "Dockerfile": DOCKER,
        },
        Outcome.FAIL,
    ),
    # an HTTP middleware that reads the key and answers 401 (roboflow/inference http_api.py:1197)
    (
        "api-auth",
        {
            "api.py": FASTAPI
            + "from fastapi.responses import JSONResponse\n\n@app.middleware('http')\n"
            "async def check(request, call_next):\n"
            "    key = request.headers.get('x-api-key')\n"
            "    if key is None:\n"
            "        return JSONResponse(status_code=401, content={'message': 'Unauthorized'})\n"
            "    return await call_next(request)\n",
            "Dockerfile": DOCKER,
        },
        Outcome.PASS,
    ),
    # ... or an endpoint that reads the key from a header and answers 401 (Unstructured-IO/
    # unstructured-api prepline_general/api/general.py:649-653; reviewed) ...
    (
        "api-auth",
        {
            "api.py": FASTAPI + "import os\nfrom fastapi import HTTPException, status\n\n"
            "@app.post('/general')\nasync def general(request):\n"
            "    if expected := os.environ.get('API_KEY'):\n"
            "        key = request.headers.get('my-api-key')\n"
            "        if key != expected:\n"
            "            raise HTTPException(detail='bad key', status_code=status.HTTP_401_UNAUTHORIZED)\n"
            "    return {}\n",
            "Dockerfile": DOCKER,
        },
        Outcome.PASS,
    ),
    # ... or routes that reject unauthenticated callers with 401 (serengil/deepface
    # deepface/api/src/modules/core/routes.py:81; reviewed) ...
    (
        "api-auth",
        {
            "api.py": "from flask import Blueprint, request\n\nblueprint = Blueprint('r', __name__)\n\n"
            "@blueprint.route('/verify', methods=['POST'])\ndef verify():\n"
            "    if not auth.is_authenticated(request.headers):\n"
            "        return {'message': 'Invalid or missing authentication token'}, 401\n"
            "    return {}\n",
            "Dockerfile": DOCKER,
        },
        Outcome.PASS,
    ),
    # ... not one that reads an Accept header and answers 400
    (
        "api-auth",
        {
            "api.py": FASTAPI + "from fastapi import HTTPException\n\n"
            "@app.post('/general')\nasync def general(request):\n"
            "    accept = request.headers.get('Accept')\n"
            "    if accept != 'application/json':\n"
            "        raise HTTPException(detail='bad type', status_code=400)\n"
            "    return {}\n",
            "Dockerfile": DOCKER,
        },
        Outcome.FAIL,
    ),
    # the trap: a middleware that only times requests authenticates nobody
    (
        "api-auth",
        {
            "api.py": FASTAPI + "import time\n\n@app.middleware('http')\n"
            "async def timing(request, call_next):\n    t = time.time()\n"
            "    response = await call_next(request)\n"
            "    response.headers['X-Time'] = str(time.time() - t)\n    return response\n",
            "Dockerfile": DOCKER,
        },
        Outcome.FAIL,
    ),
    # known FP: fastapi only in a lockfile is not a serving API
    (
        "api-auth",
        {"requirements.txt": "fastapi==0.110.0\n", "train.py": "x = 1\n"},
        Outcome.NOT_APPLICABLE,
    ),
    # policy-files
    ("policy-files", {"SECURITY.md": "Report to sec@example.com\n"}, Outcome.PASS),
    ("policy-files", {".github/CODEOWNERS": "* @team\n"}, Outcome.PASS),
    # trivy's misconfiguration scanner checks the IaC (fmind/mlops-python-package)
    (
        "policy-files",
        {"trivy.yaml": "scan:\n  scanners:\n    - misconfig\n    - vuln\n"},
        Outcome.PASS,
    ),
    # known FP: trivy scanning only for vulnerabilities checks no policy
    ("policy-files", {"trivy.yaml": "scan:\n  scanners:\n    - vuln\n"}, Outcome.FAIL),
    # Prow's OWNERS file names the approvers (kubeflow/examples OWNERS:1-5)
    ("policy-files", {"OWNERS": "approvers:\n  - jinchihe\nreviewers:\n  - js-ts\n"}, Outcome.PASS),
    # the trap: a file named OWNERS that is a plain list of names is no review rule
    ("policy-files", {"OWNERS": "Jane Doe <jane@example.com>\n"}, Outcome.FAIL),
    ("policy-files", {"README.md": "security: mail us\n"}, Outcome.FAIL),
    # a contributing guide's paragraph on private disclosure is a policy, less discoverable
    # (facebookresearch/segment-anything CONTRIBUTING.md:25-27)
    (
        "policy-files",
        {
            "CONTRIBUTING.md": "## Issues\nFacebook has a bounty program for the safe\n"
            "disclosure of security bugs. Do not file a public issue.\n"
        },
        Outcome.PARTIAL,
    ),
    # ... not a guide that only mentions a security linter
    (
        "policy-files",
        {"CONTRIBUTING.md": "Run the security linter (bandit) before you open a pull request.\n"},
        Outcome.FAIL,
    ),
    ("policy-files", {"examples/demo/SECURITY.md": "x\n"}, Outcome.FAIL),
    # storage-hardening
    ("storage-hardening", {"modules/environment/s3.yaml": CFN_HARDENED}, Outcome.PASS),
    ("storage-hardening", {"cfn/prep.yml": CFN_PLAIN}, Outcome.FAIL),
    (
        "storage-hardening",
        {
            "cfn/prep.yml": CFN_HARDENED.replace(
                "Properties:", "Properties:\n      AccessControl: PublicRead"
            )
        },
        Outcome.FAIL,
    ),
    ("storage-hardening", {"cfn/a.yml": CFN_HARDENED, "cfn/b.yml": CFN_PLAIN}, Outcome.PARTIAL),
    # known FP: a bucket type named in a policy or in a non-template file declares no bucket
    (
        "storage-hardening",
        {
            "iam/policy.yml": "Statement:\n  - Resource: 'AWS::S3::Bucket'\n",
            "cfn/policy.yml": "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n",
            "data/buckets.json": '{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}\n',
        },
        Outcome.NOT_APPLICABLE,
    ),
    ("storage-hardening", {"infra/s3.tf": S3 + PAB + SSE}, Outcome.PASS),
    ("storage-hardening", {"infra/s3.tf": S3}, Outcome.FAIL),
    ("storage-hardening", {"infra/s3.tf": S3 + PAB}, Outcome.FAIL),
    (
        "storage-hardening",
        {
            "infra/s3.tf": S3
            + PAB
            + SSE
            + 'resource "aws_s3_bucket_acl" "a" {\n  bucket = aws_s3_bucket.data.id\n  acl = "public-read"\n}\n'
        },
        Outcome.FAIL,
    ),
    ("storage-hardening", {"app.py": "x = 1\n"}, Outcome.NOT_APPLICABLE),
    # pii-controls
    ("pii-controls", {"anon.py": "from presidio_analyzer import AnalyzerEngine\n"}, Outcome.PASS),
    ("pii-controls", {"data/users.csv": "id,email,age\n1,a@b.c,30\n"}, Outcome.FAIL),
    # known FP: a column merely named like a person attribute is not PII ("Name" of a passenger table is kept)
    (
        "pii-controls",
        {"data/train.csv": "PassengerId,Survived,Pclass,Age\n1,0,3,22\n"},
        Outcome.UNKNOWN,
    ),
    # ingest-validation
    (
        "ingest-validation",
        {"src/ingest.py": "import pandera as pa\nschema = pa.DataFrameSchema({})\n"},
        Outcome.PASS,
    ),
    ("ingest-validation", {"src/train.py": "import pandera as pa\n"}, Outcome.PARTIAL),
    ("ingest-validation", {"src/ingest.py": "import pandas as pd\n"}, Outcome.FAIL),
    # extractive question answering extracts no data: a pydantic params class there is no
    # ingestion check (huggingface/autotrain-advanced extractive_question_answering/params.py)
    (
        "ingest-validation",
        {"src/pkg/extractive_question_answering/params.py": "import pydantic\n"},
        Outcome.FAIL,
    ),
    ("ingest-validation", {"src/pkg/extract_records.py": "import pydantic\n"}, Outcome.PASS),
    # an Evidently drift report validates nothing (DataTalksClub/mlops-zoomcamp
    # 05-monitoring/evidently_metrics_calculation.py); its test suites do
    (
        "ingest-validation",
        {
            "monitoring/metrics.py": "from evidently.report import Report\n"
            "from evidently.metrics import ColumnDriftMetric\n"
        },
        Outcome.FAIL,
    ),
    (
        "ingest-validation",
        {
            "src/ingest.py": "from evidently.test_suite import TestSuite\n"
            "from evidently.tests import TestColumnType\n"
        },
        Outcome.PASS,
    ),
    # `data` as a folder or module name is ingestion code; a module whose name only starts
    # with it is not (SkafteNicki/dtu_mlops s8_monitoring/exercise_files/data_drift.py)
    (
        "ingest-validation",
        {"src/data.py": "import pandera as pa\nschema = pa.DataFrameSchema({})\n"},
        Outcome.PASS,
    ),
    (
        "ingest-validation",
        {"monitoring/data_drift.py": "from evidently.test_suite import TestSuite\n"},
        Outcome.PARTIAL,
    ),
    # a notebook's expectation suite is partial at most (featurestoreorg/serverless-ml-course
    # iris-feature-pipeline-with-ge.ipynb); its pydantic models validate nothing ingested
    (
        "ingest-validation",
        {"ingest/load.ipynb": NB % "import great_expectations as ge"},
        Outcome.PARTIAL,
    ),
    (
        "ingest-validation",
        {"ingest/load.ipynb": NB % "from pydantic import BaseModel"},
        Outcome.FAIL,
    ),
    # known FP: pydantic request models validate API bodies, not ingested data
    ("ingest-validation", {"src/api.py": "from pydantic import BaseModel\n"}, Outcome.FAIL),
    # known FP: a schema check only in tests is data-schema, not validation at ingestion
    ("ingest-validation", {"tests/test_ingest.py": "import pandera as pa\n"}, Outcome.FAIL),
    # api-auth: a key checked by the serving code itself, in constant time
    # (ultralytics/yolov5 utils/flask_rest_api/restapi.py:33-36)
    (
        "api-auth",
        {
            "api.py": FASTAPI + "import secrets\n"
            "def ok(given, key):\n    return secrets.compare_digest(given, key)\n",
            "Dockerfile": DOCKER,
        },
        Outcome.PASS,
    ),
    # ... the trap: a comparison outside the serving code protects no endpoint
    (
        "api-auth",
        {
            "api.py": FASTAPI,
            "tools/sign.py": "import hmac\nok = hmac.compare_digest(a, b)\n",
            "Dockerfile": DOCKER,
        },
        Outcome.FAIL,
    ),
]


@pytest.mark.parametrize(("check", "files", "expected"), CASES)
def test_security_checks(tmp_path, check, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs.message


def test_unsafe_deserialization_evidence_and_notebooks(tmp_path):
    # a notebook that loads a model with joblib (a pickle): the repository has a model
    nb = '{"cells": [{"cell_type": "code", "source": ["import joblib\\n", "joblib.load(f)\\n"]}], "nbformat": 4}'
    snap = snapshot(
        tmp_path,
        {"explore.ipynb": nb, "serve.py": "import os\n\nimport torch\nm = torch.load(p)\n"},
    )
    obs = run_rubric_check(snap, "unsafe-deserialization")
    assert obs.outcome == Outcome.FAIL
    assert ("serve.py", 4) in {(e.path, e.line) for e in obs.evidence}
    only_nb = run_rubric_check(
        snapshot(tmp_path / "nb", {"explore.ipynb": nb}), "unsafe-deserialization"
    )
    assert only_nb.outcome == Outcome.PARTIAL


def test_ingest_validation_lib_rule(tmp_path):
    """A validation tool's own package (setup.py name) does not validate the repo's data."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='evidently')\n",
        "evidently/__init__.py": "",
        "evidently/core/datasets.py": "from evidently.test_suite import TestSuite\n",
    }
    snap = snapshot(tmp_path, files)
    assert run_probe(snap, "ingest_validation").outcome is Outcome.FAIL
    files["setup.py"] = "from setuptools import setup\nsetup(name='shop')\n"
    snap = snapshot(tmp_path / "b", files)
    assert run_probe(snap, "ingest_validation").outcome is Outcome.PASS


MOCK_SCHEMA = (
    "import pandera as pa\n\n\nclass MockMovielensSchema(pa.DataFrameModel):\n"
    "    userID: int = pa.Field(gt=0)\n\n\ndef mock(size):\n"
    "    schema = MockMovielensSchema.to_schema()\n    return schema.example(size=size)\n"
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # a schema that only generates fake data validates nothing (microsoft/recommenders
        # recommenders/datasets/movielens.py:585-649)
        (MOCK_SCHEMA, Outcome.FAIL),
        # positive: the same schema checks what is loaded
        (
            MOCK_SCHEMA + "\n\ndef load(df):\n    return MockMovielensSchema.validate(df)\n",
            Outcome.PASS,
        ),
        # ... or guards the loader as a decorator
        (MOCK_SCHEMA + "\n\n@pa.check_types\ndef load(df):\n    return df\n", Outcome.PASS),
        # a schema imported and declared in a loading module still counts (rule unchanged)
        (
            "import pandera as pa\nschema = pa.DataFrameSchema({'a': pa.Column(int)})\n",
            Outcome.PASS,
        ),
    ],
    ids=["generates-only", "validates", "check-types", "declared"],
)
def test_ingest_validation_a_schema_that_only_generates_data(tmp_path, source, expected):
    snap = snapshot(tmp_path, {"datasets/movielens.py": source})
    assert run_probe(snap, "ingest_validation").outcome is expected


# a model loaded safely: the repository has a model, whose other loads are judged
SAFE_SERVING = "import onnxruntime\nsession = onnxruntime.InferenceSession('model.onnx')\n"
WHISPER_LOAD = (
    "import torch\n"
    'kwargs = {"weights_only": True} if torch.__version__ >= "1.13" else {}\n'
    "state = torch.load(fp, map_location=device, **kwargs)\n"
)


@pytest.mark.parametrize(
    ("source", "expected", "line"),
    [
        # openai/whisper whisper/__init__.py:150-151: the flag comes through **kwargs
        (WHISPER_LOAD, Outcome.UNKNOWN, 3),
        ("import torch\nopts = {}\ntorch.load(fp, **opts)\n", Outcome.UNKNOWN, 3),
        ("import yaml\nyaml.load(f, **loader_args)\n", Outcome.UNKNOWN, 2),
        # written out, the keyword decides even beside a mapping
        ("import torch\ntorch.load(fp, weights_only=True, **kw)\n", Outcome.PASS, None),
        ("import torch\ntorch.load(fp, weights_only=False, **kw)\n", Outcome.FAIL, 2),
        ("import yaml\nyaml.load(f, yaml.FullLoader, **kw)\n", Outcome.FAIL, 2),
        # a mapping cannot make a pickle safe
        ("import pickle\npickle.load(f, **kw)\n", Outcome.FAIL, 2),
    ],
)
def test_unsafe_deserialization_flags_passed_through_a_mapping(tmp_path, source, expected, line):
    files = {"model.py": source, "serve.py": SAFE_SERVING}
    obs = run_rubric_check(snapshot(tmp_path, files), "unsafe-deserialization")
    assert obs.outcome == expected, obs.message
    if line is not None:
        assert [(e.path, e.line) for e in obs.evidence] == [("model.py", line)]


def test_a_definite_unsafe_load_fails_beside_an_undecided_one(tmp_path):
    files = {"a.py": WHISPER_LOAD, "b.py": "import joblib\njoblib.load(p)\n"}
    obs = run_rubric_check(snapshot(tmp_path, files), "unsafe-deserialization")
    assert obs.outcome == Outcome.FAIL
    assert [(e.path, e.line) for e in obs.evidence] == [("b.py", 2)]


def test_cloudformation_bucket_evidence_lines(tmp_path):
    public = CFN_PLAIN.replace("BucketOwnerFullControl", "PublicRead")
    obs = run_rubric_check(snapshot(tmp_path, {"cfn/prep.yml": public}), "storage-hardening")
    assert obs.outcome == Outcome.FAIL
    assert [(e.path, e.line) for e in obs.evidence] == [("cfn/prep.yml", 5)]
    weak = run_rubric_check(
        snapshot(tmp_path / "b", {"cfn/prep.yml": CFN_PLAIN}), "storage-hardening"
    )
    assert "S3Bucket: no public access block and no encryption" in (weak.evidence[0].snippet or "")


# Trivy scans for secrets unless told otherwise (neopentane7/mlops-fraud-detection
# .github/workflows/security.yml:55-57; aswithabukka/mlops-fraud-detection ci.yml:199-205;
# reviewed)
def _trivy_workflow(step: str, on: str = "[push, pull_request]") -> dict[str, str]:
    return {
        ".github/workflows/sec.yml": f"on: {on}\njobs:\n  scan:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n      - uses: actions/checkout@v4\n{step}"
    }


TRIVY_ACTION = "      - uses: aquasecurity/trivy-action@master\n        with:\n{inputs}"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (_trivy_workflow("      - run: trivy fs --severity HIGH .\n"), Outcome.PASS),
        (
            _trivy_workflow("      - run: trivy fs --scanners vuln,secret,misconfig .\n"),
            Outcome.PASS,
        ),
        (_trivy_workflow(TRIVY_ACTION.format(inputs="          scan-type: fs\n")), Outcome.PASS),
        # started only by hand
        (
            _trivy_workflow("      - run: trivy image app:1\n", on="workflow_dispatch"),
            Outcome.PARTIAL,
        ),
        # the traps: the secret scanner switched off; a configuration scan
        (_trivy_workflow("      - run: trivy fs --scanners vuln .\n"), Outcome.FAIL),
        (
            _trivy_workflow(
                TRIVY_ACTION.format(inputs="          scan-type: fs\n          scanners: vuln\n")
            ),
            Outcome.FAIL,
        ),
        (_trivy_workflow("      - run: trivy config k8s/\n"), Outcome.FAIL),
    ],
)
def test_trivy_secret_scan(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "trivy_secret_scan")
    assert obs.outcome == expected, obs.message
