"""Survey drill-down: why did a survey KPI move, where, since when, and what did customers say?

A product manager arrives with a question ("why did NPS drop in the north?").
The page answers it top-down: what changed (every segment's contribution to the
change, largest first), the KPI split by one segment (bars with intervals and
n) or two (a heatmap), how the answers spread over the scale, and the trend
per segment against company events. Clicking a bar or a "what changed" row
drills into that segment (the filter and the next split go into the URL), and
a link opens the comments behind the view.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import polars as pl
import streamlit as st

from charts.drilldown import (
    score_distribution_figure,
    segment_bars,
    segment_trend_figure,
    two_way_heatmap,
    what_changed_figure,
)
from metrics.engine import KpiResult, MetricUnavailableError
from metrics.kpi import Kpi
from metrics.segments import SURVEY_OF_KPI
from metrics.verbatims import score_bands
from metrics.what_changed import what_changed
from pages.ui import data, drill, series
from pages.ui.charts import show_chart
from pages.ui.context import PageContext, page_context
from pages.ui.formatting import formatted
from pages.ui.kpis import kpi_results, registry_for, tracked_kpis
from pages.ui.links import clicked, drill_into, link_to, selectable_table, show_view, url_key
from pages.ui.metric_settings import settings_for
from pages.ui.state import view_to_params
from pages.ui.text import escape_markdown
from pages.ui.tiles import kpi_tile

HERE = "pages/drilldown.py"
SURVEY_SECTION = "drilldown.survey"
"""The registry section whose KPIs this page drills into (``Kpi.sections``)."""
MAX_TREND_LINES = 6
WHAT_CHANGED_ROWS = 10
BAND_NAMES = {"nps": ("detractors", "passives", "promoters")}
NO_SECOND_SPLIT = "—"


def survey_segments(context: PageContext) -> list[str]:
    """The declared segments of the responses dataset that the data actually has."""
    columns = data.dataset_columns(context, "responses") or ()
    return [s for s in context.workspace.segments("responses") if s in columns]


def survey_kpis(context: PageContext) -> list[str]:
    """The survey KPIs this page drills into that the workspace tracks (a CSAT-only
    workspace opens on CSAT, not on an empty NPS)."""
    registry = registry_for(context.workspace)
    return [k.id for k in tracked_kpis(context, registry.in_section(SURVEY_SECTION))]


def choose(
    context: PageContext, segments: list[str], kpis: list[str]
) -> tuple[Kpi, str, str | None]:
    """The KPI (one of ``kpis``) and the split(s), from the URL; a change goes back into it."""
    view = context.view
    registry = registry_for(context.workspace)
    kpi_id = view.kpi if view.kpi in kpis else kpis[0]
    split = view.split if view.split in segments else segments[0]
    split2 = view.split2 if view.split2 in segments and view.split2 != split else None
    left, middle, right = st.columns([2, 2, 2])
    with left:
        chosen = st.segmented_control(
            "KPI",
            kpis,
            default=kpi_id,
            format_func=lambda k: registry.get(k).label,
            key=url_key("drill_kpi", kpi_id),
            required=True,
        )
    with middle:
        chosen_split = st.selectbox(
            "Split by",
            segments,
            index=segments.index(split),
            format_func=_words,
            key=url_key("drill_split", split),
        )
    with right:
        others = [NO_SECOND_SPLIT, *[s for s in segments if s != chosen_split]]
        current = split2 if split2 in others else NO_SECOND_SPLIT
        chosen_split2 = st.selectbox(
            "…and by (heatmap)",
            others,
            index=others.index(current),
            format_func=lambda s: s if s == NO_SECOND_SPLIT else _words(s),
            key=url_key("drill_split2", current),
        )
    second_split = None if chosen_split2 == NO_SECOND_SPLIT else chosen_split2
    wanted = (chosen or kpi_id, chosen_split, second_split)
    updated = view.with_(kpi=wanted[0], split=wanted[1], split2=wanted[2])
    if wanted != (kpi_id, split, split2):
        # A change is a link: rerun on the new URL, so the widgets' URL keys follow it
        # (written without a rerun, the next change of the same widget would be lost).
        show_view(updated, HERE)
    if wanted != (view.kpi, view.split, view.split2):  # first visit: the defaults, into the URL
        st.query_params.from_dict(view_to_params(updated))
    kpi = registry.get(wanted[0]).for_settings(settings_for(context.workspace))
    return kpi, wanted[1], wanted[2]


def breadcrumbs(context: PageContext) -> None:
    """Which segments the view is narrowed to, and a way back to everyone."""
    view = context.view
    if not view.segments:
        return
    shown = " · ".join(
        f"{_words(segment)} = {escape_markdown(', '.join(values))}"
        for segment, values in sorted(view.segments.items())
    )
    left, right = st.columns([5, 1])
    left.markdown(f"Showing **{shown}**")
    with right:
        link_to(HERE, "All customers", view.with_(segments={}), icon="↩️")


def segment_changes(context: PageContext, kpi: Kpi, segments: list[str]) -> pl.DataFrame | None:
    """Every segment value's contribution to the change, across the segments the view is not
    narrowed to one value of, largest first (``metrics.what_changed`` per segment).

    Computed once per (data, KPI, segments, filters, periods) and shared by every
    session: a room opening the same link does this work once.
    """
    if context.period.comparison_start is None:
        return None
    return _segment_changes(
        data.data_key(context.snapshot, [kpi.dataset]),
        kpi.id,
        tuple(segments),
        _filters_key(context),
        context.period,
        _context=context,
        _kpi=kpi,
    )


@st.cache_resource(show_spinner=False, max_entries=256, ttl=6 * 3600)
def _segment_changes(
    data_key: tuple,
    kpi_id: str,
    segments: tuple[str, ...],
    filters: tuple,
    period: object,
    *,
    _context: PageContext,
    _kpi: Kpi,
) -> pl.DataFrame | None:
    context, kpi = _context, _kpi
    rows = []
    for segment in segments:
        if len(context.view.segments.get(segment, ())) == 1:
            continue  # one value: its "contribution" is the whole change, nothing to learn
        try:
            table = series.by_segment(context, kpi.id, segment)
        except MetricUnavailableError:
            continue
        result = what_changed(table, kpi.kind)
        if result.change is None:
            continue
        rows.append(result.segments.with_columns(dimension=pl.lit(segment)))
    if not rows:
        return None
    return pl.concat(rows).sort(pl.col("contribution").abs(), descending=True, nulls_last=True)


def headline(result: KpiResult, changes: pl.DataFrame | None) -> None:
    """One sentence on the change and the segments that moved it most."""
    kpi, change, previous = result.kpi, result.change, result.previous
    if change is None or change.delta is None or previous is None:
        st.markdown("No comparison period: choose one in the sidebar to see what changed.")
        return
    verdict = f"significantly {change.word}" if change.significant else change.word
    text = (
        f"**{kpi.label} {kpi.format_delta(change.delta)}** "
        f"({kpi.format_value(previous.value)} → {kpi.format_value(result.current.value)}, "
        f"{verdict})."
    )
    if changes is not None and not changes.is_empty():
        top = [
            f"{_words(r['dimension'])} **{escape_markdown(r['segment'])}** "
            f"{kpi.format_delta(r['contribution'])}"
            for r in changes.head(3).iter_rows(named=True)
        ]
        text += " Largest contributions: " + ", ".join(top) + "."
    st.markdown(text)


def what_changed_section(
    context: PageContext, kpi: Kpi, changes: pl.DataFrame | None, segments: list[str]
) -> None:
    """The contributions as a table; selecting a row drills into that segment value."""
    if context.period.comparison_start is None:
        st.info("Choose a comparison period in the sidebar to see what changed.")
        return
    if changes is None:
        st.info(
            "No answers in one of the two periods, or nothing left to split: nothing to compare."
        )
        return
    ranked = changes.head(WHAT_CHANGED_ROWS)
    shown = ranked.select(
        pl.col("dimension").str.replace_all("_", " ").alias("segment"),
        pl.col("segment").alias("value"),
        formatted(ranked, "contribution", kpi.format_delta),
        formatted(ranked, "rate", kpi.format_delta).alias("rate effect"),
        formatted(ranked, "mix", kpi.format_delta).alias("mix effect"),
        formatted(ranked, "previous_value", kpi.format_value).alias("before"),
        formatted(ranked, "value", kpi.format_value).alias("now"),
        pl.format("{} → {}", "previous_n", "n").alias("answers"),
    )
    st.caption(
        f"Each row is one segment value's part in the change of {kpi.label}: its *rate effect* "
        "(its own value moved) plus its *mix effect* (its share of answers moved). Within a "
        "segment the contributions add up exactly to the total change. Select a row to drill in."
    )
    row = selectable_table(
        shown,
        url_key("drill_changes", (kpi.id, _filters_key(context))),
        name=f"What changed {kpi.label}",
    )
    if row is not None:
        picked = ranked.row(row, named=True)
        drilled = drill_into(context.view, segments, picked["dimension"], picked["segment"])
        show_view(drilled, HERE)


def split_section(context: PageContext, kpi: Kpi, split: str, segments: list[str]) -> pl.DataFrame:
    """Bars per value of ``split`` (click one to drill in) beside the waterfall of the change."""
    table = series.by_segment(context, kpi.id, split)
    overall = kpi_results(context, (kpi.id,))[kpi.id].current.value
    currency = context.workspace.currency
    left, right = st.columns(2)
    with left:
        fig = segment_bars(table, kpi, split, currency=currency, overall=overall)
        event = show_chart(
            fig,
            on_select="rerun",
            selection_mode="points",
            key=url_key("drill_bars", (kpi.id, split, _filters_key(context))),
        )
        st.caption("Bars: this period, with the 95% interval; ◆ the comparison period.")
        value = clicked(event)
        if value is not None:
            show_view(drill_into(context.view, segments, split, value), HERE)
    with right:
        if "previous_value" in table.columns:
            result = what_changed(table, kpi.kind)
            # Both periods had answers (otherwise there is no change to split).
            if result.previous is not None and result.current is not None:
                show_chart(
                    what_changed_figure(
                        result.segments,
                        kpi,
                        result.previous,
                        result.current,
                        split,
                        currency=currency,
                    ),
                    key=url_key("drill_waterfall", (kpi.id, split)),
                )
                st.caption(
                    f"Total change {kpi.format_delta(result.change, currency)} = rate effects "
                    f"{kpi.format_delta(result.rate, currency)} + mix effects "
                    f"{kpi.format_delta(result.mix, currency)}."
                )
    return table


def heatmap_section(context: PageContext, kpi: Kpi, split: str, split2: str) -> None:
    try:
        table = drill.two_way(context, kpi.id, split, split2)
    except MetricUnavailableError as error:
        st.info(error.reason)
        return
    show_chart(
        two_way_heatmap(table, kpi, split, split2, currency=context.workspace.currency),
        key=url_key("drill_heatmap", (kpi.id, split, split2)),
    )
    st.caption("Each cell: the value and its number of answers; * marks a small sample.")


def spread_and_trend(context: PageContext, kpi: Kpi, split: str, table: pl.DataFrame) -> None:
    survey = SURVEY_OF_KPI[kpi.id]
    names = BAND_NAMES.get(survey, ("unhappy", "middle", "happy"))
    ranges = score_bands(settings_for(context.workspace))[survey]
    bands = [(name, low, high) for name, (low, high) in zip(names, ranges, strict=True)]
    left, right = st.columns(2)
    with left:
        spread = drill.distribution(context, survey)
        show_chart(
            score_distribution_figure(spread, survey, bands),
            key=url_key("drill_spread", (kpi.id, _filters_key(context))),
        )
    with right:
        biggest = table.filter(pl.col("n") > 0).sort("n", descending=True)
        values = tuple(biggest["segment"].head(MAX_TREND_LINES).to_list())
        if not values:
            st.info(f"No {kpi.label} answers to draw a trend from.")
            return
        window = drill.history(context)
        trends = drill.trends(context, kpi.id, split, values)
        period = context.period
        show_chart(
            segment_trend_figure(
                trends,
                kpi,
                split,
                grain=context.view.grain,
                window=(window.start, window.end),
                period=(period.start, period.end),
                events=series.events(context),
                currency=context.workspace.currency,
            ),
            key=url_key("drill_trend", (kpi.id, split, _filters_key(context))),
        )


def comments_link(context: PageContext, kpi: Kpi) -> None:
    if not context.sees_customer_data:
        return  # the verbatims page is for analysts (and not in a viewer's navigation)
    band = "detractors" if kpi.id == "nps" else "low"
    view = context.view.with_(kpi=kpi.id, band=band, search=None, page_number=1)
    link_to(
        "pages/verbatims.py",
        f"Read what the unhappiest customers in this view wrote ({kpi.label} {band})",
        view,
        icon="💬",
    )


def _filters_key(context: PageContext) -> tuple:
    return tuple(sorted(context.view.segments.items()))


def _words(name: str) -> str:
    return name.replace("_", " ")


context = page_context()
st.title("Survey drill-down")
if context is not None:
    segments = survey_segments(context)
    kpis = survey_kpis(context)
    if data.dataset_columns(context, "responses") is None:
        st.info(
            "This workspace has no survey responses to drill into: this page needs a "
            "responses dataset with NPS, CSAT or CES answers."
        )
    elif not kpis:
        st.info(
            "The responses hold no NPS, CSAT or CES answers to drill into "
            "(the survey column says which survey each answer belongs to)."
        )
    elif not segments:
        st.info(
            "The responses dataset declares no segments to split by: add `segments = [...]` "
            "to its mapping in the workspace config."
        )
    else:
        st.caption(drill.period_caption(context))
        kpi, split, split2 = choose(context, segments, kpis)
        breadcrumbs(context)
        result = kpi_results(context, (kpi.id,))[kpi.id]
        changes = None if result.missing else segment_changes(context, kpi, segments)
        tile, story = st.columns([1, 3])
        with tile:
            kpi_tile(result, context.snapshot.datasets.get("responses"))
        with story:
            if not result.missing:
                headline(result, changes)
            comments_link(context, kpi)
        if result.missing:
            st.info(result.missing)
        else:
            st.subheader("What changed")
            what_changed_section(context, kpi, changes, segments)
            st.subheader(f"{kpi.label} by {_words(split)}")
            try:
                table = split_section(context, kpi, split, segments)
            except MetricUnavailableError as error:
                st.info(error.reason)
            else:
                if split2:
                    heatmap_section(context, kpi, split, split2)
                st.subheader("Answers and trend")
                spread_and_trend(context, kpi, split, table)
