"""Secrets in the git history: ONE streaming `git log -p`, bounded in bytes and time.

A key deleted in a later commit is still leaked: anyone with a clone can read it. This
module runs a single

    git log -p --all -U0 --no-renames --relative --format=<nonce>%H (+ the safety flags)

and reads its output as a stream of large byte chunks. A cheap candidate regex
(parsers.secrets.CANDIDATE_BYTES) runs over each chunk at C speed; only around a candidate
does Python look at the text: it finds the commit, file and line of the match with `rfind`
and runs the real detectors (parsers.secrets.find_secrets) on the few added lines around
it. Nothing is held in memory but the current chunk and the findings, which never contain
the secret itself (only a redacted form). The base64 payloads of notebook images are blanked
first (parsers.secrets.blank_image_payloads): in a data-science history they are most of the
bytes, and pixels hold no typed secret.

Framing: patches hold any byte, so nothing inside them may be taken for structure. Every
line of file content starts with `+`, `-`, ` ` or a backslash; structure lines start elsewhere:
a commit starts with a line holding a random per-run nonce (content cannot produce it at
the start of a line, nor guess it), a file with `diff --git `, a hunk with `@@ `. The file
name is read from the `+++ ` line of the file header only (between `diff --git` and the
first `@@`), never from a content line that happens to start with `++ `; every `+` line
inside a hunk is content, whatever it looks like.

Bounds: `max_bytes` of patch text and `max_seconds` of wall time; when either is hit the
scan stops, says so (`truncated`, `bound`) and the caller treats the unscanned rest as
unknown. git itself is killed if it stalls (a watchdog, see repo/git.py). Shallow and
partial clones are not scanned (incomplete history; a partial clone would fetch missing
blobs over the network).
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlaudit.patterns import Anchors, literal_anchors
from mlaudit.repo.git import (
    LOG_SAFETY_FLAGS,
    GitChild,
    GitFailed,
    ReadAhead,
    new_nonce,
    run_git,
    stream_git,
)
from mlaudit.repo.parsers.secrets import (
    CANDIDATE_BYTES,
    CANDIDATE_WINDOW,
    SecretFinding,
    blank_image_payloads,
    find_secrets,
)

if TYPE_CHECKING:
    from mlaudit.repo.secrets_worker import HistoryWorker

DEFAULT_MAX_BYTES = 1024**3
DEFAULT_MAX_SECONDS = 60.0
# a chunk is copied a few times while it is scanned, at the moment a large tree's facts are all
# held: 4 MiB chunks added ~20 MiB to the peak of a scan of 100,000 files
CHUNK_BYTES = 1024 * 1024
WINDOW_LINES = CANDIDATE_WINDOW
_DIFF = b"\ndiff --git "
_HUNK_START = b"\n@@ "
_NEW_FILE = b"\n+++ "
_HUNK = re.compile(rb"@@ -\d+(?:,\d+)? \+(\d+)")
_Key = tuple[str, str, str]  # path, kind, fingerprint: one leaked secret


def log_args(
    nonce: str,
    *,
    text: bool = False,
    revisions: Sequence[str] = ("--all",),
    skip: Sequence[str] = (),
) -> list[str]:
    """The one `git log -p` of the history scan (`text`: treat every file as text, for
    repositories whose attributes mark text files binary; `revisions`: every ref, or the
    commits an earlier scan did not read — see `merge_scans`; `skip`: paths whose objects
    this copy lacks, see `_unreadable_paths`)."""
    return [
        "log",
        "-p",
        *revisions,
        *LOG_SAFETY_FLAGS,
        *(["--text"] if text else []),
        "-U0",
        "--inter-hunk-context=0",
        "--no-renames",
        "--relative",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "--submodule=short",
        f"--format={nonce}%H",
        "--",
        ".",
        *INSTALLED_PATHSPECS,
        *(f":(exclude,literal){path}" for path in skip),
    ]


# installed packages committed with the project: their diffs are not read (probes/secrets.py
# INSTALLED_GLOBS); a committed virtual environment was most of a history's bytes
# (surajm20061998/driftAwareMLOPS training/.venv/lib/python3.12/site-packages/; reviewed)
INSTALLED_FOLDERS = ("site-packages", "node_modules")
INSTALLED_PATHSPECS = tuple(f":(exclude,glob)**/{folder}/**" for folder in INSTALLED_FOLDERS)


@dataclass(frozen=True)
class HistorySecret:
    commit: str
    path: str
    finding: SecretFinding


@dataclass
class HistorySecretScan:
    available: bool
    reason: str = ""
    findings: list[HistorySecret] = field(default_factory=list)
    commits_scanned: int = 0
    bytes_scanned: int = 0
    truncated: bool = False
    bound: str = ""  # e.g. "1024 MiB / 60 s"
    # why git stopped before the end of the history (`truncated` is set too: the rest of
    # the history is unknown), e.g. objects missing from an incomplete copy
    failed: str = ""
    # paths whose versions this copy of the repository lacks: their patches cannot be read,
    # and the rest of the history was scanned without them
    skipped: tuple[str, ...] = ()

    def summary(self) -> str:
        mib = self.bytes_scanned / 1024**2
        text = f"{self.commits_scanned} commit(s), {mib:.1f} MiB of patches scanned"
        if self.skipped:
            names = ", ".join(self.skipped[:3]) + (" …" if len(self.skipped) > 3 else "")
            text += (
                f"; {len(self.skipped)} file(s) whose objects this copy lacks not read ({names})"
            )
        if self.failed:
            text += f"; git stopped before the end of the history ({self.failed})"
        elif self.truncated:
            text += f"; stopped at the bound ({self.bound})"
        else:
            text += f" (bound {self.bound})"
        return text


def describe_bound(max_bytes: int, max_seconds: float) -> str:
    return f"{max_bytes // 1024**2} MiB / {max_seconds:g} s"


@dataclass
class _State:
    """Where a position in the stream is: the commit, the file, and inside a hunk or not."""

    commit: bytes = b""
    path: bytes = b""
    in_hunk: bool = False
    hunk_line: int = 0  # first new-file line of the current hunk
    added: int = 0  # '+' lines of the current hunk before the position


def scan_history_secrets(
    cwd: Path,
    *,
    shallow: bool = False,
    partial_clone: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    text: bool = False,
    revisions: Sequence[str] = ("--all",),
    started: tuple[str, ReadAhead] | None = None,
    skip: Sequence[str] = (),
) -> HistorySecretScan:
    """`started`: the nonce and stream of this scan's `git log -p`, started earlier with the
    default options (PendingSecretScan). Where git stops at an object this copy lacks, the
    scan runs once more without the paths whose objects are missing (`skip`)."""
    bound = describe_bound(max_bytes, max_seconds)
    if shallow:
        return HistorySecretScan(
            available=False,
            reason="shallow clone: the history part of the secret scan is unknown "
            "(fetch with --unshallow or fetch-depth: 0)",
            bound=bound,
        )
    if partial_clone:
        return HistorySecretScan(
            available=False,
            reason="partial clone: blobs are missing, the history part of the secret scan "
            "is unknown",
            bound=bound,
        )
    # git gets a little longer than the scan's own bound, which is checked per chunk
    child: GitChild | ReadAhead
    if started is not None:
        nonce, child = started
        try:
            child.begin(max_seconds + 5)
        except GitFailed as exc:
            child.close()
            return HistorySecretScan(available=False, reason=str(exc), bound=bound)
    else:
        nonce = new_nonce()
        try:
            child = stream_git(
                cwd,
                log_args(nonce, text=text, revisions=revisions, skip=skip),
                timeout=max_seconds + 5,
            )
        except GitFailed as exc:
            return HistorySecretScan(available=False, reason=str(exc), bound=bound)
    mark = b"\n" + nonce.encode("ascii")
    scan = HistorySecretScan(available=True, bound=bound)
    state = _State()
    seen: dict[_Key, HistorySecret] = {}
    deadline = time.monotonic() + max_seconds
    leftover = b""
    read = child.read if isinstance(child, ReadAhead) else child.stdout.read
    at_end = False
    try:
        while True:
            chunk = read(CHUNK_BYTES)
            if not chunk:
                at_end = True
                if leftover:
                    last = blank_image_payloads(b"\n" + leftover + b"\n")
                    state = _scan_chunk(last, mark, state, scan, seen)
                break
            scan.bytes_scanned += len(chunk)
            data = leftover + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                leftover = data
            else:
                leftover = data[cut + 1 :]
                # a leading newline: every line of the chunk, the first too, follows one
                lines = blank_image_payloads(b"\n" + memoryview(data)[: cut + 1])
                state = _scan_chunk(lines, mark, state, scan, seen)
            if scan.bytes_scanned >= max_bytes or time.monotonic() > deadline:
                scan.truncated = True
                break
    finally:
        if at_end and isinstance(child, GitChild):  # its own exit code, not our kill's
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(timeout=5)  # the end of the output comes just before the exit
        returncode = child.close()
    if child.timed_out and not scan.truncated:
        scan.truncated = True  # git stalled: what was read is kept, the rest is unknown
    if not scan.truncated and returncode != 0:
        unreadable = () if skip else _unreadable_paths(cwd, revisions)
        if unreadable:
            # objects missing from this copy (a clone that could not fetch them): the rest
            # of the history is read without them, as the files at HEAD are (zvarrog/
            # sentiment-mlops-pipeline artefacts/best_model.joblib; reviewed)
            again = scan_history_secrets(
                cwd,
                max_bytes=max_bytes,
                max_seconds=max(1.0, deadline - time.monotonic()),
                text=text,
                revisions=revisions,
                skip=unreadable,
            )
            again.skipped, again.bound = unreadable, bound  # one bound for both runs
            return again
        if scan.bytes_scanned == 0:
            return HistorySecretScan(
                available=False, reason=f"git log failed ({returncode})", bound=bound
            )
        # git gave up midway (a missing object): what was read is kept, the rest is unknown
        scan.truncated = True
        scan.failed = f"git log exited with {returncode}"
    scan.findings = _ordered(seen)
    return scan


# at most this many paths are left out of a rerun: a copy missing more is too incomplete
MAX_UNREADABLE_PATHS = 200


def _unreadable_paths(cwd: Path, revisions: Sequence[str]) -> tuple[str, ...]:
    """The paths (relative to `cwd`) of the blobs the history names that this copy lacks:
    ONE `git log --raw` for the blob of every change, ONE `cat-file --batch-check` for which
    are missing. Empty when none is (git failed for another reason) or too many are."""
    try:
        raw = run_git(
            cwd,
            [
                "log",
                *revisions,
                *LOG_SAFETY_FLAGS,
                "--raw",
                "--no-abbrev",
                "--no-renames",
                "--relative",
                "--format=",
                "-z",
                "--",
                ".",
            ],
        )
    except GitFailed:
        return ()
    from mlaudit.repo.history import object_sizes, raw_changes

    paths: dict[str, set[str]] = {}
    for blob, path in raw_changes(raw, "surrogateescape"):
        if blob:
            paths.setdefault(blob, set()).add(path)
    try:
        sizes = object_sizes(cwd, sorted(paths))
    except GitFailed:
        return ()
    missing = sorted({path for blob, size in sizes.items() if size is None for path in paths[blob]})
    return tuple(missing) if 0 < len(missing) <= MAX_UNREADABLE_PATHS else ()


# A scan's peak memory grows with its tree (the facts of every file); the read-ahead buffer
# (up to repo/git.READ_AHEAD_BYTES) would add to it: past this many files, no read-ahead
# (at 100,000 files it took the peak from 320 to 344 MiB).
READ_AHEAD_MAX_FILES = 50_000


class PendingSecretScan:
    """The history secret scan of a repository, called when a check first asks for it, whose
    `git log -p` may be started before (`start()`: when the checks to run are known to need
    it): git then writes the patches on another core while the scan does other work, and
    the scan reads them from a bounded buffer (repo/git.ReadAhead). In a large repository on
    a machine with a second core, the whole scan runs in a worker process instead
    (repo/secrets_worker.py). Same options, same output: only where and when it runs
    changes. A started command or worker nobody reads is killed when this object is
    dropped."""

    def __init__(
        self,
        cwd: Path,
        *,
        shallow: bool = False,
        partial_clone: bool = False,
        read_ahead: bool = True,  # False: no read-ahead buffer (a worker may still run)
        worker: bool | None = None,
    ) -> None:
        self.cwd = cwd
        self.shallow = shallow
        self.partial_clone = partial_clone
        self.read_ahead = read_ahead
        # a worker process (repo/secrets_worker.py): None decides by the repository's size
        self.worker = worker
        self._started: tuple[str, ReadAhead] | None = None
        self._worker: HistoryWorker | None = None

    def start(self) -> None:
        if self._started is not None or self._worker is not None:
            return
        if self.shallow or self.partial_clone:
            return
        from mlaudit.repo.secrets_worker import HistoryWorker, worth_a_worker

        if self.worker if self.worker is not None else worth_a_worker(self.cwd):
            with contextlib.suppress(OSError):
                self._worker = HistoryWorker(self.cwd)
                return
        if not self.read_ahead:
            return
        nonce = new_nonce()
        try:
            stream = ReadAhead(self.cwd, log_args(nonce), chunk=CHUNK_BYTES)
        except GitFailed:
            return  # the scan starts it again when asked, and reports why it cannot
        self._started = (nonce, stream)

    def __call__(self) -> HistorySecretScan:
        worker, self._worker = self._worker, None
        if worker is not None:
            answer = worker.result()
            if answer is not None:
                return answer  # else the same scan, here
        started, self._started = self._started, None
        return scan_history_secrets(
            self.cwd, shallow=self.shallow, partial_clone=self.partial_clone, started=started
        )


def _keep(found: dict[_Key, HistorySecret], hit: HistorySecret) -> None:
    """One finding per secret (path, kind, fingerprint): a key added, removed and added again
    is one leak. Which occurrence is kept (the lowest line, then the smallest commit id) does
    not depend on the order git lists commits in, so an earlier scan merged with a scan of
    the new commits is exactly a scan of everything (`merge_scans`)."""
    key = (hit.path, hit.finding.kind, hit.finding.fingerprint)
    kept = found.get(key)
    if kept is None or (hit.finding.line, hit.commit) < (kept.finding.line, kept.commit):
        found[key] = hit


def _ordered(found: dict[_Key, HistorySecret]) -> list[HistorySecret]:
    return sorted(found.values(), key=lambda h: (h.path, h.finding.line, h.commit, h.finding.kind))


def merge_scans(old: HistorySecretScan, new: HistorySecretScan) -> HistorySecretScan:
    """The scan of every commit from a complete scan of some (`old`) and a complete scan of
    the rest (`new`: `git log -p <new tips> --not <old tips>`, same flags). Each commit's patch
    is the same text in either stream, so counts add up and findings are their union."""
    found: dict[_Key, HistorySecret] = {}
    for hit in [*old.findings, *new.findings]:
        _keep(found, hit)
    return HistorySecretScan(
        available=True,
        findings=_ordered(found),
        commits_scanned=old.commits_scanned + new.commits_scanned,
        bytes_scanned=old.bytes_scanned + new.bytes_scanned,
        bound=new.bound,
        skipped=tuple(sorted({*old.skipped, *new.skipped})),
    )


def _scan_chunk(
    data: bytes,
    mark: bytes,
    state: _State,
    scan: HistorySecretScan,
    seen: dict[_Key, HistorySecret],
) -> _State:
    """Scan one chunk of patch text (a newline, then whole lines); return the state the
    next chunk starts in."""
    scan.commits_scanned += data.count(mark)
    # each context is read on from the previous one: from the chunk's start, a large hunk
    # was read again for every candidate line in it
    start, start_state = 0, state
    for line_start in _added_candidate_lines(data):
        where = _context(data, line_start, mark, start_state, start)
        start, start_state = line_start - 1, where
        if not where.in_hunk or not where.commit or not where.path:
            continue  # a `+++ ` file header, or a hunk whose file is unknown
        _detect(
            data,
            line_start,
            where.hunk_line + where.added,
            where.commit.decode("ascii", "replace"),
            where.path.decode("utf-8", "replace"),
            scan,
            seen,
        )
    return _context(data, len(data), mark, start_state, start)


def _added_candidate_lines(data: bytes) -> Iterator[int]:
    """The start of each added (`+`) line of `data` on which a match of the candidate regex
    starts, in order: one window per line.

    The regex alone would try its ~40 alternatives at every byte (~5 MB/s, most of a scan of
    a large history); the literals every alternative holds (patterns.literal_anchors) tell
    the few places where a match can start, and the regex is tried only there. The same
    lines as a `finditer` over the chunk: no alternative matches across a line break in
    `git log -U0` output (no line there starts with white space)."""
    anchors = literal_anchors(CANDIDATE_BYTES.pattern)
    if anchors is None:  # an alternative without literals: the plain scan
        lines = (data.rfind(b"\n", 0, m.start()) + 1 for m in CANDIDATE_BYTES.finditer(data))
        yield from (s for s in dict.fromkeys(lines) if data.startswith(b"+", s))
        return
    match = CANDIDATE_BYTES.match
    line_start, line_end = 0, -1  # the line being read: [line_start, line_end]
    done = -1  # every place up to here is tried or needs no trying
    # the line starts are tried here, once per line read: the spans need not find them
    for first, last in _spans_outside_removed_blocks(anchors, data):
        at = max(first, done + 1)
        while at <= last:
            if at > line_end:
                line_start = data.rfind(b"\n", 0, at) + 1
                line_end = _line_end(data, at)
                if not data.startswith(b"+", line_start):  # only added lines matter
                    done = line_end
                    at = line_end + 1
                    continue
                if anchors.line_start and line_start < at and match(data, line_start):
                    yield line_start
                    done = line_end
                    at = line_end + 1
                    continue
            stop = min(last, line_end)
            if any(match(data, place) for place in range(at, stop + 1)):
                yield line_start
                stop = line_end  # one match decides the line
            at = stop + 1
            done = stop


# removed lines are never read for secrets (only added ones are); a block of them this large
# (an old JSON file a commit rewrote) is left out of the literal search, half of a history
# of regenerated result files
REMOVED_BLOCK_BYTES = 4096
_NOT_REMOVED = re.compile(rb"\n[^-]")  # the newline that ends a run of `-` lines


def _spans_outside_removed_blocks(anchors: Anchors, data: bytes) -> list[tuple[int, int]]:
    """anchors.spans(data, line_starts=False), but not inside runs of removed (`-`) lines of
    REMOVED_BLOCK_BYTES or more, where no added line can be."""
    spans: list[tuple[int, int]] = []
    start = 0
    at = data.find(b"\n-")
    while at >= 0:
        found = _NOT_REMOVED.search(data, at + 1)
        end = found.start() if found else len(data)  # the newline after the run's last line
        if end - at >= REMOVED_BLOCK_BYTES:
            spans.extend((a + start, b + start) for a, b in _spans(anchors, data, start, at + 1))
            start = end
        at = data.find(b"\n-", end)
    spans.extend((a + start, b + start) for a, b in _spans(anchors, data, start, len(data)))
    return spans


def _spans(anchors: Anchors, data: bytes, start: int, end: int) -> list[tuple[int, int]]:
    whole = start == 0 and end == len(data)
    return anchors.spans(data if whole else data[start:end], line_starts=False)


def _line_end(data: bytes, at: int) -> int:
    end = data.find(b"\n", at)
    return len(data) if end < 0 else end


def _context(data: bytes, pos: int, mark: bytes, state: _State, start: int = 0) -> _State:
    """The state at `pos` (a line start) of a chunk whose text from `start` (a newline) on
    began in `state`. A later line's state is read on from an earlier line's (`start` the
    newline before that line, `state` its state): no marker ends with a newline, so the
    state at a line start is the state at the newline before it."""
    commit_at = data.rfind(mark, start, pos)
    diff_at = data.rfind(_DIFF, start, pos)
    hunk_at = data.rfind(_HUNK_START, start, pos)
    latest = max(commit_at, diff_at, hunk_at)
    if latest < 0:  # the chunk so far continues what the previous one was in
        if state.in_hunk:
            return replace(state, added=state.added + data.count(b"\n+", start, pos))
        # inside a file header that started before `start`
        return replace(state, path=_header_path(data, start, pos) or state.path)
    commit = state.commit
    if commit_at >= 0:
        end = data.find(b"\n", commit_at + 1)
        commit = data[commit_at + len(mark) : end if end >= 0 else len(data)]
    if latest == commit_at:
        return _State(commit=commit)
    # the file: from the header of the latest `diff --git` of this commit
    header_end = hunk_at if hunk_at > diff_at else pos
    if diff_at > commit_at:
        path = _header_path(data, diff_at, header_end)
    elif commit_at < 0 and not state.in_hunk:
        # the header started before `start` and continues here
        path = _header_path(data, start, header_end) or state.path
    else:
        path = state.path
    if latest == diff_at:
        return _State(commit=commit, path=path)
    m = _HUNK.match(data, hunk_at + 1)
    return _State(
        commit=commit,
        path=path,
        in_hunk=True,
        hunk_line=int(m.group(1)) if m else 0,
        added=data.count(b"\n+", hunk_at + 1, pos),
    )


def _header_path(data: bytes, start: int, end: int) -> bytes:
    """The new-file path of a file header held in data[start:end] (no content lines)."""
    at = data.rfind(_NEW_FILE, start, end)
    if at < 0:
        return b""
    stop = data.find(b"\n", at + 1)
    raw = data[at + len(_NEW_FILE) : stop if stop >= 0 else end]
    if raw.endswith(b"\t"):  # git ends a name holding a space with a TAB (for patch(1))
        raw = raw[:-1]
    if raw.startswith(b'"') and raw.endswith(b'"'):
        raw = _unquote(raw[1:-1])
    if raw.startswith(b"b/"):
        raw = raw[2:]
    return b"" if raw == b"/dev/null" else raw


_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13}


def _unquote(raw: bytes) -> bytes:
    """Undo git's C-style quoting of a path (`"a\\tb"`, octal escapes for other bytes)."""
    out = bytearray()
    i = 0
    while i < len(raw):
        byte = raw[i : i + 1]
        if byte != b"\\" or i + 1 >= len(raw):
            out += byte
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif raw[i + 1 : i + 4].isdigit():
            out.append(int(raw[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += nxt
            i += 2
    return bytes(out)


def _detect(
    data: bytes,
    line_start: int,
    line: int,
    commit: str,
    path: str,
    scan: HistorySecretScan,
    seen: dict[_Key, HistorySecret],
) -> None:
    """Run the detectors on the added lines around the candidate (same hunk: every `+`
    line between the hunk header and the next non-`+` line)."""
    before: list[bytes] = []
    pos = line_start
    while len(before) < WINDOW_LINES and pos > 1:
        prev = data.rfind(b"\n", 0, pos - 1) + 1
        text = data[prev : pos - 1]
        if not text.startswith(b"+"):
            break
        before.append(text)
        pos = prev
    before.reverse()
    after: list[bytes] = []
    pos = line_start
    while len(after) <= WINDOW_LINES:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        text = data[pos:end]
        if not text.startswith(b"+"):
            break
        after.append(text)
        pos = end + 1
    window = b"\n".join(t[1:] for t in before + after).decode("utf-8", "replace")
    for finding in find_secrets(path, window, first_line=line - len(before)):
        _keep(seen, HistorySecret(commit=commit, path=path, finding=finding))


# Past this many refs the incremental scan's command line grows too long: a full scan instead.
MAX_INCREMENTAL_TIPS = 2000


def scan_new_commits(
    cwd: Path, earlier: HistorySecretScan, earlier_tips: Sequence[str], tips: Sequence[str]
) -> HistorySecretScan | None:
    """The scan of every ref, from an earlier complete scan plus the commits added since
    (`git log -p <tips> --not <earlier tips>`), or None when that would not be exactly what a
    full scan reads — then the caller runs the full scan.

    Exact only when history grew: every commit the earlier scan read is still reachable (no
    ref deleted or rewound), and the pruned walk of `-- .` lists as many commits as the two
    scans read together (a merge whose side is only partly new can be simplified differently
    in a walk that stops at the earlier tips)."""
    if not earlier.available or earlier.truncated or not earlier_tips or not tips:
        return None
    if len(tips) + len(earlier_tips) > MAX_INCREMENTAL_TIPS:
        return None
    try:
        lost = run_git(cwd, ["rev-list", "--count", *earlier_tips, "--not", *tips, "--"])
        if int(lost.strip() or b"-1") != 0:
            return None  # a ref was deleted or rewound: its commits leave the scan
        new = scan_history_secrets(cwd, revisions=[*tips, "--not", *earlier_tips])
        if not new.available or new.truncated:
            return None
        if earlier.bytes_scanned + new.bytes_scanned >= DEFAULT_MAX_BYTES:
            return None  # a full scan would stop at its bound
        listed = run_git(cwd, ["rev-list", "--count", "--all", "--", "."])
        if int(listed.strip() or b"-1") != earlier.commits_scanned + new.commits_scanned:
            return None
    except (GitFailed, ValueError):
        return None
    return merge_scans(earlier, new)
