"""The user's own git configuration does not change results (issue #13, class 2).

A HOME whose ~/.gitconfig (and $XDG_CONFIG_HOME/git/{config,attributes,ignore}) sets every
format-affecting option — signature display, output encoding, follow, root-commit diffs,
inter-hunk context, prefixes, quoting, colours, decorations, big-file threshold, pagers,
trace targets — plus GIT_* variables in the environment, gives byte-identical reports to a
clean HOME, and runs nothing. The repository has what those options would change: a secret
added in the root commit and later removed, non-ASCII file names and author names, a tag."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import commit, git, make_repo

from hardening.util import run_cli
from mlaudit.repo import git as mgit

AWS_ID = "AK" + "IA" + "Q7RZ3K2M5N8P4W6X"
AWS_SECRET = "kP9xQ2mZ7vB4nR8tL1wY" + "6cF3hJ5sD0gA/E+uIoT2"
SECRET_LINES = f'aws_access_key_id = "{AWS_ID}"\naws_secret_access_key = "{AWS_SECRET}"\n'


def hostile_user_config(canary: Path, trace: Path) -> str:
    return f"""\
[log]
	showSignature = true
	showRoot = false
	follow = true
	decorate = full
	abbrevCommit = true
	date = relative
	mailmap = true
	excludeDecoration = HEAD
[i18n]
	logOutputEncoding = ISO-8859-1
[diff]
	interHunkContext = 50
	context = 20
	noprefix = true
	mnemonicPrefix = true
	relative = true
	renames = copies
	algorithm = histogram
	indentHeuristic = false
	suppressBlankEmpty = true
	submodule = log
	external = {canary}
	orderFile = {canary}.order
[core]
	quotePath = true
	pager = {canary}
	bigFileThreshold = 1
	abbrev = 5
	fsmonitor = {canary}
	hooksPath = {canary}.hooks
	attributesFile = {canary}.attributes
[color]
	ui = always
	diff = always
[gpg]
	program = {canary}
[pager]
	log = {canary}
[format]
	pretty = oneline
[notes]
	displayRef = refs/notes/*
[trace2]
	eventTarget = {trace}
	normalTarget = {trace}
[safe]
	directory = *
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(
        tmp_path / "repo",
        {"README.md": "# Modèle\n", "données/é.py": "x = 1\n", "conf/settings.py": SECRET_LINES},
        message="racine: première version",
    )
    commit(root, {"conf/settings.py": "x = 1\n", "train.py": "import sklearn\n"}, "no key")
    git(root, "tag", "v1.0")
    commit(root, {"données/é.py": "x = 2\n" * 3 + "y = 1\n"}, "élan")
    return root


def _scan_all(root: Path) -> list[str]:
    mgit.trusted_safe_directories.cache_clear()
    outs = []
    for args in (
        ["scan", str(root), "--format", "json"],
        ["scan", str(root), "--ref", "v1.0", "--format", "json"],
        ["diff", str(root), "--base", "v1.0", "--format", "json"],
    ):
        run = run_cli(args, root, allowed=(str(root.parent),))
        assert run.exit_code in (0, 1), run.stdout[-1000:]
        outs.append(run.stdout)
    return outs


def test_hostile_user_git_config_changes_nothing(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_home = tmp_path / "clean-home"
    clean_home.mkdir()
    for name in list(__import__("os").environ):
        if name.startswith("GIT_") or name == "XDG_CONFIG_HOME":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(clean_home))
    clean = _scan_all(repo)

    evil_home = tmp_path / "evil-home"
    xdg = tmp_path / "xdg"
    (xdg / "git").mkdir(parents=True)
    evil_home.mkdir()
    canary = tmp_path / "canary.sh"
    fired = tmp_path / "fired"
    canary.write_text(f"#!/bin/sh\necho ran >> {fired}\nexit 1\n")
    canary.chmod(0o755)
    trace = tmp_path / "trace.log"
    config = hostile_user_config(canary, trace)
    (evil_home / ".gitconfig").write_text(config)
    (xdg / "git" / "config").write_text(config)
    (xdg / "git" / "attributes").write_text("* -diff binary\n")
    (xdg / "git" / "ignore").write_text("*\n")
    (Path(f"{canary}.attributes")).write_text("* -diff\n")
    monkeypatch.setenv("HOME", str(evil_home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    for key, value in {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "log.showRoot",
        "GIT_CONFIG_VALUE_0": "false",
        "GIT_CONFIG_PARAMETERS": "'core.quotepath'='true'",
        "GIT_TRACE": str(trace),
        "GIT_TRACE2_EVENT": str(trace),
        "GIT_PAGER": str(canary),
        "GIT_EXTERNAL_DIFF": str(canary),
        "GIT_DIFF_OPTS": "--unified=30",
        "GIT_NOTES_REF": "refs/notes/evil",
        "GIT_ATTR_SOURCE": "HEAD",
    }.items():
        monkeypatch.setenv(key, value)
    hostile = _scan_all(repo)

    assert not fired.exists()
    assert not trace.exists()
    for before, after in zip(clean, hostile, strict=True):
        assert before == after
    # the secret of the root commit is found, the history is whole
    assert "AKIA" in clean[0] and "only in history" in clean[0]
