"""Growth: acquisition by channel and revenue, for the same period and filters as every page.

Acquisition: new customers, spend, CAC and conversion per channel, so what a
channel costs is read beside what it brings. Revenue: recognised revenue,
MRR and ARR, net revenue retention and gross churn, with their trends read
against the company's events.

Which KPIs each section tiles and trends comes from the registry (``sections`` in
``metrics.catalogue``: "growth.acquisition" tiles, "growth.revenue.trend" trends,
"growth.screen" on the leadership screen). The channel table is built from three
particular KPIs and names them once below.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import polars as pl
import streamlit as st

from charts.growth import channel_figure, channel_table
from charts.style import money
from charts.trends import kpi_trend_figure, trend_window
from metrics.engine import MetricUnavailableError
from metrics.periods import Period
from pages.ui import series
from pages.ui.charts import show_chart
from pages.ui.context import PageContext, page_context
from pages.ui.formatting import formatted
from pages.ui.kpis import registry_for, tracked_ids
from pages.ui.metric_settings import settings_for
from pages.ui.screen import page_header
from pages.ui.tables import show_table
from pages.ui.tiles import tile_row

NEW_CUSTOMERS, CAC, CONVERSION = "new_customers", "cac", "conversion"
"""The KPIs of the acquisition-by-channel chart and table."""
CHANNEL = "channel"
SCREEN_CHART_HEIGHT = 540


def channels(context: PageContext, tracked: set[str]) -> pl.DataFrame | None:
    """The channel table (new customers, spend, CAC, conversion), or None with the reason shown."""
    try:
        new = series.by_segment(context, NEW_CUSTOMERS, CHANNEL)
        cac = series.by_segment(context, CAC, CHANNEL)
    except MetricUnavailableError as error:
        st.info(f"No acquisition by channel: {error.reason}.")
        return None
    conversion = None  # no visitors column: the table leaves the column out
    if CONVERSION in tracked:
        try:
            conversion = series.by_segment(context, CONVERSION, CHANNEL)
        except MetricUnavailableError:
            conversion = None
    spend = None
    if CAC in tracked:
        try:
            spend = series.spend_by_channel(context)
        except MetricUnavailableError:
            spend = None
    return channel_table(new, cac, conversion, spend)


def channel_section(context: PageContext, height: int | None) -> None:
    """The channels' chart and table; only the columns the workspace tracks are shown, and the
    four-panel chart only when each panel has data (no panel with empty axes)."""
    registry = registry_for(context.workspace)
    tracked = set(tracked_ids(context, [NEW_CUSTOMERS, CAC, CONVERSION]))
    if NEW_CUSTOMERS not in tracked:
        return
    table = channels(context, tracked)
    if table is None:
        return
    kpis = {k: registry.get(k) for k in (NEW_CUSTOMERS, CAC, CONVERSION)}
    currency = context.workspace.currency
    if tracked == {NEW_CUSTOMERS, CAC, CONVERSION}:
        show_chart(channel_figure(table, kpis, currency=currency, height=height), key="channels")
    if context.view.screen:
        return
    columns = [
        pl.col(CHANNEL).alias("Channel"),
        formatted(table, NEW_CUSTOMERS, kpis[NEW_CUSTOMERS].format_value, skip_nulls=True).alias(
            "New customers"
        ),
    ]
    if CAC in tracked:
        columns += [
            formatted(table, "spend", lambda v: money(v, currency), skip_nulls=True).alias("Spend"),
            formatted(
                table, CAC, lambda v: kpis[CAC].format_value(v, currency), skip_nulls=True
            ).alias("CAC"),
        ]
    if CONVERSION in tracked:
        columns.append(
            formatted(table, CONVERSION, kpis[CONVERSION].format_value, skip_nulls=True).alias(
                "Conversion"
            )
        )
    show_table(table.select(columns), name="Acquisition by channel")


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


def section_ids(context: PageContext, section: str) -> list[str]:
    """The ids of the registry's KPIs in a page section (``Kpi.sections``) that the workspace
    tracks (``metrics.availability``): a KPI it can never compute gets no tile or chart."""
    return tracked_ids(context, [k.id for k in registry_for(context.workspace).in_section(section)])


def trend_charts(context: PageContext, section: str, height: int | None) -> None:
    """A trend chart for each KPI of a ``….trend`` section, one under the other."""
    for kpi_id in section_ids(context, section):
        trend_chart(context, kpi_id, f"{kpi_id}_trend", height)


NEEDS = (
    "This page needs acquisition (new customers per day and channel) or revenue data; this "
    'workspace has neither yet (docs/KPIS.md, "Growth").'
)
"""What the page says when the workspace tracks none of its KPIs."""


def normal_layout(context: PageContext) -> None:
    acquisition = section_ids(context, "growth.acquisition")
    if acquisition:
        st.subheader("Acquisition")
        tile_row(context, acquisition)
        left, right = st.columns([3, 2])
        with left:
            channel_section(context, None)
        with right:
            trend_charts(context, "growth.acquisition.trend", None)
    revenue = section_ids(context, "growth.revenue")
    if revenue:
        st.subheader("Revenue")
        tile_row(context, revenue)
        trends = section_ids(context, "growth.revenue.trend")
        for place, kpi_id in zip(st.columns(len(trends) or 1), trends, strict=False):
            with place:
                trend_chart(context, kpi_id, f"{kpi_id}_trend", None)
    if not acquisition and not revenue:
        st.info(NEEDS)


def screen_layout(context: PageContext) -> None:
    if not section_ids(context, "growth.screen"):
        st.info(NEEDS)
        return
    tile_row(context, section_ids(context, "growth.screen"))
    left, right = st.columns([3, 2])
    with left:
        channel_section(context, SCREEN_CHART_HEIGHT)
    with right:
        trend_charts(context, "growth.screen.trend", SCREEN_CHART_HEIGHT)


context = page_context()
page_header("Growth", context)
if context is not None:
    if context.view.screen:
        screen_layout(context)
    else:
        normal_layout(context)
