"""Daily volume curves and times of day: growth, weekdays, the December peak, formatting.

Why: every busy table (orders, responses, contacts, feedback) follows the same
business rhythm, so one module owns it. Volumes are *weights* per day; exact
row counts are then spread over days with one multinomial draw, so a table has
exactly the number of rows asked for.

Example:
    >>> import numpy as np
    >>> from datetime import date
    >>> from connectors.demo.story import Timeline
    >>> t = Timeline.ending(date(2026, 11, 22), 90)
    >>> counts = spread_over_days(1_000, order_weights(t), np.random.default_rng(1))
    >>> int(counts.sum())
    1000
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from connectors.demo.story import CHECKOUT_OUTAGE_LENGTH_DAYS, Timeline

# Monday .. Sunday: a little busier early in the week, quietest on Sunday.
ORDER_WEEKDAY = np.array([1.06, 1.05, 1.02, 1.00, 0.98, 0.86, 0.72])
SURVEY_WEEKDAY = np.array([1.08, 1.05, 1.03, 1.00, 0.97, 0.82, 0.70])
ORDER_GROWTH_PER_YEAR = 1.28

# Share of the day's events per UTC hour (Europe: evening shopping, office-hours support).
ORDER_HOURS = np.array(
    [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 3.5, 4.0, 4.2, 4.6,
     5.2, 5.0, 4.6, 4.4, 4.6, 5.2, 6.4, 7.2, 7.4, 6.2, 4.2, 2.2],
)  # fmt: skip
SURVEY_HOURS = np.array(
    [0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 1.0, 2.6, 4.5, 5.6, 6.0, 6.0,
     6.2, 6.0, 5.6, 5.6, 5.8, 6.4, 7.0, 7.2, 6.8, 5.4, 3.2, 1.5],
)  # fmt: skip
OFFICE_HOURS = np.array(
    [0.1, 0.05, 0.05, 0.05, 0.05, 0.2, 1.0, 4.0, 8.0, 9.0, 9.0, 8.5,
     7.5, 8.5, 8.8, 8.5, 8.0, 7.0, 5.0, 3.0, 2.0, 1.2, 0.6, 0.2],
)  # fmt: skip


def day_dates(timeline: Timeline) -> list[date]:
    return [timeline.start + timedelta(days=i) for i in range(timeline.days)]


def weekdays(timeline: Timeline) -> np.ndarray:
    """Weekday (0 = Monday) of every day in the window."""
    return (timeline.start.weekday() + np.arange(timeline.days)) % 7


def growth(timeline: Timeline, per_year: float) -> np.ndarray:
    """A smooth exponential trend that reaches ``per_year`` times after 365 days."""
    return per_year ** (np.arange(timeline.days) / 365.0)


def black_fridays(timeline: Timeline) -> list[date]:
    """The Friday after the fourth Thursday of November, for each year in the window."""
    found = []
    for year in range(timeline.start.year, timeline.end.year + 1):
        first = date(year, 11, 1)
        thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
        friday = thursday + timedelta(days=1)
        if timeline.start <= friday <= timeline.end:
            found.append(friday)
    return found


def december_peak(timeline: Timeline, height: float) -> np.ndarray:
    """Multiplier per day: ramps up through December to ``1 + height`` before Christmas,
    a lull between Christmas and New Year, and a spike on Black Friday weekend."""
    peak = np.ones(timeline.days)
    for i, day in enumerate(day_dates(timeline)):
        if day.month == 12 and day.day <= 22:
            peak[i] = 1 + height * (0.35 + 0.65 * day.day / 22)
        elif day.month == 12 and day.day >= 26:
            peak[i] = 0.85
    for friday in black_fridays(timeline):
        for offset, lift in ((0, 1.0), (1, 0.6), (2, 0.4), (3, 0.8)):  # Fri, Sat, Sun, Cyber Monday
            i = timeline.index_of(friday) + offset
            if 0 <= i < timeline.days:
                peak[i] *= 1 + height * lift
    return peak


def outage_dip(timeline: Timeline, depth: float) -> np.ndarray:
    """Multiplier per day that lowers volume by ``depth`` on the checkout-outage days."""
    dip = np.ones(timeline.days)
    for offset in range(CHECKOUT_OUTAGE_LENGTH_DAYS):
        i = timeline.checkout_outage + offset
        if 0 <= i < timeline.days:
            dip[i] = 1 - depth * (1.0 if offset == 0 else 0.4)
    return dip


def order_weights(timeline: Timeline) -> np.ndarray:
    """Relative order volume per day: growth x weekday x December peak x outage dip."""
    return (
        growth(timeline, ORDER_GROWTH_PER_YEAR)
        * ORDER_WEEKDAY[weekdays(timeline)]
        * december_peak(timeline, 0.55)
        * outage_dip(timeline, 0.35)
    )


def survey_weights(timeline: Timeline) -> np.ndarray:
    """Relative survey volume per day: grows with the business, with a milder December."""
    return (
        growth(timeline, ORDER_GROWTH_PER_YEAR)
        * SURVEY_WEEKDAY[weekdays(timeline)]
        * december_peak(timeline, 0.20)
    )


def spread_over_days(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exactly ``total`` events spread over days in proportion to ``weights``."""
    return rng.multinomial(total, weights / weights.sum())


def times_on_days(
    day_index: np.ndarray, hours: np.ndarray, timeline: Timeline, rng: np.random.Generator
) -> np.ndarray:
    """Unix seconds (UTC) of one event on each given day, at an hour drawn from ``hours``."""
    hour = rng.choice(24, size=day_index.size, p=hours / hours.sum())
    second = rng.integers(0, 3600, size=day_index.size)
    return timeline.start_epoch + day_index.astype(np.int64) * 86_400 + hour * 3600 + second


def utc_text(seconds: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    """Unix seconds as 'YYYY-MM-DD HH:MM:SS' text (naive UTC); rows marked ``missing`` are null."""
    text = (
        (pl.Series(seconds, dtype=pl.Int64) * 1_000_000)
        .cast(pl.Datetime("us"))
        .dt.strftime("%Y-%m-%d %H:%M:%S")
    )
    if missing is not None and missing.any():
        text = text.scatter(np.flatnonzero(missing), None)
    return text


def date_text(timeline: Timeline) -> pl.Series:
    """Every day of the window as 'YYYY-MM-DD' text."""
    return pl.Series([d.isoformat() for d in day_dates(timeline)], dtype=pl.Utf8)


def day_grid(timeline: Timeline, **dimensions: tuple[str, ...]) -> pl.DataFrame:
    """One row per day and combination of labels, day-major, the last dimension fastest.

    >>> from datetime import date
    >>> t = Timeline.ending(date(2026, 11, 22), 90)
    >>> day_grid(t, plan=("basic", "pro")).head(3).rows()
    [('2026-08-25', 'basic'), ('2026-08-25', 'pro'), ('2026-08-26', 'basic')]
    """
    sizes = [timeline.days, *(len(labels) for labels in dimensions.values())]
    row = np.arange(int(np.prod(sizes)))
    strides = np.cumprod([1, *sizes[::-1]])[::-1][1:]
    codes = [(row // stride) % size for stride, size in zip(strides, sizes, strict=True)]
    columns = {"date": date_text(timeline).gather(codes[0])}
    for (name, labels), code in zip(dimensions.items(), codes[1:], strict=True):
        columns[name] = pl.Series(labels, dtype=pl.Utf8).gather(code)
    return pl.DataFrame(columns)
