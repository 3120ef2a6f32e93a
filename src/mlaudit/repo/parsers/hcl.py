"""A bounded HCL2 block reader: blocks, labels and attributes with line numbers.

Why not a full HCL2 parser: python-hcl2 (Lark, pure Python) costs ~80 µs per byte — 300 KB
of Terraform took 29 s — which a repository scanner cannot afford. This reader tokenises
with one regular expression and a small string/heredoc scanner (linear time), and builds:

- blocks: `type "label" label { body }` with start and end line;
- attributes: `name = expression`; literals become Python values (str, int, float, bool,
  None, lists and objects of literals), anything else is kept as `"${<source text>}"`
  (the convention python-hcl2 uses), e.g. `"${toset(var.regions)}"`;
- nested blocks: `body[name]` is a list of bodies (labelled ones nest one dict per label).

Malformed input (unbalanced braces, unterminated strings, heredocs or comments, an
unexpected token) raises `HclError` with the line; nesting deeper than `MAX_DEPTH` too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 64


class HclError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"{message} (line {line})")
        self.line = line


@dataclass(frozen=True)
class Token:
    kind: str  # nl, str, num, ident, punct, op, other
    value: str
    line: int
    start: int
    end: int
    interpolated: bool = False


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: dict[str, Any]
    line: int
    end_line: int


_TOKEN = re.compile(
    r"""
     (?P<nl>\n)
    |(?P<ws>[ \t\r\f\v]+)
    |(?P<comment>\#[^\n]*|//[^\n]*)
    |(?P<bcomment>/\*)
    |(?P<heredoc><<-?[ \t]*(?P<q>["']?)(?P<name>[A-Za-z_][\w-]*)(?P=q)[ \t]*(?=\r?\n))
    |(?P<str>")
    |(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<ident>[A-Za-z_][\w-]*(?:\.(?:[A-Za-z_][\w-]*|\d+|\*))*)
    |(?P<punct>[{}\[\](),=:?])
    |(?P<op>=>|==|!=|<=|>=|&&|\|\||\.\.\.|[-+*/%<>!.])
    |(?P<other>.)
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos, line, size = 0, 1, len(text)
    while pos < size:
        m = _TOKEN.match(text, pos)
        assert m is not None  # `other` matches any character
        kind = m.lastgroup or "other"
        if kind in ("q", "name"):  # inner groups of heredoc
            kind = "heredoc"
        if kind == "nl":
            tokens.append(Token("nl", "\n", line, pos, m.end()))
            line += 1
            pos = m.end()
        elif kind in ("ws", "comment"):
            pos = m.end()
        elif kind == "bcomment":
            end = text.find("*/", m.end())
            if end < 0:
                raise HclError("unterminated /* comment", line)
            line += text.count("\n", pos, end)
            pos = end + 2
        elif kind == "str":
            value, end, interpolated, lines = _scan_string(text, m.end(), line)
            tokens.append(Token("str", value, line, pos, end, interpolated))
            line += lines
            pos = end
        elif kind == "heredoc":
            marker = m.group("name")
            body_start = text.find("\n", m.end()) + 1
            cursor, body_lines, start_line = body_start, [], line
            while True:
                if cursor >= size:
                    raise HclError(f"unterminated heredoc <<{marker}", start_line)
                nl = text.find("\n", cursor)
                row = text[cursor : nl if nl >= 0 else size]
                line += 1
                if row.strip() == marker:
                    cursor = nl if nl >= 0 else size
                    break
                body_lines.append(row)
                cursor = nl + 1 if nl >= 0 else size
            tokens.append(Token("str", "\n".join(body_lines), start_line, pos, cursor, True))
            pos = cursor
        else:
            tokens.append(Token(kind, m.group(), line, pos, m.end()))
            pos = m.end()
    return tokens


def _scan_string(text: str, pos: int, line: int) -> tuple[str, int, bool, int]:
    """Scan a quoted string from after its opening quote: (value, end, interpolated, newlines)."""
    out: list[str] = []
    depth = 0
    interpolated = False
    newlines = 0
    size = len(text)
    i = pos
    while i < size:
        c = text[i]
        if c == "\\" and i + 1 < size:
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        if depth == 0:
            if c == '"':
                return "".join(out), i + 1, interpolated, newlines
            if c == "\n":
                raise HclError("unterminated string", line)
            if c in "$%" and text.startswith(c + "{", i + 1):  # `$${` is a literal `${`
                out.append(c + "{")
                i += 3
                continue
            if c in "$%" and text.startswith("{", i + 1):
                depth, interpolated = 1, True
                out.append(c + "{")
                i += 2
                continue
            out.append(c)
            i += 1
            continue
        # inside ${ … }: track braces and nested strings
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"':
            inner, end, _interp, lines = _scan_string(text, i + 1, line)
            out.append('"' + inner + '"')
            newlines += lines
            i = end
            continue
        elif c == "\n":
            newlines += 1
        out.append(c)
        i += 1
    raise HclError("unterminated string", line)


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def skip_newlines(self) -> None:
        while self.i < len(self.tokens) and self.tokens[self.i].kind == "nl":
            self.i += 1

    def last_line(self) -> int:
        return self.tokens[-1].line if self.tokens else 1

    # body := (attribute | block)*
    def body(self, depth: int, top: bool = False) -> tuple[dict[str, Any], list[Block]]:
        if depth > MAX_DEPTH:
            tok = self.peek()
            raise HclError("HCL nested too deeply", tok.line if tok else self.last_line())
        attrs: dict[str, Any] = {}
        blocks: list[Block] = []
        while True:
            self.skip_newlines()
            tok = self.peek()
            if tok is None:
                if top:
                    return attrs, blocks
                raise HclError("unclosed block: missing '}'", self.last_line())
            if tok.kind == "punct" and tok.value == "}":
                if top:
                    raise HclError("unexpected '}'", tok.line)
                return attrs, blocks
            if tok.kind not in ("ident", "str"):
                raise HclError(f"unexpected {tok.value!r}", tok.line)
            nxt = self.peek(1)
            if nxt is not None and nxt.kind == "punct" and nxt.value in ("=", ":"):
                self.i += 2
                attrs[tok.value] = self.expression(depth)
                continue
            block = self.block(depth)
            if top:
                blocks.append(block)
                continue
            node: dict[str, Any] = block.body
            for label in reversed(block.labels):  # `dynamic "x" {…}` → {"x": {…}}
                node = {label: node}
            existing = attrs.get(block.type)
            if isinstance(existing, list):
                existing.append(node)
            else:
                attrs[block.type] = [node]

    def block(self, depth: int) -> Block:
        head = self.tokens[self.i]
        self.i += 1
        labels: list[str] = []
        while True:
            tok = self.peek()
            if tok is None:
                raise HclError(f"block {head.value!r} has no body", head.line)
            if tok.kind in ("str", "ident"):
                labels.append(tok.value)
                self.i += 1
                continue
            if tok.kind == "punct" and tok.value == "{":
                self.i += 1
                break
            raise HclError(f"expected '=' or '{{' after {head.value!r}", tok.line)
        body, _ = self.body(depth + 1)
        close = self.tokens[self.i]
        self.i += 1
        return Block(head.value, tuple(labels), body, head.line, close.line)

    def expression(self, depth: int) -> Any:
        """Tokens up to a newline, ',' or closing bracket at bracket depth 0."""
        start = self.i
        level = 0
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if tok.kind == "punct" and tok.value in "([{":
                level += 1
            elif tok.kind == "punct" and tok.value in ")]}":
                if level == 0:
                    break
                level -= 1
            elif level == 0 and (tok.kind == "nl" or (tok.kind == "punct" and tok.value == ",")):
                break
            self.i += 1
        if level:
            line = self.tokens[start].line if start < len(self.tokens) else self.last_line()
            raise HclError("unbalanced brackets in expression", line)
        part = _strip_newlines(self.tokens[start : self.i])
        if not part:
            line = self.tokens[start - 1].line if start else 1
            raise HclError("missing value after '='", line)
        if self.i < len(self.tokens) and self.tokens[self.i].value == ",":
            self.i += 1
        return self.value(part, depth)

    def value(self, part: list[Token], depth: int) -> Any:
        # newlines inside brackets are kept: they separate an object's attributes
        part = _strip_newlines(part)
        if not part:
            return None
        if len(part) == 1:
            tok = part[0]
            if tok.kind == "str":
                return tok.value
            if tok.kind == "num":
                return float(tok.value) if any(c in tok.value for c in ".eE") else int(tok.value)
            if tok.kind == "ident" and tok.value in ("true", "false"):
                return tok.value == "true"
            if tok.kind == "ident" and tok.value == "null":
                return None
        if len(part) == 2 and part[0].value == "-" and part[1].kind == "num":
            inner = self.value(part[1:], depth)
            return -inner if isinstance(inner, (int, float)) else inner
        first, last = part[0], part[-1]
        if first.value == "[" and last.value == "]" and _closes(part, "[", "]"):
            return [self.value(item, depth) for item in _split(part[1:-1], newlines=False)]
        if first.value == "{" and last.value == "}" and _closes(part, "{", "}"):
            obj: dict[str, Any] = {}
            for item in _split(part[1:-1], newlines=True):
                if (
                    len(item) >= 2
                    and item[1].value in ("=", ":")
                    and item[0].kind in ("ident", "str")
                ):
                    obj[item[0].value] = self.value(item[2:], depth + 1)
                else:
                    return self.raw(part)
            return obj
        return self.raw(part)

    def raw(self, part: list[Token]) -> str:
        return "${" + " ".join(self.text[part[0].start : part[-1].end].split()) + "}"


def _closes(part: list[Token], opening: str, closing: str) -> bool:
    """The first token's bracket is closed by the last token (not earlier)."""
    level = 0
    for index, tok in enumerate(part):
        if tok.kind != "punct":
            continue
        if tok.value in "([{":
            level += 1
        elif tok.value in ")]}":
            level -= 1
            if level == 0 and index != len(part) - 1:
                return False
    return level == 0


def _strip_newlines(part: list[Token]) -> list[Token]:
    start, end = 0, len(part)
    while start < end and part[start].kind == "nl":
        start += 1
    while end > start and part[end - 1].kind == "nl":
        end -= 1
    return part[start:end]


def _split(part: list[Token], newlines: bool) -> list[list[Token]]:
    """Split the inside of a list at depth-0 commas, of an object at depth-0 commas and
    newlines (HCL separates an object's attributes by either; a list's elements only by
    commas, and a newline between them is blank space). Newlines nested deeper are kept for
    the nested value to split on."""
    items: list[list[Token]] = []
    current: list[Token] = []
    level = 0
    for tok in part:
        if tok.kind == "punct" and tok.value in "([{":
            level += 1
        elif tok.kind == "punct" and tok.value in ")]}":
            level -= 1
        if level == 0 and tok.kind == "nl":
            if newlines and current:
                items.append(current)
                current = []
            continue
        if level == 0 and tok.kind == "punct" and tok.value == ",":
            if current:
                items.append(current)
            current = []
            continue
        current.append(tok)
    if current:
        items.append(current)
    return items


def parse_hcl(text: str) -> list[Block]:
    """Top-level blocks of an HCL2 file (raises HclError on malformed input)."""
    parser = _Parser(text, tokenize(text))
    try:
        _attrs, blocks = parser.body(0, top=True)
    except RecursionError:
        raise HclError("HCL nested too deeply", parser.last_line()) from None
    return blocks
