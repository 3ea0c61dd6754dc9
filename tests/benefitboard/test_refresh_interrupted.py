"""A refresh is safe to kill half-way and safe to run while the dashboard reads.

The kill is real: ``python -m benefitboard refresh`` runs in a child process and
gets SIGKILL (no cleanup code can run) as soon as its staging folder holds the
first dataset it wrote; the other datasets are still being read then.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from benefitboard import refresh as refresh_module
from benefitboard.config import load_workspace
from benefitboard.demo import create_demo_workspace
from benefitboard.refresh import refresh_workspace
from benefitboard.workspace import REPO_ROOT
from store.lock import refresh_lock
from store.runlog import RunLog
from store.snapshots import Snapshot, current_snapshot, list_snapshots
from tests.conftest import DEMO_END_DATE, DEMO_NOW, DEMO_SEED

KILL_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def refreshed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo workspace with one good snapshot (made once; tests get copies)."""
    folder = tmp_path_factory.mktemp("refreshed") / "ws"
    config = create_demo_workspace(folder, seed=DEMO_SEED, end_date=DEMO_END_DATE, responses=3_000)
    assert refresh_workspace(config, now=DEMO_NOW).status == "ok"
    return folder


@pytest.fixture
def refreshed(refreshed_template: Path, tmp_path: Path) -> Path:
    """A copy of the template workspace (data, store and config); returns its config path."""
    folder = shutil.copytree(refreshed_template, tmp_path / "ws")
    return folder / "benefitboard.toml"


def assert_complete(snapshot: Snapshot) -> None:
    """Every dataset the manifest lists has its file, with exactly the rows it says."""
    for name, entry in snapshot.datasets.items():
        assert entry.has_data, name
        assert snapshot.scan(name).collect().height == entry.rows, name
        quarantine = snapshot.quarantine(name)
        held = quarantine.collect().height if quarantine is not None else 0
        assert held == entry.quarantined, name


def test_a_refresh_killed_half_way_leaves_the_previous_snapshot_current(refreshed):
    store = load_workspace(refreshed).store_dir
    before = current_snapshot(store)
    child = subprocess.Popen(
        [sys.executable, "-m", "benefitboard", "--config", str(refreshed), "refresh"],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        staging = wait_for_first_written_dataset(store, child)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL

    # Killed mid-way: the staging folder is there, half full, and nobody points at it.
    assert staging.exists()
    assert not (staging / "manifest.json").exists()
    assert (store / "CURRENT").read_text().strip() == before.id
    assert list_snapshots(store) == [before.id]
    after_kill = current_snapshot(store)
    assert after_kill == before
    assert_complete(after_kill)
    (killed_run,) = [r for r in RunLog(store).runs() if r["status"] == "running"]

    report = refresh_workspace(refreshed, now=DEMO_NOW + timedelta(days=1))

    assert report.status == "ok"
    assert current_snapshot(store).id == report.snapshot_id != before.id
    assert_complete(current_snapshot(store))
    assert not list((store / "snapshots").glob(".tmp-*"))
    assert list_snapshots(store) == [before.id, report.snapshot_id]
    assert RunLog(store).run(killed_run["run_id"])["status"] == "interrupted"


def wait_for_first_written_dataset(store: Path, child: subprocess.Popen) -> Path:
    """The child's staging folder, as soon as it holds one written dataset."""
    deadline = time.monotonic() + KILL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for staging in (store / "snapshots").glob(".tmp-*"):
            if staging.name.endswith(f"-{child.pid}") and any(staging.glob("*.parquet")):
                return staging
        if child.poll() is not None:
            pytest.fail(f"the refresh ended (exit {child.returncode}) before it could be killed")
        time.sleep(0.005)
    pytest.fail(f"no dataset was written within {KILL_TIMEOUT_SECONDS} s")


def test_readers_see_a_complete_snapshot_at_every_moment_of_a_refresh(refreshed):
    store = load_workspace(refreshed).store_dir
    first = current_snapshot(store).id
    done = threading.Event()
    outcome = {}

    def refresh() -> None:
        try:
            outcome["report"] = refresh_workspace(refreshed, now=DEMO_NOW + timedelta(hours=1))
        finally:
            done.set()

    worker = threading.Thread(target=refresh)
    worker.start()
    seen = set()
    while not done.is_set():
        snapshot = current_snapshot(store)
        seen.add(snapshot.id)
        assert_complete(snapshot)
    worker.join()
    assert seen <= {first, outcome["report"].snapshot_id}
    assert first in seen  # the old snapshot stayed in force while the new one was written


def test_a_refresh_waits_while_another_one_writes(refreshed):
    store = load_workspace(refreshed).store_dir
    before = current_snapshot(store).id
    messages: list[str] = []
    reports = []

    def refresh() -> None:
        reports.append(
            refresh_workspace(
                refreshed,
                now=DEMO_NOW + timedelta(hours=1),
                progress=lambda fraction, message: messages.append(message),
            )
        )

    worker = threading.Thread(target=refresh)
    with refresh_lock(store):  # as a refresh started from another window would hold it
        worker.start()
        deadline = time.monotonic() + 60
        while not messages and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # long enough for a refresh that ignored the lock to start writing
        assert messages == [
            f"Waiting for the refresh already running (process {os.getpid()}) to finish"
        ]
        assert not list((store / "snapshots").glob(".tmp-*"))
        assert current_snapshot(store).id == before
    worker.join()

    (report,) = reports
    assert report.status == "ok"
    assert current_snapshot(store).id == report.snapshot_id != before
    assert [r["status"] for r in RunLog(store).runs()] == ["ok", "ok"]


def test_an_interrupted_refresh_leaves_no_staging_and_is_logged(refreshed, monkeypatch):
    store = load_workspace(refreshed).store_dir
    before = current_snapshot(store).id
    validate = refresh_module.validate_dataset

    def interrupted_at_contacts(dataset, *args, **kwargs):
        if dataset == "contacts":
            raise KeyboardInterrupt  # as if Ctrl-C arrived while contacts were validated
        return validate(dataset, *args, **kwargs)

    monkeypatch.setattr(refresh_module, "validate_dataset", interrupted_at_contacts)
    with pytest.raises(KeyboardInterrupt):
        refresh_workspace(refreshed, now=DEMO_NOW + timedelta(hours=1))

    assert current_snapshot(store).id == before
    assert not list((store / "snapshots").glob(".tmp-*"))
    latest = RunLog(store).latest_run()
    assert (latest["status"], latest["snapshot_id"]) == ("interrupted", None)
    assert latest["message"] == "the refresh stopped: KeyboardInterrupt: "
    assert [d["dataset"] for d in RunLog(store).datasets_of_run(latest["run_id"])] == ["responses"]
