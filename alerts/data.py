"""The metrics engine's data for evaluating rules on a snapshot, read once per evaluation.

Why its own module: every rule of a run, and every day of a replay, asks the
engine about the same datasets; reading the stored day aggregates (by every
declared segment, so a rule for region North filters them) once and handing
the same frames to each call keeps a run of twenty rules as quick as one.
The pages read the same stored aggregates through ``pages/ui/data.py``.

Example:
    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> datasets_of(DEFAULT_REGISTRY, ["nps", "on_time_rate", "csat"])
    ('orders', 'responses')
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import polars as pl

from metrics.aggregates import AGGREGATES
from metrics.engine import latest_data_day
from metrics.local_time import local_date_of
from metrics.registry import Registry
from metrics.settings import MetricSettings
from store.snapshots import Snapshot

Data = dict[str, pl.DataFrame | pl.LazyFrame]


def datasets_of(registry: Registry, kpi_ids: Iterable[str]) -> tuple[str, ...]:
    """The datasets the KPIs read, sorted."""
    return tuple(sorted({registry.get(k).dataset for k in kpi_ids if k in registry}))


def snapshot_data(snapshot: Snapshot, datasets: Iterable[str], timezone: str) -> Data:
    """Each dataset's stored day aggregate by segment (collected once) and its rows (lazy).

    A dataset without a stored aggregate in ``timezone`` (an older snapshot, a
    formula on rows) gives its rows; a live or failed dataset gives nothing, and
    its KPIs say why they are missing.
    """
    data: Data = {}
    for dataset in sorted(set(datasets)):
        entry = snapshot.datasets.get(dataset)
        if entry is None or not entry.has_rows:
            continue
        data[dataset] = snapshot.scan(dataset)
        stored = snapshot.aggregate(dataset, timezone) if dataset in AGGREGATES else None
        if stored is not None:
            data[AGGREGATES[dataset].name] = stored.collect()
    return data


def evaluation_day(snapshot: Snapshot, data: Data, settings: MetricSettings) -> date:
    """The day rules and digests look at: the last day with data, but never the refresh's own
    day, which is still under way (a refresh at 07:00 would otherwise compare 7 hours of
    today with whole days).

    >>> from pathlib import Path
    >>> from metrics.settings import MetricSettings
    >>> snap = Snapshot("20261101T060000Z", Path("."), "2026-11-01T06:00:00+00:00")
    >>> evaluation_day(snap, {}, MetricSettings(timezone="Europe/Berlin"))
    datetime.date(2026, 10, 31)
    """
    created = datetime.fromisoformat(snapshot.created_at)
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    complete = local_date_of(created, settings.timezone) - timedelta(days=1)
    latest = latest_data_day(data, settings)
    return min(latest, complete) if latest else complete
