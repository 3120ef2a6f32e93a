"""End to end on the sample: validate → prepare → train → evaluate, as `dvc repro` runs them."""

import pytest

from churn.data.prepare import split
from churn.data.schema import RawCustomers
from churn.training.evaluate import evaluate
from churn.training.model import build_model
from churn.features.build import split_xy

pytestmark = pytest.mark.integration


def test_pipeline_on_sample(sample):
    frame = RawCustomers.validate(sample)
    train, test = split(frame, test_size=0.25, seed=3)
    x, y = split_xy(train)
    model = build_model({"learning_rate": 0.1, "max_depth": 3, "max_iter": 30}, seed=3).fit(x, y)
    metrics = evaluate(lambda features: model.predict_proba(features)[:, 1], test)
    assert set(metrics) == {"roc_auc", "accuracy", "f1"}
    assert all(0.0 <= value <= 1.0 for value in metrics.values())
