"""How one scan is run: the profile, which checks, waivers and attestations (see scoring.py).

Apart from scoring.py so that preparing a scan (run.prepare) and answering it from the
result cache do not import the probes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlaudit.attestations import Attestations
    from mlaudit.results import CheckResult


@dataclass(frozen=True)
class ScanOptions:
    profile: str = "auto"
    selected: Callable[[str], bool] | None = None  # check id → run it?
    # result → the waiver fields to set on it (waived_by, waiver_origin), or None
    waive: Callable[[CheckResult], dict[str, Any] | None] | None = None
    attestations: Attestations | None = None  # None: read .mlaudit/attestations.yaml
