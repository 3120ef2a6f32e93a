"""Train the fraud pipeline on the current month of transactions."""

from __future__ import annotations

import mlflow.sklearn
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from fraud.features import NUMERIC, add_features
from fraud.settings import get_settings


def main() -> None:
    settings = get_settings()
    df = add_features(pd.read_parquet(settings.data_uri))
    columns = [*NUMERIC, "amount_per_tx", "new_account"]
    pipeline = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=500))])
    pipeline.fit(df[columns], df["is_fraud"])
    mlflow.sklearn.save_model(pipeline, "artifacts/model")


if __name__ == "__main__":
    main()
