"""The report does not depend on how the target path is typed (issue #13, class 12).

`repo`, `./repo/`, `/abs/…/repo`, `repo/.` and a symlink to it are the same folder: the
JSON report (and every other format) is byte-identical, and names the folder itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_repo

from hardening.util import run_cli


@pytest.mark.parametrize("fmt", ["json", "terminal", "markdown"])
def test_report_is_identical_however_the_path_is_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    root = make_repo(tmp_path / "work" / "repo", {"README.md": "# x\n", "train.py": "x = 1\n"})
    (tmp_path / "link").symlink_to(root, target_is_directory=True)
    monkeypatch.chdir(tmp_path / "work")
    spellings = ["repo", "./repo/", str(root), "repo/.", "../link", str(tmp_path / "link") + "/"]
    outputs = set()
    for typed in spellings:
        run = run_cli(["scan", typed, "--format", fmt], root, allowed=(str(tmp_path),))
        assert run.exit_code in (0, 1), run.stdout[-1000:]
        outputs.add(run.stdout)
    assert len(outputs) == 1
    if fmt == "json":
        assert run.json()["target"]["path"] == "repo"
    assert str(tmp_path) not in run.stdout


def test_ref_scan_and_subfolder_name_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n", "svc/app.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    outputs = set()
    for typed in ["repo", str(root) + "/"]:
        run = run_cli(["scan", typed, "--ref", "HEAD", "--format", "json"], root)
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert run.json()["target"]["path"] == "repo"
    sub = run_cli(["scan", "repo/svc/", "--format", "json"], root).json()["target"]
    assert (sub["path"], sub["subdir"]) == ("svc", "svc/")
