"""Refresh a freshly written workspace into a throw-away store, and say which KPIs it shows.

Why a real refresh: a guess is only as good as what the connectors, the
validation and the metrics make of it. The dry run reads, validates and
snapshots every dataset exactly as ``python -m benefitboard refresh`` will, but
into a temporary folder, so the person's own store (if the file points at one
that exists) is never touched. What the dashboard will show is then decided the
way the pages decide it (``metrics.availability``): from the columns that hold
values and the surveys that have answers in the stored snapshot.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from benefitboard.config import load_workspace
from benefitboard.refresh import RefreshReport, refresh_workspace
from canonical.datasets import dataset_spec
from metrics.availability import Holdings, Untracked, tracked, untracked
from metrics.kpi import Kpi
from store.snapshots import Snapshot, current_snapshot

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class DryRun:
    """The trial refresh's report and the KPIs its snapshot can show."""

    report: RefreshReport
    shows: tuple[Kpi, ...]
    lacking: tuple[Untracked, ...]

    @property
    def ok(self) -> bool:
        """Every dataset was read and validated (stale data still counts: it is shown)."""
        return all(e.status in ("ok", "stale") for e in self.report.datasets)


def dry_refresh(config_path: Path, progress: Progress | None = None) -> DryRun:
    """Refresh ``config_path``'s workspace into a temporary store and read what it shows."""
    workspace = load_workspace(config_path)
    settings = workspace.metric_settings()
    registry = workspace.registry()
    with tempfile.TemporaryDirectory(prefix="benefitboard-init-") as folder:
        trial = replace(workspace, store_dir=Path(folder) / "store")
        report = refresh_workspace(trial, progress=progress)
        snapshot = current_snapshot(trial.store_dir)
        holdings = snapshot_holdings(snapshot) if snapshot else Holdings({})
    kpis = [k.for_settings(settings) for k in registry]
    return DryRun(report, tuple(tracked(kpis, holdings)), tuple(untracked(kpis, holdings)))


def snapshot_holdings(snapshot: Snapshot) -> Holdings:
    """Per dataset whose rows the snapshot holds, the canonical columns with a value; and the
    surveys with answers."""
    columns: dict[str, frozenset[str]] = {}
    surveys: frozenset[str] = frozenset()
    for dataset, rows in snapshot.frames().items():
        names = [c for c in dataset_spec(dataset).names if c in rows.collect_schema().names()]
        if not names:
            continue
        held = rows.select(pl.col(names).is_not_null().any()).collect().row(0, named=True)
        columns[dataset] = frozenset(name for name, has in held.items() if has)
        if dataset == "responses":
            answered = rows.select(pl.col("survey").unique()).collect().to_series()
            surveys = frozenset(v for v in answered.to_list() if v is not None)
    return Holdings(columns, surveys)
