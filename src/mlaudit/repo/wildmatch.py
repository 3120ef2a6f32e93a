"""Glob matching in O(len(pattern) × len(path)) time, for patterns a backtracking regex
would take exponential time on (`*a*a*a*a*a*b` in a hostile .gitignore or waiver).

`*` and `?` stay within one path segment, `**` spans segments, `[...]` is a class
(`[!...]` negated), `\\x` is a literal x. Segments are matched with the classic greedy
two-pointer wildcard algorithm (one backtrack point: linear per segment), and segment lists
with `**` by a memoised walk over (pattern segment, path segment) pairs.
"""

from __future__ import annotations

import re
from functools import lru_cache

Token = tuple[str, str]  # ("*", "") | ("?", "") | ("lit", char) | ("cls", regex)


@lru_cache(maxsize=1024)
def _tokens(segment: str) -> tuple[Token, ...]:
    out: list[Token] = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "\\" and i + 1 < len(segment):
            out.append(("lit", segment[i + 1]))
            i += 2
        elif c == "*":
            if not out or out[-1][0] != "*":  # `**` inside a segment is one `*`
                out.append(("*", ""))
            i += 1
        elif c == "?":
            out.append(("?", ""))
            i += 1
        elif c == "[" and segment.find("]", i + 2) != -1:
            end = segment.find("]", i + 2)
            body = segment[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = re.sub(r"([\\\]\[^])", r"\\\1", body[1:] if negate else body)
            out.append(("cls", f"[{'^' if negate else ''}{body}]"))
            i = end + 1
        else:
            out.append(("lit", c))
            i += 1
    return tuple(out)


def _one(token: Token, char: str) -> bool:
    kind, value = token
    if kind == "?":
        return True
    if kind == "lit":
        return value == char
    return re.fullmatch(value, char) is not None


def segment_match(pattern: str, name: str) -> bool:
    tokens = _tokens(pattern)
    i = j = 0
    star, mark = -1, 0
    while j < len(name):
        if i < len(tokens) and tokens[i][0] == "*":
            star, mark = i, j
            i += 1
        elif i < len(tokens) and _one(tokens[i], name[j]):
            i += 1
            j += 1
        elif star != -1:
            i = star + 1
            mark += 1
            j = mark
        else:
            return False
    while i < len(tokens) and tokens[i][0] == "*":
        i += 1
    return i == len(tokens)


def path_match(pattern: str, path: str) -> bool:
    """`pattern` (segments split on `/`, `**` spanning any number of them) matches all of
    `path`."""
    pats = pattern.split("/")
    parts = path.split("/")
    seen: dict[tuple[int, int], bool] = {}

    def walk(p: int, s: int) -> bool:
        key = (p, s)
        if key in seen:
            return seen[key]
        if p == len(pats):
            result = s == len(parts)
        elif pats[p] == "**":
            result = walk(p + 1, s) or (s < len(parts) and walk(p, s + 1))
        else:
            result = s < len(parts) and segment_match(pats[p], parts[s]) and walk(p + 1, s + 1)
        seen[key] = result
        return result

    return walk(0, 0)


def star_count(pattern: str) -> int:
    """The most single `*` wildcards in one segment of `pattern`: the exponent a backtracking
    regex pays."""
    return max((len(re.findall(r"(?<!\*)\*(?!\*)", seg)) for seg in pattern.split("/")), default=0)


class GitignoreRule:
    """One .gitignore line, matched with path_match (for lines too complex for a regex)."""

    def __init__(self, line: str) -> None:
        self.negate = line.startswith("!")
        body = line[1:] if self.negate else line
        self.dir_only = body.endswith("/")
        body = body.rstrip("/")
        anchored = "/" in body
        body = body.lstrip("/")
        self.pattern = body if anchored else "**/" + body

    def matches(self, rel_path: str, *, is_dir: bool) -> bool:
        """The path, or one of its parent folders, matches (git ignores a folder's content)."""
        parts = rel_path.strip("/").split("/")
        for k in range(1, len(parts) + 1):
            as_dir = k < len(parts) or is_dir
            if self.dir_only and not as_dir:
                continue
            if path_match(self.pattern, "/".join(parts[:k])):
                return True
        return False
