"""Refresh: read every source, validate every dataset, write one new snapshot.

This is the only path by which data reaches the dashboard, and it is where
"bad data never silently changes a number a leader sees" is enforced:
- rows that break a row-level rule go to the quarantine, with the reason;
- a dataset that fails as a whole (unreadable source, missing column, empty,
  stale, implausible row count) keeps the last good data in force, and the
  manifest says so, so every tile built on it can carry a banner;
- the new snapshot becomes current only once it is completely written, so the
  dashboard can stay open during a refresh and a refresh can be killed at any
  point (the next one removes what it left behind and marks its run
  "interrupted");
- one refresh at a time per store (``store.lock``): a second one waits.

Each dataset is written into the snapshot's staging folder as soon as it is
validated, and its rows are let go, so memory holds one dataset at a time.
The run's Great Expectations Data Docs are built last and stored in the
snapshot (``data_docs.zip``).

Example (a workspace of one CSV file):
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "feedback.csv").write_text(
    ...     "feedback_id,created_at,theme,source\\nF1,2026-11-23 09:00,pricing,survey\\n"
    ... )
    >>> _ = (folder / "benefitboard.toml").write_text(
    ...     '[workspace]\\nname = "Shop"\\n[sources.exports]\\nkind = "files"\\n'
    ...     '[sources.exports.datasets.feedback]\\npath = "feedback.csv"\\n'
    ... )
    >>> evening = datetime(2026, 11, 23, 18, 5, 12, tzinfo=UTC)
    >>> report = refresh_workspace(folder / "benefitboard.toml", now=evening)
    >>> report.snapshot_id, report.status, [(e.dataset, e.rows) for e in report.datasets]
    ('20261123T180512Z', 'ok', [('feedback', 1)])
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from alerts.dispatch import run_alerts
from benefitboard.config import WorkspaceConfig, load_workspace
from benefitboard.secrets import mask_url
from benefitboard.text import printable_lines
from canonical.datasets import dataset_spec
from connectors.errors import SourceError
from connectors.kinds import source_kind
from connectors.read import read_dataset
from metrics.aggregates import AGGREGATES, day_aggregate
from store.lock import refresh_lock
from store.pins import active_pins
from store.runlog import RunLog
from store.snapshots import (
    DatasetEntry,
    Snapshot,
    SnapshotWriter,
    current_snapshot,
    prune_snapshots,
)
from store.writable import StoreNotWritableError, is_not_writable
from validation.contracts import DatasetContract, contracts_for_workspace
from validation.runner import DatasetValidation, validate_dataset

if TYPE_CHECKING:
    from validation.sql import SqlValidation

Progress = Callable[[float, str], None]
PROBLEM_LENGTH = 180


@dataclass
class DatasetTiming:
    """Seconds one dataset spent in each step, for the benchmark and the run log."""

    read: float = 0.0
    validate: float = 0.0
    write: float = 0.0

    @property
    def total(self) -> float:
        return self.read + self.validate + self.write


@dataclass
class DatasetOutcome:
    """What the refresh did with one dataset."""

    entry: DatasetEntry
    frame: pl.DataFrame | None = None
    quarantine: pl.DataFrame | None = None
    expectation_rows: list[dict] = field(default_factory=list)
    rows_read: int = 0
    timing: DatasetTiming = field(default_factory=DatasetTiming)
    validation: DatasetValidation | None = None


@dataclass(frozen=True)
class RefreshReport:
    """The result of one refresh, for the command line and the app's button."""

    run_id: int
    snapshot_id: str
    status: str
    """ok (every dataset fresh and valid), partial (some stale, carried or failed), failed."""
    datasets: tuple[DatasetEntry, ...]
    seconds: float
    timings: Mapping[str, DatasetTiming] = field(default_factory=dict)
    docs_seconds: float = 0.0
    """Building and storing the Great Expectations Data Docs."""
    alerts: tuple[str, ...] = ()
    """What the alert rules did after the refresh (``alerts.dispatch``), for the console."""

    def summary(self) -> str:
        """The run in a few lines for a console; failures quote source values, so their
        control characters are spelled out (``benefitboard.text``)."""
        lines = [f"snapshot {self.snapshot_id}: {self.status} in {self.seconds:.1f} s"]
        for e in self.datasets:
            line = f"  {e.dataset:<12} {e.status:<8} {e.rows:>10,} rows"
            if e.quarantined:
                line += f", {e.quarantined:,} quarantined"
            lines.append(line)
            lines.extend(f"      ! {printable_lines(failure)}" for failure in e.failures)
        lines.extend(printable_lines(line) for line in self.alerts)
        return "\n".join(lines)


def refresh_workspace(
    config: WorkspaceConfig | Path | str,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> RefreshReport:
    """Load, validate and snapshot every dataset of a workspace."""
    workspace = config if isinstance(config, WorkspaceConfig) else load_workspace(config)
    report = progress or (lambda fraction, message: None)
    try:
        with refresh_lock(workspace.store_dir, on_wait=lambda message: report(0.0, message)):
            return _refresh(workspace, now or datetime.now(UTC), report)
    except OSError as error:
        if is_not_writable(error):
            raise StoreNotWritableError(workspace.store_dir, error) from error
        raise


def _refresh(workspace: WorkspaceConfig, now: datetime, report: Progress) -> RefreshReport:
    started = time.perf_counter()
    log = RunLog(workspace.store_dir)
    log.close_interrupted_runs()
    run_id = log.start_run(now)
    try:
        previous = current_snapshot(workspace.store_dir)
        report(0.0, "Preparing the validation suites")
        contracts = contracts_for_workspace(workspace)
        datasets = workspace.datasets()
        outcomes: list[DatasetOutcome] = []
        with SnapshotWriter(workspace.store_dir, now=now, carried_from=previous) as writer:
            for index, dataset in enumerate(datasets):
                base, step = 0.9 * index / len(datasets), 0.9 / len(datasets)
                outcome = _refresh_dataset(
                    workspace, contracts, dataset, previous, now, report, base, step
                )
                report(base + step * 0.9, f"{outcome.entry.source} › {dataset}: writing")
                write_started = time.perf_counter()
                aggregate, totals = _day_aggregates(outcome, workspace.timezone)
                outcome.entry = writer.add(
                    _with_segment_values(outcome, aggregate),
                    frame=_in_time_order(outcome.frame, dataset),
                    quarantine=outcome.quarantine,
                    aggregate=aggregate,
                    totals=totals,
                )
                outcome.timing.write = time.perf_counter() - write_started
                _record_dataset(log, run_id, outcome)
                _let_rows_go(outcome)
                outcomes.append(outcome)
            report(0.92, "Building the Great Expectations Data Docs")
            docs_started = time.perf_counter()
            docs_problem = _attach_data_docs(writer, outcomes, run_id, now)
            docs_seconds = time.perf_counter() - docs_started
            report(0.97, "Publishing the snapshot")
            snapshot = writer.commit(run_id=run_id)
    except BaseException as error:
        stopped = isinstance(error, KeyboardInterrupt | SystemExit)
        log.finish_run(
            run_id,
            status="interrupted" if stopped else "failed",
            snapshot_id=None,
            message=mask_url(f"the refresh stopped: {type(error).__name__}: {error}"),
            seconds=time.perf_counter() - started,
        )
        raise
    status = _run_status(outcomes)
    seconds = time.perf_counter() - started
    message = _run_message(outcomes) + (f"; {docs_problem}" if docs_problem else "")
    log.finish_run(run_id, status=status, snapshot_id=snapshot.id, message=message, seconds=seconds)
    pinned = active_pins(workspace.store_dir, workspace.pin_retention_days, now)
    prune_snapshots(workspace.store_dir, workspace.keep_snapshots, pinned=pinned)
    report(0.98, "Evaluating the alert rules")
    alerts = run_alerts(workspace, snapshot=snapshot, now=now)  # never raises
    report(1.0, f"Snapshot {snapshot.id} is current ({status})")
    return RefreshReport(
        run_id,
        snapshot.id,
        status,
        tuple(o.entry for o in outcomes),
        seconds,
        timings={o.entry.dataset: o.timing for o in outcomes},
        docs_seconds=docs_seconds,
        alerts=tuple(alerts.summary()),
    )


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
    if source.live:
        return _check_live_dataset(workspace, contracts, dataset, previous, now, report, base)
    timing = DatasetTiming()
    started = time.perf_counter()
    report(base, f"{source.name} › {dataset}: reading")
    try:
        frame = read_dataset(
            source,
            dataset,
            progress=lambda rows: report(
                base + step * 0.3, f"{source.name} › {dataset}: {rows:,} rows read"
            ),
        ).collect()
    except SourceError as error:
        timing.read = time.perf_counter() - started
        failures = [mask_url(str(error))]
        return _keep_last_good(
            dataset, source.name, failures, _short(error.problem), previous, timing
        )
    except Exception as error:  # an unexpected driver error must not stop the other datasets
        timing.read = time.perf_counter() - started
        message = f"source {source.name!r}, dataset {dataset!r}: {type(error).__name__}: {error}"
        problem = _short(f"{type(error).__name__}: {error}")
        return _keep_last_good(dataset, source.name, [mask_url(message)], problem, previous, timing)
    timing.read = time.perf_counter() - started
    report(base + step * 0.5, f"{source.name} › {dataset}: validating {frame.height:,} rows")
    checked = validate_dataset(
        dataset,
        frame,
        contracts[dataset],
        source=source.name,
        now=now,
        previous_row_count=_previous_row_count(previous, dataset),
    )
    timing.validate = checked.seconds
    expectation_rows = _expectation_rows(checked.results)
    newest = _newest(checked.valid, dataset)
    if not checked.ok and not (_only_stale(checked) and _not_older(newest, previous, dataset)):
        problem = _short(_first_problem(checked))
        outcome = _keep_last_good(
            dataset, source.name, checked.dataset_failures, problem, previous, timing
        )
        outcome.rows_read, outcome.expectation_rows = frame.height, expectation_rows
        outcome.validation = checked
        return outcome
    entry = DatasetEntry(
        dataset=dataset,
        source=source.name,
        status="ok" if checked.ok else "stale",
        failures=tuple(checked.dataset_failures),
        rows=checked.valid.height,
        quarantined=checked.quarantine.height,
        loaded_at=now.isoformat(timespec="seconds"),
        newest_record=newest,
        segments=workspace.segments(dataset),
        problem=None if checked.ok else _short(_first_problem(checked)),
        aggregate_timezone=workspace.timezone if dataset in AGGREGATES else None,
    )
    return DatasetOutcome(
        entry,
        frame=checked.valid,
        quarantine=checked.quarantine,
        expectation_rows=expectation_rows,
        rows_read=frame.height,
        timing=timing,
        validation=checked,
    )


def _expectation_rows(results: list) -> list[dict]:
    """Each expectation's outcome as the run log stores it."""
    return [
        {
            "expectation": r.expectation_type,
            "column": r.column,
            "success": r.success,
            "unexpected_count": r.unexpected_count,
            "details": r.to_dict(),
        }
        for r in results
    ]


def _day_aggregates(
    outcome: DatasetOutcome, timezone: str
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """The new rows' day aggregate by every declared segment, and the same summed over them.

    Executive pages compute their tiles and trends from these (a few hundred
    thousand rows by segment, a few thousand without, instead of millions);
    ``metrics.aggregates`` builds them exactly as the engine would from the
    rows, so the numbers are the same.
    """
    entry = outcome.entry
    if outcome.frame is None or entry.aggregate_timezone is None:
        return None, None
    data = {entry.dataset: outcome.frame}
    by_segments = day_aggregate(
        entry.dataset, data, periods=None, segments=entry.segments, timezone=timezone
    ).collect()
    totals = day_aggregate(
        entry.dataset, {AGGREGATES[entry.dataset].name: by_segments}, periods=None
    ).collect()
    return by_segments, totals


def _in_time_order(frame: pl.DataFrame | None, dataset: str) -> pl.DataFrame | None:
    """The rows sorted by the dataset's time column (stable), so the snapshot's row groups
    each hold a stretch of time and a period's scan skips the others by their statistics.
    Sources usually deliver rows in time order already; then nothing is copied."""
    if frame is None or frame.is_empty():
        return frame
    column = dataset_spec(dataset).time_column
    if column not in frame.columns or frame[column].is_sorted():
        return frame
    return frame.sort(column, nulls_last=True, maintain_order=True)


def _with_segment_values(outcome: DatasetOutcome, aggregate: pl.DataFrame | None) -> DatasetEntry:
    """The entry with each declared segment's distinct values (read from the small aggregate
    when there is one), so the filter bar lists them without reading any rows."""
    entry, table = outcome.entry, aggregate if aggregate is not None else outcome.frame
    present = [s for s in entry.segments if table is not None and s in table.columns]
    if table is None or not present:
        return entry
    found = table.select(pl.col(s).drop_nulls().unique().implode() for s in present).row(0)
    values = tuple((s, tuple(sorted(map(str, v)))) for s, v in zip(present, found, strict=True))
    return replace(entry, segment_values=values)


def _check_live_dataset(
    workspace: WorkspaceConfig,
    contracts: Mapping[str, DatasetContract],
    dataset: str,
    previous: Snapshot | None,
    now: datetime,
    report: Progress,
    base: float,
) -> DatasetOutcome:
    """A live dataset: validate it in its database (GX SQL) and record what was found, no rows.

    The manifest entry carries the SQL validation's row and quarantine counts,
    the newest valid record and a fingerprint of them, so the data-quality page,
    the trust banners and the caches work as for a copied dataset. There is no
    last good copy to carry: a dataset-level failure marks the dataset failed
    (stale but readable data stays live, flagged stale).
    """
    source = workspace.dataset_source(dataset)
    assert source is not None
    contract, timing = contracts[dataset], DatasetTiming()
    started = time.perf_counter()
    report(base, f"{source.name} › {dataset}: validating in the database (live)")
    try:
        found = source_kind(source.kind).validate_in_place(
            source,
            dataset,
            contract,
            now=now,
            previous_row_count=_previous_row_count(previous, dataset),
        )
        checked, quarantined, newest = found.validation, found.quarantined, found.newest_record
    except Exception as error:  # an unreachable warehouse must not stop the other datasets
        timing.validate = time.perf_counter() - started
        text = error.problem if isinstance(error, SourceError) else f"{type(error).__name__}"
        message = f"source {source.name!r}, dataset {dataset!r}: {type(error).__name__}: {error}"
        entry = DatasetEntry(
            dataset=dataset,
            source=source.name,
            status="failed",
            failures=(mask_url(message),),
            problem=_short(text),
            live=True,
        )
        return DatasetOutcome(entry, timing=timing)
    timing.validate = time.perf_counter() - started
    expectation_rows = _expectation_rows(checked.results)
    status = "ok" if checked.ok else ("stale" if _only_stale(checked) else "failed")
    valid = max(checked.row_count - quarantined, 0)
    seen = [(r.expectation_type, r.column, r.success, r.unexpected_count) for r in checked.results]
    entry = DatasetEntry(
        dataset=dataset,
        source=source.name,
        status=status,
        failures=tuple(checked.dataset_failures),
        rows=valid if status != "failed" else 0,
        quarantined=quarantined,
        loaded_at=now.isoformat(timespec="seconds"),
        newest_record=newest,
        segments=workspace.segments(dataset),
        problem=None if checked.ok else _short(_first_problem(checked)),
        live=True,
        fingerprint=_fingerprint_of([checked.row_count, quarantined, newest, seen]),
    )
    return DatasetOutcome(entry, expectation_rows=expectation_rows, rows_read=0, timing=timing)


def _fingerprint_of(facts: list) -> str:
    """A live dataset's fingerprint: what its validation saw (counts, newest, results)."""
    text = json.dumps(facts, default=str, sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _previous_row_count(previous: Snapshot | None, dataset: str) -> int | None:
    """Rows the last fresh load read (valid + quarantined), for the plausible-count check."""
    entry = previous.datasets.get(dataset) if previous else None
    if entry is None or entry.status not in ("ok", "stale"):
        return None
    return entry.rows + entry.quarantined


def _only_stale(checked: DatasetValidation | SqlValidation) -> bool:
    """True when the data is valid but old (the freshness check is the only dataset failure)."""
    failed = _failed_dataset_rules(checked)
    return bool(failed) and all(r.rule == "Fresh" and not r.error for r in failed)


def _not_older(newest: str | None, previous: Snapshot | None, dataset: str) -> bool:
    """True when new data is at least as recent as the data in force.

    Stale data that is no older than the last good data is still the best data
    there is: it is published with status "stale" (flagged on every tile).
    Stale data *older* than what the dashboard shows (a source restored from an
    old backup) would move the numbers backwards: the last good data is kept.
    """
    last = previous.datasets.get(dataset) if previous else None
    if last is None or not last.has_data or not last.newest_record:
        return True
    if newest is None:
        return False
    return _moment(newest) >= _moment(last.newest_record)


def _moment(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _failed_dataset_rules(checked: DatasetValidation | SqlValidation) -> list:
    return [r for r in checked.results if not r.row_level and (r.error or not r.success)]


def _first_problem(checked: DatasetValidation | SqlValidation) -> str:
    """The first dataset-level failure, without the "source …, dataset …:" prefix."""
    failure = checked.dataset_failures[0]
    prefix = f"source {checked.source!r}, dataset {checked.dataset!r}: "
    return failure.removeprefix(prefix)


def _short(text: str) -> str:
    """A failure in one line for a banner: the first clause, database URLs shortened to their
    dialect (the source's name already says which database), at most PROBLEM_LENGTH characters.

    >>> _short("cannot read from postgresql+psycopg://bi:***@db:5432/shop: connection refused")
    'cannot read from postgresql: connection refused'
    """
    first = mask_url(text).split("; ")[0].split(" — ")[0].strip()
    first = _URL.sub(lambda m: m.group(1), first)
    return first if len(first) <= PROBLEM_LENGTH else first[: PROBLEM_LENGTH - 1] + "…"


_URL = re.compile(r"\b([a-z][a-z0-9]*)(?:\+[a-z0-9_]+)?://\S*?(?=: |\s|$)")


def _keep_last_good(
    dataset: str,
    source: str,
    failures: list[str],
    problem: str,
    previous: Snapshot | None,
    timing: DatasetTiming,
) -> DatasetOutcome:
    """A dataset-level failure: carry the previous snapshot's data forward, or mark it failed."""
    last = previous.datasets.get(dataset) if previous else None
    if previous is not None and last is not None and last.has_rows:
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
            problem=problem,
            fingerprint=last.fingerprint,
            aggregate_timezone=last.aggregate_timezone,
            segment_values=last.segment_values,
        )
    else:
        entry = DatasetEntry(
            dataset=dataset,
            source=source,
            status="failed",
            failures=tuple(failures),
            problem=problem,
        )
    return DatasetOutcome(entry, timing=timing)


def _record_dataset(log: RunLog, run_id: int, outcome: DatasetOutcome) -> None:
    entry = outcome.entry
    fresh = entry.status in ("ok", "stale")
    log.record_dataset(
        run_id,
        source=entry.source,
        dataset=entry.dataset,
        status=entry.status,
        rows_read=outcome.rows_read,
        rows_valid=entry.rows if fresh else 0,
        rows_quarantined=entry.quarantined if fresh else _attempt_quarantined(outcome),
        newest_record=entry.newest_record if fresh else None,
        failures=entry.failures,
        seconds=outcome.timing.total,
    )
    log.record_expectations(run_id, entry.dataset, outcome.expectation_rows)


def _attempt_quarantined(outcome: DatasetOutcome) -> int:
    """Rows the failed attempt would have quarantined (the snapshot keeps the last good ones)."""
    validation = outcome.validation
    return validation.quarantine.height if validation is not None else 0


def _let_rows_go(outcome: DatasetOutcome) -> None:
    """Once a dataset is written, keep only what the Data Docs need: GX's result, not the rows."""
    outcome.frame = outcome.quarantine = None
    if outcome.validation is not None:
        checked = outcome.validation
        outcome.validation = replace(
            checked, valid=checked.valid.clear(), quarantine=checked.quarantine.clear()
        )


def _attach_data_docs(
    writer: SnapshotWriter, outcomes: list[DatasetOutcome], run_id: int, now: datetime
) -> str | None:
    """Build the run's Data Docs into the snapshot; a failure here never fails the refresh."""
    from validation.data_docs import build_data_docs

    validations = [o.validation for o in outcomes if o.validation is not None]
    if not validations:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="benefitboard-docs-") as folder:
            build_data_docs(validations, Path(folder), run_name=f"refresh {run_id}", run_time=now)
            writer.attach_data_docs(Path(folder))
    except Exception as error:  # docs are a convenience; the data is what matters
        return f"Data Docs could not be built: {type(error).__name__}: {error}"
    finally:
        for outcome in outcomes:
            outcome.validation = None  # GX results list the failing rows: let them go
    return None


def _newest(frame: pl.DataFrame, dataset: str) -> str | None:
    column = dataset_spec(dataset).time_column
    if frame.height == 0 or column not in frame.columns:
        return None
    newest = frame[column].max()
    return newest.isoformat() if isinstance(newest, date) else None  # date or datetime


def _run_status(outcomes: list[DatasetOutcome]) -> str:
    statuses = {o.entry.status for o in outcomes}
    if statuses == {"ok"}:
        return "ok"
    if statuses & {"ok", "stale"}:
        return "partial"
    return "failed"


def _run_message(outcomes: list[DatasetOutcome]) -> str:
    failed = [o.entry for o in outcomes if o.entry.status != "ok"]
    if not failed:
        return "every dataset fresh and valid"
    return "; ".join(f"{e.dataset}: {e.status} ({'; '.join(e.failures)[:300]})" for e in failed)
