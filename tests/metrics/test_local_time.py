"""UTC instants become local reporting days exactly as polars' convert_time_zone says."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from metrics.local_time import local_day, offset_changes

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC"]


@pytest.mark.parametrize("zone", ZONES)
def test_fast_local_day_equals_convert_time_zone(zone):
    rng = np.random.default_rng(7)
    lo, hi = datetime(2023, 12, 25, tzinfo=UTC), datetime(2025, 1, 5, tzinfo=UTC)
    offsets = rng.integers(0, int((hi - lo).total_seconds()), 20_000)
    instants = [lo + timedelta(seconds=int(s)) for s in offsets]
    # every DST switch of 2024 ± a minute, where off-by-one-hour bugs live
    for start, _ in offset_changes(zone, lo, hi)[1:]:
        switch = datetime.fromtimestamp(start / 1e6, UTC)
        instants += [switch - timedelta(minutes=1), switch, switch + timedelta(minutes=1)]
    frame = pl.DataFrame({"t": instants}, schema={"t": pl.Datetime("us", "UTC")})
    fast = frame.select(local_day("t", zone, lo, hi))["day"]
    slow = frame.select(pl.col("t").dt.convert_time_zone(zone).dt.date())["t"]
    assert fast.to_list() == slow.to_list()


def test_berlin_switches_to_summer_time_at_one_utc_on_31_march_2024():
    changes = offset_changes(
        "Europe/Berlin", datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 30, tzinfo=UTC)
    )
    switch = datetime(2024, 3, 31, 1, tzinfo=UTC)
    assert changes[1] == (int(switch.timestamp() * 1e6), 2 * 3_600_000_000)


def test_half_past_eleven_local_on_the_last_day_of_a_month():
    # 23:30 in Berlin on 31 Jan (UTC+1) is 22:30 UTC: still January.
    # 00:30 in Berlin on 1 Mar... written as 23:30 UTC on 29 Feb: already March locally.
    # 23:30 in New York on 31 Mar (EDT, UTC-4) is 03:30 UTC on 1 Apr: still March.
    cases = [
        ("Europe/Berlin", datetime(2024, 1, 31, 22, 30, tzinfo=UTC), date(2024, 1, 31)),
        ("Europe/Berlin", datetime(2024, 2, 29, 23, 30, tzinfo=UTC), date(2024, 3, 1)),
        ("America/New_York", datetime(2024, 4, 1, 3, 30, tzinfo=UTC), date(2024, 3, 31)),
    ]
    lo, hi = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC)
    for zone, instant, expected in cases:
        frame = pl.DataFrame({"t": [instant]}, schema={"t": pl.Datetime("us", "UTC")})
        assert frame.select(local_day("t", zone, lo, hi)).item() == expected
