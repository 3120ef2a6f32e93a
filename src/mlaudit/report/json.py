"""JSON: the Assessment itself, versioned (`schema_version`), sorted, byte-stable — plus
what a script needs without re-deriving it: the gate's outcome with its reasons (`gate`,
null when no gate was evaluated), the number of checks per outcome (`counts`) and each
check's documentation (`results[].doc_url`)."""

from __future__ import annotations

from typing import Any

from mlaudit.report import RenderOptions
from mlaudit.report.escape import json_dumps
from mlaudit.report.links import rule_url
from mlaudit.results import Assessment, Outcome


def counts(assessment: Assessment) -> dict[str, int]:
    out = {outcome.value: 0 for outcome in Outcome}
    out["waived"] = 0
    for r in assessment.results:
        out["waived" if r.waived_by else r.outcome.value] += 1
    return out


def gate(options: RenderOptions) -> dict[str, Any] | None:
    verdict = options.verdict
    if verdict is None:
        return None
    return {
        "passed": verdict.passed,
        "exit_code": verdict.exit_code,
        "gates": list(verdict.gates),
        "reasons": list(verdict.reasons),
        "blocking": list(verdict.blocking),
        "baselined": list(verdict.baselined),
        "notes": list(verdict.notes),
    }


def render(assessment: Assessment, options: RenderOptions) -> str:
    data = assessment.model_dump(mode="json")
    for result in data["results"]:
        result["doc_url"] = rule_url(result["check"])
    data["counts"] = counts(assessment)
    data["gate"] = gate(options)
    return json_dumps(data) + "\n"


def load(data: Any) -> Assessment:
    """An Assessment from `scan --format json` output: the fields added for scripts
    (`counts`, `gate`, `results[].doc_url`) are derived, not part of the model."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("counts", "gate")}
        results = data.get("results")
        if isinstance(results, list):
            data["results"] = [
                {k: v for k, v in r.items() if k != "doc_url"} if isinstance(r, dict) else r
                for r in results
            ]
    return Assessment.model_validate(data)


def json_schema() -> dict[str, Any]:
    schema = Assessment.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlaudit assessment"
    schema["$defs"]["CheckResult"]["properties"]["doc_url"] = {
        "type": "string",
        "format": "uri",
        "description": "the check's entry in docs/rubric.md",
    }
    schema["properties"]["counts"] = {
        "type": "object",
        "description": "number of checks per outcome (waived ones counted apart)",
        "additionalProperties": {"type": "integer", "minimum": 0},
    }
    strings = {"type": "array", "items": {"type": "string"}}
    schema["properties"]["gate"] = {
        "description": "the gate's outcome; null when no gate was evaluated",
        "anyOf": [
            {"type": "null"},
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["passed", "exit_code", "gates", "reasons", "blocking"],
                "properties": {
                    "passed": {"type": "boolean"},
                    "exit_code": {"type": "integer"},
                    "gates": strings,
                    "reasons": strings,
                    "blocking": strings,
                    "baselined": strings,
                    "notes": strings,
                },
            },
        ],
    }
    return schema
