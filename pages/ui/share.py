"""Share this view: a link that reopens it, live or pinned to this data snapshot.

A *live* link always shows the latest data for the same view; a *pinned* link
adds ``asof=<snapshot id>`` so the numbers stay exactly as they are now, and
records the pin so the store keeps that snapshot (see ``store.pins``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from pages.ui.context import PageContext
from pages.ui.state import view_to_params
from store.pins import pin_snapshot

FALLBACK_BASE = "http://localhost:8501"


def view_link(context: PageContext, *, pinned: bool, base_url: str | None = None) -> str:
    """The absolute link to the current page and view (pinned adds the snapshot id)."""
    view = context.view.with_(asof=context.snapshot.id if pinned else None)
    base = (base_url or st.context.url or FALLBACK_BASE).rstrip("/")
    path = f"/{context.page_path}" if context.page_path else "/"
    query = urlencode(view_to_params(view))
    return f"{base}{path}" + (f"?{query}" if query else "")


def share_panel(context: PageContext) -> None:
    """The sidebar's "Share this view" box: pick live or pinned, copy the link."""
    with st.sidebar.expander("Share this view", icon="🔗"):
        mode = st.radio(
            "Numbers",
            ("live", "pinned"),
            format_func={
                "live": "Live: always the latest data",
                "pinned": "Pinned: exactly these numbers",
            }.get,
            key="share_mode",
            horizontal=False,
        )
        pinned = mode == "pinned"
        if pinned:
            pin_snapshot(context.workspace.store_dir, context.snapshot.id)
        st.code(view_link(context, pinned=pinned), language=None, wrap_lines=True)
        st.caption("Copy with the button at the right of the link.")
