"""Content cannot forge history structure (issue #13, class 3): the red team's cases.

The history used to be split on \\x1e/\\x1f: one commit message forged 30 commits (authors,
PR merges), and a \\x1e byte in a file before a secret hid it from the history scan."""

from __future__ import annotations

from pathlib import Path

from helpers import commit, git, make_repo

from mlaudit.repo.history import read_history
from mlaudit.repo.secrets_history import scan_history_secrets
from mlaudit.repo.worktree import open_worktree

AWS_ID = "AK" + "IA" + "Q7RZ3K2M5N8P4W6X"
AWS_SECRET = "kP9xQ2mZ7vB4nR8tL1wY" + "6cF3hJ5sD0gA/E+uIoT2"
SECRET_LINES = f'aws_access_key_id = "{AWS_ID}"\naws_secret_access_key = "{AWS_SECRET}"\n'
FAKE_SHA = "f" * 40


def _forging_message() -> str:
    """A subject that, split on \\x1e/\\x1f, reads as 30 commits by 30 authors, merges."""
    fake = ""
    for n in range(30):
        fake += (
            f"\x1e{FAKE_SHA}\x1f1700000000\x1fEvil {n}\x1fevil{n}@x\x1f{FAKE_SHA} {FAKE_SHA}"
            f"\x1fMerge pull request #{n} from evil/branch\x1f"
        )
    return "innocent" + fake


def test_commit_message_cannot_forge_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    commit(root, {"a.py": "x = 1\n"}, _forging_message())
    history = read_history(root, "", limit=100, shallow=False, partial_clone=False)
    assert history.available
    assert history.commit_count == 2
    assert history.authors == {"author@example.com"}
    assert all(len(c.parents) <= 1 for c in history.commits)
    assert history.commits[0].subject.startswith("innocent\x1e")
    assert history.commits[0].files == ("a.py",)


def test_file_name_cannot_forge_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    commit(root, {FAKE_SHA: "x\n", "mlaudit-00\x1e.py": "y\n"}, "names")
    history = read_history(root, "", limit=100, shallow=False, partial_clone=False)
    assert history.commit_count == 2
    assert set(history.commits[0].files) == {FAKE_SHA, "mlaudit-00\x1e.py"}


def test_secret_after_record_separator_is_found(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    commit(root, {"settings.py": "\x1e" + FAKE_SHA + "\n" + SECRET_LINES}, "add")
    commit(root, {"settings.py": "x = 1\n"}, "remove")
    scan = scan_history_secrets(root)
    assert {(h.path, h.finding.line) for h in scan.findings} >= {("settings.py", 2)}


def test_content_line_looking_like_a_file_header_is_content(tmp_path: Path) -> None:
    """An added line `++ b/other.txt` shows as `+++ b/other.txt`: it is content, not a
    header; the secret after it stays in settings.py, at its line."""
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    body = "++ b/other.txt\n@@ -1 +99 @@\n" + SECRET_LINES
    commit(root, {"settings.py": body}, "add")
    commit(root, {"settings.py": "x = 1\n"}, "remove")
    scan = scan_history_secrets(root)
    found = {(h.path, h.finding.line) for h in scan.findings}
    assert ("settings.py", 3) in found, found
    assert not any(path == "other.txt" for path, _ in found)


def test_secret_on_a_line_starting_with_plus_plus(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    body = "++ " + SECRET_LINES.replace("\n", "\n++ ", 1)
    commit(root, {"settings.py": body}, "add")
    commit(root, {"settings.py": "x = 1\n"}, "remove")
    assert scan_history_secrets(root).findings


def test_line_numbers_ignore_unicode_line_separators(tmp_path: Path) -> None:
    """\\x1c-\\x1e, \\x85, U+2028 are not line ends for git nor for evidence lines."""
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    commit(root, {"settings.py": "a = '\x1e\x1c\u2028\x85'\n" + SECRET_LINES}, "add")
    commit(root, {"settings.py": "x = 1\n"}, "remove")
    scan = scan_history_secrets(root)
    assert ("settings.py", 2) in {(h.path, h.finding.line) for h in scan.findings}
    snap = open_worktree(root)
    git(root, "checkout", "-q", "HEAD~1")
    snap = open_worktree(root)
    assert len(snap.lines("settings.py")) == 3
