"""Read-only guarantee: scanning never changes a byte of the target, `.git` included.

Every file and folder under the target is fingerprinted (type, size, mtime, content hash —
the git index's content *and* its mtime included) before and after running each command that
reads a repository (`scan` in every format, `scan --ref`, `diff`, whatever of those the CLI
has right now). The work tree is left "stat-dirty" on purpose (a tracked file touched after
the commit): any `git status`-like refresh would rewrite the index and be caught.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hardening.util import cli_commands, formats, scan_options
from helpers import commit, git, make_repo

Fingerprint = dict[str, tuple[str, int, int, str]]


def fingerprint(root: Path) -> Fingerprint:
    out: Fingerprint = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if os.path.islink(full):
                out[rel] = ("link", 0, st.st_mtime_ns, os.readlink(full))
            elif os.path.isdir(full):
                out[rel] = ("dir", 0, st.st_mtime_ns, "")
            else:
                digest = hashlib.sha256(Path(full).read_bytes()).hexdigest()
                out[rel] = ("file", st.st_size, st.st_mtime_ns, digest)
    return out


def diff_fingerprints(before: Fingerprint, after: Fingerprint) -> list[str]:
    changes = [f"new: {p}" for p in sorted(after.keys() - before.keys())]
    changes += [f"removed: {p}" for p in sorted(before.keys() - after.keys())]
    changes += [
        f"changed: {p} {before[p]} -> {after[p]}"
        for p in sorted(before.keys() & after.keys())
        if before[p] != after[p]
    ]
    return changes


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(
        tmp_path_factory.mktemp("ro") / "repo",
        {
            "train.py": "import numpy as np\nnp.random.seed(0)\n",
            "src/pkg/__init__.py": "",
            "src/pkg/model.py": "import torch\n",
            "requirements.txt": "numpy==1.26.4\n",
            "params.yaml": "lr: 0.1\n",
            "Dockerfile": "FROM python:3.11\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: pytest\n",
            "notebooks/eda.ipynb": '{"cells": [], "nbformat": 4}',
            ".gitignore": "*.log\n",
        },
    )
    git(root, "tag", "v0.1")
    commit(root, {"tests/test_model.py": "def test_x():\n    assert True\n"}, "add tests")
    git(root, "checkout", "-q", "-b", "feature")
    commit(root, {"dvc.yaml": "stages: {}\n", "src/pkg/model.py": "import torch  # v2\n"}, "dvc")
    # dirty states: untracked, ignored, modified, and stat-dirty (same content, new mtime)
    (root / "untracked.py").write_text("import os\n")
    (root / "debug.log").write_text("ignored\n")
    (root / "params.yaml").write_text("lr: 0.2\n")
    later = os.stat(root / "train.py").st_mtime + 120
    os.utime(root / "train.py", (later, later))
    return root


def _commands(root: Path) -> list[list[str]]:
    cmds = [["scan", str(root), "--format", fmt] for fmt in formats()]
    cmds.append(["scan", str(root), "--format", "json", "--include-untracked"])
    cmds.append(["scan", str(root / "src"), "--format", "json"])  # a subfolder (monorepo)
    if "--ref" in scan_options():
        cmds += [
            ["scan", str(root), "--ref", "HEAD~1", "--format", "json"],
            ["scan", str(root), "--ref", "v0.1", "--format", "json"],
            ["scan", str(root), "--ref", "main", "--format", "terminal"],
        ]
    if "diff" in cli_commands():
        cmds += [
            ["diff", str(root), "--base", "main", "--format", "json"],
            ["diff", str(root), "--base", "v0.1", "--head", "HEAD", "--format", "terminal"],
        ]
    if "history" in cli_commands():
        cmds.append(["history", str(root), "--last", "3"])
    return cmds


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "MLAUDIT_"))}
    return subprocess.run(
        [sys.executable, "-I", "-m", "mlaudit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_no_command_changes_a_byte(target: Path) -> None:
    before = fingerprint(target)
    index_before = (target / ".git" / "index").stat().st_mtime_ns
    ran = []
    for args in _commands(target):
        proc = _run(args, cwd=target)  # cwd = the target, as in CI
        assert proc.returncode in (0, 1), (args, proc.returncode, proc.stderr)
        changes = diff_fingerprints(before, fingerprint(target))
        assert not changes, f"mlaudit {' '.join(args)} changed the target: {changes[:10]}"
        ran.append(args[0] + (" --ref" if "--ref" in args else ""))
    assert (target / ".git" / "index").stat().st_mtime_ns == index_before
    assert not list(target.rglob("__pycache__")), "bytecode written into the target"
    assert {"scan", "scan --ref", "diff"} & set(ran) >= {"scan"}


def test_git_is_never_asked_for_status(target: Path) -> None:
    """Every git call mlaudit makes runs with GIT_OPTIONAL_LOCKS=0 and is never `status`."""
    from hardening.util import scan_cli

    for args in _commands(target)[:3]:
        run = scan_cli(Path(args[1]), args[3]) if args[0] == "scan" else None
        if run is None:
            continue
        assert run.spawned, "expected git calls"
        for argv, _cwd in run.spawned:
            words = argv.split()
            assert words[0] == "git" and "status" not in words, argv
    from mlaudit.repo.git import git_env

    assert git_env()["GIT_OPTIONAL_LOCKS"] == "0"


def test_python_m_does_not_import_from_the_target(tmp_path: Path) -> None:
    """`python -m mlaudit` puts the current folder first on sys.path; in CI that folder is
    the repository under audit. A hostile `yaml.py` or `typer.py` there must not be imported."""
    marker = tmp_path / "pwned"
    payload = f"open({str(marker)!r}, 'w').write('x')\nraise SystemExit('hijacked')\n"
    root = make_repo(
        tmp_path / "repo",
        {"yaml.py": payload, "typer.py": payload, "rich/__init__.py": payload, "train.py": ""},
    )
    proc = _run(["scan", ".", "--format", "json"], cwd=root)
    assert not marker.exists(), proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
