"""The level meanings of SIGNALS.md §3 on repositories built in tmp_path: a notebook-only
project is level 0; a scripted, seeded project with pinned dependencies and a params file but
no CI is level 1; a DVC pipeline with tracking and versioned data but no tests is level 2."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import snapshot

from mlaudit.results import Assessment
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess


def _notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": src}
        for src in sources
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _scan(root: Path, files: dict[str, str]) -> Assessment:
    return assess(snapshot(root, files), load_rubric())


TRAIN = """\
import random

import joblib
import numpy as np
import pandas as pd
import yaml
from sklearn.ensemble import RandomForestClassifier


def main() -> None:
    params = yaml.safe_load(open("params.yaml"))["train"]
    random.seed(params["seed"])
    np.random.seed(params["seed"])
    frame = pd.read_csv("data/raw/churn.csv")
    model = RandomForestClassifier(
        n_estimators=params["n_estimators"], random_state=params["seed"]
    )
    model.fit(frame.drop(columns=["churn"]), frame["churn"])
    joblib.dump(model, "models/model.joblib")


if __name__ == "__main__":
    main()
"""

README = """\
# Churn model

## Run locally

```bash
pip install -r requirements.txt
python src/train.py
```

The data comes from the CRM export described in data/README.md.
"""

REQUIREMENTS = "numpy==1.26.4\npandas==2.2.2\npyyaml==6.0.1\nscikit-learn==1.4.2\njoblib==1.4.2\n"


def test_notebook_only_project_is_level_0(tmp_path: Path) -> None:
    a = _scan(
        tmp_path / "nb",
        {
            "README.md": "# Churn\n\nOpen the notebook in Colab.\n",
            "exploration.ipynb": _notebook(
                "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n",
                "df = pd.read_csv('customers.csv')\nmodel = LogisticRegression().fit(df[['a']], df.y)\n",
            ),
            "customers.csv": "a,y\n1,0\n2,1\n",
        },
    )
    assert a.overall_level == 0
    assert a.maturity_index < 0.5
    assert {r.name: r.outcome.value for r in a.results}["notebook-only"] == "fail"
    # a research notebook has nothing to deploy: the continuous-delivery pillar does not
    # count, and "fix next" starts with level-1 practice, not cd-deploy (it did: +0.38,
    # facebookresearch/segment-anything reviewed)
    assert a.profile.name == "research"
    assert a.maturity.next_level is not None
    assert "AUT008" not in [m.check for m in a.maturity.next_level.missing]


def test_scripted_seeded_pinned_project_without_ci_is_level_1(tmp_path: Path) -> None:
    a = _scan(
        tmp_path / "scripted",
        {
            "README.md": README,
            "requirements.txt": REQUIREMENTS,
            "params.yaml": "train:\n  seed: 42\n  n_estimators: 200\n",
            "src/train.py": TRAIN,
            "data/README.md": "Source: CRM export `churn.csv`, refreshed monthly by the sales team.\n",
            "data/raw/.gitkeep": "",
        },
    )
    outcomes = {r.name: r.outcome.value for r in a.results}
    assert outcomes["deps-locked"] == "pass"
    assert outcomes["seeds-set"] == "pass"
    assert outcomes["ci-present"] == "fail"
    assert a.overall_level == 1, (a.maturity_index, a.maturity.attainment[0])
    level1 = a.maturity.attainment[0]
    assert level1.pillar == "scripted-project" and (level1.attainment or 0) >= 0.75


DVC_YAML = """\
stages:
  prepare:
    cmd: python src/prepare.py
    deps:
      - data/raw/churn.csv
      - src/prepare.py
    params:
      - prepare
    outs:
      - data/processed/train.csv
  train:
    cmd: python src/train.py
    deps:
      - data/processed/train.csv
      - src/train.py
    params:
      - train
    outs:
      - models/model.joblib
  evaluate:
    cmd: python src/evaluate.py
    deps:
      - models/model.joblib
      - src/evaluate.py
    metrics:
      - metrics.json:
          cache: false
"""

DVC_LOCK = """\
schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py
    deps:
    - path: data/raw/churn.csv
      hash: md5
      md5: 34eb1f1b50044da46782096605d5d0ea
      size: 93637
    outs:
    - path: data/processed/train.csv
      hash: md5
      md5: 6795f3851b9e667b75137e026bb30e90
      size: 1029
"""

TRACKED_TRAIN = TRAIN.replace("import yaml\n", "import mlflow\nimport yaml\n").replace(
    '    model.fit(frame.drop(columns=["churn"]), frame["churn"])\n',
    "    with mlflow.start_run():\n"
    "        mlflow.log_params(params)\n"
    '        model.fit(frame.drop(columns=["churn"]), frame["churn"])\n'
    '        mlflow.log_metric("train_rows", len(frame))\n',
)


def test_dvc_pipeline_with_tracking_and_versioned_data_without_tests_is_level_2(
    tmp_path: Path,
) -> None:
    a = _scan(
        tmp_path / "dvc",
        {
            "README.md": README.replace("python src/train.py", "dvc pull && dvc repro"),
            "requirements.txt": REQUIREMENTS + "mlflow==2.12.2\ndvc[s3]==3.50.1\n",
            "params.yaml": "prepare:\n  seed: 42\ntrain:\n  seed: 42\n  n_estimators: 200\n",
            "dvc.yaml": DVC_YAML,
            "dvc.lock": DVC_LOCK,
            ".dvc/config": "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://acme-ml/churn\n",
            ".dvcignore": "",
            "data/raw/churn.csv.dvc": "outs:\n- md5: 34eb1f1b50044da46782096605d5d0ea\n  size: 93637\n  path: churn.csv\n",
            "data/raw/.gitignore": "/churn.csv\n",
            "data/README.md": "Source: CRM export `churn.csv`, versioned with DVC.\n",
            "src/prepare.py": "import pandas as pd\n\npd.read_csv('data/raw/churn.csv').to_csv('data/processed/train.csv')\n",
            "src/train.py": TRACKED_TRAIN,
            "src/evaluate.py": "import json\n\njson.dump({'auc': 0.9}, open('metrics.json', 'w'))\n",
            "metrics.json": '{"auc": 0.9}\n',
        },
    )
    outcomes = {r.name: r.outcome.value for r in a.results}
    assert outcomes["unit-tests"] == "fail"
    assert outcomes["data-vcs"] == "pass"
    assert outcomes["tracker-calls"] == "pass"
    assert a.overall_level == 2, (a.maturity_index, [x.attainment for x in a.maturity.attainment])
    level2 = a.maturity.attainment[1]
    assert level2.pillar == "ml-pipeline"


LIBRARY = {
    "pyproject.toml": '[project]\nname = "forecastlib"\nversion = "1.2.0"\n'
    'dependencies = ["scikit-learn>=1.4"]\n',
    "src/forecastlib/__init__.py": "",
    "src/forecastlib/models.py": "from sklearn.base import BaseEstimator\n\n\n"
    "class Naive(BaseEstimator):\n    def predict(self, y):\n        return y[-1]\n",
    "tests/test_models.py": "from forecastlib.models import Naive\n\n\ndef test_naive():\n"
    "    assert Naive().predict([1, 2]) == 2\n",
    "CHANGELOG.md": "# Changelog\n\n## 1.2.0\n\n- naive forecaster\n",
    ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    "      - run: pip install -e . pytest pytest-cov\n      - run: pytest --cov=forecastlib\n",
}
PUBLISH = (
    "on:\n  release:\n    types: [published]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n      - run: python -m build\n"
    "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
)


def test_a_tested_library_that_ci_publishes_is_level_2(tmp_path: Path) -> None:
    """A library's level-2 pillar is the continuous delivery of its package: it trains and
    deploys nothing of its own (rule lib), so the other level-2 pillars ask nothing of it
    (Project-MONAI/MONAI, Nixtla/statsforecast, salesforce/Merlion; reviewed)."""
    published = _scan(tmp_path / "published", {**LIBRARY, ".github/workflows/publish.yml": PUBLISH})
    outcomes = {r.name: r.outcome.value for r in published.results}
    assert outcomes["package-delivery"] == "pass"
    assert outcomes["training-pipeline"] == "not_applicable"
    level2 = published.maturity.attainment[1]
    assert level2.pillar == "package-delivery"
    assert published.overall_level == 2, published.maturity_index
    # the same library that nobody publishes is a tested codebase, level 1
    unpublished = _scan(tmp_path / "unpublished", LIBRARY)
    outcomes = {r.name: r.outcome.value for r in unpublished.results}
    assert outcomes["package-delivery"] == "not_applicable"
    assert unpublished.maturity.attainment[1].pillar != "package-delivery"
    assert unpublished.overall_level == 1, unpublished.maturity_index
