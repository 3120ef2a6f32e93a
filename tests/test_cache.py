"""The on-disk cache (parsed files by blob id, history secret scans by refs): the same bytes
out with the cache off, cold, warm, corrupted or planted; a work-tree edit is never hidden by
it; it never writes into the target; --no-cache; its size bound; concurrent writers."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import commit, make_repo
from typer.testing import CliRunner

from mlaudit.cache import TRIM_LEDGER, cache_root, keep_bounded, trim
from mlaudit.cli import app

runner = CliRunner()

FILES = {
    "README.md": "# demo\n",
    "requirements.txt": "numpy==1.26.4\nscikit-learn==1.4.2\n",
    "src/demo/train.py": textwrap.dedent(
        """\
        import numpy as np
        import mlflow
        from sklearn.linear_model import LogisticRegression

        def train(x, y):
            np.random.seed(0)
            mlflow.log_metric("acc", 1.0)
            return LogisticRegression().fit(x, y)
        """
    ),
    "tests/test_train.py": "def test_train():\n    assert True\n",
    "params.yaml": "lr: 0.1\n",
    "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
    ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pytest\n",
}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MLAUDIT_CACHE_DIR", str(folder))
    monkeypatch.delenv("MLAUDIT_NO_CACHE", raising=False)
    return folder


def scan_json(repo: Path, *extra: str) -> str:
    result = runner.invoke(app, ["scan", str(repo), "-f", "json", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def tree_state(repo: Path) -> dict[str, str]:
    """Every file under the repository (its .git included) → content digest and mtime."""
    out = {}
    for path in sorted(repo.rglob("*")):
        if path.is_file():
            out[str(path.relative_to(repo))] = hashlib.sha256(path.read_bytes()).hexdigest() + str(
                path.stat().st_mtime_ns
            )
    return out


def test_same_bytes_off_cold_warm_corrupted_and_planted(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    commit(repo, {"src/demo/extra.py": "import pandas\n"}, "more")
    before = tree_state(repo)
    off = runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"]).stdout
    assert not cache_dir.exists()  # --no-cache writes nothing
    cold = scan_json(repo)
    pickles = list(cache_dir.rglob("*.pickle"))
    assert any("parses" in str(p) for p in pickles) and any("secrets" in str(p) for p in pickles)
    warm = scan_json(repo)
    assert off == cold == warm
    for path in cache_dir.rglob("*.pickle"):  # corrupt every entry: ignored, then rewritten
        path.write_bytes(b"\x80\x05garbage")
    assert scan_json(repo) == off
    assert all(p.read_bytes() != b"\x80\x05garbage" for p in cache_dir.rglob("*.pickle"))

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    for path in cache_dir.rglob("*.pickle"):
        path.write_bytes(pickle.dumps({"entries": Planted()}))
    assert scan_json(repo) == off
    assert not (tmp_path / "pwned").exists()
    assert tree_state(repo) == before  # read-only with the cache cold, warm and corrupted


def test_a_work_tree_edit_is_never_hidden(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    scan_json(repo)  # warm
    (repo / "requirements.txt").write_text("numpy\nscikit-learn\n")  # unpinned, not committed
    (repo / "src/demo/train.py").write_text("print('no more tracking')\n")
    assert (
        scan_json(repo)
        == runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"]).stdout
    )


def test_history_and_scan_share_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    commit(repo, {"README.md": "# demo 2\n"}, "docs")
    first = runner.invoke(app, ["history", str(repo), "--last", "2", "-f", "json", "-v"])
    assert first.exit_code == 0
    again = runner.invoke(app, ["history", str(repo), "--last", "2", "-f", "json", "-v"])
    assert again.stdout == first.stdout
    cold, warm = (
        [int(n) for n in re.findall(r"reused (\d+) of (\d+)", run.stderr)[0]]
        for run in (first, again)
    )
    # the second run's parses (text is not kept on disk: it is re-read) come from the disk
    assert warm[0] > cold[0]


def test_never_inside_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    monkeypatch.setenv("MLAUDIT_CACHE_DIR", str(repo / ".cache"))
    before = tree_state(repo)
    scan_json(repo)
    assert tree_state(repo) == before and not (repo / ".cache").exists()


def test_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MLAUDIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "mlaudit"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache_root() == Path.home() / ".cache" / "mlaudit"


def test_bounded_size(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    (folder / "a").mkdir(parents=True)
    for i in range(5):
        path = folder / "a" / f"{i}.pickle"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (i, i))
    trim(folder, max_bytes=2500)
    assert sorted(p.name for p in (folder / "a").iterdir()) == ["3.pickle", "4.pickle"]


def _five_files(folder: Path) -> Path:
    (folder / "a").mkdir(parents=True)
    for i in range(5):
        path = folder / "a" / f"{i}.pickle"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (i, i))
    return folder / "a"


def test_trim_waits_for_a_tenth_of_the_bound_to_be_written(tmp_path: Path) -> None:
    """Listing the cache after every write cost 85 ms per write at 10,000 files."""
    files = _five_files(tmp_path / "c")
    (tmp_path / "c" / TRIM_LEDGER).write_text("0")
    keep_bounded(tmp_path / "c", 200, max_bytes=2500)  # under 250: not listed
    assert len(list(files.iterdir())) == 5
    assert (tmp_path / "c" / TRIM_LEDGER).read_text() == "200"
    keep_bounded(tmp_path / "c", 60, max_bytes=2500)  # 260 written since the last trim
    assert sorted(p.name for p in files.iterdir()) == ["3.pickle", "4.pickle"]
    assert (tmp_path / "c" / TRIM_LEDGER).read_text() == "0"


@pytest.mark.parametrize("ledger", [None, "not a number", "-5"])
def test_a_new_or_damaged_ledger_trims_at_once(tmp_path: Path, ledger: str | None) -> None:
    files = _five_files(tmp_path / "c")
    if ledger is not None:
        (tmp_path / "c" / TRIM_LEDGER).write_text(ledger)
    keep_bounded(tmp_path / "c", 1, max_bytes=2500)
    assert sorted(p.name for p in files.iterdir()) == ["3.pickle", "4.pickle"]
    assert (tmp_path / "c" / TRIM_LEDGER).read_text() == "0"


def test_scans_keep_the_cache_bounded(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = _five_files(cache_dir)  # least recently used: removed first
    monkeypatch.setenv("MLAUDIT_CACHE_MAX_MB", "0")
    repo = make_repo(tmp_path / "repo", FILES)
    scan_json(repo)
    assert not list(stale.iterdir())


def test_concurrent_writers_never_corrupt(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    expected = runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"]).stdout
    env = {**os.environ, "MLAUDIT_CACHE_DIR": str(cache_dir)}
    exe = str(Path(sys.executable).with_name("mlaudit"))
    procs = [
        subprocess.Popen([exe, "scan", str(repo), "-f", "json"], stdout=subprocess.PIPE, env=env)
        for _ in range(4)
    ]
    outputs = [p.communicate()[0].decode() for p in procs]
    assert all(out == expected for out in outputs)
    assert not list(cache_dir.rglob("*.tmp"))
    assert scan_json(repo) == expected


# the whole-result cache (result_cache.py) ----------------------------------------------------
@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> list[int]:
    """Counts real assessments (misses of the result cache); files written by the test are
    not "racily clean" here (the slack for coarse file-system clocks is set to 0)."""
    import mlaudit.result_cache as result_cache
    import mlaudit.scoring as scoring

    monkeypatch.setattr(result_cache, "RACY_SLACK_NS", 0)
    calls: list[int] = []
    real = scoring.assess

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scoring, "assess", counted)
    return calls


def scan_out(repo: Path, *extra: str, fmt: str = "json") -> str:
    result = runner.invoke(app, ["scan", str(repo), "-f", fmt, *extra])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def uncached(repo: Path, *extra: str, fmt: str = "json") -> str:
    return scan_out(repo, "--no-cache", *extra, fmt=fmt)


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
def test_result_cache_same_bytes_cold_warm_corrupted(
    tmp_path: Path, cache_dir: Path, scans: list[int], fmt: str
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    commit(repo, {"src/demo/extra.py": "import pandas\n"}, "more")
    before = tree_state(repo)
    off = uncached(repo, fmt=fmt)
    assert not cache_dir.exists()
    cold = scan_out(repo, fmt=fmt)
    results = list(cache_dir.glob("results-v*/*.pickle"))
    assert len(results) == 1 and list(cache_dir.glob("stat-v*/*.pickle"))
    warm = scan_out(repo, fmt=fmt)
    assert scans == [1, 1]  # --no-cache and cold scanned; warm did not
    assert off == cold == warm
    for path in cache_dir.rglob("*.pickle"):
        path.write_bytes(b"\x80\x05garbage")
    assert scan_out(repo, fmt=fmt) == off
    assert len(scans) == 3
    assert all(p.read_bytes() != b"\x80\x05garbage" for p in cache_dir.rglob("*.pickle"))
    assert scan_out(repo, fmt=fmt) == off and len(scans) == 3  # rewritten, hit again
    assert tree_state(repo) == before  # the target (and its .git) unchanged


def test_result_cache_hits_and_misses_on_every_input(
    tmp_path: Path, cache_dir: Path, scans: list[int]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)

    def check(*extra: str, hit: bool) -> None:
        count = len(scans)
        out = scan_out(repo, *extra)
        assert len(scans) == count + (0 if hit else 1), extra
        scans.append(0)  # the uncached scan below is not the one under test
        assert out == uncached(repo, *extra)
        del scans[count + (0 if hit else 1) :]

    check(hit=False)
    check(hit=True)
    # a work-tree edit, then a touch that changes no byte
    (repo / "params.yaml").write_text("lr: 0.2\n")
    check(hit=False)
    os.utime(repo / "params.yaml", ns=(1, 1))
    check(hit=True)
    # an untracked file: listed (a miss) only with --include-untracked
    (repo / "notes.py").write_text("import torch\n")
    check(hit=True)
    check("--include-untracked", hit=False)
    check("--include-untracked", hit=True)
    # a new ref (the history secret scan reads every ref), a new commit
    subprocess.run(["git", "-C", str(repo), "tag", "v1"], check=True, capture_output=True)
    check(hit=False)
    commit(repo, {"notes.py": "import torch\n"}, "notes")
    check(hit=False)
    check(hit=True)
    # the options: selection, profile
    check("--select", "REP", hit=False)
    check("--select", "REP", hit=True)
    check("--profile", "research", hit=False)
    # a config file in the repository (a file of the list, and a policy value)
    (repo / ".mlaudit.yaml").write_text("ignore: [SEC]\n")
    check(hit=False)
    check(hit=True)
    # waivers of an operator's config file
    config = tmp_path / "operator.yaml"
    config.write_text(
        "waivers:\n  - check: REP001\n    reason: accepted\n    until: '2999-01-01'\n"
    )
    check("--config", str(config), hit=False)
    check("--config", str(config), hit=True)
    config.write_text("waivers:\n  - check: REP001\n    reason: other\n")
    check("--config", str(config), hit=False)


def test_result_cache_misses_when_the_rubric_changes(
    tmp_path: Path, cache_dir: Path, scans: list[int]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("extends: default\ndisable: [REP001]\n")
    first = scan_out(repo, "--rubric", str(rubric))
    assert scan_out(repo, "--rubric", str(rubric)) == first and len(scans) == 1
    rubric.write_text("extends: default\ndisable: [REP002]\n")
    second = scan_out(repo, "--rubric", str(rubric))
    assert len(scans) == 2 and second != first
    assert second == uncached(repo, "--rubric", str(rubric))


def test_result_cache_ref_and_diff(tmp_path: Path, cache_dir: Path, scans: list[int]) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    commit(repo, {"requirements.txt": "numpy\n"}, "unpin")
    ref = scan_out(repo, "--ref", "HEAD~1")
    assert scan_out(repo, "--ref", "HEAD~1") == ref and len(scans) == 1
    assert ref == uncached(repo, "--ref", "HEAD~1")
    assert scan_out(repo, "--ref", "main") != ref and len(scans) == 3
    args = ["diff", str(repo), "--base", "HEAD~1", "-f", "json"]
    first = runner.invoke(app, args)
    assert len(scans) == 5 and first.exit_code == 0  # the merge base (named by its id), HEAD
    assert runner.invoke(app, args).stdout == first.stdout and len(scans) == 5


def test_result_cache_racy_clean(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file changed less than the slack before its stat was taken may change again
    without its stat changing: its stat entry is not trusted, and no result is stored."""
    import time

    import mlaudit.result_cache as result_cache
    from mlaudit.repo.sources import WorktreeSource

    repo = make_repo(tmp_path / "repo", FILES)
    # a slack longer than this test (on a slow machine 2 s may pass between two steps)
    monkeypatch.setattr(result_cache, "RACY_SLACK_NS", 10**12)
    assert scan_out(repo) == uncached(repo)  # files written within the slack: racily clean
    assert not list(cache_dir.glob("results-v*/*.pickle"))
    monkeypatch.setattr(result_cache, "RACY_SLACK_NS", 0)
    pinned = scan_out(repo)  # stored: requirements pinned
    assert list(cache_dir.glob("results-v*/*.pickle"))
    old_id = result_cache.content_id(WorktreeSource(repo.resolve()), "requirements.txt", 10**6)
    (repo / "requirements.txt").write_text("numpy>=1.26.4\nscikit-learn>=1.4\n")
    # the stat entry git's index would hold had the edit happened within the clock tick of
    # the stat: the new stat, the old bytes' id, taken "now"
    source = WorktreeSource(repo.resolve())
    source.list_files()
    stat = result_cache._stat_key(source.plain_stat("requirements.txt"))
    [stat_file] = cache_dir.glob("stat-v*/*.pickle")
    stored = result_cache.StatCache(cache_dir, repo.resolve())
    assert stored.file == stat_file and "requirements.txt" in stored.entries
    entries = dict(stored.entries)
    entries["requirements.txt"] = (stat, old_id)
    stored.save(entries, time.time_ns())
    monkeypatch.setattr(result_cache, "RACY_SLACK_NS", 10**12)
    unpinned = scan_out(repo)
    assert unpinned != pinned and unpinned == uncached(repo)


def test_result_cache_never_stores_a_timing_dependent_result(
    tmp_path: Path, cache_dir: Path, scans: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlaudit import budget

    repo = make_repo(tmp_path / "repo", FILES)
    real = budget.limit

    @contextlib.contextmanager
    def running_out(seconds: float) -> Iterator[None]:
        with real(seconds):
            yield
        budget.exceeded += 1  # as if a check had run out of its time budget

    monkeypatch.setattr(budget, "limit", running_out)
    scan_out(repo)
    assert not list(cache_dir.glob("results-v*/*.pickle")) and scans == [1]
    monkeypatch.setattr(budget, "limit", real)
    scan_out(repo)
    scan_out(repo)
    assert len(list(cache_dir.glob("results-v*/*.pickle"))) == 1 and scans == [1, 1]


def test_result_cache_no_cache_and_plain_folder(
    tmp_path: Path, cache_dir: Path, scans: list[int]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    uncached(repo)
    assert not cache_dir.exists()
    plain = make_repo(tmp_path / "plain", FILES, git_init=False)
    scan_out(plain)
    scan_out(plain)
    assert len(scans) == 3  # a plain folder has no git facts to key on: always scanned


def test_planted_pickle_reaching_subprocess_through_mlaudit_never_runs(
    tmp_path: Path, cache_dir: Path, scans: list[int]
) -> None:
    """`mlaudit.repo.git` imports subprocess: a pickle naming `mlaudit.repo.git.subprocess`
    (or getattr on it) would reach Popen. Only mlaudit's own data classes may be named."""
    repo = make_repo(tmp_path / "repo", FILES)
    expected = scan_out(repo)
    canary = tmp_path / "canary"
    command = ["touch", str(canary)]

    # hand-written opcodes: getattr(mlaudit.repo.git.subprocess, "Popen")(command)
    def global_op(module: str, name: str) -> bytes:
        return b"c" + module.encode() + b"\n" + name.encode() + b"\n"

    arg = pickle.dumps(command, protocol=0)[:-1]  # a list, without the STOP
    via_getattr = (
        global_op("builtins", "getattr")
        + b"("
        + global_op("mlaudit.repo.git", "subprocess")
        + pickle.dumps("Popen", protocol=0)[:-1]
        + b"tR("
        + arg
        + b"tR."
    )
    popen = global_op("mlaudit.repo.git", "Popen") + b"(" + arg + b"tR."
    system = global_op("mlaudit.repo.git", "os") + b"."
    for planted in (via_getattr, popen, system):
        for path in cache_dir.rglob("*.pickle"):
            path.write_bytes(planted)
        assert scan_out(repo) == expected
        assert not canary.exists()
    # the same bytes through the real unpickler would have run the command: the test can fail
    import mlaudit.repo.git  # noqa: F401

    pickle.loads(via_getattr).wait()
    assert canary.exists()


# the warm path: a hit imports no probe, parser or scorer -----------------------------------------
def settled_repo(tmp_path: Path) -> Path:
    """A repository whose files are not racily clean, so that a scan's result is stored
    (a subprocess runs with the real slack for coarse clocks)."""
    import time

    repo = make_repo(tmp_path / "repo", FILES)
    old = time.time() - 3600
    for path in repo.rglob("*"):
        if ".git" not in path.parts:
            os.utime(path, (old, old))
    time.sleep(2.1)  # ctime cannot be set back: let the slack for coarse clocks pass
    return repo


def test_a_hit_imports_no_probe_parser_or_scorer(tmp_path: Path, cache_dir: Path) -> None:
    repo = settled_repo(tmp_path)
    report = tmp_path / "report.json"
    program = textwrap.dedent(
        f"""\
        import sys
        from mlaudit.cli import main
        sys.argv = ["mlaudit", "scan", {str(repo)!r}, "-f", "json", "-o", "json={report}"]
        try:
            main()
        except SystemExit:
            pass
        print(" ".join(sorted(m for m in sys.modules if m.startswith("mlaudit"))))
        """
    )
    env = {**os.environ, "MLAUDIT_CACHE_DIR": str(cache_dir), "MLAUDIT_NO_PROGRESS": "1"}
    cold = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    )
    cold_report = report.read_text()
    warm = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    )
    assert report.read_text() == cold_report
    loaded = set(warm.stdout.splitlines()[-1].split())
    assert "mlaudit.scoring" in cold.stdout.splitlines()[-1].split()  # the cold run scanned
    for heavy in (
        "mlaudit.scoring",
        "mlaudit.maturity",
        "mlaudit.inventory",
        "mlaudit.probes.registry",
        "mlaudit.probes.base",
        "mlaudit.repo.snapshot",
        "mlaudit.repo.parsers.python_src",
        "mlaudit.repo.parsers.yaml_docs",
        "mlaudit.repo.secrets_history",
    ):
        assert heavy not in loaded, heavy


# the rubric cache (rubric/load.py) ---------------------------------------------------------------
def test_rubric_cache_skips_validation_and_follows_every_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlaudit.rubric import load
    from mlaudit.rubric.model import Rubric

    folder = tmp_path / "c"
    fresh = load.load_rubric()
    first = load.load_rubric(cache_dir=folder)
    assert list(folder.glob("rubrics-v*/*.pickle"))
    validations: list[int] = []
    real = Rubric.model_validate

    def counted(*args: object, **kwargs: object) -> Rubric:
        validations.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Rubric, "model_validate", counted)
    warm = load.load_rubric(cache_dir=folder)
    assert validations == [] and warm._rubric is None  # not validated, not even unpickled
    assert warm.sha256 == fresh.sha256 == first.sha256 and warm.path == fresh.path
    assert [c.id for _, c in warm.outline.checks()] == [c.id for _, c in fresh.rubric.checks()]
    assert all(c.with_ == {} for _, c in warm.outline.checks())  # no probe parameters
    assert warm.rubric == fresh.rubric and validations == []
    # a custom rubric: an edit of any file it is read from (here its `extends` base of
    # the same folder) is seen
    base = tmp_path / "base.yaml"
    base.write_text((load.rubrics_dir() / "default.yaml").read_text())
    for part in (load.rubrics_dir() / "default.d").iterdir():
        (tmp_path / "default.d").mkdir(exist_ok=True)
        (tmp_path / "default.d" / part.name).write_text(part.read_text())
    custom = tmp_path / "custom.yaml"
    custom.write_text("extends: base.yaml\ndisable: [REP001]\n")
    one = load.load_rubric(custom, cache_dir=folder)
    assert load.load_rubric(custom, cache_dir=folder).sha256 == one.sha256
    part = next((tmp_path / "default.d").iterdir())
    part.write_text(part.read_text().replace("title:", "title: x", 1))
    two = load.load_rubric(custom, cache_dir=folder)
    assert two.sha256 != one.sha256 and two.sha256 == load.load_rubric(custom).sha256
    # a corrupt entry is ignored and rewritten
    for entry in folder.glob("rubrics-v*/*.pickle"):
        entry.write_bytes(b"\x80\x05garbage")
    assert load.load_rubric(custom, cache_dir=folder).sha256 == two.sha256
    assert load.load_rubric(cache_dir=folder).sha256 == fresh.sha256
    assert all(e.read_bytes() != b"\x80\x05garbage" for e in folder.glob("rubrics-v*/*.pickle"))


def test_derived_facts_added_to_a_stored_file_are_saved(tmp_path: Path) -> None:
    """A per-file bundle that gains a derivation keeps its cache key: it is saved anyway."""
    from mlaudit.cache import DiskCache

    def bundle_after_run(add: str | None) -> dict[str, object]:
        cache = DiskCache(tmp_path / "c", "repo", "rubric")
        parses = cache.load_parses()
        bound = parses.bind(lambda path: "b" * 40)
        bundle = bound.derived("src/a.py")
        assert bundle is not None
        if add is not None:  # what Snapshot.per_file does when it keeps a new value
            bundle[add] = (add,)
            parses.derived_room -= 1
        cache.save_parses()
        return dict(bundle)

    assert bundle_after_run("first") == {"first": ("first",)}
    assert bundle_after_run("second") == {"first": ("first",), "second": ("second",)}
    assert bundle_after_run(None) == {"first": ("first",), "second": ("second",)}


# replaying a scan's output (run.Emission, result_cache.Replay) ------------------------------------
def run_scan(repo: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["scan", str(repo), *extra])
    return result.exit_code, result.stdout, result.stderr


def replays(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("outputs-v*/*.pickle"))


@pytest.mark.parametrize(
    "extra",
    [
        ("-f", "json"),
        ("-f", "markdown", "--full", "--fail-under-level", "4"),  # the gate in the comment
        ("-f", "sarif", "--fail-under-level", "4", "-q"),  # gate lines on stderr, exit 1
        ("-f", "junit", "--verbose"),
        ("-f", "html"),
    ],
)
def test_replay_prints_writes_and_exits_as_a_scan(
    tmp_path: Path, cache_dir: Path, scans: list[int], extra: tuple[str, ...]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    off = run_scan(repo, "--no-cache", *extra)
    cold = run_scan(repo, *extra)
    assert len(scans) == 2 and len(replays(cache_dir)) == 1
    warm = run_scan(repo, *extra)
    assert len(scans) == 2  # replayed: not scanned
    assert off == cold == warm
    assert off[0] == (1 if "--fail-under-level" in extra else 0)


def test_replay_writes_the_output_files_and_the_badge_beside_them(
    tmp_path: Path, cache_dir: Path, scans: list[int]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    out = tmp_path / "out"
    args = (
        "-f",
        "json",
        "-o",
        f"json={out / 'r.json'}",
        "-f",
        "badge",
        "-o",
        f"badge={out / 'b.svg'}",
    )
    first = run_scan(repo, *args)
    written = {p.name: p.read_text() for p in out.iterdir()}
    assert set(written) == {"r.json", "b.svg", "b.json"}
    for path in out.iterdir():
        path.unlink()
    assert run_scan(repo, *args) == first and len(scans) == 1
    assert {p.name: p.read_text() for p in out.iterdir()} == written


def test_replay_follows_every_output_option(
    tmp_path: Path, cache_dir: Path, scans: list[int]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    variants = [
        ("-f", "json"),
        ("-f", "markdown"),
        ("-f", "markdown", "--full"),
        ("-f", "markdown", "--repo-url", "https://github.com/o/r"),
        ("-f", "json", "--fail-under-level", "4"),
        ("-f", "json", "--fail-on", "high"),
    ]
    seen = [run_scan(repo, *args) for args in variants]
    assert len(scans) == 1 and len(replays(cache_dir)) == len(variants)
    assert [run_scan(repo, *args) for args in variants] == seen and len(scans) == 1
    for args, got in zip(variants, seen, strict=True):
        assert got == run_scan(repo, "--no-cache", *args), args


def test_no_replay_where_output_depends_on_more_than_the_inputs(
    tmp_path: Path, cache_dir: Path, scans: list[int]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    baseline = tmp_path / "baseline.json"
    run_scan(repo, "-f", "json", "--write-baseline", str(baseline))
    for args in [
        ("-f", "terminal"),  # rich reads the terminal
        ("-f", "github"),  # appends to the job summary
        ("-f", "json", "--timestamp"),
        ("-f", "json", "--baseline", str(baseline)),
    ]:
        run_scan(repo, *args)
        run_scan(repo, *args)
    assert len(scans) == 1  # every run after the first is a result-cache hit …
    assert replays(cache_dir) == []  # … but none of them is replayed


def test_a_corrupt_or_foreign_replay_is_ignored_and_rewritten(
    tmp_path: Path, cache_dir: Path, scans: list[int]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    first = run_scan(repo, "-f", "json")
    (entry,) = replays(cache_dir)
    for planted in (
        b"\x80\x05garbage",
        pickle.dumps({"key": "other", "events": [], "code": 0}),
        pickle.dumps({"key": None, "events": [("file", "/etc/passwd", "x")], "code": 0}),
    ):
        entry.write_bytes(planted)
        assert run_scan(repo, "-f", "json") == first
        assert entry.read_bytes() != planted
    # a stored entry with a malformed event is refused, never half-performed
    from mlaudit.result_cache import Replay

    assert Replay.from_stored([("file", None, "x")], 0) is None
    assert Replay.from_stored([("out", "/tmp/x", "x")], 0) is None
    assert Replay.from_stored([("out", None, b"x")], 0) is None
    assert Replay.from_stored([("out", None, "x")], 7) is None
    assert Replay.from_stored([("out", None, "x")], 1) is not None


def test_a_replay_imports_no_result_model_gate_or_renderer(tmp_path: Path, cache_dir: Path) -> None:
    repo = settled_repo(tmp_path)
    program = textwrap.dedent(
        f"""\
        import sys
        from mlaudit.cli import main
        sys.argv = ["mlaudit", "scan", {str(repo)!r}, "-f", "json"]
        try:
            main()
        except SystemExit:
            pass
        sys.stderr.write(" ".join(sorted(m for m in sys.modules if m.startswith("mlaudit"))))
        """
    )
    env = {**os.environ, "MLAUDIT_CACHE_DIR": str(cache_dir), "MLAUDIT_NO_PROGRESS": "1"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout
    cold = set(runs[0].stderr.split())
    warm = set(runs[1].stderr.split())
    for heavy in ("mlaudit.results", "mlaudit.gate", "mlaudit.report.json", "mlaudit.scoring"):
        assert heavy in cold and heavy not in warm, heavy


# bounded memory at scale (the parse file, the entry budget, text in one scan) -----------------
def test_a_parse_file_is_written_in_chunks_and_read_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks are pickled with a fresh memo each (a single memo over a 100,000-file parse
    file cost more memory than the scan) and read back with one each (a memo carried over
    from the previous chunk resolves this chunk's back-references to the wrong objects: every
    parse file of more than one chunk was rejected); a file cut anywhere is ignored, never
    half-read."""
    from mlaudit import cache as cache_mod

    monkeypatch.setattr(cache_mod, "PARSE_CHUNK_ENTRIES", 7)
    disk = cache_mod.DiskCache(tmp_path / "c", "repo", "rubric")
    parses = disk.load_parses()
    bound = parses.bind(lambda path: hashlib.sha1(path.encode()).hexdigest())
    problems: dict[str, str] = {}

    def value(i: int) -> dict[str, object]:
        shared = [f"item {i}"]  # one object reached twice: a back-reference into the memo
        return {"n": i, "first": shared, "again": shared}

    for i in range(50):
        bound.get_or_build(problems, "yaml", f"f{i}.yaml", lambda i=i: value(i))
    disk.save_parses()
    data = disk.parse_file.read_bytes()
    assert data.count(b"\x80\x05") >= 8  # 50 entries in chunks of 7: 8 pickles
    entries = cache_mod.load_parse_entries(disk.parse_file)
    assert entries is not None and len(entries) == 50
    for i in range(50):
        path = f"f{i}.yaml"
        got, problem = entries[("yaml", path, hashlib.sha1(path.encode()).hexdigest())]
        assert got == value(i) and problem is None
        assert got["first"] is got["again"]
    for cut in (len(data) // 3, len(data) - 1):
        disk.parse_file.write_bytes(data[:cut])
        assert cache_mod.load_parse_entries(disk.parse_file) is None
        assert cache_mod.DiskCache(tmp_path / "c", "repo", "rubric").load_parses().entries == {}


def test_the_entry_budget_bounds_what_one_run_keeps(tmp_path: Path) -> None:
    from mlaudit.repo.parse_cache import ParseCache

    parses = ParseCache(entry_room=3)
    bound = parses.bind(lambda path: "b" * 40)
    built: list[str] = []

    def build(path: str) -> str:
        built.append(path)
        return path.upper()

    problems: dict[str, str] = {}
    for _ in range(2):
        assert [bound.get_or_build(problems, "yaml", p, lambda p=p: build(p)) for p in "abcde"] == [
            *"ABCDE"
        ]
    assert len(parses.entries) == 3 and parses.entry_room == 0
    assert built == [*"abcde", "d", "e"]  # kept ones are not built again, the rest are
    assert bound.derived("z.py") is None  # no room for a new bundle either


def test_one_scan_shares_a_texts_problem_but_not_the_text(tmp_path: Path) -> None:
    """A single scan's Snapshot keeps the text it reads; only a problem must be shared, so that
    the parsed views of that file replay it in the next run."""
    from mlaudit.repo.parse_cache import ParseCache

    parses = ParseCache(share_text=False)
    bound = parses.bind(lambda path: "b" * 40)
    problems: dict[str, str] = {}
    assert bound.get_or_build(problems, "text", "ok.yaml", lambda: "a: 1\n") == "a: 1\n"

    def unreadable() -> None:
        problems["blob.yaml"] = "binary file"

    bound.get_or_build(problems, "text", "blob.yaml", unreadable)
    bound.get_or_build(problems, "yaml", "blob.yaml", lambda: None)
    assert {key[:2] for key in parses.entries} == {("text", "blob.yaml"), ("yaml", "blob.yaml")}
    assert parses.entries[("yaml", "blob.yaml", "b" * 40)] == (None, "binary file")


def test_a_binary_files_problem_is_the_same_cold_and_warm(tmp_path: Path, cache_dir: Path) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {**FILES, "conf/blob.yaml": "a: \0\0\0 binary\n", "conf/ok.yaml": "b: 2\n"},
    )
    off = runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"]).stdout
    assert "binary file" in off
    assert scan_json(repo) == off  # cold
    (repo / "README.md").write_text("# demo, edited\n")  # a miss of the result cache, parses warm
    off = runner.invoke(app, ["scan", str(repo), "-f", "json", "--no-cache"]).stdout
    assert scan_json(repo) == off


def test_slotted_parse_facts_pickle_as_constructor_calls() -> None:
    """The parse facts a cache file holds most of (calls, imports, commits) are rebuilt from
    their field values, through the cache's own unpickler, equal to what was stored and
    without dataclasses' per-object `fields()` walk."""
    from mlaudit import cache as cache_mod
    from mlaudit.repo.history import Commit
    from mlaudit.repo.parsers.python_src import parse_python
    from mlaudit.repo.parsers.yaml_docs import parse_yaml
    from mlaudit.repo.pickling import pickled_by_fields

    facts = parse_python(
        "import torch\nfrom x import y\ntry:\n    y(a=1, *z, **k)\nexcept ValueError:\n"
        "    raise\nTHRESHOLD = 0.5\nclass T(torch.nn.Module):\n    pass\n"
    )
    assert facts.calls and facts.imports and facts.assignments and facts.handlers
    commit = Commit("a" * 40, 1, "n", "e@x", ("b" * 40,), "subject", ("f.py",))
    values = [facts, parse_yaml("a: [1, 2]\n"), commit]
    data = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    for obj in (*values, facts.calls[0], facts.imports[0], facts.assignments[0], facts.handlers[0]):
        assert obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)[0] is type(obj)  # a constructor call
    assert cache_mod.loads(data) == values

    import dataclasses

    @dataclasses.dataclass
    class Derived:
        value: int
        kept: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="outside its constructor"):
        pickled_by_fields(Derived)


def test_a_scan_from_an_empty_cache_saves_what_it_built_and_a_warm_one_drops_the_rest(
    tmp_path: Path,
) -> None:
    """A scan that starts from an empty cache uses every entry it holds: it keeps no set of
    used keys (4 MiB at 100,000 files). One that loaded entries saves only those it used, so
    a file that left the tree leaves the cache."""
    from mlaudit.cache import DiskCache

    def run(paths: str, track: bool | None = None) -> set[str]:
        cache = DiskCache(tmp_path / "c", "repo", "rubric")
        parses = cache.load_parses()
        if track is not None:
            parses.track_used = track
        bound = parses.bind(lambda path: "b" * 40)
        for path in paths:
            bound.get_or_build({}, "yaml", path, lambda path=path: path.upper())
        cache.save_parses()
        return {key[1] for key in DiskCache(tmp_path / "c", "repo", "rubric").load_parses().entries}

    assert run("abc", track=False) == {"a", "b", "c"}
    assert run("ab") == {"a", "b"}  # c was not used: dropped


def test_one_scan_keeps_no_memo_that_only_a_next_snapshot_reads(
    tmp_path: Path, cache_dir: Path
) -> None:
    """Where an import leads is remembered per path for the next history point; one scan
    has none (43,000 entries at 100,000 files for nothing). History still keeps it."""
    from mlaudit.cache import attach
    from mlaudit.probes.code_roles import code_roles
    from mlaudit.repo.parse_cache import ParseCache
    from mlaudit.repo.worktree import open_worktree
    from mlaudit.rubric.load import load_rubric

    repo = make_repo(
        tmp_path / "repo",
        {
            "app/serve.py": "from app import model\n",
            "app/model.py": "x = 1\n",
            "app/__init__.py": "",
        },
    )
    scan = open_worktree(repo)
    assert attach(scan, repo, load_rubric()) is not None
    leads = [("app/__init__.py", 1), ("app/model.py", 1)]  # the package, then the module
    assert code_roles(scan).imports["app/serve.py"] == leads
    assert ("code_roles.led",) not in scan._tree_memo

    point = open_worktree(repo)
    point.parse_cache = ParseCache().bind(lambda path: None)  # history: Snapshots share it
    assert code_roles(point).imports["app/serve.py"] == leads
    assert ("code_roles.led",) in point._tree_memo
