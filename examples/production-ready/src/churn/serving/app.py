"""Prediction service: loads the model from the MLflow registry by URI and serves /predict."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import mlflow.pyfunc
import numpy as np
import pandas as pd
from fastapi import Depends, FastAPI, HTTPException, Security, status
from fastapi.security import APIKeyHeader
from prometheus_client import Histogram
from prometheus_fastapi_instrumentator import Instrumentator
from tenacity import retry, stop_after_attempt, wait_exponential

from churn.features.build import CATEGORICAL, NUMERIC, add_features
from churn.serving.schemas import Prediction, PredictRequest, PredictResponse
from churn.settings import Settings, get_settings

log = logging.getLogger("churn.serving")

INFERENCE_SECONDS = Histogram(
    "churn_inference_duration_seconds",
    "Time spent in model.predict per request",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


class ModelHolder:
    model: mlflow.pyfunc.PyFuncModel | None = None
    uri: str = ""
    version: str = ""


holder = ModelHolder()


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=1, max=30), reraise=True)
def load_model(uri: str) -> mlflow.pyfunc.PyFuncModel:
    """The registry may be briefly unreachable when the pod starts: retry with backoff."""
    return mlflow.pyfunc.load_model(uri)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    holder.model = load_model(settings.model_uri)
    holder.uri = settings.model_uri
    holder.version = holder.model.metadata.run_id or "unknown"
    log.info("loaded %s (run %s)", holder.uri, holder.version)
    yield
    holder.model = None


app = FastAPI(title="churn-api", version="1.2.0", lifespan=lifespan)
Instrumentator().instrument(app).expose(app, endpoint="/metrics")


def require_api_key(
    key: Annotated[str | None, Security(api_key_header)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> None:
    if settings.api_keys and key not in settings.api_keys:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or missing API key")


@app.get("/health")
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@app.get("/ready")
def ready() -> dict[str, str]:
    """Readiness: only once the model is loaded, so no traffic reaches a cold pod."""
    if holder.model is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "model not loaded")
    return {"status": "ready", "model_uri": holder.uri}


@app.post("/predict", response_model=PredictResponse, dependencies=[Depends(require_api_key)])
def predict(request: PredictRequest) -> PredictResponse:
    if holder.model is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "model not loaded")
    frame = add_features(pd.DataFrame([c.model_dump() for c in request.customers]))
    started = time.perf_counter()
    scores = holder.model.predict(frame[CATEGORICAL + NUMERIC])
    proba = np.asarray(scores, dtype=float)[:, 1]
    INFERENCE_SECONDS.observe(time.perf_counter() - started)
    if not np.isfinite(proba).all():
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, "model returned non-finite scores")
    return PredictResponse(
        model_uri=holder.uri,
        model_version=holder.version,
        predictions=[
            Prediction(customer_id=c.customer_id, churn_probability=float(p))
            for c, p in zip(request.customers, proba, strict=True)
        ],
    )
