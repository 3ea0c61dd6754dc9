"""Snapshots are written completely before they become current, and carried data is linked."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import polars as pl
import pytest

from store.snapshots import (
    DatasetEntry,
    SnapshotNotFoundError,
    SnapshotWriter,
    current_snapshot,
    list_snapshots,
    open_snapshot,
    prune_snapshots,
    write_snapshot,
)

T1 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
ORDERS = pl.DataFrame({"order_id": ["o1"], "amount": [12.5]})


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


def test_a_writer_publishes_nothing_until_commit(tmp_path):
    first = write_snapshot(
        tmp_path, entries=[ok("orders", 1)], frames={"orders": ORDERS}, quarantines={}, now=T1
    )
    with SnapshotWriter(tmp_path, now=T2, carried_from=first) as writer:
        writer.add(ok("responses", 2), frame=pl.DataFrame({"response_id": ["a", "b"]}))
        assert writer.staging.name.startswith(".tmp-20261102T060000Z-")
        assert (writer.staging / "responses.parquet").exists()
        assert current_snapshot(tmp_path).id == first.id
        assert list_snapshots(tmp_path) == [first.id]
        second = writer.commit(run_id=7)
    assert current_snapshot(tmp_path) == second
    assert (second.id, second.run_id, list(second.datasets)) == (
        "20261102T060000Z",
        7,
        ["responses"],
    )
    assert not writer.staging.exists()


def test_a_writer_that_fails_leaves_no_staging_folder(tmp_path):
    with pytest.raises(RuntimeError), SnapshotWriter(tmp_path, now=T1) as writer:
        writer.add(ok("orders", 1), frame=ORDERS)
        raise RuntimeError("the source went away")
    assert not writer.staging.exists()
    assert current_snapshot(tmp_path) is None


def test_new_rows_are_required_for_a_fresh_dataset(tmp_path):
    with SnapshotWriter(tmp_path, now=T1) as writer, pytest.raises(ValueError, match="orders"):
        writer.add(ok("orders", 1))


def test_a_carried_dataset_keeps_its_own_quarantine_not_the_failed_attempts(tmp_path):
    kept = pl.DataFrame({"order_id": ["o9"], "_reasons": ["amount: below 0"]})
    first = write_snapshot(
        tmp_path,
        entries=[ok("orders", 1, 1)],
        frames={"orders": ORDERS},
        quarantines={"orders": kept},
        now=T1,
    )
    attempt = pl.DataFrame({"order_id": ["x"] * 3, "_reasons": ["order_id: missing"] * 3})
    carried = DatasetEntry("orders", "db", "carried", rows=1, quarantined=1)
    second = write_snapshot(
        tmp_path,
        entries=[carried],
        frames={},
        quarantines={"orders": attempt},
        carried_from=first,
        now=T2,
    )
    assert second.quarantine("orders").collect().equals(kept)
    assert second.scan("orders").collect().equals(ORDERS)


def test_data_docs_are_stored_zipped_without_gx_tutorial_gifs(tmp_path):
    docs = tmp_path / "docs"
    (docs / "validations").mkdir(parents=True)
    (docs / "index.html").write_text("<html>index</html>")
    (docs / "validations" / "shop.responses.html").write_text("<html>run</html>")
    (docs / "glossary_scroller.gif").write_bytes(b"GIF89a")
    with SnapshotWriter(tmp_path / "store", now=T1) as writer:
        writer.attach_data_docs(docs)
        snapshot = writer.commit()
    assert snapshot.has_data_docs
    archive = zipfile.ZipFile(io.BytesIO(snapshot.data_docs_zip()))
    assert sorted(archive.namelist()) == ["index.html", "validations/shop.responses.html"]
    assert archive.read("index.html") == b"<html>index</html>"


def test_a_snapshot_without_data_docs_says_so(tmp_path):
    snapshot = write_snapshot(tmp_path, entries=[], frames={}, quarantines={}, now=T1)
    assert not snapshot.has_data_docs
    with pytest.raises(FileNotFoundError, match="has no Data Docs"):
        snapshot.data_docs_zip()


def test_manifests_without_newer_fields_still_open(tmp_path):
    snapshot = write_snapshot(
        tmp_path, entries=[ok("orders", 1)], frames={"orders": ORDERS}, quarantines={}, now=T1
    )
    manifest = snapshot.path / "manifest.json"
    body = json.loads(manifest.read_text())
    del body["datasets"]["orders"]["problem"]
    manifest.write_text(json.dumps(body))
    assert open_snapshot(tmp_path, snapshot.id).datasets["orders"].problem is None


def test_aggregates_are_stored_by_day_and_a_carried_dataset_keeps_both(tmp_path):
    days = [datetime(2026, 10, d).date() for d in (3, 1, 2)]
    by_segment = pl.DataFrame({"day": days, "region": ["N", "S", "N"], "n": [1, 2, 3]})
    totals = pl.DataFrame({"day": days, "n": [1, 2, 3]})
    entry = DatasetEntry("orders", "db", "ok", rows=6, segment_values=(("region", ("N", "S")),))
    with SnapshotWriter(tmp_path, now=T1) as writer:
        writer.add(
            replace(entry, aggregate_timezone="Europe/Berlin"),
            frame=ORDERS,
            aggregate=by_segment,
            totals=totals,
        )
        first = writer.commit()
    stored = first.aggregate("orders", "Europe/Berlin", by_segments=False).collect()
    assert stored["day"].to_list() == sorted(days) and stored["n"].to_list() == [2, 3, 1]
    assert first.aggregate("orders", "Europe/Berlin").collect()["region"].to_list() == [
        "S", "N", "N",
    ]  # fmt: skip
    assert first.datasets["orders"].segment_values == (("region", ("N", "S")),)
    carried = replace(first.datasets["orders"], status="carried")
    with SnapshotWriter(tmp_path, now=T2, carried_from=first) as writer:
        writer.add(carried)
        second = writer.commit()
    again = second.aggregate("orders", "Europe/Berlin", by_segments=False).collect()
    assert again.equals(stored)
    assert second.datasets["orders"].segment_values == (("region", ("N", "S")),)
