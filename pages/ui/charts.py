"""Drawing a chart from charts/ on a page: one call, the same settings everywhere.

Why a wrapper: every chart should follow the app's light or dark theme, hide
Plotly's toolbar (it distracts on a shared screen), grow its type in
leadership-screen mode, and offer analysts a PNG of itself; a page should not
repeat those choices.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from charts.style import for_screen
from pages.ui.context import page_context
from pages.ui.downloads import chart_download, chart_name, downloads_allowed

PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


def show_chart(fig: go.Figure, *, key: str, name: str | None = None, **options: Any) -> Any:
    """Draw ``fig`` in the theme's colours; larger type on the leadership screen.

    Analysts get a PNG download under it, named after the chart's title (or
    ``name``). ``options`` go to ``st.plotly_chart`` (``on_select``,
    ``selection_mode``), whose return value — the selection event — is returned.
    """
    context = page_context()
    if context is not None and context.view.screen:
        fig = for_screen(fig)
    event = st.plotly_chart(
        fig, key=key, theme="streamlit", config=PLOTLY_CONFIG, width="stretch", **options
    )
    if downloads_allowed(context, images=True):
        chart_download(context, fig, key=key, name=name or chart_name(fig, key))
    return event
