"""Hostile repositories: each case is built for real in a temporary folder and scanned
through the CLI in every output format.

For every case: the scan completes (exit 0/1) or exits 3 with one clear line; nothing is
opened outside the scan root; no raw control characters reach the output; every evidence
path is repo-relative; the files that could not be read are named.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import commit, git, make_repo, run_probe, write_files

from hardening.util import CliRun, assert_sane_report, formats, scan_cli, scan_options
from mlaudit.repo.worktree import open_worktree

SECRET = "TOP-SECRET-OUTSIDE-MARKER"
NB_CELL = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}


@dataclass
class Case:
    root: Path
    unreadable: set[str] = field(default_factory=set)  # files the snapshot must name as problems
    forbidden: tuple[str, ...] = ()  # strings that must never reach any output
    exit_codes: tuple[int, ...] = (0, 1)


def _outside_secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text(f"numpy=={SECRET}\n")
    return secret


def notebook(source: str) -> str:
    return json.dumps({"cells": [{**NB_CELL, "source": source}], "nbformat": 4})


# cases --------------------------------------------------------------------------------------
def case_symlinks_out(tmp_path: Path) -> Case:
    secret = _outside_secret(tmp_path)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "requirements.txt").symlink_to("/etc/passwd")
    (root / "params.yaml").symlink_to(secret)
    (root / "train.py").symlink_to("../outside/secret.txt")
    (root / "configs").symlink_to(secret.parent, target_is_directory=True)
    make_repo(root, {"README.md": "# x\n"})
    return Case(
        root,
        unreadable={"requirements.txt", "params.yaml", "train.py"},
        forbidden=(SECRET, "root:x:0"),
    )


def case_symlink_loop(tmp_path: Path) -> Case:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.yaml").symlink_to("b.yaml")
    (root / "b.yaml").symlink_to("a.yaml")
    (root / "self").symlink_to(".", target_is_directory=True)
    (root / "requirements.txt").symlink_to("requirements.txt")
    make_repo(root, {"main.py": "import os\n"})
    return Case(root, unreadable={"a.yaml", "b.yaml", "requirements.txt"})


def case_symlink_loop_plain_folder(tmp_path: Path) -> Case:
    case = case_symlink_loop(tmp_path)
    import shutil

    shutil.rmtree(case.root / ".git")
    return case


def case_sparse_2gib(tmp_path: Path) -> Case:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    # List a 2 GiB sparse file in the index without git hashing it: point the index entry at a
    # small blob, then make the work-tree file huge.
    sha = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=root,
        input=b"import os\n",
        capture_output=True,
        check=True,
    ).stdout.decode()
    names = ("train.py", "data/big.csv", "params.yaml")
    for name in names:
        git(root, "update-index", "--add", "--cacheinfo", f"100644,{sha.strip()},{name}")
    git(root, "commit", "-q", "-m", "big files")  # before the files exist: nothing to hash
    for name in names:
        path = root / name
        path.parent.mkdir(exist_ok=True)
        with open(path, "wb") as handle:
            os.truncate(handle.fileno(), 2 * 1024**3)
    return Case(root, unreadable={"train.py", "params.yaml"})


def case_sparse_2gib_plain_folder(tmp_path: Path) -> Case:
    root = tmp_path / "folder"
    write_files(root, {"README.md": "# x\n"})
    with open(root / "model.py", "wb") as handle:
        os.truncate(handle.fileno(), 2 * 1024**3)
    return Case(root, unreadable={"model.py"})


def case_bad_encodings(tmp_path: Path) -> Case:
    root = make_repo(
        tmp_path / "repo",
        {
            "params.yaml": b"\x00\x01\x02binary\xff\xfe\x00" * 100,  # binary named .yaml
            "config.yaml": b"lr: 0.1\nname: caf\xe9 \xff\xfe broken\n",  # invalid UTF-8
            "requirements.txt": "numpy==1.26.4\npandas==2.2.0\n".encode("utf-16"),  # BOM
            "settings.toml": b"\xff\xfe" + "[tool]\nx = 1\n".encode("utf-16-le"),
            "dvc.yaml": "\ufeffstages:\n  train:\n    cmd: python train.py\n".encode(),
            "train.py": b"import numpy\nx = '\xff\xfe'\n",
        },
    )
    return Case(root, unreadable={"params.yaml"})


def case_yaml_attacks(tmp_path: Path) -> Case:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(8)
    )
    root = make_repo(
        tmp_path / "repo",
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n" + bomb.replace("\n", "\n  ")[:-2],
            ".gitlab-ci.yml": bomb,
            "params.yaml": bomb,
            "dvc.yaml": "stages: " + "[" * 10_000 + "]" * 10_000 + "\n",
            "deep.yaml": "k: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
            "indent.yaml": "".join(" " * i + "k:\n" for i in range(1_000)),
            "config.yaml": "!!python/object/apply:os.system ['touch /tmp/pwned-mlaudit']\n",
            "conf/app.yml": "x: !!python/object:subprocess.Popen {args: [id]}\n",
            "recursive.yaml": "a: &a [*a]\n",
        },
    )
    return Case(root, unreadable={"params.yaml", ".gitlab-ci.yml", "config.yaml", "dvc.yaml"})


def case_notebooks(tmp_path: Path) -> Case:
    root = make_repo(
        tmp_path / "repo",
        {
            "broken.ipynb": "this is { not json",
            "list.ipynb": "[1, 2, 3]",
            "weird.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": 42}, 7]}),
            "deep.ipynb": '{"cells": ' + "[" * 50_000 + "]" * 50_000 + "}",
        },
    )
    # ~100 MB of valid notebook JSON, generated without building it in memory twice
    with open(root / "huge.ipynb", "w", encoding="utf-8") as handle:
        handle.write('{"nbformat": 4, "cells": [')
        chunk = json.dumps({**NB_CELL, "source": "import mlflow\n" + "x = 1\n" * 1000})
        handle.write(",".join([chunk] * 15_000))
        handle.write("]}")
    assert (root / "huge.ipynb").stat().st_size > 100 * 1024**2
    commit(root, {}, "notebooks")
    return Case(root, unreadable={"broken.ipynb", "huge.ipynb", "deep.ipynb"})


def case_not_python(tmp_path: Path) -> Case:
    root = make_repo(
        tmp_path / "repo",
        {
            "train.py": "function train() { return 1; }\n<html>\n",
            "deep.py": "x = " + "(" * 100_000 + ")" * 100_000 + "\n",
            "unary.py": "x = " + "-" * 100_000 + "1\n",
            "nul.py": "import os\x00\n",
            "lambda.py": "f = " + "lambda: " * 5000 + "1\n",
        },
    )
    return Case(root, unreadable={"train.py", "deep.py", "nul.py"})


def case_huge_line_counts(tmp_path: Path) -> Case:
    docker = "FROM python:3.11\n" + "RUN echo step \\\n  && true\n" * 50_000
    workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + "".join(
        f"      - run: echo {i}\n" for i in range(50_000)
    )
    jenkins = "pipeline {\n" + "sh '''\n" * 100_000
    root = make_repo(
        tmp_path / "repo",
        {
            "Dockerfile": docker,
            ".github/workflows/ci.yml": workflow,
            "Jenkinsfile": jenkins,
            "requirements.txt": "numpy \\\n" * 100_000,
            "docker/Dockerfile": "RUN <<EOF\n" + "echo\n" * 100_000,
        },
    )
    assert len(docker.splitlines()) > 100_000 and len(workflow.splitlines()) > 50_000
    return Case(root)


HOSTILE_NAMES = [
    "with space.py",
    "new\nline.py",
    "<script>alert(1)</script>.py",
    "\x1b[31mred\x1b[0m.yaml",
    "[link](javascript:alert(1)).md",
    "pipe|and*star?.txt",
    "bidi\u202eyp.exe.py",
    "tab\tname.txt",
    "-rf.py",
]


def case_hostile_names(tmp_path: Path) -> Case:
    root = tmp_path / "repo"
    files: dict[str, str | bytes] = {n: "import numpy\n" for n in HOSTILE_NAMES}
    files["requirements.txt"] = "numpy\n"
    make_repo(root, files)
    raw = os.fsencode(root) + b"/caf\xe9.py"
    with open(raw, "wb") as handle:
        handle.write(b"import torch\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "bad bytes")
    return Case(root, forbidden=("\x1b[31m", "<script>alert", "\u202e"))


def case_hostile_names_plain_folder(tmp_path: Path) -> Case:
    case = case_hostile_names(tmp_path)
    import shutil

    shutil.rmtree(case.root / ".git")
    return case


def case_empty_repo(tmp_path: Path) -> Case:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return Case(root)


def case_empty_repo_with_files(tmp_path: Path) -> Case:
    root = tmp_path / "repo"
    write_files(root, {"train.py": "import torch\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")  # staged, never committed
    return Case(root)


def case_detached_head(tmp_path: Path) -> Case:
    root = make_repo(tmp_path / "repo", {"train.py": "import torch\n"})
    commit(root, {"README.md": "# x\n"}, "second")
    git(root, "checkout", "-q", "--detach", "HEAD~1")
    return Case(root)


def case_submodule(tmp_path: Path) -> Case:
    sub = make_repo(tmp_path / "sub", {"secret_sub.py": f"X = '{SECRET}'\n"})
    root = make_repo(tmp_path / "repo", {"train.py": "import torch\n"})
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    git(root, "commit", "-q", "-m", "add submodule")
    return Case(root, forbidden=("secret_sub.py", SECRET))


def case_bare(tmp_path: Path) -> Case:
    src = make_repo(tmp_path / "src", {"train.py": "import torch\n"})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(src), str(bare))
    return Case(bare, exit_codes=(3,))


def case_git_dir(tmp_path: Path) -> Case:
    root = make_repo(tmp_path / "repo", {"train.py": "import torch\n"})
    return Case(root / ".git", exit_codes=(3,))


def case_not_a_dir(tmp_path: Path) -> Case:
    path = tmp_path / "file.txt"
    path.write_text("x")
    return Case(path, exit_codes=(3,))


def case_shallow(tmp_path: Path) -> Case:
    src = make_repo(tmp_path / "src", {"train.py": "import torch\n"})
    for i in range(3):
        commit(src, {f"f{i}.py": "x = 1\n"}, f"c{i}")
    root = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{src}", str(root))
    return Case(root)


def _partial_clone(tmp_path: Path) -> tuple[Path, Path]:
    src = make_repo(tmp_path / "src", {"train.py": "import torch\n"})
    commit(src, {"data/big.yaml": "k: " + "v" * 5000 + "\n"}, "big old blob")
    commit(src, {"data/big.yaml": "k: small\n"}, "shrink")
    git(src, "config", "uploadpack.allowFilter", "true")
    git(src, "config", "uploadpack.allowAnySHA1InWant", "true")
    root = tmp_path / "partial"
    git(
        tmp_path,
        "clone",
        "-q",
        "--filter=blob:limit=1k",
        "--no-local",
        f"file://{src}",
        str(root),
    )
    return src, root


def case_partial_clone(tmp_path: Path) -> Case:
    _, root = _partial_clone(tmp_path)
    return Case(root)


CASES: dict[str, Callable[[Path], Case]] = {
    name[len("case_") :]: fn for name, fn in globals().items() if name.startswith("case_")
}


# the common contract --------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case_every_format(name: str, tmp_path: Path) -> None:
    """One scan per case writes every format (terminal on stdout, the others to files)."""
    case = CASES[name](tmp_path)
    out = tmp_path / "reports"
    out.mkdir()
    others = [f for f in formats() if f != "terminal"]
    if "--output" in scan_options():
        runs = [(["terminal", *others], _scan_all(case.root, out, others))]
    else:  # pragma: no cover - older CLI: one scan per format
        runs = [([f], scan_cli(case.root, f)) for f in formats()]
    for fmts, (run, elapsed) in runs:
        assert run.exit_code in case.exit_codes, (fmts, run.exit_code, run.stderr, run.stdout)
        assert elapsed < 90, f"{name} took {elapsed:.1f}s"
        assert not run.opened_outside, f"{name} opened outside the root: {run.opened_outside}"
        for argv, _cwd in run.spawned:
            assert argv.startswith("git "), argv
            assert "status" not in argv.split(), argv
        if run.exit_code == 3:
            lines = run.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("mlaudit: error: "), run.stderr
            assert run.stdout == ""
            continue
        texts = {"terminal" if len(fmts) > 1 else fmts[0]: run.stdout, "stderr": run.stderr}
        if len(fmts) > 1:
            texts.update({f: (out / f"report.{f}").read_text(encoding="utf-8") for f in others})
        for fmt, text in texts.items():
            for forbidden in case.forbidden:
                assert forbidden not in text, f"{name}/{fmt}: {forbidden!r} leaked into output"
            # no raw escape sequences or C0 controls besides newline/tab in any output (JSON
            # formats carry them escaped as \uXXXX, never raw)
            bad = {ch for ch in text if ord(ch) < 32 and ch not in "\n\t\r"}
            assert not bad, f"{name}/{fmt}: raw control characters {bad!r}"
        if "json" in texts:
            assert_sane_report(json.loads(texts["json"]))
            if case.unreadable:
                _assert_named(case)
        if "html" in texts:
            assert "<script>alert" not in texts["html"]


def _scan_all(root: Path, out: Path, others: list[str]) -> tuple[CliRun, float]:
    started = time.monotonic()
    outputs = [f"--output={f}={out / f'report.{f}'}" for f in others]
    run = scan_cli(root, "terminal", *outputs, allowed=(str(out),))
    return run, time.monotonic() - started


def _assert_named(case: Case) -> None:
    """The snapshot names every unreadable file (its problems), never silently skips it."""
    snap = open_worktree(case.root)
    for path in case.unreadable:
        _touch_views(snap, path)
    missing = {p for p in case.unreadable if p not in snap.problems}
    assert not missing, f"no problem recorded for {missing}: {snap.problems}"


def _touch_views(snap, path: str) -> None:  # type: ignore[no-untyped-def]
    if path.endswith(".ipynb"):
        snap.notebook(path)
    elif path.endswith(".py"):
        snap.python(path)
    elif path.endswith((".yaml", ".yml")):
        snap.yaml(path)
    elif path.endswith(".txt"):
        snap.requirements(path)
    else:
        snap.text(path)


# case-specific promises -----------------------------------------------------------------------
def test_symlink_escape_is_named_and_never_followed(tmp_path: Path) -> None:
    case = case_symlinks_out(tmp_path)
    snap = open_worktree(case.root)
    assert snap.text("requirements.txt") is None
    assert "outside the scan root" in (snap.problem("requirements.txt") or "")
    assert snap.yaml("params.yaml") is None
    obs = run_probe(snap, "deps_locked")
    assert obs.outcome.value in {"unknown", "error"}
    assert [e.path for e in obs.evidence] == ["requirements.txt"]
    assert "configs/secret.txt" not in snap.files  # a symlinked folder is not entered


def test_sparse_file_is_bounded(tmp_path: Path) -> None:
    case = case_sparse_2gib(tmp_path)
    snap = open_worktree(case.root)
    started = time.monotonic()
    assert snap.text("train.py") is None
    assert "larger than" in (snap.problem("train.py") or "")
    assert time.monotonic() - started < 2
    obs = run_probe(snap, "python_imports", modules=["numpy"])
    assert obs.outcome.value == "unknown"
    assert "train.py" in {e.path for e in obs.evidence}


def test_encodings_are_decoded_not_fatal(tmp_path: Path) -> None:
    case = case_bad_encodings(tmp_path)
    snap = open_worktree(case.root)
    reqs = snap.requirements("requirements.txt")
    assert reqs is not None and [r.name for r in reqs.requirements] == ["numpy", "pandas"]
    assert snap.toml("settings.toml") == {"tool": {"x": 1}}
    assert snap.yaml_docs("dvc.yaml")[0]["stages"]["train"]["cmd"] == "python train.py"
    assert snap.yaml_docs("config.yaml")[0]["lr"] == 0.1
    assert snap.yaml("params.yaml") is None
    assert snap.problem("params.yaml") == "binary file"


def test_yaml_attacks_refused_fast(tmp_path: Path) -> None:
    case = case_yaml_attacks(tmp_path)
    snap = open_worktree(case.root)
    started = time.monotonic()
    for path in ("params.yaml", ".gitlab-ci.yml", ".github/workflows/ci.yml", "recursive.yaml"):
        assert snap.yaml_docs(path) == []
        assert snap.problem(path), path
    assert snap.yaml_docs("config.yaml") == []
    assert "python/object" in (snap.problem("config.yaml") or "")
    assert snap.yaml_docs("conf/app.yml") == [] and snap.problem("conf/app.yml")
    assert snap.yaml_docs("dvc.yaml") == [] and snap.problem("dvc.yaml")
    _ = snap.ci_jobs
    assert time.monotonic() - started < 5
    assert not Path("/tmp/pwned-mlaudit").exists()


def test_huge_notebook_and_broken_notebooks(tmp_path: Path) -> None:
    case = case_notebooks(tmp_path)
    snap = open_worktree(case.root)
    assert snap.notebook("huge.ipynb") is None
    assert "larger than" in (snap.problem("huge.ipynb") or "")
    assert snap.notebook("broken.ipynb").error  # type: ignore[union-attr]
    assert snap.notebook("list.ipynb").error  # type: ignore[union-attr]
    weird = snap.notebook("weird.ipynb")
    assert weird is not None and weird.code_cells == 0
    obs = run_probe(snap, "python_imports", modules=["mlflow"])
    assert obs.outcome.value == "unknown"
    assert "huge.ipynb" in {e.path for e in obs.evidence}


def test_not_python_records_syntax_errors(tmp_path: Path) -> None:
    case = case_not_python(tmp_path)
    snap = open_worktree(case.root)
    for path in ("train.py", "deep.py", "unary.py", "lambda.py"):
        facts = snap.python(path)
        assert facts is not None and facts.syntax_error, path
        assert snap.problem(path), path
    # Python refuses a source with NUL bytes: a file that does not parse, as it runs
    nul = snap.python("nul.py")
    assert nul is not None and "null bytes" in (nul.syntax_error or "")
    assert "null bytes" in (snap.problem("nul.py") or "")


def test_huge_files_parse_in_bounded_time(tmp_path: Path) -> None:
    case = case_huge_line_counts(tmp_path)
    snap = open_worktree(case.root)
    started = time.monotonic()
    docker = snap.dockerfile("Dockerfile")
    assert docker is not None and docker.stages
    assert snap.dockerfile("docker/Dockerfile") is not None
    jobs = snap.ci_jobs
    assert any(j.system == "github" and len(j.commands) == 50_000 for j in jobs)
    assert snap.requirements("requirements.txt") is not None
    assert time.monotonic() - started < 30


def test_hostile_names_listed_escaped_and_read(tmp_path: Path) -> None:
    case = case_hostile_names(tmp_path)
    snap = open_worktree(case.root)
    assert "caf\\xe9.py" in snap.files
    assert snap.python("caf\\xe9.py").imported_modules() == {"torch"}  # type: ignore[union-attr]
    for name in HOSTILE_NAMES:
        assert name in snap.files, name
        assert snap.python(name) is not None
    run = scan_cli(case.root, "json")
    json.dumps(run.json())  # encodable
    terminal = scan_cli(case.root, "terminal", "--verbose")
    assert "\x1b" not in terminal.stdout


def test_plain_folder_non_utf8_names(tmp_path: Path) -> None:
    case = case_hostile_names_plain_folder(tmp_path)
    snap = open_worktree(case.root)
    assert "caf\\xe9.py" in snap.files
    assert snap.python("caf\\xe9.py").imported_modules() == {"torch"}  # type: ignore[union-attr]


def test_empty_and_detached(tmp_path: Path) -> None:
    for sub in "abc":
        (tmp_path / sub).mkdir()
    empty = open_worktree(case_empty_repo(tmp_path / "a").root)
    assert empty.files == [] and not empty.history.available
    staged = open_worktree(case_empty_repo_with_files(tmp_path / "b").root)
    assert staged.files == ["train.py"] and not staged.history.available
    detached = open_worktree(case_detached_head(tmp_path / "c").root)
    assert detached.git is not None and detached.git.branch is None
    assert detached.git.commit and detached.history.commit_count == 1


def test_submodule_not_followed(tmp_path: Path) -> None:
    case = case_submodule(tmp_path)
    snap = open_worktree(case.root)
    assert not any(p.startswith("vendor/sub/") for p in snap.files)
    assert "vendor/sub" not in snap.files
    assert ".gitmodules" in snap.files


def test_bare_repository_exit_3_one_line(tmp_path: Path) -> None:
    run = scan_cli(case_bare(tmp_path).root, "terminal")
    assert run.exit_code == 3
    assert run.stderr.count("\n") == 1 and "work tree" in run.stderr


def test_shallow_clone_history_unknown(tmp_path: Path) -> None:
    case = case_shallow(tmp_path)
    snap = open_worktree(case.root)
    assert snap.git is not None and snap.git.shallow
    assert not snap.history.available and "shallow" in snap.history.reason
    assert run_probe(snap, "git_history", min_commits=1).outcome.value == "unknown"
    report = scan_cli(case.root, "json").json()
    assert report["target"]["shallow"] is True
    assert any("shallow" in n for n in report["target"]["notes"])


def _object_state(repo: Path) -> tuple[str, str]:
    missing = git(repo, "rev-list", "--objects", "--all", "--missing=print")
    counts = git(repo, "count-objects", "-v")
    return missing, counts


def test_partial_clone_never_fetches(tmp_path: Path) -> None:
    src, root = _partial_clone(tmp_path)
    before = _object_state(root)
    assert "?" in before[0], "the old big blob should be missing from the partial clone"
    # make the promisor unreachable too: any lazy fetch would now fail loudly or hang
    os.rename(src, tmp_path / "gone")
    snap = open_worktree(root)
    assert snap.git is not None and snap.git.partial_clone
    assert snap.history.available and snap.history.commit_count == 3
    run = scan_cli(root, "json")
    assert run.exit_code in (0, 1)
    assert _object_state(root) == before
    assert any("partial clone" in n for n in run.json()["target"]["notes"])


def test_lazy_fetch_disabled_in_git_env() -> None:
    from mlaudit.repo.git import git_env

    env = git_env()
    assert env["GIT_NO_LAZY_FETCH"] == "1"
    assert env["GIT_OPTIONAL_LOCKS"] == "0"
    assert env["GIT_ALLOW_PROTOCOL"] == "none"


def test_repository_modified_during_scan(tmp_path: Path) -> None:
    """A tree that changes under the scan: files appear, vanish, turn into symlinks."""
    import threading

    files: dict[str, str | bytes] = {f"pkg/m{i}.py": f"import numpy as np{i}\n" for i in range(300)}
    files["requirements.txt"] = "numpy==1\n"
    root = make_repo(tmp_path / "repo", files)
    secret = _outside_secret(tmp_path)
    stop = threading.Event()

    def churn() -> None:
        i = 0
        while not stop.is_set():
            target = root / f"pkg/m{i % 300}.py"
            try:
                if i % 3 == 0:
                    target.unlink()
                    target.symlink_to(secret)
                elif i % 3 == 1:
                    target.unlink()
                else:
                    target.write_text("import os\n")
                (root / f"new{i % 50}.py").write_text("x = 1\n")
            except OSError:
                pass
            i += 1

    worker = threading.Thread(target=churn, daemon=True)
    worker.start()
    try:
        for fmt in ("json", "terminal"):
            run = scan_cli(root, fmt)
            assert run.exit_code in (0, 1), run.stderr
            assert SECRET not in run.stdout
        # Which paths were *opened* is racy to check from outside (a name resolved inside the
        # root may be a symlink a moment later); what matters is that no byte of the outside
        # file is ever read: the source opens resolved paths with O_NOFOLLOW and checks
        # where the open file descriptor really is.
        for _ in range(5):
            snap = open_worktree(root)
            for path in snap.files:
                assert SECRET not in (snap.text(path) or ""), path
    finally:
        stop.set()
        worker.join()


def test_partial_clone_ref_scan_names_missing_blobs(tmp_path: Path) -> None:
    """`scan --ref` of a commit whose blobs were filtered out: the listing still works (no
    `ls-tree -l`, which needs every blob), the missing file is named, the others are read,
    and nothing is fetched."""
    if "--ref" not in scan_options():
        pytest.skip("scan --ref not available")
    from mlaudit.repo.gitref import open_gitref

    src, root = _partial_clone(tmp_path)
    os.rename(src, tmp_path / "gone")
    before = _object_state(root)
    snap = open_gitref(root, "HEAD~1")
    assert snap.files == ["data/big.yaml", "train.py"]
    assert snap.text("data/big.yaml") is None
    assert "missing" in (snap.problem("data/big.yaml") or "")
    assert snap.text("train.py") == "import torch\n"  # one missing blob does not stop reads
    run = scan_cli(root, "json", "--ref", "HEAD~1")
    assert run.exit_code in (0, 1), run.stderr
    named = {(r["outcome"], e["path"]) for r in run.json()["results"] for e in r["evidence"]}
    assert any(path == "data/big.yaml" and o in {"unknown", "error"} for o, path in named)
    assert _object_state(root) == before
