"""The pull-request comment (`--format markdown`): verdict first, ≤ 10,000 characters, a
sticky-comment marker, and code spans that show exactly the raw value once rendered
(markdown-it, CommonMark): no prose escaping inside backticks."""

from __future__ import annotations

import re

import pytest
from helpers import EXAMPLES_DIR

from mlaudit.report import RenderOptions, renderer
from mlaudit.report.comment import COMMENT_MARKER, MAX_CHARS
from mlaudit.results import Assessment, Evidence

markdown_it = pytest.importorskip("markdown_it")
EXAMPLES = sorted(p.name for p in EXAMPLES_DIR.iterdir() if (p / "expected.yaml").is_file())
TEMPLATE_SPANS = {
    "n/a",
    "?",
    "—",
    "partial",
    "unknown",
    "--format json",
    "mlaudit explain ID",
    "--format markdown --full",
    "--format html",
    "--full",
}


def code_spans(markdown: str) -> list[str]:
    md = markdown_it.MarkdownIt("commonmark").enable("table")
    spans = []
    for token in md.parse(markdown):
        for child in token.children or []:
            if child.type == "code_inline":
                spans.append(child.content)
    return spans


def raw_strings(a: Assessment) -> list[str]:
    """Every string of the Assessment, and the code spans of its rubric prose."""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
            out.extend(re.findall(r"`([^`]+)`", value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(a.model_dump(mode="json"))
    out += [
        f"{e['path']}:{e['line']}"
        for r in a.model_dump(mode="json")["results"]
        for e in r["evidence"]
        if e["line"]
    ]
    return out


def assert_spans_are_raw(markdown: str, a: Assessment) -> None:
    raw = raw_strings(a)
    for span in code_spans(markdown):
        if span in TEMPLATE_SPANS:
            continue
        body = span.removesuffix("…")
        assert any(body in r for r in raw), f"code span {span!r} is not a raw value"


@pytest.mark.parametrize("name", EXAMPLES)
def test_comment_is_short_verdict_first_and_sticky(name: str, scanned) -> None:
    text = renderer("markdown")(scanned(name), RenderOptions())
    assert len(text) <= MAX_CHARS
    assert text.startswith(COMMENT_MARKER + "\n")
    order = [text.index(h) for h in ("**Maturity level", "### Quality × artifact", "Cells: score")]
    assert order == sorted(order)
    if scanned(name).fixes:
        assert text.index("### Quality × artifact") < text.index("### Fix next")


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("name", EXAMPLES)
def test_code_spans_show_the_raw_value(name: str, full: bool, scanned) -> None:
    a = scanned(name)
    assert_spans_are_raw(renderer("markdown")(a, RenderOptions(full=full)), a)


def test_hostile_values_stay_literal_in_code_spans(scanned) -> None:
    a = scanned(EXAMPLES[0])
    nasty = "tests/test_<module>.py"
    first = a.results[0].model_copy(
        update={
            "outcome": a.results[0].outcome.FAIL,
            "remediation": "Run `dvc init && dvc add data` and `@hydra.main` in `tests/test_<module>.py`.",
            "evidence": (Evidence(path=nasty, line=3, snippet="a `tick` | <b>x</b> \\ end"),),
        }
    )
    hostile = a.model_copy(update={"results": (first, *a.results[1:])})
    for full in (False, True):
        text = renderer("markdown")(hostile, RenderOptions(full=full))
        spans = code_spans(text)
        assert not any("\\<" in s or "\\&" in s or "\\@" in s for s in spans)
        assert_spans_are_raw(text, hostile)
        # never raw HTML from the repository (the report's own <details> blocks aside)
        tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(text)
        inline = [c for t in tokens for c in (t.children or []) if c.type == "html_inline"]
        assert not any("<b>" in c.content for c in inline)
        assert not any("<b>" in t.content for t in tokens if t.type == "html_block")
