"""Progress on stderr for scans that take more than a second — for people, never for machines.

    with progress.display(progress.wanted(stdout_formats)):
        ...                                   # scoring / snapshot code, anywhere below:
        task = progress.phase("running checks", total=len(checks))
        task.advance(label="REP001")

`display()` shows nothing for the first second (a fast scan prints no progress at all); then a
transient rich progress line on stderr, erased when the scan ends. `phase()` is a no-op when no
display is active, so library code can call it unconditionally. Shown only when stderr is a
terminal, stdout carries a human format (or nothing), and not in CI; never in pipes, never
in machine formats. rich is imported only when the display actually starts.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

DELAY_SECONDS = 1.0
HUMAN_FORMATS = frozenset({"terminal"})


def wanted(stdout_formats: Iterable[str], stream: Any = None) -> bool:
    """Should a scan whose stdout carries `stdout_formats` show progress on `stream`?"""
    stream = sys.stderr if stream is None else stream
    if (
        os.environ.get("CI")
        or os.environ.get("MLAUDIT_NO_PROGRESS")
        or os.environ.get("TERM") == "dumb"
    ):
        return False
    if not set(stdout_formats) <= HUMAN_FORMATS:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


class Phase:
    """One step of the scan (a description, optionally a count)."""

    def __init__(self, display: _Display | None, description: str, total: int | None) -> None:
        self._display = display
        self.description = description
        self.total = total
        self.done = 0
        self.label = ""

    def advance(self, n: int = 1, *, label: str = "") -> None:
        self.done += n
        self.label = label
        if self._display is not None:
            self._display.refresh(self)


class _Display:
    def __init__(self, delay: float) -> None:
        self._lock = threading.Lock()
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True
        self._progress: Any = None
        self._task: Any = None
        self._closed = False
        self.current: Phase | None = None

    def open(self) -> None:
        self._timer.start()

    def _start(self) -> None:
        with self._lock:
            if self._closed:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("scanning", total=None)
            self._update_locked()

    def refresh(self, phase: Phase) -> None:
        self.current = phase
        if self._progress is None:
            return
        with self._lock:
            self._update_locked()

    def _update_locked(self) -> None:
        if self._progress is None or self._closed:
            return
        phase = self.current
        if phase is None:
            return
        text = phase.description + (f" · {phase.label}" if phase.label else "")
        self._progress.update(self._task, description=text, total=phase.total, completed=phase.done)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._progress is not None:
                self._progress.stop()


_ACTIVE: _Display | None = None


def phase(description: str, total: int | None = None) -> Phase:
    """Start a phase of the scan; shown by the active display, if any."""
    p = Phase(_ACTIVE, description, total)
    if _ACTIVE is not None:
        _ACTIVE.refresh(p)
    return p


@contextmanager
def display(enabled: bool, delay: float = DELAY_SECONDS) -> Iterator[None]:
    """Show progress on stderr while the block runs, if `enabled` and it lasts > `delay`."""
    global _ACTIVE
    if not enabled or _ACTIVE is not None:
        yield
        return
    shown = _Display(delay)
    _ACTIVE = shown
    shown.open()
    try:
        yield
    finally:
        _ACTIVE = None
        shown.close()
