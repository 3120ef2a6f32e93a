import math

import pytest

from fraud_api.features import FEATURES, NonFiniteInput, to_frame

ROW = {"amount": 12.5, "merchant_risk": 0.1, "hour": 13, "distance_km": 2.0, "card_age_days": 400}


def test_frame_has_the_model_columns_in_order():
    assert list(to_frame([ROW]).columns) == FEATURES


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_features_are_rejected(bad):
    with pytest.raises(NonFiniteInput):
        to_frame([{**ROW, "amount": bad}])
