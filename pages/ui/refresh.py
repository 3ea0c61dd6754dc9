"""The sidebar's Refresh button: the same refresh as the command line, with a progress bar.

Analysts (and local sessions) only: a refresh loads every source and costs the
warehouse and the server real work, so a viewer's click should not start one.
"""

from __future__ import annotations

import streamlit as st

from benefitboard.config import WorkspaceConfig
from pages.ui.auth import Access
from pages.ui.text import escape_markdown


def refresh_button(workspace: WorkspaceConfig, access: Access | None) -> None:
    """Offer a refresh; while it runs, readers keep seeing the current snapshot."""
    if access is not None and access.role != "analyst":
        return
    if not st.sidebar.button("Refresh data", help="Load every source, validate, snapshot"):
        return
    from benefitboard.refresh import refresh_workspace
    from store.writable import StoreNotWritableError

    bar = st.sidebar.progress(0.0, text="Starting refresh")

    def show_progress(fraction: float, message: str) -> None:
        bar.progress(fraction, text=message)

    try:
        report = refresh_workspace(workspace, progress=show_progress)
    except StoreNotWritableError as error:  # the page below keeps its tiles
        bar.empty()
        st.sidebar.error(escape_markdown(str(error)))
        return
    if report.status == "ok":
        st.sidebar.success(f"Snapshot {report.snapshot_id}: every dataset fresh and valid.")
    else:
        st.sidebar.warning(
            f"Snapshot {report.snapshot_id}: {report.status}. See the Data quality page."
        )
    st.rerun()
