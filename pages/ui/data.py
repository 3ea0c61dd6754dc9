"""The pages' one door to data: the workspace, its snapshot, and what the metrics engine reads.

Why here: a page must not know where rows live. This module opens the store
through ``store`` and live sources through ``connectors.pushdown``; pages and
the cached metric calls (``pages/ui/kpis.py``, ``series.py``, ``drill.py``)
ask it for the engine's ``data`` of a view, and never see SQL or file paths.

What a view reads, per dataset:

- a copied dataset with a stored day aggregate (``snapshot.aggregate``): the
  aggregate summed over segments when the call neither splits nor filters by
  one (a few thousand rows), else the one by every segment (a few hundred
  thousand rows however many responses there are), plus the rows as a lazy
  scan for the rare formula that needs them (exact delivery quantiles read the
  rows of the few hours buckets that hold them);
- a copied dataset without one (an older snapshot, a changed reporting zone):
  its rows, read from disk the first time a page needs them;
- a live dataset: the warehouse's aggregate of exactly the periods, splits and
  filters asked for (``connectors.pushdown.live_aggregate``).

A page's cached metric call reads ``metric_data(context, ["responses"], [period,
comparison])`` and hands it to ``metrics.compute_kpis``; the page context (built by
app.py in a Streamlit session) says which snapshot, view and filters apply.

Caches are keyed by ``data_key``: each dataset's content fingerprint from the
manifest (and, for live datasets, the current five-minute slot). A refresh
that changes only orders leaves every survey number cached; twenty-five
viewers of a live view within five minutes share one warehouse query.

Example (Tuesday's refresh changed only orders: the survey numbers keep their cache key):
    >>> from store.snapshots import DatasetEntry
    >>> def refreshed(snapshot_id: str, orders_fingerprint: str) -> Snapshot:
    ...     return Snapshot(snapshot_id, Path("."), created_at="", datasets={
    ...         "responses": DatasetEntry("responses", "shop_db", "ok", fingerprint="r1"),
    ...         "orders": DatasetEntry("orders", "shop_db", "ok", fingerprint=orders_fingerprint)})
    >>> monday, tuesday = refreshed("20261102T060000Z", "o1"), refreshed("20261103T060000Z", "o2")
    >>> data_key(monday, ["responses"]) == data_key(tuesday, ["responses"])
    True
    >>> data_key(tuesday, ["responses", "orders"])
    (('orders', 'o2'), ('responses', 'r1'))
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow.parquet as pq
import streamlit as st

from benefitboard.config import SourceConfig, WorkspaceConfig, load_workspace
from benefitboard.workspace import workspace_config_path
from canonical.datasets import dataset_spec
from metrics.aggregates import AGGREGATES
from metrics.availability import Holdings
from metrics.periods import Period
from store.snapshots import Snapshot, SnapshotNotFoundError, current_snapshot, open_snapshot

if TYPE_CHECKING:
    from connectors.pushdown.rows import RowsPage
    from pages.ui.context import PageContext

LIVE_SLOT_SECONDS = 300
"""Live numbers are shared for five minutes: the warehouse answers each view once per slot."""
DataKey = tuple[tuple[str, str], ...]


@st.cache_resource(show_spinner=False, max_entries=4)
def _workspace(path: str, modified: float) -> WorkspaceConfig:
    return load_workspace(Path(path))


def workspace() -> WorkspaceConfig:
    """The workspace config, re-read when its file changes."""
    path = workspace_config_path()
    return _workspace(str(path), os.path.getmtime(path))


def snapshot(asof: str | None = None) -> Snapshot | None:
    """The pinned snapshot ``asof`` (SnapshotNotFoundError if gone), else the current one."""
    store_dir = workspace().store_dir
    if asof:
        return open_snapshot(store_dir, asof)
    return current_snapshot(store_dir)


# ---------------------------------------------------------------------------------------------
# Rows of copied datasets, read once per content and process.


@st.cache_resource(show_spinner=False, max_entries=24)
def _dataset_rows(dataset: str, fingerprint: str, _snapshot: Snapshot) -> pl.DataFrame:
    return _snapshot.scan(dataset).collect()


class SnapshotFrames(Mapping[str, pl.DataFrame]):
    """A snapshot's copied datasets by name, each read from disk the first time it is asked for.

    Why lazy: the executive page reads stored aggregates only; loading ten
    million responses because a page *might* want them would cost seconds and
    a gigabyte. Drill-down pages that need the rows get them on first access,
    shared by every session (keyed by the dataset's fingerprint, so a refresh
    that left a dataset unchanged keeps it in memory).
    """

    def __init__(self, snap: Snapshot):
        self.snapshot = snap
        self._names = tuple(name for name, e in snap.datasets.items() if e.has_rows)

    def __getitem__(self, dataset: str) -> pl.DataFrame:
        if dataset not in self._names:
            raise KeyError(dataset)
        return _dataset_rows(dataset, fingerprint(self.snapshot, dataset), self.snapshot)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def frames(snap: Snapshot) -> SnapshotFrames:
    """Every copied dataset of a snapshot, loaded on first use, shared across sessions."""
    return SnapshotFrames(snap)


# ---------------------------------------------------------------------------------------------
# Cache keys.


def live_slot(now: float | None = None) -> int:
    """The current five-minute slot (live caches expire when it turns)."""
    return int((time.time() if now is None else now) // LIVE_SLOT_SECONDS)


def fingerprint(snap: Snapshot, dataset: str) -> str:
    """What the dataset's numbers depend on: its content fingerprint (plus the slot, if live)."""
    entry = snap.datasets.get(dataset)
    if entry is None or not entry.has_data:
        return "absent"
    base = entry.fingerprint or f"{snap.id}/{dataset}"  # snapshots from before fingerprints
    return f"{base}@{live_slot()}" if entry.live else base


def data_key(snap: Snapshot, datasets: Iterable[str]) -> DataKey:
    """The cache key of a computation reading ``datasets``: their fingerprints, by name."""
    return tuple((d, fingerprint(snap, d)) for d in sorted(set(datasets)))


# ---------------------------------------------------------------------------------------------
# The metrics engine's data for a view.


@st.cache_resource(show_spinner=False, max_entries=48)
def _stored_aggregate(
    dataset: str, fingerprint: str, zone: str, by_segments: bool, _snap: Snapshot
) -> pl.DataFrame | None:
    aggregate = _snap.aggregate(dataset, zone, by_segments=by_segments)
    return aggregate.collect() if aggregate is not None else None


@st.cache_resource(show_spinner=False, max_entries=256, ttl=2 * LIVE_SLOT_SECONDS)
def _live_aggregate(
    dataset: str,
    fingerprint: str,
    periods: tuple[Period, ...],
    segments: tuple[str, ...],
    filters: tuple[tuple[str, tuple[str, ...]], ...],
    _workspace: WorkspaceConfig,
) -> dict[str, pl.DataFrame]:
    from connectors.pushdown.aggregate import live_data

    return live_data(
        _workspace, [dataset], periods=periods, segments=segments, filters=dict(filters)
    )


def metric_data(
    context: PageContext,
    datasets: Iterable[str],
    periods: Sequence[Period | None],
    segments: Sequence[str] = (),
) -> dict[str, pl.DataFrame | pl.LazyFrame]:
    """The metrics engine's ``data`` for ``datasets`` in the context's view.

    ``periods`` are every period the call will ask about (a tile's period and
    comparison, a trend's buckets), ``segments`` the splits it needs; the view's
    segment filters come from the context. For a live dataset the warehouse
    aggregates exactly those. A copied dataset gives its stored aggregate, read
    once per content: summed over segments when the call neither splits nor
    filters by one of the dataset's columns (a few thousand rows: every tile,
    sparkline and trend of an unfiltered view), else by every segment.
    """
    snap = context.snapshot
    zone = context.workspace.timezone
    data: dict[str, pl.DataFrame | pl.LazyFrame] = {}
    # A split or filter on a column the stored aggregate lacks (a canonical column that is no
    # declared segment, like acquisition's channel) is answered from the rows.
    needed = {*segments, *(k for k, v in context.view.segments.items() if v)}
    for dataset in sorted(set(datasets)):
        entry = snap.datasets.get(dataset)
        if entry is None or not entry.has_data:
            continue
        if entry.live:
            data.update(_live(context, dataset, periods, segments))
            continue
        stored = _aggregate_for(snap, dataset, zone, needed)
        if stored is not None:
            data[AGGREGATES[dataset].name] = stored
            data[dataset] = snap.scan(dataset)  # rows, for the formulas that need them
        else:
            data[dataset] = context.frames[dataset]
    return data


def _aggregate_for(
    snap: Snapshot, dataset: str, zone: str, needed: set[str]
) -> pl.DataFrame | None:
    """The stored aggregate that answers a call splitting or filtering by ``needed``, if any."""
    if dataset not in AGGREGATES:
        return None
    key = fingerprint(snap, dataset)
    wanted = needed & set(_columns(snap.path / f"{dataset}.parquet", key))
    stored = None if wanted else _stored_aggregate(dataset, key, zone, False, snap)
    if stored is None:  # split or filtered, or a snapshot from before the totals
        stored = _stored_aggregate(dataset, key, zone, True, snap)
    return stored if stored is not None and wanted <= set(stored.columns) else None


@lru_cache(maxsize=256)
def _columns(path: Path, fingerprint: str) -> tuple[str, ...]:
    """A snapshot file's columns, read from its footer once per file and content."""
    return tuple(pl.scan_parquet(path).collect_schema().names())


def _live(
    context: PageContext,
    dataset: str,
    periods: Sequence[Period | None],
    segments: Sequence[str],
) -> dict[str, pl.DataFrame]:
    declared = set(context.workspace.segments(dataset))
    wanted = tuple(sorted({p for p in periods if p is not None}, key=_period_order))
    filters = tuple(
        sorted((k, tuple(v)) for k, v in context.view.segments.items() if v and k in declared)
    )
    return _live_aggregate(
        dataset,
        fingerprint(context.snapshot, dataset),
        wanted,
        tuple(s for s in dict.fromkeys(segments) if s in declared),
        filters,
        context.workspace,
    )


def _period_order(period: Period) -> tuple[date, date]:
    return period.start, period.end


def dataset_columns(context: PageContext, dataset: str) -> tuple[str, ...] | None:
    """The columns a dataset offers (canonical + segments), None when the view has no data.

    Read from the Parquet schema (no rows loaded) or, for a live dataset, from
    its mapping (the live relation refuses anything undeclared).
    """
    entry = context.snapshot.datasets.get(dataset)
    if entry is None or not entry.has_data:
        return None
    if entry.live:
        return (*dataset_spec(dataset).names, *context.workspace.segments(dataset))
    return tuple(context.snapshot.scan(dataset).collect_schema().names())


def holdings(context: PageContext) -> Holdings:
    """What the snapshot's data holds, for ``metrics.availability`` (which KPIs the workspace
    tracks): per dataset the columns with at least one value, and the surveys answered.

    Read from the Parquet footers' null counts and the stored survey aggregate (no rows
    loaded), once per content; a live dataset offers the columns its source has.
    """
    snap = context.snapshot
    key = data_key(snap, [name for name, e in snap.datasets.items() if e.has_data])
    return _holdings(key, context.workspace.timezone, snap, context.workspace)


@st.cache_resource(show_spinner=False, max_entries=16)
def _holdings(key: DataKey, zone: str, _snap: Snapshot, _workspace: WorkspaceConfig) -> Holdings:
    columns: dict[str, frozenset[str]] = {}
    surveys: frozenset[str] | None = None
    for dataset, _ in key:
        entry = _snap.datasets[dataset]
        if entry.live:
            columns[dataset] = _live_columns(_workspace, dataset)
            continue
        columns[dataset] = _filled_columns(_snap.path / f"{dataset}.parquet")
        if dataset == "responses":
            surveys = _surveys_answered(_snap, zone)
    return Holdings(columns, surveys)


def _filled_columns(path: Path) -> frozenset[str]:
    """The columns of a Parquet file with at least one value, from its footer's statistics
    (a column without statistics counts as filled)."""
    meta = pq.read_metadata(path)
    nulls: dict[str, int] = {}
    known: set[str] = set()
    for group in range(meta.num_row_groups):
        row_group = meta.row_group(group)
        for index in range(row_group.num_columns):
            column = row_group.column(index)
            name = column.path_in_schema
            stats = column.statistics
            if stats is None or not stats.has_null_count:
                known.add(name)
                continue
            nulls[name] = nulls.get(name, 0) + stats.null_count
    names = meta.schema.to_arrow_schema().names
    return frozenset(n for n in names if n in known or nulls.get(n, 0) < meta.num_rows)


def _surveys_answered(snap: Snapshot, zone: str) -> frozenset[str]:
    table = snap.aggregate("responses", zone, by_segments=False)
    table = table if table is not None else snap.scan("responses")
    found = table.select(pl.col("survey").cast(pl.Utf8).str.strip_chars().str.to_lowercase())
    return frozenset(v for v in found.unique().collect()["survey"].to_list() if v)


def _live_columns(workspace: WorkspaceConfig, dataset: str) -> frozenset[str]:
    from connectors.pushdown.relation import source_relation

    source = workspace.dataset_source(dataset)
    if source is None:
        return frozenset()
    relation = source_relation(source, dataset)
    return frozenset(c for c in dataset_spec(dataset).names if relation.has(c))


def is_live(context: PageContext, dataset: str) -> bool:
    entry = context.snapshot.datasets.get(dataset)
    return bool(entry is not None and entry.live)


# ---------------------------------------------------------------------------------------------
# Segment values for the filter bar.


@st.cache_resource(show_spinner=False, max_entries=8, ttl=6 * 3600)
def _segment_values(key: DataKey, zone: str, _snap: Snapshot, _workspace: WorkspaceConfig):
    values: dict[str, set[str]] = {}
    for dataset, _ in key:
        entry = _snap.datasets[dataset]
        for segment, found in _values_of(_snap, entry.dataset, zone, _workspace).items():
            values.setdefault(segment, set()).update(v for v in found if v is not None)
    return {segment: tuple(sorted(v)) for segment, v in sorted(values.items())}


def _values_of(snap: Snapshot, dataset: str, zone: str, workspace: WorkspaceConfig) -> dict:
    segments = workspace.segments(dataset)
    entry = snap.datasets[dataset]
    if entry.live:
        from connectors.pushdown.rows import segment_values

        source = workspace.dataset_source(dataset)
        return segment_values(source, dataset, segments) if source is not None else {}
    recorded = dict(entry.segment_values)  # listed by the refresh (no rows read)
    if recorded and all(s in recorded for s in segments):
        return {s: list(recorded[s]) for s in segments}
    table = snap.aggregate(dataset, zone) if dataset in AGGREGATES else None
    table = table if table is not None else snap.scan(dataset)
    present = [s for s in segments if s in table.collect_schema().names()]
    if not present:
        return {}
    found = table.select(pl.col(s).unique().implode() for s in present).collect()
    return {s: found[s][0].to_list() for s in present}


def segment_values(workspace: WorkspaceConfig, snap: Snapshot) -> dict[str, tuple[str, ...]]:
    """Distinct values of each declared segment across datasets, for the filter bar.

    Listed in the manifest by the refresh for copied datasets (read from their
    stored aggregates or rows in older snapshots) and with one ``SELECT
    DISTINCT`` per segment from live ones; cached by the datasets' fingerprints.
    """
    with_segments = [
        name for name, e in snap.datasets.items() if e.has_data and workspace.segments(name)
    ]
    return _segment_values(data_key(snap, with_segments), workspace.timezone, snap, workspace)


# ---------------------------------------------------------------------------------------------
# Pages of rows from live datasets.


def live_verbatims(
    context: PageContext,
    *,
    search: str | None,
    band: str,
    surveys: Sequence[str] = (),
    page: int = 1,
    page_size: int = 20,
) -> RowsPage:
    """One page of the view's comments from a live responses table, newest first, with the total.

    The warehouse counts the matches and sends exactly one page
    (``connectors.pushdown.verbatims_page``); viewers of the same page of the
    same view share it for the live slot. A filter on a column the source does
    not declare raises ``MetricUnavailableError``, as the snapshot path does.
    """
    from metrics.engine import MetricUnavailableError

    p = context.period
    filters = tuple(sorted((k, tuple(v)) for k, v in context.view.segments.items() if v))
    absent = [k for k, _ in filters if k not in context.workspace.segments("responses")]
    if absent:
        raise MetricUnavailableError(
            f"responses have no {', '.join(repr(c) for c in absent)} to filter by, "
            "so their comments can't be narrowed to it"
        )
    return _live_verbatims(
        fingerprint(context.snapshot, "responses"),
        Period(p.start, p.end),
        filters,
        search or None,
        band,
        tuple(surveys),
        page,
        page_size,
        context.workspace,
    )


@st.cache_resource(show_spinner=False, max_entries=128, ttl=2 * LIVE_SLOT_SECONDS)
def _live_verbatims(
    fingerprint: str,
    period: Period,
    filters: tuple[tuple[str, tuple[str, ...]], ...],
    search: str | None,
    band: str,
    surveys: tuple[str, ...],
    page: int,
    page_size: int,
    _workspace: WorkspaceConfig,
) -> RowsPage:
    from connectors.pushdown.rows import verbatims_page
    from pages.ui.metric_settings import settings_for

    return verbatims_page(
        _live_source(_workspace, "responses"),
        periods=[period],
        settings=settings_for(_workspace),
        filters={k: list(v) for k, v in filters},
        search=search,
        band=band,
        surveys=surveys,
        page=page,
        page_size=page_size,
        contract=_contract(_workspace, "responses"),
    )


def live_quarantine(
    context: PageContext,
    dataset: str,
    *,
    reason: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> RowsPage:
    """One page of a live dataset's rows that break a rule (``reason``: that kind only).

    Judged as of the snapshot's refresh (its ``loaded_at``), so "in the future"
    means what it meant to the checks and counts the data-quality page shows.
    """
    from connectors.pushdown.rows import quarantine_page

    entry = context.snapshot.datasets[dataset]
    return quarantine_page(
        _live_source(context.workspace, dataset),
        dataset,
        reason=reason,
        page=page,
        page_size=page_size,
        contract=_contract(context.workspace, dataset),
        now=_refreshed_at(entry.loaded_at),
    )


def live_quarantine_reasons(context: PageContext, dataset: str) -> pl.DataFrame:
    """Rows per quarantine reason of a live dataset (one aggregate query, shared for the slot)."""
    entry = context.snapshot.datasets[dataset]
    key = fingerprint(context.snapshot, dataset)
    return _live_quarantine_reasons(dataset, key, entry.loaded_at, context.workspace)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=2 * LIVE_SLOT_SECONDS)
def _live_quarantine_reasons(
    dataset: str, fingerprint: str, loaded_at: str | None, _workspace: WorkspaceConfig
) -> pl.DataFrame:
    from connectors.pushdown.rows import quarantine_reason_counts

    return quarantine_reason_counts(
        _live_source(_workspace, dataset),
        dataset,
        contract=_contract(_workspace, dataset),
        now=_refreshed_at(loaded_at),
    )


def _live_source(workspace: WorkspaceConfig, dataset: str) -> SourceConfig:
    """The source a live dataset is read from (a snapshot marks only configured ones live)."""
    source = workspace.dataset_source(dataset)
    if source is None:
        raise LookupError(
            f"workspace {workspace.name!r}: no source provides dataset {dataset!r}; "
            "add it to a source's datasets in the workspace file and refresh"
        )
    return source


def _refreshed_at(loaded_at: str | None) -> datetime | None:
    return datetime.fromisoformat(loaded_at) if loaded_at else None


def _contract(workspace: WorkspaceConfig, dataset: str):
    from validation.contracts import contracts_for_workspace

    return contracts_for_workspace(workspace)[dataset]


__all__ = [
    "SnapshotNotFoundError",
    "data_key",
    "dataset_columns",
    "fingerprint",
    "frames",
    "live_quarantine",
    "live_quarantine_reasons",
    "live_verbatims",
    "metric_data",
    "segment_values",
    "snapshot",
    "workspace",
]
