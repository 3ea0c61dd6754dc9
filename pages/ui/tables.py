"""Drawing a data table on a page: the grid, and for analysts a CSV of exactly what it shows.

Why a wrapper: every table a page shows can be taken to a spreadsheet, with
the same values in the same columns (formatted as on the page), encoded only
when someone clicks (``pages.ui.downloads``). Data cells are drawn by the grid
as plain text, never as Markdown or HTML.

In a page: ``show_table(shown, name="Effort priorities")`` (it draws, so it runs only
inside a Streamlit run; ``tests/app`` covers it).
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from pages.ui.context import page_context
from pages.ui.downloads import downloads_allowed, table_download


def show_table(frame: pl.DataFrame, *, name: str, key: str | None = None, **options: Any) -> Any:
    """``st.dataframe`` of ``frame`` (no index, full width), then a CSV download for analysts.

    ``name`` says what the table is (it names the file); ``options`` go to
    ``st.dataframe`` (``column_config``, ``on_select``…), whose return value is returned.
    """
    event = st.dataframe(frame, hide_index=True, width="stretch", key=key, **options)
    context = page_context()
    if downloads_allowed(context):
        table_download(context, frame, key=key or name, name=name)
    return event
