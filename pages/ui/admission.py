"""At most a few page runs compute at once; the others wait their turn.

Why: Streamlit runs every session's script in its own thread. When a meeting
room opens the same link, 25 threads start together and share two cores, one
GIL and Polars' two worker threads: each run is slowed by all the others, and
every viewer waits for the slowest. Letting ``PAGE_RUNS_AT_ONCE`` runs compute
while the rest queue finishes the first pages sooner and the last no later
(measured by tests/load/sessions.py). Cached results make a queued run fast.

Example::

    with page_run_slot():
        navigation.run()
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

PAGE_RUNS_AT_ONCE = max(2, os.cpu_count() or 2)
_slots = threading.BoundedSemaphore(PAGE_RUNS_AT_ONCE)


@contextmanager
def page_run_slot() -> Iterator[None]:
    """Hold one of the ``PAGE_RUNS_AT_ONCE`` slots while the page computes."""
    with _slots:
        yield
