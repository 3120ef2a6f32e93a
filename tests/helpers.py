"""Test helpers: build real git repositories (or plain folders) in temporary folders."""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from mlaudit.probes.registry import get_probe
from mlaudit.repo.snapshot import Snapshot
from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Observation
from mlaudit.rubric.model import Rubric

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def git(repo: Path, *args: str, date: str = "2024-01-01T12:00:00Z") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_repo(
    root: Path,
    files: Mapping[str, str | bytes] | None = None,
    *,
    message: str = "initial commit",
    git_init: bool = True,
) -> Path:
    """Write files and commit them (one commit). Call `commit()` for more history."""
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files or {})
    if git_init:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", message)
    return root


def commit(
    root: Path,
    files: Mapping[str, str | bytes],
    message: str,
    *,
    date: str = "2024-01-02T12:00:00Z",
) -> None:
    write_files(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, date=date)


def snapshot(
    root: Path, files: Mapping[str, str | bytes] | None = None, *, git_init: bool = True
) -> Snapshot:
    make_repo(root, files, git_init=git_init)
    return open_worktree(root)


def run_probe(snap: Snapshot, name: str, **params: object) -> Observation:
    spec = get_probe(name)
    assert spec is not None, f"no probe {name}"
    return spec.fn(snap, spec.params.model_validate(params))


EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"


def load_expected(example: str | Path) -> dict:
    """examples/<name>/expected.yaml (format: docs in tests/test_examples.py)."""
    import yaml

    root = example if isinstance(example, Path) else EXAMPLES_DIR / example
    with (root / "expected.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _copy_tree(src: Path, dest: Path, only: list[str] | None = None) -> None:
    import shutil

    paths = (
        [src / rel for rel in only]
        if only is not None
        else [p for p in sorted(src.rglob("*")) if p.is_file()]
    )
    for path in paths:
        rel = path.relative_to(src)
        if rel.as_posix() == "expected.yaml" or "__pycache__" in rel.parts:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def replay_example(src: Path, dest: Path) -> Path:
    """Make `dest` a real git repository holding example `src` with the history its
    expected.yaml describes: each `history` step writes `add` (files copied from the example)
    and `files` (inline contents), commits with its message/date and optional `tag`; then the
    example as it is becomes the `final` commit (files not in the example are removed), tagged
    with `final.tags`. expected.yaml itself is never copied."""
    import shutil

    spec = load_expected(src)
    dest.mkdir(parents=True, exist_ok=True)
    git(dest, "init", "-q")
    for step in spec.get("history") or []:
        _copy_tree(src, dest, list(step.get("add") or []))
        write_files(dest, step.get("files") or {})
        git(dest, "add", "-A")
        date = str(step.get("date", "2024-01-01T12:00:00Z"))
        git(dest, "commit", "-q", "--allow-empty", "-m", step["message"], date=date)
        if step.get("tag"):
            git(dest, "tag", "-a", step["tag"], "-m", step["tag"], date=date)
    for child in dest.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    _copy_tree(src, dest)
    final = spec.get("final") or {}
    date = str(final.get("date", "2024-06-01T12:00:00Z"))
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "--allow-empty", "-m", final.get("message", "example"), date=date)
    for tag in final.get("tags") or []:
        git(dest, "tag", "-a", tag, "-m", tag, date=date)
    return dest


@functools.lru_cache(maxsize=1)
def _default_rubric() -> Rubric:
    from mlaudit.rubric.load import load_rubric

    return load_rubric().rubric


def run_rubric_check(snap: Snapshot, name: str) -> Observation:
    """Run the default rubric's check `name` (slug or id) with its YAML params, as a scan does."""
    from mlaudit.scoring import run_check

    found = _default_rubric().find(name)
    assert found is not None, f"no check {name} in the default rubric"
    return run_check(snap, found[1])


# the same helper under the name the probe tests of the Testing/Automation/Documentation/
# Structure checks use
run_check = run_rubric_check

# The training checks apply only to a repository that trains (probe trains_models, tested in
# tests/probes/test_training_precondition.py). The check tables' fixtures are of repositories
# that train: each gets a training script that nothing calls, so a fixture tests the check's
# own logic whatever else it holds.
TRAINING_SCRIPT = {"run_training.sh": "python -m model.train\n"}


def training_repo(files: Mapping[str, str | bytes]) -> dict[str, str | bytes]:
    return {**TRAINING_SCRIPT, **files}


def git_children(parent: int | None = None) -> list[int]:
    """Process ids of git processes whose parent is `parent` (default: this process)."""
    parent = os.getpid() if parent is None else parent
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        if ppid == parent and name.startswith("git"):
            found.append(int(entry))
    return found


# a published workflow tool: no training, no model loaded, no data read — its model and data
# artifacts have no applicable item
WORKFLOW_TOOL = {
    "pyproject.toml": '[project]\nname = "flowlib"\nversion = "1.0"\n',
    "src/flowlib/__init__.py": "",
    "src/flowlib/graph.py": "def order(steps):\n    return sorted(steps)\n",
    "tests/test_graph.py": "from flowlib.graph import order\n\n"
    "def test_order():\n    assert order([2, 1]) == [1, 2]\n",
}

# CI that runs the tests on every change: feature, model and pipeline tests count in full
CI_RUNS_PYTEST = {
    ".github/workflows/test.yml": "on: [push, pull_request]\njobs:\n  t:\n    runs-on: x\n"
    "    steps:\n      - run: pytest\n"
}

# checks of a model's serving life apply where the repository has a model of its own (a
# serving wrapper with no model has none): tables about what they detect give them one
SERVED_MODEL_CHECKS = {
    "model-pinned-in-serving",
    "model-durable",
    "model-served-by-uri",
    "model-io-contract",
    "quality-monitor",
    "staleness",
    "optimized-runtime",
    "edge-export",
}
A_MODEL = {"weights/model.onnx": b"onnx"}


def with_a_model(check: str, files: Mapping[str, str | bytes]) -> dict[str, str | bytes]:
    return {**A_MODEL, **files} if check in SERVED_MODEL_CHECKS else dict(files)
