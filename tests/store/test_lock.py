"""One refresh writes at a time; the next one waits and says why."""

from __future__ import annotations

import os
import threading
import time

from store.lock import LOCK_FILE, refresh_lock


def test_a_second_writer_waits_for_the_first(tmp_path):
    holding, release = threading.Event(), threading.Event()
    order: list[str] = []
    waits: list[str] = []

    def first() -> None:
        with refresh_lock(tmp_path):
            order.append("first in")
            holding.set()
            release.wait(timeout=10)
            order.append("first out")

    def second() -> None:
        holding.wait(timeout=10)
        with refresh_lock(tmp_path, on_wait=waits.append):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    holding.wait(timeout=10)
    deadline = time.monotonic() + 10
    while not waits and time.monotonic() < deadline:  # until the second finds the lock taken
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert order == ["first in", "first out", "second in"]
    assert waits == [f"Waiting for the refresh already running (process {os.getpid()}) to finish"]


def test_the_lock_is_free_again_after_an_error(tmp_path):
    try:
        with refresh_lock(tmp_path):
            raise ValueError("boom")
    except ValueError:
        pass
    waits: list[str] = []
    with refresh_lock(tmp_path, on_wait=waits.append):
        assert (tmp_path / LOCK_FILE).read_text() == str(os.getpid())
    assert waits == []
