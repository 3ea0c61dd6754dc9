"""Custom benefit KPIs from ``kpi_values`` (date, kpi, value, <segments>), declared in config.

The workspace names an id, an aggregation and a direction (``CustomKpiSpec``, which
``benefitboard.config`` builds from ``[[custom_kpis]]``); rows with kpi == id feed
it, and ``custom_kpi`` turns it into a registry ``Kpi``. Aggregations:
- mean: mean of the values, t interval;
- sum: Σ values (census: exact, no interval);
- last: the values on the latest day of the period that has any, averaged when
  several rows share that day (e.g. one per segment: filter to pick one);
- p50 / p90: exact quantile of the values, order-statistic interval.

Example:
    >>> app_rating = custom_kpi(CustomKpiSpec("app_rating", "App rating", direction="higher"))
    >>> app_rating.dataset, app_rating.kind, app_rating.format_value(4.56)
    ('kpi_values', 'mean', '4.6')
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.kpi import DIRECTIONS, Direction, Formula, Kpi
from metrics.quantiles import quantile_from_counts
from metrics.view import GROUP, KpiView, latest_day_per_group

KIND_OF_AGGREGATION = {
    "mean": "mean",
    "sum": "census",
    "last": "census",
    "p50": "quantile",
    "p90": "quantile",
}
"""Aggregation -> the kind of estimate it gives (``metrics.kinds``)."""
CUSTOM_AGGREGATIONS = tuple(KIND_OF_AGGREGATION)
"""The aggregations a custom KPI can name: mean, sum, last, p50, p90."""


@dataclass(frozen=True)
class CustomKpiSpec:
    """A custom benefit KPI as the workspace declares it (``[[custom_kpis]]`` in its config)."""

    id: str
    label: str
    unit: str = ""
    aggregation: str = "mean"
    direction: Direction = "higher"
    target: float | None = None
    decimals: int = 1
    description: str = ""


def custom_kpi(spec: CustomKpiSpec) -> Kpi:
    """A registry ``Kpi`` for one custom benefit KPI read from ``kpi_values``."""
    if spec.aggregation not in CUSTOM_AGGREGATIONS:
        raise ValueError(
            f"custom KPI {spec.id!r}: aggregation must be one of {CUSTOM_AGGREGATIONS}, "
            f"got {spec.aggregation!r}"
        )
    if spec.direction not in DIRECTIONS:
        raise ValueError(
            f"custom KPI {spec.id!r}: direction must be one of {DIRECTIONS}, got {spec.direction!r}"
        )
    description = spec.description or (
        f"{spec.aggregation} of kpi_values rows with kpi = '{spec.id}'."
    )
    return Kpi(
        id=spec.id,
        label=spec.label or spec.id,
        unit=spec.unit or "",
        format="decimal",
        direction=spec.direction,
        dataset="kpi_values",
        columns=("kpi", "value"),
        description=description,
        default_target=spec.target,
        group="benefit",
        kind=KIND_OF_AGGREGATION[spec.aggregation],
        formula=custom_formula(spec.id, spec.aggregation),
        decimals=int(spec.decimals),
        sample_noun="daily values",
    )


def custom_formula(kpi_id: str, aggregation: str) -> Formula:
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
