"""Drawing a chart from charts/ on a page: one call, the same settings everywhere.

Why a wrapper: every chart should follow the app's light or dark theme, hide
Plotly's toolbar (it distracts on a shared screen), and grow its type in
leadership-screen mode; a page should not repeat those choices.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from charts.style import for_screen
from pages.ui.context import page_context

PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


def show_chart(fig: go.Figure, *, key: str) -> None:
    """Draw ``fig`` in the theme's colours; larger type on the leadership screen."""
    context = page_context()
    if context is not None and context.view.screen:
        fig = for_screen(fig)
    st.plotly_chart(fig, key=key, theme="streamlit", config=PLOTLY_CONFIG, width="stretch")
