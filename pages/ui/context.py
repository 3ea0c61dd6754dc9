"""What every page needs for one run: workspace, snapshot, frames, view and resolved period.

app.py builds it once per script run (after the filter bar) and pages read it
with ``page_context()``; nothing here is global across sessions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from benefitboard.config import WorkspaceConfig
from pages.ui.auth import Access
from pages.ui.filters import Period
from pages.ui.state import ViewState
from store import Snapshot

_KEY = "_benefitboard_page_context"


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
    def sees_customer_data(self) -> bool:
        """Verbatims, quarantined rows and downloads: analysts (and local sessions) only."""
        return self.access is None or self.access.sees_customer_data


def set_page_context(context: PageContext) -> None:
    st.session_state[_KEY] = context


def page_context() -> PageContext | None:
    """The context app.py prepared, or None when there is no data to show yet."""
    return st.session_state.get(_KEY)


def data_date_range(snapshot: Snapshot, timezone: str) -> tuple[date, date]:
    """First and last *complete* local day with data, from the manifest (no scan needed).

    The last day is the newest record's local day, but never the day the
    snapshot was taken: that day was still running, so its numbers are partial
    and would make every "last 30 days" tile dip.
    """
    zone = ZoneInfo(timezone)
    taken = _local_date(snapshot.created_at, zone)
    newest = [e.newest_record for e in snapshot.datasets.values() if e.newest_record]
    end = (
        min(max(_local_date(v, zone) for v in newest), taken - timedelta(days=1))
        if newest
        else (taken - timedelta(days=1))
    )
    return date(end.year - 3, 1, 1), end


def _local_date(value: str, zone: ZoneInfo) -> date:
    if len(value) == 10:
        return date.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()
