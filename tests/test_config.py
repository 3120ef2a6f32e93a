"""Configuration: files, precedence, --show-config, unknown keys, schema; selection."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from gating_helpers import invoke, project, results_by_check

from mlaudit.config import config_json_schema, load_settings
from mlaudit.errors import UsageError
from mlaudit.rubric.load import load_rubric
from mlaudit.selection import build_selector

PYPROJECT_WITH_TOOL = (
    '[project]\nname = "churn"\n\n[tool.mlaudit]\nfail-under = 40\nprofile = "batch"\n'
    'extend-ignore = ["SEC"]\n'
)


def test_pyproject_table_is_read_and_flags_win(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"pyproject.toml": PYPROJECT_WITH_TOOL})
    settings = load_settings(repo, {"profile": "research"}, env={})
    assert settings.policy.fail_under == 40
    assert settings.policy.profile == "research"
    assert settings.sources["fail_under"] == f"file {repo / 'pyproject.toml'}"
    assert settings.sources["profile"] == "flag --profile"
    assert settings.config_path == repo / "pyproject.toml"


def test_precedence_flags_env_file_default(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {".mlaudit.yaml": "fail-under: 10\nfail-on: low\n"})
    env = {"MLAUDIT_FAIL_UNDER": "20", "MLAUDIT_SELECT": "REP,TST", "MLAUDIT_EXIT_ZERO": "true"}
    s = load_settings(repo, {"fail_under": 30.0}, env=env)
    assert s.policy.fail_under == 30  # flag
    assert s.sources["fail_under"] == "flag --fail-under"
    s = load_settings(repo, {}, env=env)
    assert s.policy.fail_under == 20  # environment beats the file
    assert s.sources["fail_under"] == "env MLAUDIT_FAIL_UNDER"
    assert s.policy.select == ["REP", "TST"]
    assert s.policy.exit_zero is True
    assert s.policy.fail_on == "low"  # file
    assert load_settings(repo, {}, env={}).policy.fail_under == 10
    assert s.policy.commit_limit == 10_000  # default
    assert "commit_limit" not in s.sources


def test_yaml_wins_over_pyproject_and_parent_folder_is_searched(tmp_path: Path) -> None:
    repo = project(
        tmp_path / "r",
        {
            "pyproject.toml": PYPROJECT_WITH_TOOL,
            ".mlaudit.yaml": "fail_under: 55  # snake_case accepted\n",
            "services/ml/train.py": "print(1)\n",
        },
    )
    s = load_settings(repo / "services" / "ml", {}, env={})
    assert s.config_path == repo / ".mlaudit.yaml"
    assert s.policy.fail_under == 55
    assert s.policy.profile == "auto"  # pyproject is not merged in


def test_search_stops_at_git_root(tmp_path: Path) -> None:
    (tmp_path / ".mlaudit.yaml").write_text("fail-under: 99\n")
    repo = project(tmp_path / "r")
    assert load_settings(repo, {}, env={}).config_path is None


def test_unknown_key_names_key_line_and_nearest(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {".mlaudit.yaml": "profile: batch\nfail-undr: 50\n"})
    with pytest.raises(UsageError) as err:
        load_settings(repo, {}, env={})
    message = str(err.value)
    assert ".mlaudit.yaml:2" in message
    assert "'fail-undr'" in message and "did you mean 'fail-under'" in message
    run = invoke(["scan", str(repo)])
    assert run.code == 2
    assert "did you mean 'fail-under'" in run.stderr


def test_unknown_key_in_pyproject(tmp_path: Path) -> None:
    repo = project(
        tmp_path / "r",
        {"pyproject.toml": '[project]\nname="x"\n\n[tool.mlaudit]\nextend-ignor = ["SEC"]\n'},
    )
    run = invoke(["scan", str(repo)])
    assert run.code == 2
    assert "pyproject.toml:5" in run.stderr and "'extend-ignore'" in run.stderr


def test_bad_value_is_exit_2_with_location(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {".mlaudit.yaml": "fail-on: fatal\n"})
    run = invoke(["scan", str(repo)])
    assert run.code == 2
    assert ".mlaudit.yaml:1" in run.stderr and "fail-on" in run.stderr


def test_explicit_config_file_and_show_config(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {".mlaudit.yaml": "fail-under: 10\n"})
    other = tmp_path / "ci.yaml"
    other.write_text("fail-under-level: 2\nwaivers:\n  - {check: REP008, reason: legacy}\n")
    run = invoke(["scan", str(repo), "--config", str(other), "--show-config", "--fail-on", "high"])
    assert run.code == 0
    lines = run.stdout.splitlines()
    assert lines[0] == f"# config file: {other}"
    assert any(line.startswith("fail-under-level = 2  # file ") for line in lines)
    assert "fail-under = null  # default" in lines  # the repo's own file is not read
    assert 'fail-on = "high"  # flag --fail-on' in lines
    assert any(line.startswith("waivers = [") and "legacy" in line for line in lines)
    missing = invoke(["scan", str(repo), "--config", str(tmp_path / "nope.yaml")])
    assert missing.code == 2 and "config file not found" in missing.stderr


def test_config_schema_export_validates_a_config(tmp_path: Path) -> None:
    run = invoke(["rubric", "schema", "--kind", "config"])
    assert run.code == 0
    schema = json.loads(run.stdout)
    assert schema == json.loads(json.dumps(config_json_schema()))
    props = schema["properties"]
    for key in (
        "fail-under",
        "fail-under-level",
        "fail-on",
        "extend-select",
        "waivers",
        "minimums",
    ):
        assert key in props
    good = {
        "fail-under": 60,
        "select": ["ALL"],
        "minimums": {"TST": 1, "code": {"level": 2, "score": 50}},
        "waivers": [{"check": "SEC004", "reason": "ok", "until": "2027-03-31", "paths": ["m/**"]}],
    }
    jsonschema.Draft202012Validator(schema).validate(good)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate({"fail-undr": 3})


# --- selection ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rubric():  # type: ignore[no-untyped-def]
    return load_rubric().rubric


def _ids(rubric, **kw) -> set[str]:  # type: ignore[no-untyped-def]
    selected = build_selector(rubric, **kw)
    ids = {c.id for _, c in rubric.checks()}
    return ids if selected is None else {i for i in ids if selected(i)}


def test_selection_ruff_model(rubric) -> None:  # type: ignore[no-untyped-def]
    all_ids = {c.id for _, c in rubric.checks()}
    assert build_selector(rubric) is None
    rep = {i for i in all_ids if i.startswith("REP")}
    assert _ids(rubric, select=["REP"]) == rep
    assert _ids(rubric, select=["REP"], ignore=["REP008"]) == rep - {"REP008"}
    # the more specific selector wins: an id beats its prefix, ignore wins ties
    assert _ids(rubric, select=["REP008"], ignore=["REP"]) == {"REP008"}
    assert _ids(rubric, select=["REP"], ignore=["REP"]) == set()
    assert _ids(rubric, extend_ignore=["ALL"], extend_select=["REP008"]) == {"REP008"}
    assert _ids(rubric, select=["deps-locked"]) == {"REP008"}
    assert _ids(rubric, ignore=["TST", "REP"]) == {
        i for i in all_ids if not i.startswith(("TST", "REP"))
    }


def test_unknown_selector_is_an_error(rubric) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="did you mean REP008"):
        build_selector(rubric, select=["REP088"])
    with pytest.raises(UsageError, match="matches no check"):
        build_selector(rubric, ignore=["XYZ"])


def test_ignored_checks_are_not_run(tmp_path: Path) -> None:
    repo = project(tmp_path / "r")
    run = invoke(["scan", str(repo), "-f", "json", "--select", "REP,TST", "--ignore", "REP008"])
    assert run.code == 0, run.stderr
    checks = results_by_check(run.json())
    assert checks and all(c.startswith(("REP", "TST")) for c in checks)
    assert "REP008" not in checks
    run = invoke(["scan", str(repo), "-f", "json", "--select", "NOPE1"])
    assert run.code == 2


def test_env_config_file(tmp_path: Path) -> None:
    repo = project(tmp_path / "r")
    cfg = tmp_path / "policy.yaml"
    cfg.write_text("fail-under: 100\n")
    run = invoke(["scan", str(repo), "-f", "json"], env={"MLAUDIT_CONFIG": str(cfg)})
    assert run.code == 1
    assert "below fail-under 100" in run.stderr


def test_config_file_cannot_choose_output_files(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {".mlaudit.yaml": "output: ['sarif=/tmp/overwritten']\n"})
    run = invoke(["scan", str(repo)])
    assert run.code == 2
    assert ".mlaudit.yaml:1: `output` cannot be set in a configuration file" in run.stderr
    assert not Path("/tmp/overwritten").exists()
