"""Pinned snapshots: the ones a shared link (``asof=``) still needs, kept past normal pruning.

Why a file of pins: pruning keeps only the newest snapshots, but a link pasted
into a roadmap review weeks ago must still reopen the same numbers. Making a
pinned link records its snapshot here; pruning spares pinned snapshots until
the pin is older than the workspace's retention, after which the link says
the snapshot has expired and offers the live view.

Example (a pin lasts the retention, here a year):
    >>> from tempfile import TemporaryDirectory
    >>> with TemporaryDirectory() as folder:
    ...     pin_snapshot(Path(folder), "20261101T060000Z", now=datetime(2026, 11, 2, tzinfo=UTC))
    ...     for today in datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 12, 1, tzinfo=UTC):
    ...         print(active_pins(Path(folder), retention_days=365, now=today))
    ['20261101T060000Z']
    []
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

PINS_FILE = "pins.json"


def pin_snapshot(store_dir: Path, snapshot_id: str, now: datetime | None = None) -> None:
    """Record that a link pins ``snapshot_id`` (idempotent; the first pin's time is kept)."""
    pins = _read(store_dir)
    if snapshot_id in pins:
        return
    pins[snapshot_id] = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    store_dir.mkdir(parents=True, exist_ok=True)
    temporary = store_dir / f".{PINS_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(pins, indent=2, sort_keys=True))
    os.replace(temporary, store_dir / PINS_FILE)


def active_pins(store_dir: Path, retention_days: int, now: datetime | None = None) -> list[str]:
    """Snapshot ids pinned within the last ``retention_days`` days."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    return sorted(
        snapshot_id
        for snapshot_id, pinned_at in _read(store_dir).items()
        if datetime.fromisoformat(pinned_at) >= cutoff
    )


def _read(store_dir: Path) -> dict[str, str]:
    path = store_dir / PINS_FILE
    if not path.exists():
        return {}
    try:
        return dict(json.loads(path.read_text()))
    except (ValueError, TypeError):
        return {}  # a damaged pins file must not stop refreshes; pins are a courtesy
