"""The history secret scan in a worker process (repo/secrets_worker.py): the same answer as
the scan in the process, a fallback when the worker fails, a bound when it stalls, nothing
of the target ever imported, and used only where it pays."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from helpers import commit, make_repo

from mlaudit.repo import secrets_history as sh
from mlaudit.repo import secrets_worker as sw

TOKEN = "gh" + "p_" + "Q7RZ3K2M5N8P4W6XkP9xQ2mZ7vB4nR8tL1wY"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n", "src/a.py": "A = 1\n"})
    for i in range(5):
        commit(root, {f"src/m{i}.py": f"VALUE = {i}\n"}, f"commit {i}")
    commit(root, {"conf/.env": f"GH_TOKEN={TOKEN}\n"}, "leak")
    commit(root, {"conf/.env": "GH_TOKEN=\n"}, "unleak")
    return root


def _facts(scan: sh.HistorySecretScan) -> tuple[Any, ...]:
    hits = [(h.commit, h.path, h.finding) for h in scan.findings]
    return (scan.available, scan.reason, scan.commits_scanned, scan.bytes_scanned, hits)


def test_the_worker_answers_what_the_process_would(repo: Path) -> None:
    in_process = sh.scan_history_secrets(repo)
    answer = sw.HistoryWorker(repo).result()
    assert answer is not None
    assert _facts(answer) == _facts(in_process)
    assert sorted(h.finding.kind for h in answer.findings) == ["env-secret", "github-token"]


def test_a_pending_scan_with_a_worker_is_the_same_scan(repo: Path) -> None:
    pending = sh.PendingSecretScan(repo, worker=True)
    pending.start()
    assert pending._worker is not None  # the worker runs, not a read-ahead in this process
    assert pending._started is None
    assert _facts(pending()) == _facts(sh.scan_history_secrets(repo))


@pytest.mark.parametrize(
    "entry",
    [
        "import sys; sys.exit(3)",  # crashes
        "import sys; sys.stdout.buffer.write(b'not a pickle')",  # answers nonsense
        # a pickle of something that is no scan (and would run code if it were loaded)
        "import os, pickle, sys; sys.stdout.buffer.write(pickle.dumps(os.getcwd))",
    ],
)
def test_a_failed_worker_costs_a_scan_in_the_process(
    repo: Path, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    monkeypatch.setattr(sw, "_ENTRY", entry)
    assert sw.HistoryWorker(repo).result() is None
    pending = sh.PendingSecretScan(repo, worker=True)
    pending.start()
    assert _facts(pending()) == _facts(sh.scan_history_secrets(repo))


def test_a_stalled_worker_is_killed_and_the_history_unknown(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sw, "_ENTRY", "import time; time.sleep(60)")
    monkeypatch.setattr(sw, "WORKER_GRACE_SECONDS", 0.5)
    worker = sw.HistoryWorker(repo, max_seconds=0.1)
    child = worker._child
    assert child is not None
    started = time.monotonic()
    answer = worker.result()
    assert time.monotonic() - started < 30
    assert answer is not None and not answer.available
    assert "did not finish within 0.6 s" in answer.reason
    assert child.proc.poll() is not None  # killed and reaped


def test_a_worker_nobody_asks_is_stopped(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sw, "_ENTRY", "import time; time.sleep(60)")
    worker = sw.HistoryWorker(repo)
    child = worker._child
    assert child is not None
    worker.close()
    assert child.proc.poll() is not None


def test_the_worker_never_imports_the_target(repo: Path, tmp_path: Path) -> None:
    """A repository holding its own `mlaudit` package (or anything else importable) is
    never on the worker's path: it runs mlaudit from mlaudit's own folder, isolated."""
    marker = tmp_path / "ran"
    planted = f"open({str(marker)!r}, 'w').write('target code ran')\n"
    commit(repo, {"mlaudit/__init__.py": planted, "mlaudit/repo/__init__.py": planted}, "plant")
    commit(repo, {"sitecustomize.py": planted, "usercustomize.py": planted}, "plant more")
    answer = sw.HistoryWorker(repo).result()
    assert answer is not None and answer.available
    assert not marker.exists()


def test_a_worker_only_where_it_pays(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers import git

    git(repo, "gc", "-q")
    monkeypatch.setattr(sw, "_cpus", lambda: 2)
    assert not sw.worth_a_worker(repo)  # a small history: read faster than Python starts
    monkeypatch.setattr(sw, "WORKER_MIN_BYTES", 1)
    assert sw.worth_a_worker(repo)
    monkeypatch.setattr(sw, "_cpus", lambda: 1)
    assert not sw.worth_a_worker(repo)  # one core: nothing runs beside the scan
    monkeypatch.setattr(sw, "_cpus", lambda: 2)
    monkeypatch.setattr(sw, "_in_a_pool_worker", lambda: True)
    assert not sw.worth_a_worker(repo)  # fleet and history workers already use every core
    assert not sw.worth_a_worker(repo.parent / "missing")


def test_the_history_check_runs_last_and_results_keep_the_rubric_order(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlaudit import scoring
    from mlaudit.repo.worktree import open_worktree
    from mlaudit.rubric.load import load_rubric
    from mlaudit.scoring import ScanOptions, evaluate
    from mlaudit.selection import build_selector

    ran: list[str] = []
    real = scoring.run_check

    def recording(snap: Any, check: Any) -> Any:
        ran.append(check.id)
        return real(snap, check)

    monkeypatch.setattr(scoring, "run_check", recording)
    rubric = load_rubric().rubric
    selector = build_selector(rubric, select=["SEC"])
    results = evaluate(open_worktree(repo), rubric, "batch", ScanOptions(selected=selector))
    history_checks = [c.id for _, c in rubric.checks() if c.probe == "committed_secrets"]
    assert history_checks and ran[-len(history_checks) :] == history_checks
    order = [c.id for _, c in rubric.checks() if selector(c.id)]
    assert [r.check for r in results] == order
    assert ran != order  # the order really changed


def test_the_history_size_is_read_without_git(repo: Path, tmp_path: Path) -> None:
    from helpers import git

    assert sw._packed_bytes(repo) == 0  # loose objects only
    git(repo, "gc", "-q")
    packed = sw._packed_bytes(repo)
    assert packed > 0
    assert sw._packed_bytes(repo / "src") == packed  # a scanned subfolder
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", str(linked))
    assert sw._packed_bytes(linked) == packed  # a linked work tree: the main objects
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    assert sw._packed_bytes(bare) > 0
    assert sw._packed_bytes(tmp_path / "nowhere") == 0


def _asks_from_a_pool() -> bool:
    return sw._in_a_pool_worker()


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_pool_worker_knows_it_is_one() -> None:
    """Fleet and history run their scans in a process pool: there, no second process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        assert pool.submit(_asks_from_a_pool).result(timeout=60) is True
    assert sw._in_a_pool_worker() is False
