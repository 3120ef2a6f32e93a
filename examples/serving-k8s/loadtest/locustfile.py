"""Load test for /predict: `locust -f loadtest/locustfile.py --host http://fraud-api`."""

from locust import HttpUser, between, task

ROW = {"amount": 12.5, "merchant_risk": 0.1, "hour": 13, "distance_km": 2.0, "card_age_days": 400}


class Scorer(HttpUser):
    wait_time = between(0.1, 0.5)

    @task
    def predict(self) -> None:
        self.client.post("/predict", json=[ROW] * 8)
