"""All endpoints and locations come from the environment (one place, pydantic settings)."""

from __future__ import annotations

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    model_uri: str = "models:/fraud-scorer@champion"
    data_uri: str = "s3://acme-fraud-data/transactions/2024-05.parquet"
    baseline_score: float = 0.02


def get_settings() -> Settings:
    return Settings()
