"""Python source → imports, calls and references with line numbers (AST, never executed).

Names are resolved through the module's own imports, so `import numpy as np;
np.random.seed(0)` is recorded as a call to `numpy.random.seed`, and `from mlflow import
log_metric as lm; lm(...)` as `mlflow.log_metric`. Comments and strings never produce
facts: that is what makes an AST-based signal trustworthy where a regex is not.
"""

from __future__ import annotations

import ast
import os
import re
import sys
import warnings
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from mlaudit.repo.pickling import pickled_by_fields

MAX_DEPTH_GUARD = 200


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Import:
    module: str  # fully qualified, e.g. "sklearn.pipeline.Pipeline" for from-imports
    line: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Call:
    name: str  # qualified through imports where possible, else the dotted source text
    line: int
    kwargs: tuple[tuple[str, str], ...] = ()  # keyword → literal repr, or "<expr>"
    args: tuple[str, ...] = ()  # positional literal reprs, or "<expr>"
    # keyword (or positional index "0", "1" …) → qualified name, for arguments that are
    # names or attributes, e.g. ("Loader", "yaml.SafeLoader")
    names: tuple[tuple[str, str], ...] = ()
    # the call passes a `**mapping`: any keyword not listed above may still be given
    spreads_keywords: bool = False
    # keyword → the literal reprs of both branches of a conditional value (`report_to="wandb"
    # if use_wandb else None`, tloen/alpaca-lora finetune.py:254), whose kwarg is "<expr>"
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def kwarg(self, key: str) -> str | None:
        for k, v in self.kwargs:
            if k == key:
                return v
        return None

    def name_arg(self, key: str) -> str | None:
        """Qualified name passed as keyword `key` (or positional index), if a name."""
        for k, v in self.names:
            if k == key:
                return v
        return None


# Old scikit-learn shipped joblib inside itself (`from sklearn.externals import joblib`, until
# 0.23): the same library under a longer name, so `joblib.dump` matches it (awslabs/mlmax)
_VENDORED = (("sklearn.externals.joblib", "joblib"),)


def _unvendored(name: str) -> str:
    for vendored, library in _VENDORED:
        if name == vendored or name.startswith(vendored + "."):
            return sys.intern(library + name[len(vendored) :])
    return name


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Assignment:
    target: str  # qualified dotted target, e.g. "torch.backends.cudnn.benchmark"
    value: str  # literal repr or "<expr>"
    line: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TryHandler:
    """One `except` clause of a `try` statement (fault-tolerance probes)."""

    line: int  # line of the `except`
    body_calls: tuple[str, ...]  # qualified names of the calls inside the `try` body
    caught: tuple[str, ...]  # qualified exception names; () for a bare `except:`
    reraises: bool  # the handler raises (re-raise or a new exception)
    returns: bool  # the handler returns a value that is not an error report (a fallback)
    calls: tuple[str, ...] = ()  # qualified names of the calls inside the handler


@pickled_by_fields
@dataclass(slots=True)
class PythonFacts:
    """Facts of one file, immutable once parsed (shared by every Snapshot holding the same
    blob). Tuples, not lists: at 100k files the empty and over-allocated lists alone cost
    tens of MiB."""

    imports: tuple[Import, ...] = ()
    calls: tuple[Call, ...] = ()
    refs: dict[str, int] = field(default_factory=dict)  # qualified name → first line
    bases: tuple[Call, ...] = ()  # class bases, as names with lines
    decorators: tuple[Call, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    # (name, first line, last line, "def" | "class") of every function and class: which
    # facts (asserts, calls) lie inside a given test function or nox session
    spans: tuple[tuple[str, int, int, str], ...] = ()
    strings: tuple[tuple[str, int], ...] = ()
    # f-strings as templates: the literal parts as written, each formatted value as `{}`
    # (`f"models:/{name}@{alias}"` → `models:/{}@{}`); their literal parts are in `strings`
    templates: tuple[tuple[str, int], ...] = ()
    # (first, last) line of each string statement: docstrings and bare strings, prose that a
    # text search of the file must not read as code
    prose: tuple[tuple[int, int], ...] = ()
    asserts: tuple[int, ...] = ()  # lines of `assert` statements
    # ... of those that hold whatever the code does: `assert True`, `assert 1 + 1 == 2`, an
    # imported name checked to exist (`import pkg` … `assert pkg is not None`)
    vacuous_asserts: tuple[int, ...] = ()
    handlers: tuple[TryHandler, ...] = ()
    syntax_error: str | None = None

    @property
    def functions(self) -> tuple[tuple[str, int], ...]:
        """(name, line) of every function and class, in order: read from `spans` (the
        same definitions), not kept twice."""
        return tuple((name, line) for name, line, _end, _kind in self.spans)

    def imported_modules(self) -> set[str]:
        return {imp.module for imp in self.imports}


class _Draft:
    """The facts of a file while its tree is walked (see PythonFacts)."""

    def __init__(self) -> None:
        self.imports: list[Import] = []
        self.calls: list[Call] = []
        self.refs: dict[str, int] = {}
        self.bases: list[Call] = []
        self.decorators: list[Call] = []
        self.assignments: list[Assignment] = []
        self.spans: list[tuple[str, int, int, str]] = []
        self.strings: list[tuple[str, int]] = []
        self.templates: list[tuple[str, int]] = []
        self.prose: list[tuple[int, int]] = []
        self.asserts: list[int] = []
        self.vacuous_asserts: list[int] = []
        self.handlers: list[TryHandler] = []

    def facts(self) -> PythonFacts:
        return PythonFacts(
            imports=tuple(self.imports),
            calls=tuple(self.calls),
            refs=self.refs,
            bases=tuple(self.bases),
            decorators=tuple(self.decorators),
            assignments=tuple(self.assignments),
            spans=tuple(self.spans),
            strings=tuple(self.strings),
            templates=tuple(self.templates),
            prose=tuple(self.prose),
            asserts=tuple(self.asserts),
            vacuous_asserts=tuple(self.vacuous_asserts),
            handlers=tuple(self.handlers),
        )


def _constant_expression(node: ast.AST) -> bool:
    """A constant, or arithmetic and comparisons of constants only (`1 + 1 == 2`)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return _constant_expression(node.operand)
    if isinstance(node, ast.BinOp):
        return _constant_expression(node.left) and _constant_expression(node.right)
    return False


def _literal(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) for e in node.elts
    ):
        return repr([e.value for e in node.elts])  # type: ignore[attr-defined]
    if isinstance(node, ast.Dict) and len(node.keys) <= 16:
        # options given as a dict (`ray_actor_options={"num_cpus": 6}`)
        items = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(value, ast.Constant)):
                return "<expr>"
            items[key.value] = value.value
        return repr(items)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal(node.operand)
        return "-" + inner if inner != "<expr>" else inner
    return "<expr>"


def _conditional_literals(node: ast.AST) -> tuple[str, ...]:
    """The literal reprs of `a if cond else b` when both branches are literals, else ()."""
    if not isinstance(node, ast.IfExp):
        return ()
    branches = (_literal(node.body), _literal(node.orelse))
    return () if "<expr>" in branches else branches


# The same argument tuples recur in call after call (`('<expr>',)`, `(('0', 'df'),)`): one
# object per distinct value instead of one per call is tens of MiB at 100,000 files. Bounded,
# because values seen once (a unique literal) are kept alive by the table too.
_SHARED_TUPLES: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_SHARED_TUPLES_MAX = 50_000
_T = TypeVar("_T", bound=tuple[Any, ...])


def _shared(value: _T) -> _T:
    if not value:
        return value
    found = _SHARED_TUPLES.get(value)
    if found is not None:
        return found  # type: ignore[return-value]
    if len(_SHARED_TUPLES) < _SHARED_TUPLES_MAX:
        _SHARED_TUPLES[value] = value
    return value


# `import os` on line 1 recurs in file after file: one Import object per (module, line) seen,
# not one per file (Imports are immutable; bounded like the tuples above).
_SHARED_IMPORTS: dict[tuple[str, int], Import] = {}


def _import(module: str, line: int) -> Import:
    key = (module, line)
    found = _SHARED_IMPORTS.get(key)
    if found is None:
        found = Import(module, line)
        if len(_SHARED_IMPORTS) < _SHARED_TUPLES_MAX:
            _SHARED_IMPORTS[key] = found
    return found


# Short string literals recur across files (`"utf-8"`, column names, "target"): one object
# each. Longer ones (docstrings, queries) are kept as they are.
MAX_INTERNED_STRING = 64

# Fields that never hold a fact: expression contexts and operators are childless singletons
# (`Load`, `Add`, `Eq` …), visited at every name and operation for nothing.
_FACTLESS_FIELDS = frozenset({"ctx", "op", "ops"})
_child_fields: dict[type, tuple[str, ...]] = {}
_visitors: dict[type, Any] = {}


class _Collector(ast.NodeVisitor):
    """The facts of one module, in source order. `visit` and `generic_visit` do what
    NodeVisitor's do, with the method and the fields of each node class looked up once per
    class instead of once per node: the walk is a quarter of a cold scan at 10,000 files."""

    def __init__(self, facts: _Draft) -> None:
        self.facts = facts
        self.aliases: dict[str, str] = {}
        # `self._mlflow = mlflow` in a class: `self._mlflow.log_params` calls mlflow's
        # (Atharva-Waranashiwar-Coding/churnops-mlops-platform src/churnops/tracking/
        # mlflow.py:31,173; reviewed). Kept for the class that assigns it.
        self.self_aliases: dict[str, str] = {}

    def visit(self, node: ast.AST) -> Any:
        kind = node.__class__
        method = _visitors.get(kind, _visitors)
        if method is _visitors:
            method = _visitors[kind] = getattr(_Collector, "visit_" + kind.__name__, None)
        if method is None:
            self.generic_visit(node)
            return None
        return method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        kind = node.__class__
        fields = _child_fields.get(kind)
        if fields is None:
            fields = _child_fields[kind] = tuple(
                name for name in kind._fields if name not in _FACTLESS_FIELDS
            )
        for name in fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    # imports -----------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.facts.imports.append(_import(sys.intern(alias.name), node.lineno))
            if alias.asname:
                self.aliases[alias.asname] = _unvendored(alias.name)
            else:
                top = alias.name.split(".")[0]
                self.aliases.setdefault(top, top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = ("." * node.level) + (node.module or "")
        if node.module:
            self.facts.imports.append(_import(sys.intern(base), node.lineno))
        for alias in node.names:
            if alias.name == "*":
                continue
            full = f"{base}.{alias.name}" if base and not base.endswith(".") else base + alias.name
            full = sys.intern(full)  # the same imports recur in file after file
            self.facts.imports.append(_import(full, node.lineno))
            self.aliases[alias.asname or alias.name] = _unvendored(full)

    # names -------------------------------------------------------------------------
    def qualify(self, node: ast.AST) -> str | None:
        parts: list[str] = []
        # an attribute of an item (`dataset["train"].shuffle`, `models[0].fit`) is read as
        # `dataset[].shuffle`: the receiver's name with `[]`, as a call's is with `()`
        item = ""
        while True:
            if isinstance(node, ast.Attribute):
                parts.append(node.attr + item)
                item = ""
                node = node.value
            elif isinstance(node, ast.Subscript) and parts:
                item += "[]"
                node = node.value
            else:
                break
        if isinstance(node, ast.Call):
            inner = self.qualify(node.func)
            if inner is None:
                return None
            parts.append(inner + "()" + item)
            return sys.intern(".".join(reversed(parts)))
        if not isinstance(node, ast.Name):
            return None
        if node.id == "self" and parts and self.self_aliases:
            held = self.self_aliases.get(parts[-1])
            if held is not None:
                parts.pop()
                if not parts:
                    return held
                parts.append(held + item)
                return sys.intern(".".join(reversed(parts)))
        head = self.aliases.get(node.id, node.id)
        if not parts:
            return head
        parts.append(head + item)
        # interned: the same qualified names recur in file after file
        name = sys.intern(".".join(reversed(parts)))
        return _unvendored(name) if head == "sklearn" else name

    def _record_ref(self, name: str, line: int) -> None:
        if name not in self.facts.refs:
            self.facts.refs[name] = line

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.qualify(node)
        if name:
            self._record_ref(name, node.lineno)
            # a chain through calls (`Pipeline([...]).fit(X)`, `spark.read.option(k, v).load()`)
            # or items (`d[key()].m()`) still holds those calls and their arguments: visit them
            inner: ast.AST = node.value
            while isinstance(inner, (ast.Attribute, ast.Subscript)):
                if isinstance(inner, ast.Subscript):
                    self.visit(inner.slice)
                inner = inner.value
            if isinstance(inner, ast.Call):
                self.visit(inner)
        else:
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases:
            self._record_ref(self.aliases[node.id], node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        name = self.qualify(node.func)
        if name:
            kwargs = tuple((kw.arg, _literal(kw.value)) for kw in node.keywords if kw.arg)
            # `*NAME` for a starred name (`session.run(*TEST_ARGS)`): resolvable through
            # the module's assignments
            args = tuple(
                f"*{a.value.id}"
                if isinstance(a, ast.Starred) and isinstance(a.value, ast.Name)
                else _literal(a)
                for a in node.args[:8]
            )
            names: list[tuple[str, str]] = []
            for key, value in [(str(i), a) for i, a in enumerate(node.args[:8])] + [
                (kw.arg, kw.value) for kw in node.keywords if kw.arg
            ]:
                if isinstance(value, (ast.Name, ast.Attribute)):
                    qualified = self.qualify(value)
                    if qualified:
                        names.append((key, qualified))
            spreads = any(kw.arg is None for kw in node.keywords)
            choices = tuple(
                (kw.arg, branches)
                for kw in node.keywords
                if kw.arg and (branches := _conditional_literals(kw.value))
            )
            self.facts.calls.append(
                Call(
                    name,
                    node.lineno,
                    _shared(kwargs),
                    _shared(args),
                    _shared(tuple(names)),
                    spreads_keywords=spreads,
                    choices=choices,
                )
            )
        self.generic_visit(node)

    def _call_names(self, nodes: list[ast.stmt]) -> tuple[str, ...]:
        names: list[str] = []
        for stmt in nodes:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Call):
                    name = self.qualify(sub.func)
                    if name and name not in names:
                        names.append(name)
                        if len(names) >= 50:
                            return tuple(names)
        return tuple(names)

    def visit_Try(self, node: ast.Try) -> None:
        body = self._call_names(node.body)
        for handler in node.handlers:
            caught: list[str] = []
            kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            for kind in kinds:
                name = self.qualify(kind) if kind is not None else None
                if name:
                    caught.append(name)
            inner = [n for stmt in handler.body for n in ast.walk(stmt)]
            self.facts.handlers.append(
                TryHandler(
                    line=handler.lineno,
                    body_calls=body,
                    caught=tuple(caught),
                    reraises=any(isinstance(n, ast.Raise) for n in inner),
                    returns=any(
                        isinstance(n, ast.Return)
                        and n.value is not None
                        and not _error_report(n.value, handler.name)
                        for n in inner
                    ),
                    calls=self._call_names(handler.body),
                )
            )
        self.generic_visit(node)

    visit_TryStar = visit_Try

    def visit_Assert(self, node: ast.Assert) -> None:
        self.facts.asserts.append(node.lineno)
        if self._vacuous(node.test):
            self.facts.vacuous_asserts.append(node.lineno)
        self.generic_visit(node)

    def _vacuous(self, test: ast.expr) -> bool:
        """Does the assertion hold whatever the code does: a constant, constants compared,
        or a name bound by an import said to exist (`assert geo_mlops is not None`,
        elaminemouhamadali/geospatial-mlops-pipeline tests/test_imports_base.py:4; reviewed)?"""
        if isinstance(test, ast.BoolOp):
            return all(self._vacuous(value) for value in test.values)
        if _constant_expression(test):
            return True
        if isinstance(test, ast.Compare):
            operands = [test.left, *test.comparators]
            if all(_constant_expression(o) for o in operands):
                return True
            return (
                len(test.ops) == 1
                and isinstance(test.ops[0], ast.IsNot)
                and _constant_expression(test.comparators[0])
                and self._imported(test.left)
            )
        return self._imported(test)

    def _imported(self, node: ast.expr) -> bool:
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id in self.aliases

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, str) and 3 <= len(value) <= 2000:
            if len(value) <= MAX_INTERNED_STRING:
                value = sys.intern(value)
            self.facts.strings.append((value, node.lineno))

    def visit_Expr(self, node: ast.Expr) -> None:
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.facts.prose.append((node.lineno, node.end_lineno or node.lineno))
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        parts = [
            value.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str)
            else "{}"
            for value in node.values
        ]
        template = "".join(parts)
        if len(template) <= 2000 and any(part != "{}" for part in parts):
            self.facts.templates.append((template, node.lineno))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = _literal(node.value)
        for target in node.targets:
            attr = (
                target.attr
                if isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                else None
            )
            # `self._mlflow = None` assigns the attribute, not the module it held
            name = sys.intern(f"self.{attr}") if attr is not None else self.qualify(target)
            if name:
                self.facts.assignments.append(Assignment(name, value, node.lineno))
            if attr is not None:
                held = self._imported_name(node.value)
                if held is not None:
                    self.self_aliases[attr] = held
                else:
                    self.self_aliases.pop(attr, None)
        self.generic_visit(node)

    def _imported_name(self, node: ast.AST) -> str | None:
        """The imported module or name an expression is (`mlflow`, `mlflow.sklearn`)."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute) and self._imported(node):
            return self.qualify(node)
        return None

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        # `tracking_uri: str = "./mlruns"`: a settings class's field and its default
        if node.value is not None:
            name = self.qualify(node.target)
            if name:
                self.facts.assignments.append(Assignment(name, _literal(node.value), node.lineno))
        self.generic_visit(node)

    def _visit_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        kind = "class" if isinstance(node, ast.ClassDef) else "def"
        end = getattr(node, "end_lineno", None) or node.lineno
        self.facts.spans.append((node.name, node.lineno, end, kind))
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            name = self.qualify(target)
            if name:
                kwargs: tuple[tuple[str, str], ...] = ()
                args: tuple[str, ...] = ()
                if isinstance(deco, ast.Call):
                    kwargs = tuple((kw.arg, _literal(kw.value)) for kw in deco.keywords if kw.arg)
                    # a route's path (`@app.post("/retrain")`): what the endpoint is for
                    args = tuple(_literal(a) for a in deco.args[:2])
                self.facts.decorators.append(Call(name, deco.lineno, kwargs, args))
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = self.qualify(base)
                if name:
                    self.facts.bases.append(Call(name, node.lineno))
            outer, self.self_aliases = self.self_aliases, {}
            self.generic_visit(node)
            self.self_aliases = outer
            return
        self.generic_visit(node)

    visit_FunctionDef = _visit_def
    visit_AsyncFunctionDef = _visit_def
    visit_ClassDef = _visit_def


_ERROR_KEYS = frozenset({"error", "errors", "detail", "exception", "traceback"})


def _error_report(value: ast.expr, caught_as: str | None) -> bool:
    """Does a handler's return value report the failure instead of answering in its place:
    it carries the exception (`str(e)`), an `{"error": …}` payload or an HTTP error status
    (`…, 500`; `status_code=503`)? Such a value is not a fallback: the caller still gets an
    error (zenml-io/zenml-projects credit-scorer/modal_app/modal_deployment.py:361-363)."""
    if isinstance(value, ast.Tuple) and value.elts:
        status = value.elts[-1]
        if isinstance(status, ast.Constant) and _http_error(status.value):
            return True
    for node in ast.walk(value):
        if caught_as and isinstance(node, ast.Name) and node.id == caught_as:
            return True
        if isinstance(node, ast.Dict) and any(
            isinstance(key, ast.Constant) and key.value in _ERROR_KEYS for key in node.keys
        ):
            return True
        if (
            isinstance(node, ast.keyword)
            and node.arg in ("status_code", "status")
            and isinstance(node.value, ast.Constant)
            and _http_error(node.value.value)
        ):
            return True
    return False


def _http_error(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 400 <= value < 600


# Grammar newer than the interpreter mlaudit runs on, rewritten line for line into the
# older equivalent so that the file's imports and calls are still read (a project on Python
# 3.12+ is scanned by a 3.10/3.11 mlaudit: huggingface/lerobot `type FeatureDict = …`,
# fastapi/full-stack-fastapi-template `except InvalidTokenError, ValidationError:`)
_BRACKETS = r"\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]"


@cache  # compiled on the first file that needs them: most scans have none
def _newer_grammar() -> tuple[tuple[re.Pattern[str], str], ...]:
    return (
        # PEP 695 (3.12): `type X[T] = …` is an assignment to X
        (
            re.compile(
                r"^([ \t]*)type[ \t]+([A-Za-z_]\w*)[ \t]*(?:" + _BRACKETS + r")?[ \t]*=", re.M
            ),
            r"\1\2 =",
        ),
        # PEP 695: type parameters of a function or class
        (
            re.compile(
                r"^([ \t]*(?:async[ \t]+)?def[ \t]+\w+)[ \t]*" + _BRACKETS + r"[ \t]*\(", re.M
            ),
            r"\1(",
        ),
        (re.compile(r"^([ \t]*class[ \t]+\w+)[ \t]*" + _BRACKETS, re.M), r"\1"),
        # PEP 758 (3.14): `except A, B:` without parentheses
        (
            # bounded: a hostile line of commas must not cost len**2
            re.compile(
                r"^([ \t]*except\*?[ \t]+)([^():\n#,]{1,200}(?:,[^():\n#,]{1,200}){1,20})[ \t]*:",
                re.M,
            ),
            r"\1(\2):",
        ),
    )


def _older_grammar(source: str) -> str | None:
    """`source` with the newer constructs above rewritten (same lines), or None if none."""
    out = source
    for pattern, replacement in _newer_grammar():
        out = pattern.sub(replacement, out)
    return out if out != source else None


_PREFIX_LETTERS = "rRbBuUfF"


def _string_end(source: str, start: int) -> tuple[int, bool]:
    """(the index after the string literal whose quote is at `start`, whether it is an
    f-string). An f-string's replacement fields are skipped as expressions, with the
    strings inside them: PEP 701 (Python 3.12) lets those reuse the f-string's own quote."""
    begin = start
    while begin > 0 and start - begin < 2 and source[begin - 1] in _PREFIX_LETTERS:
        begin -= 1
    prefix = source[begin:start].lower()
    if begin > 0 and (source[begin - 1].isalnum() or source[begin - 1] == "_"):
        prefix = ""  # the end of a name, not a prefix
    quote = source[start : start + 3]
    if quote not in ('"""', "'''"):
        quote = source[start]
    formatted = "f" in prefix
    at, size = start + len(quote), len(source)
    while at < size:
        char = source[at]
        if char == "\\":
            at += 2
        elif source.startswith(quote, at):
            return at + len(quote), formatted
        elif len(quote) == 1 and char == "\n":
            return at, False  # not closed on its line: left to the parser
        elif formatted and char == "{":
            at = at + 2 if source.startswith("{{", at) else _expression_end(source, at + 1)
            if at < 0:
                return size, False  # a field never closed: left to the parser
        else:
            at += 1
    return size, False  # never closed: left to the parser


def _expression_end(source: str, at: int) -> int:
    """The index after the `}` that closes an f-string's replacement field opened before
    `at` (brackets and strings inside it skipped), -1 when none does."""
    depth, size = 0, len(source)
    while at < size:
        char = source[at]
        if char in "\"'":
            at, _formatted = _string_end(source, at)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return at + 1
            depth -= 1
        at += 1
    return -1


def _blank_fstrings(source: str) -> str | None:
    """`source` with every f-string replaced by an empty string literal over the same
    lines, or None when it has none: Python 3.11 cannot parse the f-strings of PEP 701
    (`f"{row["name"]}"`, valid from 3.12), and one of them made the whole file unreadable
    (indrabrata/simple-mlops src/train.py:109, its only training script; reviewed). What the
    replacement fields call is lost; the rest of the file is read."""
    out: list[str] = []
    at = copied = 0
    size = len(source)
    changed = False
    while at < size:
        char = source[at]
        if char == "#":
            end = source.find("\n", at)
            at = size if end < 0 else end
        elif char in "\"'":
            end, formatted = _string_end(source, at)
            if formatted:
                begin = at
                while begin > 0 and source[begin - 1] in _PREFIX_LETTERS:
                    begin -= 1
                lines = source.count("\n", begin, end)
                out.append(source[copied:begin])
                out.append('""' if not lines else '"""' + "\n" * lines + '"""')
                copied = end
                changed = True
            at = max(end, at + 1)
        else:
            at += 1
    if not changed:
        return None
    out.append(source[copied:])
    return "".join(out)


def _parse_tree(source: str) -> ast.AST:
    # Never pass the repository path as `filename`: on a syntax error CPython re-reads
    # `filename` (relative to the *current directory*) to show the offending line, i.e. it
    # would open a file outside the scan root. The null device has no lines, so the error
    # keeps the line from `source`.
    # The compiler's warnings about the target's code (`"\e"`: a DeprecationWarning, a
    # SyntaxWarning printed by default from Python 3.12) are the target's, not the scan's: they
    # would reach the user's terminal, and under `-W error` turn a valid file into an error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source, filename=os.devnull)
        except SyntaxError:
            older = _older_grammar(source)
            if older is not None:
                try:
                    return ast.parse(older, filename=os.devnull)
                except SyntaxError:
                    pass
            blanked = _blank_fstrings(older or source)
            if blanked is not None:
                try:
                    return ast.parse(blanked, filename=os.devnull)
                except SyntaxError:
                    pass
            raise


def parse_python(source: str, *, filename: str = "<target>") -> PythonFacts:
    """`filename` is for callers' messages only (see _parse_tree)."""
    try:
        tree = _parse_tree(source)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return PythonFacts(
            syntax_error=f"{exc.__class__.__name__}: {getattr(exc, 'msg', exc)}"
            + (f" (line {line})" if line else "")
        )
    except (RecursionError, MemoryError):
        return PythonFacts(syntax_error="file too deeply nested to parse")
    draft = _Draft()
    try:
        _Collector(draft).visit(tree)
    except RecursionError:
        facts = draft.facts()
        facts.syntax_error = "file too deeply nested to analyse"
        return facts
    return draft.facts()
