"""Two-way splits, trends per segment and score distributions agree with the engine."""

from datetime import date

import polars as pl
import pytest

from metrics.engine import MetricUnavailableError, kpi_by_segment, kpi_trend
from metrics.periods import Period
from metrics.segments import kpi_by_two_segments, score_distribution, segment_trends
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))


def answers(survey, scores, day, **segments):
    return [
        {"survey": survey, "score": float(s), "responded_at": utc(day), **segments} for s in scores
    ]


DATA = {
    "responses": frame(
        "responses",
        answers("nps", [10, 9, 3], "2024-01-03", region="North", plan="basic")
        + answers("nps", [6, 6], "2024-01-10", region="North", plan="pro")
        + answers("nps", [10, 8], "2024-01-17", region="South", plan="basic")
        + answers("nps", [9], "2024-01-24", region=None, plan="pro")
        + answers("nps", [11, 4.5], "2024-01-24", region="South", plan="pro")  # off the scale
        + answers("csat", [5, 1], "2024-01-05", region="North", plan="basic"),
    )
}


def test_a_two_way_cell_is_the_kpi_of_that_pair():
    table = kpi_by_two_segments("nps", DATA, JAN, "region", "plan")
    cells = {(r["region"], r["plan"]): (r["value"], r["n"]) for r in table.iter_rows(named=True)}
    # North/basic: 2 promoters, 1 detractor of 3 -> 33.3; North/pro: 2 detractors -> -100
    assert cells[("North", "basic")] == (pytest.approx(100 / 3), 3)
    assert cells[("North", "pro")] == (-100.0, 2)
    assert cells[("South", "basic")] == (50.0, 2)
    assert cells[("(not set)", "pro")] == (100.0, 1)
    assert cells[("South", "pro")] == (None, 0)  # only off-scale answers: an empty cell
    # and it equals the one-way split of the data filtered to the first value
    north = kpi_by_segment("nps", DATA, JAN, "plan", filters={"region": ["North"]})
    assert north.sort("segment")["value"].to_list() == pytest.approx([100 / 3, -100.0])


def test_two_way_split_needs_two_segments_the_data_has():
    with pytest.raises(ValueError, match="two different"):
        kpi_by_two_segments("nps", DATA, JAN, "plan", "plan")
    with pytest.raises(MetricUnavailableError, match="channel"):
        kpi_by_two_segments("nps", DATA, JAN, "plan", "channel")


def test_a_trend_per_segment_is_the_engines_trend_filtered_to_it():
    trends = segment_trends("nps", DATA, JAN, "week", "region", ["North", "South"])
    north = kpi_trend("nps", DATA, JAN, "week", filters={"region": ["North"]})
    assert trends.filter(pl.col("segment") == "North").drop("segment").equals(north)
    assert set(trends["segment"]) == {"North", "South"}
    only_north = segment_trends(
        "nps", DATA, JAN, "week", "region", ["North", "South"], filters={"region": ["North"]}
    )
    assert set(only_north["segment"]) == {"North"}
    with pytest.raises(MetricUnavailableError):
        segment_trends("nps", DATA, JAN, "week", "region", ["West"], filters={"region": ["North"]})


def test_the_score_distribution_covers_the_scale_and_leaves_off_scale_answers_out():
    spread = score_distribution(DATA, "nps", JAN)
    assert spread["score"].to_list() == [float(s) for s in range(11)]
    counts = dict(zip(spread["score"].to_list(), spread["n"].to_list(), strict=True))
    assert counts[10.0] == 2 and counts[6.0] == 2 and counts[9.0] == 2 and counts[0.0] == 0
    assert spread["n"].sum() == 8  # 11 and 4.5 are not answers on 0-10
    assert spread["share"].sum() == pytest.approx(1.0)
    csat = score_distribution(DATA, "csat", JAN, filters={"plan": ["basic"]})
    assert csat["n"].to_list() == [1, 0, 0, 0, 1]
    with pytest.raises(ValueError, match="unknown survey"):
        score_distribution(DATA, "eNPS", JAN)
