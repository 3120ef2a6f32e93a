#!/usr/bin/env python3
"""Benchmark a cold `mlaudit scan --format json` against the floors, in the same run.

floor   = the interpreter importing the stack (typer, rich, pydantic, yaml, jinja2)
        + `git ls-files` + `git log --name-only` (what any scan must at least ask)
content = floor + every tracked file read once (`git ls-files -z | xargs -0 cat`, submodules aside)
        + `git log --all -p -U0` (every byte the scan must inspect, history included)
stack   = content, with the import replaced by the smallest command-line program on the same
        stack: a typer command with one option that validates one pydantic model. `import
        pydantic` alone is lazy (pydantic 2 loads its modules at first use), and typer (0.29,
        installed here) builds a pydantic validator for every option it parses, so the import understates what
        any typer + pydantic program pays before it does any work; the difference is reported,
        not hidden: both ratios are printed.

Targets: issue #2, scan ≤ 2 × floor and ≤ 150 MiB on the generated repository; issue #12, a
cold scan ≤ 2 × content on real repositories and ≤ 3 × content at 10k and 100k files.

    python benchmarks/bench_scan.py                       # generated repo: 1,000 files, 1,000 commits
    python benchmarks/bench_scan.py --real /path/to/repo  # also one (or more) real repositories
    python benchmarks/bench_scan.py --no-generated --real A --real B --runs 3
    python benchmarks/bench_scan.py --files 5000 --commits 3000 --runs 5 --json out.json

The scan runs with the on-disk cache off (MLAUDIT_NO_CACHE=1: cold), after mlaudit is
byte-compiled as pip installs it. "first" is the first scan of the repository on a machine
where mlaudit has run before: a cache holding only mlaudit's own derived files (the validated
rubric, the compiled regular expressions: like the byte-compiled modules, they depend on
mlaudit and Python, never on a repository), nothing of this repository (a fresh copy per run). The generated repository is built with `git fast-import`
(seconds, not minutes) in a temporary folder and removed afterwards unless --keep. Times are
the median of --runs runs (after one warm-up run that fills the OS cache), wall and CPU (user +
system of the command and its children); peak memory is the maximum resident set size of the
scan process and its children (resource.getrusage(RUSAGE_CHILDREN) of a fresh wrapper).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
# every tracked file read once: a submodule (mode 160000) is a commit, not a file, and `cat`
# of its folder fails (facebookresearch/fairseq2 native/third-party/*)
READ_TRACKED_FILES = "git ls-files -z -s | grep -zv '^160000' | cut -z -f2- | xargs -0 -r cat"
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}

# The smallest program on mlaudit's stack (see "stack" above): one option parsed, one model
# validated, a YAML document and a template rendered, rich imported.
STACK_PROGRAM = """
import typer, rich, pydantic, yaml, jinja2
import rich.console

app = typer.Typer(add_completion=False)


class Row(pydantic.BaseModel):
    path: str


@app.command()
def main(path: str = ".") -> None:
    Row.model_validate(yaml.safe_load(f"path: {path}"))
    jinja2.Template("{{ path }}").render(path=path)


app()
"""

# --- a synthetic but ML-shaped repository -------------------------------------------------

PY_TEMPLATE = '''"""Module {i} of the synthetic project."""

import json
import os

import numpy as np
import pandas as pd
{extra}

SEED = {i}


def transform_{i}(frame: pd.DataFrame) -> pd.DataFrame:
    np.random.seed(SEED)
    out = frame.copy()
    out["x_{i}"] = out["x"] * {i} + np.random.rand(len(out))
    return out


def load_{i}(path: str) -> dict:
    with open(os.path.join(path, "part-{i}.json")) as f:
        return json.load(f)
'''
EXTRAS = [
    "import mlflow",
    "from sklearn.ensemble import RandomForestClassifier",
    "import torch",
    "from fastapi import FastAPI",
    "",
    "",
]
TEST_TEMPLATE = """import numpy as np

from pkg.mod_{j:04d} import transform_{j}


def test_transform_{j}():
    assert np.isfinite({j})
"""
STATIC_FILES = {
    "README.md": "# synthetic\n\n## Installation\n\n```\npip install -r requirements.txt\n```\n",
    "requirements.txt": "numpy==1.26.4\npandas==2.2.2\nscikit-learn==1.4.2\nmlflow==2.12.2\n",
    "pyproject.toml": '[project]\nname = "synthetic"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n',
    "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"
    'USER 1000\nCMD ["python", "-m", "pkg.serve"]\n',
    "dvc.yaml": "stages:\n  train:\n    cmd: python -m pkg.train\n    deps: [data/raw]\n"
    "    outs: [models/model.pkl]\n    metrics: [{metrics.json: {cache: false}}]\n",
    "params.yaml": "train:\n  lr: 0.1\n  depth: 6\n",
    ".github/workflows/ci.yml": "on: [pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt\n"
    "      - run: pytest -q\n",
    "k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n"
    "spec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: api\n"
    "          image: api:1\n",
}


def file_content(path: str, version: int) -> bytes:
    if path in STATIC_FILES:
        return (STATIC_FILES[path] + ("" if version == 0 else f"# rev {version}\n")).encode()
    name = Path(path).name
    if path.startswith("pkg/"):
        i = int(name[4:8])
        text = PY_TEMPLATE.format(i=i, extra=EXTRAS[i % len(EXTRAS)])
    elif path.startswith("tests/"):
        i = int(name[4:8])
        text = TEST_TEMPLATE.format(j=i - i % 10)
    elif path.startswith("configs/"):
        text = f"model:\n  name: m{name}\n  layers: [64, 32]\n  lr: 0.01\nrevision: {version}\n"
    elif path.startswith("notebooks/"):
        text = json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {},
                        "outputs": [],
                        "execution_count": None,
                        "source": [
                            "import pandas as pd\n",
                            f"df = pd.read_csv('d{version}.csv')\n",
                        ],
                    },
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    else:
        text = f"# {path}\n\nRevision {version}.\n" + "lorem ipsum dolor sit amet\n" * 20
    if version and not path.startswith("notebooks/"):
        text += f"\n# rev {version}\n"
    return text.encode()


def plan_files(n_files: int) -> list[str]:
    paths = list(STATIC_FILES)
    i = 0
    while len(paths) < n_files:
        kind = i % 10
        if kind < 5:
            paths.append(f"pkg/mod_{i:04d}.py")
        elif kind < 7:
            paths.append(f"tests/test{i:04d}_mod.py")
        elif kind == 7:
            paths.append(f"configs/exp_{i:04d}.yaml")
        elif kind == 8:
            paths.append(f"docs/page_{i:04d}.md")
        else:
            paths.append(f"notebooks/nb_{i:04d}.ipynb")
        i += 1
    return paths[:n_files]


def generate_repo(root: Path, n_files: int, n_commits: int, seed: int = 0) -> None:
    """A repository whose HEAD has n_files files, built in n_commits commits by fast-import."""
    rnd = random.Random(seed)
    paths = plan_files(n_files)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=GIT_ENV)
    # Spread the additions over the first commits; the rest modify existing files.
    adds_per_commit = max(1, -(-n_files // max(1, n_commits // 2)))
    added: list[str] = []
    versions: dict[str, int] = {}
    stream: list[bytes] = []
    t0 = 1_700_000_000
    for c in range(n_commits):
        changes: list[str] = []
        pending = paths[len(added) : len(added) + adds_per_commit]
        if pending:
            changes += pending
            added += pending
        if added and (not pending or rnd.random() < 0.3):
            changes += rnd.sample(added, k=min(len(added), rnd.randint(1, 3)))
        message = f"change {c}" + (f" (#{c})" if c % 7 == 0 else "")
        stamp = t0 + c * 3600
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"committer bench <bench@example.com> {stamp} +0000\n".encode())
        data = message.encode()
        stream.append(f"data {len(data)}\n".encode() + data + b"\n")
        for path in dict.fromkeys(changes):
            version = versions.get(path, -1) + 1
            versions[path] = version
            blob = file_content(path, version)
            stream.append(f"M 100644 inline {path}\n".encode())
            stream.append(f"data {len(blob)}\n".encode() + blob + b"\n")
        stream.append(b"\n")
        if c in (n_commits // 3, 2 * n_commits // 3, n_commits - 1):
            tag = f"v0.{c}.0"
            stream.append(f"reset refs/tags/{tag}\nfrom refs/heads/main\n\n".encode())
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"],
        input=b"".join(stream),
        check=True,
        env=GIT_ENV,
    )
    subprocess.run(
        ["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True, env=GIT_ENV
    )
    tracked = subprocess.run(
        ["git", "-C", str(root), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    count = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert len(tracked) == n_files, (len(tracked), n_files)
    assert int(count) == n_commits, (count, n_commits)


# --- measuring ------------------------------------------------------------------------------

WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "elapsed = time.perf_counter() - t\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.write(p.stderr.decode(errors='replace')[-2000:])\n"
    "print(p.returncode, elapsed, ru.ru_utime + ru.ru_stime, ru.ru_maxrss)\n"
)


def measure(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS KiB) of one run of cmd in a fresh wrapper process.

    CPU time (user + system of the command and its children, e.g. git) is reported next to
    wall time because wall time is meaningless on a loaded machine."""
    out = subprocess.run(
        [PY, "-c", WRAPPER, *cmd], capture_output=True, text=True, cwd=cwd, check=True
    )
    code, elapsed, cpu, rss = out.stdout.split()
    if int(code) not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {out.stderr.strip()[-500:]}")
    return float(elapsed), float(cpu), int(rss)


def median_time(cmd: list[str], runs: int, cwd: Path | None = None) -> tuple[float, float, int]:
    """Median wall and CPU seconds over `runs` runs (after a warm-up), and the peak RSS."""
    measure(cmd, cwd)  # warm-up: OS cache, .pyc files
    samples = [measure(cmd, cwd) for _ in range(runs)]
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        max(s[2] for s in samples),
    )


def byte_compile() -> None:
    """Byte-compile mlaudit as `pip install` does, so start-up is measured as users have it
    (an editable checkout run with PYTHONDONTWRITEBYTECODE=1 would recompile every module on
    every run and charge the scan for it)."""
    import mlaudit

    subprocess.run(
        [PY, "-m", "compileall", "-q", str(Path(mlaudit.__file__).parent)],
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )


def mlaudit_cmd() -> list[str]:
    exe = shutil.which("mlaudit", path=str(Path(PY).parent))
    return [exe] if exe else [PY, "-m", "mlaudit"]


PROGRAM_CACHES = ("rubrics-v", "regex-v")  # mlaudit's own derived files in its cache


def program_cache(repo: Path, folder: Path) -> Path:
    """A cache folder holding only mlaudit's own derived files: written by one scan of
    `repo`, then stripped of everything that scan stored about the repository."""
    env = {**os.environ, "MLAUDIT_CACHE_DIR": str(folder), "MLAUDIT_NO_PROGRESS": "1"}
    env.pop("MLAUDIT_NO_CACHE", None)
    subprocess.run(
        [*mlaudit_cmd(), "scan", str(repo), "--format", "json"],
        env=env,
        capture_output=True,
        check=False,
    )
    for entry in folder.iterdir():
        if not entry.name.startswith(PROGRAM_CACHES):
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    return folder


def first_scan_time(repo: Path, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of a first scan of `repo` (see the module's docstring)."""
    work = Path(tempfile.mkdtemp(prefix="mlaudit-bench-first-"))
    try:
        programs = program_cache(repo, work / "programs")
        samples = []
        for i in range(runs + 1):  # the first: warm-up
            cache = work / f"run{i}"
            shutil.copytree(programs, cache)
            cmd = [
                "env",
                f"MLAUDIT_CACHE_DIR={cache}",
                "--unset=MLAUDIT_NO_CACHE",
                *mlaudit_cmd(),
                "scan",
                str(repo),
                "--format",
                "json",
            ]
            samples.append(measure(cmd))
        samples = samples[1:]
        return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench(repo: Path, runs: int, label: str) -> dict[str, object]:
    imports = [PY, "-c", "import typer, rich, pydantic, yaml, jinja2"]
    stack_program = [PY, "-c", STACK_PROGRAM, "--path", str(repo)]
    ls_files = ["git", "-C", str(repo), "ls-files", "-z"]
    log = ["git", "-C", str(repo), "log", "--name-only", "--format=%H%x1f%at%x1f%ae%x1f%s"]
    cat = ["bash", "-c", f"cd {shlex.quote(str(repo))} && {READ_TRACKED_FILES}"]
    patches = ["git", "-C", str(repo), "log", "--all", "-p", "-U0"]
    # cold: the on-disk cache off (a warm cache would answer from a stored result)
    scan = ["env", "MLAUDIT_NO_CACHE=1", *mlaudit_cmd(), "scan", str(repo), "--format", "json"]
    t_import, c_import, _ = median_time(imports, runs)
    t_stack, _, _ = median_time(stack_program, runs)
    t_ls, c_ls, _ = median_time(ls_files, runs)
    t_log, c_log, _ = median_time(log, runs)
    t_cat, c_cat, _ = median_time(cat, runs)
    t_patches, c_patches, _ = median_time(patches, runs)
    t_scan, c_scan, rss = median_time(scan, runs)
    t_first, c_first = first_scan_time(repo, runs)
    floor = t_import + t_ls + t_log
    cpu_floor = c_import + c_ls + c_log
    content = floor + t_cat + t_patches
    cpu_content = cpu_floor + c_cat + c_patches
    stack = content - t_import + t_stack
    files = subprocess.run(ls_files, capture_output=True, check=True).stdout.count(b"\0")
    commits = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {
        "repository": label,
        "files": files,
        "commits": int(commits),
        "floor_import_s": round(t_import, 3),
        "floor_ls_files_s": round(t_ls, 3),
        "floor_log_s": round(t_log, 3),
        "floor_s": round(floor, 3),
        "content_floor_s": round(content, 3),
        "scan_s": round(t_scan, 3),
        "ratio": round(t_scan / floor, 2),
        "content_ratio": round(t_scan / content, 2),
        "first_s": round(t_first, 3),
        "first_content_ratio": round(t_first / content, 2),
        "stack_program_s": round(t_stack, 3),
        "stack_floor_s": round(stack, 3),
        "first_stack_ratio": round(t_first / stack, 2),
        "cpu_first_s": round(c_first, 3),
        "cpu_first_content_ratio": round(c_first / cpu_content, 2) if cpu_content else None,
        "cpu_floor_s": round(cpu_floor, 3),
        "cpu_content_floor_s": round(cpu_content, 3),
        "cpu_scan_s": round(c_scan, 3),
        "cpu_ratio": round(c_scan / cpu_floor, 2) if cpu_floor else None,
        "cpu_content_ratio": round(c_scan / cpu_content, 2) if cpu_content else None,
        "peak_mib": round(rss / 1024, 1),
    }


def render(rows: list[dict[str, object]]) -> str:
    head = (
        f"{'repository':<34} {'files':>6} {'commits':>7} {'floor':>6} {'content':>7} "
        f"{'scan':>6} {'ratio':>6} {'c-ratio':>7} {'cpu scan':>8} {'cpu ratio':>9} "
        f"{'cpu c-ratio':>11} {'first':>6} {'f-ratio':>7} {'stack':>6} {'fs-ratio':>8} "
        f"{'peak MiB':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{str(r['repository'])[:34]:<34} {r['files']:>6} {r['commits']:>7} "
            f"{r['floor_s']:>6.3f} {r['content_floor_s']:>7.3f} {r['scan_s']:>6.3f} "
            f"{r['ratio']:>6.2f} {r['content_ratio']:>7.2f} {r['cpu_scan_s']:>8.3f} "
            f"{r['cpu_ratio']:>9.2f} {r['cpu_content_ratio']:>11.2f} {r['first_s']:>6.3f} "
            f"{r['first_content_ratio']:>7.2f} {r['stack_floor_s']:>6.3f} "
            f"{r['first_stack_ratio']:>8.2f} {r['peak_mib']:>8.1f}"
        )
    lines.append(
        "floor = start-up + ls-files + log --name-only; content = floor + every tracked file "
        "read + log --all -p -U0; scan: cache off; first: a first scan of the repository "
        "(only mlaudit's own derived files cached); stack = content with the import replaced by "
        "the smallest typer + pydantic program (fs-ratio = first / stack).\ntargets (#12): cold scan ≤ 2× content on real "
        "repositories, ≤ 3× at 10k/100k files; times in seconds"
    )
    return "\n".join(lines)


def generated_row(args: argparse.Namespace) -> dict[str, object]:
    tmp = None
    if args.keep:
        target = args.keep
        if target.exists():
            shutil.rmtree(target)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="mlaudit-bench-"))
        target = tmp / "synthetic"
    try:
        t = time.perf_counter()
        generate_repo(target, args.files, args.commits)
        print(
            f"generated {args.files} files / {args.commits} commits in "
            f"{time.perf_counter() - t:.1f}s",
            file=sys.stderr,
        )
        return bench(target, args.runs, f"generated {args.files}f/{args.commits}c")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument("--real", type=Path, action="append", default=[], help="a real repository")
    parser.add_argument("--keep", type=Path, help="build the generated repo here and keep it")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--no-generated", action="store_true", help="only the --real repositories")
    args = parser.parse_args(argv)
    byte_compile()

    rows = []
    if not args.no_generated:
        rows.append(generated_row(args))
    for real in args.real:
        try:
            rows.append(bench(real.resolve(), args.runs, real.resolve().name))
        except RuntimeError as exc:  # e.g. a snapshot whose history misses blobs
            print(f"skipped {real}: {exc}", file=sys.stderr)
            continue
        print(render(rows[-1:]).splitlines()[-3], file=sys.stderr, flush=True)
    print(render(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
