"""Periods, comparisons and calendar buckets."""

from datetime import date

import pytest

from metrics.periods import Comparison, Period, bucket_start, buckets


def test_period_length_previous_year_ago_and_shift():
    march = Period(date(2024, 3, 1), date(2024, 3, 31))
    assert march.days == 31
    # the 31 days before 1 March 2024 (a leap year): 30 January .. 29 February
    assert march.previous() == Period(date(2024, 1, 30), date(2024, 2, 29))
    assert march.year_ago() == Period(date(2023, 3, 1), date(2023, 3, 31))
    assert march.shift(1) == Period(date(2024, 3, 2), date(2024, 4, 1))


def test_year_ago_of_29_february_is_28_february():
    leap = Period(date(2024, 2, 1), date(2024, 2, 29))
    assert leap.year_ago() == Period(date(2023, 2, 1), date(2023, 2, 28))


def test_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError, match="starts after it ends"):
        Period(date(2024, 2, 2), date(2024, 2, 1))


def test_comparison_periods():
    week = Period(date(2024, 1, 8), date(2024, 1, 14))
    assert Comparison("previous").period_for(week) == Period(date(2024, 1, 1), date(2024, 1, 7))
    assert Comparison.YEAR_AGO.period_for(week) == Period(date(2023, 1, 8), date(2023, 1, 14))
    assert Comparison.NONE.period_for(week) is None


@pytest.mark.parametrize(
    ("grain", "expected"),
    [
        ("day", date(2024, 5, 17)),
        ("week", date(2024, 5, 13)),  # 17 May 2024 is a Friday; weeks start on Monday
        ("month", date(2024, 5, 1)),
        ("quarter", date(2024, 4, 1)),
    ],
)
def test_bucket_start(grain, expected):
    assert bucket_start(date(2024, 5, 17), grain) == expected


def test_buckets_cover_the_period_and_clip_at_its_edges():
    period = Period(date(2024, 1, 30), date(2024, 4, 2))
    months = buckets(period, "month")
    assert [start for start, _ in months] == [
        date(2024, 1, 1),
        date(2024, 2, 1),
        date(2024, 3, 1),
        date(2024, 4, 1),
    ]
    assert months[0][1] == Period(date(2024, 1, 30), date(2024, 1, 31))
    assert months[-1][1] == Period(date(2024, 4, 1), date(2024, 4, 2))
    assert sum(inside.days for _, inside in months) == period.days
    quarters = buckets(Period(date(2024, 11, 15), date(2025, 1, 5)), "quarter")
    assert [start for start, _ in quarters] == [date(2024, 10, 1), date(2025, 1, 1)]


def test_unknown_grain_is_refused():
    with pytest.raises(ValueError, match="unknown grain"):
        buckets(Period(date(2024, 1, 1), date(2024, 1, 2)), "fortnight")
