"""Feature transforms shared by training and serving (one implementation, no skew)."""

from __future__ import annotations

import pandas as pd

NUMERIC = ["amount", "account_age_days", "tx_last_24h"]


def add_features(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["amount_per_tx"] = out["amount"] / (out["tx_last_24h"] + 1)
    out["new_account"] = (out["account_age_days"] < 30).astype(int)
    return out
