"""The model: preprocessing and a gradient-boosted classifier in one sklearn Pipeline."""

from __future__ import annotations

from typing import Any

from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

from churn.features.build import preprocessor


def build_model(params: dict[str, Any], seed: int) -> Pipeline:
    return Pipeline(
        [
            ("features", preprocessor()),
            (
                "classifier",
                HistGradientBoostingClassifier(
                    learning_rate=params["learning_rate"],
                    max_depth=params["max_depth"],
                    max_iter=params["max_iter"],
                    random_state=seed,
                ),
            ),
        ]
    )
