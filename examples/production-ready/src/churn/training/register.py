"""Register the gated model in the MLflow Model Registry and move the `challenger` alias to it.

Promotion to `champion` (what serving loads) is a separate, reviewed step:
scripts/promote_model.sh, run by the deploy workflow after the staging smoke test.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
from mlflow import MlflowClient

from churn.settings import get_settings


def main() -> None:
    settings = get_settings()
    run_id = Path("models/run_id.txt").read_text(encoding="utf-8").strip()
    version = mlflow.register_model(f"runs:/{run_id}/model", settings.model_name)
    client = MlflowClient()
    client.set_registered_model_alias(settings.model_name, "challenger", version.version)
    client.set_model_version_tag(settings.model_name, version.version, "validated", "true")
    print(f"registered {settings.model_name} version {version.version} as challenger")


if __name__ == "__main__":
    main()
