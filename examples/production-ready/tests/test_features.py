import numpy as np
import pandas as pd

from churn.features.build import CATEGORICAL, NUMERIC, add_features, preprocessor, split_xy


def test_add_features_handles_new_customers():
    frame = pd.DataFrame(
        {
            "tenure_months": [0, 12],
            "total_charges": [0.0, 600.0],
            "support_calls": [3, 6],
            "monthly_charges": [50.0, 50.0],
        }
    )
    out = add_features(frame)
    assert out["charges_per_month"].tolist() == [0.0, 50.0]
    assert out["calls_per_year"].tolist() == [36.0, 6.0]
    assert np.isfinite(out[["charges_per_month", "calls_per_year"]].to_numpy()).all()


def test_add_features_does_not_mutate_input(sample):
    before = sample.copy()
    add_features(sample)
    pd.testing.assert_frame_equal(sample, before)


def test_preprocessor_output_width(sample):
    x, _ = split_xy(sample)
    matrix = preprocessor().fit_transform(x)
    assert matrix.shape == (len(sample), 3 + 3 + len(NUMERIC))
    assert set(CATEGORICAL) <= set(x.columns)
