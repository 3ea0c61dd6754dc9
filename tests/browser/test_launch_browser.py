"""`streamlit run app.py`, as every Streamlit user, host and container runs it, in Chromium.

A folder named ``pages`` beside the entrypoint is Streamlit's legacy multipage layout until
the first ``st.navigation`` call, so on a fresh server the first visitor of a deep link
used to get the page file run alone (only its title) and Streamlit's own page list. Each
test here starts its own server and opens a deep link as its very first request.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import REPO_ROOT
from tests.browser.rendered_page import SCREENSHOT_DIR as SCREENSHOTS
from tests.browser.streamlit_server import running_streamlit, streamlit_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAIN = '[data-testid="stMain"]'
NAVIGATION = '[data-testid="stSidebarNav"]'
DECLARED = ["Executive overview", "Customer benefit", "Survey drill-down", "Data quality"]
LEGACY_NAMES = ["app", "benefits", "data quality", "drilldown", "overview"]
"""How Streamlit's legacy page list names the files in pages/ (and app.py)."""


def test_the_launch_command_is_plain_streamlit_run():
    command = streamlit_command("app.py", 8501)
    assert command[1:5] == ["-m", "streamlit", "run", "app.py"]


@pytest.mark.parametrize(
    ("path", "heading", "content"),
    [
        ("/drilldown", "Survey drill-down", "What changed"),
        ("/data-quality", "Data quality", "Recent refreshes"),
        ("/", "Executive overview", "Customer benefit"),
    ],
)
def test_a_deep_link_is_the_first_request_on_a_fresh_server(
    demo_workspace: Path, chromium_browser, tmp_path: Path, path: str, heading: str, content: str
):
    with running_streamlit(
        "app.py",
        cwd=REPO_ROOT,
        log_path=tmp_path / "streamlit.log",
        env={"BENEFITBOARD_CONFIG": str(demo_workspace)},
    ) as base_url:
        context = chromium_browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        page.goto(f"{base_url}{path}")
        page.locator(MAIN).get_by_text(content).first.wait_for(timeout=90_000)
        page.wait_for_timeout(1_000)  # a "Page not found" dialog would be up by now
        page.screenshot(path=SCREENSHOTS / f"plain-run-{path.strip('/') or 'root'}.png")
        assert page.locator('[data-testid="stException"]').count() == 0
        main = page.locator(MAIN).inner_text()
        assert heading in main and content in main  # the page, with app.py's filters and data
        assert "Page not found" not in page.locator("body").inner_text()
        assert page.get_by_text("Filters").count() >= 1  # app.py's shared filter bar ran
        navigation = page.locator(NAVIGATION).inner_text().splitlines()
        shown = [line.strip() for line in navigation if line.strip()]
        assert all(title in shown for title in DECLARED), shown
        assert not any(name in shown for name in LEGACY_NAMES), shown
        context.close()


@pytest.mark.parametrize(
    "header",
    [
        {"X-Real-IP": "203.0.113.9"},
        {"Forwarded": "for=203.0.113.9"},
        {"X-Forwarded-For": "203.0.113.9"},
    ],
    ids=["x-real-ip", "forwarded", "x-forwarded-for"],
)
def test_a_forwarded_visitor_is_refused_by_the_real_server(app_url, chromium_browser, header):
    """What a local reverse proxy sends: the real server, the real headers, no sign-in set."""
    context = chromium_browser.new_context(extra_http_headers=header)
    page = context.new_page()
    page.goto(app_url)
    page.get_by_text("only serves the computer it runs on").first.wait_for(timeout=60_000)
    assert "Executive overview" not in page.locator(MAIN).inner_text()
    context.close()


def test_a_local_visitor_without_forwarding_headers_is_served(app_url, chromium_browser):
    context = chromium_browser.new_context()
    page = context.new_page()
    page.goto(app_url)
    page.locator(MAIN).get_by_text("Customer benefit").first.wait_for(timeout=60_000)
    assert "only serves the computer it runs on" not in page.locator("body").inner_text()
    context.close()
