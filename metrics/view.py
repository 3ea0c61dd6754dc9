"""What a KPI formula sees: its dataset's aggregate, labelled by the groups asked for.

A *group* is a date range: the current and comparison periods of a tile, or the
buckets of a trend. A day can sit in several groups (a comparison period may
overlap the current one), so ``rows`` holds one copy of a day's aggregate rows per
group it belongs to, tagged ``_group``. Formulas group by ``keys`` — ``_group``
plus the segment column, if any — and return sufficient statistics per key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from metrics.periods import Period
from metrics.settings import MetricSettings

GROUP = "_group"


@dataclass(frozen=True)
class KpiView:
    """The inputs of one KPI formula (see module doc)."""

    rows: pl.DataFrame
    groups: pl.DataFrame
    """One row per group: ``_group`` (Int32), ``_start``, ``_end`` (inclusive local dates)."""
    segments: tuple[str, ...]
    settings: MetricSettings
    history: pl.DataFrame | None = None
    """The aggregate over all days (same filters), for KPIs that look back before a group."""
    raw: Callable[[], pl.LazyFrame] | None = None
    """Labelled raw rows, when the raw dataset is present (exact quantiles)."""

    @property
    def keys(self) -> list[str]:
        return [GROUP, *self.segments]


def group_frame(periods: Sequence[Period]) -> pl.DataFrame:
    """Groups numbered 0, 1, … in the order given."""
    return pl.DataFrame(
        {
            GROUP: list(range(len(periods))),
            "_start": [p.start for p in periods],
            "_end": [p.end for p in periods],
        },
        schema={GROUP: pl.Int32, "_start": pl.Date, "_end": pl.Date},
    )


def day_map(groups: pl.DataFrame) -> pl.DataFrame:
    """(day, _group) for every day of every group; joining on it labels rows."""
    return (
        groups.select(GROUP, day=pl.date_ranges("_start", "_end"))
        .explode("day")
        .select("day", GROUP)
    )


def label(rows: pl.DataFrame | pl.LazyFrame, groups: pl.DataFrame):
    """Rows tagged with every group whose date range holds their ``day``."""
    mapping = day_map(groups)
    if isinstance(rows, pl.LazyFrame):
        return rows.join(mapping.lazy(), on="day", how="inner")
    return rows.join(mapping, on="day", how="inner")


def latest_day_per_group(rows: pl.DataFrame, where: pl.Expr) -> pl.DataFrame:
    """``_group`` → ``_day``: the last day in each group with a row matching ``where``."""
    return rows.filter(where).group_by(GROUP).agg(_day=pl.col("day").max())
