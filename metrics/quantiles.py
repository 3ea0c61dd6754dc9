"""Quantiles with a distribution-free interval, from counts of values or of buckets.

One algorithm serves both paths:
- exact: counts of exact values (``lower == upper``), e.g. raw delivery hours or
  custom KPI values — the result equals ``numpy.quantile`` (linear, "type 7");
- bucketed: counts per bucket [lower, upper) from a histogram aggregate, e.g.
  the orders aggregate's delivery-hours buckets (``DELIVERY_HOUR_EDGES``).

How. The linear sample quantile sits at rank position p = 1 + (n − 1)·q between
order statistics x₍⌊p⌋₎ and x₍⌈p⌉₎. In a bucket holding ranks prev+1 … prev+c,
order statistic r is placed at lower + (r − prev − ½)/c · width (spread evenly),
so the estimate and the true x₍r₎ lie in the same bucket: |error| < that bucket's
width. The quantile is interpolated between the two, so its error is smaller than
the wider of the (at most two) buckets holding x₍⌊p⌋₎ and x₍⌈p⌉₎. That width is
reported as ``error_bound`` (0 for exact values; ∞ in the open last bucket,
where the value is a lower bound).

Interval: order statistics x₍j₎, x₍k₎ with j = B⁻¹(α/2) and k = B⁻¹(1 − α/2) + 1,
B ~ Binomial(n, q) — covers the population quantile with probability ≥ 1 − α
whatever the distribution. When j < 1 or k > n the sample is too small for a
bound on that side: the observed minimum/maximum is shown and the side is "open".

Example:
    >>> import polars as pl
    >>> counts = pl.DataFrame({"g": [1, 1, 1, 1], "lower": [1.0, 2.0, 3.0, 4.0],
    ...                        "upper": [1.0, 2.0, 3.0, 4.0], "n": [1, 1, 1, 1]})
    >>> quantile_from_counts(counts, ["g"], 0.5, 0.95)["value"].item()  # = numpy.quantile
    2.5
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from scipy.stats import binom, norm

DELIVERY_HOUR_EDGES: tuple[float, ...] = (
    *(i * 0.5 for i in range(144)),  # 0–72 h in half hours
    *(72.0 + 2 * i for i in range(48)),  # 72–168 h (a week) in 2 h
    *(168.0 + 12 * i for i in range(47)),  # 168–720 h (30 days) in 12 h; 720 = open last bucket
)
"""Lower edges of the delivery-hours histogram; each bucket is [edge, next edge),
the last one [720 h, ∞). Widths: 0.5 h below 72 h, 2 h below 168 h, 12 h below 720 h.

A warehouse can produce the same buckets with:
``CASE WHEN h < 72 THEN FLOOR(h*2)/2 WHEN h < 168 THEN 72 + FLOOR((h-72)/2)*2
WHEN h < 720 THEN 168 + FLOOR((h-168)/12)*12 ELSE 720 END``."""


def delivery_bucket(hours: pl.Expr) -> pl.Expr:
    """Lower edge (hours) of the ``DELIVERY_HOUR_EDGES`` bucket holding ``hours`` (≥ 0)."""
    return (
        pl.when(hours < 72)
        .then((hours * 2).floor() / 2)
        .when(hours < 168)
        .then(72 + ((hours - 72) / 2).floor() * 2)
        .when(hours < 720)
        .then(168 + ((hours - 168) / 12).floor() * 12)
        .otherwise(720.0)
    )


def delivery_bucket_upper(lower: pl.Expr) -> pl.Expr:
    """Upper edge of the bucket whose lower edge is ``lower`` (∞ for the last one)."""
    return (
        pl.when(lower < 72)
        .then(lower + 0.5)
        .when(lower < 168)
        .then(lower + 2)
        .when(lower < 720)
        .then(lower + 12)
        .otherwise(math.inf)
    )


def quantile_from_counts(
    counts: pl.DataFrame, keys: list[str], q: float, confidence: float
) -> pl.DataFrame:
    """The q-quantile per ``keys`` group of ``counts`` (keys, lower, upper, n).

    Returns keys, n, value, low, high, se, exact, error_bound, open_low, open_high.
    ``se`` ≈ (high − low)/(2z), the spread a two-sample z test uses; null when a
    side is open, so no change is ever called on a sample too small to bound.
    """
    if not keys:
        single = counts.with_columns(_all=pl.lit(0))
        return quantile_from_counts(single, ["_all"], q, confidence).drop("_all")
    counts = counts.filter(pl.col("n") > 0)
    ordered = counts.sort([*keys, "lower"]).with_columns(cum=pl.col("n").cum_sum().over(keys))
    totals = counts.group_by(keys).agg(total=pl.col("n").sum()).sort(keys)
    total = totals["total"].to_numpy().astype(float)
    alpha = 1 - confidence
    position = 1 + (total - 1) * q
    j = binom.ppf(alpha / 2, total, q)
    k = binom.ppf(1 - alpha / 2, total, q) + 1
    ranks = totals.with_columns(
        r_floor=pl.Series(np.floor(position)),
        r_ceil=pl.Series(np.ceil(position)),
        frac=pl.Series(position - np.floor(position)),
        r_low=pl.Series(np.clip(j, 1, total)),
        r_high=pl.Series(np.clip(k, 1, total)),
        open_low=pl.Series(j < 1, dtype=pl.Boolean),
        open_high=pl.Series(k > total, dtype=pl.Boolean),
    )
    width = pl.col("upper") - pl.col("lower")
    spread = (pl.col("r") - (pl.col("cum") - pl.col("n")) - 0.5) / pl.col("n") * width
    result = ranks
    for role in ("r_floor", "r_ceil", "r_low", "r_high"):
        placed = (
            ranks.select(*keys, r=role)
            .join(ordered, on=keys)
            .filter((pl.col("cum") - pl.col("n") < pl.col("r")) & (pl.col("r") <= pl.col("cum")))
            .select(
                *keys,
                pl.when(width.is_finite() & (width > 0))
                .then(pl.col("lower") + spread)
                .otherwise(pl.col("lower"))
                .alias(f"x_{role}"),
                width.alias(f"width_{role}"),
            )
        )
        result = result.join(placed, on=keys, how="left")
    z = float(norm.ppf(0.5 + confidence / 2))
    widest = pl.max_horizontal("width_r_floor", "width_r_ceil")
    return result.select(
        *keys,
        n=pl.col("total").cast(pl.Int64),
        value=pl.col("x_r_floor") + pl.col("frac") * (pl.col("x_r_ceil") - pl.col("x_r_floor")),
        low=pl.col("x_r_low"),
        high=pl.col("x_r_high"),
        se=pl.when(pl.col("open_low") | pl.col("open_high"))
        .then(None)
        .otherwise((pl.col("x_r_high") - pl.col("x_r_low")) / (2 * z)),
        error_bound=widest,
        exact=widest == 0,
        open_low="open_low",
        open_high="open_high",
    )
