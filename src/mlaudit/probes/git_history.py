"""Probes over git facts (one `git log` for the whole scan, read from the Snapshot)."""

from __future__ import annotations

import re

from pydantic import Field

from mlaudit.probes import base, words
from mlaudit.probes.base import ev
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.globs import matches_any
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation


class GitHistoryParams(Params):
    touching: list[str] = Field(
        default_factory=list, description="count only commits touching files matching these globs"
    )
    subject: str | None = Field(
        default=None, description="count only commits whose subject matches"
    )
    min_commits: int = Field(default=1, ge=1)
    tags: str | None = Field(default=None, description="regex: at least `min_tags` tags must match")
    min_tags: int = Field(default=1, ge=1)


@probe("git_history", GitHistoryParams)
def git_history(snap: Snapshot, p: GitHistoryParams) -> Observation:
    """A fact of the git history: commits touching paths, commit subjects, tags.

    Looks for: at least `min_commits` commits (restricted to those touching `touching`
    and/or with a subject matching `subject`), and/or `min_tags` tags matching `tags`.
    History comes from one `git log` call. In a shallow clone, or outside git, the answer
    is `unknown`, never a fail.
    Why: practices such as versioned data or reviewed pull requests leave traces in history.
    Fix: see the check's remediation.
    """
    history = snap.history
    if not history.available:
        return base.unknown(history.reason or "git history unavailable")
    evidence: list[Evidence] = []
    if p.tags:
        regex = re.compile(p.tags)
        tags = [t for t in history.tags if regex.search(t)]
        like = words.quoted(words.regex_examples(p.tags)) or "the expected form"
        if len(tags) < p.min_tags:
            found = f"only {words.listing(tags)}" if tags else "no tag"
            return base.failed(
                f"{found} like {like}; {words.plural(p.min_tags, 'tag')} needed"
                if p.min_tags > 1
                else f"no tag like {like}"
            )
        evidence.extend(ev(".git", note=f"tag {t}") for t in tags[:4])
        if not p.touching and not p.subject:
            return base.passed(f"found the tag {words.listing(tags)}", evidence)
    subject = re.compile(p.subject) if p.subject else None
    commits = [
        c
        for c in history.commits
        if (not p.touching or any(matches_any(f, p.touching) for f in c.files))
        and (subject is None or subject.search(c.subject))
    ]
    for commit in commits[:4]:
        touched = [f for f in commit.files if not p.touching or matches_any(f, p.touching)]
        path = touched[0] if touched else ".git"
        evidence.append(ev(path, note=f"commit {commit.sha[:10]}: {commit.subject[:80]}"))
    scope = f" of the last {history.commit_limit}" if history.truncated else ""
    message = f"{words.plural(len(commits), 'matching commit')}{scope}"
    if len(commits) >= p.min_commits:
        return base.passed(message, evidence)
    return base.failed(f"{message}, {p.min_commits} needed", evidence)
