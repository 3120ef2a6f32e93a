"""Terraform (`*.tf`, `*.tf.json`) → top-level blocks with their attributes and lines.

HCL is read by the bounded block reader in `hcl.py` (python-hcl2 was measured at ~80 µs
per byte, too slow for a scanner): every top-level block with its start/end line, attributes
as plain Python values (strings unquoted, other expressions as `${…}` strings, nested blocks
as lists of dicts). HCL the reader rejects is reported as an error for that file, never
raised.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from mlaudit.repo.parsers.hcl import HclError, parse_hcl

MAX_TF_BYTES = 2 * 1024 * 1024  # larger files are skipped (recorded as a problem)


@dataclass(frozen=True, eq=False)
class TerraformBlock:
    path: str
    line: int
    end_line: int
    type: str  # resource, data, provider, module, variable, locals, output, terraform
    labels: tuple[str, ...]  # e.g. ("aws_s3_bucket", "models")
    body: dict[str, Any] = field(repr=False)

    @property
    def resource_type(self) -> str | None:
        """`aws_s3_bucket` for resource/data blocks, the provider name for provider blocks."""
        return self.labels[0] if self.labels else None

    @property
    def name(self) -> str | None:
        if self.type in ("resource", "data"):
            return self.labels[1] if len(self.labels) > 1 else None
        return self.labels[0] if self.labels else None

    @property
    def address(self) -> str:
        return (
            ".".join((self.type, *self.labels))
            if self.type != "resource"
            else ".".join(self.labels)
        )

    def get(self, dotted: str) -> list[Any]:
        """Every value at a dotted attribute path; nested blocks (lists) are searched."""
        nodes: list[Any] = [self.body]
        for part in dotted.split("."):
            nxt: list[Any] = []
            for node in nodes:
                for item in node if isinstance(node, list) else [node]:
                    if isinstance(item, dict) and part in item:
                        value = item[part]
                        if isinstance(value, list) and value and isinstance(value[0], dict):
                            nxt.extend(value)
                        else:
                            nxt.append(value)
            nodes = nxt
        return nodes


@dataclass
class TerraformFile:
    blocks: list[TerraformBlock] = field(default_factory=list)
    error: str | None = None


def attribute_line(lines: list[str], block: TerraformBlock, key: str) -> int:
    """Line of `key =` (or `key {`) inside the block, else the block's own line."""
    regex = re.compile(rf"^\s*{re.escape(key)}\s*(=|\{{|\")")
    for number in range(block.line, min(block.end_line, len(lines)) + 1):
        if regex.search(lines[number - 1]):
            return number
    return block.line


def parse_terraform(path: str, text: str) -> TerraformFile:
    if path.endswith(".json"):
        return _parse_tf_json(path, text)
    if len(text) > MAX_TF_BYTES:
        return TerraformFile(error=f"skipped: larger than {MAX_TF_BYTES // 1024} KiB")
    try:
        blocks = parse_hcl(text)
    except HclError as exc:
        return TerraformFile(error=f"invalid HCL: {exc}")
    return TerraformFile(
        blocks=[TerraformBlock(path, b.line, b.end_line, b.type, b.labels, b.body) for b in blocks]
    )


def _parse_tf_json(path: str, text: str) -> TerraformFile:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return TerraformFile(error=f"invalid JSON: {str(exc)[:160]}")
    result = TerraformFile()
    if not isinstance(data, dict):
        return result
    depth = {"resource": 2, "data": 2, "provider": 1, "module": 1, "variable": 1, "output": 1}
    for btype, value in data.items():
        n = depth.get(btype, 0)
        for labels, body in _json_blocks(value, n):
            result.blocks.append(TerraformBlock(path, 1, 1, btype, tuple(labels), body))
    return result


def _json_blocks(value: Any, depth: int) -> list[tuple[list[str], dict[str, Any]]]:
    items = value if isinstance(value, list) else [value]
    out: list[tuple[list[str], dict[str, Any]]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if depth == 0:
            out.append(([], item))
            continue
        for key, sub in item.items():
            out.extend(([str(key), *labels], body) for labels, body in _json_blocks(sub, depth - 1))
    return out
