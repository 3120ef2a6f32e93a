"""Offline training: fit the pipeline on the labelled sample and save it."""

from __future__ import annotations

import joblib
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from fraud_api.features import FEATURES


def train(path: str = "data/transactions.csv", out: str = "model.joblib") -> float:
    data = pd.read_csv(path)
    x_train, x_test, y_train, y_test = train_test_split(
        data[FEATURES], data["is_fraud"], test_size=0.25, random_state=42
    )
    model = Pipeline(
        [("scale", StandardScaler()), ("clf", GradientBoostingClassifier(random_state=42))]
    )
    model.fit(x_train, y_train)
    joblib.dump(model, out)
    return float(model.score(x_test, y_test))


if __name__ == "__main__":
    print(train())
