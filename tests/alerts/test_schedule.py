"""serve's schedule: a slot missed while the server was down runs once on start."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime, timedelta

import pytest

from benefitboard import serve
from benefitboard.config import WorkspaceConfig
from store.alert_log import AlertLog


def test_missed_slots_run_once_on_start_and_the_last_run_survives_restarts(
    alert_workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(alert_workspace.notifications, digests=())
    workspace = dataclasses.replace(alert_workspace, notifications=settings)  # refresh 06:00 daily
    runs: list[str] = []
    monkeypatch.setattr(serve, "run_refresh", lambda ws: runs.append(ws.name))
    now = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
    log = AlertLog(workspace.store_dir)
    log.set_last_run(serve.REFRESH_JOB, now - timedelta(days=3))  # down for three 06:00 slots
    scheduler = serve.start_scheduler(workspace, now=now)
    try:
        deadline = time.monotonic() + 5
        while not runs and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
    assert runs == [workspace.name]  # once, not three times
    log.engine.dispose()


def test_due_on_start_counts_slots_in_the_workspace_time_zone() -> None:
    # 06:00 in Berlin is 05:00 UTC in November: a server down from 04:30 to 05:30 UTC missed it
    assert serve.due_on_start(
        "0 6 * * *",
        "Europe/Berlin",
        datetime(2026, 11, 4, 4, 30, tzinfo=UTC),
        datetime(2026, 11, 4, 5, 30, tzinfo=UTC),
    )
    assert not serve.due_on_start(
        "0 6 * * *", "UTC", None, datetime(2026, 11, 4, 5, 30, tzinfo=UTC)
    )
