"""History framing under arbitrary bytes (issue #13, class 3).

Commit messages, author names, file names and file contents get any byte git stores
(everything but NUL; a name cannot hold `/`, an ident not `<`, `>` or a newline). The
parsed history must equal the truth: the commit ids `git rev-list` lists, in order, with
their parents, authors and files; and the history secret scan must find a secret placed
after a `\\x1e` byte, in the right file, at the right line.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mlaudit.repo.history import read_history
from mlaudit.repo.secrets_history import scan_history_secrets

AWS_ID = "AK" + "IA" + "Q7RZ3K2M5N8P4W6X"
AWS_SECRET = "kP9xQ2mZ7vB4nR8tL1wY" + "6cF3hJ5sD0gA/E+uIoT2"
SECRET_LINES = f'aws_access_key_id = "{AWS_ID}"\naws_secret_access_key = "{AWS_SECRET}"\n'

_BYTES = st.binary(min_size=0, max_size=60).map(lambda b: b.replace(b"\0", b"\x1e"))
_NAME = (
    st.binary(min_size=1, max_size=24)
    .map(lambda b: b.replace(b"\0", b"\x1f").replace(b"/", b"\x1e"))
    .filter(lambda b: b not in (b".", b"..") and not b.lower().startswith(b".git"))
)
# git trims punctuation and spaces at both ends of a name: keep letters there
_IDENT = st.binary(max_size=20).map(
    lambda b: b"A" + bytes(c for c in b if c not in b"\0<>\n") + b"Z"
)
_COMMIT = st.tuples(_IDENT, _BYTES, st.dictionaries(_NAME, _BYTES, min_size=0, max_size=3))


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, data: bytes = b"") -> bytes:
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent", **(env or {})},
        input=data,
        capture_output=True,
        check=True,
    ).stdout


def _commit(repo: Path, author: bytes, message: bytes, files: dict[bytes, bytes], n: int) -> None:
    for name, content in files.items():
        (repo / os.fsdecode(name)).write_bytes(content)
    _git(repo, "add", "-A")
    env = {
        "GIT_AUTHOR_NAME": os.fsdecode(author),
        "GIT_AUTHOR_EMAIL": f"a{n}@example.com",
        "GIT_COMMITTER_NAME": "c",
        "GIT_COMMITTER_EMAIL": "c@example.com",
        "GIT_AUTHOR_DATE": f"2024-01-01T00:00:{n:02d}Z",
        "GIT_COMMITTER_DATE": f"2024-01-01T00:00:{n:02d}Z",
    }
    tree = _git(repo, "write-tree").decode().strip()
    parents = []
    head = (
        subprocess.run(
            ["git", "rev-parse", "-q", "--verify", "HEAD"],
            cwd=repo,
            capture_output=True,
            check=False,
        )
        .stdout.decode()
        .strip()
    )
    if head:
        parents = ["-p", head]
    sha = _git(repo, "commit-tree", tree, *parents, env=env, data=message).decode().strip()
    _git(repo, "update-ref", "HEAD", sha)


@given(st.lists(_COMMIT, min_size=1, max_size=4), _BYTES)
def test_history_equals_git_rev_list(
    commits: list[tuple[bytes, bytes, dict[bytes, bytes]]], junk: bytes
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        _git(repo, "init", "-q")
        for n, (author, message, files) in enumerate(commits):
            _commit(repo, author, message, files, n)
        # the last commit adds a secret after a \x1e byte, in a file whose name holds one
        secret_name = b"leak\x1e" + junk[:8].replace(b"/", b"_").replace(b"\0", b"_") + b".py"
        body = junk.replace(b"\n", b" ") + b"\x1e\n\x1e" + SECRET_LINES.encode()
        _commit(repo, b"leaker", b"\x1emore\x1f\x1e", {secret_name: body}, len(commits))

        # the history of the repository (a root scan): every commit, those that change
        # nothing included (no pathspec, so no history simplification: history.py)
        shas = _git(repo, "rev-list", "HEAD").decode().split()
        truth = [[sha, *_git(repo, "rev-parse", f"{sha}^@").decode().split()] for sha in shas]
        history = read_history(repo, "", limit=100, shallow=False, partial_clone=False)
        assert history.available, history.reason
        assert [c.sha for c in history.commits] == [t[0] for t in truth]
        assert [list(c.parents) for c in history.commits] == [t[1:] for t in truth]
        authors = {
            sha: _git(repo, "show", "-s", "--format=%ae", sha).decode().strip() for sha in shas
        }
        assert [c.email for c in history.commits] == [authors[sha] for sha in shas]
        assert history.commits[0].email == f"a{len(commits)}@example.com"
        touched = set(history.commits[0].files)
        assert secret_name.decode("utf-8", "backslashreplace") in touched

        scan = scan_history_secrets(repo)
        assert scan.available and not scan.truncated
        assert scan.commits_scanned == len(_git(repo, "rev-list", "--all", "--", ".").split())
        path = secret_name.decode("utf-8", "replace")
        lines = {h.finding.line for h in scan.findings if h.path == path}
        assert lines & {2, 3}, ([(h.path, h.finding.line) for h in scan.findings], path)
