"""The built-in rubric's fast path: libyaml without line numbers, redone with them on error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlaudit.errors import RubricError
from mlaudit.rubric import load


def test_the_fast_and_line_numbered_loads_agree() -> None:
    path = load.resolve_rubric_path("default")
    fast = load._load_validated(path, None, None, fast_builtin=True)
    slow = load._load_validated(path, None, None, fast_builtin=False)
    assert fast.sha256 == slow.sha256
    assert fast.rubric == slow.rubric


def test_the_built_in_rubric_is_not_parsed_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlaudit.repo.parsers import yaml_docs

    def refuse(text: str) -> object:
        raise AssertionError("the line-numbered parser ran")

    monkeypatch.setattr(yaml_docs, "parse_yaml", refuse)
    assert load.load_rubric().rubric.qualities


def test_a_user_rubric_beside_it_keeps_its_line_numbers(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("extends: default\noverrides:\n  REP001:\n    severity: huge\n")
    with pytest.raises(RubricError, match=r"mine\.yaml:3"):
        load.load_rubric(mine)


def test_a_broken_shipped_rubric_is_reported_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shipped file that fails validation (an edit the tests have not seen yet) is loaded
    again with line numbers, so the message says where."""
    shipped = tmp_path / "rubrics"
    shutil.copytree(load.rubrics_dir(), shipped)
    default = shipped / "default.yaml"
    text = default.read_text()
    assert "\nlevels:" in text
    default.write_text(text.replace("\nlevels:", "\nlevles: {}\nlevels:", 1))
    monkeypatch.setattr(load, "rubrics_dir", lambda: shipped)
    with pytest.raises(RubricError, match=r"default\.yaml:\d+: levles: unknown field"):
        load.load_rubric()


def test_no_glob_of_the_default_rubric_reads_question_mark_as_a_regex_optional():
    """`?` in a glob is one character, not "optional": `integration[-_]tests?/` matched
    no `integration-tests/` folder (huggingface/text-generation-inference, reviewed)."""
    import re

    from pydantic import BaseModel

    from mlaudit.rubric.load import load_rubric

    def globs(value, key=""):
        """Strings under a glob-like key, at any depth (any_of nests probes and their
        parameters, which a model_dump of the base class would leave out)."""
        if isinstance(value, str):
            if "glob" in key or key in ("exclude", "root_files", "paths", "files"):
                yield value
        elif isinstance(value, BaseModel):
            for k in type(value).model_fields:
                yield from globs(getattr(value, k), k)
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from globs(v, str(k))
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from globs(v, key)

    suspicious = re.compile(r"[a-z]s\?(?:/|$)")
    found = []
    for quality in load_rubric().rubric.qualities:
        for check in quality.checks:
            found += [(check.id, s) for s in globs(check.with_) if suspicious.search(s)]
    assert not found
