"""The Data quality page's tables, from a hand-made manifest and run-log rows."""

from __future__ import annotations

from pathlib import Path

from pages.ui.quality import dataset_summary, examples_text, expectation_table, needing_attention
from store.snapshots import DatasetEntry, Snapshot
from validation.contracts import build_contracts

TAKEN = "2026-11-01T06:00:00+00:00"


def snapshot(*entries: DatasetEntry) -> Snapshot:
    return Snapshot("20261101T060000Z", Path("."), TAKEN, {e.dataset: e for e in entries})


ENTRIES = (
    DatasetEntry("responses", "db", "ok", rows=90, quarantined=10, loaded_at=TAKEN,
                 newest_record="2026-10-31T22:00:00+00:00"),
    DatasetEntry("selection", "db", "ok", rows=5, loaded_at=TAKEN, newest_record="2026-10-31"),
    DatasetEntry("events", "files", "ok", rows=3, loaded_at=TAKEN, newest_record="2026-10-02"),
    DatasetEntry("orders", "db", "carried", rows=7, loaded_at="2026-10-30T06:00:00+00:00",
                 newest_record="2026-10-29T20:00:00+00:00", problem="no rows arrived"),
    DatasetEntry("prices", "db", "failed", problem="table 'prices' does not exist"),
)  # fmt: skip


def test_the_summary_says_status_freshness_and_problem_per_source_and_dataset():
    rows = dataset_summary(snapshot(*ENTRIES), build_contracts()).to_dicts()
    assert [(r["source"], r["dataset"]) for r in rows] == [
        ("db", "orders"), ("db", "prices"), ("db", "responses"), ("db", "selection"),
        ("files", "events"),
    ]  # fmt: skip
    by_name = {r["dataset"]: r for r in rows}
    assert by_name["responses"]["status"] == "partly quarantined"
    assert by_name["responses"]["age at refresh"] == "8 h"
    assert by_name["selection"]["age at refresh"] == "6 h"  # a date counts until its end
    assert by_name["events"]["may be at most"] == "not checked"
    assert by_name["orders"]["age at refresh"] == "2.4 days"  # carried: its data is older
    assert by_name["orders"]["may be at most"] == "3 days"
    assert (by_name["orders"]["status"], by_name["orders"]["problem"]) == (
        "refresh failed · last good data kept",
        "no rows arrived",
    )
    assert (by_name["prices"]["valid rows"], by_name["prices"]["age at refresh"]) == (0, "")


def test_datasets_needing_attention_come_first():
    assert needing_attention(snapshot(*ENTRIES)) == [
        "prices", "orders", "responses", "selection", "events",
    ]  # fmt: skip


def test_checks_failed_first_with_examples():
    logged = [
        {"expectation": "expect_column_to_exist", "column_name": "score", "success": True,
         "unexpected_count": 0, "details": {"reason": "required column 'score' missing"}},
        {"expectation": "expect_column_values_to_be_between", "column_name": "score, survey",
         "success": False, "unexpected_count": 2,
         "details": {"reason": "score: not between 0 and 10 for survey nps", "row_level": True,
                     "examples": [{"_source_row": 11, "score": 11.0, "survey": "nps"},
                                  {"_source_row": 12, "score": -1.0, "survey": "nps"}]}},
        {"expectation": "expect_column_max_to_be_between", "column_name": "responded_at",
         "success": False, "unexpected_count": 0,
         "details": {"reason": "stale", "error": "column is all null"}},
    ]  # fmt: skip
    table = expectation_table(logged).to_dicts()
    assert [r["result"] for r in table] == ["❌ failed", "⚠️ could not check", "✅ passed"]
    assert table[0]["examples"] == "row 11: score=11.0, survey=nps; row 12: score=-1.0, survey=nps"
    assert (table[0]["failing rows"], table[0]["level"]) == (2, "row")
    assert table[1]["observed"] == "column is all null"


def test_examples_without_a_row_number_still_read():
    assert examples_text([{"score": 4.5}]) == "row ?: score=4.5"
