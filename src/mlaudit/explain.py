"""`mlaudit explain`: a check or a quality told to its reader — what, why, how to fix, how
it is detected (the exact patterns live here, not in findings) — as text or JSON.

English only and no internals: no probe function names, no catalogue cross-references
(`mm#33`) and no abbreviations (`MTS`); `--format json` adds the machine-readable rule
(probe and parameters) for scripts, as `ruff rule --all --output-format json` does.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from pydantic import BaseModel

from mlaudit.cli_conventions import suggestions
from mlaudit.probes.registry import get_probe
from mlaudit.report.links import rule_url
from mlaudit.rubric.model import Check, Quality, Rubric

_CATALOGUE_REF = re.compile(r"\s*\((?:mm#[^)]*|MTS [^)]*)\)|\bmm#[\d–,\s-]+\s*[—-]?\s*")
_PROBE_WORDS = {
    "files": "a file exists",
    "content": "a line of a file matches",
    "python_imports": "Python code imports",
    "python_calls": "Python code calls",
    "yaml_key": "a YAML file sets",
    "ci_command": "a CI job runs",
    "any_of": "any of",
    "all_of": "all of",
    "wired": "declared and run automatically",
    "absent": "none of",
    "at_most_partial": "at most partial credit for",
    "only_if": "only if",
    "same_file": "all in the same file",
}


_COMBINATORS = frozenset(
    {"any_of", "all_of", "wired", "absent", "at_most_partial", "only_if", "same_file"}
)


def plain(text: str) -> str:
    """Rubric or probe prose without catalogue cross-references."""
    text = _CATALOGUE_REF.sub(" ", text).replace("MTS ", "ML Test Score ")
    return re.sub(r"[ \t]+", " ", re.sub(r" +([.,;)])", r"\1", text)).strip()


def looks_for(probe: str) -> str:
    """The `Looks for:` paragraph of a probe's documentation (its first line otherwise)."""
    spec = get_probe(probe)
    doc = (spec.doc if spec else "") or ""
    match = re.search(r"Looks for:(.*?)(?:\n\s*\n|\n\s*(?:Why|Fix):|\Z)", doc, re.S)
    text = match.group(1) if match else doc.strip().split("\n\n")[0]
    return plain(" ".join(text.split()))


def _dump(value: Any) -> Any:
    """Parameters as plain data, non-default values only, nested probes included (pydantic
    would serialise a sub-probe's parameters by their declared base class: empty)."""
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if not field.is_required() and item == field.get_default(call_default_factory=True):
                continue
            out[field.alias or name] = _dump(item)
        return out
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dump(v) for k, v in value.items()}
    return value


def _params(check: Check) -> dict[str, Any]:
    return dict(_dump(check.with_))


def _rule_lines(probe: str, params: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}{_PROBE_WORDS.get(probe, probe.replace('_', ' '))}:"]
    for key, value in sorted(params.items()):
        if isinstance(value, dict) and "probe" in value:
            lines.append(f"{pad}  {key}:")
            lines += _rule_lines(value["probe"], value.get("with") or {}, indent + 4)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "probe" in v for v in value)
        ):
            for sub in value:
                lines += _rule_lines(sub["probe"], sub.get("with") or {}, indent + 2)
        elif isinstance(value, list):
            lines += textwrap.wrap(
                f"{key}: {', '.join(str(v) for v in value)}",
                100,
                initial_indent=pad + "  ",
                subsequent_indent=pad + "    ",
                break_on_hyphens=False,
                break_long_words=False,
            )
        else:
            lines.append(f"{pad}  {key}: {value}")
    return lines


def check_entry(quality: Quality, check: Check) -> dict[str, Any]:
    return {
        "id": check.id,
        "name": check.name,
        "title": check.title,
        "quality": quality.id,
        "quality_title": quality.title,
        "prefix": quality.prefix,
        "artifact": check.artifact,
        "level": check.level,
        "strength": check.strength,
        "weight": check.weight,
        "severity": check.severity,
        "enabled": check.enabled,
        "caps": check.caps,
        "profiles": list(check.profiles if check.profiles is not None else quality.profiles),
        "rationale": plain(check.rationale),
        "remediation": plain(check.remediation),
        "detection": {
            "summary": looks_for(check.probe),
            "probe": check.probe,
            "params": _params(check),
        },
        "references": list(check.references),
        "doc_url": rule_url(check.id),
    }


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, 88, initial_indent=indent, subsequent_indent=indent) or [indent]


def check_text(quality: Quality, check: Check) -> str:
    e = check_entry(quality, check)
    lines = [
        f"{check.id} {check.name} — {check.title}",
        f"{quality.title} ({quality.prefix}) · {check.artifact} artifact · level {check.level}"
        f" · {check.strength} signal · severity {check.severity} · weight {check.weight:g}",
        "",
    ]
    if e["rationale"]:
        lines += ["Why it matters:", *_wrap(e["rationale"]), ""]
    if e["remediation"]:
        lines += ["How to fix:", *_wrap(e["remediation"]), ""]
    lines += ["How it is detected:"]
    combinator = check.probe in _COMBINATORS
    if e["detection"]["summary"] and not combinator:
        lines += _wrap(e["detection"]["summary"])
    if e["detection"]["params"]:
        if not combinator:
            lines.append("")
        lines += ["  Detection rule:", *_rule_lines(check.probe, e["detection"]["params"], 4)]
    if check.references:
        lines += ["", "References:", *(f"  - {r}" for r in check.references)]
    lines += ["", f"Documentation: {e['doc_url']}"]
    return "\n".join(lines) + "\n"


def quality_entry(quality: Quality) -> dict[str, Any]:
    return {
        "id": quality.id,
        "prefix": quality.prefix,
        "title": quality.title,
        "description": plain(quality.description),
        "profiles": list(quality.profiles),
        "checks": [c.id for c in quality.checks],
    }


def quality_text(quality: Quality) -> str:
    lines = [f"{quality.prefix} {quality.title}", "", *_wrap(plain(quality.description), "")]
    lines += ["", f"Applies to profiles: {', '.join(quality.profiles)}.", "", "Checks:"]
    lines += [
        f"  {c.id} {c.name} [{c.artifact}, level {c.level}, {c.strength}] {c.title}"
        for c in quality.checks
    ]
    return "\n".join(lines) + "\n"


def lookup(rubric: Rubric, ref: str) -> tuple[Quality, Check | None] | None:
    """A check (id or name, any case) or a quality (id, prefix or title, any case)."""
    for variant in (ref, ref.upper(), ref.lower()):
        found = rubric.find(variant)
        if found:
            return found
    low = ref.lower()
    for quality in rubric.qualities:
        if low in (quality.id.lower(), quality.prefix.lower(), quality.title.lower()):
            return quality, None
    return None


def known_refs(rubric: Rubric) -> list[str]:
    refs: list[str] = []
    for quality in rubric.qualities:
        refs += [quality.prefix, quality.id]
        for check in quality.checks:
            refs += [check.id, check.name]
    return refs


def not_found(rubric: Rubric, ref: str) -> str:
    close = suggestions(ref, known_refs(rubric))
    hint = f"; did you mean {' or '.join(close)}?" if close else "; see `mlaudit rubric show`"
    return f"no check or quality named {ref!r}{hint}"
