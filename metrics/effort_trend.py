"""Effort priority over time: each reason's volume, handle time, CES and priority per bucket.

"Did the refund release make refunds easier?" needs the same numbers as the
effort table, week by week. Each bucket is ranked by ``metrics.effort_priority``
on its own, so a bucket's numbers are exactly what the effort table shows when
the period is set to that bucket.

Example:
    >>> from datetime import date, datetime, UTC
    >>> contacts = pl.DataFrame({"contact_id": ["1", "2"], "contact_reason": ["refund"] * 2,
    ...     "opened_at": [datetime(2024, 1, 2, 9, tzinfo=UTC), datetime(2024, 1, 9, 9, tzinfo=UTC)],
    ...     "handle_seconds": [300.0, 600.0], "ces_score": [6.0, 2.0]})
    >>> trend = effort_trend({"contacts": contacts}, Period(date(2024, 1, 1), date(2024, 1, 14)),
    ...                      "week")
    >>> trend.select("bucket_start", "volume", "handle_minutes", "ces").rows()
    [(datetime.date(2024, 1, 1), 1, 5.0, 6.0), (datetime.date(2024, 1, 8), 1, 10.0, 2.0)]
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics.aggregates import Frame
from metrics.calendar_grid import every_bucket
from metrics.effort import effort_priority
from metrics.engine import MetricUnavailableError
from metrics.periods import Grain, Period, buckets
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings

COLUMNS = (
    "bucket_start",
    "contact_reason",
    "rank",
    "volume",
    "handle_minutes",
    "ces",
    "ces_n",
    "priority",
)


def effort_trend(
    data: Mapping[str, Frame | None],
    period: Period,
    grain: Grain,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """One row per calendar bucket × contact reason seen in ``period`` (columns: ``COLUMNS``).

    A reason without contacts in a bucket has volume 0 and null measures there.
    """
    tables = []
    for start, inside in buckets(period, grain):
        try:
            table = effort_priority(data, inside, filters=filters, settings=settings)
        except MetricUnavailableError as error:
            if "no contacts between" not in error.reason:
                raise
            continue
        tables.append(table.with_columns(bucket_start=pl.lit(start, pl.Date)))
    if not tables:
        raise MetricUnavailableError(f"no contacts between {period.start} and {period.end}")
    found = pl.concat(tables).select(COLUMNS)
    return every_bucket(found, period, grain, ["contact_reason"], zero=["volume"]).select(COLUMNS)
