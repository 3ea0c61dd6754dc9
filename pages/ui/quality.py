"""The tables of the Data quality page, built from a snapshot's manifest and the run log.

Why apart from the page: the page only lays things out; what each column
says (freshness, pass/fail, examples) is decided here in plain functions that
tests call directly.

Example:
    >>> examples_text([{"_source_row": 11, "score": 11.0, "survey": "nps"}])
    'row 11: score=11.0, survey=nps'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from canonical.datasets import SOURCE_ROW
from pages.ui.trust import problem_of, trust_of, when
from store.runlog import RunLog
from store.snapshots import DatasetEntry, Snapshot
from validation.contracts import DatasetContract

STATUS_WORDS = {
    "ok": "fresh and valid",
    "stale": "stale",
    "carried": "refresh failed · last good data kept",
    "failed": "failed · no data",
}


@st.cache_resource(show_spinner=False, max_entries=4)
def run_log(store_dir: str) -> RunLog:
    """The workspace's run log, opened once per process."""
    return RunLog(Path(store_dir))


def dataset_summary(snapshot: Snapshot, contracts: Mapping[str, DatasetContract]) -> pl.DataFrame:
    """One row per source and dataset: status, problem, rows valid and quarantined, freshness."""
    taken = datetime.fromisoformat(snapshot.created_at)
    rows = []
    for entry in sorted(snapshot.datasets.values(), key=lambda e: (e.source, e.dataset)):
        contract = contracts.get(entry.dataset)
        limit = contract.max_age if contract else None
        rows.append(
            {
                "source": entry.source,
                "dataset": entry.dataset,
                "status": status_words(entry),
                "valid rows": entry.rows,
                "quarantined rows": entry.quarantined,
                "newest record": when(entry.newest_record) if entry.newest_record else None,
                "age at refresh": _age(taken, entry.newest_record),
                "may be at most": _duration(limit) if limit else "not checked",
                "loaded at": when(entry.loaded_at) if entry.loaded_at else None,
                "problem": problem_of(entry) if entry.status != "ok" else "",
            }
        )
    counts = {"valid rows": pl.Int64, "quarantined rows": pl.Int64}
    return pl.DataFrame(rows, schema_overrides=counts)


def status_words(entry: DatasetEntry) -> str:
    """The tile's trust word, spelled out where the tile's would hide why."""
    if entry.status == "ok":
        return trust_of(entry)[0]
    return STATUS_WORDS.get(entry.status, entry.status)


def needing_attention(snapshot: Snapshot) -> list[str]:
    """Datasets in the order a data engineer should look at them: failures, stale, quarantine."""
    rank = {"failed": 0, "carried": 1, "stale": 2}
    entries = sorted(
        snapshot.datasets.values(),
        key=lambda e: (rank.get(e.status, 3), -e.quarantined, e.source, e.dataset),
    )
    return [e.dataset for e in entries]


def expectation_table(results: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """A run's checks of one dataset: passed or failed, what was checked, failing rows, examples."""
    rows = []
    for result in results:
        details = result.get("details") or {}
        rows.append(
            {
                "result": _result_word(result, details),
                "fails when": details.get("reason") or result["expectation"],
                "failing rows": int(result.get("unexpected_count") or 0),
                "examples": examples_text(details.get("examples") or []),
                "observed": _observed(details),
                "level": "row" if details.get("row_level") else "dataset",
                "column": result.get("column_name") or "",
                "expectation": result["expectation"],
            }
        )
    # Not passed first; within each group the contract's order, as the refresh checked them.
    order = {"❌ failed": 0, "⚠️ could not check": 0}
    rows.sort(key=lambda row: order.get(row["result"], 1))
    return pl.DataFrame(rows, schema_overrides={"failing rows": pl.Int64})


def history_table(history: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """One dataset across recent refreshes, newest first."""
    return pl.DataFrame(
        [
            {
                "refresh": r["run_id"],
                "started": when(r["started_at"]),
                "status": STATUS_WORDS.get(r["status"], r["status"]),
                "rows read": r.get("rows_read") or 0,
                "valid": r.get("rows_valid") or 0,
                "quarantined": r.get("rows_quarantined") or 0,
                "seconds": round(float(r.get("seconds") or 0.0), 2),
                "snapshot": r.get("snapshot_id") or "",
                "problem": "; ".join(r.get("failures") or []),
            }
            for r in history
        ],
        schema_overrides={"rows read": pl.Int64, "valid": pl.Int64, "quarantined": pl.Int64},
    )


def runs_table(runs: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """Recent refreshes of the workspace, newest first."""
    return pl.DataFrame(
        [
            {
                "refresh": r["run_id"],
                "started": when(r["started_at"]),
                "status": r["status"],
                "seconds": round(float(r.get("seconds") or 0.0), 1),
                "snapshot": r.get("snapshot_id") or "",
                "message": r.get("message") or "",
            }
            for r in runs
        ]
    )


def examples_text(examples: Sequence[Mapping[str, Any]]) -> str:
    """Failing rows as 'row 11: score=11.0, survey=nps', '; '-separated."""
    shown = []
    for example in examples:
        values = ", ".join(f"{k}={v}" for k, v in example.items() if k != SOURCE_ROW)
        shown.append(f"row {example.get(SOURCE_ROW, '?')}: {values}")
    return "; ".join(shown)


def _result_word(result: Mapping[str, Any], details: Mapping[str, Any]) -> str:
    if details.get("error"):
        return "⚠️ could not check"
    return "✅ passed" if result["success"] else "❌ failed"


def _observed(details: Mapping[str, Any]) -> str:
    if details.get("error"):
        return str(details["error"])
    observed = details.get("observed")
    return "" if observed is None else str(observed)


def _age(taken: datetime, newest: str | None) -> str:
    if not newest:
        return ""
    moment = datetime.fromisoformat(newest)
    if len(newest) == 10:  # a date: its end is what counts
        moment = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=taken.tzinfo)
    return _duration(max(taken - moment, timedelta(0)))


def _duration(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{round(hours / 24, 1):g} days"
