"""CI triggers filtered to branches the project does not work on (ci.demote_dead_branches).

A clone knows its default branch (origin/HEAD) and every branch's last commit: a workflow that
runs only on pull requests into a `develop` untouched for years runs on none of the changes
the project makes (DataTalksClub/mlops-zoomcamp, reviewed).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import git, make_repo, run_check

from mlaudit.repo.parsers.ci import CiJob, _filter_takes, demote_dead_branches, parse_github
from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Outcome

TEST_OK = "import math\n\n\ndef test_ok():\n    assert math.sqrt(4) == 2\n"


def workflow(on: str, run: str = "python -m pytest tests") -> str:
    return (
        f"name: ci\non:\n{on}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@v4\n      - run: {run}\n"
    )


ON_DEVELOP_PRS = "  pull_request:\n    branches:\n      - 'develop'\n"
DEPLOY_ON_DEVELOP = "  push:\n    branches: [develop]\n"


def cloned(tmp_path: Path, on: str, *, develop_date: str, extra: dict[str, str] | None = None):
    """A clone (so origin/HEAD names `main`) whose `develop` last moved on `develop_date` and
    whose `main` moved on 2025-02-01, with a workflow triggered by `on`."""
    upstream = make_repo(
        tmp_path / "upstream",
        {"tests/test_a.py": TEST_OK, ".github/workflows/ci.yml": workflow(on), **(extra or {})},
    )
    git(upstream, "branch", "develop")
    git(upstream, "checkout", "-q", "develop")
    (upstream / "dev.txt").write_text("dev\n")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "dev", date=develop_date)
    git(upstream, "checkout", "-q", "main")
    (upstream / "later.txt").write_text("later\n")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "later", date="2025-02-01T12:00:00Z")
    git(tmp_path, "clone", "-q", str(upstream), "clone")
    return open_worktree(tmp_path / "clone")


def test_tests_run_only_into_a_stale_branch_are_not_run_on_every_change(tmp_path):
    snap = cloned(tmp_path, ON_DEVELOP_PRS, develop_date="2022-07-28T12:00:00Z")
    assert snap.git is not None and snap.git.default_branch == "main"
    obs = run_check(snap, "tests-in-ci")
    assert obs.outcome == Outcome.PARTIAL
    assert "only on changes to `develop`" in obs.message
    assert obs.evidence[0].path == ".github/workflows/ci.yml"


def test_a_live_git_flow_develop_branch_still_counts(tmp_path):
    # develop took a commit a month before main's: the project works there, main merges it
    snap = cloned(tmp_path, ON_DEVELOP_PRS, develop_date="2025-01-01T12:00:00Z")
    assert run_check(snap, "tests-in-ci").outcome == Outcome.PASS


def test_a_filter_on_the_default_branch_counts(tmp_path):
    on = "  push:\n    branches: ['ma*', '!maint']\n  pull_request:\n    branches: [main]\n"
    snap = cloned(tmp_path, on, develop_date="2020-01-01T12:00:00Z")
    assert run_check(snap, "tests-in-ci").outcome == Outcome.PASS


def test_a_repository_without_a_remote_head_is_given_the_benefit(tmp_path):
    # a CI checkout or a local repository on a feature branch: which branch is the project's
    # is unknown, so a filter naming another branch changes nothing (the trap)
    root = make_repo(
        tmp_path / "r",
        {
            "tests/test_a.py": TEST_OK,
            ".github/workflows/ci.yml": workflow("  pull_request:\n    branches: [develop]\n"),
        },
    )
    git(root, "checkout", "-q", "-b", "feature")
    snap = open_worktree(root)
    assert snap.git is not None and snap.git.default_branch is None
    assert run_check(snap, "tests-in-ci").outcome == Outcome.PASS


def test_a_deployment_only_from_a_stale_branch_is_partial(tmp_path):
    deploy = (
        "name: cd\non:\n" + DEPLOY_ON_DEVELOP + "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: docker push registry.example.com/app:latest\n"
    )
    snap = cloned(
        tmp_path,
        ON_DEVELOP_PRS,
        develop_date="2022-07-28T12:00:00Z",
        extra={".github/workflows/cd.yml": deploy},
    )
    obs = run_check(snap, "cd-deploy")
    assert obs.outcome == Outcome.PARTIAL
    assert "`develop`" in obs.message
    assert run_check(snap, "ci-present").outcome == Outcome.PARTIAL


def test_a_release_tag_push_is_a_tag_trigger_not_a_change():
    doc = {"on": {"push": {"tags": ["v*"]}}, "jobs": {"t": {"steps": [{"run": "pytest"}]}}}
    [job] = parse_github(".github/workflows/release.yml", doc)
    assert job.triggers == {"tag"}
    doc = {"on": {"push": {"tags": ["v*"], "branches": ["main"]}}, "jobs": {"t": {}}}
    [job] = parse_github(".github/workflows/ci.yml", doc)
    assert job.triggers == {"push"}


@pytest.mark.parametrize(
    ("branches", "ignored", "name", "takes"),
    [
        (("main",), (), "main", True),
        (("develop",), (), "main", False),
        (("releases/**",), (), "releases/v1/x", True),
        (("releases/*",), (), "releases/v1/x", False),
        (("*",), (), "feature/x", False),
        (("**",), (), "feature/x", True),
        (("ma*", "!main"), (), "main", False),
        (("!main", "ma*"), (), "main", True),
        ((), ("main",), "main", False),
        ((), ("dependabot/**",), "main", True),
        (("${{ github.event.repository.default_branch }}",), (), "main", None),
        (("v[12].x",), (), "v1.x", True),
        (("v[12].x",), (), "v3.x", False),
    ],
)
def test_github_branch_filter_patterns(branches, ignored, name, takes):
    assert _filter_takes(branches, ignored, name) is takes


def test_an_unreadable_filter_keeps_its_trigger():
    job = CiJob("github", "ci.yml", "t", triggers={"push"})
    job.branch_filters = {"push": (("${{ inputs.branch }}",), ())}
    demote_dead_branches([job], "main", {"main": 100}, 100)
    assert job.triggers == {"push"}
    job.branch_filters = {"push": (("master",), ())}
    demote_dead_branches([job], "main", {"main": 100}, 100)
    assert job.triggers == {"push@other-branches"}
    assert job.only_on_other_branches


def test_history_reads_branch_filters_as_scan_does(tmp_path, monkeypatch):
    # a history point and a scan of the same commit give the same verdict: the point knows
    # the default branch too (one for-each-ref per repository, not one per point)
    import json

    from typer.testing import CliRunner

    from mlaudit.cli import app

    monkeypatch.setenv("MLAUDIT_NO_CACHE", "1")
    cloned(tmp_path, ON_DEVELOP_PRS, develop_date="2022-07-28T12:00:00Z")
    clone = str(tmp_path / "clone")
    runner = CliRunner()
    scanned = runner.invoke(app, ["scan", clone, "--ref", "HEAD", "--format", "json"])
    history = runner.invoke(app, ["history", clone, "--last", "1", "--format", "json"])
    assert scanned.exit_code in (0, 1) and history.exit_code == 0, history.output
    scan = json.loads(scanned.stdout)
    [point] = json.loads(history.stdout)["points"]
    assert {r["check"]: r["outcome"] for r in scan["results"]}["TST011"] == "partial"
    assert point["index"] == scan["maturity_index"]


def test_a_reason_names_both_hands_and_dead_branches():
    from mlaudit.repo.parsers.ci import idle_reason

    by_hand = CiJob("github", "a.yml", "a", triggers={"workflow_dispatch"})
    stale = CiJob("github", "b.yml", "b", triggers={"push"})
    stale.branch_filters = {"push": (("develop",), ())}
    demote_dead_branches([stale], "main", {"main": 100, "develop": 1}, 100 + 400 * 86_400)
    assert idle_reason([by_hand], "only when started by hand") == "only when started by hand"
    assert idle_reason([stale], "by hand").startswith("only on changes to `develop`")
    both = idle_reason([by_hand, stale], "only when started by hand")
    assert both.startswith("only when started by hand, or only on changes to `develop`")
