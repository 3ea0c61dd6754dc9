"""Every page in Chromium on workspaces with only some datasets: no exception, no empty chart.

The browser half of ``tests/app/test_workspace_matrix_app.py`` (issue 16), which checks
every page of every workspace of the matrix in AppTest. Here one real ``streamlit run
app.py`` per workspace opens each page that can draw a chart by its address, as a shared
link would. To stay fast (each server costs seconds of CPU) it leaves out the NPS-only
workspace (CSAT only's mirror) and the full demo (tests/browser/test_exec_browser.py and
test_drilldown_browser.py open its pages), and the pages without charts in these
workspaces. Screenshots: test-output/matrix-<workspace>-<page>.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.app.workspace_matrix import matrix_workspace  # noqa: F401 (a fixture)
from tests.browser.conftest import REPO_ROOT
from tests.browser.rendered_page import (
    CHARTS_DRAWN_JS,
    EXCEPTION,
    RENDER_TIMEOUT_MS,
    SCREENSHOT_DIR,
    SCRIPT_FINISHED,
    screenshot_name,
)
from tests.browser.streamlit_server import running_streamlit, server_log_tail
from tests.browser.test_exec_browser import TRACES_WITH_DATA_JS

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = '[data-testid="stHeading"] h1, h1'
"""Every page starts with its title, whatever else it can draw for the workspace."""
WORKSPACES = ("csat only", "orders only", "growth only", "olist")
BROWSER_PAGES = (
    None,
    "pages/benefits.py",
    "pages/growth.py",
    "pages/drilldown.py",
    "pages/feedback.py",
)


def address(page: str | None) -> str:
    """The URL path of a page file (pages/data-quality.py → /data-quality)."""
    return "/" if page is None else "/" + Path(page).stem


@pytest.mark.parametrize("matrix_workspace", WORKSPACES, indirect=True)
def test_every_page_renders_in_the_browser(
    matrix_workspace: tuple[str, Path],  # noqa: F811 (the fixture imported above)
    chromium_browser: Browser,
) -> None:
    name, config = matrix_workspace
    context = chromium_browser.new_context(viewport={"width": 1600, "height": 1000})
    with running_streamlit(
        "app.py",
        cwd=REPO_ROOT,
        log_path=config.parent / "streamlit-matrix.log",
        env={"BENEFITBOARD_CONFIG": str(config)},
    ) as base_url:
        page = context.new_page()
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        for path in map(address, BROWSER_PAGES):
            url = base_url + path
            page.goto(url, wait_until="domcontentloaded")
            page.locator(TITLE).first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
            page.locator(SCRIPT_FINISHED).wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
            page.wait_for_function(CHARTS_DRAWN_JS, polling=200, timeout=RENDER_TIMEOUT_MS)
            shot = SCREENSHOT_DIR / f"{screenshot_name(f'matrix-{name}-{path}')}.png"
            page.screenshot(path=shot, full_page=True)
            exceptions = page.locator(EXCEPTION)
            assert not exceptions.count(), (
                f"{name} {path}: {exceptions.first.inner_text()[:1000]}\n{server_log_tail(url)}"
            )
            traces = page.evaluate(TRACES_WITH_DATA_JS)
            assert all(traces), f"{name} {path}: a chart has no data ({traces}); see {shot}"
    context.close()
