"""Runtime configuration from the environment (12-factor); no endpoint is hard-coded."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHURN_", env_file=".env", extra="ignore")

    model_name: str = "churn-classifier"
    # Serving loads a registry alias, never a training module or a local pickle.
    model_uri: str = "models:/churn-classifier@champion"
    api_keys: frozenset[str] = frozenset()
    load_attempts: int = 5


def get_settings() -> Settings:
    return Settings()
