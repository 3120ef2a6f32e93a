"""Experiment-tracking (TRK) checks, run through the default rubric: per check a positive
case, a negative case and the catalogue's known false positives."""

from __future__ import annotations

import json

import pytest
from helpers import _default_rubric, run_rubric_check, snapshot, training_repo

from mlaudit.results import Outcome

PASS, PARTIAL, FAIL, NA = Outcome.PASS, Outcome.PARTIAL, Outcome.FAIL, Outcome.NOT_APPLICABLE
WANDB_OPTION = "wandb:\n  _target_: lightning.pytorch.loggers.wandb.WandbLogger\n  project: demo\n"
TRAIN_WF = (
    "on: [push]\njobs:\n  train:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: python src/train.py {args}\n"
)
HYDRA_OPTUNA = (
    "# @package _global_\ndefaults:\n  - override /hydra/sweeper: optuna\n"
    "hydra:\n  mode: MULTIRUN\n  sweeper:\n"
    "    _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper\n"
    "    storage: {storage}\n    n_trials: 20\n"
)


def hydra_project(selected: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A Hydra project whose train.yaml selects `logger: <selected>` (`null`: none)."""
    return {
        "configs/train.yaml": f"defaults:\n  - _self_\n  - logger: {selected}\n  - trainer: default\n",
        "configs/trainer/default.yaml": "max_epochs: 3\n",
        "configs/logger/csv.yaml": "csv:\n  _target_: lightning.pytorch.loggers.csv_logs.CSVLogger\n",
        "configs/logger/wandb.yaml": WANDB_OPTION,
        "src/train.py": "import hydra\n\n@hydra.main(config_path='../configs', config_name='train')\n"
        "def main(cfg):\n    pass\n",
        **(extra or {}),
    }


UNKNOWN = Outcome.UNKNOWN


FIT = (
    "import mlflow\nfrom sklearn.linear_model import LogisticRegression\n\n\n"
    "def fit():\n    return LogisticRegression().fit([[0], [1]], [0, 1])\n\n\n"
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


CI_ENV = (
    "on: push\njobs:\n  train:\n    runs-on: ubuntu-latest\n    env:\n"
    "      MLFLOW_TRACKING_URI: https://mlflow.example.com\n    steps:\n    - run: python train.py\n"
)
DVC_EVAL = (
    "stages:\n  evaluate:\n    cmd: python evaluate.py\n    deps: [model.pkl]\n"
    "    metrics:\n    - eval/metrics.json:\n        cache: false\n"
)

SM_STEP = (
    "from stepfunctions import steps\n"
    "training_step = steps.TrainingStep('Training', estimator=xgb, data=inputs{extra})\n"
)


SETTINGS_URI = (
    'import mlflow\n\nclass MlflowService:\n    tracking_uri: str = "{uri}"\n\n'
    "    def start(self):\n        mlflow.set_tracking_uri(uri=self.tracking_uri)\n"
)

RECIPE = (
    'recipe: "regression/v1"\ntarget_col: "fare_amount"\nprimary_metric: "root_mean_squared_error"\n'
    "steps:\n  ingest: {{INGEST_CONFIG}}\n  train:\n    using: custom\n  register:\n"
    "    allow_non_validated_model: false\n"
)
# a conda recipe in rattler-build's format is another `recipe.yaml`
RATTLER_RECIPE = "context:\n  version: 1.0\nrecipe:\n  name: pkg\nsource:\n  path: .\n"
LIGHTNING_MODULE = (
    "import pytorch_lightning as pl\n\nclass M(pl.LightningModule):\n"
    "    def training_step(self, batch, i):\n        self.log('train_loss', 1.0)\n        return 1.0\n"
)
CASES = [
    # hpo-tracked: sklearn autologging records a search when autolog is on as it runs
    # ... but in another module, whether autolog is on while the search runs is decided at
    # run time (fmind/mlops-python-package: on at every job's start; zenml-io/zenml-projects:
    # only in a later training step)
    (
        "hpo-tracked",
        "search and autolog in two modules",
        {
            "src/pkg/io/services.py": "import mlflow\nmlflow.autolog(log_models=False)\n",
            "src/pkg/utils/searchers.py": "from sklearn.model_selection import GridSearchCV\n"
            "search = GridSearchCV(model, grid)\n",
        },
        UNKNOWN,
    ),
    # an Ax search whose results go to a local file is a search, untracked: not "no search"
    # (deanbgarlick/modular-mlops-pipeline HyperparamPicker/core.py; reviewed)
    (
        "hpo-tracked",
        "ax search, results in a local file",
        {
            "hpo/core.py": "import json\nfrom ax.service.ax_client import AxClient\nc = AxClient()\n"
            "json.dump(c.get_best_parameters(), open('best.json', 'w'))\n"
        },
        FAIL,
    ),
    (
        "hpo-tracked",
        "search and autolog in one module",
        {
            "src/pkg/tune.py": "import mlflow\nfrom sklearn.model_selection import GridSearchCV\n"
            "mlflow.autolog()\nsearch = GridSearchCV(model, grid)\n",
        },
        PASS,
    ),
    (
        "hpo-tracked",
        "FP search with no tracker anywhere",
        {
            "src/pkg/utils/searchers.py": "from sklearn.model_selection import GridSearchCV\n"
            "search = GridSearchCV(model, grid)\n",
        },
        FAIL,
    ),
    # a managed tuning job keeps every trial in the service
    (
        "hpo-tracked",
        "sagemaker tuner",
        {
            "pipeline/tune.py": "from sagemaker.tuner import HyperparameterTuner\n"
            "tuner = HyperparameterTuner(estimator, 'validation:auc', ranges)\ntuner.fit(inputs)\n"
        },
        PASS,
    ),
    # ... only in a test: no search in the project
    (
        "hpo-tracked",
        "FP tuner in a test",
        {
            "tests/test_tune.py": "from sagemaker.tuner import HyperparameterTuner\n"
            "def test_t():\n    HyperparameterTuner(e, 'm', r)\n"
        },
        NA,
    ),
    # a Compose service's MLFLOW_TRACKING_URI naming a tracking server (the positive) …
    (
        "shared-tracking-server",
        "compose env names a tracking server",
        {
            "train.py": "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('a', 1)\n",
            "docker-compose.yml": "services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow\n"
            "    command: mlflow server --host 0.0.0.0 --backend-store-uri postgresql://m@db/m\n"
            "  app:\n    build: .\n    environment:\n      - MLFLOW_TRACKING_URI=http://mlflow:5000\n",
        },
        PASS,
    ),
    # … naming `mlflow ui`, a viewer of a local folder (Facco000/mlops-end-to-end-nyc-taxi
    # docker-compose.yml:4-11,19; reviewed)
    (
        "shared-tracking-server",
        "compose env names mlflow ui",
        {
            "train.py": "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('a', 1)\n",
            "docker-compose.yml": "services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow\n"
            "    command: mlflow ui --host 0.0.0.0\n"
            "  app:\n    build: .\n    environment:\n      - MLFLOW_TRACKING_URI=http://mlflow:5000\n",
        },
        FAIL,
    ),
    # … not when the code reads the variable and falls back to a local store without it
    # (GFiaMon/eurusd-mlops-pipeline src/03_train_models.py:93-99)
    (
        "shared-tracking-server",
        "FP local store only as the fallback of the variable",
        {
            "train.py": "import os, mlflow\nuri = os.getenv('MLFLOW_TRACKING_URI')\n"
            "if uri:\n    mlflow.set_tracking_uri(uri)\nelse:\n"
            "    mlflow.set_tracking_uri('sqlite:///mlflow.db')\n",
            "deploy.sh": "docker run -e MLFLOW_TRACKING_URI=http://mlflow.acme.io:5000 app\n",
        },
        PASS,
    ),
    # … or overridden by the code, which sets the loopback server (Ivanrs297/mlops-end-to-
    # end-mibici api/app.py:18-19; reviewed)
    (
        "shared-tracking-server",
        "compose env overridden by set_tracking_uri",
        {
            "train.py": "import mlflow\nmlflow.set_tracking_uri('http://127.0.0.1:5000/')\n"
            "with mlflow.start_run():\n    mlflow.log_metric('a', 1)\n",
            "docker-compose.yml": "services:\n  app:\n    build: .\n    environment:\n"
            "      - MLFLOW_TRACKING_URI=http://mlflow.acme.io\n",
        },
        PARTIAL,
    ),
    # a URI read from the environment, naming the managed server the repository declares as
    # infrastructure (aws-samples/amazon-sagemaker-from-idea-to-production
    # cfn-templates/sagemaker-domain.yaml:1329)
    (
        "shared-tracking-server",
        "computed uri and a declared managed server",
        {
            "train.py": "import os, mlflow\nmlflow.set_tracking_uri(os.environ['MLFLOW_ARN'])\n",
            "cfn/domain.yaml": "Resources:\n  Mlflow:\n    Type: AWS::SageMaker::MlflowTrackingServer\n",
        },
        PASS,
    ),
    # a URI held by a constant of the project's config module, read there: a local SQLite
    # store (adrianmarchramon/fraud-mlops-pipeline src/config.py:24; reviewed) ...
    (
        "shared-tracking-server",
        "constant of another module: local store",
        {
            "src/config.py": "MLFLOW_TRACKING_URI = 'sqlite:///mlflow.db'\n",
            "src/train.py": "import mlflow\nfrom src.config import MLFLOW_TRACKING_URI\n"
            "mlflow.set_tracking_uri(MLFLOW_TRACKING_URI)\n",
        },
        FAIL,
    ),
    # ... a server's URL
    (
        "shared-tracking-server",
        "constant of another module: a server",
        {
            "src/config.py": "MLFLOW_TRACKING_URI = 'https://mlflow.example.com'\n",
            "src/train.py": "import mlflow\nfrom src.config import MLFLOW_TRACKING_URI\n"
            "mlflow.set_tracking_uri(MLFLOW_TRACKING_URI)\n",
        },
        PASS,
    ),
    # ... and a name computed there stays undecided
    (
        "shared-tracking-server",
        "constant of another module: from the environment",
        {
            "src/config.py": "import os\nMLFLOW_TRACKING_URI = os.environ['MLFLOW_URI']\n",
            "src/train.py": "import mlflow\nfrom src.config import MLFLOW_TRACKING_URI\n"
            "mlflow.set_tracking_uri(MLFLOW_TRACKING_URI)\n",
        },
        PARTIAL,
    ),
    # MLflow called by code that the Databricks jobs of the repository run: the workspace's
    # server (niall-turbitt/e2e-mlops conf/deployment.yml, model_train.py:75; reviewed) ...
    (
        "shared-tracking-server",
        "mlflow in a dbx job",
        {
            "conf/deployment.yml": "environments:\n  prod:\n    jobs:\n      - name: PROD-train\n"
            "        spark_python_task:\n          python_file: 'file://pkg/train_job.py'\n",
            "pkg/train_job.py": "import mlflow\nmlflow.set_experiment('/Shared/churn')\n"
            "with mlflow.start_run():\n    model.fit(X, y)\n",
        },
        PASS,
    ),
    # ... not the same code without Databricks jobs, nor with a local store set explicitly
    (
        "shared-tracking-server",
        "fp mlflow without databricks jobs",
        {
            "pkg/train_job.py": "import mlflow\nmlflow.set_experiment('/Shared/churn')\n"
            "with mlflow.start_run():\n    model.fit(X, y)\n",
        },
        FAIL,
    ),
    (
        "shared-tracking-server",
        "fp dbx job with a local store",
        {
            "conf/deployment.yml": "environments:\n  prod:\n    jobs:\n      - name: PROD-train\n"
            "        spark_python_task:\n          python_file: 'file://pkg/train_job.py'\n",
            "pkg/train_job.py": "import mlflow\nmlflow.set_tracking_uri('file:./mlruns')\n"
            "with mlflow.start_run():\n    model.fit(X, y)\n",
        },
        FAIL,
    ),
    # a constant of a module imported relatively, an f-string whose literal start is a local
    # store (KubaCzech/credit-risk-mlops src/ml/config.py:17, src/ml/tracking/
    # mlflow_utils.py:5,9; reviewed)
    (
        "shared-tracking-server",
        "relative import of an f-string sqlite uri",
        {
            "src/ml/__init__.py": "",
            "src/ml/config.py": "from pathlib import Path\nROOT = Path('.')\n"
            "MLFLOW_TRACKING_URI = f\"sqlite:///{ROOT / 'mlflow.db'}\"\n",
            "src/ml/tracking/__init__.py": "",
            "src/ml/tracking/utils.py": "import mlflow\n"
            "from ..config import MLFLOW_TRACKING_URI\n\n\ndef setup():\n"
            "    mlflow.set_tracking_uri(MLFLOW_TRACKING_URI)\n",
        },
        FAIL,
    ),
    # ... and one of the same file (ompat5/Volatility-Forecasting-MLOps scripts/train.py:13;
    # reviewed)
    (
        "shared-tracking-server",
        "same-file f-string sqlite uri",
        {
            "train.py": "import mlflow\nfrom pathlib import Path\nROOT = Path('.')\n"
            "TRACKING_URI = f\"sqlite:///{ROOT / 'mlflow.db'}\"\n"
            "mlflow.set_tracking_uri(TRACKING_URI)\n"
        },
        FAIL,
    ),
    # the variable set from Python, in each task of a DAG, names the server whatever an old
    # mlruns/ holds (skywalker-89/customer-churn-mlops dags/model_training_dag.py:33; reviewed)
    (
        "shared-tracking-server",
        "environment variable set in code",
        {
            "dags/train.py": "import os\n\n\ndef task():\n"
            "    os.environ['MLFLOW_TRACKING_URI'] = 'http://mlflow:5000'\n",
            "mlruns/0/meta.yaml": "name: Default\n",
        },
        PASS,
    ),
    # ... not a test's fake server, nor a default read from the environment
    (
        "shared-tracking-server",
        "FP environment variable of a test",
        {
            "train.py": "import mlflow\nmlflow.start_run()\n",
            "tests/test_train.py": "def test_x(monkeypatch):\n"
            "    monkeypatch.setenv('MLFLOW_TRACKING_URI', 'http://fake:5000')\n",
        },
        FAIL,
    ),
    # ... not one set to a local folder, nor a variable only read
    (
        "shared-tracking-server",
        "FP environment variable set to a folder in code",
        {"train.py": "import os\nos.environ['MLFLOW_TRACKING_URI'] = 'file:./mlruns'\n"},
        FAIL,
    ),
    (
        "shared-tracking-server",
        "FP environment variable read in code",
        {"train.py": "import os\nuri = os.environ['MLFLOW_TRACKING_URI']\n"},
        FAIL,
    ),
    # DagsHub's init with mlflow=True points MLflow at the repository's hosted server
    # (SudipModak/customer-churn-mlops model_evaluation.py:20-24; reviewed) ...
    (
        "shared-tracking-server",
        "dagshub init for mlflow",
        {"train.py": "import dagshub\ndagshub.init(repo_owner='a', repo_name='b', mlflow=True)\n"},
        PASS,
    ),
    # ... without it, it sets up data access only
    (
        "shared-tracking-server",
        "FP dagshub init without mlflow",
        {"train.py": "import dagshub\ndagshub.init(repo_owner='a', repo_name='b')\n"},
        FAIL,
    ),
    (
        "shared-tracking-server",
        "computed uri, no server declared",
        {"train.py": "import os, mlflow\nmlflow.set_tracking_uri(os.environ['MLFLOW_ARN'])\n"},
        PARTIAL,
    ),
    # the trap: only a notebook points at the declared server (rule nb)
    (
        "shared-tracking-server",
        "FP declared server, notebook only",
        {
            "explore.ipynb": nb(
                "import os, mlflow\n", "mlflow.set_tracking_uri(os.environ['A'])\n"
            ),
            "cfn/domain.yaml": "Resources:\n  Mlflow:\n    Type: AWS::SageMaker::MlflowTrackingServer\n",
        },
        PARTIAL,
    ),
    # shared-tracking-server: a settings field's default is the URI the code sets
    # (fmind/mlops-python-package src/bikes/io/services.py:174,197)
    # a hosted tracker only in a Hydra option nothing selects is offered, not used
    ("shared-tracking-server", "hydra wandb option selected", hydra_project("wandb"), PASS),
    (
        "shared-tracking-server",
        "hydra wandb option selected by nothing",
        hydra_project("null"),
        PARTIAL,
    ),
    (
        "shared-tracking-server",
        "settings field default is a local store",
        {"pkg/services.py": SETTINGS_URI.format(uri="./mlruns")},
        FAIL,
    ),
    (
        "shared-tracking-server",
        "settings field default is a server",
        {"pkg/services.py": SETTINGS_URI.format(uri="https://mlflow.example.com")},
        PASS,
    ),
    # a notebook computing its URI does not outweigh the local store the package sets
    (
        "shared-tracking-server",
        "notebook computed uri beside local code",
        {
            "pkg/services.py": SETTINGS_URI.format(uri="./mlruns"),
            "nb.ipynb": nb("import mlflow\nmlflow.set_tracking_uri(cfg.uri)\n"),
        },
        FAIL,
    ),
    # shared-tracking-server: Lightning's W&B logger sends runs to the hosted service
    (
        "shared-tracking-server",
        "lightning wandb logger",
        {
            "pkg/utils.py": "from lightning.pytorch.loggers import WandbLogger\n"
            "logger = WandbLogger(project=project, name=run)\n"
        },
        PASS,
    ),
    (
        "shared-tracking-server",
        "FP lightning wandb logger offline",
        {
            "pkg/utils.py": "from lightning.pytorch.loggers import WandbLogger\n"
            "logger = WandbLogger(project=project, offline=True)\n"
        },
        FAIL,
    ),
    # code-version-logged: MLflow records the commit, and a committed run's tag shows it did
    # (GoparapukethaN/mlops-end-to-end-pipeline mlruns/…/tags/mlflow.source.git.commit;
    # reviewed) …
    (
        "code-version-logged",
        "committed mlflow run records its commit",
        {
            "train.py": "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('a', 1)\n",
            "mlruns/1/0123456789abcdef0123456789abcdef/tags/mlflow.source.git.commit": "1fcd611582820b40b7d3968f28b41a193b5bbf96",
        },
        PASS,
    ),
    # … not a tag that holds no commit id (the trap)
    (
        "code-version-logged",
        "FP committed run tag without a commit id",
        {
            "train.py": "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('a', 1)\n",
            "mlruns/1/0123456789abcdef0123456789abcdef/tags/mlflow.source.git.commit": "unknown",
        },
        PARTIAL,
    ),
    # code-version-logged: the run asks git for its commit (facebookresearch/dinov2
    # dinov2/utils/utils.py:56, written to the run's log): partial, where it goes not followed
    (
        "code-version-logged",
        "git rev-parse HEAD at run time",
        {
            "pkg/utils.py": "import subprocess\n\n\ndef get_sha():\n"
            "    return subprocess.check_output(['git', 'rev-parse', 'HEAD']).decode()\n",
            "train.py": "from pkg.utils import get_sha\n\nprint('commit', get_sha())\n",
        },
        PARTIAL,
    ),
    # the traps: a lookup nothing calls (IDEA-Research/GroundingDINO util/misc.py:362
    # `def get_sha()`; reviewed), and setup.py's, which runs when the package is built
    (
        "code-version-logged",
        "FP git rev-parse in an uncalled function",
        {
            "pkg/utils.py": "import subprocess\n\n\ndef get_sha():\n"
            "    return subprocess.check_output(['git', 'rev-parse', 'HEAD']).decode()\n"
        },
        FAIL,
    ),
    (
        "code-version-logged",
        "FP git rev-parse in setup.py",
        {
            "setup.py": "import subprocess\n\nsha = subprocess.check_output(['git', 'rev-parse', "
            "'HEAD'])\n"
        },
        FAIL,
    ),
    # the trap: asking git for the branch name records no commit
    (
        "code-version-logged",
        "FP git rev-parse of the branch",
        {
            "pkg/utils.py": "import subprocess\n\n\ndef branch():\n"
            "    return subprocess.check_output(['git', 'rev-parse', '--abbrev-ref', 'HEAD'])\n"
        },
        FAIL,
    ),
    # ... or GitPython for it (stanford-futuredata/ColBERT utility/utils/save_metadata.py:17)
    (
        "code-version-logged",
        "gitpython head hexsha",
        {
            "utility/save_metadata.py": "import git\n\n\ndef meta(args):\n"
            "    args.git_hash = git.Repo(search_parent_directories=True).head.object.hexsha\n",
            "train.py": "from utility.save_metadata import meta\n\nmeta(args)\n",
        },
        PARTIAL,
    ),
    # the trap: GitPython used for something else (a clone)
    (
        "code-version-logged",
        "FP gitpython clone",
        {"pkg/fetch.py": "import git\n\n\ndef get(url):\n    git.Repo.clone_from(url, 'x')\n"},
        FAIL,
    ),
    # code-version-logged: a Comet Experiment uploads the code unless log_code=False
    (
        "code-version-logged",
        "comet experiment",
        {
            "src/train.py": "from comet_ml import Experiment\nexperiment = Experiment(project_name='p')\n"
        },
        PASS,
    ),
    (
        "code-version-logged",
        "FP comet experiment with its options in a mapping",
        {
            "src/log.py": "import comet_ml\nkw = {'log_code': False}\n"
            "experiment = comet_ml.Experiment(**kw)\n"
        },
        PARTIAL,
    ),
    (
        "code-version-logged",
        "FP comet experiment without code",
        {
            "src/train.py": "from comet_ml import Experiment\nexperiment = Experiment(log_code=False)\n"
        },
        PARTIAL,
    ),
    # a committed dvc.lock holds the md5 of the code each stage ran (mlops-guide/dvc-gitactions
    # dvc.lock:25-30): the pipeline's lineage, partial; a lock of data dependencies only is not
    (
        "code-version-logged",
        "dvc.lock code hashes",
        {
            "dvc.lock": "schema: '2.0'\nstages:\n  train:\n    cmd: python src/train.py\n"
            "    deps:\n    - path: data/train.csv\n      md5: 0a1b\n"
            "    - path: src/train.py\n      md5: 8955\n"
        },
        PARTIAL,
    ),
    (
        "code-version-logged",
        "FP dvc.lock of data only",
        {
            "dvc.lock": "schema: '2.0'\nstages:\n  fetch:\n    cmd: dvc get x\n"
            "    deps:\n    - path: data/raw.csv\n      md5: 0a1b\n"
        },
        FAIL,
    ),
    # a committed result table whose header names a metric (amazon-science/chronos-forecasting
    # scripts/evaluation/results/chronos-bolt-base-in-domain.csv:1), not a prediction table
    (
        "metrics-as-files",
        "result table with metric columns",
        {
            "scripts/evaluation/results/base-in-domain.csv": "dataset,model,MASE,WQL\n"
            "m4_hourly,chronos-bolt-base,0.837,0.025\n"
        },
        PASS,
    ),
    (
        "metrics-as-files",
        "result table, quoted metric column",
        {"results/eval.csv": '"run","val_accuracy"\n"a",0.91\n'},
        PASS,
    ),
    (
        "metrics-as-files",
        "FP prediction table with a score column",
        {"results/predictions.csv": "id,prediction,score\n1,cat,0.93\n"},
        FAIL,
    ),
    (
        "metrics-as-files",
        "FP metric word inside a cell of a data table",
        {"results/notes.csv": "id,text\n1,the accuracy was fine\n"},
        FAIL,
    ),
    # tracker-calls ------------------------------------------------------------------------
    # a run started where the model is fitted tracks that training ...
    (
        "tracker-calls",
        "run started beside the fit",
        {"train.py": FIT + "with mlflow.start_run():\n    mlflow.sklearn.log_model(fit(), 'm')\n"},
        PASS,
    ),
    # ... a run started to log a model loaded from a file registers it, and tracks no
    # training (Ardiyanto24/telco-churn-mlops src/churn_prediction/inference/registry.py:150;
    # reviewed) ...
    (
        "tracker-calls",
        "FP run that registers a loaded model",
        {
            "train.py": FIT.replace("import mlflow\n", ""),
            "registry.py": "import joblib\nimport mlflow\nm = joblib.load('m.pkl')\n"
            "with mlflow.start_run():\n    mlflow.sklearn.log_model(m, 'm')\n",
        },
        FAIL,
    ),
    # ... and a notebook's run beside its fit is a notebook's (rule nb)
    (
        "tracker-calls",
        "run started beside the fit in a notebook",
        {
            "train.py": FIT.replace("import mlflow\n", ""),
            "explore.ipynb": nb(FIT, "with mlflow.start_run():\n    fit()\n"),
        },
        PARTIAL,
    ),
    # an MLflow Recipe (mlflow/recipes-regression-template recipe.yaml:18); a rattler-build
    # conda recipe is another recipe.yaml
    ("tracker-calls", "mlflow recipe", {"recipe.yaml": RECIPE, "steps/train.py": "x = 1\n"}, PASS),
    # a module importing a module of the project that was never committed fails on import:
    # its runs log nothing (DSEduhpy/credit-risk-mlops src/modeling/pipeline.py:26; reviewed)
    (
        "tracker-calls",
        "FP calls in a module that cannot be imported",
        {
            "src/__init__.py": "",
            "src/modeling/__init__.py": "",
            "src/modeling/pipeline.py": "import mlflow\nfrom src.modeling.models.xgb import build\n"
            "with mlflow.start_run():\n    mlflow.log_metric('a', build())\n",
        },
        FAIL,
    ),
    # ... but a module beside the script shadows the root's of the same name (hmsai
    # pipeline/prefect/pipeline.py:24 `from fetch_data import get_week_data`)
    (
        "tracker-calls",
        "sibling module shadows the root's",
        {
            "fetch_data.py": "def other():\n    pass\n",
            "flows/fetch_data.py": "def get_week_data():\n    return 1\n",
            "flows/pipeline.py": "import mlflow\nfrom fetch_data import get_week_data\n"
            "with mlflow.start_run():\n    mlflow.log_metric('a', get_week_data())\n",
        },
        PASS,
    ),
    # the tracker module held on an attribute (Atharva-Waranashiwar-Coding/churnops-mlops-
    # platform src/churnops/tracking/mlflow.py:31,173 `self._mlflow = mlflow`; reviewed) ...
    (
        "tracker-calls",
        "mlflow held on self",
        {
            "tracking.py": "import mlflow\n\n\nclass Tracker:\n    def __init__(self):\n"
            "        self._mlflow = mlflow\n\n    def log(self, params):\n"
            "        self._mlflow.log_params(params)\n"
        },
        PASS,
    ),
    # ... not an attribute of another class that happens to share the name
    (
        "tracker-calls",
        "FP attribute of another class",
        {
            "tracking.py": "import mlflow\n\n\nclass Tracker:\n    def __init__(self):\n"
            "        self._mlflow = mlflow\n\n\nclass Other:\n    def log(self, params):\n"
            "        self._mlflow.log_params(params)\n"
        },
        FAIL,
    ),
    # a tracker's callback subclassed to log more (ai-hero/llm-research-fine-tuning
    # callback.py:14; reviewed); a callback of one's own logs nowhere known
    (
        "tracker-calls",
        "subclassed WandbCallback",
        {
            "train.py": "from transformers.integrations import WandbCallback\n"
            "class SamplesCB(WandbCallback):\n    def on_evaluate(self, *a, **k):\n"
            "        self._wandb.log({'x': 1})\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "FP own callback",
        {
            "train.py": "from transformers import TrainerCallback\n"
            "class SamplesCB(TrainerCallback):\n    def on_evaluate(self, *a, **k):\n"
            "        print(1)\n"
        },
        FAIL,
    ),
    # SwanLab, a W&B-style tracker (hiyouga/LLaMA-Factory callbacks.py:454-481)
    (
        "tracker-calls",
        "swanlab",
        {
            "train.py": "import swanlab\n\ndef step(loss):\n    loss.backward()\n    swanlab.log({'loss': loss})\n"
        },
        PASS,
    ),
    # baselines' logger: a per-run progress.csv on local disk (openai/improved-diffusion
    # train_util.py:169)
    (
        "tracker-calls",
        "baselines logger",
        {
            "pkg/__init__.py": "",
            "pkg/logger.py": "def logkv(k, v):\n    pass\n",
            "pkg/train_util.py": "from . import logger\n\ndef step(loss):\n    loss.backward()\n"
            "    logger.logkv('loss', loss)\n",
        },
        PARTIAL,
    ),
    ("tracker-calls", "FP conda recipe.yaml", {"recipe/recipe.yaml": RATTLER_RECIPE}, FAIL),
    # the trackers' callbacks for Optuna (optuna/optuna-examples aim/aim_integration.py:45,
    # comet/comet_integration.py:49; reviewed) ...
    (
        "tracker-calls",
        "aim optuna callback",
        {
            "tune.py": "import optuna\nfrom aim.optuna import AimCallback\n\n"
            "cb = AimCallback(experiment_name='x')\nstudy.optimize(objective, callbacks=[cb])\n"
        },
        PASS,
    ),
    (
        "shared-tracking-server",
        "comet optuna callback",
        {
            "tune.py": "import optuna\nfrom optuna_integration.comet import CometCallback\n\n"
            "cb = CometCallback(study, project_name='x')\nstudy.optimize(objective, callbacks=[cb])\n"
        },
        PASS,
    ),
    # Stable-Baselines3's TensorBoard folder, on a model picked from a table (AI4Finance-
    # Foundation/FinRL finrl/agents/stablebaselines3/models.py:250; reviewed) ...
    (
        "tracker-calls",
        "sb3 tensorboard_log",
        {
            "agents.py": "from stable_baselines3 import PPO\nMODELS = {'ppo': PPO}\n\n"
            "def get_model(name, env):\n    return MODELS[name](\n        policy='MlpPolicy', env=env,\n"
            "        tensorboard_log=f'runs/{name}',\n    )\n"
        },
        PARTIAL,
    ),
    # ... not the parameter's None default
    (
        "tracker-calls",
        "FP tensorboard_log=None",
        {"agents.py": "def get_model(name, env, tensorboard_log=None):\n    return name\n"},
        FAIL,
    ),
    # ... not a pruning callback, which logs nothing
    (
        "tracker-calls",
        "FP pruning callback",
        {
            "tune.py": "import optuna\nfrom optuna_integration import CatBoostPruningCallback\n\n"
            "cb = CatBoostPruningCallback(trial, 'Logloss')\n"
        },
        FAIL,
    ),
    # TensorBoard: each run's metrics in a local folder, no parameters or shared view
    # (mrdbourke/pytorch-deep-learning 07_pytorch_experiment_tracking)
    (
        "tracker-calls",
        "tensorboard summary writer",
        {
            "train.py": "from torch.utils.tensorboard import SummaryWriter\n"
            "writer = SummaryWriter(log_dir='runs/exp1')\nwriter.add_scalars('loss', d, 1)\n"
        },
        PARTIAL,
    ),
    # Lightning's default logger: a LightningModule logging its metrics, trained by a Trainer,
    # writes each run under lightning_logs/ (Unbabel/COMET comet/models/base.py:393) ...
    (
        "tracker-calls",
        "lightning default logger",
        {
            "pkg/model.py": LIGHTNING_MODULE,
            "train.py": "from pytorch_lightning import Trainer\nfrom pkg.model import M\n"
            "Trainer(max_epochs=1).fit(M())\n",
        },
        PARTIAL,
    ),
    # ... not a module that logs nothing of its own beside the Trainer, nor a Trainer in tests
    (
        "tracker-calls",
        "FP lightning module without self.log",
        {
            "pkg/model.py": LIGHTNING_MODULE.replace("self.log", "print"),
            "train.py": "from pytorch_lightning import Trainer\nfrom pkg.model import M\n"
            "Trainer(max_epochs=1).fit(M())\n",
        },
        FAIL,
    ),
    (
        "tracker-calls",
        "FP lightning trainer only in tests",
        {
            "pkg/model.py": LIGHTNING_MODULE + "\ndef train(m, x):\n    m.fit(x)\n",
            "tests/test_model.py": "from pytorch_lightning import Trainer\nfrom pkg.model import M\n\n"
            "def test_fit():\n    Trainer(max_epochs=1).fit(M())\n",
        },
        FAIL,
    ),
    # MLRun records each run's parameters and results in its run database (mlrun/demo-fraud
    # src/train_workflow.py:84)
    (
        "tracker-calls",
        "mlrun run_function",
        {
            "train.py": "from sklearn.svm import SVC\nSVC().fit(X, y)\n",
            "workflow.py": "import mlrun\nproject = mlrun.get_current_project()\n"
            "run = project.run_function('train', params={'C': 1.0})\n",
        },
        PASS,
    ),
    # FP: an MLRun function defined but never run is no logged run
    (
        "tracker-calls",
        "FP mlrun function declared",
        {
            "train.py": "from sklearn.svm import SVC\nSVC().fit(X, y)\n",
            "setup.py": "import mlrun\nproject = mlrun.get_or_create_project('p')\n"
            "project.set_function('train.py', name='train')\n",
        },
        FAIL,
    ),
    # FP: reading TensorBoard logs back is no logging of runs
    (
        "tracker-calls",
        "FP tensorboard reader",
        {
            "plot.py": "from tensorboard.backend.event_processing import event_accumulator\n"
            "acc = event_accumulator.EventAccumulator('runs/exp1')\n"
        },
        FAIL,
    ),
    # Hydra logger options (ashleve/lightning-hydra-template): used when a defaults list or a
    # committed command selects them, offered (partial) when nothing does
    ("tracker-calls", "hydra logger selected by defaults", hydra_project("wandb"), PASS),
    ("tracker-calls", "hydra logger selected by nothing", hydra_project("null"), PARTIAL),
    (
        "tracker-calls",
        "hydra logger selected by a CI command",
        hydra_project(
            "null", {".github/workflows/train.yml": TRAIN_WF.format(args="logger=wandb")}
        ),
        PASS,
    ),
    (
        "tracker-calls",
        "hydra logger selected through another option's defaults",
        hydra_project("many", {"configs/logger/many.yaml": "defaults:\n  - csv\n  - wandb\n"}),
        PASS,
    ),
    (
        "tracker-calls",
        "FP hydra logger named only in the README",
        hydra_project("null", {"README.md": "Run `python train.py logger=wandb`.\n"}),
        PARTIAL,
    ),
    # a `_target_` outside any Hydra config folder: no group, no opinion
    (
        "tracker-calls",
        "target in a plain config",
        {"conf.yaml": "logger:\n  _target_: lightning.pytorch.loggers.WandbLogger\n"},
        PASS,
    ),
    # aws-samples/amazon-sagemaker-safe-deployment-pipeline model/run_pipeline.py:153-162: a
    # run recorded by SageMaker Experiments, the team's managed workspace (a shared server)
    *(
        case
        for check in ("tracker-calls", "shared-tracking-server")
        for case in (
            (
                check,
                "sagemaker job with an experiment_config",
                {
                    "model/run_pipeline.py": SM_STEP.format(
                        extra=", experiment_config={'ExperimentName': name, 'TrialName': trial}"
                    )
                },
                PASS,
            ),
            (
                check,
                "FP sagemaker job, no experiment",
                {"model/run.py": SM_STEP.format(extra="")},
                FAIL,
            ),
        )
    ),
    # kedro-mlflow: MLflow datasets in the Kedro catalog, a PipelineML
    # (Galileo-Galilei/kedro-mlflow-tutorial conf/base/catalog.yml:52, pipeline_registry.py:27)
    (
        "tracker-calls",
        "kedro-mlflow catalog dataset",
        {
            "conf/base/catalog.yml": "auc:\n  type: kedro_mlflow.io.metrics.MlflowMetricHistoryDataSet\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "kedro-mlflow pipeline_ml_factory",
        {
            "src/pkg/pipeline_registry.py": "from kedro_mlflow.pipeline import pipeline_ml_factory\n"
            "ml = pipeline_ml_factory(training=t, inference=i, input_name='x')\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "FP kedro catalog without mlflow",
        {
            "conf/base/catalog.yml": "model:\n  type: pickle.PickleDataSet\n  filepath: data/06_models/m.pkl\n"
        },
        FAIL,
    ),
    (
        "tracker-calls",
        "mlflow client bound to a variable",
        {
            "train.py": (
                "from mlflow import MlflowClient\n"
                "client = MlflowClient()\n"
                "client.log_metric(run_id, 'acc', 0.9)\n"
            )
        },
        PASS,
    ),
    (
        "tracker-calls",
        "azureml run context",
        {
            "train_aml.py": (
                "from azureml.core.run import Run\nrun = Run.get_context()\nrun.log('mse', 0.1)\n"
            )
        },
        PASS,
    ),
    (
        "tracker-calls",
        "FP run context only used for the workspace",
        {
            "register.py": (
                "from azureml.core import Run\n"
                "run = Run.get_context()\n"
                "ws = run.experiment.workspace\n"
                "run = other()\n"
                "run.log('x', 1)\n"
            )
        },
        FAIL,
    ),
    (
        "tracker-calls",
        "hydra-logger-target",
        {
            "configs/logger/wandb.yaml": (
                "wandb:\n  _target_: lightning.pytorch.loggers.wandb.WandbLogger\n  project: x\n"
            )
        },
        PASS,
    ),
    (
        "tracker-calls",
        "fp-hydra-logger-commented-or-csv",
        {
            "configs/logger/csv.yaml": (
                "csv:\n  _target_: lightning.pytorch.loggers.csv_logs.CSVLogger\n"
                "  # _target_: lightning.pytorch.loggers.wandb.WandbLogger\n"
            )
        },
        FAIL,
    ),
    (
        "tracker-calls",
        "mlflow log",
        {
            "train.py": "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('acc', 0.9)\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "wandb",
        {"train.py": "import wandb\nrun = wandb.init(project='x')\nwandb.log({'loss': 1})\n"},
        PASS,
    ),
    (
        "tracker-calls",
        "lazy wandb import",
        {
            "train.py": "wandb_log = False\nif wandb_log:\n    import wandb\n    wandb.init(project='x')\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "dvclive",
        {
            "src/evaluate.py": "from dvclive import Live\nwith Live('eval') as live:\n    live.log_metric('acc', 1)\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "lightning logger",
        {
            "train.py": "from lightning.pytorch.loggers import MLFlowLogger\nlogger = MLFlowLogger(experiment_name='x')\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "notebook only",
        {"nb.ipynb": nb("import mlflow\nmlflow.autolog()\n")},
        PARTIAL,
    ),
    ("tracker-calls", "nothing", {"train.py": "print('acc', 0.9)\n"}, FAIL),
    # FP: an import with no calls; README prose; profiler traces; calls only in tests
    (
        "tracker-calls",
        "FP import only",
        {"train.py": "import mlflow\nx = 1\n", "README.md": "We log to mlflow.log_metric\n"},
        FAIL,
    ),
    (
        "tracker-calls",
        "FP profiler",
        {"bench.py": "import torch\ntorch.profiler.tensorboard_trace_handler('./logs')\n"},
        FAIL,
    ),
    (
        "tracker-calls",
        "FP tests only",
        {"tests/test_train.py": "import mlflow\nmlflow.log_metric('a', 1)\n"},
        FAIL,
    ),
    # shared-tracking-server --------------------------------------------------------------
    (
        "shared-tracking-server",
        "remote uri",
        {"train.py": "import mlflow\nmlflow.set_tracking_uri('http://mlflow:5000')\n"},
        PASS,
    ),
    ("shared-tracking-server", "uri in CI env", {".github/workflows/train.yml": CI_ENV}, PASS),
    (
        "shared-tracking-server",
        "hosted wandb",
        {"train.py": "import wandb\nwandb.init(project='x')\n"},
        PASS,
    ),
    (
        "shared-tracking-server",
        "uri from env",
        {"config.py": "import os, mlflow\nmlflow.set_tracking_uri(os.environ['URI'])\n"},
        PARTIAL,
    ),
    (
        "shared-tracking-server",
        "hydra logger config with a server uri",
        {
            "conf/logger/mlflow.yaml": (
                "mlflow:\n  _target_: lightning.pytorch.loggers.MLFlowLogger\n"
                "  tracking_uri: http://mlflow.internal:5000\n"
            )
        },
        PASS,
    ),
    (
        "shared-tracking-server",
        "hydra uri from the environment",
        {"conf/logger/mlflow.yaml": "mlflow:\n  tracking_uri: ${oc.env:MLFLOW_TRACKING_URI}\n"},
        PARTIAL,
    ),
    (
        "shared-tracking-server",
        "FP hydra logger writing to a local folder or wandb offline",
        {
            "conf/logger/mlflow.yaml": "mlflow:\n  tracking_uri: ${paths.log_dir}/mlflow/mlruns\n",
            "conf/logger/wandb.yaml": (
                "wandb:\n  _target_: lightning.pytorch.loggers.wandb.WandbLogger\n  offline: True\n"
            ),
        },
        FAIL,
    ),
    ("shared-tracking-server", "nothing", {"train.py": "x = 1\n"}, FAIL),
    # FP: a committed mlruns/ is local-only; file: URIs; W&B offline
    (
        "shared-tracking-server",
        "FP committed mlruns",
        {
            "train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
            "mlruns/0/meta.yaml": "name: Default\n",
        },
        FAIL,
    ),
    (
        "shared-tracking-server",
        "FP file uri",
        {"train.py": "import mlflow\nmlflow.set_tracking_uri('file:./mlruns')\n"},
        FAIL,
    ),
    (
        "shared-tracking-server",
        "FP a server on the loopback address (a tutorial's mlflow ui)",
        {
            "train.py": "import mlflow\nmlflow.set_tracking_uri('http://127.0.0.1:5000')\n",
            "conf/logger/mlflow.yaml": "mlflow:\n  tracking_uri: http://localhost:5000\n",
            ".env": "MLFLOW_TRACKING_URI=http://[::1]:5000\n",
        },
        FAIL,
    ),
    (
        "shared-tracking-server",
        "a host whose name only starts like localhost is a server",
        {
            "train.py": "import mlflow\nmlflow.set_tracking_uri('http://localhost-mlflow.corp:5000')\n"
        },
        PASS,
    ),
    (
        "shared-tracking-server",
        "FP wandb offline",
        {"train.py": "import wandb\nwandb.init(mode='offline')\n"},
        FAIL,
    ),
    (
        "shared-tracking-server",
        "FP commented env",
        {".env.example": "# MLFLOW_TRACKING_URI=https://x\n"},
        FAIL,
    ),
    # FP: Python reading the variable from the environment names no server
    (
        "shared-tracking-server",
        "FP env read in python",
        {"config.py": "import os\nMLFLOW_TRACKING_URI = os.getenv('MLFLOW_TRACKING_URI')\n"},
        FAIL,
    ),
    (
        "shared-tracking-server",
        "uri from CI secret",
        {
            ".gitlab-ci.yml": "train:\n  variables:\n"
            "    MLFLOW_TRACKING_URI: ${MLFLOW_URI}\n  script:\n    - python train.py\n"
        },
        PASS,
    ),
    # metrics-as-files --------------------------------------------------------------------
    ("metrics-as-files", "dvc metrics", {"dvc.yaml": DVC_EVAL}, PASS),
    ("metrics-as-files", "tracked metrics.json", {"reports/metrics.json": '{"acc": 0.9}'}, PASS),
    (
        "metrics-as-files",
        "dvclive only",
        {"evaluate.py": "from dvclive import Live\nLive()\n"},
        PARTIAL,
    ),
    ("metrics-as-files", "nothing", {"train.py": "print(0.9)\n"}, FAIL),
    # result files of evaluation runs (ray-project/llm-applications experiments/evaluations/)
    (
        "metrics-as-files",
        "committed evaluation results",
        {
            "experiments/evaluations/chunk-size-500_gpt-4.json": '{\n    "config": {"k": 5},\n'
            '    "retrieval_score": 0.548,\n    "quality_score": 3.62\n}\n'
        },
        PASS,
    ),
    # FP: a results file without a metric, and a count whose key holds a metric's letters
    (
        "metrics-as-files",
        "FP results without metrics",
        {
            "experiments/results/run1.json": '{\n    "answer_count": 12,\n    "accessed": 3,\n'
            '    "name": "run1"\n}\n'
        },
        FAIL,
    ),
    # FP: prose, and a dvc.yaml without metrics
    (
        "metrics-as-files",
        "FP readme + stage without metrics",
        {"README.md": "see metrics.json\n", "dvc.yaml": "stages:\n  t:\n    cmd: x\n"},
        FAIL,
    ),
    # hpo-tracked --------------------------------------------------------------------------
    # microsoft/recommenders recommenders/tuning/nni/svd_training.py: an NNI trial
    (
        "hpo-tracked",
        "nni trial reports to its experiment",
        {
            "tuning/svd_training.py": "import nni\nparams = nni.get_next_parameter()\n"
            "nni.report_final_result({'default': 0.9})\n",
        },
        PASS,
    ),
    (
        "hpo-tracked",
        "nni trial that reports nothing",
        {"tuning/svd_training.py": "import nni\nparams = nni.get_next_parameter()\n"},
        FAIL,
    ),
    (
        "hpo-tracked",
        "optuna storage",
        {"tune.py": "import optuna\nstudy = optuna.create_study(storage='sqlite:///optuna.db')\n"},
        PASS,
    ),
    (
        "hpo-tracked",
        "ray tune + mlflow callback",
        {
            "tune.py": "from ray import tune\nfrom ray.air.integrations.mlflow import MLflowLoggerCallback\ntuner = tune.Tuner(f, run_config=C(callbacks=[MLflowLoggerCallback()]))\n"
        },
        PASS,
    ),
    # a Hydra Optuna sweeper is a search (ashleve/lightning-hydra-template
    # configs/hparams_search/mnist_optuna.yaml); its study storage keeps every trial
    (
        "hpo-tracked",
        "hydra optuna sweeper with storage",
        {"configs/hparams_search/optuna.yaml": HYDRA_OPTUNA.format(storage="sqlite:///hpo.db")},
        PASS,
    ),
    (
        "hpo-tracked",
        "hydra optuna sweeper without storage",
        {"configs/hparams_search/optuna.yaml": HYDRA_OPTUNA.format(storage="null")},
        FAIL,
    ),
    (
        "hpo-tracked",
        "FP basic sweeper is no search",
        {"configs/train.yaml": "defaults:\n  - override /hydra/sweeper: basic\n"},
        NA,
    ),
    (
        "hpo-tracked",
        "wandb sweep file",
        {"sweep.yaml": "method: bayes\nparameters:\n  lr: {min: 0.001, max: 0.1}\n"},
        PASS,
    ),
    (
        "hpo-tracked",
        "optuna in memory",
        {"tune.py": "import optuna\nstudy = optuna.create_study()\n"},
        FAIL,
    ),
    ("hpo-tracked", "no search", {"train.py": "x = 1\n"}, NA),
    # FP: the search and the tracker in different files do not prove the search is tracked
    (
        "hpo-tracked",
        "FP different files",
        {
            "tune.py": "from ray import tune\ntune.Tuner(f)\n",
            "train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
        },
        FAIL,
    ),
    # dataset-logged ------------------------------------------------------------------------
    (
        "dataset-logged",
        "mlflow log_input",
        {
            "train.py": "import mlflow\nds = mlflow.data.from_pandas(df, source='s3://b/d.csv')\nmlflow.log_input(ds, context='training')\n"
        },
        PASS,
    ),
    (
        "dataset-logged",
        "wandb dataset artifact",
        {
            "train.py": "import wandb\nrun = wandb.init()\nrun.use_artifact('data:v3', type='dataset')\n"
        },
        PASS,
    ),
    # W&B artifact types are free text (khuyentran1401/customer_segmentation src/segment.py:174)
    (
        "dataset-logged",
        "wandb data artifact",
        {
            "train.py": "import wandb\nwandb.log_artifact('data/raw.csv', name='raw', type='raw_data')\n"
        },
        PASS,
    ),
    # Neptune tracks the data files' versions in a run field (jacopotagliabue/you-dont-need-
    # a-bigger-boat local_flow/intent/src/utils.py:117; reviewed); uploading the model is none
    (
        "dataset-logged",
        "neptune track_files",
        {
            "train.py": "import neptune\nrun = neptune.init_run()\n"
            "run['artifacts/dataset'].track_files('s3://bucket/data/')\n"
        },
        PASS,
    ),
    (
        "dataset-logged",
        "FP neptune model upload",
        {"train.py": "import neptune\nrun = neptune.init_run()\nrun['model'].upload('m.h5')\n"},
        FAIL,
    ),
    (
        "dataset-logged",
        "FP wandb metadata artifact",
        {"train.py": "import wandb\nwandb.log_artifact('meta.json', name='m', type='metadata')\n"},
        FAIL,
    ),
    # the first dvc.lock layout, stages at the top level (iterative/cml_dvc_case dvc.lock:1-5)
    (
        "dataset-logged",
        "dvc.lock schema 1 lineage",
        {
            "dvc.lock": "mystage:\n  cmd: python train.py\n  deps:\n  - path: data\n"
            "    md5: c5a2bbc6820f83da3788d7dceb32c42d.dir\n"
        },
        PARTIAL,
    ),
    (
        "dataset-logged",
        "dvc.lock lineage",
        {
            "dvc.lock": "schema: '2.0'\nstages:\n  train:\n    cmd: python t.py\n    deps:\n    - path: data\n      md5: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.dir\n"
        },
        PARTIAL,
    ),
    ("dataset-logged", "nothing", {"train.py": "x = 1\n"}, FAIL),
    # FP: a model artifact is not a dataset; logging a CSV as a file is not a dataset input
    (
        "dataset-logged",
        "FP model artifact",
        {
            "t.py": "import wandb\nrun = wandb.init()\nrun.use_artifact('m:v1', type='model')\n",
            "u.py": "import mlflow\nmlflow.log_artifact('data.csv')\n",
        },
        FAIL,
    ),
    # code-version-logged --------------------------------------------------------------------
    (
        "code-version-logged",
        "wandb save_code",
        {"train.py": "import wandb\nwandb.init(save_code=True)\n"},
        PASS,
    ),
    (
        "code-version-logged",
        "explicit commit tag",
        {"train.py": "import mlflow\nmlflow.set_tag('git_commit', sha)\n"},
        PASS,
    ),
    (
        "code-version-logged",
        "mlflow project",
        {
            "MLproject": "name: x\nentry_points:\n  main:\n    command: python t.py\n",
            "t.py": "print(1)\n",
        },
        PASS,
    ),
    (
        "code-version-logged",
        "FP mlproject whose entry point script is missing",
        {"MLproject": "name: x\nentry_points:\n  main:\n    command: python t.py\n"},
        FAIL,
    ),
    (
        "code-version-logged",
        "dvclive in dvc pipeline",
        {"dvc.yaml": DVC_EVAL, "evaluate.py": "from dvclive import Live\nLive()\n"},
        PASS,
    ),
    (
        "code-version-logged",
        "auto-tag tracker",
        {"train.py": "import mlflow\nmlflow.log_metric('a', 1)\n"},
        PARTIAL,
    ),
    ("code-version-logged", "nothing", {"train.py": "x = 1\n"}, FAIL),
    # FP: an import with no call records nothing
    ("code-version-logged", "FP import only", {"train.py": "import mlflow\nimport wandb\n"}, FAIL),
    # env-logged -----------------------------------------------------------------------------
    (
        "env-logged",
        "pip_requirements",
        {
            "train.py": "import mlflow\nmlflow.sklearn.log_model(m, 'model', pip_requirements='requirements.txt')\n"
        },
        PASS,
    ),
    (
        "env-logged",
        "conda_env",
        {
            "train.py": "import mlflow\nmlflow.pyfunc.log_model('m', python_model=p, conda_env='conda.yaml')\n"
        },
        PASS,
    ),
    (
        "env-logged",
        "inferred env",
        {"train.py": "import mlflow\nmlflow.sklearn.log_model(m, 'model')\n"},
        PARTIAL,
    ),
    (
        "env-logged",
        "autolog's model",
        {"train.py": "import mlflow\nmlflow.xgboost.autolog()\n"},
        PARTIAL,
    ),
    (
        "env-logged",
        "FP autolog without models",
        {"train.py": "import mlflow\nmlflow.autolog(log_models=False)\n"},
        FAIL,
    ),
    ("env-logged", "nothing", {"train.py": "import joblib\njoblib.dump(m, 'm.pkl')\n"}, FAIL),
    # FP: a requirements file next to a pickled model is not the model's environment
    (
        "env-logged",
        "FP requirements beside pickle",
        {
            "requirements.txt": "scikit-learn==1.4\n",
            "train.py": "import pickle\npickle.dump(m, f)\n",
        },
        FAIL,
    ),
    # hpo-tracked: every ClearML trial is a cloned task, every Comet trial an experiment
    (
        "hpo-tracked",
        "clearml optimizer",
        {
            "hpo.py": "from clearml.automation import HyperParameterOptimizer\n"
            "o = HyperParameterOptimizer(base_task_id='x')\n"
        },
        PASS,
    ),
    # Hugging Face's Trainer reports to the trackers `report_to` names, in code or in the
    # YAML its argument parser reads (huggingface/alignment-handbook recipes/)
    (
        "tracker-calls",
        "hf report_to kwarg",
        {
            "train.py": "from transformers import TrainingArguments\nargs = TrainingArguments('o', report_to='wandb')\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "hf report_to yaml",
        {
            "scripts/sft.py": "from trl import TrlParser\nparser = TrlParser((A, B))\n",
            "recipes/sft/config.yaml": "learning_rate: 2.0e-5\nreport_to:\n- wandb\n",
        },
        PASS,
    ),
    # a tracker a flag switches on: one branch of a conditional names it (tloen/alpaca-lora
    # finetune.py:254, reviewed)
    (
        "tracker-calls",
        "hf report_to conditional",
        {
            "train.py": "import transformers\n"
            "args = transformers.TrainingArguments('o',\n"
            "    report_to='wandb' if use_wandb else None)\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "FP hf report_to conditional between local loggers",
        {
            "train.py": "import transformers\n"
            "args = transformers.TrainingArguments('o',\n"
            "    report_to='tensorboard' if log else 'none')\n"
        },
        FAIL,
    ),
    # runs the 🤗 Trainer reports to a hosted tracker go to the team's workspace; they record
    # the commit as wandb.init does (huggingface/open-r1 recipes, reviewed)
    (
        "shared-tracking-server",
        "hf report_to wandb yaml",
        {
            "src/sft.py": "from trl import TrlParser\nparser = TrlParser((A, B))\n",
            "recipes/sft.yaml": "learning_rate: 2.0e-5\nreport_to:\n- wandb\n",
        },
        PASS,
    ),
    (
        "code-version-logged",
        "hf report_to wandb yaml",
        {
            "src/sft.py": "from trl import TrlParser\nparser = TrlParser((A, B))\n",
            "recipes/sft.yaml": "learning_rate: 2.0e-5\nreport_to:\n- wandb\n",
        },
        PARTIAL,
    ),
    # the trap: MLflow through report_to writes where MLFLOW_TRACKING_URI says (a local
    # mlruns/ by default)
    (
        "shared-tracking-server",
        "FP hf report_to mlflow",
        {
            "train.py": "from transformers import TrainingArguments\n"
            "args = TrainingArguments('o', report_to='mlflow')\n"
        },
        FAIL,
    ),
    # ... or in the JSON file HfArgumentParser reads (huggingface/parler-tts, reviewed)
    (
        "tracker-calls",
        "hf report_to json",
        {
            "training/run.py": "from transformers import HfArgumentParser\nparser = HfArgumentParser((A,))\n",
            "helpers/training_configs/v1.json": '{"report_to": ["wandb"], "learning_rate": 0.001}\n',
        },
        PASS,
    ),
    # ... or on the command line of its launch scripts (OpenGVLab/InternVL
    # internvl_chat_llava/scripts_internvl/*.sh `--report_to wandb`; reviewed) ...
    (
        "tracker-calls",
        "hf report_to in a launch script",
        {
            "train/run.py": "from transformers import HfArgumentParser\nparser = HfArgumentParser((A,))\n",
            "scripts/finetune.sh": "torchrun train/run.py \\\n  --learning_rate 2e-5 \\\n  --report_to wandb\n",
        },
        PASS,
    ),
    (
        "shared-tracking-server",
        "hf report_to in a launch script",
        {
            "train/run.py": "from transformers import HfArgumentParser\nparser = HfArgumentParser((A,))\n",
            "scripts/finetune.sh": "torchrun train/run.py --report_to=wandb\n",
        },
        PASS,
    ),
    # ... TensorBoard there is local (InternVL internvl_chat/shell/**/*.sh), and a script whose
    # program parses no Trainer arguments reports nothing
    (
        "tracker-calls",
        "hf report_to tensorboard in a launch script",
        {
            "train/run.py": "from transformers import HfArgumentParser\nparser = HfArgumentParser((A,))\n",
            "scripts/finetune.sh": 'torchrun train/run.py --report_to "tensorboard"\n',
        },
        PARTIAL,
    ),
    (
        "tracker-calls",
        "FP report_to without a Trainer parser",
        {
            "train.py": "import argparse\np = argparse.ArgumentParser()\nmodel.fit(X, y)\n",
            "scripts/run.sh": "python train.py --report_to wandb\n",
        },
        FAIL,
    ),
    # 🤗 Accelerate starting its trackers (huggingface/parler-tts, reviewed)
    (
        "tracker-calls",
        "accelerate trackers",
        {
            "train.py": "from accelerate import Accelerator\n"
            "accelerator = Accelerator(log_with=args.report_to)\n"
            "accelerator.init_trackers('run', config=vars(args))\n"
        },
        PASS,
    ),
    (
        "tracker-calls",
        "FP accelerate without trackers",
        {"train.py": "from accelerate import Accelerator\naccelerator = Accelerator()\n"},
        FAIL,
    ),
    # the traps: TensorBoard's local files, and a report_to no Hugging Face parser reads
    (
        "tracker-calls",
        "FP tensorboard",
        {
            "train.py": "from transformers import TrainingArguments\nargs = TrainingArguments('o', report_to='tensorboard')\n"
        },
        FAIL,
    ),
    (
        "tracker-calls",
        "FP yaml alone",
        {"conf/x.yaml": "report_to:\n- wandb\n", "train.py": "x = 1\n"},
        FAIL,
    ),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}: {label}") for c, label, f, e in CASES],
)
def test_tracking_checks(tmp_path, check, files, expected):
    obs = run_rubric_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs


def test_every_trk_check_is_covered():
    quality = _default_rubric().quality("TRK")
    assert quality is not None
    assert {c.name for c in quality.checks} == {c for c, *_ in CASES}
    assert [c.id for c in quality.checks] == [f"TRK{i:03d}" for i in range(1, 8)]


def test_tracker_calls_evidence_has_line(tmp_path):
    snap = snapshot(tmp_path, {"src/train.py": "import mlflow as mf\n\nmf.autolog()\n"})
    obs = run_rubric_check(snap, "tracker-calls")
    assert [(e.path, e.line) for e in obs.evidence] == [("src/train.py", 3)]
