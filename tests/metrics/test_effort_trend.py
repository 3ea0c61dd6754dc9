"""Effort over time: each bucket is exactly the effort table of that bucket."""

from datetime import date

import polars as pl
import pytest

from metrics.effort import effort_priority
from metrics.effort_trend import effort_trend
from metrics.engine import MetricUnavailableError
from metrics.periods import Period
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 21))


def contacts(*rows):
    """(day, reason, handle minutes, ces) rows."""
    return frame(
        "contacts",
        [
            {
                "opened_at": utc(day),
                "contact_reason": reason,
                "handle_seconds": minutes * 60.0,
                "ces_score": ces,
            }
            for day, reason, minutes, ces in rows
        ],
    )


DATA = {
    "contacts": contacts(
        ("2024-01-02", "refund", 4, 7.0),
        ("2024-01-03", "refund", 6, 6.0),
        ("2024-01-04", "plan correction", 30, 1.0),
        ("2024-01-16", "refund", 5, None),
        ("2024-01-17", "plan correction", 40, 2.0),
    )
}


def test_each_bucket_is_the_effort_table_of_that_bucket():
    trend = effort_trend(DATA, JAN, "week")
    first = effort_priority(DATA, Period(date(2024, 1, 1), date(2024, 1, 7)))
    week = trend.filter(pl.col("bucket_start") == date(2024, 1, 1)).sort("contact_reason")
    expected = first.sort("contact_reason")
    for column in ("rank", "volume", "handle_minutes", "ces", "ces_n", "priority"):
        assert week[column].to_list() == pytest.approx(expected[column].to_list()), column


def test_a_week_without_contacts_shows_zero_volume_not_a_gap_in_the_calendar():
    trend = effort_trend(DATA, JAN, "week")
    assert trend["bucket_start"].unique().sort().to_list() == [
        date(2024, 1, 1),
        date(2024, 1, 8),
        date(2024, 1, 15),
    ]
    quiet = trend.filter(pl.col("bucket_start") == date(2024, 1, 8))
    assert quiet["volume"].to_list() == [0, 0]
    assert quiet["priority"].null_count() == 2
    plan = trend.filter(pl.col("contact_reason") == "plan correction")
    assert plan["handle_minutes"].to_list() == [30.0, None, 40.0]


def test_no_contacts_at_all_is_said():
    with pytest.raises(MetricUnavailableError, match="no contacts between"):
        effort_trend(DATA, Period(date(2023, 1, 1), date(2023, 1, 31)), "week")
