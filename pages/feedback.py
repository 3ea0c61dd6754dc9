"""Feedback themes: the system of record for what customers ask for, linked to the roadmap.

Themes are weighed by distinct customers and their account value
(``metrics.feedback_themes``), compared with the comparison period and followed
over time. The shared taxonomy in the workspace config tags survey comments and
support notes into the same themes, so a theme page — the page a product
manager shares in a roadmap review — holds everything customers said about it:
feedback items, survey comments and contact notes, newest first. Below the themes, the
candidate themes the taxonomy misses (``pages.ui.candidates``): clusters of the comments no
keyword tagged, with keywords to paste into the taxonomy.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import polars as pl
import streamlit as st

from charts.feedback import theme_bars, theme_origin_figure, theme_trend_heatmap
from metrics.engine import MetricUnavailableError
from metrics.pii import masked
from metrics.theme_mentions import theme_summary, theme_trend
from metrics.verbatims import page_of
from pages.ui import drill
from pages.ui.candidates import candidate_section
from pages.ui.charts import show_chart
from pages.ui.comments import comment_cards, download_comments, local_time, pager, words_hidden
from pages.ui.context import PageContext, page_context
from pages.ui.links import clicked, selectable_table, show_view, url_key
from pages.ui.tables import show_table
from pages.ui.text import escape_markdown

HERE = "pages/feedback.py"
ITEMS_PER_PAGE = 15
NEWEST_PER_THEME = 3
STATUS_WORDS = {
    "shipped": "shipped",
    "in_progress": "in progress",
    "planned": "planned",
    "wont_do": "won't do",
    "new": "not on the roadmap",
}
ORIGIN_COUNTS = {
    "feedback": "Feedback items",
    "survey comment": "Survey comments",
    "support contact": "Contact notes",
}
ORIGIN_DATASETS = {
    "feedback": "feedback",
    "survey comment": "responses",
    "support contact": "contacts",
}
"""The dataset each origin of a mention comes from: a count is shown only where it exists."""
FEEDBACK_COLUMNS = {
    "customers": "customers (feedback)",
    "customers_change": "customers (feedback) change",
    "account_value": "account value (feedback)",
    "account_value_change": "account value change",
    "items": "feedback items",
}
"""The feedback dataset's columns of the themes table, named for what they count."""
ALL_CUSTOMERS = "customers, all sources"


def overview(
    context: PageContext, themes: pl.DataFrame, summary: pl.DataFrame, has_feedback: bool
) -> None:
    """Every theme: customers and value now and before, roadmap link, tagged comments; a trend."""
    left, right = st.columns([2, 3])
    with left:
        event = show_chart(
            theme_bars(themes),
            on_select="rerun",
            selection_mode="points",
            key=url_key("feedback_bars", _view_key(context)),
        )
        _open(context, clicked(event))
    with right:
        try:
            history = drill.theme_history(context)
        except MetricUnavailableError as error:
            st.info(error.reason)
        else:
            show_chart(
                theme_trend_heatmap(history, grain=drill.theme_window(context)[1]),
                key=url_key("feedback_trend", _view_key(context)),
            )
    table = theme_table(themes if has_feedback else None, summary)
    st.caption(
        (
            "Customers and account value (feedback) count feedback items, each customer once "
            "per theme; "
            if has_feedback
            else "No feedback dataset in this workspace: "
        )
        + "survey comments and contact notes are tagged by the workspace taxonomy, and "
        f"*{ALL_CUSTOMERS}* counts each customer once per theme. Select a row to open the theme."
    )
    row = selectable_table(
        table, url_key("feedback_table", _view_key(context)), name="Feedback themes"
    )
    if row is not None:
        _open(context, table["theme"][row])


def theme_table(themes: pl.DataFrame | None, summary: pl.DataFrame) -> pl.DataFrame:
    """``feedback_themes`` (None: the workspace has no feedback dataset) beside each theme's
    roadmap link and tagged comments and notes; every column named for what it counts."""
    tagged = summary.select(
        "theme",
        pl.col("survey_comment").alias("survey comments"),
        pl.col("support_contact").alias("contact notes"),
        pl.col("all_customers").alias(ALL_CUSTOMERS),
        pl.col("roadmap_item").alias("roadmap item"),
        pl.col("status").replace_strict(STATUS_WORDS, default=pl.col("status")),
    )
    if themes is None:
        return tagged.sort(ALL_CUSTOMERS, descending=True, nulls_last=True)
    changes = [c for c in ("customers_change", "account_value_change") if c in themes.columns]
    table = themes.select(
        "theme",
        "customers",
        *[pl.col(c).round(0) if "value" in c else pl.col(c) for c in changes],
        pl.col("account_value").round(0),
        "items",
    ).rename(FEEDBACK_COLUMNS, strict=False)
    first = FEEDBACK_COLUMNS["customers"]
    return table.join(tagged, on="theme", how="full", coalesce=True).sort(
        first, ALL_CUSTOMERS, descending=True, nulls_last=True
    )


def newest_per_theme(rows: pl.DataFrame) -> None:
    """The newest items per theme, as a table (text rendered literally, personal data masked)."""
    newest = (
        rows.sort("at", descending=True)
        .group_by("theme", maintain_order=True)
        .head(NEWEST_PER_THEME)
        .select("theme", "origin", pl.col("day").cast(pl.Utf8).alias("date"), masked("text"))
    )
    show_table(newest, name="Newest feedback per theme")


def theme_page(context: PageContext, theme: str, summary: pl.DataFrame) -> None:
    """Everything customers said about one theme: counts over time and their words."""
    window, grain = drill.theme_window(context)
    found = drill.mentions(context, window)
    rows = found.rows.filter(pl.col("theme") == theme)
    link = summary.filter(pl.col("theme") == theme)
    st.header(f"Theme: {escape_markdown(theme)}", anchor=False)
    if not link.is_empty() and link["roadmap_item"][0]:
        status = STATUS_WORDS.get(link["status"][0] or "", link["status"][0])
        st.markdown(
            f"Roadmap: **{escape_markdown(link['roadmap_item'][0])}** ({escape_markdown(status)})"
        )
    else:
        st.markdown("Roadmap: not linked to a roadmap item yet")
    period = context.period
    now = rows.filter(pl.col("day").is_between(period.start, period.end))
    held = context.snapshot.datasets
    origins = [
        (origin, label)
        for origin, label in ORIGIN_COUNTS.items()
        if (entry := held.get(ORIGIN_DATASETS[origin])) is not None and entry.has_data
    ]
    counts = st.columns(len(origins) + 1)
    customers = now["customer_id"].drop_nulls().n_unique()
    counts[0].metric("Distinct customers (all sources)", f"{customers:,}", border=True)
    for column, (origin, label) in zip(counts[1:], origins, strict=True):
        column.metric(label, f"{(now['origin'] == origin).sum():,}", border=True)
    if rows.is_empty():
        st.info(
            f"Nobody mentioned {escape_markdown(theme)} between {window.start} and {window.end}."
        )
        return
    trend = theme_trend(rows, window, grain, by_origin=True)
    show_chart(theme_origin_figure(trend, theme), key=url_key("theme_origins", _view_key(context)))
    st.subheader("What customers said", anchor=False)
    if words_hidden(context):
        return
    if now.is_empty():
        st.caption("Nothing in the selected period; the chart shows earlier mentions.")
        return
    page = page_of(now, context.view.page_number, ITEMS_PER_PAGE)
    st.caption(f"{page.total:,} items in the period, newest first · personal data masked")
    comment_cards(page.rows, "text", _describe(context))
    pager(page, context.view, "theme-items", HERE)
    download_comments(
        now,
        [
            "at",
            "origin",
            "detail",
            "customer_id",
            "account_value",
            "roadmap_item",
            "status",
            "text",
        ],
        "text",
        f"theme-{theme}-{period.start}-{period.end}.csv",
        key="theme-download",
    )
    if found.left_out:
        st.caption("Left out because the filters don't apply to them: " + "; ".join(found.left_out))


NEEDS = (
    "This page needs a feedback dataset, or survey comments or contact notes and a taxonomy "
    "(below) to tag them by theme; this workspace has neither yet."
)
NOTHING = "Nothing was said about a theme in this period: widen the period or the filters."


def has_words(context: PageContext) -> bool:
    """Whether the workspace has any dataset whose words the page reads."""
    held = context.snapshot.datasets
    return any(
        (entry := held.get(dataset)) is not None and entry.has_data
        for dataset in ORIGIN_DATASETS.values()
    )


def taxonomy_help(context: PageContext) -> None:
    taxonomy = context.workspace.taxonomy
    with st.expander("How comments are tagged (the shared taxonomy)"):
        if not taxonomy:
            st.markdown(
                "No taxonomy yet: add themes and keywords to the workspace config, e.g.\n\n"
                "```toml\n[taxonomy.themes.referrals]\n"
                'keywords = ["referral*", "refer a friend", "invite"]\n```'
            )
            return
        keywords = [", ".join(words) for words in taxonomy.values()]
        show_table(
            pl.DataFrame({"theme": list(taxonomy), "keywords": keywords}), name="Feedback taxonomy"
        )
        st.caption(
            "Keywords match whole words, ignoring case; a trailing * allows any ending. "
            "Edit them under [taxonomy] in the workspace config."
        )


def _describe(context: PageContext):
    timezone = context.workspace.timezone

    def facts(row: dict) -> list[str]:
        shown = [local_time(row.get("at"), timezone), row.get("origin") or ""]
        if row.get("detail"):
            shown.append(str(row["detail"]))
        if row.get("account_value") is not None:
            shown.append(f"account value {row['account_value']:,.0f}")
        return shown

    return facts


def _open(context: PageContext, theme: str | None) -> None:
    if theme is not None and theme != context.view.theme:
        show_view(context.view.with_(theme=theme, page_number=1), HERE)


def _view_key(context: PageContext) -> tuple:
    """Selections start afresh when the period, the filters or the open theme change."""
    view = context.view
    period = (context.period.start, context.period.end)
    return (*period, tuple(sorted(view.segments.items())), view.theme)


context = page_context()
st.title("Feedback themes")
if context is not None:
    st.caption(drill.period_caption(context))
    period_mentions = drill.mentions(context, drill.view_key(context).period)
    summary = theme_summary(period_mentions.rows)
    theme = context.view.theme
    if theme:
        if st.button("All themes", icon="↩️"):
            show_view(context.view.with_(theme=None, page_number=1), HERE)
        theme_page(context, theme, summary)
    else:
        has_feedback = True
        try:
            themes = drill.themes(context)
        except MetricUnavailableError as error:
            st.info(f"{error.reason}. Showing tagged survey comments and contact notes only.")
            has_feedback = False
            themes = summary.select(  # for the bars: customers and mentions, all sources
                "theme",
                pl.col("all_customers").alias("customers"),
                pl.lit(None, pl.Float64).alias("account_value"),
                items="mentions",
            )
        if themes.is_empty() and summary.is_empty():
            st.info(
                NOTHING
                if has_feedback or (has_words(context) and context.workspace.taxonomy)
                else NEEDS
            )
        else:
            overview(context, themes, summary, has_feedback)
            st.subheader("Newest items per theme", anchor=False)
            if not words_hidden(context):
                newest_per_theme(period_mentions.rows)
        candidate_section(context)
    taxonomy_help(context)
