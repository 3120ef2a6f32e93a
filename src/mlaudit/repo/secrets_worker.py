"""The history secret scan in a second process, while the scan runs its checks.

Reading a large history for secrets is most of a cold scan of a mature repository (axolotl:
6,000 commits, 287 MB of patches, half of a 22-second scan), and it is plain Python work
that needs nothing from the rest of the scan. On a machine with a second core it runs in a
worker process: `git log -p` and the worker's detectors use that core while the scan runs
its other checks on the first, and the history check, run last (scoring._evaluate), only
collects the answer.

Same answer: the worker calls `scan_history_secrets` with the same options, so its findings,
counts and bounds are exactly those of a scan in the process. It runs mlaudit's own code
only — `python -I` (no PYTHON* variables, no user site, no current folder on sys.path),
started in mlaudit's own folder, never in the target — and its git commands get the same
locked-down environment (repo/git.py). Its answer is read back with the cache's restricted
unpickler (plain data and mlaudit's data classes only). A worker that fails, or whose answer
does not read back, costs a scan in the process; one that outlives the scan's bound is
killed and the history is unknown. It dies with mlaudit (its own process group, registered
with git's children).

Not used where it would not pay: a single core, a process that is itself a worker of a pool
(fleet and history workers already use every core), or pack files under WORKER_MIN_BYTES (a
small history is read in less time than starting Python takes).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from pathlib import Path

from mlaudit.repo.git import _LIVE, _LIVE_LOCK, GitChild, _install_termination_handlers
from mlaudit.repo.secrets_history import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_SECONDS,
    HistorySecretScan,
    describe_bound,
    scan_history_secrets,
)

# packed plus loose objects: below this, the history is read faster than a worker starts
WORKER_MIN_BYTES = 8 * 1024 * 1024
# how much longer than the scan's own time bound the worker may take to answer
WORKER_GRACE_SECONDS = 30.0
MAX_DEPTH = 64  # folders walked up from a scanned subfolder to its repository's `.git`
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)
_ENTRY = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from mlaudit.repo.secrets_worker import main; main()"
)


def worth_a_worker(cwd: Path) -> bool:
    """Whether the history secret scan of the repository at `cwd` should run in a worker."""
    if _cpus() < 2 or _in_a_pool_worker():
        return False
    return _packed_bytes(cwd) >= WORKER_MIN_BYTES


def _packed_bytes(cwd: Path) -> int:
    """The size of the repository's pack files, read from the file system: no git command
    (a hostile configuration can make git stall, and this is asked before any check runs).
    Loose objects are not counted: a history that large is packed."""
    git_dir = _git_dir(cwd)
    if git_dir is None:
        return 0
    with contextlib.suppress(OSError, UnicodeError):
        common = (git_dir / "commondir").read_text("utf-8").strip()
        git_dir = git_dir / common  # a linked work tree: its objects are the main one's
    total = 0
    with contextlib.suppress(OSError), os.scandir(git_dir / "objects" / "pack") as entries:
        for entry in entries:
            if entry.name.endswith(".pack") and entry.is_file(follow_symlinks=False):
                total += entry.stat(follow_symlinks=False).st_size
    return total


def _git_dir(cwd: Path) -> Path | None:
    """The git folder of the repository holding `cwd` (a `.git` folder, the folder a `.git`
    file names, or `cwd` itself when bare)."""
    if (cwd / "HEAD").is_file() and (cwd / "objects").is_dir():
        return cwd
    for folder in (cwd, *list(cwd.parents)[:MAX_DEPTH]):
        dot = folder / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            with contextlib.suppress(OSError, UnicodeError):
                first = dot.read_text("utf-8")[:4096].partition("\n")[0]
                if first.startswith("gitdir:"):
                    return folder / first.removeprefix("gitdir:").strip()
            return None
    return None


def _cpus() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def _in_a_pool_worker() -> bool:
    multiprocessing = sys.modules.get("multiprocessing")  # never imported here for this
    return multiprocessing is not None and multiprocessing.parent_process() is not None


class _WorkerChild(GitChild):
    """The worker's process, killed with mlaudit like a git child (GitChild's kill/close)."""

    def __init__(self, argv: list[str]) -> None:
        self.args = argv
        self.cwd = Path(_PACKAGE_PARENT)  # never the target: nothing of it on sys.path
        self.timed_out = False
        _install_termination_handlers()
        self.proc = subprocess.Popen(
            argv,
            cwd=_PACKAGE_PARENT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        with _LIVE_LOCK:
            _LIVE.add(self)


class HistoryWorker:
    """A history secret scan running in a worker process; `result()` waits for it."""

    def __init__(self, cwd: Path, max_seconds: float = DEFAULT_MAX_SECONDS) -> None:
        self.cwd = cwd
        self.max_seconds = max_seconds
        argv = [sys.executable, "-I", "-c", _ENTRY, _PACKAGE_PARENT, os.fspath(cwd)]
        self._child: _WorkerChild | None = _WorkerChild([*argv, repr(max_seconds)])

    def result(self) -> HistorySecretScan | None:
        """The worker's scan; None when it failed or its answer did not read back (the
        caller scans in the process); an unknown history when it outlived the bound."""
        from mlaudit.cache import loads

        child, self._child = self._child, None
        if child is None:
            return None
        limit = self.max_seconds + WORKER_GRACE_SECONDS
        try:
            out, _ = child.proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            child.close()
            return HistorySecretScan(
                available=False,
                reason=f"the history secret scan did not finish within {limit:g} s",
                bound=describe_bound(DEFAULT_MAX_BYTES, self.max_seconds),
            )
        except OSError:
            child.close()
            return None
        if child.close() != 0:
            return None
        answer = loads(out)
        return answer if isinstance(answer, HistorySecretScan) else None

    def close(self) -> None:
        """Stop a worker whose answer nobody will read."""
        child, self._child = self._child, None
        if child is not None:
            child.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


def main() -> None:
    """The worker: `<package parent> <repository> <max seconds>` as arguments, the pickled
    HistorySecretScan on stdout."""
    cwd, max_seconds = sys.argv[2], float(sys.argv[3])
    scan = scan_history_secrets(Path(cwd), max_seconds=max_seconds)
    sys.stdout.buffer.write(pickle.dumps(scan, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
