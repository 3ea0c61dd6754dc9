"""The leadership pages' calls into the metrics engine beyond tiles: trends, splits, links.

Why here and cached: a trend or a split by region is the same for every viewer
of a snapshot and view, so each is computed once per (snapshot, filters,
arguments) and shared (``st.cache_resource``; results are never mutated). A new
snapshot id is a new key. Every number still comes from ``metrics``: this
module only chooses what to ask for.

``MetricUnavailableError`` is not cached: pages catch it and say why a chart is
missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import polars as pl
import streamlit as st

from metrics.aggregates import day_aggregate
from metrics.benefit_links import OUTCOMES, BenefitLink, survey_by_last_order
from metrics.engine import (
    MetricUnavailableError,
    compute_kpis,
    kpi_by_segment,
    kpi_trend,
    missing_reason,
)
from metrics.periods import Grain, Period, bucket_start, buckets
from metrics.registry import Registry
from metrics.segments import kpi_by_segment_and_others, largest_segments
from metrics.settings import MetricSettings
from pages.ui.context import PageContext
from pages.ui.data import DataKey, data_key, metric_data
from pages.ui.kpis import registry_for
from pages.ui.metric_settings import settings_for

Frames = Mapping[str, pl.DataFrame]
MIX = ("detractors", "passives", "promoters")
SPARKLINE_WEEKS = 12
MAX_SEGMENTS = 20
"""A split by segment shows at most this many values, and the rest as one "others" row."""


def _trend(frames, registry, settings, filters, kpi_id: str, window: Period, grain: Grain):
    return kpi_trend(
        kpi_id, frames, window, grain, filters=filters, settings=settings, registry=registry
    )


def _nps_mix(frames, registry, settings, filters, window: Period, grain: Grain) -> pl.DataFrame:
    reason = missing_reason(registry.get("nps"), frames, filters=filters)
    if reason:
        raise MetricUnavailableError(reason)
    rows = []
    for start, inside in buckets(window, grain):
        result = compute_kpis(
            ["nps"], frames, inside, filters=filters, settings=settings, registry=registry
        )[0]
        shares = {name: result.breakdown[name].value if result.breakdown else None for name in MIX}
        rows.append({"bucket_start": start, **shares, "n": result.current.n})
    return pl.DataFrame(
        rows,
        schema={"bucket_start": pl.Date, **dict.fromkeys(MIX, pl.Float64), "n": pl.Int64},
    )


def _by_segment(frames, registry, settings, filters, kpi_id, segment, period, comparison):
    return kpi_by_segment(
        kpi_id,
        frames,
        period,
        segment,
        comparison=comparison,
        filters=filters,
        settings=settings,
        registry=registry,
    )


def _by_segment_and_others(
    frames, registry, settings, filters, kpi_id, segment, period, comparison, kept, others_label
):
    return kpi_by_segment_and_others(
        kpi_id,
        frames,
        period,
        segment,
        kept,
        others_label=others_label,
        comparison=comparison,
        filters=filters,
        settings=settings,
        registry=registry,
    )


def _link(frames, registry, settings, filters, kpi_id, outcome_id, period) -> BenefitLink:
    return survey_by_last_order(
        kpi_id,
        frames,
        period,
        OUTCOMES[outcome_id],
        filters=filters,
        settings=settings,
        registry=registry,
    )


def _delivery_hours(frames, registry, settings, filters, period: Period) -> pl.DataFrame:
    """Delivered orders per delivery-hours bucket (lower edge, hours) in ``period``."""
    orders = frames.get("orders")
    if orders is None and frames.get("order_counts") is None:
        raise MetricUnavailableError("no orders data in this workspace")
    if orders is not None and "delivered_at" not in orders.lazy().collect_schema().names():
        raise MetricUnavailableError("orders have no delivered_at column")
    return (
        day_aggregate(
            "orders", frames, periods=[period], filters=filters, timezone=settings.timezone
        )
        .filter(pl.col("delivered") & pl.col("delivery_bucket").is_not_null())
        .group_by("delivery_bucket")
        .agg(n=pl.col("n").sum())
        .sort("delivery_bucket")
        .collect()
    )


def _spend_by_channel(frames, registry, settings, filters, period: Period) -> pl.DataFrame:
    """Marketing spend per acquisition channel in ``period`` (Σ spend; missing spend is 0)."""
    if frames.get("acquisition") is None:
        raise MetricUnavailableError("no acquisition data in this workspace")
    return (
        day_aggregate(
            "acquisition",
            frames,
            periods=[period],
            segments=["channel"],
            filters=filters,
            timezone=settings.timezone,
        )
        .group_by("channel")
        .agg(spend=pl.col("spend").sum(), spend_rows=pl.col("spend_rows").sum())
        .rename({"channel": "segment"})
        .collect()
    )


_CALLS: dict[str, Callable[..., Any]] = {
    "trend": _trend,
    "nps_mix": _nps_mix,
    "by_segment": _by_segment,
    "by_segment_and_others": _by_segment_and_others,
    "link": _link,
    "delivery_hours": _delivery_hours,
    "spend_by_channel": _spend_by_channel,
}


@st.cache_resource(show_spinner=False, max_entries=512, ttl=6 * 3600)
def _computed(
    key: DataKey,
    call: str,
    args: tuple,
    filters: tuple,
    settings: MetricSettings,
    _reads: tuple,
    _context: PageContext,
    _registry: Registry,
) -> Any:
    periods, segments = _reads  # follow from ``call`` and ``args``: not part of the key
    frames = metric_data(_context, [dataset for dataset, _ in key], periods, segments)
    return _CALLS[call](frames, _registry, settings, dict(filters), *args)


def _ask(
    context: PageContext,
    call: str,
    datasets: Sequence[str],
    reads: tuple[tuple[Period | None, ...], tuple[str, ...]],
    *args,
) -> Any:
    """Compute (or reuse) ``call``; ``reads`` = (periods, splits) the call asks the data about.

    Keyed by the fingerprints of ``datasets`` (``data.data_key``), so a refresh
    recomputes only the charts whose data changed.
    """
    filters = tuple(sorted((k, tuple(v)) for k, v in context.view.segments.items() if v))
    return _computed(
        data_key(context.snapshot, datasets),
        call,
        args,
        filters,
        settings_for(context.workspace),
        reads,
        context,
        registry_for(context.workspace),
    )


def _buckets(window: Period, grain: Grain) -> tuple[Period, ...]:
    return tuple(inside for _, inside in buckets(window, grain))


def _dataset(context: PageContext, kpi_id: str) -> str:
    return registry_for(context.workspace).get(kpi_id).dataset


def trend(context: PageContext, kpi_id: str, window: Period, grain: Grain) -> pl.DataFrame:
    """``metrics.kpi_trend`` of the view's filters over ``window``."""
    reads = (_buckets(window, grain), ())
    return _ask(context, "trend", [_dataset(context, kpi_id)], reads, kpi_id, window, grain)


def sparklines(context: PageContext, kpi_ids: Sequence[str]) -> dict[str, list[float]]:
    """Weekly values over about twelve weeks up to the period's end, for the tiles' sparklines.

    Whole calendar weeks only where it matters: a total (revenue, new customers)
    over a week the window cuts short would dip for no reason, so census KPIs
    leave out partial weeks; rates and averages keep them.
    """
    end = context.period.end
    start = bucket_start(end - timedelta(weeks=SPARKLINE_WEEKS) + timedelta(days=1), "week")
    registry = registry_for(context.workspace)
    lines: dict[str, list[float]] = {}
    for kpi_id in kpi_ids:
        try:
            frame = trend(context, kpi_id, Period(start, end), "week")
        except MetricUnavailableError:
            continue
        if registry.get(kpi_id).kind == "census":
            frame = frame.filter(~pl.col("partial"))
        values = [v for v in frame["value"].to_list() if v is not None]
        if len(values) >= 2:
            lines[kpi_id] = values
    return lines


def nps_mix(context: PageContext, window: Period, grain: Grain) -> pl.DataFrame:
    """Promoter, passive and detractor shares per bucket (from the NPS tiles' breakdown)."""
    return _ask(context, "nps_mix", ["responses"], (_buckets(window, grain), ()), window, grain)


def by_segment(
    context: PageContext, kpi_id: str, segment: str, with_comparison: bool = True
) -> pl.DataFrame:
    """``metrics.kpi_by_segment`` for the view's period (and comparison period)."""
    periods = (current_period(context), comparison_period(context) if with_comparison else None)
    reads = (periods, (segment,))
    return _ask(
        context, "by_segment", [_dataset(context, kpi_id)], reads, kpi_id, segment, *periods
    )


def largest_by_segment(
    context: PageContext,
    kpi_id: str,
    segment: str,
    *,
    limit: int = MAX_SEGMENTS,
    like: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``by_segment``, but with more than ``limit`` values only the ``limit`` largest (most n)
    plus one row for all the others, computed from their rows (``kpi_by_segment_and_others``).

    ``like``: a table this one is drawn beside (NPS beside on-time by state), whose values
    (and "others" row) it repeats, so both panels show the same rows.
    """
    if like is not None and "others" in like.columns and like["others"].any():
        kept = like.filter(~pl.col("others"))["segment"].to_list()
        label = like.filter(pl.col("others"))["segment"].item()
    else:
        table = by_segment(context, kpi_id, segment)
        chosen = largest_segments(table, limit)
        if chosen is None:
            return table
        kept, label = chosen, f"{table.height - len(chosen)} others"
    periods = (current_period(context), comparison_period(context))
    reads = (periods, (segment,))
    datasets = [_dataset(context, kpi_id)]
    args = (kpi_id, segment, *periods, tuple(kept), label)
    return _ask(context, "by_segment_and_others", datasets, reads, *args)


def benefit_link(context: PageContext, kpi_id: str, outcome_id: str) -> BenefitLink:
    """A survey KPI split by the outcome of each customer's last order (metrics.benefit_links)."""
    period = current_period(context)
    datasets = [_dataset(context, kpi_id), "orders"]
    return _ask(context, "link", datasets, ((period,), ()), kpi_id, outcome_id, period)


def delivery_hours(context: PageContext, period: Period) -> pl.DataFrame:
    """Delivered orders per delivery-hours bucket, for the distribution chart."""
    return _ask(context, "delivery_hours", ["orders"], ((period,), ()), period)


def spend_by_channel(context: PageContext) -> pl.DataFrame:
    """Σ spend per acquisition channel in the view's period."""
    period = current_period(context)
    reads = ((period,), ("channel",))
    return _ask(context, "spend_by_channel", ["acquisition"], reads, period)


def events(context: PageContext) -> pl.DataFrame | None:
    """Company events of the snapshot that concern the view's segment filters (or everyone)."""
    frame = context.frames.get("events")
    if frame is None:
        return None
    for segment, values in context.view.segments.items():
        if values and segment in frame.columns:
            frame = frame.filter(pl.col(segment).is_null() | pl.col(segment).is_in(list(values)))
    return frame


def current_period(context: PageContext) -> Period:
    return context.period.current()


def comparison_period(context: PageContext) -> Period | None:
    return context.period.comparison()
