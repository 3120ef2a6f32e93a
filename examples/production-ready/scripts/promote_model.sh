#!/usr/bin/env bash
# Move the registry alias `champion` to the current `challenger` of MODEL (default churn-classifier).
# Rollback: run it with PREVIOUS=1 to point `champion` back at the version it had before.
set -euo pipefail
MODEL="${1:-churn-classifier}"
python - "$MODEL" <<'PY'
import os, sys
from mlflow import MlflowClient

name = sys.argv[1]
client = MlflowClient()
challenger = client.get_model_version_by_alias(name, "challenger")
if os.environ.get("PREVIOUS") == "1":
    previous = client.get_model_version_by_alias(name, "previous-champion")
    client.set_registered_model_alias(name, "champion", previous.version)
    print(f"{name}: champion rolled back to version {previous.version}")
else:
    try:
        current = client.get_model_version_by_alias(name, "champion")
        client.set_registered_model_alias(name, "previous-champion", current.version)
    except Exception:
        pass
    client.set_registered_model_alias(name, "champion", challenger.version)
    print(f"{name}: champion -> version {challenger.version}")
PY
