"""The demo's customer base: who the customers are and when they joined.

Why a base at all: a customer's plan, region and channel must be the same in
every table they appear in, and a customer cannot order before they signed up.
Everything else picks customers from here by index.

Customers are numbered in sign-up order ('C000001' is the oldest), about half
of them were already customers when the window starts, and the rest join
along the order-growth curve.

Example:
    >>> import numpy as np
    >>> from datetime import date
    >>> from connectors.demo.story import Timeline
    >>> t = Timeline.ending(date(2026, 11, 22), 90)
    >>> base = CustomerBase.build(1_000, t, np.random.default_rng(3))
    >>> base.ids[0], base.ids[999]
    ('C000001', 'C001000')
    >>> bool((base.signup_day[base.pick(np.full(5, 10), np.random.default_rng(1))] <= 10).all())
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from connectors.demo.story import Timeline
from connectors.demo.volume import ORDER_GROWTH_PER_YEAR, growth

PLANS = ("basic", "plus", "pro")
PLAN_SHARE = np.array([0.55, 0.30, 0.15])
REGIONS = ("North", "South", "East", "West")
REGION_SHARE = np.array([0.28, 0.26, 0.24, 0.22])
CHANNELS = ("web", "app", "store")
CHANNEL_SHARE = np.array([0.50, 0.35, 0.15])
EXISTING_SHARE = 0.55
"""Share of customers who signed up before the window starts."""
# Median yearly account value per plan, in EUR: pro accounts are businesses.
ACCOUNT_VALUE_MEDIAN = np.array([120.0, 290.0, 1_450.0])


def label(codes: np.ndarray, names: tuple[str, ...]) -> pl.Series:
    """Small integer codes as their text labels."""
    return pl.Series(names, dtype=pl.Utf8).gather(codes)


@dataclass(frozen=True)
class CustomerBase:
    """Customers as parallel arrays, index i is customer ``ids[i]``."""

    ids: pl.Series
    plan: np.ndarray
    region: np.ndarray
    channel: np.ndarray
    signup_day: np.ndarray
    account_value: np.ndarray
    _signed_up_by_day: np.ndarray
    _region_members: tuple[np.ndarray, ...]
    _region_signed_up_by_day: tuple[np.ndarray, ...]

    @classmethod
    def build(cls, count: int, timeline: Timeline, rng: np.random.Generator) -> CustomerBase:
        existing = max(1, round(count * EXISTING_SHARE))
        joining = count - existing
        joins = growth(timeline, ORDER_GROWTH_PER_YEAR)
        signup_day = np.sort(
            np.concatenate(
                [
                    np.full(existing, -1),
                    rng.choice(timeline.days, size=joining, p=joins / joins.sum()),
                ]
            )
        )
        region = rng.choice(len(REGIONS), size=count, p=REGION_SHARE).astype(np.int8)
        # Every region needs one customer from day one, so any day can pick from any region.
        region[: len(REGIONS)] = np.arange(len(REGIONS))
        plan = rng.choice(len(PLANS), size=count, p=PLAN_SHARE).astype(np.int8)
        value = ACCOUNT_VALUE_MEDIAN[plan] * rng.lognormal(0.0, 0.55, size=count)
        days = np.arange(timeline.days)
        members = tuple(np.flatnonzero(region == r) for r in range(len(REGIONS)))
        return cls(
            ids="C" + pl.Series(np.arange(1, count + 1)).cast(pl.Utf8).str.zfill(6),
            plan=plan,
            region=region,
            channel=rng.choice(len(CHANNELS), size=count, p=CHANNEL_SHARE).astype(np.int8),
            signup_day=signup_day,
            account_value=np.round(value, 2),
            _signed_up_by_day=np.searchsorted(signup_day, days, side="right"),
            _region_members=members,
            _region_signed_up_by_day=tuple(
                np.searchsorted(signup_day[m], days, side="right") for m in members
            ),
        )

    @property
    def size(self) -> int:
        return self.ids.len()

    def pick(
        self, day_index: np.ndarray, rng: np.random.Generator, region: int | None = None
    ) -> np.ndarray:
        """One customer per event, uniformly among those signed up by that day (and region)."""
        if region is None:
            available = self._signed_up_by_day[day_index]
            return (rng.random(day_index.size) * available).astype(np.int64)
        available = self._region_signed_up_by_day[region][day_index]
        position = (rng.random(day_index.size) * available).astype(np.int64)
        return self._region_members[region][position]
