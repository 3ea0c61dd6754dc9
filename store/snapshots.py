"""Snapshots: each refresh writes a complete, immutable folder, then flips one pointer.

Why this shape: a refresh may be interrupted (Ctrl-C, a crash, a full disk) and
the dashboard may be open while it runs. Writing into a hidden temporary folder,
renaming it into place and only then replacing ``CURRENT`` (``os.replace`` is
atomic) means readers always see either the old complete snapshot or the new
complete one, never half of one. Old snapshots stay readable for pinned links
(``asof``) until pruned.

A dataset whose new data failed validation is *carried*: the previous
snapshot's file is hard-linked into the new snapshot, and the manifest says
which failure kept it and since when the data is unchanged.

Example:
    >>> snap = current_snapshot(Path("workspaces/demo/store"))  # doctest: +SKIP
    >>> snap.scan("responses").select(pl.len()).collect()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

SNAPSHOT_ID = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")


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

    @property
    def has_data(self) -> bool:
        return self.status in ("ok", "stale", "carried")


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
        return pl.scan_parquet(self.path / f"{dataset}.parquet")

    def frames(self) -> dict[str, pl.LazyFrame]:
        """Every dataset that has data, by name."""
        return {name: self.scan(name) for name, e in self.datasets.items() if e.has_data}

    def quarantine(self, dataset: str) -> pl.LazyFrame | None:
        path = self.path / "quarantine" / f"{dataset}.parquet"
        return pl.scan_parquet(path) if path.exists() else None


def new_snapshot_id(store_dir: Path, now: datetime | None = None) -> str:
    """A sortable id from the UTC time, with a counter if one already exists that second."""
    base = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = base, 1
    while (store_dir / "snapshots" / candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


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
    """Write a snapshot completely, then make it current.

    ``frames`` holds the new valid rows of datasets with status "ok";
    datasets with status "carried" are linked from ``carried_from``.
    """
    snapshots = store_dir / "snapshots"
    snapshots.mkdir(parents=True, exist_ok=True)
    snapshot_id = new_snapshot_id(store_dir, now)
    staging = snapshots / f".tmp-{snapshot_id}-{os.getpid()}"
    (staging / "quarantine").mkdir(parents=True)
    entries = list(entries)
    for entry in entries:
        target = staging / f"{entry.dataset}.parquet"
        if entry.status in ("ok", "stale"):
            frames[entry.dataset].write_parquet(target, statistics=True)
        elif entry.status == "carried" and carried_from is not None:
            _link_or_copy(carried_from.path / f"{entry.dataset}.parquet", target)
    for dataset, frame in quarantines.items():
        if frame.height:
            frame.write_parquet(staging / "quarantine" / f"{dataset}.parquet")
    created = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    manifest = {
        "id": snapshot_id,
        "created_at": created,
        "run_id": run_id,
        "datasets": {e.dataset: asdict(e) for e in entries},
    }
    _write_json_durably(staging / "manifest.json", manifest)
    final = snapshots / snapshot_id
    os.replace(staging, final)
    _set_current(store_dir, snapshot_id)
    return open_snapshot(store_dir, snapshot_id)


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


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
