"""The one place that runs `git`.

We call the git binary directly (not GitPython): every question is a single invocation
with a format string, GitPython's import alone costs ~60 ms of start-up, and we need full
control of the environment so that git never writes into the target (no optional locks,
no index refresh, no pager, no user config that could run hooks or external diff tools) and
never reaches the network: in a partial clone a missing blob must be reported as unreadable,
not fetched lazily from the promisor remote (GIT_NO_LAZY_FETCH on git ≥ 2.44; on every
version all transports are disallowed, so a remote URL such as `ext::cmd` can never run).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

GIT_TIMEOUT_SECONDS = 120


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_NO_LAZY_FETCH": "1",
            "GIT_PROTOCOL_FROM_USER": "0",
            "GIT_ALLOW_PROTOCOL": "none",
            "LC_ALL": "C",
            "TZ": "UTC",
        }
    )
    return env


class GitFailed(Exception):
    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)} failed ({returncode}): {stderr.strip()[:300]}")
        self.returncode = returncode
        self.stderr = stderr


def git_command(args: Sequence[str]) -> list[str]:
    """The git argv with the safety configuration every call gets."""
    return [
        "git",
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.untrackedCache=false",
        "-c",
        "diff.external=",
        "-c",
        "core.quotepath=false",
        "-c",
        "protocol.allow=never",
        *args,
    ]


def stream_git(cwd: Path, args: Sequence[str]) -> subprocess.Popen[bytes]:
    """Start one git command whose stdout is read as a stream; the caller bounds it in
    bytes and time and must kill and wait for the process."""
    try:
        return subprocess.Popen(
            git_command(args),
            cwd=cwd,
            env=git_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:  # git is not installed
        raise GitFailed(args, 127, "git executable not found") from exc


def run_git(
    cwd: Path,
    args: Sequence[str],
    *,
    check: bool = True,
    input_bytes: bytes | None = None,
    timeout: float = GIT_TIMEOUT_SECONDS,
) -> bytes:
    """Run one git command in `cwd` and return its stdout bytes."""
    cmd = git_command(args)
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=git_env(),
            input=input_bytes,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:  # git is not installed
        raise GitFailed(args, 127, "git executable not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitFailed(args, -1, f"timed out after {timeout:.0f}s") from exc
    if check and proc.returncode != 0:
        raise GitFailed(args, proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc.stdout


def git_text(cwd: Path, args: Sequence[str], *, check: bool = True) -> str:
    return run_git(cwd, args, check=check).decode("utf-8", "replace")
