"""Charts scale to the data: delivery bands from the data's spread, long splits stay readable."""

import polars as pl
import pytest

from charts.benefits import (
    DeliveryBins,
    delivery_bins,
    delivery_distribution_figure,
    delivery_shares,
    segment_figure,
)
from charts.drilldown import segment_bars
from metrics.registry import DEFAULT_REGISTRY

ON_TIME = DEFAULT_REGISTRY.get("on_time_rate")
NPS = DEFAULT_REGISTRY.get("nps")

# A marketplace: lower edges of stored delivery-hour buckets (metrics.quantiles) and orders.
# Shares 10% at 60 h, 40% at 7 days (168 h), 30% at 10 days, 17% at 15 days, 2% at 20 days,
# 1% beyond 30 days. Median: the 50th percent is reached in the 168 h bucket.
MARKETPLACE = pl.DataFrame(
    {"delivery_bucket": [60.0, 168.0, 240.0, 360.0, 480.0, 720.0], "n": [10, 40, 30, 17, 2, 1]}
)


def test_a_marketplace_gets_day_bands_and_no_catch_all_band():
    bins = delivery_bins(MARKETPLACE)
    # 97% are reached in the 360–372 h bucket, so the bands must reach 372 h. The median (168 h)
    # is past three days: days, bands of at least 12 h. 12 h bands: 31 of them (> 30);
    # 24 h bands: ceil(372 / 24) = 16 bands, to 384 h.
    assert bins == DeliveryBins(bin_hours=24, cap_hours=384, in_days=True)
    shares = delivery_shares(MARKETPLACE, bins.bin_hours, bins.cap_hours, in_days=True)
    by_band = dict(zip(shares["band"], shares["share"], strict=True))
    assert by_band["2–3 d"] == pytest.approx(0.10)  # 60 h
    assert by_band["7–8 d"] == pytest.approx(0.40)
    assert by_band["10–11 d"] == pytest.approx(0.30)
    assert by_band["15–16 d"] == pytest.approx(0.17)
    assert by_band["16 d or more"] == pytest.approx(0.03)  # 480 h and 720 h: 3 of 100, ≤ 5%
    assert shares.height == 17  # 16 day bands and the open one
    # The old fixed bands (6 h to 96 h) put every delivery but the 60 h ones into "96 h or more".
    fixed = delivery_shares(MARKETPLACE, 6, 96)
    assert fixed["share"].to_list()[-1] == pytest.approx(0.90)


def test_the_marketplace_figure_reads_in_days():
    fig = delivery_distribution_figure(MARKETPLACE, median=168.0, p90=360.0)
    assert {a.text for a in fig.layout.annotations} >= {"median 7.0 d", "90th percentile 15.0 d"}
    assert fig.layout.title.text == "How long deliveries took (days from order to delivery)"
    # 16 bands: a tick every round(16 / 8) = 2 bands (2 days), the last one the open band.
    assert list(fig.layout.xaxis.ticktext) == [*(f"{d} d" for d in range(0, 16, 2)), "16 d+"]
    assert fig.data[0].width == pytest.approx(24 * 0.92)


def test_a_same_day_shop_gets_hour_bands():
    counts = pl.DataFrame({"delivery_bucket": [2.0, 5.0, 9.5, 20.0], "n": [40, 30, 20, 10]})
    # 97% reached in the 20–20.5 h bucket; median 5 h: one-hour bands to 21 h (21 ≤ 30).
    assert delivery_bins(counts) == DeliveryBins(1, 21, in_days=False)
    fig = delivery_distribution_figure(counts, median=5.0)
    assert fig.layout.title.text == "How long deliveries took (hours from order to delivery)"
    assert list(fig.layout.xaxis.ticktext)[-1] == "21 h+"
    assert "median 5 h" in {a.text for a in fig.layout.annotations}


def test_bands_hold_whole_stored_buckets():
    # Past 72 h the stored buckets are 2 h wide: 3 h bands would split them.
    counts = pl.DataFrame({"delivery_bucket": [30.0, 80.0, 84.0], "n": [50, 47, 3]})
    # 97% reached in the 80–82 h bucket: 3 h bands would need 28 (≤ 30) but cut the 2 h
    # buckets; 6 h bands: ceil(82 / 6) = 14, to 84 h.
    assert delivery_bins(counts) == DeliveryBins(6, 84, in_days=False)


def states(n: int, *, others: bool = False) -> pl.DataFrame:
    """n states with on-time rates 0.50, 0.51, … in reverse order, and n = 100 each."""
    rows = [
        (f"S{i:02d}", 0.50 + i / 100, 0.45 + i / 100, 0.55 + i / 100, 100, False) for i in range(n)
    ]
    if others:
        rows.append(("7 others", 0.40, 0.35, 0.45, 60, True))
    frame = pl.DataFrame(
        rows[::-1], schema=["segment", "value", "low", "high", "n", "others"], orient="row"
    )
    return frame if others else frame.drop("others")


def test_27_states_get_a_row_each_worst_first():
    fig = segment_figure(states(27), ON_TIME)
    assert list(fig.data[0].y) == [f"S{i:02d}" for i in range(27)]  # lowest on-time rate first
    assert fig.layout.height == 80 + 36 * 27  # SEGMENT_CHROME + ROW_HEIGHT per state


def test_the_others_row_comes_last_whatever_its_value():
    fig = segment_figure(states(20, others=True), ON_TIME)
    shown = list(fig.data[0].y)
    assert (shown[0], shown[-1]) == ("S00", "7 others")  # others: lowest value (0.40), still last
    assert fig.layout.height == 80 + 36 * 21


def test_many_segment_bars_lie_on_their_side_best_first():
    table = states(27).with_columns(small_sample=pl.lit(False))
    fig = segment_bars(table, ON_TIME, "state")
    _, bars = fig.data
    assert bars.orientation == "h"
    assert list(bars.y) == [f"S{i:02d}" for i in reversed(range(27))]  # highest first
    assert bars.customdata[0][0] == "S26"  # a click still opens the state
    assert fig.layout.height == 90 + 26 * 27
    few = segment_bars(states(3).with_columns(small_sample=pl.lit(False)), ON_TIME, "state")
    assert few.data[1].orientation is None and list(few.data[1].x) == ["S00", "S01", "S02"]
