"""Drill-down, effort and feedback figures carry the numbers they are given, and clicks can
find their segment, reason or theme."""

import doctest
from datetime import date

import polars as pl
import pytest

import charts.drilldown
import charts.effort
import charts.feedback
from charts.drilldown import (
    score_distribution_figure,
    segment_bars,
    segment_trend_figure,
    two_way_heatmap,
    what_changed_figure,
)
from charts.effort import effort_bubbles, reason_trend_figure
from charts.feedback import theme_bars, theme_origin_figure, theme_trend_heatmap
from metrics.registry import DEFAULT_REGISTRY
from metrics.what_changed import what_changed

NPS = DEFAULT_REGISTRY.get("nps")
CSAT = DEFAULT_REGISTRY.get("csat")

SPLIT = pl.DataFrame(
    {
        "segment": ["South", "North", "<b>West</b>"],
        "value": [45.0, 0.6, 30.0],
        "low": [34.0, -12.8, 15.0],
        "high": [56.0, 14.0, 46.0],
        "n": [147, 158, 97],
        "small_sample": [False, False, False],
        "previous_value": [39.7, 41.7, 36.8],
        "previous_n": [116, 151, 87],
        "delta": [5.2, -41.1, -5.9],
        "significant": [False, True, False],
        "word": ["no significant change", "down", "no significant change"],
    }
)


@pytest.mark.parametrize("module", [charts.drilldown, charts.effort, charts.feedback])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


def test_segment_bars_show_value_interval_n_and_the_comparison():
    fig = segment_bars(SPLIT, NPS, "region", overall=27.0)
    targets, bars, previous = fig.data
    assert list(bars.x) == ["&lt;b&gt;West&lt;/b&gt;", "North", "South"]  # sorted, escaped
    assert list(bars.y) == [30.0, 0.6, 45.0]
    assert list(bars.error_y.array) == pytest.approx([16.0, 13.4, 11.0])
    assert list(bars.error_y.arrayminus) == pytest.approx([15.0, 13.4, 11.0])
    assert list(bars.text) == ["n = 97", "n = 158", "n = 147"]
    assert [c[0] for c in bars.customdata] == ["<b>West</b>", "North", "South"]  # raw, to filter
    # a click anywhere in a column opens it: the invisible targets span every value drawn
    assert [c[0] for c in targets.customdata] == ["<b>West</b>", "North", "South"]
    assert list(targets.base) == [-12.8] * 3 and list(targets.y) == pytest.approx([68.8] * 3)
    assert list(previous.y) == [36.8, 41.7, 39.7]
    assert bars.marker.color[1] != bars.marker.color[0]  # North's significant drop stands out


def test_the_waterfall_walks_from_the_comparison_value_to_the_current_one():
    table = SPLIT.select("segment", "value", "n", "previous_value", "previous_n")
    result = what_changed(table, "nps")
    fig = what_changed_figure(result.segments, NPS, result.previous, result.current, "region")
    steps = fig.data[0]
    assert steps.x[0] == "comparison period" and steps.x[-1] == "this period"
    assert steps.x[1] == "North"  # the largest contribution comes first
    assert steps.y[0] + sum(steps.y[1:-1]) == pytest.approx(steps.y[-1])
    assert steps.y[-1] == pytest.approx(result.current)
    few = what_changed_figure(
        result.segments, NPS, result.previous, result.current, "region", limit=1
    )
    assert list(few.data[0].x) == [
        "comparison period",
        "North",
        "2 other region values",
        "this period",
    ]
    assert few.data[0].y[0] + sum(few.data[0].y[1:-1]) == pytest.approx(result.current)


def test_the_heatmap_has_a_cell_per_pair_and_leaves_missing_pairs_empty():
    table = pl.DataFrame(
        {
            "region": ["North", "North", "South"],
            "plan": ["basic", "pro", "basic"],
            "value": [-10.0, 20.0, 40.0],
            "low": [None] * 3,
            "high": [None] * 3,
            "n": [80, 12, 50],
            "small_sample": [False, True, False],
        }
    )
    heat = two_way_heatmap(table, NPS, "region", "plan").data[0]
    assert list(heat.y) == ["North", "South"] and list(heat.x) == ["basic", "pro"]
    assert [list(row) for row in heat.z] == [[-10.0, 20.0], [40.0, None]]
    assert heat.text[0][1] == "20.0*<br>n = 12" and heat.text[1][1] == ""


def test_the_score_spread_colours_each_band():
    spread = pl.DataFrame({"score": [1.0, 2.0, 3.0, 4.0, 5.0], "n": [1, 1, 2, 3, 3]}).with_columns(
        share=pl.col("n") / 10
    )
    bands = [("unhappy", 1, 2), ("middle", 3, 3), ("happy", 4, 5)]
    bars = score_distribution_figure(spread, "csat", bands).data[0]
    assert list(bars.y) == pytest.approx([0.1, 0.1, 0.2, 0.3, 0.3])
    assert list(bars.customdata) == ["unhappy", "unhappy", "middle", "happy", "happy"]


def test_a_trend_line_per_segment_value():
    frame = pl.DataFrame(
        {
            "segment": ["North", "North", "South", "South"],
            "bucket_start": [date(2026, 10, 5), date(2026, 10, 12)] * 2,
            "bucket_end": [date(2026, 10, 11), date(2026, 10, 18)] * 2,
            "value": [30.0, 5.0, 40.0, 42.0],
            "low": [20.0, -5.0, 30.0, 32.0],
            "high": [40.0, 15.0, 50.0, 52.0],
            "n": [40, 42, 38, 39],
            "small_sample": [False] * 4,
            "partial": [False] * 4,
        }
    )
    fig = segment_trend_figure(
        frame,
        CSAT,
        "region",
        grain="week",
        window=(date(2026, 10, 5), date(2026, 10, 18)),
        period=(date(2026, 10, 12), date(2026, 10, 18)),
    )
    lines = [trace for trace in fig.data if trace.mode == "lines+markers"]
    assert [t.name for t in lines] == ["North", "South"]
    assert list(lines[0].y) == [30.0, 5.0]


EFFORT = pl.DataFrame(
    {
        "rank": [1, 2],
        "contact_reason": ["where is my order", "plan correction"],
        "volume": [58, 7],
        "share": [0.28, 0.03],
        "handle_minutes": [6.3, 31.0],
        "handle_low": [5.4, 19.1],
        "handle_high": [7.2, 42.8],
        "ces": [3.77, 1.33],
        "ces_n": [22, 3],
        "ces_shrunk": [4.26, 4.31],
        "priority": [166.8, 97.0],
    }
)


def test_effort_bubbles_place_volume_across_handle_time_up_and_size_by_priority():
    bubbles = effort_bubbles(EFFORT, (1, 7)).data[0]
    assert list(bubbles.x) == [58, 7] and list(bubbles.y) == [6.3, 31.0]
    assert list(bubbles.marker.size) == [166.8, 97.0]
    assert list(bubbles.marker.color) == [3.77, 1.33]
    assert list(bubbles.error_y.array) == pytest.approx([0.9, 11.8])
    assert [c[0] for c in bubbles.customdata] == ["where is my order", "plan correction"]
    # on the effort5 scale (1 = easy) the colour scale turns round: red stays "hard"
    flipped = effort_bubbles(EFFORT, (1, 5), best=1).data[0].marker.colorscale
    assert flipped[0][1] == bubbles.marker.colorscale[-1][1]


def test_the_reason_trend_shows_volume_and_ces_per_bucket():
    trend = pl.DataFrame(
        {
            "bucket_start": [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 5)],
            "contact_reason": ["plan correction", "plan correction", "refund"],
            "volume": [2, 0, 9],
            "ces": [1.5, None, 6.0],
            "ces_n": [2, None, 4],
        }
    )
    volume, ces = reason_trend_figure(trend, "plan correction").data
    assert list(volume.y) == [2, 0] and list(ces.y) == [1.5, None]


def test_theme_figures_count_customers_and_carry_the_theme():
    themes = pl.DataFrame(
        {
            "theme": ["referrals", "dark mode"],
            "customers": [2, 5],
            "account_value": [680.0, 150.0],
            "items": [2, 6],
        }
    )
    bars = theme_bars(themes).data[0]
    assert list(bars.x) == [2, 5]
    assert [c[0] for c in bars.customdata] == ["referrals", "dark mode"]
    trend = pl.DataFrame(
        {
            "bucket_start": [date(2026, 9, 1), date(2026, 10, 1)] * 2,
            "theme": ["referrals", "referrals", "dark mode", "dark mode"],
            "customers": [4, 1, 0, 3],
        }
    )
    heat = theme_trend_heatmap(trend).data[0]
    assert list(heat.y) == ["referrals", "dark mode"]  # most asked first
    assert [list(row) for row in heat.z] == [[4, 1], [0, 3]]
    by_origin = trend.with_columns(origin=pl.lit("feedback"))
    stacked = theme_origin_figure(by_origin, "dark mode").data
    assert [t.name for t in stacked] == ["feedback"] and list(stacked[0].y) == [0, 3]
