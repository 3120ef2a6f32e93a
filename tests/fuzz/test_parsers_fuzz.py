"""Property-based fuzzing of every parser of the Snapshot layer.

Property: whatever the bytes, a parser returns (its error recorded in the result), it never
raises. Inputs mix random text with text that is *almost* valid (generated YAML/JSON/Python/
Dockerfile/HCL fragments) so the fuzzer reaches deep into each parser, not only its first line.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Any

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

import mlaudit.repo.parsers as parsers_pkg
from mlaudit.repo.globs import compile_glob, index_keys, path_keys
from mlaudit.repo.parsers.ci import YAML_PARSERS, ci_system_for, parse_jenkinsfile
from mlaudit.repo.parsers.dockerfile import parse_dockerfile, parse_from
from mlaudit.repo.parsers.notebook import parse_notebook
from mlaudit.repo.parsers.python_src import parse_python
from mlaudit.repo.parsers.requirements import parse_requirements
from mlaudit.repo.parsers.yaml_docs import parse_yaml

# vocabulary that the parsers look for, so generated structures reach their branches
KEYS = [
    "on", "jobs", "steps", "run", "uses", "with", "script", "stages", "image", "services",
    "kind", "apiVersion", "metadata", "spec", "template", "containers", "replicas", "resources",
    "healthcheck", "deploy", "groups", "rules", "alert", "expr", "cells", "cell_type", "source",
    "pipelines", "default", "step", "parallel", "workflows", "docker", "trigger", "pr", "if",
    "environment", "name", "args", "entrypoint", "items", "livenessProbe", "readinessProbe",
    "global", "route", "receivers", "scrape_configs", "panels", "dashboard", "cmd", "deps",
    "outs", "params", "metrics", "resource", "variable", "module", "provider", "true", "1",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(KEYS),
)
docs = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6
        ),
    ),
    max_leaves=40,
)
lines_of = st.lists(
    st.one_of(
        st.text(max_size=60),
        st.sampled_from(
            [
                "FROM python:3.11 AS base", "RUN pip install -r requirements.txt \\", "USER app",
                "HEALTHCHECK CMD curl -f localhost", "RUN <<EOF", "EOF", "# escape=`", "COPY . .",
                "import numpy as np", "from x import (a,", "def f(:", "    np.random.seed(0)",
                "numpy==1.2", "-r other.txt", "--hash=sha256:ab", "pkg @ git+https://x@abc",
                "a: &a [1]", "b: *a", "- run: echo", "  - item", "key: {", "---", "!!python/object:x {}",
                'resource "aws_instance" "x" {', "}", "  count = 2", "sh '''", "'''", "stage('x') {",
                "AKIAIOSFODNN7EXAMPLE", "password = hunter2hunter2", "\t\x00\x1b[31m", "\ufeff",
            ]
        ),
    ),
    max_size=30,
).map("\n".join)  # fmt: skip
texts = st.one_of(st.text(max_size=400), lines_of)


def yaml_text(doc: Any) -> str:
    try:
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, RecursionError):
        return ""


@given(st.one_of(texts, docs.map(yaml_text)))
def test_yaml(text: str) -> None:
    result = parse_yaml(text)
    assert result.error is None or isinstance(result.error, str)
    assert result.error is None or result.documents == []


@given(texts)
def test_python(text: str) -> None:
    facts = parse_python(text, filename="fuzz.py")
    for call in facts.calls:
        assert isinstance(call.name, str) and call.line >= 1


@given(st.one_of(texts, docs.map(lambda d: json.dumps(d, default=str))))
def test_notebook(text: str) -> None:
    nb = parse_notebook(text)
    assert nb.error is None or isinstance(nb.error, str)
    for line in range(len(nb.cell_of_line)):
        assert nb.cell_for(line + 1) is not None


@given(
    st.lists(
        st.fixed_dictionaries(
            {"cell_type": st.sampled_from(["code", "markdown", 3]), "source": st.one_of(texts, st.lists(texts, max_size=3), docs)}
        ),
        max_size=5,
    )
)  # fmt: skip
def test_notebook_structured(cells: list[dict[str, Any]]) -> None:
    parse_notebook(json.dumps({"cells": cells, "nbformat": 4}, default=str))


@given(texts)
def test_requirements(text: str) -> None:
    parsed = parse_requirements(text)
    for req in parsed.requirements:
        assert req.line >= 1


@given(texts)
def test_dockerfile(text: str) -> None:
    parsed = parse_dockerfile(text)
    for instruction in parsed.instructions:
        assert instruction.line >= 1
        if instruction.keyword == "FROM":
            parse_from(instruction)
    _ = parsed.stages, getattr(parsed, "base_images", None), getattr(parsed, "final_user", None)
    _ = getattr(parsed, "healthchecks", None)


@given(st.sampled_from(sorted(YAML_PARSERS)), st.one_of(docs, docs.map(yaml_text).map(parse_yaml)))
@example("azure", {"stages": True})  # fuzz-found: TypeError, the file's jobs were lost
@example("azure", {"steps": 1})
@example("azure", {"jobs": True})
@example("github", {"jobs": {"j": {"steps": True}}})
@example("circleci", {"jobs": {"j": {"steps": 1, "docker": True}}})
def test_ci_yaml_parsers(system: str, doc: Any) -> None:
    documents = doc.documents if hasattr(doc, "documents") else [doc]
    for d in documents:
        for job in YAML_PARSERS[system](".github/workflows/x.yml", d):
            assert job.path == ".github/workflows/x.yml"
            for command in job.commands:
                assert isinstance(command.text, str)


@given(texts)
def test_jenkinsfile(text: str) -> None:
    parse_jenkinsfile("Jenkinsfile", text)


@given(st.text(max_size=80))
def test_ci_system_for(path: str) -> None:
    assert ci_system_for(path) in {None, *YAML_PARSERS, "jenkins"}


# parsers added by other modules (infra, secrets, …): discovered, so new ones are fuzzed too
def _public_functions() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for info in pkgutil.iter_modules(parsers_pkg.__path__):
        if info.name in {"yaml_docs", "python_src", "notebook", "requirements", "dockerfile", "ci"}:
            continue
        module = importlib.import_module(f"{parsers_pkg.__name__}.{info.name}")
        for name, fn in vars(module).items():
            if callable(fn) and getattr(fn, "__module__", None) == module.__name__:
                if not name.startswith("_") and not isinstance(fn, type):
                    found[f"{info.name}.{name}"] = fn
    return found


INFRA = _public_functions()


def _documented_errors(fn: Any) -> tuple[type[BaseException], ...]:
    """Exception classes defined by the parser's own module: raising those is its contract
    (e.g. hcl.parse_hcl raises HclError, which parse_terraform turns into a recorded error)."""
    module = importlib.import_module(fn.__module__)
    return tuple(
        v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Exception)
        and v.__module__ == module.__name__
    )  # fmt: skip


def _call(fn: Any, text: str, doc: Any) -> None:
    try:
        _call_unchecked(fn, text, doc)
    except _documented_errors(fn):
        pass


def _call_unchecked(fn: Any, text: str, doc: Any) -> None:
    import inspect

    params = list(inspect.signature(fn).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    names = [p.name for p in required]
    args: list[Any] = []
    for name in names:
        if name in {"path", "chart_yaml_path", "filename"}:
            args.append("deploy/app.yaml")
        elif name in {"text", "source", "content", "value"}:
            args.append(text)
        elif name in {"docs", "documents"}:
            args.append(doc if isinstance(doc, list) else [doc])
        elif name in {"doc", "data", "node"}:
            args.append(doc)
        elif name == "chart_dirs":
            args.append(frozenset({"chart"}))
        elif name == "lines":
            args.append(text.splitlines())
        else:
            return  # a helper whose inputs are not text/documents (e.g. a parsed block)
    fn(*args)


@given(st.sampled_from(sorted(INFRA) or ["none"]), texts, st.one_of(docs, docs.map(yaml_text)))
def test_other_parsers(name: str, text: str, doc: Any) -> None:
    if name == "none":
        return
    _call(INFRA[name], text, doc)


@given(
    st.sampled_from(sorted(INFRA) or ["none"]),
    docs.map(yaml_text).map(parse_yaml).map(lambda y: y.documents),
)
def test_other_parsers_with_line_docs(name: str, documents: list[Any]) -> None:
    if name == "none":
        return
    for doc in documents or [None]:
        _call(INFRA[name], yaml_text(doc), documents if "docs" in name else doc)


# globs: the Snapshot's bucket index must answer exactly like matching every path ---------
segment = st.sampled_from(
    ["a", "b", "src", "tests", ".github", "workflows", "x.py", "y.yaml", "Dockerfile", "c.d", "z.tar.gz", "e.", ".f", "*", "**", "?.py", "[ab]*", "*.py", "*.{yml,yaml}", "Dockerfile*", "test_*"]
)  # fmt: skip
path_segment = st.sampled_from(
    ["a", "b", "src", "tests", ".github", "workflows", "x.py", "y.yaml", "Dockerfile", "c.d", "z.tar.gz", "e.", ".f", "Dockerfile.prod", "test_x.py", "y.yml"]
)  # fmt: skip


@given(
    st.lists(st.lists(path_segment, min_size=1, max_size=4).map("/".join), max_size=25),
    st.lists(segment, min_size=1, max_size=4).map("/".join),
    st.booleans(),
)
def test_glob_index_matches_brute_force(paths: list[str], pattern: str, anchored: bool) -> None:
    from mlaudit.repo.snapshot import Snapshot

    pattern = "/" + pattern if anchored else pattern
    files = sorted(set(paths))

    class Source:
        def list_files(self) -> list[str]:
            return files

        def read(self, path: str, max_bytes: int) -> Any:
            raise AssertionError("not read")

        def size(self, path: str) -> int | None:
            return None

    snap = Snapshot(source=Source(), root_name="r", display_path="r")  # type: ignore[arg-type]
    regex = compile_glob(pattern)
    assert snap.glob(pattern) == [p for p in files if regex.match(p)]
    keys = index_keys(pattern)
    if keys is not None:
        for p in files:
            if regex.match(p):
                assert any(k in path_keys(p) for alt in keys for k in alt), (p, keys)
