"""Generic probes the rubric composes without code: files, content, Python imports and
calls, YAML keys, CI commands and an explicit `undecidable` for what static analysis
cannot decide."""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, field_validator

from mlaudit.probes import base, words
from mlaudit.probes.base import ev, own_packages
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.ci import ci_system_for
from mlaudit.repo.parsers.python_src import Call
from mlaudit.repo.parsers.yaml_docs import key_line, node_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

Scope = Literal["any", "tests", "non_tests"]


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
        from mlaudit.patterns import unsafe_reason

        unsafe = unsafe_reason(value)
        if unsafe:
            raise ValueError(f"refused regular expression {value!r}: {unsafe}")
    return value


# files -------------------------------------------------------------------------------------
class FilesParams(Params):
    globs: list[str] = Field(min_length=1, description="patterns; see repo.globs")
    exclude: list[str] = []
    kind: Literal["file", "dir"] = "file"
    min_count: int = Field(default=1, ge=1)
    min_bytes: int = Field(default=0, ge=0, description="ignore files smaller than this")
    include_excluded_dirs: bool = False
    absent: bool = Field(default=False, description="anti-signal: pass when nothing matches")
    found: Literal["pass", "partial"] = "pass"


@probe("files", FilesParams)
def files(snap: Snapshot, p: FilesParams) -> Observation:
    """Files (or folders) matching glob patterns exist in the repository.

    Looks for: tracked files whose path matches any of `globs` (a pattern without `/`
    matches the file name at any depth), outside examples/docs/vendor folders. An empty
    file (0 bytes: a template's `configs/model1.yaml`, a `.gitkeep`) holds nothing and
    never counts, nor does one of comments only (a Dockerfile "populated in phase 5"). With
    `min_bytes`, a matching file whose size cannot be read (listed by
    git, its blob missing from a partial clone or the file deleted from the work tree) makes
    the answer unknown when the others do not decide it.
    Why: many practices are visible as a file — a lockfile, a CI workflow, a test folder.
    Fix: add the file the check names (see the check's remediation).
    """
    unsized: list[str] = []
    if p.kind == "dir":
        from mlaudit.repo.globs import matches_any

        hits = [
            d
            for d in sorted(snap.dirs)
            if matches_any(d, p.globs)
            and (p.include_excluded_dirs or not base.is_excluded(d + "/"))
            and not (p.exclude and matches_any(d, p.exclude))
        ]
    else:
        hits = base.select_files(
            snap, p.globs, exclude=p.exclude, include_excluded_dirs=p.include_excluded_dirs
        )
        if p.min_bytes:
            # a symlink's blob is the path it points to: a few bytes in git, whatever its
            # target (speechbrain/speechbrain tests/templates/…/asr.ckpt; reviewed)
            sizes = [(h, snap.size(h)) for h in hits if snap.kind(h) != "symlink"]
            # listed by git but unreadable (a partial clone's missing blob, a file deleted
            # from the work tree): it may be over the size, or not
            unsized = [h for h, size in sizes if size is None]
            selected = base.selection_test(
                p.globs, exclude=p.exclude, include_excluded_dirs=p.include_excluded_dirs
            )
            unsized += [m for m in snap.missing_files if selected(m)]
            hits = [
                h
                for h, size in sizes
                if size is not None and size >= p.min_bytes and not base.holds_nothing(snap, h)
            ]
        else:  # a size unknown (a symlink inside the root) is not known to be empty
            hits = [h for h in hits if not base.holds_nothing(snap, h)]
    evidence = [ev(h + ("/" if p.kind == "dir" else "")) for h in hits]
    none_of = words.files_phrase(p.globs, p.kind)
    found = f"found {words.listing(e.path for e in evidence)}"
    if p.absent and hits:
        return base.failed(found, evidence)
    if not p.absent and len(hits) >= p.min_count:
        if p.found == "partial":
            return base.partial(found, evidence)
        return base.passed(found, evidence)
    if unsized:
        return base.unknown(
            f"the size of {words.listing(unsized)} cannot be read: listed by git, but "
            "missing from the work tree or the clone",
            [ev(h, note="size unknown") for h in unsized],
        )
    if p.absent:
        # the bound is part of the answer: small model files may well be there (GoparapukethaN/
        # mlops-end-to-end-pipeline models/churn_model.joblib, 231 KB; reviewed)
        bound = f" of {words.size_text(p.min_bytes)} or more" if p.min_bytes else ""
        return base.passed(none_of + bound, ())
    if hits:
        noun = "folder" if p.kind == "dir" else "file"
        return base.failed(
            f"{found}, but {words.plural(p.min_count, noun)} are needed "
            f"({words.listing(words.file_names(p.globs), conjunction='or')})",
            evidence,
        )
    return base.failed(none_of)


# content -----------------------------------------------------------------------------------
class ContentParams(Params):
    globs: list[str] = Field(min_length=1)
    pattern: str
    exclude: list[str] = []
    ignore_case: bool = False
    skip_comments: bool = Field(default=True, description="ignore lines starting with # or //")
    include_excluded_dirs: bool = False
    scope: Scope = "any"
    absent: bool = False
    found: Literal["pass", "partial"] = "pass"
    what: str = Field(
        default="", description="what a matching line is, for the message ('no <what>')"
    )

    _v = field_validator("pattern")(_check_regex)


_COMMENT = base.CONFIG_COMMENT


def in_prose(snap: Snapshot, path: str, line: int) -> bool:
    """Whether `line` of a Python file lies in a docstring or another string statement: a
    docstring's `challenger_AUC > champion_AUC + min_improvement` describes a gate, it is not
    one (shiva-shivanibokka/ML-System-Design-Retraining-Pipeline validation/validator.py:42;
    reviewed)."""
    if not path.endswith(".py"):
        return False
    facts = snap.python(path)
    return facts is not None and any(first <= line <= last for first, last in facts.prose)


@probe("content", ContentParams)
def content(snap: Snapshot, p: ContentParams) -> Observation:
    """A line of a configuration file matches a regular expression.

    Looks for: a line matching `pattern` in files matching `globs`; comment lines, and in
    Python files docstrings and other string statements, are skipped. For Python sources prefer `python_imports`/`python_calls`, which use the AST.
    Why: declarative configuration (YAML, INI, Dockerfiles) states its intent line by line.
    Fix: add the configuration the check names.
    """
    regex = base.compile_pattern(p.pattern, ignore_case=p.ignore_case)
    paths = base.select_files(
        snap,
        p.globs,
        exclude=p.exclude,
        include_excluded_dirs=p.include_excluded_dirs,
        scope=p.scope,
    )
    hits = [
        ev(path, line, text)
        for path, line, text in snap.grep(paths, regex)
        if not (p.skip_comments and (_COMMENT.match(text) or in_prose(snap, path, line)))
    ]
    problems = base.unread_evidence(snap, paths)
    missing = f"no {p.what}" if p.what else words.line_phrase(p.pattern)
    found = words.found_phrase(hits)
    if p.absent:
        if hits:
            return base.failed(found, hits)
        if problems:
            return base.unknown("could not read every file", problems)
        return base.passed(missing)
    if hits and p.found == "partial":
        return base.partial(found, hits)
    return base.found_or_missing(hits, what=found, problems=problems, missing=missing)


# python string literals ------------------------------------------------------------------------
class StringsParams(Params):
    pattern: str = Field(description="regex a whole string literal of the code must match")
    what: str = Field(min_length=1, description="what such a literal shows, for messages")
    scope: Scope = "non_tests"
    notebooks: bool = Field(
        default=False, description="also read notebooks' code cells (found only there: partial)"
    )

    _v = field_validator("pattern")(_check_regex)


@probe("python_strings", StringsParams, reads_code=True)
def python_strings(snap: Snapshot, p: StringsParams) -> Observation:
    """A string literal of the Python code matches a regular expression.

    Looks for: a literal (a dict key of a REST request body, a resource name) read from the
    AST, so comments and docstring prose in other files never count, and no file's text is
    kept (a text search over every .py file of a 100,000-file repository held ~5 MiB).
    Why: some platforms are configured through request bodies built as dicts
    (`{"trainingPredictionSkewDetectionConfig": …}`), not through SDK calls.
    Fix: add the configuration the check names.
    """
    regex = base.compile_pattern(f"(?:{p.pattern})\\Z")
    globs = ("*.py", "*.ipynb") if p.notebooks else ("*.py",)
    paths = base.python_sources(snap, globs, scope=p.scope)

    def derive(path: str, facts: Any) -> tuple[tuple[int, str], ...]:
        return tuple((line, text) for text, line in facts.strings if regex.match(text))

    key = derivation_key("python_strings", p.pattern)
    found = []
    for path, hits in snap.python_per_file(key, paths, derive):
        for line, text in hits[:1]:
            shown, note = base.notebook_line_note(snap, path, line)
            found.append(ev(path, shown, f'"{text}"', note))
    problems = base.problem_evidence(snap, paths)
    if found and all(base.is_notebook(e.path) for e in found):
        return base.partial(f"{p.what} only in notebooks", found)
    return base.found_or_missing(found, what=p.what, problems=problems)


# python imports ------------------------------------------------------------------------------
class ImportsParams(Params):
    modules: list[str] = Field(min_length=1, description="a module matches itself and submodules")
    globs: list[str] = ["*.py", "*.ipynb"]
    exclude: list[str] = []
    scope: Scope = "any"
    include_excluded_dirs: bool = False
    notebooks: Literal["pass", "partial", "ignore"] = "partial"
    training_only: Literal["pass", "partial"] = Field(
        default="pass",
        description="where only training code imports them (files that train and serve "
        "nothing): 'partial' for a runtime training exports to or checks, not one it serves",
    )


# Per pattern set, the verdicts of this many names are kept: a repository calls the same
# names file after file (`os.path.join`, `len`), and a kept verdict is one dict lookup in C
# instead of a Python call; beyond it (a monorepo's long tail) names are tested each time.
_MEMO_NAMES = 1024


def verdict_memo(test: Callable[[str], bool]) -> Callable[[str], bool]:
    """`test`, with the verdicts of the first names it is asked about kept."""
    return _VerdictMemo(test).__getitem__


class _VerdictMemo(dict[str, bool]):
    __slots__ = ("test",)

    def __init__(self, test: Callable[[str], bool]) -> None:
        super().__init__()
        self.test = test

    def __missing__(self, name: str) -> bool:
        verdict = self.test(name)
        if len(self) < _MEMO_NAMES:
            self[name] = verdict
        return verdict


def module_matches(name: str, wanted: str) -> bool:
    return name == wanted or name.startswith(wanted + ".")


@lru_cache(maxsize=1024)  # ~85 sets in the default rubric
def module_matcher(modules: tuple[str, ...]) -> Callable[[str], bool]:
    """A predicate: `name` is one of `modules` or a submodule of one (set lookups of `name`
    and of each dotted prefix of it, no regex per set), its verdicts kept per name."""
    wanted = frozenset(modules)

    def test(name: str) -> bool:
        if name in wanted:
            return True
        dot = name.find(".")
        while dot >= 0:
            if name[:dot] in wanted:
                return True
            dot = name.find(".", dot + 1)
        # the regex this replaces ended in `(?:\.|$)`, and `$` also matches before a final
        # newline
        return name.endswith("\n") and name[:-1] in wanted

    return verdict_memo(test)


def module_matches_any(name: str, modules: tuple[str, ...]) -> bool:
    """`name` is one of `modules` or a submodule of one."""
    return module_matcher(modules)(name)


@probe("python_imports", ImportsParams, reads_code=True)
def python_imports(snap: Snapshot, p: ImportsParams) -> Observation:
    """Python code imports any of the given modules (AST; comments and strings never count).

    Looks for: `import x` / `from x import y` statements in .py files and notebook code
    cells. A match only in notebooks gives partial credit (catalogue rule nb).
    Why: an import is the cheapest reliable proof that a library is used, where a README
    mention is not.
    Fix: use the library in the project's code, not only in notebooks or docs.
    """
    found: list[Evidence] = []
    in_scripts = False
    paths = base.python_sources(
        snap,
        p.globs,
        scope=p.scope,
        exclude=p.exclude,
        include_excluded_dirs=p.include_excluded_dirs,
    )
    if p.notebooks == "ignore":
        paths_read = [path for path in paths if not base.is_notebook(path)]
    else:
        paths_read = paths
    own = own_packages(snap)  # rule lib, applied to each file's derived imports
    for path, imports in base.imports_of(snap, paths_read, tuple(p.modules)):
        for module, line, note in imports:
            if not (own and module.split(".", 1)[0] in own):
                found.append(ev(path, line, f"import {module}", note))
                in_scripts = in_scripts or not base.is_notebook(path)
                break
    notebook_only = bool(found) and not in_scripts and p.notebooks == "partial"
    if found and not notebook_only and p.training_only == "partial":
        from mlaudit.probes.code_roles import code_roles

        roles = code_roles(snap)
        if all(e.path in roles.training and e.path not in roles.serving for e in found):
            return base.partial(
                f"{words.found_phrase(found)}, only in training code: the model is exported "
                "to it or checked with it there, not served with it",
                found,
            )
    return base.found_or_missing(
        found,
        what=words.found_phrase(found),
        missing=words.modules_phrase(p.modules),
        problems=base.problem_evidence(snap, paths, [m.split(".")[0] for m in p.modules]),
        notebook_only=notebook_only,
    )


# python calls --------------------------------------------------------------------------------
class CallsParams(Params):
    calls: list[str] = Field(
        min_length=1,
        description="fnmatch patterns over qualified names (through imports), e.g. mlflow.log_*",
    )
    not_calls: list[str] = Field(
        default_factory=list,
        description="fnmatch patterns of names that never count, e.g. *Processor beside sagemaker.*",
    )
    kwargs: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "keyword (or a positional index, '0' the first) → regex the literal value must "
            "match ('*' = present with any value; '!regex' = absent, or present with a value "
            "the regex does not match)"
        ),
    )
    kinds: list[Literal["call", "decorator", "base", "ref", "assign"]] = ["call"]
    globs: list[str] = ["*.py", "*.ipynb"]
    exclude: list[str] = []
    scope: Scope = "any"
    include_excluded_dirs: bool = False
    notebooks: Literal["pass", "partial", "ignore"] = "partial"
    value: str | None = Field(default=None, description="for kind 'assign': regex on the value")
    absent: bool = False
    own_package: bool = Field(
        default=False,
        description="count calls into the package the repository publishes (rule lib skips "
        "them): a test that runs the project's own trainer",
    )
    python_only: bool = Field(
        default=False,
        description="the API exists only in Python (a BentoML decorator): code in a language "
        "mlaudit does not read cannot hold it, so its absence is decided there too",
    )
    in_training_code: bool = Field(
        default=False,
        description="count only calls in files that train (a training call of their own): "
        "a Spark session that materialises features is not distributed training",
    )
    importable_only: bool = Field(
        default=False,
        description="count only calls in files that can be imported: a file importing a "
        "module or name of the project that does not exist fails before anything runs",
    )

    @field_validator("kwargs")
    @classmethod
    def _regexes(cls, value: dict[str, str]) -> dict[str, str]:
        for pattern in value.values():
            if pattern != "*":
                _check_regex(pattern)
        return value

    _v = field_validator("value")(_check_regex)


@lru_cache(maxsize=1024)  # ~150 sets in the default rubric
def names_matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """fnmatch over a set of patterns as one predicate: exact names by a set lookup, `prefix*`
    by one `startswith`, and one compiled alternation for the rest (most sets have none)."""
    exact: set[str] = set()
    prefixes: list[str] = []
    suffixes: list[str] = []
    others: list[str] = []
    for pattern in patterns:
        if not any(c in pattern for c in "*?["):
            exact.add(pattern)
        elif pattern.endswith("*") and not any(c in pattern[:-1] for c in "*?["):
            prefixes.append(pattern[:-1])
        elif pattern.startswith("*") and not any(c in pattern[1:] for c in "*?["):
            suffixes.append(pattern[1:])
        else:
            others.append(pattern)
    starts, ends = tuple(prefixes), tuple(suffixes)
    if not others:
        test = lambda name: name in exact or name.startswith(starts) or name.endswith(ends)  # noqa: E731
    else:
        rest = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in others)).match
        test = lambda name: (  # noqa: E731
            name in exact
            or name.startswith(starts)
            or name.endswith(ends)
            or rest(name) is not None
        )
    return verdict_memo(test)


def _calls_matcher(p: CallsParams) -> Callable[[str], bool]:
    wanted = names_matcher(tuple(p.calls))
    if not p.not_calls:
        return wanted
    unwanted = names_matcher(tuple(p.not_calls))
    return lambda name: wanted(name) and not unwanted(name)


def name_matches(name: str, pattern: str) -> bool:
    """`mlflow.log_*` matches `mlflow.log_metric`; a pattern starting with `*.` matches any
    receiver (`*.fit`)."""
    return names_matcher((pattern,))(name)


def name_matches_any(name: str, patterns: tuple[str, ...]) -> bool:
    """One predicate per pattern set: this is on the hot path of every probe."""
    return names_matcher(patterns)(name)


def bound_call_names(facts: Any) -> list[tuple[Call, str]]:
    """(call, name) with method calls on a variable bound to a call spelt as that call:
    `client = MlflowClient(); client.log_metric()` also reads as
    `mlflow.tracking.MlflowClient().log_metric`, so `X().method` patterns see through one
    assignment. Only the latest earlier assignment of a plain name counts; a name bound on a
    line holding several calls maps to each of them."""
    factories: dict[str, list[tuple[int, list[str]]]] = {}
    by_line: dict[int, list[str]] = {}
    for call in facts.calls:
        by_line.setdefault(call.line, []).append(call.name)
    for assign in facts.assignments:
        if "." in assign.target or assign.value != "<expr>":
            continue
        factories.setdefault(assign.target, []).append(
            (assign.line, [n for n in by_line.get(assign.line, []) if "(" not in n])
        )
    out: list[tuple[Call, str]] = []
    for call in facts.calls:
        out.append((call, call.name))
        head, _, rest = call.name.partition(".")
        if not rest or head not in factories:
            continue
        earlier = [entry for entry in factories[head] if entry[0] < call.line]
        if earlier:
            for factory in max(earlier)[1]:
                out.append((call, f"{factory}().{rest}"))
    return out


def _kwargs_match(call: Call, wanted: dict[str, str], facts: Any = None) -> bool:
    """Do the call's arguments match `wanted`? With the file's `facts`, an argument that is
    a variable reads as the literal last assigned to it (see _constant_value)."""
    for key, pattern in wanted.items():
        value = _argument(call, key)
        if value == "<expr>" and facts is not None:
            value = _constant_value(facts, call.name_arg(key), call.line) or value
        # a conditional value may be either branch: the wanted value if one branch gives
        # it (a tracker switched on by a flag), the unwanted one too
        values = dict(call.choices).get(key, ()) if value == "<expr>" else ()
        if pattern.startswith("!"):  # a default the call keeps, or another value
            if value is not None and re.search(pattern[1:], value):
                return False
            if any(re.search(pattern[1:], branch) for branch in values):
                return False
            continue
        if value is None:
            return False
        if pattern != "*" and not any(re.search(pattern, v) for v in (value, *values)):
            return False
    return True


def _argument(call: Call, key: str) -> str | None:
    """The literal repr of a keyword argument, or of a positional one named by its index
    ("0" is the first)."""
    if key.isdigit():
        index = int(key)
        return call.args[index] if index < len(call.args) else None
    return call.kwarg(key)


def _constant_value(facts: Any, name: str | None, line: int) -> str | None:
    """The literal last assigned to the plain variable `name` before `line`, in the same
    function or at module level: `url = "http://localhost:8080/…"` then
    `requests.post(url, …)` (DataTalksClub/mlops-zoomcamp integraton-test/test_docker.py:12)
    posts to that URL. None when the last assignment is computed, or there is none (a
    parameter of the function, say)."""
    if not name or "." in name:
        return None

    def scope(at: int) -> int:  # the first line of the innermost function holding `at`
        starts = [s for _n, s, e, k in facts.spans if k == "def" and s <= at <= e]
        return max(starts, default=0)

    here = scope(line)
    latest = None
    for assign in facts.assignments:
        if assign.target != name or assign.line >= line:
            continue
        if scope(assign.line) not in (here, 0):
            continue
        if latest is None or assign.line > latest.line:
            latest = assign
    if latest is None or latest.value == "<expr>":
        return None
    value: str = latest.value
    return value


def integer_argument(call: Call, keyword: str, position: int) -> str | None:
    """The literal integer a call is given by `keyword` or, failing that, at `position`
    (0-based): `get_model("iris", version=1)` and `get_model("iris", 1)` both give "1"; None
    when it is absent or computed at run time."""
    value = call.kwarg(keyword)
    if value is None:
        value = _argument(call, str(position))
    return value if value is not None and value.isdigit() else None


def _call_index(snap: Snapshot) -> dict[str, list[Any]]:
    """Every call of every Python file by name, as a flat list `[path, call, path, call …]`
    (two references per call: at 100,000 files a tuple per call cost ~30 MiB): one index for
    all checks of the scan. Where a call is shown (its line, or its notebook cell) is worked
    out for the few calls a check matches (see _placed)."""

    def build() -> dict[str, list[Any]]:
        index: dict[str, list[Any]] = {}
        python = snap.python
        for path in snap.python_files:
            if base.is_environment(path):
                continue  # installed packages committed with the project are not its code
            facts = python(path)  # parses (once), records the file's problems
            if facts is None:
                continue
            for call in facts.calls:
                places = index.get(call.name)
                if places is None:
                    index[call.name] = [path, call]
                else:
                    places.append(path)
                    places.append(call)
        return index

    return snap.memo(("python_call_index",), build)


def _placed(index: dict[str, list[Any]], name: str) -> Iterator[tuple[str, Call]]:
    """(path, call) of every call of `name` in the index, in order."""
    places = index[name]
    return zip(places[::2], places[1::2], strict=True)


def _matching_names(
    snap: Snapshot,
    index: dict[str, list[Any]],
    key: tuple[object, ...],
    match: Callable[[str], bool],
) -> list[str]:
    """The names of the call index that `match` accepts, in the index's order. A history
    point usually calls the same names, in the same order, as the point before it: the
    answer is then the one found last time for `key` (a pure function of the names)."""
    names: tuple[str, ...] = snap.memo(("python_call_names",), lambda: tuple(index))
    last: list[Any] = snap.tree_memo(("matching_names", *key), lambda: [None, []])
    if last[0] != names:  # the same names (mostly the same objects): one C-level compare
        last[0], last[1] = names, [name for name in names if match(name)]
    matched: list[str] = last[1]
    return matched


def _call_candidates(
    snap: Snapshot,
    path: str,
    facts: Any,
    p: CallsParams,
    name_test: Callable[[str], Any],
    value_re: re.Pattern[str] | None,
    wants_bound: bool,
) -> tuple[tuple[str, int, Evidence], ...]:
    """(qualified name, call number or -1, evidence) of everything in ONE file that a
    python_calls check matches before the whole-tree rule lib, in the probe's order. The call
    number lets the probe count a bound call once under the first of its names that is not
    the repository's own (`client.log_metric` read as `mlflow.tracking.MlflowClient().…`)."""
    hits: list[tuple[str, int, int, str]] = []
    for kind in p.kinds:
        if kind == "call" and not wants_bound:
            hits.extend(
                (c.name, -1, c.line, c.name + "(…)")
                for c in facts.calls
                if name_test(c.name) and (not p.kwargs or _kwargs_match(c, p.kwargs, facts))
            )
        elif kind == "call":
            number = {id(c): i for i, c in enumerate(facts.calls)}
            hits.extend(
                (name, number[id(c)], c.line, name + "(…)")
                for c, name in bound_call_names(facts)
                if name_test(name) and (not p.kwargs or _kwargs_match(c, p.kwargs, facts))
            )
        elif kind == "decorator":
            hits.extend(
                (d.name, -1, d.line, "@" + d.name)
                for d in facts.decorators
                if name_test(d.name) and (not p.kwargs or _kwargs_match(d, p.kwargs, facts))
            )
        elif kind == "base":
            hits.extend(
                (b.name, -1, b.line, f"class (…{b.name}…)")
                for b in facts.bases
                if name_test(b.name)
            )
        elif kind == "ref":
            hits.extend(
                (name, -1, line, name) for name, line in facts.refs.items() if name_test(name)
            )
        elif kind == "assign":
            hits.extend(
                (a.target, -1, a.line, f"{a.target} = {a.value}")
                for a in facts.assignments
                if name_test(a.target) and (value_re is None or value_re.search(a.value))
            )
    if hits and base.is_test_path(path):
        skipped = skipped_lines(facts)
        hits = [hit for hit in hits if not within(hit[2], skipped)]
    out = []
    for name, ident, line, text in hits:
        where, note = base.notebook_line_note(snap, path, line)
        out.append((name, ident, ev(path, where, text, note)))
    return tuple(out)


_SKIP_MARKS = frozenset({"pytest.mark.skip", "unittest.skip"})
_MODULE_SKIP = 1 << 30


def within(line: int, spans: list[tuple[int, int]]) -> bool:
    """Does one of the (first, last) line spans hold `line`?"""
    return any(first <= line <= last for first, last in spans)


def _in_skipped_test(facts: Any, line: int) -> bool:
    return facts is not None and within(line, skipped_lines(facts))


def skipped_lines(facts: Any) -> list[tuple[int, int]]:
    """(first, last) lines of the tests that never run: functions and classes marked
    `@pytest.mark.skip` or `@unittest.skip` (explosion/projects integrations/fastapi/
    test_project_fastapi.py:7), and the whole module under `pytestmark = pytest.mark.skip`
    or `pytest.skip(…, allow_module_level=True)`. `skipif` skips only somewhere: it runs."""
    for call in facts.calls:
        if call.name == "pytest.skip" and call.kwarg("allow_module_level") == "True":
            return [(0, _MODULE_SKIP)]
        if call.name == "pytest.mark.skip" and any(
            a.target == "pytestmark" and a.line == call.line for a in facts.assignments
        ):
            return [(0, _MODULE_SKIP)]
    return marked_spans(facts, _SKIP_MARKS)


def marked_spans(facts: Any, names: Collection[str]) -> list[tuple[int, int]]:
    """(first, last) lines of the functions and classes decorated with one of `names`."""
    marks = [d.line for d in facts.decorators if d.name in names]
    if not marks:
        return []
    # a decorator belongs to the first definition after it, however many decorators and
    # lines stand between them (EleutherAI/gpt-neox tests/model/test_model_train.py:52, a
    # skip over a multi-line parametrize, its `def` at :59)
    spans = sorted(
        (start, end) for _name, start, end, kind in facts.spans if kind in ("def", "class")
    )
    starts = [start for start, _end in spans]
    skipped = {spans[i] for m in marks if (i := bisect.bisect_right(starts, m)) < len(spans)}
    return sorted(skipped)


MAX_VERDICTS = 200_000


@probe("python_calls", CallsParams, reads_code=True)
def python_calls(snap: Snapshot, p: CallsParams) -> Observation:
    """Python code calls (or decorates with, subclasses, references) any of the given names.

    Looks for: calls whose name, resolved through the file's imports, matches one of the
    `calls` patterns (e.g. `import mlflow as mf; mf.log_metric()` is `mlflow.log_metric`),
    optionally with keyword arguments whose literal values match `kwargs`. Notebook-only
    matches give partial credit (rule nb). Imports alone never count (rule: an import
    with no calls is not use).
    Why: a call is proof of use; an import or a README mention is not.
    Fix: call the API the check names from the project's scripts or package.
    """
    found: list[Evidence] = []
    in_scripts = False
    paths = base.python_sources(
        snap,
        p.globs,
        scope=p.scope,
        exclude=p.exclude,
        include_excluded_dirs=p.include_excluded_dirs,
    )
    name_re = _calls_matcher(p)
    patterns = (tuple(p.calls), tuple(p.not_calls))
    # rule lib: calls into the package the repository publishes are not use of a tool
    own = frozenset() if p.own_package else own_packages(snap)

    # names repeat across files and history points: each decided once for these paths
    # (the verdict is a pure function of the name, the patterns and rule lib's packages)
    verdicts: dict[str, bool] = snap.tree_memo(("python_calls.verdicts", patterns, own), dict)
    if len(verdicts) > MAX_VERDICTS:
        verdicts.clear()

    def match(name: str) -> bool:
        verdict = verdicts.get(name)
        if verdict is None:
            verdict = name_re(name) and not (own and name.split(".", 1)[0] in own)
            verdicts[name] = verdict
        return verdict

    wants_bound = any("()." in c for c in p.calls)
    skip_notebooks = p.notebooks == "ignore"
    if p.kinds == ["call"] and not wants_bound:
        # fast path: one index of every call by name, shared by all checks of the scan; each
        # distinct name is tested once instead of every call of every file once per check.
        # Whether a file is one of `paths` is decided for the few files that call a matching
        # name: a set of every selected path per selection cost ~1.3 MiB at 100k files

        selected = base.selection_test(
            p.globs,
            exclude=p.exclude,
            include_excluded_dirs=p.include_excluded_dirs,
            scope=p.scope,
        )

        def allowed(path: str) -> bool:
            if skip_notebooks and base.is_notebook(path):
                return False
            return selected(path)

        index = _call_index(snap)
        for name in _matching_names(snap, index, ("python_calls", patterns, own), match):
            for path, c in _placed(index, name):
                if not allowed(path):
                    continue
                if p.kwargs and not _kwargs_match(c, p.kwargs, snap.python(path)):
                    continue
                if base.is_test_path(path) and _in_skipped_test(snap.python(path), c.line):
                    continue
                where, note = base.notebook_line_note(snap, path, c.line)
                found.append(ev(path, where, name + "(…)", note))
                in_scripts = in_scripts or not base.is_notebook(path)
    else:
        # each file's candidates (name test, keyword and value tests) are derived once per
        # file content; only the whole-tree rule lib is applied here, at every snapshot
        key = derivation_key(
            "python_calls",
            *patterns,
            tuple(sorted(p.kwargs.items())),
            tuple(p.kinds),
            p.value,
        )
        value_re = re.compile(p.value) if p.value else None
        name_test = _calls_matcher(p)

        def derive(path: str, facts: Any) -> tuple[tuple[str, int, Evidence], ...]:
            return _call_candidates(snap, path, facts, p, name_test, value_re, wants_bound)

        wanted = [path for path in paths if not (skip_notebooks and base.is_notebook(path))]
        for path, candidates in snap.python_per_file(key, wanted, derive):
            seen: set[int] = set()
            for name, ident, evidence in candidates:
                if own and name.split(".", 1)[0] in own:
                    continue
                if ident >= 0:
                    if ident in seen:
                        continue
                    seen.add(ident)
                found.append(evidence)
                in_scripts = in_scripts or not base.is_notebook(path)
    if p.importable_only and found:
        from mlaudit.probes.testing import missing_local_import

        broken = {
            path: imp
            for path in {e.path for e in found}
            if (facts := snap.python(path)) is not None
            and (imp := missing_local_import(snap, facts, path)) is not None
        }
        found = [e for e in found if e.path not in broken]
        in_scripts = any(not base.is_notebook(e.path) for e in found)
        if broken and not found and not p.absent:
            shown = [
                ev(path, imp.line, f"import {imp.module}") for path, imp in sorted(broken.items())
            ]
            return base.failed(
                f"the calls are only in {words.listing(sorted(broken))}, which import(s) a "
                "module or name of the project that does not exist: it fails before anything "
                "runs",
                shown,
            )
    if p.in_training_code and found:
        from mlaudit.probes.code_roles import code_roles, is_training_call

        training = code_roles(snap).training

        def trains(path: str) -> bool:
            if path in training:
                return True
            if not base.is_notebook(path):
                return False
            # a notebook is no production module (code roles), but what it runs beside its
            # own fit is its training, credited as a notebook's (rule nb)
            facts = snap.python(path)
            return facts is not None and any(is_training_call(c.name) for c in facts.calls)

        found = [e for e in found if trains(e.path)]
        in_scripts = any(not base.is_notebook(e.path) for e in found)
    missing = words.calls_phrase(p.calls)
    wanted = [key for key, pattern in p.kwargs.items() if not pattern.startswith("!")]
    if wanted:  # the call alone is not enough: say so (a SlicingSpec() with no feature keys)
        missing += " with " + " and ".join(
            f"a matching literal as argument {int(key) + 1}" if key.isdigit() else f"{key}=…"
            for key in wanted
        )
    if p.absent:
        if found:
            return base.failed(words.found_phrase(found), found)
        return base.passed(missing)
    notebook_only = bool(found) and not in_scripts and p.notebooks == "partial"
    return base.found_or_missing(
        base.cap(found),
        what=words.found_phrase(base.cap(found)),
        missing=missing,
        problems=base.problem_evidence(snap, paths, base.name_tokens(p.calls)),
        notebook_only=notebook_only,
    )


# YAML keys -----------------------------------------------------------------------------------
class YamlKeyParams(Params):
    globs: list[str] = Field(min_length=1)
    key: str = Field(description="dotted path; `*` matches any key or list item")
    value: str | None = Field(default=None, description="regex the scalar value must match")
    min: float | None = Field(default=None, description="numeric value must be >= min")
    exclude: list[str] = []
    include_excluded_dirs: bool = False
    absent: bool = False

    _v = field_validator("value")(_check_regex)


def value_matches(
    value: Any,
    value_re: re.Pattern[str] | None,
    minimum: float | None,
    to_text: Callable[[Any], str] = str,
) -> bool:
    """A configuration value passes the `value` regex (scalars only) and the `min` bound."""
    if value_re is not None and (
        isinstance(value, (dict, list)) or not value_re.search(to_text(value))
    ):
        return False
    if minimum is not None:
        try:
            return float(value) >= minimum
        except (TypeError, ValueError):
            return False
    return True


def walk_key(node: Any, parts: list[str]) -> list[tuple[Any, Any, int | None]]:
    """(value, parent, line) for every node at the dotted path."""
    if not parts:
        return [(node, None, node_line(node))]
    head, rest = parts[0], parts[1:]
    out: list[tuple[Any, Any, int | None]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if head == "*" or str(key) == head or (head == "on" and key is True):
                if rest:
                    out.extend(walk_key(value, rest))
                else:
                    out.append((value, node, key_line(node, key)))
    elif isinstance(node, list) and (head == "*" or head.isdigit()):
        lines = getattr(node, "item_lines", [])
        for index, value in enumerate(node):
            if head != "*" and int(head) != index:
                continue
            if rest:
                out.extend(walk_key(value, rest))
            else:
                out.append((value, node, lines[index] if index < len(lines) else None))
    return out


@probe("yaml_key", YamlKeyParams)
def yaml_key(snap: Snapshot, p: YamlKeyParams) -> Observation:
    """A YAML file has a key at a path, optionally with a matching or minimum value.

    Looks for: the dotted `key` path (with `*` wildcards) in every document of files
    matching `globs`, parsed safely; prose and comments never count (rule cmt).
    Why: configuration keys (stages, metrics, replicas) are precise, parseable intent.
    Fix: add the configuration key the check names.
    """
    paths = base.select_files(
        snap, p.globs, exclude=p.exclude, include_excluded_dirs=p.include_excluded_dirs
    )
    value_re = re.compile(p.value) if p.value else None
    # the last named key: `report_to.*` shows as `report_to: wandb`, not `*: wandb`
    shown_key = next((k for k in reversed(p.key.split(".")) if k != "*"), p.key)
    parts = p.key.split(".")
    key = derivation_key("yaml_key", p.key, p.value, p.min)

    def matches_in(path: str, docs: list[Any]) -> tuple[Evidence, ...]:
        found: list[Evidence] = []
        for doc in docs:
            for value, _parent, line in walk_key(doc, parts):
                if not value_matches(value, value_re, p.min):
                    continue
                shown = value if not isinstance(value, (dict, list)) else "…"
                found.append(ev(path, line, f"{shown_key}: {shown}"))
        return tuple(found)

    def each(path: str) -> tuple[Evidence, ...]:
        docs = snap.yaml_docs(path)  # parses (once), records the file's problems
        if not docs:
            return ()
        return snap.per_file(key, path, lambda: matches_in(path, docs))

    found = [item for _path, items in snap.per_file_loop(key, paths, each) for item in items]
    key_words = [part for part in p.key.split(".") if part != "*" and not part.isdigit()]
    problems = base.problem_evidence(snap, paths, key_words[-1:])
    setting = words.key_path(p.key)
    if p.absent:
        if found:
            return base.failed(words.found_phrase(found), found)
        return base.passed(f"no {setting} setting")
    return base.found_or_missing(
        found, what=words.found_phrase(found), missing=f"no {setting} setting", problems=problems
    )


# CI ----------------------------------------------------------------------------------------
class CiCommandParams(Params):
    pattern: str | None = Field(default=None, description="regex over each command line")
    uses: str | None = Field(default=None, description="regex over actions/tasks/images used")
    triggers: list[str] = Field(
        default_factory=list,
        description="at least one of these triggers (push, pull_request, schedule …)",
    )
    ignore_case: bool = False
    follow: int = Field(
        default=2,
        ge=0,
        le=3,
        description="levels of indirection to follow: Makefile targets, task runners "
        "(just, task, poe, invoke, nox, tox, npm …), git hooks, scripts and job specs a CI "
        "command runs",
    )

    _v = field_validator("pattern", "uses")(_check_regex)


def ci_matches(snap: Snapshot, p: CiCommandParams) -> tuple[list[Evidence], int]:
    flags = re.IGNORECASE if p.ignore_case else 0
    cmd_re = re.compile(p.pattern, flags) if p.pattern else None
    uses_re = re.compile(p.uses, flags) if p.uses else None
    found: list[Evidence] = []
    active = [j for j in snap.ci_jobs if not j.disabled]
    for job in active:
        if p.triggers and not (job.triggers & set(p.triggers)):
            continue
        if cmd_re is not None and p.follow:
            from mlaudit.probes import _ci_reach

            found.extend(
                r.evidence()
                for r in _ci_reach.reached(snap, p.follow)
                if r.job is job and _ci_reach.runs(r.text, cmd_re)
            )
        elif cmd_re is not None:
            found.extend(
                ev(job.path, c.line, c.text, f"{job.system} job {job.name}")
                for c in job.commands
                if cmd_re.search(c.text)
            )
        if uses_re is not None:
            found.extend(
                ev(job.path, u.line, u.text, f"{job.system} job {job.name}")
                for u in job.uses
                if uses_re.search(u.text)
            )
    return found, len(active)


@probe("ci_command", CiCommandParams)
def ci_command(snap: Snapshot, p: CiCommandParams) -> Observation:
    """A CI job runs a matching command (or uses a matching action/task/image).

    Looks for: commands in GitHub Actions, GitLab CI, Azure Pipelines, CircleCI,
    Bitbucket Pipelines, Cloud Build and Jenkinsfiles, optionally only in jobs with one of
    `triggers`. Jobs disabled with `if: false` do not count (rule dead).
    Why: what CI runs on every change is automated; what a README says to run is not.
    Fix: add the command as a step of a CI job triggered on pull requests or pushes.
    """
    found, jobs = ci_matches(snap, p)
    if found:
        return base.passed(words.found_phrase(base.cap(found), verb="CI runs"), found)
    problems = base.problem_evidence(snap, {j.path for j in snap.ci_jobs} | set(snap.problems))
    # only CI files: a broken template elsewhere (a path with "ci" in "science") is not one
    ci_problems = [e for e in problems if ci_system_for(e.path)]
    if ci_problems:
        return base.unknown("a CI file could not be parsed", ci_problems)
    wanted = _ci_wanted(p)
    if not jobs:
        return base.failed(f"no CI job (one should run {wanted})")
    if jobs == 1:
        return base.failed(f"the only CI job does not run {wanted}")
    return base.failed(f"none of the {jobs} CI jobs runs {wanted}")


def _ci_wanted(p: CiCommandParams) -> str:
    samples = [*words.regex_examples(p.pattern or ""), *words.regex_examples(p.uses or "")]
    return f"a command such as {words.quoted(samples)}" if samples else "the command"


# undecidable ----------------------------------------------------------------------------------
class UndecidableParams(Params):
    reason: str = Field(min_length=1)


@probe("undecidable", UndecidableParams)
def undecidable(snap: Snapshot, p: UndecidableParams) -> Observation:
    """Declares a signal that static analysis cannot decide: always `unknown`, with why.

    Why: runtime outcomes, judgement calls and facts kept outside the repository must be
    reported as unknown, never silently passed or failed.
    Fix: attest it (`.mlaudit/attestations.yaml`) or provide evidence files.
    """
    return base.unknown(p.reason)
