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
