"""`mlaudit history` on real git repositories built in tmp_path: which commits (ordering of
release tags, --last/--since/--every sampling, explicit refs, a tag at a non-commit, merges
on the first-parent line, a shallow clone), what each point holds (equal to a cold
`scan --ref` of that commit, renamed files included), and every output format."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import textwrap
from pathlib import Path

import pytest
from helpers import commit, git, make_repo
from typer.testing import CliRunner

from mlaudit.cli import app
from mlaudit.history_select import select_points, version_key
from mlaudit.report.overview import csv_cell, sparkline

runner = CliRunner()

TRAIN = textwrap.dedent(
    """\
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    def train(x, y):
        np.random.seed(0)
        return LogisticRegression().fit(x, y)
    """
)
TEST = "from demo.train import train\n\ndef test_train():\n    assert train\n"
CI = textwrap.dedent(
    """\
    name: ci
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: pip install -r requirements.txt
          - run: pytest
    """
)


def evolving_repo(root: Path) -> Path:
    """Three releases that get better: v0.1.0 (code), v0.2.0 (+ pinned deps, tests),
    v1.0.0 (+ CI). Tags are created out of version order."""
    make_repo(root, {"README.md": "# demo\n", "src/demo/train.py": TRAIN}, message="start")
    git(root, "tag", "v0.1.0")
    commit(
        root,
        {"requirements.txt": "numpy==1.26.4\nscikit-learn==1.4.2\n", "tests/test_train.py": TEST},
        "pin and test",
        date="2024-02-01T12:00:00Z",
    )
    commit(root, {".github/workflows/ci.yml": CI}, "ci", date="2024-03-01T12:00:00Z")
    git(root, "tag", "v1.0.0")
    git(root, "tag", "v0.2.0", "HEAD~1")
    git(root, "tag", "v1.0.0-rc.1", "HEAD~1")
    git(root, "tag", "nightly")  # not a version: left out of --tags
    return root


def history_json(*args: str) -> dict:
    result = runner.invoke(app, ["history", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_version_order_puts_prereleases_before_their_release() -> None:
    tags = ["v1.10.0", "v1.2.0", "v1.9.0", "v1.9.0-rc.1", "1.9.0b2", "release-0.5", "nightly"]
    ordered = sorted((t for t in tags if version_key(t)), key=lambda t: version_key(t) or ())
    assert ordered == ["release-0.5", "v1.2.0", "1.9.0b2", "v1.9.0-rc.1", "v1.9.0", "v1.10.0"]
    assert version_key("nightly") is None


def test_tags_are_audited_in_version_order_and_improve(tmp_path: Path) -> None:
    repo = evolving_repo(tmp_path / "repo")
    data = history_json(str(repo), "--tags")
    refs = [p["ref"] for p in data["points"]]
    # v0.2.0 and v1.0.0-rc.1 name the same commit: one point, both names
    assert refs == ["v0.1.0", "v0.2.0, v1.0.0-rc.1", "v1.0.0"]
    indexes = [p["index"] for p in data["points"]]
    assert indexes[0] < indexes[-1]
    assert any("not versions" in n for n in data["notes"])
    # the change log says which checks changed, in which direction
    changed = {c["check"]: (c["before"], c["after"]) for c in data["points"][1]["changes"]}
    assert changed, "adding pinned requirements and tests must change checks"
    assert all(before != after for before, after in changed.values())
    assert data["points"][0]["changes"] == []


def test_each_point_equals_a_cold_scan_of_that_commit(tmp_path: Path) -> None:
    """Shared parses (by blob id) and the shared history must not change any result —
    a renamed file included (it is a new path: parsed again, evidence under its new name)."""
    repo = evolving_repo(tmp_path / "repo")
    git(repo, "mv", "tests/test_train.py", "tests/unit_test_train.py")
    git(repo, "commit", "-q", "-m", "rename", date="2024-04-01T12:00:00Z")
    data = history_json(str(repo), "--last", "4")
    assert len(data["points"]) == 4
    for point in data["points"]:
        cold = runner.invoke(app, ["scan", str(repo), "--ref", point["commit"], "-f", "json"])
        assessment = json.loads(cold.stdout)
        outcomes = {r["check"]: r["outcome"] for r in assessment["results"]}
        assert point["outcomes"] == outcomes, point["ref"]
        assert point["level"] == assessment["overall_level"]
        assert point["index"] == assessment["overall_score"] or "maturity_index" in assessment


def test_renamed_test_file_keeps_testing_checks(tmp_path: Path) -> None:
    repo = evolving_repo(tmp_path / "repo")
    git(repo, "mv", "tests/test_train.py", "tests/test_model_training.py")
    git(repo, "commit", "-q", "-m", "rename", date="2024-04-01T12:00:00Z")
    data = history_json(str(repo), "--last", "2")
    assert data["points"][1]["changes"] == []  # a rename changes no outcome


def test_last_since_and_every_sample_the_first_parent_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# r\n"})
    for day in range(2, 10):
        commit(repo, {f"f{day}.txt": "x"}, f"c{day}", date=f"2024-01-{day:02d}T12:00:00Z")
    head = git(repo, "rev-parse", "HEAD").strip()
    sel = select_points(repo, last=5, every=2)
    assert len(sel.points) == 3 and sel.points[-1].commit == head  # the newest is kept
    stamps = [p.timestamp for p in sel.points]
    assert stamps == sorted(stamps)  # oldest first
    sel = select_points(repo, since="2024-01-07")
    assert [p.commit for p in sel.points][-1] == head and len(sel.points) == 3
    assert len(select_points(repo).points) == 9  # default: the last 20


def test_merges_are_one_point_on_the_first_parent_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# r\n", "src/demo/train.py": TRAIN})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"tests/test_train.py": TEST}, "side 1", date="2024-01-02T12:00:00Z")
    commit(repo, {"requirements.txt": "numpy==1.26.4\n"}, "side 2", date="2024-01-03T12:00:00Z")
    side = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "main")
    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "merge feature",
        "feature",
        date="2024-01-04T12:00:00Z",
    )
    data = history_json(str(repo), "--last", "10")
    commits = [p["commit"] for p in data["points"]]
    assert len(commits) == 2 and side not in commits
    assert data["points"][1]["changes"], "the merge brings the side branch's tests"
    # an explicit ref off the first-parent line is audited, in the order given
    data = history_json(str(repo), "--ref", "feature", "--ref", "main~1")
    assert [p["ref"] for p in data["points"]] == ["feature", "main~1"]


def test_tag_at_a_tree_or_blob_is_skipped_with_a_note(tmp_path: Path) -> None:
    repo = evolving_repo(tmp_path / "repo")
    tree = git(repo, "write-tree").strip()
    git(repo, "tag", "v9.0.0", tree)
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"], cwd=repo, input=b"x", capture_output=True
        )
        .stdout.decode()
        .strip()
    )
    git(repo, "tag", "-a", "v9.1.0", "-m", "blob", blob)
    data = history_json(str(repo), "--tags")
    assert "v9.0.0" not in [p["ref"] for p in data["points"]]
    assert set(data["skipped"]) == {"v9.0.0", "v9.1.0"}
    notes = " ".join(data["notes"])
    assert "v9.0.0 points at a tree" in notes and "v9.1.0 points at a blob" in notes
    # only non-commits: nothing can be read → exit 3, with the reason
    result = runner.invoke(app, ["history", str(repo), "--ref", "v9.0.0"])
    assert result.exit_code == 3
    assert "names no commit" in result.stderr


def test_shallow_clone_reads_what_is_there_and_says_so(tmp_path: Path) -> None:
    origin = evolving_repo(tmp_path / "origin")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)],
        check=True,
        capture_output=True,
    )
    data = history_json(str(clone), "--last", "5")
    assert len(data["points"]) == 1
    assert any("shallow clone" in n and "fetch-depth: 0" in n for n in data["notes"])
    result = runner.invoke(app, ["history", str(clone), "--ref", "v0.1.0"])
    assert result.exit_code == 3
    assert "shallow" in result.stderr and "Traceback" not in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    repo = evolving_repo(tmp_path / "repo")
    for args in (["--since", "yesterday-ish"], ["--ref", "--upload-pack=x"], ["-f", "pdf"]):
        result = runner.invoke(app, ["history", str(repo), *args])
        assert result.exit_code == 2, (args, result.output)


def test_not_a_repository_exits_3(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    result = runner.invoke(app, ["history", str(tmp_path / "plain")])
    assert result.exit_code == 3
    assert "not inside a git repository" in result.stderr


def test_every_format(tmp_path: Path) -> None:
    repo = evolving_repo(tmp_path / "repo")
    out = tmp_path / "out"
    args = ["history", str(repo), "--tags"]
    for fmt in ("csv", "markdown", "html", "terminal"):
        args += ["-o", f"{fmt}={out}/h.{fmt}"]
    result = runner.invoke(app, [*args, "-v"])
    assert result.exit_code == 0, result.output
    assert "parsed files reused" in result.stderr
    rows = list(csv.DictReader(io.StringIO((out / "h.csv").read_text())))
    assert [r["ref"] for r in rows] == ["v0.1.0", "v0.2.0, v1.0.0-rc.1", "v1.0.0"]
    assert {"index", "level", "level_data", "REP", "improved", "regressed"} <= set(rows[0])
    md = (out / "h.markdown").read_text()
    assert "| date | ref |" in md and "## Checks that changed" in md
    html = (out / "h.html").read_text()
    assert "<svg" in html and "<script" not in html and "default-src &#39;none&#39;" in html
    assert 'class="trend"' in html and "lv" in html
    term = (out / "h.terminal").read_text()
    assert "maturity index" in term and "checks that changed" in term


def test_byte_identical_runs(tmp_path: Path) -> None:
    repo = evolving_repo(tmp_path / "repo")
    first = runner.invoke(app, ["history", str(repo), "--tags", "-f", "html"]).stdout
    second = runner.invoke(app, ["history", str(repo), "--tags", "-f", "html"]).stdout
    assert first == second


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("v1.0", "v1.0"),
        (None, ""),
        (2.5, "2.5"),
    ],
)
def test_csv_cells_are_inert(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_sparkline_marks_unknown() -> None:
    assert sparkline([0, 50, None, 100]) == "▁▅·█"


def test_a_past_commit_sees_only_the_tags_it_reaches(tmp_path: Path) -> None:
    """`scan --ref` and every history point read the repository as of their commit: a tag
    on a later commit (or on a branch the commit does not reach) did not exist then. A scan
    of the work tree reads the repository as it is: every tag."""
    repo = make_repo(tmp_path / "repo", {"README.md": "# demo\n", "src/demo/train.py": TRAIN})
    first = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"CHANGELOG.md": "# 1.0.0\n"}, "release", date="2024-02-01T12:00:00Z")
    git(repo, "tag", "v1.0.0")
    git(repo, "checkout", "-q", "-b", "maintenance", first)
    commit(repo, {"NOTES.md": "fix\n"}, "fix", date="2024-03-01T12:00:00Z")
    git(repo, "tag", "v0.9.1")
    git(repo, "checkout", "-q", "main")

    def release_tags(*args: str) -> tuple[str, list[str]]:
        result = runner.invoke(app, ["scan", str(repo), *args, "-f", "json", "--no-cache"])
        (ver010,) = [r for r in json.loads(result.stdout)["results"] if r["check"] == "VER010"]
        notes = [e["note"] or "" for e in ver010["evidence"]]
        return ver010["outcome"], sorted(n for n in notes if n.startswith("tag "))

    assert release_tags("--ref", first) == ("fail", [])
    assert release_tags("--ref", "main") == ("pass", ["tag v1.0.0"])
    assert release_tags("--ref", "maintenance")[1] == ["tag v0.9.1"]
    assert release_tags()[1] == ["tag v0.9.1", "tag v1.0.0"]
    data = history_json(str(repo), "--ref", first, "--ref", "main", "--ref", "maintenance")
    outcomes = [p["outcomes"]["VER010"] for p in data["points"]]
    assert outcomes == ["fail", "pass", release_tags("--ref", "maintenance")[0]]


def test_a_history_point_skips_only_the_stack_inventory(tmp_path: Path) -> None:
    # history shows no inventory, so its points do not compute one (a tenth of a point's
    # cost); everything else of the assessment is the scan's
    from helpers import snapshot

    from mlaudit.results import Inventory
    from mlaudit.rubric.load import load_rubric
    from mlaudit.scoring import assess

    snap = snapshot(tmp_path / "r", {"train.py": "import mlflow\nmlflow.log_metric('a', 1)\n"})
    loaded = load_rubric()
    full = assess(snap, loaded)
    light = assess(snap, loaded, inventory=False)
    assert full.inventory.categories and light.inventory == Inventory()
    assert light.model_copy(update={"inventory": full.inventory}) == full
