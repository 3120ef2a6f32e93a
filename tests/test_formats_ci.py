"""CI formats (SARIF, JUnit, GitHub annotations, GitLab Code Quality) and distribution files
(action.yml, .pre-commit-hooks.yaml, examples/ci/): they parse, validate, and the command lines
they run work against a real repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from gating_helpers import invoke, project
from helpers import commit, git, make_repo

from mlaudit.diff import COMMENT_MARKER
from mlaudit.report.github import LIMIT_PER_TYPE, command, escape_data, escape_property

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = Path("/work/shared/data/sarif-schema-2.1.0.json")
EXAMPLES = sorted(
    p for p in (ROOT / "examples").iterdir() if p.is_dir() and p.name != "ci" and any(p.iterdir())
)


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("SARIF schema not available")
    return json.loads(SARIF_SCHEMA.read_text())


def _tracked(repo: Path) -> set[str]:
    return set(git(repo, "ls-files").splitlines())


def check_sarif(doc: dict[str, Any], repo: Path, schema: dict[str, Any]) -> None:
    """Schema-valid and meeting GitHub code scanning's rules."""
    jsonschema.validate(doc, schema)
    [run] = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "rules[] must be unique"
    for rule in rules:
        assert rule["help"]["text"].strip()
        assert rule["shortDescription"]["text"].strip()
        if rule["id"].startswith("SEC"):
            float(rule["properties"]["security-severity"])
    assert run["automationDetails"]["id"].startswith("mlaudit/")
    tracked = _tracked(repo)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri in tracked, f"{result['ruleId']} points at {uri!r}, not a file of the repo"
        if "region" in physical:
            lines = (repo / uri).read_text(errors="replace").splitlines()
            assert 1 <= physical["region"]["startLine"] <= max(1, len(lines))
        assert result["partialFingerprints"]["mlauditFinding/v1"]
        assert result["message"]["text"].strip()


def _copy_example(example: Path, dest: Path) -> Path:
    shutil.copytree(example, dest, symlinks=True)
    return make_repo(dest)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_sarif_of_every_example_validates(
    example: Path, tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    repo = _copy_example(example, tmp_path / example.name)
    run = invoke(["scan", str(repo), "-f", "sarif"])
    assert run.code == 0, run.stderr
    doc = run.json()
    check_sarif(doc, repo, sarif_schema)
    assert invoke(["scan", str(repo), "-f", "sarif"]).stdout == run.stdout  # byte-stable


def test_sarif_repo_level_findings_subfolder_and_waivers(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    repo = project(
        tmp_path / "mono",
        {
            "services/ml/pyproject.toml": '[project]\nname = "svc"\n',
            "services/ml/requirements.txt": "numpy\n",
            "services/ml/.mlaudit.yaml": (
                "waivers:\n  - check: REP008\n    reason: lock in progress\n"
            ),
        },
    )
    sub = repo / "services" / "ml"
    # passed explicitly: the operator's waiver (a repository's own expires a year after the
    # 2024 commit, see tests/hardening/test_trust.py)
    config = str(sub / ".mlaudit.yaml")
    run = invoke(["scan", str(sub), "-f", "sarif", "--fail-on", "high", "--config", config])
    doc = run.json()
    check_sarif(doc, repo, sarif_schema)
    results = {r["ruleId"]: r for r in doc["runs"][0]["results"]}
    assert doc["runs"][0]["automationDetails"]["id"] == "mlaudit/services/ml/"
    # every path is relative to the repository root, not to the scanned folder
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("services/ml/")
        for r in results.values()
    )
    lock = results["REP008"]
    assert lock["suppressions"] == [
        {"justification": "lock in progress (waived)", "kind": "external", "status": "accepted"}
    ]
    ci = results["TST011"]  # "no CI": a repository-level finding without evidence
    physical = ci["locations"][0]["physicalLocation"]
    assert "region" not in physical  # no fake line 1
    assert physical["artifactLocation"]["uri"] == "services/ml/pyproject.toml"
    assert ci["level"] == "error"  # it blocks the gate (severity high)


def test_sarif_baseline_state(tmp_path: Path, sarif_schema: dict[str, Any]) -> None:
    repo = project(tmp_path / "r", {"requirements.txt": "numpy\n"}, drop=["uv.lock"])
    baseline = tmp_path / "b.json"
    invoke(["scan", str(repo), "--write-baseline", str(baseline)])
    commit(repo, {"requirements-dev.txt": "pytest\n"}, "dev")
    run = invoke(["scan", str(repo), "-f", "sarif", "--baseline", str(baseline)])
    assert run.code == 1
    doc = run.json()
    check_sarif(doc, repo, sarif_schema)
    states = {r["ruleId"]: r.get("baselineState") for r in doc["runs"][0]["results"]}
    assert states["REP008"] == "new"
    assert "unchanged" in states.values()


def test_fingerprints_survive_line_edits(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"requirements.txt": "numpy\n"}, drop=["uv.lock"])
    before_sarif = invoke(["scan", str(repo), "-f", "sarif"]).json()
    before_gl = json.loads(invoke(["scan", str(repo), "-f", "gitlab"]).stdout)
    commit(repo, {"requirements.txt": "# pinned soon\n\nnumpy\n"}, "edit")
    after_sarif = invoke(["scan", str(repo), "-f", "sarif"]).json()
    after_gl = json.loads(invoke(["scan", str(repo), "-f", "gitlab"]).stdout)

    def prints(doc: dict[str, Any]) -> dict[str, str]:
        return {
            r["ruleId"]: r["partialFingerprints"]["mlauditFinding/v1"]
            for r in doc["runs"][0]["results"]
        }

    assert prints(before_sarif)["REP008"] == prints(after_sarif)["REP008"]
    gl_before = {i["check_name"]: i for i in before_gl}
    gl_after = {i["check_name"]: i for i in after_gl}
    lock = "REP008 deps-locked"
    assert gl_before[lock]["fingerprint"] == gl_after[lock]["fingerprint"]
    assert gl_before[lock]["location"]["lines"]["begin"] == 1
    assert gl_after[lock]["location"]["lines"]["begin"] == 3
    for issue in after_gl:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] in _tracked(repo)
    assert len({i["fingerprint"] for i in after_gl}) == len(after_gl)


def test_junit_one_testcase_per_check(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"requirements.txt": "numpy\n"}, drop=["uv.lock"])
    report = invoke(["scan", str(repo), "-f", "json"]).json()
    run = invoke(["scan", str(repo), "-f", "junit", "--fail-on", "critical"])
    root = ET.fromstring(run.stdout)
    assert root.tag == "testsuites"
    cases = [c for c in root.iter("testcase") if c.get("classname") != "mlaudit.gate"]
    assert len(cases) == len(report["results"])
    assert len({c.get("name") for c in cases}) == len(cases)
    failing = {r["check"] for r in report["results"] if r["outcome"] == "fail"}
    failed_cases = {c.get("name", "").split()[0] for c in cases if c.find("failure") is not None}
    assert failed_cases == failing
    lock = next(c for c in cases if c.get("name", "").startswith("REP008"))
    failure = lock.find("failure")
    assert failure is not None and "requirements.txt:1" in (failure.text or "")
    assert int(root.get("tests", "0")) == len(cases) + 1  # + the gate testcase
    assert sum(int(s.get("failures", "0")) for s in root.iter("testsuite")) == int(
        root.get("failures", "0")
    )


# --- GitHub annotations ------------------------------------------------------------------------------
def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    line = command("error", "bad\n::warning::injected", file="src/a,b:c.py", line=3, title="t")
    assert line == "::error file=src/a%2Cb%3Ac.py,line=3,title=t::bad%0A::warning::injected"
    assert "\n" not in line


def test_github_limits_order_and_summary(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"requirements.txt": "numpy\n"}, drop=["uv.lock"])
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    run = invoke(["scan", str(repo), "--fail-on", "medium"], env=env)  # github auto-selected
    assert run.code == 1
    lines = run.stdout.splitlines()
    for kind in ("error", "warning", "notice"):
        count = sum(1 for line in lines if line.startswith(f"::{kind}"))
        assert count <= LIMIT_PER_TYPE
    errors = [line for line in lines if line.startswith("::error")]
    assert errors, "blocking failures are errors"
    if len(errors) == LIMIT_PER_TYPE:
        assert "more error finding(s) not annotated" in errors[-1]
    # high-severity blockers come before medium ones
    first = errors[0]
    assert "title=mlaudit " in first and "file=" in first
    assert any("file=requirements.txt,line=1" in line for line in errors + lines)
    assert "gate failed (fail-on medium)" in run.stdout
    text = summary.read_text()
    assert text.startswith("previous step\n")
    assert "### Gate" in text and "gate failed" in text
    assert len(text) > 200


def test_github_not_selected_outside_actions(tmp_path: Path) -> None:
    repo = project(tmp_path / "r")
    assert not invoke(["scan", str(repo)]).stdout.startswith("::")


# --- outputs ---------------------------------------------------------------------------------------
def test_repeatable_formats_and_outputs(tmp_path: Path) -> None:
    repo = project(tmp_path / "r")
    out = tmp_path / "out"
    run = invoke(
        [
            "scan",
            str(repo),
            "-f",
            "json",
            "-o",
            f"sarif={out}/a.sarif",
            "-o",
            f"junit={out}/a.xml",
            "--output",
            f"gitlab={out}/gl.json",
        ]
    )
    assert run.code == 0
    json.loads(run.stdout)
    json.loads((out / "a.sarif").read_text())
    ET.fromstring((out / "a.xml").read_text())
    json.loads((out / "gl.json").read_text())
    assert invoke(["scan", str(repo), "-f", "json", "-f", "sarif"]).code == 2  # both on stdout
    assert invoke(["scan", str(repo), "-f", "yaml"]).code == 2
    assert invoke(["scan", str(repo), "-o", "pdf=x.pdf"]).code == 2
    single = tmp_path / "single.json"
    assert invoke(["scan", str(repo), "-f", "json", "-o", str(single)]).code == 0
    json.loads(single.read_text())


# --- distribution files ------------------------------------------------------------------------------
def _shell_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MLAUDIT_"))}
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def pr_checkout(tmp_path: Path) -> tuple[Path, str]:
    """A repository on a PR branch that deletes the lockfile; returns (repo, base sha)."""
    repo = project(tmp_path / "repo")
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "uv.lock").unlink()
    commit(repo, {"src/churn/serve.py": "print(1)\n"}, "drop the lock")
    return repo, base


def test_action_yml(pr_checkout: tuple[Path, str], tmp_path: Path, sarif_schema: Any) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"path", "args", "fail-under", "upload-sarif"} <= set(action["inputs"])
    steps = {s.get("id") or s["name"]: s for s in action["runs"]["steps"]}
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts through env only"
    repo, _ = pr_checkout
    out = tmp_path / "github_output"
    env = _shell_env(
        tmp_path,
        INPUT_PATH=".",
        INPUT_ARGS="--fail-on critical --select REP,TST",
        INPUT_FAIL_UNDER="1",
        SARIF_FILE=str(tmp_path / "action.sarif"),
        GITHUB_OUTPUT=str(out),
        GITHUB_ACTIONS="true",
    )
    done = _bash(steps["scan"]["run"], repo, env)
    assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert outputs["exit-code"] in ("0", "1")
    assert "::" in done.stdout  # annotations
    check_sarif(json.loads(Path(outputs["sarif-file"]).read_text()), repo, sarif_schema)
    gate = _bash(steps["Gate"]["run"], repo, {**env, "CODE": outputs["exit-code"]})
    assert gate.returncode == int(outputs["exit-code"])
    bad = _bash(steps["scan"]["run"], repo, {**env, "INPUT_ARGS": "--no-such-flag"})
    assert "exit-code=2" in out.read_text().splitlines()[-2]
    assert bad.returncode == 0  # the step records the code; the Gate step fails


def test_pre_commit_hooks(pr_checkout: tuple[Path, str], tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ids = {h["id"]: h for h in hooks}
    assert "mlaudit" in ids
    repo, _ = pr_checkout
    git(repo, "branch", "-q", "-f", "origin-main-stand-in", "HEAD~1")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        done = _bash(hook["entry"], repo, _shell_env(tmp_path))
        assert done.returncode in (0, 1), done.stderr
    regress = _bash(ids["mlaudit-diff"]["entry"], repo, _shell_env(tmp_path))
    assert regress.returncode == 1 and "REP008 deps-locked" in regress.stdout


def test_github_workflow_example(
    pr_checkout: tuple[Path, str], tmp_path: Path, sarif_schema: Any
) -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "github-workflow.yml").read_text())
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert workflow["permissions"]["security-events"] == "write"
    assert any("upload-sarif" in str(s.get("uses", "")) for s in steps)
    repo, base = pr_checkout
    summary = tmp_path / "summary.md"
    env = _shell_env(
        tmp_path, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary), BASE_SHA=base
    )
    codes = {}
    for step in steps:
        script = step.get("run", "")
        if "mlaudit " not in script or script.startswith("python -m pip"):
            continue
        done = _bash(script, repo, env)
        codes[step["name"]] = done.returncode
        assert done.returncode in (0, 1), (script, done.stderr)
    assert codes["Compare with the base branch"] == 1  # the lockfile was deleted
    check_sarif(json.loads((repo / "mlaudit.sarif").read_text()), repo, sarif_schema)
    comment = (repo / "mlaudit-diff.md").read_text()
    assert comment.startswith(COMMENT_MARKER)
    assert "1 regressed: REP008 deps-locked (pass → fail)" in comment
    assert "mlaudit" in summary.read_text()


def test_gitlab_ci_example(pr_checkout: tuple[Path, str], tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text())
    job = config["mlaudit"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    reports = job["artifacts"]["reports"]
    repo, base = pr_checkout
    env = _shell_env(tmp_path, CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    results = [_bash(line, repo, env) for line in job["script"]]
    assert results[0].returncode in (0, 1), results[0].stderr
    assert results[1].returncode == 1 and "REP008 deps-locked" in results[1].stdout
    issues = json.loads((repo / reports["codequality"]).read_text())
    assert isinstance(issues, list) and issues
    ET.fromstring((repo / reports["junit"]).read_text())
    assert (repo / "mlaudit-diff.md").read_text().startswith(COMMENT_MARKER)
