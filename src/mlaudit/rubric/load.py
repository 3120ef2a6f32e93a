"""Load a rubric from YAML: `include:` parts, `extends:` another rubric, overrides.

Every error names the file and line it comes from, and the allowed values where there
is a closed set, because a rubric typo must fail fast and be easy to fix.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mlaudit.errors import RubricError
from mlaudit.rubric.model import CheckOverride, Rubric

MAX_RUBRIC_BYTES = 2 * 1024 * 1024
MAX_EXTENDS_DEPTH = 8
MAX_RUBRIC_FILES = 64
MAX_RUBRIC_NODES = 200_000  # the default rubric is ~5,000
BUILTIN_DEFAULT = "default"
RUBRIC_CACHE_FORMAT = 1


class LoadedRubric:
    """A validated rubric, the sha256 of its merged content and the path it was loaded from.

    From the rubric cache, `rubric` is materialised on first use (unpickling it imports the
    probes, whose parameter classes it holds); `outline` — the same rubric without probe
    parameters — answers everything that runs no probe (ids, names, qualities, levels,
    gates, selection, waivers) without importing them."""

    def __init__(
        self,
        rubric: Rubric | None = None,
        sha256: str = "",
        path: str = "",
        *,
        outline: Rubric | None = None,
        pickled: bytes | None = None,
        reload: Callable[[], Rubric] | None = None,
    ) -> None:
        if rubric is None and (outline is None or reload is None):
            raise ValueError("a LoadedRubric needs its rubric, or an outline and a reload")
        self._rubric = rubric
        self._outline = outline
        self._pickled = pickled
        self._reload = reload
        self.sha256 = sha256
        self.path = path

    @property
    def rubric(self) -> Rubric:
        if self._rubric is None:
            rubric = _materialise(self._pickled)
            if rubric is None and self._reload is not None:
                rubric = self._reload()  # the pickle did not read back: validate afresh
            assert rubric is not None
            self._rubric, self._pickled = rubric, None
        return self._rubric

    @property
    def outline(self) -> Rubric:
        return self._outline if self._outline is not None else self.rubric

    def __repr__(self) -> str:
        return f"LoadedRubric(path={self.path!r}, sha256={self.sha256[:12]!r})"


def rubrics_dir() -> Path:
    """The shipped rubrics: inside the installed package, or the source tree's rubrics/."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "rubrics", here.parent.parent / "rubrics"):
        if (candidate / "default.yaml").is_file():
            return candidate
    raise RubricError("the built-in rubrics are missing from this installation")


def resolve_rubric_path(ref: str | Path, relative_to: Path | None = None) -> Path:
    text = str(ref)
    if text == BUILTIN_DEFAULT or text == "builtin:default":
        return rubrics_dir() / "default.yaml"
    path = Path(text)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    return path


class _Reader:
    """Reads the files of one rubric load: each file parsed once (an `include` listed twice
    is an error, an `extends` cycle too), at most MAX_RUBRIC_FILES files and MAX_RUBRIC_NODES
    YAML nodes in all (aliases expanded), every file bounded by read_input and, for a rubric
    named by the scanned repository's own config, confined to the repository (`inside`)."""

    def __init__(self, inside: Path | None, *, fast_builtin: bool = False) -> None:
        self.inside = inside
        # the shipped rubric files are parsed by libyaml without line numbers (a third of the
        # cost of loading the built-in rubric): they pass the test suite, and a load that
        # fails anyway is redone with line numbers to say where (load_rubric)
        self.fast_builtin = fast_builtin
        # realpath -> the file's text: a file read again (the same part reached through two
        # `extends` chains) is parsed again, so that no read needs a deep copy of its document
        # (a first read hands its freshly parsed document over; deep-copying all of them cost
        # a fifth of loading the built-in rubric)
        self.cache: dict[str, str] = {}
        self.nodes = 0
        self.digests: list[tuple[str, str]] = []  # (path, sha256 of its text), as read

    def read(self, path: Path) -> Any:
        from mlaudit.inputs import read_input

        key = os.path.realpath(path)
        builtin = _is_builtin(path)
        fast = builtin and self.fast_builtin
        if key in self.cache:
            return self._parse(path, self.cache[key], fast)
        if len(self.cache) >= MAX_RUBRIC_FILES:
            raise RubricError(f"{path}: a rubric may span at most {MAX_RUBRIC_FILES} files")
        text = read_input(
            path,
            what="rubric",
            limit=MAX_RUBRIC_BYTES,
            error=RubricError,
            inside=None if builtin else self.inside,
        )
        self.digests.append((str(path), _text_digest(text)))
        document = self._parse(path, text, fast)
        self.nodes += _count_nodes(document, MAX_RUBRIC_NODES - self.nodes)
        if self.nodes > MAX_RUBRIC_NODES:
            raise RubricError(
                f"{path}: rubric larger than {MAX_RUBRIC_NODES:,} YAML nodes in all "
                "(aliases expanded)"
            )
        self.cache[key] = text
        return document

    @staticmethod
    def _parse(path: Path, text: str, fast: bool = False) -> Any:
        if fast:
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            try:
                document = yaml.load(text, Loader=loader)  # safe either way; C is faster
            except yaml.YAMLError:
                document = None
            if isinstance(document, dict):
                return document
            raise RubricError(f"{path}: not a YAML mapping")  # redone with line numbers

        from mlaudit.repo.parsers.yaml_docs import parse_yaml

        parsed = parse_yaml(text)
        if parsed.error:
            raise RubricError(f"{path}: {parsed.error}")
        if len(parsed.documents) != 1 or not isinstance(parsed.documents[0], dict):
            raise RubricError(f"{path}:1: a rubric file must hold one YAML mapping")
        _tag_origin(parsed.documents[0], str(path))
        return parsed.documents[0]


def _is_builtin(path: Path) -> bool:
    try:
        from mlaudit.inputs import is_inside

        return is_inside(path, rubrics_dir())
    except RubricError:
        return False


def _count_nodes(node: Any, budget: int) -> int:
    """Nodes of a parsed document (shared alias targets counted each time), up to budget+1."""
    count, stack = 0, [node]
    while stack and count <= budget:
        current = stack.pop()
        count += 1
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return count


def _tag_origin(node: Any, origin: str) -> None:
    from mlaudit.repo.parsers.yaml_docs import LineDict, LineList

    if isinstance(node, (LineDict, LineList)):
        node.origin = origin  # type: ignore[union-attr]
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            _tag_origin(child, origin)


def _where(node: Any, key: Any = None) -> str:
    origin = getattr(node, "origin", "<rubric>")
    from mlaudit.repo.parsers.yaml_docs import key_line

    line = key_line(node, key) if key is not None else None
    line = line or getattr(node, "line", None)
    return f"{origin}:{line}" if line else origin


def _load_raw(
    path: Path, depth: int = 0, reader: _Reader | None = None, chain: tuple[str, ...] = ()
) -> dict[str, Any]:
    reader = reader or _Reader(None)
    if depth > MAX_EXTENDS_DEPTH:
        raise RubricError(f"{path}: `extends` chain deeper than {MAX_EXTENDS_DEPTH}")
    here = os.path.realpath(path)
    if here in chain:
        raise RubricError(f"{path}: `extends` cycle ({' -> '.join([*chain, here])})")
    raw = reader.read(path)
    parts = raw.get("include") or []
    if not isinstance(parts, list):
        raise RubricError(f"{_where(raw, 'include')}: `include` must be a list of files")
    qualities = list(raw.get("qualities") or [])
    seen: set[str] = set()
    for part in parts:
        if not isinstance(part, str):
            raise RubricError(f"{_where(raw, 'include')}: `include` entries must be file names")
        part_path = resolve_rubric_path(part, path.parent)
        if os.path.realpath(part_path) in seen:
            raise RubricError(f"{_where(raw, 'include')}: {part!r} is included twice")
        seen.add(os.path.realpath(part_path))
        data = reader.read(part_path)
        found = data.get("qualities")
        if not isinstance(found, list):
            raise RubricError(f"{part_path}:1: an included file must hold `qualities:` (a list)")
        qualities.extend(found)
    if parts:
        from mlaudit.repo.parsers.yaml_docs import LineList

        merged_qualities = LineList(qualities)
        merged_qualities.line = int(getattr(raw.get("qualities"), "line", 0) or 0)
        raw["qualities"] = merged_qualities
    raw.pop("include", None)
    base_ref = raw.pop("extends", None)
    if base_ref is None:
        return raw
    base_path = resolve_rubric_path(str(base_ref), path.parent)
    base = _load_raw(base_path, depth + 1, reader, (*chain, here))
    return _apply_extension(base, raw)


def _apply_extension(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = copy.copy(base)
    for key in ("id", "version", "title", "description", "levels"):
        if key in child:
            merged[key] = child[key]
    qualities = [copy.copy(q) for q in base.get("qualities", [])]
    by_id = {q.get("id"): q for q in qualities if isinstance(q, dict)}
    for quality in child.get("qualities") or []:
        if isinstance(quality, dict) and quality.get("id") in by_id:
            target = by_id[quality["id"]]
            target["checks"] = list(target.get("checks", [])) + list(quality.get("checks", []))
        else:
            qualities.append(quality)
    all_checks = {
        c.get("id"): c
        for q in qualities
        if isinstance(q, dict)
        for c in q.get("checks", [])
        if isinstance(c, dict)
    }
    overrides = child.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise RubricError(f"{_where(child, 'overrides')}: `overrides` must map check ids to fields")
    for check_id, fields in overrides.items():
        _require_check(check_id, all_checks, child.get("overrides"))
        try:
            CheckOverride.model_validate(fields)
        except ValidationError as exc:
            raise RubricError(f"{_where(overrides, check_id)}: {_first_error(exc)}") from None
        all_checks[check_id].update({k: v for k, v in fields.items() if v is not None})
    for check_id in child.get("disable") or []:
        _require_check(check_id, all_checks, child.get("disable"))
        all_checks[check_id]["enabled"] = False
    merged["qualities"] = qualities
    return merged


def _require_check(check_id: Any, checks: dict[Any, Any], node: Any) -> None:
    if check_id not in checks:
        close = difflib.get_close_matches(str(check_id), [str(c) for c in checks], n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise RubricError(f"{_where(node, check_id)}: unknown check {check_id!r}{hint}")


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def _locate(raw: Any, loc: tuple[Any, ...]) -> str:
    """The file:line of the deepest node along a pydantic error location."""
    from mlaudit.repo.parsers.yaml_docs import LineDict, LineList

    node, where = raw, _where(raw)
    for part in loc:
        if isinstance(node, dict) and part in node:
            where = _where(node, part)
            node = node[part]
        elif isinstance(node, dict) and part == "with_" and "with" in node:
            where = _where(node, "with")
            node = node["with"]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            lines = getattr(node, "item_lines", None)
            origin = getattr(node, "origin", None)
            child = node[part]
            if isinstance(child, (LineDict, LineList)) and child.line:
                where = _where(child)
            elif lines and origin:
                where = f"{origin}:{lines[part]}"
            node = child
        else:
            break
    return where


def _describe(raw: dict[str, Any], exc: ValidationError) -> str:
    messages = []
    for err in exc.errors()[:5]:
        loc = tuple(err["loc"])
        shown = ".".join(str(p) for p in loc if p not in ("function-after[_consistent()]",))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "literal_error" and "expected" in err.get("ctx", {}):
            msg = f"invalid value {err.get('input')!r}; allowed: {err['ctx']['expected']}"
        if err["type"] == "extra_forbidden":
            msg = f"unknown field {loc[-1]!r}"
        messages.append(f"{_locate(raw, loc)}: {shown}: {msg}")
    more = len(exc.errors()) - 5
    if more > 0:
        messages.append(f"… and {more} more error(s)")
    return "\n".join(messages)


def _sha256(raw: Any) -> str:
    canonical = json.dumps(raw, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_duplicates(raw: dict[str, Any]) -> None:
    """Duplicate ids and names, reported at the duplicate's own line (the model validator
    only knows the rubric as a whole)."""
    seen: dict[tuple[str, str], str] = {}
    for quality in raw.get("qualities") or []:
        if not isinstance(quality, dict):
            continue
        for check in quality.get("checks") or []:
            if not isinstance(check, dict):
                continue
            for key in ("id", "name"):
                value = check.get(key)
                if not isinstance(value, str):
                    continue
                here = _where(check, key)
                first = seen.setdefault((key, value), here)
                if first != here:
                    raise RubricError(f"{here}: duplicate check {key} {value!r} (first at {first})")


def load_rubric(
    ref: str | Path = BUILTIN_DEFAULT,
    *,
    inside: Path | None = None,
    cache_dir: Path | None = None,
) -> LoadedRubric:
    """Load a rubric; `inside`: every file it names (itself, `include`, `extends`) must lie in
    that folder, the built-in rubrics excepted (a rubric named by a repository's own config).
    `cache_dir`: the cache folder (cache.py) that keeps validated rubrics, checked against the
    bytes of every file the rubric was read from; None validates afresh."""
    path = resolve_rubric_path(ref)
    if cache_dir is not None:
        cached = _cached_rubric(cache_dir, path, inside)
        if cached is not None:
            return cached
    try:
        return _load_validated(path, inside, cache_dir, fast_builtin=True)
    except RubricError:
        # the error names a file and line only where line numbers were kept
        return _load_validated(path, inside, cache_dir, fast_builtin=False)


def _load_validated(
    path: Path, inside: Path | None, cache_dir: Path | None, *, fast_builtin: bool
) -> LoadedRubric:
    reader = _Reader(inside, fast_builtin=fast_builtin)
    raw = _load_raw(path, reader=reader)
    raw.pop("overrides", None)
    raw.pop("disable", None)
    _check_duplicates(raw)
    try:
        rubric = Rubric.model_validate(raw)
    except ValidationError as exc:
        raise RubricError(_describe(raw, exc)) from None
    loaded = LoadedRubric(rubric=rubric, sha256=_sha256(raw), path=str(path))
    if cache_dir is not None:
        _store_rubric(cache_dir, path, inside, loaded, reader.digests)
    return loaded


# the rubric cache ------------------------------------------------------------------------------
def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _rubric_cache_file(cache_dir: Path, path: Path, inside: Path | None) -> Path:
    """One entry per (mlaudit build, rubric path, confinement)."""
    from mlaudit.cache import code_fingerprint

    where = (str(path), os.path.abspath(path), str(inside) if inside else None)
    key = hashlib.sha256(repr((code_fingerprint(), where)).encode("utf-8", "surrogateescape"))
    return cache_dir / f"rubrics-v{RUBRIC_CACHE_FORMAT}" / f"{key.hexdigest()[:40]}.pickle"


def _outline(rubric: Rubric) -> Rubric:
    """`rubric` without probe parameters (their classes live with the probes)."""
    return rubric.model_copy(
        update={
            "qualities": [
                q.model_copy(
                    update={"checks": [c.model_copy(update={"with_": {}}) for c in q.checks]}
                )
                for q in rubric.qualities
            ]
        }
    )


def _store_rubric(
    cache_dir: Path,
    path: Path,
    inside: Path | None,
    loaded: LoadedRubric,
    digests: list[tuple[str, str]],
) -> None:
    import pickle

    from mlaudit.cache import store_file

    try:
        pickled = pickle.dumps(loaded.rubric, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    entry = {
        "files": digests,
        "sha256": loaded.sha256,
        "outline": _outline(loaded.rubric),
        "pickled": pickled,
    }
    store_file(_rubric_cache_file(cache_dir, path, inside), entry)


def _cached_rubric(cache_dir: Path, path: Path, inside: Path | None) -> LoadedRubric | None:
    """The stored rubric of `path`, when every file it was read from still has its bytes."""
    from mlaudit.cache import load_file
    from mlaudit.inputs import read_input

    entry = load_file(_rubric_cache_file(cache_dir, path, inside))
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("files"), list)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("outline"), Rubric)
        and isinstance(entry.get("pickled"), bytes)
    ):
        return None
    for item in entry["files"]:
        if not (isinstance(item, tuple) and len(item) == 2):
            return None
        name, digest = item
        try:
            text = read_input(
                Path(name),
                what="rubric",
                limit=MAX_RUBRIC_BYTES,
                error=RubricError,
                inside=None if _is_builtin(Path(name)) else inside,
            )
        except RubricError:
            return None  # loaded afresh, which says what is wrong
        if _text_digest(text) != digest:
            return None

    def reload() -> Rubric:
        return load_rubric(path, inside=inside).rubric

    return LoadedRubric(
        sha256=entry["sha256"],
        path=str(path),
        outline=entry["outline"],
        pickled=entry["pickled"],
        reload=reload,
    )


def _materialise(pickled: bytes | None) -> Rubric | None:
    """The full rubric from its pickle, or None when it does not read back."""
    if pickled is None:
        return None
    from mlaudit.cache import loads
    from mlaudit.probes.registry import all_probes

    all_probes()  # the parameter classes the pickle names: the unpickler imports nothing
    rubric = loads(pickled)
    return rubric if isinstance(rubric, Rubric) else None
