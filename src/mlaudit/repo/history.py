"""Git facts from ONE `git log` invocation (plus one ref listing), never a per-commit walk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlaudit.repo.git import GitFailed, run_git

DEFAULT_COMMIT_LIMIT = 10_000
_RECORD = "\x1e"
_FIELD = "\x1f"
_FORMAT = _RECORD + _FIELD.join(["%H", "%ct", "%an", "%ae", "%P", "%s"]) + _FIELD


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    timestamp: int
    author: str
    email: str
    parents: tuple[str, ...]
    subject: str
    files: tuple[str, ...]  # scan-root-relative paths touched (within the scanned subtree)


@dataclass
class GitHistory:
    """What the history says; `available` is False when it cannot be trusted (shallow…)."""

    available: bool
    reason: str = ""
    commits: list[Commit] = field(default_factory=list)
    truncated: bool = False
    commit_limit: int = DEFAULT_COMMIT_LIMIT
    tags: list[str] = field(default_factory=list)
    shallow: bool = False
    partial_clone: bool = False

    @property
    def commit_count(self) -> int:
        return len(self.commits)

    @property
    def authors(self) -> set[str]:
        return {c.email.lower() or c.author for c in self.commits}

    def commits_touching(self, matcher: Callable[[str], bool]) -> list[Commit]:
        return [c for c in self.commits if any(matcher(f) for f in c.files)]


def read_history(
    cwd: Path,
    prefix: str,
    *,
    limit: int,
    shallow: bool,
    partial_clone: bool,
    rev: str = "HEAD",
) -> GitHistory:
    """One `git log` over the scanned subtree; paths are made relative to the scan root.

    `rev` is the commit whose history is read (HEAD, or the commit of `scan --ref`)."""
    if shallow:
        reason = "shallow clone: history is incomplete (fetch with --unshallow or fetch-depth: 0)"
    elif partial_clone:
        reason = "partial clone: some objects are missing; history facts may be incomplete"
    else:
        reason = ""
    try:
        raw = run_git(
            cwd,
            [
                "log",
                f"--max-count={limit + 1}",
                f"--format={_FORMAT}",
                "--name-only",
                "--no-renames",
                "-z",
                rev,
                "--",
                ".",
            ],
        )
    except GitFailed as exc:
        return GitHistory(available=False, reason=f"git log failed: {exc.stderr.strip()[:200]}")
    # backslashreplace: file names that are not UTF-8 read as the work-tree listing shows them
    commits = _parse_log(raw.decode("utf-8", "backslashreplace"), prefix)
    truncated = len(commits) > limit
    commits = commits[:limit]
    tags = _read_tags(cwd)
    return GitHistory(
        available=not shallow,
        reason=reason,
        commits=commits,
        truncated=truncated,
        commit_limit=limit,
        tags=tags,
        shallow=shallow,
        partial_clone=partial_clone,
    )


def _parse_log(text: str, prefix: str) -> list[Commit]:
    commits: list[Commit] = []
    for record in text.split(_RECORD):
        if not record.strip("\0\n"):
            continue
        parts = record.split(_FIELD)
        if len(parts) < 7:
            continue
        sha, ts, author, email, parents, subject, rest = parts[:7]
        files = []
        for name in rest.replace("\n", "\0").split("\0"):
            name = name.strip()
            if not name:
                continue
            if prefix:
                if not name.startswith(prefix):
                    continue
                name = name[len(prefix) :]
            files.append(name)
        try:
            stamp = int(ts)
        except ValueError:
            stamp = 0
        commits.append(
            Commit(
                sha=sha,
                timestamp=stamp,
                author=author,
                email=email,
                parents=tuple(parents.split()),
                subject=subject,
                files=tuple(files),
            )
        )
    return commits


def _read_tags(cwd: Path) -> list[str]:
    try:
        out = run_git(cwd, ["for-each-ref", "--format=%(refname:strip=2)", "refs/tags"])
    except GitFailed:
        return []
    return sorted(line for line in out.decode("utf-8", "replace").splitlines() if line)
