"""Gates and exit codes, waivers (with expiry) and baselines — through the CLI on real repos."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from gating_helpers import invoke, project, results_by_check
from helpers import commit

from mlaudit.config import Policy, Waiver
from mlaudit.errors import UsageError
from mlaudit.gate import evaluate
from mlaudit.repo.worktree import open_worktree
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import ScanOptions, assess
from mlaudit.waivers import plan_waivers

UNLOCKED = {"requirements.txt": "numpy\npandas==2.2.0\n"}


@pytest.fixture
def unlocked(tmp_path: Path) -> Path:
    """A project whose dependencies are not locked: REP008 deps-locked fails on requirements.txt."""
    return project(tmp_path / "r", UNLOCKED, drop=["uv.lock"])


def test_no_gate_exit_0_and_target_unreadable_exit_3(unlocked: Path, tmp_path: Path) -> None:
    assert invoke(["scan", str(unlocked)]).code == 0
    missing = invoke(["scan", str(tmp_path / "missing")])
    assert missing.code == 3 and "target not found" in missing.stderr
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    assert invoke(["scan", str(afile)]).code == 3


def test_fail_under_and_level(unlocked: Path) -> None:
    report = invoke(["scan", str(unlocked), "-f", "json"]).json()
    score, level = report["overall_score"], report["overall_level"]
    index = report["maturity_index"]
    run = invoke(["scan", str(unlocked), "--fail-under", str(score + 1)])
    assert run.code == 1
    assert f"overall score {score:g} is below fail-under {score + 1:g}" in run.stdout
    assert invoke(["scan", str(unlocked), "--fail-under", str(score)]).code == 0
    run = invoke(["scan", str(unlocked), "--fail-under-level", str(level + 1)])
    assert run.code == 1
    assert (
        f"maturity level {level} (index {index:.1f}) is below fail-under-level {level + 1}"
        in run.stdout
    )
    top = report["maturity"]["next_level"]["missing"][0]
    assert f"raise the index most: {top['name']} ({top['check']}) +{top['gain']:.2f}" in run.stdout
    assert invoke(["scan", str(unlocked), "--fail-under-level", str(level)]).code == 0


def test_fail_under_index(unlocked: Path) -> None:
    index = invoke(["scan", str(unlocked), "-f", "json"]).json()["maturity_index"]
    above = f"{index + 0.1:.1f}"
    run = invoke(["scan", str(unlocked), "--fail-under-index", above])
    assert run.code == 1
    assert f"maturity index {index:.1f} is below fail-under-index {above}" in run.stdout
    assert invoke(["scan", str(unlocked), "--fail-under-index", f"{index:.1f}"]).code == 0
    bad = invoke(["scan", str(unlocked), "--fail-under-index", "4.5"])
    assert bad.code == 2


def test_fail_on_severity_one_line_per_reason(unlocked: Path) -> None:
    run = invoke(["scan", str(unlocked), "--select", "REP008", "--fail-on", "medium"])
    assert run.code == 1
    reasons = [line for line in run.stdout.splitlines() if line.startswith("  ✘ ")]
    assert len(reasons) == 1
    assert "REP008 deps-locked [code] failed (severity medium ≥ fail-on medium)" in reasons[0]
    assert "@ requirements.txt:1" in reasons[0]
    assert invoke(["scan", str(unlocked), "--select", "REP008", "--fail-on", "high"]).code == 0
    # json on stdout stays pure JSON; the verdict goes to stderr
    run = invoke(["scan", str(unlocked), "--select", "REP008", "--fail-on", "low", "-f", "json"])
    assert run.code == 1
    json.loads(run.stdout)
    assert "gate failed (fail-on low)" in run.stderr


def test_exit_zero_reports_but_passes(unlocked: Path) -> None:
    run = invoke(["scan", str(unlocked), "--fail-under", "100", "--exit-zero"])
    assert run.code == 0
    assert "gate failed (fail-under 100) — reported only (--exit-zero)" in run.stdout


def test_minimums_per_quality_artifact_and_cell(unlocked: Path) -> None:
    cfg = unlocked / ".mlaudit.yaml"
    cfg.write_text("minimums:\n  REP/code: 1\n  code: {score: 100}\n")
    run = invoke(["scan", str(unlocked)])
    assert run.code == 1
    assert "Reproducibility × code level 0 is below the minimum 1 (minimums.REP/code)" in run.stdout
    assert "code artifact score" in run.stdout and "(minimums.code)" in run.stdout
    cfg.write_text("minimums:\n  reproducibility: 0\n")
    assert invoke(["scan", str(unlocked)]).code == 0
    cfg.write_text("minimums:\n  REPX: 1\n")
    run = invoke(["scan", str(unlocked)])
    assert run.code == 2 and "minimums: unknown key 'REPX'" in run.stderr


# --- waivers --------------------------------------------------------------------------------------
def _operator(repo: Path) -> dict[str, str]:
    return {"MLAUDIT_CONFIG": str(repo.parent / "operator.yaml")}


def _waiver_config(repo: Path, until: str, paths: str = "") -> None:
    """Waivers of the operator (MLAUDIT_CONFIG): a repository's own are bounded (test_trust)."""
    (repo.parent / "operator.yaml").write_text(
        "fail-on: medium\nselect: [REP008]\nwaivers:\n"
        f"  - check: deps-locked\n    reason: legacy service, lock planned\n    until: {until}\n"
        + (f"    paths: {paths}\n" if paths else "")
    )


def test_active_waiver_waives_in_every_format(unlocked: Path) -> None:
    _waiver_config(unlocked, "2999-12-31")
    run = invoke(
        ["scan", str(unlocked), "-f", "json", "-o", f"sarif={unlocked.parent}/o.sarif"],
        _operator(unlocked),
    )
    assert run.code == 0, run.stderr
    result = results_by_check(run.json())["REP008"]
    assert result["outcome"] == "fail"
    assert result["waived_by"] == "legacy service, lock planned (waived until 2999-12-31)"
    sarif = json.loads((unlocked.parent / "o.sarif").read_text())
    [found] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "REP008"]
    assert found["suppressions"][0]["justification"].startswith("legacy service")
    junit = invoke(["scan", str(unlocked), "-f", "junit"], _operator(unlocked)).stdout
    assert 'skipped message="waived: legacy service' in junit
    gitlab = json.loads(invoke(["scan", str(unlocked), "-f", "gitlab"], _operator(unlocked)).stdout)
    assert all(not i["check_name"].startswith("REP008") for i in gitlab)
    terminal = invoke(["scan", str(unlocked)], _operator(unlocked)).stdout
    assert "waived: REP008 deps-locked [code] fail — legacy service, lock planned" in terminal
    github = invoke(["scan", str(unlocked), "-f", "github"], _operator(unlocked)).stdout
    assert "waived  REP008 deps-locked [code]: legacy service" in github
    assert "::error" not in github and "::warning file=requirements.txt" not in github


def test_expired_waiver_counts_again_and_says_when(unlocked: Path) -> None:
    _waiver_config(unlocked, "2020-01-31")
    run = invoke(["scan", str(unlocked)], _operator(unlocked))
    assert run.code == 1
    assert "waiver for REP008 expired on 2020-01-31: the check counts again" in run.stdout
    # `until` is inclusive
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    _waiver_config(unlocked, today)
    assert invoke(["scan", str(unlocked)], _operator(unlocked)).code == 0


def test_malformed_date_is_expired(unlocked: Path) -> None:
    _waiver_config(unlocked, '"next spring"')
    run = invoke(["scan", str(unlocked)], _operator(unlocked))
    assert run.code == 1
    assert "malformed until date 'next spring'" in run.stdout


def test_waiver_paths_limit_what_is_covered(unlocked: Path) -> None:
    _waiver_config(unlocked, "2999-01-01", '["legacy/**"]')
    assert (
        invoke(["scan", str(unlocked)], _operator(unlocked)).code == 1
    )  # evidence is requirements.txt
    _waiver_config(unlocked, "2999-01-01", '["requirements*.txt"]')
    assert invoke(["scan", str(unlocked)], _operator(unlocked)).code == 0


def test_waiver_for_unknown_check_is_exit_2(unlocked: Path) -> None:
    (unlocked / ".mlaudit.yaml").write_text("waivers:\n  - {check: REP088, reason: x}\n")
    run = invoke(["scan", str(unlocked)])
    assert run.code == 2
    assert "waivers[0]: unknown check 'REP088'; did you mean REP008?" in run.stderr


def test_waived_results_leave_scores(unlocked: Path) -> None:
    loaded = load_rubric()
    plan = plan_waivers(
        [Waiver(check="REP008", reason="accepted", until=dt.date(2030, 1, 1))],
        loaded.rubric,
        today=dt.date(2029, 12, 31),
    )
    plain = assess(open_worktree(unlocked), loaded, ScanOptions())
    waived = assess(open_worktree(unlocked), loaded, ScanOptions(waive=plan.bind(None)[0]))
    assert results_by_check(waived.model_dump())["REP008"]["waived_by"]
    assert waived.overall_level >= plain.overall_level
    assert "REP008" not in evaluate(waived, Policy(fail_on="low")).blocking
    assert "REP008" in evaluate(plain, Policy(fail_on="low")).blocking
    expired = plan_waivers(
        [Waiver(check="REP008", reason="accepted", until=dt.date(2030, 1, 1))],
        loaded.rubric,
        today=dt.date(2030, 1, 2),
    )
    waive, notes = expired.bind(None)
    assert waive is None and "expired on 2030-01-01" in notes[0]
    with pytest.raises(UsageError):
        plan_waivers([Waiver(check="nope", reason="x")], loaded.rubric)


# --- baselines --------------------------------------------------------------------------------
def test_baseline_survives_edits_and_catches_new_failures(unlocked: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    args = ["scan", str(unlocked), "--select", "REP008"]
    written = invoke([*args, "--write-baseline", str(baseline)])
    assert written.code == 0
    data = json.loads(baseline.read_text())
    assert data["failures"] == [
        {"artifact": "code", "check": "REP008", "name": "deps-locked", "path": "requirements.txt"}
    ]
    assert '"line"' not in baseline.read_text()
    assert invoke([*args, "--baseline", str(baseline)]).code == 0
    # edits that move lines do not make the old failure new
    commit(unlocked, {"requirements.txt": "# tools\n\n\nscipy\nnumpy\npandas==2.2.0\n"}, "edit")
    run = invoke([*args, "--baseline", str(baseline), "-f", "github"])
    assert run.code == 0, run.stdout
    assert "baseline REP008" in run.stdout
    # a failure in a new place is new
    commit(unlocked, {"requirements-dev.txt": "pytest\n"}, "dev deps")
    run = invoke([*args, "--baseline", str(baseline)])
    assert run.code == 1
    assert "REP008 deps-locked [code] is a new failure (not in the baseline)" in run.stdout


def test_baseline_in_config_is_relative_to_config(unlocked: Path) -> None:
    invoke(["scan", str(unlocked), "--write-baseline", str(unlocked / "ci" / "base.json")])
    (unlocked / ".mlaudit.yaml").write_text("baseline: ci/base.json\n")
    assert invoke(["scan", str(unlocked)]).code == 0
    (unlocked / "ci" / "base.json").write_text("{}")
    run = invoke(["scan", str(unlocked)])
    assert run.code == 2 and "not an mlaudit baseline" in run.stderr
