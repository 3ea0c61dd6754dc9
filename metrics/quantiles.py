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

Raw values (``quantile_from_values``) skip the counting: the four order
statistics a quantile and its interval need are picked per group with
``numpy.partition`` (linear time), the same numbers the exact counts give
without hashing or sorting a million distinct values.

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
from collections.abc import Callable

import numpy as np
import polars as pl

from metrics.distributions import binomial_quantile, normal_quantile

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
    ranks = totals.with_columns(**_ranks(totals["total"].to_numpy(), q, confidence))
    width = pl.col("upper") - pl.col("lower")
    spread = (pl.col("r") - (pl.col("cum") - pl.col("n")) - 0.5) / pl.col("n") * width
    result = ranks
    for role in ROLES:
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
    return _estimates(result, keys, confidence)


def quantile_from_values(
    values: pl.DataFrame, keys: list[str], q: float, confidence: float
) -> pl.DataFrame:
    """The q-quantile per ``keys`` group of raw ``values`` (keys, value): exact, no counting.

    Same result as ``quantile_from_counts`` on the values' exact counts (and as
    ``numpy.quantile``), in linear time: each group's four order statistics
    are picked with ``numpy.partition``. Null values are left out.

    Example:
        >>> values = pl.DataFrame({"g": [1, 1, 1, 1], "value": [4.0, 1.0, 3.0, 2.0]})
        >>> quantile_from_values(values, ["g"], 0.5, 0.95)["value"].item()
        2.5
    """
    if not keys:
        single = values.with_columns(_all=pl.lit(0))
        return quantile_from_values(single, ["_all"], q, confidence).drop("_all")
    values = values.select(*keys, "value").filter(pl.col("value").is_not_null())
    parts = values.partition_by(keys, as_dict=True, include_key=False)
    groups = pl.DataFrame(list(parts), schema=values.select(keys).schema, orient="row")
    total = np.array([part.height for part in parts.values()], dtype=float)
    ranks = _ranks(total, q, confidence)
    picks = {role: np.empty(len(total)) for role in ROLES}
    for index, part in enumerate(parts.values()):
        wanted = {role: int(ranks[role][index]) - 1 for role in ROLES}
        picked = np.partition(part["value"].to_numpy(), sorted(set(wanted.values())))
        for role, position in wanted.items():
            picks[role][index] = picked[position]
    result = groups.with_columns(
        total=pl.Series(total),
        **ranks,
        **{f"x_{role}": pl.Series(picks[role]) for role in ROLES},
        **{f"width_{role}": pl.lit(0.0) for role in ROLES},
    )
    return _estimates(result, keys, confidence)


def quantile_from_histogram_and_rows(
    counts: pl.DataFrame,
    rows: pl.LazyFrame,
    value: pl.Expr,
    keys: list[str],
    q: float,
    confidence: float,
    bucket: Callable[[pl.Expr], pl.Expr],
) -> pl.DataFrame | None:
    """Exact quantiles reading only the rows in the histogram buckets that hold them.

    ``counts`` (keys, lower, upper, n) must be the histogram of ``value`` over
    exactly ``rows`` (lazy, with the key columns), bucketed by ``bucket`` — as
    the engine builds it from the same rows or from the stored aggregate of the
    same snapshot. It says in which bucket each order statistic lies and at
    which rank inside it, so only the rows whose value falls in the range of
    those few buckets are read (a range filter pushed down to the scan): the
    same numbers as ``quantile_from_values`` on every row. None when the rows
    do not match the histogram (a needed bucket holds another number of rows):
    the caller then reads all of them.

    Example:
        >>> values = pl.DataFrame({"g": [0] * 5, "v": [1.2, 0.1, 3.3, 1.4, 5.0]})
        >>> counts = values.group_by("g", lower=pl.col("v").floor()).agg(n=pl.len())
        >>> got = quantile_from_histogram_and_rows(
        ...     counts.with_columns(upper=pl.col("lower") + 1), values.lazy(), pl.col("v"),
        ...     ["g"], 0.5, 0.95, lambda v: v.floor())
        >>> got["value"].item()  # numpy.quantile([0.1, 1.2, 1.4, 3.3, 5.0], 0.5)
        1.4
    """
    counts = counts.filter(pl.col("n") > 0)
    if not keys or counts.is_empty():
        return None
    ordered = counts.sort([*keys, "lower"]).with_columns(cum=pl.col("n").cum_sum().over(keys))
    totals = counts.group_by(keys).agg(total=pl.col("n").sum()).sort(keys)
    ranks = totals.with_columns(**_ranks(totals["total"].to_numpy(), q, confidence))
    needed = pl.concat(
        ranks.select(*keys, role=pl.lit(role), r=role)
        .join(ordered, on=keys)
        .filter((pl.col("cum") - pl.col("n") < pl.col("r")) & (pl.col("r") <= pl.col("cum")))
        .select(*keys, "role", "lower", "n", rank=(pl.col("r") - pl.col("cum") + pl.col("n")))
        for role in ROLES
    ).with_columns(pl.col("rank").cast(pl.Int64))
    buckets = needed.join(ordered, on=[*keys, "lower", "n"]).select(*keys, "lower", "upper", "n")
    buckets = buckets.unique()
    # A plain range around the buckets is cheap to push down to the scan; the exact bucket of
    # each value is then taken on the few rows it lets through (a bucket's width of margin).
    width, lowest, highest = buckets.select(
        width=(pl.col("upper") - pl.col("lower")).filter(pl.col("upper").is_finite()).max(),
        lowest=pl.col("lower").min(),
        highest=pl.col("upper").max(),
    ).row(0)
    margin = 1.0 if width is None else float(width)
    low, high = lowest - margin, highest + margin
    found = (
        rows.filter(value.is_between(low, high))
        .select(*keys, value=value)
        .collect()
        .with_columns(lower=bucket(pl.col("value")))
        .join(buckets.select(*keys, "lower"), on=[*keys, "lower"], how="semi")
        .sort([*keys, "lower", "value"])
        .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over([*keys, "lower"]))
    )
    seen = found.group_by([*keys, "lower"]).agg(seen=pl.len())
    check = buckets.join(seen, on=[*keys, "lower"], how="left")
    if not (check["seen"] == check["n"]).fill_null(False).all():
        return None
    picked = needed.join(found, on=[*keys, "lower", "rank"]).pivot(
        "role", index=keys, values="value"
    )
    result = ranks.join(picked.rename({r: f"x_{r}" for r in ROLES}), on=keys, how="left")
    return _estimates(
        result.with_columns(pl.lit(0.0).alias(f"width_{r}") for r in ROLES), keys, confidence
    )


ROLES = ("r_floor", "r_ceil", "r_low", "r_high")
"""The order statistics a quantile needs: the two around its rank, the interval's two ends."""


def _ranks(total: np.ndarray, q: float, confidence: float) -> dict[str, pl.Series]:
    """Per group of ``total`` values: the ranks (1-based) of ``ROLES``, the interpolation
    fraction, and whether the interval is open on a side (the sample too small to bound it)."""
    total = total.astype(float)
    alpha = 1 - confidence
    position = 1 + (total - 1) * q
    j = binomial_quantile(alpha / 2, total, q)
    k = binomial_quantile(1 - alpha / 2, total, q) + 1
    return {
        "r_floor": pl.Series(np.floor(position)),
        "r_ceil": pl.Series(np.ceil(position)),
        "frac": pl.Series(position - np.floor(position)),
        "r_low": pl.Series(np.clip(j, 1, total)),
        "r_high": pl.Series(np.clip(k, 1, total)),
        "open_low": pl.Series(j < 1, dtype=pl.Boolean),
        "open_high": pl.Series(k > total, dtype=pl.Boolean),
    }


def _estimates(result: pl.DataFrame, keys: list[str], confidence: float) -> pl.DataFrame:
    """Value, interval, se and error bound from the placed order statistics ``x_<role>``."""
    z = float(normal_quantile(0.5 + confidence / 2))
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
