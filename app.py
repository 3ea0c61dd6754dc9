"""Benefitboard: customer benefit beside acquisition and revenue.

Run with ``streamlit run app.py`` (the README's first command does it for you).
This file builds the navigation, the shared filter bar and the page context;
each page in pages/ draws from that context.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
from collections.abc import Mapping

import polars as pl
import streamlit as st

from benefitboard.config import WorkspaceConfig
from benefitboard.secrets import mask_url
from pages.ui import data
from pages.ui.admission import page_run_slot
from pages.ui.auth import Access, require_access
from pages.ui.context import (
    PageContext,
    data_date_range,
    pages_run_by_app,
    set_page_context,
)
from pages.ui.filters import filter_bar, read_view, resolve_period
from pages.ui.kpis import registry_for
from pages.ui.period_end import page_period_end
from pages.ui.refresh import refresh_button
from pages.ui.rows import LimitedFrames, limited_values, limited_view
from pages.ui.screen import screen_clock, screen_requested, screen_style
from pages.ui.share import expired_pin_notice, share_panel
from pages.ui.text import escape_markdown
from pages.ui.trust import data_banner

SCREEN = screen_requested()
"""Leadership-screen mode (`?screen=1`): no sidebar or widgets, large type, rotation."""
st.set_page_config(
    page_title="Benefitboard",
    page_icon="📈",
    layout="wide",
    initial_sidebar_state="collapsed" if SCREEN else "auto",
)

# Each page file is named as its URL path (pages/data-quality.py for /data-quality): on a
# fresh server Streamlit resolves a deep link against the files in pages/ before app.py has
# declared this navigation, and a page file run that way hands over to app.py
# (pages.ui.context.page_context).
PAGES = {
    "Leadership": [
        st.Page("pages/overview.py", title="Executive overview", icon="📊", default=True),
        st.Page("pages/benefits.py", title="Customer benefit", icon="🚚", url_path="benefits"),
        st.Page("pages/growth.py", title="Growth", icon="📈", url_path="growth"),
        st.Page("pages/drivers.py", title="Key drivers", icon="🧭", url_path="drivers"),
    ],
    "Drill-down": [
        st.Page("pages/drilldown.py", title="Survey drill-down", icon="🔎", url_path="drilldown"),
        st.Page("pages/verbatims.py", title="Verbatims", icon="💬", url_path="verbatims"),
        st.Page("pages/effort.py", title="Effort priorities", icon="🧗", url_path="effort"),
        st.Page("pages/feedback.py", title="Feedback themes", icon="🗂️", url_path="feedback"),
    ],
    "Data": [
        st.Page("pages/data-quality.py", title="Data quality", icon="🛡️", url_path="data-quality"),
        st.Page("pages/alerts.py", title="Alerts", icon="🔔", url_path="alerts"),
    ],
}


def open_workspace() -> WorkspaceConfig | None:
    try:
        return data.workspace()
    except Exception as error:  # a broken config must be readable, not a traceback
        st.error(f"The workspace config cannot be used: {escape_markdown(mask_url(str(error)))}")
        return None


def visible_pages(access: Access | None) -> dict:
    """Viewers do not get the page of customers' own words."""
    if access is None or access.sees_customer_data:
        return PAGES
    return {
        section: [page for page in pages if page.url_path not in ANALYST_PAGES]
        for section, pages in PAGES.items()
    }


def prepare_context(workspace: WorkspaceConfig, access: Access) -> PageContext | None:
    """Open the snapshot, draw the filter bar, and hand the pages their context."""
    if not SCREEN:
        st.sidebar.caption(f"Workspace: **{workspace.name}**")
    view, notices = read_view({}, [])
    try:
        snapshot = data.snapshot(view.asof)
    except data.SnapshotNotFoundError:
        expired_pin_notice(view.asof, workspace.pin_retention_days)
        snapshot = data.snapshot(None)
    if snapshot is None:
        st.info(
            "No data yet. Press **Refresh data** in the sidebar, or run "
            "`python -m benefitboard refresh`."
        )
        refresh_button(workspace, access)
        return None
    frames: Mapping[str, pl.DataFrame] = data.frames(snapshot)
    segment_values = data.segment_values(workspace, snapshot)
    view, notices = read_view(segment_values, [kpi.id for kpi in registry_for(workspace)])
    if view.asof != snapshot.id:  # the pinned snapshot is gone: this is the live view
        view = view.with_(asof=None)
    if access.rows:  # row-level access: the view, the choices and the rows hold the limits
        view, refused = limited_view(view, access.rows)
        notices = [*refused, *notices]
        segment_values = limited_values(segment_values, access.rows)
        frames = LimitedFrames(frames, access.rows)
    for notice in notices:
        st.toast(notice, icon="⚠️")
    data_start, data_end = data_date_range(snapshot, workspace.timezone, workspace.as_of)
    page_end = page_period_end(snapshot, workspace, navigation.url_path)
    if not SCREEN:  # the screen shows exactly the view its URL describes, with no widgets
        view = filter_bar(view, segment_values, data_start, data_end, page_end)
        view, _ = limited_view(view, access.rows)  # a cleared filter means "all I may see"
        refresh_button(workspace, access)
        if view.asof:
            st.sidebar.info(f"Pinned to snapshot {snapshot.id}: numbers will not change.")
        else:
            st.sidebar.caption(f"Data snapshot {snapshot.id}")
    context = PageContext(
        workspace,
        snapshot,
        frames,
        view,
        resolve_period(view, page_end),
        segment_values,
        page_path=navigation.url_path,
        access=access,
    )
    set_page_context(context)
    data_banner(snapshot)
    return context


# Pages a leadership screen may rotate through (`show=overview,benefits`), by URL name.
SCREEN_PAGES = {page.url_path or "overview": page for pages in PAGES.values() for page in pages}
ANALYST_PAGES = {"verbatims"}

workspace = open_workspace()
access = require_access(workspace, screen=SCREEN) if workspace is not None else None
navigation = st.navigation(visible_pages(access), position="hidden" if SCREEN else "sidebar")
context = (
    prepare_context(workspace, access) if workspace is not None and access is not None else None
)
if SCREEN:
    screen_style()
# A room opening one link at once: a few pages compute, the rest queue.
with page_run_slot(), pages_run_by_app():
    navigation.run()
if context is not None and not SCREEN:
    share_panel(context)  # after the page: its own controls may have changed the URL
if SCREEN:
    screen_clock(context, navigation.url_path or "overview", SCREEN_PAGES)
