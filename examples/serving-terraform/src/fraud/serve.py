"""Scoring API: loads the registered model by URI; falls back to the baseline score."""

from __future__ import annotations

import logging

import mlflow.pyfunc
import pandas as pd
from fastapi import Depends, FastAPI, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from tenacity import retry, stop_after_attempt, wait_exponential

from fraud.features import NUMERIC, add_features
from fraud.settings import Settings, get_settings

log = logging.getLogger("fraud.serve")
app = FastAPI(title="fraud-scoring")
api_key = APIKeyHeader(name="X-API-Key")


class Transaction(BaseModel):
    amount: float
    account_age_days: int
    tx_last_24h: int


class Score(BaseModel):
    score: float
    fallback: bool = False


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=1, max=30), reraise=True)
def load_model(uri: str) -> mlflow.pyfunc.PyFuncModel:
    return mlflow.pyfunc.load_model(uri)


MODEL = load_model(get_settings().model_uri)


@app.post("/score", response_model=Score)
def score(
    tx: Transaction,
    settings: Settings = Depends(get_settings),
    key: str = Security(api_key),
) -> Score:
    frame = add_features(pd.DataFrame([tx.model_dump()]))
    columns = [*NUMERIC, "amount_per_tx", "new_account"]
    try:
        return Score(score=float(MODEL.predict(frame[columns])[0]))
    except Exception:
        log.exception("inference failed; returning the baseline score")
        return Score(score=settings.baseline_score, fallback=True)
