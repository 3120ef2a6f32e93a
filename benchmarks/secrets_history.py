#!/usr/bin/env python3
"""Benchmark the history secret scan against a plain `git log -p` over the same history.

    python benchmarks/secrets_history.py                    # 10,000 commits (issue #3)
    python benchmarks/secrets_history.py --commits 2000 --runs 1
    python benchmarks/secrets_history.py --json out.json --check

A repository is generated with `git fast-import` (one process): every commit edits one or
two Python/YAML/.env files with realistic lines (code that mentions tokens, passwords
read from the environment, dummy keys in tests), and a handful of commits add and later
remove a real-looking credential, so the scan has candidates to look at, not only misses.

Timed, median of --runs runs after a warm-up:
- baseline: `git log -p --all --no-color` with stdout read to the end (what "a plain
  `git log -p` over the same history" costs, our reading included);
- scan:     `mlaudit.repo.secrets_history.scan_history_secrets` (the one streaming
  `git log -p -U0 …` plus detection), as the Snapshot runs it.

Target (issue #3): scan ≤ 3 × baseline. Exit status 1 with --check when missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlaudit.repo.git import git_env
from mlaudit.repo.secrets_history import scan_history_secrets

TARGET = 3.0
WORDS = [
    "model",
    "data",
    "train",
    "serve",
    "feature",
    "token",
    "batch",
    "loss",
    "epoch",
    "config",
    "metric",
    "score",
]


def _line(rng: random.Random) -> str:
    kind = rng.random()
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    if kind < 0.08:
        return f'    {a}_token = os.environ.get("{b.upper()}_TOKEN")'
    if kind < 0.12:
        return f"    tokens = tokenizer({a}_{b}, max_length={rng.randint(8, 512)})"
    if kind < 0.14:
        return 'PASSWORD = os.getenv("DB_PASSWORD", "changeme")'
    if kind < 0.5:
        return f"    {a}_{b} = compute_{a}({b}, {rng.randint(0, 999)})"
    if kind < 0.7:
        return f"def {a}_{b}_{rng.randint(0, 99)}(x, y):"
    return f"    # {a} {b} {rng.random():.6f}"


def _fake_key(rng: random.Random) -> tuple[str, str]:
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    key_id = "AK" + "IA" + "".join(rng.choice(alnum) for _ in range(16))
    chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+"
    secret = "".join(rng.choice(chars) for _ in range(40))
    return key_id, secret


def generate(root: Path, commits: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", str(root)], check=True, env=_env())
    files = [f"src/pkg/mod_{i:03d}.py" for i in range(120)] + [
        f"configs/conf_{i:02d}.yaml" for i in range(20)
    ]
    contents: dict[str, list[str]] = {f: [_line(rng) for _ in range(40)] for f in files}
    out: list[bytes] = []
    mark = 0
    leaks: dict[int, str] = {}
    for n in range(commits):
        changed = rng.sample(files, 2 if rng.random() < 0.3 else 1)
        for path in changed:
            body = contents[path]
            for _ in range(rng.randint(1, 8)):
                pos = rng.randrange(len(body) + 1)
                if rng.random() < 0.3 and body:
                    body.pop(min(pos, len(body) - 1))
                else:
                    body.insert(pos, _line(rng))
        if n % 1000 == 500:  # a real-looking credential added …
            key_id, secret = _fake_key(rng)
            leaks[n + 7] = "src/settings_local.py"
            contents["src/settings_local.py"] = [f'AWS_ID = "{key_id}"', f'AWS_SECRET = "{secret}"']
            changed.append("src/settings_local.py")
        removed = leaks.pop(n, None)  # … and removed a few commits later
        mark += 1
        msg = f"change {n}".encode()
        out.append(b"commit refs/heads/main\n")
        out.append(f"mark :{mark}\n".encode())
        out.append(f"committer bench <bench@example.com> {1_600_000_000 + n * 60} +0000\n".encode())
        out.append(f"data {len(msg)}\n".encode() + msg + b"\n")
        if removed:
            contents.pop(removed, None)
            out.append(f"D {removed}\n".encode())
        for path in changed:
            if path not in contents:
                continue
            data = ("\n".join(contents[path]) + "\n").encode()
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(f"data {len(data)}\n".encode() + data + b"\n")
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True, env=_env()
    )
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True, env=_env())


def _env() -> dict[str, str]:
    return {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def time_git_log(root: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        ["git", "log", "-p", "--all", "--no-color"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=git_env(),
    )
    assert proc.stdout is not None
    total = 0
    while chunk := proc.stdout.read(4 * 1024 * 1024):
        total += len(chunk)
    proc.wait()
    return time.perf_counter() - start, total


def time_scan(root: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    scan = scan_history_secrets(root)
    elapsed = time.perf_counter() - start
    assert scan.available and not scan.truncated, scan.reason
    return elapsed, scan.bytes_scanned, len(scan.findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="reuse/keep the repo here")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="mlaudit-secrets-bench-"))
    root = args.workdir or tmp / "repo"
    try:
        if not (root / ".git").exists():
            root.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            generate(root, args.commits)
            print(f"generated {args.commits} commits in {time.perf_counter() - t:.1f}s: {root}")
        time_git_log(root)  # warm the OS cache
        time_scan(root)
        base_times, scan_times = [], []
        base_bytes = scan_bytes = findings = 0
        for _ in range(args.runs):
            elapsed, base_bytes = time_git_log(root)
            base_times.append(elapsed)
            elapsed, scan_bytes, findings = time_scan(root)
            scan_times.append(elapsed)
        base = statistics.median(base_times)
        scan = statistics.median(scan_times)
        ratio = scan / base if base else float("inf")
        result = {
            "commits": args.commits,
            "git_log_p_seconds": round(base, 3),
            "git_log_p_mib": round(base_bytes / 1024**2, 1),
            "scan_seconds": round(scan, 3),
            "scan_mib": round(scan_bytes / 1024**2, 1),
            "findings": findings,
            "ratio": round(ratio, 2),
            "target": TARGET,
            "ok": ratio <= TARGET,
        }
        print(
            f"git log -p: {base:.2f}s ({result['git_log_p_mib']} MiB)   "
            f"history secret scan: {scan:.2f}s ({result['scan_mib']} MiB, {findings} finding(s))   "
            f"ratio {ratio:.2f}x (target <= {TARGET}x)"
        )
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
        return 1 if args.check and not result["ok"] else 0
    finally:
        if args.workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
