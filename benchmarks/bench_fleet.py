#!/usr/bin/env python3
"""Fleet benchmark: `mlaudit scan A B C … --jobs N` against the sum of single scans.

    python benchmarks/bench_fleet.py /work/evalrepos/* /work/realrepos/* --jobs 2
    python benchmarks/bench_fleet.py --repos-from repos.txt --jobs 2 --runs 3 --json out.json

Cache off (MLAUDIT_NO_CACHE=1), mlaudit byte-compiled first. For every repository one
`mlaudit scan --format json REPO` is timed (wall and CPU, peak RSS),
then the fleet scan of all of them with `--jobs N` (median of --runs). Target (issue #12):
fleet wall ≤ 1.3 × (sum of single scans) / jobs, and the fleet's peak RSS per worker no more
than the largest single scan's (+ 10 %). On a machine shared with other work, wall-clock
ratios are noisy: the CPU times (user+sys of the process and its children) are reported too.
The fleet's workers are forked by a fork server (one fresh process per repository), not
waited for by the command: its peak per process and CPU are sampled from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PY = sys.executable
MLAUDIT = str(Path(PY).with_name("mlaudit"))
# one wrapper process per measurement, so peak RSS and CPU are of that command alone
WRAP = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
    "w = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(w, u.ru_utime + u.ru_stime, u.ru_maxrss, p.returncode)"
)


def measure(cmd: list[str]) -> tuple[float, float, float, int]:
    """(wall s, cpu s, peak RSS MiB of the largest process, exit code)."""
    out = subprocess.run([PY, "-c", WRAP, *cmd], capture_output=True, text=True, check=True)
    wall, cpu, rss, code = out.stdout.split()
    return float(wall), float(cpu), int(rss) / 1024, int(code)


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _sample(pid: int) -> tuple[int, float] | None:
    """(peak RSS KiB, CPU s) of one live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    peak = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0
    )
    ticks = os.sysconf("SC_CLK_TCK")
    return peak, (int(fields[11]) + int(fields[12])) / ticks


def measure_tree(cmd: list[str]) -> tuple[float, float, float, int]:
    """measure() for a command whose workers are not its waited-for children (a fork server
    forks them): every process of the tree is sampled from /proc every 10 ms; its peak RSS
    and its last CPU time seen are kept (Linux; elsewhere measure())."""
    if not Path("/proc/self/status").exists():
        return measure(cmd)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        for pid in _tree(proc.pid):
            seen = _sample(pid)
            if seen is not None:
                peaks[pid] = max(peaks.get(pid, 0), seen[0])
                cpu[pid] = seen[1]
        time.sleep(0.01)
    wall = time.perf_counter() - start
    return wall, sum(cpu.values()), max(peaks.values(), default=0) / 1024, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="*")
    parser.add_argument("--repos-from")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    # cold scans: with the on-disk cache on, the fleet run would answer from results the
    # single scans stored (and vice versa)
    os.environ["MLAUDIT_NO_CACHE"] = "1"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_scan import byte_compile

    byte_compile()
    repos = list(args.repos)
    if args.repos_from:
        repos += [
            line.strip()
            for line in Path(args.repos_from).read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
    repos = [r for r in repos if Path(r).is_dir()]
    singles = []
    for repo in repos:
        wall, cpu, rss, code = measure([MLAUDIT, "scan", "--format", "json", repo])
        singles.append({"repo": repo, "wall": wall, "cpu": cpu, "rss_mib": rss, "exit": code})
        print(f"single {Path(repo).name:<45} {wall:6.2f} s wall {cpu:6.2f} s cpu {rss:6.0f} MiB")
    total = sum(s["wall"] for s in singles)
    total_cpu = sum(s["cpu"] for s in singles)
    fleet = []
    for _ in range(args.runs):
        cmd = [MLAUDIT, "scan", "--jobs", str(args.jobs), "-f", "json", *repos]
        fleet.append(measure_tree(cmd))
        time.sleep(0.5)
    wall = statistics.median(f[0] for f in fleet)
    cpu = statistics.median(f[1] for f in fleet)
    rss = max(f[2] for f in fleet)
    target = 1.3 * total / args.jobs
    result = {
        "repositories": len(repos),
        "jobs": args.jobs,
        "sum_single_wall_s": round(total, 2),
        "sum_single_cpu_s": round(total_cpu, 2),
        "fleet_wall_s_median": round(wall, 2),
        "fleet_cpu_s_median": round(cpu, 2),
        "target_wall_s": round(target, 2),
        "ratio_to_ideal": round(wall / (total / args.jobs), 2),
        "largest_single_rss_mib": round(max(s["rss_mib"] for s in singles), 1),
        "fleet_peak_rss_per_worker_mib": round(rss, 1),
        "singles": singles,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "singles"}, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0 if wall <= target else 1


if __name__ == "__main__":
    sys.exit(main())
