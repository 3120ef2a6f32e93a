"""Shared tools of the hostile-repository suite: run the CLI in-process and watch what it opens.

`scan_cli()` runs `mlaudit scan` through typer's CliRunner while a Python audit hook records
every file the process opens and every subprocess it starts. Anything opened outside the
scan root (other than the interpreter's own files and mlaudit's rubrics) is a leak.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import mlaudit
from mlaudit.cli import app

_PACKAGE_DIR = Path(mlaudit.__file__).resolve().parent


def _cache_root() -> Path:
    from mlaudit.cache import cache_root

    return cache_root()


_ALLOWED_PREFIXES = tuple(
    {
        os.path.realpath(p)
        for p in (
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            sys.base_exec_prefix,
            str(_PACKAGE_DIR),
            str(_PACKAGE_DIR.parent.parent / "rubrics"),  # editable install: repo rubrics/
            os.path.dirname(os.environ.get("MLAUDIT_TEST_RUBRIC", "") or sys.prefix),
            str(_cache_root()),  # mlaudit's own cache (never inside the target)
        )
    }
)
_ALLOWED_EXACT = {"/dev/null", "/dev/urandom", "/etc/localtime"}


@dataclass
class _Recorder:
    active: bool = False
    thread: int | None = None
    opened: list[str] = field(default_factory=list)
    spawned: list[tuple[str, str]] = field(default_factory=list)  # (argv, cwd)


_REC = _Recorder()


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _REC.active or threading.get_ident() != _REC.thread:
        return
    if event == "open":
        path = args[0]
        if isinstance(path, int):
            return
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        _REC.opened.append(os.path.abspath(str(path)))
    elif event == "subprocess.Popen":
        argv = args[1]
        cwd = args[2]
        _REC.spawned.append((" ".join(map(str, argv or [])), str(cwd or os.getcwd())))


sys.addaudithook(_hook)


@contextmanager
def recording() -> Iterator[_Recorder]:
    _REC.opened.clear()
    _REC.spawned.clear()
    _REC.thread = threading.get_ident()
    _REC.active = True
    try:
        yield _REC
    finally:
        _REC.active = False


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _realpath(path: str) -> str | None:
    """os.path.realpath, or None when the path changed while it was resolved: a test that
    churns the tree (symlinks made and removed) makes `os.readlink` fail inside realpath."""
    try:
        return os.path.realpath(path)
    except OSError:
        return None


def outside_reads(opened: list[str], root: Path, allowed: tuple[str, ...] = ()) -> list[str]:
    """Opened paths that are neither in the scan root nor the interpreter's/mlaudit's own
    (nor in `allowed`, e.g. the folder reports are written to)."""
    real_root = os.path.realpath(root)
    bad = []
    for path in opened:
        if path in _ALLOWED_EXACT or path.startswith(("/proc/", "/sys/")):
            continue
        if any(_inside(path, a) for a in allowed):
            continue
        if _inside(path, str(root)) or _inside(path, real_root):
            # inside by name; a symlink inside the root must also resolve inside it (one that
            # vanished while resolved is gone like a path that no longer exists)
            real = _realpath(path)
            if real is None or _inside(real, real_root) or not os.path.exists(real):
                continue
            bad.append(f"{path} -> {real}")
            continue
        real = _realpath(path) or path
        if any(_inside(real, p) or _inside(path, p) for p in _ALLOWED_PREFIXES):
            continue
        bad.append(path)
    return bad


@dataclass
class CliRun:
    exit_code: int
    stdout: str
    stderr: str
    opened_outside: list[str]
    spawned: list[tuple[str, str]]

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]


def formats() -> list[str]:
    """Registered output formats whose module exists (others are being written right now)."""
    import importlib.util

    from mlaudit.report import FORMATS

    only = os.environ.get("MLAUDIT_TEST_FORMATS")  # e.g. "json,terminal" while iterating
    if only:
        return sorted(set(only.split(",")) & set(FORMATS))
    return sorted(n for n, mod in FORMATS.items() if importlib.util.find_spec(mod) is not None)


def cli_commands() -> set[str]:
    return {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}


def scan_options() -> set[str]:
    """Long option names of `mlaudit scan` as currently defined (other helpers add some)."""
    import typer.main

    command = typer.main.get_command(app)
    scan = command.commands["scan"]  # type: ignore[attr-defined]
    return {opt for param in scan.params for opt in getattr(param, "opts", [])}


def run_cli(args: list[str], root: Path, allowed: tuple[str, ...] = ()) -> CliRun:
    runner = CliRunner()
    with recording() as rec:
        result = runner.invoke(app, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"mlaudit {' '.join(args)} raised {result.exception!r}\n{result.stdout}"
        ) from result.exception
    return CliRun(
        exit_code=result.exit_code,
        stdout=result.stdout,
        stderr=result.stderr,
        opened_outside=outside_reads(rec.opened, root, allowed),
        spawned=list(rec.spawned),
    )


def scan_cli(root: Path, fmt: str = "json", *extra: str, allowed: tuple[str, ...] = ()) -> CliRun:
    rubric = os.environ.get("MLAUDIT_TEST_RUBRIC")  # pin a rubric while others edit default
    pinned = ["--rubric", rubric] if rubric else []
    return run_cli(["scan", str(root), "--format", fmt, *pinned, *extra], root, allowed)


def evidence_paths(report: dict[str, Any]) -> list[str]:
    return [e["path"] for r in report.get("results", []) for e in r.get("evidence", [])]


def assert_sane_report(report: dict[str, Any]) -> None:
    """Scores within 0–100 and every evidence path repo-relative and inside the root."""
    for value in _scores(report):
        assert 0 <= value <= 100, value
    for path in evidence_paths(report):
        assert path, "empty evidence path"
        assert not path.startswith("/"), path
        assert ".." not in path.split("/"), path
        assert "\\" not in path or "\\x" in path, path  # POSIX separators (escapes allowed)


def _scores(node: Any) -> Iterator[float]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"score", "overall_score"} and isinstance(value, (int, float)):
                yield float(value)
            elif key == "artifact_scores" and isinstance(value, dict):
                yield from (float(v) for v in value.values() if isinstance(v, (int, float)))
            else:
                yield from _scores(value)
    elif isinstance(node, list):
        for item in node:
            yield from _scores(item)


def run_isolated(*args: str, cwd: Path, timeout: float = 60) -> Any:
    """`python -I -m mlaudit ARGS` in `cwd` (never the cwd's own mlaudit/), bounded in time:
    a hang fails the test instead of stalling the suite."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-I", "-m", "mlaudit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
