"""Open a Snapshot of a folder: a git work tree, a subfolder of one, or a plain folder."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlaudit.errors import TargetError
from mlaudit.repo.git import LOG_SAFETY_FLAGS, GitFailed, git_text, run_git
from mlaudit.repo.gitinfo import GitInfo, display_name, read_branches
from mlaudit.repo.history import (
    DEFAULT_COMMIT_LIMIT,
    GitHistory,
    start_file_versions,
    start_history,
)
from mlaudit.repo.integrity import (
    damage_reason,
    head_problem,
    rewritten_history_notes,
    unresponsive_git,
)
from mlaudit.repo.sources import DEFAULT_MAX_BYTES, WorktreeSource

if TYPE_CHECKING:  # the Snapshot (parsers…) is imported only when one is built
    from mlaudit.repo.snapshot import Snapshot


def _probe_git(root: Path) -> GitInfo | None:
    """One rev-parse for the layout questions; None when `root` is not inside a work tree."""
    try:
        out = git_text(
            root,
            [
                "rev-parse",
                "--is-inside-work-tree",
                "--show-prefix",
                "--is-shallow-repository",
                "--git-common-dir",
                "--is-inside-git-dir",
            ],
        )
    except GitFailed as exc:
        if exc.timed_out:
            raise TargetError(unresponsive_git(root, exc)) from None
        if (root / ".git").exists() and "not a git repository" not in exc.stderr:
            # a repository git cannot open (corrupt shallow file, bad config…): say why
            raise TargetError(f"{damage_reason(exc)}: {root}") from None
        return None
    lines = out.splitlines()
    if "true" in lines[-1:] and lines[0].strip() != "true":
        raise TargetError(
            f"target is inside a .git directory, not a work tree: {root} "
            "(scan the checkout that contains it)"
        )
    if not lines or lines[0].strip() != "true":
        return None
    prefix = lines[1].strip() if len(lines) > 1 else ""
    shallow = len(lines) > 2 and lines[2].strip() == "true"
    info = GitInfo(subdir=prefix, shallow=shallow)
    if len(lines) > 3 and lines[3]:
        info.notes = rewritten_history_notes(root / lines[3])
    try:
        head = git_text(
            root, ["log", *LOG_SAFETY_FLAGS, "-1", "--format=%H%x00%ct%x00%D", "HEAD"]
        ).strip()
    except GitFailed as exc:
        if exc.timed_out:
            raise TargetError(unresponsive_git(root, exc)) from None
        head = ""
        # a new repository, or refs git cannot read: never "no commits yet" for the latter
        info.damaged = head_problem(root, exc)
    if head:
        sha, stamp, refs = (head.split("\0") + ["", ""])[:3]
        info.commit = sha
        try:
            when = dt.datetime.fromtimestamp(int(stamp), tz=dt.timezone.utc)
            info.commit_date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            pass
        for ref in refs.split(", "):
            if ref.startswith("HEAD -> "):
                info.branch = ref[len("HEAD -> ") :]
        read_branches(root, info)
    try:
        promisor = git_text(
            root,
            ["config", "--get-regexp", r"^(remote\..*\.promisor|extensions\.partialclone)$"],
            check=False,
        )
        info.partial_clone = bool(promisor.strip())
    except GitFailed:
        pass
    return info


@dataclass
class WorktreeFacts:
    """A folder as git lists it, before anything is parsed: enough to key a scan on."""

    root: Path  # resolved
    git: GitInfo | None
    source: WorktreeSource
    files: list[str]


def read_worktree(path: str | Path, *, include_untracked: bool = False) -> WorktreeFacts:
    """The git facts and file listing of a folder (no file is read)."""
    root = Path(path)
    if not root.exists():
        raise TargetError(f"target not found: {path}")
    if not root.is_dir():
        raise TargetError(f"target is not a directory: {path}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise TargetError(f"target is not readable: {path}")
    root = root.resolve()
    git = _probe_git(root)
    if (git is None and (root / ".git").exists()) or _is_bare(root):
        raise TargetError(
            f"target is a git directory without a readable work tree: {path} "
            "(scan a checkout, or use --ref on a clone)"
        )
    source = WorktreeSource(
        root, git_cwd=root if git else None, include_untracked=include_untracked
    )
    try:
        files = source.list_files()
    except GitFailed as exc:
        raise TargetError(f"cannot list files of {path}: {exc}") from exc
    except OSError as exc:
        raise TargetError(f"cannot read {path}: {exc.strerror}") from exc
    return WorktreeFacts(root, git, source, files)


def open_worktree(
    path: str | Path,
    *,
    include_untracked: bool = False,
    commit_limit: int = DEFAULT_COMMIT_LIMIT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    facts: WorktreeFacts | None = None,
) -> Snapshot:
    from mlaudit.repo.secrets_history import (
        READ_AHEAD_MAX_FILES,
        HistorySecretScan,
        PendingSecretScan,
    )
    from mlaudit.repo.snapshot import Snapshot

    if facts is None:
        facts = read_worktree(path, include_untracked=include_untracked)
    root, git, source = facts.root, facts.git, facts.source
    snap = Snapshot(
        source=source,
        root_name=root.name,
        display_path=display_name(root),
        git=git,
        max_bytes=max_bytes,
    )
    snap.files = facts.files  # listed once, by read_worktree
    if git is not None:
        if git.damaged:
            damaged = git.damaged
            snap.notes.append(f"{damaged}: history checks are unknown")
            snap.history_loader = lambda: GitHistory(available=False, reason=damaged)
            snap.history_secrets_loader = lambda: HistorySecretScan(available=False, reason=damaged)
        elif git.commit is None:
            snap.notes.append("repository has no commits yet: history checks are unknown")
        else:
            prefix = git.subdir
            shallow, partial_clone = git.shallow, git.partial_clone
            listed = facts.files
            if not listed and _head_has_files(root):
                snap.notes.append(
                    "no file is checked out, but the commit holds files (a failed or "
                    "sparse checkout?): scan it with --ref HEAD"
                )

            # the `git log` runs while the scan imports its checks and reads files: a check
            # asks for the history seconds later, usually after git has answered
            snap.history_loader = start_history(
                root,
                prefix,
                limit=commit_limit,
                shallow=shallow,
                partial_clone=partial_clone,
                known=listed,
            )
            snap.versions_loader = start_file_versions(root, prefix, limit=commit_limit)

            # started when the checks to run need it (Snapshot.prefetch_history_secrets), in
            # trees small enough for its buffer not to weigh on the scan's peak memory
            snap.history_secrets_loader = PendingSecretScan(
                root,
                shallow=shallow,
                partial_clone=partial_clone,
                read_ahead=len(listed) <= READ_AHEAD_MAX_FILES,
            )
        snap.notes.extend(git.notes)
        if git.shallow:
            snap.notes.append("shallow clone: history-based checks are unknown")
        if git.partial_clone:
            snap.notes.append("partial clone: files whose blobs are missing cannot be read")
    else:
        snap.notes.append("not a git repository: files walked honouring .gitignore; no history")
    snap.notes.extend(source.notes)
    return snap


def _is_bare(root: Path) -> bool:
    if not (root / "HEAD").is_file() or not (root / "objects").is_dir():
        return False
    try:
        return run_git(root, ["rev-parse", "--is-bare-repository"], check=False).strip() == b"true"
    except GitFailed:
        return False


def _head_has_files(root: Path) -> bool:
    """Does HEAD's tree hold anything under the scanned folder? Asked only when the index
    lists nothing there, as after a clone whose checkout failed."""
    try:
        return bool(run_git(root, ["ls-tree", "--name-only", "HEAD", "--", "."]).strip())
    except GitFailed:
        return False
