"""What changed: the segment contributions are an exact identity, on hand-checked and engine data."""

from datetime import date

import polars as pl
import pytest

from metrics.engine import compute_kpi, kpi_by_segment
from metrics.periods import Period
from metrics.settings import MetricSettings
from metrics.what_changed import what_changed
from tests.metrics.fixtures import frame, utc

BEFORE = Period(date(2024, 1, 1), date(2024, 1, 31))
NOW = Period(date(2024, 2, 1), date(2024, 2, 29))


def table(rows):
    """(segment, value, n, previous_value, previous_n) rows as kpi_by_segment's table."""
    return pl.DataFrame(
        rows,
        schema={
            "segment": pl.Utf8,
            "value": pl.Float64,
            "n": pl.Int64,
            "previous_value": pl.Float64,
            "previous_n": pl.Int64,
        },
        orient="row",
    )


def test_the_worked_example_splits_into_mix_and_rate():
    # before: A 50 answers at 40, B 50 at 20 -> 30; now: A 20 at 40, B 80 at 0 -> 8
    result = what_changed(table([("A", 40.0, 20, 40.0, 50), ("B", 0.0, 80, 20.0, 50)]), "nps")
    assert (result.previous, result.current, result.change) == pytest.approx((30.0, 8.0, -22.0))
    assert (result.mix, result.rate) == pytest.approx((-6.0, -16.0))
    rows = {r["segment"]: r for r in result.segments.iter_rows(named=True)}
    # B: mix (0.8 - 0.5) x (20 - 30) = -3, rate 0.8 x (0 - 20) = -16
    assert rows["B"]["rank"] == 1
    assert (rows["B"]["mix"], rows["B"]["rate"], rows["B"]["contribution"]) == pytest.approx(
        (-3.0, -16.0, -19.0)
    )
    assert (rows["A"]["mix"], rows["A"]["rate"]) == pytest.approx((-3.0, 0.0))
    assert (rows["A"]["previous_share"], rows["A"]["share"]) == pytest.approx((0.5, 0.2))


def test_a_segment_that_only_grew_at_the_average_rate_contributes_nothing():
    # A doubles its share while scoring exactly the old average: the total does not move
    result = what_changed(table([("A", 30.0, 40, 30.0, 20), ("B", 30.0, 60, 30.0, 80)]), "nps")
    assert result.change == pytest.approx(0.0)
    assert result.segments["contribution"].to_list() == pytest.approx([0.0, 0.0])


def test_new_and_vanished_segments_keep_the_identity_exact():
    # C is new (compared with the old average 25), D vanished (its whole weight leaves)
    rows = [("A", 50.0, 30, 40.0, 30), ("C", 10.0, 10, None, 0), ("D", None, 0, 10.0, 10)]
    result = what_changed(table(rows), "nps")
    # before: (30 x 40 + 10 x 10) / 40 = 32.5; now: (30 x 50 + 10 x 10) / 40 = 40
    assert (result.previous, result.current) == pytest.approx((32.5, 40.0))
    contributions = {r["segment"]: r for r in result.segments.iter_rows(named=True)}
    assert contributions["C"]["rate"] == pytest.approx(0.25 * (10 - 32.5))
    assert contributions["D"]["rate"] == 0.0
    assert sum(r["contribution"] for r in contributions.values()) == pytest.approx(7.5)
    assert result.mix + result.rate == pytest.approx(result.change)


def test_the_decomposition_adds_up_to_the_engines_own_change():
    def answers(region, scores, day):
        return [
            {"survey": "nps", "score": s, "responded_at": utc(day), "region": region}
            for s in scores
        ]

    rows = (
        answers("North", [10, 10, 9, 8, 3], "2024-01-10")
        + answers("South", [10, 6, 7, 9], "2024-01-12")
        + answers("North", [2, 3, 6, 10, 9, 1], "2024-02-10")
        + answers("South", [10, 10, 9], "2024-02-12")
        + answers("West", [5, 9], "2024-02-14")
    )
    data = {"responses": frame("responses", rows)}
    settings = MetricSettings()
    split = kpi_by_segment("nps", data, NOW, "region", comparison=BEFORE, settings=settings)
    result = what_changed(split, "nps")
    engine = compute_kpi("nps", data, NOW, BEFORE, settings=settings)
    assert result.current == pytest.approx(engine.current.value, abs=1e-9)
    assert result.previous == pytest.approx(engine.previous.value, abs=1e-9)
    assert result.change == pytest.approx(engine.change.delta, abs=1e-9)
    assert result.segments["contribution"].sum() == pytest.approx(engine.change.delta, abs=1e-9)
    assert result.segments["segment"][0] == "North"  # 40 -> -33.3 points on 6 of 11 answers


def test_csat_and_ces_decompose_too():
    rows = [
        {"survey": "csat", "score": s, "responded_at": utc(day), "plan": plan}
        for plan, scores, day in (
            ("basic", [5, 4, 2], "2024-01-05"),
            ("pro", [5, 5], "2024-01-06"),
            ("basic", [1, 2, 4, 5], "2024-02-05"),
            ("pro", [4], "2024-02-06"),
        )
        for s in scores
    ]
    data = {"responses": frame("responses", rows)}
    split = kpi_by_segment("csat", data, NOW, "plan", comparison=BEFORE)
    engine = compute_kpi("csat", data, NOW, BEFORE)
    assert what_changed(split, "proportion").change == pytest.approx(engine.change.delta)


def test_no_comparison_answers_means_no_change_and_other_kinds_are_refused():
    result = what_changed(table([("A", 40.0, 20, None, 0)]), "nps")
    assert result.change is None and result.segments["share"].to_list() == [1.0]
    with pytest.raises(ValueError, match="not an answer-weighted average"):
        what_changed(table([("A", 40.0, 20, 30.0, 10)]), "quantile")
    with pytest.raises(ValueError, match="previous_n"):
        what_changed(pl.DataFrame({"segment": ["A"], "value": [1.0], "n": [1]}), "nps")
