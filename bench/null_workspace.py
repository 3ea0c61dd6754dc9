"""A workspace where nothing moved: the demo's measurements shuffled across rows.

Why: "no insight fires on noise" needs data where every difference is noise. The shuffle is
within the pooled rows of the period and its comparison period (the null this uses): each
row keeps its time, its segments (region, plan…) and its customer, and takes the
measurements of a random other row of the same pool. So the current and the previous period
are exchangeable, and so are all segment values: any change or segment difference left is
chance. (Shuffling across the whole history would keep the demo's seasonal and planted
trends between the two periods in aggregate, which are real changes, not noise.)

What moves with a row, jointly, so each row stays a plausible one:
- responses: score and comment, within each survey (NPS 0–10 stays with NPS answers);
- orders: amount, shipping cost, and the promised and delivered times as offsets from the
  order time (an order is never delivered before it was placed);
- contacts: reason, handle time, scores, and the closing time as an offset;
- selection and prices: each day-and-category row's counts or prices.
Acquisition and revenue are census KPIs (no test), left as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

import numpy as np
import polars as pl

from canonical.datasets import DATASETS
from metrics.insight_tests import change_tests
from metrics.insights import ChangeTest, significant_changes
from metrics.periods import Period
from metrics.registry import Registry
from metrics.settings import MetricSettings

MEASURES: dict[str, tuple[str, ...]] = {
    "responses": ("score", "comment"),
    "orders": ("amount", "shipping_cost", "promised_at", "delivered_at"),
    "contacts": ("contact_reason", "closed_at", "handle_seconds", "ces_score", "csat_score"),
    "selection": ("skus_offered", "skus_in_stock"),
    "prices": ("our_price", "reference_price"),
}
STRATA = {"responses": ("survey",)}
"""Columns the shuffle stays within (a score moves only between answers of one survey)."""


def null_frames(
    frames: Mapping[str, pl.DataFrame], pooled: Period, seed: int
) -> dict[str, pl.DataFrame]:
    """``frames`` with each dataset's measurements permuted across its rows in ``pooled`` (a
    day either side included; rows outside are left out, the KPIs of ``pooled`` never read
    them)."""
    rng = np.random.default_rng(seed)
    shuffled: dict[str, pl.DataFrame] = {}
    for name, frame in frames.items():
        if name not in DATASETS:
            shuffled[name] = frame
            continue
        time = DATASETS[name].time_column
        day = pl.col(time).dt.date() if frame.schema[time] != pl.Date else pl.col(time)
        inside = frame.filter(
            day.is_between(pooled.start - timedelta(days=1), pooled.end + timedelta(days=1))
        )
        shuffled[name] = _shuffled(name, inside, rng) if name in MEASURES else inside
    return shuffled


def _shuffled(name: str, frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    time = DATASETS[name].time_column
    columns = [c for c in MEASURES[name] if c in frame.columns]
    if not columns or frame.is_empty():
        return frame
    moment = {c for c in columns if frame.schema[c] == frame.schema[time] and c != time}
    measures = frame.select(
        *((pl.col(c) - pl.col(time)).alias(c) if c in moment else pl.col(c) for c in columns)
    )
    strata = [c for c in STRATA.get(name, ()) if c in frame.columns]
    keys = frame.select(strata).rows() if strata else [()] * frame.height
    order = np.arange(frame.height)
    by_stratum: dict[tuple, list[int]] = {}
    for index, key in enumerate(keys):
        by_stratum.setdefault(key, []).append(index)
    for members in by_stratum.values():
        positions = np.asarray(members)
        order[positions] = positions[rng.permutation(len(positions))]
    moved = measures[order]
    return frame.with_columns(
        *((pl.col(time) + moved[c]).alias(c) if c in moment else moved[c].alias(c) for c in columns)
    )


def null_insights(
    frames: Mapping[str, pl.DataFrame],
    kpi_ids: Sequence[str],
    period: Period,
    comparison: Period,
    segments: Mapping[str, Sequence[str]],
    seed: int,
    *,
    settings: MetricSettings,
    registry: Registry,
) -> list[ChangeTest]:
    """The insights the overview would show on the null workspace of ``seed`` (should be none
    in at least 95 % of seeds: Benjamini–Hochberg at q = 2.5 % with every test null)."""
    pooled = Period(comparison.start, period.end)
    data = null_frames(frames, pooled, seed)
    tested = change_tests(
        kpi_ids, data, period, comparison, segments, settings=settings, registry=registry
    )
    return significant_changes(tested.tests)
