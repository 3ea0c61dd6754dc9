"""Refresh: read every source, validate every dataset, write one new snapshot.

This is the only path by which data reaches the dashboard, and it is where
"bad data never silently changes a number a leader sees" is enforced:
- rows that break a row-level rule go to the quarantine, with the reason;
- a dataset that fails as a whole (unreadable source, missing column, empty,
  stale, implausible row count) keeps the last good data in force, and the
  manifest says so, so every tile built on it can carry a banner;
- the new snapshot becomes current only once it is completely written.

Example:
    >>> report = refresh_workspace(Path("workspaces/demo/benefitboard.toml"))  # doctest: +SKIP
    >>> report.snapshot_id, report.status  # doctest: +SKIP
    ('20261123T180512Z', 'ok')
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from benefitboard.config import WorkspaceConfig, load_workspace
from benefitboard.secrets import mask_url
from canonical import dataset_spec
from connectors import SourceError, read_dataset
from store import DatasetEntry, Snapshot, current_snapshot, prune_snapshots, write_snapshot
from store.runlog import RunLog
from validation import (
    DatasetContract,
    DatasetValidation,
    contracts_for_workspace,
    validate_dataset,
)

Progress = Callable[[float, str], None]


@dataclass
class DatasetOutcome:
    """What the refresh did with one dataset."""

    entry: DatasetEntry
    frame: pl.DataFrame | None = None
    quarantine: pl.DataFrame | None = None
    expectation_rows: list[dict] = field(default_factory=list)
    rows_read: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class RefreshReport:
    """The result of one refresh, for the command line and the app's button."""

    run_id: int
    snapshot_id: str
    status: str
    """ok (every dataset fresh and valid), partial (some carried or failed), failed."""
    datasets: tuple[DatasetEntry, ...]
    seconds: float

    def summary(self) -> str:
        lines = [f"snapshot {self.snapshot_id}: {self.status} in {self.seconds:.1f} s"]
        for e in self.datasets:
            line = f"  {e.dataset:<12} {e.status:<8} {e.rows:>10,} rows"
            if e.quarantined:
                line += f", {e.quarantined:,} quarantined"
            lines.append(line)
            lines.extend(f"      ! {failure}" for failure in e.failures)
        return "\n".join(lines)


def refresh_workspace(
    config: WorkspaceConfig | Path | str,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> RefreshReport:
    """Load, validate and snapshot every dataset of a workspace."""
    workspace = config if isinstance(config, WorkspaceConfig) else load_workspace(config)
    now = now or datetime.now(UTC)
    report = progress or (lambda fraction, message: None)
    started = time.perf_counter()
    log = RunLog(workspace.store_dir)
    run_id = log.start_run(now)
    previous = current_snapshot(workspace.store_dir)
    datasets = workspace.datasets()
    report(0.0, "Preparing the validation suites")
    contracts = contracts_for_workspace(workspace)
    outcomes: list[DatasetOutcome] = []
    for index, dataset in enumerate(datasets):
        base = index / len(datasets)
        step = 1 / len(datasets)
        outcome = _refresh_dataset(workspace, contracts, dataset, previous, now, report, base, step)
        outcomes.append(outcome)
    report(0.97, "Writing the snapshot")
    snapshot = write_snapshot(
        workspace.store_dir,
        entries=[o.entry for o in outcomes],
        frames={o.entry.dataset: o.frame for o in outcomes if o.frame is not None},
        quarantines={o.entry.dataset: o.quarantine for o in outcomes if o.quarantine is not None},
        carried_from=previous,
        run_id=run_id,
        now=now,
    )
    for outcome in outcomes:
        entry = outcome.entry
        log.record_dataset(
            run_id,
            source=entry.source,
            dataset=entry.dataset,
            status=entry.status,
            rows_read=outcome.rows_read,
            rows_valid=entry.rows if entry.status in ("ok", "stale") else 0,
            rows_quarantined=entry.quarantined,
            newest_record=entry.newest_record,
            failures=entry.failures,
            seconds=outcome.seconds,
        )
        log.record_expectations(run_id, entry.dataset, outcome.expectation_rows)
    statuses = {o.entry.status for o in outcomes}
    if statuses == {"ok"}:
        status = "ok"
    elif statuses & {"ok", "stale"}:
        status = "partial"
    else:
        status = "failed"
    seconds = time.perf_counter() - started
    log.finish_run(
        run_id,
        status=status,
        snapshot_id=snapshot.id,
        message=_run_message(outcomes),
        seconds=seconds,
    )
    prune_snapshots(workspace.store_dir, workspace.keep_snapshots)
    report(1.0, f"Snapshot {snapshot.id} is current ({status})")
    return RefreshReport(run_id, snapshot.id, status, tuple(o.entry for o in outcomes), seconds)


def _refresh_dataset(
    workspace: WorkspaceConfig,
    contracts: Mapping[str, DatasetContract],
    dataset: str,
    previous: Snapshot | None,
    now: datetime,
    report: Progress,
    base: float,
    step: float,
) -> DatasetOutcome:
    source = workspace.dataset_source(dataset)
    assert source is not None  # datasets() only lists datasets some source provides
    started = time.perf_counter()
    report(base, f"{source.name} › {dataset}: reading")
    try:
        frame = read_dataset(
            source,
            dataset,
            progress=lambda rows: report(
                base + step * 0.3, f"{source.name} › {dataset}: {rows:,} rows"
            ),
        ).collect()
    except SourceError as error:
        return _keep_last_good(dataset, source.name, [mask_url(str(error))], previous, started)
    except Exception as error:  # an unexpected driver error must not stop the other datasets
        message = f"source {source.name!r}, dataset {dataset!r}: {type(error).__name__}: {error}"
        return _keep_last_good(dataset, source.name, [mask_url(message)], previous, started)
    report(base + step * 0.5, f"{source.name} › {dataset}: validating {frame.height:,} rows")
    previous_entry = previous.datasets.get(dataset) if previous else None
    previous_rows = (
        previous_entry.rows + previous_entry.quarantined
        if previous_entry and previous_entry.status in ("ok", "stale")
        else None
    )
    checked = validate_dataset(
        dataset,
        frame,
        contracts[dataset],
        source=source.name,
        now=now,
        previous_row_count=previous_rows,
    )
    expectation_rows = [
        {
            "expectation": r.expectation_type,
            "column": r.column,
            "success": r.success,
            "unexpected_count": r.unexpected_count,
            "details": r.to_dict(),
        }
        for r in checked.results
    ]
    if not checked.ok and not _only_stale(checked):
        outcome = _keep_last_good(dataset, source.name, checked.dataset_failures, previous, started)
        outcome.rows_read, outcome.expectation_rows = frame.height, expectation_rows
        outcome.quarantine = checked.quarantine
        return outcome
    entry = DatasetEntry(
        dataset=dataset,
        source=source.name,
        status="ok" if checked.ok else "stale",
        failures=tuple(checked.dataset_failures),
        rows=checked.valid.height,
        quarantined=checked.quarantine.height,
        loaded_at=now.isoformat(timespec="seconds"),
        newest_record=_newest(checked.valid, dataset),
        segments=workspace.segments(dataset),
    )
    return DatasetOutcome(
        entry,
        frame=checked.valid,
        quarantine=checked.quarantine,
        expectation_rows=expectation_rows,
        rows_read=frame.height,
        seconds=time.perf_counter() - started,
    )


def _only_stale(checked: DatasetValidation) -> bool:
    """True when the data is valid but old: then it is still the best data there is.

    Old data is published with status "stale" (and flagged on every tile)
    rather than carried: the last good snapshot can only be older still.
    """
    failed = [r for r in checked.results if not r.row_level and (r.error or not r.success)]
    return bool(failed) and all(r.rule == "Fresh" and not r.error for r in failed)


def _keep_last_good(
    dataset: str,
    source: str,
    failures: list[str],
    previous: Snapshot | None,
    started: float,
) -> DatasetOutcome:
    """A dataset-level failure: carry the previous snapshot's data forward, or mark it failed."""
    last = previous.datasets.get(dataset) if previous else None
    if last is not None and last.has_data:
        entry = DatasetEntry(
            dataset=dataset,
            source=source,
            status="carried",
            rows=last.rows,
            quarantined=last.quarantined,
            loaded_at=last.loaded_at,
            newest_record=last.newest_record,
            from_snapshot=last.from_snapshot or previous.id,
            failures=tuple(failures),
            segments=last.segments,
        )
    else:
        entry = DatasetEntry(
            dataset=dataset, source=source, status="failed", failures=tuple(failures)
        )
    return DatasetOutcome(entry, seconds=time.perf_counter() - started)


def _newest(frame: pl.DataFrame, dataset: str) -> str | None:
    column = dataset_spec(dataset).time_column
    if frame.height == 0 or column not in frame.columns:
        return None
    newest = frame[column].max()
    return newest.isoformat() if newest is not None else None


def _run_message(outcomes: list[DatasetOutcome]) -> str:
    failed = [o.entry for o in outcomes if o.entry.status != "ok"]
    if not failed:
        return "every dataset fresh and valid"
    return "; ".join(f"{e.dataset}: {e.status} ({'; '.join(e.failures)[:300]})" for e in failed)
