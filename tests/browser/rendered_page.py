"""Open a Streamlit page in Chromium and wait until it has really finished drawing.

Streamlit draws in steps: the page shell, then elements as the script runs, then Plotly
charts after it finishes. A fixed sleep is either slow or flaky, so this waits for those
steps themselves:

    page.goto(base_url)
    wait_until_rendered(page)       # KPI tiles or charts are on screen, script done, charts drawn
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Screenshots of every opened page, to look at after a run (git-ignored).
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-output"
RENDER_TIMEOUT_MS = 60_000
# Something the app drew (a KPI tile or a Plotly chart), or the exception it raised instead.
FIRST_CONTENT = '[data-testid="stMetric"], .js-plotly-plot .main-svg, [data-testid="stException"]'
EXCEPTION = '[data-testid="stException"]'
SCRIPT_FINISHED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Charts draw after the script finishes: every chart has its SVG, no placeholder is left.
CHARTS_DRAWN_JS = """() =>
    [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .every(chart => chart.querySelector('.main-svg'))
    && !document.querySelector('[data-testid="stSkeleton"]')"""


class OpenRenderedPage(Protocol):
    """The `open_rendered_page` fixture: open url, wait until rendered, screenshot, check."""

    def __call__(
        self, url: str, *, name: str | None = None, width: int = 1920, height: int = 1080
    ) -> "Page": ...


def screenshot_name(text: str) -> str:
    """A readable, file-safe name: screenshot_name("test_kpi[wide]") == "test_kpi-wide"."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def wait_until_rendered(page: "Page", timeout_ms: int = RENDER_TIMEOUT_MS) -> None:
    """Wait for the app's first content, for its script to finish and for its charts to draw."""
    page.locator(FIRST_CONTENT).first.wait_for(state="visible", timeout=timeout_ms)
    page.locator(SCRIPT_FINISHED).wait_for(state="attached", timeout=timeout_ms)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=timeout_ms)
