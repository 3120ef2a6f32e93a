"""CLI behaviour on real git repositories (and plain folders) built in temporary folders:
formats, exit codes, error messages, JSON Schema conformance, monorepo subfolders,
.gitignore without git, malformed files inside the target, read-only scanning, determinism,
and the packaged wheel carrying its rubrics."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from helpers import EXAMPLES_DIR, commit, git, make_repo, replay_example
from typer.testing import CliRunner

from mlaudit.cli import app
from mlaudit.repo.worktree import open_worktree

ROOT = Path(__file__).resolve().parent.parent

PROJECT = {
    "README.md": "# demo\n\n## Installation\n\n```\npip install -r requirements.txt\n```\n",
    "requirements.txt": "numpy==1.26.4\npandas==2.2.2\nscikit-learn==1.4.2\n",
    "src/demo/__init__.py": "",
    "src/demo/train.py": textwrap.dedent(
        """\
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        def train(x, y):
            np.random.seed(0)
            return LogisticRegression().fit(x, y)
        """
    ),
    "tests/test_train.py": textwrap.dedent(
        """\
        import numpy as np
        from demo.train import train

        def test_train():
            model = train(np.eye(4), [0, 1, 0, 1])
            assert np.isfinite(model.predict_proba(np.eye(4))).all()
        """
    ),
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-m", "mlaudit", *args],  # -I: not the cwd's mlaudit
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "demo", PROJECT)
    commit(root, {"src/demo/features.py": "def scale(x):\n    return x / 2\n"}, "add features")
    return root


@pytest.fixture(scope="module")
def assessment_schema() -> dict:
    code, out, err = run("rubric", "schema", "--kind", "assessment")
    assert code == 0, err
    return json.loads(out)


# --- scan: formats --------------------------------------------------------------------


def test_scan_terminal(repo: Path) -> None:
    code, out, err = run("scan", str(repo), "--width", "80")
    assert code == 0, err
    assert "Maturity: index" in out and "→ level" in out
    assert "Reproducibility" in out
    # the header names the folder, not the path as typed (identical for every spelling)
    assert f"mlaudit {repo.name} " in out and str(repo) not in out
    assert all(len(line) <= 80 for line in out.splitlines()), "report wider than 80 columns"


def test_scan_verbose_shows_evidence(repo: Path) -> None:
    code, out, _ = run("scan", str(repo), "-v", "--width", "100")
    assert code == 0
    assert "REP008" in out and "requirements.txt" in out


def test_scan_json_matches_its_schema(repo: Path, assessment_schema: dict) -> None:
    code, out, err = run("scan", str(repo), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, assessment_schema)
    assert data["target"]["is_git"] is True
    assert data["target"]["commit"] == git(repo, "rev-parse", "HEAD").strip()
    deps = [r for r in data["results"] if r["name"] == "deps-locked"]
    assert deps and deps[0]["outcome"] == "pass"
    assert any(e["path"] == "requirements.txt" for e in deps[0]["evidence"])


def test_scan_json_of_rich_example_matches_schema(tmp_path: Path, assessment_schema: dict) -> None:
    target = replay_example(EXAMPLES_DIR / "production-ready", tmp_path / "production-ready")
    code, out, err = run("scan", str(target), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, assessment_schema)
    assert len(data["results"]) > 10


def test_scan_output_file(repo: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "report.json"
    code, out, err = run("scan", str(repo), "--format", "json", "--output", str(out_file))
    assert code == 0, err
    assert out == ""
    assert json.loads(out_file.read_text(encoding="utf-8"))["tool"] == "mlaudit"


def test_json_is_byte_identical_across_runs(repo: Path) -> None:
    first = run_subprocess("scan", str(repo), "--format", "json")
    second = run_subprocess("scan", str(repo), "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_unknown_format_and_profile_are_usage_errors(repo: Path) -> None:
    code, _, err = run("scan", str(repo), "--format", "yaml")
    assert code == 2 and "yaml" in err and "json" in err  # names the allowed values
    code, _, err = run("scan", str(repo), "--profile", "mobile")
    assert code == 2 and "profile" in err and "online-serving" in err


# --- scan: unreadable targets -----------------------------------------------------------


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert proc.stdout == ""
    return lines[0]


def test_nonexistent_path_exits_3_with_one_line(tmp_path: Path) -> None:
    proc = run_subprocess("scan", str(tmp_path / "nope"))
    assert proc.returncode == 3
    assert "nope" in _one_line_error(proc)


def test_file_instead_of_folder_exits_3(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    proc = run_subprocess("scan", str(target))
    assert proc.returncode == 3
    assert "not a directory" in _one_line_error(proc)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_folder_exits_3(tmp_path: Path) -> None:
    target = tmp_path / "locked"
    target.mkdir()
    target.chmod(0)
    try:
        proc = run_subprocess("scan", str(target))
    finally:
        target.chmod(0o755)
    assert proc.returncode == 3
    _one_line_error(proc)


# --- rubrics: validate, errors with file:line, schema ---------------------------------

TINY_RUBRIC = """\
id: tiny
version: "0.1"
title: Tiny rubric
levels:
  - level: 0
    name: Manual
  - level: 1
    name: Locked
    gate: [deps-locked]
qualities:
  - id: reproducibility
    prefix: REP
    title: Reproducibility
    description: Pinned dependencies.
    checks:
      - id: REP001
        name: deps-locked
        title: Dependencies are locked
        artifact: code
        level: 1
        strength: strong
        probe: deps_locked
      - id: REP002
        name: readme
        title: A README exists
        artifact: code
        level: 1
        strength: supporting
        probe: files
        with:
          globs: ["README*"]
"""
SECOND_CHECK_LINE = 23  # `- id: REP002`


def _rubric(tmp_path: Path, old: str = "", new: str = "") -> Path:
    text = TINY_RUBRIC.replace(old, new) if old else TINY_RUBRIC
    assert not old or old in TINY_RUBRIC
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error_lines(err: str, path: Path) -> set[int]:
    return {int(m) for m in re.findall(re.escape(str(path)) + r":(\d+)", err)}


def test_rubric_validate_ok(tmp_path: Path) -> None:
    path = _rubric(tmp_path)
    code, out, err = run("rubric", "validate", str(path))
    assert code == 0, err
    assert "ok" in out and "2 checks" in out


def test_scan_with_custom_rubric(repo: Path, tmp_path: Path) -> None:
    path = _rubric(tmp_path)
    code, out, err = run("scan", str(repo), "--rubric", str(path), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["rubric"]["id"] == "tiny"
    assert {r["check"]: r["outcome"] for r in data["results"]} == {
        "REP001": "pass",
        "REP002": "pass",
    }
    assert data["overall_level"] == 1


@pytest.mark.parametrize("command", ["validate", "scan"])
def test_unknown_probe_exits_2_naming_file_line(tmp_path: Path, repo: Path, command: str) -> None:
    path = _rubric(tmp_path, "probe: files", "probe: no_such_probe")
    args = ["rubric", "validate", str(path)]
    if command == "scan":
        args = ["scan", str(repo), "--rubric", str(path)]
    code, out, err = run(*args)
    assert code == 2
    assert "no_such_probe" in err
    assert _error_lines(err, path) & {SECOND_CHECK_LINE, SECOND_CHECK_LINE + 6}, err
    assert "Traceback" not in err + out


def test_bad_param_exits_2_naming_file_line(tmp_path: Path) -> None:
    path = _rubric(tmp_path, 'globs: ["README*"]', 'globs: "README*"\n          recursive: 3')
    code, _, err = run("rubric", "validate", str(path))
    assert code == 2
    assert _error_lines(err, path) & set(range(SECOND_CHECK_LINE, SECOND_CHECK_LINE + 10)), err


def test_bad_enum_value_names_allowed_values(tmp_path: Path) -> None:
    path = _rubric(
        tmp_path,
        "artifact: code\n        level: 1\n        strength: supporting",
        "artifact: dataset\n        level: 1\n        strength: supporting",
    )
    code, _, err = run("rubric", "validate", str(path))
    assert code == 2
    assert "dataset" in err and "model" in err, err
    assert _error_lines(err, path), err


def test_duplicate_id_exits_2_naming_the_duplicate_line(tmp_path: Path) -> None:
    path = _rubric(tmp_path, "id: REP002", "id: REP001")
    code, _, err = run("rubric", "validate", str(path))
    assert code == 2
    assert "REP001" in err
    assert SECOND_CHECK_LINE in _error_lines(err, path), err


def test_duplicate_id_exits_2_naming_file(tmp_path: Path) -> None:
    path = _rubric(tmp_path, "id: REP002", "id: REP001")
    code, _, err = run("rubric", "validate", str(path))
    assert code == 2
    assert "duplicate" in err and "REP001" in err
    assert _error_lines(err, path), err


def test_missing_rubric_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("rubric", "validate", str(tmp_path / "missing.yaml"))
    assert code == 2 and "not found" in err


def test_builtin_rubric_validates() -> None:
    code, out, err = run("rubric", "validate", str(ROOT / "rubrics" / "default.yaml"))
    assert code == 0, err
    assert "15 qualities" in out


def test_rubric_list_and_show() -> None:
    code, out, _ = run("rubric", "list")
    assert code == 0 and "default" in out.split()
    code, out, _ = run("rubric", "show")
    assert code == 0
    assert "REP008 deps-locked" in out and "levels:" in out


def test_rubric_schema_is_a_json_schema() -> None:
    code, out, _ = run("rubric", "schema")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "qualities" in schema["properties"]
    code, _, err = run("rubric", "schema", "--kind", "nope")
    assert code == 2 and "--kind" in err


def test_assessment_schema_is_a_json_schema(assessment_schema: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(assessment_schema)


# --- explain ---------------------------------------------------------------------------


def test_explain_check() -> None:
    code, out, _ = run("explain", "REP008")
    assert code == 0
    assert out.startswith("REP008 deps-locked")
    assert "How to fix" in out and "How it is detected" in out and "uv.lock" in out


def test_explain_by_name_and_quality() -> None:
    assert run("explain", "deps-locked")[1].startswith("REP008")
    code, out, _ = run("explain", "REP")
    assert code == 0 and "REP008" in out


def test_explain_unknown_exits_2() -> None:
    code, _, err = run("explain", "XYZ999")
    assert code == 2 and "XYZ999" in err


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("mlaudit ")


# --- scan scope: monorepo subfolder, plain folder ----------------------------------------


def test_monorepo_subfolder_scans_only_that_subtree(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "mono",
        {
            "README.md": "# monorepo\n",
            **{f"proj-a/{k}": v for k, v in PROJECT.items()},
            "proj-b/requirements.txt": "torch\n",
            "proj-b/train.py": "import torch\n",
            "proj-b/Dockerfile": "FROM python:latest\n",
        },
    )
    commit(
        root, {"proj-b/train.py": "import torch\nprint(1)\n"}, "b only", date="2024-01-03T00:00:00Z"
    )
    commit(root, {"proj-b/eval.py": "x = 1\n"}, "b again", date="2024-01-04T00:00:00Z")
    commit(root, {"proj-a/src/demo/x.py": "x = 2\n"}, "a only", date="2024-01-05T00:00:00Z")

    code, out, err = run("scan", str(root / "proj-a"), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["target"]["subdir"].rstrip("/") == "proj-a"
    assert data["target"]["files"] == len(PROJECT) + 1
    paths = {e["path"] for r in data["results"] for e in r["evidence"]}
    paths |= {e["path"] for e in data["profile"]["evidence"]}
    assert not any(p.startswith(("proj-b", "proj-a/", "../")) for p in paths), paths
    assert "requirements.txt" in paths  # repo-relative to the scanned subtree
    assert data["profile"]["name"] != "batch"  # proj-b's Dockerfile is outside the scan

    history = open_worktree(root / "proj-a").history
    assert history.available
    # the initial commit and "a only"; the commits touching only proj-b are excluded
    assert sorted(c.subject for c in history.commits) == ["a only", "initial commit"]
    assert all(not f.startswith(("proj-", "../")) for c in history.commits for f in c.files)


def test_plain_folder_without_git_honours_gitignore(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "plain",
        {
            **PROJECT,
            ".gitignore": "build/\n*.log\n",
            "build/requirements.txt": "torch\n",
            "build/lib/demo/train.py": "import torch\n",
            "run.log": "noise\n",
        },
        git_init=False,
    )
    code, out, err = run("scan", str(root), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["target"]["is_git"] is False
    assert data["target"]["commit"] is None
    assert data["target"]["files"] == len(PROJECT) + 1  # + .gitignore
    assert any("not a git repository" in note for note in data["target"]["notes"])
    paths = {e["path"] for r in data["results"] for e in r["evidence"]}
    assert not any(p.startswith("build/") or p.endswith(".log") for p in paths), paths
    history_checks = [r for r in data["results"] if r["name"] in ("data-history", "pr-workflow")]
    assert all(r["outcome"] in ("unknown", "not_applicable") for r in history_checks)


# --- bad input inside the target ---------------------------------------------------------

MALFORMED = {
    "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    deps: [data\n",
    "params.yaml": "lr: [0.1\n",
    "pyproject.toml": '[project\nname = "demo"\n',
    "notebooks/analysis.ipynb": '{"cells": [ {"cell_type": "code", "source": ',
    ".github/workflows/ci.yml": "on: [push\njobs: {\n",
    "src/demo/broken.py": "def f(:\n    return 1\n",
    "src/demo/latin1.py": "name = 'caf\xe9'\n".encode("latin-1"),
}


def test_malformed_files_do_not_stop_the_scan(repo: Path) -> None:
    commit(repo, MALFORMED, "add malformed files")
    proc = run_subprocess("scan", str(repo), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    named: dict[str, set[str]] = {}
    for r in data["results"]:
        if r["outcome"] not in ("error", "unknown"):
            continue
        text = r["message"] + " " + " ".join(e["path"] for e in r["evidence"])
        for path in MALFORMED:
            if path in text:
                named.setdefault(path, set()).add(r["name"])
    for path in ("dvc.yaml", "pyproject.toml"):
        assert path in named, f"no check reports error/unknown naming {path}: {sorted(named)}"
    # a CI file that is not YAML runs no job: decided, and said so with the file and line
    ci = next(r for r in data["results"] if r["name"] == "ci-present")
    assert ci["outcome"] == "fail" and "not valid YAML" in ci["message"], ci
    assert ci["evidence"][0]["path"] == ".github/workflows/ci.yml"
    assert not any(
        r["outcome"] == "error" and "probe" in r["message"] and "failed" in r["message"]
        for r in data["results"]
    ), "a probe crashed on malformed input"


def test_malformed_files_are_never_a_pass(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "bad", {"README.md": "# x\n", **MALFORMED})
    code, out, err = run("scan", str(root), "--format", "json")
    assert code == 0, err
    results = {r["name"]: r for r in json.loads(out)["results"]}
    for name in ("pipeline-as-code", "ci-present", "tests-in-ci"):
        if name in results:
            assert results[name]["outcome"] != "pass", results[name]


# --- the target is never written -----------------------------------------------------------


def _tree_digest(root: Path) -> dict[str, str]:
    digest = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            digest[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            stat = path.stat()
            digest[rel] = f"{hashlib.sha256(path.read_bytes()).hexdigest()}:{stat.st_mtime_ns}"
        elif path.is_dir():
            digest[rel] = f"dir:{path.stat().st_mtime_ns}"
    return digest


def test_scan_never_writes_to_the_target(tmp_path: Path) -> None:
    target = replay_example(EXAMPLES_DIR / "scripted-pipeline", tmp_path / "scripted")
    (target / "untracked.txt").write_text("dirty work tree\n", encoding="utf-8")
    before = _tree_digest(target)
    for args in (["--format", "json"], ["-v"], ["--include-untracked", "--format", "json"]):
        proc = run_subprocess("scan", str(target), *args)
        assert proc.returncode == 0, proc.stderr
    assert _tree_digest(target) == before
    assert not (target / ".git" / "index.lock").exists()


# --- the wheel ships its rubrics ----------------------------------------------------------


@pytest.mark.slow
def test_installed_wheel_finds_its_rubrics(tmp_path: Path) -> None:
    """Build a wheel, install it (not editable) into a fresh venv, run it outside the source tree."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("mlaudit-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run(
        [str(python), "-c", "import mlaudit.rubric.load as m; print(m.rubrics_dir())"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)), where
    shown = subprocess.run(
        [str(venv / "bin" / "mlaudit"), "rubric", "show"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "REP008 deps-locked" in shown.stdout
    assert len(re.findall(r"^[A-Z]{3} ", shown.stdout, flags=re.M)) == 15


def test_misspelt_param_is_named_with_allowed_keys(tmp_path: Path) -> None:
    path = _rubric(tmp_path, 'globs: ["README*"]', 'globz: ["README*"]')
    code, _, err = run("rubric", "validate", str(path))
    assert code == 2
    assert "globz" in err and "unknown parameter" in err and "globs" in err, err


def test_file_deleted_from_work_tree_is_not_scanned(tmp_path: Path) -> None:
    from helpers import make_repo

    from mlaudit.repo.worktree import open_worktree

    root = make_repo(
        tmp_path / "r", {"uv.lock": "version = 1\n", "a.py": "x = 1\n", "link": "a.py"}
    )
    (root / "uv.lock").unlink()
    snap = open_worktree(root)
    assert snap.files == ["a.py", "link"]


def test_timestamp_only_when_asked(tmp_path: Path) -> None:
    import json as _json

    from helpers import make_repo

    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    code, out, _ = run("scan", str(root), "-f", "json", "--exit-zero")
    assert code == 0 and _json.loads(out)["generated_at"] is None
    code, out, _ = run("scan", str(root), "-f", "json", "--exit-zero", "--timestamp")
    assert code == 0 and re.match(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", _json.loads(out)["generated_at"]
    )


def test_a_tracked_file_missing_from_the_work_tree_is_said_not_scanned(tmp_path):
    # a large data file absent from a partial clone (tatsu-lab/stanford_alpaca
    # alpaca_data.json) or deleted by hand: the scan says what it did not see
    root = make_repo(tmp_path / "demo", {**PROJECT, "data/big.json": "{}\n"})
    (root / "data" / "big.json").unlink()
    code, out, err = run("scan", str(root), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    notes = data["target"]["notes"]
    assert "1 tracked file(s) missing from the work tree, not scanned: data/big.json" in notes
    assert data["target"]["files"] == len(PROJECT)


def test_a_repository_whose_checkout_is_empty_says_so(tmp_path):
    # a clone whose checkout failed (a blob missing from a partial clone) leaves an empty
    # index: the scan of the work tree sees nothing, and says how to read the commit
    root = make_repo(tmp_path / "demo", PROJECT)
    git(root, "rm", "-q", "--cached", "-r", ".")
    code, out, err = run("scan", str(root), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["target"]["files"] == 0
    assert any("scan it with --ref HEAD" in note for note in data["target"]["notes"])
    code, out, err = run("scan", str(root), "--ref", "HEAD", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["target"]["files"] == len(PROJECT)


def test_an_empty_checkout_of_an_empty_folder_is_no_note(tmp_path):
    root = make_repo(tmp_path / "demo", PROJECT)
    (root / "empty").mkdir()
    code, out, err = run("scan", str(root / "empty"), "--format", "json")
    assert code == 0, err
    assert not any("--ref HEAD" in note for note in json.loads(out)["target"]["notes"])
