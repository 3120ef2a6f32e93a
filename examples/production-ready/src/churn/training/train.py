"""Pipeline stage `train`: fit the model, track the run in MLflow, save it as an MLflow model."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import mlflow
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.metrics import roc_auc_score

from churn.features.build import split_xy
from churn.params import load_params
from churn.training.model import build_model

TRAIN = Path("data/processed/train.csv")
MODEL_DIR = Path("models/churn-classifier")
RUN_ID_FILE = Path("models/run_id.txt")


def set_seeds(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)


def main() -> None:
    params = load_params()
    seed = params["train"]["seed"]
    set_seeds(seed)
    frame = pd.read_csv(TRAIN)
    x_train, y_train = split_xy(frame)

    mlflow.set_experiment("churn")
    with mlflow.start_run(run_name="train") as run:
        mlflow.log_params(params["train"]["model"])
        mlflow.log_param("seed", seed)
        dataset = mlflow.data.from_pandas(frame, source=str(TRAIN), targets="churned")
        mlflow.log_input(dataset, context="training")

        model = build_model(params["train"]["model"], seed)
        model.fit(x_train, y_train)
        mlflow.log_metric("train_auc", roc_auc_score(y_train, model.predict_proba(x_train)[:, 1]))

        signature = infer_signature(x_train, model.predict_proba(x_train)[:, 1])
        mlflow.sklearn.log_model(
            model,
            artifact_path="model",
            signature=signature,
            input_example=x_train.head(3),
            pip_requirements=["scikit-learn==1.4.2", "pandas==2.2.2", "numpy==1.26.4"],
            pyfunc_predict_fn="predict_proba",
        )
        shutil.rmtree(MODEL_DIR, ignore_errors=True)
        mlflow.sklearn.save_model(
            model, MODEL_DIR, signature=signature, pyfunc_predict_fn="predict_proba"
        )
        RUN_ID_FILE.write_text(run.info.run_id + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
