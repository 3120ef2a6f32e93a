"""Safe, multi-document YAML with the line of every mapping key and list item.

Only `SafeLoader` semantics: `!!python/object` and friends are refused. A document with an
alias explosion (billion laughs) is refused before it is constructed: each composed document's
size *with aliases expanded* is counted (linear time, memoised per node) and must stay within
a bound, so no consumer can be made to walk a structure exponentially larger than the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from mlaudit.repo.pickling import pickled_by_fields

MAX_ALIASES = 5_000
# A document may expand (through aliases) to at most this many nodes beyond its own size.
MAX_EXPANDED_NODES = 1_000_000
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\]}]+", re.MULTILINE)

try:  # the C loader composes ~10x faster; construction below stays in Python
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class LineDict(dict):
    """A mapping that remembers the 1-based line of each key and of itself."""

    # slots, not an instance __dict__: a repository's YAML holds one LineDict per mapping
    # (85k of them at 100k files, ~14 MiB of __dict__s)
    # `origin`: the file a rubric's node came from (rubric/load.py)
    __slots__ = ("key_lines", "line", "origin")
    line: int
    key_lines: dict[Any, int]

    def __getattr__(self, name: str) -> Any:
        if name == "line":  # one built by hand (not by the loader) has no line
            return 0
        raise AttributeError(name)


class LineList(list):
    __slots__ = ("item_lines", "line", "origin")
    line: int
    item_lines: list[int]

    def __getattr__(self, name: str) -> Any:
        if name == "line":
            return 0
        raise AttributeError(name)


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_local_tag(loader: Any, _suffix: str, node: yaml.Node) -> Any:
    """Application tags (`!Ref`, `!Sub`, `!GetAtt` of CloudFormation, GitLab `!reference`)
    are read as the plain value they decorate: data, never code (`!!python/…` tags are
    not local tags and stay refused)."""
    if isinstance(node, yaml.MappingNode):
        return _construct_mapping(loader, node)
    if isinstance(node, yaml.SequenceNode):
        return _construct_sequence(loader, node)
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_multi_constructor("!", _construct_local_tag)


@pickled_by_fields
@dataclass(slots=True)
class YamlFile:
    documents: list[Any] = field(default_factory=list)
    error: str | None = None
    # the file failed to parse and holds Go/Jinja template markers (`{{ … }}`, `{% … %}`):
    # a Helm/cookiecutter template is not a broken manifest, so it is no reading problem
    templated: bool = False
    # the text is not YAML at all (scanner/parser error), not only beyond what PyYAML builds
    syntax_error: bool = False


def _expanded_size(node: yaml.Node, memo: dict[int, int], budget: int) -> int:
    """Node count of `node` once every alias is expanded; stops counting past `budget`."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = budget + 1  # a node reached again while being counted: a recursive alias
    total = 1
    if isinstance(node, yaml.SequenceNode):
        children: list[yaml.Node] = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    else:
        children = []
    for child in children:
        total += _expanded_size(child, memo, budget)
        if total > budget:
            break
    memo[key] = total
    return total


def _distinct_nodes(node: yaml.Node, seen: set[int]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)


def _check_expansion(node: yaml.Node) -> str | None:
    seen: set[int] = set()
    _distinct_nodes(node, seen)
    budget = len(seen) + MAX_EXPANDED_NODES
    if _expanded_size(node, {}, budget) > budget:
        return (
            f"refused: aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
            "(alias bomb or recursive alias?)"
        )
    return None


# ... not a GitHub/Azure expression (`${{ secrets.X }}`): those live inside valid YAML, and a
# workflow that does not parse runs nothing (mihgank-qwe/ml_ops2 .github/workflows/ci-cd.yml:79,
# Python at column 0 inside a `run: |` block, read as "no CI configuration"; reviewed)
_TEMPLATE_MARK = re.compile(r"(?<!\$)\{\{-?\s*[\w.$\"(|-]|\{%-?\s*\w")


def parse_yaml(text: str) -> YamlFile:
    if len(_ALIAS.findall(text)) > MAX_ALIASES:
        return YamlFile(error=f"refused: more than {MAX_ALIASES} YAML aliases (alias bomb?)")
    docs: list[Any] = []
    loader = _LineLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if "*" in text:  # only documents that use aliases can expand
                refused = _check_expansion(node)
                if refused:
                    return YamlFile(error=refused)
            doc = loader.construct_document(node)
            if doc is not None:
                docs.append(doc)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        templated = _TEMPLATE_MARK.search(text) is not None
        # a scanner or parser error is the text's own: any YAML reader refuses it (a tag
        # PyYAML cannot construct, GitLab's `!reference`, is not one)
        syntax = isinstance(exc, (yaml.scanner.ScannerError, yaml.parser.ParserError))
        return YamlFile(
            error=f"invalid YAML{where}: {str(problem)[:160]}",
            templated=templated,
            syntax_error=syntax,
        )
    except (RecursionError, MemoryError):
        return YamlFile(error="YAML too deeply nested to parse")
    finally:
        loader.dispose()
    return YamlFile(documents=docs)


def key_line(node: Any, key: Any) -> int | None:
    lines = getattr(node, "key_lines", None)
    return lines.get(key) if lines else None


def node_line(node: Any) -> int | None:
    return getattr(node, "line", None) or None


# Shape guards for code that walks parsed YAML. A file of the right name may hold any shape
# (`deps: 5`, `hooks: null`, `- pip: 23.1`): a wrong shape reads as "nothing there", never as
# an exception (issue #13, class 11; tests/fuzz/test_yaml_shapes.py).
def as_list(value: Any) -> list[Any]:
    """`value` if it is a YAML sequence, else an empty list."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[Any, Any]:
    """`value` if it is a YAML mapping, else an empty mapping."""
    return value if isinstance(value, dict) else {}
