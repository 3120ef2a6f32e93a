"""Python source → imports, calls and references with line numbers (AST, never executed).

Names are resolved through the module's own imports, so `import numpy as np;
np.random.seed(0)` is recorded as a call to `numpy.random.seed`, and `from mlflow import
log_metric as lm; lm(...)` as `mlflow.log_metric`. Comments and strings never produce
facts: that is what makes an AST-based signal trustworthy where a regex is not.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

MAX_DEPTH_GUARD = 200


@dataclass(frozen=True)
class Import:
    module: str  # fully qualified, e.g. "sklearn.pipeline.Pipeline" for from-imports
    line: int


@dataclass(frozen=True)
class Call:
    name: str  # qualified through imports where possible, else the dotted source text
    line: int
    kwargs: tuple[tuple[str, str], ...] = ()  # keyword → literal repr, or "<expr>"
    args: tuple[str, ...] = ()  # positional literal reprs, or "<expr>"

    def kwarg(self, key: str) -> str | None:
        for k, v in self.kwargs:
            if k == key:
                return v
        return None


@dataclass(frozen=True)
class Assignment:
    target: str  # qualified dotted target, e.g. "torch.backends.cudnn.benchmark"
    value: str  # literal repr or "<expr>"
    line: int


@dataclass
class PythonFacts:
    imports: list[Import] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    refs: dict[str, int] = field(default_factory=dict)  # qualified name → first line
    bases: list[Call] = field(default_factory=list)  # class bases, as names with lines
    decorators: list[Call] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    functions: list[tuple[str, int]] = field(default_factory=list)
    strings: list[tuple[str, int]] = field(default_factory=list)
    syntax_error: str | None = None

    def imported_modules(self) -> set[str]:
        return {imp.module for imp in self.imports}


def _literal(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) for e in node.elts
    ):
        return repr([e.value for e in node.elts])  # type: ignore[attr-defined]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal(node.operand)
        return "-" + inner if inner != "<expr>" else inner
    return "<expr>"


class _Collector(ast.NodeVisitor):
    def __init__(self, facts: PythonFacts) -> None:
        self.facts = facts
        self.aliases: dict[str, str] = {}

    # imports -----------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.facts.imports.append(Import(alias.name, node.lineno))
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases.setdefault(top, top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = ("." * node.level) + (node.module or "")
        if node.module:
            self.facts.imports.append(Import(base, node.lineno))
        for alias in node.names:
            if alias.name == "*":
                continue
            full = f"{base}.{alias.name}" if base and not base.endswith(".") else base + alias.name
            self.facts.imports.append(Import(full, node.lineno))
            self.aliases[alias.asname or alias.name] = full

    # names -------------------------------------------------------------------------
    def qualify(self, node: ast.AST) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Call):
            inner = self.qualify(node.func)
            if inner is None:
                return None
            parts.append(inner + "()")
            return ".".join(reversed(parts))
        if not isinstance(node, ast.Name):
            return None
        head = self.aliases.get(node.id, node.id)
        parts.append(head)
        return ".".join(reversed(parts))

    def _record_ref(self, name: str, line: int) -> None:
        if name not in self.facts.refs:
            self.facts.refs[name] = line

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.qualify(node)
        if name:
            self._record_ref(name, node.lineno)
        else:
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases:
            self._record_ref(self.aliases[node.id], node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        name = self.qualify(node.func)
        if name:
            kwargs = tuple((kw.arg, _literal(kw.value)) for kw in node.keywords if kw.arg)
            args = tuple(_literal(a) for a in node.args[:8])
            self.facts.calls.append(Call(name, node.lineno, kwargs, args))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and 3 <= len(node.value) <= 2000:
            self.facts.strings.append((node.value, node.lineno))

    def visit_Assign(self, node: ast.Assign) -> None:
        value = _literal(node.value)
        for target in node.targets:
            name = self.qualify(target)
            if name:
                self.facts.assignments.append(Assignment(name, value, node.lineno))
        self.generic_visit(node)

    def _visit_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.facts.functions.append((node.name, node.lineno))
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            name = self.qualify(target)
            if name:
                kwargs: tuple[tuple[str, str], ...] = ()
                if isinstance(deco, ast.Call):
                    kwargs = tuple((kw.arg, _literal(kw.value)) for kw in deco.keywords if kw.arg)
                self.facts.decorators.append(Call(name, deco.lineno, kwargs))
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = self.qualify(base)
                if name:
                    self.facts.bases.append(Call(name, node.lineno))
        self.generic_visit(node)

    visit_FunctionDef = _visit_def
    visit_AsyncFunctionDef = _visit_def
    visit_ClassDef = _visit_def


def parse_python(source: str, *, filename: str = "<target>") -> PythonFacts:
    facts = PythonFacts()
    try:
        tree = ast.parse(source, filename=filename)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        facts.syntax_error = f"{exc.__class__.__name__}: {getattr(exc, 'msg', exc)}" + (
            f" (line {line})" if line else ""
        )
        return facts
    except (RecursionError, MemoryError):
        facts.syntax_error = "file too deeply nested to parse"
        return facts
    try:
        _Collector(facts).visit(tree)
    except RecursionError:
        facts.syntax_error = "file too deeply nested to analyse"
    return facts
