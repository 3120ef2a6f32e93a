"""Golden-file tests: every output format of every example, byte for byte.

Regenerate after an intended change (new checks, new wording) with:

    MLAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/report/test_report_golden.py

and review the diff of tests/golden/. Also checked here: the same input gives
byte-identical Markdown, HTML and JSON across two runs and two checkout locations.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import EXAMPLES_DIR, git, replay_example

from mlaudit.repo.worktree import open_worktree
from mlaudit.report import RenderOptions, renderer
from mlaudit.results import Assessment
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("MLAUDIT_UPDATE_GOLDEN") == "1"
# an example project is a folder with an expected.yaml (examples/ci holds CI templates)
EXAMPLES = sorted(p.parent.name for p in EXAMPLES_DIR.glob("*/expected.yaml"))
# one golden per renderer (ruff's rule: every output format has a snapshot test)
FORMATS = {
    "markdown": "md",
    "html": "html",
    "terminal": "txt",
    "json": "json",
    "sarif": "sarif",
    "junit": "junit.xml",
    "github": "github.txt",
    "gitlab": "gitlab.json",
}


def checkout(name: str, parent: Path) -> Path:
    """The example as a real git repository at `parent/name`, with fixed dates."""
    src = EXAMPLES_DIR / name
    dest = parent / name
    if (src / "expected.yaml").is_file():
        return replay_example(src, dest)
    import shutil

    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", f"example {name}")
    return dest


def scan(repo: Path) -> Assessment:
    # scanned by a relative path, as a user would: the target path is part of the report
    cwd = os.getcwd()
    os.chdir(repo.parent)
    try:
        return assess(open_worktree(repo.name), load_rubric())
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def assessments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Assessment]:
    return {name: scan(checkout(name, tmp_path_factory.mktemp("golden"))) for name in EXAMPLES}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", EXAMPLES)
def test_golden(assessments: dict[str, Assessment], name: str, fmt: str) -> None:
    text = renderer(fmt)(assessments[name], RenderOptions())
    golden = GOLDEN_DIR / f"{name}.{FORMATS[fmt]}"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="\n")
        return
    if not golden.is_file():
        pytest.fail(f"no golden file {golden}; create it with MLAUDIT_UPDATE_GOLDEN=1")
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, (
        f"{golden.name} is stale: review the change, then run "
        "MLAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/report/test_report_golden.py"
    )


@pytest.mark.parametrize("name", EXAMPLES)
def test_golden_full_markdown(assessments: dict[str, Assessment], name: str) -> None:
    text = renderer("markdown")(assessments[name], RenderOptions(full=True))
    golden = GOLDEN_DIR / f"{name}.full.md"
    if UPDATE:
        golden.write_text(text, encoding="utf-8", newline="\n")
        return
    assert text == golden.read_text(encoding="utf-8"), f"{golden.name} is stale"


@pytest.mark.parametrize("name", EXAMPLES)
def test_markdown_fits_a_pr_comment(assessments: dict[str, Assessment], name: str) -> None:
    assert len(renderer("markdown")(assessments[name], RenderOptions())) <= 10_000
    # the full report stays under GitHub's 65,536-character comment limit
    assert len(renderer("markdown")(assessments[name], RenderOptions(full=True))) < 65_000


@pytest.mark.skipif(not EXAMPLES, reason="no example under examples/")
def test_byte_identical_across_runs_and_locations(tmp_path: Path) -> None:
    name = max(EXAMPLES, key=lambda n: sum(1 for _ in (EXAMPLES_DIR / n).rglob("*")))
    first = checkout(name, tmp_path / "one" / "deep" / "path")
    second = checkout(name, tmp_path / "two")
    outputs = []
    for repo in (first, first, second):
        a = scan(repo)
        outputs.append({f: renderer(f)(a, RenderOptions()) for f in ("markdown", "html", "json")})
    assert outputs[0]["markdown"] == outputs[1]["markdown"] == outputs[2]["markdown"]
    assert outputs[0]["html"] == outputs[1]["html"] == outputs[2]["html"]
    # JSON records the path as given (absolute here), everything else is identical
    assert outputs[0]["json"] == outputs[1]["json"]
    assert outputs[0]["json"].replace(str(first), "<repo>") == outputs[2]["json"].replace(
        str(second), "<repo>"
    )


@pytest.mark.parametrize("fmt", ["markdown", "markdown-full", "html", "terminal"])
def test_every_header_names_a_published_library(
    assessments: dict[str, Assessment], fmt: str
) -> None:
    """rule lib is shown with the profile's name; a project's header says nothing of it."""
    assessment = assessments[EXAMPLES[0]]
    library = assessment.model_copy(
        update={"profile": assessment.profile.model_copy(update={"library": True})}
    )
    from mlaudit.report.markdown import render_full

    render = render_full if fmt == "markdown-full" else renderer(fmt)
    assert "a published library" in render(library, RenderOptions())
    assert "a published library" not in render(assessment, RenderOptions())
