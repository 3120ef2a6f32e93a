"""The HTTP contract of the prediction service (also published as openapi.json by FastAPI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Customer(BaseModel):
    customer_id: str = Field(pattern=r"^C\d{6}$")
    tenure_months: int = Field(ge=0, le=120)
    contract: Literal["month-to-month", "one-year", "two-year"]
    internet_service: Literal["dsl", "fiber", "none"]
    monthly_charges: float = Field(gt=0, le=500)
    total_charges: float = Field(ge=0)
    support_calls: int = Field(ge=0)


class PredictRequest(BaseModel):
    customers: list[Customer] = Field(min_length=1, max_length=500)


class Prediction(BaseModel):
    customer_id: str
    churn_probability: float = Field(ge=0, le=1)


class PredictResponse(BaseModel):
    model_uri: str
    model_version: str
    predictions: list[Prediction]
