"""The trust model (issue #13, class 8; docs/security.md): what the scanned repository may
configure about its own audit, and what only the person running the scan may.

The red-team case: the repository's own config waives every check until 2999 — including
committed-secrets — with a token committed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import string
from pathlib import Path

import pytest
from gating_helpers import invoke
from helpers import make_repo

from mlaudit.rubric.load import load_rubric
from mlaudit.trust import HORIZON_DAYS, disqualifiers

_RNG = random.Random(13)
TOKEN = "gh" + "p_" + "".join(_RNG.choice(string.ascii_letters + string.digits) for _ in range(36))


def _recent(days_ago: int) -> str:
    day = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=days_ago)
    return f"{day.isoformat()}T12:00:00Z"


def _waive_everything(until: str = "2999-12-31") -> str:
    rubric = load_rubric().rubric
    lines = ["waivers:"]
    for _, check in rubric.checks():
        lines.append(f"  - {{check: {check.id}, reason: self-issued, until: {until}}}")
    return "\n".join(lines) + "\n"


def _repo(tmp_path: Path, config: str, date: str) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    from helpers import git, write_files

    write_files(
        root,
        {
            "train.py": f'TOKEN = "{TOKEN}"\n',
            "requirements.txt": "numpy\n",
            ".mlaudit.yaml": config,
        },
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init", date=date)
    return root


def _results(run_stdout: str) -> dict[str, dict[str, object]]:
    data = json.loads(run_stdout)
    return {r["check"]: r for r in data["results"]}


def test_self_issued_waivers_cannot_hide_a_committed_secret(tmp_path: Path) -> None:
    repo = _repo(tmp_path, _waive_everything(), _recent(10))
    run = invoke(["scan", str(repo), "-f", "json", "--fail-on", "critical"])
    results = _results(run.stdout)
    secrets = results["SEC010"]
    assert secrets["outcome"] == "fail" and not secrets["waived_by"]
    assert run.code == 1, run.stderr  # the operator's gate still fails
    assert "a repository cannot waive a disqualifier" in run.stderr
    waived = [r for r in results.values() if r["waived_by"]]
    assert waived, "other checks are waived (bounded, labelled)"
    assert all(r["waiver_origin"] == "repository" for r in waived)
    assert all("waived by the repository until" in str(r["waived_by"]) for r in waived)


def test_every_disqualifier_is_refused_from_the_repository() -> None:
    rubric = load_rubric().rubric
    names = {c.name for _, c in rubric.checks() if c.id in disqualifiers(rubric)}
    assert {"committed-secrets", "notebook-only"} <= names


def test_repository_waiver_horizon_is_relative_to_the_commit_date(tmp_path: Path) -> None:
    date = _recent(10)
    repo = _repo(tmp_path, _waive_everything(), date)
    last = dt.date.fromisoformat(date[:10]) + dt.timedelta(days=HORIZON_DAYS)
    first = invoke(["scan", str(repo), "-f", "json"])
    again = invoke(["scan", str(repo), "-f", "json"])
    assert first.stdout == again.stdout  # deterministic for the same commit
    labels = {str(r["waived_by"]) for r in _results(first.stdout).values() if r["waived_by"]}
    assert labels == {f"self-issued (waived by the repository until {last.isoformat()})"}


def test_repository_waivers_of_an_old_commit_have_expired(tmp_path: Path) -> None:
    repo = _repo(tmp_path, _waive_everything(), "2020-06-01T12:00:00Z")
    run = invoke(["scan", str(repo), "-f", "json"])
    assert not any(r["waived_by"] for r in _results(run.stdout).values())
    assert "expired on 2021-06-01 (a repository's own waiver holds at most one year" in run.stderr


def test_the_operator_may_waive_a_disqualifier(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "profile: auto\n", _recent(1))
    operator = tmp_path / "operator.yaml"
    operator.write_text(
        "waivers:\n  - {check: committed-secrets, reason: rotated, until: 2999-01-01}\n"
    )
    run = invoke(["scan", str(repo), "-f", "json", "--config", str(operator)])
    secrets = _results(run.stdout)["SEC010"]
    assert secrets["waived_by"] == "rotated (waived until 2999-01-01)"
    assert secrets["waiver_origin"] == "operator"


@pytest.mark.parametrize(
    "selection", ["ignore: [SEC]", "select: [DOC]", "extend-ignore: [committed-secrets]"]
)
def test_the_repository_cannot_deselect_a_disqualifier(tmp_path: Path, selection: str) -> None:
    repo = _repo(tmp_path, selection + "\n", _recent(1))
    results = _results(invoke(["scan", str(repo), "-f", "json"]).stdout)
    assert results["SEC010"]["outcome"] == "fail"
    assert "SEC004" not in results or selection.startswith("extend")  # the rest is honoured


def test_the_operator_may_deselect_anything(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "profile: auto\n", _recent(1))
    results = _results(invoke(["scan", str(repo), "-f", "json", "--ignore", "SEC"]).stdout)
    assert "SEC010" not in results


@pytest.mark.parametrize("key", ["exit-zero: true", "commit-limit: 1", "output: [json=x.json]"])
def test_operator_only_keys_are_refused_in_the_repository_config(tmp_path: Path, key: str) -> None:
    repo = _repo(tmp_path, key + "\n", _recent(1))
    run = invoke(["scan", str(repo)])
    assert run.code == 2
    assert "cannot be set" in run.stderr


def test_operator_only_keys_are_accepted_from_an_explicit_config(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"train.py": "x = 1\n"})
    config = tmp_path / "ops.yaml"
    config.write_text("exit-zero: true\ncommit-limit: 5\n")
    run = invoke(["scan", str(repo), "--config", str(config), "--fail-under", "100"])
    assert run.code == 0, run.stderr
