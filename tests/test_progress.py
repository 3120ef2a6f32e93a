"""Progress display: shown on a terminal's stderr after a second; never for machines."""

from __future__ import annotations

import io
import sys
import time

import pytest

from mlaudit import progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CI", "MLAUDIT_NO_PROGRESS", "TERM"):
        monkeypatch.delenv(var, raising=False)


def test_wanted_only_for_humans_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    tty = FakeTTY()
    assert progress.wanted(["terminal"], tty)
    assert progress.wanted([], tty)  # every format written to files
    assert not progress.wanted(["json"], tty)
    assert not progress.wanted(["terminal", "sarif"], tty)
    assert not progress.wanted(["terminal"], io.StringIO())  # a pipe
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(["terminal"], tty)


def test_slow_scan_shows_progress_then_erases_it(monkeypatch: pytest.MonkeyPatch) -> None:
    err = FakeTTY()
    monkeypatch.setattr(sys, "stderr", err)
    with progress.display(True, delay=0.05):
        task = progress.phase("running checks", total=3)
        for label in ("A", "B", "C"):
            time.sleep(0.1)
            task.advance(label=label)
    assert "running checks" in err.getvalue()
    assert progress._ACTIVE is None


def test_fast_scan_shows_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    err = FakeTTY()
    monkeypatch.setattr(sys, "stderr", err)
    with progress.display(True, delay=5):
        progress.phase("running checks", total=1).advance()
    assert err.getvalue() == ""


def test_phase_without_display_is_a_no_op() -> None:
    task = progress.phase("anything", total=2)
    task.advance()
    assert task.done == 1


def test_machine_format_scan_writes_nothing_to_stderr(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hardening.util import scan_cli
    from helpers import make_repo

    root = make_repo(tmp_path / "repo", {"train.py": "import torch\n"})
    run = scan_cli(root, "json")
    assert run.exit_code in (0, 1)
    assert run.stderr == ""
