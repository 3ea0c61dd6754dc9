"""Downloads in Chromium: a click on a chart's PNG and on the overview slide gives real files.

The files are made on the click (deferred downloads), by kaleido driving the
same Debian Chromium, and reach the browser as downloads with their names.
Clicking the slide records a pin of the shared demo snapshot (what its stamped
link needs); nothing in the session depends on the absence of pins.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.rendered_page import OpenRenderedPage

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXPORT_TIMEOUT_MS = 60_000  # the first export starts kaleido's Chromium on the server


def download(page: Page, key: str) -> tuple[str, bytes]:
    """Click the download button with widget ``key``; the file's suggested name and bytes."""
    button = page.locator(f".st-key-{key} button:visible")  # Streamlit also keeps a hidden copy
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=EXPORT_TIMEOUT_MS) as started:
        button.click()
    file = started.value
    assert file.failure() is None, file.failure()
    return file.suggested_filename, Path(file.path()).read_bytes()


def test_a_chart_png_and_the_overview_slide_download_in_the_browser(
    demo_app_url: str, open_rendered_page: OpenRenderedPage
):
    page = open_rendered_page(demo_app_url)

    name, png = download(page, "download-png-trend_chart")
    assert name == "nps-by-week-2026-10-02-2026-10-31.png"
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000

    name, pdf = download(page, "download-slide-pdf")
    assert name == "executive-overview-2026-10-02-2026-10-31.pdf"
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000

    name, slide = download(page, "download-slide-png")
    assert name.endswith(".png") and slide.startswith(PNG_SIGNATURE)
    assert int.from_bytes(slide[16:20], "big") == 3200  # 1600 × 900 at 2×
    assert not page.locator('[data-testid="stException"]').count()
