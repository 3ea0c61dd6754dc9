"""Growth: acquisition by channel and revenue, for the same period and filters as every page.

Acquisition: new customers, spend, CAC and conversion per channel, so what a
channel costs is read beside what it brings. Revenue: recognised revenue,
MRR and ARR, net revenue retention and gross churn, with their trends read
against the company's events.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from charts.growth import channel_figure, channel_table
from charts.style import money
from charts.trends import kpi_trend_figure, trend_window
from metrics import MetricUnavailableError, Period
from pages.ui import series
from pages.ui.charts import show_chart
from pages.ui.context import PageContext, page_context
from pages.ui.formatting import formatted
from pages.ui.kpis import registry_for, settings_for
from pages.ui.screen import page_header
from pages.ui.tables import show_table
from pages.ui.tiles import tile_row

ACQUISITION = ("new_customers", "cac", "conversion")
REVENUE = ("revenue", "mrr", "arr", "nrr", "gross_churn")
CHANNEL = "channel"
SCREEN_CHART_HEIGHT = 540


def channels(context: PageContext) -> pl.DataFrame | None:
    """The channel table (new customers, spend, CAC, conversion), or None with the reason shown."""
    try:
        new = series.by_segment(context, "new_customers", CHANNEL)
        cac = series.by_segment(context, "cac", CHANNEL)
    except MetricUnavailableError as error:
        st.info(f"No acquisition by channel: {error.reason}.")
        return None
    try:
        conversion = series.by_segment(context, "conversion", CHANNEL)
    except MetricUnavailableError:
        conversion = None  # no visitors column: the table says so with empty cells
    try:
        spend = series.spend_by_channel(context)
    except MetricUnavailableError:
        spend = None
    return channel_table(new, cac, conversion, spend)


def channel_section(context: PageContext, height: int | None) -> None:
    table = channels(context)
    if table is None:
        return
    registry = registry_for(context.workspace)
    kpis = {k: registry.get(k) for k in ACQUISITION}
    currency = context.workspace.currency
    show_chart(channel_figure(table, kpis, currency=currency, height=height), key="channels")
    if context.view.screen:
        return
    shown = table.select(
        pl.col(CHANNEL).alias("Channel"),
        formatted(
            table, "new_customers", kpis["new_customers"].format_value, skip_nulls=True
        ).alias("New customers"),
        formatted(table, "spend", lambda v: money(v, currency), skip_nulls=True).alias("Spend"),
        formatted(
            table, "cac", lambda v: kpis["cac"].format_value(v, currency), skip_nulls=True
        ).alias("CAC"),
        formatted(table, "conversion", kpis["conversion"].format_value, skip_nulls=True).alias(
            "Conversion"
        ),
    )
    show_table(shown, name="Acquisition by channel")


def trend_chart(context: PageContext, kpi_id: str, key: str, height: int | None) -> None:
    registry = registry_for(context.workspace)
    kpi = registry.get(kpi_id)
    grain = context.view.grain
    start, end = trend_window(context.period.start, context.period.end, grain)
    try:
        frame = series.trend(context, kpi_id, Period(start, end), grain)
    except MetricUnavailableError as error:
        st.info(f"No {kpi.label} trend: {error.reason}.")
        return
    figure = kpi_trend_figure(
        frame,
        kpi,
        target=registry.target(kpi_id, settings_for(context.workspace)),
        currency=context.workspace.currency,
        grain=grain,
        events=series.events(context),
        window=(start, end),
        period=(context.period.start, context.period.end),
        title=f"{kpi.label} by {grain}",
        height=height,
    )
    show_chart(figure, key=key)


def normal_layout(context: PageContext) -> None:
    st.subheader("Acquisition")
    tile_row(context, ACQUISITION)
    left, right = st.columns([3, 2])
    with left:
        channel_section(context, None)
    with right:
        trend_chart(context, "new_customers", "new_customers_trend", None)
    st.subheader("Revenue")
    tile_row(context, REVENUE)
    left, right = st.columns(2)
    with left:
        trend_chart(context, "revenue", "revenue_trend", None)
    with right:
        trend_chart(context, "nrr", "nrr_trend", None)


def screen_layout(context: PageContext) -> None:
    tile_row(context, ("new_customers", "cac", "conversion", "revenue", "mrr", "nrr"))
    left, right = st.columns([3, 2])
    with left:
        channel_section(context, SCREEN_CHART_HEIGHT)
    with right:
        trend_chart(context, "revenue", "revenue_trend", SCREEN_CHART_HEIGHT)


context = page_context()
page_header("Growth", context)
if context is not None:
    if context.view.screen:
        screen_layout(context)
    else:
        normal_layout(context)
