"""`python -m X` puts the current folder first on sys.path: run inside a checkout, it imports
the checkout's `X/__main__.py` instead of the installed X. Every command we document or ship
(action.yml, examples/ci, .pre-commit-hooks.yaml, docs) runs with the audited repository as
its working directory, so each must be immune: `python -I -m …` or a console script.

The target below commits canaries for `mlaudit` and `pip`; running any documented command
in it must never execute them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import make_repo

ROOT = Path(__file__).resolve().parents[2]
CANARY = "import pathlib, sys; pathlib.Path({marker!r}).write_text('ran'); sys.exit(0)\n"


def _canary_repo(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "canary-ran"
    files = {
        f"{pkg}/{name}": CANARY.format(marker=str(marker))
        for pkg in ("mlaudit", "pip")
        for name in ("__init__.py", "__main__.py")
    }
    files["pyproject.toml"] = '[project]\nname = "target"\nversion = "0"\n'
    return make_repo(tmp_path / "target", files), marker


def _env(tmp_path: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PIP_NO_INDEX": "1",  # never reach the network: mlaudit is installed already
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "RUNNER_TEMP": str(tmp_path),
    }


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def _python_lines(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"\bpython3? (?:-\w+ )*-m [^\n]+", text)]


def test_the_canary_runs_without_isolation(tmp_path: Path) -> None:
    """The premise: a plain `python -m pip` in the checkout runs the committed canary."""
    target, marker = _canary_repo(tmp_path)
    _bash("python -m pip --version", target, _env(tmp_path))
    assert marker.exists()


def test_action_steps_never_run_target_code(tmp_path: Path) -> None:
    target, marker = _canary_repo(tmp_path)
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = {s["name"]: s for s in action["runs"]["steps"]}
    env = _env(tmp_path)
    # the Install step, with a spec pip resolves offline (mlaudit is installed editable here)
    install = _bash(steps["Install mlaudit"]["run"], target, {**env, "MLAUDIT_SPEC": "mlaudit"})
    assert install.returncode == 0, install.stderr
    scan_env = {**env, "INPUT_PATH": ".", "INPUT_ARGS": "", "INPUT_FAIL_UNDER": ""}
    scan_env["SARIF_FILE"] = str(tmp_path / "mlaudit.sarif")
    scan = _bash(steps["Scan"]["run"], target, scan_env)
    assert scan.returncode == 0, scan.stderr
    assert "exit-code=" in (tmp_path / "github-output").read_text()
    assert (tmp_path / "mlaudit.sarif").is_file()
    assert not marker.exists(), "action.yml ran code committed in the audited repository"


@pytest.mark.parametrize(
    "doc",
    [
        "action.yml",
        "examples/ci/github-workflow.yml",
        "examples/ci/gitlab-ci.yml",
        ".pre-commit-hooks.yaml",
        "README.md",
        "docs/getting-started.md",
        "docs/ci.md",
    ],
)
def test_documented_python_m_commands_are_isolated(doc: str, tmp_path: Path) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    target, marker = _canary_repo(tmp_path)
    for line in _python_lines(text):
        if " -m venv" in line or " -m pytest" in line:
            continue  # development commands of mlaudit's own checkout, not run in a target
        assert re.search(r"python3? (?:-\w+ )*-I\b", line), f"{doc}: not isolated: {line}"
        if "$" in line:
            continue  # needs the step's environment: test_action_steps_never_run_target_code
        result = _bash(line, target, _env(tmp_path))
        assert result.returncode == 0, f"{doc}: {line}: {result.stderr[-500:]}"
        assert not marker.exists(), f"{doc}: {line} ran code committed in the target"


def test_pre_commit_hooks_use_the_console_script() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["entry"].split()[0] == "mlaudit", hook  # script dir, not cwd, on sys.path


def test_python_I_m_mlaudit_in_a_checkout_runs_the_installed_mlaudit(tmp_path: Path) -> None:
    target, marker = _canary_repo(tmp_path)
    result = subprocess.run(
        [sys.executable, "-I", "-m", "mlaudit", "scan", ".", "--format", "json"],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert '"tool"' in result.stdout or '"rubric"' in result.stdout
    assert not marker.exists()
