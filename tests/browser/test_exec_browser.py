"""The leadership pages in headless Chromium: normal and screen mode, 1080p and 4K, light and dark.

Each page is opened, screenshotted (test-output/exec-*.png) and fails on a
Streamlit exception or on a chart without data. The screen mode must fit the
screen with large, high-contrast type, rotate through its pages and pick up a
new data snapshot by itself.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import REPO_ROOT
from tests.browser.rendered_page import SCREENSHOT_DIR, OpenRenderedPage, wait_until_rendered
from tests.browser.streamlit_server import running_streamlit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BROKEN_VALUES = {"", "nan", "NaN", "None", "null", "inf", "-inf"}
# Per chart on the page: how many of its traces hold data points (0 = an empty chart).
TRACES_WITH_DATA_JS = """() =>
    [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => {
        const plot = chart.querySelector('.js-plotly-plot');
        return plot && plot.data
            ? plot.data.filter(t => (t.x && t.x.length) || (t.y && t.y.length)).length
            : 0;
    })"""
# Tile sparklines are drawn (Vega) after the script finishes, like Plotly charts.
SPARKLINES_DRAWN_JS = """() =>
    [...document.querySelectorAll('[data-testid="stMetricChart"]')]
        .every(chart => chart.querySelector('svg, canvas'))"""
# The app's background and a tile value's text colour, as "rgb(r, g, b)" strings.
COLOURS_JS = """() => [
    getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor,
    getComputedStyle(document.querySelector('[data-testid="stMetricValue"] p')).color,
]"""


def settle(page: Page, name: str) -> None:
    """Wait for the tiles' sparklines too, then take the screenshot again (test-output/name.png)."""
    page.wait_for_function(SPARKLINES_DRAWN_JS, timeout=30_000)
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{name}.png")


def assert_drawn(page: Page, min_charts: int = 0, min_tiles: int = 0) -> None:
    """Every chart holds data and every tile a real value."""
    traces = page.evaluate(TRACES_WITH_DATA_JS)
    assert len(traces) >= min_charts, f"expected {min_charts}+ charts, found {len(traces)}"
    assert all(traces), f"a chart has no data (traces with data per chart: {traces})"
    values = [v.strip() for v in page.locator('[data-testid="stMetricValue"]').all_inner_texts()]
    assert len(values) >= min_tiles, f"expected {min_tiles}+ tiles, found {len(values)}"
    assert not BROKEN_VALUES & set(values), f"tile values: {values}"


def assert_fits(page: Page, height: int) -> None:
    """Nothing of the screen's content falls below the bottom edge (nobody scrolls a screen)."""
    bottom = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
            '[data-testid="stMetric"], [data-testid="stPlotlyChart"]')]
            .map(e => e.getBoundingClientRect().bottom))"""
    )
    assert bottom <= height, f"content ends at {bottom:.0f}px, below the {height}px screen"


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two 'rgb(r, g, b)' colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_overview_at_1920x1080(app_url: str, open_rendered_page: OpenRenderedPage) -> None:
    page = open_rendered_page(app_url, name="exec-overview-1920x1080")
    settle(page, "exec-overview-1920x1080")
    assert_drawn(page, min_charts=2, min_tiles=13)
    headings = page.locator('[data-testid="stHeading"]').all_inner_texts()
    assert headings[:2] == ["Executive overview", "Customer benefit"]
    # the first row of tiles is customer benefit, and the growth row still shows on first sight
    growth = page.locator('[class*="st-key-tile_"][class*="_new_customers"]').bounding_box()
    assert growth is not None and growth["y"] < 1080


def test_overview_screen_mode_at_1920x1080(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(f"{app_url}/?screen=1", name="exec-overview-screen-1920x1080")
    settle(page, "exec-overview-screen-1920x1080")
    assert_drawn(page, min_tiles=13)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').count() == 0
    assert_fits(page, 1080)
    size = page.locator('[data-testid="stMetricValue"] p').first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 44, f"tile values are {size}px: too small to read across a room"


def test_overview_screen_mode_at_3840x2160(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(
        f"{app_url}/?screen=1", name="exec-overview-screen-3840x2160", width=3840, height=2160
    )
    settle(page, "exec-overview-screen-3840x2160")
    assert_drawn(page, min_tiles=13)
    assert_fits(page, 2160)
    size = page.locator('[data-testid="stMetricValue"] p').first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 88, f"on a 4K screen tile values are {size}px"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screen_mode_has_high_contrast_in_both_themes(
    app_url: str, chromium_browser: Browser, scheme: str
) -> None:
    context = chromium_browser.new_context(
        viewport={"width": 1920, "height": 1080}, color_scheme=scheme
    )
    try:
        page = context.new_page()
        page.goto(f"{app_url}/?screen=1")
        wait_until_rendered(page)
        settle(page, f"exec-overview-screen-{scheme}")
        background, text = page.evaluate(COLOURS_JS)
        dark_background = contrast(background, "rgb(0, 0, 0)") < contrast(
            background, "rgb(255, 255, 255)"
        )
        assert dark_background == (scheme == "dark"), (scheme, background)
        assert contrast(background, text) >= 7, (background, text)  # WCAG AAA
    finally:
        context.close()


@pytest.mark.parametrize("path", ["benefits", "growth"])
@pytest.mark.parametrize("screen", [False, True], ids=["normal", "screen"])
def test_benefit_and_growth_pages_draw_every_chart(
    app_url: str, open_rendered_page: OpenRenderedPage, path: str, screen: bool
) -> None:
    url = f"{app_url}/{path}" + ("?screen=1" if screen else "")
    name = f"exec-{path}-{'screen' if screen else 'normal'}"
    page = open_rendered_page(url, name=name)
    settle(page, name)
    assert_drawn(page, min_charts=4 if path == "benefits" else 2, min_tiles=0 if screen else 3)
    if screen:
        assert_fits(page, 1080)


def test_screen_rotates_through_the_chosen_pages_keeping_the_view(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(
        f"{app_url}/?screen=1&rotate=10&show=overview,growth&seg.region=North",
        name="exec-rotation-start",
    )
    page.wait_for_url("**/growth?**", timeout=30_000)
    wait_until_rendered(page)
    assert page.locator("h1").first.inner_text().startswith("Growth")
    assert "screen=1" in page.url and "seg.region=North" in page.url and "rotate=10" in page.url


@pytest.fixture
def refreshable_app(demo_workspace: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app on a private copy of the demo workspace, so a test may write a new snapshot."""
    copy = tmp_path / "workspace"
    shutil.copytree(demo_workspace.parent, copy, ignore=shutil.ignore_patterns("*.log"))
    config = copy / demo_workspace.name
    with running_streamlit(
        "app.py",
        cwd=REPO_ROOT,
        log_path=tmp_path / "streamlit.log",
        env={"BENEFITBOARD_CONFIG": str(config)},
    ) as base_url:
        yield base_url, config


def test_screen_picks_up_a_new_snapshot_without_reloading(
    refreshable_app: tuple[str, Path], chromium_browser: Browser
) -> None:
    from benefitboard.config import load_workspace
    from store.snapshots import current_snapshot, write_snapshot

    base_url, config = refreshable_app
    context = chromium_browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        page.goto(f"{base_url}/?screen=1")
        wait_until_rendered(page)
        page.evaluate("window.__sameDocument = true")  # gone if the browser reloads the page
        caption = page.locator('[data-testid="stCaptionContainer"]').first
        assert "data updated 01 Nov 2026 07:00" in caption.inner_text()

        store_dir = load_workspace(config).store_dir
        shown = current_snapshot(store_dir)
        frames = {name: frame.collect() for name, frame in shown.frames().items()}
        write_snapshot(
            store_dir,
            entries=shown.datasets.values(),
            frames=frames,
            quarantines={},
            now=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        )
        deadline = time.monotonic() + 30
        while "10:30" not in caption.inner_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "data updated 01 Nov 2026 10:30" in caption.inner_text()
        assert page.evaluate("window.__sameDocument === true")
    finally:
        context.close()
