"""The history secret scan's `git log -p`, started before the checks run and read ahead into
a bounded buffer (repo/git.ReadAhead, secrets_history.PendingSecretScan): same output as a
scan started when asked, no git left behind, and started only when a check to run needs it."""

from __future__ import annotations

import gc
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import commit, git, git_children, make_repo

from mlaudit.repo import git as mgit
from mlaudit.repo import secrets_history as sh
from mlaudit.repo.worktree import open_worktree

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

TOKEN = "gh" + "p_" + "Q7RZ3K2M5N8P4W6XkP9xQ2mZ7vB4nR8tL1wY"


def _cmdline(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def _wait_for_no_git() -> list[int]:
    for _ in range(100):
        if not git_children():
            break
        time.sleep(0.05)
    return git_children()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n", "src/a.py": "A = 1\n"})
    for i in range(30):  # more output than one piece of the tests' small chunks
        body = "".join(f"line {i} {j}\n" for j in range(40))
        commit(root, {f"src/m{i}.py": body}, f"commit {i}")
    commit(root, {"conf/.env": f"GH_TOKEN={TOKEN}\n"}, "leak")
    commit(root, {"conf/.env": "GH_TOKEN=\n"}, "unleak")
    git(root, "tag", "v1")
    return root


def _facts(scan: sh.HistorySecretScan) -> tuple[Any, ...]:
    hits = [(h.commit, h.path, h.finding) for h in scan.findings]
    return (scan.available, scan.commits_scanned, scan.bytes_scanned, scan.truncated, hits)


@pytest.mark.parametrize("chunk", [64, 4096, sh.CHUNK_BYTES])
def test_a_stream_read_ahead_is_the_output_of_the_command(repo: Path, chunk: int) -> None:
    args = ["log", "-p", "--all", "--format=%H"]
    stream = mgit.ReadAhead(repo, args, chunk=chunk)
    stream.begin(30)
    pieces = []
    while piece := stream.read():
        pieces.append(piece)
    assert stream.close() == 0
    assert b"".join(pieces) == mgit.run_git(repo, args)
    assert all(len(p) == chunk for p in pieces[:-1])  # the same pieces as a plain read


def test_a_failing_command_ends_with_its_return_code(repo: Path) -> None:
    stream = mgit.ReadAhead(repo, ["log", "no-such-ref", "--"], chunk=64)
    stream.begin(30)
    assert stream.read() == b""
    assert stream.close() == 128


@pytest.mark.parametrize("chunk", [64, sh.CHUNK_BYTES])
def test_a_scan_started_early_is_the_scan_started_when_asked(
    repo: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sh, "CHUNK_BYTES", chunk)  # a buffer of many pieces, state across them
    monkeypatch.setattr(mgit, "READ_AHEAD_BYTES", 4 * chunk)  # git held back by a full buffer
    asked = sh.scan_history_secrets(repo)
    pending = sh.PendingSecretScan(repo)
    pending.start()
    time.sleep(0.3)  # git writes ahead, up to the bound
    early = pending()
    assert _facts(early) == _facts(asked)
    assert sorted(h.finding.kind for h in early.findings) == ["env-secret", "github-token"]
    assert _wait_for_no_git() == []


def test_a_scan_never_started_early_is_the_same_scan(repo: Path) -> None:
    assert _facts(sh.PendingSecretScan(repo)()) == _facts(sh.scan_history_secrets(repo))


def test_a_shallow_clone_starts_nothing(repo: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    snap = open_worktree(shallow)
    snap.prefetch_history_secrets()
    assert not [pid for pid in git_children() if b"-p" in _cmdline(pid)]  # no `git log -p`
    scan = snap.history_secrets
    assert not scan.available and "shallow" in scan.reason


@pytest.mark.parametrize("read_some", [False, True])
def test_a_started_scan_nobody_finishes_leaves_no_git(
    repo: Path, monkeypatch: pytest.MonkeyPatch, read_some: bool
) -> None:
    """Dropped unread (a check that never asked), or closed half-read (the bound was hit):
    git is killed, the thread ends and reaps it, and later commands are not disturbed."""
    monkeypatch.setattr(mgit, "READ_AHEAD_BYTES", 128)
    stream = mgit.ReadAhead(repo, ["log", "-p", "--all"], chunk=64)
    readers = [t for t in threading.enumerate() if t.name == "mlaudit-git-read-ahead"]
    assert readers
    if read_some:
        stream.begin(30)
        assert stream.read()
        stream.close()
    else:
        del stream
        gc.collect()
    head = mgit.run_git(repo, ["rev-parse", "HEAD"])
    for _ in range(5):
        assert mgit.run_git(repo, ["rev-parse", "HEAD"], timeout=5.0) == head
    for thread in readers:
        thread.join(10)
        assert not thread.is_alive()
    assert _wait_for_no_git() == []
    assert not mgit.unresponsive(repo)


def test_a_stalled_git_read_ahead_is_bounded_once_read(tmp_path: Path) -> None:
    """No watchdog while nobody reads; once the reader begins, a stalled git (a config
    `include.path` FIFO) is killed at the deadline and the read ends."""
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    fifo = tmp_path / "include.fifo"
    os.mkfifo(fifo)
    with (root / ".git" / "config").open("a") as fh:
        fh.write(f'[include]\n\tpath = "{fifo}"\n')
    try:
        pending = sh.PendingSecretScan(root)
        pending.start()  # stalls too, unwatched: nobody reads it yet
        stream = mgit.ReadAhead(root, ["log"], chunk=64)
        started = time.monotonic()
        stream.begin(1.0)
        assert stream.read() == b""
        stream.close()
        assert stream.timed_out
        assert time.monotonic() - started < 5
        # the scan started early, in a repository that stopped answering since, fails as a
        # scan started now would, at once
        scan = pending()
        assert not scan.available and "did not answer" in scan.reason
        assert time.monotonic() - started < 5
        assert _wait_for_no_git() == []
    finally:
        mgit._UNRESPONSIVE.clear()


def test_started_only_when_a_check_to_run_reads_the_history_secrets(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlaudit.rubric.load import load_rubric
    from mlaudit.scoring import ScanOptions, evaluate
    from mlaudit.selection import build_selector

    starts: list[str] = []
    real_start = sh.PendingSecretScan.start

    def recording(self: sh.PendingSecretScan) -> None:
        starts.append(str(self.cwd))
        real_start(self)

    monkeypatch.setattr(sh.PendingSecretScan, "start", recording)
    rubric = load_rubric().rubric
    for select, expected in ((["SEC014"], 1), (["REP"], 0)):
        starts.clear()
        selector = build_selector(rubric, select=select)
        evaluate(open_worktree(repo), rubric, "batch", ScanOptions(selected=selector))
        assert len(starts) == expected, select
    assert _wait_for_no_git() == []


def test_a_history_git_cannot_read_to_the_end_is_read_the_same_read_ahead(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"README.md": "# r\n"})
    commit(root, {"src/early.py": "A = 1\n"}, "early")
    blob = git(root, "rev-parse", "HEAD:src/early.py").strip()
    commit(root, {"src/early.py": "A = 2\n"}, "later")
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    asked = sh.scan_history_secrets(root)
    pending = sh.PendingSecretScan(root)
    pending.start()
    early = pending()
    # git stops at the missing object either way; the scan then reads the history again
    # without that path, whether its first `git log -p` was read ahead or asked for
    assert early.skipped == asked.skipped == ("src/early.py",)
    assert not early.failed and not asked.failed
    assert _facts(early) == _facts(asked)
