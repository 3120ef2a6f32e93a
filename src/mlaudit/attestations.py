"""`.mlaudit/attestations.yaml`: human claims for what static analysis cannot decide.

    attestations:
      - check: quality-monitor          # a check id or name
        claim: Weekly quality job compares live accuracy with the holdout
        evidence: https://wiki.example.com/ml/quality-runbook
        owner: ml-platform@example.com
        verified_on: 2026-09-01
        expires: 2027-03-01

An attested check shows as "attested", counts at most 0.5 towards maturity (declared, not
verified) and 0 once `expires` is past (the report says "expired on DATE"); a claim is valid
for at most a year after `verified_on`. The file is read
through the Snapshot (bounded, inside the repository, never through a symlink out of it) and
parsed with safe YAML only. A malformed file is an error naming file:line (exit 2): a claim
that silently does not count would be worse than no claim.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from mlaudit.errors import UsageError
from mlaudit.repo.parsers.yaml_docs import LineDict, LineList
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Attestation
from mlaudit.rubric.model import Rubric

PATH = ".mlaudit/attestations.yaml"
MAX_BYTES = 256 * 1024
MAX_ENTRIES = 500
MAX_FIELD_CHARS = 2000
# a claim must be re-verified at least yearly: a repository cannot attest for itself forever
MAX_VALIDITY_DAYS = 366
FIELDS = ("check", "claim", "evidence", "owner", "verified_on", "expires")


class AttestationError(UsageError):
    """A malformed attestations file: exit 2, the message names file:line."""


@dataclass(frozen=True)
class Attestations:
    by_check: dict[str, Attestation]

    def for_check(self, check_id: str) -> Attestation | None:
        return self.by_check.get(check_id)


NONE = Attestations({})


def today_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def _date(value: Any, where: str, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        message = f"{where}: `{key}` must be a date YYYY-MM-DD, got {value!r}"
        raise AttestationError(message[:300]) from None


def _line(node: Any, key: str | None = None) -> int:
    if isinstance(node, LineDict) and key is not None and key in node.key_lines:
        return node.key_lines[key]
    return getattr(node, "line", 0) or 1


def parse_attestations(
    docs: list[Any], rubric: Rubric, today: dt.date, path: str = PATH
) -> Attestations:
    if not docs or docs == [None]:
        return NONE
    if len(docs) != 1:
        raise AttestationError(f"{path}:1: one YAML document expected, found {len(docs)}")
    doc = docs[0]
    entries = doc.get("attestations") if isinstance(doc, dict) else doc
    if isinstance(doc, dict):
        extra = sorted(str(k) for k in doc if k != "attestations")
        if extra:
            raise AttestationError(
                f"{path}:{_line(doc, extra[0])}: unknown key {extra[0]!r}; expected `attestations:`"
            )
    if entries is None:
        return NONE
    if not isinstance(entries, list):
        raise AttestationError(f"{path}:{_line(doc)}: `attestations` must be a list of entries")
    if len(entries) > MAX_ENTRIES:
        raise AttestationError(f"{path}:1: more than {MAX_ENTRIES} attestations")
    known = {ref: c.id for _, c in rubric.checks() for ref in (c.id, c.name)}
    by_check: dict[str, Attestation] = {}
    lines = entries.item_lines if isinstance(entries, LineList) else []
    for n, entry in enumerate(entries):
        line = lines[n] if n < len(lines) else _line(entries)
        where = f"{path}:{line}"
        if not isinstance(entry, dict):
            raise AttestationError(f"{where}: an attestation is a mapping with {', '.join(FIELDS)}")
        unknown = [str(k) for k in entry if k not in FIELDS]
        if unknown:
            raise AttestationError(
                f"{path}:{_line(entry, unknown[0])}: unknown key {unknown[0]!r}; "
                f"allowed: {', '.join(FIELDS)}"
            )
        missing = [k for k in FIELDS if entry.get(k) in (None, "")]
        if missing:
            raise AttestationError(f"{where}: missing {', '.join(missing)}")
        for key in ("check", "claim", "evidence", "owner"):
            value = entry[key]
            if not isinstance(value, str) or len(value) > MAX_FIELD_CHARS:
                raise AttestationError(
                    f"{path}:{_line(entry, key)}: `{key}` must be text of at most "
                    f"{MAX_FIELD_CHARS} characters"
                )
        ref = entry["check"].strip()
        if ref not in known:
            close = difflib.get_close_matches(ref, list(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise AttestationError(
                f"{path}:{_line(entry, 'check')}: unknown check {ref[:80]!r}{hint}"
            )
        verified = _date(
            entry["verified_on"], f"{path}:{_line(entry, 'verified_on')}", "verified_on"
        )
        expires = _date(entry["expires"], f"{path}:{_line(entry, 'expires')}", "expires")
        if expires < verified:
            raise AttestationError(
                f"{path}:{_line(entry, 'expires')}: `expires` {expires} is before "
                f"`verified_on` {verified}"
            )
        if (expires - verified).days > MAX_VALIDITY_DAYS:
            raise AttestationError(
                f"{path}:{_line(entry, 'expires')}: `expires` is more than "
                f"{MAX_VALIDITY_DAYS} days after `verified_on`: re-verify the claim yearly"
            )
        if verified > today:
            raise AttestationError(
                f"{path}:{_line(entry, 'verified_on')}: `verified_on` {verified} is in the future"
            )
        check_id = known[ref]
        if check_id in by_check:
            raise AttestationError(f"{where}: a second attestation for {check_id}")
        by_check[check_id] = Attestation(
            check=check_id,
            claim=entry["claim"].strip(),
            evidence=entry["evidence"].strip(),
            owner=entry["owner"].strip(),
            verified_on=verified.isoformat(),
            expires=expires.isoformat(),
            expired=expires < today,
            path=path,
            line=line,
        )
    return Attestations(by_check)


def load_attestations(snap: Snapshot, rubric: Rubric, today: dt.date | None = None) -> Attestations:
    """The repository's attestations, or none when the file does not exist."""
    kind = snap.kind(PATH) if snap.exists(PATH) else None
    if kind is None:
        return NONE
    if kind != "file":
        raise AttestationError(f"{PATH}: not a regular file inside the repository")
    size = snap.size(PATH) or 0
    if size > MAX_BYTES:
        raise AttestationError(f"{PATH}: larger than {MAX_BYTES} bytes")
    parsed = snap.yaml(PATH)
    if parsed is None:
        problem = snap.problem(PATH) or "unreadable"
        raise AttestationError(f"{PATH}: {problem}")
    if parsed.error:
        raise AttestationError(f"{PATH}: {parsed.error}")
    return parse_attestations(parsed.documents, rubric, today or today_utc())
