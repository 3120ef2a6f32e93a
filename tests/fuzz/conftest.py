"""Hypothesis profiles for the fuzz suite.

- `ci` (default): bounded, the whole fuzz suite stays well under a minute;
- `long`: by hand, `HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz --hypothesis-show-statistics`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": False,
}
settings.register_profile("ci", max_examples=60, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("long", max_examples=3000, **_COMMON)  # type: ignore[arg-type]
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
