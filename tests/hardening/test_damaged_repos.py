"""Damaged or locally rewritten repositories are never read as healthy (issue #13, class 10).

A garbage line in packed-refs made mlaudit report "no commits yet" with exit 0;
.git/info/grafts hid history, so a deleted secret passed. Damage is detected and reported
(history checks `unknown` with git's reason, or exit 3 with one line when git cannot read
the repository at all); grafts and replace refs are ignored and noted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import commit, git, make_repo

from hardening.util import run_cli

AWS_ID = "AK" + "IA" + "Q7RZ3K2M5N8P4W6X"
AWS_SECRET = "kP9xQ2mZ7vB4nR8tL1wY" + "6cF3hJ5sD0gA/E+uIoT2"
SECRET_LINES = f'aws_access_key_id = "{AWS_ID}"\naws_secret_access_key = "{AWS_SECRET}"\n'
HISTORY_CHECKS = ("pr-workflow", "release-tags", "data-history")


def leaked_repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n", "train.py": "x = 1\n"})
    commit(root, {"settings.py": SECRET_LINES}, "add settings")
    git(root, "rm", "-q", "settings.py")
    git(root, "commit", "-q", "-m", "remove the key")
    commit(root, {"train.py": "x = 2\n"}, "more work", date="2024-01-03T12:00:00Z")
    return root


def scan(root: Path) -> tuple[int, dict[str, Any], str]:
    run = run_cli(["scan", str(root), "--format", "json"], root)
    data = run.json() if run.exit_code in (0, 1) else {}
    return run.exit_code, data, run.stdout + run.stderr


def results(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in data["results"]}


HISTORY_SECRETS = ("secrets-in-history", "committed-secrets")


def secret_found(data: dict[str, Any]) -> bool:
    """The secret added and removed again is reported (by the history check)."""
    return any(r["outcome"] == "fail" for r in data["results"] if r["name"] in HISTORY_SECRETS)


def test_garbage_in_packed_refs_is_damage_not_an_empty_repository(tmp_path: Path) -> None:
    root = leaked_repo(tmp_path)
    git(root, "pack-refs", "--all")
    with (root / ".git" / "packed-refs").open("a") as fh:
        fh.write("garbage line here\n")
    code, data, text = scan(root)
    assert code in (0, 1), text  # the files are readable: the scan goes on
    assert "no commits yet" not in text
    notes = " ".join(data["target"]["notes"])
    assert "packed-refs" in notes and "history checks are unknown" in notes
    by_name = results(data)
    for name in HISTORY_CHECKS:
        if name in by_name:
            assert by_name[name]["outcome"] == "unknown", by_name[name]
            assert "packed-refs" in by_name[name]["message"]
    history_scan = by_name.get("secrets-in-history")
    assert history_scan is None or history_scan["outcome"] != "pass", history_scan


def test_ref_naming_no_object_is_damage(tmp_path: Path) -> None:
    root = leaked_repo(tmp_path)
    (root / ".git" / "refs" / "heads" / "main").write_text("garbage\n")
    code, data, text = scan(root)
    assert code in (0, 1), text
    assert "no commits yet" not in text
    assert "cannot read this repository" in " ".join(data["target"]["notes"])


def test_new_repository_is_still_no_commits_yet(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"}, git_init=False)
    git(root, "init", "-q")
    code, data, text = scan(root)
    assert code in (0, 1), text
    assert "no commits yet" in " ".join(data["target"]["notes"])


def test_grafts_do_not_hide_history(tmp_path: Path) -> None:
    root = leaked_repo(tmp_path)
    head = git(root, "rev-parse", "HEAD").strip()
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "grafts").write_text(head + "\n")  # HEAD made a root commit
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"  # plain git is fooled
    code, data, text = scan(root)
    assert code in (0, 1), text
    assert secret_found(data), text[-3000:]
    assert any("grafts" in n for n in data["target"]["notes"])
    ref = run_cli(["scan", str(root), "--ref", "HEAD", "--format", "json"], root)
    assert any("grafts" in n for n in ref.json()["target"]["notes"])


def test_replace_refs_do_not_rewrite_history(tmp_path: Path) -> None:
    root = leaked_repo(tmp_path)
    head = git(root, "rev-parse", "HEAD").strip()
    tree = git(root, "rev-parse", "HEAD^{tree}").strip()
    orphan = git(root, "commit-tree", tree, "-m", "no parents").strip()
    git(root, "replace", head, orphan)
    code, data, text = scan(root)
    assert code in (0, 1), text
    assert secret_found(data), text[-3000:]
    assert any("replace refs" in n for n in data["target"]["notes"])


def test_corrupt_shallow_file_exit_3_with_the_reason(tmp_path: Path) -> None:
    root = leaked_repo(tmp_path)
    (root / ".git" / "shallow").write_text("zzz\n")
    code, _data, text = scan(root)
    assert code == 3
    assert "shallow" in text and "Traceback" not in text


def test_forged_shallow_file_makes_history_unknown(tmp_path: Path) -> None:
    """A full clone whose `shallow` file names a commit reads as shallow: history unknown,
    never a pass computed on the truncated history."""
    root = leaked_repo(tmp_path)
    (root / ".git" / "shallow").write_text(git(root, "rev-parse", "HEAD~1").strip() + "\n")
    code, data, text = scan(root)
    assert code in (0, 1), text
    assert any("shallow" in n for n in data["target"]["notes"])
    history_scan = results(data).get("secrets-in-history")
    assert history_scan is None or history_scan["outcome"] != "pass", history_scan
