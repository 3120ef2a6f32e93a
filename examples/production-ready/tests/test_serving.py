from types import SimpleNamespace

import numpy as np
import pytest
from fastapi.testclient import TestClient

from churn.features.build import split_xy
from churn.serving import app as serving
from churn.training.model import build_model

CUSTOMER = {
    "customer_id": "C123456",
    "tenure_months": 3,
    "contract": "month-to-month",
    "internet_service": "fiber",
    "monthly_charges": 89.5,
    "total_charges": 268.5,
    "support_calls": 4,
}


class FittedPyfunc:
    """Stands in for the registry model: same predict() contract as pyfunc predict_proba."""

    metadata = SimpleNamespace(run_id="test-run")

    def __init__(self, sample):
        x, y = split_xy(sample)
        self.pipeline = build_model({"learning_rate": 0.1, "max_depth": 3, "max_iter": 30}, 0)
        self.pipeline.fit(x, y)

    def predict(self, frame):
        return self.pipeline.predict_proba(frame)


@pytest.fixture
def client(sample, monkeypatch):
    monkeypatch.setattr(serving, "load_model", lambda uri: FittedPyfunc(sample))
    with TestClient(serving.app) as test_client:
        yield test_client


def test_ready_after_model_load(client):
    assert client.get("/ready").json()["status"] == "ready"


def test_predict_contract(client):
    response = client.post("/predict", json={"customers": [CUSTOMER]})
    assert response.status_code == 200
    body = response.json()
    assert body["model_uri"] == "models:/churn-classifier@champion"
    assert body["model_version"] == "test-run"
    (prediction,) = body["predictions"]
    assert prediction["customer_id"] == "C123456"
    assert 0.0 <= prediction["churn_probability"] <= 1.0
    assert np.isfinite(prediction["churn_probability"])


def test_rejects_bad_payload(client):
    response = client.post("/predict", json={"customers": [{**CUSTOMER, "contract": "weekly"}]})
    assert response.status_code == 422


def test_metrics_endpoint(client):
    client.post("/predict", json={"customers": [CUSTOMER]})
    assert "churn_inference_duration_seconds" in client.get("/metrics").text
