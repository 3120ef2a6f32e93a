"""A git command started early and answered later (repo/git.PendingGit), and the history
read that way: `git log` runs while the scan imports its checks and reads files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import commit, git, make_repo

from mlaudit.repo import git as mgit
from mlaudit.repo import history
from mlaudit.repo.worktree import open_worktree


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n", "src/a.py": "A = 1\n"})
    commit(root, {"src/a.py": "A = 2\n", "data/x.csv.dvc": "outs: []\n"}, "second")
    git(root, "tag", "v1.0.0")
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["log", "--format=%H %s", "--name-only"],
        ["ls-files", "-z"],
        ["cat-file", "-p", "HEAD"],
    ],
)
def test_an_answer_given_later_is_the_answer_given_now(repo: Path, args: list[str]) -> None:
    assert mgit.PendingGit(repo, args).result() == mgit.run_git(repo, args)


def test_a_failing_command_fails_as_run_git_fails(repo: Path) -> None:
    args = ["log", "no-such-ref", "--"]
    with pytest.raises(mgit.GitFailed) as now:
        mgit.run_git(repo, args)
    with pytest.raises(mgit.GitFailed) as later:
        mgit.PendingGit(repo, args).result()
    assert (later.value.returncode, later.value.stderr) == (now.value.returncode, now.value.stderr)
    assert not later.value.timed_out


def test_a_command_that_cannot_start_is_a_failed_history(tmp_path: Path) -> None:
    finish = history.start_history(
        tmp_path / "gone", "", limit=10, shallow=False, partial_clone=False
    )
    read = finish()
    assert not read.available and read.reason.startswith("git log failed")


def test_the_history_log_starts_when_the_repository_is_opened(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[list[str]] = []
    real = history.PendingGit

    def recording(cwd: Path, args: list[str], **kw: Any) -> Any:
        started.append(list(args))
        return real(cwd, args, **kw)

    monkeypatch.setattr(history, "PendingGit", recording)
    snap = open_worktree(repo)
    assert [a[0] for a in started] == ["log"]  # before any check asked for the history
    expected = history.read_history(repo, "", limit=10_000, shallow=False, partial_clone=False)
    got = snap.history
    assert [(c.sha, c.files) for c in got.commits] == [(c.sha, c.files) for c in expected.commits]
    assert got.tags == expected.tags == ["v1.0.0"]
    assert got.available and got.commit_count == 2
