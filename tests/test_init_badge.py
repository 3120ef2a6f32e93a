"""`mlaudit init` (a commented configuration with today's level as the gate, optionally a CI
job, never overwriting) and `--format badge` (an SVG and a shields.io endpoint JSON)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from helpers import make_repo
from typer.testing import CliRunner

from mlaudit.cli import app
from mlaudit.config import load_settings

PROJECT = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1"\ndependencies = ["scikit-learn"]\n',
    "uv.lock": "version = 1\n",
    "train.py": "import sklearn\n",
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "demo", PROJECT)


def _level(repo: Path) -> int:
    _code, out, _ = run("scan", str(repo), "--format", "json")
    return int(json.loads(out)["overall_level"])


def test_init_writes_a_commented_config_with_todays_level(repo: Path) -> None:
    level = _level(repo)
    code, _out, err = run("init", str(repo))
    assert code == 0, err
    text = (repo / ".mlaudit.yaml").read_text(encoding="utf-8")
    assert text.count("\n#") > 5  # commented
    data = yaml.safe_load(text)
    assert data == {"fail-under-level": level, "profile": "auto"}
    assert load_settings(repo).policy.fail_under_level == level
    # the gate passes today
    code, _, _ = run("scan", str(repo), "-q")
    assert code == 0


def test_init_never_overwrites(repo: Path) -> None:
    (repo / ".mlaudit.yaml").write_text("profile: batch\n", encoding="utf-8")
    code, _, err = run("init", str(repo), "--ci", "github")
    assert code == 2 and ".mlaudit.yaml" in err and "not overwriting" in err
    assert (repo / ".mlaudit.yaml").read_text(encoding="utf-8") == "profile: batch\n"
    assert not (repo / ".github").exists()  # nothing written when anything exists


def test_init_pyproject_and_ci_jobs(repo: Path) -> None:
    level = _level(repo)
    code, _, err = run("init", str(repo), "--pyproject", "--ci", "github")
    assert code == 0, err
    assert load_settings(repo).policy.fail_under_level == level
    workflow = yaml.safe_load((repo / ".github/workflows/mlaudit.yml").read_text(encoding="utf-8"))
    assert "jobs" in workflow
    assert "--fail-under-level" not in (repo / ".github/workflows/mlaudit.yml").read_text()
    code, _, err = run("init", str(repo), "--pyproject")
    assert code == 2 and "already has a [tool.mlaudit] table" in err
    code, _, err = run("init", str(repo), "--ci", "gitlab")  # already configured
    assert code == 2 and "[tool.mlaudit]" in err and not (repo / ".gitlab-ci.yml").exists()
    code, _, err = run("init", str(repo), "--ci", "jenkins")
    assert code == 2 and "--ci" in err


def test_init_gitlab_job(repo: Path) -> None:
    code, _, err = run("init", str(repo), "--ci", "gitlab")
    assert code == 0, err
    job = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "mlaudit" in job and (repo / ".mlaudit.yaml").is_file()


def test_badge_svg_and_endpoint_json(repo: Path, tmp_path: Path) -> None:
    level = _level(repo)
    code, svg, _ = run("scan", str(repo), "--format", "badge")
    assert code == 0
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert f"level {level}" in svg and "mlaudit" in svg
    target = tmp_path / "badge" / "mlaudit.svg"
    code, _out, err = run("scan", str(repo), "--output", f"badge={target}")
    assert code == 0, err
    assert target.read_text(encoding="utf-8") == svg
    endpoint = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
    assert endpoint["schemaVersion"] == 1 and endpoint["label"] == "mlaudit"
    assert endpoint["message"].startswith(f"level {level}") and endpoint["color"]
