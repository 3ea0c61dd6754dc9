"""The executive page's work, as the benchmark times it: the same views for every engine.

One *view* is what the executive overview computes for a filter bar setting:
- tiles: every overview KPI for the last 90 days against the 90 days before,
  with intervals, significance and status (``compute_kpis``);
- sparklines: each tile's weekly values over the last 12 weeks;
- the two-year weekly NPS trend;
- the segment split: NPS by plan and by region, with the comparison period.

``core`` is the part that reads the big datasets (survey tiles, delivery and
cost tiles, the NPS trend and splits); the pandas and DuckDB baselines
implement exactly that part, so their times compare like for like.

Example:
    >>> view = executive_view(date(2026, 10, 31))
    >>> str(view.period), str(view.comparison)
    ('2026-08-02 – 2026-10-31', '2026-05-04 – 2026-08-01')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from metrics.aggregates import day_aggregate
from metrics.engine import compute_kpis, kpi_by_segment, kpi_trend
from metrics.periods import Period
from metrics.registry import Registry
from metrics.settings import MetricSettings

TILES = (
    "nps", "csat", "ces", "delivery_p50_hours", "on_time_rate", "shipping_cost_per_order",
    "price_index", "skus_offered", "in_stock_rate", "new_customers", "cac", "revenue", "nrr",
)  # fmt: skip
"""The executive overview's tiles (pages/overview.py), in its order."""
CORE_TILES = ("nps", "csat", "ces", "delivery_p50_hours", "on_time_rate", "shipping_cost_per_order")
"""The tiles computed from the big datasets (responses, orders): what the baselines implement."""
SPLITS = ("plan", "region")
SPLIT_DATA = "_split_data"
"""Key of the splits' own aggregates in a view's data (they need segments the rest does not)."""
SPARKLINE_WEEKS = 12


@dataclass(frozen=True)
class ExecutiveView:
    """The periods one executive-page view needs."""

    period: Period
    comparison: Period
    sparkline: Period
    history: Period


def executive_view(end: date) -> ExecutiveView:
    """Last 90 days vs the 90 before, 12 weeks of sparklines, two years of weekly trend."""
    period = Period(end - timedelta(days=89), end)
    return ExecutiveView(
        period=period,
        comparison=period.previous(),
        sparkline=Period(end - timedelta(weeks=SPARKLINE_WEEKS) + timedelta(days=1), end),
        history=Period(end - timedelta(days=729), end),
    )


def engine_view(
    data: Mapping[str, Any],
    view: ExecutiveView,
    settings: MetricSettings,
    registry: Registry,
    *,
    core: bool = False,
) -> dict[str, Any]:
    """Everything one executive view shows, computed by the metrics engine."""
    tiles = CORE_TILES if core else TILES
    data = dict(data)
    split_data = {**data, **data.pop(SPLIT_DATA, {})}
    options = {"settings": settings, "registry": registry}
    results = compute_kpis(list(tiles), data, view.period, view.comparison, **options)
    out: dict[str, Any] = {"tiles": {r.kpi.id: r for r in results}}
    out["trend"] = kpi_trend("nps", data, view.history, "week", **options)
    out["splits"] = {
        segment: kpi_by_segment(
            "nps", split_data, view.period, segment, comparison=view.comparison, **options
        )
        for segment in SPLITS
    }
    if not core:
        out["sparklines"] = {
            kpi: kpi_trend(kpi, data, view.sparkline, "week", **options)
            for kpi in tiles
            if results[tiles.index(kpi)].missing is None
        }
    return out


def view_aggregates(
    frames: Mapping[str, Any],
    view: ExecutiveView,
    timezone: str,
    registry: Registry,
    tiles: tuple[str, ...] = TILES,
) -> dict[str, Any]:
    """The view's data: day aggregates of the big datasets over the days it shows, plus the rest.

    Each response is counted once: the two periods the splits compare by day and
    the split segments (``data[SPLIT_DATA]``, what the splits read), the older
    days of the two-year history by day alone; the history's ``survey_counts``
    is the older part plus the recent part summed over the segments (the same
    counts one pass over all two years would give). Orders are counted over the
    two periods; the other datasets the tiles read are small and taken whole.
    Every tile, trend and split then reads a few hundred thousand rows instead
    of fifteen million (delivery quantiles come from the hours histogram, within
    the bound their tile note states). ``frames`` may be lazy (a snapshot's
    Parquet files): the scans, filters and counts then run in one
    ``collect_all``, reading only the columns and row groups they need.
    """
    import polars as pl

    recent = Period(view.comparison.start, view.period.end)
    older = Period(view.history.start, recent.start - timedelta(days=1))
    queries = {
        "split_counts": day_aggregate(
            "responses", frames, periods=[recent], segments=SPLITS, timezone=timezone
        ),
        "older_counts": day_aggregate("responses", frames, periods=[older], timezone=timezone),
        "order_counts": day_aggregate("orders", frames, periods=[recent], timezone=timezone),
    }
    needed = {registry.get(kpi).dataset for kpi in tiles} - set(BIG_DATASETS)
    queries |= {name: frames[name].lazy() for name in needed if name in frames}
    data = dict(zip(queries, pl.collect_all(list(queries.values())), strict=True))
    split = {"survey_counts": data.pop("split_counts")}
    older_counts = data.pop("older_counts")
    recent_counts = day_aggregate("responses", split, periods=None).collect()
    data["survey_counts"] = pl.concat([older_counts, recent_counts.select(older_counts.columns)])
    data[SPLIT_DATA] = split
    return data


BIG_DATASETS = ("responses", "orders")
STORE_COLUMNS = {
    "responses": ("responded_at", "survey", "score", "plan", "region"),
    "orders": ("ordered_at", "delivered_at", "promised_at", "shipping_cost"),
}
"""What the executive view reads of the big datasets (the rest of their columns stay on disk)."""


def read_store(snapshot: Any) -> dict[str, Any]:
    """The big datasets in memory, with only the columns the view reads (for in-memory timings)."""
    import polars as pl

    scans = [snapshot.scan(name).select(STORE_COLUMNS[name]) for name in BIG_DATASETS]
    frames = dict(snapshot.frames())
    frames.update(zip(BIG_DATASETS, pl.collect_all(scans), strict=True))
    return frames


def comment_index_of(snapshot: Any) -> Any:
    """The verbatims page's per-snapshot comment index (``metrics.verbatims.comment_index``)."""
    from metrics.verbatims import comment_index

    columns = ("response_id", "responded_at", "survey", "score", "comment", *SPLITS)
    return comment_index(snapshot.scan("responses").select(columns))


def verbatim_search(index: Any, period: Period, settings: MetricSettings, search: str) -> Any:
    """The first page of comments in ``period`` matching ``search``, newest first."""
    from metrics.verbatims import find_verbatims, page_of

    return page_of(find_verbatims(index, period, search=search, settings=settings), 1).rows


def app_view(config: Any, view: ExecutiveView) -> dict[str, Any]:
    """The executive view through the app's own path: the functions the pages call, caches and all.

    What a viewer's first visit costs after a refresh: the workspace and the
    current snapshot opened (``pages.ui.data``), the filter bar's segment
    values, every tile (``pages.ui.kpis.kpi_results``, one call per tile row as
    ``tile_row`` makes them), the tiles' sparklines, the two-year weekly NPS
    trend and NPS by plan and by region (``pages.ui.series``). The stored day
    aggregates are read from disk here; rows are read only where a formula
    needs them. A second call is a warm visit: every answer comes from the
    pages' caches.
    """
    import os

    from pages.ui import data, series
    from pages.ui.context import PageContext
    from pages.ui.filters import Period as ViewPeriod
    from pages.ui.kpis import kpi_results
    from pages.ui.state import ViewState

    os.environ["BENEFITBOARD_CONFIG"] = str(config)  # how the app finds its workspace
    workspace = data.workspace()
    snapshot = data.snapshot()
    days = (view.period.end - view.period.start).days + 1
    context = PageContext(
        workspace,
        snapshot,
        data.frames(snapshot),
        ViewState(last_days=days, comparison="previous"),
        ViewPeriod(view.period.start, view.period.end, view.comparison.start, view.comparison.end),
        data.segment_values(workspace, snapshot),
    )
    tiles: dict[str, Any] = {}
    for row in TILE_ROWS:
        tiles.update(kpi_results(context, row))
    return {
        "tiles": tiles,
        "sparklines": series.sparklines(context, TILES),
        "trend": series.trend(context, "nps", view.history, "week"),
        "splits": {segment: series.by_segment(context, "nps", segment) for segment in SPLITS},
    }


TILE_ROWS = (TILES[:3], TILES[3:9], TILES[9:])
"""The overview's three tile rows (customer benefit; faster, cheaper, more choice; growth)."""
