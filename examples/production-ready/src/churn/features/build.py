"""Feature engineering shared by training and (later) serving."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

CATEGORICAL = ["contract", "internet_service"]
NUMERIC = [
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "support_calls",
    "charges_per_month",
    "calls_per_year",
]
TARGET = "churned"


def add_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Derived columns; pure, so the same function serves training and inference."""
    out = frame.copy()
    tenure = out["tenure_months"].clip(lower=1)
    out["charges_per_month"] = out["total_charges"] / tenure
    out["calls_per_year"] = out["support_calls"] * 12.0 / tenure
    out[NUMERIC] = out[NUMERIC].replace([np.inf, -np.inf], np.nan).fillna(0.0)
    return out


def preprocessor() -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
            ("numeric", StandardScaler(), NUMERIC),
        ]
    )


def split_xy(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    frame = add_features(frame)
    return frame[CATEGORICAL + NUMERIC], frame[TARGET]
