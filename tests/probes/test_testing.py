"""Testing (TST) checks, run through the default rubric so the YAML params are tested too:
for each check a positive case, a negative case and the catalogue's known false positive."""

from __future__ import annotations

import pytest
from helpers import CI_RUNS_PYTEST, run_check, run_probe, snapshot, training_repo

from mlaudit.results import Outcome

P, F, H, U = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL, Outcome.UNKNOWN

TEST_OK = "import math\n\n\ndef test_ok():\n    assert math.sqrt(4) == 2\n"

DESCRIBE_TEST = (
    "from calc import add\n\n\nclass DescribeAdd:\n    def it_adds(self):\n"
    "        assert add(1, 2) == 3\n"
)


TESTS = {"tests/test_a.py": TEST_OK}


def wf(run: str, on: str = "[push, pull_request]", extra: str = "") -> str:
    """A GitHub Actions workflow with one job running `run` (a multi-line block)."""
    body = "\n".join(f"          {line}" for line in run.splitlines())
    return (
        f"name: ci\non: {on}\njobs:\n  build:\n    runs-on: ubuntu-latest\n{extra}"
        f"    steps:\n      - uses: actions/checkout@v4\n      - run: |\n{body}\n"
    )


FASTAPI_APP = "from fastapi import FastAPI\napp = FastAPI()\n"
USES = (
    "on: [push, pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/checkout@v4\n      - uses: %s\n"
)
# a src/ package, and a test of its ETL that also imports `src.comm`, which it lacks
SRC_PACKAGE_AND_BROKEN_TEST = {
    "src/common/__init__.py": "",
    "src/common/utils.py": "def load():\n    return 1\n",
    "src/preprocessing/__init__.py": "",
    "src/preprocessing/etl.py": "def clean(rows):\n    return rows\n",
    "src/tests/etl_tests.py": "from src.preprocessing import etl\nfrom src.comm import utils\n\n"
    "def test_clean():\n    assert etl.clean([1]) == [1]\n",
}
CLOUD_BUILD_PYTEST = (
    "steps:\n  - name: python:3.11\n    entrypoint: python\n    args: ['-m', 'pytest', 'tests']\n"
)
NOTEBOOK_SUBMIT = (
    '{"cells": [{"cell_type": "code", "source": '
    '["!gcloud builds submit --no-source --config cloudbuild.yaml --timeout=30m"]}], "nbformat": 4}'
)
TFX_VALIDATION = (
    "from tfx.components import StatisticsGen, SchemaGen, ExampleValidator\n"
    "stats = StatisticsGen(examples=e)\nschema = SchemaGen(statistics=stats.outputs['statistics'])\n"
    "check = ExampleValidator(statistics=stats.outputs['statistics'], schema=schema.outputs['schema'])\n"
)
PANDERA = "import pandera as pa\n\nclass Raw(pa.DataFrameModel):\n    age: int\n"
GX_CONFTEST = (
    "import great_expectations as ge\nimport pytest\n\n@pytest.fixture\n"
    "def df():\n    return ge.dataset.PandasDataset({})\n"
)
GX_TEST = "def test_schema(df):\n    assert df.expect_column_to_exist('id')['success']\n"

METRIC_TEST = (
    "from sklearn.metrics import accuracy_score, roc_auc_score\n\n"
    "def test_dt_evaluation(model, data):\n    X, y = data\n    pred = model.predict(X)\n"
    "    acc_test = accuracy_score(y, pred.round())\n"
    "    assert acc_test > 0.82, 'Accuracy on test should be > 0.82'\n"
)

CASES = [
    # data-schema --------------------------------------------------------------------------
    ("data-schema", "pandera-model", {"src/schema.py": PANDERA}, P),
    # TFX infers a schema and validates each span against it (Abdullahi-Ahmed/TFX-KubeFlow-
    # GithubAction-GCP pipeline/pipeline.py:43-46; reviewed)
    ("data-schema", "tfx-schemagen", {"pipeline/pipeline.py": TFX_VALIDATION}, P),
    (
        "data-schema",
        "soda-checks",
        {"soda/checks.yml": "checks for orders:\n  - row_count > 0\n"},
        P,
    ),
    (
        "data-schema",
        "dbt-tests",
        {
            "dbt_project.yml": "name: shop\n",
            "models/schema.yml": "models:\n  - name: orders\n    columns:\n      - name: id\n        tests:\n          - unique\n",
        },
        P,
    ),
    # Rasa's domain, which `rasa data validate` checks the training data against
    # (RasaHQ/rasa-demo, reviewed); the trap: a domain nothing validates against
    (
        "data-schema",
        "rasa-domain-validated",
        {
            "domain.yml": "intents:\n  - greet\nentities:\n  - product\n",
            "Makefile": "validate:\n\trasa data validate --debug\n",
            "data/nlu.yml": "nlu:\n- intent: greet\n  examples: |\n    - hi\n",
        },
        P,
    ),
    (
        "data-schema",
        "fp-rasa-domain-unvalidated",
        {
            "domain.yml": "intents:\n  - greet\n",
            "data/nlu.yml": "nlu:\n- intent: greet\n  examples: |\n    - hi\n",
            "train.py": "import pandas as pd\n",
        },
        F,
    ),
    ("data-schema", "none", {"train.py": "import pandas as pd\n"}, F),
    (
        "data-schema",
        "fp-readme-pydantic-import-only",
        {
            "README.md": "We validate data with great_expectations and pandera.\n",
            "api.py": "from pydantic import BaseModel\n\nclass Req(BaseModel):\n    x: int\n",
            "check.py": "import great_expectations\n",
        },
        F,
    ),
    # data-validation-wired ---------------------------------------------------------------
    (
        "data-validation-wired",
        "dvc-stage",
        {
            "src/validate.py": "import pandera as pa\nschema = pa.DataFrameSchema({})\n",
            "dvc.yaml": "stages:\n  validate:\n    cmd: python src/validate.py data/raw.csv\n    deps: [data/raw.csv]\n",
        },
        P,
    ),
    (
        "data-validation-wired",
        "ci-pytest-tests-data",
        {
            "tests/data/conftest.py": GX_CONFTEST,
            "tests/data/test_dataset.py": GX_TEST,
            ".github/workflows/ci.yml": wf("pytest tests/data"),
        },
        P,
    ),
    (
        "data-validation-wired",
        "ci-rasa-data-validate",
        {
            "domain.yml": "intents:\n  - greet\n",
            ".github/workflows/ci.yml": wf("rasa data validate --debug"),
            "data/nlu.yml": "nlu:\n- intent: greet\n  examples: |\n    - hi\n",
        },
        P,
    ),
    # TFX's ExampleValidator runs as a node of the pipeline it is declared in
    # (GoogleCloudPlatform/mlops-with-vertex-ai src/tfx_pipelines/training_pipeline.py:124-154)
    (
        "data-validation-wired",
        "tfx-example-validator",
        {
            "src/raw_schema/schema.pbtxt": 'feature {\n  name: "x"\n  type: FLOAT\n}\n',
            "src/pipeline.py": "from tfx.orchestration import pipeline\n"
            "from tfx.v1.components import ExampleValidator, StatisticsGen\n"
            "v = ExampleValidator(statistics=s.outputs['statistics'], schema=i.outputs['result'])\n"
            "p = pipeline.Pipeline(pipeline_name='t', components=[s, v])\n",
        },
        P,
    ),
    # ... a validator component tried alone, in no pipeline, is declared, not wired
    (
        "data-validation-wired",
        "tfx-validator-outside-a-pipeline",
        {
            "src/raw_schema/schema.pbtxt": 'feature {\n  name: "x"\n  type: FLOAT\n}\n',
            "src/try_validator.py": "from tfx.v1.components import ExampleValidator\n"
            "v = ExampleValidator(statistics=s, schema=sc)\n",
        },
        H,
    ),
    # a Metaflow step calls the module that runs the check (you-dont-need-a-bigger-boat
    # local_flow/intent/src/cart_baseline_flow.py:85 -> data_validation.py:35)
    (
        "data-validation-wired",
        "metaflow-step-imports-the-check",
        {
            "flow/validate.py": PANDERA,
            "flow/train_flow.py": "from metaflow import FlowSpec, step\nfrom validate import Raw\n\n"
            "class Train(FlowSpec):\n    @step\n    def start(self):\n        self.next(self.end)\n",
        },
        P,
    ),
    # trap: a script importing the check that no orchestrator runs is no pipeline
    (
        "data-validation-wired",
        "plain-script-imports-the-check",
        {
            "flow/validate.py": PANDERA,
            "flow/train.py": "from validate import Raw\nimport pandas as pd\n",
        },
        H,
    ),
    ("data-validation-wired", "declared-only", {"src/schema.py": PANDERA}, H),
    ("data-validation-wired", "none", {"train.py": "x = 1\n"}, F),
    (
        "data-validation-wired",
        "fp-ci-tests-other-folder",
        {
            "tests/data/conftest.py": GX_CONFTEST,
            "tests/data/test_dataset.py": GX_TEST,
            "tests/code/test_x.py": TEST_OK,
            ".github/workflows/ci.yml": wf("pytest tests/code"),
        },
        H,
    ),
    # feature-unit-tests ------------------------------------------------------------------
    # a package that processes the raw data, tested (nerfstudio-project/nerfstudio
    # tests/process_data/test_misc.py:19; reviewed)
    (
        "feature-unit-tests",
        "process-data-package",
        {
            "pkg/__init__.py": "",
            "pkg/process_data/__init__.py": "",
            "pkg/process_data/utils.py": "def convert_video_to_images(path):\n    return []\n",
            "pkg/train.py": "def run(model):\n    model.fit(X, y)\n",
            "tests/test_misc.py": "from pkg.process_data.utils import convert_video_to_images\n\n"
            "def test_convert():\n    assert convert_video_to_images('v.mp4') == []\n",
            **CI_RUNS_PYTEST,
        },
        P,
    ),
    # a serving API's response hook is serialisation, not a feature (Lightning-AI/LitServe
    # tests/unit/test_litapi.py:149 `encode_response`)
    (
        "feature-unit-tests",
        "fp-encode-response-hook",
        {
            "src/serve/api.py": "class API:\n    def encode_response(self, output):\n        return {'output': output}\n",
            "tests/test_api.py": "import serve.api as sa\n\ndef test_encode_response():\n"
            "    api = sa.API()\n    assert api.encode_response(4.0) == {'output': 4.0}\n",
        },
        F,
    ),
    # a 🤗 Transformers model engine is no feature transform (microsoft/presidio
    # presidio_analyzer/nlp_engine/transformers_nlp_engine.py, reviewed) ...
    (
        "feature-unit-tests",
        "fp-transformers-engine",
        {
            "pkg/__init__.py": "",
            "pkg/transformers_nlp_engine.py": "class TransformersNlpEngine:\n    name = 'hf'\n",
            "tests/test_engine.py": "from pkg.transformers_nlp_engine import TransformersNlpEngine\n\n"
            "def test_name():\n    assert TransformersNlpEngine.name == 'hf'\n",
        },
        F,
    ),
    # ... while a module of scikit-learn transformers is
    (
        "feature-unit-tests",
        "sklearn-transformers-module",
        {
            "pkg/__init__.py": "",
            "pkg/transformers.py": "class DropColumns:\n    def transform(self, df):\n        return df\n",
            "tests/test_transformers.py": "from pkg.transformers import DropColumns\n\n"
            "def test_drop():\n    assert DropColumns().transform(1) == 1\n",
        },
        P,
    ),
    # ... while an encoder of the data is feature code
    (
        "feature-unit-tests",
        "encode-categories",
        {
            "src/pkg/prep.py": "def encode_categories(df):\n    return df\n",
            "tests/test_prep.py": "from pkg.prep import encode_categories\n\ndef test_encode():\n"
            "    assert encode_categories([]) == []\n",
        },
        P,
    ),
    (
        "feature-unit-tests",
        "features-module",
        {
            "src/pkg/features.py": "def add_ratio(a, b):\n    return a / b\n",
            "tests/test_features.py": "from pkg.features import add_ratio\n\ndef test_ratio():\n    assert add_ratio(1, 2) == 0.5\n",
        },
        P,
    ),
    # a source folder named `training/` above the import root is no training code: the
    # module is `deepspeech_training.util.importers`, a data helper (mozilla/DeepSpeech
    # tests/test_importers.py:4, reviewed)
    (
        "model-unit-tests",
        "fp-source-folder-named-training",
        {
            "training/deepspeech_training/__init__.py": "",
            "training/deepspeech_training/util/__init__.py": "",
            "training/deepspeech_training/util/importers.py": "def validate_label(x):\n    return x\n",
            "tests/test_importers.py": "from deepspeech_training.util.importers import validate_label\n\n"
            "def test_label():\n    assert validate_label('a') == 'a'\n",
        },
        F,
    ),
    (
        "model-unit-tests",
        "training module under a source folder",
        {
            "training/deepspeech_training/__init__.py": "",
            "training/deepspeech_training/train.py": "def step(x):\n    return x\n",
            "tests/test_train.py": "from deepspeech_training.train import step\n\n"
            "def test_step():\n    assert step(1) == 1\n",
        },
        P,
    ),
    # a data preprocessor's fit is no model code, also when its variable is named like its
    # module (aswithabukka/mlops-fraud-detection tests/conftest.py:78-79; reviewed) ...
    (
        "model-unit-tests",
        "fp-preprocessor-fit",
        {
            "src/__init__.py": "",
            "src/data/__init__.py": "",
            "src/data/preprocessor.py": "class FraudPreprocessor:\n    def fit(self, X):\n        return self\n",
            "tests/test_prep.py": "from src.data.preprocessor import FraudPreprocessor\n\n"
            "def test_fit():\n    preprocessor = FraudPreprocessor()\n"
            "    assert preprocessor.fit([1]) is preprocessor\n",
        },
        F,
    ),
    # ... a model object's fit is
    (
        "model-unit-tests",
        "model-object-fit",
        {
            "src/__init__.py": "",
            "src/fraud.py": "class FraudDetector:\n    def fit(self, X):\n        return self\n",
            "tests/test_fraud.py": "from src.fraud import FraudDetector\n\n"
            "def test_fit():\n    detector = FraudDetector()\n"
            "    assert detector.fit([1]) is detector\n",
        },
        P,
    ),
    # the optimizer that trains the model is training code (karpathy/nanochat tests/test_optim.py)
    (
        "model-unit-tests",
        "optimizer-module",
        {
            "nanochat/__init__.py": "",
            "nanochat/optim.py": "class MuonAdamW:\n    pass\n",
            "tests/test_optim.py": "from nanochat.optim import MuonAdamW\n\n"
            "def test_opt():\n    assert MuonAdamW()\n",
            ".github/workflows/ci.yml": wf("pytest"),
        },
        P,
    ),
    # the rewards a trainer optimises are model code (huggingface/open-r1 tests/test_rewards.py,
    # reviewed); the trap: a module of loss-prevention business rules is not
    (
        "model-unit-tests",
        "rewards-module",
        {
            "src/pkg/__init__.py": "",
            "src/pkg/rewards.py": "def format_reward(completions):\n    return [1.0]\n",
            "tests/test_rewards.py": "from pkg.rewards import format_reward\n\n"
            "def test_format():\n    assert format_reward(['x']) == [1.0]\n",
        },
        P,
    ),
    (
        "model-unit-tests",
        "fp-loss-prevention-rules",
        {
            "src/pkg/__init__.py": "",
            "src/pkg/loss_prevention.py": "def flag(order):\n    return order > 100\n",
            "tests/test_rules.py": "from pkg.loss_prevention import flag\n\n"
            "def test_flag():\n    assert flag(200)\n",
        },
        F,
    ),
    # pydantic's BaseModel is no ML model, whatever module re-exports it
    # (evidentlyai/evidently src/evidently/_pydantic_compat.py:9, imported by 142 test files)
    (
        "model-unit-tests",
        "fp-pydantic-base-model",
        {
            "pkg/__init__.py": "",
            "pkg/_compat.py": "from pydantic import BaseModel\n",
            "tests/test_config.py": "from pkg._compat import BaseModel\n\n"
            "def test_config():\n    assert BaseModel is not None\n",
        },
        F,
    ),
    # ... nor a class built on it, named like a model (evidently pydantic_utils.py:197,
    # `class PolymorphicModel(BaseModel)`, BaseModel re-exported by a compatibility module)
    (
        "model-unit-tests",
        "fp-pydantic-subclass-named-model",
        {
            "pkg/__init__.py": "",
            "pkg/_compat.py": "from pydantic import BaseModel\n",
            "pkg/utils.py": "from pkg._compat import BaseModel\n\n"
            "class PolymorphicModel(BaseModel):\n    type: str = 'x'\n",
            "tests/test_config.py": "from pkg.utils import PolymorphicModel\n\n"
            "def test_config():\n    assert PolymorphicModel().type == 'x'\n",
        },
        F,
    ),
    # ... nor of settings records: dataclasses and enumerations (vllm-project/production-stack
    # src/vllm_router/external_providers/models.py:11, tested by test_external_providers.py;
    # reviewed)
    (
        "model-unit-tests",
        "fp-models-module-of-dataclasses",
        {
            "router/__init__.py": "",
            "router/models.py": "from dataclasses import dataclass\nfrom enum import Enum\n\n\n"
            "class Kind(str, Enum):\n    OPENAI = 'openai'\n\n\n@dataclass(frozen=True)\n"
            "class ProviderConfig:\n    id: str\n    kind: Kind\n",
            "tests/test_providers.py": "from router.models import ProviderConfig, Kind\n\n"
            "def test_config():\n    assert ProviderConfig('a', Kind.OPENAI).id == 'a'\n",
        },
        F,
    ),
    # a service's models.py of request schemas is no model code (evidentlyai/evidently
    # src/evidently/sdk/models.py:21-85, every class a BaseModel)
    (
        "model-unit-tests",
        "fp-models-module-of-schemas",
        {
            "app/__init__.py": "",
            "app/models.py": "from pydantic import BaseModel\n\nclass Ride(BaseModel):\n"
            "    distance: float\n\nclass Prediction(Ride):\n    duration: float\n",
            "tests/test_schemas.py": "from app.models import Ride\n\n"
            "def test_ride():\n    assert Ride(distance=1.0).distance == 1.0\n",
        },
        F,
    ),
    # ... while a models.py that defines a function (or a network) is model code
    (
        "model-unit-tests",
        "models-module-with-code",
        {
            "app/__init__.py": "",
            "app/models.py": "from pydantic import BaseModel\n\nclass Ride(BaseModel):\n"
            "    distance: float\n\ndef predict(model, ride):\n    return model.predict([ride])\n",
            "tests/test_models.py": "from app.models import predict\n\n"
            "def test_predict():\n    assert predict is not None\n",
        },
        P,
    ),
    # a lowercase class named test_* is a helper pytest never collects, and the one test
    # calling it is skipped (EleutherAI/gpt-neox tests/model/test_model_checkpoint.py:68-80)
    (
        "model-unit-tests",
        "fp-uncollected-lowercase-test-class",
        {
            "pkg/__init__.py": "",
            "pkg/model.py": "import torch\n\nclass Net(torch.nn.Module):\n    pass\n",
            "tests/test_ckpt.py": "import pytest\nfrom pkg.model import Net\n\n"
            "@pytest.mark.skip\ndef test_train():\n    test_ckpt_class().run()\n\n"
            "class test_ckpt_class:\n    def run(self):\n        assert Net()\n",
        },
        F,
    ),
    # ... while a Test* class's test methods are collected
    (
        "model-unit-tests",
        "test-class-methods",
        {
            "pkg/__init__.py": "",
            "pkg/model.py": "import torch\n\nclass Net(torch.nn.Module):\n    pass\n",
            "tests/test_ckpt.py": "from pkg.model import Net\n\n"
            "class TestNet:\n    def test_build(self):\n        assert Net()\n",
        },
        P,
    ),
    # trap: a model class named the same way, built on torch, is model code
    (
        "model-unit-tests",
        "torch-class-named-model",
        {
            "pkg/__init__.py": "",
            "pkg/utils.py": "import torch.nn as nn\n\nclass PolymorphicModel(nn.Module):\n    pass\n",
            "tests/test_net.py": "from pkg.utils import PolymorphicModel\n\n"
            "def test_net():\n    assert PolymorphicModel() is not None\n",
        },
        P,
    ),
    # a test file that imports a module its own package lacks fails when imported: its tests
    # never run (GoogleCloudPlatform/mlops-with-vertex-ai src/tests/etl_tests.py:24,
    # `from src.comm import datasource_utils`, the package being src/common/)
    (
        "feature-unit-tests",
        "fp-test-imports-a-missing-project-module",
        {
            "src/__init__.py": "",
            **SRC_PACKAGE_AND_BROKEN_TEST,
        },
        F,
    ),
    # ... a name its package's __init__ provides is there (`comm = common`)
    (
        "feature-unit-tests",
        "test-imports-a-module-the-package-aliases",
        {
            "src/__init__.py": "from . import common\n\ncomm = common\n",
            **SRC_PACKAGE_AND_BROKEN_TEST,
        },
        P,
    ),
    (
        "feature-unit-tests",
        "preprocess-symbol",
        {
            "pkg/data.py": "def preprocess(df):\n    return df\n",
            "tests/test_data.py": "from pkg import data\n\ndef test_pre():\n    assert data.preprocess(1) == 1\n",
        },
        P,
    ),
    (
        "feature-unit-tests",
        "sys-path-bare-import",
        {
            "src/preprocess_data.py": "def run(df):\n    return df\n",
            "src/tests/test_pre.py": "import sys\nsys.path.append('..')\nimport preprocess_data\n\n"
            "def test_run():\n    assert preprocess_data.run(1) == 1\n",
        },
        P,
    ),
    # a tokenizer class is a text model's feature code (karpathy/minGPT, reviewed)
    (
        "feature-unit-tests",
        "tokenizer-class",
        {
            "mingpt/bpe.py": "class BPETokenizer:\n    def __call__(self, text):\n        return [1]\n",
            "tests/test_bpe.py": "from mingpt.bpe import BPETokenizer\n\n"
            "def test_encode():\n    assert BPETokenizer()('a') == [1]\n",
        },
        P,
    ),
    # ... a tokenizer from a library is not the repository's feature code
    (
        "feature-unit-tests",
        "fp-library-tokenizer",
        {
            "mingpt/model.py": "class GPT:\n    pass\n",
            "tests/test_tok.py": "from transformers import GPT2Tokenizer\n\n"
            "def test_tok():\n    assert GPT2Tokenizer\n",
        },
        F,
    ),
    # known FP (huggingface/setfit): 🤗 transformers.utils is not scripts/transformers/utils.py
    (
        "feature-unit-tests",
        "fp-library-named-like-a-scripts-folder",
        {
            "scripts/transformers/utils.py": "def load_data(name):\n    return name\n",
            "tests/test_trainer.py": "from transformers.utils.hp_naming import TrialShortNamer\n\n"
            "def test_namer():\n    assert TrialShortNamer.shortname({}) == ''\n",
        },
        F,
    ),
    # ... but a name the scripts module does define is that module's, through sys.path
    (
        "feature-unit-tests",
        "sys-path-suffix-module-symbol",
        {
            "scripts/transformers/utils.py": "def load_data(name):\n    return name\n",
            "tests/test_load.py": "import sys\nsys.path.append('scripts')\n"
            "from transformers.utils import load_data\n\n"
            "def test_load():\n    assert load_data('x') == 'x'\n",
        },
        P,
    ),
    (
        "feature-unit-tests",
        "only-utils",
        {
            "pkg/utils.py": "def f():\n    return 1\n",
            "tests/test_utils.py": "from pkg.utils import f\n\ndef test_f():\n    assert f() == 1\n",
        },
        F,
    ),
    (
        "feature-unit-tests",
        "fp-third-party-preprocessing",
        {
            "tests/test_scaler.py": "from sklearn.preprocessing import StandardScaler\n\n"
            "def test_s():\n    assert StandardScaler()\n",
        },
        F,
    ),
    # privacy-checks ------------------------------------------------------------------------
    (
        "privacy-checks",
        "presidio",
        {
            "src/pii.py": "from presidio_analyzer import AnalyzerEngine\n"
            "AnalyzerEngine().analyze(text='x', language='en')\n"
        },
        P,
    ),
    ("privacy-checks", "none", {"src/a.py": "x = 1\n"}, F),
    # tests that assert the data is anonymised (microsoft/recommenders
    # tests/responsible_ai/recommenders/datasets/test_movielens_privacy.py:9-15)
    (
        "privacy-checks",
        "privacy-tests",
        {
            "src/data.py": "import pandas as pd\ndf = pd.read_csv('ratings.csv')\n",
            "tests/responsible_ai/test_movielens_privacy.py": (
                "def test_user_ids_are_numbers():\n    users = load()\n"
                "    assert all(isinstance(x, int) for x in users)\n"
            ),
        },
        H,
    ),
    # the trap: a privacy-named test file that asserts nothing
    (
        "privacy-checks",
        "fp-empty-privacy-test",
        {
            "src/data.py": "import pandas as pd\ndf = pd.read_csv('ratings.csv')\n",
            "tests/test_privacy.py": "def helper():\n    return 1\n",
        },
        F,
    ),
    (
        "privacy-checks",
        "fp-comment-and-requirement",
        {
            "src/a.py": "# TODO: run presidio_analyzer here\n",
            "requirements.txt": "presidio-analyzer==2.2\n",
        },
        F,
    ),
    # model-unit-tests ----------------------------------------------------------------------
    # known FP (ThoughtWorksInc/CD4ML-Scenarios): a serving cache and the tracking helpers
    # are plumbing around models, not model code
    (
        "model-unit-tests",
        "fp-model-cache-and-tracking",
        {
            "cd4ml/webapp/model_cache.py": "def list_models():\n    return []\n",
            "cd4ml/model_tracking/tracking.py": "def log(x):\n    return x\n",
            "test/test_cache.py": "from cd4ml.webapp.model_cache import list_models\n\n"
            "def test_list():\n    assert list_models() == []\n",
            "test/test_tracking.py": "from cd4ml.model_tracking.tracking import log\n\n"
            "def test_log():\n    assert log(1) == 1\n",
        },
        F,
    ),
    (
        "model-unit-tests",
        "model-training-module",
        {
            "src/model_training.py": "def fit_all(x):\n    return x\n",
            "tests/test_mt.py": "from model_training import fit_all\n\n"
            "def test_fit():\n    assert fit_all(1) == 1\n",
        },
        P,
    ),
    (
        "model-unit-tests",
        "isfinite",
        {
            "model.py": "class Net:\n    def __call__(self, x):\n        return x\n",
            "tests/test_model.py": "import numpy as np\nfrom model import Net\n\n"
            "def test_finite():\n    assert np.isfinite(Net()(1.0))\n",
        },
        P,
    ),
    (
        "model-unit-tests",
        "conftest-fixture",
        {
            "pkg/predict.py": "def load():\n    return 1\n",
            "tests/model/conftest.py": "import pytest\nfrom pkg import predict\n\n@pytest.fixture\ndef p():\n    return predict.load()\n",
            "tests/model/test_behaviour.py": "def test_invariance(p):\n    assert p == 1\n",
        },
        P,
    ),
    (
        "model-unit-tests",
        "only-utils",
        {
            "pkg/utils.py": "def f():\n    return 1\n",
            "tests/test_utils.py": "from pkg.utils import f\n\ndef test_f():\n    assert f() == 1\n",
        },
        F,
    ),
    (
        "model-unit-tests",
        "fp-no-test-functions",
        {
            "model.py": "class Net:\n    pass\n",
            "tests/check_gpu.py": "from model import Net\nprint(Net())\n",
            "tests/test_gpu.py": "from model import Net\n\nif __name__ == '__main__':\n    print(Net())\n",
        },
        F,
    ),
    # the project's training and prediction functions, not only *Model/*Net classes
    (
        "model-unit-tests",
        "train-function-from-a-project-module",
        {
            "pipeline.py": "def train_models(df):\n    return {'rf': 1}\n",
            "test.py": "from pipeline import train_models\n\n\ndef test_train_models():\n"
            "    assert 'rf' in train_models([])\n",
        },
        P,
    ),
    (
        "model-unit-tests",
        "predict-function-called",
        {
            "src/app/service.py": "def predict(text):\n    return 'pos'\n",
            "tests/test_service.py": "from src.app import service\n\n\ndef test_predict():\n"
            "    assert service.predict('great') == 'pos'\n",
        },
        P,
    ),
    (
        "model-unit-tests",
        "fp-data-helpers-named-like-training",
        {
            "src/utils.py": "def train_test_split_by_date(df):\n    return df, df\n\n\n"
            "def train_loader(path):\n    return []\n",
            "tests/test_utils.py": "from src.utils import train_loader, train_test_split_by_date\n\n\n"
            "def test_split():\n    assert train_test_split_by_date([]) == ([], [])\n"
            "    assert train_loader('x') == []\n",
        },
        F,
    ),
    # tests of registry and job plumbing named verb_model / model_batch_predict, the platform
    # API mocked (teamdatatonic/vertex-pipelines-end-to-end-samples components/tests/)
    (
        "model-unit-tests",
        "fp-registry-and-job-plumbing",
        {
            "components/__init__.py": "",
            "components/upload_model.py": "def upload_model(uri):\n    return uri\n",
            "components/model_batch_predict.py": "def model_batch_predict(job):\n    return job\n",
            "tests/test_upload_model.py": "from components.upload_model import upload_model\n\n"
            "def test_upload():\n    assert upload_model('u') == 'u'\n",
            "tests/test_model_batch_predict.py": "from components.model_batch_predict import model_batch_predict\n\n"
            "def test_batch():\n    assert model_batch_predict('j') == 'j'\n",
        },
        F,
    ),
    # ... while a module named for its model is model code
    (
        "model-unit-tests",
        "xgboost-model-module",
        {
            "components/__init__.py": "",
            "components/xgboost_model.py": "def build():\n    return 1\n",
            "tests/test_xgboost_model.py": "from components.xgboost_model import build\n\n"
            "def test_build():\n    assert build() == 1\n",
        },
        P,
    ),
    # pipeline-integration-test ------------------------------------------------------------------
    ("pipeline-integration-test", "ci-dvc-repro", {".github/workflows/ci.yml": wf("dvc repro")}, P),
    # a pipeline runner's console script, hyphenated (the SageMaker project template's
    # `run-pipeline --module-name pipelines.x.pipeline`, YangLIN1997/AWS-MLOps-CI; reviewed)
    (
        "pipeline-integration-test",
        "ci-run-pipeline-console-script",
        {".github/workflows/ci.yml": wf("run-pipeline --module-name pipelines.lr.pipeline")},
        P,
    ),
    # a one-epoch Hydra/Dora run held in a Makefile variable, run by CI through a target
    # (facebookresearch/audiocraft Makefile:1,30-31; reviewed) ...
    (
        "pipeline-integration-test",
        "ci-make-variable-one-epoch-override",
        {
            ".github/workflows/ci.yml": wf("make tests_integ"),
            "Makefile": "INTEG=DIR=/tmp/x python3 -m dora -v run device=cpu optim.epochs=1 \\\n"
            "\tdataset.train.num_samples=10\n"
            "INTEG_LM = $(INTEG) solver=lm/debug\n\n"
            "tests_integ:\n\t$(INTEG_LM)\n",
        },
        P,
    ),
    # ... not a full-length run so held
    (
        "pipeline-integration-test",
        "fp-ci-make-variable-full-run",
        {
            ".github/workflows/ci.yml": wf("make train"),
            "Makefile": "RUN=python3 -m dora run optim.epochs=100\n\ntrain:\n\t$(RUN)\n",
        },
        F,
    ),
    # a run of two epochs of the project's entry point on every change (RUCAIBox/RecBole
    # python-package.yml:55; reviewed) ...
    (
        "pipeline-integration-test",
        "ci-two-epoch-run",
        {
            "recsys/trainer.py": "import torch\n\ndef fit(model, opt):\n    opt.step()\n",
            ".github/workflows/ci.yml": wf("python run_recsys.py --model=BPR --epochs=2"),
        },
        P,
    ),
    # ... not a full-length run of a script that is not named for training, nor a flag of
    # another program (the traps)
    (
        "pipeline-integration-test",
        "fp-long-run-and-foreign-flag",
        {
            "recsys/trainer.py": "import torch\n\ndef fit(model, opt):\n    opt.step()\n",
            ".github/workflows/ci.yml": wf("python run_recsys.py --epochs 100\nbench --epochs=2"),
        },
        F,
    ),
    # a framework's training command on every PR (RasaHQ/rasa-demo continuous_integration.yml:232)
    (
        "pipeline-integration-test",
        "ci-rasa-train",
        {".github/workflows/ci.yml": wf("rasa train"), "config.yml": "pipeline: []\n"},
        P,
    ),
    # the trap: a training command named in a CI echo of a word that is no framework
    (
        "pipeline-integration-test",
        "fp-ci-echo-train",
        {".github/workflows/ci.yml": wf("echo model train done"), "train.py": "import torch\n"},
        F,
    ),
    # a test of pipeline parallelism splits a model across devices: no ML pipeline (huggingface/
    # nanotron tests/test_pipeline_parallel.py, reviewed); a pipeline test still is one
    (
        "pipeline-integration-test",
        "fp-pipeline-parallel-test",
        {
            "tests/test_pipeline_parallel.py": "from pkg import pp\n\ndef test_pp():\n    assert pp.split(2)\n"
        },
        F,
    ),
    (
        "pipeline-integration-test",
        "pipeline-test",
        {
            "tests/test_pipeline.py": "from pkg import flow\n\ndef test_flow():\n    assert flow.run()\n"
        },
        P,
    ),
    # ... one that runs a stage named for the pipeline (dbobo4/mlops-churn-prediction-pipeline
    # tests/test_of_train_and_inference_pipeline.py:37 `preprocessing_pipeline(df)`)
    (
        "pipeline-integration-test",
        "pipeline-test-runs-a-pipeline-stage",
        {
            "tests/test_train_pipeline.py": "from model import MLModel\n\ndef test_acc():\n"
            "    m = MLModel()\n    df = m.preprocessing_pipeline(load())\n    assert m.score(df) > 0.5\n"
        },
        P,
    ),
    # the trap: a module named for the data pipeline that unit-tests the data script's helpers
    # (Times0/mlops-end-to-end tests/test_data_pipeline.py: split_dataset, validate_dataset) ...
    (
        "pipeline-integration-test",
        "fp-pipeline-named-unit-tests",
        {
            "src/data_pipeline.py": "def split_dataset(d):\n    return d\n",
            "tests/test_data_pipeline.py": "from src.data_pipeline import split_dataset\n\n"
            "def test_split(tmp_path):\n    assert split_dataset(tmp_path)\n",
        },
        F,
    ),
    # ... and one that builds a scikit-learn pipeline and fits it on three rows (ml_ops2
    # tests/test_pipeline.py:32-43 `create_pipeline(...)`, `pipeline.fit(X, y)`; reviewed)
    (
        "pipeline-integration-test",
        "fp-pipeline-named-model-unit-test",
        {
            "tests/test_pipeline.py": "from src.models.pipeline import create_pipeline\n\n"
            "def test_fit():\n    pipeline = create_pipeline(['a'], ['b'])\n    pipeline.fit(X, y)\n"
            "    assert len(pipeline.predict(X)) == 3\n"
        },
        F,
    ),
    # a test runs the spaCy project's workflow (explosion/projects test_project_ner_demo.py:9)
    (
        "pipeline-integration-test",
        "spacy-project-run",
        {
            "pipelines/ner/test_project.py": "from spacy.cli.project.run import project_run\n\n\n"
            "def test_all(tmp_path):\n    project_run(tmp_path, 'all', capture=True)\n"
        },
        P,
    ),
    # the trap: the workflow run by a script, not a test, tests nothing
    (
        "pipeline-integration-test",
        "fp-project-run-in-a-script",
        {
            "scripts/run.py": "from spacy.cli.project.run import project_run\nproject_run(root, 'all')\n"
        },
        F,
    ),
    # CI submits the real pipelines and waits (teamdatatonic/vertex-pipelines-end-to-end-samples
    # cloudbuild/e2e-test.yaml:48-49 `make run pipeline=training wait=true` -> Makefile:101)
    (
        "pipeline-integration-test",
        "ci-trigger-pipeline",
        {
            ".github/workflows/ci.yml": wf("make run pipeline=training"),
            "Makefile": "run:\n\tpython -m pipelines.utils.trigger_pipeline --wait\n",
        },
        P,
    ),
    (
        "pipeline-integration-test",
        "makefile-smoke",
        {
            ".github/workflows/ci.yml": wf("make smoke"),
            "Makefile": "smoke:\n\tpython src/run.py --smoke\n",
        },
        P,
    ),
    (
        "pipeline-integration-test",
        "tests-integration",
        {"tests/integration/test_pipeline.py": TEST_OK},
        P,
    ),
    # an end-to-end test in a sub-folder of tests/ (facebookresearch/detectron2
    # tests/modeling/test_model_e2e.py); a file that only contains the letters is the trap
    (
        "pipeline-integration-test",
        "nested-e2e",
        {"tests/modeling/test_model_e2e.py": TEST_OK},
        P,
    ),
    (
        "pipeline-integration-test",
        "fp-e2e-outside-tests",
        {"src/e2e_helpers.py": "def f():\n    return 1\n"},
        F,
    ),
    # `?` in a glob is one character: `integration[-_]tests?/` matched no such folder
    # (huggingface/text-generation-inference integration-tests/, reviewed)
    (
        "pipeline-integration-test",
        "integration-tests-folder",
        {"integration-tests/models/test_llama.py": TEST_OK},
        P,
    ),
    (
        "pipeline-integration-test",
        "integration-test-folder",
        {"integration_test/test_flow.py": TEST_OK},
        P,
    ),
    # abbreviated (marqo-ai/marqo tests/tensor_search/integ_tests/; reviewed) ...
    (
        "pipeline-integration-test",
        "integ-tests-folder",
        {"tests/tensor_search/integ_tests/test_add_documents.py": TEST_OK},
        P,
    ),
    # ... not a module whose name merely starts so
    (
        "pipeline-integration-test",
        "fp-integer-tests",
        {"tests/integer_tests/test_parse.py": TEST_OK},
        F,
    ),
    ("pipeline-integration-test", "lint-only", {".github/workflows/ci.yml": wf("ruff check .")}, F),
    (
        "pipeline-integration-test",
        "lightning-fast-dev-run-test",
        {
            "tests/test_train.py": (
                "from src.train import train\n\n"
                "def test_train_fast_dev_run(cfg):\n"
                "    cfg.trainer.fast_dev_run = True\n"
                "    train(cfg)\n"
            )
        },
        P,
    ),
    (
        "pipeline-integration-test",
        "lightning-trainer-kwarg-test",
        {
            "tests/test_model.py": (
                "from lightning import Trainer\n\n"
                "def test_fit(model):\n"
                "    Trainer(fast_dev_run=True).fit(model)\n"
            )
        },
        P,
    ),
    # a few training steps in a test (amazon-science/chronos-forecasting test/test_chronos2.py:798)
    (
        "pipeline-integration-test",
        "fit-for-a-few-steps-test",
        {
            "test/test_pipeline.py": (
                "from chronos import Chronos2Pipeline\n\n"
                "def test_fit(pipeline, inputs):\n"
                "    tuned = pipeline.fit(inputs, prediction_length=8, num_steps=5)\n"
                "    assert tuned is not None\n"
            )
        },
        P,
    ),
    (
        "pipeline-integration-test",
        "lightning-one-epoch-test",
        {
            "tests/test_model.py": (
                "from lightning import Trainer\n\n"
                "def test_fit(model):\n"
                "    Trainer(max_epochs=1, accelerator='cpu').fit(model)\n"
            )
        },
        P,
    ),
    # a training config with a tiny budget and the entry it is given, in one test file
    # (stanford-crfm/levanter tests/test_train_lm.py:33,40)
    (
        "pipeline-integration-test",
        "config-with-a-few-steps-and-entry-test",
        {
            "tests/test_train_lm.py": (
                "import pkg.main.train_lm as train_lm\n\n"
                "def test_train_lm():\n"
                "    config = train_lm.TrainLmConfig(\n"
                "        trainer=train_lm.TrainerConfig(num_train_steps=2, train_batch_size=1),\n"
                "    )\n"
                "    train_lm.main(config)\n"
            )
        },
        P,
    ),
    # ... or a budget set on a config object the entry is then given (nerfstudio-project/
    # nerfstudio tests/test_train.py:42,81; reviewed) ...
    (
        "pipeline-integration-test",
        "config-attribute-with-a-few-iterations-and-entry-test",
        {
            "tests/test_train.py": (
                "from pkg.train import train_loop\nfrom pkg.configs import method_configs\n\n"
                "def test_train():\n"
                "    config = method_configs['nerfacto']\n"
                "    config.max_num_iterations = 2\n"
                "    train_loop(local_rank=0, world_size=0, config=config)\n"
            )
        },
        P,
    ),
    # ... not a full-length budget set so
    (
        "pipeline-integration-test",
        "fp-config-attribute-full-length",
        {
            "tests/test_train.py": (
                "from pkg.train import train_loop\n\n"
                "def test_train(config):\n"
                "    config.max_num_iterations = 30000\n"
                "    train_loop(config=config)\n"
            )
        },
        F,
    ),
    # ... not a config's parsing tested with no entry called
    (
        "pipeline-integration-test",
        "fp-config-with-budget-no-entry",
        {
            "tests/test_config.py": (
                "from pkg.config import TrainerConfig\n\n"
                "def test_parse():\n"
                "    assert TrainerConfig(num_train_steps=2).num_train_steps == 2\n"
            )
        },
        F,
    ),
    # a plain fit in a unit test, or a full-length run configured in a test, is no smoke run
    (
        "pipeline-integration-test",
        "fp-fit-without-budget-in-test",
        {
            "tests/test_model.py": (
                "from sklearn.linear_model import LinearRegression\n\n"
                "def test_fit(x, y):\n"
                "    assert LinearRegression().fit(x, y) is not None\n"
            )
        },
        F,
    ),
    (
        "pipeline-integration-test",
        "fp-budgeted-fit-outside-tests",
        {"src/train.py": "def run(model, data):\n    return model.fit(data, num_steps=5)\n"},
        F,
    ),
    (
        "pipeline-integration-test",
        "fp-fast-dev-run-off-in-src",
        {"src/train.py": "from lightning import Trainer\n\nTrainer(fast_dev_run=False)\n"},
        F,
    ),
    (
        "pipeline-integration-test",
        "fp-publishing-is-not-running",
        {".github/workflows/ci.yml": wf("python -m pipelines.build_train_pipeline --publish")},
        F,
    ),
    (
        "pipeline-integration-test",
        "fp-scheduled-training-and-empty-folder",
        {
            ".github/workflows/ct.yml": wf(
                "python train.py", on="\n  schedule:\n    - cron: '0 3 * * 1'"
            ),
            "tests/integration/__init__.py": "",
        },
        F,
    ),
    # model-quality-gate -------------------------------------------------------------------------
    # TFX's ModelValidator blesses a model only when it beats the last blessed one
    # (Abdullahi-Ahmed/TFX-KubeFlow-GithubAction-GCP pipeline/pipeline.py:80; reviewed)
    (
        "model-quality-gate",
        "tfx-model-validator",
        {
            "pipeline/pipeline.py": "from tfx.components import ModelValidator, Trainer\n"
            "trainer = Trainer(module_file='m.py')\n"
            "validator = ModelValidator(examples=e, model=trainer.outputs['model'])\n"
        },
        P,
    ),
    # the registry's default version moves only when the challenger wins
    # (teamdatatonic/vertex-pipelines-end-to-end-samples upload_model.py:103-123)
    (
        "model-quality-gate",
        "vertex-champion-challenger",
        {
            "train.py": "from sklearn.linear_model import LinearRegression\nLinearRegression().fit(X, y)\n",
            "components/upload_model.py": "from google.cloud import aiplatform as aip\n"
            "wins = challenger < champion\n"
            "aip.Model.upload(display_name='m', is_default_version=wins)\n",
        },
        P,
    ),
    # the trap: every upload made the default, whatever it scored
    (
        "model-quality-gate",
        "fp-vertex-always-default",
        {
            "train.py": "from sklearn.linear_model import LinearRegression\nLinearRegression().fit(X, y)\n",
            "components/upload_model.py": "from google.cloud import aiplatform as aip\n"
            "aip.Model.upload(display_name='m', is_default_version=True)\n",
        },
        F,
    ),
    # a hand-written champion/challenger step that stops the run when the new model is not
    # better (microsoft/MLOpsPython evaluate_model.py:139-146, reviewed) ...
    (
        "model-quality-gate",
        "hand-written-champion-challenger",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "evaluate/evaluate_model.py": "if new_model_mse < production_model_mse:\n"
            "    print('better')\nelse:\n    run.parent.cancel()\n",
        },
        P,
    ),
    # the Staging model against the Production one, archived or promoted on the result
    # (niall-turbitt/e2e-mlops telco_churn/model_deployment.py:145-158; reviewed)
    (
        "model-quality-gate",
        "staging-against-production",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "model_deployment.py": "if staging_eval_metric <= production_eval_metric:\n"
            "    client.transition_model_version_stage(name, v, stage='archived')\nelse:\n"
            "    client.transition_model_version_stage(name, v, stage='production')\n",
        },
        P,
    ),
    # the gain over the champion held to a floor, the promotion decided on it
    # (shiva-shivanibokka/ML-System-Design-Retraining-Pipeline validation/validator.py:281,322)
    (
        "model-quality-gate",
        "gain-over-champion-decides-promotion",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "validation/validator.py": "def decide(decision, challenger_auc, champion_auc, min_imp):\n"
            "    decision.floor_ok = (challenger_auc - champion_auc) >= min_imp\n"
            "    decision.promoted = decision.floor_ok\n",
        },
        P,
    ),
    # the new run's bare metric against the production model's, the alias moved on it
    # (morenoblue/mlops_test3 src/train.py:65,70; reviewed) ...
    (
        "model-quality-gate",
        "bare-metric-against-production",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "promote.py": "def promote(c, rmse, prod_rmse, v):\n    better = rmse <= prod_rmse\n"
            "    if better:\n        c.set_registered_model_alias('m', 'staging', v)\n",
        },
        P,
    ),
    # ... not a bare loss against a best loss kept by a training loop (a checkpoint, no gate)
    (
        "model-quality-gate",
        "fp-loss-against-best-checkpoint",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "loop.py": "def step(loss, best_loss, save):\n    if loss < best_loss:\n"
            "        save()\n    raise_if_nan = None\n",
        },
        F,
    ),
    # ... not the gain only printed
    (
        "model-quality-gate",
        "fp-gain-only-printed",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "validation/report.py": "def show(challenger_auc, champion_auc):\n"
            "    print(f'delta {challenger_auc - champion_auc:.4f}')\n"
            "    promoted = None\n",
        },
        F,
    ),
    # a metric held to a baseline, the run stopped below it (davesamer/ml-ops-test-project
    # code/model_validation.py:12-15; reviewed)
    (
        "model-quality-gate",
        "metric-against-baseline-raises",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "code/model_validation.py": "def against_baseline(test_accuracy, baseline_accuracy=0.8):\n"
            "    if test_accuracy is None or test_accuracy <= baseline_accuracy:\n"
            "        raise ValueError('worse than the baseline')\n",
        },
        P,
    ),
    # a metric held to a floor, the script's exit code failing the CI step
    # (samfash/cloud-cost-mlops-platform scripts/check_metrics_gate.py:36-41; reviewed)
    (
        "model-quality-gate",
        "metric-against-floor-exits",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "scripts/gate.py": "def main(r2, r2_floor=0.9):\n    if r2 < r2_floor:\n"
            "        return 2\n    return 0\n\n\nraise SystemExit(main(0.5))\n",
        },
        P,
    ),
    # ... not a floor clamped in a computation that stops nothing
    (
        "model-quality-gate",
        "fp-floor-clamped",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "scripts/report.py": "def show(loss, loss_floor=0.0):\n    if loss < loss_floor:\n"
            "        loss = loss_floor\n    print(loss)\n",
        },
        F,
    ),
    # ... not a baseline compared in a file that only raises before the comparison
    (
        "model-quality-gate",
        "fp-baseline-raise-before",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "report.py": "def show(cfg, test_accuracy, baseline_accuracy):\n"
            "    if cfg is None:\n        raise ValueError('no config')\n"
            "    if test_accuracy > baseline_accuracy:\n        print('better')\n",
        },
        F,
    ),
    # ... not a comparison printed and nothing done about it
    (
        "model-quality-gate",
        "fp-comparison-only-printed",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "evaluate/report.py": "if new_model_mse < production_model_mse:\n    print('better')\n",
        },
        F,
    ),
    # ... nor learning rates compared in a file that raises
    (
        "model-quality-gate",
        "fp-learning-rate-comparison",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "sched.py": "if new_lr > best_lr:\n    raise ValueError('lr grew')\n",
        },
        F,
    ),
    # a metric held to a configured threshold, the model rejected below it (ThoughtWorksInc/
    # CD4ML-Scenarios scripts/acceptance.py:30,61; reviewed) ...
    (
        "model-quality-gate",
        "metric-threshold-acceptance",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "scripts/acceptance.py": "def check(metric_value, threshold_min, threshold_max):\n"
            "    accepted = threshold_min <= metric_value <= threshold_max\n"
            "    if not accepted:\n        raise ModelNotAcceptedError('r2 too low')\n",
        },
        P,
    ),
    # ... not a prediction's decision threshold in a file that raises elsewhere
    (
        "model-quality-gate",
        "fp-decision-threshold",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "serve/predict.py": "def predict(score, threshold):\n    label = score > threshold\n"
            "    if label is None:\n        raise ValueError('no label')\n    return label\n",
        },
        F,
    ),
    # ... nor a step skipped when its loss is over a threshold, in a file whose only raise
    # comes before the comparison (stanford-crfm/levanter src/levanter/optim/skipstep.py:100,150)
    (
        "model-quality-gate",
        "fp-skipped-step-raise-before",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "optim/skipstep.py": "def build(config):\n    if not isinstance(config, dict):\n"
            "        raise ValueError('bad config')\n\n\n"
            "def update(loss, loss_threshold, updates):\n"
            "    loss_ok = loss <= loss_threshold\n    return updates if loss_ok else None\n",
        },
        F,
    ),
    # ... nor a memory threshold whose name holds `acc` (huggingface/peft method_comparison/
    # MetaMathQA/utils.py:193 `accelerator_memory_init > ..._THRESHOLD`)
    (
        "model-quality-gate",
        "fp-accelerator-memory-threshold",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "bench/utils.py": "def init(accelerator_memory_init, MEMORY_THRESHOLD):\n"
            "    if accelerator_memory_init > MEMORY_THRESHOLD:\n        raise RuntimeError('oom')\n",
        },
        F,
    ),
    # a trained metric model's correlation with human scores held to a bar, run by CI
    # (Unbabel/COMET test_regression_metric.py:88) ...
    (
        "model-quality-gate",
        "correlation-threshold",
        {
            "pkg/model.py": "def fit(x):\n    return x\n",
            "tests/test_model.py": "from scipy.stats import pearsonr\nfrom pkg.model import fit\n\n"
            "def test_fit():\n    y = fit([1, 2])\n    assert pearsonr(y, [1, 2])[0] > 0.85\n",
            ".github/workflows/ci.yml": wf("pytest"),
        },
        P,
    ),
    # ... not a correlation asserted to be computed at all
    (
        "model-quality-gate",
        "fp-correlation-above-zero",
        {
            "pkg/model.py": "def fit(x):\n    return x\n",
            "tests/test_model.py": "from scipy.stats import pearsonr\nfrom pkg.model import fit\n\n"
            "def test_fit():\n    y = fit([1, 2])\n    assert pearsonr(y, [1, 2])[0] > 0\n",
            ".github/workflows/ci.yml": wf("pytest"),
        },
        F,
    ),
    (
        "model-quality-gate",
        "mlflow-thresholds",
        {
            "evaluate.py": "import mlflow\nth = {}\n"
            "mlflow.evaluate(model='m', data=df, targets='y', validation_thresholds=th)\n"
        },
        P,
    ),
    (
        "model-quality-gate",
        "dvc-metrics-gate",
        {
            ".github/workflows/ci.yml": wf(
                "dvc metrics diff --json > d.json\npython scripts/check_metrics.py d.json"
            )
        },
        P,
    ),
    (
        "model-quality-gate",
        "dummy-baseline-in-ci",
        {
            "tests/test_baseline.py": "from sklearn.dummy import DummyClassifier\n\n"
            "def test_beats_baseline(model, X, y):\n"
            "    base_score = DummyClassifier().fit(X, y).score(X, y)\n"
            "    assert model.score(X, y) > base_score\n",
            ".github/workflows/ci.yml": wf("pytest"),
        },
        P,
    ),
    # a dummy standing in for a model to exercise a helper holds nothing to a bar
    # (deepakj111/customer-churn-mlops tests/unit/test_advanced_models.py:49; reviewed)
    (
        "model-quality-gate",
        "fp-dummy-as-a-stand-in",
        {
            "tests/test_curves.py": "from sklearn.dummy import DummyClassifier\n\n"
            "def test_curves():\n    report = curves(DummyClassifier(strategy='prior'))\n"
            "    assert len(report.sizes) == 2\n    assert len(report.train_scores) > 0\n",
            ".github/workflows/ci.yml": wf("pytest"),
        },
        F,
    ),
    ("model-quality-gate", "none", {"train.py": "x = 1\n"}, F),
    # held-out metrics asserted against thresholds in a test CI runs (eugeneyan/testing-ml
    # tests/tree/test_decision_tree_3eval.py:27-28); not run by CI: partial
    (
        "model-quality-gate",
        "metric-threshold-test-in-ci",
        {
            "tests/test_eval.py": METRIC_TEST,
            ".github/workflows/ci.yml": wf("pytest"),
        },
        P,
    ),
    (
        "model-quality-gate",
        "metric-threshold-test-not-in-ci",
        {"tests/test_eval.py": METRIC_TEST},
        H,
    ),
    # CI runs tests, but not the folder holding the bar (trainindata/deploying-machine-
    # learning-models assignment-section-05/tests/test_prediction.py:27; reviewed): partial
    (
        "model-quality-gate",
        "metric-threshold-test-in-a-folder-ci-skips",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "section-05/tests/test_eval.py": METRIC_TEST,
            "api/tests/test_api.py": TEST_OK,
            ".github/workflows/ci.yml": wf("pytest api/tests"),
        },
        H,
    ),
    # ... nor when the step runs the runner's discovery in another folder
    (
        "model-quality-gate",
        "metric-threshold-test-discovered-in-another-folder",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "section-05/tests/test_eval.py": METRIC_TEST,
            "api/tests/test_api.py": TEST_OK,
            ".github/workflows/ci.yml": wf(
                "pytest", extra="    defaults:\n      run:\n        working-directory: api\n"
            ),
        },
        H,
    ),
    # ... but the discovery in the bar's own folder runs it (the trap)
    (
        "model-quality-gate",
        "metric-threshold-test-discovered-in-its-folder",
        {
            "train.py": "from sklearn.linear_model import Ridge\nRidge().fit(X, y)\n",
            "section-05/tests/test_eval.py": METRIC_TEST,
            ".github/workflows/ci.yml": wf(
                "pytest", extra="    defaults:\n      run:\n        working-directory: section-05\n"
            ),
        },
        P,
    ),
    # FP: a unit test of the metric code itself (an exact equality), a training sanity test
    # (the loss below the prior's: examples/scripted-pipeline tests/test_model.py:22), and a
    # metric outside tests
    (
        "model-quality-gate",
        "fp-metric-equality-and-script",
        {
            "tests/test_metrics.py": "from sklearn.metrics import accuracy_score, log_loss\n\n"
            "def test_acc():\n    acc = accuracy_score([1, 0], [1, 0])\n    assert acc == 1.0\n\n"
            "def test_training_reduces_loss(x, y):\n    prior = log_loss(y, base)\n"
            "    assert log_loss(y, model.predict_proba(x)) < prior\n",
            "evaluate.py": "from sklearn.metrics import accuracy_score\n"
            "acc = accuracy_score(y, p)\nassert acc > 0.8\n",
            ".github/workflows/ci.yml": wf("pytest"),
        },
        F,
    ),
    # FP: a bar of zero only says the metric was computed (huggingface/setfit
    # tests/span/test_trainer.py:21)
    (
        "model-quality-gate",
        "fp-zero-bar",
        {
            "tests/test_trainer.py": "def test_eval(trainer):\n    metrics = trainer.evaluate()\n"
            "    assert metrics['accuracy'] > 0.0\n    assert 0 < metrics['f1']\n",
            ".github/workflows/ci.yml": wf("pytest"),
        },
        F,
    ),
    (
        "model-quality-gate",
        "fp-cml-report-only",
        {
            ".github/workflows/cml.yml": wf(
                "dvc metrics diff main --md > report.md\ncml comment create report.md"
            )
        },
        H,
    ),
    (
        "model-quality-gate",
        "fp-evaluate-without-thresholds",
        {"evaluate.py": "import mlflow\nmlflow.evaluate(model='m', data=df, targets='y')\n"},
        F,
    ),
    # slice-fairness ----------------------------------------------------------------------------------
    (
        "slice-fairness",
        "metricframe",
        {
            "eval.py": "from fairlearn.metrics import MetricFrame\nMetricFrame(metrics=m, y_true=y, y_pred=p)\n"
        },
        P,
    ),
    ("slice-fairness", "none", {"eval.py": "x = 1\n"}, F),
    ("slice-fairness", "fp-import-only", {"eval.py": "import fairlearn\n"}, F),
    (
        "slice-fairness",
        "tfma-feature-slices",
        {
            "eval.py": "import tensorflow_model_analysis as tfma\n"
            "specs = [tfma.SlicingSpec(), tfma.SlicingSpec(feature_keys=['trip_month'])]\n"
        },
        P,
    ),
    # GoogleCloudPlatform/mlops-with-vertex-ai training_pipeline.py:201: the overall slice only
    (
        "slice-fairness",
        "fp-tfma-overall-slice",
        {"eval.py": "import tensorflow_model_analysis as tfma\nspecs = [tfma.SlicingSpec()]\n"},
        F,
    ),
    # serving-contract-test ----------------------------------------------------------------------
    (
        "serving-contract-test",
        "testclient",
        {
            "app.py": FASTAPI_APP,
            "tests/test_api.py": "from fastapi.testclient import TestClient\nfrom app import app\n\n"
            "def test_predict():\n    assert TestClient(app).post('/predict').status_code == 200\n",
        },
        P,
    ),
    ("serving-contract-test", "none", {"app.py": FASTAPI_APP, "tests/test_a.py": TEST_OK}, F),
    # a test-folder script no Python can run holds no contract test: its syntax error does not
    # make the absence unknown (GFiaMon/eurusd-mlops-pipeline tests/clean_reg_orphans.py:1
    # `simport mlflow`; reviewed) ...
    (
        "serving-contract-test",
        "none-beside-a-broken-script",
        {
            "app.py": FASTAPI_APP,
            "tests/test_a.py": TEST_OK,
            "tests/clean.py": "simport mlflow\nimport requests\nrequests.post('http://localhost:8000/predict')\n",
        },
        F,
    ),
    # ... but Python 2 code runs under Python 2: what it holds is unread
    (
        "serving-contract-test",
        "python2-script-unread",
        {
            "app.py": FASTAPI_APP,
            "tests/test_a.py": TEST_OK,
            "tests/smoke.py": "import requests\nprint requests.post('http://localhost:8000/predict')\n",
        },
        U,
    ),
    # another framework's test client (evidentlyai/evidently tests/ui/conftest.py:9,44)
    (
        "serving-contract-test",
        "litestar-testclient",
        {
            "app.py": "from litestar import Litestar\napp = Litestar([])\n",
            "tests/test_api.py": "from litestar.testing import TestClient\nfrom app import app\n\n"
            "def test_projects():\n    assert TestClient(app).get('/api').status_code == 200\n",
        },
        P,
    ),
    # a test posting to the server it started locally (Lightning-AI/litgpt tests/test_serve.py)
    (
        "serving-contract-test",
        "post-to-localhost",
        {
            "app.py": FASTAPI_APP,
            "tests/test_serve.py": "import requests\n\ndef test_chat():\n"
            "    r = requests.post('http://127.0.0.1:8000/v1/chat', json={})\n    assert r.ok\n",
        },
        P,
    ),
    # ... not a load generator posting to it: it counts answers, it checks no contract
    # (JJ-C/ml-deployment poc/load_test.py:38; reviewed)
    (
        "serving-contract-test",
        "fp-load-generator",
        {
            "app.py": FASTAPI_APP,
            "poc/load_test.py": "import requests\n\nAPI_URL = 'http://localhost:8000/predict'\n\n\n"
            "def send():\n    r = requests.post('http://localhost:8000/predict', json={}, timeout=5)\n"
            "    return r.status_code == 200\n",
        },
        F,
    ),
    # ... nor a script that posts to it and prints what came back, asserting nothing
    # (dr563105/mlops-project-grocery-sales deployment/webservice-flask/test_requests.py:7-8)
    (
        "serving-contract-test",
        "fp-post-and-print",
        {
            "app.py": FASTAPI_APP,
            "tests/test_requests.py": "import requests\n\n"
            "r = requests.post('http://localhost:9696/predict', json={'x': 1})\nprint(r.json())\n",
        },
        F,
    ),
    # the URL in a variable assigned just before (DataTalksClub/mlops-zoomcamp
    # integraton-test/test_docker.py:12-13)
    (
        "serving-contract-test",
        "post-to-localhost-through-a-variable",
        {
            "app.py": FASTAPI_APP,
            "integration_test/test_docker.py": "import requests\n\n"
            "url = 'http://localhost:8080/2015-03-31/functions/function/invocations'\n"
            "actual = requests.post(url, json=event).json()\nassert actual == expected\n",
        },
        P,
    ),
    # FP: a contract test skipped outright never runs (explosion/projects
    # integrations/fastapi/test_project_fastapi.py:7); one skipped on some platform does
    (
        "serving-contract-test",
        "fp-skipped-test",
        {
            "app.py": FASTAPI_APP,
            "tests/test_api.py": "import pytest\nfrom fastapi.testclient import TestClient\n\n"
            "@pytest.mark.skip(reason='Import currently fails')\ndef test_api():\n"
            "    client = TestClient(app)\n    assert client.post('/predict').ok\n",
        },
        F,
    ),
    # ... however far the skip stands above its `def` (EleutherAI/gpt-neox
    # tests/model/test_model_train.py:52-59, a skip over a multi-line parametrize)
    (
        "serving-contract-test",
        "fp-skipped-test-above-parametrize",
        {
            "app.py": FASTAPI_APP,
            "tests/test_api.py": "import pytest\nfrom fastapi.testclient import TestClient\n\n"
            "@pytest.mark.skip(reason='slow')\n@pytest.mark.parametrize(\n    'x',\n    [\n"
            "        1,\n        2,\n    ],\n)\ndef test_api(x):\n"
            "    client = TestClient(app)\n    assert client.post('/predict').ok\n",
        },
        F,
    ),
    (
        "serving-contract-test",
        "skipif-still-runs",
        {
            "app.py": FASTAPI_APP,
            "tests/test_api.py": "import sys\nimport pytest\nfrom fastapi.testclient import TestClient\n\n"
            "@pytest.mark.skipif(sys.platform == 'win32', reason='posix')\ndef test_api():\n"
            "    client = TestClient(app)\n    assert client.post('/predict').ok\n",
        },
        P,
    ),
    # the functions pytest is told to collect (`python_functions = ["test_*", "it_*"]`:
    # William-Fernandes252/loan-default-prediction experimentos/pyproject.toml:69-70; reviewed)
    # ... and without that setting, an `it_*` function is no test
    (
        "unit-tests",
        "pytest-collects-it-functions",
        {
            "pkg/pyproject.toml": "[tool.pytest.ini_options]\npython_functions = ['test_*', 'it_*']\n",
            "pkg/src/calc.py": "def add(a, b):\n    return a + b\n",
            "pkg/tests/test_calc.py": DESCRIBE_TEST,
        },
        P,
    ),
    (
        "unit-tests",
        "fp-it-functions-without-the-setting",
        {
            "pkg/src/calc.py": "def add(a, b):\n    return a + b\n",
            "pkg/tests/test_calc.py": DESCRIBE_TEST,
        },
        F,
    ),
    (
        "unit-tests",
        "pytest-ini-collects-should-functions",
        {
            "pytest.ini": "[pytest]\npython_functions = should_*\n",
            "src/calc.py": "def add(a, b):\n    return a + b\n",
            "tests/test_calc.py": DESCRIBE_TEST.replace("it_adds", "should_add"),
        },
        P,
    ),
    # FP: a test that builds a DataFrame in memory and asserts it exists tests nothing of the
    # project (mlrun/demo-fraud tests/test_data_prep.py:7-9)
    (
        "unit-tests",
        "fp-in-memory-data-only",
        {
            "tests/test_prep.py": "import unittest\nimport pandas as pd\n\n"
            "class T(unittest.TestCase):\n    def test_(self):\n        data = self.get_data()\n"
            "        assert data is not None\n\n    def get_data(self):\n"
            "        return pd.DataFrame({'a': [1, 2]})\n"
        },
        H,
    ),
    # FP: tests whose every assertion is on constants hold whatever the project does
    # (deaneeth/telco-churn-mlops-pipeline notebooks/tests/test_api_endpoints.py:14-18; reviewed)
    (
        "unit-tests",
        "fp-constant-assertions",
        {
            "tests/test_api.py": "import unittest, sys, json\nfrom pathlib import Path\n"
            "sys.path.append(str(Path(__file__).parent))\n\nclass T(unittest.TestCase):\n"
            "    def test_health(self): self.assertTrue(True)\n"
            "    def test_predict(self): self.assertEqual(1, 1)\n"
        },
        H,
    ),
    # ... nor do tests that import the project and assert the names exist (elaminemouhamadali/
    # geospatial-mlops-pipeline tests/test_imports_base.py:1-26; reviewed) ...
    (
        "unit-tests",
        "fp-import-only-assertions",
        {
            "tests/test_imports.py": "def test_imports():\n    import geo_mlops\n    import numpy as np\n"
            "    from geo_mlops.core import gate\n\n    assert geo_mlops is not None\n"
            "    assert np is not None and gate is not None\n    assert 1 + 1 == 2\n"
        },
        H,
    ),
    # ... but a value the project computed, checked to exist, is a test
    (
        "unit-tests",
        "assertion-on-a-computed-value",
        {
            "tests/test_gate.py": "from geo_mlops.core import gate\n\n\ndef test_gate():\n"
            "    result = gate.evaluate({'iou': 0.9})\n    assert result is not None\n"
        },
        P,
    ),
    # ... an assertion on what the project returns is one
    (
        "unit-tests",
        "assertion-on-the-project",
        {
            "tests/test_api.py": "import unittest\nfrom app import health\n\nclass T(unittest.TestCase):\n"
            "    def test_health(self): self.assertTrue(health())\n"
            "    def test_ok(self): self.assertTrue(True)\n"
        },
        P,
    ),
    # ... but one that reads the project's data and asserts on it is a test
    (
        "unit-tests",
        "reads-the-data",
        {
            "tests/test_prep.py": "import pandas as pd\n\ndef test_rows():\n"
            "    data = pd.read_csv('data/rows.csv')\n    assert len(data) > 0\n"
        },
        P,
    ),
    # ... so does `from package import name` where the package has neither a module nor a
    # name of that name (irod973/bentoml-demo tests/test_scripts.py:3, left by the template)
    (
        "unit-tests",
        "fp-imports-a-name-the-package-lacks",
        {
            "src/demo/__init__.py": '"""Demo."""\n',
            "src/demo/service.py": "def serve():\n    return 1\n",
            "tests/test_scripts.py": "from demo import scripts\n\n\ndef test_main():\n"
            "    assert scripts.main([]) == 0\n",
        },
        H,
    ),
    # ... and `from module import name` where the module has it only in a comment
    (
        "unit-tests",
        "fp-imports-a-name-only-commented-out",
        {
            "src/demo/__init__.py": "",
            "src/demo/core.py": "# def old():\n#     return 0\n\n\ndef new():\n    return 1\n",
            "tests/test_core.py": "from demo.core import old\n\n\ndef test_old():\n"
            "    assert old() == 0\n",
        },
        H,
    ),
    # ... while a name the package's __init__ brings in by a star import may be there
    (
        "unit-tests",
        "imports-a-name-of-a-star-import",
        {
            "src/demo/__init__.py": "from demo.core import *\n",
            "src/demo/core.py": "def scripts():\n    return 0\n",
            "tests/test_scripts.py": "from demo import scripts\n\n\ndef test_main():\n"
            "    assert scripts() == 0\n",
        },
        P,
    ),
    # FP: tests importing a module of the project that no longer exists fail when collected
    # (dagster-io/hooli-data-eng-pipelines hooli_data_eng_tests/test_assets.py:1) ...
    (
        "unit-tests",
        "fp-imports-a-missing-module",
        {
            "src/pkg/__init__.py": "",
            "src/pkg/defs.py": "def orders():\n    return [1]\n",
            "tests/test_assets.py": "from pkg.assets.raw_data import orders\n\n"
            "def test_orders():\n    assert orders() == [1]\n",
        },
        H,
    ),
    # ... while one importing what exists is a test
    (
        "unit-tests",
        "imports-an-existing-module",
        {
            "src/pkg/__init__.py": "",
            "src/pkg/defs.py": "def orders():\n    return [1]\n",
            "tests/test_assets.py": "from pkg.defs import orders\n\n"
            "def test_orders():\n    assert orders() == [1]\n",
        },
        P,
    ),
    (
        "unit-tests",
        "fp-testcase-skipped",
        {
            "tests/test_b.py": "import unittest\n\n@unittest.skip('broken')\n"
            "class T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(1, 1)\n"
        },
        F,
    ),
    (
        "unit-tests",
        "fp-module-skipped",
        {
            "tests/test_a.py": "import pytest\npytestmark = pytest.mark.skip(reason='x')\n\n"
            "def test_a():\n    assert 1 == 1\n"
        },
        F,
    ),
    # FP: the variable last holds a remote URL, or is another function's local, or a parameter
    (
        "serving-contract-test",
        "fp-variable-reassigned-or-out-of-scope",
        {
            "app.py": FASTAPI_APP,
            "tests/test_remote.py": "import requests\n\n"
            "url = 'http://localhost:8000/predict'\nurl = 'https://api.example.com/predict'\n"
            "requests.post(url, json={})\n\n"
            "def helper():\n    target = 'http://localhost:8000/predict'\n\n"
            "def test_remote(target):\n    assert requests.post(target, json={}).ok\n",
        },
        F,
    ),
    # FP: a health probe, or a call to a remote service, tests no local contract
    (
        "serving-contract-test",
        "fp-health-and-remote",
        {
            "app.py": FASTAPI_APP,
            "tests/test_up.py": "import requests\n\ndef test_up():\n"
            "    assert requests.get('http://localhost:8000/health').ok\n"
            "    assert requests.post('https://api.example.com/predict').ok\n",
        },
        F,
    ),
    # a research repository has no API to test (ashleve/lightning-hydra-template): n/a, not fail
    (
        "serving-contract-test",
        "fp-no-serving-code",
        {"src/train.py": "import torch\n", "tests/test_a.py": TEST_OK},
        Outcome.NOT_APPLICABLE,
    ),
    (
        "serving-contract-test",
        "fp-testclient-outside-tests",
        {"app/debug.py": "from fastapi.testclient import TestClient\nTestClient(app)\n"},
        F,
    ),
    # unit-tests -------------------------------------------------------------------------------------
    ("unit-tests", "pytest", {"tests/test_a.py": TEST_OK}, P),
    (
        "unit-tests",
        "unittest",
        {
            "test/test_b.py": "import unittest\n\nfrom pkg.ops import add\n\n\nclass T(unittest.TestCase):\n"
            "    def test_x(self):\n        self.assertEqual(add(1, 1), 2)\n"
        },
        P,
    ),
    ("unit-tests", "no-assertions", {"tests/test_a.py": "def test_a():\n    pass\n"}, H),
    # the SageMaker project template's stub: only pytest imported, nothing called
    # (aws-samples/mlops-sagemaker-github-actions seedcode/tests/test_pipelines.py:4-6)
    (
        "unit-tests",
        "fp-xfail-stub",
        {
            "tests/test_pipelines.py": "import pytest\n\n\n@pytest.mark.xfail\n"
            "def test_that_you_wrote_tests():\n    assert False, 'No tests written'\n"
        },
        H,
    ),
    # ... nor the template's full file, whose other test only imports the package
    # (YangLIN1997/AWS-MLOps-CI tests/test_pipelines.py:4-10; reviewed)
    (
        "unit-tests",
        "fp-xfail-stub-and-import",
        {
            "pipelines/__init__.py": "",
            "tests/test_pipelines.py": "import pytest\n\n\n@pytest.mark.xfail\n"
            "def test_that_you_wrote_tests():\n    assert False, 'No tests written'\n\n\n"
            "def test_pipelines_importable():\n    import pipelines  # noqa: F401\n",
        },
        H,
    ),
    # ... while an expected failure beside a real assertion leaves a real test
    (
        "unit-tests",
        "xfail-beside-a-real-test",
        {
            "pkg/__init__.py": "def add(a, b):\n    return a + b\n",
            "tests/test_pkg.py": "import pytest\nfrom pkg import add\n\n\n@pytest.mark.xfail\n"
            "def test_known_bug():\n    assert add(1, '1') == 2\n\n\n"
            "def test_add():\n    assert add(1, 1) == 2\n",
        },
        P,
    ),
    # ... nor a unittest case that asserts on constants
    (
        "unit-tests",
        "fp-unittest-constants",
        {
            "test/test_b.py": "import unittest\n\n\nclass T(unittest.TestCase):\n"
            "    def test_x(self):\n        self.assertEqual(1, 1)\n"
        },
        H,
    ),
    ("unit-tests", "none", {"src/a.py": "x = 1\n"}, F),
    (
        "unit-tests",
        "fp-empty-tests-folder-and-cookiecutter",
        {
            "tests/__init__.py": "",
            "tests/helpers.py": "def make():\n    return 1\n",
            "test_environment.py": "import sys\n\ndef main():\n    assert sys.version_info.major == 3\n",
            "test_gpu.py": "import torch\nprint(torch.cuda.is_available())\n",
        },
        F,
    ),
    # tests-in-ci -----------------------------------------------------------------------------------
    # a look at the installed test runner runs no test (deaneeth/telco-churn-mlops-pipeline
    # ci.yml:46-47 `pip show pytest pytest-cov`, `pytest --version`; reviewed) ...
    (
        "tests-in-ci",
        "fp-pip-show-and-version",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf(
                "pip install pytest\npip show pytest pytest-cov\npytest --version"
            ),
        },
        F,
    ),
    # ... the run after it does
    (
        "tests-in-ci",
        "version-then-run",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("pytest --version\npytest -v --cov=src tests"),
        },
        P,
    ),
    # tests run by a script that goes on after them without `set -e`: the job's status is the
    # last command's (GokuMohandas/mlops-course deploy/jobs/workloads.sh) ...
    (
        "tests-in-ci",
        "script-without-errexit",
        {
            "tests/test_a.py": TEST_OK,
            "ci/run.sh": "#!/bin/bash\npytest tests > results.txt\naws s3 cp results.txt s3://b/\n",
            ".github/workflows/ci.yml": wf("bash ci/run.sh"),
        },
        H,
    ),
    # ... with `set -e`, or as its last command, it fails the job
    (
        "tests-in-ci",
        "script-with-errexit",
        {
            "tests/test_a.py": TEST_OK,
            "ci/run.sh": "#!/bin/bash\nset -euo pipefail\npytest tests\naws s3 cp r s3://b/\n",
            ".github/workflows/ci.yml": wf("bash ci/run.sh"),
        },
        P,
    ),
    (
        "tests-in-ci",
        "script-heeding-the-status",
        {
            "tests/test_a.py": TEST_OK,
            "ci/run.sh": "#!/bin/bash\nstatus=0\npytest tests\nif [[ $? != 0 ]]; then\n"
            "  status=1\nfi\npip freeze > installed.txt\nexit $status\n",
            ".github/workflows/ci.yml": wf("bash ci/run.sh"),
        },
        P,
    ),
    (
        "tests-in-ci",
        "script-recording-the-failure",
        {
            "tests/test_a.py": TEST_OK,
            "ci/run.sh": "#!/bin/bash\nset +e\nFAILURE=false\npytest || FAILURE=true\n"
            'if [ "$FAILURE" = true ]; then\n  exit 1\nfi\necho done\n',
            ".github/workflows/ci.yml": wf("bash ci/run.sh"),
        },
        P,
    ),
    (
        "tests-in-ci",
        "script-ending-with-the-tests",
        {
            "tests/test_a.py": TEST_OK,
            "ci/run.sh": "#!/bin/bash\npip install -e .\npytest tests\n",
            ".github/workflows/ci.yml": wf("bash ci/run.sh"),
        },
        P,
    ),
    (
        "tests-in-ci",
        "pytest",
        {"tests/test_a.py": TEST_OK, ".github/workflows/ci.yml": wf("pytest -q")},
        P,
    ),
    # placeholders run on every change protect nothing (huggingface/autotrain-advanced
    # src/autotrain/tests/test_dummy.py, its only test, and an empty test_cli.py) ...
    (
        "tests-in-ci",
        "placeholders-only",
        {
            "src/pkg/tests/test_dummy.py": "def test_dummy():\n    assert 1 + 1 == 2\n",
            "src/pkg/tests/test_cli.py": "",
            ".github/workflows/ci.yml": wf("pytest -sv ./src/"),
        },
        H,
    ),
    # ... while one real test beside a placeholder is a suite
    (
        "tests-in-ci",
        "placeholder-and-a-real-test",
        {
            "tests/test_dummy.py": "def test_dummy():\n    assert 1 + 1 == 2\n",
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("pytest -q"),
        },
        P,
    ),
    # ... and so is a test taking the project through a conftest fixture, importing nothing
    (
        "tests-in-ci",
        "fixture-from-conftest",
        {
            "pkg/predict.py": "def load():\n    return 1\n",
            "tests/conftest.py": "import pytest\nfrom pkg import predict\n\n@pytest.fixture\n"
            "def p():\n    return predict.load()\n",
            "tests/test_behaviour.py": "def test_invariance(p):\n    assert p == 1\n",
            ".github/workflows/ci.yml": wf("pytest -q"),
        },
        P,
    ),
    # no test suite in CI, but a one-epoch training run on every change: a smoke test
    # (ultralytics/yolov5 .github/workflows/ci-testing.yml:95)
    (
        "tests-in-ci",
        "pipeline-smoke-run",
        {
            "train.py": "def main(opt):\n    opt.step()\n",
            ".github/workflows/ci.yml": wf("python train.py --epochs 1 --device cpu"),
        },
        H,
    ),
    # ... only on a schedule it tests no change (that is continuous training, if anything)
    (
        "tests-in-ci",
        "fp-pipeline-run-on-schedule",
        {
            "train.py": "def main(opt):\n    opt.step()\n",
            ".github/workflows/ci.yml": wf(
                "python train.py", on="{schedule: [{cron: '0 3 * * 1'}]}"
            ),
        },
        F,
    ),
    # a script named from the step's working-directory, whose own commands run there too
    # (fastapi/full-stack-fastapi-template test-backend.yml:36-37 → backend/scripts/…)
    (
        "tests-in-ci",
        "working-directory-script",
        {
            "backend/tests/test_a.py": TEST_OK,
            "backend/scripts/tests-start.sh": "#!/bin/bash\nset -e\nbash scripts/test.sh\n",
            "backend/scripts/test.sh": "#!/bin/bash\ncoverage run -m pytest tests/\n",
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  t:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: bash scripts/tests-start.sh\n"
            "        working-directory: backend\n",
        },
        P,
    ),
    # ... and the job's `defaults.run.working-directory`
    (
        "tests-in-ci",
        "job-default-working-directory",
        {
            "backend/tests/test_a.py": TEST_OK,
            "backend/scripts/test.sh": "#!/bin/bash\ncoverage run -m pytest tests/\n",
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  t:\n"
            "    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: backend\n"
            "    steps:\n      - run: bash scripts/test.sh\n",
        },
        P,
    ),
    # without it the same command names no file of the repository
    (
        "tests-in-ci",
        "fp-script-missing-at-root",
        {
            "backend/tests/test_a.py": TEST_OK,
            "backend/scripts/test.sh": "#!/bin/bash\ncoverage run -m pytest tests/\n",
            ".github/workflows/ci.yml": wf("bash scripts/test.sh"),
        },
        F,
    ),
    # a test command handed to a remote action, through the job's matrix (mosaicml/llm-foundry
    # .github/workflows/pr-cpu.yaml:28,36); an input that is no command (a name) runs nothing
    (
        "tests-in-ci",
        "action-input-from-matrix",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  t:\n"
            "    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        include:\n"
            "        - name: cpu\n          pytest_command: 'coverage run -m pytest'\n"
            "    steps:\n    - uses: org/ci/.github/actions/pytest-cpu@v1\n      with:\n"
            "        name: ${{ matrix.name }}\n        pytest_command: ${{ matrix.pytest_command }}\n",
        },
        P,
    ),
    (
        "tests-in-ci",
        "fp-matrix-name-input",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  t:\n"
            "    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        suite: [pytest]\n"
            "    steps:\n    - uses: org/notify@v1\n      with:\n        title: ${{ matrix.suite }}\n",
        },
        F,
    ),
    # a test run whose failure is swallowed never fails the build; `||` after another
    # command of the line does not swallow the tests' own failure
    (
        "tests-in-ci",
        "swallowed",
        {"tests/test_a.py": TEST_OK, ".github/workflows/ci.yml": wf("pytest -q || true")},
        H,
    ),
    (
        "tests-in-ci",
        "fp-fallback-before-tests",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("pip install -e . || exit 0 && pytest -q"),
        },
        P,
    ),
    (
        "tests-in-ci",
        "install-and-run-one-line",
        {"tests/test_a.py": TEST_OK, ".github/workflows/ci.yml": wf("pip install -e . && pytest")},
        P,
    ),
    (
        "tests-in-ci",
        "make-test",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("make test"),
            "Makefile": ".PHONY: test\ntest: install\n\tpython -m pytest tests\ninstall:\n\tpip install -e .\n",
        },
        P,
    ),
    # GoogleCloudPlatform/vertex-pipelines-end-to-end-samples: a cloudbuild/ folder of
    # configs run by a plain python image, and a Makefile recipe whose continuation line is
    # indented with spaces (Makefile:77-82)
    (
        "tests-in-ci",
        "cloud-build-folder",
        {
            "tests/test_a.py": TEST_OK,
            "cloudbuild/pr-checks.yaml": "steps:\n  - name: python:3.7\n    entrypoint: /bin/sh\n"
            "    args:\n      - -c\n      - make test\n    env:\n      - T=${_TEMPLATE}\n",
            "Makefile": "test:\n\tpython -m pytest tests\n",
        },
        P,
    ),
    # a Cloud Build config the repository submits by hand, and no trigger names, runs when
    # someone submits it (GoogleCloudPlatform/mlops-with-vertex-ai
    # 04-pipeline-deployment.ipynb:509 `gcloud builds submit --no-source --config build/…`)
    (
        "tests-in-ci",
        "cloud-build-submitted-by-hand",
        {
            "tests/test_a.py": TEST_OK,
            "cloudbuild.yaml": CLOUD_BUILD_PYTEST,
            "run.ipynb": NOTEBOOK_SUBMIT,
        },
        H,
    ),
    # ... a trigger declared in the repository for it runs it on push again
    (
        "tests-in-ci",
        "cloud-build-submitted-and-triggered",
        {
            "tests/test_a.py": TEST_OK,
            "cloudbuild.yaml": CLOUD_BUILD_PYTEST,
            "run.ipynb": NOTEBOOK_SUBMIT,
            "infra/triggers.sh": "gcloud builds triggers create github --repo-name=r "
            "--branch-pattern='^main$' --build-config=cloudbuild.yaml\n",
        },
        P,
    ),
    # trap: a README telling how to submit it by hand is prose, not how the repository runs
    (
        "tests-in-ci",
        "fp-cloud-build-submit-in-prose",
        {
            "tests/test_a.py": TEST_OK,
            "cloudbuild.yaml": CLOUD_BUILD_PYTEST,
            "README.md": "Run `gcloud builds submit --config cloudbuild.yaml .`\n",
        },
        P,
    ),
    (
        "tests-in-ci",
        "make-continuation-indented-with-spaces",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("make e2e"),
            "Makefile": 'e2e:\n\t@if [ -n "$$X" ] ; then \\\n        echo sync; \\\n'
            "\tfi && \\\n\tpython -m pytest tests\n",
        },
        P,
    ),
    # a shell comment in a run block runs nothing (iterative/cml_dvc_case cml.yaml:30)
    (
        "tests-in-ci",
        "FP commented-out pytest",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("# TODO: pytest -q\npip install -r requirements.txt"),
        },
        F,
    ),
    # a YAML with top-level steps: but nothing of Cloud Build is not a CI config
    (
        "tests-in-ci",
        "FP steps-yaml-elsewhere",
        {
            "tests/test_a.py": TEST_OK,
            "docs/tutorial.yaml": "steps:\n  - name: python:3.7\n    args: [pytest]\n",
        },
        F,
    ),
    (
        "tests-in-ci",
        "tox",
        {
            "tests/test_a.py": TEST_OK,
            ".gitlab-ci.yml": "test:\n  script:\n    - tox -e py311\n",
            "tox.ini": "[testenv]\ncommands =\n    pytest {posargs}\n",
        },
        P,
    ),
    (
        "tests-in-ci",
        "job-spec-then-script",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf(
                "anyscale jobs submit deploy/job.yaml --wait", on="pull_request"
            ),
            "deploy/job.yaml": "name: workloads\nentrypoint: bash deploy/run.sh\n",
            "deploy/run.sh": "#!/bin/bash\npython -m pytest tests --verbose\n",
        },
        P,
    ),
    (
        "tests-in-ci",
        "manual-only",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("pytest", on="workflow_dispatch"),
        },
        H,
    ),
    (
        "tests-in-ci",
        "no-test-step",
        {"tests/test_a.py": TEST_OK, ".github/workflows/ci.yml": wf("mkdocs build")},
        F,
    ),
    (
        "tests-in-ci",
        "fp-install-only-and-fake-make-target",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("pip install pytest tox\nmake test"),
            "Makefile": "test:\n\techo 'no tests yet'\n",
        },
        F,
    ),
    (
        "tests-in-ci",
        "fp-disabled-job",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("pytest", extra="    if: false\n"),
        },
        F,
    ),
    ("tests-in-ci", "fp-no-tests-at-all", {".github/workflows/ci.yml": wf("pytest")}, F),
    (
        "tests-in-ci",
        "azure-template",
        {
            "tests/test_a.py": TEST_OK,
            "azure-pipelines.yml": "trigger: [main]\nsteps:\n- template: ci/quality-template.yml\n",
            "ci/quality-template.yml": "steps:\n- script: |\n    flake8\n    python -m pytest tests\n",
        },
        P,
    ),
    # coverage ---------------------------------------------------------------------------------
    # a config alone configures what nothing may run (microsoft/recommenders .codecov.yml)
    (
        "coverage",
        "pyproject",
        {"pyproject.toml": "[tool.coverage.run]\nsource = ['pkg']\n", **TESTS},
        H,
    ),
    (
        "coverage",
        "codecov-yml-only",
        {".github/.codecov.yml": "comment:\n  behavior: default\n", **TESTS},
        H,
    ),
    (
        "coverage",
        "pytest-addopts",
        {"pyproject.toml": "[tool.pytest.ini_options]\naddopts = '--cov=pkg'\n", **TESTS},
        P,
    ),
    (
        "coverage",
        "config-and-ci-upload",
        {
            ".coveragerc": "[run]\nsource = pkg\n",
            ".github/workflows/ci.yml": wf("coverage run -m pytest"),
            **TESTS,
        },
        P,
    ),
    ("coverage", "ci-cov", {".github/workflows/ci.yml": wf("pytest --cov=pkg"), **TESTS}, P),
    # coverage of no tests measures nothing (shanojpillai/credit-risk-mlops-platform
    # .github/workflows/mlflow-ci.yml:48 `pytest tests/ --cov=src/`, no test anywhere; reviewed)
    (
        "coverage",
        "fp-coverage-of-no-tests",
        {".github/workflows/ci.yml": wf("pytest tests/ --cov=src/"), "src/app.py": "x = 1\n"},
        F,
    ),
    ("coverage", "none", {"pyproject.toml": "[project]\nname = 'x'\n"}, F),
    (
        "coverage",
        "nose2",
        {".github/workflows/ci.yml": wf("nose2 --with-coverage --coverage pkg"), **TESTS},
        P,
    ),
    # FP: nose2 without its coverage plugin
    ("coverage", "fp-nose2-plain", {".github/workflows/ci.yml": wf("nose2 -v tests")}, F),
    ("coverage", "fp-gitignore", {".gitignore": ".coverage\nhtmlcov/\ncoverage.xml\n"}, F),
    # pre-commit-quality ------------------------------------------------------------------------
    (
        "pre-commit-quality",
        "ruff-hook",
        {
            ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/astral-sh/ruff-pre-commit\n"
            "  rev: v0.6.0\n  hooks:\n  - id: ruff\n"
        },
        P,
    ),
    (
        "pre-commit-quality",
        "local-make-style",
        {
            ".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks:\n  - id: clean\n    name: clean\n"
            "    entry: make\n    args: [clean]\n    language: system\n",
            "Makefile": "style:\n\tblack .\n\tflake8\nclean: style\n\trm -rf build\n",
        },
        P,
    ),
    ("pre-commit-quality", "ci-flake8", {".github/workflows/ci.yml": wf("flake8 src")}, P),
    # an action named for the linter runs it (StatCan/aaw-kubeflow-mlops ci.yml:42
    # `TrueBrain/actions-flake8@master`; reviewed); one that only annotates a run does not
    (
        "pre-commit-quality",
        "ci-named-flake8-action",
        {".github/workflows/ci.yml": USES % "TrueBrain/actions-flake8@master"},
        P,
    ),
    (
        "pre-commit-quality",
        "fp-flake8-annotations-action",
        {".github/workflows/ci.yml": USES % "rbialon/flake8-annotations@v1"},
        F,
    ),
    # pytest's options run the linters as plugins on every CI run (flairNLP/flair
    # pyproject.toml:17; reviewed) ...
    (
        "pre-commit-quality",
        "pytest-addopts-plugins",
        {
            "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--black --mypy --ruff"\n'
            "\n[tool.ruff]\nline-length = 100\n",
            ".github/workflows/ci.yml": wf("pytest tests"),
        },
        P,
    ),
    # ... a plugin option that CI never runs, or another option, is configuration only
    (
        "pre-commit-quality",
        "fp-pytest-addopts-no-ci",
        {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--ruff"\n\n[tool.ruff]\n'},
        H,
    ),
    (
        "pre-commit-quality",
        "fp-pytest-addopts-other-option",
        {
            "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--ruff-format-off -x"\n'
            "\n[tool.ruff]\n",
            ".github/workflows/ci.yml": wf("pytest tests"),
        },
        H,
    ),
    # a linter told never to fail runs, but gates nothing (microsoft/MLOps
    # azure-pipelines.yml:19); one enforced tool on another line is enough
    (
        "pre-commit-quality",
        "ci-exit-zero",
        {".github/workflows/ci.yml": wf("flake8 --exit-zero src\nblack --check . || true")},
        H,
    ),
    # GitHub's Python starter: flake8 fails the build on syntax errors only, the real lint
    # runs with --exit-zero (shanojpillai/credit-risk-mlops-platform mlflow-ci.yml:42-44)
    (
        "pre-commit-quality",
        "ci-starter-syntax-only",
        {
            ".github/workflows/ci.yml": wf(
                "flake8 . --count --select=E9,F63,F7,F82 --show-source --statistics\n"
                "flake8 . --count --exit-zero --max-complexity=10 --statistics"
            )
        },
        H,
    ),
    # ... a selection of real lint codes is a lint
    (
        "pre-commit-quality",
        "ci-flake8-selected-codes",
        {".github/workflows/ci.yml": wf("flake8 . --select=E9,F63,F7,F82,E501,W")},
        P,
    ),
    (
        "pre-commit-quality",
        "ci-exit-zero-beside-enforced",
        {".github/workflows/ci.yml": wf("flake8 --exit-zero src\nmypy src")},
        P,
    ),
    ("pre-commit-quality", "none", {"src/a.py": "x = 1\n"}, F),
    # Google's black fork configured, run by nothing (google-deepmind/alphafold
    # pyproject.toml:68); run in CI it gates
    (
        "pre-commit-quality",
        "pyink-configured",
        {"pyproject.toml": "[project]\nname = 'a'\n\n[tool.pyink]\nline-length = 80\n"},
        H,
    ),
    ("pre-commit-quality", "ci-pyink", {".github/workflows/ci.yml": wf("pyink --check .")}, P),
    (
        "pre-commit-quality",
        "fp-generic-hooks-only",
        {
            ".pre-commit-config.yaml": "repos:\n- repo: https://github.com/pre-commit/pre-commit-hooks\n"
            "  rev: v4.5.0\n  hooks:\n  - id: trailing-whitespace\n  - id: check-yaml\n"
        },
        H,
    ),
    (
        "pre-commit-quality",
        "fp-readme",
        {"README.md": "We format with black and lint with ruff.\n"},
        F,
    ),
    # a dbt project in its own folder: its models/ are read from there
    # (jacopotagliabue/post-modern-stack src/dbt/models/metaflow/schema.yml:11)
    (
        "data-schema",
        "nested dbt tests",
        {
            "src/dbt/dbt_project.yml": "name: x\n",
            "src/dbt/models/m/schema.yml": "models:\n  - name: t\n    columns:\n"
            "      - name: id\n        tests: [unique, not_null]\n",
        },
        P,
    ),
    # the trap: a models/ YAML with tests but no dbt project anywhere
    (
        "data-schema",
        "FP models yml without dbt",
        {"src/models/schema.yml": "models:\n  - name: t\n    tests: [unique]\n"},
        F,
    ),
    # a method called on an object of a project class (DataTalksClub/mlops-zoomcamp
    # 06-best-practices/code/tests/model_test.py:29-45)
    (
        "feature-unit-tests",
        "instance method",
        {
            "model.py": "class ModelService:\n    def prepare_features(self, ride):\n        return {}\n",
            "tests/test_model.py": "import model\n\n\ndef test_prepare():\n"
            "    svc = model.ModelService(None)\n    assert svc.prepare_features({}) == {}\n",
        },
        P,
    ),
    # ... the traps: a feature-like method of a third-party object, a project object's other method
    (
        "feature-unit-tests",
        "FP third-party instance",
        {
            "model.py": "class ModelService:\n    def predict(self, x):\n        return 1\n",
            "tests/test_model.py": "import pandas as pd\nimport model\n\n\ndef test_x():\n"
            "    df = pd.DataFrame()\n    svc = model.ModelService()\n"
            "    assert df.add_features() is None and svc.predict(1) == 1\n",
        },
        F,
    ),
    # an integration test module beside the code it tests
    (
        "pipeline-integration-test",
        "integration_test module",
        {
            "batch/integration_test.py": "import batch\n\n\ndef test_batch_end_to_end():\n"
            "    assert batch.main('in.parquet') is not None\n",
            "batch/batch.py": "def main(path):\n    return path\n",
        },
        P,
    ),
    # a name re-exported by the package's __init__ from its features module
    (
        "feature-unit-tests",
        "reexported",
        {
            "pkg/__init__.py": "from .features import scale\n",
            "pkg/features.py": "def scale(x):\n    return x\n",
            "tests/test_scale.py": "from pkg import scale as f\n\ndef test_a():\n    assert f() is None\n",
        },
        P,
    ),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}:{i}") for c, i, f, e in CASES],
)
def test_testing_checks(tmp_path, check, files, expected):
    if check in WIRED_TO_TESTS_IN_CI and not any(p.startswith(".github/") for p in files):
        files = {**files, **CI_RUNS_PYTEST}  # the case is about what the tests exercise
    obs = run_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs.message


# feature, model and pipeline tests count in full only where CI runs them (SIGNALS §3:
# declared 0.5, wired 1.0; Unbabel/COMET tests/integration/, never run by its CI, reviewed)
WIRED_TO_TESTS_IN_CI = {"feature-unit-tests", "model-unit-tests", "pipeline-integration-test"}
UNWIRED = {
    "feature-unit-tests": {
        "src/pkg/features.py": "def scale(x):\n    return x\n",
        "tests/test_features.py": "from pkg.features import scale\n\n"
        "def test_scale():\n    assert scale(1) == 1\n",
    },
    "model-unit-tests": {
        "src/pkg/model.py": "class Net:\n    def fit(self, x):\n        return self\n",
        "tests/test_model.py": "from pkg.model import Net\n\ndef test_fit():\n"
        "    assert Net().fit([1]) is not None\n",
    },
    "pipeline-integration-test": {
        "src/pkg/model.py": "def fit(x):\n    return x\n",
        "tests/integration/test_train.py": "from pkg.model import fit\n\ndef test_run():\n"
        "    assert fit(1) == 1\n",
    },
}
INTEGRATION = {
    "src/pkg/model.py": "def fit(x):\n    return x\n",
    "tests/unit/test_a.py": "from pkg.model import fit\n\ndef test_a():\n    assert fit(1) == 1\n",
    "tests/integration/test_run.py": "from pkg.model import fit\n\ndef test_run():\n"
    "    assert fit(2) == 2\n",
}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pytest", Outcome.PASS),
        ("python -m pytest tests -q", Outcome.PASS),
        ("pytest tests/integration -m 'not gpu'", Outcome.PASS),
        # a run of the unit tests reaches no integration test (microsoft/nlp-recipes
        # tests/ci/cpu_unit_tests_linux.yml:46, reviewed)
        ("pytest tests/unit --durations 0 -m 'not notebooks'", Outcome.PARTIAL),
    ],
)
def test_an_integration_suite_counts_where_ci_runs_its_path(tmp_path, command, expected):
    ci = {
        ".github/workflows/t.yml": "on: [push, pull_request]\njobs:\n  t:\n    runs-on: x\n"
        f"    steps:\n      - run: {command}\n"
    }
    obs = run_check(
        snapshot(tmp_path, training_repo({**INTEGRATION, **ci})), "pipeline-integration-test"
    )
    assert obs.outcome == expected, obs.message


CI_ONLY_LINTS = {
    ".github/workflows/lint.yml": "on: [push, pull_request]\njobs:\n  t:\n    runs-on: x\n"
    "    steps:\n      - run: ruff check .\n"
}


@pytest.mark.parametrize("check", sorted(UNWIRED))
@pytest.mark.parametrize(
    ("ci", "expected"),
    [(CI_RUNS_PYTEST, Outcome.PASS), (CI_ONLY_LINTS, Outcome.PARTIAL), ({}, Outcome.PARTIAL)],
    ids=["ci-runs-the-tests", "ci-only-lints", "no-ci"],
)
def test_tests_ci_never_runs_are_declared_only(tmp_path, check, ci, expected):
    obs = run_check(snapshot(tmp_path, training_repo({**UNWIRED[check], **ci})), check)
    assert obs.outcome == expected, obs.message


def test_every_testing_check_has_positive_negative_and_false_positive():
    from helpers import _default_rubric

    names = [c.name for q, c in _default_rubric().checks() if q.prefix == "TST"]
    for name in names:
        ids = [i for c, i, _f, _e in CASES if c == name]
        outcomes = {e for c, _i, _f, e in CASES if c == name}
        assert Outcome.PASS in outcomes and Outcome.FAIL in outcomes, name
        assert any(i.startswith("fp-") for i in ids), name


def test_tests_in_ci_evidence_points_at_the_reached_line(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf("make test"),
            "Makefile": "test:\n\tpython -m pytest tests\n",
        },
    )
    obs = run_check(snap, "tests-in-ci")
    assert obs.evidence[0].path == "Makefile" and obs.evidence[0].line == 2
    assert "via .github/workflows/ci.yml" in (obs.evidence[0].note or "")


SARPLUS_ENV = (
    "env:\n  PYTHON_ROOT: ${{ github.workspace }}/contrib/sar/python\n"
    "  SCALA_ROOT: ${{ github.workspace }}/contrib/sar/scala\n"
)


def _sub_project_repo(run: str, on: str = "[push]") -> dict[str, str]:
    workflow = wf(run, on=on).replace("jobs:\n", SARPLUS_ENV + "jobs:\n", 1)
    return {
        "setup.py": "from setuptools import setup\nsetup(name='recs')\n",
        "tests/unit/test_a.py": TEST_OK,
        "contrib/sar/python/setup.py": "from setuptools import setup\nsetup(name='sar')\n",
        "contrib/sar/python/tests/test_sar.py": TEST_OK,
        ".github/workflows/sar.yml": workflow,
    }


def test_ci_running_only_a_sub_projects_tests_is_partial(tmp_path):
    # recommenders-team/recommenders sarplus.yml:101-102: `cd "${PYTHON_ROOT}"` then
    # `pytest ./tests`, the sub-package's own tests; the main suite runs on no change
    run = 'cd "${SCALA_ROOT}"\nsbt package\ncd "${PYTHON_ROOT}"\npytest ./tests\n'
    obs = run_check(snapshot(tmp_path, _sub_project_repo(run)), "tests-in-ci")
    assert obs.outcome == Outcome.PARTIAL, obs.message
    assert "only the tests of contrib/sar/python/" in obs.message
    assert obs.evidence[0].path == ".github/workflows/sar.yml"


def test_ci_running_the_main_tests_beside_a_sub_project_passes(tmp_path):
    run = "cd contrib/sar/python && pytest ./tests\ncd ${{ github.workspace }}\npytest tests\n"
    obs = run_check(snapshot(tmp_path, _sub_project_repo(run)), "tests-in-ci")
    assert obs.outcome == Outcome.PASS, obs.message


def test_a_cd_in_a_subshell_or_to_an_unknown_folder_moves_nothing(tmp_path):
    # the trap: `( cd x && … )` returns; `cd "$UNSET"` cannot be told: pytest counts as
    # run from where it was (the root), as before
    run = '(cd contrib/sar/python && pytest ./tests)\ncd "$SOMEWHERE"\npytest tests\n'
    obs = run_check(snapshot(tmp_path, _sub_project_repo(run)), "tests-in-ci")
    assert obs.outcome == Outcome.PASS, obs.message


@pytest.mark.parametrize(
    ("caller_on", "expected"), [("[pull_request]", "pass"), ("[workflow_dispatch]", "partial")]
)
def test_a_reusable_test_workflow_runs_on_its_callers_events(tmp_path, caller_on, expected):
    # open-edge-platform/anomalib pr.yaml:76 calls _reusable-test-suite.yaml on every pull
    # request (through a second reusable workflow here: chains count too; reviewed)
    files = {
        "tests/test_a.py": TEST_OK,
        ".github/workflows/_suite.yaml": wf("pytest tests", on="workflow_call"),
        ".github/workflows/_group.yaml": "on: workflow_call\njobs:\n  unit:\n"
        "    uses: ./.github/workflows/_suite.yaml\n",
        ".github/workflows/pr.yaml": f"on: {caller_on}\njobs:\n  tests:\n"
        "    uses: ./.github/workflows/_group.yaml\n",
    }
    assert run_check(snapshot(tmp_path, files), "tests-in-ci").outcome.value == expected


@pytest.mark.parametrize(
    ("upstream_on", "upstream_name", "expected"),
    [
        # the CI workflow runs on every push: the one chained after it does too
        # (McDoritos/AAIL-Practical_8 2_continuous_delivery.yml:8-10; reviewed)
        ("[push]", "CI", "pass"),
        # ... after a workflow started by hand, by hand only
        ("[workflow_dispatch]", "CI", "partial"),
        # the trap: a workflow_run naming a workflow that is not there gains no push
        ("[push]", "Other", "partial"),
    ],
)
def test_a_workflow_run_after_another_runs_on_its_events(
    tmp_path, upstream_on, upstream_name, expected
):
    files = {
        "tests/test_a.py": TEST_OK,
        ".github/workflows/ci.yml": wf("ruff check .", on=upstream_on).replace(
            "name: ci", f"name: {upstream_name}", 1
        ),
        ".github/workflows/cd.yml": wf(
            "pytest tests", on="{workflow_run: {workflows: [CI], types: [completed]}}"
        ).replace("name: ci", "name: CD", 1),
    }
    assert run_check(snapshot(tmp_path, files), "tests-in-ci").outcome.value == expected


def test_unit_tests_reports_the_empty_tests_folder(tmp_path):
    snap = snapshot(tmp_path, {"tests/__init__.py": "", "tests/conftest.py": "import pytest\n"})
    obs = run_check(snap, "unit-tests")
    assert obs.outcome == Outcome.FAIL
    assert any(e.path == "tests/" for e in obs.evidence)


def test_integration_tests_do_not_call_a_folder_of_unit_tests_empty(tmp_path):
    # tests/ holds real unit tests but no integration test: the failure must not claim the
    # folder "defines no test functions"
    snap = snapshot(tmp_path, {"tests/train_test.py": TEST_OK})
    obs = run_check(snap, "pipeline-integration-test")
    assert obs.outcome == Outcome.FAIL
    assert "define no test functions" not in obs.message
    assert not any(e.path == "tests/" for e in obs.evidence)


def test_an_azure_step_template_runs_only_where_a_pipeline_includes_it(tmp_path):
    template = "steps:\n- script: python -m pytest tests\n  displayName: tests\n"
    files = {"tests/test_a.py": TEST_OK, ".pipelines/code-quality-template.yml": template}
    # never included: a template on its own runs in the repositories that include it, never
    # here (Azure/mlops-templates templates/; reviewed)
    alone = run_check(snapshot(tmp_path / "alone", files), "tests-in-ci")
    assert alone.outcome == Outcome.FAIL, alone.message
    assert "no pipeline of this repository calls" in alone.message
    files[".pipelines/ci.yml"] = (
        "trigger:\n- main\npool:\n  vmImage: ubuntu-latest\n"
        "steps:\n- template: code-quality-template.yml\n"
    )
    obs = run_check(snapshot(tmp_path / "included", files), "tests-in-ci")
    assert obs.outcome == Outcome.PASS, obs.message
    assert all("via .pipelines/ci.yml" in (e.note or "") for e in obs.evidence)


BIKES = '[project]\nname = "bikes"\n[project.scripts]\nbikes = "bikes.scripts:main"\n'
LITGPT = '[project]\nname = "litgpt"\n[project.scripts]\nlitgpt = "litgpt.__main__:main"\n'
SPLEETER = (
    '[tool.poetry]\nname = "spleeter"\n[tool.poetry.scripts]\n'
    "spleeter = 'spleeter.__main__:entrypoint'\n"
)
CLI_RUN = (
    "from typer.testing import CliRunner\nfrom spleeter.__main__ import spleeter\n\n"
    "def test_train():\n    result = CliRunner().invoke(spleeter, {})\n"
    "    assert result.exit_code == 0\n"
)


PPO = (
    "import torch\n\n\ndef train(agent, optimizer, loss):\n"
    "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n"
)


RUN_MODULE = {
    "pkg/__init__.py": "",
    "pkg/models/__init__.py": "",
    "pkg/models/tune.py": "from sklearn.linear_model import LogisticRegression\n\n\n"
    "def train(X, y):\n    return LogisticRegression().fit(X, y)\n",
    "pkg/models/run_train.py": "from pkg.models.tune import train\n\n\n"
    "if __name__ == '__main__':\n    train([[0]], [0])\n",
    "pkg/features/__init__.py": "",
    "pkg/features/pipeline.py": "from sklearn.pipeline import Pipeline\n\n\n"
    "def fit_features(df, steps):\n    return Pipeline(steps).fit(df)\n",
    "pkg/features/run.py": "from pkg.features.pipeline import fit_features\n\n\n"
    "if __name__ == '__main__':\n    fit_features([], [])\n",
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # fmind/mlops-python-package tests/test_scripts.py:47 runs every job config
        (
            {
                "pyproject.toml": BIKES,
                "tests/test_scripts.py": "from bikes import scripts\n\n"
                "def test_main():\n    assert scripts.main(argv=['confs/training.yaml']) == 0\n",
            },
            Outcome.PASS,
        ),
        # Lightning-AI/litgpt tests/test_readme.py: the command in a subprocess
        (
            {
                "pyproject.toml": LITGPT,
                "tests/test_readme.py": "import subprocess\n\ndef test_finetune(tmp_path):\n"
                "    subprocess.run(['litgpt', 'finetune_lora', 'ckpt'], check=True)\n"
                "    assert (tmp_path / 'final').exists()\n",
            },
            Outcome.PASS,
        ),
        # the command's typer app run by its test runner with a training step
        # (deezer/spleeter tests/test_train.py:109) ...
        (
            {
                "pyproject.toml": SPLEETER,
                "tests/test_train.py": CLI_RUN.format("['train', '-p', 'config.json']"),
            },
            Outcome.PASS,
        ),
        # ... not with another step, nor another module's app
        (
            {
                "pyproject.toml": SPLEETER,
                "tests/test_train.py": CLI_RUN.format("['separate', 'audio.wav']"),
            },
            Outcome.FAIL,
        ),
        (
            {
                "pyproject.toml": SPLEETER,
                "tests/test_train.py": CLI_RUN.format("['train']").replace(
                    "from spleeter.__main__ import spleeter", "from other.cli import spleeter"
                ),
            },
            Outcome.FAIL,
        ),
        # a usage test checks the parser, not the pipeline
        (
            {
                "pyproject.toml": BIKES,
                "tests/test_scripts.py": "from bikes import scripts\n\ndef test_help():\n"
                "    scripts.main(argv=['--help'])\n",
            },
            Outcome.FAIL,
        ),
        # `-h` in a subprocess; the step word is only in the asserted prose
        (
            {
                "pyproject.toml": LITGPT,
                "tests/test_adapter.py": "import subprocess\n\ndef test_cli():\n"
                "    out = subprocess.check_output(['litgpt', 'generate_adapter', '-h'])\n"
                "    assert 'For models finetuned with' in str(out)\n",
            },
            Outcome.FAIL,
        ),
        # the same call outside a test function is not a test
        (
            {
                "pyproject.toml": BIKES,
                "tests/helpers_test.py": "from bikes import scripts\nscripts.main(argv=['x.yaml'])\n",
            },
            Outcome.FAIL,
        ),
        ({"tests/test_x.py": "def test_x():\n    assert True\n"}, Outcome.FAIL),
        # a script of the repository that trains, run in a subprocess for a few steps
        # (vwxyzjn/cleanrl tests/test_classic_control.py:5, reviewed) ...
        (
            {
                "cleanrl/ppo.py": PPO,
                "tests/test_classic_control.py": "import subprocess\n\ndef test_ppo():\n"
                "    subprocess.run('python cleanrl/ppo.py --total-timesteps 256', shell=True, check=True)\n",
            },
            Outcome.PASS,
        ),
        (
            {
                "cleanrl/ppo.py": PPO,
                "tests/test_ppo.py": "import subprocess\n\ndef test_ppo():\n"
                "    subprocess.check_call(['python', 'cleanrl/ppo.py', '--total-timesteps', '256'])\n",
            },
            Outcome.PASS,
        ),
        # ... or a command the test builds first (DLR-RM/rl-baselines3-zoo tests/test_train.py:34)
        (
            {
                "train.py": PPO,
                "tests/test_train.py": "import shlex\nimport subprocess\n\ndef test_train(tmp_path):\n"
                "    cmd = f'python train.py -n 100 --log-folder {tmp_path}'\n"
                "    assert subprocess.call(shlex.split(cmd)) == 0\n",
            },
            Outcome.PASS,
        ),
        # ... or the command line of a module of the package that trains, run with the test's
        # interpreter (brunoramosmartins/customer-churn-mlops-pipeline tests/test_lightgbm.py:
        # 148-152, run_lightgbm.py calling lightgbm_tune.py's trainer; reviewed) ...
        (
            {
                **RUN_MODULE,
                "tests/test_run.py": "import subprocess, sys\n\ndef test_run(tmp_path):\n"
                "    subprocess.run(\n        [\n            sys.executable,\n            '-m',\n"
                "            'pkg.models.run_train',\n            '-o',\n            str(tmp_path),\n"
                "        ],\n        check=True,\n    )\n",
            },
            Outcome.PASS,
        ),
        # ... not one whose module only fits the feature transform, or splits the data
        (
            {
                **RUN_MODULE,
                "tests/test_run.py": "import subprocess, sys\n\ndef test_run():\n"
                "    subprocess.run([sys.executable, '-m', 'pkg.features.run'], check=True)\n",
            },
            Outcome.FAIL,
        ),
        # ... not a script that trains nothing, nor one run for its --help
        (
            {
                "cleanrl/plot.py": "import matplotlib\nmatplotlib.use('Agg')\n",
                "tests/test_plot.py": "import subprocess\n\ndef test_plot():\n"
                "    subprocess.run('python cleanrl/plot.py', shell=True, check=True)\n",
            },
            Outcome.FAIL,
        ),
        (
            {
                "cleanrl/ppo.py": PPO,
                "tests/test_cli.py": "import subprocess\n\ndef test_cli():\n"
                "    subprocess.run('python cleanrl/ppo.py --help', shell=True, check=True)\n",
            },
            Outcome.FAIL,
        ),
    ],
)
def test_entry_point_tests(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "entry_point_tests")
    assert obs.outcome == expected, obs


# mosaicml/llm-foundry: setup.py names the distribution through a constant and declares its
# command in `entry_points`; tests/a_scripts/train/test_train.py:93 calls the package's `train`
FOUNDRY_SETUP = (
    "import setuptools\n\n_PACKAGE_NAME = 'llm-foundry'\n\n"
    "setuptools.setup(\n    name=_PACKAGE_NAME,\n"
    "    entry_points={\n        'console_scripts': ['llmfoundry = llmfoundry.cli.cli:app'],\n    },\n)\n"
)
FOUNDRY = {
    "setup.py": FOUNDRY_SETUP,
    "llmfoundry/__init__.py": "",
    "llmfoundry/command_utils/__init__.py": "from llmfoundry.command_utils.train import train\n",
    "llmfoundry/command_utils/train.py": "def train(cfg):\n    return cfg\n",
}


@pytest.mark.parametrize(
    ("tests", "expected"),
    [
        # positive: the package's training function on a tiny config
        (
            "from llmfoundry.command_utils import train\n\n"
            "def test_train(cfg):\n    trainer = train(cfg)\n    assert trainer is not None\n",
            Outcome.PASS,
        ),
        # negative: a method named train, and a helper that is not the training function
        (
            "import torch\n\ndef test_mode(model):\n    model.train()\n    assert model.training\n",
            Outcome.FAIL,
        ),
        (
            "from llmfoundry.command_utils import train_test_split\n\n"
            "def test_split(rows):\n    assert train_test_split(rows)\n",
            Outcome.FAIL,
        ),
        # trap: a library's `train` that is not the repository's own
        (
            "from composer import train\n\ndef test_train(cfg):\n    assert train(cfg)\n",
            Outcome.FAIL,
        ),
    ],
    ids=["own-train", "fp-method", "fp-other-function", "fp-foreign-train"],
)
def test_a_test_of_the_packages_training_function_runs_the_pipeline(tmp_path, tests, expected):
    files = {**FOUNDRY, "tests/test_train.py": tests}
    obs = run_probe(snapshot(tmp_path, files), "entry_point_tests")
    assert obs.outcome == expected, obs


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"setup.py": FOUNDRY_SETUP}, {"llmfoundry": ("llmfoundry.cli.cli", "app")}),
        (
            {
                "setup.cfg": "[metadata]\nname = x\n\n[options.entry_points]\nconsole_scripts =\n"
                "    x-train = x.cli:main\n    x-serve = x.serve\n\n[flake8]\nmax = 1\n"
            },
            {"x-train": ("x.cli", "main"), "x-serve": ("x.serve", "")},
        ),
        # a setup.py without console_scripts declares none
        ({"setup.py": "from setuptools import setup\nsetup(name='x')\n"}, {}),
    ],
    ids=["setup-py", "setup-cfg", "none"],
)
def test_console_scripts_of_setup_files(tmp_path, files, expected):
    from mlaudit.probes._task_runners import console_scripts

    assert console_scripts(snapshot(tmp_path, files)) == expected


def test_a_distribution_named_through_a_constant_or_without_its_dash_is_own(tmp_path):
    from mlaudit.probes.base import own_packages

    assert own_packages(snapshot(tmp_path, FOUNDRY)) == frozenset({"llmfoundry"})
    other = {**FOUNDRY, "setup.py": FOUNDRY_SETUP.replace("'llm-foundry'", "'other-tool'")}
    assert own_packages(snapshot(tmp_path / "o", other)) == frozenset()


def test_tests_in_ci_says_what_is_missing_once(tmp_path):
    """any_of `failure: first`: with no CI at all, the smoke-run part's own miss (a second
    "no CI job …") is not appended to the first part's message."""
    obs = run_check(snapshot(tmp_path, {"tests/test_a.py": TEST_OK}), "tests-in-ci")
    assert obs.outcome == F
    assert obs.message == "no CI jobs"


# CI runs a script of the repository that trains, whatever it is called (optuna/optuna-
# examples .github/workflows/pytorch.yml:45 `python pytorch/pytorch_simple.py` on pull requests)
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # positive: on pull requests, directly or from the step's working directory
        (
            {
                "pytorch/pytorch_simple.py": PPO,
                ".github/workflows/pytorch.yml": wf("python pytorch/pytorch_simple.py"),
            },
            Outcome.PASS,
        ),
        (
            {
                "pytorch/pytorch_simple.py": PPO,
                ".github/workflows/pytorch.yml": wf(
                    "python pytorch_simple.py",
                    extra="    defaults:\n      run:\n        working-directory: pytorch\n",
                ),
            },
            Outcome.PASS,
        ),
        # negative: a script that trains nothing, and one run only on a schedule
        (
            {
                "tools/check_version.py": "import sys\nprint(sys.version)\n",
                ".github/workflows/ci.yml": wf("python tools/check_version.py"),
            },
            Outcome.FAIL,
        ),
        (
            {
                "pytorch/pytorch_simple.py": PPO,
                ".github/workflows/nightly.yml": wf(
                    "python pytorch/pytorch_simple.py", on="{schedule: [{cron: '0 0 * * 1'}]}"
                ),
            },
            Outcome.FAIL,
        ),
        # trap: the training script run for its --help, and installed, not run
        (
            {
                "pytorch/pytorch_simple.py": PPO,
                ".github/workflows/ci.yml": wf("python pytorch/pytorch_simple.py --help"),
            },
            Outcome.FAIL,
        ),
        (
            {
                "setup.py": "from setuptools import setup\nsetup(name='x')\n",
                "pytorch/pytorch_simple.py": PPO,
                ".github/workflows/ci.yml": wf("pip install -e . && python setup.py sdist"),
            },
            Outcome.FAIL,
        ),
        # a training step allowed to fail never stops a change (MLOPS-IE7374-Fall2024-G9/
        # mlops-project .github/workflows/train-workflow.yaml:43; reviewed)
        (
            {
                "pytorch/pytorch_simple.py": PPO,
                ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - run: python pytorch/pytorch_simple.py\n"
                "        continue-on-error: true\n",
            },
            Outcome.PARTIAL,
        ),
    ],
    ids=[
        "pr",
        "working-directory",
        "fp-no-training",
        "schedule-only",
        "fp-help",
        "fp-install",
        "fp-continue-on-error",
    ],
)
def test_ci_training_script(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "ci_training_script")
    assert obs.outcome == expected, obs


TUNE_TEST = (
    "import runpy\nimport sys\n\nTUNE_PATH = 'pkg/_cli/tune.py'\n\n"
    "def test_recipe(monkeypatch, tmpdir):\n"
    "    cmd = f'''\n    tune run {recipe} --config llama2/7B_lora output_dir={{tmpdir}}\n    '''.split()\n"
    "    monkeypatch.setattr(sys, 'argv', cmd)\n"
    "    runpy.run_path(TUNE_PATH, run_name='__main__')\n"
)


# a recipe run in-process with runpy after sys.argv is set to the training command
# (pytorch/torchtune tests/recipes/test_full_finetune_single_device.py:84-110, reviewed)
@pytest.mark.parametrize(
    ("recipe", "expected"),
    [
        ("full_finetune_single_device", Outcome.PASS),
        ("lora_finetune_distributed", Outcome.PASS),
        # negative: a command with no training step (a download, a config listing)
        ("download", Outcome.FAIL),
        # trap: the training recipe asked only for its --help
        ("full_finetune_single_device --help", Outcome.FAIL),
    ],
    ids=["full-finetune", "lora", "fp-download", "fp-help"],
)
def test_a_recipe_run_with_runpy_runs_the_pipeline(tmp_path, recipe, expected):
    files = {"tests/recipes/test_recipe.py": TUNE_TEST.replace("{recipe}", recipe)}
    obs = run_probe(snapshot(tmp_path, files), "entry_point_tests")
    assert obs.outcome == expected, obs


def test_runpy_without_a_command_in_argv_is_no_pipeline_run(tmp_path):
    files = {
        "tests/test_main.py": "import runpy\n\ndef test_train_module_imports():\n"
        "    runpy.run_module('pkg.train', run_name='not_main')\n"
    }
    obs = run_probe(snapshot(tmp_path, files), "entry_point_tests")
    assert obs.outcome == Outcome.FAIL, obs


def test_a_published_library_s_own_trainer_run_briefly_in_a_test_counts(tmp_path):
    """Rule lib skips calls into the package the repository publishes; a test that runs the
    project's own trainer for two steps is still a training run (stanford-crfm/levanter
    tests/test_train_lm.py:33,40, reviewed)."""
    files = {
        "pyproject.toml": '[project]\nname = "trainlib"\nversion = "1.0"\n',
        "src/trainlib/__init__.py": "",
        "src/trainlib/main/__init__.py": "",
        "src/trainlib/main/train_lm.py": "def main(config):\n    config.model.fit(config.data)\n",
        "tests/test_train_lm.py": "import trainlib.main.train_lm as train_lm\n\n"
        "def test_train_lm():\n"
        "    config = train_lm.TrainLmConfig(trainer=train_lm.TrainerConfig(num_train_steps=2))\n"
        "    train_lm.main(config)\n",
        ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n",
        **CI_RUNS_PYTEST,
    }
    obs = run_check(snapshot(tmp_path, training_repo(files)), "pipeline-integration-test")
    assert obs.outcome == Outcome.PASS, obs.message
    assert any(e.path == "tests/test_train_lm.py" for e in obs.evidence)


def test_a_web_api_serving_no_model_has_no_model_contract(tmp_path):
    # a data tool's own web app (mage-ai/mage-ai mage_ai/server/server.py; reviewed): no
    # model is trained, loaded or tracked, so the serving contract of a model does not apply
    files = {
        "app.py": FASTAPI_APP,
        "tests/test_api.py": "from fastapi.testclient import TestClient\nfrom app import app\n\n"
        "def test_pipelines():\n    assert TestClient(app).get('/pipelines').status_code == 200\n",
    }
    assert run_check(snapshot(tmp_path, files), "serving-contract-test").outcome == (
        Outcome.NOT_APPLICABLE
    )
    # ... while the same app serving a model has one (the trap)
    served = snapshot(
        tmp_path / "served", {**files, "model.py": "import joblib\nm = joblib.load('m.pkl')\n"}
    )
    assert run_check(served, "serving-contract-test").outcome == P


def test_a_ci_job_that_installs_from_a_moved_requirements_file_runs_no_tests(tmp_path):
    """KSandke/mlops-pipeline-recommender .github/workflows/ci.yml:21 `pip install -r
    Recommender/requirements.txt`, the file moved to the root in 4f7c206 (reviewed): the job
    fails at that step on every run, and pytest after it never runs."""
    from helpers import commit, git, make_repo

    from mlaudit.repo.worktree import open_worktree

    steps = "pip install -r app/requirements.txt\npytest"
    repo = make_repo(
        tmp_path / "r",
        {
            "app/requirements.txt": "pandas==2.2.0\n",
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": wf(steps),
        },
    )
    assert run_check(open_worktree(repo), "tests-in-ci").outcome == P
    git(repo, "mv", "app/requirements.txt", "requirements.txt")
    git(repo, "commit", "-q", "-m", "move requirements")
    obs = run_check(open_worktree(repo), "tests-in-ci")
    assert obs.outcome == H and "stops before them" in obs.message, obs
    assert obs.evidence[0].line is not None
    # ... the step fixed, the tests run again
    commit(repo, {".github/workflows/ci.yml": wf("pip install -r requirements.txt\npytest")}, "fix")
    assert run_check(open_worktree(repo), "tests-in-ci").outcome == P
    # ... and a file the repository never had may come from an earlier step: not decided
    commit(repo, {".github/workflows/ci.yml": wf("pip install -r gen/reqs.txt\npytest")}, "gen")
    assert run_check(open_worktree(repo), "tests-in-ci").outcome == P


@pytest.mark.parametrize(
    ("steps", "layout", "stops"),
    [
        # a script the job runs before its tests, renamed since
        ("python scripts/prepare_data.py\npytest", "scripts/prepare_data.py", True),
        # a folder the job enters, removed since
        ("cd service && pytest", "service/app.py", True),
        # the step's own working directory, removed since
        ("pytest", "service/app.py", True),
        # a script the repository never had: an earlier step may generate it (the trap)
        ("python gen/make_fixtures.py\npytest", None, False),
        # a folder that still holds files
        ("cd tests && pytest", None, False),
    ],
)
def test_a_ci_job_that_runs_a_moved_script_or_enters_a_removed_folder_runs_no_tests(
    tmp_path, steps, layout, stops
):
    from helpers import git, make_repo

    from mlaudit.repo.worktree import open_worktree

    extra = "    defaults:\n      run:\n        working-directory: service\n"
    workflow = wf(steps, extra=extra if steps == "pytest" else "")
    files = {"tests/test_a.py": TEST_OK, "service/tests/test_b.py": TEST_OK}
    if layout is not None:
        files[layout] = "print('x')\n"
    repo = make_repo(tmp_path / "r", {**files, ".github/workflows/ci.yml": workflow})
    assert run_check(open_worktree(repo), "tests-in-ci").outcome == P
    if layout is not None:
        moved = layout.split("/")[0]
        git(repo, "mv", moved, f"{moved}_v2")
        git(repo, "commit", "-q", "-m", "rename")
    obs = run_check(open_worktree(repo), "tests-in-ci")
    if stops:
        assert obs.outcome == H and "stops before them" in obs.message, obs
    else:
        assert obs.outcome == P, obs
