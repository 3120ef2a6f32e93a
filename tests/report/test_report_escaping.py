"""Markdown and HTML reports: hostile repository content stays inert, links are safe,
tables stay tables, and the Markdown fits a pull-request comment."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest
from helpers import snapshot
from markdown_it import MarkdownIt

from mlaudit.report import RenderOptions, renderer
from mlaudit.report.links import DOCS
from mlaudit.report.markdown import MAX_CHARS
from mlaudit.report.text import evidence_url, md, md_code, normalise_repo_url
from mlaudit.results import Assessment, CheckResult, Evidence, Outcome
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess

XSS = "<script>alert(1)</script>"
LINK = "](javascript:alert(1))"
LONG = "x" * 20_000
HOSTILE_FILES = {
    f"src/{XSS}.py": "import mlflow\n",
    f"src/a{LINK}.py": "import wandb\n",
    "src/pipe|name`tick`.py": "import evidently\n",
    'src/"><img src=x onerror=alert(1)>.py': "import pandera\n",
    "requirements.txt": f"numpy>=1  # {XSS}\nmlflow\n",
    ".github/workflows/ci.yml": (
        "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n"
        f"      - run: pytest -q '{XSS} | {LINK} `x` @octocat $x$ \x1b[31m {LONG}'\n"
    ),
    "README.md": f"# {XSS}\n",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    root = tmp_path_factory.mktemp("hostile") / f"repo{XSS}"
    return assess(snapshot(root, HOSTILE_FILES), load_rubric())


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    return parser


def _assert_safe_html(doc: _Tags, *, scripts: int, repo_url: str | None = None) -> None:
    assert sum(1 for tag, _ in doc.tags if tag == "script") == scripts
    assert not [t for t, _ in doc.tags if t in ("img", "iframe", "object", "embed", "link")]
    for tag, attrs in doc.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            # relative evidence links, the repository, or mlaudit's own documentation
            allowed = ("./", "#", DOCS + "/") + ((repo_url,) if repo_url else ())
            assert href.startswith(allowed), href
            assert "javascript:" not in href.lower()


def _github_html(markdown: str) -> str:
    """CommonMark + GFM tables, raw HTML allowed (as GitHub does before sanitising)."""
    return MarkdownIt("commonmark").enable("table").render(markdown)


@pytest.mark.parametrize("full", [False, True])
def test_markdown_is_inert_on_github(hostile: Assessment, full: bool) -> None:
    text = renderer("markdown")(hostile, RenderOptions(full=full))
    rendered = _github_html(text)
    doc = _parse(rendered)
    _assert_safe_html(doc, scripts=0)
    # the hostile strings are shown as text, not interpreted
    assert (XSS if full else "script>") in "".join(doc.text)
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) < 2_000  # long lines are cut


@pytest.mark.parametrize("full", [False, True])
def test_markdown_tables_keep_their_columns(hostile: Assessment, full: bool) -> None:
    text = renderer("markdown")(hostile, RenderOptions(full=full))
    rendered = _github_html(text)
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        header = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1], re.S):
            assert len(re.findall(r"<td[ >]", row)) == header, row


@pytest.mark.parametrize("full", [False, True])
def test_markdown_grid_has_every_quality(hostile: Assessment, full: bool) -> None:
    text = renderer("markdown")(hostile, RenderOptions(full=full))
    grid = text.split("## Quality × artifact")[1].split("\n\n")[1].splitlines()
    assert len(grid) == 2 + len(hostile.qualities)


def test_html_is_escaped(hostile: Assessment) -> None:
    text = renderer("html")(hostile, RenderOptions())
    doc = _parse(text)
    _assert_safe_html(doc, scripts=1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\x1b" not in text
    assert "javascript:" not in text.replace("](javascript:alert(1))", "")


def test_html_is_self_contained(hostile: Assessment) -> None:
    text = renderer("html")(hostile, RenderOptions())
    # nothing is loaded from elsewhere; the only outbound links are mlaudit's own docs
    assert not re.search(r"""src=["']?(https?:)?//""", text)
    assert not re.search(r"""href=["']?(https?:)?//(?!""" + re.escape(DOCS[8:]) + ")", text)
    assert "@import" not in text and "url(" not in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text


def test_repo_url_links(hostile: Assessment) -> None:
    url = "https://github.com/acme/churn"
    text = renderer("markdown")(hostile, RenderOptions(repo_url=url, full=True))
    commit = hostile.target.commit
    assert f"{url}/blob/{commit}/requirements.txt#L1" in text
    _assert_safe_html(_parse(_github_html(text)), scripts=0, repo_url=url)
    html_text = renderer("html")(hostile, RenderOptions(repo_url=url))
    _assert_safe_html(_parse(html_text), scripts=1, repo_url=url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, "./src/a%20b.py#L3"),
        ("https://github.com/o/r.git/", "https://github.com/o/r/blob/abc/sub/src/a%20b.py#L3"),
        ("https://gitlab.com/g/o/r", "https://gitlab.com/g/o/r/-/blob/abc/sub/src/a%20b.py#L3"),
        ("https://bitbucket.org/o/r", "https://bitbucket.org/o/r/src/abc/sub/src/a%20b.py#lines-3"),
    ],
)
def test_evidence_url(url: str | None, expected: str) -> None:
    assert evidence_url("src/a b.py", 3, repo_url=url, commit="abc", subdir="sub/") == expected


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x/y", "https://x/<y>", "/a/b"])
def test_bad_repo_url(url: str) -> None:
    with pytest.raises(ValueError):
        normalise_repo_url(url)


def test_md_helpers() -> None:
    assert md("a|b") == "a\\|b"
    assert md("[x](javascript:y)") == "\\[x\\](javascript:y)"
    assert md("line\nbreak") == "line break"
    assert md_code("a ``b`` c") == "``` a ``b`` c ```"


def test_markdown_fits_a_pr_comment(hostile: Assessment) -> None:
    noisy = tuple(
        CheckResult(
            check=f"ZZZ{i:03d}",
            name=f"noisy-{i}",
            title="Noisy check",
            quality=hostile.qualities[i % len(hostile.qualities)].id,
            artifact="code",
            level=1,
            weight=1,
            severity="low",
            strength="supporting",
            outcome=Outcome.FAIL,
            message="many findings",
            evidence=tuple(
                Evidence(path=f"src/module_{j}.py", line=j + 1, snippet="y" * 150)
                for j in range(60)
            ),
            remediation="Fix it.",
        )
        for i in range(120)
    )
    big = hostile.model_copy(update={"results": hostile.results + noisy})
    comment = renderer("markdown")(big, RenderOptions())
    assert len(comment) <= 10_000 and comment.count("<details>") == comment.count("</details>")
    text = renderer("markdown")(big, RenderOptions(full=True))
    assert len(text) <= MAX_CHARS < 65_000
    assert "not shown to fit a pull-request comment" in text
    # the grid, the maturity and the fixes are never cut
    grid = text.split("## Quality × artifact")[1].split("\n\n")[1].splitlines()
    assert len(grid) == 2 + len(big.qualities)
    assert "## Fix next" in text and "## Maturity" in text
    assert text.count("<details>") == text.count("</details>")


def test_cli_rejects_bad_repo_url(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlaudit.cli import app

    snapshot(tmp_path, {"a.py": "x = 1\n"})
    result = CliRunner().invoke(
        app, ["scan", str(tmp_path), "-f", "markdown", "--repo-url", "javascript:x"]
    )
    assert result.exit_code == 2
