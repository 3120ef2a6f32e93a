"""Hand-written data checks (issue #10 class 10): tests or validation scripts asserting on
a table's columns, nulls, ranges or distributions are data tests, and partial data
validation when no validation library is used.

Trap: asserts on tensors and model-output shapes are model tests, not data checks."""

from __future__ import annotations

import pytest
from helpers import run_check, snapshot, training_repo

from mlaudit.results import Outcome

P, F, H = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL

INGESTION_TEST = (
    "import pandas as pd\n\nfrom pkg.ingest import load\n\nREQUIRED = ['id', 'body']\n\n\n"
    "def test_columns():\n    df = load()\n    for col in REQUIRED:\n        assert col in df.columns\n\n\n"
    "def test_not_all_null():\n    df = load()\n    assert not df['body'].isnull().all()\n\n\n"
    "def test_length_range():\n    df = load()\n    assert df['body'].str.len().mean() in pd.Interval(20, 2000)\n"
)
VALIDATION_SCRIPT = (
    "import sys\n\nimport pandas as pd\n\n\ndef validate(path):\n    df = pd.read_csv(path)\n"
    "    assert df['age'].between(0, 120).all(), 'age out of range'\n"
    "    assert df.isna().sum().sum() == 0\n\n\nif __name__ == '__main__':\n    validate(sys.argv[1])\n"
)
MODEL_SHAPE_TEST = (
    "import torch\n\nfrom pkg.model import Net\n\n\ndef test_shapes():\n    out = Net()(torch.zeros(2, 3))\n"
    "    assert out.shape == (2, 10)\n    assert out.mean() < 10\n"
)
PKG = {"pkg/__init__.py": "", "pkg/ingest.py": "def load():\n    return None\n"}
# the inspection assigned first, then asserted (microsoft/MLOpsPython data/data_test.py:90-127)
THROUGH_VARIABLES = (
    "import numpy as np\nimport pandas as pd\n\n\ndef test_schema():\n"
    "    dataset = pd.read_csv('data.csv')\n    header = dataset[dataset.columns[:-1]]\n"
    "    actual_columns = header.shape[1]\n    assert actual_columns == 10\n\n\n"
    "def test_missing_values():\n    dataset = pd.read_csv('missing.csv')\n"
    "    n_nan = np.sum(np.isnan(dataset.values))\n    assert n_nan > 0\n"
)
# ... while a model output's shape assigned first is no data check
MODEL_SHAPE_THROUGH_VARIABLE = (
    "import pandas as pd\nimport torch\n\nfrom pkg.model import Net\n\n\ndef test_shape():\n"
    "    out = Net()(torch.zeros(2, 3))\n    width = out.shape[1]\n    assert width == 10\n"
)

AVSC = '{"type": "record", "name": "Tx", "fields": [{"name": "amount", "type": "double"}]}\n'
CASES = [
    # data-schema: hand-written checks are partial validation (no library)
    (
        "data-schema",
        "test-asserts-on-columns-and-nulls",
        {**PKG, "tests/test_ingest.py": INGESTION_TEST},
        H,
    ),
    ("data-schema", "validation-script", {"scripts/validate_data.py": VALIDATION_SCRIPT}, H),
    # Avro record schemas: types, no ranges (lich2000117/streaming-feature-store
    # schemas/transactions.v1.avsc; reviewed); one of a test fixture is none
    ("data-schema", "avro-schemas", {**PKG, "schemas/transactions.v1.avsc": AVSC}, H),
    ("data-schema", "fp-avro-test-fixture", {**PKG, "tests/fixtures/t.avsc": AVSC}, F),
    ("data-schema", "through-variables", {**PKG, "data/data_test.py": THROUGH_VARIABLES}, H),
    # ... nor the columns of a prediction's frame (SeldonIO/MLServer test_sklearn.py:160)
    (
        "data-schema",
        "fp-prediction-columns-through-variable",
        {
            **PKG,
            "tests/test_predict.py": "import pandas as pd\n\n\ndef test_out(model):\n"
            "    raw = model.predict('')\n    names = list(raw.columns)\n    assert len(names) == 2\n",
        },
        F,
    ),
    (
        "data-schema",
        "fp-model-shape-through-variable",
        {"pkg/model.py": "class Net: ...\n", "tests/test_model.py": MODEL_SHAPE_THROUGH_VARIABLE},
        F,
    ),
    (
        "data-schema",
        "negative-no-data-assertions",
        {**PKG, "tests/test_ingest.py": "def test_x():\n    assert 1\n"},
        F,
    ),
    (
        "data-schema",
        "fp-model-output-shapes",
        {"pkg/model.py": "class Net: ...\n", "tests/test_model.py": MODEL_SHAPE_TEST},
        F,
    ),
    # a library schema still passes
    (
        "data-schema",
        "library-beats-hand-written",
        {
            "tests/test_ingest.py": INGESTION_TEST,
            **PKG,
            "schema.py": "import pandera as pa\n\nclass S(pa.DataFrameModel):\n    age: int\n",
        },
        P,
    ),
    # feature-unit-tests: the data itself tested counts as a data test (partial)
    ("feature-unit-tests", "data-tests", {**PKG, "tests/test_ingest.py": INGESTION_TEST}, H),
    # a validation script is not a test
    (
        "feature-unit-tests",
        "fp-validation-script-is-no-test",
        {"scripts/validate_data.py": VALIDATION_SCRIPT},
        F,
    ),
    (
        "feature-unit-tests",
        "fp-model-output-shapes",
        {"pkg/model.py": "class Net: ...\n", "tests/test_model.py": MODEL_SHAPE_TEST},
        F,
    ),
    # a value nested in a dict of tensors is not a frame's column, in a test that also uses
    # pandas (mlfoundations/open_clip tests/test_data_csv.py:215); a column still is
    (
        "data-schema",
        "fp-dict-of-tensors",
        {
            "tests/test_loader.py": "import pandas as pd\n\n\ndef test_batch():\n"
            "    batch = next(iter(loader))\n    assert batch['image']['patch_valid'].all()\n"
        },
        F,
    ),
    (
        "data-schema",
        "frame-column",
        {
            "tests/test_loader.py": "import pandas as pd\n\n\ndef test_frame():\n"
            "    df = pd.read_csv('x.csv')\n    assert df['age'].min() >= 0\n"
        },
        H,
    ),
    # the test's own literal frame, checked before use, and what a unit under test makes of
    # it, are no data (AI4Finance-Foundation/FinRL unit_tests/preprocessors/
    # test_yahoodownloader.py:22,41,90; reviewed) ...
    (
        "data-schema",
        "fp-literal-fixture-frame",
        {
            "tests/test_prices.py": "import unittest\nimport pandas as pd\n\n\n"
            "class T(unittest.TestCase):\n    def setUp(self):\n"
            "        self.raw_data = pd.DataFrame(\n            {'close': [1.0], 'adjcp': [2.0]}\n        )\n\n"
            "    def test_adjust(self):\n        self.assertIn('adjcp', self.raw_data.columns)\n"
            "        adjusted_df = adjust(self.raw_data.copy())\n"
            "        self.assertNotIn('adjcp', adjusted_df.columns)\n"
        },
        F,
    ),
    # ... while a frame read from its source, transformed, still is
    (
        "data-schema",
        "read-frame-transformed",
        {
            "tests/test_prices.py": "import pandas as pd\n\n\ndef test_adjust():\n"
            "    raw = pd.read_csv('prices.csv')\n    adjusted_df = adjust(raw)\n"
            "    assert 'close' in adjusted_df.columns\n"
        },
        H,
    ),
    # the frame a model returned is its output format, not data (google-research/timesfm
    # v1/tests/test_timesfm.py:78, `model.forecast_on_df(…)` on random input; reviewed) ...
    (
        "data-schema",
        "fp-model-output-frame",
        {
            "tests/test_model.py": "import pandas as pd\n\n\ndef test_forecast():\n"
            "    input_df = pd.read_csv('series.csv')\n"
            "    forecast_df = model.forecast_on_df(\n        inputs=input_df,\n    )\n"
            "    assert (\n        'timesfm' in forecast_df.columns\n    ), 'no forecast column'\n"
        },
        F,
    ),
    # ... while the input it was given, read from its source, is data
    (
        "data-schema",
        "model-input-frame",
        {
            "tests/test_model.py": "import pandas as pd\n\n\ndef test_forecast():\n"
            "    input_df = pd.read_csv('series.csv')\n"
            "    assert 'ds' in input_df.columns\n"
            "    forecast_df = model.forecast_on_df(inputs=input_df)\n"
        },
        H,
    ),
    # a comment mentioning nulls on an assert line is not an assertion on the data
    (
        "data-schema",
        "fp-comment-on-the-assert-line",
        {
            "tests/test_a.py": "import pandas as pd\n\n\ndef test_a():\n    assert 1 == 1  # df.isnull()\n"
        },
        F,
    ),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"), [pytest.param(c, f, e, id=f"{c}:{i}") for c, i, f, e in CASES]
)
def test_hand_written_data_checks(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs.message


def test_data_check_evidence_is_the_assert_line(tmp_path):
    obs = run_check(
        snapshot(tmp_path, {**PKG, "tests/test_ingest.py": INGESTION_TEST}), "data-schema"
    )
    lines = {(e.path, e.line) for e in obs.evidence}
    assert ("tests/test_ingest.py", 11) in lines and ("tests/test_ingest.py", 16) in lines


def test_data_checks_run_by_ci_are_wired(tmp_path):
    workflow = (
        "name: ci\non: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: python scripts/validate_data.py data/raw.csv\n"
    )
    files = {"scripts/validate_data.py": VALIDATION_SCRIPT}
    alone = run_check(snapshot(tmp_path / "a", files), "data-validation-wired")
    wired = run_check(
        snapshot(tmp_path / "b", {**files, ".github/workflows/ci.yml": workflow}),
        "data-validation-wired",
    )
    assert alone.outcome == H and wired.outcome == H
    assert "not run automatically" in alone.message
    assert "not run automatically" not in wired.message
