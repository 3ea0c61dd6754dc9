"""The storyline planted in the demo data: which dates, which regions, which effects.

Every date is counted back from ``end_date`` (the last day with data), so a demo
made today and one made next year tell the same stories. Tests elsewhere (and the
app's own smoke tests) read these constants and functions instead of guessing.

Example:
    >>> from datetime import date
    >>> slowdown_dates(date(2026, 11, 22))
    (datetime.date(2026, 10, 24), datetime.date(2026, 11, 22))
    >>> baseline_dates(date(2026, 11, 22))
    (datetime.date(2026, 9, 24), datetime.date(2026, 10, 23))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

PLANTED_SLOWDOWN_REGION = "North"
"""The region whose deliveries slow down in the last ``SLOWDOWN_DAYS`` days."""
SLOWDOWN_DAYS = 30
"""Length of the planted slowdown, ending on (and including) ``end_date``."""
SLOWDOWN_EVENT_TITLE = "Carrier change in North region"
"""The company_events row (kind 'incident') dated on the first day of the slowdown."""
SLOWDOWN_DELIVERY_FACTOR = 1.9
"""Median delivery time of North orders placed during the slowdown, relative to before."""
SLOWDOWN_SPREAD = 0.62
"""Log-normal sigma of delivery hours during the slowdown (0.50 otherwise): less predictable."""

# Days before end_date on which the other planted events happen (0 = end_date itself).
REFERRAL_PROGRAMME_DAYS_BEFORE_END = 600
FREE_SHIPPING_DAYS_BEFORE_END = 455
DARK_MODE_DAYS_BEFORE_END = 400
FASTER_REFUNDS_DAYS_BEFORE_END = 365
CHECKOUT_OUTAGE_DAYS_BEFORE_END = 270
CHECKOUT_OUTAGE_LENGTH_DAYS = 2

MIN_DAYS = 90
"""The shortest history that still holds the slowdown and a baseline before it."""


def slowdown_dates(end_date: date) -> tuple[date, date]:
    """First and last day (both inclusive) of the planted North delivery slowdown."""
    return end_date - timedelta(days=SLOWDOWN_DAYS - 1), end_date


def baseline_dates(end_date: date) -> tuple[date, date]:
    """The ``SLOWDOWN_DAYS`` days just before the slowdown: the period to compare it with."""
    first_slow, _ = slowdown_dates(end_date)
    return first_slow - timedelta(days=SLOWDOWN_DAYS), first_slow - timedelta(days=1)


def default_end_date(now: datetime | None = None) -> date:
    """Yesterday in UTC: the last complete day."""
    return (now or datetime.now(UTC)).date() - timedelta(days=1)


@dataclass(frozen=True)
class Timeline:
    """The demo's calendar: its first and last day and where each planted event falls.

    Day indexes count from ``start`` (index 0); an event before ``start`` has a
    negative index, and its effect (e.g. free shipping) still holds in the window.
    """

    start: date
    end: date

    @classmethod
    def ending(cls, end: date, days: int) -> Timeline:
        if days < MIN_DAYS:
            raise ValueError(
                f"demo data needs at least {MIN_DAYS} days to hold the planted slowdown "
                f"and the period before it; got days={days}"
            )
        return cls(start=end - timedelta(days=days - 1), end=end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def index_of(self, day: date) -> int:
        return (day - self.start).days

    def date_of(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def days_before_end(self, days: int) -> int:
        """Day index of ``end - days``."""
        return self.days - 1 - days

    @property
    def start_epoch(self) -> int:
        """Unix seconds of ``start`` at 00:00 UTC."""
        return int(
            datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC).timestamp()
        )

    @property
    def end_epoch_exclusive(self) -> int:
        """Unix seconds of the midnight after ``end``: every timestamp is before it."""
        return self.start_epoch + self.days * 86_400

    @property
    def slowdown_start(self) -> int:
        return self.index_of(slowdown_dates(self.end)[0])

    @property
    def checkout_outage(self) -> int:
        return self.days_before_end(CHECKOUT_OUTAGE_DAYS_BEFORE_END)

    @property
    def faster_refunds(self) -> int:
        return self.days_before_end(FASTER_REFUNDS_DAYS_BEFORE_END)

    @property
    def free_shipping(self) -> int:
        return self.days_before_end(FREE_SHIPPING_DAYS_BEFORE_END)

    @property
    def dark_mode(self) -> int:
        return self.days_before_end(DARK_MODE_DAYS_BEFORE_END)

    @property
    def referral_programme(self) -> int:
        return self.days_before_end(REFERRAL_PROGRAMME_DAYS_BEFORE_END)
