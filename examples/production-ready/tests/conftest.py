from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def sample() -> pd.DataFrame:
    """40 rows shaped like the raw CRM extract (the real extract is DVC-tracked)."""
    return pd.read_csv(FIXTURES / "sample.csv")
