"""UTC timestamps to local reporting days, fast enough for ten million rows.

Why not simply ``ts.dt.convert_time_zone(tz).dt.date()``: on 10M rows that costs
~0.4 s, most of the executive-page budget. A zone's offset from UTC only changes at
a handful of known instants (DST switches), so we look those up once for the span
of the query and add the right offset with a short ``when/then`` chain
(~0.05 s on 10M rows). Offsets and transitions come from polars' own time-zone
database, so the result is identical to ``convert_time_zone`` (tests check that).
All real zones change offset on a quarter-hour boundary, which is what the
transition search relies on.

Example:
    >>> from datetime import datetime, UTC
    >>> import polars as pl
    >>> ts = pl.Series("t", [datetime(2024, 3, 31, 22, 30, tzinfo=UTC)])
    >>> lo, hi = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 3, tzinfo=UTC)
    >>> ts.to_frame().select(local_day("t", "Europe/Berlin", lo, hi)).item()
    datetime.date(2024, 4, 1)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import polars as pl

from metrics.periods import Period

_US_PER_DAY = 86_400_000_000
_MARGIN = timedelta(days=2)  # wider than any UTC offset (±14 h)


def utc_window(periods: Iterable[Period]) -> tuple[datetime, datetime]:
    """A UTC window that surely holds every instant of ``periods`` in any time zone.

    It is deliberately two days wider on each side: rows are filtered precisely
    by local day after the conversion, this window only spares converting the rest.
    """
    periods = list(periods)
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    return (
        datetime.combine(start, time(), UTC) - _MARGIN,
        datetime.combine(end, time(), UTC) + timedelta(days=1) + _MARGIN,
    )


def utc_windows(periods: Iterable[Period]) -> list[tuple[datetime, datetime]]:
    """One generous UTC window per period, overlapping windows merged."""
    windows = sorted(utc_window([p]) for p in periods)
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in windows:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


@lru_cache(maxsize=128)
def offset_changes(timezone: str, lo: datetime, hi: datetime) -> tuple[tuple[int, int], ...]:
    """(first UTC epoch-µs, offset µs) for each constant-offset stretch of ``timezone`` in [lo, hi].

    The first entry starts at ``lo``. Found on a daily grid, then refined to the
    quarter hour inside each day whose offset changed.
    """
    days = pl.datetime_range(lo, hi + timedelta(days=1), "1d", eager=True, time_zone="UTC").alias(
        "t"
    )
    offsets = _offsets(days, timezone)
    changes = [(int(offsets["epoch"][0]), int(offsets["offset"][0]))]
    changed_after = offsets.filter(pl.col("offset") != pl.col("offset").shift(-1))["epoch"]
    for epoch in changed_after.to_list():
        day_start = datetime.fromtimestamp(epoch / 1e6, UTC)
        quarters = pl.datetime_range(
            day_start, day_start + timedelta(days=1), "15m", eager=True, time_zone="UTC"
        ).alias("t")
        fine = _offsets(quarters, timezone)
        switch = fine.filter(pl.col("offset") != pl.col("offset").shift(1))
        changes.extend(zip(switch["epoch"].to_list(), switch["offset"].to_list(), strict=True))
    return tuple(changes)


def local_day(
    column: str, timezone: str, lo: datetime | None = None, hi: datetime | None = None
) -> pl.Expr:
    """Expression: the local date of the UTC timestamp ``column`` in ``timezone``.

    Give ``lo``/``hi`` (the UTC window the rows are known to fall in) for the fast
    offset-table path; without them it falls back to ``convert_time_zone``.
    """
    ts = pl.col(column)
    if timezone == "UTC":
        return ts.dt.date().alias("day")
    if lo is None or hi is None:
        return ts.dt.convert_time_zone(timezone).dt.date().alias("day")
    epoch = ts.dt.epoch("us")
    changes = offset_changes(timezone, lo, hi)
    offset: pl.Expr = pl.lit(changes[0][1], dtype=pl.Int64)
    for start, value in changes[1:]:
        offset = pl.when(epoch >= start).then(pl.lit(value, dtype=pl.Int64)).otherwise(offset)
    return ((epoch + offset) // _US_PER_DAY).cast(pl.Int32).cast(pl.Date).alias("day")


def local_date_of(instant: datetime, timezone: str) -> date:
    """The local date of one aware instant (polars' zone database, like ``local_day``)."""
    series = pl.Series("t", [instant]).dt.convert_time_zone(timezone)
    return series.dt.date()[0]


def _offsets(instants: pl.Series, timezone: str) -> pl.DataFrame:
    return instants.to_frame().select(
        epoch=pl.col("t").dt.epoch("us"),
        offset=pl.col("t").dt.convert_time_zone(timezone).dt.replace_time_zone(None).dt.epoch("us")
        - pl.col("t").dt.epoch("us"),
    )
