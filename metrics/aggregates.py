"""Day-level aggregates: the scale-ready shape every count-and-sum KPI computes from.

Each dataset is reduced once to counts and sums by (local day, segments…, value
or bucket). KPI formulas read only these aggregates, so the same formula runs
whether polars built the aggregate from raw rows here or a SQL warehouse built it
(pass it in ``data`` under its name, e.g. ``data["survey_counts"]``; its ``day``
must already be the local day in the reporting time zone).

| aggregate | key columns (besides day, segments) | measures |
| --- | --- | --- |
| survey_counts | survey, score | n |
| contact_counts | contact_reason, ces_score | n, handle_n, handle_sum, handle_sumsq (seconds) |
| order_counts | delivered, delivery_bucket, promised, on_time | n, ship_n, ship_sum, ship_sumsq |
| selection_daily | — | rows, offered, stock_offered, in_stock |
| price_sums | — | n, our, ref, our_sq, ref_sq, our_ref |
| acquisition_daily | — | rows, new, spend, spend_rows, visitors, new_with_visitors |
| revenue_daily | kind | rows, amount, mrr, mrr_rows |
| kpi_value_counts | kpi, value | n |

Time: timestamp datasets (responses, contacts, orders, feedback) get ``day`` = the
local date of their UTC time column in the reporting time zone; date datasets
(selection, prices, acquisition, revenue, kpi_values) are dated in local days already.

Missing stays missing: a sum over rows that all lack the value (a source without a
spend column, a day without stock counts) is null, as SQL's SUM is, never 0
(``metrics.sums.total``); counts say how many rows had one (``spend_rows``, ``ship_n``).

Defensive choices (validation should already have quarantined such rows):
- orders: ``delivered`` is true when ``delivered_at`` is set; a delivery before the
  order (negative hours) gets no ``delivery_bucket`` and no ``on_time`` and is
  left out of delivery KPIs. ``delivery_bucket`` is the lower edge in hours of
  the ``DELIVERY_HOUR_EDGES`` bucket. ``on_time`` = delivered_at ≤ promised_at,
  false when there is no promise, null when not (validly) delivered.
- contacts: negative or missing ``handle_seconds`` are not counted in handle_n.
- prices: rows without a positive reference price are left out.

Example:
    >>> from datetime import datetime, UTC
    >>> import polars as pl
    >>> raw = pl.DataFrame({"response_id": ["a", "b"], "survey": ["nps", "nps"],
    ...     "score": [9.0, 9.0], "responded_at": [datetime(2024, 1, 31, 23, 30, tzinfo=UTC)] * 2})
    >>> survey_counts(raw, timezone="Europe/Berlin").collect().row(0)
    (datetime.date(2024, 2, 1), 'nps', 9.0, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from canonical.datasets import dataset_spec
from metrics.local_time import local_day, utc_window, utc_windows
from metrics.periods import Period
from metrics.quantiles import delivery_bucket
from metrics.settings import Filters
from metrics.sums import total

Frame = pl.LazyFrame | pl.DataFrame
_US_PER_HOUR = 3_600_000_000
NOT_SET = "(not set)"
"""The segment value of rows whose segment column is empty (filterable like any value)."""


@dataclass(frozen=True)
class AggregateSpec:
    """How one canonical dataset becomes its day-level aggregate."""

    dataset: str
    name: str
    keys: tuple[str, ...]
    measures: tuple[str, ...]
    build: Callable[[pl.LazyFrame, list[str]], pl.LazyFrame]
    """raw rows (with ``day``) and the group columns (day + segments) → the aggregate."""

    @property
    def columns(self) -> tuple[str, ...]:
        return ("day", *self.keys, *self.measures)


def _survey(rows: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    return (
        rows.group_by(_unique([*by, "survey", "score"]))
        .agg(n=pl.len())
        .with_columns(survey=pl.col("survey").str.strip_chars().str.to_lowercase())
    )


def _contacts(rows: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    seconds = pl.col("handle_seconds")
    valid = seconds.is_not_null() & (seconds >= 0)
    return rows.group_by(_unique([*by, "contact_reason", "ces_score"])).agg(
        n=pl.len(),
        handle_n=valid.sum(),
        handle_sum=seconds.filter(valid).sum(),
        handle_sumsq=(seconds * seconds).filter(valid).sum(),
    )


def _orders(rows: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    hours = (pl.col("delivered_at") - pl.col("ordered_at")).dt.total_microseconds() / _US_PER_HOUR
    valid = pl.col("delivered_at").is_not_null() & (hours >= 0)
    promised = pl.col("promised_at").is_not_null()
    cost = pl.col("shipping_cost")
    return (
        rows.with_columns(
            delivered=pl.col("delivered_at").is_not_null(),
            delivery_bucket=pl.when(valid).then(delivery_bucket(hours)),
            promised=promised,
            on_time=pl.when(valid).then(
                promised & (pl.col("delivered_at") <= pl.col("promised_at")).fill_null(False)
            ),
        )
        .group_by(_unique([*by, "delivered", "delivery_bucket", "promised", "on_time"]))
        .agg(
            n=pl.len(),
            ship_n=cost.is_not_null().sum(),
            ship_sum=cost.sum(),
            ship_sumsq=(cost * cost).sum(),
        )
    )


def _selection(rows: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    known = pl.col("skus_in_stock").is_not_null()
    return rows.group_by(by).agg(
        rows=pl.len(),
        offered=total(pl.col("skus_offered")),
        stock_offered=total(pl.col("skus_offered").filter(known)),
        in_stock=total(pl.col("skus_in_stock").filter(known)),
    )


def _prices(rows: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    our, ref = pl.col("our_price"), pl.col("reference_price")
    valid = our.is_not_null() & ref.is_not_null() & (ref > 0)
    return (
        rows.filter(valid)
        .group_by(by)
        .agg(
            n=pl.len(),
            our=our.sum(),
            ref=ref.sum(),
            our_sq=(our * our).sum(),
            ref_sq=(ref * ref).sum(),
            our_ref=(our * ref).sum(),
        )
    )


def _acquisition(rows: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    new = pl.col("new_customers")
    return rows.group_by(by).agg(
        rows=pl.len(),
        new=total(new),
        spend=total(pl.col("spend")),
        spend_rows=pl.col("spend").is_not_null().sum(),
        visitors=total(pl.col("visitors")),
        new_with_visitors=total(new.filter(pl.col("visitors").is_not_null())),
    )


def _revenue(rows: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    return (
        rows.with_columns(kind=pl.col("kind").str.strip_chars().str.to_lowercase())
        .group_by(_unique([*by, "kind"]))
        .agg(
            rows=pl.len(),
            amount=total(pl.col("amount")),
            mrr=total(pl.col("mrr")),
            mrr_rows=pl.col("mrr").is_not_null().sum(),
        )
    )


def _kpi_values(rows: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    return rows.group_by(_unique([*by, "kpi", "value"])).agg(n=pl.len())


AGGREGATES: dict[str, AggregateSpec] = {
    spec.dataset: spec
    for spec in (
        AggregateSpec("responses", "survey_counts", ("survey", "score"), ("n",), _survey),
        AggregateSpec(
            "contacts",
            "contact_counts",
            ("contact_reason", "ces_score"),
            ("n", "handle_n", "handle_sum", "handle_sumsq"),
            _contacts,
        ),
        AggregateSpec(
            "orders",
            "order_counts",
            ("delivered", "delivery_bucket", "promised", "on_time"),
            ("n", "ship_n", "ship_sum", "ship_sumsq"),
            _orders,
        ),
        AggregateSpec(
            "selection",
            "selection_daily",
            (),
            ("rows", "offered", "stock_offered", "in_stock"),
            _selection,
        ),
        AggregateSpec(
            "prices",
            "price_sums",
            (),
            ("n", "our", "ref", "our_sq", "ref_sq", "our_ref"),
            _prices,
        ),
        AggregateSpec(
            "acquisition",
            "acquisition_daily",
            (),
            ("rows", "new", "spend", "spend_rows", "visitors", "new_with_visitors"),
            _acquisition,
        ),
        AggregateSpec(
            "revenue", "revenue_daily", ("kind",), ("rows", "amount", "mrr", "mrr_rows"), _revenue
        ),
        AggregateSpec("kpi_values", "kpi_value_counts", ("kpi", "value"), ("n",), _kpi_values),
    )
}


def aggregate_spec(dataset: str) -> AggregateSpec:
    try:
        return AGGREGATES[dataset]
    except KeyError:
        raise KeyError(
            f"dataset {dataset!r} has no day-level aggregate; known: {', '.join(AGGREGATES)}"
        ) from None


def has_dataset(data: Mapping[str, Frame | None], dataset: str) -> bool:
    """True when ``data`` holds the raw dataset or its pre-built aggregate."""
    spec = AGGREGATES.get(dataset)
    return data.get(dataset) is not None or (spec is not None and data.get(spec.name) is not None)


def day_aggregate(
    dataset: str,
    data: Mapping[str, Frame | None],
    *,
    periods: Sequence[Period] | None,
    segments: Sequence[str] = (),
    filters: Filters | None = None,
    timezone: str = "UTC",
) -> pl.LazyFrame:
    """The dataset's aggregate restricted to ``periods`` (None: all days), filtered, by segments.

    Uses ``data[<aggregate name>]`` when the caller supplied one (e.g. from a
    warehouse), otherwise builds it from the raw dataset ``data[dataset]``.
    Filters are applied before aggregating; the result has ``day``, the segment
    columns (as Utf8), the spec's keys and its measures.
    """
    spec = aggregate_spec(dataset)
    segments = [s for s in _unique(list(segments)) if s not in spec.keys]
    prebuilt = data.get(spec.name)
    if prebuilt is not None:
        rows = _checked(prebuilt.lazy(), spec.name, spec.columns, segments, filters)
        rows = _apply_filters(_restrict_days(rows, periods), filters)
        by = _unique(["day", *spec.keys, *segments])
        rows = rows.with_columns(_segment(s) for s in segments)
        return rows.group_by(by).agg(total(pl.col(m)).alias(m) for m in spec.measures)
    raw = data.get(dataset)
    if raw is None:
        raise KeyError(f"no {dataset!r} data (raw or {spec.name!r}) was given")
    rows = prepared_rows(
        dataset, raw, periods=periods, filters=filters, timezone=timezone, segments=segments
    )
    return spec.build(rows, ["day", *segments])


def prepared_rows(
    dataset: str,
    raw: Frame,
    *,
    periods: Sequence[Period] | None,
    filters: Filters | None,
    timezone: str,
    segments: Sequence[str] = (),
) -> pl.LazyFrame:
    """Raw rows of ``dataset`` in ``periods``, filtered, with a local ``day`` column.

    Optional canonical columns that the source lacks are added as nulls, so the
    aggregate builders need no special cases (the engine reports missing columns).
    """
    spec = dataset_spec(dataset)
    rows = raw.lazy()
    names = rows.collect_schema().names()
    _require(
        names,
        dataset,
        [*_read_columns(dataset), *segments, *(c for c, v in (filters or {}).items() if v)],
    )
    rows = rows.with_columns(
        pl.lit(None, dtype=c.dtype).alias(c.name) for c in spec.columns if c.name not in names
    )
    time_column = spec.time_column
    is_timestamp = isinstance(spec.column(time_column).dtype, pl.Datetime)
    if is_timestamp and periods:
        windows = utc_windows(periods)
        rows = rows.filter(
            pl.any_horizontal(
                pl.col(time_column).is_between(lo, hi, closed="left") for lo, hi in windows
            )
        )
    rows = _apply_filters(rows, filters)
    if is_timestamp:
        lo, hi = utc_window(periods) if periods else _data_window(rows, time_column)
        rows = rows.with_columns(local_day(time_column, timezone, lo, hi))
    else:
        rows = rows.with_columns(day=pl.col(time_column))
    rows = _restrict_days(rows, periods)
    return rows.with_columns(_segment(s) for s in segments)


_READS: dict[str, tuple[str, ...]] = {
    "responses": ("responded_at", "survey", "score"),
    "contacts": ("opened_at", "contact_reason"),
    "orders": ("ordered_at",),
}
"""The required columns each timestamp aggregate reads; ids and the like need not be loaded."""


def _read_columns(dataset: str) -> tuple[str, ...]:
    """The required columns aggregating ``dataset`` reads (all of them, unless listed above)."""
    return _READS.get(dataset, dataset_spec(dataset).required)


def _data_window(rows: pl.LazyFrame, column: str) -> tuple[datetime | None, datetime | None]:
    """The UTC span of ``column`` (two days wider each side), so ``local_day`` can take its
    fast offset-table path when no period is given; (None, None) when there are no rows."""
    first, last = (
        rows.select(pl.col(column).min(), pl.col(column).max().alias("_last")).collect().row(0)
    )
    if first is None:
        return None, None
    return first - timedelta(days=2), last + timedelta(days=2)


def survey_counts(
    responses: Frame,
    *,
    timezone: str = "UTC",
    segments: Sequence[str] = (),
    periods: Sequence[Period] | None = None,
) -> pl.LazyFrame:
    """(day, <segments>, survey, score, n) from raw responses; day is local to ``timezone``."""
    return day_aggregate(
        "responses", {"responses": responses}, periods=periods, segments=segments, timezone=timezone
    ).select("day", *segments, "survey", "score", "n")


def contact_counts(
    contacts: Frame,
    *,
    timezone: str = "UTC",
    segments: Sequence[str] = (),
    periods: Sequence[Period] | None = None,
) -> pl.LazyFrame:
    """(day, <segments>, contact_reason, ces_score, n, handle_n, handle_sum, handle_sumsq)."""
    return day_aggregate(
        "contacts", {"contacts": contacts}, periods=periods, segments=segments, timezone=timezone
    )


def order_counts(
    orders: Frame,
    *,
    timezone: str = "UTC",
    segments: Sequence[str] = (),
    periods: Sequence[Period] | None = None,
) -> pl.LazyFrame:
    """(day, <segments>, delivered, delivery_bucket, promised, on_time, n, ship_n, ship_sum,
    ship_sumsq)."""
    return day_aggregate(
        "orders", {"orders": orders}, periods=periods, segments=segments, timezone=timezone
    )


def _restrict_days(rows: pl.LazyFrame, periods: Sequence[Period] | None) -> pl.LazyFrame:
    if not periods:
        return rows
    return rows.filter(pl.any_horizontal(pl.col("day").is_between(p.start, p.end) for p in periods))


def _apply_filters(rows: pl.LazyFrame, filters: Filters | None) -> pl.LazyFrame:
    for column, allowed in (filters or {}).items():
        if allowed:
            rows = rows.filter(_segment(column).is_in([str(v) for v in allowed]))
    return rows


def _segment(column: str) -> pl.Expr:
    """A segment column as text, empty values shown as ``NOT_SET``."""
    return pl.col(column).cast(pl.Utf8).fill_null(NOT_SET).alias(column)


def _checked(
    rows: pl.LazyFrame,
    name: str,
    columns: Iterable[str],
    segments: Sequence[str],
    filters: Filters | None,
) -> pl.LazyFrame:
    _require(
        rows.collect_schema().names(),
        name,
        [*columns, *segments, *(c for c, v in (filters or {}).items() if v)],
    )
    return rows


def _require(names: Sequence[str], dataset: str, needed: Iterable[str]) -> None:
    absent = [c for c in _unique(list(needed)) if c not in names]
    if absent:
        raise KeyError(
            f"{dataset} has no column(s) {absent}; it has {list(names)}. Map the source column "
            "in the workspace config or drop the filter/segment."
        )


def _unique(columns: list[str]) -> list[str]:
    return list(dict.fromkeys(columns))
