"""What git says about a scanned folder (commit, branch, layout), and how reports name it.

Kept apart from the Snapshot so that the whole-result cache (result_cache.py) can key a scan
on these facts without importing the parsers and probes a scan needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class GitInfo:
    commit: str | None = None
    commit_date: str | None = None
    branch: str | None = None
    subdir: str = ""
    shallow: bool = False
    partial_clone: bool = False
    damaged: str = ""  # why git cannot read the history (garbage in packed-refs…), or ""
    notes: list[str] = field(default_factory=list)  # grafts, replace refs (ignored)
    # the branch the remote's HEAD names (origin/HEAD → main), None when no remote says, and
    # each branch's last commit time (unix): whether a CI trigger filtered to some branches
    # runs on the changes the project makes (ci.py `demote_dead_branches`)
    default_branch: str | None = None
    branch_tips: dict[str, int] = field(default_factory=dict)


def display_name(root: Path) -> str:
    """How reports name the scanned folder: its own name, resolved, not the path as typed,
    so that `repo`, `./repo/`, `/abs/path/repo` and a symlink to it give byte-identical
    reports (and no report carries the machine's folder layout)."""
    return root.resolve().name or str(root.resolve())


MAX_BRANCHES = 10_000  # refs read for the branch facts (a hostile repository may hold millions)


def read_branches(root: Path, info: GitInfo) -> None:
    """Fill `info.default_branch` and `info.branch_tips` from one `git for-each-ref` over the
    local and remote branches. A remote branch counts under its own name (origin/develop is
    develop). Left empty when git cannot say."""
    from mlaudit.repo.git import GitFailed, run_git

    fields = "%(refname)%00%(committerdate:unix)%00%(symref)"
    try:
        out = run_git(
            root, ["for-each-ref", f"--format={fields}", "refs/heads", "refs/remotes"], check=False
        )
    except GitFailed:
        return
    remote_heads: dict[str, str] = {}
    for line in out.decode("utf-8", "replace").splitlines()[:MAX_BRANCHES]:
        name, _, rest = line.partition("\0")
        stamp, _, target = rest.partition("\0")
        if name.startswith("refs/remotes/"):
            remote, _, branch = name.removeprefix("refs/remotes/").partition("/")
            if branch == "HEAD":
                if target.startswith(f"refs/remotes/{remote}/"):
                    remote_heads[remote] = target.removeprefix(f"refs/remotes/{remote}/")
                continue
        elif name.startswith("refs/heads/"):
            branch = name.removeprefix("refs/heads/")
        else:
            continue
        if branch and stamp.isdigit():
            info.branch_tips[branch] = max(int(stamp), info.branch_tips.get(branch, 0))
    if remote_heads:
        info.default_branch = remote_heads.get("origin", remote_heads[min(remote_heads)])
