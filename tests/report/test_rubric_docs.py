"""docs/rubric.md is generated from the rubric (`mlaudit rubric docs`) and must not be stale."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mlaudit.cli import app
from mlaudit.inventory import load_catalogue
from mlaudit.rubric.docs import render_rubric_docs
from mlaudit.rubric.load import load_rubric

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rubric.md"


def test_rubric_docs_are_up_to_date() -> None:
    expected = render_rubric_docs(load_rubric(), load_catalogue())
    assert DOCS.is_file(), "docs/rubric.md is missing: run `mlaudit rubric docs`"
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/rubric.md is stale: run `mlaudit rubric docs` and commit the result"
    )


def test_every_check_is_documented() -> None:
    rubric = load_rubric().rubric
    text = render_rubric_docs(load_rubric(), load_catalogue())
    for _quality, check in rubric.checks():
        assert f"### {check.id} `{check.name}`" in text
        section = text.split(f"### {check.id} `{check.name}`")[1].split("\n### ")[0]
        assert f"Probe `{check.probe}`" in section
        assert f"level **{check.level}**" in section and f"weight **{check.weight:g}**" in section
        if check.remediation:
            assert "**How to fix.**" in section
    for quality in rubric.qualities:
        assert f"## {quality.title} ({quality.prefix})" in text


def test_cli_writes_the_docs(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "rubric.md"
    result = CliRunner().invoke(app, ["rubric", "docs", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_rubric_docs(load_rubric(), load_catalogue())
