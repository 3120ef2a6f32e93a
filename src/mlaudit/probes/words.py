"""Probe detection rules told in words, for outcome messages.

A finding is read by a reviewer, not by the matcher: `no line matching /\\bdbt\\s+run\\b/`
becomes `no line such as "dbt run"`, `no files matching {CHANGELOG,CHANGES}*` becomes
`none of the files CHANGELOG or CHANGES`, `no call matching mlflow.log_*, wandb.init, …`
becomes `no matching call to mlflow, wandb and 3 more`. A pass names what was found and where. The exact
patterns stay in `mlaudit explain` and docs/rubric.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from mlaudit.results import Evidence

SHOWN = 3  # names listed before "and N more"
QUOTE_CHARS = 60


def listing(items: Iterable[str], *, limit: int = SHOWN, conjunction: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`, `a, b, c and 4 more` (duplicates dropped)."""
    unique = list(dict.fromkeys(i for i in items if i))
    if not unique:
        return ""
    if len(unique) <= limit + 1:
        if len(unique) == 1:
            return unique[0]
        return f"{', '.join(unique[:-1])} {conjunction} {unique[-1]}"
    return f"{', '.join(unique[:limit])} and {len(unique) - limit} more"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


# file patterns -----------------------------------------------------------------------------
def _expand_braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    out: list[str] = []
    for choice in match.group(1).split(","):
        out.extend(_expand_braces(head + choice + tail))
    return out


def glob_name(pattern: str) -> str:
    """One brace-free glob as a readable name: `**/tests/**` → `tests/`,
    `docs/**/*deploy*` → `docs/…/deploy`, `*.jmx` → `.jmx files`, `CHANGELOG*` → `CHANGELOG`."""
    text = pattern.strip().lstrip("/")
    while text.startswith("**/"):
        text = text[3:]
    folder = text.endswith("/**") or text.endswith("/")
    text = text.removesuffix("/**").rstrip("/")
    parts = []
    for part in text.split("/"):
        if part in ("**", "*"):
            parts.append("…")
            continue
        part = re.sub(r"\[[^\]]*\]", "", part).replace("?", "")
        if part.startswith("*.") and "*" not in part[1:]:
            where = "/".join(parts).rstrip("…/")
            return f"{part[1:]} files" + (f" in {where}/" if where else "")
        part = part.strip("*").replace("*", "…")
        if part:
            parts.append(part)
    name = "/".join(parts)
    return f"{name}/" if folder and name else name


def file_names(globs: Sequence[str]) -> list[str]:
    """Readable names of file patterns, braces expanded, duplicates (any case) dropped."""
    seen: dict[str, str] = {}
    for pattern in globs:
        for expanded in _expand_braces(pattern):
            name = glob_name(expanded)
            if name and name.casefold() not in seen:
                seen[name.casefold()] = name
    return list(seen.values())


def size_text(size: int) -> str:
    """`10 MiB`, `512 KiB`, `300 bytes`: a size bound in words."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def files_phrase(globs: Sequence[str], kind: str = "file") -> str:
    """`none of the files CHANGELOG, CHANGES, HISTORY and 12 more`."""
    return _files_phrase(tuple(globs), kind)


@lru_cache(maxsize=4096)  # the same rubric globs at every check of every history point
def _files_phrase(globs: tuple[str, ...], kind: str) -> str:
    names = file_names(globs)
    noun = "folder" if kind == "dir" else "file"
    if len(names) == 1:
        return f"no {noun} {names[0]}"
    return f"none of the {noun}s {listing(names, conjunction='or')}"


# regular expressions --------------------------------------------------------------------------
try:  # Python ≥ 3.11 moved the parser; both are the standard library's own
    import re._parser as _sre_parse  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef,unused-ignore]

_CATEGORY = {"CATEGORY_SPACE": " ", "CATEGORY_DIGIT": "0"}


def _sample(items: Iterable[tuple[Any, Any]]) -> str:
    """The shortest text a parsed pattern matches, wildcards shown as `…`."""
    out: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low: int = arg[0]
            body = arg[2]
            text = _sample(body)
            out.append(text * low if low else "")
            if low and text == "…":
                out[-1] = "…"
        elif name == "SUBPATTERN":
            out.append(_sample(arg[-1]))
        elif name == "BRANCH":
            out.append(_sample(arg[1][0]))
        elif name == "IN":
            first = arg[0]
            if str(first[0]) == "LITERAL":
                out.append(chr(first[1]))
            elif str(first[0]) == "CATEGORY":
                out.append(_CATEGORY.get(str(first[1]), "…"))
            else:
                out.append("…")
        elif name in ("ANY", "NOT_LITERAL"):
            out.append("…")
        elif name == "CATEGORY":
            out.append(_CATEGORY.get(str(arg), "…"))
        # AT (anchors), ASSERT, GROUPREF …: nothing to show
    text = "".join(out)
    return re.sub(r"…+", "…", re.sub(r" +", " ", text))


@lru_cache(maxsize=1024)
def regex_examples(pattern: str) -> tuple[str, ...]:
    """Short sample texts a regular expression matches, one per top-level alternative:
    `\\bfeast\\s+materialize\\b|\\bdbt\\s+(build|run)\\b` → ("feast materialize", "dbt build")."""
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:  # an invalid pattern is rejected by the rubric loader; be safe anyway
        return ()
    items = list(parsed)
    # a pattern that is one alternation (optionally in a group) lists each alternative
    while len(items) == 1 and str(items[0][0]) == "SUBPATTERN":
        items = list(items[0][1][-1])
    # the parser moves a prefix shared by every alternative (`\b`) out of the BRANCH
    at = [i for i, item in enumerate(items) if str(item[0]) == "BRANCH"]
    branches: list[list[tuple[Any, Any]]]
    if len(at) == 1:
        head, tail = items[: at[0]], items[at[0] + 1 :]
        branches = [head + list(b) + tail for b in items[at[0]][1][1]]
    else:
        branches = [items]
    samples = []
    for branch in branches:
        text = _sample(branch).strip()
        if text and text != "…":
            samples.append(text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…")
    return tuple(dict.fromkeys(samples))


def quoted(texts: Iterable[str], *, conjunction: str = "or") -> str:
    return listing((f'"{t}"' for t in texts), conjunction=conjunction)


def line_phrase(pattern: str) -> str:
    """`no line such as "dbt run" or "feast materialize"`."""
    samples = regex_examples(pattern)
    return f"no line such as {quoted(samples)}" if samples else "no matching line"


# Python names -------------------------------------------------------------------------------
def _name_of(pattern: str) -> str:
    """What a call pattern names, in words: `mlflow.log_*` → `mlflow`, `*.log_model` →
    `log_model()`, `*Trainer` → `Trainer`, `*` → ''."""
    text = pattern.replace("()", "")
    head = text.split(".", 1)[0]
    if head and "*" not in head and "?" not in head and "[" not in head:
        return head
    last = [p for p in re.split(r"[.*?\[\]]+", text) if p]
    if not last:
        return ""
    return f"{last[-1]}()" if text.startswith("*.") else last[-1]


def _literal_prefix(pattern: str) -> str:
    parts = []
    for part in pattern.replace("()", "").split("."):
        if any(c in part for c in "*?["):
            break
        parts.append(part)
    return ".".join(parts[:3])


def call_names(patterns: Sequence[str]) -> list[str]:
    """One name per tool: the package when several patterns share it (`mlflow`), the
    literal prefix when only one does (`google.cloud.aiplatform`)."""
    heads: dict[str, int] = {}
    for pattern in patterns:
        head = _name_of(pattern)
        heads[head] = heads.get(head, 0) + 1
    names = []
    for pattern in patterns:
        head = _name_of(pattern)
        prefix = _literal_prefix(pattern)
        names.append(prefix if heads[head] == 1 and prefix.startswith(head + ".") else head)
    return list(dict.fromkeys(n for n in names if n))


def calls_phrase(patterns: Sequence[str]) -> str:
    """`no matching call to mlflow, wandb, neptune and 5 more`: the calls sought, not every
    use of the package (a repository calling `mlflow.log_metric` has no matching call to
    mlflow for a registry check; "no use of mlflow" would be false there, reviewed)."""
    return _calls_phrase(tuple(patterns))


@lru_cache(maxsize=1024)  # asked by every call check at every history point
def _calls_phrase(patterns: tuple[str, ...]) -> str:
    names = call_names(patterns)
    return (
        f"no matching call to {listing(names, conjunction='or')}" if names else "no matching call"
    )


def modules_phrase(modules: Sequence[str]) -> str:
    return f"no import of {listing(modules, conjunction='or')}"


def key_path(key: str) -> str:
    """A dotted configuration path without wildcards: `updates.*.package-ecosystem` →
    `updates.package-ecosystem`."""
    return ".".join(part for part in key.split(".") if part not in ("*", "**") and part)


# what was found -----------------------------------------------------------------------------
def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def places(evidence: Sequence[Evidence]) -> str:
    """`src/train.py:12` or `src/train.py:12 and 3 more places`."""
    if not evidence:
        return ""
    first = evidence[0].location() + (f" ({evidence[0].note})" if evidence[0].note else "")
    rest = len(evidence) - 1
    return first + (f" and {plural(rest, 'more place')}" if rest else "")


def found_names(evidence: Sequence[Evidence]) -> str:
    """The distinct things found (evidence snippets), e.g. `wandb.init(…) and wandb.log(…)`."""
    return listing(_short(e.snippet) for e in evidence if e.snippet)


def found_phrase(evidence: Sequence[Evidence], *, verb: str = "found") -> str:
    """`found wandb.init(…) in src/train.py:12 and 1 more place`."""
    names = found_names(evidence)
    where = places(evidence)
    if names:
        return f"{verb} {names} in {where}"
    return f"{verb} {where}"
