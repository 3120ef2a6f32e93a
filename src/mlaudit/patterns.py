"""Regular expressions a rubric brings: refused when they can backtrack exponentially, and
only ever run over bounded text.

Python's `re` backtracks. A rubric (possibly the scanned repository's own) could hold a
pattern such as `(\\w+\\s?)+$` that takes exponential time on a crafted line, and even an
innocent `\\bmetaflow\\b.*\\brun\\b` is quadratic in the length of a line. So:
- `unsafe_reason` refuses, when the rubric is loaded, a pattern with nested unbounded
  quantifiers (a repeated group that itself holds an unbounded repeat): the shape behind
  catastrophic backtracking;
- `MAX_MATCH_LINE`: lines and commands are cut to this many characters before matching;
- what is left (a pattern shape this check misses) is stopped by the per-check time budget
  (mlaudit.budget): the check becomes `unknown` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

try:  # Python ≥ 3.11
    import re._constants as _c  # type: ignore[import-not-found,unused-ignore]
    import re._parser as _parser  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef,unused-ignore]
    import sre_parse as _parser  # type: ignore[no-redef,unused-ignore]

MAX_MATCH_LINE = 4096
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_POSSESSIVE = getattr(_c, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)


def _children(op: Any, av: Any) -> list[Any]:
    """The sub-patterns directly inside one parsed item."""
    if op in _REPEATS or op == _POSSESSIVE:
        return [av[2]]
    if op == _c.SUBPATTERN:
        return [av[-1]]
    if op == _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op == _ATOMIC:
        return [av]
    if op == _c.GROUPREF_EXISTS:
        return [p for p in av[1:] if p is not None]
    return []


def _unbounded(op: Any, av: Any) -> bool:
    return op in _REPEATS and av[1] == _c.MAXREPEAT


def _has_unbounded(items: Any) -> bool:
    for op, av in items:
        if _unbounded(op, av) or any(_has_unbounded(c) for c in _children(op, av)):
            return True
    return False


def _nested(items: Any) -> bool:
    for op, av in items:
        if _unbounded(op, av) and _has_unbounded(av[2]):
            return True
        if op in (_ATOMIC, _POSSESSIVE):
            continue  # no backtracking into these
        if any(_nested(c) for c in _children(op, av)):
            return True
    return False


def unsafe_reason(pattern: str) -> str | None:
    """Why `pattern` may backtrack exponentially, or None."""
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None  # re.compile reports the syntax error
    if _nested(parsed):
        return (
            "nested unbounded quantifiers (such as `(a+)+` or `(\\w+\\s?)*`) can backtrack "
            "exponentially; rewrite without the outer repeat"
        )
    return None


def bounded(text: str) -> str:
    """`text` cut to MAX_MATCH_LINE characters: what patterns are matched against."""
    return text if len(text) <= MAX_MATCH_LINE else text[:MAX_MATCH_LINE]


# literal anchors ---------------------------------------------------------------------------
# A big alternation makes `re` try every alternative at every position (~5 MB/s); `bytes.find`
# runs at ~1 GB/s. When every alternative holds a literal (one of a small set of strings) at
# a bounded distance from where its match starts, or is anchored at a line start, the places
# a match can start are known from the literals' occurrences: the regex itself then only runs
# there (see repo/secrets_history.py).
_MAX_ANCHOR_SET = 64
_MAX_REACH = 4096
_IGNORECASE = 2  # re.IGNORECASE as sre_parse stores it in add_flags


@dataclass(frozen=True)
class Anchors:
    """Where the matches of a pattern can start: at most `reach` bytes before an occurrence of
    one of its literals (`literals`: (literal, reach) found as is; `folded`: found in the
    ASCII-lowered text), or at the start of a line holding one (`line_start`: some
    alternatives begin with `^`)."""

    literals: tuple[tuple[bytes, int], ...]
    folded: tuple[tuple[bytes, int], ...]
    line_start: bool


def _flatten(items: Any, fold: bool) -> list[tuple[Any, Any, bool]]:
    """The items of a sequence with groups spliced in, each with its case-folding flag."""
    out: list[tuple[Any, Any, bool]] = []
    for op, av in items:
        if op == _c.SUBPATTERN:
            add, remove = av[1], av[2]
            inner = (fold or bool(add & _IGNORECASE)) and not remove & _IGNORECASE
            out.extend(_flatten(av[-1], inner))
        else:
            out.append((op, av, fold))
    return out


def _exact(op: Any, av: Any, fold: bool) -> set[str] | None:
    """Every string the item can match, when that is a small finite set (else None)."""
    if op == _c.LITERAL:
        return {chr(av).lower() if fold else chr(av)}
    if op == _c.AT:
        return {""}
    if op == _c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind != _c.LITERAL:
                return None
            chars.add(chr(value).lower() if fold else chr(value))
        return chars
    if op == _c.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            strings = _exact_sequence(_flatten(alternative, fold))
            if strings is None:
                return None
            union |= strings
        return union if len(union) <= _MAX_ANCHOR_SET else None
    if op in _REPEATS and av[0] == 0 and av[1] == 1:
        inner = _exact_sequence(_flatten(av[2], fold))
        return None if inner is None else inner | {""}
    return None


def _exact_sequence(items: list[tuple[Any, Any, bool]]) -> set[str] | None:
    strings = {""}
    for op, av, fold in items:
        options = _exact(op, av, fold)
        if options is None:
            return None
        strings = {s + o for s in strings for o in options}
        if len(strings) > _MAX_ANCHOR_SET:
            return None
    return strings


def _width(items: list[tuple[Any, Any, bool]]) -> int:
    if not items:
        return 0
    sub = _parser.SubPattern(_parser.State(), [(op, av) for op, av, _ in items])
    return int(sub.getwidth()[1])


def _alternative_anchor(
    items: list[tuple[Any, Any, bool]],
) -> tuple[set[str], bool, int, bool] | None:
    """(strings, folded, reach, line-anchored) for one alternative, or None."""
    line_anchored = (
        bool(items)
        and items[0][0] == _c.AT
        and items[0][1]
        in (
            _c.AT_BEGINNING,
            _c.AT_BEGINNING_LINE,
        )
    )
    best: tuple[tuple[int, int], set[str], bool, int] | None = None
    start = 0
    while start < len(items):
        # the longest run of exact items from `start`: their strings concatenate
        strings: set[str] = {""}
        folded = False
        end = start
        while end < len(items):
            op, av, fold = items[end]
            options = _exact(op, av, fold)
            if options is None:
                break
            joined = {s + o for s in strings for o in options}
            if len(joined) > _MAX_ANCHOR_SET:
                break
            strings, folded, end = joined, folded or fold, end + 1
        if end > start and min(map(len, strings)) > 0:
            if folded:
                strings = {s.lower() for s in strings}
            reach = _width(items[:start])
            if line_anchored or reach <= _MAX_REACH:
                score = (min(map(len, strings)), -len(strings))
                if best is None or score > best[0]:
                    best = (score, strings, folded, reach)
        start = max(end, start + 1)
    if best is None:
        return None
    return best[1], best[2], best[3], line_anchored


def literal_anchors(pattern: bytes) -> Anchors | None:
    """The Anchors of a bytes pattern (flags inline), or None when some alternative has none."""
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    fold = bool(parsed.state.flags & _IGNORECASE)
    items = _flatten(parsed.data, fold)
    alternatives = items[0][1][1] if len(items) == 1 and items[0][0] == _c.BRANCH else None
    sequences = (
        [_flatten(a, items[0][2]) for a in alternatives] if alternatives is not None else [items]
    )
    reaches: dict[tuple[bytes, bool], int] = {}
    line_start = False
    for sequence in sequences:
        found = _alternative_anchor(sequence)
        if found is None:
            return None
        strings, folded, reach, anchored = found
        line_start = line_start or anchored
        for string in strings:
            encoded = string.encode("latin-1")
            if b"\n" in encoded:
                return None  # a match that spans lines: the callers' line logic breaks
            key = (encoded, folded)
            reaches[key] = max(reaches.get(key, 0), 0 if anchored else reach)

    # a literal that starts with another anchor is found where that one is: one search less
    # (a folded anchor also covers case-sensitive ones); the shorter one takes its reach
    for needle, folded in sorted(reaches, key=lambda k: -len(k[0])):
        for other, other_folded in reaches:
            if (other, other_folded) != (needle, folded) and (other_folded or not folded):
                if (needle.lower() if other_folded else needle).startswith(other):
                    key = (other, other_folded)
                    reaches[key] = max(reaches[key], reaches.pop((needle, folded)))
                    break
    kept = sorted(reaches.items())
    return Anchors(
        literals=tuple((needle, reach) for (needle, folded), reach in kept if not folded),
        folded=tuple((needle, reach) for (needle, folded), reach in kept if folded),
        line_start=line_start,
    )
