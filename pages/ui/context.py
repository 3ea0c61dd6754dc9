"""What every page needs for one run: workspace, snapshot, frames, view and resolved period.

app.py builds it once per script run (after the filter bar) and pages read it
with ``page_context()``; nothing here is global across sessions.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from benefitboard.access import RowLimits
from benefitboard.config import WorkspaceConfig
from pages.ui.auth import Access
from pages.ui.filters import Period
from pages.ui.state import ViewState
from store.snapshots import Snapshot

_KEY = "_benefitboard_page_context"
APP = Path(__file__).resolve().parents[2] / "app.py"
_inside_app = threading.local()


@dataclass(frozen=True)
class PageContext:
    workspace: WorkspaceConfig
    snapshot: Snapshot
    frames: Mapping[str, pl.DataFrame]
    view: ViewState
    period: Period
    segment_values: Mapping[str, tuple[str, ...]]
    page_path: str = ""
    """The current page's URL path ("" for the default page), for shared links."""
    access: Access | None = None
    """Who is looking; None means a local session with every right (no sign-in configured)."""

    @property
    def row_limits(self) -> RowLimits:
        """Row-level limits of who is looking (``pages/ui/rows.py``); empty: every row."""
        return self.access.rows if self.access is not None else ()

    @property
    def sees_customer_data(self) -> bool:
        """Verbatims, quarantined rows and downloads: analysts (and local sessions) only."""
        return self.access is None or self.access.sees_customer_data


def set_page_context(context: PageContext) -> None:
    st.session_state[_KEY] = context


@contextmanager
def pages_run_by_app() -> Iterator[None]:
    """Mark the page runs app.py starts (``navigation.run()``), for ``page_context``."""
    _inside_app.active = True
    try:
        yield
    finally:
        _inside_app.active = False


def page_context() -> PageContext | None:
    """The context app.py prepared, or None when there is no data to show yet.

    A page file run on its own (not through app.py's navigation) hands the run to
    app.py and ends: Streamlit runs ``pages/<name>.py`` alone for the first visitor of
    a deep link on a fresh server, because a folder named ``pages`` beside the
    entrypoint is its legacy multipage layout until ``st.navigation`` has been
    called once. app.py then calls ``st.navigation``, which picks the page the URL
    names and runs it with its filters and context, exactly as every later run does.
    (A page run alone with a context already in the session, as a test may do, just
    draws from it.)
    """
    if not getattr(_inside_app, "active", False) and _KEY not in st.session_state:
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
    return st.session_state.get(_KEY)


def data_date_range(
    snapshot: Snapshot, timezone: str, as_of: date | None = None
) -> tuple[date, date]:
    """First and last *complete* local day with data, from the manifest (no scan needed).

    The last day is the newest record's local day (of any dataset: what a custom
    period may reach), but never the day the snapshot was taken: that day was still
    running, so its numbers are partial and would make every "last 30 days" tile dip.
    A workspace pinned ``as_of`` a date ends there. Relative periods end on the page's
    own day (``pages.ui.period_end``).
    """
    end = max(newest_days(snapshot, timezone).values(), default=None)
    cutoff = last_complete_day(snapshot, timezone, as_of)
    end = min(end, cutoff) if end else cutoff
    return date(end.year - 3, 1, 1), end


def newest_days(snapshot: Snapshot, timezone: str) -> dict[str, date]:
    """Each dataset's newest record as a local day (datasets without one are left out)."""
    zone = ZoneInfo(timezone)
    return {
        name: _local_date(entry.newest_record, zone)
        for name, entry in snapshot.datasets.items()
        if entry.newest_record
    }


def last_complete_day(snapshot: Snapshot, timezone: str, as_of: date | None = None) -> date:
    """The last day a period may end on: the day before the snapshot was taken (that day
    was still running), or the workspace's ``as_of`` date when it is earlier."""
    taken = _local_date(snapshot.created_at, ZoneInfo(timezone)) - timedelta(days=1)
    return min(taken, as_of) if as_of else taken


def _local_date(value: str, zone: ZoneInfo) -> date:
    if len(value) == 10:
        return date.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()
