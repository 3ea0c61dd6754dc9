"""Clicks that open another view: the new view goes into the URL, so every drill is a link.

A product manager clicks North on a bar chart; the page becomes "NPS in North,
by plan", and the address bar says so (``seg.region=North&split=plan``). The
same URL pasted into a roadmap review reopens exactly that view. So a click
never changes hidden state: it writes a ``ViewState`` to the URL and reruns.

Page widgets whose value lives in the URL use ``url_key``: the key carries the
value the URL holds, so when a link changes the URL the widget starts afresh
from it instead of keeping its old value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import streamlit as st

from pages.ui.state import ViewState, view_to_params
from pages.ui.tables import show_table


def show_view(view: ViewState, page: str) -> NoReturn:
    """Open ``view`` on ``page`` (a path like "pages/verbatims.py", this page or another).

    ``st.switch_page`` rather than ``st.query_params`` + ``st.rerun``: a rerun can
    start before the browser got the new query string, and the address bar would
    keep the old view; ``st.switch_page`` waits for it to be delivered.
    """
    st.switch_page(page, query_params=view_to_params(view))


def drill_into(view: ViewState, segments: Sequence[str], segment: str, value: str) -> ViewState:
    """The view of one segment value: filtered to it, split by the next unfiltered segment.

    >>> view = drill_into(ViewState(split="region"), ["plan", "region"], "region", "North")
    >>> dict(view.segments), view.split
    ({'region': ('North',)}, 'plan')
    """
    filters = {**view.segments, segment: (value,)}
    following = [s for s in segments if s not in filters]
    return view.with_(
        segments=filters,
        split=following[0] if following else segment,
        split2=None,
        page_number=1,
    )


def link_to(page: str, label: str, view: ViewState, *, icon: str | None = None) -> None:
    """A link to ``page`` showing ``view`` (an in-app link: no new tab, no reload)."""
    st.page_link(page, label=label, icon=icon, query_params=view_to_params(view))


def url_key(name: str, value: object) -> str:
    """A widget key that changes whenever the URL's value for the widget changes."""
    return f"{name}={value}"


def clicked(selection: Any, position: int = 0) -> str | None:
    """The ``customdata[position]`` of the first point a Plotly selection event holds, or None.

    ``selection`` is what ``st.plotly_chart(..., on_select="rerun")`` returns.
    """
    points: Sequence[Mapping[str, Any]] = (selection or {}).get("selection", {}).get("points", [])
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, Sequence) and not isinstance(custom, str) and len(custom) > position:
            value = custom[position]
        else:
            value = custom
        if value is not None:
            return str(value)
    return None


def selectable_table(frame: Any, key: str, *, name: str) -> int | None:
    """A read-only table whose rows can be selected, one at a time; the selected row or None.

    Data cells are drawn by the grid as plain text, never as Markdown or HTML.
    ``name`` names the CSV analysts can download (``pages.ui.tables.show_table``).
    """
    event = show_table(frame, name=name, key=key, on_select="rerun", selection_mode="single-row")
    rows = (event or {}).get("selection", {}).get("rows", [])
    return int(rows[0]) if rows else None
