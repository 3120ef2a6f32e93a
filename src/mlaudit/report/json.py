"""JSON: the Assessment itself, versioned (`schema_version`), sorted, byte-stable."""

from __future__ import annotations

from typing import Any

from mlaudit.report import RenderOptions
from mlaudit.report.escape import json_dumps
from mlaudit.results import Assessment


def render(assessment: Assessment, options: RenderOptions) -> str:
    data = assessment.model_dump(mode="json")
    return json_dumps(data) + "\n"


def json_schema() -> dict[str, Any]:
    schema = Assessment.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlaudit assessment"
    return schema
