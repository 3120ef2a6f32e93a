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
from functools import cache, cached_property
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
# A big alternation makes `re` try every alternative at every position (~5 MB/s); `find`
# runs at ~1 GB/s. When every alternative holds a literal (one of a small set of strings) at
# a bounded distance after where its match starts, or starts at `^` with no line break before
# the literal, the places a match can start are known from the literals' occurrences: the
# regex itself then only runs there (history secret scan, secrets.find_secrets). Exact: the
# regex still decides at each of those places; only places where no match can start are skipped.
_MAX_ANCHOR_SET = 64
_MAX_REACH = 4096
_IGNORECASE = 2  # re.IGNORECASE as sre_parse stores it in add_flags
_NEWLINE = 10
_AUTOMATON_SLICE = 1 << 20  # characters the automaton reads at a time


# `re` (str, IGNORECASE) takes İ and ı for i and ſ for s, where str.lower() does not (and
# makes two characters of İ): they are mapped first, so that a case-folded literal is found
# wherever `re` would match it, position for position
_FOLD_TRAPS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"))


def _lowered(text: str) -> str:
    """`text` lowered as `re` folds case (a superset: never a match missed), same length."""
    if not text.isascii():
        for trap, letter in _FOLD_TRAPS:
            if trap in text:
                text = text.replace(trap, letter)
    return text.lower()


@dataclass(frozen=True)
class Anchors:
    """Where the matches of a pattern can start: at most `reach` characters before an
    occurrence of one of its literals (`literals`: (literal, reach), found as they are;
    `folded`: found in the lowered text), or at the start of the line holding one
    (`line_start`: some alternatives begin with `^`)."""

    literals: tuple[tuple[str, int], ...]
    folded: tuple[tuple[str, int], ...]
    line_start: bool

    def occur_in(self, text: str) -> bool:
        """Whether one of the literals is in `text` (a `find` per literal, at memory speed:
        most texts hold none of a pattern's literals, and then no automaton pass is due)."""
        if any(literal in text for literal, _ in self.literals):
            return True
        if not self.folded:
            return False
        lowered = _lowered(text)
        return any(literal in lowered for literal, _ in self.folded)

    def dense_in(self, text: str, limit: int) -> bool:
        """Whether the literals occur more than `limit` times in `text` (counted at `find`
        speed): where they are that common, reading each place in Python costs more than
        matching every line (`"` in a notebook, `name` in a JSON export)."""
        total = 0
        for literal, _ in self.literals:
            total += text.count(literal)
            if total > limit:
                return True
        lowered = _lowered(text) if self.folded else text
        for literal, _ in self.folded:
            total += lowered.count(literal)
            if total > limit:
                return True
        return False

    def starts(self, text: str | bytes) -> list[int]:
        """The sorted places in `text` where a match can start (every place of `spans`)."""
        places: list[int] = []
        for first, last in self.spans(text):
            places.extend(range(first, last + 1))
        return places

    def spans(self, text: str | bytes, line_starts: bool = True) -> list[tuple[int, int]]:
        """The places in `text` where a match can start, as sorted, disjoint, inclusive
        (first, last) ranges (without the line starts `line_start` adds when not
        `line_starts`: for a caller that reads each line holding a literal from its start).

        One pass of an Aho-Corasick automaton finds every literal at once: one `find` pass
        per literal (~60 for the secret candidates) made the history scan of a large
        repository cost seconds per hundred MB. With case-folded literals the pass runs over
        the lowered text and the exact literals are checked in place. Ranges rather than
        single places: a literal met a million times in a large JSON history (`://`,
        `token`) cost a set update of `reach` places and a search back to its line start
        each time, most of a scan."""
        built = self._automaton
        if built is None:
            return self._spans_by_find(text)
        automaton, longest = built
        binary = isinstance(text, bytes)
        haystack: Any = text
        if self.folded:
            haystack = text.lower() if isinstance(text, bytes) else _lowered(text)
        if binary:
            haystack = haystack.decode("latin-1")  # same positions: one byte, one character
        lines = self.line_start and line_starts
        found = _Ranges(haystack if lines else None)
        add = found.add
        # a literal inside the last range, on a line already seen, adds nothing: skipped
        # here without a call (most literals of a dense text)
        low = high = line_first = line_end = -1
        # the automaton reads wide characters: slices keep its copy small; a slice runs on
        # into the next by the longest literal, and a literal is taken where it starts
        for first in range(0, len(haystack), _AUTOMATON_SLICE):
            stop = first + _AUTOMATON_SLICE
            for end, needles in automaton.iter(haystack[first : stop + longest - 1]):
                for size, reach, exact in needles:
                    at = first + end - size + 1
                    if at >= stop:
                        continue
                    if exact is not None and text[at : at + size] != exact[binary]:
                        continue
                    if (
                        low <= at - reach
                        and at <= high
                        and (not lines or line_first <= at < line_end)
                    ):
                        continue
                    add(at, reach)
                    low, high = found.current
                    if lines:
                        line_first, line_end = found.line
        return found.merged()

    def _spans_by_find(self, text: str | bytes) -> list[tuple[int, int]]:
        """`spans` by one `find` pass per literal: for an empty literal (found everywhere)."""
        binary = isinstance(text, bytes)
        lowered: Any = text
        if self.folded:
            lowered = text.lower() if isinstance(text, bytes) else _lowered(text)
        lines: str | None = None
        if self.line_start:
            lines = text.decode("latin-1") if isinstance(text, bytes) else text
        found = _Ranges(lines)
        for needles, folded in ((self.literals, False), (self.folded, True)):
            haystack: Any = lowered if folded else text
            for literal, reach in needles:
                needle: Any = literal.encode("latin-1") if binary else literal
                at = haystack.find(needle)
                while at >= 0:
                    found.add(at, reach)
                    at = haystack.find(needle, at + 1)
        return found.merged()

    @cached_property
    def _automaton(self) -> tuple[Any, int] | None:
        """(an automaton of every literal, the longest key's length), or None for an empty
        literal. A literal is keyed as the haystack holds it (lowered when some are folded)
        and carries (length, reach, the text and bytes to check it against in the original,
        None when the key itself decides)."""
        import ahocorasick

        keyed: dict[str, list[tuple[int, int, tuple[str, bytes] | None]]] = {}
        for literal, reach in self.literals:
            key = literal.lower() if self.folded else literal
            exact = (literal, literal.encode("latin-1", "replace")) if self.folded else None
            keyed.setdefault(key, []).append((len(literal), reach, exact))
        for literal, reach in self.folded:
            keyed.setdefault(literal, []).append((len(literal), reach, None))
        if not keyed or "" in keyed:
            return None
        automaton = ahocorasick.Automaton()
        for key, needles in keyed.items():
            automaton.add_word(key, tuple(needles))
        automaton.make_automaton()
        return automaton, max(map(len, keyed))


class _Ranges:
    """Inclusive ranges of places, merged as they come (the automaton reports literals
    almost in order, so most fold into the last range), with the start of each literal's
    line when `lines` (the text, to find line starts in) is given."""

    __slots__ = ("_done", "_first", "_last", "_line_end", "_line_first", "_lines")

    def __init__(self, lines: str | None) -> None:
        self._done: list[tuple[int, int]] = []
        self._first = self._last = -2
        self._lines = lines
        self._line_first = self._line_end = -1  # the line of the last literal: [first, end)

    def add(self, at: int, reach: int) -> None:
        first = at - reach if at > reach else 0
        if first <= self._last + 1 and at >= self._first - 1:
            if first < self._first:
                self._first = first
            if at > self._last:
                self._last = at
        else:
            if self._last >= 0:
                self._done.append((self._first, self._last))
            self._first, self._last = first, at
        lines = self._lines
        if lines is not None and not self._line_first <= at < self._line_end:
            self._line_first = lines.rfind("\n", 0, at) + 1
            end = lines.find("\n", at)
            self._line_end = end if end >= 0 else len(lines) + 1
            self.add_place(self._line_first)

    @property
    def current(self) -> tuple[int, int]:
        """The range being grown."""
        return self._first, self._last

    @property
    def line(self) -> tuple[int, int]:
        """The line of the last literal: [first, end)."""
        return self._line_first, self._line_end

    def add_place(self, place: int) -> None:
        if self._first - 1 <= place <= self._last + 1:
            self._first = min(self._first, place)
            self._last = max(self._last, place)
        else:
            self._done.append((place, place))

    def merged(self) -> list[tuple[int, int]]:
        if self._last >= 0:
            self._done.append((self._first, self._last))
        out: list[tuple[int, int]] = []
        for first, last in sorted(self._done):
            if out and first <= out[-1][1] + 1:
                if last > out[-1][1]:
                    out[-1] = (out[-1][0], last)
            else:
                out.append((first, last))
        return out


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
            strings = _exact_sequence(_same_folding(_flatten(alternative, fold), fold))
            if strings is None:
                return None
            union |= strings
        return union if len(union) <= _MAX_ANCHOR_SET else None
    if op in _REPEATS and av[0] == 0 and av[1] == 1:
        inner = _exact_sequence(_same_folding(_flatten(av[2], fold), fold))
        return None if inner is None else inner | {""}
    return None


def _same_folding(items: list[tuple[Any, Any, bool]], fold: bool) -> list[tuple[Any, Any, bool]]:
    """`items` up to the first whose case folding is not `fold`: the strings of a group are
    searched as its enclosing item is (`a(?:(?i:B)|c)` must not be searched as exact `ab`)."""
    for at, (_, _, item_fold) in enumerate(items):
        if item_fold != fold:
            return items[:at] + [(None, None, fold)]  # an item no string is exact for
    return items


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


def _branch_prefixes(av: Any, fold: bool) -> set[str] | None:
    """The exact prefix of each alternative of a branch, when every one has a non-empty one
    and they are few: every match of the branch starts with one of them."""
    prefixes: set[str] = set()
    for alternative in av[1]:
        strings = {""}
        for op, item, item_fold in _same_folding(_flatten(alternative, fold), fold):
            options = _exact(op, item, item_fold)
            if options is None or len({s + o for s in strings for o in options}) > _MAX_ANCHOR_SET:
                break
            strings = {s + o for s in strings for o in options}
        if min(map(len, strings)) == 0:
            return None
        prefixes |= strings
        if len(prefixes) > _MAX_ANCHOR_SET:
            return None
    return prefixes


def _no_line_break(items: Any) -> bool:
    """The items can never match a line break (so a `^` before them starts the literal's line)."""
    for item in items:
        op, av = item[0], item[1]
        if op == _c.LITERAL:
            ok = av != _NEWLINE
        elif op == _c.AT:
            ok = True
        elif op == _c.IN:
            ok = all(
                (kind == _c.LITERAL and value != _NEWLINE)
                or (kind == _c.RANGE and not value[0] <= _NEWLINE <= value[1])
                or (kind == _c.CATEGORY and value in (_c.CATEGORY_DIGIT, _c.CATEGORY_WORD))
                for kind, value in av
            )
        elif op in _REPEATS or op == _POSSESSIVE:
            ok = _no_line_break(av[2])
        elif op == _c.BRANCH:
            ok = all(_no_line_break(a) for a in av[1])
        elif op == _c.SUBPATTERN:
            ok = _no_line_break(av[-1])
        else:
            ok = False
        if not ok:
            return False
    return True


def _width(items: list[tuple[Any, Any, bool]]) -> int:
    if not items:
        return 0
    sub = _parser.SubPattern(_parser.State(), [(op, av) for op, av, _ in items])
    return int(sub.getwidth()[1])


def _alternative_anchor(
    items: list[tuple[Any, Any, bool]], single_line: bool = False
) -> tuple[set[str], bool, int, bool] | None:
    """(strings, folded, reach, line-anchored) for one alternative, or None (`single_line`:
    the regex is matched one line at a time, so `^` starts the literal's line whatever the
    items between them can match)."""
    at_line_start = bool(items) and (items[0][0], items[0][1]) in (
        (_c.AT, _c.AT_BEGINNING),
        (_c.AT, _c.AT_BEGINNING_LINE),
    )
    best: tuple[tuple[int, int], set[str], bool, int, bool] | None = None
    for start in range(len(items)):
        reach = _width(items[:start])
        anchored = at_line_start and (single_line or _no_line_break(items[:start]))
        if not anchored and reach > _MAX_REACH:
            break
        # every run of exact items from `start`: their strings concatenate
        strings: set[str] = {""}
        folded = False
        for op, av, fold in items[start:]:
            exact = _exact(op, av, fold)
            last = exact is None
            # an alternation whose alternatives are not exact still starts with one of their
            # exact prefixes: `re` factors a shared prefix out of `"a"\s*:|"b"\s*:` into `"`
            # before the branch, and `"` alone anchors every line of a notebook
            options = _branch_prefixes(av, fold) if last and op == _c.BRANCH else exact
            if options is None:
                break
            strings = {s + o for s in strings for o in options}
            if len(strings) > _MAX_ANCHOR_SET:
                break
            folded = folded or fold
            if min(map(len, strings)) == 0:
                continue
            # long enough to be rare (8), then as few searches as possible
            score = (min(8, *map(len, strings)), -len(strings))
            if best is None or score > best[0]:
                found = {s.lower() for s in strings} if folded else set(strings)
                best = (score, found, folded, reach, anchored)
            if last:
                break
    if best is None:
        return None
    return best[1], best[2], best[3], best[4]


def _reaches(
    pattern: str | bytes, flags: int = 0, single_line: bool = False
) -> tuple[dict[tuple[str, bool], int], bool, int] | None:
    """{(literal, folded): reach}, whether some alternative starts at `^`, and the shortest
    match's length — or None when some alternative holds no literal at a bounded reach."""
    try:
        parsed = _parser.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    fold = bool(parsed.state.flags & _IGNORECASE)
    items = _flatten(parsed.data, fold)
    alternatives = items[0][1][1] if len(items) == 1 and items[0][0] == _c.BRANCH else None
    sequences = (
        [_flatten(a, items[0][2]) for a in alternatives] if alternatives is not None else [items]
    )
    reaches: dict[tuple[str, bool], int] = {}
    line_start = False
    for sequence in sequences:
        found = _alternative_anchor(sequence, single_line)
        if found is None:
            return None
        strings, folded, reach, anchored = found
        if folded and not all(s.isascii() for s in strings):
            return None  # case folding beyond ASCII is not what .lower() does
        line_start = line_start or anchored
        for string in strings:
            key = (string, folded)
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
    return reaches, line_start, int(parsed.getwidth()[0])


@cache
def literal_anchors(
    pattern: str | bytes, flags: int = 0, single_line: bool = False
) -> Anchors | None:
    """The Anchors of a pattern, or None when some alternative has none (`single_line`: for
    a regex matched one line at a time)."""
    found = _reaches(pattern, flags, single_line)
    if found is None:
        return None
    reaches, line_start, _ = found
    if isinstance(pattern, bytes) and not all(n.isascii() for n, _ in reaches):
        return None  # bytes literals are latin-1; keep to what is unambiguous
    kept = sorted(reaches.items())
    return Anchors(
        literals=tuple((needle, reach) for (needle, folded), reach in kept if not folded),
        folded=tuple((needle, reach) for (needle, folded), reach in kept if folded),
        line_start=line_start,
    )


def search_anchored(regex: re.Pattern[str], text: str) -> bool:
    """`regex.search(text) is not None`, trying the regex only where a match can start."""
    anchors = literal_anchors(regex.pattern, regex.flags & re.IGNORECASE)
    if anchors is None:
        return regex.search(text) is not None
    return any(regex.match(text, at) for at in anchors.starts(text))


@dataclass(frozen=True)
class Prefilter:
    """A necessary condition for a regex to match somewhere in a text, checked at `in` speed:
    the text is long enough and holds one of the literals every match holds."""

    literals: tuple[str, ...]
    folded: tuple[str, ...]  # found in the lowered text
    min_length: int

    def may_match(self, text: str) -> bool:
        if len(text) < self.min_length:
            return False
        if any(literal in text for literal in self.literals):
            return True
        if not self.folded:
            return False
        lowered = _lowered(text)
        return any(literal in lowered for literal in self.folded)


@cache
def prefilter(regex: re.Pattern[str]) -> Prefilter:
    """The Prefilter of a compiled str regex (a length bound only when it has no literals)."""
    found = _reaches(regex.pattern, regex.flags & re.IGNORECASE)
    if found is None:
        try:
            shortest = int(_parser.parse(regex.pattern, regex.flags).getwidth()[0])
        except (re.error, RecursionError, OverflowError):  # pragma: no cover - compiled already
            shortest = 0
        return Prefilter(("",), (), shortest)  # "" is in every text: the length bound only
    reaches, _, shortest = found
    return Prefilter(
        literals=tuple(sorted(n for n, folded in reaches if not folded)),
        folded=tuple(sorted(n for n, folded in reaches if folded)),
        min_length=shortest,
    )


def may_match(regex: re.Pattern[str], text: str) -> bool:
    """False only when `regex` cannot match anywhere in `text` (see Prefilter)."""
    return prefilter(regex).may_match(text)
