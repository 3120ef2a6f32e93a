"""Pipeline stage `evaluate`: score the trained model on the hold-out set → metrics.json."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import mlflow.pyfunc
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from churn.features.build import split_xy

TEST = Path("data/processed/test.csv")
MODEL_DIR = Path("models/churn-classifier")
METRICS = Path("metrics.json")


def evaluate(predict_proba, frame: pd.DataFrame) -> dict[str, float]:
    x_test, y_test = split_xy(frame)
    proba = predict_proba(x_test)
    predicted = (proba >= 0.5).astype(int)
    return {
        "roc_auc": round(float(roc_auc_score(y_test, proba)), 4),
        "accuracy": round(float(accuracy_score(y_test, predicted)), 4),
        "f1": round(float(f1_score(y_test, predicted)), 4),
    }


def main() -> None:
    model = mlflow.pyfunc.load_model(str(MODEL_DIR))
    metrics = evaluate(lambda x: model.predict(x)[:, 1], pd.read_csv(TEST))
    METRICS.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    run_id = Path("models/run_id.txt").read_text(encoding="utf-8").strip()
    with mlflow.start_run(run_id=run_id):
        mlflow.log_metrics({f"test_{k}": v for k, v in metrics.items()})


if __name__ == "__main__":
    main()
