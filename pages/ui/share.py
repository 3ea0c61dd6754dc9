"""Share this view: a link that reopens it, live or pinned to this data snapshot.

A *live* link always shows the latest data for the same view; a *pinned* link
adds ``asof=<snapshot id>`` so the numbers stay exactly as they are now, and
records the pin so the store keeps that snapshot (see ``store.pins``).

The panel is drawn after the page has run (app.py calls it last): a page's own
controls (the trend KPI, the drill-down split) write the URL while the page
runs, and the link must describe the view as the page left it, not as the run
started.

Example:
    >>> link_from(ViewState(kpi="csat"), "http://host:8501/drilldown", "drilldown")
    'http://host:8501/drilldown?kpi=csat'
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from pages.ui.context import PageContext
from pages.ui.filters import read_view
from pages.ui.state import ViewState, view_to_params
from pages.ui.text import escape_markdown
from store.pins import pin_snapshot

FALLBACK_BASE = "http://localhost:8501"
MODES = {
    "live": "Live: always the latest data",
    "pinned": "Pinned: exactly these numbers",
}


def link_from(view: ViewState, page_url: str, page_path: str) -> str:
    """The absolute link to ``view`` on the page at ``page_url`` (pure).

    ``page_url`` may or may not end with the page's own path (``st.context.url``
    includes it); the path is added exactly once.
    """
    base = page_url.rstrip("/")
    if page_path:
        base = base.removesuffix(f"/{page_path}")
    path = f"/{page_path}" if page_path else "/"
    query = urlencode(view_to_params(view))
    return f"{base}{path}" + (f"?{query}" if query else "")


def current_view(context: PageContext) -> ViewState:
    """The view the URL describes now, after the page's own controls wrote to it."""
    view, _ = read_view(context.segment_values, None)
    return view


def view_link(
    context: PageContext,
    *,
    pinned: bool,
    base_url: str | None = None,
    view: ViewState | None = None,
) -> str:
    """The absolute link to the current page and view (pinned adds the snapshot id)."""
    shown = (view or context.view).with_(asof=context.snapshot.id if pinned else None)
    return link_from(shown, base_url or st.context.url or FALLBACK_BASE, context.page_path)


def expired_pin_notice(snapshot_id: str | None, retention_days: int) -> None:
    """Say that a pinned link's snapshot is gone, and that the live view is shown instead.

    The id passed ``parse_view``'s check (digits, ``T`` and ``Z`` only), so it
    is safe to show; it is escaped anyway.
    """
    st.warning(
        f"This link is pinned to data snapshot {escape_markdown(snapshot_id)}, which is no "
        f"longer kept (pinned snapshots are kept {retention_days} days). Showing the live "
        "data instead; the address bar now holds the link to this live view.",
        icon="🕰️",
    )


def share_panel(context: PageContext) -> None:
    """The sidebar's "Share this view" box: pick live or pinned, copy the link."""
    with st.sidebar.expander("Share this view", icon="🔗"):
        mode = st.radio(
            "Numbers", tuple(MODES), format_func=MODES.get, key="share_mode", horizontal=False
        )
        pinned = mode == "pinned"
        if pinned:
            pin_snapshot(context.workspace.store_dir, context.snapshot.id)
        link = view_link(context, pinned=pinned, view=current_view(context))
        st.code(link, language=None, wrap_lines=True)
        st.caption("Copy with the button at the right of the link.")
