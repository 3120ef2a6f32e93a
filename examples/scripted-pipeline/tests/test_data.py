import pandas as pd
import pandera.errors
import pytest

from churn.data.prepare import split
from churn.data.schema import RawCustomers


def test_sample_matches_schema(sample):
    RawCustomers.validate(sample)


def test_schema_rejects_unknown_contract(sample):
    broken = sample.copy()
    broken.loc[0, "contract"] = "weekly"
    with pytest.raises(pandera.errors.SchemaError):
        RawCustomers.validate(broken)


def test_schema_rejects_negative_tenure(sample):
    broken = sample.copy()
    broken.loc[3, "tenure_months"] = -2
    with pytest.raises(pandera.errors.SchemaError):
        RawCustomers.validate(broken)


def test_split_is_stratified_and_disjoint(sample):
    train, test = split(sample, test_size=0.25, seed=1)
    assert len(train) + len(test) == len(sample)
    assert set(train["customer_id"]).isdisjoint(test["customer_id"])
    assert isinstance(train, pd.DataFrame)
