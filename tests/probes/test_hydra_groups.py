"""Which options of Hydra config groups the committed configuration selects (probes._hydra):
defaults lists (plain, `override /…`, `optional …`, `…@package`, lists, nested groups),
committed commands, and the trap that a README, a test or an unselected option selects
nothing."""

from __future__ import annotations

import pytest
from helpers import snapshot

from mlaudit.probes._hydra import hydra_config

TRAIN = (
    "defaults:\n  - _self_\n  - model: {model}\n  - optional local: default\n"
    "  - logger@loggers.main: {logger}\n  - experiment: null\n"
)
BASE = {
    "conf/model/small.yaml": "defaults:\n  - optimizer: adam\n",
    "conf/model/large.yaml": "defaults:\n  - override /logger: csv\n",
    "conf/model/optimizer/adam.yaml": "lr: 0.001\n",
    "conf/model/optimizer/sgd.yaml": "lr: 0.1\n",
    "conf/logger/csv.yaml": "x: 1\n",
    "conf/logger/wandb.yaml": "x: 1\n",
    "conf/local/default.yaml": "x: 1\n",
    "conf/experiment/best.yaml": "defaults:\n  - override /logger: wandb\n",
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a nested group relative to its option's group (model/optimizer), a package suffix
        (
            {"conf/train.yaml": TRAIN.format(model="small", logger="wandb"), **BASE},
            [
                "conf/experiment/best.yaml",
                "conf/logger/csv.yaml",
                "conf/model/large.yaml",
                "conf/model/optimizer/sgd.yaml",
            ],
        ),
        # an absolute override in a selected option; a list of options
        (
            {"conf/train.yaml": TRAIN.format(model="[large, small]", logger="null"), **BASE},
            [
                "conf/experiment/best.yaml",
                "conf/logger/wandb.yaml",
                "conf/model/optimizer/sgd.yaml",
            ],
        ),
        # a committed command selects; a README, a test and an unselected option do not
        (
            {
                "conf/train.yaml": TRAIN.format(model="small", logger="null"),
                **BASE,
                "scripts/run.sh": "python train.py +experiment=best model/optimizer=sgd\n",
                "README.md": "python train.py model=large\n",
                "tests/test_cli.py": "ARGS = ['model=large']\n",
            },
            ["conf/logger/csv.yaml", "conf/model/large.yaml"],
        ),
        # YAML outside a config folder is no option
        ({"k8s/deploy.yaml": "kind: Deployment\n", "conf.yaml": "defaults: [a]\n"}, []),
    ],
)
def test_unselected_options(tmp_path, files, expected):
    hydra = hydra_config(snapshot(tmp_path, files))
    assert sorted(path for path in hydra.options if hydra.unselected(path)) == expected


def test_invalid_yaml_is_not_parsed_nor_made_unreadable(tmp_path):
    """Only files with a defaults list are parsed: a file that is not valid YAML
    (Azure/mlops-v2 .github/ISSUE_TEMPLATE/config.yml) must not make YAML checks unknown."""
    from helpers import run_rubric_check

    from mlaudit.results import Outcome

    files = {
        ".github/ISSUE_TEMPLATE/config.yml": "blank_issues_enabled: false\n"
        "  - name: Azure ML CLI issues.\n    url: https://github.com/azure/x/issues\n",
        "src/train.py": "import sklearn\n",
    }
    snap = snapshot(tmp_path, files)
    assert hydra_config(snap).options == {}
    assert run_rubric_check(snap, "hpo-automated").outcome == Outcome.FAIL
    assert ".github/ISSUE_TEMPLATE/config.yml" not in snap.problems
