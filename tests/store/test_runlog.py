"""The run log answers the Data quality page's questions: which refresh, which dataset, when."""

from __future__ import annotations

from datetime import UTC, datetime

from store.runlog import RunLog

T1 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def record(log: RunLog, run_id: int, dataset: str, status: str, valid: int, bad: int) -> None:
    log.record_dataset(
        run_id,
        source="shop_db",
        dataset=dataset,
        status=status,
        rows_read=valid + bad,
        rows_valid=valid,
        rows_quarantined=bad,
        newest_record=None,
        failures=["db is down"] if status == "carried" else [],
        seconds=0.5,
    )


def test_a_dataset_history_is_newest_first_with_its_run(tmp_path):
    log = RunLog(tmp_path)
    first = log.start_run(T1)
    record(log, first, "responses", "ok", 10, 2)
    record(log, first, "orders", "ok", 5, 0)
    log.finish_run(first, status="ok", snapshot_id="20261101T060000Z", message="", seconds=1.0)
    second = log.start_run(T2)
    record(log, second, "responses", "carried", 0, 0)
    log.finish_run(second, status="partial", snapshot_id="20261102T060000Z", message="", seconds=2)

    history = log.dataset_history("responses")

    assert [(h["run_id"], h["status"], h["run_status"]) for h in history] == [
        (second, "carried", "partial"),
        (first, "ok", "ok"),
    ]
    assert history[0]["failures"] == ["db is down"]
    assert (history[1]["rows_valid"], history[1]["rows_quarantined"]) == (10, 2)
    assert history[1]["snapshot_id"] == "20261101T060000Z"
    assert history[1]["started_at"] == "2026-11-01T06:00:00+00:00"
    assert log.dataset_history("responses", limit=1)[0]["run_id"] == second
    assert log.run(first)["status"] == "ok"
    assert log.run(999) is None


def test_runs_left_running_are_closed_as_interrupted(tmp_path):
    log = RunLog(tmp_path)
    killed = log.start_run(T1)
    done = log.start_run(T2)
    log.finish_run(done, status="ok", snapshot_id="20261102T060000Z", message="", seconds=1.0)

    assert log.close_interrupted_runs() == 1

    assert log.run(killed)["status"] == "interrupted"
    assert "stopped before it finished" in log.run(killed)["message"]
    assert log.run(done)["status"] == "ok"
    assert log.close_interrupted_runs() == 0
