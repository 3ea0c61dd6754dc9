"""Reporting-zone day ranges as SQL comparisons: the same local day as polars, in every zone.

Instants around clock changes (Berlin, New York, Lord Howe's half hour,
Kathmandu's +05:45, Apia's skipped day) are stored as UTC text in SQLite,
placed by ``range_case`` in SQL, and compared with ``metrics.local_time``.
Wall-clock thresholds are compared with how the connector reads naive times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
import sqlalchemy as sa

from connectors.pushdown.bounds import (
    elementary_ranges,
    gaps,
    iso_text,
    range_case,
    stored_edges,
    wall_clock_threshold,
    within,
)
from connectors.pushdown.relation import TimeStyle
from metrics.local_time import local_day
from metrics.periods import Period

ZONES = [
    ("Europe/Berlin", date(2026, 3, 27), date(2026, 3, 31)),
    ("Europe/Berlin", date(2026, 10, 23), date(2026, 10, 27)),
    ("America/New_York", date(2026, 3, 6), date(2026, 3, 10)),
    ("America/New_York", date(2026, 10, 30), date(2026, 11, 3)),
    ("Australia/Lord_Howe", date(2026, 4, 3), date(2026, 4, 7)),
    ("Asia/Kathmandu", date(2026, 1, 1), date(2026, 1, 3)),
    ("Pacific/Apia", date(2011, 12, 28), date(2012, 1, 2)),
]


@pytest.mark.parametrize(("zone", "first", "last"), ZONES)
def test_sql_ranges_match_polars_local_days(zone: str, first: date, last: date) -> None:
    start = datetime.combine(first, datetime.min.time(), UTC) - timedelta(days=1)
    instants = [start + timedelta(minutes=7 * i) for i in range(int(7 * 24 * 60 / 7))]
    days = [
        Period(first + timedelta(days=i), first + timedelta(days=i))
        for i in range((last - first).days + 1)
    ]
    engine = sa.create_engine("sqlite://")
    table = sa.Table("t", sa.MetaData(), sa.Column("i", sa.Integer), sa.Column("at", sa.Text))
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [{"i": i, "at": t.strftime("%Y-%m-%d %H:%M:%S")} for i, t in enumerate(instants)],
        )
        edges = stored_edges(days, zone, TimeStyle.TEXT, "UTC")
        placed_in_sql = sa.case((within(table.c.at, edges), range_case(table.c.at, edges)))
        placed = dict(connection.execute(sa.select(table.c.i, placed_in_sql)).all())
    frame = pl.DataFrame({"at": instants}).with_columns(
        local_day("at", zone, instants[0] - timedelta(days=2), instants[-1] + timedelta(days=2))
    )
    for i, day in enumerate(frame["day"].to_list()):
        expected = (day - first).days if first <= day <= last else None
        assert placed[i] == expected, (zone, instants[i], day)


def test_elementary_ranges_cut_at_every_edge() -> None:
    current = Period(date(2026, 3, 1), date(2026, 3, 31))
    overlapping = Period(date(2026, 3, 20), date(2026, 4, 5))
    far = Period(date(2026, 6, 1), date(2026, 6, 2))
    ranges = elementary_ranges([current, overlapping, far])
    assert [(r.start.isoformat(), r.end.isoformat()) for r in ranges] == [
        ("2026-03-01", "2026-03-19"),
        ("2026-03-20", "2026-03-31"),
        ("2026-04-01", "2026-04-05"),
        ("2026-06-01", "2026-06-02"),
    ]
    assert len(elementary_ranges([far], by_day=True)) == 2


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe"])
def test_wall_clock_threshold_agrees_with_the_connector(zone: str) -> None:
    """For every wall-clock minute near a switch: read as >= instant exactly when >= threshold."""
    year = 2026
    for switch in gaps(datetime(year, 1, 1, tzinfo=UTC), datetime(year, 12, 31, tzinfo=UTC), zone):
        walls = [switch[0] - timedelta(hours=3) + timedelta(minutes=5 * i) for i in range(100)]
        read = (
            pl.Series("w", walls)
            .dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
            .to_list()
        )
        for instant in (w.replace(tzinfo=UTC) for w in walls[::7]):
            threshold = wall_clock_threshold(instant, zone)
            for wall, utc in zip(walls, read, strict=True):
                if utc is not None:
                    assert (utc >= instant) == (wall >= threshold), (zone, wall, instant)


def test_iso_text_bounds_sort_like_times() -> None:
    midnight, quarter = datetime(2026, 3, 29), datetime(2026, 3, 29, 1, 15)
    assert iso_text(midnight) == "2026-03-29"
    assert iso_text(quarter) == "2026-03-29 01:15"
    stored = ["2026-03-28 23:59:59", "2026-03-29", "2026-03-29 00:00:00", "2026-03-29 01:14:59.9"]
    stored += ["2026-03-29 01:15", "2026-03-29 01:15:00"]
    assert [s >= iso_text(midnight) for s in stored] == [False, True, True, True, True, True]
    assert [s >= iso_text(quarter) for s in stored] == [False, False, False, False, True, True]
