"""The executive overview, opened in Chromium at 1920×1080 on the demo workspace."""

import pytest

from tests.browser.rendered_page import OpenRenderedPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A value a tile must never show: a missing or broken number leaking through formatting.
BROKEN_VALUES = {"", "nan", "NaN", "None", "null", "inf", "-inf"}


def test_overview_shows_kpi_tiles(demo_app_url: str, open_rendered_page: OpenRenderedPage) -> None:
    page = open_rendered_page(demo_app_url, name="overview-1920x1080")

    tiles = page.locator('[data-testid="stMetric"]')
    values = [
        value.strip() for value in tiles.locator('[data-testid="stMetricValue"]').all_inner_texts()
    ]
    headings = " ".join(page.locator('h1, [data-testid="stHeading"]').all_inner_texts())

    assert tiles.count() >= 8, f"expected at least 8 KPI tiles, found {tiles.count()}"
    assert len(values) == tiles.count(), "every KPI tile has a value"
    assert not [value for value in values if value in BROKEN_VALUES], f"tile values: {values}"
    assert any(word in f"{page.title()} {headings}" for word in ("Benefitboard", "Executive")), (
        f"title {page.title()!r}, headings {headings!r}"
    )
