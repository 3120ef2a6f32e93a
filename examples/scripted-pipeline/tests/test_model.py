import numpy as np
from sklearn.metrics import log_loss

from churn.features.build import split_xy
from churn.training.model import build_model

PARAMS = {"learning_rate": 0.1, "max_depth": 3, "max_iter": 50}


def test_predictions_are_finite_probabilities(sample):
    x, y = split_xy(sample)
    model = build_model(PARAMS, seed=0).fit(x, y)
    proba = model.predict_proba(x)[:, 1]
    assert np.isfinite(proba).all()
    assert ((proba >= 0) & (proba <= 1)).all()


def test_training_reduces_loss_below_prior(sample):
    x, y = split_xy(sample)
    prior_loss = log_loss(y, np.full(len(y), y.mean()))
    model = build_model(PARAMS, seed=0).fit(x, y)
    assert log_loss(y, model.predict_proba(x)[:, 1]) < prior_loss


def test_same_seed_same_model(sample):
    x, y = split_xy(sample)
    a = build_model(PARAMS, seed=7).fit(x, y).predict_proba(x)
    b = build_model(PARAMS, seed=7).fit(x, y).predict_proba(x)
    np.testing.assert_allclose(a, b)
