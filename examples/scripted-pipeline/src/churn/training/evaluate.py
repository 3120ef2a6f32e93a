"""Pipeline stage `evaluate`: score the trained model on the hold-out set → metrics.json."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import mlflow
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from churn.features.build import split_xy

TEST = Path("data/processed/test.csv")
MODEL = Path("models/model.joblib")
METRICS = Path("metrics.json")


def evaluate(model, frame: pd.DataFrame) -> dict[str, float]:
    x_test, y_test = split_xy(frame)
    proba = model.predict_proba(x_test)[:, 1]
    predicted = (proba >= 0.5).astype(int)
    return {
        "roc_auc": round(float(roc_auc_score(y_test, proba)), 4),
        "accuracy": round(float(accuracy_score(y_test, predicted)), 4),
        "f1": round(float(f1_score(y_test, predicted)), 4),
    }


def main() -> None:
    model = joblib.load(MODEL)
    metrics = evaluate(model, pd.read_csv(TEST))
    METRICS.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    mlflow.set_experiment("churn")
    with mlflow.start_run(run_name="evaluate"):
        mlflow.log_metrics(metrics)


if __name__ == "__main__":
    main()
