"""The console entry (cli.entry): the process ends with os._exit after main(), so everything
a normal interpreter exit does that a user can see must still happen: the exit status, the
whole output flushed, the atexit functions run."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mlaudit.cli import _exit_status
from tests.helpers import make_repo

PROJECT = {
    "train.py": "import sklearn\nmodel = sklearn.linear_model.LinearRegression()\n",
    "requirements.txt": "scikit-learn==1.5.0\n",
}


def run_module(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-m", "mlaudit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={"MLAUDIT_NO_CACHE": "1", "MLAUDIT_NO_PROGRESS": "1", "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    ("code", "status"),
    [(None, 0), (0, 0), (1, 1), (3, 3), (256, 0), (True, 1), ("a message", 1)],
)
def test_exit_status_is_the_interpreters(code: object, status: int) -> None:
    assert _exit_status(code) == status


def test_a_string_exit_code_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    _exit_status("mlaudit: gone")
    assert capsys.readouterr().err == "mlaudit: gone\n"


def test_the_whole_report_is_written_and_the_status_kept(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "demo", PROJECT)
    scanned = run_module("scan", str(repo), "-f", "json")
    assert scanned.returncode == 0, scanned.stderr
    assert json.loads(scanned.stdout)["results"]  # complete: it parses
    gated = run_module("scan", str(repo), "-f", "json", "--fail-under", "100")
    assert gated.returncode == 1
    assert json.loads(gated.stdout)["results"]
    missing = run_module("scan", str(tmp_path / "nowhere"))
    assert missing.returncode == 3
    assert "target not found" in missing.stderr


def test_atexit_functions_run_before_the_process_ends(tmp_path: Path) -> None:
    program = textwrap.dedent(
        """\
        import atexit, sys
        atexit.register(lambda: sys.stdout.write("atexit ran\\n"))
        sys.argv = ["mlaudit", "--version"]
        from mlaudit.cli import entry
        entry()
        """
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", program], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("atexit ran\n")


def test_a_reader_that_goes_away_is_no_traceback(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "demo", PROJECT)
    scan = subprocess.Popen(
        [sys.executable, "-I", "-m", "mlaudit", "scan", str(repo), "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"MLAUDIT_NO_CACHE": "1", "MLAUDIT_NO_PROGRESS": "1", "PATH": "/usr/bin:/bin"},
    )
    assert scan.stdout is not None and scan.stderr is not None
    scan.stdout.close()  # the reader is gone before the report is written
    err = scan.stderr.read().decode()
    scan.wait(timeout=60)
    assert "Traceback" not in err
    assert scan.returncode != 0
