"""The output boundary: every renderer × every field × hostile values.

A secret planted in every string field that can reach an output (file paths, commit
subjects, branch and tag names, snippets, notes, messages, waiver reasons, gate reasons,
`--repo-url`) is printed by no format; hostile values (workflow commands after a newline,
ESC/OSC sequences, `<script>`, Markdown links, U+FFFF, lone surrogates, backticks, `|`)
stay inside their context — checked by parsing each output back with a real parser.

Fake credentials are assembled at run time so this file holds nothing a scanner flags.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import commit, git, make_repo, snapshot
from markdown_it import MarkdownIt

from mlaudit.gate import Verdict
from mlaudit.report import FORMATS, RenderOptions, renderer
from mlaudit.report.escape import (
    gh_data,
    gh_log,
    gh_property,
    json_dumps,
    md_code,
    md_text,
    sarif_uri,
    terminal,
    xml,
)
from mlaudit.report.text import normalise_repo_url
from mlaudit.results import Assessment, Cap, Evidence, Maturity, Outcome
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess

TOKEN = "gh" + "p_" + "Zq8vR2mK5xW9tB3nY7cL1dF4hJ6sP0aE2gU8"
SECRET_TAIL = TOKEN[-12:]
INJECT = "\n::error file=x.py::INJECTED\n::add-mask::x\n::stop-commands::stop\n##[error]legacy"
ESCAPES = "\x1b[2J\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\x9b31m\u202eevil"
HTML = "<script>alert(1)</script><img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))](javascript:alert(2))"
ODD = "x\uffffy\ufffe\udcff``tick``|a|b|"
HOSTILE = f"{TOKEN} {INJECT} {ESCAPES} {HTML} {LINK} {ODD}"
BENIGN_FILES = {
    "requirements.txt": "numpy>=1\nmlflow\n",
    "src/train.py": "import mlflow\n",
    ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pytest\n",
}


def _hostile_evidence(value: str) -> Evidence:
    return Evidence(path=f"src/{value}.py", line=3, snippet=value, note=value)


def plant(a: Assessment, value: str) -> Assessment:
    """`value` in every free-text field of the Assessment (ids stay valid rubric ids)."""
    ev = _hostile_evidence(value)
    results = tuple(
        r.model_copy(
            update={
                "message": value,
                "evidence": (ev, *r.evidence),
                "waived_by": value if index % 9 == 0 else r.waived_by,
                "outcome": Outcome.FAIL if index % 3 == 0 else r.outcome,
            }
        )
        for index, r in enumerate(a.results)
    )
    target = a.target.model_copy(
        update={
            "path": value,
            "root_name": value,
            "branch": value,
            "notes": (value, f"waiver {value}"),
        }
    )
    profile = a.profile.model_copy(update={"reasons": (value,), "evidence": (ev,)})
    categories = tuple(
        c.model_copy(
            update={
                "tools": tuple(
                    t.model_copy(update={"name": value, "evidence": (ev,)}) for t in c.tools
                )
            }
        )
        for c in a.inventory.categories
    )
    return a.model_copy(
        update={
            "results": results,
            "target": target,
            "profile": profile,
            "caps": (Cap(check="SEC010", name=value, artifact="code", cap=1),),
            "maturity": _plant_maturity(a.maturity, value),
            "artifact_maturity": {
                k: _plant_maturity(m, value) for k, m in a.artifact_maturity.items()
            },
            "fixes": tuple(f.model_copy(update={"title": value}) for f in a.fixes),
            "inventory": a.inventory.model_copy(update={"categories": categories}),
        }
    )


def _plant_maturity(m: Maturity, value: str) -> Maturity:
    """A hostile check name in a binding cap and in every next-level item."""
    nl = m.next_level
    if nl is not None:
        nl = nl.model_copy(
            update={"missing": tuple(i.model_copy(update={"name": value}) for i in nl.missing)}
        )
    cap = Cap(check="SEC010", name=value, artifact="code", cap=1)
    return m.model_copy(update={"next_level": nl, "caps": (cap,)})


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assessment, RenderOptions]:
    root = tmp_path_factory.mktemp("boundary") / "repo"
    a = plant(assess(snapshot(root, BENIGN_FILES), load_rubric()), HOSTILE)
    failing = tuple(r.check for r in a.results if r.outcome == Outcome.FAIL)[:3]
    verdict = Verdict(
        passed=False,
        reasons=(HOSTILE, f"{failing[0]} failed @ src/{HOSTILE}.py:3"),
        gates=("fail-on",),
        blocking=failing,
        notes=(HOSTILE,),
    )
    # a token in the path of --repo-url is redacted too (userinfo is refused: see below)
    url = normalise_repo_url(f"https://github.com/acme/{TOKEN}")
    return a, RenderOptions(verbose=True, verdict=verdict, repo_url=url)


def _no_secret(text: str) -> None:
    assert TOKEN not in text
    assert SECRET_TAIL not in text


def _no_raw_controls(text: str, *, allow: str = "\n") -> None:
    bad = [c for c in text if (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F) and c not in allow]
    assert not bad, sorted(set(bad))
    assert "\u202e" not in text
    assert not re.search(r"[\ud800-\udfff]", text)
    text.encode("utf-8")  # always writable


# every format ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_format_prints_a_secret_or_a_raw_control(
    fmt: str, planted: tuple[Assessment, RenderOptions]
) -> None:
    a, options = planted
    text = renderer(fmt)(a, options)
    _no_secret(text)
    _no_raw_controls(text)


def test_terminal_lines_are_inert(planted: tuple[Assessment, RenderOptions]) -> None:
    a, options = planted
    text = renderer("terminal")(a, options)
    assert "INJECTED" in text  # shown, as text
    for line in text.splitlines():
        assert not line.lstrip().startswith(("::", "##[")), line


def test_github_commands_cannot_be_injected(planted: tuple[Assessment, RenderOptions]) -> None:
    a, options = planted
    text = renderer("github")(a, options)
    command = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")
    for line in text.splitlines():
        stripped = line.strip()
        assert not stripped.startswith("##["), line
        if not stripped.startswith("::"):
            continue
        m = command.match(stripped)
        assert m, line  # only our three commands, never add-mask/stop-commands
        for prop in (m.group(2) or "").split(","):
            if prop:
                key, _, value = prop.partition("=")
                assert key in {"file", "line", "title"}, line
                assert ":" not in value and "," not in value
        assert "\r" not in m.group(3)


def test_github_step_summary_gate_is_inert_markdown(
    planted: tuple[Assessment, RenderOptions], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, options = planted
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    renderer("github")(a, options)
    text = summary.read_text(encoding="utf-8")
    _no_secret(text)
    gate = text.split("### Gate", 1)[1]
    _assert_inert_markdown(gate)


def test_json_formats_parse_back(planted: tuple[Assessment, RenderOptions]) -> None:
    a, options = planted
    for fmt in ("json", "sarif", "gitlab"):
        data = json.loads(renderer(fmt)(a, options))
        assert data
    gitlab = json.loads(renderer("gitlab")(a, options))
    assert all(isinstance(issue["location"]["path"], str) for issue in gitlab)


_RELATIVE_REF = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})*$")


def test_sarif_uris_are_rfc3986_relative_references(
    planted: tuple[Assessment, RenderOptions],
) -> None:
    a, options = planted
    doc = json.loads(renderer("sarif")(a, options))
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in doc["runs"][0]["results"]
        for loc in result["locations"] + result.get("relatedLocations", [])
    ]
    assert uris
    for uri in uris:
        assert _RELATIVE_REF.match(uri), uri
        assert not uri.startswith("/")
        assert ":" not in uri.split("/", 1)[0]
    assert any("%0A" in uri for uri in uris)  # the newline of the hostile name, encoded


def test_junit_is_well_formed_xml(planted: tuple[Assessment, RenderOptions]) -> None:
    a, options = planted
    text = renderer("junit")(a, options)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    assert "\uffff" not in text and "\ufffe" not in text
    names = [case.get("name") for case in root.iter("testcase")]
    assert names


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html_text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Html()
    parser.feed(html_text)
    return parser.tags


def _assert_inert_html(html_text: str, *, scripts: int = 0) -> None:
    tags = _tags(html_text)
    assert sum(1 for tag, _ in tags if tag == "script") == scripts
    for tag, attrs in tags:
        assert tag not in ("img", "iframe", "object", "embed"), tag
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        href = attrs.get("href") or ""
        assert not href.lower().lstrip().startswith(("javascript:", "data:")), href


def _assert_inert_markdown(text: str) -> None:
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    _assert_inert_html(rendered)
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        header = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        body = table.split("</thead>")[1] if "</thead>" in table else ""
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            assert len(re.findall(r"<td[ >]", row)) == header, row


def test_markdown_is_inert(planted: tuple[Assessment, RenderOptions]) -> None:
    a, options = planted
    _assert_inert_markdown(renderer("markdown")(a, options))


def test_html_is_inert(planted: tuple[Assessment, RenderOptions]) -> None:
    a, options = planted
    _assert_inert_html(renderer("html")(a, options), scripts=1)


# the escaping functions, one per context ------------------------------------------------------------
def test_terminal_strips_every_sequence() -> None:
    shown = terminal(ESCAPES + INJECT)
    _no_raw_controls(shown, allow="")
    assert "evil" in shown and "INJECTED" in shown


@pytest.mark.parametrize("value", ["a`b", "``", "` x `", "x\\y", "a|b", "`", "*x*", "<b>"])
def test_md_code_round_trips_through_a_real_parser(value: str) -> None:
    html_text = MarkdownIt("commonmark").render(md_code(value))
    m = re.fullmatch(r"<p><code>(.*)</code></p>\n", html_text, re.S)
    assert m, html_text
    import html as html_module

    assert html_module.unescape(m.group(1)) == value


def test_md_code_in_a_table_cell_keeps_the_columns() -> None:
    table = f"| a | b |\n|---|---|\n| {md_code('x|y`z', table=True)} | 2 |\n"
    rendered = MarkdownIt("commonmark").enable("table").render(table)
    assert len(re.findall(r"<td>", rendered)) == 2
    assert "x|y`z" in rendered


@pytest.mark.parametrize("value", [HTML, LINK, "@octocat", "a|b", "*em* _u_ ~~s~~", "&amp;"])
def test_md_text_is_shown_verbatim(value: str) -> None:
    html_text = MarkdownIt("commonmark").render(md_text(value))
    assert "<a " not in html_text and "<script" not in html_text and "<em>" not in html_text
    import html as html_module

    assert html_module.unescape(re.sub(r"</?p>\n?", "", html_text)) == value


def test_github_escapes() -> None:
    assert "\n" not in gh_data("a\nb\r") and "%0A" in gh_data("a\nb")
    assert gh_property("a:b,c") == "a%3Ab%2Cc"
    assert not gh_log("::add-mask::x").lstrip().startswith("::")
    assert not gh_log("  ##[set-output name=x;]y").lstrip().startswith("##[")
    assert not gh_log("a\n::stop-commands::t").split("\n")[-1].lstrip().startswith("::")
    assert gh_log("uses std::vector") == "uses std::vector"


def test_xml_and_sarif_and_json_escapes() -> None:
    ET.fromstring(f"<a b='{xml('x' + chr(0xFFFF) + chr(1) + 'y')}'>{xml(ODD)}</a>")
    assert sarif_uri("a b/c:d#e?.py") == "a%20b/c%3Ad%23e%3F.py"
    assert sarif_uri("/etc/x") == "etc/x"
    assert sarif_uri("x\udcff") == "x%EF%BF%BD"
    text = json_dumps({"k": "\x9b\u2028\u202e\udcff"})
    assert json.loads(text) == {"k": "\x9b\u2028\u202e\ufffd"}
    _no_raw_controls(text)


# --repo-url --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        f"https://oauth2:{TOKEN}@github.com/acme/repo",
        f"https://gitlab-ci-token:{TOKEN}@gitlab.com/acme/repo",
        f"https://{TOKEN}@github.com/acme/repo",
        "https://github.com/acme/repo?x=1",
        "https://github.com/acme/repo#frag",
        "https://github.com/acme/repo\n::error::x",
        "ftp://github.com/acme/repo",
    ],
)
def test_repo_url_with_credentials_or_oddities_is_refused_and_not_echoed(url: str) -> None:
    with pytest.raises(ValueError) as info:
        normalise_repo_url(url)
    _no_secret(str(info.value))


def test_repo_url_parentheses_are_percent_encoded() -> None:
    url = normalise_repo_url("https://github.com/acme/a)](javascript:alert(1))")
    assert ")" not in url and "(" not in url
    assert url.startswith("https://github.com/acme/")


# end to end: a hostile git repository through the CLI, every format at once ---------------------------
def test_cli_every_format_from_a_hostile_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_repo(root, BENIGN_FILES, message=f"add model {TOKEN}")
    bad_name = "src/x\n::error file=a.py::INJECTED\n\x1b]8;;https://evil\x07.py"
    commit(root, {bad_name: "import wandb\n"}, f"wip\n\nci token {TOKEN}")
    git(root, "tag", f"v1-{TOKEN}")
    git(root, "checkout", "-q", "-b", f"feature/{TOKEN}")
    out = tmp_path / "out"
    out.mkdir()
    files = {fmt: out / f"report.{fmt}" for fmt in FORMATS if fmt != "terminal"}
    args = [sys.executable, "-m", "mlaudit", "scan", str(root), "--fail-under", "100"]
    args += ["--format", "terminal", "-v"]
    for fmt, path in files.items():
        args += ["--output", f"{fmt}={path}"]
    proc = subprocess.run(args, capture_output=True, text=True, errors="surrogateescape")
    assert proc.returncode == 1, proc.stderr
    outputs = {"terminal": proc.stdout, "stderr": proc.stderr}
    outputs |= {fmt: path.read_text(encoding="utf-8") for fmt, path in files.items()}
    for fmt, text in outputs.items():
        _no_secret(text)
        _no_raw_controls(text)
        for line in text.splitlines():
            if fmt != "github":
                assert not line.lstrip().startswith("::"), (fmt, line)
    ET.fromstring(outputs["junit"].encode("utf-8"))
    for fmt in ("json", "sarif", "gitlab"):
        json.loads(outputs[fmt])
    _assert_inert_markdown(outputs["markdown"])
    _assert_inert_html(outputs["html"], scripts=1)
    # the planted token did reach the assessment (branch, history, paths) — and was redacted
    assert "ghp_…" in outputs["json"]


def test_cli_refuses_a_repo_url_with_a_job_token(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_repo(root, BENIGN_FILES)
    url = f"https://gitlab-ci-token:{TOKEN}@gitlab.example.com/g/r"
    proc = subprocess.run(
        [sys.executable, "-m", "mlaudit", "scan", str(root), "--repo-url", url],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "credentials" in proc.stderr
    _no_secret(proc.stdout + proc.stderr)


def test_cli_diff_never_prints_a_token_from_a_ref_name(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_repo(root, BENIGN_FILES, message=f"base {TOKEN}")
    git(root, "branch", f"base-{TOKEN}")
    commit(root, {"src/x\n::error file=a.py::INJECTED.py": "import wandb\n"}, f"head {TOKEN}")
    out = tmp_path / "out"
    out.mkdir()
    files = {fmt: out / f"diff.{fmt}" for fmt in ("markdown", "json", "github")}
    args = [sys.executable, "-m", "mlaudit", "diff", str(root), "--base", f"base-{TOKEN}"]
    args += ["--fail-on-regression", "--format", "terminal"]
    for fmt, path in files.items():
        args += ["--output", f"{fmt}={path}"]
    proc = subprocess.run(args, capture_output=True, text=True, errors="surrogateescape")
    assert proc.returncode in (0, 1), proc.stderr
    outputs = {"terminal": proc.stdout, "stderr": proc.stderr}
    outputs |= {fmt: path.read_text(encoding="utf-8") for fmt, path in files.items()}
    for fmt, text in outputs.items():
        _no_secret(text)
        _no_raw_controls(text)
        if fmt != "github":
            assert not any(line.lstrip().startswith("::") for line in text.splitlines()), fmt
    json.loads(outputs["json"])
    _assert_inert_markdown(outputs["markdown"])
    assert "base-ghp_…" in outputs["terminal"]  # the label is shown, redacted
