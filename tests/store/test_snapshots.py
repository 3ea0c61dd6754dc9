"""Snapshots are written completely before they become current, and carried data is linked."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from store import (
    DatasetEntry,
    SnapshotNotFoundError,
    current_snapshot,
    list_snapshots,
    open_snapshot,
    prune_snapshots,
    write_snapshot,
)

T1 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def ok(dataset: str, rows: int, quarantined: int = 0) -> DatasetEntry:
    return DatasetEntry(dataset, "db", "ok", rows=rows, quarantined=quarantined, loaded_at="t")


def test_no_snapshot_before_the_first_refresh(tmp_path):
    assert current_snapshot(tmp_path) is None
    assert list_snapshots(tmp_path) == []


def test_write_then_read_back(tmp_path):
    frame = pl.DataFrame({"response_id": ["a", "b"], "score": [9.0, 3.0]})
    quarantine = pl.DataFrame({"response_id": ["c"], "_reasons": ["score: 11 not in 0..10"]})
    snap = write_snapshot(
        tmp_path,
        entries=[ok("responses", 2, 1)],
        frames={"responses": frame},
        quarantines={"responses": quarantine},
        now=T1,
    )
    assert snap.id == "20261101T060000Z"
    assert current_snapshot(tmp_path).id == snap.id
    assert snap.scan("responses").collect().equals(frame)
    assert snap.quarantine("responses").collect()["_reasons"].to_list() == [
        "score: 11 not in 0..10"
    ]
    assert snap.datasets["responses"].quarantined == 1


def test_carried_dataset_keeps_the_previous_rows_and_says_why(tmp_path):
    first = write_snapshot(
        tmp_path,
        entries=[ok("orders", 1)],
        frames={"orders": pl.DataFrame({"order_id": ["o1"]})},
        quarantines={},
        now=T1,
    )
    carried = DatasetEntry(
        "orders", "db", "carried", rows=1, from_snapshot=first.id, failures=("db is down",)
    )
    second = write_snapshot(
        tmp_path, entries=[carried], frames={}, quarantines={}, carried_from=first, now=T2
    )
    assert second.scan("orders").collect()["order_id"].to_list() == ["o1"]
    assert second.datasets["orders"].failures == ("db is down",)
    assert second.datasets["orders"].from_snapshot == first.id


def test_two_snapshots_in_one_second_get_distinct_ids(tmp_path):
    a = write_snapshot(tmp_path, entries=[], frames={}, quarantines={}, now=T1)
    b = write_snapshot(tmp_path, entries=[], frames={}, quarantines={}, now=T1)
    assert (a.id, b.id) == ("20261101T060000Z", "20261101T060000Z-1")


def test_a_half_written_staging_folder_is_never_current_and_is_cleaned(tmp_path):
    write_snapshot(tmp_path, entries=[], frames={}, quarantines={}, now=T1)
    staging = tmp_path / "snapshots" / ".tmp-20261102T060000Z-999999"
    staging.mkdir()
    (staging / "responses.parquet").write_bytes(b"half")
    assert current_snapshot(tmp_path).id == "20261101T060000Z"
    assert list_snapshots(tmp_path) == ["20261101T060000Z"]
    prune_snapshots(tmp_path, keep=5)
    assert not staging.exists()


def test_prune_keeps_newest_current_and_pinned(tmp_path):
    ids = [
        write_snapshot(tmp_path, entries=[], frames={}, quarantines={}, now=T1.replace(day=d)).id
        for d in (1, 2, 3, 4)
    ]
    removed = prune_snapshots(tmp_path, keep=2, pinned=[ids[0]])
    assert removed == [ids[1]]
    assert list_snapshots(tmp_path) == [ids[0], ids[2], ids[3]]


@pytest.mark.parametrize("bad", ["../../etc", "20261101T060000Z/../x", "", "latest"])
def test_open_snapshot_rejects_anything_but_an_id(tmp_path, bad):
    with pytest.raises(SnapshotNotFoundError):
        open_snapshot(tmp_path, bad)


def test_open_expired_snapshot(tmp_path):
    with pytest.raises(SnapshotNotFoundError, match="expired"):
        open_snapshot(tmp_path, "20250101T000000Z")
