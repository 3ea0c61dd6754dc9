"""Custom benefit KPIs from ``kpi_values`` (date, kpi, value, <segments>), declared in config.

The workspace names an id, an aggregation and a direction; rows with kpi == id
feed it. Aggregations:
- mean: mean of the values, t interval;
- sum: Σ values (census: exact, no interval);
- last: the values on the latest day of the period that has any, averaged when
  several rows share that day (e.g. one per segment: filter to pick one);
- p50 / p90: exact quantile of the values, order-statistic interval.
"""

from __future__ import annotations

import polars as pl

from metrics.quantiles import quantile_from_counts
from metrics.view import GROUP, KpiView, latest_day_per_group

CUSTOM_AGGREGATIONS = ("mean", "sum", "last", "p50", "p90")
KIND_OF_AGGREGATION = {
    "mean": "mean",
    "sum": "census",
    "last": "census",
    "p50": "quantile",
    "p90": "quantile",
}


def custom_formula(kpi_id: str, aggregation: str):
    """The formula of custom KPI ``kpi_id`` with ``aggregation`` (one of CUSTOM_AGGREGATIONS)."""
    if aggregation not in CUSTOM_AGGREGATIONS:
        raise ValueError(
            f"custom KPI {kpi_id!r}: aggregation must be one of {CUSTOM_AGGREGATIONS}, "
            f"got {aggregation!r}"
        )
    n, value = pl.col("n"), pl.col("value")

    def formula(view: KpiView) -> pl.DataFrame:
        rows = view.rows.filter((pl.col("kpi") == kpi_id) & value.is_not_null() & value.is_finite())
        keys = view.keys
        if aggregation == "mean":
            return rows.group_by(keys).agg(
                n=n.sum(), total=(n * value).sum(), total_sq=(n * value * value).sum()
            )
        if aggregation == "sum":
            return rows.group_by(keys).agg(n=n.sum(), value=(n * value).sum())
        if aggregation == "last":
            last = latest_day_per_group(rows, pl.lit(True))
            on_last = rows.join(last, on=GROUP).filter(pl.col("day") == pl.col("_day"))
            return on_last.group_by(keys).agg(n=n.sum(), value=(n * value).sum() / n.sum())
        q = 0.5 if aggregation == "p50" else 0.9
        counts = (
            rows.group_by([*keys, "value"])
            .agg(n=n.sum())
            .select(*keys, lower="value", upper="value", n="n")
        )
        return quantile_from_counts(counts, keys, q, view.settings.confidence)

    return formula
