import pandas as pd

from fraud.features import add_features


def test_add_features():
    df = pd.DataFrame({"amount": [10.0], "account_age_days": [3], "tx_last_24h": [1]})
    out = add_features(df)
    assert out["amount_per_tx"].iloc[0] == 5.0
    assert out["new_account"].iloc[0] == 1
