"""The sidebar's Refresh button: the same refresh as the command line, with a progress bar."""

from __future__ import annotations

import streamlit as st

from benefitboard.config import WorkspaceConfig


def refresh_button(workspace: WorkspaceConfig) -> None:
    """Offer a refresh; while it runs, readers keep seeing the current snapshot."""
    if not st.sidebar.button("Refresh data", help="Load every source, validate, snapshot"):
        return
    from benefitboard.refresh import refresh_workspace

    bar = st.sidebar.progress(0.0, text="Starting refresh")
    report = refresh_workspace(
        workspace, progress=lambda fraction, message: bar.progress(fraction, text=message)
    )
    if report.status == "ok":
        st.sidebar.success(f"Snapshot {report.snapshot_id}: every dataset fresh and valid.")
    else:
        st.sidebar.warning(
            f"Snapshot {report.snapshot_id}: {report.status}. See the Data quality page."
        )
    st.rerun()
