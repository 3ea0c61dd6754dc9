"""Trend figures: the KPI's values, its interval band, target, events and whole-bucket totals."""

from datetime import date

import polars as pl

from charts.trends import kpi_trend_figure, nps_mix_figure, trend_window
from metrics.registry import DEFAULT_REGISTRY

NPS = DEFAULT_REGISTRY.get("nps")
REVENUE = DEFAULT_REGISTRY.get("revenue")
WEEKS = [date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12)]
EVENTS = pl.DataFrame(
    {
        "date": [date(2026, 10, 2), date(2026, 10, 6), date(2025, 1, 1)],
        "title": ["Carrier change in North region", "<b>Sale</b>", "Long ago"],
        "kind": ["incident", "programme", "release"],
    }
)


def trend(values, lows=None, highs=None, partial=None):
    n = len(values)
    return pl.DataFrame(
        {
            "bucket_start": WEEKS[:n],
            "value": values,
            "low": lows or [None] * n,
            "high": highs or [None] * n,
            "n": [100] * n,
            "small_sample": [False] * n,
            "partial": partial or [False] * n,
        },
        schema_overrides={"value": pl.Float64, "low": pl.Float64, "high": pl.Float64},
    )


def line(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_the_line_band_and_target_carry_the_engines_numbers():
    fig = kpi_trend_figure(
        trend([30.0, None, 25.0], [27.0, None, 22.0], [33.0, None, 28.0]), NPS, target=35.0
    )
    high_edge, low_edge, values = fig.data
    assert list(values.y) == [30.0, None, 25.0]  # a week without answers is a gap, not zero
    assert list(high_edge.y) == [33.0, None, 28.0] and list(low_edge.y) == [27.0, None, 22.0]
    assert low_edge.fill == "tonexty"
    target = next(s for s in fig.layout.shapes if s.y0 == s.y1)
    assert target.y0 == 35.0
    assert any(a.text == "target 35.0" for a in fig.layout.annotations)
    assert "95% interval 27.0 to 33.0" in values.customdata[0]


def test_events_in_the_window_are_labelled_escaped_and_the_rest_left_out():
    fig = kpi_trend_figure(
        trend([30.0, 28.0, 25.0]), NPS, events=EVENTS, window=(WEEKS[0], date(2026, 10, 18))
    )
    texts = [a.text for a in fig.layout.annotations]
    assert "Carrier change in North region" in texts
    assert "&lt;b&gt;Sale&lt;/b&gt;" in texts
    assert "Long ago" not in texts
    lines = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert {str(s.x0)[:10] for s in lines} == {"2026-10-02", "2026-10-06"}


def test_a_total_leaves_out_the_buckets_the_window_cuts_short():
    fig = kpi_trend_figure(trend([900.0, 1000.0, 300.0], partial=[False, False, True]), REVENUE)
    assert list(line(fig, "Revenue").y) == [900.0, 1000.0]
    assert "whole weeks" in fig.layout.title.subtitle.text
    # a rate keeps its partial bucket, drawn hollow
    rate = kpi_trend_figure(trend([30.0, 28.0, 25.0], partial=[False, False, True]), NPS)
    assert list(line(rate, "NPS").y) == [30.0, 28.0, 25.0]
    assert line(rate, "NPS").marker.color[-1] == "rgba(0, 0, 0, 0)"


def test_nps_mix_stacks_detractors_passives_and_promoters():
    mix = pl.DataFrame(
        {
            "bucket_start": WEEKS[:2],
            "detractors": [0.2, 0.3],
            "passives": [0.3, 0.3],
            "promoters": [0.5, 0.4],
            "n": [10, 20],
        }
    )
    fig = nps_mix_figure(mix)
    assert [t.name for t in fig.data] == ["Detractors", "Passives", "Promoters"]
    assert list(fig.data[2].y) == [0.5, 0.4]
    assert fig.layout.barmode == "stack"
    assert fig.data[0].customdata[1].endswith("30% of 20 answers")


def test_the_trend_window_reaches_back_to_whole_buckets():
    assert trend_window(date(2026, 10, 2), date(2026, 10, 31), "month") == (
        date(2025, 11, 1),
        date(2026, 10, 31),
    )
    # a period longer than the default history is kept whole
    assert trend_window(date(2024, 1, 10), date(2026, 10, 31), "quarter")[0] == date(2024, 1, 1)
