"""Benefitboard: customer benefit beside acquisition and revenue.

Run with ``streamlit run app.py`` (the README's first command does it for you).
This file builds the navigation, the shared filter bar and the page context;
each page in pages/ draws from that context.
"""

from __future__ import annotations

import streamlit as st

from benefitboard.secrets import mask_url
from pages.ui import data
from pages.ui.context import (
    PageContext,
    data_date_range,
    segment_values_of,
    set_page_context,
)
from pages.ui.filters import filter_bar, read_view, resolve_period
from pages.ui.refresh import refresh_button

st.set_page_config(page_title="Benefitboard", page_icon="📈", layout="wide")

PAGES = {
    "Leadership": [
        st.Page("pages/overview.py", title="Executive overview", icon="📊", default=True),
    ],
    "Data": [
        st.Page("pages/data_quality.py", title="Data quality", icon="🛡️", url_path="data-quality"),
    ],
}


def prepare_context() -> PageContext | None:
    """Open the workspace and snapshot, draw the filter bar, and hand the pages their context."""
    try:
        workspace = data.workspace()
    except Exception as error:  # a broken config must be readable, not a traceback
        st.error(f"The workspace config cannot be used: {mask_url(str(error))}")
        return None
    st.sidebar.caption(f"Workspace: **{workspace.name}**")
    view, notices = read_view({}, [])
    try:
        snapshot = data.snapshot(view.asof)
    except data.SnapshotNotFoundError as error:
        st.warning(f"{error}. Showing the live data instead.")
        view = view.with_(asof=None)
        snapshot = data.snapshot(None)
    if snapshot is None:
        st.info(
            "No data yet. Press **Refresh data** in the sidebar, or run "
            "`python -m benefitboard refresh`."
        )
        refresh_button(workspace)
        return None
    frames = data.frames(snapshot)
    segments = tuple(
        (dataset, segment) for dataset in frames for segment in workspace.segments(dataset)
    )
    segment_values = segment_values_of(snapshot.id, frames, segments)
    view, notices = read_view(segment_values, None)
    for notice in notices:
        st.toast(notice, icon="⚠️")
    data_start, data_end = data_date_range(snapshot, workspace.timezone)
    view = filter_bar(view, segment_values, data_start, data_end)
    refresh_button(workspace)
    if view.asof:
        st.sidebar.info(f"Pinned to snapshot {snapshot.id}: numbers will not change.")
    else:
        st.sidebar.caption(f"Data snapshot {snapshot.id}")
    context = PageContext(
        workspace, snapshot, frames, view, resolve_period(view, data_end), segment_values
    )
    set_page_context(context)
    return context


navigation = st.navigation(PAGES)
prepare_context()
navigation.run()
