"""Pinned snapshots: a shared link's snapshot is kept for the retention, then may go."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from store.pins import PINS_FILE, active_pins, pin_snapshot

MORNING = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def test_a_pin_keeps_the_time_it_was_first_made(tmp_path):
    pin_snapshot(tmp_path, "20261101T060000Z", now=MORNING)
    pin_snapshot(tmp_path, "20261101T060000Z", now=MORNING + timedelta(days=30))
    pins = json.loads((tmp_path / PINS_FILE).read_text())
    assert pins == {"20261101T060000Z": "2026-11-01T06:00:00+00:00"}


def test_pins_older_than_the_retention_are_no_longer_active(tmp_path):
    pin_snapshot(tmp_path, "20250101T060000Z", now=MORNING - timedelta(days=400))
    pin_snapshot(tmp_path, "20260601T060000Z", now=MORNING - timedelta(days=150))
    pin_snapshot(tmp_path, "20261101T060000Z", now=MORNING)
    assert active_pins(tmp_path, retention_days=365, now=MORNING) == [
        "20260601T060000Z",
        "20261101T060000Z",
    ]
    assert active_pins(tmp_path, retention_days=30, now=MORNING) == ["20261101T060000Z"]


def test_a_damaged_pins_file_does_not_stop_a_refresh(tmp_path):
    (tmp_path / PINS_FILE).write_text("{not json")
    assert active_pins(tmp_path, retention_days=365) == []
    pin_snapshot(tmp_path, "20261101T060000Z", now=MORNING)  # and a new pin repairs it
    assert active_pins(tmp_path, retention_days=365, now=MORNING) == ["20261101T060000Z"]
