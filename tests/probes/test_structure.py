"""Project structure (STR) checks through the default rubric: positive, negative and the
catalogue's known false positive (rule tpl: untouched template folders) for each."""

from __future__ import annotations

import pytest
from helpers import run_check, snapshot, training_repo

from mlaudit.results import Outcome

P, F, H, NA = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL, Outcome.NOT_APPLICABLE
U = Outcome.UNKNOWN
NB = '{"cells": [{"cell_type": "code", "source": ["x = 1\\n"]}], "nbformat": 4}'
NB_ML = '{"cells": [{"cell_type": "code", "source": ["import sklearn\\n"]}], "nbformat": 4}'
TEST = "def test_ok():\n    assert True\n"

CASES = [
    # data-raw-processed --------------------------------------------------------------------------
    (
        "data-raw-processed",
        "gitignored-folders",
        {".gitignore": "/data/raw/\n/data/processed/\n", "src/a.py": "x = 1\n"},
        P,
    ),
    (
        "data-raw-processed",
        "dvc-declared-split",
        {
            "data/data.xml.dvc": "outs:\n- md5: abc\n  path: data.xml\n",
            "data/.gitignore": "/data.xml\n/prepared\n",
            "dvc.yaml": "stages:\n  prepare:\n    cmd: python prepare.py\n    deps:\n    - data/data.xml\n"
            "    outs:\n    - data/prepared\n",
        },
        P,
    ),
    ("data-raw-processed", "flat-datasets", {"datasets/train.csv": "a\n1\n"}, F),
    # the data folder of one component of the project (Bilal-SSDL/loan-default-mlops-platform
    # ml/data/raw, ml/data/processed; reviewed) ...
    (
        "data-raw-processed",
        "component-data-folder",
        {".gitignore": "ml/data/raw/*.csv\nml/data/processed/*.csv\n", "ml/src/a.py": "x = 1\n"},
        P,
    ),
    # ... not an example's
    (
        "data-raw-processed",
        "fp-example-data-folder",
        {
            "examples/demo/data/raw/.gitkeep": "",
            "examples/demo/data/processed/.gitkeep": "",
            "src/a.py": "x = 1\n",
        },
        F,
    ),
    # Kedro's numbered data layers, git-ignored
    (
        "data-raw-processed",
        "kedro-layers",
        {".gitignore": "data/01_raw/*\ndata/04_feature/*\n", "src/a.py": "x = 1\n"},
        P,
    ),
    # a number that is not a layer prefix is not one
    ("data-raw-processed", "fp-numbered-other", {".gitignore": "data/01_notes/*\n"}, F),
    (
        "data-raw-processed",
        "fp-template-gitkeep-only",
        {"data/raw/.gitkeep": "", "data/processed/.gitkeep": "", "data/interim/.gitkeep": ""},
        H,
    ),
    (
        "data-raw-processed",
        "fp-committed-csv",
        {"data/raw/train.csv": "a\n1\n", "data/processed/train.parquet": "x"},
        H,
    ),
    # data-pipeline-folder ---------------------------------------------------------------------------
    (
        "data-pipeline-folder",
        "src-data",
        {"src/pkg/data/make_dataset.py": "def make():\n    return 1\n"},
        P,
    ),
    ("data-pipeline-folder", "etl", {"etl/extract.py": "x = 1\n"}, P),
    # a dbt project's SQL models (jacopotagliabue/recs-at-resonable-scale src/dbt/; reviewed)
    (
        "data-pipeline-folder",
        "dbt-project",
        {
            "src/dbt/dbt_project.yml": "name: recs\nsource-paths: [models]\n",
            "src/dbt/models/filtered.sql": "select * from {{ source('raw', 'events') }}\n",
        },
        P,
    ),
    # a folder of preprocessors (huggingface/autotrain-advanced src/autotrain/preprocessor/)
    (
        "data-pipeline-folder",
        "preprocessor",
        {"src/pkg/preprocessor/text.py": "x = 1\n", "src/pkg/preprocessor/tabular.py": "y = 2\n"},
        P,
    ),
    ("data-pipeline-folder", "none", {"src/pkg/app.py": "x = 1\n"}, F),
    # the modules of an end-to-end project template, named for their step (bharathmrr/
    # MLops-complte-pipeline data_igestion.py, misspelt; reviewed); a name that only ends so
    # (metadata_ingestion_notes.py) is not one
    (
        "data-pipeline-folder",
        "template-step-module",
        {"data_ingestion.py": "import pandas as pd\ndf = pd.read_csv('d.csv')\n"},
        H,
    ),
    (
        "data-pipeline-folder",
        "fp-step-name-inside-another",
        {"metadata_ingestion_notes.py": "import pandas as pd\ndf = pd.read_csv('d.csv')\n"},
        F,
    ),
    (
        "data-pipeline-folder",
        "fp-data-folder-with-only-a-test",
        {"data/diabetes.csv": "a,b\n1,2\n", "data/data_test.py": "def test_a():\n    assert 1\n"},
        F,
    ),
    (
        "data-pipeline-folder",
        "fp-data-store-only",
        {"data/train.csv": "a\n1\n", "data/test.csv": "a\n2\n"},
        F,
    ),
    (
        "data-pipeline-folder",
        "fp-template",
        {"src/pkg/data/__init__.py": "", "src/pkg/data/.gitkeep": ""},
        H,
    ),
    (
        "data-pipeline-folder",
        "fp-root-data-store-template",
        {"data/.gitkeep": "", "data/raw/.gitkeep": ""},
        F,
    ),
    # data-pipeline-tests -----------------------------------------------------------------------------
    (
        "data-pipeline-tests",
        "imports-folder",
        {
            "src/pkg/data/clean.py": "def clean(x):\n    return x\n",
            "tests/test_clean.py": "from pkg.data.clean import clean\n\ndef test_clean():\n    assert clean(1) == 1\n",
        },
        P,
    ),
    (
        "data-pipeline-tests",
        "untested-folder",
        {"src/pkg/data/clean.py": "def clean(x):\n    return x\n", "tests/test_other.py": TEST},
        F,
    ),
    (
        "data-pipeline-tests",
        "fp-tests-data-folder-without-imports",
        {"src/pkg/etl/load.py": "x = 1\n", "tests/data/test_dataset.py": TEST},
        F,
    ),
    # no data pipeline code: nothing to test, and data-pipeline-folder already fails for it
    # (openai/shap-e, reviewed)
    (
        "data-pipeline-tests",
        "fp-no-data-pipeline-code",
        {"model.py": "x = 1\n", "tests/test_model.py": TEST},
        NA,
    ),
    # models-folder ----------------------------------------------------------------------------------------
    ("models-folder", "gitignored", {".gitignore": "/models/\n", "train.py": "x = 1\n"}, P),
    (
        "models-folder",
        "dvc-tracked",
        {"models/model.pkl.dvc": "outs:\n- md5: a\n  path: model.pkl\n"},
        P,
    ),
    ("models-folder", "none", {"train.py": "x = 1\n"}, F),
    # a git-ignored folder the project's settings save checkpoints to (RUCAIBox/RecBole
    # overall.yaml:9 `checkpoint_dir: 'saved'`; nerfstudio-project/nerfstudio
    # experiment_config.py:39 `output_dir: Path = Path("outputs")`; reviewed) ...
    (
        "models-folder",
        "ignored-checkpoint-dir-in-yaml",
        {
            ".gitignore": "saved/\n",
            "rec/properties/overall.yaml": "checkpoint_dir: 'saved'\nepochs: 300\n",
            "train.py": "x = 1\n",
        },
        P,
    ),
    (
        "models-folder",
        "ignored-output-dir-in-code",
        {
            ".gitignore": "outputs/\n",
            "pkg/config.py": "from pathlib import Path\n\nclass Experiment:\n"
            "    output_dir: Path = Path('outputs')\n",
            "train.py": "x = 1\n",
        },
        P,
    ),
    # ... not a dataset's download folder, nor a folder merely named beside a setting
    (
        "models-folder",
        "fp-ignored-data-save-dir",
        {
            ".gitignore": "data/\nlogs/\n",
            "pkg/download.py": "from pathlib import Path\n\nclass Args:\n"
            "    save_dir: Path = Path('data/')\n\n"
            "def unzip(output_dir):\n    return output_dir / Path('logs')\n",
            "train.py": "x = 1\n",
        },
        F,
    ),
    # ... nor an ignored folder no setting names
    (
        "models-folder",
        "fp-ignored-folder-not-configured",
        {".gitignore": "outputs/\n", "train.py": "x = 1\n"},
        F,
    ),
    # `**/models/` ignores models/ at any depth, the top one included
    # (DataTalksClub/mlops-zoomcamp .gitignore:14)
    ("models-folder", "gitignored-any-depth", {".gitignore": "**/models/\n", "t.py": "x = 1\n"}, P),
    # ... a pattern for a deeper path names no models folder of the project
    (
        "models-folder",
        "fp-deep-pattern",
        {".gitignore": "**/cache/models/\n", "t.py": "x = 1\n"},
        F,
    ),
    # one models folder per project of a multi-project repository (graviraja/MLOps-Basics
    # .gitignore:132, aws-samples/amazon-sagemaker-mlops-workshop .gitignore:36)
    (
        "models-folder",
        "gitignored-per-project",
        {".gitignore": "*/models/*\n", "week_1/train.py": "x = 1\n"},
        P,
    ),
    (
        "models-folder",
        "gitignored-per-lab",
        {".gitignore": "labs/0*/model\n", "t.py": "x = 1\n"},
        P,
    ),
    # ... but not one whose folder holds code: that models/ is a package
    (
        "models-folder",
        "fp-per-project-code-package",
        {".gitignore": "*/models/*.pkl\n", "app/models/net.py": "class Net:\n    pass\n"},
        F,
    ),
    ("models-folder", "fp-template-gitkeep", {"models/.gitkeep": ""}, H),
    ("models-folder", "fp-committed-binary", {"models/model.pkl": b"\x80\x04binary"}, H),
    ("models-folder", "fp-code-package", {"models/net.py": "class Net:\n    pass\n"}, F),
    # ... nor code with its build spec and requirements (aws-samples/amazon-sagemaker-safe-
    # deployment-pipeline model/: run_pipeline.py, buildspec.yml, requirements.txt)
    (
        "models-folder",
        "fp-code-and-build-files",
        {
            "model/run_pipeline.py": "x = 1\n",
            "model/buildspec.yml": "version: 0.2\n",
            "model/requirements.txt": "sagemaker\n",
        },
        F,
    ),
    # a store of configs beside its ignored binaries is a store
    (
        "models-folder",
        "configs-of-ignored-models",
        {"artifacts/config.json": "{}\n", "train.py": "x = 1\n"},
        P,
    ),
    # notebooks-folder ---------------------------------------------------------------------------------------
    ("notebooks-folder", "under-notebooks", {"notebooks/1.0-eda.ipynb": NB}, P),
    ("notebooks-folder", "mixed", {"notebooks/a.ipynb": NB, "b.ipynb": NB}, H),
    ("notebooks-folder", "no-notebooks", {"train.py": "x = 1\n"}, NA),
    # microsoft/recommenders: notebooks a test reads are fixtures, not exploration code
    (
        "notebooks-folder",
        "test-fixture-notebooks",
        {"tests/resources/test_notebook.ipynb": NB, "notebooks/a.ipynb": NB},
        P,
    ),
    ("notebooks-folder", "fp-scattered-at-root", {"Titanic.ipynb": NB, "Waterpumps.ipynb": NB}, F),
    # feature-engineering-folder ------------------------------------------------------------------------------
    ("feature-engineering-folder", "features-pkg", {"src/pkg/features/build.py": "x = 1\n"}, P),
    ("feature-engineering-folder", "single-module", {"src/featurization.py": "x = 1\n"}, H),
    # (nubank/fklearn src/fklearn/training/transformation.py, its feature transformers; reviewed)
    (
        "feature-engineering-folder",
        "transformation-module",
        {"src/pkg/training/transformation.py": "def capper(df):\n    return df\n"},
        H,
    ),
    # deepchem's featurizers (deepchem/deepchem deepchem/feat/; reviewed)
    ("feature-engineering-folder", "feat-pkg", {"deepchem/feat/graph.py": "x = 1\n"}, P),
    # a transformers/ folder of scikit-learn transformers is feature code ...
    (
        "feature-engineering-folder",
        "sklearn-transformers",
        {"pkg/transformers/scale.py": "from sklearn.base import TransformerMixin\n"},
        P,
    ),
    # ... one wrapping 🤗 Transformers models is not (microsoft/nlp-recipes
    # utils_nlp/models/transformers/sequence_classification.py)
    (
        "feature-engineering-folder",
        "fp-hf-transformers-wrappers",
        {"pkg/models/transformers/classify.py": "from transformers import AutoModel\n"},
        F,
    ),
    # Chim-SO/mlops-template: a 0-byte build_features.py stands for no feature code
    ("feature-engineering-folder", "fp-empty-module", {"src/data/build_features.py": ""}, F),
    ("feature-engineering-folder", "none", {"src/train.py": "x = 1\n"}, F),
    # FP: behave's acceptance tests live in features/ (kedro-org/kedro-starters)
    (
        "feature-engineering-folder",
        "fp-behave-features",
        {
            "features/run.feature": "Feature: Run\n",
            "features/environment.py": "def before_scenario(context, scenario):\n    pass\n",
            "features/steps/run_steps.py": "from behave import when\n",
        },
        F,
    ),
    (
        "feature-engineering-folder",
        "fp-data-features-output",
        {"data/features/train.csv": "a\n1\n"},
        F,
    ),
    # model-engineering-folder ----------------------------------------------------------------------------------
    ("model-engineering-folder", "models-pkg", {"src/pkg/models/train_model.py": "x = 1\n"}, P),
    ("model-engineering-folder", "single-train-py", {"train.py": "x = 1\n"}, H),
    # a models.py of settings records is no model code (vllm-project/production-stack
    # src/vllm_router/external_providers/models.py:11 `@dataclass class ExternalModelConfig`;
    # reviewed), nor a models/ folder of request schemas ...
    (
        "model-engineering-folder",
        "fp-dataclass-models-py",
        {
            "src/router/models.py": "from dataclasses import dataclass\nfrom enum import Enum\n\n\n"
            "class Kind(str, Enum):\n    OPENAI = 'openai'\n\n\n@dataclass\n"
            "class ProviderConfig:\n    id: str\n    kind: Kind\n"
        },
        F,
    ),
    (
        "model-engineering-folder",
        "fp-schema-folder",
        {
            "app/models/__init__.py": "",
            "app/models/request.py": "from pydantic import BaseModel\n\n\n"
            "class PredictRequest(BaseModel):\n    text: str\n",
        },
        F,
    ),
    # ... nor a models/ folder of SQLAlchemy tables (deepak360/document-rag-app app/models/;
    # reviewed)
    (
        "model-engineering-folder",
        "fp-sqlalchemy-tables",
        {
            "app/models/__init__.py": "",
            "app/models/document.py": "from sqlalchemy import Column, Integer, JSON\n"
            "from app.db.sql import Base\n\n\nclass Document(Base):\n"
            "    __tablename__ = 'documents'\n    id = Column(Integer, primary_key=True)\n"
            "    chunks = Column(JSON)\n",
        },
        F,
    ),
    # ... while a models.py that defines a network is
    (
        "model-engineering-folder",
        "models-py-with-a-network",
        {
            "src/pkg/models.py": "from dataclasses import dataclass\nimport torch\n\n\n@dataclass\n"
            "class Config:\n    width: int\n\n\nclass Net(torch.nn.Module):\n    pass\n"
        },
        H,
    ),
    ("model-engineering-folder", "none", {"app.py": "x = 1\n"}, F),
    # fine-tuning scripts in their own folder (Lightning-AI/lit-llama finetune/lora.py) ...
    ("model-engineering-folder", "finetune-folder", {"finetune/lora.py": "x = 1\n"}, P),
    # ... not a folder of fine-tuning configs only
    ("model-engineering-folder", "fp-finetune-configs", {"finetune/lora.yaml": "lr: 1\n"}, F),
    # a hyphenated compound reads like its underscored spelling (microsoft/MLOps)
    ("model-engineering-folder", "hyphenated", {"model-training/train.py": "x = 1\n"}, P),
    # FP: a word inside the compound is not its last word
    ("model-engineering-folder", "fp-training-data", {"training-data/load.py": "x = 1\n"}, F),
    (
        "deployment-folder",
        "hyphenated",
        {"model-deployment/score.py": "x = 1\n", "infra-as-code/main.bicep": "param a string\n"},
        P,
    ),
    # (an image built from a file outside any deployment folder makes the check apply)
    (
        "deployment-folder",
        "fp-deployment-notes",
        {"deployment-notes.md": "todo\n", "tools/app.Dockerfile": "FROM python:3.11\n"},
        F,
    ),
    # a hidden infrastructure folder (mlops-guide/dvc-gitactions .infra/.terraform/init_infra.tf)
    (
        "deployment-folder",
        "hidden-infra",
        {".infra/.terraform/init_infra.tf": "provider x {}\n"},
        P,
    ),
    ("deployment-folder", "dockerfiles", {"Dockerfiles/server.Dockerfile": "FROM python\n"}, P),
    # a store of outputs named for serving holds the served model, not deployment files
    # (mdzurilla/telco-churn-mlops churn_ops_platform/artifacts/serving/; reviewed) ...
    (
        "deployment-folder",
        "fp-artifacts-serving",
        {
            "pkg/artifacts/serving/model.joblib": "x",
            "pkg/artifacts/serving/metadata.json": "{}",
            "pkg/score.py": "x = 1\n",
        },
        NA,
    ),
    # ... while a serving folder of code is one
    ("deployment-folder", "serving-code", {"pkg/serving/app.py": "x = 1\n"}, P),
    # a Dockerfile and a compose file of comments only are placeholders of a later phase
    # (adrianmarchramon/fraud-mlops-pipeline docker/Dockerfile:1-2; reviewed): nothing to place
    (
        "deployment-folder",
        "fp-comment-only-placeholders",
        {
            "docker/Dockerfile": "# Dockerfile\n# Populated in Phase 5 (Containerization).\n",
            "docker/docker-compose.yml": "# docker-compose\n\n# Populated in Phase 5.\n",
        },
        NA,
    ),
    # ... the same folder once the Dockerfile says what to build
    (
        "deployment-folder",
        "docker-folder-with-a-build",
        {
            "docker/Dockerfile": "# Populated in Phase 5.\nFROM python:3.12\n",
            "docker/docker-compose.yml": "# docker-compose\n",
        },
        P,
    ),
    # ops/ at the root holds the operations' files
    ("deployment-folder", "root-ops", {"ops/deploy.sh": "kubectl apply -f k8s.yaml\n"}, P),
    # a Python package named infra/ is code (stanford-futuredata/ColBERT colbert/infra/, its
    # run and config framework, reviewed): with no deployment file the check does not apply
    (
        "deployment-folder",
        "fp-infra-package",
        {
            "colbert/__init__.py": "",
            "colbert/infra/__init__.py": "",
            "colbert/infra/run.py": "x = 1\n",
        },
        NA,
    ),
    # ... inside a package it holds a network's operators (facebookresearch/dinov2
    # dinov2/eval/depth/ops/wrappers.py), and nothing else makes the check apply
    (
        "deployment-folder",
        "fp-network-ops",
        {"dinov2/eval/depth/ops/wrappers.py": "def resize(x):\n    return x\n"},
        NA,
    ),
    (
        "deployment-folder",
        "helm-chart",
        {"helm-ml-score-app/Chart.yaml": "apiVersion: v2\nname: app\n"},
        P,
    ),
    # a course's lesson folder: lesson pages and exercises (SkafteNicki/dtu_mlops s7_deployment/)
    (
        "deployment-folder",
        "fp-lesson-folder",
        {
            "s7_deployment/cloud_deployment.md": "# Deploy\n",
            "s7_deployment/exercise_files/Dockerfile": "FROM python:3.11\n",
            "tools/app.Dockerfile": "FROM python:3.11\n",
        },
        F,
    ),
    ("model-engineering-folder", "fp-model-store", {"models/model.pkl": b"\x80\x04binary"}, F),
    ("model-engineering-folder", "fp-root-model-store-template", {"models/.gitkeep": ""}, F),
    # a compound name whose last word says training (GoogleCloudPlatform/mlops-with-vertex-ai)
    ("model-engineering-folder", "compound-name", {"src/model_training/task.py": "x = 1\n"}, P),
    # ... holding no code: checkpoints of a training run
    ("model-engineering-folder", "fp-compound-no-code", {"out/run_training/m.ckpt": "x"}, F),
    # a training package named after its project (mlfoundations/open_clip src/open_clip_train/)
    ("model-engineering-folder", "compound-train", {"src/open_clip_train/main.py": "x = 1\n"}, P),
    # ... and a split of the data is no code
    ("model-engineering-folder", "fp-data-split", {"data/images_train/a.csv": "x\n1\n"}, F),
    ("model-engineering-folder", "fp-template-package", {"src/pkg/models/__init__.py": ""}, H),
    # scripts-folder -------------------------------------------------------------------------------------------
    ("scripts-folder", "scripts", {"scripts/run.sh": "#!/bin/sh\necho hi\n"}, P),
    ("scripts-folder", "none", {"run.sh": "#!/bin/sh\n"}, F),
    ("scripts-folder", "devtools", {"devtools/ci/start.sh": "#!/bin/sh\necho hi\n"}, P),
    # the scikit-learn family's build_tools/ (sktime/pytorch-forecasting, reviewed) ...
    ("scripts-folder", "build-tools", {"build_tools/run_examples.sh": "#!/bin/bash\necho\n"}, P),
    # ... holding scripts: a build_tools/ of notes beside a loose script is no scripts folder
    (
        "scripts-folder",
        "fp-build-tools-notes",
        {"run.sh": "#!/bin/sh\n", "build_tools/x.txt": "x"},
        F,
    ),
    ("scripts-folder", "a-root-program", {"train.py": "print(1)\n"}, F),
    ("scripts-folder", "fp-template", {"scripts/.gitkeep": ""}, H),
    # a web UI's JavaScript in static/scripts/ is no operational script (huggingface/
    # autotrain-advanced src/autotrain/app/static/scripts/)
    (
        "scripts-folder",
        "fp-web-ui-scripts",
        {"src/pkg/app/static/scripts/poll.js": "function poll() {}\n"},
        F,
    ),
    ("scripts-folder", "python-tools", {"tools/convert.py": "print(1)\n"}, P),
    # a CI system's helpers in its own folder are no scripts folder for the loose root
    # script (pytorch/torchtune .github/scripts/pre_build_script.sh, reviewed)
    ("scripts-folder", "fp-ci-helpers", {".github/scripts/pre_build.sh": "#!/bin/sh\necho\n"}, F),
    # a library's subpackage named tools/ is its code, not a scripts folder (roboflow/
    # supervision supervision/detection/tools/; reviewed): the loose root train.py of
    # training_repo has no scripts folder then ...
    (
        "scripts-folder",
        "fp-library-subpackage",
        {
            "pkg/__init__.py": "",
            "pkg/detection/__init__.py": "",
            "pkg/detection/tools/__init__.py": "",
            "pkg/detection/tools/smoother.py": "def smooth(x):\n    return x\n",
            "pkg/detection/core.py": "from pkg.detection.tools.smoother import smooth\n",
        },
        F,
    ),
    # ... while a subpackage of scripts run as console scripts, imported by nothing, is one
    # (nerfstudio-project/nerfstudio nerfstudio/scripts/train.py, `ns-train`)
    (
        "scripts-folder",
        "package-scripts-subpackage",
        {
            "pkg/__init__.py": "",
            "pkg/scripts/__init__.py": "",
            "pkg/scripts/train.py": "def entrypoint():\n    pass\n",
        },
        P,
    ),
    # ... while a scripts package at the root stays a scripts folder
    (
        "scripts-folder",
        "root-tools-package",
        {"tools/__init__.py": "", "tools/convert.py": "print(1)\n"},
        P,
    ),
    # tests-folder --------------------------------------------------------------------------------------------
    ("tests-folder", "tests", {"tests/test_a.py": TEST}, P),
    ("tests-folder", "none", {"test_a.py": TEST}, F),
    ("tests-folder", "compound", {"src/test_sml/test_sml.py": TEST}, P),
    (
        "tests-folder",
        "behave-steps",
        {"features/run.feature": "Feature: Run\n", "features/steps/run_steps.py": TEST},
        P,
    ),
    ("tests-folder", "fp-testing-helpers", {"testing_utils/fakes.py": "x = 1\n"}, F),
    ("tests-folder", "fp-empty-package", {"tests/__init__.py": ""}, H),
    # Nneji123/Serving-Machine-Learning-Models: one 0-byte test file holds no test
    ("tests-folder", "fp-empty-test-file", {"tests/test_api.py": ""}, F),
    ("feature-engineering-folder", "recipe-transform-step", {"steps/transform.py": "x = 1\n"}, H),
    # deployment-folder -----------------------------------------------------------------------------------------
    (
        "deployment-folder",
        "k8s",
        {"k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"},
        P,
    ),
    (
        "deployment-folder",
        "hidden-kube",
        {".kube/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"},
        P,
    ),
    ("deployment-folder", "root-dockerfile", {"Dockerfile": "FROM python:3.11\n"}, P),
    # nothing to deploy, nothing to place (karpathy/minGPT, reviewed)
    ("deployment-folder", "none", {"app.py": "x = 1\n"}, NA),
    (
        "deployment-folder",
        "fp-examples-and-docs",
        {"examples/deploy/k8s.yaml": "kind: Deployment\n", "docs/deploy/index.md": "# Deploy\n"},
        NA,
    ),
    # a name the package's __init__ re-exports from its data module (huggingface/
    # alignment-handbook src/alignment/__init__.py:4, tests/test_data.py:19)
    (
        "data-pipeline-tests",
        "reexported",
        {
            "src/pkg/__init__.py": "from .data import get_dataset\n",
            "src/pkg/data.py": "def get_dataset():\n    return None\n",
            "tests/test_data.py": "from pkg import get_dataset as f\n\ndef test_a():\n    assert f() is None\n",
        },
        H,
    ),
    # ... a name the __init__ defines itself is not the data module's
    (
        "data-pipeline-tests",
        "fp-defined-in-init",
        {
            "src/pkg/__init__.py": "def get_dataset():\n    return None\n",
            "src/pkg/data.py": "def load():\n    return None\n",
            "tests/test_data.py": "from pkg import get_dataset as f\n\ndef test_a():\n    assert f() is None\n",
        },
        F,
    ),
    # no-ml-system (anti: pass = an ML system is there) -----------------------------------------
    ("no-ml-system", "torch-import", {"src/train.py": "import torch\n"}, P),
    ("no-ml-system", "llm-api", {"app/chat.py": "from openai import OpenAI\n"}, P),
    # a managed ML service reached through boto3 (Pocket/recommendation-api: SageMaker
    # Feature Store for its ranker; reviewed); another AWS service is no ML
    (
        "no-ml-system",
        "sagemaker-featurestore-client",
        {
            "app/features.py": "import aioboto3\nasync def get(s):\n"
            "    async with s.client('sagemaker-featurestore-runtime') as fs:\n        pass\n"
        },
        P,
    ),
    (
        "no-ml-system",
        "vector-database",
        {"app/related.py": "from qdrant_client import AsyncQdrantClient\n"},
        P,
    ),
    (
        "no-ml-system",
        "fp-dynamodb-client",
        {"app/store.py": "import boto3\ndb = boto3.client('dynamodb')\n"},
        F,
    ),
    # a document-layout model package (Unstructured-IO/unstructured-api general.py:43; reviewed)
    (
        "no-ml-system",
        "layout-model-package",
        {"api/general.py": "from unstructured_inference.models.base import get_model\n"},
        P,
    ),
    (
        "no-ml-system",
        "declared-only",
        {"requirements.txt": "scikit-learn==1.4.2\n", "a.py": "x = 1\n"},
        P,
    ),
    ("no-ml-system", "model-file", {"serve.py": "x = 1\n", "model/model.onnx": "bin"}, P),
    ("no-ml-system", "tutorial-notebook", {"tf/main.py": "x = 1\n", "tutorials/t.ipynb": NB_ML}, P),
    # a grammar newer than mlaudit's interpreter: the import is read from the text
    (
        "no-ml-system",
        "unparsed-file-imports-ml",
        {"svc.py": "import torch\ntry:\n    pass\nexcept A, B:\n    pass\n"},
        P,
    ),
    (
        "no-ml-system",
        "crud-app",
        {
            "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "requirements.txt": "fastapi==0.110.0\nsqlmodel==0.0.16\n",
            "Dockerfile": 'FROM python:3.11\nCMD ["fastapi", "run"]\n',
        },
        F,
    ),
    # "models" of an ORM are no ML models (fastapi/full-stack-fastapi-template app/models.py)
    (
        "no-ml-system",
        "fp-orm-models",
        {
            "app/models.py": "from sqlmodel import SQLModel\n\nclass Item(SQLModel, table=True):\n    pass\n",
            "tests/test_models.py": "from app.models import Item\n\ndef test_item():\n    assert Item\n",
            "data/pickled.pkl": "x",
        },
        F,
    ),
    (
        "no-ml-system",
        "pipfile",
        {"api.py": "x = 1\n", "Pipfile": '[packages]\nseldon-core = "*"\n'},
        P,
    ),
    (
        "no-ml-system",
        "dockerfile-install",
        {
            "api.py": "x = 1\n",
            "Dockerfile": "FROM python:3.11\nRUN pip install --no-cache-dir mlflow==2.1 boto3\n",
        },
        P,
    ),
    # a path in a tool's exclude list names no dependency
    (
        "no-ml-system",
        "fp-pyproject-exclude",
        {
            "pkg/a.py": "x = 1\n",
            "pyproject.toml": '[project]\nname = "a"\ndependencies = ["flask"]\n[tool.ruff]\nexclude = ["wandb/**/*.py"]\n',
        },
        F,
    ),
    ("no-ml-system", "no-python", {"main.go": "package main\n", "README.md": "# ML\n"}, U),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}:{i}") for c, i, f, e in CASES],
)
def test_structure_checks(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs.message


def test_every_structure_check_has_positive_negative_and_false_positive():
    from helpers import _default_rubric

    names = [c.name for q, c in _default_rubric().checks() if q.prefix == "STR"]
    for name in names:
        ids = [i for c, i, _f, _e in CASES if c == name]
        outcomes = {e for c, _i, _f, e in CASES if c == name}
        assert Outcome.PASS in outcomes and (Outcome.FAIL in outcomes), name
        assert any(i.startswith("fp-") for i in ids), name


def test_models_folder_ignored_but_committed(tmp_path):
    """kaziamaan47/end-to-end-mlops-pipeline: `models/*` in .gitignore, and
    models/model.joblib tracked all the same (committed before the rule)."""
    from helpers import git, make_repo

    from mlaudit.repo.worktree import open_worktree

    make_repo(tmp_path, {"models/model.joblib": "binary", "train.py": "x = 1\n"})
    (tmp_path / ".gitignore").write_text("models/*\n")
    git(tmp_path, "add", ".gitignore")
    git(tmp_path, "commit", "-q", "-m", "ignore models")
    obs = run_check(open_worktree(tmp_path), "models-folder")
    assert obs.outcome == H, obs
    assert [e.path for e in obs.evidence] == ["models/model.joblib"]


def test_a_repository_without_ml_is_capped_at_level_zero_with_the_reason(tmp_path):
    """fastapi/full-stack-fastapi-template (reviewed): a CRUD app with tests, CI and a
    container read as "online serving, level 1"; without ML the level is 0, and says why."""
    from helpers import make_repo

    from mlaudit.repo.worktree import open_worktree
    from mlaudit.rubric.load import load_rubric
    from mlaudit.scoring import assess

    files = {
        "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "tests/test_main.py": "from app.main import app\n\ndef test_app():\n    assert app\n",
        "requirements.txt": "fastapi==0.110.0\n",
        "README.md": "# app\n\n## Run\n\n```\npip install -r requirements.txt\n```\n",
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: pip install -r requirements.txt\n      - run: pytest\n",
    }
    make_repo(tmp_path, files)
    result = assess(open_worktree(tmp_path), load_rubric())
    assert result.maturity.uncapped_level >= 1
    assert result.overall_level == 0
    assert [c.check for c in result.maturity.caps] == ["STR011"]
    make_repo(tmp_path / "ml", {**files, "app/predict.py": "import joblib\nimport sklearn\n"})
    result = assess(open_worktree(tmp_path / "ml"), load_rubric())
    assert "STR011" not in [c.check for c in result.maturity.caps]


def test_a_repository_without_deployment_files_has_no_deployment_folder_to_keep(tmp_path):
    """karpathy/minGPT, google-research/bert (reviewed): with no Dockerfile, manifest, chart or
    infrastructure code there is nothing to place; one Dockerfile makes the check apply."""
    from helpers import make_repo

    from mlaudit.repo.worktree import open_worktree

    make_repo(tmp_path, {"train.py": "import torch\nloss.backward()\n"})
    assert run_check(open_worktree(tmp_path), "deployment-folder").outcome == NA
    make_repo(tmp_path / "root", {"train.py": "x = 1\n", "Dockerfile": "FROM python:3.11\n"})
    assert run_check(open_worktree(tmp_path / "root"), "deployment-folder").outcome == P
    make_repo(tmp_path / "flat", {"train.py": "x = 1\n", "app.Dockerfile": "FROM python:3.11\n"})
    assert run_check(open_worktree(tmp_path / "flat"), "deployment-folder").outcome == F


def test_scripts_folder_does_not_apply_without_loose_scripts(tmp_path):
    """fmind/mlops-python-package: tasks in a task runner, programs in the package; nothing
    to gather into scripts/. A lone root program still makes it apply (a fail)."""
    files = {
        "src/pkg/jobs.py": "def main():\n    pass\n",
        "setup.py": "from setuptools import setup\n",
        "mise.toml": "[tasks.test]\nrun = 'pytest'\n",
    }
    assert run_check(snapshot(tmp_path, files), "scripts-folder").outcome == NA
    files["run.sh"] = "#!/bin/sh\npython -m pkg.jobs\n"
    assert run_check(snapshot(tmp_path / "b", files), "scripts-folder").outcome == F


# openai/CLIP: an inference package that downloads released weights to ~/.cache (reviewed)
RELEASED_MODEL_LOADER = {
    "clip/clip.py": "import torch\n\ndef load(path):\n    return torch.jit.load(path)\n",
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # nothing trains: no trained model to keep
        (RELEASED_MODEL_LOADER, NA),
        # ... even with an ignore rule for a models folder (Netflix/metaflow, no model at all)
        ({**RELEASED_MODEL_LOADER, ".gitignore": "/models/\n"}, NA),
        # training without a models folder is still a gap
        ({**RELEASED_MODEL_LOADER, "train.py": "def f(m, X, y):\n    m.fit(X, y)\n"}, F),
    ],
    ids=["released-weights-only", "kept-folder", "trains"],
)
def test_models_folder_applies_to_models_trained_here(tmp_path, files, expected):
    assert run_check(snapshot(tmp_path, files), "models-folder").outcome == expected


@pytest.mark.parametrize(
    ("root_file", "expected"),
    [("hubconf.py", NA), ("dodo.py", NA), ("fabfile.py", NA), ("convert.py", F)],
    ids=["torch-hub", "doit", "fabric", "loose-script"],
)
def test_scripts_folder_leaves_files_a_tool_needs_at_the_root(tmp_path, root_file, expected):
    """openai/CLIP hubconf.py: torch.hub reads it from the root, it cannot move to scripts/."""
    files = {"clip/clip.py": "x = 1\n", root_file: "dependencies = ['torch']\n"}
    assert run_check(snapshot(tmp_path, files), "scripts-folder").outcome == expected


def test_a_feature_extractor_module_is_feature_code(tmp_path):
    """SYSTRAN/faster-whisper faster_whisper/feature_extractor.py: log-Mel features."""
    files = training_repo({"pkg/feature_extractor.py": "class FeatureExtractor:\n    pass\n"})
    assert run_check(snapshot(tmp_path, files), "feature-engineering-folder").outcome == H


def test_ci_helpers_are_no_loose_scripts(tmp_path):
    """Without a loose script there is nothing to gather: a CI system's helpers in its own
    folder are not one (pytorch/torchtune .github/scripts/pre_build_script.sh, reviewed)."""
    snap = snapshot(tmp_path, {".github/scripts/pre_build.sh": "#!/bin/sh\necho\n"})
    assert run_check(snap, "scripts-folder").outcome == NA
