"""The product-manager pages in Chromium: clicks drill in, the drill lives in the URL, and
customers' words show as the plain text they typed."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.rendered_page import OpenRenderedPage, wait_until_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAIN = '[data-testid="stMain"]'
CHART = '[data-testid="stPlotlyChart"]'


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def click_point(page, chart, index: int) -> None:
    """Click the ``index``-th bar or bubble of a Plotly chart's first trace, where a user would."""
    point = chart.locator(".trace").first.locator(".point").nth(index)
    chart.scroll_into_view_if_needed()
    box = point.bounding_box()
    # a little left of centre: the centre line carries the interval whisker
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)


def after_click(page, wanted: str, shown: str) -> None:
    """Wait until the URL matches ``wanted`` and the rerun has drawn ``shown``."""
    page.wait_for_function(
        "pattern => new RegExp(pattern).test(decodeURIComponent(location.href))",
        arg=wanted,
        timeout=30_000,
    )
    page.get_by_text(shown).first.wait_for(timeout=30_000)
    wait_until_rendered(page)


def test_clicking_a_segment_bar_drills_into_it_and_the_link_keeps_it(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(f"{app_url}/drilldown?split=region", name="drilldown-region")
    bars = page.locator(CHART).first
    names = bars.locator(".xtick text").all_text_contents()
    click_point(page, bars, names.index("North"))
    after_click(page, r"seg\.region=North", "Showing region = North")
    assert query(page)["split"] == "plan"  # drilled: North, now split by the next segment
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert re.search(r"Region\s+North", sidebar), sidebar
    assert "Showing region = North" in page.locator(MAIN).inner_text()
    # another click on the page keeps the drill (the filter bar follows the link)
    page.get_by_text("CSAT", exact=True).first.click()
    after_click(page, r"kpi=csat", "CSAT by plan")
    assert query(page)["seg.region"] == "North"
    page.screenshot(path="test-output/drilldown-north-csat.png", full_page=True)


def test_the_first_what_changed_row_is_north_and_selecting_it_drills_in(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(f"{app_url}/drilldown", name="drilldown-what-changed")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
    after_click(page, r"seg\.region=North", "Showing region = North")


def test_verbatims_show_html_and_markdown_as_typed(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    url = f"{app_url}/verbatims?from=2024-11-01&to=2026-10-31"  # the whole history
    page = open_rendered_page(f"{url}&q=script", name="verbatims-script")
    main = page.locator(MAIN)
    assert "Search is odd <script>alert('hi')</script> when I paste my list." in main.inner_text()
    assert main.locator("script").count() == 0
    page = open_rendered_page(f"{url}&q=click", name="verbatims-markdown-link")
    main = page.locator(MAIN)
    assert "[click](http://example.com)" in main.inner_text()
    assert main.locator('a[href*="example.com"]').count() == 0
    page = open_rendered_page(f"{url}&q=html", name="verbatims-html")
    assert page.locator(MAIN).locator("b").count() == 0
    assert "<b>html</b>" in page.locator(MAIN).inner_text()


def test_typing_a_search_puts_it_in_the_link(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(f"{app_url}/verbatims?kpi=nps", name="verbatims-search")
    box = page.get_by_label("Search the comments")
    box.fill('"new carrier"')
    box.press("Enter")
    after_click(page, r"q=", "Newest first")
    assert query(page)["q"] == '"new carrier"'
    cards = page.locator(f'{MAIN} [data-testid="stText"]').all_text_contents()
    assert cards and all("new carrier" in c.lower() for c in cards)


def test_clicking_a_reason_bubble_opens_its_notes(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(f"{app_url}/effort", name="effort")
    bubbles = page.locator(CHART).first
    labels = bubbles.locator(".textpoint text").all_text_contents()
    click_point(page, bubbles, labels.index("plan correction"))
    after_click(page, r"reason=plan", "Contact reason: plan correction")
    assert query(page)["reason"] == "plan correction"
    assert "Contact reason: plan correction" in page.locator(MAIN).inner_text()
    page.screenshot(path="test-output/effort-plan-correction.png", full_page=True)


def test_clicking_a_theme_opens_its_page(
    app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(f"{app_url}/feedback", name="feedback")
    bars = page.locator(CHART).first
    names = bars.locator(".ytick text").all_text_contents()
    click_point(page, bars, names.index("faster delivery"))
    after_click(page, r"theme=faster", "Theme: faster delivery")
    main = page.locator(MAIN).inner_text()
    assert "Theme: faster delivery" in main and "Same-day delivery pilot" in main
    page.screenshot(path="test-output/feedback-theme.png", full_page=True)
