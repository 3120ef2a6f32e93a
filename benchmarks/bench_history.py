#!/usr/bin/env python3
"""History and cache benchmark on the generated repository (issue #12).

    python benchmarks/bench_history.py                    # 1,000 files, 1,000 commits, 20 tags
    python benchmarks/bench_history.py --runs 3 --json out.json --keep /tmp/hrepo

Measured in one run, median of --runs (after a warm-up), wall and CPU seconds:
- scan: `mlaudit scan --format json REPO` with the cache off (MLAUDIT_NO_CACHE=1); and
  the first scan of the repository where mlaudit has run before (only mlaudit's own derived
  files cached: the validated rubric and compiled regular expressions, see bench_scan.py);
- history of the 20 tags (`history --tags --format json`) and of the last 200 first-parent
  commits (`history --last 200`), cache off: targets ≤ 3× and ≤ 10× one scan. Each is
  measured in one process (`--jobs 1`: the CPU cost) and with the default `--jobs` (the
  CPUs: the wall time a user waits for; CPU seconds then add up every worker's);
- the floors: plain = `python -c 'import typer, rich, pydantic, yaml, jinja2'` + `git ls-files`
  + `git log --name-only`; content = plain's import + every tracked file read once
  (`git ls-files -z | xargs -0 cat`) + `git log --all -p -U0` + `git log --name-only`;
- cache: a cold scan with an empty cache, a warm re-scan of the same commit (target ≤ 1.5×
  the plain floor) and a scan of the next commit with one file changed (target ≤ 2×).
The repository is generated with bench_scan.generate_repo (git fast-import) and tagged v1.0.0 …
v1.19.0 at evenly spaced commits; the generator's own tags are deleted, so exactly 20 tags. The cache lives in a temporary MLAUDIT_CACHE_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scan import (
    GIT_ENV,
    PY,
    READ_TRACKED_FILES,
    WRAPPER,
    byte_compile,
    first_scan_time,
    generate_repo,
    mlaudit_cmd,
)


def measure(cmd: list[str], env: dict[str, str], shell: bool = False) -> tuple[float, float]:
    """(wall s, CPU s) of one run in a fresh wrapper (CPU = user+sys of the command tree)."""
    argv = ["bash", "-c", cmd[0]] if shell else cmd
    out = subprocess.run(
        [PY, "-c", WRAPPER, *argv], capture_output=True, text=True, env=env, check=True
    )
    code, elapsed, cpu, _ = out.stdout.split()
    if int(code) not in (0, 1):
        raise RuntimeError(f"{cmd} exited {code}: {out.stderr[-500:]}")
    return float(elapsed), float(cpu)


def median(
    cmd: list[str], env: dict[str, str], runs: int, shell: bool = False
) -> tuple[float, float]:
    measure(cmd, env, shell)
    samples = [measure(cmd, env, shell) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def tag_evenly(repo: Path, count: int) -> None:
    """Exactly `count` tags, v1.0.0 … at evenly spaced first-parent commits: the generator's
    own v0.N.0 tags are deleted first, so that `history --tags` audits the `count` points
    the target names (with them it audited 22 tag names on 21 commits, in an order that
    went back to 100 files after 1,000)."""
    existing = subprocess.run(
        ["git", "-C", str(repo), "tag", "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    stale = [tag for tag in existing if tag not in {f"v1.{i}.0" for i in range(count)}]
    if stale:
        subprocess.run(
            ["git", "-C", str(repo), "tag", "-d", *stale],
            check=True,
            env=GIT_ENV,
            capture_output=True,
        )
    commits = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--first-parent", "--reverse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    step = len(commits) / count
    for i in range(count):
        sha = commits[min(len(commits) - 1, round((i + 1) * step) - 1)]
        subprocess.run(
            ["git", "-C", str(repo), "tag", "-f", f"v1.{i}.0", sha],
            check=True,
            env=GIT_ENV,
            capture_output=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--tags", type=int, default=20)
    parser.add_argument("--last", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    parser.add_argument(
        "--jobs", type=int, help="history workers of the parallel runs (default: the CPUs)"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    byte_compile()
    work = Path(tempfile.mkdtemp(prefix="mlaudit-bench-history-"))
    repo = args.keep or work / "repo"
    if not (repo / ".git").is_dir():
        generate_repo(repo, args.files, args.commits)
    tag_evenly(repo, args.tags)
    cache_dir = work / "cache"
    base_env = {**os.environ, "MLAUDIT_CACHE_DIR": str(cache_dir), "MLAUDIT_NO_PROGRESS": "1"}
    off = {**base_env, "MLAUDIT_NO_CACHE": "1"}
    ml = mlaudit_cmd()
    r = str(repo)
    results: dict[str, float] = {}

    def record(name: str, value: tuple[float, float]) -> None:
        results[f"{name}_s"], results[f"{name}_cpu_s"] = round(value[0], 3), round(value[1], 3)
        print(f"{name:<24} {value[0]:8.3f} s wall {value[1]:8.3f} s cpu", flush=True)

    imports = [PY, "-c", "import typer, rich, pydantic, yaml, jinja2"]
    record("import", median(imports, off, args.runs))
    record("ls_files", median(["git", "-C", r, "ls-files", "-z"], off, args.runs))
    record("log_names", median(["git", "-C", r, "log", "--name-only"], off, args.runs))
    record(
        "cat_files",
        median([f"cd {r} && {READ_TRACKED_FILES} > /dev/null"], off, args.runs, shell=True),
    )
    record("log_patches", median(["git", "-C", r, "log", "--all", "-p", "-U0"], off, args.runs))
    plain = results["import_s"] + results["ls_files_s"] + results["log_names_s"]
    content = plain + results["cat_files_s"] + results["log_patches_s"]
    plain_cpu = results["import_cpu_s"] + results["ls_files_cpu_s"] + results["log_names_cpu_s"]
    content_cpu = plain_cpu + results["cat_files_cpu_s"] + results["log_patches_cpu_s"]
    record("scan", median([*ml, "scan", r, "--format", "json"], off, args.runs))
    # the first scan of this repository where mlaudit has run before (bench_scan.py)
    record("scan_first", first_scan_time(repo, args.runs))
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    jobs = args.jobs or (len(cpus) if cpus else os.cpu_count() or 1)  # as mlaudit's default
    print(f"history workers (--jobs) of the parallel runs: {jobs}", flush=True)
    tags = [*ml, "history", r, "--tags", "--format", "json"]
    last = [*ml, "history", r, "--last", str(args.last), "--format", "json"]
    last_runs = 1 if args.runs < 3 else args.runs
    record("history_tags", median([*tags, "--jobs", "1"], off, args.runs))
    record("history_tags_jobs", median([*tags, "--jobs", str(jobs)], off, args.runs))
    record("history_last", median([*last, "--jobs", "1"], off, last_runs))
    record("history_last_jobs", median([*last, "--jobs", str(jobs)], off, last_runs))
    # cache: cold (empty), warm (same commit), next commit with one file changed
    cold = []
    for _ in range(args.runs):
        shutil.rmtree(cache_dir, ignore_errors=True)
        cold.append(measure([*ml, "scan", r, "--format", "json"], base_env))
    record(
        "scan_cache_cold",
        (statistics.median(c[0] for c in cold), statistics.median(c[1] for c in cold)),
    )
    record("scan_cache_warm", median([*ml, "scan", r, "--format", "json"], base_env, args.runs))
    changed = []
    for i in range(args.runs):
        measure([*ml, "scan", r, "--format", "json"], base_env)  # warm on the current commit
        # a new file each time, also when a kept repository already holds earlier runs' files
        target = repo / "src" / f"bench_change_{time.time_ns()}.py"
        target.parent.mkdir(exist_ok=True)
        target.write_text(f"VALUE = {i}\n")
        subprocess.run(["git", "-C", r, "add", "-A"], check=True, env=GIT_ENV)
        subprocess.run(
            ["git", "-C", r, "commit", "-q", "-m", f"bench change {i}"], check=True, env=GIT_ENV
        )
        changed.append(measure([*ml, "scan", r, "--format", "json"], base_env))
    record(
        "scan_next_commit",
        (statistics.median(c[0] for c in changed), statistics.median(c[1] for c in changed)),
    )
    ratios = {}
    for name in ("history_tags", "history_last", "history_tags_jobs", "history_last_jobs"):
        for unit in ("s", "cpu_s"):
            suffix = "" if unit == "s" else "_cpu"
            ratios[f"{name}_over_scan{suffix}"] = round(
                results[f"{name}_{unit}"] / results[f"scan_{unit}"], 2
            )
    ratios |= {
        "scan_over_content_floor": round(results["scan_s"] / content, 2),
        "scan_over_content_floor_cpu": round(results["scan_cpu_s"] / content_cpu, 2),
        "first_over_content_floor": round(results["scan_first_s"] / content, 2),
        "first_over_content_floor_cpu": round(results["scan_first_cpu_s"] / content_cpu, 2),
        "warm_over_plain_floor": round(results["scan_cache_warm_s"] / plain, 2),
        "warm_over_plain_floor_cpu": round(results["scan_cache_warm_cpu_s"] / plain_cpu, 2),
        "next_commit_over_plain_floor": round(results["scan_next_commit_s"] / plain, 2),
        "next_commit_over_plain_floor_cpu": round(results["scan_next_commit_cpu_s"] / plain_cpu, 2),
    }
    out = {
        "files": args.files,
        "commits": args.commits,
        "tags": args.tags,
        "last": args.last,
        "history_jobs": jobs,
        "plain_floor_s": round(plain, 3),
        "content_floor_s": round(content, 3),
        **results,
        **ratios,
    }
    print(json.dumps(ratios, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
