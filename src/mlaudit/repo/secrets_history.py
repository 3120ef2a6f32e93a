"""Secrets in the git history: ONE streaming `git log -p`, bounded in bytes and time.

A key deleted in a later commit is still leaked: anyone with a clone can read it. This
module runs a single

    git log -p --all --no-color --no-ext-diff --no-textconv -U0 --no-renames --relative

and reads its output as a stream of large byte chunks. A cheap candidate regex
(parsers.secrets.CANDIDATE_BYTES) runs over each chunk at C speed; only around a candidate
does Python look at the text: it finds the commit, file and line of the match with `rfind`
and runs the real detectors (parsers.secrets.find_secrets) on the few added lines around
it. Nothing is held in memory but the current chunk and the findings, which never contain
the secret itself (only a redacted form).

Bounds: `max_bytes` of patch text and `max_seconds` of wall time; when either is hit the
scan stops, says so (`truncated`, `bound`) and the caller treats the unscanned rest as
unknown. Shallow and partial clones are not scanned (incomplete history; a partial clone
would fetch missing blobs over the network).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlaudit.repo.git import GitFailed, stream_git
from mlaudit.repo.parsers.secrets import CANDIDATE_BYTES, SecretFinding, find_secrets

DEFAULT_MAX_BYTES = 1024**3
DEFAULT_MAX_SECONDS = 60.0
CHUNK_BYTES = 4 * 1024 * 1024
WINDOW_LINES = 8
MARK = b"\x1e"
LOG_ARGS = (
    "log",
    "-p",
    "--all",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "-U0",
    "--no-renames",
    "--relative",
    "--format=%x1e%H",
    "--",
    ".",
)
_HUNK = re.compile(rb"@@ -\d+(?:,\d+)? \+(\d+)")


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

    def summary(self) -> str:
        mib = self.bytes_scanned / 1024**2
        text = f"{self.commits_scanned} commit(s), {mib:.1f} MiB of patches scanned"
        if self.truncated:
            text += f"; stopped at the bound ({self.bound})"
        else:
            text += f" (bound {self.bound})"
        return text


def describe_bound(max_bytes: int, max_seconds: float) -> str:
    return f"{max_bytes // 1024**2} MiB / {max_seconds:g} s"


@dataclass
class _State:
    commit: bytes = b""
    path: bytes = b""
    hunk_line: int = 0  # first new-file line of the current hunk
    added: int = 0  # '+' lines of the current hunk seen before the current chunk


def scan_history_secrets(
    cwd: Path,
    *,
    shallow: bool = False,
    partial_clone: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> HistorySecretScan:
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
    try:
        proc = stream_git(cwd, LOG_ARGS)
    except GitFailed as exc:
        return HistorySecretScan(available=False, reason=str(exc), bound=bound)
    scan = HistorySecretScan(available=True, bound=bound)
    state = _State()
    seen: set[tuple[str, str, str]] = set()
    deadline = time.monotonic() + max_seconds
    leftover = b""
    assert proc.stdout is not None
    try:
        while True:
            chunk = proc.stdout.read(CHUNK_BYTES)
            if not chunk:
                if leftover:
                    _scan_chunk(leftover + b"\n", state, scan, seen)
                break
            scan.bytes_scanned += len(chunk)
            data = leftover + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                leftover = data
            else:
                leftover = data[cut + 1 :]
                _scan_chunk(data[: cut + 1], state, scan, seen)
            if scan.bytes_scanned >= max_bytes or time.monotonic() > deadline:
                scan.truncated = True
                break
    finally:
        if scan.truncated or proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        returncode = proc.wait()
    if not scan.truncated and returncode != 0 and scan.bytes_scanned == 0:
        return HistorySecretScan(
            available=False, reason=f"git log failed ({returncode})", bound=bound
        )
    scan.findings.sort(key=lambda h: (h.path, h.finding.line, h.commit, h.finding.kind))
    return scan


def _scan_chunk(
    data: bytes, state: _State, scan: HistorySecretScan, seen: set[tuple[str, str, str]]
) -> None:
    """Scan one chunk of patch text that ends at a line boundary; update `state` so the
    next chunk knows the commit, file and hunk it starts in."""
    scan.commits_scanned += data.count(MARK)
    last_line_start = -1
    for match in CANDIDATE_BYTES.finditer(data):
        pos = match.start()
        line_start = data.rfind(b"\n", 0, pos) + 1
        if line_start == last_line_start:
            continue  # one window per line
        last_line_start = line_start
        if data[line_start : line_start + 1] != b"+" or data.startswith(b"+++ ", line_start):
            continue  # only added lines (not removed lines or file headers)
        commit, path, line = _locate(data, line_start, state)
        if not commit or not path:
            continue
        _detect(data, line_start, line, commit, path, scan, seen)
    _advance(data, state)


def _locate(data: bytes, line_start: int, state: _State) -> tuple[str, str, int]:
    mark = data.rfind(MARK, 0, line_start)
    commit = data[mark + 1 : mark + 41] if mark >= 0 else state.commit
    header = data.rfind(b"\n+++ ", 0, line_start)
    if header >= 0 and header > mark:
        end = data.find(b"\n", header + 1)
        path = _header_path(data[header + 5 : end])
    elif mark >= 0:
        path = b""  # a new commit started but its file header was not seen: skip
    else:
        path = state.path
    hunk = data.rfind(b"\n@@ ", 0, line_start)
    if hunk >= 0:
        m = _HUNK.match(data, hunk + 1)
        first = int(m.group(1)) if m else 0
        line = first + data.count(b"\n+", hunk + 1, line_start - 1)
    else:
        line = state.hunk_line + state.added + data.count(b"\n+", 0, line_start - 1)
        if data[:1] == b"+" and line_start > 0:
            line += 1
    return (
        commit.decode("ascii", "replace"),
        path.decode("utf-8", "replace"),
        line,
    )


def _header_path(raw: bytes) -> bytes:
    raw = raw.strip()
    if raw.startswith(b'"') and raw.endswith(b'"'):
        raw = raw[1:-1]
    if raw.startswith(b"b/"):
        raw = raw[2:]
    return b"" if raw == b"/dev/null" else raw


def _detect(
    data: bytes,
    line_start: int,
    line: int,
    commit: str,
    path: str,
    scan: HistorySecretScan,
    seen: set[tuple[str, str, str]],
) -> None:
    """Run the detectors on the added lines around the candidate (same hunk)."""
    before: list[bytes] = []
    pos = line_start
    while len(before) < WINDOW_LINES and pos > 0:
        prev = data.rfind(b"\n", 0, pos - 1) + 1
        text = data[prev : pos - 1]
        if not text.startswith(b"+") or text.startswith(b"+++ "):
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
        if not text.startswith(b"+") or text.startswith(b"+++ "):
            break
        after.append(text)
        pos = end + 1
    window = b"\n".join(t[1:] for t in before + after).decode("utf-8", "replace")
    for finding in find_secrets(path, window, first_line=line - len(before)):
        key = (path, finding.kind, finding.fingerprint)
        if key in seen:
            continue
        seen.add(key)
        scan.findings.append(HistorySecret(commit=commit, path=path, finding=finding))


def _advance(data: bytes, state: _State) -> None:
    mark = data.rfind(MARK)
    if mark >= 0:
        state.commit = data[mark + 1 : mark + 41]
        state.path = b""
    header = data.rfind(b"\n+++ ")
    if header >= 0 and header > mark:
        end = data.find(b"\n", header + 1)
        state.path = _header_path(data[header + 5 : end])
    hunk = data.rfind(b"\n@@ ")
    if hunk >= 0 and hunk > mark:
        m = _HUNK.match(data, hunk + 1)
        state.hunk_line = int(m.group(1)) if m else 0
        state.added = data.count(b"\n+", hunk + 1)
    elif mark < 0:
        state.added += data.count(b"\n+") + (1 if data[:1] == b"+" else 0)
