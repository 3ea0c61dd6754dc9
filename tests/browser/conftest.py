"""Browser-test harness: headless Chromium (Playwright) against the real app on a demo workspace.

    def test_overview(demo_app_url: str, open_rendered_page: OpenRenderedPage) -> None:
        page = open_rendered_page(demo_app_url)    # rendered, screenshot taken, no exception
        assert page.locator('[data-testid="stMetric"]').count() >= 8

Chromium is Debian's (`apt-get install chromium`); Playwright only drives it, so
`playwright install` is never needed. Screenshots land in test-output/ (git-ignored).
"""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from tests.browser.rendered_page import (
    EXCEPTION,
    RENDER_TIMEOUT_MS,
    SCREENSHOT_DIR,
    OpenRenderedPage,
    screenshot_name,
    wait_until_rendered,
)
from tests.browser.streamlit_server import running_streamlit, server_log_tail

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's chromium launcher, if installed."""
    if found := shutil.which("chromium"):
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="session")
def chromium_browser(require: Callable[[str], NoReturn]) -> Iterator["Browser"]:
    """One headless Chromium for the whole session; each page gets its own context."""
    executable = chromium_path()
    if executable is None:
        require(
            "Chromium is not installed: `apt-get install chromium chromium-driver` "
            "(scripts/test.sh does this when run as root)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("playwright is not installed: pip install -r requirements-dev.txt")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_app_url(demo_workspace: Path) -> Iterator[str]:
    """The real app (app.py) serving the shared demo workspace; yields its base URL."""
    with running_streamlit(
        "app.py",
        cwd=REPO_ROOT,
        log_path=demo_workspace.parent / "streamlit.log",
        env={"BENEFITBOARD_CONFIG": str(demo_workspace)},
    ) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def app_url(demo_app_url: str) -> str:
    """The shared demo app. No entry page is opened first: a deep link works on a fresh
    server (tests/browser/test_launch_browser.py)."""
    return demo_app_url


@pytest.fixture
def open_rendered_page(
    chromium_browser: "Browser", request: pytest.FixtureRequest
) -> Iterator[OpenRenderedPage]:
    """Open a URL at a viewport size, wait until rendered, screenshot it, fail on an exception.

    The screenshot (test-output/<name>.png, named after the test unless given a name) is
    taken before the checks, so a failing page can be looked at.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    contexts = []

    def open_page(
        url: str, *, name: str | None = None, width: int = 1920, height: int = 1080
    ) -> "Page":
        context = chromium_browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        screenshot = SCREENSHOT_DIR / f"{screenshot_name(name or request.node.name)}.png"
        try:
            wait_until_rendered(page)
        except PlaywrightTimeout as error:
            page.screenshot(path=screenshot, full_page=True)
            pytest.fail(
                f"{url} did not finish rendering within {RENDER_TIMEOUT_MS // 1000} s "
                f"({error.message.splitlines()[0]}); screenshot: {screenshot}",
                pytrace=False,
            )
        page.screenshot(path=screenshot, full_page=True)
        exceptions = page.locator(EXCEPTION)
        if exceptions.count():
            log_tail = server_log_tail(url)
            pytest.fail(
                f"{url} shows {exceptions.count()} exception(s); screenshot: {screenshot}\n"
                f"On the page: {exceptions.first.inner_text()[:2000]}"
                + (f"\nServer log (end):\n{log_tail}" if log_tail else ""),
                pytrace=False,
            )
        return page

    yield open_page
    for context in contexts:
        context.close()
