"""SARIF and GitHub annotations as GitHub users expect them (issue #11 item 5): a helpUri per
rule (docs/rubric.md anchors) and an informationUri; an absence finding sits on the file
where the fix belongs, without a made-up line, never on an unrelated docs workflow; the
checks that make the gate fail are `::error`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_repo
from typer.testing import CliRunner

from mlaudit.cli import app
from mlaudit.report.links import HOME

PROJECT = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1"\ndependencies = ["scikit-learn"]\n',
    "train.py": "import sklearn\n",
    ".github/workflows/docs.yml": "on: push\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mkdocs build\n",
    ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("sarif") / "demo", PROJECT)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout


def test_rules_have_help_uri_and_driver_information_uri(repo: Path) -> None:
    _, out = run("scan", str(repo), "--format", "sarif")
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == HOME
    for rule in driver["rules"]:
        assert rule["helpUri"].endswith("/docs/rubric.md#" + rule["id"].lower())


def test_absence_findings_never_sit_on_an_unrelated_file(repo: Path) -> None:
    _, out = run("scan", str(repo), "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert results
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        if result["ruleId"] == "AUT007":
            # the one finding about that workflow itself: CI that only builds the docs
            assert "only build or publish documentation" in result["message"]["text"]
            continue
        assert location["artifactLocation"]["uri"] != ".github/workflows/docs.yml", result
        if "nothing to point at" in result["message"]["text"]:
            assert "region" not in location  # no fake line
    automation = [
        r
        for r in results
        if r["properties"]["quality"] == "automation"
        and "nothing to point at" in r["message"]["text"]
    ]
    assert automation and {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in automation
    } == {".github/workflows/ci.yml"}


def test_checks_that_fail_the_gate_are_errors(repo: Path) -> None:
    code, out = run("scan", str(repo), "--format", "github", "--fail-under-level", "2")
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error")]
    # the gate itself and the checks missing for the level it requires
    assert any("title=mlaudit REP008" in line or "REP008" in line for line in errors), errors
    _, sarif = run("scan", str(repo), "--format", "sarif", "--fail-under-level", "2")
    levels = {r["ruleId"]: r["level"] for r in json.loads(sarif)["runs"][0]["results"]}
    assert levels.get("REP008") == "error"


def test_json_has_gate_counts_and_doc_urls(repo: Path) -> None:
    import jsonschema

    code, out = run("scan", str(repo), "--format", "json", "--fail-under-level", "2")
    data = json.loads(out)
    assert code == 1
    assert data["gate"]["passed"] is False and data["gate"]["exit_code"] == 1
    assert data["gate"]["gates"] == ["fail-under-level 2"] and data["gate"]["reasons"]
    assert "REP008" in data["gate"]["blocking"]
    assert sum(data["counts"].values()) == len(data["results"])
    assert data["counts"]["fail"] == sum(r["outcome"] == "fail" for r in data["results"])
    assert all(r["doc_url"].endswith("#" + r["check"].lower()) for r in data["results"])
    _, schema = run("rubric", "schema", "--kind", "assessment")
    jsonschema.validate(data, json.loads(schema))
    _, out = run("scan", str(repo), "--format", "json")
    assert json.loads(out)["gate"]["gates"] == []  # evaluated, no gate configured
