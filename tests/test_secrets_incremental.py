"""The history secret scan after new commits reads only them (cache.cached_secret_scan with
secrets_history.scan_new_commits), and its result is exactly a full scan's: same findings,
same commit and byte counts. When history did not only grow (a ref rewound or deleted) or a
walk cut at the earlier tips could list other commits, the full scan runs instead."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import commit, git, make_repo

from mlaudit.cache import DiskCache, cached_secret_scan
from mlaudit.repo.secrets_history import HistorySecretScan, merge_scans, scan_history_secrets

_rng = random.Random(7)


def _token() -> str:
    return (
        "gh" + "p_" + "".join(_rng.choice(string.ascii_letters + string.digits) for _ in range(36))
    )


FIRST, SECOND, THIRD = _token(), _token(), _token()


def _counting(root: Path) -> tuple[list[int], Callable[[], HistorySecretScan]]:
    calls: list[int] = []

    def full() -> HistorySecretScan:
        calls.append(1)
        return scan_history_secrets(root)

    return calls, full


def _cached(cache_dir: Path, root: Path) -> tuple[list[int], HistorySecretScan]:
    calls, full = _counting(root)
    cache = DiskCache(cache_dir, "repo", "rubric")
    return calls, cached_secret_scan(cache, root, full)()


def _same(a: HistorySecretScan, b: HistorySecretScan) -> None:
    assert a.findings == b.findings
    assert (a.commits_scanned, a.bytes_scanned, a.truncated) == (
        b.commits_scanned,
        b.bytes_scanned,
        b.truncated,
    )


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "r", {"README.md": "# r\n", "app.py": "x = 1\n"})
    commit(root, {"conf/settings.py": f'TOKEN = "{FIRST}"\n'}, "a key")
    commit(root, {"conf/settings.py": "TOKEN = None\n"}, "the key removed")
    return root


def test_new_commits_only_and_exactly_a_full_scan(repo: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    calls, first = _cached(cache_dir, repo)
    assert calls == [1] and len(first.findings) == 1
    # history grows: a new key, the old key added again elsewhere and in the same file, a
    # side branch merged back, a tag
    commit(
        repo, {"deploy/env.py": f'KEY = "{SECOND}"\n'}, "another key", date="2024-02-01T00:00:00Z"
    )
    git(repo, "checkout", "-q", "-b", "side")
    commit(repo, {"side.py": f'T = "{THIRD}"\n'}, "side key", date="2024-02-02T00:00:00Z")
    git(repo, "checkout", "-q", "main")
    commit(
        repo, {"conf/settings.py": f'TOKEN = "{FIRST}"\n'}, "re-added", date="2024-02-03T00:00:00Z"
    )
    git(repo, "merge", "-q", "--no-ff", "-m", "merge side", "side", date="2024-02-04T00:00:00Z")
    git(repo, "tag", "v1")
    calls, grown = _cached(cache_dir, repo)
    assert calls == []  # only the new commits were read
    _same(grown, scan_history_secrets(repo))
    assert {h.path for h in grown.findings} == {"conf/settings.py", "deploy/env.py", "side.py"}
    # the same refs again: answered from the cache as it is
    calls, again = _cached(cache_dir, repo)
    assert calls == [] and again == grown


def test_a_rewound_ref_runs_the_full_scan(repo: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    commit(
        repo, {"deploy/env.py": f'KEY = "{SECOND}"\n'}, "another key", date="2024-02-01T00:00:00Z"
    )
    _cached(cache_dir, repo)
    git(repo, "reset", "-q", "--hard", "HEAD~1")  # the commit with SECOND leaves every ref
    commit(repo, {"notes.txt": "n\n"}, "other work", date="2024-02-05T00:00:00Z")
    calls, rewound = _cached(cache_dir, repo)
    assert calls == [1]
    _same(rewound, scan_history_secrets(repo))
    assert all(SECOND[-4:] not in str(h.finding) for h in rewound.findings)


def test_a_deleted_branch_runs_the_full_scan(repo: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    git(repo, "checkout", "-q", "-b", "side")
    commit(repo, {"side.py": f'T = "{THIRD}"\n'}, "side key", date="2024-02-02T00:00:00Z")
    git(repo, "checkout", "-q", "main")
    _cached(cache_dir, repo)
    git(repo, "branch", "-q", "-D", "side")
    commit(repo, {"notes.txt": "n\n"}, "more", date="2024-02-05T00:00:00Z")
    calls, after = _cached(cache_dir, repo)
    assert calls == [1]
    _same(after, scan_history_secrets(repo))
    assert {h.path for h in after.findings} == {"conf/settings.py"}


def test_kept_occurrence_does_not_depend_on_commit_order() -> None:
    from mlaudit.repo.parsers.secrets import find_secrets
    from mlaudit.repo.secrets_history import HistorySecret

    finding = find_secrets("a.py", f'T = "{FIRST}"\n')[0]
    early = HistorySecret(commit="b" * 40, path="a.py", finding=finding)
    late = HistorySecret(commit="a" * 40, path="a.py", finding=finding)
    one = HistorySecretScan(available=True, findings=[early], commits_scanned=1, bytes_scanned=5)
    two = HistorySecretScan(available=True, findings=[late], commits_scanned=2, bytes_scanned=7)
    merged, reverse = merge_scans(one, two), merge_scans(two, one)
    assert merged.findings == reverse.findings == [late]  # the smaller commit id, either way
    assert (merged.commits_scanned, merged.bytes_scanned) == (3, 12)
