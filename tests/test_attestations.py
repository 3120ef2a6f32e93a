"""`.mlaudit/attestations.yaml`: an attested item counts at most 0.5 and 0 once expired (the
report says "expired on DATE"); a malformed file is an error naming file:line (exit 2)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import snapshot

from mlaudit.attestations import AttestationError, load_attestations, parse_attestations
from mlaudit.maturity import credit_of, progress_text
from mlaudit.repo.parsers.yaml_docs import parse_yaml
from mlaudit.results import Attestation, CheckResult, Outcome
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import ScanOptions, assess

TODAY = dt.date(2026, 6, 1)
GOOD = """\
attestations:
  - check: quality-monitor
    claim: A weekly job compares live accuracy with the holdout and pages on a drop
    evidence: https://wiki.example.com/ml/quality-runbook
    owner: ml-platform@example.com
    verified_on: 2026-05-01
    expires: 2026-11-01
  - check: MON001
    claim: Evidently drift report reviewed weekly
    evidence: https://wiki.example.com/ml/drift
    owner: ml-platform@example.com
    verified_on: 2025-01-01
    expires: 2025-06-30
"""


def _parse(text: str):
    return parse_attestations(parse_yaml(text).documents, load_rubric().rubric, TODAY)


def test_parse_resolves_names_and_expiry() -> None:
    got = _parse(GOOD)
    active = got.for_check("MON005")
    assert active is not None and not active.expired and active.line == 2
    expired = got.for_check("MON001")
    assert expired is not None and expired.expired and expired.expires == "2025-06-30"


def _result(outcome: Outcome, attestation: Attestation | None) -> CheckResult:
    return CheckResult(
        check="MON005",
        name="quality-monitor",
        title="t",
        quality="monitoring",
        artifact="model",
        level=4,
        weight=3,
        severity="medium",
        strength="strong",
        outcome=outcome,
        message="",
        attestation=attestation,
    )


@pytest.mark.parametrize(
    ("outcome", "expired", "credit", "status"),
    [
        (Outcome.FAIL, False, 0.5, "attested"),  # at most 0.5: declared, not verified
        (Outcome.UNKNOWN, False, 0.5, "attested"),
        (Outcome.PARTIAL, False, 0.5, "attested"),
        (Outcome.PASS, False, 1.0, "met"),  # the probe's proof stands
        (Outcome.FAIL, True, 0.0, "expired"),  # 0 once expired
        (Outcome.UNKNOWN, True, 0.0, "expired"),
    ],
)
def test_attested_credit(outcome, expired, credit, status) -> None:
    att = Attestation(
        check="MON005",
        claim="c",
        evidence="e",
        owner="o",
        verified_on="2026-01-01",
        expires="2026-02-01",
        expired=expired,
    )
    got = credit_of(_result(outcome, att))
    assert (got.value, got.status) == (credit, status)


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("attestations: 5\n", ":1", "must be a list"),
        ("attestations:\n  - check: MON005\n", ":2", "missing claim"),
        (GOOD.replace("check: MON001", "check: MON999"), ":8", "unknown check 'MON999'"),
        (GOOD.replace("expires: 2026-11-01", "expires: soon"), ":7", "must be a date"),
        (
            GOOD.replace("    owner: ml-platform@example.com\n", "    owner: x\n    oops: 1\n", 1),
            ":6",
            "unknown key 'oops'",
        ),
        (GOOD.replace("verified_on: 2026-05-01", "verified_on: 2026-07-01"), ":6", "future"),
        (GOOD.replace("expires: 2026-11-01", "expires: 2999-01-01"), ":7", "re-verify"),
        (GOOD.replace("check: MON001", "check: quality-monitor"), ":8", "second attestation"),
        ("checks: []\n", ":1", "unknown key 'checks'"),
    ],
)
def test_malformed_file_names_file_and_line(text: str, where: str, what: str) -> None:
    with pytest.raises(AttestationError) as err:
        _parse(text)
    message = str(err.value)
    assert message.startswith(".mlaudit/attestations.yaml" + where), message
    assert what in message
    assert err.value.exit_code == 2


def test_scan_shows_attested_and_expired(tmp_path: Path) -> None:
    today = dt.datetime.now(dt.timezone.utc).date()
    text = GOOD.replace("2026-05-01", (today - dt.timedelta(days=30)).isoformat()).replace(
        "2026-11-01", (today + dt.timedelta(days=150)).isoformat()
    )
    snap = snapshot(tmp_path / "r", {"README.md": "# x\n", ".mlaudit/attestations.yaml": text})
    # MON* only apply to batch/online-serving projects
    a = assess(snap, load_rubric(), ScanOptions(profile="batch"))
    by = {r.check: r for r in a.results}
    assert by["MON005"].attestation is not None and not by["MON005"].attestation.expired
    assert by["MON001"].attestation is not None and by["MON001"].attestation.expired
    items = {i.check: i for la in a.maturity.attainment for i in la.items}
    assert items["MON005"].status == "attested" and items["MON005"].credit == 0.5
    drift = items["MON001"]
    assert drift.status == "expired" and drift.credit == 0.0 and drift.expires == "2025-06-30"


def test_expired_reads_expired_on_date() -> None:
    from mlaudit.maturity import item_text
    from mlaudit.results import GateItemState

    item = GateItemState(
        level=4,
        pillar="operations",
        check="MON001",
        name="drift-detection",
        checks=("MON001",),
        artifact="data",
        weight=2,
        credit=0.0,
        status="expired",
        gain=0.2,
        expires="2025-06-30",
    )
    assert "attestation expired on 2025-06-30" in item_text(item)
    assert progress_text  # imported for the renderers


def test_no_file_no_attestations(tmp_path: Path) -> None:
    snap = snapshot(tmp_path / "r", {"README.md": "# x\n"})
    assert load_attestations(snap, load_rubric().rubric).by_check == {}


def test_cli_exit_2_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "bad"
    snapshot(root, {"README.md": "# x\n", ".mlaudit/attestations.yaml": "attestations:\n  - 3\n"})
    out = subprocess.run(
        [sys.executable, "-m", "mlaudit", "scan", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert ".mlaudit/attestations.yaml:2" in out.stderr
    assert "Traceback" not in out.stderr
    assert not out.stdout.strip() or json.loads(out.stdout) is None
