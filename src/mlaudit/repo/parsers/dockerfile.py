"""Dockerfile → instructions with line numbers (continuations joined, comments dropped)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEREDOC = re.compile(r"<<-?\s*[\"']?(\w+)[\"']?")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper-case: FROM, RUN, USER …
    args: str
    line: int


@dataclass
class Dockerfile:
    instructions: list[Instruction] = field(default_factory=list)

    def of(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    @property
    def stages(self) -> list[Instruction]:
        return self.of("FROM")


def parse_dockerfile(text: str) -> Dockerfile:
    result = Dockerfile()
    lines = text.splitlines()
    i = 0
    escape = "\\"
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        start = i + 1
        i += 1
        if not stripped:
            continue
        if stripped.startswith("#"):
            m = re.match(r"#\s*escape\s*=\s*(\S)", stripped)
            if m and not result.instructions:
                escape = m.group(1)
            continue
        parts = [stripped]
        while parts[-1].endswith(escape) and i < len(lines):
            parts[-1] = parts[-1][:-1]
            nxt = lines[i].strip()
            i += 1
            if nxt.startswith("#"):
                parts.append(escape)  # comment lines inside continuations are skipped
                continue
            parts.append(nxt)
        joined = " ".join(p for p in parts if p != escape).strip()
        heredoc = _HEREDOC.search(joined)
        if heredoc and joined.split(None, 1)[0].upper() in {"RUN", "COPY"}:
            end = heredoc.group(1)
            body = []
            while i < len(lines) and lines[i].strip() != end:
                body.append(lines[i])
                i += 1
            i += 1
            joined += "\n" + "\n".join(body)
        keyword, _, args = joined.partition(" ")
        result.instructions.append(Instruction(keyword.upper(), args.strip(), start))
    return result
