"""MLOps stack inventory: tools are reported as used only on evidence of use (import, call,
config, CI step), as declared when only a dependency names them, never from prose."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import snapshot

from mlaudit.errors import RubricError
from mlaudit.inventory import Catalogue, compute_inventory, load_catalogue
from mlaudit.results import Inventory

WORKFLOW = """\
name: ci
on: [push]
jobs:
  train:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: iterative/setup-dvc@v1
      - run: dvc pull
      - run: pytest -q
"""


def tools(inventory: Inventory) -> dict[str, tuple[str, tuple[str, ...], list[str]]]:
    return {
        t.id: (t.status, t.via, [e.location() for e in t.evidence])
        for c in inventory.categories
        for t in c.tools
    }


def test_used_and_declared(tmp_path: Path) -> None:
    snap = snapshot(
        tmp_path,
        {
            "src/train.py": "import mlflow\nfrom sklearn.pipeline import Pipeline\n",
            ".dvc/config": "[core]\n    remote = s3\n",
            "data/raw.csv.dvc": "outs:\n- md5: abc\n  path: raw.csv\n",
            ".github/workflows/ci.yml": WORKFLOW,
            "requirements.txt": "wandb==0.16.0\nmlflow==2.9\n",
            "tests/test_x.py": "import pytest\n",
            "Dockerfile": 'FROM python:3.11\nCMD ["uvicorn", "app:api"]\n',
        },
    )
    found = tools(compute_inventory(snap))
    assert found["mlflow"][0] == "used"
    assert found["mlflow"][1] == ("import", "requirement")
    assert found["mlflow"][2][0] == "src/train.py:1"
    assert found["dvc"][0] == "used"
    assert "config" in found["dvc"][1] and "ci" in found["dvc"][1]
    assert found["wandb"] == ("declared", ("requirement",), ["requirements.txt:1"])
    assert found["pytest"][0] == "used"
    assert found["github-actions"][0] == "used"
    assert found["docker"][0] == "used"
    assert found["fastapi"][1] == ("ci",)  # uvicorn in the image's CMD
    # every category of the canvas is reported, with or without tools
    inventory = compute_inventory(snap)
    assert [c.id for c in inventory.categories] == [c.id for c in load_catalogue().categories]


def test_prose_comments_and_examples_never_count(tmp_path: Path) -> None:
    snap = snapshot(
        tmp_path,
        {
            "README.md": "We use MLflow, DVC and Weights & Biases. `import mlflow`\n",
            "train.py": "# import mlflow\nx = 'import wandb'\n",
            "examples/demo.py": "import mlflow\n",
            "docs/conf.py": "import wandb\n",
            ".pre-commit-config.yaml": "# bandit is on the roadmap\nrepos: []\n",
        },
    )
    found = tools(compute_inventory(snap))
    assert "mlflow" not in found
    assert "wandb" not in found
    assert "bandit" not in found  # a comment in a config file is not a hook
    assert found["pre-commit"][0] == "used"


def test_anchored_config_patterns_match_any_line(tmp_path: Path) -> None:
    snap = snapshot(
        tmp_path,
        {"k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n"},
    )
    assert tools(compute_inventory(snap))["kubernetes"][2] == ["k8s/deploy.yaml:2"]


def test_pyproject_and_conda_dependencies_are_declared(tmp_path: Path) -> None:
    snap = snapshot(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = [\n  "evidently>=0.4",\n]\n',
            "environment.yml": "dependencies:\n  - python=3.11\n  - pip:\n    - great_expectations==0.18\n",
        },
    )
    found = tools(compute_inventory(snap))
    assert found["evidently"] == ("declared", ("requirement",), ["pyproject.toml:4"])
    assert found["great-expectations"][0] == "declared"
    assert found["great-expectations"][2] == ["environment.yml:4"]


def test_notebook_import_is_used_with_its_cell(tmp_path: Path) -> None:
    import json

    nb = {
        "cells": [{"cell_type": "code", "source": ["import wandb\n"], "metadata": {}}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    snap = snapshot(tmp_path, {"explore.ipynb": json.dumps(nb)})
    status, via, where = tools(compute_inventory(snap))["wandb"]
    assert (status, via, where) == ("used", ("import",), ["explore.ipynb"])


def test_a_new_tool_is_data_only(tmp_path: Path) -> None:
    catalogue = Catalogue.model_validate(
        {
            "id": "custom",
            "version": "1",
            "categories": [
                {
                    "id": "serving",
                    "title": "Serving",
                    "tools": [
                        {"id": "acme", "name": "Acme Serve", "imports": ["acme_serve"]},
                        {
                            "id": "acme-cfg",
                            "name": "Acme config",
                            "config": [{"glob": "acme.toml", "pattern": "^enabled = true"}],
                        },
                    ],
                }
            ],
        }
    )
    snap = snapshot(
        tmp_path, {"app.py": "import acme_serve.api\n", "acme.toml": "# x\nenabled = true\n"}
    )
    found = tools(compute_inventory(snap, catalogue))
    assert found == {
        "acme": ("used", ("import",), ["app.py:1"]),
        "acme-cfg": ("used", ("config",), ["acme.toml:2"]),
    }


@pytest.mark.parametrize(
    "tool",
    [
        {"id": "x", "name": "X", "config": ["README.md"]},  # prose never proves use
        {"id": "x", "name": "X", "commands": ["(unclosed"]},
        {"id": "Bad Id", "name": "X"},
        {"id": "x", "name": "X", "unknown_key": 1},
    ],
)
def test_catalogue_is_validated(tool: dict) -> None:
    with pytest.raises(ValueError):
        Catalogue.model_validate(
            {"id": "c", "version": "1", "categories": [{"id": "a", "title": "A", "tools": [tool]}]}
        )


def test_bad_catalogue_file_is_a_rubric_error(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("id: c\nversion: '1'\ncategories: [{id: a, title: A, tools: [{id: x}]}]\n")
    with pytest.raises(RubricError, match=r"inventory\.yaml"):
        load_catalogue(str(path))


def test_builtin_catalogue_covers_the_canvas() -> None:
    ids = [c.id for c in load_catalogue().categories]
    assert ids == [
        "data-versioning",
        "data-sources",
        "pipeline-orchestration",
        "ml-platforms",
        "experiment-tracking",
        "model-registry",
        "data-validation",
        "serving",
        "monitoring",
        "ci-cd",
        "containers-infrastructure",
        "testing",
        "security",
    ]


def test_inventory_in_every_format(tmp_path: Path) -> None:
    import json

    from mlaudit.report import RenderOptions, renderer
    from mlaudit.rubric.load import load_rubric
    from mlaudit.scoring import assess

    snap = snapshot(tmp_path, {"train.py": "import mlflow\n", "requirements.txt": "wandb==1\n"})
    a = assess(snap, load_rubric())
    data = json.loads(renderer("json")(a, RenderOptions()))
    tracking = next(c for c in data["inventory"]["categories"] if c["id"] == "experiment-tracking")
    assert [(t["id"], t["status"]) for t in tracking["tools"]] == [
        ("mlflow", "used"),
        ("wandb", "declared"),
    ]
    terminal = renderer("terminal")(a, RenderOptions(width=100))
    assert "Experiment tracking: MLflow Tracking, Weights & Biases (declared only)" in terminal
    markdown = renderer("markdown")(a, RenderOptions(full=True))
    assert "| Experiment tracking | MLflow Tracking ([train.py:1](./train.py#L1))" in markdown
    assert "Weights \\& Biases _(declared only)_" in markdown
    comment = renderer("markdown")(a, RenderOptions())  # the PR comment: stack collapsed
    assert "- Experiment tracking: MLflow Tracking, Weights \\& Biases _(declared only)_" in comment
    html = renderer("html")(a, RenderOptions())
    assert 'data-category="experiment-tracking"' in html and "declared only" in html


AZURE_PIPELINE = """\
trigger:
  branches:
    include: [main]
pool:
  vmImage: ubuntu-latest
steps:
- task: AzureCLI@2
  inputs:
    azureSubscription: sc
    scriptType: bash
    inlineScript: az ml online-deployment create -f deploy.yml
"""


@pytest.mark.parametrize(
    ("files", "system"),
    [
        # positive: conventional folders, and a pipeline recognised by its shape anywhere
        ({".pipelines/ci.yml": AZURE_PIPELINE}, "azure"),
        ({"environment_setup/iac-create-environment-pipeline.yml": AZURE_PIPELINE}, "azure"),
        ({".github/workflows/ci.yml": WORKFLOW}, "github"),
        # a Cloud Build config under any name, an AWS CodeBuild buildspec
        (
            {
                "build/model-deployment.yaml": "steps:\n- name: 'gcr.io/cloud-builders/git'\n"
                "  args: ['clone', '$_REPO_URL']\n- name: python\n  entrypoint: pytest\n"
                "  args: ['-q']\n"
            },
            "cloudbuild",
        ),
        (
            {
                "model-code/buildspec.yml": "version: 0.2\nphases:\n  build:\n    commands:\n"
                "      - docker build -t x .\n      - docker push x\n"
            },
            "codebuild",
        ),
        # ... under the SageMaker project templates' name (YangLIN1997/AWS-MLOps-CI; reviewed)
        (
            {
                "codebuild-buildspec.yml": "version: 0.2\nphases:\n  build:\n    commands:\n"
                "      - run-pipeline --module-name pipelines.lr.pipeline\n"
            },
            "codebuild",
        ),
        # ... not its Jupyter checkpoint copy, which nothing runs (YangLIN1997/AWS-MLOps-CI
        # .ipynb_checkpoints/codebuild-buildspec-checkpoint.yml; reviewed)
        (
            {
                ".ipynb_checkpoints/codebuild-buildspec-checkpoint.yml": "version: 0.2\nphases:\n"
                "  build:\n    commands:\n      - run-pipeline --module-name pipelines.lr.pipeline\n"
            },
            None,
        ),
        # ... but a YAML file so named without build phases is none
        ({"docs/buildspec-notes.yml": "notes:\n  - phases are described elsewhere\n"}, None),
        # negative: a plain YAML file with steps is no pipeline
        ({"conf/steps.yaml": "steps:\n  - name: clean\n"}, None),
        # trap: an Ansible playbook / GitLab include file also has `steps`-like lists and a
        # `pool:` key, but Azure's markers come with hosts/script shapes of other tools
        ({"deploy/play.yml": "- hosts: all\n  tasks: []\npool: x\nsteps: []\n"}, None),
        ({"ci/build.yml": "stages: [test]\ntrigger: x\ntest:\n  script:\n    - pytest\n"}, None),
    ],
)
def test_ci_stack_and_ci_checks_read_the_same_files(
    tmp_path: Path, files: dict[str, str], system: str | None
) -> None:
    from helpers import run_probe

    snap = snapshot(tmp_path, files)
    found = tools(compute_inventory(snap))
    names = {
        "azure": "azure-pipelines",
        "github": "github-actions",
        "cloudbuild": "cloud-build",
        "codebuild": "aws-codebuild",
    }
    tool = names.get(system or "")
    ci_tools = {t for t in found if t in (*names.values(), "gitlab-ci")}
    present = run_probe(snap, "ci_present")
    if system is None:
        assert ci_tools == set()
        assert present.outcome == "fail"
    else:
        assert ci_tools == {tool}
        assert present.outcome == "pass"
        # the stack cites the file the check found its jobs in
        assert found[tool][2][0].split(":")[0] == present.evidence[0].path


def test_a_dataset_loader_is_a_data_source_not_data_versioning(tmp_path: Path) -> None:
    snap = snapshot(
        tmp_path,
        {
            "train.py": "from datasets import load_dataset\nds = load_dataset('imdb')\n"
            "from sklearn.datasets import fetch_openml\nX = fetch_openml('adult')\n",
            "requirements.txt": "datasets==2.0\n",
        },
    )
    inventory = compute_inventory(snap)
    by_category = {c.id: {t.id for t in c.tools} for c in inventory.categories}
    assert by_category["data-sources"] >= {"hf-datasets", "openml", "sklearn-datasets"}
    assert by_category["data-versioning"] == set()


def test_managed_platforms_and_scanner_configs(tmp_path: Path) -> None:
    snap = snapshot(
        tmp_path,
        {
            "score.py": "from azureml.core.model import Model\ndef init(): pass\n",
            "pipeline.py": "from google.cloud import aiplatform\naiplatform.init()\n",
            "sm.py": "import sagemaker\n",
            "deploy/endpoint.yml": "$schema: https://azuremlschemas.azureedge.net/latest/"
            "managedOnlineDeployment.schema.json\nname: blue\n",
            "trivy.yaml": "severity: HIGH\n",
            ".gitleaks.toml": "[extend]\nuseDefault = true\n",
            # trap: naming a platform in a README or a comment is not using it
            "README.md": "Deploy with SageMaker or Vertex AI; scan with trivy.\n",
            "notes.py": "# import sagemaker\n",
        },
    )
    found = tools(compute_inventory(snap))
    assert found["azure-ml"][1] == ("import", "config")
    assert found["vertex-ai"][0] == "used"
    assert found["sagemaker"][2] == ["sm.py:1"]
    assert found["trivy"][1] == ("config",)
    assert found["gitleaks"][1] == ("config",)
