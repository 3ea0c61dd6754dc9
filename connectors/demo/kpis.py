"""Two custom benefit KPIs, daily: the app-store rating and days until a refund.

Why: benefit KPIs that are not in the built-in catalogue arrive as
(date, kpi, value) rows. 'app_rating' hovers around 4.3 stars, lifted by the
'Dark mode' release and dented by the checkout outage; 'return_refund_days'
is about 5.3 days until the 'Faster refunds' release and settles near 3.0 within
two weeks after it, with a post-holiday bump in January.

Example:
    >>> KPIS
    ('app_rating', 'return_refund_days')
"""

from __future__ import annotations

import numpy as np
import polars as pl

from connectors.demo.story import Timeline
from connectors.demo.volume import day_dates, day_grid

KPIS = ("app_rating", "return_refund_days")
APP_RATING, DARK_MODE_LIFT, OUTAGE_DENT = 4.25, 0.10, 0.30
REFUND_DAYS_BEFORE, REFUND_DAYS_AFTER, JANUARY_BUMP = 5.3, 3.0, 0.6


def kpi_frame(timeline: Timeline, rng: np.random.Generator) -> pl.DataFrame:
    """``custom_kpis``: one row per day and KPI."""
    t = np.arange(timeline.days)
    since_outage = t - timeline.checkout_outage
    dent = np.where(since_outage >= 0, OUTAGE_DENT * np.exp(-np.maximum(since_outage, 0) / 5), 0)
    rating = APP_RATING + DARK_MODE_LIFT * (t >= timeline.dark_mode) - dent
    rating = np.clip(rating + rng.normal(0, 0.04, size=t.size), 1.0, 5.0)

    settled = np.clip((t - timeline.faster_refunds) / 14, 0, 1)
    refund = REFUND_DAYS_BEFORE + (REFUND_DAYS_AFTER - REFUND_DAYS_BEFORE) * settled
    refund += JANUARY_BUMP * np.array([d.month == 1 for d in day_dates(timeline)])
    refund = np.maximum(0.5, refund + rng.normal(0, 0.25, size=t.size))

    values = np.column_stack([np.round(rating, 2), np.round(refund, 2)])
    return day_grid(timeline, kpi=KPIS).with_columns(value=values.ravel())
