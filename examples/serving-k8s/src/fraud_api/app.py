"""FastAPI service: loads the registered model at start-up and serves predictions."""

from __future__ import annotations

import os
import time

import mlflow
from fastapi import FastAPI, HTTPException
from prometheus_client import Counter, Gauge, Histogram, make_asgi_app
from pydantic import BaseModel

from fraud_api.features import NonFiniteInput, to_frame

MODEL_URI = os.environ.get("MODEL_URI", "models:/fraud-scorer/Production")

PREDICT_LATENCY = Histogram(
    "predict_latency_seconds",
    "Time spent scoring one request",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
NONFINITE = Counter("nonfinite_inputs_total", "Requests rejected for NaN/inf features")
MODEL_TRAINED = Gauge("model_trained_timestamp_seconds", "When the served model was trained")

app = FastAPI(title="fraud-api")
app.mount("/metrics", make_asgi_app())
state: dict[str, object] = {}


class Transaction(BaseModel):
    amount: float
    merchant_risk: float
    hour: float
    distance_km: float
    card_age_days: float


@app.on_event("startup")
def load_model() -> None:
    model = mlflow.pyfunc.load_model(MODEL_URI)
    state["model"] = model
    trained = model.metadata.get_model_info().utc_time_created
    MODEL_TRAINED.set(time.mktime(time.strptime(trained[:19], "%Y-%m-%d %H:%M:%S")))


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "alive"}


@app.get("/ready")
def ready() -> dict[str, str]:
    if "model" not in state:
        raise HTTPException(status_code=503, detail="model not loaded")
    return {"status": "ready"}


@app.post("/predict")
def predict(transactions: list[Transaction]) -> dict[str, list[float]]:
    with PREDICT_LATENCY.time():
        try:
            frame = to_frame([t.model_dump() for t in transactions])
        except NonFiniteInput as exc:
            NONFINITE.inc()
            raise HTTPException(status_code=422, detail=str(exc)) from exc
        scores = state["model"].predict(frame)  # type: ignore[attr-defined]
    return {"fraud_probability": [float(s) for s in scores]}
