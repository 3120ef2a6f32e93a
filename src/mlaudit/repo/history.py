"""Git facts from ONE `git log` invocation (plus one ref listing), never a per-commit walk.

Framing: commit messages, names and file names may hold any byte but NUL (git cuts a
message or an ident at a NUL, and a path cannot hold one), so every field is
NUL-terminated (`%x00` and `-z`). Each commit starts with a random per-run nonce field,
then a fixed number of fields, then its file names: a commit cannot be forged by content
(it would have to contain a NUL, or guess the nonce), and a record that does not have the
expected shape makes the whole history `unknown` rather than half-read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlaudit.repo.git import LOG_SAFETY_FLAGS, GitFailed, PendingGit, new_nonce, run_git
from mlaudit.repo.pickling import pickled_by_fields

DEFAULT_COMMIT_LIMIT = 10_000
# the fields of one commit, in order, after the nonce
_FIELDS = ("%H", "%ct", "%an", "%ae", "%P", "%s")


@pickled_by_fields
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
        """The people among the commit authors (see people)."""
        return people((c.author, c.email) for c in self.commits)


def read_history(cwd: Path, prefix: str, **options: Any) -> GitHistory:
    """The history now: start_history's `git log`, waited for at once."""
    return start_history(cwd, prefix, **options)()


def start_history(
    cwd: Path,
    prefix: str,
    *,
    limit: int,
    shallow: bool,
    partial_clone: bool,
    rev: str = "HEAD",
    known: Iterable[str] = (),
) -> Callable[[], GitHistory]:
    """One `git log` over the scanned subtree, started now (git works while the scan does
    other things); the returned function waits for it and reads the history. Paths are made
    relative to the scan root.

    `rev` is the commit whose history is read (HEAD, or the commit of `scan --ref`).
    `known`: the paths already listed (the scanned tree); a commit's file name equal to one
    of them is that same string, not a copy (100k copies at 100k files)."""
    if shallow:
        reason = "shallow clone: history is incomplete (fetch with --unshallow or fetch-depth: 0)"
    elif partial_clone:
        reason = "partial clone: some objects are missing; history facts may be incomplete"
    else:
        reason = ""
    nonce = new_nonce()
    args = [
        "log",
        *LOG_SAFETY_FLAGS,
        f"--max-count={limit + 1}",
        f"--format={log_format(nonce)}",
        "--name-only",
        "--no-renames",
        "-z",
        rev,
        # a pathspec turns on git's history simplification, which drops every commit that
        # leaves the subtree as one parent had it: at the root, the empty commits and the
        # merges of pull requests whose tree equals a parent's (ThoughtWorksInc/CD4ML-
        # Scenarios: 2 of its 8 "Merge pull request" commits were left); a subfolder scan
        # reads that subfolder's history, simplified as `git log -- sub` is
        *(("--", ".") if prefix else ()),
    ]
    try:
        pending = PendingGit(cwd, args)
    except GitFailed as exc:
        return _failed_log(exc)

    def finish() -> GitHistory:
        try:
            raw = pending.result()
        except GitFailed as exc:
            return _failed_log(exc)()
        try:
            commits = parse_log(raw, nonce, prefix, known)
        except MalformedLog as exc:
            return GitHistory(available=False, reason=f"git log output not understood: {exc}")
        truncated = len(commits) > limit
        commits = commits[:limit]
        tags = _read_tags(cwd, None if rev == "HEAD" else rev)
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

    return finish


def _failed_log(exc: GitFailed) -> Callable[[], GitHistory]:
    failed = GitHistory(available=False, reason=f"git log failed: {exc.stderr.strip()[:200]}")
    return lambda: failed


class MalformedLog(ValueError):
    """`git log` printed something that does not have the shape we asked for."""


def log_format(nonce: str) -> str:
    """`--format` of one commit: the nonce, then each field, every one NUL-terminated."""
    return "%x00".join([nonce, *_FIELDS]) + "%x00"


def parse_log(raw: bytes, nonce: str, prefix: str = "", known: Iterable[str] = ()) -> list[Commit]:
    """Commits of `git log -z --name-only --format=<log_format(nonce)>` output.

    The stream is a sequence of NUL-terminated fields: the nonce, len(_FIELDS) fields, then
    (with `-z`) an empty field or a first file name prefixed by a newline, more names, and
    empty fields, until the next nonce. File names that are not UTF-8 read as the work-tree
    listing shows them (backslashreplace); each distinct name is one string, shared by every
    commit that touches it and with `known`."""
    marker = nonce.encode("ascii")
    names: dict[str, str] = {path: path for path in known}
    fields = raw.split(b"\0")
    commits: list[Commit] = []
    i, n, width = 0, len(fields), len(_FIELDS)
    while i < n:
        if not fields[i] or fields[i] == b"\n":
            i += 1
            continue
        if fields[i] != marker:
            raise MalformedLog(f"expected a commit record at field {i}")
        if i + width >= n:
            raise MalformedLog("truncated commit record")
        sha, ts, author, email, parents, subject = (
            f.decode("utf-8", "backslashreplace") for f in fields[i + 1 : i + 1 + width]
        )
        if not _is_object_id(sha) or not all(map(_is_object_id, parents.split())):
            raise MalformedLog(f"not a commit id: {sha[:80]!r}")
        i += 1 + width
        files: list[str] = []
        first = True
        while i < n and fields[i] != marker:
            name = fields[i]
            i += 1
            if first and name.startswith(b"\n"):
                name = name[1:]  # the newline git puts between the format and the names
            if not name:
                continue
            first = False
            text = name.decode("utf-8", "backslashreplace")
            if prefix:
                if not text.startswith(prefix):
                    continue
                text = text[len(prefix) :]
            files.append(names.setdefault(text, text))
        commits.append(
            Commit(
                sha=sha,
                timestamp=int(ts) if ts.isdigit() else 0,
                author=author,
                email=email,
                parents=tuple(parents.split()),
                subject=subject,
                files=tuple(files),
            )
        )
    return commits


def _is_object_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _read_tags(cwd: Path, rev: str | None = None) -> list[str]:
    """The repository's tags; with `rev`, only those whose commit `rev` reaches: a commit
    audited in the past (`scan --ref`, a history point) is read as the repository was then,
    before the tags of its later commits existed."""
    merged = [f"--merged={rev}"] if rev is not None else []
    try:
        out = run_git(cwd, ["for-each-ref", *merged, "--format=%(refname:strip=2)", "refs/tags"])
    except GitFailed:
        return []
    return sorted(line for line in out.decode("utf-8", "replace").splitlines() if line)


# authors as people ------------------------------------------------------------------------------
# email local parts that name a machine or a role, not a person (shorter ones never link)
_GENERIC_LOCAL = frozenset(
    ("admin", "administrator", "developer", "github", "gitlab", "users", "noreply", "contact")
    + ("hello", "support", "ubuntu", "runner", "build", "jenkins", "gitlabci", "travis")
)
_NOREPLY_ID = re.compile(r"^\d+\+")  # 12345+login@users.noreply.github.com


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def people(identities: Iterable[tuple[str, str]]) -> set[str]:
    """One name per person among (author name, email) identities. Two identities are one
    person when they share an email, a name (case, spaces and punctuation aside), or when
    one's email local part is the other's name — the same developer committing from a
    laptop (`Raviraja <raviraja@laptop.local>`), a work address (`ravirajag
    <raviraja@company>`) and GitHub (`graviraja <…gmail>`) is one author, and their
    self-merged pull requests were reviewed by nobody. Bots (`…[bot]`) are nobody. Each
    person is named by the smallest of their emails (a name where none is known)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        root = key
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[key] != root:
            parent[key], key = root, parent[key]
        return root

    shown: dict[str, str] = {}  # first key of an identity → what names it (its email)
    for name, email in sorted(set(identities)):
        if name.endswith("[bot]") or "[bot]@" in email:
            continue
        keys = []
        if email:
            keys.append("e:" + email.lower())
            local = _norm(_NOREPLY_ID.sub("", email.split("@", 1)[0]))
            if len(local) >= 5 and local not in _GENERIC_LOCAL:
                keys.append("n:" + local)
        if _norm(name):
            keys.append("n:" + _norm(name))
        if not keys:
            continue
        shown[keys[0]] = email.lower() or name
        first = find(keys[0])
        for key in keys[1:]:
            parent[find(key)] = first
    person: dict[str, str] = {}  # root → the smallest email (or name) among its identities
    for key, label in shown.items():
        root = find(key)
        person[root] = min(person.get(root, label), label)
    return set(person.values())


# the versions of a few files --------------------------------------------------------------------
# how many versions (blobs) are read, and how large each may be: pointer files and lock files
# are small; a history that changed them thousands of times is read up to the bound
MAX_VERSIONS = 400
MAX_VERSION_BYTES = 1024 * 1024
_RAW_CHANGE = re.compile(rb":\d+ \d+ [0-9a-f]{40,64} ([0-9a-f]{40,64}) [A-Z]\d*\x00([^\x00]*)\x00")


def raw_changes(raw: bytes, errors: str = "backslashreplace") -> list[tuple[str, str]]:
    """(the new blob id, "" where the change deletes the file; the path) of each change in
    `git log --raw --no-abbrev -z` output, in order. A file name that is not UTF-8 reads as
    the work-tree listing shows it (backslashreplace), or keeps its bytes for a pathspec
    given back to git (`errors="surrogateescape"`)."""
    return [
        (
            "" if set(blob) == {ord("0")} else blob.decode("ascii"),
            name.decode("utf-8", errors),
        )
        for blob, name in _RAW_CHANGE.findall(raw)
    ]


def object_sizes(cwd: Path, ids: list[str]) -> dict[str, tuple[str, int] | None]:
    """Object id → (type, size), None where this copy lacks the object: ONE `git cat-file
    --batch-check`. Raises GitFailed."""
    if not ids:
        return {}
    answer = run_git(cwd, ["cat-file", "--batch-check"], input_bytes=_lines(ids))
    sizes: dict[str, tuple[str, int] | None] = dict.fromkeys(ids)
    for line in answer.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2].isdigit():
            sizes[fields[0].decode("ascii", "replace")] = (
                fields[1].decode("ascii"),
                int(fields[2]),
            )
    return sizes


@dataclass(frozen=True)
class FileVersions:
    """What the commits of the history did to some files: each file's versions, oldest
    first, as (commit, content); content is None where the commit deleted the file or the
    version could not be read (over MAX_VERSION_BYTES, a missing object). `complete` is
    False when git failed or the bound cut the older versions off."""

    versions: dict[str, list[tuple[str, bytes | None]]]
    complete: bool = True
    reason: str = ""


def start_file_versions(
    cwd: Path, prefix: str, *, rev: str = "HEAD", limit: int = DEFAULT_COMMIT_LIMIT
) -> Callable[[tuple[str, ...]], FileVersions]:
    """A reader of some files' versions along `rev`'s history: ONE `git log --raw` limited
    to those paths (which commits changed them, to which blobs), then ONE `git cat-file
    --batch` for the blobs. `prefix` is the scanned subfolder inside the repository; paths
    are given and returned relative to it."""

    def read(paths: tuple[str, ...]) -> FileVersions:
        if not paths:
            return FileVersions({})
        nonce = new_nonce()
        marker = nonce.encode("ascii")
        spec = [f":(top,literal){prefix}{p}" for p in paths]
        try:
            raw = run_git(
                cwd,
                [
                    "log",
                    *LOG_SAFETY_FLAGS,
                    f"--max-count={limit}",
                    f"--format={nonce}%H",
                    "--raw",
                    "--no-abbrev",
                    "--no-renames",
                    "-z",
                    rev,
                    "--",
                    *spec,
                ],
            )
        except GitFailed as exc:
            return FileVersions({}, complete=False, reason=f"git log failed: {exc.stderr[:200]}")
        newest_first: list[tuple[str, str, str]] = []  # (commit, path, blob or "")
        for record in raw.split(marker)[1:]:
            commit = record[:64].split(b"\x00", 1)[0].strip().decode("ascii", "replace")
            for blob, path in raw_changes(record):
                if prefix and path.startswith(prefix):
                    path = path[len(prefix) :]
                newest_first.append((commit, path, blob))
        complete = len({b for _c, _p, b in newest_first if b}) <= MAX_VERSIONS
        kept = newest_first
        if not complete:
            blobs_seen: set[str] = set()
            kept = []
            for change in newest_first:
                if change[2] and change[2] not in blobs_seen:
                    if len(blobs_seen) == MAX_VERSIONS:
                        break
                    blobs_seen.add(change[2])
                kept.append(change)
        contents = _read_blobs(cwd, sorted({b for _c, _p, b in kept if b}))
        versions: dict[str, list[tuple[str, bytes | None]]] = {}
        for commit, path, blob in reversed(kept):
            versions.setdefault(path, []).append((commit, contents.get(blob) if blob else None))
        return FileVersions(
            versions, complete=complete, reason="" if complete else "too many versions"
        )

    return read


def _read_blobs(cwd: Path, blobs: list[str]) -> dict[str, bytes]:
    """Blob id → contents, for the blobs git has that are at most MAX_VERSION_BYTES (their
    sizes asked first: a hostile history's huge blob is never read)."""
    try:
        sizes = object_sizes(cwd, blobs)
        small = [
            blob
            for blob in blobs
            if (kind := sizes.get(blob)) is not None
            and kind[0] == "blob"
            and kind[1] <= MAX_VERSION_BYTES
        ]
        out = run_git(cwd, ["cat-file", "--batch"], input_bytes=_lines(small)) if small else b""
    except GitFailed:
        return {}
    found: dict[str, bytes] = {}
    at = 0
    for blob in small:  # each: a header line, the contents, a newline
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or not header[2].isdigit():
            continue
        size = int(header[2])
        found[blob] = out[at : at + size]
        at += size + 1
    return found


def _lines(blobs: list[str]) -> bytes:
    return "".join(blob + "\n" for blob in blobs).encode("ascii")
