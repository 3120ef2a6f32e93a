"""Detection rules told in words (probes/words.py): table-driven."""

from __future__ import annotations

import pytest

from mlaudit.probes import words
from mlaudit.results import Evidence


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            r"\bfeast\s+materialize(-incremental)?\b|\bdbt\s+(build|run)\b",
            ("feast materialize", "dbt build"),
        ),
        (
            r"(?i)\bFOR\s+SYSTEM_TIME\s+AS\s+OF\b|\bTIMESTAMP\s+AS\s+OF\b",
            ("FOR SYSTEM_TIME AS OF", "TIMESTAMP AS OF"),
        ),
        (r"^\s*-?\s*(data_)?tests:", ("tests:",)),
        (r"--cov\b", ("--cov",)),
        (r"^checks for \S+", ("checks for …",)),
        (r"(", ()),  # invalid: nothing rather than a crash
    ],
)
def test_regex_examples(pattern: str, expected: tuple[str, ...]) -> None:
    assert words.regex_examples(pattern) == expected


@pytest.mark.parametrize(
    ("globs", "expected"),
    [
        (["{CHANGELOG,CHANGES,changelog}*"], "none of the files CHANGELOG or CHANGES"),
        (["uv.lock"], "no file uv.lock"),
        (["*.jmx"], "no file .jmx files"),
        (
            ["docs/**/*deploy*", "runbooks/**", "sweeps/*.yaml"],
            "none of the files docs/…/deploy, runbooks/ or .yaml files in sweeps/",
        ),
        (["a", "b", "c", "d", "e", "f"], "none of the files a, b, c and 3 more"),
    ],
)
def test_files_phrase(globs: list[str], expected: str) -> None:
    assert words.files_phrase(globs) == expected


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        (
            ["mlflow.log_*", "mlflow.autolog", "wandb.init", "wandb.log"],
            "no matching call to mlflow or wandb",
        ),
        (["*.log_model"], "no matching call to log_model()"),
        (["*Trainer"], "no matching call to Trainer"),
        (
            ["google.cloud.aiplatform.*", "sagemaker.*"],
            "no matching call to google.cloud.aiplatform or sagemaker",
        ),
        (["*"], "no matching call"),
    ],
)
def test_calls_phrase(calls: list[str], expected: str) -> None:
    assert words.calls_phrase(calls) == expected


def test_listing_and_found_phrase() -> None:
    assert words.listing(["a"]) == "a"
    assert words.listing(["a", "b"], conjunction="or") == "a or b"
    assert words.listing(["a", "b", "c", "d"]) == "a, b, c and d"
    assert words.listing(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"
    found = [
        Evidence(path="src/train.py", line=12, snippet="wandb.init(…)"),
        Evidence(path="src/eval.py", line=3, snippet="wandb.init(…)"),
    ]
    assert words.found_phrase(found) == "found wandb.init(…) in src/train.py:12 and 1 more place"
    assert words.key_path("updates.*.package-ecosystem") == "updates.package-ecosystem"
