"""Pipeline stage `prepare`: validated raw extract → train/test split under data/processed/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from churn.data.schema import RawCustomers
from churn.params import load_params

RAW = Path("data/raw/churn.csv")
OUT = Path("data/processed")


def split(frame: pd.DataFrame, test_size: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, test = train_test_split(
        frame, test_size=test_size, random_state=seed, stratify=frame["churned"]
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def main() -> None:
    params = load_params()["prepare"]
    frame = RawCustomers.validate(pd.read_csv(RAW))
    train, test = split(frame, params["test_size"], params["seed"])
    OUT.mkdir(parents=True, exist_ok=True)
    train.to_csv(OUT / "train.csv", index=False)
    test.to_csv(OUT / "test.csv", index=False)


if __name__ == "__main__":
    main()
