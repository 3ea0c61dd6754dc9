"""The leadership screen: `?screen=1` for a meeting-room display, plus the pages' shared header.

On a screen nobody touches, the app shows no sidebar and no widgets, uses large,
high-contrast type (the theme's own text colour, never a faded grey), doubles
everything on a 4K display that runs at 100% scaling, rotates through chosen
pages (``rotate=60&show=overview,benefits``) and picks up a new data snapshot by
itself: a fragment checks the store's CURRENT snapshot id every
``SNAPSHOT_CHECK_SECONDS`` and reruns the app in place when it changed, so the
browser never reloads and the screen never flashes blank.

The style blocks are fixed text: nothing from data or the URL goes into them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from pages.ui import data
from pages.ui.context import PageContext
from pages.ui.state import view_to_params
from pages.ui.text import escape_markdown, printable

SNAPSHOT_CHECK_SECONDS = 10
"""How often a screen looks for a new snapshot (reading one small file)."""
SCREEN_VALUES = ("1", "true", "yes")
DEFAULT_ROTATION = ("overview", "benefits", "growth")

TILE_STYLE = """
<style>
[class*="st-key-tile_red_"] { border-left: 0.45rem solid #d94a57 !important; }
[class*="st-key-tile_amber_"] { border-left: 0.45rem solid #e0a526 !important; }
[class*="st-key-tile_green_"] { border-left: 0.45rem solid #079464 !important; }
[class*="st-key-tile_none_"] { border-left: 0.45rem solid rgba(128, 128, 128, 0.35) !important; }
[class*="st-key-tile_"] [data-testid="stMetricValue"] { font-variant-numeric: tabular-nums; }
[class*="st-key-tile_"] [data-testid="stMarkdown"] p { font-size: 0.875rem; font-weight: 600; }
[class*="st-key-tile_"] { gap: 0.45rem; }
[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
[data-testid="stHeading"] h1 { font-size: 2.2rem; }
</style>
"""

SCREEN_STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stTooltipIcon"], [data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMainBlockContainer"] {
  padding: 0.9rem 2rem 0.4rem 2rem !important; max-width: 100% !important;
}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.55rem; }
[data-testid="stMetricLabel"] { min-height: 0 !important; margin-bottom: 0.1rem; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; font-weight: 650 !important; }
[class*="st-key-tile_"] {
  container-type: inline-size; padding: 0.6rem 0.9rem !important; gap: 0.3rem !important;
}
[data-testid="stMetricValue"] p {
  font-size: min(3.2rem, 13cqi) !important; font-weight: 700 !important;
  line-height: 1.1 !important;
}
[data-testid="stMetricDelta"] p { font-size: 1.3rem !important; font-weight: 600 !important; }
[class*="st-key-tile_"] [data-testid="stMarkdown"] p { font-size: 1.2rem !important; }
[data-testid="stMetricDeltaDescription"] p { font-size: 1.15rem !important; }
[data-testid="stCaptionContainer"] p {
  font-size: 1.05rem !important; color: inherit !important; opacity: 0.92;
}
[data-testid="stHeading"] h1 { font-size: 2rem !important; padding: 0 !important; }
[data-testid="stHeading"] h3 {
  font-size: 1.5rem !important; padding: 0.15rem 0 0.25rem !important;
}
@media (min-width: 2880px) { html { font-size: 32px !important; } }
</style>
"""


def screen_requested() -> bool:
    """Whether the URL asks for the leadership screen (read before the page config is set)."""
    return st.query_params.get("screen", "") in SCREEN_VALUES


def screen_style() -> None:
    """Full-screen layout: no sidebar, header or tooltips; large, high-contrast type."""
    st.html(SCREEN_STYLE)


def page_header(title: str, context: PageContext | None) -> None:
    """The page title and the period it describes (one compact line on the screen)."""
    st.html(TILE_STYLE)
    if context is None:
        st.title(title)
        return
    period = context.period
    shown = f"{period.start:%d %b %Y} – {period.end:%d %b %Y}"
    compared = (
        f" · compared with {period.comparison_start:%d %b %Y} – {period.comparison_end:%d %b %Y}"
        if period.comparison_start
        else " · no comparison"
    )
    filters = "; ".join(
        f"{segment.replace('_', ' ')}: {', '.join(values)}"
        for segment, values in sorted(context.view.segments.items())
        if values
    )
    scope = f" · {escape_markdown(filters)}" if filters else ""
    if context.view.screen:
        st.title(f"{title} · {shown}")
        st.caption(
            f"Compared with {_comparison_words(context)}{scope} · data updated {_updated(context)}"
        )
        return
    st.title(title)
    st.caption(f"{shown}{compared}{scope}")


def _updated(context: PageContext) -> str:
    """When the snapshot on screen was taken, in the reporting time zone ('01 Nov 2026 07:00')."""
    taken = datetime.fromisoformat(context.snapshot.created_at)
    if taken.tzinfo is None:
        taken = taken.replace(tzinfo=UTC)
    return f"{taken.astimezone(ZoneInfo(context.workspace.timezone)):%d %b %Y %H:%M}"


def _comparison_words(context: PageContext) -> str:
    period = context.period
    if not period.comparison_start:
        return "nothing (no comparison)"
    return f"{period.comparison_start:%d %b %Y} – {period.comparison_end:%d %b %Y}"


def rotation_names(
    tokens: Sequence[str], pages: Mapping[str, st.Page]
) -> tuple[list[str], list[str]]:
    """The page names of ``show=`` that exist, in order, and those that don't (to report).

    Without ``show=`` a screen rotates through the leadership pages.
    """
    tokens = tuple(tokens) or DEFAULT_ROTATION
    return [t for t in tokens if t in pages], [t for t in tokens if t not in pages]


def next_page(names: Sequence[str], current: str) -> str:
    """The page after ``current`` in the rotation (the first one if ``current`` is not in it).

    >>> next_page(["overview", "benefits", "growth"], "growth")
    'overview'
    >>> next_page(["overview", "benefits"], "data-quality")
    'overview'
    """
    if current not in names:
        return names[0]
    return names[(list(names).index(current) + 1) % len(names)]


def screen_clock(context: PageContext | None, current: str, pages: Mapping[str, st.Page]) -> None:
    """Start the screen's timers: the snapshot check always, page rotation when asked for.

    ``current`` is the name (as in ``show=``) of the page on screen; ``pages``
    maps every name a rotation may use to its page.
    """
    if context is not None and not context.view.asof:
        _watch_snapshot(context.snapshot.id)
    if context is None or not context.view.rotate_seconds:
        return
    names, unknown = rotation_names(context.view.rotate_pages, pages)
    if unknown:
        shown = escape_markdown(printable(", ".join(unknown), 60))
        st.toast(f"Not rotating through unknown page(s): {shown}", icon="⚠️")
    if len(names) < 2:
        return
    target = pages[next_page(names, current)]
    seconds = context.view.rotate_seconds
    st.fragment(_rotation_tick, run_every=seconds)(
        seconds, current, target, view_to_params(context.view)
    )


@st.fragment(run_every=SNAPSHOT_CHECK_SECONDS)
def _watch_snapshot(shown_id: str) -> None:
    """Rerun the app in place (no browser reload) once the store has a newer snapshot."""
    latest = data.snapshot(None)
    if latest is not None and latest.id != shown_id:
        st.rerun(scope="app")


_SHOWN_SINCE = "_screen_page_shown_since"


def _rotation_tick(seconds: int, current: str, target: st.Page, params: dict[str, str]) -> None:
    """Runs with the page and then every ``seconds``: after that long on screen, switch."""
    now = time.monotonic()
    shown = st.session_state.get(_SHOWN_SINCE)
    if shown is None or shown[0] != current:
        st.session_state[_SHOWN_SINCE] = (current, now)
        return
    if now - shown[1] >= seconds - 0.5:
        st.session_state[_SHOWN_SINCE] = None
        st.switch_page(target, query_params=params)
