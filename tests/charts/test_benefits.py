"""Benefit figures: delivery-time bands, segments with intervals, and benefit links."""

import polars as pl
import pytest

from charts.benefits import (
    delivery_distribution_figure,
    delivery_shares,
    link_figure,
    segment_figure,
)
from metrics.registry import DEFAULT_REGISTRY

ON_TIME = DEFAULT_REGISTRY.get("on_time_rate")
NPS = DEFAULT_REGISTRY.get("nps")
CSAT = DEFAULT_REGISTRY.get("csat")


def test_delivery_shares_put_every_delivery_in_one_band_and_sum_to_one():
    counts = pl.DataFrame({"delivery_bucket": [0.0, 5.5, 6.0, 50.0, 97.0, 400.0], "n": [1] * 6})
    shares = delivery_shares(counts, bin_hours=6, cap_hours=96)
    by_band = dict(zip(shares["band"], shares["n"], strict=True))
    assert by_band["0–6 h"] == 2  # 0 h and 5.5 h
    assert by_band["6–12 h"] == 1
    assert by_band["48–54 h"] == 1
    assert by_band["96 h or more"] == 2  # 97 h and 400 h
    assert shares["share"].sum() == pytest.approx(1.0)
    assert shares.height == 17  # every band present, empty ones as 0


def test_the_distribution_compares_periods_and_marks_median_and_p90():
    current = pl.DataFrame({"delivery_bucket": [10.0, 30.0], "n": [3, 1]})
    before = pl.DataFrame({"delivery_bucket": [10.0], "n": [2]})
    fig = delivery_distribution_figure(current, before, median=12.0, p90=31.0)
    bars, line = fig.data
    assert max(bars.y) == pytest.approx(0.75) and max(line.y) == pytest.approx(1.0)
    assert {a.text for a in fig.layout.annotations} >= {"median 12 h", "90th percentile 31 h"}


def by_segment(rows):
    return pl.DataFrame(
        rows, schema=["segment", "value", "low", "high", "n"], orient="row"
    ).with_columns(pl.col("n").cast(pl.Int64))


def test_segments_show_their_interval_worst_first_beside_a_second_kpi():
    on_time = by_segment([("South", 0.92, 0.90, 0.94, 900), ("North", 0.56, 0.52, 0.60, 700)])
    nps = by_segment([("North", 0.0, -8.0, 8.0, 300), ("South", 35.6, 30.0, 41.0, 280)])
    fig = segment_figure(on_time, ON_TIME, target=0.9, beside=(nps, NPS, 35.0))
    left, right = fig.data
    assert list(left.y) == ["North", "South"]  # the lowest on-time rate first
    assert list(left.x) == [0.56, 0.92]
    assert list(right.x) == [0.0, 35.6]  # the NPS of the same regions, in the same order
    assert list(left.error_x.array) == pytest.approx([0.04, 0.02])
    assert list(left.text) == ["56.0%", "92.0%"]


def test_segment_names_from_data_are_escaped():
    fig = segment_figure(by_segment([("<img src=x>", 0.5, 0.4, 0.6, 10)]), ON_TIME)
    assert list(fig.data[0].y) == ["&lt;img src=x&gt;"]


def test_a_link_shows_each_group_with_its_answers():
    frame = pl.DataFrame(
        {
            "group": ["on time", "late"],
            "value": [48.4, -61.7],
            "low": [44.0, -67.0],
            "high": [52.0, -56.0],
            "n": [1763, 546],
            "small_sample": [False, False],
        }
    )
    csat = frame.with_columns(value=pl.Series([0.83, 0.25]), low=None, high=None)
    fig = link_figure([(frame, NPS), (csat, CSAT)])
    nps_points, csat_points = fig.data
    assert list(nps_points.y) == [48.4, -61.7]
    assert list(nps_points.x) == ["on time<br>1,763 answers", "late<br>546 answers"]
    assert list(csat_points.text) == ["83.0%", "25.0%"]
