"""Download buttons: a chart as PNG, a table as CSV, the overview as a slide; made on a click.

Why deferred: ``st.download_button`` accepts a callable as ``data`` and runs
it, in a thread of its own, only when someone clicks. A chart's PNG costs a
kaleido export (~0.1–0.3 s, seconds for the first one), a table's CSV an
encoding pass; done eagerly they would be paid on every rerun of every
viewer, for files almost nobody downloads. Deferred, a page render only
registers the callables. Clicks set ``on_click="ignore"``: downloading does
not rerun the page.

Who sees them: analysts (and local sessions without sign-in), as
``benefitboard.access`` promises — viewers see KPIs and charts. Never on the
leadership screen, which nobody clicks.

Example (on a page, the view's period follows: ``nps-by-region-2026-10-02-2026-10-31.png``):
    >>> file_name(None, "NPS by region", "png")
    'nps-by-region.png'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Literal

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from exports import images as image_exports
from exports import slide, tables
from pages.ui.context import PageContext

NAME_CHARS = 60
ICON = ":material/download:"


def downloads_allowed(context: PageContext | None, *, images: bool = False) -> bool:
    """Whether this viewer gets download buttons: analysts, off the leadership screen.

    ``images``: the download is a PNG or PDF, which also needs Chromium on the server.
    """
    if context is None or not context.sees_customer_data or context.view.screen:
        return False
    return image_exports.images_available() if images else True


def file_name(context: PageContext | None, name: str, extension: str) -> str:
    """A file name that says what and when: ``<name as a slug>-<period start>-<period end>.ext``.

    >>> file_name(None, "What changed NPS: contribution of each region", "png")
    'what-changed-nps-contribution-of-each-region.png'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", html.unescape(name).lower()).strip("-")[:NAME_CHARS]
    slug = slug.strip("-") or "benefitboard"
    if context is not None:
        slug += f"-{context.period.start}-{context.period.end}"
    return f"{slug}.{extension}"


def chart_name(figure: go.Figure, fallback: str) -> str:
    """The chart's own title (what a reader calls it), else ``fallback``."""
    title = figure.layout.title.text if figure.layout.title else None
    return title or fallback


def chart_download(context: PageContext | None, figure: go.Figure, *, key: str, name: str) -> None:
    """A small "PNG" button under a chart (the image is rendered on the click)."""
    _button(
        "PNG",
        lambda: image_exports.chart_image(figure, "png"),
        file_name(context, name, "png"),
        "image/png",
        key=f"download-png-{key}",
        help="Download this chart as a PNG image (white background, for slides)",
    )


def table_download(
    context: PageContext | None, frame: pl.DataFrame, *, key: str, name: str
) -> None:
    """A small "CSV" button under a table: exactly the values shown, safe in a spreadsheet."""
    _button(
        "CSV",
        lambda: tables.table_csv(frame),
        file_name(context, name, "csv"),
        "text/csv",
        key=f"download-csv-{key}",
        help=f"Download these {frame.height:,} rows as CSV (opens in Excel and Sheets)",
    )


def slide_downloads(
    rows: list[tuple[str, list]],
    stamp: slide.SlideStamp,
    *,
    name: str,
    on_download: Callable[[], None] | None = None,
) -> None:
    """ "Slide (PDF)" and "Slide (PNG)" buttons for the executive snapshot in ``rows``.

    ``on_download`` runs before the file is made (the overview records the pin
    its stamped link relies on, so the store keeps that snapshot).
    """

    def made(fmt: str) -> Callable[[], bytes]:
        def make() -> bytes:
            if on_download is not None:
                on_download()
            return slide.slide_file(rows, stamp, fmt)

        return make

    with st.container(horizontal=True):
        _button(
            "Slide (PDF)",
            made("pdf"),
            f"{name}.pdf",
            "application/pdf",
            key="download-slide-pdf",
            help="The tiles on one 16:9 page, stamped with period, filters, data snapshot "
            "and a pinned link back to this view",
            kind="secondary",
        )
        _button(
            "Slide (PNG)",
            made("png"),
            f"{name}.png",
            "image/png",
            key="download-slide-png",
            help="The same slide as a 3200 × 1800 image",
            kind="secondary",
        )


def _button(
    label: str,
    make: Callable[[], bytes],
    name: str,
    mime: str,
    *,
    key: str,
    help: str,
    kind: Literal["primary", "secondary", "tertiary"] = "tertiary",
) -> None:
    st.download_button(
        label,
        data=make,
        file_name=name,
        mime=mime,
        key=key,
        help=help,
        on_click="ignore",
        icon=ICON,
        type=kind,
    )
