"""Live aggregates: the metrics engine's day aggregates, computed by the warehouse.

Why: with hundreds of millions of rows the dashboard must not copy the table.
The warehouse filters (period, segment filters, the contract's row rules),
buckets rows into reporting-zone day ranges and counts; the app receives a
few thousand rows shaped exactly like ``metrics.aggregates`` builds them
(``survey_counts``, ``contact_counts``, ``order_counts``) and the metrics
engine computes every KPI, interval and test from them as usual:

    >>> from metrics.engine import compute_kpis
    >>> live = live_aggregate(source, "responses", periods=[period, comparison],
    ...                       timezone="Europe/Berlin", segments=["plan"], now=now)
    >>> nps = compute_kpis(["nps"], live.data, period, comparison)[0]
    >>> round(nps.current.value, 1), nps.current.n, nps.previous.value
    (33.3, 3, -50.0)

The ``day`` of a row is the first day of its range (``bounds.elementary_ranges``):
pass every period the engine will be asked about (a tile's period and its
comparison; a trend's whole period with ``by_day=True`` or its buckets), and
the engine's numbers equal those from the raw rows.

Every statement is SQLAlchemy Core: identifiers come from the workspace config
and are quoted by the dialect, every value is a bound parameter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
import sqlalchemy as sa

from benefitboard.config import SourceConfig, WorkspaceConfig
from connectors.database import failure_words
from connectors.errors import SourceError
from connectors.pushdown.bounds import (
    elementary_ranges,
    range_case,
    stored_edges,
    utc_edge,
    utc_offset_case,
    within,
)
from connectors.pushdown.relation import SourceRelation, TimeStyle, source_relation
from connectors.pushdown.rules import RowRules, row_rules
from connectors.pushdown.sqltime import SecondsBetween
from metrics.aggregates import AGGREGATES, NOT_SET
from metrics.periods import Period
from metrics.settings import Filters
from validation.contracts import DatasetContract, build_contracts, contracts_for_workspace

BUCKET = "_range"
DAY = timedelta(days=1)
DELIVERY_SPAN = timedelta(days=45)
"""How far past a window deliveries are placed exactly (the last histogram bucket is 30 days+)."""
Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class LiveAggregate:
    """A dataset's day aggregate from the warehouse, and what it cost to bring it over."""

    name: str
    """The aggregate's name in the metrics engine's ``data`` (e.g. ``survey_counts``)."""
    frame: pl.DataFrame
    ranges: tuple[Period, ...]
    """The day ranges the rows are dated by (each row's ``day`` is its range's first day)."""
    unenforced: tuple[str, ...]
    """Row rules of the contract that SQL could not check (see ``rules.py``)."""
    seconds: float

    @property
    def rows_transferred(self) -> int:
        return self.frame.height

    @property
    def data(self) -> dict[str, pl.DataFrame]:
        """``{name: frame}``, ready to pass (or merge) as the metrics engine's ``data``."""
        return {self.name: self.frame}


def live_aggregate(
    source: SourceConfig,
    dataset: str,
    *,
    periods: Sequence[Period],
    timezone: str,
    segments: Sequence[str] = (),
    filters: Filters | None = None,
    contract: DatasetContract | None = None,
    now: datetime | None = None,
    by_day: bool = False,
) -> LiveAggregate:
    """The ``metrics.aggregates`` aggregate of ``dataset`` over ``periods``, computed in SQL.

    ``segments`` are the split columns the pages need (each must be a segment the
    workspace declares for the dataset); ``filters`` keep only the given segment
    values (``"(not set)"`` selects empty ones), and their columns are kept in
    the result, because the engine applies the same filters again.
    ``contract`` defaults to the built-in contract; pass the workspace's
    (``validation.contracts_for_workspace``) so live rows are the rows refresh
    mode would publish. ``now`` fixes "in the future" (default: now).
    """
    started = time.perf_counter()
    if dataset not in _ROW_SHAPES:
        raise SourceError(
            source.name,
            dataset,
            f"live aggregates exist for {sorted(_ROW_SHAPES)}; read {dataset} in refresh mode",
        )
    spec = AGGREGATES[dataset]
    relation = source_relation(source, dataset)
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    # Filtered columns are kept too: the engine applies the same filters to the aggregate.
    segments = list(dict.fromkeys([*segments, *filters]))
    for name in segments:
        relation.segment(name)  # refuses any name the workspace does not declare
    ranges = elementary_ranges(periods, by_day)
    rules = row_rules(
        relation,
        contract or build_contracts()[dataset],
        now=now or datetime.now(UTC),
        window=(utc_edge(ranges[0].start, timezone), utc_edge(ranges[-1].end + DAY, timezone)),
    )
    statement = aggregate_statement(relation, ranges, timezone, segments, filters, rules)
    try:
        with relation.engine.connect() as connection:
            fetched = connection.execute(statement).all()
    except sa.exc.DBAPIError as error:
        raise SourceError(
            source.name, dataset, f"the live aggregate query {failure_words(error, source)}"
        ) from None
    names = [BUCKET, *segments, *spec.keys, *spec.measures]
    raw = pl.DataFrame(fetched, schema=names, orient="row", infer_schema_length=None)
    frame = _shaped(raw, dataset, ranges, segments)
    return LiveAggregate(
        spec.name, frame, tuple(ranges), rules.unenforced, time.perf_counter() - started
    )


def live_data(
    workspace: WorkspaceConfig,
    datasets: Sequence[str],
    *,
    periods: Sequence[Period],
    segments: Sequence[str] = (),
    filters: Filters | None = None,
    now: datetime | None = None,
    by_day: bool = False,
) -> dict[str, pl.DataFrame]:
    """The metrics engine's ``data`` for ``datasets`` of the workspace, from their sql sources.

    Each dataset gets the segments and filters it declares; a filter or split on
    a segment it lacks is left out, so the engine reports that KPI as not
    splittable by it, exactly as for a snapshot without the column.

    >>> data = live_data(workspace, ["responses"], periods=[period, comparison],
    ...                  segments=["plan"], now=now)
    >>> data["survey_counts"].columns, data["survey_counts"]["n"].sum()
    (['day', 'plan', 'survey', 'score', 'n'], 5)
    """
    contracts = contracts_for_workspace(workspace)
    data: dict[str, pl.DataFrame] = {}
    for dataset in datasets:
        source = workspace.dataset_source(dataset)
        if source is None:
            continue
        declared = set(workspace.segments(dataset))
        live = live_aggregate(
            source,
            dataset,
            periods=periods,
            timezone=workspace.timezone,
            segments=[s for s in segments if s in declared],
            filters={k: v for k, v in (filters or {}).items() if k in declared},
            contract=contracts[dataset],
            now=now,
            by_day=by_day,
        )
        data.update(live.data)
    return data


def aggregate_statement(
    relation: SourceRelation,
    ranges: Sequence[Period],
    timezone: str,
    segments: Sequence[str],
    filters: Mapping[str, Sequence[str]],
    rules: RowRules,
) -> sa.Select:
    """SELECT range, segments, keys, measures … GROUP BY range, segments, keys.

    Rows are placed in a subquery first, so the GROUP BY names plain columns
    (dialects differ on grouping by an expression with bound parameters).
    """
    stamp = relation.column(AGGREGATE_TIME[relation.dataset])
    edges = stored_edges(ranges, timezone, relation.time_style, relation.source.timezone)
    window = (utc_edge(ranges[0].start, timezone), utc_edge(ranges[-1].end + DAY, timezone))
    keys, measures = _ROW_SHAPES[relation.dataset](relation, window)
    rows = (
        sa.select(
            range_case(stamp, edges).label(BUCKET),
            *(relation.segment(s).label(s) for s in segments),
            *(expression.label(name) for name, expression in keys.items()),
            *(expression.label(f"_in_{name}") for name, expression in measures.inputs.items()),
        )
        .select_from(relation.from_clause)
        .where(within(stamp, edges), rules.all_pass(), *relation.filter_conditions(filters))
        .subquery("live_rows")
    )
    group = [rows.c[BUCKET], *(rows.c[s] for s in segments), *(rows.c[k] for k in keys)]
    return sa.select(*group, *measures.aggregate(rows)).group_by(*group)


# ---------------------------------------------------------------------------------------------
# What each dataset's rows contribute.

AGGREGATE_TIME = {"responses": "responded_at", "contacts": "opened_at", "orders": "ordered_at"}


@dataclass(frozen=True)
class _Measures:
    inputs: dict[str, sa.ColumnElement]
    aggregate: Callable[[sa.Subquery], list[sa.Label]]


def _responses(relation: SourceRelation, window: Window) -> tuple[dict, _Measures]:
    keys = {"survey": relation.column("survey"), "score": relation.column("score")}
    return keys, _Measures({}, lambda rows: [sa.func.count().label("n")])


def _contacts(relation: SourceRelation, window: Window) -> tuple[dict, _Measures]:
    seconds = relation.column("handle_seconds")
    valid = sa.and_(seconds.is_not(None), seconds >= 0)
    keys = {
        "contact_reason": relation.column("contact_reason"),
        "ces_score": relation.column("ces_score"),
    }
    inputs: dict[str, sa.ColumnElement] = {
        "handle_valid": sa.case((valid, 1), else_=0),
        "handle": sa.case((valid, seconds)),
    }

    def aggregate(rows: sa.Subquery) -> list[sa.Label]:
        handle = rows.c["_in_handle"]
        return [
            sa.func.count().label("n"),
            sa.func.sum(rows.c["_in_handle_valid"]).label("handle_n"),
            sa.func.sum(handle).label("handle_sum"),
            sa.func.sum(handle * handle).label("handle_sumsq"),
        ]

    return keys, _Measures(inputs, aggregate)


def _orders(relation: SourceRelation, window: Window) -> tuple[dict, _Measures]:
    ordered, delivered = relation.column("ordered_at"), relation.column("delivered_at")
    promised, cost = relation.column("promised_at"), relation.column("shipping_cost")
    hours = _elapsed_hours(relation, ordered, delivered, window)
    valid = sa.and_(delivered.is_not(None), hours >= 0)
    on_time = sa.case((sa.and_(promised.is_not(None), delivered <= promised), 1), else_=0)
    keys = {
        "delivered": sa.case((delivered.is_not(None), 1), else_=0),
        "delivery_bucket": sa.case((valid, delivery_bucket_sql(hours))),
        "promised": sa.case((promised.is_not(None), 1), else_=0),
        "on_time": sa.case((valid, on_time)),
    }

    def aggregate(rows: sa.Subquery) -> list[sa.Label]:
        shipping = rows.c["_in_cost"]
        return [
            sa.func.count().label("n"),
            sa.func.count(shipping).label("ship_n"),
            sa.func.sum(shipping).label("ship_sum"),
            sa.func.sum(shipping * shipping).label("ship_sumsq"),
        ]

    return keys, _Measures({"cost": cost}, aggregate)


_ROW_SHAPES: dict[str, Callable[[SourceRelation, Window], tuple[dict, _Measures]]] = {
    "responses": _responses,
    "contacts": _contacts,
    "orders": _orders,
}


def _elapsed_hours(
    relation: SourceRelation, earlier: sa.ColumnElement, later: sa.ColumnElement, window: Window
) -> sa.ColumnElement:
    """Hours between two stored timestamps, as the connector's UTC readings would give them.

    Wall-clock values (naive or text) in a zone with clock changes are corrected
    by each value's UTC offset, so an order placed before a switch and delivered
    after it counts the hour it really took. Offsets are looked up from the
    window's start to ``DELIVERY_SPAN`` after its end (later deliveries fall in
    the open last bucket anyway).
    """
    style, zone = relation.time_style, relation.source.timezone
    seconds: sa.ColumnElement = SecondsBetween(earlier, later, text=style is TimeStyle.TEXT)
    if style in (TimeStyle.TEXT, TimeStyle.NAIVE) and zone != "UTC":
        start, end = window[0] - DAY, window[1] + DELIVERY_SPAN
        text = style is TimeStyle.TEXT
        offset_later = utc_offset_case(later, start, end, zone, text)
        offset_earlier = utc_offset_case(earlier, start, end, zone, text)
        seconds = seconds - (offset_later - offset_earlier)
    return seconds / 3600.0


def delivery_bucket_sql(hours: sa.ColumnElement) -> sa.ColumnElement:
    """SQL twin of ``metrics.quantiles.delivery_bucket`` (the same edges, the same arithmetic)."""
    floor = sa.func.floor
    return sa.case(
        (hours < 72, floor(hours * 2) / 2),
        (hours < 168, 72 + floor((hours - 72) / 2) * 2),
        (hours < 720, 168 + floor((hours - 168) / 12) * 12),
        else_=sa.literal(720.0),
    )


# ---------------------------------------------------------------------------------------------
# Helpers.


def _shaped(
    raw: pl.DataFrame, dataset: str, ranges: Sequence[Period], segments: Sequence[str]
) -> pl.DataFrame:
    """The fetched rows with the dtypes ``metrics.aggregates`` gives its own aggregates."""
    spec = AGGREGATES[dataset]
    starts = pl.Series([r.start for r in ranges], dtype=pl.Date)
    frame = raw.with_columns(
        starts.gather(raw[BUCKET].cast(pl.Int64)).alias("day"),
        *(pl.col(s).cast(pl.Utf8).fill_null(NOT_SET) for s in segments),
        *_key_casts(dataset),
        *(_measure(m) for m in spec.measures),
    )
    return frame.select("day", *segments, *spec.keys, *spec.measures)


def _measure(name: str) -> pl.Expr:
    """Counts as integers, sums as floats; an empty SUM (NULL) is 0, as polars sums nulls."""
    dtype = pl.Float64 if name.endswith(("_sum", "_sumsq")) else pl.Int64
    return pl.col(name).cast(dtype).fill_null(0)


def _key_casts(dataset: str) -> list[pl.Expr]:
    if dataset == "responses":
        return [
            pl.col("survey").cast(pl.Utf8).str.strip_chars().str.to_lowercase(),
            pl.col("score").cast(pl.Float64),
        ]
    if dataset == "contacts":
        return [pl.col("contact_reason").cast(pl.Utf8), pl.col("ces_score").cast(pl.Float64)]
    return [
        pl.col("delivered").cast(pl.Boolean),
        pl.col("delivery_bucket").cast(pl.Float64),
        pl.col("promised").cast(pl.Boolean),
        pl.col("on_time").cast(pl.Boolean),
    ]
