"""CircleCI: a job runs only when a workflow lists it, on the triggers of that workflow."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_probe, snapshot

from mlaudit.results import Outcome

# trainindata/deploying-machine-learning-models .circleci/config.yml (reviewed): the live
# workflow lists four jobs; the jobs of earlier sections stay defined, their workflow is
# commented out
COURSE = """\
version: 2.1
defaults: &tags_only
  filters:
    branches:
      ignore: /.*/
    tags:
      only: /^.*/
jobs:
  test_app:
    docker: [{image: cimg/python:3.10}]
    steps: [checkout, {run: tox}]
  upload_model:
    docker: [{image: cimg/python:3.10}]
    steps: [checkout, {run: tox -e publish_model}]
  differential_tests:
    docker: [{image: cimg/python:3.10}]
    steps: [checkout, {run: py.test -vv packages/ml_api/tests -m differential}]
  nightly_train:
    docker: [{image: cimg/python:3.10}]
    steps: [checkout, {run: python train.py}]
workflows:
  version: 2
  deploy_pipeline:
    jobs:
      - test_app
      - upload_model:
          <<: *tags_only
  nightly:
    triggers:
      - schedule:
          cron: "0 0 * * *"
          filters: {branches: {only: [main]}}
    jobs:
      - nightly_train
#  test-all:
#    jobs:
#      - differential_tests
"""


def _jobs(tmp_path: Path, config: str) -> dict[str, tuple[bool, set[str]]]:
    snap = snapshot(tmp_path, {".circleci/config.yml": config})
    return {j.name: (j.disabled, j.triggers) for j in snap.ci_jobs}


def test_a_job_no_workflow_lists_never_runs(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, COURSE)
    assert jobs["differential_tests"][0]  # disabled: only a comment names it
    assert not jobs["test_app"][0]
    assert jobs["test_app"][1] == {"push", "pull_request"}


def test_a_jobs_triggers_are_its_workflows(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, COURSE)
    assert jobs["upload_model"] == (False, {"tag"})  # branches ignored, tags only
    assert jobs["nightly_train"] == (False, {"schedule"})  # a scheduled workflow only


def test_without_workflows_only_the_build_job_runs(tmp_path: Path) -> None:
    config = """\
version: 2
jobs:
  build:
    docker: [{image: circleci/python:3.7}]
    steps: [checkout, {run: pytest}]
  other:
    docker: [{image: circleci/python:3.7}]
    steps: [checkout, {run: make lint}]
"""
    jobs = _jobs(tmp_path, config)
    assert jobs == {
        "build": (False, {"push", "pull_request"}),
        "other": (True, {"push", "pull_request"}),
    }


@pytest.mark.parametrize(
    ("config", "outcome"),
    [
        (COURSE, Outcome.FAIL),  # the differential tests' job is dead
        (
            COURSE.replace("      - test_app\n", "      - test_app\n      - differential_tests\n"),
            Outcome.PASS,
        ),
    ],
)
def test_a_dead_jobs_commands_are_not_ci(tmp_path: Path, config: str, outcome: Outcome) -> None:
    snap = snapshot(tmp_path, {".circleci/config.yml": config})
    assert run_probe(snap, "ci_command", pattern=r"\bpy\.?test\b.*differential").outcome == outcome


APP_TOX = """\
[tox]
envlist = test_app, checks

[testenv:test_app]
commands = pytest -vv app/tests/

[testenv:checks]
commands =
    flake8 app
    mypy app
"""


def _app_config(working_directory: str, checkout: str = "~/project") -> str:
    return f"""\
version: 2.1
jobs:
  test_app:
    docker: [{{image: cimg/python:3.11}}]
    working_directory: {working_directory}
    steps:
      - checkout:
          path: {checkout}
      - run: tox
workflows:
  main:
    jobs: [test_app]
"""


@pytest.mark.parametrize(
    ("working_directory", "outcome"),
    [
        # trainindata/deploying-machine-learning-models .circleci/config.yml:35-43 (reviewed)
        ("~/project/section-07/house-prices-api", Outcome.PASS),
        ("~/project", Outcome.FAIL),  # tox at the root: there is no tox.ini there
        ("~/elsewhere/house-prices-api", Outcome.FAIL),  # outside the checkout
    ],
)
def test_a_task_runner_reads_its_file_in_the_jobs_working_directory(
    tmp_path: Path, working_directory: str, outcome: Outcome
) -> None:
    snap = snapshot(
        tmp_path,
        {
            ".circleci/config.yml": _app_config(working_directory),
            "section-07/house-prices-api/tox.ini": APP_TOX,
        },
    )
    assert run_probe(snap, "ci_command", pattern=r"\bflake8\b").outcome == outcome


def test_a_github_step_runs_tox_in_its_working_directory(tmp_path: Path) -> None:
    workflow = """\
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    defaults: {run: {working-directory: section-07/house-prices-api}}
    steps:
      - uses: actions/checkout@v4
      - run: tox
"""
    files = {
        ".github/workflows/ci.yml": workflow,
        "section-07/house-prices-api/tox.ini": APP_TOX,
        "tox.ini": "[testenv]\ncommands = pytest\n",  # the root's own: not where the step runs
    }
    snap = snapshot(tmp_path, files)
    assert run_probe(snap, "ci_command", pattern=r"\bflake8\b").outcome == Outcome.PASS
