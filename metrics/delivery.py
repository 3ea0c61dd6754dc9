"""Delivery speed, on-time rate and shipping cost from orders (by local order day).

- Delivery p50/p90 hours: quantiles of delivered_at − ordered_at over delivered
  orders. Exact (``numpy.quantile``-equal) when the raw orders are present; from
  the ``order_counts`` histogram otherwise, with the error bound in the note
  (< 0.5 h below 72 h, see ``metrics.quantiles``). A delivery stamped before its
  order is left out and counted as excluded.
- On-time rate = on-time deliveries / delivered orders, where on time means
  promised_at is set and delivered_at ≤ promised_at. A delivered order without a
  promise counts in the denominator and cannot be on time (the note says how many);
  when no delivered order has one, there is no on-time rate.
- Shipping cost per order = Σ shipping_cost / orders with a shipping cost (every
  order placed in the period, delivered or not; unknown cost is not free).
"""

from __future__ import annotations

import polars as pl

from metrics.quantiles import (
    delivery_bucket,
    delivery_bucket_upper,
    quantile_from_counts,
    quantile_from_histogram_and_rows,
    quantile_from_values,
)
from metrics.view import KpiView

_US_PER_HOUR = 3_600_000_000
_HOURS = (pl.col("delivered_at") - pl.col("ordered_at")).dt.total_microseconds() / _US_PER_HOUR


def delivery_quantile(q: float):
    """Formula of the delivery-hours q-quantile (p50: q = 0.5, p90: q = 0.9)."""

    def formula(view: KpiView) -> pl.DataFrame:
        keys = view.keys
        delivered = view.rows.filter(pl.col("delivered"))
        counts = (
            delivered.filter(pl.col("delivery_bucket").is_not_null())
            .group_by([*keys, "delivery_bucket"])
            .agg(n=pl.col("n").sum())
            .select(
                *keys,
                lower="delivery_bucket",
                upper=delivery_bucket_upper(pl.col("delivery_bucket")),
                n="n",
            )
        )
        excluded = delivered.group_by(keys).agg(
            excluded=pl.col("n").filter(pl.col("delivery_bucket").is_null()).sum()
        )
        confidence = view.settings.confidence
        if view.raw is None:
            stats = quantile_from_counts(counts, keys, q, confidence)
        else:  # exact: the histogram says which few buckets of rows to read in full
            rows = view.raw().filter(pl.col("delivered_at").is_not_null())
            exact = quantile_from_histogram_and_rows(
                counts, rows, _HOURS, keys, q, confidence, delivery_bucket
            )
            if exact is not None:
                stats = exact
            else:  # the rows and the histogram disagree: read every row
                values = rows.select(*keys, value=_HOURS).collect()
                excluded = values.group_by(keys).agg(excluded=(pl.col("value") < 0).sum())
                values = values.filter(pl.col("value") >= 0)
                stats = quantile_from_values(values, keys, q, confidence)
        noted = excluded.with_columns(
            note=pl.when(pl.col("excluded") > 0).then(
                pl.format("{} deliveries stamped before their order left out", pl.col("excluded"))
            )
        ).drop("excluded")
        return noted.join(stats, on=keys, how="full", coalesce=True)

    return formula


def on_time_stats(view: KpiView) -> pl.DataFrame:
    delivered = view.rows.filter(pl.col("on_time").is_not_null())
    stats = delivered.group_by(view.keys).agg(
        n=pl.col("n").sum(),
        successes=pl.col("n").filter(pl.col("on_time")).sum(),
        unpromised=pl.col("n").filter(~pl.col("promised")).sum(),
    )
    # Without a single promised date nothing can be on time: that is no data, not 0%.
    none_promised = pl.col("unpromised") >= pl.col("n")
    return stats.with_columns(
        n=pl.when(none_promised).then(0).otherwise(pl.col("n")),
        note=pl.when(none_promised & (pl.col("n") > 0))
        .then(pl.lit("no delivered order has a promised date"))
        .when(pl.col("unpromised") > 0)
        .then(
            pl.format(
                "{} delivered order(s) without a promised date count as not on time",
                pl.col("unpromised"),
            )
        ),
    )


def shipping_cost_stats(view: KpiView) -> pl.DataFrame:
    return view.rows.group_by(view.keys).agg(
        n=pl.col("ship_n").sum(),
        total=pl.col("ship_sum").sum(),
        total_sq=pl.col("ship_sumsq").sum(),
    )
