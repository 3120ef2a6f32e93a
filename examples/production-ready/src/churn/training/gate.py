"""Pipeline stage `gate`: the candidate must beat a majority-class baseline and the thresholds in
params.yaml on the hold-out set, or the pipeline stops and nothing is registered."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
from mlflow.models import MetricThreshold
from sklearn.dummy import DummyClassifier

from churn.features.build import split_xy
from churn.params import load_params

TEST = Path("data/processed/test.csv")
TRAIN = Path("data/processed/train.csv")
MODEL_DIR = Path("models/churn-classifier")


def thresholds(gate: dict[str, float]) -> dict[str, MetricThreshold]:
    return {
        "roc_auc": MetricThreshold(
            threshold=gate["min_roc_auc"],
            min_absolute_change=gate["min_gain_over_baseline"],
            greater_is_better=True,
        ),
        "f1_score": MetricThreshold(threshold=gate["min_f1"], greater_is_better=True),
    }


def main() -> None:
    gate = load_params()["gate"]
    x_train, y_train = split_xy(pd.read_csv(TRAIN))
    x_test, y_test = split_xy(pd.read_csv(TEST))
    eval_data = x_test.assign(churned=y_test)
    run_id = Path("models/run_id.txt").read_text(encoding="utf-8").strip()
    with mlflow.start_run(run_id=run_id):
        baseline = DummyClassifier(strategy="prior").fit(x_train, y_train)
        baseline_info = mlflow.sklearn.log_model(baseline, artifact_path="baseline")
        # Raises ModelValidationFailedException (non-zero exit) when a threshold is missed.
        mlflow.evaluate(
            model=str(MODEL_DIR),
            data=eval_data,
            targets="churned",
            model_type="classifier",
            validation_thresholds=thresholds(gate),
            baseline_model=baseline_info.model_uri,
        )


if __name__ == "__main__":
    main()
