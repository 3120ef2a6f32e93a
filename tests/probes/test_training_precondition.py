"""The training precondition (probe trains_models) and the training checks it gates.

Reviewed cases: openai/whisper, openai/CLIP, google-deepmind/alphafold,
facebookresearch/segment-anything and huggingface/text-generation-inference train nothing;
tracking, seeds, checkpoints and training pipelines failed there and filled "fix next"."""

from __future__ import annotations

import json

import pytest
from helpers import CI_RUNS_PYTEST, SERVED_MODEL_CHECKS, run_check, run_probe, snapshot

from mlaudit.results import Outcome

P, F, NA, U = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE, Outcome.UNKNOWN

INFERENCE = (
    "import torch\n\n"
    "def load(path):\n"
    "    model = torch.jit.load(path)\n"
    "    model.eval()\n"
    "    return model\n\n"
    "@torch.inference_mode()\n"
    "def generate(model, x):\n"
    "    return model(x)\n"
)
NB_FIT = (
    '{"cells": [{"cell_type": "code", "source": ["from sklearn.linear_model import Ridge\\n", '
    '"m = Ridge().fit(X, y)\\n"]}], "nbformat": 4}'
)

# an "awesome" list: prose, a training tutorial's link, images and the forge's files
DOCS_ONLY = {
    "README.md": "# Awesome MLOps\n\n- [Train models](https://example.com/train.py)\n",
    "papers.md": "# Papers\n",
    "img/intro.png": b"\x89PNG\r\n\x1a\n",
    "LICENSE": "CC0\n",
    ".github/workflows/links.yml": "on: push\njobs: {}\n",
}


PROBE_CASES = [
    (
        "torch-loop",
        {"src/loop.py": "def step(loss, optimizer):\n    loss.backward()\n    optimizer.step()\n"},
        P,
    ),
    ("sklearn-fit", {"model.py": "from sklearn.svm import SVC\nclf = SVC().fit(X, y)\n"}, P),
    # a package run as `python -m recipes.lm.train`, its trainer the project's own
    # (facebookresearch/fairseq2 recipes/lm/train/__main__.py; reviewed) ...
    (
        "runnable-training-package",
        {
            "recipes/lm/train/__main__.py": "from .recipe import LMTrainRecipe\nmain(LMTrainRecipe())\n",
            "recipes/lm/train/recipe.py": "class LMTrainRecipe:\n    pass\n",
        },
        P,
    ),
    # ... a module beside it, or the `__main__` of a package whose name only ends in "train",
    # is not
    (
        "fp-module-in-train-folder-and-constrain-main",
        {
            "recipes/lm/train/recipe.py": "class LMTrainRecipe:\n    pass\n",
            "tools/constrain/__main__.py": "print('solve')\n",
        },
        F,
    ),
    ("torch-train-mode", {"run.py": "def epoch(model):\n    model.train()\n"}, P),
    (
        "keras-apply-gradients",
        {"opt.py": "def s(opt, g, v):\n    opt.apply_gradients(zip(g, v))\n"},
        P,
    ),
    (
        "sagemaker-estimator",
        {"pipe.py": "from sagemaker.estimator import Estimator\ne = Estimator(image_uri='x')\n"},
        P,
    ),
    ("notebook-fit", {"api.py": "x = 1\n", "notebooks/explore.ipynb": NB_FIT}, P),
    ("tutorial-counts", {"api.py": "x = 1\n", "tutorials/t.ipynb": NB_FIT}, P),
    ("named-script", {"src/finetune_lora.py": "import sys\n"}, P),
    # the training loop a framework calls, with no script that starts it
    # (Stability-AI/stablediffusion ldm/models/diffusion/ddpm.py:430)
    (
        "lightning-training-step",
        {
            "ldm/ddpm.py": "class M(LightningModule):\n    def training_step(self, batch, i):\n        return 0\n"
        },
        P,
    ),
    (
        "template-script",
        {"hooks/gen.py": "x = 1\n", "template/training/Train.py.tmpl": "{{x}}\n"},
        P,
    ),
    (
        "ci-command",
        {
            "app.py": "x = 1\n",
            ".github/workflows/t.yml": "jobs:\n  t:\n    steps:\n      - run: python -m src.train\n",
        },
        P,
    ),
    (
        "spacy-cli",
        {"app.py": "x = 1\n", "Makefile": "all:\n\tpython -m spacy train config.cfg\n"},
        P,
    ),
    ("dvc-repro", {"app.py": "x = 1\n", "run.sh": "dvc repro\n"}, P),
    # the fitting itself commented out, the split still prepared (BrendaLoznik/titanic)
    ("split-import", {"nb.py": "from sklearn.model_selection import train_test_split\n"}, P),
    # negatives: inference and serving only
    (
        "inference-only",
        {"model/generate.py": INFERENCE, "setup.py": "from setuptools import setup\n"},
        F,
    ),
    ("serving-only", {"api.py": "from fastapi import FastAPI\napp = FastAPI()\n"}, F),
    # traps: a preprocessor's fit is no training; a test that trains ships nothing; a word in
    # prose or a data file named train is no training script
    ("fp-scaler-fit", {"prep.py": "def f(scaler, X):\n    scaler.fit(X)\n"}, F),
    (
        "fp-test-trains",
        {"lib.py": "x = 1\n", "tests/test_fit.py": "def test_f(m):\n    m.fit([[1]], [1])\n"},
        F,
    ),
    (
        "fp-data-named-train",
        {"serve.py": "x = 1\n", "data/train.csv": "a\n1\n", "README.md": "python train.py\n"},
        F,
    ),
    # a run configuration for an external trainer (EleutherAI/pythia models/1.4B/
    # pythia-1.4b.yml:49,77, run by GPT-NeoX): run length, batch size and learning rate
    (
        "external-trainer-config",
        {
            "utils/stats.py": "import numpy as np\n\ndef mean(x):\n    return np.mean(x)\n",
            "models/1B/run.yml": '{\n  # optimizer\n  "optimizer": {"type": "Adam", '
            '"params": {"lr": 0.0003}},\n  "train_micro_batch_size_per_gpu": 16,\n'
            '  "train-iters": 143000,\n}\n',
        },
        P,
    ),
    # ... not a DeepSpeed or serving config: a batch and a learning rate, no run length
    (
        "fp-deepspeed-config-without-run-length",
        {
            "serve.py": "x = 1\n",
            "ds_config.json": '{"train_batch_size": 8, "optimizer": {"params": {"lr": 1e-5}}}\n',
        },
        F,
    ),
    # ... nor a training config inside the examples (rule ex)
    (
        "fp-example-trainer-config",
        {
            "serve.py": "x = 1\n",
            "examples/run.yaml": "epochs: 3\nbatch_size: 8\nlearning_rate: 0.001\n",
        },
        F,
    ),
    # a model's `train(mode)` override handing over to its parent switches a mode, it trains
    # nothing (IDEA-Research/GroundingDINO swin_transformer.py:758; reviewed)
    (
        "super-train-override",
        {
            "model/backbone.py": "import torch\n\nclass Backbone(torch.nn.Module):\n"
            "    def train(self, mode=True):\n        super().train(mode)\n        self.freeze()\n"
        },
        F,
    ),
    # a terminal layout's `Panel.fit` sizes a box (huggingface/smolagents cli.py:113; reviewed)
    (
        "rich-panel-fit",
        {"cli.py": "from rich.panel import Panel\n\nPanel.fit('hello')\n"},
        F,
    ),
    # a committed virtual environment's packages are not the project's code, even where
    # examples count (surajm20061998/driftAwareMLOPS training/.venv/; reviewed); an example
    # that trains still does
    (
        "fp-committed-venv",
        {
            "app.py": "print('serve')\n",
            "training/.venv/lib/python3.12/site-packages/sklearn/train.py": "model.fit(x, y)\n",
            "venv/lib/python3.11/site-packages/pkg/trainer.py": "loss.backward()\n",
        },
        F,
    ),
    ("example-trains", {"app.py": "x = 1\n", "examples/fit.py": "model.fit(x, y)\n"}, P),
    # undecidable: no Python code at all
    ("no-python", {"main.R": "fit <- lm(y ~ x)\n"}, U),
    ("yaml-only", {"jobs/train-job.yml": "command: run\n", "README.md": "# jobs\n"}, U),
    # decided: no code in any language (visenger/awesome-mlops: a README of links, images)
    ("docs-only", DOCS_ONLY, F),
]


@pytest.mark.parametrize(
    ("case", "files", "expected"), PROBE_CASES, ids=[c[0] for c in PROBE_CASES]
)
def test_trains_models(tmp_path, case, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "trains_models")
    assert obs.outcome == expected, obs
    if expected == P:
        assert obs.evidence and obs.evidence[0].path, obs


TRAINING_CHECKS = [
    "data-pinned",
    "models-folder",
    "pipeline-as-code",
    "params-externalized",
    "seeds-set",
    "tracker-calls",
    "shared-tracking-server",
    "metrics-as-files",
    "dataset-logged",
    "code-version-logged",
    "env-logged",
    "training-pipeline",
    "ct-trigger",
    "hpo-automated",
    "ct-monitor-trigger",
    "distributed-training",
    "cluster-training-jobs",
    "checkpoint-resume",
    "model-quality-gate",
    "experiment-design-documented",
]


@pytest.mark.parametrize("check", TRAINING_CHECKS)
def test_training_checks_do_not_apply_where_nothing_trains(tmp_path, check):
    obs = run_check(snapshot(tmp_path, {"model/generate.py": INFERENCE}), check)
    assert obs.outcome == NA, obs
    assert "no training" in obs.message


@pytest.mark.parametrize("check", ["tracker-calls", "seeds-set", "checkpoint-resume"])
def test_training_checks_still_fail_where_training_lacks_the_practice(tmp_path, check):
    files = {"train.py": "def step(loss, opt):\n    loss.backward()\n    opt.step()\n"}
    assert run_check(snapshot(tmp_path, files), check).outcome == F


def test_an_undecidable_precondition_grades_the_repository_as_one_that_trains(tmp_path):
    """No Python to read: the check runs as before (fail), neither n/a nor unknown, so an
    unreadable repository is never lifted by n/a."""
    obs = run_check(snapshot(tmp_path, {"main.R": "fit <- lm(y ~ x)\n"}), "tracker-calls")
    assert obs.outcome == F, obs


def test_distributed_inference_is_not_distributed_training(tmp_path):
    """huggingface/text-generation-inference: tensor-parallel all_reduce in `forward` passed
    distributed-training; it trains nothing."""
    files = {
        "layers/tp.py": "import torch.distributed\n\n"
        "def forward(x, group):\n    torch.distributed.all_reduce(x, group=group)\n    return x\n"
    }
    assert run_check(snapshot(tmp_path, files), "distributed-training").outcome == NA


CIFAR_READ = (
    "from torchvision.datasets import CIFAR100\n"
    "cifar100 = CIFAR100('~/.cache', download=True)\nlabels = cifar100.classes\n"
)


def notebook(source: str) -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "source": source.splitlines(keepends=True)}],
            "nbformat": 4,
        }
    )


RL_TRAINING = (
    "import gymnasium as gym\nimport torch\n\n"
    "env = gym.make('CartPole-v1')\n"
    "def update(loss, optimizer):\n    loss.backward()\n    optimizer.step()\n"
)
RL_VECTOR_TRAINING = (
    "import gym\n\nenvs = gym.vector.SyncVectorEnv([lambda: gym.make('Pong-v4')])\n"
    "def update(loss, optimizer):\n    loss.backward()\n    optimizer.step()\n"
)

DATA_CASES = [
    ("docs-only", DOCS_ONLY, F),
    ("trains", {"train.py": "def f(m, X, y):\n    m.fit(X, y)\n"}, P),
    # a service merging its own CSV responses parses a payload, not a dataset
    # (Unstructured-IO/unstructured-api prepline_general/api/general.py:740; reviewed) ...
    (
        "fp-table-read-from-a-response-buffer",
        {
            "api/merge.py": "import io\nimport pandas as pd\n\ndef merge(responses):\n"
            "    data = pd.read_csv(\n        io.BytesIO(responses[0].body)\n    )\n    return data\n"
        },
        F,
    ),
    # ... a file read beside a buffer still is
    (
        "table-read-beside-a-buffer",
        {
            "etl.py": "import io\nimport pandas as pd\n\nbuf = io.StringIO()\n"
            "df = pd.read_csv('data/train.csv')\n"
        },
        P,
    ),
    (
        "reads-a-table",
        {"etl.py": "import pandas as pd\ndf = pd.read_parquet('s3://b/x.parquet')\n"},
        P,
    ),
    (
        "hub-dataset",
        {"eval.py": "from datasets import load_dataset\nds = load_dataset('squad')\n"},
        P,
    ),
    ("data-module", {"pkg/data/pipeline.py": "x = 1\n"}, P),
    ("data-file", {"app.py": "x = 1\n", "raw/rows.csv": "a\n1\n"}, P),
    ("feature-store", {"app.py": "x = 1\n", "repo/feature_store.yaml": "project: p\n"}, P),
    # negatives: a released model's inference code (openai/whisper, meta-llama/llama)
    ("inference-only", {"model/generate.py": INFERENCE}, F),
    # traps: test fixtures and a test's data are not the project's data
    ("fp-test-data", {"model/generate.py": INFERENCE, "tests/data/rows.csv": "a\n1\n"}, F),
    # ... nor a released model's input loader named data.py, where nothing trains
    # (facebookresearch/ImageBind imagebind/data.py:82; reviewed) ...
    (
        "fp-inference-inputs-module",
        {
            "model/generate.py": INFERENCE,
            "imagebind/data.py": "import torchaudio\n\ndef load_audio(paths):\n"
            "    return [torchaudio.load(p) for p in paths]\n",
        },
        F,
    ),
    # ... while a preparation module still is data pipeline code
    (
        "prepare-module-where-nothing-trains",
        {"model/generate.py": INFERENCE, "pkg/prepare_corpus.py": "x = 1\n"},
        P,
    ),
    ("no-python", {"main.R": "x <- 1\n"}, U),
    # online reinforcement learning: the simulator generates the experience (vwxyzjn/cleanrl)
    ("online-rl", {"ppo.py": RL_TRAINING}, F),
    ("online-rl-vector-env", {"dqn.py": RL_VECTOR_TRAINING}, F),
    # traps: offline RL and imitation learning read recorded experience
    (
        "fp-offline-rl",
        {"cql.py": RL_TRAINING + "import d4rl\nds = d4rl.qlearning_dataset(env)\n"},
        P,
    ),
    (
        "fp-demonstrations",
        {"bc.py": RL_TRAINING + "import h5py\ndemos = h5py.File('demos.hdf5')\n"},
        P,
    ),
    ("fp-rl-with-data-module", {"ppo.py": RL_TRAINING, "pkg/data/replay_io.py": "x = 1\n"}, P),
    # a benchmark dataset evaluated on by the project's own code is its data ...
    ("benchmark-eval", {"model/generate.py": INFERENCE, "eval.py": CIFAR_READ}, P),
    # ... but not one a demo notebook reads for its labels, when nothing trains (openai/CLIP)
    (
        "fp-benchmark-in-demo-notebook",
        {"model/generate.py": INFERENCE, "notebooks/demo.ipynb": notebook(CIFAR_READ)},
        F,
    ),
    (
        "fp-benchmark-in-example",
        {"model/generate.py": INFERENCE, "examples/zero_shot.py": CIFAR_READ},
        F,
    ),
    (
        "benchmark-in-training-notebook",
        {"notebooks/train.ipynb": notebook(CIFAR_READ + "def f(m, X, y):\n    m.fit(X, y)\n")},
        P,
    ),
]


@pytest.mark.parametrize(("case", "files", "expected"), DATA_CASES, ids=[c[0] for c in DATA_CASES])
def test_handles_data(tmp_path, case, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "handles_data")
    assert obs.outcome == expected, obs


DATA_CHECKS = [
    "data-backup",
    "point-in-time-data",
    "data-vcs",
    "data-history",
    "feature-defs-versioned",
    "data-schema",
    "data-validation-wired",
    "feature-unit-tests",
    "privacy-checks",
    "ingest-validation",
    "data-pipeline-dag",
    "feature-materialization",
    "data-change-trigger",
    "data-raw-processed",
    "data-pipeline-folder",
    "labelling-documented",
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [
        ("data-pinned", {"ppo.py": RL_TRAINING}, NA),
        ("dataset-logged", {"ppo.py": RL_TRAINING}, NA),
        ("data-vcs", {"ppo.py": RL_TRAINING}, NA),
        # supervised training keeps its data checks, with or without a gym environment
        ("data-pinned", {"train.py": "def f(m, X, y):\n    m.fit(X, y)\n"}, F),
        (
            "dataset-logged",
            {"bc.py": RL_TRAINING + "from torch.utils.data import DataLoader\nDataLoader(ds)\n"},
            F,
        ),
        ("tracker-calls", {"ppo.py": RL_TRAINING}, F),
        # its training is still a pipeline that CI may build
        ("pipeline-ci", {"ppo.py": RL_TRAINING}, F),
    ],
    ids=[
        "rl-pinned",
        "rl-logged",
        "rl-vcs",
        "supervised",
        "fp-rl-with-loader",
        "rl-trains",
        "rl-pipeline",
    ],
)
def test_online_rl_has_no_training_data(tmp_path, check, files, expected):
    """vwxyzjn/cleanrl: 24 data checks failed on a repository that reads no dataset."""
    obs = run_check(snapshot(tmp_path, files), check)
    assert obs.outcome == expected, obs


@pytest.mark.parametrize("check", DATA_CHECKS)
def test_data_checks_do_not_apply_where_there_is_no_data(tmp_path, check):
    obs = run_check(snapshot(tmp_path, {"model/generate.py": INFERENCE}), check)
    assert obs.outcome == NA, obs
    assert "no data" in obs.message


@pytest.mark.parametrize("check", ["data-vcs", "data-schema", "data-pipeline-dag"])
def test_data_checks_still_fail_where_data_lacks_the_practice(tmp_path, check):
    files = {"etl.py": "import pandas as pd\ndf = pd.read_csv('rows.csv')\n"}
    assert run_check(snapshot(tmp_path, files), check).outcome == F


def test_feature_tests_found_stand_where_there_is_no_data(tmp_path):
    """openai/whisper: no dataset, but its tests exercise its text normalisers; what the
    check finds counts (only its fail becomes n/a)."""
    files = {
        "model/generate.py": INFERENCE,
        "model/normalizers.py": "def preprocess(text):\n    return text.lower()\n",
        "tests/test_normalizers.py": "from model.normalizers import preprocess\n\n"
        "def test_lower():\n    assert preprocess('A') == 'a'\n",
        **CI_RUNS_PYTEST,
    }
    assert run_check(snapshot(tmp_path, files), "feature-unit-tests").outcome == P


def test_nothing_is_graded_as_training_where_the_repository_holds_no_code(tmp_path):
    obs = run_check(snapshot(tmp_path, DOCS_ONLY), "tracker-calls")
    assert obs.outcome == NA, obs
    assert "documentation and media only" in obs.message


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (DOCS_ONLY, F),  # a README of links is not an ML system: a cap at level 0
        ({**DOCS_ONLY, "analysis.R": "fit <- lm(y ~ x)\n"}, U),  # R: cannot be read
        ({**DOCS_ONLY, "models/best.onnx": b"onnx"}, P),  # a tracked model file is ML
    ],
    ids=["docs-only", "docs-and-r", "docs-and-a-model"],
)
def test_no_ml_system_where_the_repository_holds_no_code(tmp_path, files, expected):
    obs = run_check(snapshot(tmp_path, files), "no-ml-system")
    assert obs.outcome == expected, obs


# rule lib: a repository that publishes its own package (evidentlyai/evidently, unit8co/darts)
PUBLISHED_LIBRARY = {
    "pyproject.toml": '[project]\nname = "driftlib"\nversion = "1.0"\n',
    "src/driftlib/__init__.py": "",
    # a drift statistic that fits a domain classifier: the library's algorithm
    "src/driftlib/drift.py": "def score(clf, X, y):\n    clf.fit(X, y)\n    return clf.score(X, y)\n",
    "src/driftlib/train_stats.py": "def stats(rows):\n    return len(rows)\n",
    # a cookbook that fits a model to have predictions to monitor
    "examples/cookbook.py": "def demo(model, X, y):\n    model.fit(X, y)\n",
    ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n",
}


UNPUBLISHED = {k: v for k, v in PUBLISHED_LIBRARY.items() if not k.startswith(".github")}
TUTORIAL = json.dumps(
    {
        "cells": [
            {"cell_type": "code", "source": ["%pip install driftlib\n"]},
            {
                "cell_type": "code",
                "source": ["from sklearn.linear_model import Ridge\n", "Ridge().fit(X, y)\n"],
            },
        ],
        "nbformat": 4,
    }
)
LIBRARY_EXERCISES = {
    "scripts/dataset_smoke_test.py": "def run(model, df):\n    model.fit(df)\n",
    "scripts/benchmark_preprocessing.py": "def run(model, df):\n    model.fit(df)\n",
    "examples/getting_started/run.sh": "#!/bin/sh\nludwig train --config config.yaml\n",
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # negative: the library's algorithms and examples are not the project training
        (PUBLISHED_LIBRARY, F),
        # positive: a training script of its own, outside the package (mlfoundations/open_clip)
        ({**PUBLISHED_LIBRARY, "scripts/train_probe.py": "def run(head):\n    head.train()\n"}, P),
        # trap: the same files in a repository that publishes nothing: they train, as before
        ({k: v for k, v in PUBLISHED_LIBRARY.items() if not k.startswith(".github")}, P),
        # positive: a package that ships its own trained model is that model's project
        # (spotify/basic-pitch basic_pitch/saved_models/icassp_2022/nmp.onnx)
        ({**PUBLISHED_LIBRARY, "src/driftlib/saved_models/v1/model.onnx": b"onnx"}, P),
        # ... but weights in its tests are a fixture, and the rule still applies
        ({**PUBLISHED_LIBRARY, "src/driftlib/tests/assets/tiny.onnx": b"onnx"}, F),
        # released by hand, its PyPI page in its own metadata (pycaret/pycaret
        # pyproject.toml:224, reviewed) ...
        (
            {
                **UNPUBLISHED,
                "pyproject.toml": PUBLISHED_LIBRARY["pyproject.toml"]
                + '\n[project.urls]\nDownload = "https://pypi.org/project/driftlib/#files"\n',
            },
            F,
        ),
        # ... not a link to a dependency's page
        (
            {
                **UNPUBLISHED,
                "pyproject.toml": PUBLISHED_LIBRARY["pyproject.toml"]
                + '\n[project.urls]\nTorch = "https://pypi.org/project/torch/"\n',
            },
            P,
        ),
        # the library's benchmarks and smoke tests train to measure it, and its examples'
        # commands run it for its users (ludwig-ai/ludwig scripts/dataset_smoke_test.py:513,
        # scripts/benchmark_lazy_preprocessing.py:183, examples/getting_started/run.sh:17;
        # reviewed) ...
        ({**PUBLISHED_LIBRARY, **LIBRARY_EXERCISES}, F),
        # ... while the same scripts of a repository that publishes nothing train
        ({**UNPUBLISHED, **LIBRARY_EXERCISES}, P),
        # a tutorial notebook that installs the library trains to show it (microsoft/FLAML
        # notebook/automl_bankrupt_synapseml.ipynb; reviewed) ...
        ({**PUBLISHED_LIBRARY, "notebook/tutorial.ipynb": TUTORIAL}, F),
        # ... also when the install is left commented out for the reader (microsoft/FLAML
        # notebook/automl_classification.ipynb `# %pip install flaml[automl] …`; reviewed)
        (
            {
                **PUBLISHED_LIBRARY,
                "notebook/tutorial.ipynb": TUTORIAL.replace("%pip install", "# %pip install"),
            },
            F,
        ),
        # ... one that does not install it is the project's own notebook
        (
            {
                **PUBLISHED_LIBRARY,
                "notebook/tutorial.ipynb": TUTORIAL.replace("%pip install driftlib", "x = 1"),
            },
            P,
        ),
    ],
    ids=[
        "published-library",
        "library-with-training-script",
        "unpublished",
        "package-ships-its-model",
        "package-with-test-weights",
        "pypi-page-in-metadata",
        "fp-dependency-pypi-page",
        "library-benchmarks-smoke-tests-examples",
        "unpublished-benchmarks",
        "library-tutorial-notebook",
        "library-tutorial-commented-install",
        "own-notebook",
    ],
)
def test_a_published_librarys_own_code_and_examples_are_not_training(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "trains_models")
    assert obs.outcome == expected, obs
    if expected == F:
        assert "rule lib" in obs.message


# a library's generator of tiny random-weight models for its tests pushes them to the Hub
# (huggingface/trl scripts/generate_tiny_models/_common.py:246; reviewed)
TINY_MODELS = {
    "scripts/generate_tiny_models/make_llama.py": "from transformers import AutoConfig, "
    "LlamaForCausalLM\nconfig = AutoConfig.from_pretrained('meta/llama')\n"
    "model = LlamaForCausalLM(config)\nmodel.push_to_hub('lib-internal-testing/tiny-llama')\n",
}
CONVERTER = {
    "scripts/convert_checkpoint.py": "from transformers import AutoModel\n"
    "model = AutoModel.from_pretrained('ckpt/')\nmodel.push_to_hub('org/release-model')\n",
}


@pytest.mark.parametrize(
    ("files", "uses", "registry"),
    [
        # negative: in a published library they are fixtures of its tests
        ({**PUBLISHED_LIBRARY, **TINY_MODELS}, F, NA),
        # positive: a repository that publishes nothing loads and pushes a model
        ({**UNPUBLISHED, **TINY_MODELS}, P, P),
        # trap: the library's own script that pushes a converted model it releases
        ({**PUBLISHED_LIBRARY, **CONVERTER}, P, P),
    ],
    ids=["library-tiny-models", "unpublished-tiny-models", "library-converter"],
)
def test_a_librarys_tiny_test_models_are_no_model_of_its_own(tmp_path, files, uses, registry):
    snap = snapshot(tmp_path, files)
    assert run_probe(snap, "uses_models").outcome == uses
    assert run_check(snap, "model-registry").outcome == registry


# a published library's own training command, run by the repository (huggingface/lerobot
# pyproject.toml:351 lerobot-train = "lerobot.scripts.lerobot_train:main", Makefile:47)
ROBOT_LIBRARY = {
    **PUBLISHED_LIBRARY,
    "pyproject.toml": '[project]\nname = "driftlib"\nversion = "1.0"\n\n[project.scripts]\n'
    'driftlib-train = "driftlib.scripts.driftlib_train:main"\n'
    'driftlib-train-tokenizer = "driftlib.scripts.tok:main"\n'
    'driftlib-eval = "driftlib.scripts.driftlib_eval:main"\n',
    "src/driftlib/scripts/driftlib_train.py": "def main():\n    pass\n",
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"Makefile": "train:\n\tmlflow run . -P alpha=0.5\n", "x.py": "x = 1\n"}, P),
        ({"dvc.sh": "dvc repro\n", "x.py": "x = 1\n"}, P),
        # prose that names MLflow runs is no command (feast-dev/feast
        # infra/feast-operator/config/crd/bases/feast.dev_featurestores.yaml:882)
        (
            {
                "crd.yaml": "description: Automatically log feature metadata on every "
                "retrieval inside an active MLflow run\n",
                "x.py": "x = 1\n",
            },
            F,
        ),
    ],
    ids=["mlflow-run", "dvc-repro", "prose"],
)
def test_training_commands_are_commands(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "trains_models").outcome == expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # positive: the Makefile's end-to-end test runs the training command
        ({"Makefile": "test-e2e:\n\tdriftlib-train \\\n\t  --policy.type=act --steps=2\n"}, P),
        (
            {
                ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n"
                "      - run: accelerate launch $(which driftlib-train) --steps 2\n"
            },
            P,
        ),
        # negative: declared, never run
        ({}, F),
        # traps: another script whose name begins alike, a comment, another script's run
        (
            {
                "Makefile": "tok:\n\tdriftlib-train-tokenizer --vocab 10\n"
                "# driftlib-train --steps 2\n\ndemo:\n\tdriftlib-eval --n 1\n"
            },
            F,
        ),
    ],
    ids=["makefile", "ci", "declared-only", "traps"],
)
def test_the_repositorys_own_training_command(tmp_path, extra, expected):
    obs = run_probe(snapshot(tmp_path, {**ROBOT_LIBRARY, **extra}), "trains_models")
    assert obs.outcome == expected, obs


# the model precondition (probe uses_models): Netflix/metaflow, an orchestrator with no model of
# its own, had its model registry, model card, signature and model tests graded as fails
WORKFLOW_TOOL = {
    "pyproject.toml": '[project]\nname = "flowlib"\nversion = "1.0"\n',
    "src/flowlib/__init__.py": "",
    # the tool's own inter-process messaging: a pickle is no model
    "src/flowlib/multicore.py": "import pickle\n\ndef result(f):\n    return pickle.load(f)\n",
    # a tutorial of the tool loading a model: the package's examples are not the project's
    "examples/serve_demo.py": "import joblib\nmodel = joblib.load('model.joblib')\n",
    ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n",
}
SAGEMAKER_DEPLOY = (
    "import sagemaker\nfrom sagemaker.model import Model\n"
    "m = Model(image_uri=img, model_data=archive_uri, role=role)\n"
    "m.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n"
)
MODEL_CASES = [
    ("trains", {"model.py": "from sklearn.svm import SVC\nclf = SVC().fit(X, y)\n"}, P),
    ("loads-for-inference", {"model/generate.py": INFERENCE}, P),
    (
        "hub-download",
        {
            "app.py": "from huggingface_hub import hf_hub_download\np = hf_hub_download('a/b', 'w.gguf')\n"
        },
        P,
    ),
    ("tracked-weights", {"app.py": "x = 1\n", "weights/best.onnx": b"onnx"}, P),
    ("workflow-tool", WORKFLOW_TOOL, F),
    # traps: a pickle of anything is no model; a test's weights are a fixture
    ("fp-pickle", {"cache.py": "import pickle\n\ndef get(f):\n    return pickle.load(f)\n"}, F),
    ("fp-test-weights", {"app.py": "x = 1\n", "tests/fixtures/tiny.pt": b"pt"}, F),
    # the same tutorial in a repository that publishes nothing: it loads a model
    (
        "unpublished-tutorial",
        {k: v for k, v in WORKFLOW_TOOL.items() if not k.startswith(".github")},
        P,
    ),
    ("no-python", {"main.R": "x <- 1\n"}, U),
    # serving configuration naming the model it serves, with no Python load to see
    (
        "kserve-storage-uri",
        {
            "app.py": "x = 1\n",
            "k8s/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
            "metadata: {name: m}\nspec:\n  predictor:\n    sklearn:\n"
            "      storageUri: gs://bucket/model\n",
        },
        P,
    ),
    (
        "cfn-sagemaker-model",
        {
            "app.py": "x = 1\n",
            "cfn.yml": "Resources:\n  Model:\n    Type: AWS::SageMaker::Model\n"
            "    Properties:\n      PrimaryContainer: {Image: img}\n",
        },
        P,
    ),
    # a SageMaker model deployed from its S3 archive names the model the endpoint serves
    # (jacopotagliabue/you-dont-need-a-bigger-boat deploy_model.py:53; reviewed) ...
    ("sagemaker-model-data", {"deploy.py": SAGEMAKER_DEPLOY}, P),
    # ... but a deployment tool's own SageMaker deployer serves its users' models (iterative/
    # mlem mlem/contrib/sagemaker/; rule lib)
    (
        "fp-tool-sagemaker-deployer",
        {
            **{k: v for k, v in WORKFLOW_TOOL.items() if not k.startswith("examples")},
            "src/flowlib/sagemaker.py": SAGEMAKER_DEPLOY,
        },
        F,
    ),
    # ... not a Seldon wrapper of an identity function (AlexIoannides/kubernetes-ml-ops)
    (
        "fp-seldon-identity-wrapper",
        {
            "py-flask-ml-score-api/MLScore.py": "class MLScore:\n    def predict(self, X, names):\n"
            "        return X\n",
            "seldon/deploy.yaml": "apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\n"
            "metadata: {name: s}\nspec:\n  predictors:\n  - name: p\n    graph:\n"
            "      name: classifier\n      type: MODEL\n",
        },
        F,
    ),
]


@pytest.mark.parametrize(
    ("case", "files", "expected"), MODEL_CASES, ids=[c[0] for c in MODEL_CASES]
)
def test_uses_models(tmp_path, case, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "uses_models")
    assert obs.outcome == expected, obs


MODEL_CHECKS = [
    "model-signature",
    "model-registry",
    "model-version-tags",
    "model-unit-tests",
    "slice-fairness",
    "unsafe-deserialization",
    "safe-model-formats",
    "adversarial-tests",
    "model-card",
    "model-engineering-folder",
    # a model's serving life: pinned, pulled, signed, monitored, optimised, exported
    *sorted(SERVED_MODEL_CHECKS),
]


@pytest.mark.parametrize("check", MODEL_CHECKS)
def test_model_checks_do_not_apply_where_there_is_no_model(tmp_path, check):
    obs = run_check(snapshot(tmp_path, WORKFLOW_TOOL), check)
    assert obs.outcome == NA, obs
    assert "no model" in obs.message


@pytest.mark.parametrize("files", [WORKFLOW_TOOL, {"model/generate.py": INFERENCE}])
def test_no_training_pipeline_to_integration_test_where_nothing_trains(tmp_path, files):
    """A repository that only serves or runs a model it did not train owns no pipeline from
    data to model (eightBEC/fastapi-ml-skeleton, reviewed)."""
    assert run_check(snapshot(tmp_path, files), "pipeline-integration-test").outcome == NA


@pytest.mark.parametrize("check", ["model-registry", "model-card", "safe-model-formats"])
def test_model_checks_still_fail_where_a_served_model_lacks_the_practice(tmp_path, check):
    assert run_check(snapshot(tmp_path, {"model/generate.py": INFERENCE}), check).outcome == F


def test_unsafe_loading_of_a_model_still_fails(tmp_path):
    files = {"serve.py": "import joblib\nmodel = joblib.load('model.joblib')\n"}
    assert run_check(snapshot(tmp_path, files), "unsafe-deserialization").outcome == F


@pytest.mark.parametrize(
    "check", ["data-sources-documented", "pii-controls", "feature-engineering-folder"]
)
def test_data_documentation_and_layout_do_not_apply_where_there_is_no_data(tmp_path, check):
    obs = run_check(snapshot(tmp_path, {"model/generate.py": INFERENCE}), check)
    assert obs.outcome == NA, obs


def test_a_transform_of_the_tools_own_graph_is_no_feature_code(tmp_path):
    """Netflix/metaflow test/unit/graph_inference/test_card_dag.py:17: `transform_flow_graph`
    shapes a DAG for a UI card; the repository has no data."""
    files = {
        "flowlib/cards.py": "def transform_flow_graph(g):\n    return dict(g)\n",
        "tests/test_cards.py": "from flowlib.cards import transform_flow_graph\n\n"
        "def test_shape():\n    assert transform_flow_graph({}) == {}\n",
        **CI_RUNS_PYTEST,
    }
    assert run_check(snapshot(tmp_path, files), "feature-unit-tests").outcome == NA
    files["flowlib/cards.py"] += "def transform_features(df):\n    return df\n"
    files["tests/test_cards.py"] = files["tests/test_cards.py"].replace(
        "import transform_flow_graph", "import transform_flow_graph, transform_features"
    )
    assert run_check(snapshot(tmp_path / "b", files), "feature-unit-tests").outcome == P


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        # a series' gaps filled, interpolated or normalised before the model sees it
        # (google-research/timesfm tests/test_base_utils.py:40 `linear_interpolation`,
        # `strip_leading_nans`; reviewed)
        ("linear_interpolation", P),
        ("strip_leading_nans", P),
        ("impute_missing", P),
        # the trap: a logger's normaliser handles no data (deepset-ai/hayhooks
        # tests/test_tracing.py:85 `normalize_trace_correlation_data`; reviewed), nor does a
        # parameter's cleaner (aws-solutions/mlops-workload-orchestrator lambda_helpers.py:313
        # `clean_param`; reviewed), while a text cleaner does
        ("normalize_trace_correlation_data", F),
        ("clean_param", F),
        # ... nor a folder path's (aimhubio/aim aim/sdk/utils.py:36 `clean_repo_path`) or a
        # clean-up of a program's state (vllm-project/production-stack `cleanup_routing_logic`;
        # reviewed)
        ("clean_repo_path", F),
        ("cleanup_routing_logic", F),
        ("clean_text", P),
        ("clean_missing_values", P),
    ],
)
def test_preprocessing_helpers_named_for_what_they_do(tmp_path, symbol, expected):
    files = {
        "pkg/series.py": f"import pandas as pd\n\n\ndef {symbol}(x):\n    return x\n",
        "tests/test_series.py": f"from pkg.series import {symbol}\n\n\n"
        f"def test_it():\n    assert {symbol}(1) == 1\n",
        "train.py": "import pandas as pd\ndf = pd.read_csv('data/series.csv')\nmodel.fit(df)\n",
        **CI_RUNS_PYTEST,
    }
    obs = run_check(snapshot(tmp_path, files), "feature-unit-tests")
    assert obs.outcome == expected, obs


# rule lib for data, as for training: a data tool's loaders and tutorials are its users' data
DATA_TOOL = {
    "pyproject.toml": '[project]\nname = "featlib"\nversion = "1.0"\n',
    "src/featlib/__init__.py": "",
    "src/featlib/offline_store.py": "import pandas as pd\n\ndef read(p):\n    return pd.read_parquet(p)\n",
    "src/featlib/datasets/sample.csv": "a,b\n1,2\n",
    "docs/tutorials/load_data.py": "import pandas as pd\ndf = pd.read_sql_query(q, con)\n",
    ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n",
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (DATA_TOOL, F),
        # positive: a data pipeline of the project's own, outside the package
        ({**DATA_TOOL, "pipelines/ingest.py": "import pandas as pd\npd.read_csv('x.csv')\n"}, P),
        # trap: the same files in a repository that publishes nothing read data
        ({k: v for k, v in DATA_TOOL.items() if not k.startswith(".github")}, P),
    ],
    ids=["data-tool", "tool-with-own-pipeline", "unpublished"],
)
def test_a_published_data_tools_own_loaders_are_not_data(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "handles_data")
    assert obs.outcome == expected, obs
    if expected == F:
        assert "rule lib" in obs.message


# a published inference library that ships a model it does not train (SYSTRAN/faster-whisper
# faster_whisper/assets/silero_vad_v6.onnx, the Silero VAD it runs)
INFERENCE_LIBRARY = {
    "pyproject.toml": '[project]\nname = "vadlib"\nversion = "1.0"\n',
    "src/vadlib/__init__.py": "",
    "src/vadlib/vad.py": "import onnxruntime\n\n"
    "def session(path):\n    return onnxruntime.InferenceSession(path)\n",
    "src/vadlib/assets/vad.onnx": b"onnx",
    ".github/workflows/release.yml": PUBLISHED_LIBRARY[".github/workflows/release.yml"],
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # negative: someone else's model in the package of a tool: rule lib applies
        (INFERENCE_LIBRARY, F),
        # positive: the package trains what it ships (spotify/basic-pitch basic_pitch/train.py)
        ({**INFERENCE_LIBRARY, "src/vadlib/train.py": "def run(m, X, y):\n    m.fit(X, y)\n"}, P),
        # trap: the same files published nowhere use a model of their own
        ({k: v for k, v in INFERENCE_LIBRARY.items() if not k.startswith(".github")}, P),
    ],
    ids=["ships-anothers-model", "ships-its-own-model", "unpublished"],
)
def test_a_model_shipped_but_not_trained_keeps_the_library_rule(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "uses_models")
    assert obs.outcome == expected, obs
    if expected == F:
        assert "rule lib" in obs.message


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a benchmark script that streams a public test split measures the released model
        (
            {
                "model/generate.py": INFERENCE,
                "benchmark/wer.py": "from datasets import load_dataset\n"
                "ds = load_dataset('librispeech_asr', split='validation', streaming=True)\n",
                "benchmark/results.csv": "model,wer\ntiny,0.1\n",
            },
            F,
        ),
        # trap: the same read by the project's own evaluation code is its data
        (
            {
                "model/generate.py": INFERENCE,
                "evaluate.py": "from datasets import load_dataset\nds = load_dataset('squad')\n",
            },
            P,
        ),
    ],
    ids=["benchmark-folder", "own-evaluation"],
)
def test_a_benchmark_scripts_dataset_is_not_the_projects_data(tmp_path, files, expected):
    """SYSTRAN/faster-whisper benchmark/wer_benchmark.py:26: 14 data checks failed on it."""
    assert run_probe(snapshot(tmp_path, files), "handles_data").outcome == expected


# DLR-RM/rl-baselines3-zoo: a root train.py calls the published package, which drives the
# simulator (rl_zoo3/exp_manager.py `make_vec_env`); reviewed
RL_ZOO = {
    "setup.py": "from setuptools import setup\nsetup(name='rl_zoo3')\n",
    "rl_zoo3/__init__.py": "",
    "rl_zoo3/exp_manager.py": "from stable_baselines3.common.env_util import make_vec_env\n\n"
    "def create_envs(env_id):\n    return make_vec_env(env_id)\n",
    "rl_zoo3/train.py": "def train():\n    pass\n",
    "train.py": "import rl_zoo3.train\n\nif __name__ == '__main__':\n    rl_zoo3.train.train()\n",
    ".github/workflows/release.yml": PUBLISHED_LIBRARY[".github/workflows/release.yml"],
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (RL_ZOO, F),
        # trap: the package reads recorded experience (offline RL) from a DataLoader
        (
            {
                **RL_ZOO,
                "rl_zoo3/offline.py": "from torch.utils.data import DataLoader\n\n"
                "def batches(ds):\n    return DataLoader(ds)\n",
            },
            P,
        ),
    ],
    ids=["simulator-in-package", "fp-package-reads-recorded-data"],
)
def test_a_simulator_driven_by_the_published_package_is_no_dataset(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "handles_data")
    assert obs.outcome == expected, obs


# cleanlab/cleanlab: a library with no data of its own. Its tests assert on the frames its
# API returns (tests/datalab/datalab/test_datalab.py:655 `lab.issues.columns`) and call a
# private helper that takes features (cleanlab/outlier.py:371 `_get_ood_features_scores`);
# neither is its feature code nor its data (reviewed)
CLEANLAB_TESTS = {
    "pyproject.toml": '[project]\nname = "cleanlab"\nversion = "2.9"\n',
    "cleanlab/__init__.py": "",
    "cleanlab/outlier.py": "def _get_ood_features_scores(features, knn):\n    return knn(features)\n",
    "cleanlab/dataset.py": "def overview(issues):\n    return issues\n",
    ".github/workflows/release.yml": PUBLISHED_LIBRARY[".github/workflows/release.yml"],
    "tests/test_outlier.py": "import pandas as pd\nfrom cleanlab import outlier\nfrom cleanlab import dataset\n\n"
    "def test_scores(lab):\n    assert outlier._get_ood_features_scores([1], len) == 1\n"
    "    frame = pd.DataFrame({'is_outlier_issue': [True]})\n"
    "    assert list(frame.columns) == ['is_outlier_issue']\n"
    "    assert frame['is_outlier_issue'].notnull().all()\n"
    "    assert dataset.overview(1) == 1\n",
    **CI_RUNS_PYTEST,
}


@pytest.mark.parametrize("check", ["feature-unit-tests", "data-pipeline-tests"])
def test_a_librarys_own_helpers_and_frames_are_no_data_where_there_is_none(tmp_path, check):
    obs = run_check(snapshot(tmp_path, CLEANLAB_TESTS), check)
    assert obs.outcome == NA, obs


def test_data_assertions_still_count_where_there_is_data(tmp_path):
    files = {
        **CLEANLAB_TESTS,
        "etl.py": "import pandas as pd\ndf = pd.read_csv('rows.csv')\n",
        "tests/test_rows.py": "import pandas as pd\n\ndef test_rows():\n"
        "    df = pd.read_csv('rows.csv')\n    assert df['age'].notnull().all()\n",
    }
    assert run_check(snapshot(tmp_path, files), "feature-unit-tests").outcome == Outcome.PARTIAL


# a published library of models (probe model_library): rule lib keeps its algorithms from
# counting as the project training, yet its tests train its models, and it loads weights for
# its users (awslabs/gluonts, sktime/pytorch-forecasting; reviewed)
FORECAST_LIBRARY = {
    "pyproject.toml": '[project]\nname = "forecastlib"\nversion = "1.0"\n',
    "src/forecastlib/__init__.py": "",
    "src/forecastlib/models/deepar.py": "import torch\n\n\nclass DeepAREstimator:\n"
    "    def train(self, data):\n        return self\n\n\n"
    "def load(path):\n    return torch.load(path)\n",
    "tests/test_deepar.py": "import numpy as np\n"
    "from forecastlib.models.deepar import DeepAREstimator\n\n\n"
    "def test_train():\n    predictor = DeepAREstimator().train([1, 2])\n"
    "    assert np.isfinite(predictor.forecast()).all()\n",
    ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: python -m pytest tests\n",
    ".github/workflows/release.yml": WORKFLOW_TOOL[".github/workflows/release.yml"],
}
MODEL_LIBRARY_CASES = [
    ("library-of-models", FORECAST_LIBRARY, P),
    # a monitoring tool whose tests fit a scikit-learn model to have predictions to monitor
    # trains no model of its own (evidentlyai/evidently): the trap
    (
        "tool-fits-a-foreign-model",
        {
            **{k: v for k, v in FORECAST_LIBRARY.items() if not k.startswith("tests/")},
            "tests/test_drift.py": "from sklearn.linear_model import LinearRegression\n"
            "from forecastlib.report import Report\n\n\n"
            "def test_drift():\n    LinearRegression().fit([[1]], [1])\n    assert Report()\n",
        },
        F,
    ),
    # a library of one model, named as its package (MaartenGr/BERTopic tests/conftest.py:54
    # fits `BERTopic` models; reviewed) ...
    (
        "model-named-for-its-package",
        {
            **{k: v for k, v in FORECAST_LIBRARY.items() if not k.startswith("tests/")},
            "src/forecastlib/__init__.py": "class ForecastLib:\n    def fit(self, x):\n        return self\n",
            "tests/test_fit.py": "from forecastlib import ForecastLib\n\n\n"
            "def test_fit():\n    assert ForecastLib().fit([1, 2])\n",
        },
        P,
    ),
    # ... not a helper of another name that the test fits something with
    (
        "fp-helper-of-the-package",
        {
            **{k: v for k, v in FORECAST_LIBRARY.items() if not k.startswith("tests/")},
            "tests/test_fit.py": "from forecastlib import report\n\n\n"
            "def test_fit(model):\n    model.fit([1, 2])\n    assert report(model)\n",
        },
        F,
    ),
    # the same tests in a repository that publishes nothing: no package, no model library
    (
        "unpublished",
        {k: v for k, v in FORECAST_LIBRARY.items() if k != "pyproject.toml"},
        F,
    ),
]


@pytest.mark.parametrize(
    ("case", "files", "expected"), MODEL_LIBRARY_CASES, ids=[c[0] for c in MODEL_LIBRARY_CASES]
)
def test_model_library(tmp_path, case, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "model_library")
    assert obs.outcome == expected, obs


def test_a_library_of_models_is_asked_about_its_model_tests_and_loading(tmp_path):
    snap = snapshot(tmp_path, FORECAST_LIBRARY)
    assert run_probe(snap, "uses_models").outcome == F  # rule lib: no model of its own
    assert run_check(snap, "model-unit-tests").outcome == P
    unsafe = run_check(snap, "unsafe-deserialization")
    assert unsafe.outcome == F and unsafe.evidence[0].path == "src/forecastlib/models/deepar.py"
    # the training checks still do not apply: rule lib holds for them
    assert run_check(snap, "hpo-tracked").outcome == Outcome.NOT_APPLICABLE


def _notebook(*sources: str) -> str:
    import json

    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": []} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


DEMO_READS = _notebook(
    "from driftlib.drift import score\nimport pandas as pd\n", "df = pd.read_csv('sample.csv')\n"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a library's demo notebook, named so and importing the package, reads a sample
        # (nubank/fklearn notebooks/causal_s_learner_demo.ipynb; reviewed): no data of its own
        ({**PUBLISHED_LIBRARY, "notebooks/causal_learner_demo.ipynb": DEMO_READS}, F),
        # trap: a notebook of the project's own, not named as a demo, reads its data
        ({**PUBLISHED_LIBRARY, "notebooks/churn_analysis.ipynb": DEMO_READS}, P),
        # trap: a demo that does not import the package is not the package's demo
        (
            {
                **PUBLISHED_LIBRARY,
                "notebooks/demo.ipynb": _notebook("import pandas as pd\npd.read_csv('x.csv')\n"),
            },
            P,
        ),
        # trap: the same demo in a repository that publishes nothing reads data
        (
            {
                **{k: v for k, v in PUBLISHED_LIBRARY.items() if not k.startswith(".github")},
                "notebooks/causal_learner_demo.ipynb": DEMO_READS,
            },
            P,
        ),
    ],
    ids=["library-demo", "own-notebook", "demo-without-the-package", "unpublished"],
)
def test_a_librarys_demo_notebook_reads_no_data_of_the_projects(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "handles_data")
    assert obs.outcome == expected, obs
