"""Fleet scanning on real repositories built in tmp_path: several paths and --repos-from,
a process pool, one failure never stopping the others (a missing path, a folder that is not
a repository, a bare repository, an empty bare one), deterministic shards whose per-repository
results `aggregate` merges into the same report as one run, and every fleet format. The
examples/ci fleet workflow and Kubernetes Indexed Job run their commands here too."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from helpers import commit, git, make_repo
from typer.testing import CliRunner

from mlaudit.cli import app
from mlaudit.errors import UsageError
from mlaudit.fleet import estimated_cost, fleet_names, parse_shard, run_jobs, schedule, select_shard

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent

TRAIN = "import numpy as np\n\ndef train(x):\n    np.random.seed(0)\n    return x\n"


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("fleet")
    mature = make_repo(
        base / "mature",
        {
            "README.md": "# m\n",
            "src/m/train.py": TRAIN,
            "requirements.txt": "numpy==1.26.4\n",
            "tests/test_train.py": "def test_x():\n    assert True\n",
        },
    )
    commit(
        mature,
        {
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pytest\n"
        },
        "ci",
    )
    basic = make_repo(base / "basic", {"README.md": "# b\n", "train.py": TRAIN})
    plain = base / "plain"  # not a repository: scanned as a folder, with a note
    plain.mkdir()
    (plain / "train.py").write_text(TRAIN)
    bare = base / "mirror.git"  # a bare clone: scanned at HEAD from git objects
    subprocess.run(["git", "clone", "-q", "--bare", str(basic), str(bare)], check=True)
    empty_bare = base / "empty.git"  # a bare repository without commits: cannot be read
    subprocess.run(["git", "init", "-q", "--bare", str(empty_bare)], check=True)
    return {
        "mature": mature,
        "basic": basic,
        "plain": plain,
        "bare": bare,
        "empty_bare": empty_bare,
        "missing": base / "missing",
        "base": base,
    }


def test_one_failure_never_stops_the_others(fleet: dict[str, Path], tmp_path: Path) -> None:
    paths = [str(fleet[k]) for k in ("mature", "basic", "plain", "bare", "empty_bare", "missing")]
    result = runner.invoke(app, ["scan", *paths, "--jobs", "2", "-f", "json"])
    assert result.exit_code == 3, result.output  # the highest exit code of its repositories
    data = json.loads(result.stdout)
    rows = {r["name"]: r for r in data["rows"]}
    assert set(rows) == {"mature", "basic", "plain", "mirror.git", "empty.git", "missing"}
    for name in ("mature", "basic", "plain", "mirror.git"):
        assert rows[name]["error"] is None and rows[name]["level"] is not None, name
    assert rows["mirror.git"]["commit"] == git(fleet["basic"], "rev-parse", "HEAD").strip()
    for name in ("empty.git", "missing"):
        assert rows[name]["exit_code"] == 3 and rows[name]["error"], name
    # each failure is one line on stderr with its exit code
    lines = [line for line in result.stderr.splitlines() if "exit 3" in line]
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert rows["mature"]["index"] > rows["basic"]["index"]
    assert data["level_distribution"] and sum(data["level_distribution"].values()) == 4


def test_repos_from_and_every_format(fleet: dict[str, Path], tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text(f"# our repositories\n{fleet['mature']}\n\n{fleet['basic']}\n")
    out = tmp_path / "out"
    args = ["scan", "--repos-from", str(listing), "--out-dir", str(out), "--jobs", "1"]
    for fmt in ("csv", "markdown", "html", "json", "terminal"):
        args += ["-o", f"{fmt}={tmp_path}/fleet.{fmt}"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "mature.json",
        "mature.html",
        "basic.json",
        "basic.html",
    }
    rows = list(csv.DictReader(io.StringIO((tmp_path / "fleet.csv").read_text())))
    assert [r["repository"] for r in rows] == ["basic", "mature"]
    assert {"index", "level", "level_data", "REP", "failing_checks"} <= set(rows[0])
    md = (tmp_path / "fleet.markdown").read_text()
    assert "| repository | index |" in md and "[mature](out/mature.html)" in md
    assert re.search(r"\*\*\d of 2\*\* repositories fail", md)
    html = (tmp_path / "fleet.html").read_text()
    assert 'id="heatmap"' in html and 'href="out/mature.html"' in html
    assert "Level distribution" in html and "Most common missing items" in html
    # sorted by index without JavaScript; the one script is allowed by its hash only
    assert html.index(">mature<") < html.index(">basic<")
    assert html.count("<script>") == 1 and "script-src &#39;sha256-" in html
    term = (tmp_path / "fleet.terminal").read_text()
    assert "2 of 2 repositories scanned" in term


def test_shards_are_disjoint_deterministic_and_aggregate_to_one_report(
    fleet: dict[str, Path], tmp_path: Path
) -> None:
    paths = [str(fleet[k]) for k in ("mature", "basic", "plain", "missing")]
    whole = runner.invoke(app, ["scan", *paths, "-f", "json", "--jobs", "1"])
    out = tmp_path / "results"
    for k in (1, 2, 3):
        result = runner.invoke(
            app, ["scan", *paths, "--shard", f"{k}/3", "--out-dir", str(out), "-f", "json"]
        )
        assert result.exit_code in (0, 3), result.output
    files = sorted(p.name for p in out.glob("*.json"))
    assert files == ["basic.json", "mature.json", "missing.error.json", "plain.json"]
    merged = runner.invoke(app, ["aggregate", str(out), "-f", "json"])
    assert merged.exit_code == 3, merged.output  # the missing repository is still reported
    a, b = json.loads(whole.stdout), json.loads(merged.stdout)
    assert [r["name"] for r in a["rows"]] == [r["name"] for r in b["rows"]]
    assert a["level_distribution"] == b["level_distribution"]
    assert a["missing"] == b["missing"]
    for x, y in zip(a["rows"], b["rows"], strict=True):
        assert (x["index"], x["level"], x["exit_code"]) == (y["index"], y["level"], y["exit_code"])


def test_aggregate_reads_plain_scan_json(fleet: dict[str, Path], tmp_path: Path) -> None:
    one = runner.invoke(app, ["scan", str(fleet["mature"]), "-f", "json"])
    (tmp_path / "mature.json").write_text(one.stdout)
    (tmp_path / "junk.json").write_text('{"not": "an assessment"}')
    result = runner.invoke(app, ["aggregate", str(tmp_path / "mature.json"), "-f", "csv"])
    assert result.exit_code == 0 and "mature" in result.stdout
    bad = runner.invoke(app, ["aggregate", str(tmp_path / "junk.json")])
    assert bad.exit_code == 2 and "not an mlaudit assessment" in bad.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1/1", (1, 1)), ("2/4", (2, 4)), ("0/4", None), ("5/4", None), ("x", None)],
)
def test_parse_shard(text: str, expected: tuple[int, int] | None) -> None:
    if expected is None:
        with pytest.raises(UsageError):
            parse_shard(text)
    else:
        assert parse_shard(text) == expected


def test_shards_cover_the_list_once() -> None:
    paths = [f"r{i}" for i in range(10)] + ["r3"]  # a duplicate is scanned once
    slices = [select_shard(paths, (k, 3)) for k in (1, 2, 3)]
    assert sorted(p for s in slices for p in s) == sorted(set(paths))
    assert select_shard(paths, (2, 3)) == select_shard(list(paths), (2, 3))


def test_names_are_unique_and_stable() -> None:
    names = fleet_names(["a/model", "b/model", "c/api"])
    assert names["c/api"] == "api"
    assert names["a/model"] != names["b/model"] and names["a/model"].startswith("model-")
    assert fleet_names(["a/model", "b/model", "c/api"]) == names


def test_largest_repository_starts_first_and_results_keep_list_order(
    fleet: dict[str, Path], tmp_path: Path
) -> None:
    big = make_repo(
        tmp_path / "big",
        {f"pkg/module_{i}.py": f"VALUE_{i} = {i}\n" * 40 for i in range(300)},
    )
    order = [fleet["missing"], fleet["plain"], fleet["basic"], big, fleet["bare"]]
    jobs = [{"name": p.name, "path": str(p), "flags": {}} for p in order]
    assert estimated_cost(str(fleet["missing"])) == estimated_cost(str(fleet["plain"])) == 0
    assert estimated_cost(str(big)) > estimated_cost(str(fleet["basic"])) > 0
    started = schedule(jobs)
    assert started[0] == 3  # the big repository first
    # no pack and no index (a missing path, a folder, a local bare clone of loose objects):
    # unknown cost, started last in list order
    assert started[-3:] == [0, 1, 4]
    rows = [row for row, _ in run_jobs(jobs, 2)]
    assert [row.name for row in rows] == [p.name for p in order]  # reported in list order
    assert [row.exit_code for row in rows][2:] != [3, 3, 3]


def test_usage_errors(tmp_path: Path) -> None:
    assert runner.invoke(app, ["scan", ".", ".", "--shard", "3/2"]).exit_code == 2
    missing = runner.invoke(app, ["scan", "--repos-from", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "nope.txt" in missing.stderr


def _run_block(script: str, env_paths: dict[str, str], cwd: Path) -> None:
    """Run the mlaudit lines of a CI script here (the project's venv is on PATH)."""
    for line in script.splitlines():
        line = line.strip()
        if not line.startswith("mlaudit "):
            continue
        for key, value in env_paths.items():
            line = line.replace(key, value)
        proc = subprocess.run(["bash", "-c", line], cwd=cwd, capture_output=True, text=True)
        assert proc.returncode in (0, 1, 3), (line, proc.stderr)


def test_ci_fleet_workflow_commands_run_here(fleet: dict[str, Path], tmp_path: Path) -> None:
    workflow = yaml.safe_load((ROOT / "examples/ci/fleet-workflow.yml").read_text())
    (tmp_path / "paths.txt").write_text(f"{fleet['mature']}\n{fleet['basic']}\n{fleet['plain']}\n")
    assert "schedule" in workflow[True] or "schedule" in workflow.get("on", {})
    scan_job, aggregate_job = workflow["jobs"]["scan"], workflow["jobs"]["aggregate"]
    shards = scan_job["strategy"]["matrix"]["shard"]
    for shard in shards:
        for step in scan_job["steps"]:
            if "run" in step and "mlaudit" in step["run"]:
                env = {
                    "${{ matrix.shard }}": str(shard),
                    "${{ strategy.job-total }}": str(len(shards)),
                    "${{ env.SHARDS }}": str(len(shards)),
                }
                _run_block(step["run"], env, tmp_path)
    for step in aggregate_job["steps"]:
        if "run" in step and "mlaudit" in step["run"]:
            _run_block(step["run"], {}, tmp_path)
    assert (tmp_path / "fleet-report" / "index.html").is_file()
    report = json.loads((tmp_path / "fleet-report" / "fleet.json").read_text())
    assert len(report["rows"]) == 3


def test_kubernetes_indexed_job_command_runs_here(fleet: dict[str, Path], tmp_path: Path) -> None:
    docs = list(yaml.safe_load_all((ROOT / "examples/ci/fleet-k8s-job.yaml").read_text()))
    job = next(d for d in docs if d and d.get("kind") == "Job")
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed" and spec["completions"] == spec["parallelism"]
    container = spec["template"]["spec"]["containers"][0]
    script = container["args"][-1] if container.get("args") else container["command"][-1]
    (tmp_path / "repos.txt").write_text(f"{fleet['mature']}\n{fleet['basic']}\n")
    out = tmp_path / "results"
    for index in range(spec["completions"]):
        line = textwrap.dedent(script).replace("/config/repos.txt", str(tmp_path / "repos.txt"))
        line = line.replace("/results", str(out))
        proc = subprocess.run(
            ["bash", "-c", line],
            env={"JOB_COMPLETION_INDEX": str(index), "PATH": _path()},
            capture_output=True,
            text=True,
        )
        assert proc.returncode in (0, 1, 3), proc.stderr
    assert sorted(p.name for p in out.glob("*.json")) == ["basic.json", "mature.json"]


def _path() -> str:
    import os
    import sys

    return f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"


def test_a_worker_collects_one_repositorys_garbage_before_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers scan repositories one after another: each scan ends with a collection, so the
    next one's peak does not sit on the last one's garbage cycles — a failed scan too."""
    import gc

    from mlaudit import fleet

    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or 0)
    monkeypatch.setenv("MLAUDIT_NO_CACHE", "1")
    repo = make_repo(tmp_path / "ok", {"train.py": "import sklearn\n"})
    job = {"name": "ok", "path": str(repo), "flags": {}}
    row, _header = fleet.scan_one(job)
    assert row.exit_code in (0, 1) and calls == [1]
    row, _header = fleet.scan_one({**job, "name": "gone", "path": str(tmp_path / "missing")})
    assert row.exit_code != 0 and calls == [1, 1]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="max_tasks_per_child needs Python 3.11")
def test_every_repository_gets_a_fresh_worker() -> None:
    """A worker that scanned repositories one after another kept the earlier ones' freed but
    fragmented memory under the next one's peak: each task now runs in its own process,
    forked from a server that has imported everything."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from mlaudit.fleet import _pool

    with _pool(multiprocessing, ProcessPoolExecutor, 2) as pool:
        pids = list(pool.map(_pid, range(4)))
    assert len(set(pids)) == 4 and os.getpid() not in pids


def _pid(_: int) -> int:
    import os

    return os.getpid()
