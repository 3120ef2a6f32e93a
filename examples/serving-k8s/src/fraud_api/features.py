"""Request payloads → the model's feature frame, rejecting NaN and infinities."""

from __future__ import annotations

import numpy as np
import pandas as pd

FEATURES = ["amount", "merchant_risk", "hour", "distance_km", "card_age_days"]


class NonFiniteInput(ValueError):
    """A feature is NaN or infinite."""


def to_frame(rows: list[dict[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=FEATURES).astype("float64")
    if not np.isfinite(frame.to_numpy()).all():
        raise NonFiniteInput("features must be finite numbers")
    return frame
