"""`scan --ref`: a Snapshot from git objects gives the same results as a checkout of the ref."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from gating_helpers import PROJECT, invoke
from helpers import commit, git, make_repo

from mlaudit.repo import gitref
from mlaudit.repo.gitref import open_gitref
from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Assessment
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess


def _facts(a: Assessment) -> dict[str, Any]:
    """Everything that must not depend on how the files were read."""
    return {
        "results": [
            (r.check, r.outcome.value, r.message, [e.model_dump() for e in r.evidence])
            for r in a.results
        ],
        "cells": [c.model_dump() for c in a.cells],
        "level": a.overall_level,
        "score": a.overall_score,
        "artifact_levels": a.artifact_levels,
        "profile": a.profile.name,
        "commit": a.target.commit,
        "files": a.target.files,
    }


@pytest.fixture
def history_repo(tmp_path: Path) -> tuple[Path, str]:
    """Three commits; the first is the one scanned. The work tree is dirty on top."""
    repo = make_repo(
        tmp_path / "src" / "proj",
        {
            **PROJECT,
            "services/ml/pyproject.toml": '[project]\nname = "svc"\n',
            "services/ml/requirements.txt": "numpy\n",
            "services/ml/train.py": "import mlflow\nmlflow.autolog()\n",
            "docs/readme-link.md": "see README\n",
        },
    )
    os.symlink("../README.md", repo / "docs" / "README.md")
    os.symlink("../../../../etc/hostname", repo / "docs" / "outside.txt")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "links")
    first = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"params.yaml": "lr: 0.1\n"}, "params", date="2024-02-01T00:00:00Z")
    (repo / "uv.lock").unlink()
    (repo / "tests" / "test_train.py").unlink()
    commit(repo, {"dvc.yaml": "stages: {}\n"}, "drop lock and tests", date="2024-03-01T00:00:00Z")
    (repo / "README.md").write_text("# dirty work tree change\n")
    (repo / "untracked.py").write_text("import wandb\nwandb.init()\n")
    return repo, first


def _checkout(repo: Path, ref: str, where: Path) -> Path:
    """A real checkout of `ref` (a linked work tree with the same folder name)."""
    target = where / repo.name
    where.mkdir(parents=True, exist_ok=True)
    git(repo, "worktree", "add", "-q", "--detach", str(target), ref)
    return target


def test_ref_equals_checkout(history_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo, first = history_repo
    loaded = load_rubric()
    from_objects = assess(open_gitref(repo, first), loaded)
    checkout = _checkout(repo, first, tmp_path / "co")
    from_checkout = assess(open_worktree(checkout), loaded)
    assert _facts(from_objects) == _facts(from_checkout)
    # and it differs from HEAD (the lockfile and tests are gone there)
    at_head = assess(open_worktree(repo), loaded)
    assert _facts(at_head)["results"] != _facts(from_objects)["results"]


def test_ref_of_subfolder_equals_checkout(history_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo, first = history_repo
    loaded = load_rubric()
    from_objects = assess(open_gitref(repo / "services" / "ml", first), loaded)
    checkout = _checkout(repo, first, tmp_path / "co")
    from_checkout = assess(open_worktree(checkout / "services" / "ml"), loaded)
    assert from_objects.target.subdir == "services/ml/"
    assert _facts(from_objects) == _facts(from_checkout)


def test_files_symlinks_and_history_match(history_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo, first = history_repo
    snap = open_gitref(repo, first)
    checkout = open_worktree(_checkout(repo, first, tmp_path / "co"))
    assert snap.files == checkout.files
    assert "untracked.py" not in snap.files and "uv.lock" in snap.files
    assert snap.text("README.md") == checkout.text("README.md")  # not the dirty version
    assert snap.text("docs/README.md") == checkout.text("docs/README.md") is not None
    assert snap.text("docs/outside.txt") is None
    assert checkout.text("docs/outside.txt") is None
    assert snap.problem("docs/outside.txt") == checkout.problem("docs/outside.txt")
    assert snap.kind("docs/README.md") == "symlink"
    assert snap.size("pyproject.toml") == checkout.size("pyproject.toml")
    assert [c.sha for c in snap.history.commits] == [c.sha for c in checkout.history.commits]
    assert snap.history.commit_count == 2  # restricted to the ref, not HEAD's three
    small = open_gitref(repo, first, max_bytes=10)
    small_co = open_worktree(tmp_path / "co" / repo.name, max_bytes=10)
    assert small.text("pyproject.toml") is None
    assert small_co.text("pyproject.toml") is None
    assert small.problem("pyproject.toml") == small_co.problem("pyproject.toml")


def test_one_ls_tree_and_one_cat_file(
    history_repo: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, first = history_repo
    calls: list[str] = []
    real_run_git, real_cat = gitref.run_git, gitref._CatFile

    def counting_run_git(cwd: Path, args: list[str], **kw: Any) -> bytes:
        calls.append(args[0])
        return real_run_git(cwd, args, **kw)

    def counting_cat(cwd: Path) -> Any:
        calls.append("cat-file --batch")
        return real_cat(cwd)

    monkeypatch.setattr(gitref, "run_git", counting_run_git)
    monkeypatch.setattr(gitref, "_CatFile", counting_cat)
    snap = open_gitref(repo, first)
    assess(snap, load_rubric())
    assert calls.count("ls-tree") == 1
    assert calls.count("cat-file --batch") == 1
    snap.source.close()  # type: ignore[attr-defined]


def test_bare_clone(history_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo, first = history_repo
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    loaded = load_rubric()
    assert (
        _facts(assess(open_gitref(bare, first), loaded))["results"]
        == _facts(assess(open_gitref(repo, first), loaded))["results"]
    )


def test_cli_scan_ref(history_repo: tuple[Path, str]) -> None:
    repo, first = history_repo
    run = invoke(["scan", str(repo), "--ref", first, "-f", "json"])
    assert run.code == 0, run.stderr
    report = run.json()
    assert report["target"]["commit"] == first
    assert any("from git objects" in note for note in report["target"]["notes"])
    by_check = {r["check"]: r["outcome"] for r in report["results"]}
    assert by_check["REP008"] == "pass"
    head = invoke(["scan", str(repo), "--ref", "HEAD", "-f", "json"]).json()
    assert {r["check"]: r["outcome"] for r in head["results"]}["REP008"] == "fail"


def test_bad_ref_is_exit_3(history_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo, _ = history_repo
    run = invoke(["scan", str(repo), "--ref", "no-such-branch"])
    assert run.code == 3
    assert "git ref 'no-such-branch' not found" in run.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    run = invoke(["scan", str(plain), "--ref", "HEAD"])
    assert run.code == 3 and "is not inside a git repository" in run.stderr
    assert invoke(["scan", str(repo), "--ref", "--upload-pack=x"]).code == 2
