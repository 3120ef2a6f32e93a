"""Schema of the raw CRM extract. Rows that break it stop the pipeline."""

from __future__ import annotations

import pandera as pa
from pandera.typing import Series

CONTRACTS = ["month-to-month", "one-year", "two-year"]
INTERNET = ["dsl", "fiber", "none"]


class RawCustomers(pa.DataFrameModel):
    customer_id: Series[str] = pa.Field(unique=True, str_matches=r"^C\d{6}$")
    tenure_months: Series[int] = pa.Field(ge=0, le=120)
    contract: Series[str] = pa.Field(isin=CONTRACTS)
    internet_service: Series[str] = pa.Field(isin=INTERNET)
    monthly_charges: Series[float] = pa.Field(gt=0, le=500)
    total_charges: Series[float] = pa.Field(ge=0)
    support_calls: Series[int] = pa.Field(ge=0)
    churned: Series[int] = pa.Field(isin=[0, 1])

    class Config:
        strict = True
        coerce = True
