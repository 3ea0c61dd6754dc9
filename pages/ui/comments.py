"""Customers' own words on screen: strictly as text, personal data masked, newest first.

A comment is data typed by a stranger. It may contain HTML (``<script>``),
Markdown (``[click](http://…)``), an e-mail address or a phone number. So the
words are drawn with ``st.text`` (no Markdown, no HTML: what was typed is what
is shown), masked by ``metrics.pii`` unless the viewer asked to see them, and
every data value in the line under them goes through ``escape_markdown``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from metrics.pii import mask_personal_data
from metrics.verbatims import Page, export_table
from pages.ui.context import PageContext
from pages.ui.links import show_view
from pages.ui.state import ViewState
from pages.ui.text import escape_markdown

Describe = Callable[[dict], Sequence[str]]
"""A row -> the short facts shown under its words (date, score, segments…)."""


def words_hidden(context: PageContext) -> bool:
    """True, with a line saying why, when this viewer may not read customers' own words.

    With sign-in configured, comments, notes and their downloads are for the
    analyst role (``benefitboard.access``); counts and charts are for everyone.
    """
    if context.sees_customer_data:
        return False
    st.caption(
        "Customers' own words and downloads are shown to analysts only; ask the dashboard's "
        "owner for the analyst role."
    )
    return True


def comment_cards(rows: pl.DataFrame, text: str, describe: Describe, *, mask: bool = True) -> None:
    """One bordered card per row: the words as plain text, then a line of facts."""
    for row in rows.iter_rows(named=True):
        words = row[text] or ""
        with st.container(border=True):
            st.text(mask_personal_data(words) if mask else words, width="stretch")
            facts = [escape_markdown(f) for f in describe(row) if f]
            st.caption(" · ".join(facts))


def local_time(moment: datetime | None, timezone: str) -> str:
    """'31 Oct 2026, 14:05' in the reporting time zone."""
    if moment is None:
        return ""
    return f"{moment.astimezone(ZoneInfo(timezone)):%d %b %Y, %H:%M}"


def pager(page: Page, view: ViewState, key: str, script: str) -> None:
    """Buttons to newer and older pages of ``script`` (a page file); the number is in the URL."""
    if page.pages <= 1:
        return
    newer, where, older = st.columns([1, 2, 1])
    if newer.button("← Newer", key=f"{key}-newer", disabled=page.number <= 1):
        show_view(view.with_(page_number=page.number - 1), script)
    where.caption(f"Page {page.number:,} of {page.pages:,}")
    if older.button("Older →", key=f"{key}-older", disabled=page.number >= page.pages):
        show_view(view.with_(page_number=page.number + 1), script)


def download_comments(
    rows: pl.DataFrame, columns: Sequence[str], text: str, file_name: str, *, key: str
) -> None:
    """A CSV of ``rows`` (personal data masked, formula-safe), built only when clicked."""
    st.download_button(
        f"Download {rows.height:,} comments (CSV, personal data masked)",
        data=lambda: export_table(rows, columns, text).write_csv(),
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon="⬇️",
    )
