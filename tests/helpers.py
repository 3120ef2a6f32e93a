"""Test helpers: build real git repositories (or plain folders) in temporary folders."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from mlaudit.probes.registry import get_probe
from mlaudit.repo.snapshot import Snapshot
from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Observation

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def git(repo: Path, *args: str, date: str = "2024-01-01T12:00:00Z") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_repo(
    root: Path,
    files: Mapping[str, str | bytes] | None = None,
    *,
    message: str = "initial commit",
    git_init: bool = True,
) -> Path:
    """Write files and commit them (one commit). Call `commit()` for more history."""
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files or {})
    if git_init:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", message)
    return root


def commit(
    root: Path,
    files: Mapping[str, str | bytes],
    message: str,
    *,
    date: str = "2024-01-02T12:00:00Z",
) -> None:
    write_files(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, date=date)


def snapshot(
    root: Path, files: Mapping[str, str | bytes] | None = None, *, git_init: bool = True
) -> Snapshot:
    make_repo(root, files, git_init=git_init)
    return open_worktree(root)


def run_probe(snap: Snapshot, name: str, **params: object) -> Observation:
    spec = get_probe(name)
    assert spec is not None, f"no probe {name}"
    return spec.fn(snap, spec.params.model_validate(params))
