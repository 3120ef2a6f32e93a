"""requirements*.txt → requirements with their line, specifier and whether they are pinned."""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement


@dataclass(frozen=True)
class RequirementLine:
    name: str
    specifier: str
    line: int
    pinned: bool  # exactly one version: `==X` (no wildcard) or `===X`, or a hash-pinned URL
    raw: str


@dataclass
class RequirementsFile:
    requirements: list[RequirementLine] = field(default_factory=list)
    includes: list[tuple[str, int]] = field(default_factory=list)  # -r / -c targets
    editable: list[tuple[str, int]] = field(default_factory=list)
    has_hashes: bool = False
    invalid: list[tuple[str, int]] = field(default_factory=list)


def _logical_lines(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    buf, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not buf:
            start = number
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        out.append((buf + line, start))
        buf = ""
    if buf:
        out.append((buf, start))
    return out


def is_pinned(req: Requirement) -> bool:
    specs = list(req.specifier)
    if req.url:
        return "@" in req.url and ("#sha256=" in req.url or len(req.url.split("@")[-1]) == 40)
    if len(specs) != 1:
        return False
    spec = specs[0]
    return spec.operator == "===" or (spec.operator == "==" and "*" not in spec.version)


def parse_requirements(text: str) -> RequirementsFile:
    result = RequirementsFile()
    for line, number in _logical_lines(text):
        content = line.split(" #", 1)[0].strip()
        if content.startswith("#") or not content:
            continue
        if "--hash" in content:
            result.has_hashes = True
            content = content.split("--hash", 1)[0].strip()
        if content.startswith(("-r ", "--requirement", "-c ", "--constraint")):
            target = content.split(None, 1)[1] if " " in content else ""
            target = target.lstrip("=").strip()
            result.includes.append((target, number))
            continue
        if content.startswith(("-e ", "--editable")):
            result.editable.append((content, number))
            continue
        if content.startswith("-"):
            continue  # index options such as --extra-index-url
        content = (
            content.split(";", 1)[0].strip() if ";" in content and "@" not in content else content
        )
        try:
            req = Requirement(content)
        except InvalidRequirement:
            result.invalid.append((content[:200], number))
            continue
        result.requirements.append(
            RequirementLine(
                name=req.name.lower().replace("_", "-"),
                specifier=str(req.specifier),
                line=number,
                pinned=is_pinned(req),
                raw=content[:200],
            )
        )
    return result
