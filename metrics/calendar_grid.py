"""Every calendar bucket for every series: so a chart drops to zero instead of skipping a gap.

Counts per bucket come back only for buckets that had rows; a chart of them
would join the dots across an empty week. ``every_bucket`` adds the missing
(bucket, series) rows, with zero for counts and null for measures that have
no value without data (a mean, a priority).

Example:
    >>> from datetime import date
    >>> found = pl.DataFrame({"bucket_start": [date(2024, 1, 8)], "theme": ["referrals"], "n": [3]})
    >>> january = Period(date(2024, 1, 1), date(2024, 1, 21))
    >>> every_bucket(found, january, "week", ["theme"], zero=["n"])["n"].to_list()
    [0, 3, 0]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.periods import Grain, Period, buckets


def every_bucket(
    found: pl.DataFrame,
    period: Period,
    grain: Grain,
    keys: Sequence[str],
    *,
    zero: Sequence[str] = (),
) -> pl.DataFrame:
    """``found`` (bucket_start, keys…, measures…) with a row per bucket of ``period`` × every
    key combination seen; ``zero`` columns are 0 where a bucket had no rows, others null."""
    calendar = pl.DataFrame(
        {"bucket_start": [start for start, _ in buckets(period, grain)]},
        schema={"bucket_start": pl.Date},
    )
    grid = calendar.join(found.select(keys).unique(), how="cross")
    return (
        grid.join(found, on=["bucket_start", *keys], how="left")
        .with_columns(pl.col(zero).fill_null(0))
        .sort(["bucket_start", *keys])
    )
