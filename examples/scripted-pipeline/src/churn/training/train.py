"""Pipeline stage `train`: fit the model on data/processed/train.csv and track the run in MLflow."""

from __future__ import annotations

import random
from pathlib import Path

import joblib
import mlflow
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from churn.features.build import split_xy
from churn.params import load_params
from churn.training.model import build_model

TRAIN = Path("data/processed/train.csv")
MODEL = Path("models/model.joblib")


def set_seeds(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)


def main() -> None:
    params = load_params()
    seed = params["train"]["seed"]
    set_seeds(seed)
    x_train, y_train = split_xy(pd.read_csv(TRAIN))

    mlflow.set_experiment("churn")
    with mlflow.start_run(run_name="train"):
        mlflow.log_params(params["train"]["model"])
        mlflow.log_param("seed", seed)
        model = build_model(params["train"]["model"], seed)
        model.fit(x_train, y_train)
        train_auc = roc_auc_score(y_train, model.predict_proba(x_train)[:, 1])
        mlflow.log_metric("train_auc", train_auc)
        MODEL.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(model, MODEL)
        mlflow.log_artifact(str(MODEL))


if __name__ == "__main__":
    main()
