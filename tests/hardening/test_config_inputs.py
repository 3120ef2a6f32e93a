"""mlaudit's own inputs found in the scanned repository (config, rubric, baseline) are hostile
input: bounded reads, regular files only, no escape from the repository, no contents of an
outside file in any message (issue #13, classes 6 and 7).

Each case runs the real CLI in a subprocess with a small timeout, so a hang fails the test
instead of stalling the suite.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from helpers import make_repo

from hardening.util import run_isolated
from mlaudit.errors import RubricError, UsageError
from mlaudit.inputs import read_input

SECRET = "root:TOP-SECRET-HASH-MARKER:19000:0:99999:7:::"
TIMEOUT = 60


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "shadow").write_text(SECRET + "\nsecond: line\n")
    return folder


def _repo(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    return make_repo(tmp_path / "repo", {"train.py": "print(1)\n", **(files or {})})


def _assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout[-300:], result.stderr)
    assert "Traceback" not in result.stderr
    assert "TOP-SECRET-HASH-MARKER" not in result.stdout + result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# --- class 7: no escape ----------------------------------------------------------------------
@pytest.mark.parametrize("name", [".mlaudit.yaml", ".mlaudit.yml", "pyproject.toml"])
def test_config_symlink_out_of_the_repository_is_refused_unread(
    tmp_path: Path, outside: Path, name: str
) -> None:
    repo = _repo(tmp_path)
    (repo / name).symlink_to(outside / "shadow")
    _assert_refused(
        run_isolated("scan", ".", "--format", "json", cwd=repo), "outside the repository"
    )


def test_config_symlink_inside_the_repository_is_followed(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"ci/mlaudit.yaml": "profile: batch\n"})
    (repo / ".mlaudit.yaml").symlink_to("ci/mlaudit.yaml")
    result = run_isolated("scan", ".", "--show-config", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert 'profile = "batch"' in result.stdout


@pytest.mark.parametrize("key", ["rubric", "baseline"])
@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_repository_config_cannot_name_files_outside(
    tmp_path: Path, outside: Path, key: str, how: str
) -> None:
    repo = _repo(tmp_path)
    target = {
        "absolute": str(outside / "shadow"),
        "dotdot": "../outside/shadow",
        "symlink": "link.yaml",
    }[how]
    (repo / "link.yaml").symlink_to(outside / "shadow")
    (repo / ".mlaudit.yaml").write_text(f"{key}: {target}\n")
    _assert_refused(
        run_isolated("scan", ".", "--format", "json", cwd=repo), "outside the repository"
    )


def test_repository_rubric_cannot_include_or_extend_outside(tmp_path: Path, outside: Path) -> None:
    (outside / "part.yaml").write_text("qualities: []\n")
    for body in (f"extends: {outside / 'shadow'}\n", "include: [../outside/part.yaml]\n"):
        repo = _repo(tmp_path, {".mlaudit.yaml": "rubric: r.yaml\n", "r.yaml": body})
        _assert_refused(run_isolated("scan", ".", cwd=repo), "outside the repository")
        subprocess.run(["rm", "-rf", str(repo)], check=True)


def test_repository_rubric_may_extend_the_builtin_default(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path, {".mlaudit.yaml": "rubric: r.yaml\n", "r.yaml": "extends: default\nid: ours\n"}
    )
    result = run_isolated("scan", ".", "--format", "json", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    assert '"ours"' in result.stdout


def test_the_operator_may_name_files_anywhere(tmp_path: Path, outside: Path) -> None:
    (outside / "cfg.yaml").write_text("profile: research\n")
    repo = _repo(tmp_path)
    result = run_isolated(
        "scan", ".", "--config", str(outside / "cfg.yaml"), "--show-config", cwd=repo
    )
    assert result.returncode == 0, result.stderr
    assert 'profile = "research"' in result.stdout


def test_config_search_stops_at_the_scanned_folder_outside_git(tmp_path: Path) -> None:
    (tmp_path / ".mlaudit.yaml").write_text("fail-under: 99\n")
    plain = make_repo(tmp_path / "plain", {"train.py": "x = 1\n"}, git_init=False)
    result = run_isolated("scan", ".", "--show-config", cwd=plain)
    assert "none found" in result.stdout, result.stdout


# --- class 6: bounded reads ------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("key", ["config", "rubric", "baseline"])
def test_a_fifo_input_is_refused_without_blocking(tmp_path: Path, key: str) -> None:
    repo = _repo(tmp_path)
    os.mkfifo(repo / "pipe")
    if key == "config":
        os.mkfifo(repo / ".mlaudit.yaml")
    else:
        (repo / ".mlaudit.yaml").write_text(f"{key}: pipe\n")
    start = time.monotonic()
    _assert_refused(run_isolated("scan", ".", cwd=repo), "not a regular file")
    assert time.monotonic() - start < TIMEOUT


@pytest.mark.parametrize("flag", ["--baseline", "--rubric", "--config"])
def test_dev_zero_is_refused_even_from_the_operator(tmp_path: Path, flag: str) -> None:
    repo = _repo(tmp_path)
    _assert_refused(run_isolated("scan", ".", flag, "/dev/zero", cwd=repo), "not a regular file")


def test_oversized_inputs_are_refused_before_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: instant, and never read
    for error in (UsageError, RubricError):
        with pytest.raises(error, match="larger than"):
            read_input(big, what="baseline file", limit=1024, error=error)


def test_repeated_include_is_an_error_not_a_reparse(tmp_path: Path) -> None:
    part = "qualities: []\n"
    body = "extends: default\ninclude: [p.yaml, p.yaml, p.yaml, p.yaml, p.yaml, p.yaml]\n"
    repo = _repo(tmp_path, {"r.yaml": body, "p.yaml": part})
    _assert_refused(run_isolated("scan", ".", "--rubric", "r.yaml", cwd=repo), "included twice")


def test_extends_cycle_is_an_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"})
    _assert_refused(run_isolated("scan", ".", "--rubric", "a.yaml", cwd=repo), "cycle")


def test_alias_expanded_rubric_is_refused_quickly(tmp_path: Path) -> None:
    """122 bytes that expand to ~1M YAML nodes (within the parser's own alias bound)."""
    bomb = (
        "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "qualities: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    )
    body = "extends: default\ninclude: [p.yaml, q.yaml]\n"
    repo = _repo(tmp_path, {"r.yaml": body, "p.yaml": bomb, "q.yaml": bomb})
    start = time.monotonic()
    _assert_refused(run_isolated("scan", ".", "--rubric", "r.yaml", cwd=repo), "YAML nodes")
    assert time.monotonic() - start < 20


def test_a_file_reached_twice_is_read_again_not_shared(tmp_path: Path) -> None:
    """The reader hands a file's parsed document over without copying it: a second read of
    the same file (a part reached again through another `extends` chain) must be a new,
    equal document, so that merging one cannot change the other."""
    from mlaudit.rubric.load import _Reader

    part = tmp_path / "p.yaml"
    part.write_text("qualities:\n  - id: a\n    checks: []\n")
    reader = _Reader(None)
    first = reader.read(part)
    first["qualities"][0]["checks"].append({"id": "changed"})
    second = reader.read(part)
    assert second == {"qualities": [{"id": "a", "checks": []}]}
    assert second["qualities"][0].line == 2 and second.origin == str(part)
    assert reader.digests == [(str(part), reader.digests[0][1])]  # read from disk once
