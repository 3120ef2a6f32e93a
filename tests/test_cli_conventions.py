"""Command-line conventions (issue #11 item 7): -h, -q, --color with NO_COLOR/FORCE_COLOR,
allowed values in --help, one-line usage errors naming the flag once, "did you mean",
`-o FILE` with the terminal format, --write-baseline's exit code, explain and rubric list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_repo
from typer.testing import CliRunner

from mlaudit.cli import app
from mlaudit.cli_conventions import color_wanted, usage_line
from mlaudit.run import plan_outputs

PROJECT = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1"\ndependencies = ["scikit-learn"]\n',
    "train.py": "import sklearn\n",
    "tests/test_x.py": "def test_x():\n    assert 1\n",
}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("conv") / "demo", PROJECT)


@pytest.mark.parametrize("args", [["-h"], ["scan", "-h"], ["rubric", "-h"], ["explain", "-h"]])
def test_short_help(args: list[str]) -> None:
    code, out, _ = run(*args)
    assert code == 0 and "Usage:" in out


def test_help_lists_allowed_values() -> None:
    _, out, _ = run("scan", "--help")
    for allowed in (
        "[auto|research|batch|online-serving]",
        "[auto|always|never]",
        "[default|FILE]",
        "[info|low|medium|high|critical]",
        "badge",
    ):
        assert allowed in out
    _, out, _ = run("rubric", "schema", "--help")
    assert "[rubric|assessment|config]" in out


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--width", "x"], "--width"),
        (["--fail-under-level", "9"], "--fail-under-level"),
        (["--color", "sometimes"], "--color"),
    ],
)
def test_usage_error_is_one_line_naming_the_flag_once(
    repo: Path, args: list[str], flag: str
) -> None:
    code, out, err = run("scan", str(repo), *args)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlaudit: error: ")
    assert lines[0].count(flag) == 1 and "fail-under-level: fail-under-level" not in lines[0]


def test_usage_line_rewrites_clicks_message() -> None:
    assert usage_line("Invalid value for '--width': 'x' is not a valid integer.") == (
        "--width: 'x' is not a valid integer."
    )


@pytest.mark.parametrize(
    ("choice", "tty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": "0"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_color_choice(choice: str, tty: bool, env: dict[str, str], expected: bool) -> None:
    assert color_wanted(choice, tty, env) is expected


def test_force_color_colours_the_terminal_report(repo: Path) -> None:
    _, plain, _ = run("scan", str(repo), env={"FORCE_COLOR": None, "NO_COLOR": None})
    _, forced, _ = run("scan", str(repo), env={"FORCE_COLOR": "1", "NO_COLOR": None})
    _, never, _ = run("scan", str(repo), "--color", "never", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in plain and "\x1b[" in forced and "\x1b[" not in never


def test_quiet_prints_only_the_verdict(repo: Path) -> None:
    code, out, _ = run("scan", str(repo), "-q")
    assert code == 0 and len(out.strip().splitlines()) == 1 and "maturity level" in out
    code, out, _ = run("scan", str(repo), "-q", "--fail-under-level", "4")
    assert code == 1 and "gate failed" in out and "below fail-under-level 4" in out


def test_output_file_with_terminal_format_does_not_print(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    code, out, _ = run("scan", str(repo), "-o", str(target))
    assert code == 0 and out == "" and "Quality" in target.read_text(encoding="utf-8")
    assert plan_outputs([], ["report.txt"], ["terminal", "sarif"], "terminal") == [
        ("terminal", Path("report.txt"))
    ]
    # a machine format to a file still leaves the terminal report on stdout
    assert plan_outputs([], ["sarif=x.sarif"], ["terminal", "sarif"], "terminal") == [
        ("terminal", None),
        ("sarif", Path("x.sarif")),
    ]


def test_write_baseline_exits_zero_even_when_a_gate_fails(repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, err = run(
        "scan", str(repo), "--write-baseline", str(baseline), "--fail-under-level", "4"
    )
    assert code == 0, err
    assert baseline.is_file()


def test_baseline_gate_header_does_not_claim_no_new_failure(repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "empty.json"
    run("scan", str(repo), "--write-baseline", str(baseline))
    data = json.loads(baseline.read_text(encoding="utf-8"))
    for key in ("failures", "keys", "entries"):
        if isinstance(data.get(key), list):
            data[key] = []
    baseline.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run("scan", str(repo), "--baseline", str(baseline))
    assert code == 1
    assert "no new failure" not in out and "any new failure fails" in out


@pytest.mark.parametrize(
    ("ref", "suggestion"),
    [("REP09", "REP009"), ("deps-lockd", "deps-locked"), ("reproducibilty", "reproducibility")],
)
def test_explain_did_you_mean(ref: str, suggestion: str) -> None:
    code, out, err = run("explain", ref)
    assert code == 2 and out == "" and "did you mean" in err and suggestion in err


@pytest.mark.parametrize(
    "ref", ["REP008", "deps-locked", "REP", "reproducibility", "AUT002", "TRK001"]
)
def test_explain_is_english_without_internals(ref: str) -> None:
    code, out, _ = run("explain", ref)
    assert code == 0
    for internal in ("probe `", "mm#", "MTS ", "Qualidade", "Reprodutibilidade", "with {"):
        assert internal not in out


def test_explain_all_json() -> None:
    code, out, _ = run("explain", "--all", "--format", "json")
    entries = json.loads(out)
    assert code == 0 and len(entries) > 100
    assert len({e["id"] for e in entries}) == len(entries)
    first = entries[0]
    assert first["doc_url"].endswith("/docs/rubric.md#" + first["id"].lower())
    assert {"rationale", "remediation", "detection", "artifact", "level"} <= set(first)
    assert first["detection"]["probe"]


def test_rubric_list_lists_rubrics_not_the_inventory() -> None:
    code, out, _ = run("rubric", "list")
    assert code == 0 and out.startswith("default")
    assert "inventory" not in out


def test_shell_completion_script() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "_MLAUDIT_COMPLETE": "source_bash"}
    script = Path(sys.executable).with_name("mlaudit")  # the console script of this venv
    if not script.is_file():
        pytest.skip("mlaudit console script not installed next to the interpreter")
    proc = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "_mlaudit_completion" in proc.stdout


def test_terminal_puts_the_verdict_before_the_grid_and_explains_the_cells(repo: Path) -> None:
    code, out, _ = run("scan", str(repo), "--width", "100")
    assert code == 0
    assert out.index("Maturity: index") < out.index("Quality × artifact") < out.index("Fix next")
    assert "n/a = not applicable" in out and "? = not decidable statically" in out


def test_verbose_hides_not_applicable_checks_unless_asked_and_follows_the_grid(repo: Path) -> None:
    _, verbose, _ = run("scan", str(repo), "-v", "--width", "100")
    _, with_na, _ = run("scan", str(repo), "-v", "--show-na", "--width", "100")
    assert "not-applicable checks hidden (--show-na lists them)" in verbose
    assert "not-applicable checks hidden" not in with_na
    assert len(with_na.splitlines()) > len(verbose.splitlines())
    # checks are listed quality by quality in the grid's order
    grid_rows = [
        line.split("│")[1].strip() for line in verbose.splitlines() if line.startswith("│")
    ]
    headings = [line.strip() for line in verbose.split("Fix next")[-1].splitlines()]
    seen = [title for title in grid_rows if title in headings]
    assert seen == sorted(seen, key=grid_rows.index) and len(seen) >= 2
