"""Quantiles from counts: exact values equal numpy; buckets stay within their stated bound."""

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from metrics.quantiles import (
    DELIVERY_HOUR_EDGES,
    delivery_bucket,
    delivery_bucket_upper,
    quantile_from_counts,
    quantile_from_histogram_and_rows,
    quantile_from_values,
)


def exact_counts(values, group=None):
    frame = pl.DataFrame({"g": group or [0] * len(values), "v": values})
    counts = frame.group_by("g", "v").agg(n=pl.len())
    return counts.select("g", lower="v", upper="v", n="n")


def bucket_counts(values):
    frame = pl.DataFrame({"h": [float(v) for v in values]})
    buckets = frame.select(g=pl.lit(0), lower=delivery_bucket(pl.col("h")))
    counts = buckets.group_by("g", "lower").agg(n=pl.len())
    return counts.with_columns(upper=delivery_bucket_upper(pl.col("lower")))


def test_edges_are_documented_widths():
    edges = np.array(DELIVERY_HOUR_EDGES)
    widths = np.diff(edges)
    assert edges[0] == 0 and edges[-1] == 720
    assert set(widths[edges[:-1] < 72]) == {0.5}
    assert set(widths[(edges[:-1] >= 72) & (edges[:-1] < 168)]) == {2.0}
    assert set(widths[edges[:-1] >= 168]) == {12.0}


@pytest.mark.parametrize(
    ("hours", "lower", "upper"),
    [
        (0.0, 0.0, 0.5),
        (10.2, 10.0, 10.5),
        (71.99, 71.5, 72.0),
        (72.0, 72.0, 74.0),
        (167.0, 166.0, 168.0),
        (170.0, 168.0, 180.0),
        (719.0, 708.0, 720.0),
        (900.0, 720.0, math.inf),
    ],
)
def test_bucket_edges(hours, lower, upper):
    frame = pl.DataFrame({"h": [hours]})
    got = frame.select(lo=delivery_bucket(pl.col("h"))).with_columns(
        hi=delivery_bucket_upper(pl.col("lo"))
    )
    assert got.row(0) == (lower, upper)


def test_exact_values_equal_numpy_linear_quantile():
    # [10, 20, 30, 40, 100]: p50 = 30; p90 at rank 1 + 4·0.9 = 4.6 -> 40 + 0.6·60 = 76
    values = [10.0, 20.0, 30.0, 40.0, 100.0]
    p50 = quantile_from_counts(exact_counts(values), ["g"], 0.5, 0.95).row(0, named=True)
    p90 = quantile_from_counts(exact_counts(values), ["g"], 0.9, 0.95).row(0, named=True)
    assert p50["value"] == 30.0 and p90["value"] == pytest.approx(76.0)
    assert p50["exact"] and p50["error_bound"] == 0.0


def test_interval_is_order_statistics_from_the_binomial():
    # n = 100, q = 0.5: j = B⁻¹(0.025) = 40, k = B⁻¹(0.975) + 1 = 61 -> [x₍40₎, x₍61₎] = [40, 61]
    values = [float(v) for v in range(1, 101)]
    row = quantile_from_counts(exact_counts(values), ["g"], 0.5, 0.95).row(0, named=True)
    assert binom.ppf(0.025, 100, 0.5) == 40 and binom.ppf(0.975, 100, 0.5) == 60
    assert (row["low"], row["value"], row["high"]) == (40.0, 50.5, 61.0)
    assert not row["open_low"] and not row["open_high"]
    assert row["se"] == pytest.approx((61 - 40) / (2 * 1.959963984540054))


def test_small_samples_have_open_sides_and_no_standard_error():
    # n = 5, q = 0.5: P(B <= 0) = 1/32 > 0.025 -> j = 0: no lower bound can be given
    row = quantile_from_counts(exact_counts([1.0, 2.0, 3.0, 4.0, 5.0]), ["g"], 0.5, 0.95).row(
        0, named=True
    )
    assert row["open_low"] and row["open_high"] and row["se"] is None
    assert (row["low"], row["high"]) == (1.0, 5.0)


def test_buckets_by_hand():
    # buckets [10,10.5) [20,20.5) [30,30.5) [40,40.5) [100,102), one value each:
    # x₍r₎ is put mid-bucket: 10.25, 20.25, 30.25, 40.25, 101 -> p50 = 30.25 (bound 0.5),
    # p90 = 40.25 + 0.6·(101 − 40.25) = 76.7 (bound 2: the widest of the two buckets)
    counts = bucket_counts([10.0, 20.0, 30.0, 40.0, 100.0])
    p50 = quantile_from_counts(counts, ["g"], 0.5, 0.95).row(0, named=True)
    p90 = quantile_from_counts(counts, ["g"], 0.9, 0.95).row(0, named=True)
    assert p50["value"] == pytest.approx(30.25) and p50["error_bound"] == 0.5
    assert p90["value"] == pytest.approx(76.7) and p90["error_bound"] == 2.0
    assert not p50["exact"]
    assert abs(p50["value"] - 30.0) <= p50["error_bound"]
    assert abs(p90["value"] - 76.0) <= p90["error_bound"]


def test_values_in_the_open_last_bucket_are_a_lower_bound():
    row = quantile_from_counts(bucket_counts([800.0, 900.0]), ["g"], 0.5, 0.95).row(0, named=True)
    assert row["value"] == 720.0 and math.isinf(row["error_bound"])


def test_groups_are_independent():
    counts = exact_counts([1.0, 2.0, 3.0, 10.0, 20.0], group=[0, 0, 0, 1, 1])
    got = quantile_from_counts(counts, ["g"], 0.5, 0.95).sort("g")
    assert got["value"].to_list() == [2.0, 15.0]


@settings(max_examples=60, deadline=None)
@given(
    hours=st.lists(st.floats(0, 700, allow_nan=False), min_size=1, max_size=60),
    q=st.sampled_from([0.1, 0.5, 0.9]),
)
def test_bucket_estimate_is_within_its_error_bound_of_the_exact_value(hours, q):
    exact = float(np.quantile(hours, q))
    from_counts = quantile_from_counts(exact_counts(hours), ["g"], q, 0.95)["value"].item()
    assert from_counts == pytest.approx(exact, abs=1e-9)
    row = quantile_from_counts(bucket_counts(hours), ["g"], q, 0.95).row(0, named=True)
    assert abs(row["value"] - exact) <= row["error_bound"] + 1e-9


def test_values_by_hand_pick_the_same_order_statistics():
    # group 0: 1..100 shuffled -> p50 = 50.5, interval [x₍40₎, x₍61₎] = [40, 61]; group 1: 7, 3
    values = [float(v) for v in range(1, 101)]
    shuffled = values[37:] + values[:37]
    frame = pl.DataFrame({"g": [0] * 100 + [1, 1], "value": [*shuffled, 7.0, 3.0]})
    got = quantile_from_values(frame, ["g"], 0.5, 0.95).sort("g")
    first = got.row(0, named=True)
    assert first["se"] == pytest.approx((61 - 40) / (2 * 1.959963984540054))
    assert {k: v for k, v in first.items() if k != "se"} == {
        "g": 0, "n": 100, "value": 50.5, "low": 40.0, "high": 61.0,
        "error_bound": 0.0, "exact": True, "open_low": False, "open_high": False,
    }  # fmt: skip
    assert got["value"].to_list() == [50.5, 5.0]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(-50, 700, allow_nan=False), min_size=1, max_size=80),
    groups=st.integers(1, 3),
    q=st.sampled_from([0.1, 0.5, 0.9]),
)
def test_values_give_exactly_what_their_exact_counts_give(values, groups, q):
    group = [i % groups for i in range(len(values))]
    frame = pl.DataFrame({"g": group, "value": values})
    from_values = quantile_from_values(frame, ["g"], q, 0.95).sort("g")
    from_counts = quantile_from_counts(exact_counts(values, group), ["g"], q, 0.95).sort("g")
    assert from_values.equals(from_counts.select(from_values.columns))


def hours_histogram(frame: pl.DataFrame) -> pl.DataFrame:
    buckets = frame.select("g", lower=delivery_bucket(pl.col("value")))
    counts = buckets.group_by("g", "lower").agg(n=pl.len())
    return counts.with_columns(upper=delivery_bucket_upper(pl.col("lower")))


def from_histogram(frame: pl.DataFrame, q: float, counts: pl.DataFrame | None = None):
    counts = hours_histogram(frame) if counts is None else counts
    return quantile_from_histogram_and_rows(
        counts, frame.lazy(), pl.col("value"), ["g"], q, 0.95, delivery_bucket
    )


def test_histogram_and_rows_read_the_needed_buckets_by_hand():
    # 1.2, 3.3, 3.4, 30.1, 30.2: p50 is x₍3₎ = 3.4, in bucket [3, 3.5) with 3.3 before it
    frame = pl.DataFrame({"g": [0] * 5, "value": [30.2, 3.4, 1.2, 30.1, 3.3]})
    row = from_histogram(frame, 0.5).row(0, named=True)
    assert (row["value"], row["low"], row["high"], row["n"]) == (3.4, 1.2, 30.2, 5)
    assert row["exact"] and row["error_bound"] == 0.0


def test_histogram_that_does_not_match_the_rows_gives_none():
    frame = pl.DataFrame({"g": [0] * 5, "value": [30.2, 3.4, 1.2, 30.1, 3.3]})
    counts = hours_histogram(frame).with_columns(
        n=pl.when(pl.col("lower") == 3.0).then(3).otherwise(pl.col("n"))
    )
    assert from_histogram(frame, 0.5, counts) is None


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(0, 900, allow_nan=False), min_size=1, max_size=80),
    groups=st.integers(1, 3),
    q=st.sampled_from([0.1, 0.5, 0.9]),
)
def test_histogram_and_rows_give_exactly_what_all_values_give(values, groups, q):
    frame = pl.DataFrame({"g": [i % groups for i in range(len(values))], "value": values})
    got = from_histogram(frame, q).sort("g")
    assert got.equals(quantile_from_values(frame, ["g"], q, 0.95).sort("g").select(got.columns))
