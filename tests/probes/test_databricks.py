"""Databricks Asset Bundles: jobs declared in databricks.yml and the files it includes
(marvelousmlops/marvel-characters databricks.yml, resources/model_deployment.yml, reviewed)."""

from __future__ import annotations

import pytest
from helpers import run_check, run_probe, snapshot

from mlaudit.results import Outcome

P, F, H, NA = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL, Outcome.NOT_APPLICABLE

BUNDLE = (
    "bundle:\n  name: chars\n\ninclude:\n  - resources/*\n\n"
    "variables:\n  pause:\n    default: {pause}\n\n"
    "targets:\n  dev:\n    mode: development\n  acc:\n    variables:\n      pause: PAUSED\n"
    "  prd:\n    mode: production\n    variables:\n      pause: {prod_pause}\n"
)
JOB = (
    "resources:\n  jobs:\n    deployment:\n      name: wf\n"
    "      schedule:\n        quartz_cron_expression: '0 0 6 ? * MON'\n"
    "        pause_status: ${{var.pause}}\n"
    "      tasks:\n"
    "        - task_key: preprocessing\n          spark_python_task:\n"
    "            python_file: ../scripts/process_data.py\n{retries}"
    "        - task_key: {train_key}\n          depends_on:\n            - task_key: preprocessing\n"
    "          spark_python_task:\n            python_file: ../scripts/{train_file}\n"
    "        - task_key: model_updated\n          condition_task:\n"
    "            left: '{{{{tasks.train_model.values.model_updated}}}}'\n"
    "          depends_on:\n            - task_key: {train_key}\n"
)
TRAIN = {"scripts/train_register.py": "def run(m, X, y):\n    m.fit(X, y)\n"}


def bundle(
    *,
    pause: str = "PAUSED",
    prod_pause: str = "UNPAUSED",
    retries: str = "",
    train_key: str = "train_model",
    train_file: str = "train_register.py",
    where: str = "resources/model_deployment.yml",
) -> dict[str, str]:
    return {
        "databricks.yml": BUNDLE.format(pause=pause, prod_pause=prod_pause),
        where: JOB.format(retries=retries, train_key=train_key, train_file=train_file),
        **TRAIN,
    }


CASES = [
    # the job that trains is the orchestrated training pipeline, declared as code
    ("training-pipeline", "bundle-train-task", bundle(), P),
    ("pipeline-as-code", "bundle-train-task", bundle(), P),
    # ... by its file when its key says nothing
    (
        "training-pipeline",
        "bundle-train-file",
        bundle(train_key="step_two", train_file="train_model.py"),
        P,
    ),
    # the trap: a resource file the bundle does not include is never deployed, and a
    # condition task that reads the train task's values trains nothing
    ("training-pipeline", "fp-not-included", bundle(where="drafts/job.yml"), F),
    (
        "training-pipeline",
        "fp-condition-names-training",
        bundle(train_key="step_two", train_file="evaluate.py"),
        F,
    ),
    # data preparation upstream of training
    ("data-pipeline-dag", "bundle-preprocessing", bundle(), P),
    # a training schedule: running in production, or declared but paused everywhere
    ("ct-trigger", "bundle-schedule", bundle(), P),
    ("ct-trigger", "fp-bundle-schedule-paused", bundle(prod_pause="PAUSED"), H),
    # retries on the tasks; none set; no bundle jobs at all
    ("orchestrator-retries", "bundle-max-retries", bundle(retries="          max_retries: 2\n"), P),
    ("orchestrator-retries", "bundle-no-retries", bundle(), F),
    ("orchestrator-retries", "fp-no-bundle", {"train.py": "x = 1\n"}, NA),
    # the bundle is the workspace's infrastructure as code, with a target per environment
    ("iac-env-promotion", "bundle-targets", bundle(), P),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}:{i}") for c, i, f, e in CASES],
)
def test_bundle_checks(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, files), check)
    assert obs.outcome == expected, obs.message


def test_a_bundle_deploy_in_ci_delivers_and_builds_the_pipeline(tmp_path):
    ci = {
        ".github/workflows/cd.yml": "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n"
        "    runs-on: x\n    steps:\n      - run: databricks bundle deploy --target prd\n"
    }
    snap = snapshot(tmp_path, {**bundle(), **ci})
    assert run_check(snap, "cd-deploy").outcome == P
    assert run_check(snap, "pipeline-ci").outcome == P


def test_a_bundle_including_itself_declares_its_jobs_once(tmp_path):
    files = bundle()
    files["databricks.yml"] = files["databricks.yml"].replace("  - resources/*\n", "  - '*.yml'\n")
    files["databricks.yml"] += "\n" + files.pop("resources/model_deployment.yml")
    obs = run_probe(snapshot(tmp_path, files), "bundle_job", what="retries")
    assert obs.outcome == F
    assert len(obs.evidence) == 2  # preprocessing and train_model, once each


def test_the_production_target_decides_a_variable(tmp_path):
    snap = snapshot(tmp_path, bundle(pause="UNPAUSED", prod_pause="PAUSED"))
    obs = run_probe(snap, "bundle_job", what="schedule")
    assert obs.outcome == H, obs.message


# dbx, the bundles' predecessor: jobs per environment in conf/deployment.yml, deployed by
# `dbx deploy` (niall-turbitt/e2e-mlops conf/deployment.yml:103-130, .github/workflows/
# onrelease.yml:39; reviewed)
DBX = (
    "custom:\n  cluster: &cluster\n    new_cluster:\n      num_workers: 1\n\n"
    "environments:\n"
    "  staging:\n    jobs:\n      - name: 'STAGING-setup'\n        <<: *cluster\n"
    "        spark_python_task:\n          python_file: 'file://pkg/pipelines/setup_job.py'\n"
    "  prod:\n    jobs:\n      - name: 'PROD-train'\n        tasks:\n"
    "          - task_key: 'feature-table-creation'\n            <<: *cluster\n"
    "            spark_python_task:\n"
    "              python_file: 'file://pkg/pipelines/feature_table_creator_job.py'\n"
    "          - task_key: 'model-train'\n            depends_on:\n"
    "              - task_key: 'feature-table-creation'\n"
    "            spark_python_task:\n"
    "              python_file: 'file://pkg/pipelines/model_train_job.py'\n"
)
DBX_CD = {
    ".github/workflows/onrelease.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n"
    "    runs-on: x\n    steps:\n      - run: dbx deploy --deployment-file conf/deployment.yml "
    "--jobs=PROD-train --environment=prod\n"
}


def test_a_dbx_deployment_file_declares_jobs_per_environment(tmp_path):
    snap = snapshot(tmp_path, {"conf/deployment.yml": DBX, **TRAIN, **DBX_CD})
    assert run_check(snap, "training-pipeline").outcome == P
    assert run_check(snap, "data-pipeline-dag").outcome == P
    assert run_check(snap, "cd-deploy").outcome == P
    assert run_check(snap, "pipeline-ci").outcome == P
    promotion = run_check(snap, "iac-env-promotion")
    assert promotion.outcome == P and "2 environments" in promotion.message, promotion.message


def test_a_kubernetes_deployment_yml_is_no_dbx_file(tmp_path):
    """The trap: `deployment.yml` is also what a Kubernetes Deployment is called."""
    k8s = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n"
        "    spec:\n      containers:\n      - name: api\n        image: x:1\n"
    )
    snap = snapshot(tmp_path, {"k8s/deployment.yml": k8s, **TRAIN})
    assert run_probe(snap, "bundle_job", what="training").outcome == F
    assert run_probe(snap, "bundle_job", what="retries").outcome == NA
