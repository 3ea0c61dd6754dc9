"""Reporting periods: absolute local dates, inclusive at both ends.

A period is what a leader names in a review ("1–31 March"): dates in the reporting
time zone, not UTC instants. Comparisons are periods too, so the same code computes
"this month" and "the month before" or "the same month last year".

Example:
    >>> from datetime import date
    >>> p = Period(date(2024, 3, 1), date(2024, 3, 31))
    >>> p.days, str(p.previous()), str(p.year_ago())
    (31, '2024-01-30 – 2024-02-29', '2023-03-01 – 2023-03-31')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

Grain = Literal["day", "week", "month", "quarter"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter")


@dataclass(frozen=True)
class Period:
    """Local dates ``start``..``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"period starts after it ends: {self.start} > {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        return self.shift(-self.days)

    def year_ago(self) -> Period:
        """The same dates one year earlier (29 February becomes 28 February)."""
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def shift(self, days: int) -> Period:
        step = timedelta(days=days)
        return Period(self.start + step, self.end + step)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


class Comparison(StrEnum):
    """What a period is compared with."""

    PREVIOUS = "previous"
    YEAR_AGO = "year_ago"
    NONE = "none"

    def period_for(self, period: Period) -> Period | None:
        """The comparison period of ``period`` (None for ``NONE``).

        >>> from datetime import date
        >>> Comparison("previous").period_for(Period(date(2024, 1, 8), date(2024, 1, 14)))
        Period(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 7))
        """
        if self is Comparison.PREVIOUS:
            return period.previous()
        if self is Comparison.YEAR_AGO:
            return period.year_ago()
        return None


def bucket_start(day: date, grain: Grain) -> date:
    """First day of the calendar bucket holding ``day`` (weeks start on Monday)."""
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown grain {grain!r}; expected one of {GRAINS}")


def next_bucket_start(start: date, grain: Grain) -> date:
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    months = 1 if grain == "month" else 3
    month_index = start.month - 1 + months
    return date(start.year + month_index // 12, month_index % 12 + 1, 1)


def buckets(period: Period, grain: Grain) -> list[tuple[date, Period]]:
    """Calendar buckets covering ``period``: (calendar bucket start, the part inside the period).

    >>> from datetime import date
    >>> period = Period(date(2024, 1, 30), date(2024, 2, 2))
    >>> [(start.isoformat(), str(inside)) for start, inside in buckets(period, "month")]
    [('2024-01-01', '2024-01-30 – 2024-01-31'), ('2024-02-01', '2024-02-01 – 2024-02-02')]
    """
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}; expected one of {GRAINS}")
    result = []
    start = bucket_start(period.start, grain)
    while start <= period.end:
        following = next_bucket_start(start, grain)
        inside = Period(max(start, period.start), min(following - timedelta(days=1), period.end))
        result.append((start, inside))
        start = following
    return result


def relative_end(newest: Mapping[str, date], datasets: Iterable[str] | None, cutoff: date) -> date:
    """The day a relative period ("last 30 days") ends on: the newest day all of ``datasets`` have.

    ``newest`` is each dataset's newest local day with data; ``datasets`` are the
    datasets of the KPIs on the page (None: every dataset in ``newest``). The end is
    the *oldest* of their newest days, so every KPI on the page has data for the
    whole period: a survey export that runs six weeks past the last order must not
    push the orders out of "last 30 days". Datasets the page does not use, and
    datasets the workspace has no data for, do not count. The end never passes
    ``cutoff`` (the day before the snapshot was taken, whose numbers were still
    partial, or the workspace's ``as_of`` date); with no dated data it is ``cutoff``.

    >>> newest = {"orders": date(2018, 8, 29), "responses": date(2018, 10, 14),
    ...           "prices": date(2018, 1, 5)}
    >>> cutoff = date(2026, 12, 2)
    >>> relative_end(newest, ["orders", "responses"], cutoff)  # both have data to 29 Aug
    datetime.date(2018, 8, 29)
    >>> relative_end(newest, ["responses", "selection"], cutoff)  # no selection data: ignored
    datetime.date(2018, 10, 14)
    >>> relative_end(newest, ["orders"], date(2018, 8, 20))  # pinned as of 20 Aug
    datetime.date(2018, 8, 20)
    >>> relative_end(newest, ["selection"], cutoff) == cutoff  # nothing dated: the cutoff
    True
    """
    wanted = newest.keys() if datasets is None else set(datasets)
    days = [day for name, day in newest.items() if name in wanted]
    return min([*days, cutoff])


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
