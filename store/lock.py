"""One writer at a time per store: a refresh holds an exclusive lock while it writes.

Why: two refreshes at once (two people pressing the sidebar button, or a
scheduled refresh meeting a manual one) would race on snapshot ids, on the
run log and on pruning, where one could delete the other's staging folder.
Readers never take the lock: they only follow ``CURRENT``.

The lock is ``fcntl.flock`` on ``<store>/.refresh.lock``: the kernel releases it
when its holder exits for any reason, so a killed refresh never leaves the
store locked. flock locks each open file separately, so two threads of one
Streamlit server exclude each other too.

Example (the holder's process id is in the lock file, for the message a waiting refresh shows):
    >>> from tempfile import TemporaryDirectory
    >>> with TemporaryDirectory() as folder, refresh_lock(Path(folder), on_wait=print):
    ...     (Path(folder) / LOCK_FILE).read_text() == str(os.getpid())
    True
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".refresh.lock"


@contextmanager
def refresh_lock(store_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's writer lock; wait (telling ``on_wait`` why) while another refresh runs."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / LOCK_FILE, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            if on_wait:
                on_wait(f"Waiting for the refresh already running (process {holder}) to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
