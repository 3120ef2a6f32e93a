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


@pytest.fixture
def git_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The git commands gitref starts: `run_git`'s subcommand, or the cat-file batch mode."""
    calls: list[str] = []
    real_run_git, real_cat = gitref.run_git, gitref._CatFile

    def counting_run_git(cwd: Path, args: list[str], **kw: Any) -> bytes:
        calls.append(args[0])
        return real_run_git(cwd, args, **kw)

    def counting_cat(cwd: Path, *, check: bool = False) -> Any:
        calls.append("cat-file --batch-check" if check else "cat-file --batch")
        return real_cat(cwd, check=check)

    monkeypatch.setattr(gitref, "run_git", counting_run_git)
    monkeypatch.setattr(gitref, "_CatFile", counting_cat)
    return calls


def test_one_ls_tree_and_one_cat_file(history_repo: tuple[Path, str], git_calls: list[str]) -> None:
    repo, first = history_repo
    calls = git_calls
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


# the ls-tree listing: records decoded once per process ---------------------------------------
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("record", "prefix", "expected"),
    [
        (
            f"100644 blob {SHA}      12\tpkg/sub/a.py",
            "",
            ("pkg/sub/a.py", "file", ("100644", 12), ("pkg", "pkg/sub")),
        ),
        (
            f"100644 blob {SHA}      12\tpkg/sub/a.py",
            "pkg/",
            ("sub/a.py", "file", ("100644", 12), ("sub",)),
        ),
        (f"100644 blob {SHA}      12\tother/a.py", "pkg/", None),  # outside the scanned folder
        (
            f"120000 blob {SHA}       9\tdocs/link",
            "",
            ("docs/link", "symlink", ("120000", 9), ("docs",)),
        ),
        (f"160000 commit {SHA}       -\tvendor/lib", "", ("vendor/lib", "submodule", None, ())),
        (f"100644 blob {SHA}\tno-size.txt", "", ("no-size.txt", "file", ("100644", None), ())),
        (f"100644 blob {SHA}      12\t../escape.py", "", None),  # never a path out of the tree
        (f"100644 blob {SHA}      12\t/abs.py", "", None),
        ("garbage\tx.py", "", None),  # not the shape asked for
    ],
)
def test_an_ls_tree_record_is_decoded(record: str, prefix: str, expected: Any) -> None:
    parsed = gitref._parse_record(record.encode(), prefix.encode())
    if expected is None:
        assert parsed is None
        return
    assert parsed is not None
    path, kind, entry, dirs = expected
    assert (parsed.path, parsed.kind, parsed.dirs) == (path, kind, dirs)
    if entry is None:
        assert parsed.entry is None
    else:
        assert parsed.entry is not None
        assert (parsed.entry.mode, parsed.entry.sha, parsed.entry.size) == (
            *entry[:1],
            SHA,
            entry[1],
        )


def _listing(repo: Path, sha: str, prefix: str) -> tuple[Any, ...]:
    source = gitref.GitRefSource(repo, sha, prefix)
    return source.list_files(), dict(source._kinds), dict(source._entries), set(source._dirs)


@pytest.fixture
def changing_tree(tmp_path: Path) -> tuple[Path, list[str]]:
    """Two commits whose trees differ in every way a listing can: a file changed, removed,
    added, turned into a symlink, and a submodule (gitlink) added."""
    repo = make_repo(
        tmp_path / "r",
        {"pkg/a.py": "A = 1\n", "pkg/b.py": "B = 1\n", "pkg/c.py": "C = 1\n", "top.txt": "t\n"},
    )
    first = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"pkg/a.py": "A = 2\n", "pkg/new/d.py": "D = 1\n"}, "change")
    git(repo, "rm", "-q", "pkg/b.py")
    (repo / "pkg" / "c.py").unlink()
    (repo / "pkg" / "c.py").symlink_to("a.py")
    git(repo, "add", "-A")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{first},pkg/vendored")
    git(repo, "commit", "-q", "-m", "reshape")
    return repo, [first, git(repo, "rev-parse", "HEAD").strip()]


@pytest.mark.parametrize("prefix", ["", "pkg/"])
def test_remembered_records_list_what_a_fresh_parse_lists(
    changing_tree: tuple[Path, list[str]], prefix: str
) -> None:
    repo, (first, second) = changing_tree
    fresh = []
    for sha in (first, second, first):
        gitref._RECORDS.clear()
        fresh.append(_listing(repo, sha, prefix))
    assert fresh[0] != fresh[1]  # the two trees do differ
    assert fresh[1][1].get("vendored" if prefix else "pkg/vendored") == "submodule"
    gitref._RECORDS.clear()
    remembered = [_listing(repo, sha, prefix) for sha in (first, second, first)]
    assert gitref._RECORDS[prefix.encode()]  # the records were kept
    assert remembered == fresh
    other = "" if prefix else "pkg/"  # records kept for one scanned folder, read for another
    mixed = _listing(repo, second, other)
    gitref._RECORDS.clear()
    assert mixed == _listing(repo, second, other)


def test_a_large_listing_is_not_remembered(
    changing_tree: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, (first, _) = changing_tree
    gitref._RECORDS.clear()
    expected = _listing(repo, first, "")
    monkeypatch.setattr(gitref, "MAX_MEMO_RECORDS", 2)
    gitref._RECORDS.clear()
    assert _listing(repo, first, "") == expected
    assert not gitref._RECORDS


@pytest.mark.parametrize("prefix", ["", "services/ml/", "docs/", "missing/"])
def test_walked_trees_list_what_ls_tree_lists(history_repo: tuple[Path, str], prefix: str) -> None:
    # a history point lists its commit by walking tree objects (GitObjects); the listing,
    # kinds and contents must be those of the ls-tree listing of `scan --ref`
    repo, _first = history_repo
    os.chmod(repo / "pyproject.toml", 0o755)
    (repo / "données").mkdir()
    (repo / "données" / "été.csv").write_text("a\n1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "exec bit, unicode names")
    head = git(repo, "rev-parse", "HEAD").strip()
    objects = gitref.GitObjects(repo)
    try:
        for sha in (head, _first):
            walked = gitref.GitRefSource(repo, sha, prefix, objects=objects)
            listed = gitref.GitRefSource(repo, sha, prefix)
            assert walked.list_files() == listed.list_files()
            assert walked._kinds == listed._kinds and walked._dirs == listed._dirs
            for path in listed.list_files():
                assert walked.read(path) == listed.read(path), path
                assert walked.size(path) == listed.size(path), path
                assert walked.kind(path) == listed.kind(path), path
            listed.close()
    finally:
        objects.close()


def test_unchanged_subtrees_are_read_once(history_repo: tuple[Path, str]) -> None:
    repo, first = history_repo
    head = git(repo, "rev-parse", "HEAD").strip()
    objects = gitref.GitObjects(repo)
    reads: list[str] = []
    real = objects.blob

    def counting(sha: str) -> bytes | None:
        reads.append(sha)
        return real(sha)

    objects.blob = counting  # type: ignore[method-assign]
    try:
        assert objects.listing(first, "") is not None
        first_reads = len(reads)
        assert objects.listing(head, "") is not None
        # the second commit changed root files only: its root tree is read, and no subtree
        # under services/, docs/ or src/ again
        assert len(reads) - first_reads <= 2
    finally:
        objects.close()


def test_a_missing_tree_object_falls_back_to_ls_tree(
    history_repo: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, first = history_repo
    objects = gitref.GitObjects(repo)
    monkeypatch.setattr(objects, "blob", lambda sha: None)  # every object "missing"
    source = gitref.GitRefSource(repo, first, "", objects=objects)
    assert source.list_files() == gitref.GitRefSource(repo, first, "").list_files()
    objects.close()


def test_history_points_share_one_pair_of_readers(
    history_repo: tuple[Path, str], git_calls: list[str]
) -> None:
    # one `cat-file --batch` and one `--batch-check` for the whole history, no ls-tree per
    # point ("one git call per question, never one per commit")
    repo, _first = history_repo
    calls = git_calls
    run = invoke(["history", str(repo), "--last", "3", "--no-cache", "--jobs", "1", "-f", "json"])
    assert run.code == 0, run.stderr
    assert calls.count("ls-tree") == 0
    assert calls.count("cat-file --batch") == 1
    assert calls.count("cat-file --batch-check") <= 1
    assert not [key for key in gitref._OBJECTS if key[1] == str(repo)]  # released at the end
