"""A time budget per check: a probe still running after CHECK_SECONDS is stopped, and its
check is `unknown` with the reason — never a pass, never a hung scan.

The budget is a last resort behind the structural bounds (capped reads, capped lines,
refused patterns, capped expansions): it only fires on pathological input, so results stay
deterministic in practice. It uses SIGALRM, which interrupts Python code and `re` matching
alike; where that is unavailable (not the main thread, no setitimer) checks run unbounded.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

CHECK_SECONDS = 120.0
# how many budgets ran out in this process: such a result depends on timing, not on the
# inputs, and is never stored by the result cache
exceeded = 0
# set while handler() has the alarm handler installed: limit() then only arms the timer
_installed = False


class BudgetExceeded(BaseException):
    """Raised inside a probe when its time is up (a BaseException: probes' `except
    Exception` handlers must not swallow it)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    global exceeded
    exceeded += 1
    raise BudgetExceeded


def _usable(seconds: float) -> bool:
    return (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # never steal a running timer
    )


@contextmanager
def handler() -> Iterator[None]:
    """The alarm handler installed once around many `limit`s (a scan's checks): installing
    and restoring it around each check cost more than some checks (two `signal.signal`
    calls per check, 145 checks per history point). The previous handler is restored on
    exit; no timer runs between the limits, so the handler never fires there."""
    global _installed
    if _installed or not _usable(CHECK_SECONDS):  # nested (the outer one restores), or unusable
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _installed = True
    try:
        yield
    finally:
        _installed = False
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def limit(seconds: float) -> Iterator[None]:
    if not _usable(seconds):
        yield
        return
    previous = None if _installed else signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)
