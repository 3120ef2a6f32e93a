"""The one place that runs `git`.

We call the git binary directly (not GitPython): every question is a single invocation
with a format string, GitPython's import alone costs ~60 ms of start-up, and we need full
control of the command line and environment, because the target repository is hostile
(see docs/security.md):

- its `.git/config` may name programs (signature verification, textconv, external diff,
  pagers, fsmonitor, hooks, filters, credential helpers, ssh and proxy commands…) or files
  (order files, mailmap, attributes, excludes) that git would run or read. Every key that
  a read-only command consults is pinned on the command line (`-c` beats every config
  file), signature display and external tools are switched off with flags as well, and
  the user's own global and system configuration is not read at all, so results depend on
  the repository only and format-affecting options cannot change them;
- git must never write into the target (no optional locks, no index refresh) nor reach the
  network: in a partial clone a missing blob is reported as unreadable, never fetched from
  the promisor remote (GIT_NO_LAZY_FETCH on git ≥ 2.44; on every version all transports are
  disallowed, so a remote URL such as `ext::cmd` can never run);
- git may still block (an `include.path` naming a FIFO cannot be switched off): every child
  runs in its own process group, is bounded in time and is killed with everything it
  started on timeout, on error, and when mlaudit exits or is terminated. After one timeout
  in a repository, git is not asked again there (one bounded wait, not one per question).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import secrets
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO

# Read at call time, so tests (and callers) can shorten it.
GIT_TIMEOUT_SECONDS = 120.0

# Config keys a read-only git command could consult to run a program, read a file, block,
# or change the format of what we parse. `-c` has the highest precedence, so these values
# hold whatever the repository's config (or an include of it) says.
PINNED_CONFIG: tuple[tuple[str, str], ...] = (
    # programs and hooks
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
    ("core.askPass", ""),
    ("core.sshCommand", ""),
    ("core.gitProxy", ""),
    ("core.alternateRefsCommand", ""),
    ("credential.helper", ""),
    ("diff.external", ""),
    ("log.showSignature", "false"),
    ("protocol.allow", "never"),
    # files git would read (a FIFO blocks it)
    ("core.attributesFile", "/dev/null"),
    ("core.excludesFile", "/dev/null"),
    ("diff.orderFile", "/dev/null"),
    ("log.mailmap", "false"),
    ("mailmap.file", "/dev/null"),
    ("mailmap.blob", ""),
    # no writes
    ("core.untrackedCache", "false"),
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    # what we parse: byte-identical whatever the repository or the user configured
    ("core.quotePath", "false"),
    ("core.bigFileThreshold", "512m"),  # a tiny threshold makes every patch "binary"
    ("color.ui", "false"),
    ("color.diff", "false"),
    ("i18n.logOutputEncoding", "UTF-8"),
    ("log.showRoot", "true"),
    ("log.follow", "false"),
    ("log.decorate", "short"),
    ("log.abbrevCommit", "false"),
    ("diff.relative", "false"),
    ("diff.noprefix", "false"),
    ("diff.mnemonicPrefix", "false"),
    ("diff.renames", "false"),
    ("diff.interHunkContext", "0"),
    ("diff.context", "3"),
    ("diff.algorithm", "myers"),
    ("diff.indentHeuristic", "true"),
    ("diff.suppressBlankEmpty", "false"),
    ("diff.submodule", "short"),
    ("notes.displayRef", ""),
)

# Flags for commands that print commits or patches (log): the same, spelled as options,
# so a future config key with the same effect is also covered.
LOG_SAFETY_FLAGS: tuple[str, ...] = (
    "--no-show-signature",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--no-notes",
    "--no-mailmap",
    "--encoding=UTF-8",
)


class GitFailed(Exception):
    def __init__(
        self, args: Sequence[str], returncode: int, stderr: str, *, timed_out: bool = False
    ) -> None:
        super().__init__(f"git {' '.join(args)} failed ({returncode}): {stderr.strip()[:300]}")
        self.returncode = returncode
        self.stderr = stderr
        self.timed_out = timed_out


def git_env() -> dict[str, str]:
    """The environment of every git child: none of the caller's GIT_* variables, no user
    or system configuration or attributes, no grafts or replace objects, no network."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop("XDG_CONFIG_HOME", None)
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_SYSTEM": "/dev/null",
            "GIT_ATTR_NOSYSTEM": "1",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_GRAFT_FILE": "/dev/null",
            "GIT_NO_LAZY_FETCH": "1",
            "GIT_PROTOCOL_FROM_USER": "0",
            "GIT_ALLOW_PROTOCOL": "none",
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
            "LC_ALL": "C",
            "TZ": "UTC",
        }
    )
    return env


def git_command(args: Sequence[str]) -> list[str]:
    """The git argv with the safety configuration every call gets."""
    argv = ["git", "--no-pager", "--no-replace-objects"]
    for key, value in PINNED_CONFIG:
        argv += ["-c", f"{key}={value}"]
    for directory in trusted_safe_directories():
        argv += ["-c", f"safe.directory={directory}"]
    argv.extend(args)
    return argv


@lru_cache(maxsize=1)
def trusted_safe_directories() -> tuple[str, ...]:
    """The `safe.directory` entries of the user's own (system and global) configuration.

    Git refuses a repository owned by someone else unless the user listed it there (CI
    containers do: actions/checkout adds the workspace). Since no other key of those files
    is read, the user's decision is carried over explicitly: a repository can never set it
    for itself (git ignores it in repository config and so do we)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    # the only config read from those files; their trace2 targets must not write either
    env.update({"LC_ALL": "C", "GIT_TRACE2": "0", "GIT_TRACE2_EVENT": "0", "GIT_TRACE2_PERF": "0"})
    found: list[str] = []
    for scope in ("--system", "--global"):
        try:
            proc = subprocess.run(
                ["git", "config", scope, "--get-all", "safe.directory"],
                cwd="/",
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        found += [
            line for line in proc.stdout.decode("utf-8", "replace").splitlines() if line.strip()
        ]
    return tuple(dict.fromkeys(found))


# children ------------------------------------------------------------------------------------
_LIVE: set[GitChild] = set()
_LIVE_LOCK = threading.Lock()
_UNRESPONSIVE: dict[str, str] = {}  # repository folder → why git is not asked there again


class GitChild:
    """One git process in its own process group (so that killing it also kills whatever it
    started), registered so that it dies with mlaudit."""

    def __init__(self, cwd: Path, args: Sequence[str], *, stdin: int | None) -> None:
        self.args = list(args)
        self.cwd = cwd
        _refuse_if_unresponsive(cwd, args)
        _install_termination_handlers()
        try:
            self.proc = subprocess.Popen(
                git_command(args),
                cwd=cwd,
                env=git_env(),
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError as exc:  # git is not installed
            raise GitFailed(args, 127, "git executable not found") from exc
        except OSError as exc:  # cwd vanished, too many processes…
            raise GitFailed(args, 126, str(exc)) from exc
        self.timed_out = False
        with _LIVE_LOCK:
            _LIVE.add(self)

    @property
    def stdout(self) -> IO[bytes]:
        assert self.proc.stdout is not None
        return self.proc.stdout

    @property
    def stdin(self) -> IO[bytes]:
        assert self.proc.stdin is not None
        return self.proc.stdin

    def kill(self) -> None:
        """Kill the whole process group (git and anything it started)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def expire(self, seconds: float) -> None:
        """Called by the watchdog when the child outlived its deadline."""
        self.timed_out = True
        _UNRESPONSIVE[_key(self.cwd)] = f"git did not answer within {seconds:g}s"
        self.kill()

    def close(self) -> int:
        """Kill the child if it still runs, close its pipes and reap it; its return code."""
        _WATCHDOG.disarm(self)
        if self.proc.poll() is None:
            self.kill()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        code = self.proc.wait()
        with _LIVE_LOCK:
            _LIVE.discard(self)
        return code


def unresponsive(cwd: Path) -> bool:
    """Has git timed out in this repository during this run (results depend on timing)?"""
    return _key(cwd) in _UNRESPONSIVE


def _key(cwd: Path) -> str:
    return os.path.realpath(cwd)


def _refuse_if_unresponsive(cwd: Path, args: Sequence[str]) -> None:
    reason = _UNRESPONSIVE.get(_key(cwd))
    if reason:
        raise GitFailed(args, -1, f"{reason} earlier in this repository", timed_out=True)


class _Watchdog:
    """One daemon thread that kills children past their deadline (streams and long-lived
    pipes, whose reads would otherwise block forever)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._deadlines: dict[GitChild, tuple[float, float]] = {}
        self._thread: threading.Thread | None = None

    def arm(self, child: GitChild, seconds: float) -> None:
        with self._cond:
            self._deadlines[child] = (time.monotonic() + seconds, seconds)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="mlaudit-git-watchdog", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def disarm(self, child: GitChild) -> None:
        with self._cond:
            self._deadlines.pop(child, None)

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._deadlines:
                    self._cond.wait()
                    continue
                child, (deadline, seconds) = min(self._deadlines.items(), key=lambda i: i[1][0])
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                del self._deadlines[child]
            child.expire(seconds)


_WATCHDOG = _Watchdog()


def _kill_all_children() -> None:
    with _LIVE_LOCK:
        children = list(_LIVE)
    for child in children:
        child.kill()


_HANDLERS_INSTALLED = False


def _install_termination_handlers() -> None:
    """On SIGTERM/SIGHUP (CI cancelling a job) kill our git children, then die of the same
    signal as before; at exit, kill any child still running. Handlers someone else set are
    left alone (they are expected to exit through SystemExit, which runs atexit)."""
    global _HANDLERS_INSTALLED
    if _HANDLERS_INSTALLED:
        return
    _HANDLERS_INSTALLED = True
    atexit.register(_kill_all_children)
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _die_with_children)


def _die_with_children(signum: int, _frame: object) -> None:
    _kill_all_children()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


# running -------------------------------------------------------------------------------------
def stream_git(cwd: Path, args: Sequence[str], *, timeout: float | None = None) -> GitChild:
    """Start one git command whose stdout is read as a stream. The watchdog kills it after
    `timeout` seconds (default GIT_TIMEOUT_SECONDS), so a read never blocks longer; the
    caller must `close()` it (in a `finally`)."""
    child = GitChild(cwd, args, stdin=subprocess.DEVNULL)
    _WATCHDOG.arm(child, GIT_TIMEOUT_SECONDS if timeout is None else timeout)
    return child


def pipe_git(cwd: Path, args: Sequence[str]) -> GitChild:
    """Start a long-lived git command fed through stdin (`cat-file --batch`); the caller
    arms the watchdog around each request (`arm_request`) and closes it."""
    return GitChild(cwd, args, stdin=subprocess.PIPE)


def arm(child: GitChild, seconds: float | None = None) -> None:
    _WATCHDOG.arm(child, GIT_TIMEOUT_SECONDS if seconds is None else seconds)


def disarm(child: GitChild) -> None:
    _WATCHDOG.disarm(child)


def run_git(
    cwd: Path,
    args: Sequence[str],
    *,
    check: bool = True,
    input_bytes: bytes | None = None,
    timeout: float | None = None,
) -> bytes:
    """Run one git command in `cwd` and return its stdout bytes."""
    limit = GIT_TIMEOUT_SECONDS if timeout is None else timeout
    child = GitChild(cwd, args, stdin=subprocess.PIPE if input_bytes else subprocess.DEVNULL)
    try:
        out, err = child.proc.communicate(input_bytes, timeout=limit)
    except subprocess.TimeoutExpired as exc:
        child.expire(limit)
        raise GitFailed(args, -1, f"timed out after {limit:g}s", timed_out=True) from exc
    finally:
        returncode = child.close()
    if check and returncode != 0:
        raise GitFailed(args, returncode, err.decode("utf-8", "replace"))
    return out


class PendingGit:
    """One git command started now and answered later (`result()`), as run_git would answer
    it: git runs on another core while the scan does other work (the history's `git log`
    is first asked by a check seconds after the scan starts). Its output is collected by a
    thread that only waits on the pipes (no Python work, no signal handling). A command
    nobody asks for is killed when this object is dropped, or at exit."""

    def __init__(self, cwd: Path, args: Sequence[str], *, timeout: float | None = None) -> None:
        self.args = list(args)
        self._limit = GIT_TIMEOUT_SECONDS if timeout is None else timeout
        child = GitChild(cwd, args, stdin=subprocess.DEVNULL)  # GitFailed if it cannot start
        self._child = child
        # what the thread collected: (stdout, stderr), None after a time-out, or the error
        self._box: list[tuple[bytes, bytes] | BaseException | None] = []
        self._answer: bytes | GitFailed | None = None
        self._lock = threading.Lock()
        # the thread holds the child and the box, not this object: dropping it kills git
        self._thread = threading.Thread(
            target=_collect, args=(child, self._limit, self._box), name="mlaudit-git", daemon=True
        )
        self._thread.start()
        # only the kill: the thread, which owns the pipes, then reads the end of the output
        # and reaps git (closing the pipes under it would stall it until its deadline)
        self._finalizer = weakref.finalize(self, _kill_unless_reaped, child)

    def result(self) -> bytes:
        """The command's stdout; GitFailed as run_git raises it (failure, time-out)."""
        with self._lock:
            if self._answer is None:
                self._thread.join()
                self._finalizer.detach()
                returncode = self._child.close()
                collected = self._box[0] if self._box else None
                if isinstance(collected, BaseException):
                    raise collected
                if collected is None:
                    message = f"timed out after {self._limit:g}s"
                    self._answer = GitFailed(self.args, -1, message, timed_out=True)
                elif returncode != 0:
                    stderr = collected[1].decode("utf-8", "replace")
                    self._answer = GitFailed(self.args, returncode, stderr)
                else:
                    self._answer = collected[0]
        if isinstance(self._answer, GitFailed):
            raise self._answer
        return self._answer


def _collect(
    child: GitChild, limit: float, box: list[tuple[bytes, bytes] | BaseException | None]
) -> None:
    try:
        box.append(child.proc.communicate(timeout=limit))
    except subprocess.TimeoutExpired:
        child.expire(limit)
        box.append(None)
    except BaseException as exc:  # handed to the caller of result()
        box.append(exc)
    finally:
        child.close()  # reaped here, also when nobody asks for the answer


def _kill_unless_reaped(child: GitChild) -> None:
    if child.proc.returncode is None:  # never a process group that is not ours any more
        child.kill()


READ_AHEAD_BYTES = 16 * 1024 * 1024


class ReadAhead:
    """A streamed git command whose stdout a thread reads ahead of its reader, into a buffer
    of at most READ_AHEAD_BYTES: git works on another core while the scan does other work,
    and the reader later finds most of the output waiting (the history secret scan's
    `git log -p` is first read by a check seconds after the scan starts).

    The thread only waits on the pipe and the buffer (no Python work, no signals). It owns
    the pipes: it reads to the end, closes them and reaps git. No watchdog runs while nobody
    reads — a git held back by a full buffer is not stalled —: `begin(seconds)` arms it when
    the reader starts. A command nobody reads is killed when this object is dropped."""

    def __init__(self, cwd: Path, args: Sequence[str], *, chunk: int) -> None:
        self.args = list(args)
        child = GitChild(cwd, args, stdin=subprocess.DEVNULL)  # GitFailed if it cannot start
        self._child = child
        self._chunks: queue.Queue[bytes | BaseException] = queue.Queue(
            maxsize=max(1, READ_AHEAD_BYTES // chunk)
        )
        self._stop = threading.Event()
        self._returncode: list[int] = []
        self._ended = False
        self._thread = threading.Thread(
            target=_read_ahead,
            args=(child, chunk, self._chunks, self._stop, self._returncode),
            name="mlaudit-git-read-ahead",
            daemon=True,
        )
        self._thread.start()
        self._finalizer = weakref.finalize(self, _stop_reading, child, self._stop)

    @property
    def timed_out(self) -> bool:
        return self._child.timed_out

    def begin(self, seconds: float) -> None:
        """The reader starts: git must end within `seconds` from now, or be killed. GitFailed,
        as a command started now would fail, when git timed out in this repository since."""
        _refuse_if_unresponsive(self._child.cwd, self.args)
        _WATCHDOG.arm(self._child, seconds)

    def read(self, _size: int = -1) -> bytes:
        """The next piece of output (b"" at its end)."""
        if self._ended:
            return b""
        item = self._chunks.get()
        if isinstance(item, BaseException):
            self._ended = True
            raise item
        self._ended = not item
        return item

    def close(self) -> int:
        """Stop git if it still runs, let the thread close and reap it; git's return code."""
        self._finalizer.detach()
        if self._ended:  # read to the end: git is exiting, let it (its own return code)
            self._thread.join(timeout=5)
        _stop_reading(self._child, self._stop)
        while self._thread.is_alive():  # it may be waiting to hand over a piece
            with contextlib.suppress(queue.Empty):
                self._chunks.get(timeout=0.05)
        _WATCHDOG.disarm(self._child)
        return self._returncode[0] if self._returncode else -1


def _read_ahead(
    child: GitChild,
    chunk: int,
    out: queue.Queue[bytes | BaseException],
    stop: threading.Event,
    returncode: list[int],
) -> None:
    try:
        while True:
            data = child.stdout.read(chunk)
            if not _hand_over(out, data, stop) or not data:
                break
        if not stop.is_set():  # the end of the output comes just before git exits
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(timeout=5)
    except BaseException as exc:  # handed to the reader
        _hand_over(out, exc, stop)
    finally:
        returncode.append(child.close())


def _hand_over(
    out: queue.Queue[bytes | BaseException], item: bytes | BaseException, stop: threading.Event
) -> bool:
    while not stop.is_set():
        with contextlib.suppress(queue.Full):
            out.put(item, timeout=0.1)
            return True
    return False


def _stop_reading(child: GitChild, stop: threading.Event) -> None:
    stop.set()
    _kill_unless_reaped(child)


def git_text(cwd: Path, args: Sequence[str], *, check: bool = True) -> str:
    return run_git(cwd, args, check=check).decode("utf-8", "replace")


def new_nonce() -> str:
    """A per-run marker that no repository content can predict (output framing)."""
    return "mlaudit-" + secrets.token_hex(16)
