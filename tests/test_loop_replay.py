"""Per-file loops replayed between consecutive Snapshots (Snapshot.per_file_loop).

A history point asks the same per-file loops as the point before it, over (nearly) the same
files. The loop is replayed: only files whose blob changed, or that the list did not hold
before, are read and derived again; files that recorded a problem are read again so the
point records it. Each point must still answer exactly like a Snapshot of its commit that
shares nothing: the loop's result, in order, and the problems it recorded.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import commit, git, make_repo
from typer.testing import CliRunner

from mlaudit import timeline
from mlaudit.cli import app
from mlaudit.probes.base import imports_of
from mlaudit.repo.gitref import GitRefSource
from mlaudit.repo.parse_cache import ParseCache
from mlaudit.repo.snapshot import MIN_REPLAYED_PATHS, Snapshot

runner = CliRunner()
WIDE = MIN_REPLAYED_PATHS + 4  # enough files for the loops to be replayed


def module(n: int, *imports: str) -> str:
    return "".join(f"import {m}\n" for m in imports) + f"\n\ndef f{n}():\n    return {n}\n"


def stepped_repo(root: Path) -> tuple[Path, list[str]]:
    """One kind of change per commit; returns the repository and its commits, oldest first."""
    files = {f"pkg/m{n:02}.py": module(n, "os") for n in range(WIDE)}
    files["pkg/m03.py"] = module(3, "numpy")
    files["pkg/broken_always.py"] = "def broken(:\n"
    make_repo(root, files, message="start")
    steps: list[tuple[str, dict[str, str]]] = [
        # a changed file whose derived value does not change (still no numpy import)
        ("same value", {"pkg/m01.py": module(1, "os") + "# a comment\n"}),
        # a changed file whose derived value changes (it now imports numpy)
        ("new value", {"pkg/m02.py": module(2, "numpy", "os")}),
        # a changed file whose value becomes empty, and one that stops parsing
        ("gone value, broken", {"pkg/m03.py": module(3, "os"), "pkg/m04.py": "def x(:\n"}),
        # a file added (importing numpy) and the broken one fixed
        ("added", {"pkg/m99.py": module(99, "numpy"), "pkg/m04.py": module(4, "numpy")}),
    ]
    for message, changed in steps:
        commit(root, changed, message)
    git(root, "rm", "-q", "pkg/m02.py")  # a file removed
    git(root, "commit", "-q", "-m", "removed")
    commits = git(root, "rev-list", "--reverse", "HEAD").split()
    return root, commits


def open_at(root: Path, sha: str, cache: ParseCache) -> Snapshot:
    source = GitRefSource(root, sha)
    snap = Snapshot(source=source, root_name=root.name, display_path=str(root))
    snap.parse_cache = cache.bind(source.blob_id)
    return snap


def numpy_imports(snap: Snapshot, paths: list[str]) -> list[tuple[str, Any]]:
    return imports_of(snap, paths, ("numpy",))


def test_a_replayed_loop_answers_like_a_snapshot_that_shares_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, commits = stepped_repo(tmp_path / "repo")
    shared = ParseCache()
    asked: list[str] = []
    python = Snapshot.python

    def counting(self: Snapshot, path: str) -> Any:
        asked.append(path)
        return python(self, path)

    results = []
    for number, sha in enumerate(commits):
        fresh = open_at(root, sha, ParseCache())
        want = numpy_imports(fresh, fresh.python_files)
        snap = open_at(root, sha, shared)
        asked.clear()
        monkeypatch.setattr(Snapshot, "python", counting)
        got = numpy_imports(snap, snap.python_files)
        again = numpy_imports(snap, list(reversed(snap.python_files)))  # same files, reordered
        assert numpy_imports(snap, snap.python_files) == got  # and back: the next point's
        monkeypatch.setattr(Snapshot, "python", python)  # loop replays this same list
        assert got == want, sha
        assert again == list(reversed(want)), sha
        assert snap.problems == fresh.problems, sha  # the unparsable files are recorded
        if number:
            # replayed: only the changed, added and broken files were read again
            assert len(set(asked)) <= 4, asked
        results.append(dict(got))
        snap.source.close()
        fresh.source.close()
    assert "pkg/m02.py" not in results[1] and "pkg/m02.py" in results[2]  # value changed
    assert results[1].keys() == results[0].keys()  # value unchanged
    assert "pkg/m03.py" in results[2] and "pkg/m03.py" not in results[3]  # value gone
    assert "pkg/m99.py" in results[4] and "pkg/m04.py" in results[4]  # added, fixed
    assert "pkg/m02.py" not in results[5]  # removed


def test_each_history_point_equals_a_cold_scan_of_its_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole assessment, with enough files for every per-file loop to be replayed."""
    root, commits = stepped_repo(tmp_path / "repo")
    commit(
        root,
        {
            "pkg/train.py": textwrap.dedent(
                """\
                import mlflow
                import numpy as np

                def train():
                    np.random.seed(0)
                    mlflow.log_param("C", 1.0)
                """
            ),
            "tests/test_train.py": "from pkg.train import train\n\ndef test_t():\n"
            "    assert train() is None\n",
        },
        "training",
    )
    commit(root, {"pkg/m05.py": "def broken(:\n"}, "one more broken file")
    seen: dict[str, dict[str, Any]] = {}
    summarise = timeline.summarise

    def keep(point: Any, assessment: Any, previous: Any) -> Any:
        seen[point.commit] = assessment.model_dump(mode="json")
        return summarise(point, assessment, previous)

    monkeypatch.setattr(timeline, "summarise", keep)
    count = len(commits) + 2
    result = runner.invoke(
        app, ["history", str(root), "--last", str(count), "--no-cache", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    assert len(seen) == count
    for sha, point in seen.items():
        cold = runner.invoke(app, ["scan", str(root), "--ref", sha, "--no-cache", "-f", "json"])
        assert cold.exit_code in (0, 1), cold.output
        want = json.loads(cold.stdout)
        for item in want["results"]:
            item.pop("doc_url", None)
        for data in (point, want):
            for item in data["results"]:
                if item["check"] == "SEC014":  # a point counts the commits it reaches
                    item.pop("message")
        # a history shows no stack inventory, so its points compute none (scoring.assess)
        assert point["inventory"] == {"catalogue": "", "categories": []}
        skip = ("target", "generated_at", "gate", "counts", "inventory")
        got = {k: v for k, v in point.items() if k not in skip}
        assert got == {k: v for k, v in want.items() if k not in skip}, sha


def test_loops_past_the_memory_budget_are_run_not_kept(tmp_path: Path) -> None:
    root, commits = stepped_repo(tmp_path / "repo")
    cache = ParseCache(loop_room=WIDE - 1)  # less room than one loop's paths
    for sha in commits[:2]:
        snap, fresh = open_at(root, sha, cache), open_at(root, sha, ParseCache())
        assert numpy_imports(snap, snap.python_files) == numpy_imports(fresh, fresh.python_files)
        snap.source.close()
        fresh.source.close()
    assert cache.loops == {} and cache.loop_room == WIDE - 1


def test_call_names_matched_at_the_previous_point_are_reused_only_for_the_same_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """python_calls keeps the names of the call index a check matched; the next point with
    the same names (in the same order) reuses them, any other list of names is matched again,
    and every point finds what a Snapshot sharing nothing finds."""
    from helpers import run_probe

    from mlaudit.probes import generic

    root = tmp_path / "repo"
    files = {f"pkg/m{n:02}.py": module(n, "os") for n in range(WIDE)}
    files["pkg/train.py"] = "import mlflow\n\nmlflow.log_metric('a', 1)\n"
    make_repo(root, files, message="start")
    commit(root, {"pkg/train.py": files["pkg/train.py"] + "# same calls\n"}, "same names")
    commit(root, {"pkg/m01.py": "import mlflow\n\nmlflow.log_param('p', 2)\n"}, "a new name")
    commit(
        root, {"pkg/train.py": "import os\n\nos.getcwd()\n", "pkg/m01.py": "X = 1\n"}, "no mlflow"
    )
    commits = git(root, "rev-list", "--reverse", "HEAD").split()
    matched: list[int] = []
    real = generic._matching_names

    def counting(snap: Snapshot, index: Any, key: Any, match: Any) -> list[str]:
        def counted(name: str) -> bool:
            matched.append(1)
            return match(name)

        return real(snap, index, key, counted)

    monkeypatch.setattr(generic, "_matching_names", counting)
    shared = ParseCache()
    asked_per_point = []
    for sha in commits:
        fresh = open_at(root, sha, ParseCache())
        snap = open_at(root, sha, shared)
        matched.clear()
        got = run_probe(snap, "python_calls", calls=["mlflow.log_*"])
        asked_per_point.append(len(matched))
        want = run_probe(fresh, "python_calls", calls=["mlflow.log_*"])
        assert (got.outcome, got.evidence) == (want.outcome, want.evidence), sha
        snap.source.close()
        fresh.source.close()
    assert asked_per_point[0] > 0  # the first point matches every name
    assert asked_per_point[1] == 0  # the same names: the previous answer
    assert asked_per_point[2] > 0 and asked_per_point[3] > 0  # other names: matched again


def test_a_glob_of_the_next_list_of_paths_starts_from_the_last_answer() -> None:
    """Consecutive history points add or remove a few paths: a glob is answered from the
    previous list's answer and the changed paths, equal to matching every path again."""
    from mlaudit.repo.globs import glob_matcher
    from mlaudit.repo.parse_cache import ParseCache

    cache = ParseCache()
    first = [f"src/m{i}.py" for i in range(50)] + ["README.md", "docs/x.py"]
    tree = cache.tree(sorted(first))
    test = glob_matcher("src/*.py")
    tree.globs["src/*.py"] = [p for p in first if test(p)]
    second = sorted([*first[1:], "src/new.py", "notes.txt"])  # one removed, two added
    nxt = cache.tree(second)
    assert nxt.glob_from_delta("src/*.py", test) is not None
    assert sorted(nxt.glob_from_delta("src/*.py", test) or []) == sorted(
        p for p in second if test(p)
    )
    assert nxt.glob_from_delta("*.md", glob_matcher("*.md")) is None  # nothing to start from
    assert tree.delta is None  # one step back at most
    # a list that changed too much is matched afresh
    third = cache.tree([f"lib/f{i}.py" for i in range(60)])
    assert third.delta is None
