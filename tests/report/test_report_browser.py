"""A real browser opens the HTML report: headless Chromium (Debian package `chromium`)
driven by Playwright for Python — never a downloaded browser (`playwright install` is not
used). Checks that the heatmap renders one linked cell per quality × artifact, that the
page never scrolls sideways at 390, 768 and 1280 px (phone, tablet, laptop), that no
request leaves the page, that the console stays clean, that the page works without
JavaScript, in dark mode and in print, and saves screenshots.

`.ci/run` installs chromium when it is missing and sets MLAUDIT_REQUIRE_BROWSER=1, so CI
fails (instead of skipping) when the browser cannot start. Refresh docs/img/report-390.png
and docs/img/report-1280.png (shown in the README) with MLAUDIT_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import EXAMPLES_DIR, replay_example, snapshot

from mlaudit.repo.worktree import open_worktree
from mlaudit.report import RenderOptions, renderer
from mlaudit.results import Assessment
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess

CHROMIUM = os.environ.get("MLAUDIT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRED = os.environ.get("MLAUDIT_REQUIRE_BROWSER") == "1"
IMG_DIR = Path(__file__).resolve().parents[2] / "docs" / "img"
WIDTHS = (390, 768, 1280)
MATURE_EXAMPLE = "production-ready"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"browser test required but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Assessment]:
    tmp = tmp_path_factory.mktemp("browser")
    if (EXAMPLES_DIR / MATURE_EXAMPLE / "expected.yaml").is_file():
        repo = replay_example(EXAMPLES_DIR / MATURE_EXAMPLE, tmp / MATURE_EXAMPLE)
        snap = open_worktree(repo)
    else:  # pragma: no cover - the examples are part of the repository
        snap = snapshot(tmp / "repo", {"train.py": "import mlflow\n", "uv.lock": "x"})
    a = assess(snap, load_rubric())
    path = tmp / "report.html"
    path.write_text(renderer("html")(a, RenderOptions()), encoding="utf-8")
    return path, a


def _open(browser, path: Path, **context):
    ctx = browser.new_context(viewport={"width": 1280, "height": 960}, **context)
    page = ctx.new_page()
    console: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return ctx, page, console, requests


def test_report_renders_in_chromium(browser, report) -> None:
    path, a = report
    ctx, page, console, requests = _open(browser, path)
    try:
        # heatmap: one cell per quality × artifact, each with a visible text label
        cells = page.locator("table.heatmap td[data-cell]")
        assert cells.count() == len(a.qualities) * 3
        assert page.locator("table.heatmap tbody tr").count() == len(a.qualities)
        assert all(t.strip() for t in cells.all_inner_texts())
        # every cell links to its quality's section, which exists
        for href in page.eval_on_selector_all(
            "table.heatmap td[data-cell] a", "links => links.map(a => a.getAttribute('href'))"
        ):
            assert page.locator(href).count() == 1, href
        assert page.locator("svg.radar").count() == 0  # fifteen axes said less than the grid
        # the verdict comes first: maturity, then the grid, then what to fix next
        tops = [
            page.locator(sel).bounding_box()["y"]  # type: ignore[index]
            for sel in ("#maturity-h", "#heat-h", "#fix-h")
        ]
        assert tops == sorted(tops)
        # every check links to its documentation
        assert page.locator("table.checks a.doc").count() == len(a.results)
        # the gauge shows the level
        assert page.locator("svg.gauge").get_attribute("data-level") == str(a.overall_level)
        assert page.locator("svg.gauge path.seg").count() == len(a.levels)
        # nothing leaves the page, nothing complains
        assert [u for u in requests if not u.startswith("file://")] == []
        assert requests == [path.as_uri()]
        assert [m for m in console if m.startswith(("error", "warning", "pageerror"))] == []
        # the inline filter works
        page.click("#filters button[data-filter='fail']")
        outcomes = page.eval_on_selector_all(
            "tr[data-outcome]:not([hidden])", "rows => rows.map(r => r.dataset.outcome)"
        )
        assert outcomes and set(outcomes) == {"fail"}
        page.click("#filters button[data-filter='all']")
        visible = page.locator("tr[data-outcome]:not([hidden])").count()
        assert visible == len(a.results)
        page.click("#filters button[data-filter='fail']")
        page.click("#filters button[data-filter='all']")
        page.evaluate("window.scrollTo(0, 0)")
        shot = path.with_suffix(".png")
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
    finally:
        ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_scroll(browser, report, width: int) -> None:
    path, _ = report
    ctx, page, _console, _ = _open(browser, path)
    try:
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        sizes = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        wide = page.eval_on_selector_all(
            "body *",
            f"""els => els.filter(e => e.getBoundingClientRect().right > {width} + 1)
                 .slice(0, 5).map(e => e.tagName + '.' + e.className)""",
        )
        assert sizes[0] <= sizes[1], (width, sizes, wide)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
        page.evaluate("window.scrollTo(0, 0)")
        shot = path.with_name(f"report-{width}.png")
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("MLAUDIT_UPDATE_GOLDEN") == "1" and width in (390, 1280):
            IMG_DIR.mkdir(parents=True, exist_ok=True)
            page.set_viewport_size({"width": width, "height": 1400 if width > 500 else 1800})
            page.screenshot(path=str(IMG_DIR / f"report-{width}.png"))
    finally:
        ctx.close()


def test_readable_without_javascript(browser, report) -> None:
    path, a = report
    ctx, page, _, _ = _open(browser, path, java_script_enabled=False)
    try:
        assert page.locator("table.heatmap td[data-cell]").count() == len(a.qualities) * 3
        assert page.locator("#filters").is_hidden()  # controls that need JS stay hidden
        assert page.locator("tr[data-outcome]").count() == len(a.results)
    finally:
        ctx.close()


def test_dark_mode_and_print(browser, report) -> None:
    path, _ = report
    ctx, page, _, _ = _open(browser, path, color_scheme="dark")
    try:
        dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.emulate_media(color_scheme="light")
        light = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert dark != light
        assert light == "rgb(255, 255, 255)"
        page.emulate_media(media="print", color_scheme="dark")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == light
        assert page.locator("#filters").is_hidden()
        assert len(page.pdf()) > 10_000
    finally:
        ctx.close()
