"""Snapshots: each refresh writes a complete, immutable folder, then flips one pointer.

Why this shape: a refresh may be interrupted (Ctrl-C, a crash, a full disk) and
the dashboard may be open while it runs. Writing into a hidden staging folder,
renaming it into place and only then replacing ``CURRENT`` (``os.replace`` is
atomic) means readers always see either the old complete snapshot or the new
complete one, never half of one. Old snapshots stay readable for pinned links
(``asof``) until pruned.

A dataset whose new data failed validation is *carried*: the previous
snapshot's files are hard-linked into the new snapshot, and the manifest says
which failure kept them and since when the data is unchanged.

A snapshot folder holds ``manifest.json``, ``<dataset>.parquet`` (valid rows),
``aggregates/<dataset>.parquet`` (the valid rows' day aggregate by every declared
segment, see ``metrics.aggregates``: what executive pages read instead of millions
of rows), ``aggregates/<dataset>.totals.parquet`` (the same summed over segments: a
few thousand rows, what an unfiltered, unsplit view reads),
``quarantine/<dataset>.parquet`` and ``data_docs.zip`` (the refresh's Great
Expectations Data Docs).

Each dataset's manifest entry carries a ``fingerprint`` of its content (a hash
of its Parquet file; for a live dataset, of what its SQL validation saw), so
caches can be keyed by what they read: a refresh that changes only orders
leaves every survey number cached. A *live* dataset (``live``) has no files: its
rows stay in the source database (``connectors.pushdown``).

Example:
    >>> from tempfile import TemporaryDirectory
    >>> rows = pl.DataFrame({"score": [9, 10, 3]})
    >>> entry = DatasetEntry("responses", source="survey_db", status="ok", rows=rows.height)
    >>> with TemporaryDirectory() as folder:
    ...     _ = write_snapshot(Path(folder), entries=[entry], frames={"responses": rows},
    ...                        quarantines={}, now=datetime(2026, 11, 1, 6, tzinfo=UTC))
    ...     snap = current_snapshot(Path(folder))
    ...     print(snap.id, snap.scan("responses").select(pl.len()).collect().item())
    20261101T060000Z 3
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

SNAPSHOT_ID = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
DATA_DOCS_ZIP = "data_docs.zip"
AGGREGATES = "aggregates"
TOTALS = ".totals"
"""Suffix of the aggregate summed over segments (``aggregates/<dataset>.totals.parquet``)."""
AGGREGATE_ROW_GROUP = 65_536
"""Aggregates are written sorted by day in row groups this small, so a scan of one period
skips the other days' row groups by their statistics."""


class SnapshotNotFoundError(LookupError):
    """The store has no such snapshot (never written, or pruned)."""


@dataclass(frozen=True)
class DatasetEntry:
    """What a snapshot holds for one dataset, and how trustworthy it is."""

    dataset: str
    source: str
    status: str
    """"ok" (fresh and valid), "stale" (valid but old), "carried" (new data failed, last good
    kept) or "failed" (no data at all)."""
    rows: int = 0
    quarantined: int = 0
    loaded_at: str | None = None
    """When the data in this file was read from its source (ISO, UTC)."""
    newest_record: str | None = None
    from_snapshot: str | None = None
    failures: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    problem: str | None = None
    """The failure in a few words ("required column 'score' missing"), for banners and tiles;
    ``failures`` holds the full sentences."""
    fingerprint: str | None = None
    """A hash of the content (the Parquet file's bytes; for a live dataset, its SQL validation's
    row counts, newest record and outcomes): equal fingerprints, equal numbers."""
    live: bool = False
    """The rows stay in the source database and pages query it per view (``mode = "live"``)."""
    aggregate_timezone: str | None = None
    """The reporting zone of ``aggregates/<dataset>.parquet``'s days (None: no aggregate stored)."""
    segment_values: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Each declared segment's distinct values in the rows, sorted (what the filter bar offers),
    so opening a page reads no rows to list them; empty in snapshots from before."""

    @property
    def has_data(self) -> bool:
        return self.status in ("ok", "stale", "carried")

    @property
    def has_rows(self) -> bool:
        """True when the snapshot holds this dataset's rows as Parquet (not live, not failed)."""
        return self.has_data and not self.live


@dataclass(frozen=True)
class Snapshot:
    """A complete snapshot folder, read through its manifest."""

    id: str
    path: Path
    created_at: str
    datasets: Mapping[str, DatasetEntry] = field(default_factory=dict)
    run_id: int | None = None

    def scan(self, dataset: str) -> pl.LazyFrame:
        """The valid rows of ``dataset`` as a LazyFrame (KeyError when it has none)."""
        entry = self.datasets.get(dataset)
        if entry is None or not entry.has_data:
            raise KeyError(f"snapshot {self.id} has no data for {dataset!r}")
        if entry.live:
            raise KeyError(f"{dataset!r} is live: its rows stay in source {entry.source!r}")
        return pl.scan_parquet(self.path / f"{dataset}.parquet")

    def frames(self) -> dict[str, pl.LazyFrame]:
        """Every dataset whose rows the snapshot holds, by name (live datasets are not here)."""
        return {name: self.scan(name) for name, e in self.datasets.items() if e.has_rows}

    def aggregate(
        self, dataset: str, timezone: str, *, by_segments: bool = True
    ) -> pl.LazyFrame | None:
        """The dataset's stored day aggregate, if it was built with days in ``timezone``.

        ``by_segments=False`` gives the same aggregate summed over the segments
        (day × the aggregate's keys): what a view without filters or splits reads.
        None when there is none (a live or failed dataset, a snapshot older than
        stored aggregates, or a reporting zone changed since the refresh): the
        caller then aggregates the rows (or the segment aggregate) itself.
        """
        entry = self.datasets.get(dataset)
        path = self.path / AGGREGATES / f"{dataset}{'' if by_segments else TOTALS}.parquet"
        if entry is None or entry.aggregate_timezone != timezone or not path.exists():
            return None
        return pl.scan_parquet(path)

    def quarantine(self, dataset: str) -> pl.LazyFrame | None:
        """The quarantined rows of ``dataset`` (None when every row passed)."""
        path = self.path / "quarantine" / f"{dataset}.parquet"
        return pl.scan_parquet(path) if path.exists() else None

    @property
    def has_data_docs(self) -> bool:
        return (self.path / DATA_DOCS_ZIP).exists()

    def data_docs_zip(self) -> bytes:
        """The refresh's Great Expectations Data Docs, zipped (open index.html after unzipping)."""
        path = self.path / DATA_DOCS_ZIP
        if not path.exists():
            raise FileNotFoundError(f"snapshot {self.id} has no Data Docs")
        return path.read_bytes()


def new_snapshot_id(store_dir: Path, now: datetime | None = None) -> str:
    """A sortable id from the UTC time, with a counter if one already exists that second."""
    base = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = base, 1
    while (store_dir / "snapshots" / candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


class SnapshotWriter:
    """Write one snapshot dataset by dataset into a hidden staging folder; ``commit`` publishes it.

    Why dataset by dataset: the refresh writes each dataset as soon as it is
    validated and lets go of its rows, so a million-row refresh never holds
    every dataset in memory at once. Until ``commit``, the staging folder
    ``snapshots/.tmp-<id>-<pid>`` is invisible to readers; a writer that dies
    (killed, crashed) leaves it behind for ``prune_snapshots`` to remove.

    Example (2 valid rows and 1 quarantined row of responses):
        >>> from tempfile import TemporaryDirectory
        >>> valid, bad = pl.DataFrame({"score": [9, 10]}), pl.DataFrame({"score": [11]})
        >>> entry = DatasetEntry("responses", "survey_db", "ok", rows=2, quarantined=1)
        >>> with TemporaryDirectory() as folder, SnapshotWriter(Path(folder)) as writer:
        ...     _ = writer.add(entry, frame=valid, quarantine=bad)
        ...     snapshot = writer.commit(run_id=7)
        ...     quarantined = snapshot.quarantine("responses").collect()
        ...     print(snapshot.run_id, quarantined["score"].to_list())
        7 [11]
    """

    def __init__(
        self,
        store_dir: Path,
        *,
        now: datetime | None = None,
        carried_from: Snapshot | None = None,
    ) -> None:
        self.store_dir = store_dir
        self.now = now or datetime.now(UTC)
        self.carried_from = carried_from
        snapshots = store_dir / "snapshots"
        snapshots.mkdir(parents=True, exist_ok=True)
        self.id = new_snapshot_id(store_dir, self.now)
        self.staging = snapshots / f".tmp-{self.id}-{os.getpid()}"
        (self.staging / "quarantine").mkdir(parents=True)
        (self.staging / AGGREGATES).mkdir()
        self.entries: dict[str, DatasetEntry] = {}
        self.committed = False

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.committed:
            self.abandon()

    def add(
        self,
        entry: DatasetEntry,
        *,
        frame: pl.DataFrame | None = None,
        quarantine: pl.DataFrame | None = None,
        aggregate: pl.DataFrame | None = None,
        totals: pl.DataFrame | None = None,
    ) -> DatasetEntry:
        """Write one dataset: new valid rows ("ok"/"stale") or the carried snapshot's files.

        A carried dataset brings its previous quarantine and aggregates along, so
        the rows, the quarantine and the aggregates in force belong to the same
        load. ``aggregate`` is the rows' day aggregate by segments, ``totals`` the
        same summed over segments (their reporting zone in
        ``entry.aggregate_timezone``); both are written sorted by day in small row
        groups (``AGGREGATE_ROW_GROUP``). A live dataset writes no file. Returns
        the entry as recorded, with its fingerprint.
        """
        name = entry.dataset
        target = self.staging / f"{name}.parquet"
        quarantine_target = self.staging / "quarantine" / f"{name}.parquet"
        aggregate_target = self.staging / AGGREGATES / f"{name}.parquet"
        totals_target = self.staging / AGGREGATES / f"{name}{TOTALS}.parquet"
        if entry.live:
            pass  # the rows stay in the source; the entry (counts, fingerprint) is all there is
        elif entry.status in ("ok", "stale"):
            if frame is None:
                raise ValueError(f"{name}: status {entry.status!r} needs its valid rows")
            frame.write_parquet(target, statistics=True)
            if quarantine is not None and quarantine.height:
                quarantine.write_parquet(quarantine_target)
            if aggregate is not None and entry.aggregate_timezone:
                _write_aggregate(aggregate, aggregate_target)
                if totals is not None:
                    _write_aggregate(totals, totals_target)
            else:
                entry = replace(entry, aggregate_timezone=None)
            entry = replace(entry, fingerprint=file_fingerprint(target))
        elif entry.status == "carried":
            if self.carried_from is None:
                raise ValueError(f"{name}: carried, but there is no previous snapshot")
            _link_or_copy(self.carried_from.path / f"{name}.parquet", target)
            previous_quarantine = self.carried_from.path / "quarantine" / f"{name}.parquet"
            if previous_quarantine.exists():
                _link_or_copy(previous_quarantine, quarantine_target)
            previous = self.carried_from.datasets.get(name)
            previous_aggregate = self.carried_from.path / AGGREGATES / f"{name}.parquet"
            zone = previous.aggregate_timezone if previous else None
            if zone and previous_aggregate.exists():
                _link_or_copy(previous_aggregate, aggregate_target)
                previous_totals = previous_aggregate.with_name(totals_target.name)
                if previous_totals.exists():
                    _link_or_copy(previous_totals, totals_target)
            else:
                zone = None
            fingerprint = (previous.fingerprint if previous else None) or file_fingerprint(target)
            entry = replace(entry, aggregate_timezone=zone, fingerprint=fingerprint)
        self.entries[name] = entry
        return entry

    def attach_data_docs(self, folder: Path) -> None:
        """Store a Data Docs folder as ``data_docs.zip`` in the snapshot.

        Zipped, because the page offers it as one download and a snapshot stays
        a handful of files; GX's tutorial GIFs (3.4 MB that no page references)
        are left out.
        """
        with zipfile.ZipFile(self.staging / DATA_DOCS_ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix != ".gif":
                    archive.write(path, path.relative_to(folder).as_posix())

    def commit(self, *, run_id: int | None = None) -> Snapshot:
        """Write the manifest, move the folder into place, then make it current (atomically)."""
        manifest = {
            "id": self.id,
            "created_at": self.now.isoformat(timespec="seconds"),
            "run_id": run_id,
            "datasets": {name: asdict(e) for name, e in self.entries.items()},
        }
        _write_json_durably(self.staging / "manifest.json", manifest)
        os.replace(self.staging, self.store_dir / "snapshots" / self.id)
        self.committed = True
        _set_current(self.store_dir, self.id)
        return open_snapshot(self.store_dir, self.id)

    def abandon(self) -> None:
        """Remove the staging folder; the current snapshot stays as it was."""
        shutil.rmtree(self.staging, ignore_errors=True)


def write_snapshot(
    store_dir: Path,
    *,
    entries: Iterable[DatasetEntry],
    frames: Mapping[str, pl.DataFrame],
    quarantines: Mapping[str, pl.DataFrame],
    carried_from: Snapshot | None = None,
    run_id: int | None = None,
    now: datetime | None = None,
) -> Snapshot:
    """Write a whole snapshot at once, then make it current (``SnapshotWriter`` in one call).

    ``frames`` holds the new valid rows of datasets with status "ok"/"stale";
    datasets with status "carried" are linked from ``carried_from``.
    """
    with SnapshotWriter(store_dir, now=now, carried_from=carried_from) as writer:
        for entry in entries:
            writer.add(
                entry,
                frame=frames.get(entry.dataset),
                quarantine=quarantines.get(entry.dataset),
            )
        return writer.commit(run_id=run_id)


def file_fingerprint(path: Path) -> str:
    """A content hash of a file (BLAKE2b, 16 bytes, hex), read in 1 MB blocks.

    Polars writes the same rows to the same bytes, so an unchanged dataset
    re-read by a new refresh keeps its fingerprint.
    """
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def current_snapshot(store_dir: Path) -> Snapshot | None:
    """The snapshot readers should use now, or None before the first refresh."""
    pointer = store_dir / "CURRENT"
    if not pointer.exists():
        return None
    return open_snapshot(store_dir, pointer.read_text().strip())


def open_snapshot(store_dir: Path, snapshot_id: str) -> Snapshot:
    """Open a snapshot by id; the id is checked against a strict pattern before touching disk."""
    if not SNAPSHOT_ID.match(snapshot_id or ""):
        raise SnapshotNotFoundError(f"{snapshot_id!r} is not a snapshot id (like 20261123T180512Z)")
    path = store_dir / "snapshots" / snapshot_id
    manifest_path = path / "manifest.json"
    if not manifest_path.exists():
        raise SnapshotNotFoundError(f"snapshot {snapshot_id} is not in the store (expired?)")
    manifest = json.loads(manifest_path.read_text())
    datasets = {
        name: DatasetEntry(
            **{
                **body,
                "failures": tuple(body.get("failures", ())),
                "segments": tuple(body.get("segments", ())),
                "segment_values": tuple(
                    (segment, tuple(values)) for segment, values in body.get("segment_values", ())
                ),
            }
        )
        for name, body in manifest["datasets"].items()
    }
    return Snapshot(snapshot_id, path, manifest["created_at"], datasets, manifest.get("run_id"))


def list_snapshots(store_dir: Path) -> list[str]:
    """Complete snapshot ids, oldest first (staging folders are not snapshots)."""
    folder = store_dir / "snapshots"
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if SNAPSHOT_ID.match(p.name))


def prune_snapshots(store_dir: Path, keep: int, pinned: Iterable[str] = ()) -> list[str]:
    """Delete all but the newest ``keep`` snapshots, never the current or a pinned one.

    Also removes staging folders left by interrupted refreshes. Returns what was deleted.
    """
    ids = list_snapshots(store_dir)
    current = current_snapshot(store_dir)
    protected = set(pinned) | ({current.id} if current else set()) | set(ids[-max(keep, 1) :])
    removed = [i for i in ids if i not in protected]
    for snapshot_id in removed:
        shutil.rmtree(store_dir / "snapshots" / snapshot_id, ignore_errors=True)
    for leftover in (store_dir / "snapshots").glob(".tmp-*"):
        if not _staging_in_use(leftover):
            shutil.rmtree(leftover, ignore_errors=True)
    return removed


def _staging_in_use(path: Path) -> bool:
    """A staging folder belongs to a live refresh if its writer process still runs."""
    pid = path.name.rsplit("-", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except OSError:
        return False
    return True


def _set_current(store_dir: Path, snapshot_id: str) -> None:
    tmp = store_dir / f".CURRENT.{os.getpid()}"
    tmp.write_text(snapshot_id + "\n")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, store_dir / "CURRENT")


def _write_json_durably(path: Path, body: Mapping) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(body, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())


def _write_aggregate(aggregate: pl.DataFrame, target: Path) -> None:
    """Sorted by day, with statistics, in row groups small enough that a period's scan
    skips the other days."""
    aggregate.sort("day", maintain_order=True).write_parquet(
        target, statistics=True, row_group_size=AGGREGATE_ROW_GROUP
    )


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
