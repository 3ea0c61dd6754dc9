"""The small pieces, on hand-checkable inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from connectors.demo.comments import lateness_text
from connectors.demo.generate import day_chunks
from connectors.demo.scores import agreement_scores, nps_scores
from connectors.demo.story import Timeline, default_end_date
from connectors.demo.volume import black_fridays, day_grid, spread_over_days, utc_text


def test_default_end_date_is_yesterday_in_utc() -> None:
    assert default_end_date(datetime(2026, 11, 23, 0, 30, tzinfo=UTC)) == date(2026, 11, 22)


def test_timeline_counts_days_back_from_the_end() -> None:
    timeline = Timeline.ending(date(2026, 11, 22), 90)
    assert timeline.start == date(2026, 8, 25)  # 2026-11-22 minus 89 days
    assert timeline.slowdown_start == 60  # 2026-10-24
    assert timeline.checkout_outage == 89 - 270  # before the window: no outage in it
    # 2026-08-25 00:00 UTC, and 90 days later.
    assert timeline.start_epoch == int(datetime(2026, 8, 25, tzinfo=UTC).timestamp())
    assert timeline.end_epoch_exclusive - timeline.start_epoch == 90 * 86_400


def test_day_chunks_cut_after_enough_rows() -> None:
    assert day_chunks(np.array([3, 3, 3, 3, 3]), 6) == [(0, 2), (2, 4), (4, 5)]
    assert day_chunks(np.array([10, 1, 1]), 5) == [(0, 1), (1, 3)]


def test_spread_over_days_gives_exactly_the_total() -> None:
    counts = spread_over_days(1_000, np.array([1.0, 0.0, 3.0]), np.random.default_rng(0))
    assert counts.sum() == 1_000
    assert counts[1] == 0
    assert 200 <= counts[0] <= 300  # a quarter, give or take


def test_utc_text_formats_seconds_and_keeps_missing_as_null() -> None:
    text = utc_text(np.array([0, 86_399, 90_061]), missing=np.array([False, False, True]))
    assert text.to_list() == ["1970-01-01 00:00:00", "1970-01-01 23:59:59", None]


def test_day_grid_is_day_major() -> None:
    grid = day_grid(Timeline.ending(date(2026, 11, 22), 90), plan=("basic", "pro"), kind=("a", "b"))
    assert grid.height == 90 * 2 * 2
    assert grid.head(5).rows() == [
        ("2026-08-25", "basic", "a"),
        ("2026-08-25", "basic", "b"),
        ("2026-08-25", "pro", "a"),
        ("2026-08-25", "pro", "b"),
        ("2026-08-26", "basic", "a"),
    ]


def test_black_friday_is_the_day_after_the_fourth_thursday() -> None:
    # November 2024: Thursdays 7, 14, 21, 28; November 2025: 6, 13, 20, 27.
    timeline = Timeline.ending(date(2026, 11, 22), 730)
    assert black_fridays(timeline) == [date(2024, 11, 29), date(2025, 11, 28)]


def test_nps_scores_fall_in_the_asked_group() -> None:
    rng = np.random.default_rng(1)
    ones, zeros = np.ones(1_000), np.zeros(1_000)
    assert set(nps_scores(ones, zeros, rng)) == {9, 10}
    assert set(nps_scores(zeros, ones, rng)) <= set(range(7))
    assert set(nps_scores(zeros, zeros, rng)) == {7, 8}


def test_agreement_scores_land_on_the_mean_within_the_scale() -> None:
    scores = agreement_scores(np.full(20_000, 2.0), 7, np.random.default_rng(2))
    assert scores.min() >= 1 and scores.max() <= 7
    assert abs(scores.mean() - 2.0) < 0.03


def test_lateness_is_told_in_hours_or_days() -> None:
    texts = lateness_text(np.array([5.0, 20.0, 30.0, 49.0])).tolist()
    assert texts == ["5 hours", "1 day", "2 days", "3 days"]
