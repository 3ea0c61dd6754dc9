"""Kinds of estimate: how sufficient statistics become a value, an interval and a change.

| kind | statistics a formula returns | value and interval | change test |
| --- | --- | --- | --- |
| nps | n, promoters, detractors | NPS ± z·SE (published SE) | two-sample z, SE₁²+SE₂² |
| proportion | n, successes | share, Wilson | two-proportion z; Newcombe interval |
| mean | n, total, total_sq | mean, t interval | Welch t |
| ratio | n, sum_x, sum_y, sum_xx, sum_yy, sum_xy, scale | scale·Σx/Σy, delta method | z |
| quantile | n, value, low, high, se, error_bound, open_low/high | order statistics | z |
| census | n, value | exact total, no interval | exact difference, no test |

Any kind may also return ``excluded`` (rows ignored as out of scale) and ``note``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from metrics.settings import MetricSettings
from metrics.stats import (
    Change,
    Estimate,
    census_change,
    mean_interval,
    no_comparison,
    nps_interval,
    proportion_change,
    ratio_interval,
    welch_change,
    wilson_interval,
    z_change,
)

KINDS = ("nps", "proportion", "mean", "ratio", "quantile", "census")
ESTIMATE_COLUMNS = ("value", "low", "high", "n", "small_sample", "exact", "note")


def estimate_frame(
    kind: str, stats: pl.DataFrame, settings: MetricSettings, unit: str = ""
) -> pl.DataFrame:
    """``stats`` plus value, low, high, se, sd, n, small_sample, exact, note (NaN → null)."""
    if kind not in KINDS:
        raise ValueError(f"unknown estimate kind {kind!r}; expected one of {KINDS}")
    stats = stats.with_columns(n=pl.col("n").fill_null(0).cast(pl.Int64))
    n = stats["n"].to_numpy().astype(float)
    z = settings.z
    column = _column(stats)
    se = sd = np.full(len(stats), np.nan)
    if kind == "nps":
        value, se, low, high = nps_interval(column("promoters"), column("detractors"), n, z)
    elif kind == "proportion":
        successes = np.minimum(column("successes"), n)
        value, low, high = wilson_interval(successes, n, z)
    elif kind == "mean":
        value, sd, low, high = mean_interval(
            n, column("total"), column("total_sq"), settings.confidence
        )
    elif kind == "ratio":
        value, se, low, high = ratio_interval(
            n,
            column("sum_x"),
            column("sum_y"),
            column("sum_xx"),
            column("sum_yy"),
            column("sum_xy"),
            column("scale"),
            z,
        )
    elif kind == "quantile":
        value, low, high, se = column("value"), column("low"), column("high"), column("se")
    else:  # census
        value = column("value")
        low = high = np.full(len(stats), np.nan)
    empty = n <= 0
    value = np.where(empty, np.nan, value)
    exact = (
        stats["exact"].fill_null(True).to_list()
        if "exact" in stats.columns
        else [True] * len(stats)
    )
    notes = [_note(kind, row, unit) for row in stats.iter_rows(named=True)]
    return stats.drop(
        [c for c in ("value", "low", "high", "se", "exact", "note") if c in stats.columns]
    ).with_columns(
        value=_series(value),
        low=_series(np.where(empty, np.nan, low)),
        high=_series(np.where(empty, np.nan, high)),
        se=_series(se),
        sd=_series(sd),
        small_sample=pl.Series(
            [kind != "census" and v < settings.min_sample for v in n], dtype=pl.Boolean
        ),
        exact=pl.Series(exact, dtype=pl.Boolean),
        note=pl.Series(notes, dtype=pl.Utf8),
    )


def to_estimate(row: Mapping[str, Any]) -> Estimate:
    """One row of ``estimate_frame`` as an ``Estimate``."""
    return Estimate(
        value=row["value"],
        low=row["low"],
        high=row["high"],
        n=int(row["n"]),
        small_sample=bool(row["small_sample"]),
        exact=bool(row["exact"]),
        note=row["note"] or "",
    )


def change_between(
    kind: str,
    current: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    settings: MetricSettings,
) -> Change:
    """The period-over-period change for two rows of ``estimate_frame``."""
    if previous is None or current["value"] is None or previous["value"] is None:
        return no_comparison()
    confidence = settings.confidence
    if kind == "proportion":
        return proportion_change(
            min(current["successes"], current["n"]),
            current["n"],
            min(previous["successes"], previous["n"]),
            previous["n"],
            confidence,
        )
    if kind == "mean":
        return welch_change(
            current["n"],
            current["value"],
            current["sd"],
            previous["n"],
            previous["value"],
            previous["sd"],
            confidence,
        )
    if kind == "census":
        return census_change(current["value"], previous["value"])
    return z_change(current["value"], current["se"], previous["value"], previous["se"], confidence)


def _note(kind: str, row: Mapping[str, Any], unit: str) -> str:
    parts = []
    if row.get("note"):
        parts.append(row["note"])
    excluded = row.get("excluded") or 0
    if excluded:
        parts.append(f"{excluded:,} out-of-scale value{'s' if excluded != 1 else ''} ignored")
    if kind == "quantile" and row.get("n"):
        bound = row.get("error_bound")
        suffix = f" {unit}" if unit else ""
        if bound is not None and math.isinf(bound):
            parts.append("beyond the last bucket: the value is a lower bound")
        elif bound:
            parts.append(f"from buckets: within {bound:g}{suffix} of the exact value")
        if row.get("open_low") or row.get("open_high"):
            parts.append("too few values for a full interval; no change is tested")
    if kind == "proportion" and (row.get("successes") or 0) > (row.get("n") or 0):
        parts.append(
            f"{row['successes']:,} successes exceed {row['n']:,} trials in the data; capped"
        )
    if kind == "mean" and row.get("n") == 1:
        parts.append("a single value: no interval")
    return "; ".join(parts)


def _column(stats: pl.DataFrame):
    def get(name: str) -> np.ndarray:
        return stats[name].cast(pl.Float64).fill_null(np.nan).to_numpy()

    return get


def _series(values: np.ndarray) -> pl.Series:
    # nan_to_null at construction: fill_nan(None) would run a query per column (~0.3 ms each).
    return pl.Series(np.asarray(values, dtype=float), nan_to_null=True)
