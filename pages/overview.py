"""Executive overview: customer benefit first, beside delivery, cost, selection and growth.

Every tile comes from the KPI registry (metrics/), computed for the filter
bar's period against its comparison period, with interval, significance,
target status, sample size and data trust. Which tiles, in which rows and
order, is the registry's too (``Registry.overview_rows``: the KPIs declared
``on_overview``, or the workspace's ``[overview] tiles``), kept to the KPIs the workspace
tracks; the ones it can't compute yet are named once at the end, with how to add each
(``metrics.availability``). Below the tiles, what moved significantly this period
(``pages.ui.insights``: tested per segment value, Benjamini–Hochberg, silent when nothing
passes; on the leadership screen too), then one KPI's trend (picked in the URL's ``kpi``)
is read against the company's events.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import streamlit as st

from charts.trends import kpi_trend_figure, nps_mix_figure, trend_window
from exports.slide import SlideStamp
from metrics.availability import how_to_add
from metrics.engine import MetricUnavailableError
from metrics.kpi import Kpi
from metrics.periods import Period
from pages.ui import series
from pages.ui.charts import show_chart
from pages.ui.context import PageContext, page_context
from pages.ui.downloads import downloads_allowed, slide_downloads
from pages.ui.insights import insights_section
from pages.ui.kpis import kpi_results, registry_for, tracked_kpis, untracked_kpis
from pages.ui.metric_settings import settings_for
from pages.ui.screen import page_header
from pages.ui.share import current_view, view_link
from pages.ui.text import escape_markdown
from pages.ui.tiles import tile_row
from store.pins import pin_snapshot

NPS = "nps"
"""The KPI whose trend comes with its promoter and detractor shares."""
DEFAULT_TREND = NPS


def overview_rows(context: PageContext) -> list[tuple[str, list[Kpi]]]:
    """The registry's overview rows, kept to the KPIs the workspace tracks; empty rows left out."""
    rows = []
    for title, kpis in registry_for(context.workspace).overview_rows():
        shown = tracked_kpis(context, kpis)
        if shown:
            rows.append((title, shown))
    return rows


def tile_rows(context: PageContext) -> None:
    """The overview's rows of tiles, customer benefit first."""
    rows = overview_rows(context)
    for title, kpis in rows:
        st.subheader(title)
        tile_row(context, [kpi.id for kpi in kpis])
    if not rows:
        st.info("None of the overview's KPIs can be computed from this workspace's data yet.")


def not_tracked_line(context: PageContext) -> None:
    """One compact line naming the overview KPIs the workspace can't compute, and how to add
    each (in a popover; the docs are not served by the app, so it names their section)."""
    registry = registry_for(context.workspace)
    missing = untracked_kpis(context, [registry.get(k) for k in registry.overview_ids])
    if not missing:
        return
    names = ", ".join(item.kpi.label for item in missing)
    line = f"Not tracked yet: {escape_markdown(names)}."
    if context.view.screen:
        st.caption(line)
        return
    words, how = st.columns([6, 1], vertical_alignment="center")
    words.caption(line)
    with how.popover("How to add them", key="not_tracked_how"):
        st.markdown(
            "\n".join(
                f"- **{escape_markdown(item.kpi.label)}** needs {escape_markdown(item.needs)}: "
                f"{escape_markdown(how_to_add(item))}."
                for item in missing
            )
        )


def trend_section(context: PageContext) -> None:
    """One KPI over time (the URL's ``kpi``), with its band, target and the company's events."""
    registry = registry_for(context.workspace)
    choices = [k.id for k in tracked_kpis(context, list(registry))]
    if not choices:
        return
    overview = [k.id for _, kpis in overview_rows(context) for k in kpis]
    default = DEFAULT_TREND if DEFAULT_TREND in choices else (overview or choices)[0]
    chosen = context.view.kpi if context.view.kpi in choices else default
    st.subheader("Trend")
    if not context.view.screen:
        picked = st.selectbox(
            "KPI",
            choices,
            index=choices.index(chosen),
            format_func=lambda kpi_id: registry.get(kpi_id).label,
            key="trend_kpi",
        )
        if picked != chosen:
            st.query_params["kpi"] = picked
            chosen = picked
    kpi = registry.get(chosen)
    grain = context.view.grain
    start, end = trend_window(context.period.start, context.period.end, grain)
    window = Period(start, end)
    try:
        trend = series.trend(context, chosen, window, grain)
    except MetricUnavailableError as error:
        st.info(f"No trend for {kpi.label}: {error.reason}.")
        return
    events = series.events(context)
    figure = kpi_trend_figure(
        trend,
        kpi,
        target=registry.target(chosen, settings_for(context.workspace)),
        currency=context.workspace.currency,
        title=f"{kpi.label} by {grain}",
        grain=grain,
        events=events,
        window=(start, end),
        period=(context.period.start, context.period.end),
    )
    if chosen != NPS:
        show_chart(figure, key="trend_chart")
        return
    left, right = st.columns(2)
    with left:
        show_chart(figure, key="trend_chart")
    with right:
        mix = series.nps_mix(context, window, grain)
        mix_figure = nps_mix_figure(mix, grain=grain, events=events, window=(start, end))
        show_chart(mix_figure, key="nps_mix_chart")


def slide_section(context: PageContext) -> None:
    """The tiles as one slide (PDF or PNG) for a roadmap review, stamped so it can be traced.

    The stamp's link is pinned to this data snapshot; the pin is recorded when
    the slide is downloaded, so the store keeps the numbers the slide shows.
    """
    if not downloads_allowed(context, images=True):
        return
    rows = []
    for title, kpis in overview_rows(context):
        shown = tuple(kpi.id for kpi in kpis)
        results = kpi_results(context, shown)  # the tiles' own results (cached)
        rows.append((title, [results[kpi_id] for kpi_id in shown]))
    if not rows:
        return
    period = context.period
    filters = "; ".join(
        f"{segment.replace('_', ' ')}: {', '.join(values)}"
        for segment, values in sorted(context.view.segments.items())
        if values
    )
    stamp = SlideStamp(
        title=f"{context.workspace.name} · Executive overview",
        period=f"{period.start:%d %b %Y} – {period.end:%d %b %Y}",
        comparison=(
            f"compared with {period.comparison_start:%d %b %Y} – {period.comparison_end:%d %b %Y}"
            if period.comparison_start
            else "no comparison"
        ),
        filters=filters or "none (all customers)",
        snapshot=context.snapshot.id,
        link=view_link(context, pinned=True, view=current_view(context)),
    )
    st.subheader("Take it to a meeting")
    st.caption(
        "The tiles above on one 16:9 slide, stamped with the period, the filters, the data "
        "snapshot and a link that reopens these exact numbers."
    )
    store, snapshot_id = context.workspace.store_dir, context.snapshot.id
    slide_downloads(
        rows,
        stamp,
        name=f"executive-overview-{period.start}-{period.end}",
        on_download=lambda: pin_snapshot(store, snapshot_id),
    )


context = page_context()
page_header("Executive overview", context)
if context is not None:
    tile_rows(context)
    insights_section(context, [kpi.id for _, kpis in overview_rows(context) for kpi in kpis])
    if not context.view.screen:
        trend_section(context)
        slide_section(context)
    not_tracked_line(context)
