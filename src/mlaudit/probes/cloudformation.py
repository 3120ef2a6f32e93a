"""CloudFormation (and SAM) templates: the resources they declare, read from the parsed YAML.

A template is a YAML (or template-named JSON) file with a top-level `Resources:` mapping of logical ids to
`{Type: AWS::…, Properties: …}`. Short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`) read as the
plain value they decorate (repo/parsers/yaml_docs.py), so a property set through one is
present with an unresolved value, never executed. Only files whose text names the resource
type are parsed, and none larger than MAX_TEMPLATE_BYTES (CloudFormation's own limit for a
template uploaded through S3 is 1 MB).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlaudit.probes import base
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot

# every YAML file is read by the manifest probes anyway; a JSON file is read only when named
# like a template (a repository's other JSON is mostly data, some of it large)
TEMPLATE_GLOBS = (
    "*.yaml",
    "*.yml",
    "*.template",
    "*template*.json",
    "*.cfn.json",
    "*cloudformation*.json",
)
MAX_TEMPLATE_BYTES = 1_048_576


@dataclass(frozen=True)
class CfnResource:
    path: str
    logical_id: str
    line: int | None
    properties: dict[str, Any]

    def line_of(self, key: str) -> int | None:
        return key_line(self.properties, key) or self.line


def cfn_resources(snap: Snapshot, resource_type: str) -> list[CfnResource]:
    """Every resource of `resource_type` (e.g. `AWS::S3::Bucket`) in the repository's
    templates, in path order; examples, docs and vendored folders are left out."""

    def build() -> list[CfnResource]:
        found: list[CfnResource] = []
        for path in base.select_files(snap, TEMPLATE_GLOBS):
            if (snap.size(path) or 0) > MAX_TEMPLATE_BYTES:
                continue
            text = snap.text(path)
            if not text or resource_type not in text:
                continue
            for doc in snap.yaml_docs(path):
                resources = doc.get("Resources") if isinstance(doc, dict) else None
                if not isinstance(resources, dict):
                    continue
                for logical_id, resource in resources.items():
                    if not isinstance(resource, dict) or resource.get("Type") != resource_type:
                        continue
                    properties = resource.get("Properties")
                    found.append(
                        CfnResource(
                            path,
                            str(logical_id),
                            key_line(resources, logical_id),
                            properties if isinstance(properties, dict) else {},
                        )
                    )
        return found

    return snap.memo(("cfn_resources", resource_type), build)
