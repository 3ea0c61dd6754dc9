"""Effort priorities: which contact reasons cost customers the most, and what they say about them.

Ranked by the metrics engine's priority (``metrics.effort_priority``): volume ×
mean handle time × how badly customers struggle (CES, shrunk towards the
average when few answered). So a rare reason where customers struggle badly
can outrank a frequent easy one — but only on enough evidence. Click a bubble
or a row to open the reason: its trend and the customers' own notes.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import polars as pl
import streamlit as st

from charts.effort import effort_bubbles, reason_trend_figure
from metrics.engine import MetricUnavailableError
from metrics.verbatims import CONTACT_COMMENTS, page_of
from pages.ui import drill
from pages.ui.charts import show_chart
from pages.ui.comments import comment_cards, download_comments, local_time, pager, words_hidden
from pages.ui.context import PageContext, page_context
from pages.ui.links import clicked, selectable_table, show_view, url_key
from pages.ui.metric_settings import settings_for
from pages.ui.text import escape_markdown

HERE = "pages/effort.py"
NOTES_PER_PAGE = 10


def effort_table(table: pl.DataFrame, ces_range: tuple[int, int]) -> pl.DataFrame:
    """The ranking as shown: intervals written out beside each mean, the CES interval cut to
    the scale (a t interval from three answers can reach below the lowest answer)."""
    low, high = ces_range
    table = table.with_columns(pl.col("ces_low", "ces_high").clip(low, high))
    return table.select(
        "rank",
        pl.col("contact_reason").alias("contact reason"),
        pl.col("volume").alias("contacts"),
        pl.format("{}%", (100 * pl.col("share")).round(1)).alias("share"),
        _with_interval("handle_minutes", "handle_low", "handle_high").alias("handle time (min)"),
        _with_interval("ces", "ces_low", "ces_high", 2).alias("CES"),
        pl.col("ces_n").alias("CES answers"),
        pl.col("ces_shrunk").round(2).alias("CES counted"),
        pl.col("priority").round(0).alias("priority"),
    )


def ranking(context: PageContext, table: pl.DataFrame) -> None:
    settings = settings_for(context.workspace)
    left, right = st.columns([3, 2])
    with left:
        event = show_chart(
            effort_bubbles(table, settings.ces_range, best=settings.ces_best),
            on_select="rerun",
            selection_mode="points",
            key=url_key("effort_bubbles", _view_key(context)),
        )
        _open(context, clicked(event))
    with right:
        st.markdown(
            "**Priority = contacts × mean handle time × struggle.** Struggle is how far the "
            "CES is from the easiest answer, after shrinking a reason's CES towards the "
            f"average by {settings.min_sample} answers' worth (*CES counted*): three bad "
            "answers are a hint, thirty are evidence."
        )
        st.caption(f"Basis: {table['basis'][0]}. Bubble size: priority; colour: CES.")
    shown = effort_table(table, settings.ces_range)
    row = selectable_table(
        shown, url_key("effort_table", _view_key(context)), name="Effort priorities"
    )
    if row is not None:
        _open(context, table["contact_reason"][row])


def reason_detail(context: PageContext, table: pl.DataFrame, reason: str) -> None:
    """One reason: where it ranks, its trend, and what the customers wrote."""
    found = table.filter(pl.col("contact_reason") == reason)
    st.subheader(f"Contact reason: {escape_markdown(reason)}", anchor=False)
    if found.is_empty():
        st.info("No contacts with this reason in the period: widen the period or the filters.")
        return
    row = found.row(0, named=True)
    st.markdown(
        f"Rank **{row['rank']}** of {table.height} · {row['volume']:,} contacts "
        f"({row['share']:.1%}) · priority {row['priority']:,.0f}"
    )
    left, right = st.columns(2)
    with left:
        try:
            history = drill.effort_history(context)
        except MetricUnavailableError as error:
            st.info(error.reason)
        else:
            show_chart(
                reason_trend_figure(history, reason, grain=context.view.grain),
                key=url_key("effort_trend", (reason, _view_key(context))),
            )
    with right:
        try:
            notes = drill.verbatims(
                context,
                CONTACT_COMMENTS,
                search=context.view.search,
                band=context.view.band,
                extra_filters={"contact_reason": reason},
            )
        except MetricUnavailableError as error:
            st.info(error.reason)
            return
        st.markdown(f"**What these customers wrote** ({notes.height:,} notes, newest first)")
        if words_hidden(context):
            return
        if notes.is_empty():
            st.caption("No notes for this reason in the period.")
            return
        page = page_of(notes, context.view.page_number, NOTES_PER_PAGE)
        comment_cards(page.rows, "comment", _describe(context))
        pager(page, context.view, "effort-notes", HERE)
        download_comments(
            notes,
            ["contact_id", "opened_at", "contact_reason", "channel", "ces_score", "comment"],
            "comment",
            f"contact-notes-{reason}.csv",
            key="effort-download",
        )


def _describe(context: PageContext):
    timezone = context.workspace.timezone
    segments = context.workspace.segments("contacts")

    def facts(row: dict) -> list[str]:
        shown = [local_time(row.get("opened_at"), timezone)]
        if row.get("ces_score") is not None:
            shown.append(f"CES {row['ces_score']:g}")
        if row.get("handle_seconds") is not None:
            shown.append(f"{row['handle_seconds'] / 60:.0f} min")
        if row.get("channel"):
            shown.append(f"via {row['channel']}")
        return shown + [f"{s}: {row[s]}" for s in segments if row.get(s)]

    return facts


def _open(context: PageContext, reason: str | None) -> None:
    if reason is not None and reason != context.view.reason:
        show_view(context.view.with_(reason=reason, page_number=1, search=None, band="all"), HERE)


def _with_interval(value: str, low: str, high: str, decimals: int = 1) -> pl.Expr:
    number = lambda c: pl.col(c).round(decimals).cast(pl.Utf8)  # noqa: E731
    return (
        pl.when(pl.col(low).is_not_null())
        .then(pl.format("{} ({}–{})", number(value), number(low), number(high)))
        .otherwise(number(value))
    )


def _view_key(context: PageContext) -> tuple:
    """Selections start afresh when the period, the filters or the open reason change."""
    view = context.view
    return (
        context.period.start,
        context.period.end,
        tuple(sorted(view.segments.items())),
        view.reason,
    )


context = page_context()
st.title("Effort priorities")
if context is not None:
    st.caption(drill.period_caption(context, comparison=False))
    try:
        table = drill.effort(context)
    except MetricUnavailableError as error:
        st.info(error.reason)
    else:
        ranking(context, table)
        reason = context.view.reason
        if reason:
            if st.button("Close this reason", icon="✖️"):
                show_view(context.view.with_(reason=None, page_number=1), HERE)
            reason_detail(context, table, reason)
        else:
            st.caption("Select a reason (a bubble or a row) to see its trend and customers' notes.")
