"""Generic probes: positive, negative and the catalogue's known false positives."""

from __future__ import annotations

import json

import pytest
from helpers import run_check, run_probe, snapshot

from mlaudit.probes.base import MAX_EVIDENCE
from mlaudit.results import Outcome


@pytest.mark.parametrize(
    ("files", "params", "expected"),
    [
        ({"Dockerfile": "FROM python:3.11\n"}, {"globs": ["Dockerfile*"]}, Outcome.PASS),
        ({"app.py": "x = 1\n"}, {"globs": ["Dockerfile*"]}, Outcome.FAIL),
        # rule ex: examples/ and docs/ are not the project's own content
        ({"examples/demo/Dockerfile": "FROM x\n"}, {"globs": ["Dockerfile*"]}, Outcome.FAIL),
        ({"a.txt": "x"}, {"globs": ["*.pem"], "absent": True}, Outcome.PASS),
        ({"key.pem": "x"}, {"globs": ["*.pem"], "absent": True}, Outcome.FAIL),
        # an empty file holds nothing (a template's 0-byte configs/model1.yaml)
        ({"configs/model1.yaml": ""}, {"globs": ["configs/**"]}, Outcome.FAIL),
        ({"configs/model1.yaml": "lr: 0.1\n"}, {"globs": ["configs/**"]}, Outcome.PASS),
        # ... nor does a file of comments only, in a format whose comments start with `#`
        ({"Dockerfile": "# Phase 5\n\n  # soon\n"}, {"globs": ["Dockerfile*"]}, Outcome.FAIL),
        ({"reqs/requirements.txt": "# none yet\n"}, {"globs": ["requirements*.txt"]}, Outcome.FAIL),
        (
            {"requirements.txt": "# pinned\nnumpy==2.1\n"},
            {"globs": ["requirements*.txt"]},
            Outcome.PASS,
        ),
        # the trap: in Markdown `#` starts a heading, not a comment
        ({"docs2/DEPLOY.md": "# Deploy\n"}, {"globs": ["DEPLOY.md"]}, Outcome.PASS),
    ],
)
def test_files(tmp_path, files, params, expected):
    assert run_probe(snapshot(tmp_path, files), "files", **params).outcome == expected


def test_files_dir_kind(tmp_path):
    snap = snapshot(tmp_path, {"data/raw/.gitkeep": "", "data/processed/.gitkeep": ""})
    assert run_probe(snap, "files", globs=["data/raw"], kind="dir").outcome == Outcome.PASS
    assert run_probe(snap, "files", globs=["data/interim"], kind="dir").outcome == Outcome.FAIL


def test_python_imports_ignores_comments_and_readme(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "README.md": "We use mlflow for tracking.\n",
            "train.py": "# import mlflow\nx = 'import mlflow'\n",
        },
    )
    assert run_probe(snap, "python_imports", modules=["mlflow"]).outcome == Outcome.FAIL


def test_python_imports_notebook_only_is_partial(tmp_path):
    nb = '{"cells": [{"cell_type": "code", "source": ["%matplotlib inline\\n", "import mlflow\\n"]}], "nbformat": 4}'
    snap = snapshot(tmp_path, {"nb/explore.ipynb": nb})
    obs = run_probe(snap, "python_imports", modules=["mlflow"])
    assert obs.outcome == Outcome.PARTIAL
    assert obs.evidence[0].path == "nb/explore.ipynb"
    assert obs.evidence[0].note == "cell 1"


def test_python_calls_resolves_aliases_and_kwargs(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "train.py": "import mlflow as mf\nfrom sklearn.model_selection import train_test_split as tts\n"
            "mf.log_metric('acc', 1)\ntts(X, y, random_state=42)\ntts(X, y)\n",
        },
    )
    obs = run_probe(snap, "python_calls", calls=["mlflow.log_*"])
    assert obs.outcome == Outcome.PASS and obs.evidence[0].line == 3
    seeded = run_probe(
        snap,
        "python_calls",
        calls=["sklearn.model_selection.train_test_split"],
        kwargs={"random_state": r"^\d+$"},
    )
    assert seeded.outcome == Outcome.PASS and [e.line for e in seeded.evidence] == [4]
    # an import with no call is not use
    assert run_probe(snap, "python_calls", calls=["mlflow.autolog"]).outcome == Outcome.FAIL


@pytest.mark.parametrize("kinds", [["call"], ["call", "decorator"]])  # index and per-file paths
def test_python_calls_not_calls_leave_names_out(tmp_path, kinds):
    snap = snapshot(
        tmp_path,
        {
            "jobs.py": "import sagemaker\nsagemaker.processing.ScriptProcessor(instance_count=8)\n"
            "sagemaker.estimator.Estimator(instance_count=4)\n",
        },
    )
    wide = run_probe(snap, "python_calls", calls=["sagemaker.*"], kinds=kinds)
    assert [e.line for e in wide.evidence] == [2, 3]
    narrow = run_probe(
        snap, "python_calls", calls=["sagemaker.*"], not_calls=["*Processor"], kinds=kinds
    )
    assert [e.line for e in narrow.evidence] == [3]
    none = run_probe(snap, "python_calls", calls=["sagemaker.*"], not_calls=["sagemaker.*"])
    assert none.outcome == Outcome.FAIL


def test_python_calls_syntax_error_is_unknown_not_fail(tmp_path):
    snap = snapshot(tmp_path, {"train.py": "def broken(:\n    mlflow.log_metric('acc', 1)\n"})
    obs = run_probe(snap, "python_calls", calls=["mlflow.log_*"])
    assert obs.outcome == Outcome.UNKNOWN
    assert obs.evidence[0].path == "train.py"


def test_yaml_key_with_lines(tmp_path):
    snap = snapshot(
        tmp_path,
        {"dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    metrics:\n    - m.json\n"},
    )
    obs = run_probe(snap, "yaml_key", globs=["dvc.yaml"], key="stages.*.metrics")
    assert obs.outcome == Outcome.PASS and obs.evidence[0].line == 4
    assert (
        run_probe(snap, "yaml_key", globs=["dvc.yaml"], key="stages.*.plots").outcome
        == Outcome.FAIL
    )


def test_yaml_key_broken_yaml_is_unknown(tmp_path):
    snap = snapshot(tmp_path, {"dvc.yaml": "stages: [\n"})
    obs = run_probe(snap, "yaml_key", globs=["dvc.yaml"], key="stages")
    assert obs.outcome == Outcome.UNKNOWN and obs.evidence[0].path == "dvc.yaml"


def test_content_skips_comments(tmp_path):
    snap = snapshot(tmp_path, {"setup.cfg": "# --cov here\n[tool:pytest]\naddopts = --cov=src\n"})
    obs = run_probe(snap, "content", globs=["setup.cfg"], pattern="--cov")
    assert obs.outcome == Outcome.PASS and [e.line for e in obs.evidence] == [3]


def test_content_skips_python_docstrings_not_code(tmp_path):
    """A docstring describing a gate is prose (shiva-shivanibokka/ML-System-Design-Retraining-
    Pipeline validation/validator.py:42; reviewed); the same words in code count, and so does
    a string that is a value, not a statement."""
    source = (
        '"""Gate 3: challenger_auc > champion_auc."""\n\n\n'
        "def gate(challenger_auc, champion_auc):\n"
        '    """Promote when challenger_auc > champion_auc\n    holds."""\n'
        "    note = 'challenger_auc > champion_auc'\n"
        "    return challenger_auc > champion_auc\n"
    )
    snap = snapshot(tmp_path, {"gate.py": source, "notes.txt": "challenger_auc > champion_auc\n"})
    obs = run_probe(snap, "content", globs=["*.py", "*.txt"], pattern="challenger_auc > champion")
    assert obs.outcome == Outcome.PASS
    assert [(e.path, e.line) for e in obs.evidence] == [
        ("gate.py", 7),
        ("gate.py", 8),
        ("notes.txt", 1),
    ]


WORKFLOW = """on:
  pull_request:
  push:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          pip install -e .
          pytest -q
  off:
    if: false
    runs-on: ubuntu-latest
    steps:
      - run: docker push x
"""


def test_ci_command_github(tmp_path):
    snap = snapshot(tmp_path, {".github/workflows/ci.yml": WORKFLOW})
    obs = run_probe(snap, "ci_command", pattern=r"\bpytest\b", triggers=["pull_request"])
    assert obs.outcome == Outcome.PASS
    assert obs.evidence[0].path == ".github/workflows/ci.yml" and obs.evidence[0].line == 11
    # rule dead: a job disabled with `if: false` does not count
    assert run_probe(snap, "ci_command", pattern="docker push").outcome == Outcome.FAIL
    assert (
        run_probe(snap, "ci_command", pattern="pytest", triggers=["schedule"]).outcome
        == Outcome.FAIL
    )


def test_ci_command_other_systems(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            ".gitlab-ci.yml": "stages: [test]\ntest:\n  script:\n    - pytest\n",
            "Jenkinsfile": "pipeline { stages { stage('t') { steps { sh 'tox -e py' } } } }\n",
        },
    )
    assert run_probe(snap, "ci_command", pattern=r"^pytest").outcome == Outcome.PASS
    assert run_probe(snap, "ci_command", pattern=r"\btox\b").outcome == Outcome.PASS


def test_git_history_unknown_without_git(tmp_path):
    snap = snapshot(tmp_path, {"a.py": "x=1\n"}, git_init=False)
    assert run_probe(snap, "git_history", min_commits=1).outcome == Outcome.UNKNOWN


def test_git_history_counts_commits_touching(tmp_path):
    from helpers import commit

    snap_root = tmp_path
    snapshot(snap_root, {"data/a.dvc": "outs:\n- md5: 1\n"})
    commit(snap_root, {"data/a.dvc": "outs:\n- md5: 2\n"}, "update data")
    from mlaudit.repo.worktree import open_worktree

    snap = open_worktree(snap_root)
    assert run_probe(snap, "git_history", touching=["*.dvc"], min_commits=2).outcome == Outcome.PASS
    assert run_probe(snap, "git_history", touching=["*.dvc"], min_commits=3).outcome == Outcome.FAIL


def test_undecidable(tmp_path):
    obs = run_probe(snapshot(tmp_path, {}), "undecidable", reason="needs a training run")
    assert obs.outcome == Outcome.UNKNOWN and "training run" in obs.message


def test_combinators(tmp_path):
    lock = '[[package]]\nname = "numpy"\nversion = "1.26.4"\n'
    snap = snapshot(tmp_path, {"poetry.lock": lock, ".github/workflows/ci.yml": WORKFLOW})
    wired = run_probe(
        snap,
        "wired",
        declared={"probe": "files", "with": {"globs": ["poetry.lock"]}},
        wiring={"probe": "ci_command", "with": {"pattern": "poetry install"}},
    )
    assert wired.outcome == Outcome.PARTIAL
    any_of = run_probe(
        snap,
        "any_of",
        probes=[
            {"probe": "files", "with": {"globs": ["uv.lock"]}},
            {"probe": "files", "with": {"globs": ["poetry.lock"]}},
        ],
    )
    assert any_of.outcome == Outcome.PASS


def test_template_folders_are_not_the_projects_own(tmp_path):
    # a cookiecutter template's generated project is not this repository's content
    snap = snapshot(
        tmp_path,
        {
            "{{cookiecutter.repo_name}}/Dockerfile": "FROM python:3.11\n",
            "{{cookiecutter.repo_name}}/src/train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
        },
    )
    assert run_probe(snap, "files", globs=["Dockerfile*"]).outcome == Outcome.FAIL
    assert run_probe(snap, "python_calls", calls=["mlflow.log_*"]).outcome == Outcome.FAIL


def test_template_hooks_are_not_the_projects_own(tmp_path):
    # cookiecutter runs hooks/post_gen_project.py once, when it generates a project
    # (kedro-org/kedro-starters); a module of the repository's own hooks/ package is the trap
    files = {
        "starter/hooks/post_gen_project.py": "import kedro.templates.project.hooks.utils\n",
        "starter/cookiecutter.json": "{}\n",
    }
    snap = snapshot(tmp_path, files)
    assert run_probe(snap, "python_imports", modules=["kedro"]).outcome == Outcome.FAIL
    snap = snapshot(tmp_path / "own", {"app/hooks/run_pipeline.py": "import kedro\n"})
    assert run_probe(snap, "python_imports", modules=["kedro"]).outcome == Outcome.PASS


def test_a_broken_file_without_the_name_does_not_make_the_check_unknown(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "stub.py": "def todo(:\n    pass\n",
            "other.py": "def broken(:\n    mlflow.log_metric('a', 1)\n",
        },
    )
    # other.py might hide a call (its text names it): honestly unknown
    assert run_probe(snap, "python_calls", calls=["mlflow.log_*"]).outcome == Outcome.UNKNOWN
    # neither broken file mentions torch: the answer is a fail, not unknown
    obs = run_probe(snap, "python_calls", calls=["torch.manual_seed"])
    assert obs.outcome == Outcome.FAIL
    assert run_probe(snap, "python_imports", modules=["torch"]).outcome == Outcome.FAIL


def test_name_tokens():
    from mlaudit.probes.base import name_tokens

    assert name_tokens(["mlflow.log_*", "*.fit", "x.[ab]*"]) == ["mlflow", "fit", "x"]
    # the module, not the `init` of every `__init__`
    assert name_tokens(["wandb.init", "*.log_metric"]) == ["wandb", "log_metric"]
    # a method of a built object: the file names the class (`run` is in most files)
    assert name_tokens(["google.cloud.aiplatform.*TrainingJob().run"]) == ["TrainingJob"]
    assert name_tokens(["*"]) == []


def test_a_broken_class_file_does_not_hide_a_trackers_absence(tmp_path):
    """trainindata/deploying-machine-learning-models section-04-research-and-development/
    preprocessors_bonus.py:31 (a SyntaxError in a class's `__init__`) made every check for a
    call such as `wandb.init` unknown: its text holds `init`, never `wandb` (reviewed)."""
    broken = (
        "import numpy as np\n\nclass Imputer:\n"
        "    def __init__(self, tol=0.05, variables):\n        self.tol = tol\n"
    )
    snap = snapshot(tmp_path, {"prep.py": broken, "train.py": "import numpy\n"})
    assert run_probe(snap, "python_calls", calls=["wandb.init"]).outcome == Outcome.FAIL
    # a broken file that names the tracker could hide its call: still unknown
    snap2 = snapshot(tmp_path / "two", {"prep.py": broken + "import wandb\n"})
    assert run_probe(snap2, "python_calls", calls=["wandb.init"]).outcome == Outcome.UNKNOWN


def test_yaml_key_ignores_broken_files_that_cannot_hold_the_key(tmp_path):
    snap = snapshot(tmp_path, {"a.yaml": "steps: [\n", "b.yaml": "x: 1\n"})
    assert (
        run_probe(snap, "yaml_key", globs=["*.yaml"], key="spec.replicas").outcome == Outcome.FAIL
    )
    snap2 = snapshot(tmp_path / "two", {"a.yaml": "replicas: [\n"})
    assert (
        run_probe(snap2, "yaml_key", globs=["*.yaml"], key="spec.replicas").outcome
        == Outcome.UNKNOWN
    )


def test_selection_test_agrees_with_select_files(tmp_path, monkeypatch):
    """python_calls decides membership per path (no set of every selected file), each path
    once per selection; the verdicts held stay bounded."""
    from mlaudit.probes import base

    monkeypatch.setattr(base, "_SELECTION_VERDICTS", {})
    monkeypatch.setattr(base, "_SELECTION_VERDICTS_MAX", 5)

    files = {
        "src/a.py": "x = 1\n",
        "tests/test_a.py": "x = 1\n",
        "examples/demo.py": "x = 1\n",
        "docs/conf.py": "x = 1\n",
        ".claude/skills/s.py": "x = 1\n",
        "nb/explore.ipynb": "{}",
        "vendor/lib.py": "x = 1\n",
    }
    snap = snapshot(tmp_path, files)
    for globs in (["*.py"], ["*.py", "*.ipynb"], ["src/**"]):
        for scope in ("any", "tests", "non_tests"):
            for include in (False, True):
                for exclude in ((), ("vendor/**",)):
                    listed = set(
                        base.select_files(
                            snap, globs, exclude=exclude, include_excluded_dirs=include, scope=scope
                        )
                    )
                    for _asked in range(2):  # decided, then remembered
                        selected = base.selection_test(
                            globs, exclude=exclude, include_excluded_dirs=include, scope=scope
                        )
                        decided = {f for f in snap.files if selected(f)}
                        assert decided == listed, (globs, scope, include, exclude)
                        held = sum(map(len, base._SELECTION_VERDICTS.values()))
                        assert held <= 5


def test_same_file_fails_at_the_first_part_that_finds_nothing(tmp_path):
    # a part that finds nothing decides: no file can hold every part, whatever a later part
    # finds or cannot decide (a file that cannot be parsed makes a python_calls part unknown:
    # Python 2 code, which runs under Python 2, unlike a file no Python can run)
    broken = "print store.materialize()\n"  # could hold the call: undecided
    snap = snapshot(tmp_path, {"dag.py": broken, "other.py": "import x\n"})
    obs = run_probe(
        snap,
        "same_file",
        probes=[
            {"probe": "files", "with": {"globs": ["dags/*.py"]}},
            {"probe": "python_calls", "with": {"calls": ["*.materialize"]}},
        ],
    )
    assert obs.outcome == Outcome.FAIL
    undecided = run_probe(
        snap,
        "same_file",
        probes=[
            {"probe": "python_calls", "with": {"calls": ["*.materialize"]}},
            {"probe": "files", "with": {"globs": ["*.py"]}},
        ],
    )
    assert undecided.outcome == Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import a\nimport b\n", Outcome.PASS),
        ("import b\nimport a\n", Outcome.FAIL),  # both, not in the order asked
        ("import a\nimport b\nimport a\n", Outcome.PASS),
        ("import b\nimport a\nimport b\n", Outcome.PASS),  # a b after an a
    ],
)
def test_same_file_ordered_needs_each_part_after_the_one_before(tmp_path, source, expected):
    snap = snapshot(tmp_path, {"m.py": source})
    parts = [
        {"probe": "content", "with": {"globs": ["*.py"], "pattern": "^import a$"}},
        {"probe": "content", "with": {"globs": ["*.py"], "pattern": "^import b$"}},
    ]
    assert run_probe(snap, "same_file", probes=parts, ordered=True).outcome == expected
    assert run_probe(snap, "same_file", probes=parts).outcome == Outcome.PASS  # any order


def test_same_file_sees_every_file_a_part_is_found_in(tmp_path):
    """dagster-io/hooli-data-eng-pipelines (reviewed): fifteen stub assets sorted before the
    one file that also fits a model; the parts' evidence shown is capped, what they were found
    in is not."""
    stubs = {
        f"a{i:02d}/assets.py": "from dagster import asset\n@asset\ndef x():\n    pass\n"
        for i in range(15)
    }
    both = "from dagster import asset\n@asset\ndef m(model, X, y):\n    model.fit(X, y)\n"
    snap = snapshot(tmp_path, {**stubs, "z/definitions.py": both})
    obs = run_probe(
        snap,
        "same_file",
        probes=[
            {"probe": "python_calls", "with": {"calls": ["dagster.asset"], "kinds": ["decorator"]}},
            {"probe": "python_calls", "with": {"calls": ["*.fit"]}},
        ],
    )
    assert obs.outcome == Outcome.PASS, obs.message
    assert {e.path for e in obs.evidence} == {"z/definitions.py"}
    # ... and a part's own evidence, outside same_file, is still the capped list
    alone = run_probe(snap, "python_calls", calls=["dagster.asset"], kinds=["decorator"])
    assert len(alone.evidence) == MAX_EVIDENCE


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("upload_folder(repo_id='a/b', folder_path='out')\n", Outcome.PASS),  # a model by default
        ("upload_folder(repo_id='a/b', folder_path='out', repo_type='model')\n", Outcome.PASS),
        ("upload_folder(repo_id='a/b', folder_path='d', repo_type='dataset')\n", Outcome.FAIL),
    ],
)
def test_python_calls_a_kwarg_that_must_not_be_given_a_value(tmp_path, source, expected):
    snap = snapshot(tmp_path, {"push.py": "from huggingface_hub import upload_folder\n" + source})
    obs = run_probe(
        snap,
        "python_calls",
        calls=["huggingface_hub.upload_folder"],
        kwargs={"repo_type": "!dataset|space"},
    )
    assert obs.outcome == expected
    assert "repo_type" not in obs.message  # the message names no required keyword


def test_yaml_key_evidence_names_the_key_not_the_wildcard(tmp_path):
    snap = snapshot(tmp_path, {"recipes/sft.yaml": "report_to:\n- wandb\n"})
    obs = run_probe(snap, "yaml_key", globs=["*.yaml"], key="report_to.*", value="wandb")
    assert obs.outcome == Outcome.PASS
    assert obs.evidence[0].snippet == "report_to: wandb"


def test_python_strings_in_notebooks_only_is_partial(tmp_path):
    cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": ["body = {'requestLoggingConfig': {'samplingPercentage': 1}}\n"],
    }
    notebook = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    snap = snapshot(tmp_path, {"serve.ipynb": notebook})
    params = {"pattern": "requestLoggingConfig", "what": "a request-logging config"}
    assert run_probe(snap, "python_strings", **params).outcome == Outcome.FAIL  # .py only
    obs = run_probe(snap, "python_strings", notebooks=True, **params)
    assert obs.outcome == Outcome.PARTIAL and obs.evidence[0].note == "cell 1"


def test_a_text_search_is_not_undecided_by_a_file_that_only_failed_to_parse(tmp_path):
    # whether another check parsed the broken YAML first must not change a text search's
    # outcome (Azure/mlops-v2 .github/ISSUE_TEMPLATE/config.yml)
    snap = snapshot(tmp_path, {"conf/broken.yml": "a: b: c\n", "conf/ok.yml": "x: 1\n"})
    params = {"globs": ["*.yml"], "pattern": r"\bdbt\s+build\b"}
    before = run_probe(snap, "content", **params)
    snap.yaml_docs("conf/broken.yml")  # records the parse problem
    assert "conf/broken.yml" in snap.problems
    after = run_probe(snap, "content", **params)
    assert before.outcome == after.outcome == Outcome.FAIL


@pytest.mark.parametrize(
    ("source", "wanted", "matches"),
    [
        ("f(report_to='wandb')", {"report_to": "wandb"}, True),
        # a conditional: the wanted value in one branch (tloen/alpaca-lora finetune.py:254)
        ("f(report_to='wandb' if use else None)", {"report_to": "wandb"}, True),
        ("f(report_to=None if quiet else 'wandb')", {"report_to": "wandb"}, True),
        ("f(report_to='tensorboard' if use else 'none')", {"report_to": "wandb"}, False),
        # a computed branch says nothing
        ("f(report_to=pick() if use else None)", {"report_to": "wandb"}, False),
        # an unwanted value in either branch is unwanted
        ("f(repo_type='dataset' if d else None)", {"repo_type": "!dataset|space"}, False),
        ("f(repo_type='model' if m else None)", {"repo_type": "!dataset|space"}, True),
    ],
)
def test_keyword_values_given_by_a_conditional(source, wanted, matches):
    from mlaudit.probes.generic import _kwargs_match
    from mlaudit.repo.parsers.python_src import parse_python

    call = next(c for c in parse_python(source).calls if c.name == "f")
    assert _kwargs_match(call, wanted) is matches


def test_a_python_file_with_null_bytes_runs_nothing_and_decides(tmp_path):
    """Python refuses a source file with NUL bytes (a UTF-16 comment appended to it:
    JasonNguyen2135/Spotify-Sentiment-MLOps monitoring/evidently/app.py; reviewed): it is a
    file that does not parse, not an unreadable one leaving every code check unknown."""
    files = {
        "monitor/app.py": b"import sentry_sdk\nsentry_sdk.init()\n#\x00 \x00f\x00o\x00o\x00\r\x00\n\x00",
        "train.py": "def fit(model, X, y):\n    model.fit(X, y)\n",
    }
    snap = snapshot(tmp_path, files)
    facts = snap.python("monitor/app.py")
    assert facts is not None and "null bytes" in (facts.syntax_error or "")
    assert not facts.calls
    obs = run_check(snap, "error-tracking")
    assert obs.outcome == Outcome.FAIL, obs.message
