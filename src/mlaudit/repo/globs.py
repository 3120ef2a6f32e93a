"""Glob patterns over repo-relative POSIX paths.

- a pattern without `/` matches the file name at any depth (`Dockerfile*`, `*.dvc`);
- a pattern with `/` matches the whole path; a leading `/` is allowed and ignored;
- `**` spans folders (`**/tests/**`), `*` and `?` stay within one folder, `[...]` classes;
- `{a,b}` alternatives are expanded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

MAX_BRACE_ALTERNATIVES = 256
# more single `*` than this in one path segment: a backtracking regex pays len(name)**stars
MAX_STARS = 4


def _expand_braces(pattern: str) -> list[str]:
    """`{a,b}` alternatives, expanded; ValueError past MAX_BRACE_ALTERNATIVES (`{a,b}` × 20
    would be a million patterns)."""
    done: list[str] = []
    pending = [pattern]
    while pending:
        current = pending.pop()
        match = re.search(r"\{([^{}]*)\}", current)
        if not match:
            done.append(current)
            continue
        head, tail = current[: match.start()], current[match.end() :]
        pending.extend(head + option + tail for option in reversed(match.group(1).split(",")))
        if len(done) + len(pending) > MAX_BRACE_ALTERNATIVES:
            raise ValueError(
                f"glob {pattern[:80]!r} expands to more than {MAX_BRACE_ALTERNATIVES} alternatives"
            )
    return done


def _translate(pattern: str) -> str:
    i, out = 0, []
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("(?:/.*)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> re.Pattern[str]:
    return re.compile(_glob_regex(pattern))


def _glob_regex(pattern: str) -> str:
    """The regular expression (source) of a glob; ValueError for the refused shapes."""
    from mlaudit.repo.wildmatch import star_count

    parts = []
    for alternative in _expand_braces(pattern):
        if star_count(alternative) > MAX_STARS:
            raise ValueError(
                f"glob {pattern[:80]!r} has more than {MAX_STARS} `*` in one path segment"
            )
        alt = alternative.lstrip("/")
        body = _translate(alt)
        if "/" not in alternative:
            body = "(?:.*/)?" + body
        parts.append(body)
    return "^(?:" + "|".join(parts) + ")$"


@lru_cache(maxsize=4096)
def glob_matcher(pattern: str) -> Callable[[str], bool]:
    """`compile_glob(pattern).match(path) is not None` as a predicate. Most globs are a file
    name (`Dockerfile`), a name with one `*` (`*.py`, `requirements*.txt`) or a plain path:
    those are string tests, with no regex to compile (hundreds per scan). A path holding a
    line break goes to the regex (`$` also matches before a final newline)."""
    if "\n" in pattern or any(c in pattern for c in "?[{") or pattern.count("*") > 1:
        return _regex_matcher(pattern)
    if "/" in pattern:
        if "*" in pattern:
            return _regex_matcher(pattern)
        whole = pattern.lstrip("/")
        return lambda path: path == whole or ("\n" in path and _regex_test(pattern, path))
    if "*" not in pattern:
        suffix = "/" + pattern
        return lambda path: (
            (path == pattern or path.endswith(suffix))
            if "\n" not in path
            else _regex_test(pattern, path)
        )
    head, tail = pattern.split("*")
    shortest = len(head) + len(tail)

    def name_matches(path: str) -> bool:
        if "\n" in path:
            return _regex_test(pattern, path)
        name = path.rpartition("/")[2]
        return len(name) >= shortest and name.startswith(head) and name.endswith(tail)

    return name_matches


def _regex_matcher(pattern: str) -> Callable[[str], bool]:
    match = compile_glob(pattern).match  # compiled now: a refused glob fails here, as before
    return lambda path: match(path) is not None


def _regex_test(pattern: str, path: str) -> bool:
    return compile_glob(pattern).match(path) is not None


def matches(path: str, pattern: str) -> bool:
    return glob_matcher(pattern)(path)


@lru_cache(maxsize=4096)
def _compile_any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_glob_regex(p)})" for p in patterns))


def matches_any(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """One regex match for the whole set of patterns (probes call this per file)."""
    if not patterns:
        return False
    return _compile_any(tuple(patterns)).match(path) is not None


# Index keys: lets a Snapshot answer a pattern from a few buckets of files instead of
# matching it against every path (100k files × hundreds of patterns is the scan's hot spot).
_META = re.compile(r"[*?\[\]]")
_TAIL = re.compile(r"[*?\]]([^*?\[\]/]*)$")


def index_keys(pattern: str) -> list[list[tuple[str, str]]] | None:
    """For each alternative of `pattern`, the index buckets that hold every path it can match:
    ("name", basename), ("ext", text after the last dot) or ("top", first folder); each
    alternative lists the buckets it fits (any one of them is enough). None: scan all files.
    """
    out: list[list[tuple[str, str]]] = []
    for alternative in _expand_braces(pattern):
        alt = alternative.lstrip("/")
        last = alt.rsplit("/", 1)[-1]
        keys: list[tuple[str, str]] = []
        if last and not _META.search(last):
            keys.append(("name", last))
        else:
            tail = _TAIL.search(last)
            if tail and "." in tail.group(1) and tail.group(1).rsplit(".", 1)[1]:
                keys.append(("ext", tail.group(1).rsplit(".", 1)[1]))
        if "/" in alternative:
            first = alt.split("/", 1)[0]
            if first and not _META.search(first) and "/" in alt:
                keys.append(("top", first))
        if not keys:
            return None
        out.append(keys)
    return out


def path_keys(path: str) -> tuple[tuple[str, str], ...]:
    """The index buckets `path` belongs to (see index_keys)."""
    name = path.rsplit("/", 1)[-1]
    keys = [("name", name)]
    if "." in name:
        keys.append(("ext", name.rsplit(".", 1)[1]))
    keys.append(("top", path.split("/", 1)[0]))  # a root file is its own top (`foo/**`)
    return tuple(keys)


class PathIndex:
    """Paths by the buckets of path_keys, stored compactly: at 100k files a dict from
    (kind, value) tuples to one-element lists costs ~30 MiB. Basenames are keyed by their
    hash (a bucket may then hold paths of another name too: callers test every candidate),
    and a basename bucket of one path holds the bare string. Buckets keep `paths`' order."""

    __slots__ = ("_exts", "_names", "_tops")

    def __init__(self, paths: Iterable[str]) -> None:
        names: dict[int, str | list[str]] = {}
        exts: dict[str, list[str]] = {}
        tops: dict[str, list[str]] = {}
        for path in paths:
            slash = path.rfind("/")
            name = path[slash + 1 :]
            key = hash(name)
            held = names.get(key)
            if held is None:
                names[key] = path
            elif isinstance(held, str):
                names[key] = [held, path]
            else:
                held.append(path)
            dot = name.rfind(".")
            if dot >= 0:
                bucket = exts.get(name[dot + 1 :])
                if bucket is None:
                    exts[name[dot + 1 :]] = [path]
                else:
                    bucket.append(path)
            top = path if slash < 0 else path[: path.find("/")]
            bucket = tops.get(top)
            if bucket is None:
                tops[top] = [path]
            else:
                bucket.append(path)
        self._names, self._exts, self._tops = names, exts, tops

    def bucket(self, key: tuple[str, str]) -> list[str]:
        """The paths of one bucket of index_keys (a superset of them for a basename)."""
        kind, value = key
        if kind == "name":
            held = self._names.get(hash(value))
            if held is None:
                return []
            return [held] if isinstance(held, str) else held
        return (self._exts if kind == "ext" else self._tops).get(value, [])
