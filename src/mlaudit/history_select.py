"""Which commits `mlaudit history` audits: release tags, the last N first-parent commits,
commits since a date, explicit refs — each answered with ONE git call, never one per commit.

- `--tags`: release tags (names that read as versions: `v1.2.3`, `1.4`, `2.0.0-rc.1`,
  `release-3.1`), in version order (semver: a pre-release sorts before its release); a tag
  that points at a tree or a blob, or at a commit missing from a shallow clone, is skipped
  with a note;
- `--last N` / `--since DATE`: the first-parent line of HEAD (a merged branch is one point,
  its merge commit — as the main line saw it);
- explicit refs (`--ref`), in the order given;
- `--every N` then keeps every Nth point counting back from the newest, which is always kept.

Points come out oldest first (tags: lowest version first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from mlaudit.errors import UsageError
from mlaudit.repo.git import GitFailed, git_text, run_git

DEFAULT_LAST = 20
MAX_POINTS = 1000
_VERSION = re.compile(
    r"^(?:[A-Za-z][\w.-]*[-_/@])?[vV]?(?P<nums>\d+(?:\.\d+){0,3})"
    r"(?:[-.]?(?P<pre>(?:a|b|c|rc|alpha|beta|pre|preview|dev)\.?\d*))?(?:\+[\w.]+)?$",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d+\.(day|week|month|year)s?\.ago|\d+ (day|week|month|year)s? ago)$"
)
_PRE_RANK = {"dev": 0, "a": 1, "alpha": 1, "b": 2, "beta": 2, "pre": 3, "preview": 3}


@dataclass(frozen=True)
class Point:
    """One commit of the timeline and the name it is shown with."""

    label: str
    commit: str
    timestamp: int


@dataclass
class Selection:
    points: list[Point] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # refs that name no readable commit
    description: str = ""
    # every tag → the commit it names (peeled), for per-point tag lists
    tag_commits: dict[str, str] = field(default_factory=dict)


def version_key(tag: str) -> tuple[tuple[int, ...], int, int] | None:
    """Sort key of a release tag (None: not a version). 1.0.0-rc.1 < 1.0.0 < 1.0.1."""
    match = _VERSION.match(tag)
    if not match:
        return None
    nums = tuple(int(n) for n in match["nums"].split("."))
    nums = nums + (0,) * (4 - len(nums))
    pre = (match["pre"] or "").lower()
    if not pre:
        return nums, 9, 0
    word = pre.rstrip("0123456789.")
    digits = pre[len(word) :].strip(".")
    rank = 4 if word in ("rc", "c") else _PRE_RANK.get(word, 0)
    return nums, rank, int(digits) if digits.isdigit() else 0


def validate_since(since: str) -> str:
    if not _DATE.match(since.strip()):
        raise UsageError(
            f"--since {since!r}: give a date (2024-01-31, 2024-01-31T12:00Z) or "
            "'N days ago' / 'N weeks ago' / 'N months ago' / 'N years ago'"
        )
    since = since.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        since += "T00:00:00Z"  # git would read a bare date as that day at the current time
    return since


def _check_ref(ref: str) -> str:
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n\r"):
        raise UsageError(f"invalid git ref {ref!r}")
    return ref


def _peel(root: Path, names: list[str]) -> dict[str, str | None]:
    """name → the commit it names, or None (missing, or not a commit): one batch-check."""
    if not names:
        return {}
    query = "".join(f"{name}^{{commit}}\n" for name in names).encode("utf-8", "surrogateescape")
    out = run_git(
        root, ["cat-file", "--batch-check=%(objectname) %(objecttype)"], input_bytes=query
    )
    result: dict[str, str | None] = {}
    for name, line in zip(names, out.decode("utf-8", "replace").splitlines(), strict=False):
        parts = line.split()
        result[name] = parts[0] if len(parts) == 2 and parts[1] == "commit" else None
    return result


def _timestamps(root: Path, commits: list[str]) -> dict[str, int]:
    if not commits:
        return {}
    out = git_text(root, ["log", "--no-walk=unsorted", "--format=%H %ct", *dict.fromkeys(commits)])
    stamps: dict[str, int] = {}
    for line in out.splitlines():
        sha, _, stamp = line.partition(" ")
        if stamp.isdigit():
            stamps[sha] = int(stamp)
    return stamps


def _tags(root: Path) -> list[tuple[str, str]]:
    """(tag, object type it names when peeled) for every tag; one for-each-ref."""
    out = git_text(
        root,
        [
            "for-each-ref",
            "--format=%(refname:strip=2)%00%(objecttype)%00%(*objecttype)",
            "refs/tags",
        ],
    )
    tags: list[tuple[str, str]] = []
    for line in out.splitlines():
        name, _, rest = line.partition("\0")
        kind, _, peeled = rest.partition("\0")
        if name:
            tags.append((name, peeled or kind))
    return tags


def _first_parent(
    root: Path, head: str, last: int | None, since: str | None
) -> list[tuple[str, int]]:
    args = ["log", "--first-parent", "--format=%H %ct"]
    if last is not None:
        args.append(f"--max-count={last}")
    else:
        args.append(f"--max-count={MAX_POINTS * 50}")
    if since is not None:
        args.append(f"--since={since}")
    out = git_text(root, [*args, head, "--"])
    found = []
    for line in out.splitlines():
        sha, _, stamp = line.partition(" ")
        if stamp.isdigit():
            found.append((sha, int(stamp)))
    return found


def select_points(
    root: Path,
    *,
    tags: bool = False,
    last: int | None = None,
    since: str | None = None,
    every: int | None = None,
    refs: list[str] | None = None,
    head: str = "HEAD",
    shallow: bool = False,
) -> Selection:
    """The commits to audit, oldest first (see the module docstring)."""
    refs = [_check_ref(r) for r in refs or []]
    _check_ref(head)
    if since is not None:
        since = validate_since(since)
    if every is not None and every < 1:
        raise UsageError("--every must be at least 1")
    sel = Selection()
    tag_list = _tags(root)
    peeled = _peel(root, [f"refs/tags/{name}" for name, _ in tag_list] + refs)
    sel.tag_commits = {
        name: sha for name, _ in tag_list if (sha := peeled.get(f"refs/tags/{name}"))
    }
    missing_hint = " (shallow clone: fetch the full history)" if shallow else ""
    picked: list[tuple[str, str]] = []  # (label, commit)
    if refs:
        sel.description = "refs " + ", ".join(refs)
        for ref in refs:
            sha = peeled.get(ref)
            if sha is None:
                sel.skipped.append(ref)
                sel.notes.append(f"{ref}: names no commit in this repository{missing_hint}")
            else:
                picked.append((ref, sha))
    elif tags:
        sel.description = "release tags"
        releases = []
        other = 0
        for name, kind in tag_list:
            key = version_key(name)
            if key is None:
                other += 1
                continue
            sha = sel.tag_commits.get(name)
            if sha is None:
                sel.skipped.append(name)
                if kind and kind != "commit":
                    sel.notes.append(f"tag {name} points at a {kind}, not a commit: skipped")
                else:
                    sel.notes.append(f"tag {name}: its commit is not in this clone{missing_hint}")
                continue
            releases.append((key, name, sha))
        releases.sort()
        picked = [(name, sha) for _, name, sha in releases]
        if other:
            sel.notes.append(
                f"{other} tag(s) whose names are not versions were left out "
                "(audit them with --ref TAG)"
            )
    else:
        if last is None and since is None:
            last = DEFAULT_LAST
        parts = [f"last {last}" if last is not None else "", f"since {since}" if since else ""]
        sel.description = " ".join(p for p in parts if p) + " first-parent commits"
        commits = _first_parent(root, head, last, since)
        picked = [(sha[:12], sha) for sha, _ in reversed(commits)]
        last = None  # already applied by git
    if tags and last is not None:
        picked = picked[-last:]
    stamps = _timestamps(root, [sha for _, sha in picked])
    if tags and since is not None:
        sel.notes.append("--since with --tags keeps tags whose commit is at or after the date")
        cutoff = _since_cutoff(root, since)
        picked = [(label, sha) for label, sha in picked if stamps.get(sha, 0) >= cutoff]
    if every is not None and every > 1:
        kept = picked[::-1][::every][::-1]
        sel.description += f", one in every {every}"
        picked = kept
    if len(picked) > MAX_POINTS:
        sel.notes.append(f"{len(picked)} points selected: only the newest {MAX_POINTS} are read")
        picked = picked[-MAX_POINTS:]
    merged: dict[str, int] = {}
    for label, sha in picked:
        if sha in merged and not refs:
            previous = sel.points[merged[sha]]
            sel.points[merged[sha]] = Point(f"{previous.label}, {label}", sha, previous.timestamp)
            continue
        merged[sha] = len(sel.points)
        sel.points.append(Point(label, sha, stamps.get(sha, 0)))
    return sel


def _since_cutoff(root: Path, since: str) -> int:
    """The epoch seconds git reads `since` as (git's own date parser, no commit needed)."""
    try:
        out = git_text(root, ["rev-parse", f"--since={since}"]).strip()
    except GitFailed:
        return 0
    value = out.removeprefix("--max-age=")
    return int(value) if value.isdigit() else 0
