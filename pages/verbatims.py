"""Verbatims: the survey comments behind the current view, in the customers' own words.

The same period and segment filters as every other page, so "NPS fell in
North" leads straight to what North's detractors wrote. Search is plain text
(words and "quoted phrases", never a pattern), newest first, a page at a time;
each comment shows its score and segments. Comments render strictly as text,
and e-mail addresses and phone numbers are masked on screen and in the CSV.

When the survey responses are live (``mode = "live"``), the warehouse does the
searching and counting and sends only the page shown; the CSV then holds that
page.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import polars as pl
import streamlit as st

from connectors.errors import SourceError
from metrics.engine import MetricUnavailableError
from metrics.verbatims import RESPONSE_COMMENTS, Page, page_of
from pages.ui import data, drill
from pages.ui.comments import comment_cards, download_comments, local_time, pager
from pages.ui.context import PageContext, page_context
from pages.ui.downloads import downloads_allowed
from pages.ui.links import show_view, url_key
from pages.ui.state import MAX_SEARCH_LENGTH, ViewState
from pages.ui.text import escape_markdown

HERE = "pages/verbatims.py"
PAGE_SIZE = 20
SURVEYS = {"all": "All surveys", "nps": "NPS", "csat": "CSAT", "ces": "CES"}
BANDS = {
    "all": "All scores",
    "detractors": "Unhappy (NPS detractors 0–6, CSAT 1–2, CES hard)",
    "passives": "In between (NPS passives 7–8, CSAT 3, CES 4)",
    "promoters": "Happy (NPS promoters 9–10, CSAT 4–5, CES easy)",
}
ALIASES = {"low": "detractors", "high": "promoters"}


def controls(view: ViewState, answered: frozenset[str] | None = None) -> ViewState:
    """Survey, score band and search, from the URL; a change goes back into the URL.

    ``answered``: the surveys the workspace has answers for (None: every survey); the
    others are not offered."""
    offered = [s for s in SURVEYS if s == "all" or answered is None or s in answered]
    survey = view.kpi if view.kpi in offered else "all"
    band = ALIASES.get(view.band, view.band)
    left, middle, right = st.columns([1, 2, 3])
    chosen_survey = left.selectbox(
        "Survey",
        offered,
        index=offered.index(survey),
        format_func=SURVEYS.__getitem__,
        key=url_key("verbatim_survey", survey),
    )
    chosen_band = middle.selectbox(
        "Score",
        list(BANDS),
        index=list(BANDS).index(band),
        format_func=BANDS.__getitem__,
        key=url_key("verbatim_band", band),
    )
    search = right.text_input(
        "Search the comments",
        value=view.search or "",
        max_chars=MAX_SEARCH_LENGTH,
        placeholder='words or "a phrase", e.g. late "new carrier"',
        key=url_key("verbatim_search", view.search),
    ).strip()
    chosen = view.with_(
        kpi=None if chosen_survey == "all" else chosen_survey,
        band=chosen_band,
        search=search or None,
    )
    if (chosen.kpi, chosen.band, chosen.search) != (view.kpi, view.band, view.search):
        show_view(chosen.with_(page_number=1), HERE)
    return chosen


def describe(context: PageContext):
    """The facts under each comment: when, which survey and score, touchpoint, segments."""
    segments = context.workspace.segments("responses")
    timezone = context.workspace.timezone

    def facts(row: dict) -> list[str]:
        score = row.get("score")
        survey = (row.get("survey") or "").upper()
        shown = [
            local_time(row.get("responded_at"), timezone),
            f"{survey} {score:g}" if score is not None else survey,
        ]
        if row.get("touchpoint"):
            shown.append(f"about {row['touchpoint']}")
        shown += [f"{s.replace('_', ' ')}: {row[s]}" for s in segments if row.get(s)]
        return shown

    return facts


def export_columns(context: PageContext) -> list[str]:
    return [
        "response_id",
        "responded_at",
        "survey",
        "score",
        "touchpoint",
        *context.workspace.segments("responses"),
        "comment",
    ]


def comments_page(context: PageContext, view: ViewState) -> tuple[Page, pl.DataFrame]:
    """The page of comments to show, and the rows its download holds.

    From a snapshot: every matching comment is found in memory, and the
    download holds them all. From a live responses table: the warehouse counts
    the matches and sends this page alone (``data.live_verbatims``), so the
    download holds the page shown.
    """
    surveys = () if view.kpi is None else (view.kpi,)
    if data.is_live(context, "responses"):
        found = data.live_verbatims(
            context,
            search=view.search,
            band=view.band,
            surveys=surveys,
            page=view.page_number,
            page_size=PAGE_SIZE,
        )
        return Page(found.frame, found.page, found.pages, found.total), found.frame
    rows = drill.verbatims(
        context, RESPONSE_COMMENTS, search=view.search, band=view.band, surveys=surveys
    )
    return page_of(rows, view.page_number, PAGE_SIZE), rows


context = page_context()
st.title("Verbatims")
if context is not None:
    if data.dataset_columns(context, "responses") is None:
        st.info("This workspace has no survey responses, so there are no comments to read.")
    else:
        st.caption(
            drill.period_caption(context, comparison=False)
            + " · e-mail addresses and phone numbers are masked"
        )
        view = controls(context.view, data.holdings(context).surveys)
        try:
            page, downloadable = comments_page(context, view)
        except MetricUnavailableError as error:
            st.info(error.reason)
            st.stop()
        except SourceError as error:
            st.error(escape_markdown(str(error)), icon="⛔")
            st.stop()
        count, download = st.columns([1, 3], vertical_alignment="bottom")
        count.metric("Comments in this view", f"{page.total:,}", border=True)
        if page.total == 0:
            st.info("No comments match this view. Widen the period, the filters or the search.")
        else:
            if downloads_allowed(context):
                with download:
                    download_comments(
                        downloadable,
                        export_columns(context),
                        "comment",
                        f"verbatims-{context.period.start}-{context.period.end}.csv",
                        key="verbatims-download",
                    )
            first = (page.number - 1) * PAGE_SIZE + 1
            st.caption(f"Newest first · showing {first:,}–{first + page.rows.height - 1:,}")
            comment_cards(page.rows, "comment", describe(context))
            pager(page, view, "verbatims", HERE)
