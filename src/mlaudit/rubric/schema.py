"""JSON Schema of rubric files (for editors and `mlaudit rubric schema`)."""

from __future__ import annotations

from typing import Any

from mlaudit.probes.registry import all_probes
from mlaudit.rubric.model import Rubric


def rubric_json_schema() -> dict[str, Any]:
    schema = Rubric.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlaudit rubric"
    schema.setdefault("properties", {})
    schema["properties"]["extends"] = {"type": "string", "description": "'default' or a path"}
    schema["properties"]["include"] = {"type": "array", "items": {"type": "string"}}
    schema["properties"]["overrides"] = {"type": "object"}
    schema["properties"]["disable"] = {"type": "array", "items": {"type": "string"}}
    check = schema.get("$defs", {}).get("Check")
    if check:
        check["properties"]["probe"]["enum"] = sorted(all_probes())
        check["properties"]["with"] = {
            "type": "object",
            "description": "parameters of the probe; see `mlaudit explain` and docs/rubric.md",
        }
    return schema
