"""The shared filter bar: period, comparison, grain and segment filters, mirrored in the URL.

Why one bar for every page: a product manager who narrows to "North, last 90
days" and then switches page expects the same slice; and the URL carries it,
so a copied link reopens it. Widgets are seeded from the URL once per session,
and every change is written back to ``st.query_params``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from metrics.periods import GRAINS
from metrics.periods import Period as DatePeriod
from pages.ui.state import (
    COMPARISONS,
    SEGMENT_PREFIX,
    ViewState,
    parse_view,
    view_to_params,
    within_data,
)

PERIOD_PRESETS = {"Last 7 days": 7, "Last 30 days": 30, "Last 90 days": 90, "Last 365 days": 365}
COMPARISON_LABELS = {
    "previous": "Previous period",
    "year": "Same period last year",
    "none": "No comparison",
}
CUSTOM = "Custom dates"
_BAR_PARAMS = ("from", "to", "last", "cmp", "grain")
_WRITTEN = "_filter_bar_written"
"""Session key: the bar's part of the URL as the bar last wrote it."""


@dataclass(frozen=True)
class Period:
    """The absolute dates the view resolves to, and the comparison period."""

    start: date
    end: date
    comparison_start: date | None
    comparison_end: date | None

    def current(self) -> DatePeriod:
        """The view's dates, as the metrics engine takes them."""
        return DatePeriod(self.start, self.end)

    def comparison(self) -> DatePeriod | None:
        """The comparison dates, or None when the view compares with nothing."""
        if self.comparison_start is None or self.comparison_end is None:
            return None
        return DatePeriod(self.comparison_start, self.comparison_end)


def read_view(
    segment_values: Mapping[str, Sequence[str]], kpis: Sequence[str] | None
) -> tuple[ViewState, list[str]]:
    """The view from the URL (once per session) or from the widgets (after that).

    ``kpis`` None accepts any KPI id (``parse_view``).
    """
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    return parse_view(params, segment_values=segment_values, kpis=kpis)


def filter_bar(
    view: ViewState,
    segment_values: Mapping[str, Sequence[str]],
    data_start: date,
    data_end: date,
    relative_end: date | None = None,
) -> ViewState:
    """Draw the filters in the sidebar; return the view they now describe and update the URL.

    Custom dates may run to ``data_end`` (the newest day of any dataset); switching to them
    starts from the 30 days that end where relative periods end, ``relative_end`` (the
    page's own last day, ``pages.ui.period_end``; default ``data_end``).
    """
    relative_end = min(max(relative_end or data_end, data_start), data_end)
    view, notices = within_data(view, data_start, data_end)
    for notice in notices:
        st.toast(notice, icon="⚠️")
    _follow_links(view, segment_values)
    sidebar = st.sidebar
    sidebar.markdown("### Filters")
    presets = period_choices(view.last_days)
    preset_names = [*presets, CUSTOM]
    initial = CUSTOM if view.start else _preset_name(view.last_days)
    preset = sidebar.selectbox(
        "Period", preset_names, index=preset_names.index(initial), key="filter_period"
    )
    if preset == CUSTOM:
        shown = relative_end - timedelta(days=29)
        default = (view.start or max(shown, data_start), view.end or relative_end)
        chosen = sidebar.date_input(
            "Dates", value=default, min_value=data_start, max_value=data_end, key="filter_dates"
        )
        if isinstance(chosen, Sequence) and len(chosen) == 2:
            view = view.with_(start=chosen[0], end=chosen[1], last_days=None)
    else:
        view = view.with_(start=None, end=None, last_days=presets[preset])
    comparison = sidebar.selectbox(
        "Compare with",
        COMPARISONS,
        index=COMPARISONS.index(view.comparison),
        format_func=COMPARISON_LABELS.__getitem__,
        key="filter_comparison",
    )
    grain = sidebar.selectbox(
        "Trend grain", GRAINS, index=GRAINS.index(view.grain), key="filter_grain"
    )
    segments: dict[str, tuple[str, ...]] = {}
    for segment, values in segment_values.items():
        picked = sidebar.multiselect(
            segment.replace("_", " ").capitalize(),
            list(values),
            default=[v for v in view.segments.get(segment, ()) if v in values],
            key=f"filter_seg_{segment}",
            placeholder="All",
        )
        if picked:
            segments[segment] = tuple(picked)
    view = view.with_(comparison=comparison, grain=grain, segments=segments)
    _write_url(view)
    return view


def resolve_period(view: ViewState, data_end: date) -> Period:
    """Absolute dates: pinned dates as given, relative ones counted back from the data."""
    if view.start and view.end:
        start, end = view.start, view.end
    else:
        end = data_end
        start = end - timedelta(days=(view.last_days or 30) - 1)
    days = (end - start).days + 1
    if view.comparison == "previous":
        return Period(start, end, start - timedelta(days=days), start - timedelta(days=1))
    if view.comparison == "year":
        return Period(start, end, _year_ago(start), _year_ago(end))
    return Period(start, end, None, None)


def _year_ago(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_choices(last_days: int | None) -> dict[str, int]:
    """The relative periods on offer: the presets, plus a link's own number of days.

    A link may say ``last=45``; offering "Last 45 days" keeps it relative and
    shows it, instead of silently switching to a preset with other numbers.

    >>> list(period_choices(45))
    ['Last 7 days', 'Last 30 days', 'Last 45 days', 'Last 90 days', 'Last 365 days']
    """
    days = set(PERIOD_PRESETS.values()) | ({last_days} if last_days else set())
    return {_preset_name(n): n for n in sorted(days)}


def _preset_name(days: int | None) -> str:
    days = days or 30
    return f"Last {days} days" if days != 1 else "Last day"


def _write_url(view: ViewState) -> None:
    wanted = view_to_params(view)
    current = {key: st.query_params.get(key) for key in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[_WRITTEN] = _bar_params(wanted)


def _follow_links(view: ViewState, segment_values: Mapping[str, Sequence[str]]) -> None:
    """Let a link's filters win over the widgets' remembered values.

    The widgets keep their values for the session, so a link that changes the
    filters in the URL without reloading (``st.page_link``, a drill-down click)
    would be overwritten by them. When the bar's part of the URL differs from
    what the bar last wrote, the widgets are set to what the URL says (through
    session state, so the browser shows the new values too).
    """
    written = st.session_state.get(_WRITTEN)
    current = {key: st.query_params.get(key) for key in st.query_params}
    if written is None or written == _bar_params(current):
        return
    state = st.session_state
    state["filter_period"] = CUSTOM if view.start else _preset_name(view.last_days)
    if view.start and view.end:
        state["filter_dates"] = (view.start, view.end)
    else:
        state.pop("filter_dates", None)
    state["filter_comparison"] = view.comparison
    state["filter_grain"] = view.grain
    for segment, values in segment_values.items():
        state[f"filter_seg_{segment}"] = [v for v in view.segments.get(segment, ()) if v in values]


def _bar_params(params: Mapping[str, str | None]) -> dict[str, str | None]:
    return {k: v for k, v in params.items() if k in _BAR_PARAMS or k.startswith(SEGMENT_PREFIX)}
