"""A refresh in progress never blocks viewers: they keep the current snapshot until the new one.

A real refresh is started in a background thread and held half-way (its
progress callback waits while it holds the store's lock and has started
writing its staging folder). Meanwhile the app runs a page to the end and
shows the current snapshot's NPS. Released, the refresh publishes the new
numbers, which the next page run shows.
"""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path

import sqlalchemy as sa

from benefitboard.refresh import RefreshReport, refresh_workspace
from store.lock import LOCK_FILE
from store.snapshots import current_snapshot
from tests.faults.pages import nps_tile, overview
from tests.faults.survey_shop import FIRST, NPS, SECOND, TABLE, survey_shop


def lock_is_held(store: Path) -> bool:
    with open(store / LOCK_FILE, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_viewers_are_served_while_a_refresh_runs(tmp_path, monkeypatch):
    shop = survey_shop(tmp_path / "ws", sql_url=f"sqlite:///{tmp_path / 'ws' / 'shop.sqlite'}")
    assert shop.refresh(FIRST).status == "ok"
    engine = sa.create_engine(shop.url)
    with engine.begin() as connection:  # every detractor becomes a promoter: NPS +25 -> +75
        connection.execute(sa.text(f"UPDATE {TABLE} SET score = 10 WHERE score = 3"))
    engine.dispose()

    half_way, release = threading.Event(), threading.Event()
    reports: list[RefreshReport] = []

    def progress(fraction: float, message: str) -> None:
        if "events: reading" in message:  # responses is written; the lock is held
            half_way.set()
            assert release.wait(timeout=120), "the test never released the refresh"

    def refresh() -> None:
        reports.append(refresh_workspace(shop.config, progress=progress, now=SECOND))

    worker = threading.Thread(target=refresh, daemon=True)
    worker.start()
    try:
        assert half_way.wait(timeout=120), "the refresh never got half-way"
        assert lock_is_held(shop.store)
        assert any(shop.store.glob("snapshots/.tmp-*"))  # a snapshot is being written
        during = overview(shop.config, monkeypatch)
        assert nps_tile(during) == f"{NPS:.1f}"
        assert "Data snapshot 20261101T060000Z" in [c.value for c in during.sidebar.caption]
    finally:
        release.set()
        worker.join(timeout=120)
    assert reports[0].status == "ok"
    assert current_snapshot(shop.store).id == reports[0].snapshot_id == "20261101T180000Z"
    after = overview(shop.config, monkeypatch)
    assert nps_tile(after) == "75.0"
