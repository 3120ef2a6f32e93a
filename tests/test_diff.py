"""`mlaudit diff`: per-check and per-cell changes, PR-comment Markdown, regression gating,
and a clear exit 3 (never a silent pass) when a shallow clone lacks the base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gating_helpers import invoke, project
from helpers import commit, git

from mlaudit.diff import COMMENT_MARKER
from mlaudit.rubric.load import load_rubric


@pytest.fixture
def pr_repo(tmp_path: Path) -> Path:
    """main: a locked, tested project; branch `pr`: deletes the lockfile and the tests."""
    repo = project(tmp_path / "repo")
    git(repo, "checkout", "-q", "-b", "pr")
    (repo / "uv.lock").unlink()
    for test in (repo / "tests").iterdir():
        test.unlink()
    commit(repo, {"src/churn/serve.py": "print('serve')\n"}, "remove lock and tests")
    return repo


def _has_check(name: str) -> bool:
    return load_rubric().rubric.find(name) is not None


def test_done_when_deleting_lock_and_tests_fails_with_both_named(pr_repo: Path) -> None:
    run = invoke(["diff", str(pr_repo), "--base", "main", "--fail-on-regression"])
    assert run.code == 1, run.stdout + run.stderr
    out = run.stdout
    assert "REP008 deps-locked [code] pass → fail" in out
    assert "regressed" in out and "gate failed (fail-on-regression)" in out
    test_checks = ["unit-tests", "tests-folder"]
    assert all(_has_check(name) for name in test_checks)
    for name in test_checks:
        assert f" {name} [code] pass → fail" in out, name
    gate = out[out.index("gate failed") :]
    assert "✘ REP008 deps-locked" in gate
    for name in test_checks:
        assert f"{name} [code] regressed pass → fail" in gate


def test_without_flag_reports_but_exits_0(pr_repo: Path) -> None:
    run = invoke(["diff", str(pr_repo), "--base", "main"])
    assert run.code == 0
    assert "1 regressed" not in run.stdout  # several regressed
    assert "regressed:" in run.stdout


def test_markdown_pr_comment(pr_repo: Path, tmp_path: Path) -> None:
    comment = tmp_path / "comment.md"
    run = invoke(
        ["diff", str(pr_repo), "--base", "main", "-f", "json", "-o", f"markdown={comment}"]
    )
    assert run.code == 0
    data = json.loads(run.stdout)
    text = comment.read_text()
    assert text.startswith(COMMENT_MARKER + "\n### ❌ mlaudit: maturity ")
    regressed = [c for c in data["checks"] if c["status"] == "regressed"]
    improved = [c for c in data["checks"] if c["status"] == "improved"]
    headline = (
        f"maturity {data['base']['level']} → {data['head']['level']} "
        f"(index {data['base']['index']:.1f} → {data['head']['index']:.1f}), "
        f"{len(improved)} check{'s' if len(improved) != 1 else ''} improved, "
        f"{len(regressed)} regressed: "
    )
    assert headline in text
    assert "REP008 deps-locked (pass → fail)" in text
    assert "| 🔴 regressed | `REP008` deps-locked | code | pass | fail |" in text
    assert len(text) < 65_000
    cells = {(c["quality"], c["artifact"]): c for c in data["cells"]}
    assert cells[("reproducibility", "code")]["status"] == "regressed"
    # the index change and the gate items that moved it
    assert data["head"]["index"] < data["base"]["index"]
    moves = {m["check"]: m for m in data["index_moves"]}
    assert moves["REP008"]["base"] == 1.0 and moves["REP008"]["head"] == 0.0
    assert moves["REP008"]["delta"] < 0
    assert "Index moved by: " in text and "deps-locked (REP008) 1 → 0 -" in text
    assert any(r.startswith("maturity index dropped") for r in data["regressions"])


def test_improvement_and_head_ref(pr_repo: Path) -> None:
    # from the PR back to main: everything that regressed improves (main is an ancestor of
    # pr, so the merge base would be main itself: compare with pr as given)
    run = invoke(
        [
            "diff",
            str(pr_repo),
            "--base",
            "pr",
            "--head",
            "main",
            "--no-merge-base",
            "--fail-on-regression",
        ]
    )
    assert run.code == 0, run.stdout
    assert "0 regressed" in run.stdout
    assert "REP008 deps-locked [code] fail → pass" in run.stdout


def test_work_tree_is_the_default_head(pr_repo: Path) -> None:
    git(pr_repo, "checkout", "-q", "main")
    git(pr_repo, "rm", "-q", "uv.lock")  # staged, not committed
    run = invoke(["diff", str(pr_repo), "--base", "main", "--fail-on-regression"])
    assert run.code == 1
    assert "REP008 deps-locked [code] pass → fail" in run.stdout
    assert "(work tree)" in run.stdout.splitlines()[0] or "work tree" in run.stdout


def test_merge_base_is_used(pr_repo: Path) -> None:
    # main moves on after the PR branched: the PR is compared with where it branched from
    git(pr_repo, "checkout", "-q", "main")
    commit(pr_repo, {"params.yaml": "lr: 0.1\n"}, "main moves on")
    git(pr_repo, "checkout", "-q", "pr")
    run = invoke(["diff", str(pr_repo), "--base", "main", "-f", "json"])
    data = json.loads(run.stdout)
    assert any("merge base" in note for note in data["notes"])
    assert data["base"]["commit"] == git(pr_repo, "merge-base", "main", "pr").strip()


def test_shallow_clone_without_base_is_exit_3(pr_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{pr_repo}", str(clone))
    run = invoke(["diff", str(clone), "--base", "origin/main", "--fail-on-regression"])
    assert run.code == 3
    assert "fetch-depth: 0" in run.stderr
    # base fetched but still no common history in the shallow clone: still exit 3
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    run = invoke(["diff", str(clone), "--base", "origin/main", "--fail-on-regression"])
    assert run.code == 3
    assert "merge base" in run.stderr and "fetch-depth: 0" in run.stderr


def test_unknown_base_is_exit_3_and_usage_is_exit_2(pr_repo: Path) -> None:
    run = invoke(["diff", str(pr_repo), "--base", "nope"])
    assert run.code == 3 and "git ref 'nope' not found" in run.stderr
    assert invoke(["diff", str(pr_repo), "--base", "main", "-f", "sarif"]).code == 2


def test_scan_formats_in_config_do_not_break_diff(pr_repo: Path) -> None:
    (pr_repo / ".mlaudit.yaml").write_text("format: [sarif]\nfail-on-regression: true\n")
    run = invoke(["diff", str(pr_repo), "--base", "main"])
    assert run.code == 1, run.stderr
    assert "REP008 deps-locked [code] pass → fail" in run.stdout
