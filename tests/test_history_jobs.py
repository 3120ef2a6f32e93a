"""`mlaudit history --jobs N` on real git repositories built in tmp_path: points assessed in
forked workers give the same report, byte for byte, in every format; a point that cannot be
read is skipped with the same note; a worker that dies is a clear error; the on-disk cache
gets what the workers parsed; a bad --jobs is a usage error."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from helpers import commit, git, make_repo
from test_history import CI, TEST, TRAIN
from typer.testing import CliRunner

from mlaudit import history_jobs, progress
from mlaudit.cache import load_parse_entries
from mlaudit.cli import app
from mlaudit.history_jobs import chunks, pool_size
from mlaudit.repo.parse_cache import ParseCache

runner = CliRunner()
FORMATS = ("json", "csv", "markdown", "html", "terminal")

pytestmark = pytest.mark.skipif(not history_jobs.can_fork(), reason="workers are forked")


def growing_repo(root: Path) -> Path:
    """Twelve first-parent commits whose checks change along the way (deps pinned, tests,
    CI, a secret added then removed, a file that only the newest commits hold)."""
    make_repo(root, {"README.md": "# demo\n", "src/demo/train.py": TRAIN}, message="start")
    steps: list[dict[str, str]] = [
        {"requirements.txt": "numpy\nscikit-learn\n"},
        {"tests/test_train.py": TEST},
        {"requirements.txt": "numpy==1.26.4\nscikit-learn==1.4.2\n"},
        {".github/workflows/ci.yml": CI},
        {"src/demo/config.py": 'AWS_KEY = "AKIAIOSFODNN7EXAMPLF"\n'},
        {"src/demo/config.py": "import os\nAWS_KEY = os.environ['AWS_KEY']\n"},
        {"Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n"},
        {
            "src/demo/train.py": TRAIN
            + "\n\ndef evaluate(model, x, y):\n    return model.score(x, y)\n"
        },
        {"src/demo/late.py": "import mlflow\n\nmlflow.log_metric('acc', 1.0)\n"},
        {"README.md": "# demo\n\nTrain with `python -m demo.train`.\n"},
        {"params.yaml": "seed: 0\nlr: 0.1\n"},
    ]
    for day, files in enumerate(steps, start=2):
        commit(root, files, f"step {day}", date=f"2024-01-{day:02d}T12:00:00Z")
    return root


def outputs(repo: Path, out: Path, *args: str) -> dict[str, bytes]:
    """Every format of one `history` run, as bytes."""
    argv = ["history", str(repo), *args, "--no-cache"]
    for fmt in FORMATS:
        argv += ["-o", f"{fmt}={out}/h.{fmt}"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    return {fmt: (out / f"h.{fmt}").read_bytes() for fmt in FORMATS}


def record_workers(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Record, from inside each process, which process summarised which point."""
    folder.mkdir()
    describe = history_jobs.describe

    def recording(point: Any, assessment: Any) -> Any:
        (folder / f"{os.getpid()}-{point.commit}").touch()
        return describe(point, assessment)

    monkeypatch.setattr(history_jobs, "describe", recording)


def test_jobs_give_the_same_report_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = growing_repo(tmp_path / "repo")
    alone = outputs(repo, tmp_path / "one", "--last", "12", "--jobs", "1")
    seen = tmp_path / "seen"
    record_workers(monkeypatch, seen)
    pooled = outputs(repo, tmp_path / "two", "--last", "12", "--jobs", "2")
    pids = {int(p.name.split("-")[0]) for p in seen.iterdir()}
    assert len(pids) == 2 and os.getpid() not in pids, "points 2..12 are read by two workers"
    assert len(list(seen.iterdir())) == 11  # the first point is read here
    for fmt in FORMATS:
        assert pooled[fmt] == alone[fmt], fmt
    data = json.loads(alone["json"])
    dates = [p["date"] for p in data["points"]]
    assert len(dates) == 12 and dates == sorted(dates)  # oldest first, every point
    changed = [p for p in data["points"] if p["changes"]]
    assert len(changed) >= 4, "checks change along the way: the comparison is exercised"


def test_without_fork_or_with_few_points_it_runs_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = growing_repo(tmp_path / "repo")
    alone = outputs(repo, tmp_path / "one", "--last", "12", "--jobs", "1")
    seen = tmp_path / "seen"
    record_workers(monkeypatch, seen)
    small = outputs(repo, tmp_path / "small", "--last", "8", "--jobs", "4")  # 7 after the first
    monkeypatch.setattr(history_jobs, "can_fork", lambda: False)  # Windows
    no_fork = outputs(repo, tmp_path / "no-fork", "--last", "12", "--jobs", "4")
    assert no_fork == alone
    assert len(json.loads(small["json"])["points"]) == 8
    assert not list(seen.iterdir()), "no worker was started"


def test_more_jobs_than_points_and_tags(tmp_path: Path) -> None:
    repo = growing_repo(tmp_path / "repo")
    for n, rev in enumerate(["HEAD~10", "HEAD~8", "HEAD~6", "HEAD~5", "HEAD~3", "HEAD"]):
        git(repo, "tag", f"v1.{n}.0", rev)
    alone = outputs(repo, tmp_path / "one", "--tags", "--jobs", "1")
    many = outputs(repo, tmp_path / "many", "--tags", "--jobs", "64")
    assert many == alone


def test_an_unreadable_point_is_skipped_alike(tmp_path: Path) -> None:
    """A commit whose tree object is missing (a damaged clone): that point is skipped with
    the same note, and the next one is compared with the last point read."""
    repo = growing_repo(tmp_path / "repo")
    damaged = git(repo, "rev-parse", "HEAD~6").strip()
    tree = git(repo, "rev-parse", "HEAD~6^{tree}").strip()
    (repo / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    alone = outputs(repo, tmp_path / "one", "--last", "12", "--jobs", "1")
    pooled = outputs(repo, tmp_path / "two", "--last", "12", "--jobs", "2")
    assert pooled == alone
    data = json.loads(alone["json"])
    assert len(data["points"]) == 11
    assert damaged not in [p["commit"] for p in data["points"]]
    assert len(data["skipped"]) == 1
    assert any("cannot be read" in n and n.startswith(data["skipped"][0]) for n in data["notes"])


def test_a_dead_worker_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = growing_repo(tmp_path / "repo")
    from mlaudit import history_cmd

    parent = os.getpid()
    open_point = history_cmd.open_point

    def dying(*args: Any) -> Any:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return open_point(*args)

    monkeypatch.setattr(history_cmd, "open_point", dying)
    result = runner.invoke(app, ["history", str(repo), "--last", "12", "--jobs", "2"])
    assert result.exit_code == 2
    assert "worker process died" in result.stderr and "--jobs 1" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bad_jobs_is_a_usage_error(tmp_path: Path, value: str) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    result = runner.invoke(app, ["history", str(repo), "--jobs", value])
    assert result.exit_code == 2
    assert "--jobs" in result.stderr and "Traceback" not in result.output


def test_warm_cache_after_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the parent writes the cache, with what the workers parsed: the same entries as a
    run in one process (a file that only the workers' points hold included), and a second
    run reuses them as much and says the same."""
    repo = growing_repo(tmp_path / "repo")
    monkeypatch.delenv("MLAUDIT_NO_CACHE", raising=False)

    def run(jobs: str, cache_dir: Path) -> tuple[str, tuple[int, int]]:
        monkeypatch.setenv("MLAUDIT_CACHE_DIR", str(cache_dir))
        args = ["history", str(repo), "--last", "12", "--jobs", jobs, "-f", "json", "-v"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        words = result.stderr.split("reused ", 1)[1].split()
        return result.stdout, (int(words[0]), int(words[2]))

    def saved(cache_dir: Path) -> dict[tuple[str, str, str], Any]:
        (parse_file,) = cache_dir.rglob("parses/*.pickle")
        assert not list(cache_dir.rglob("*.tmp"))
        entries = load_parse_entries(parse_file)
        assert entries is not None
        # a derived bundle: which derivations it holds
        return {k: sorted(v[0]) if k[0] == "derived" else v for k, v in entries.items()}

    cold, cold_stats = run("2", tmp_path / "pooled")
    pooled = saved(tmp_path / "pooled")
    late = {view for view, path, _ in pooled if path == "src/demo/late.py"}
    assert {"python", "derived"} <= late  # only points 10..12 (the workers') hold it
    warm, warm_stats = run("2", tmp_path / "pooled")
    assert warm == cold and warm_stats[0] > cold_stats[0]
    # the same cache as one process writes (each worker's first point re-reads the texts
    # that changed since the parent's point: the counts of reuse differ, not the entries)
    alone, _ = run("1", tmp_path / "alone")
    assert saved(tmp_path / "alone") == pooled
    assert alone == cold


def test_progress_counts_every_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = growing_repo(tmp_path / "repo")
    phases: list[progress.Phase] = []
    phase = progress.phase

    def recorded(description: str, total: int | None = None) -> progress.Phase:
        phases.append(phase(description, total))
        return phases[-1]

    monkeypatch.setattr(progress, "phase", recorded)
    result = runner.invoke(app, ["history", str(repo), "--last", "12", "--jobs", "2", "-f", "json"])
    assert result.exit_code == 0, result.output
    (task,) = [p for p in phases if p.description == "auditing commits"]
    assert task.total == 12 and task.done == 12


def test_chunks_are_contiguous_and_balanced() -> None:
    for count in range(0, 30):
        for parts in range(1, 6):
            got = chunks(count, parts)
            assert [i for r in got for i in r] == list(range(count))
            sizes = [len(r) for r in got]
            assert not sizes or max(sizes) - min(sizes) <= 1
            assert len(got) == min(parts, count)


def test_pool_size_spares_small_selections() -> None:
    per = history_jobs.MIN_POINTS_PER_WORKER
    assert pool_size(1, 1000) == 1
    assert pool_size(8, per * 2 - 1) == 1  # a worker's start-up is not worth it
    assert pool_size(8, per * 2) == 2
    assert pool_size(4, 1000) == 4


def test_merge_keeps_existing_values_and_adds_derivations() -> None:
    cache = ParseCache()
    cache.entries[("python", "a.py", "1")] = ("mine", None)
    cache.entries[("derived", "a.py", "1")] = ({"k1": 1}, None)
    learnt = history_jobs.Learnt(
        entries={
            ("python", "a.py", "1"): ("theirs", None),
            ("python", "b.py", "2"): ("new", "a problem"),
            ("derived", "a.py", "1"): ({"k1": 99, "k2": 2}, None),
        },
        used={("python", "b.py", "2"), ("derived", "a.py", "1")},
        hits=3,
        misses=1,
    )
    room = cache.derived_room
    history_jobs.merge(cache, learnt)
    assert cache.entries[("python", "a.py", "1")] == ("mine", None)
    assert cache.entries[("python", "b.py", "2")] == ("new", "a problem")
    assert cache.entries[("derived", "a.py", "1")][0] == {"k1": 1, "k2": 2}
    assert cache.derived_room == room - 1  # the disk cache sees that a bundle grew
    assert learnt.used <= cache.used
    assert (cache.stats.hits, cache.stats.misses) == (3, 1)
