"""The leadership charts' shared vocabulary: colours, KPI axis formats, company events, screen size.

Why one place: a leader reads several charts in a row; the same colour must
mean the same thing on each (the KPI, its target, an incident), and an axis
must read like the tile above it (87% not 0.87, €4.10 not 4.1). Colours are
mid-tones chosen to stay readable on both the light and the dark theme.

Example:
    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> axis_format(DEFAULT_REGISTRY.get("csat"))
    {'tickformat': '.1~%'}
    >>> axis_format(DEFAULT_REGISTRY.get("shipping_cost_per_order"), "EUR")
    {'tickformat': ',.2~f', 'tickprefix': '€'}
    >>> chart_text("<b>Sale</b> & more")
    '&lt;b&gt;Sale&lt;/b&gt; &amp; more'
    >>> chart_text("Carrier change in North region", 12)
    'Carrier cha…'
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date

import plotly.graph_objects as go
import polars as pl

from metrics.kpi import Kpi

SERIES = "#3b82f6"
"""The KPI's own line and its interval band (at ``BAND_OPACITY``)."""
SECOND_SERIES = "#9b5de5"
COMPARISON = "#9ca3af"
TARGET = "#e0682b"
BAND_OPACITY = 0.18
PERIOD_SHADE = "rgba(59, 130, 246, 0.08)"
GOOD, NEUTRAL, BAD = "#079464", "#9ca3af", "#d94a57"
EVENT_COLORS: Mapping[str, str] = {
    "release": "#3b82f6",
    "programme": "#9b5de5",
    "incident": "#d94a57",
}
OTHER_EVENT = "#6b7280"
CHART_HEIGHT = 360
SCREEN_FONT = 20
EVENT_LABEL_CHARS = 32
_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def axis_format(kpi: Kpi, currency: str = "EUR") -> dict[str, str]:
    """Plotly axis settings that print values the way ``Kpi.format_value`` does."""
    if kpi.format == "percent":
        return {"tickformat": ".1~%"}
    if kpi.format in ("currency", "currency0"):
        symbol = _CURRENCY_SYMBOLS.get(currency, f"{currency} ")
        return {"tickformat": ",.2~f" if kpi.format == "currency" else ",.0f", "tickprefix": symbol}
    if kpi.format == "hours":
        return {"tickformat": ",.0f", "ticksuffix": " h"}
    if kpi.format == "count":
        return {"tickformat": ",.0f"}
    return {"tickformat": ",.1~f" if kpi.format in ("score", "index") else ",.0f"}


def money_axis(currency: str = "EUR") -> dict[str, str]:
    """Axis settings for whole amounts of money ('€200,000')."""
    return {"tickformat": ",.0f", "tickprefix": _CURRENCY_SYMBOLS.get(currency, f"{currency} ")}


def money(value: float | None, currency: str = "EUR") -> str:
    """Whole currency units with thousands separators: '€12,345' (for amounts without a KPI)."""
    if value is None:
        return "—"
    symbol = _CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    return f"{'−' if value < 0 else ''}{symbol}{abs(value):,.0f}"


def chart_text(text: object, limit: int | None = None) -> str:
    """Data text made safe for Plotly labels (which read a few HTML tags) and shortened."""
    plain = " ".join(str(text).split())
    if limit is not None and len(plain) > limit:
        plain = plain[: limit - 1] + "…"
    return html.escape(plain, quote=False)


def base_layout(fig: go.Figure, *, height: int = CHART_HEIGHT, title: str | None = None) -> None:
    """Calm defaults: no chart junk, legend on top, room for event labels."""
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 56 if title else 36, "b": 8},
        title={"text": chart_text(title), "x": 0, "xanchor": "left"} if title else None,
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "x": 0,
            "title": None,
        },
        hovermode="x unified",
        showlegend=True,
    )


def add_events(fig: go.Figure, events: pl.DataFrame | None, start: date, end: date) -> int:
    """Mark company events (``date``, ``title``, ``kind``) between ``start`` and ``end``.

    Each event is a dotted vertical line in its kind's colour with its title above
    the plot (readable on a screen nobody hovers over); titles of events close
    together are stacked so they do not overlap. Returns how many were drawn.
    """
    if events is None or events.is_empty():
        return 0
    shown = events.filter(pl.col("date").is_between(start, end)).sort("date")
    span = max((end - start).days, 1)
    levels: list[int] = []
    previous: date | None = None
    for row in shown.iter_rows(named=True):
        # Titles are long and charts narrow: neighbours less than half the window apart
        # take turns on three lines so they never print over each other.
        close = previous is not None and (row["date"] - previous).days < 0.45 * span
        level = (levels[-1] + 1) % 3 if close and levels else 0
        levels.append(level)
        previous = row["date"]
        kind = str(row.get("kind") or "").strip().lower()
        color = EVENT_COLORS.get(kind, OTHER_EVENT)
        fig.add_vline(x=row["date"], line={"color": color, "width": 1.5, "dash": "dot"})
        late_in_window = (row["date"] - start).days > 0.7 * span
        fig.add_annotation(
            x=row["date"],
            y=1,
            yref="paper",
            yanchor="bottom",
            xanchor="right" if late_in_window else "left",
            yshift=2 + 17 * level,
            text=chart_text(row["title"], EVENT_LABEL_CHARS),
            hovertext=f"{chart_text(row['title'])} ({chart_text(kind or 'event')}, "
            f"{row['date']:%d %b %Y})",
            showarrow=False,
            font={"color": color, "size": 12},
        )
    if levels:
        top = fig.layout.margin.t or 36
        fig.update_layout(margin={"t": top + 17 * (max(levels) + 1)})
    return len(levels)


def shade_period(fig: go.Figure, start: date, end: date) -> None:
    """A light band behind the dates the tiles describe, so the trend reads against them."""
    fig.add_vrect(x0=start, x1=end, fillcolor=PERIOD_SHADE, line_width=0, layer="below")
    note(fig, "shaded: the period the tiles describe")


def note(fig: go.Figure, text: str) -> None:
    """A short line under the chart title (added to any line already there)."""
    current = fig.layout.title.subtitle.text if fig.layout.title.subtitle else None
    fig.update_layout(
        title_subtitle={
            "text": f"{current} · {text}" if current else text,
            "font": {"size": 12, "color": COMPARISON},
        },
        margin={"t": (fig.layout.margin.t or 36) + (0 if current else 18)},
    )


def add_target(fig: go.Figure, target: float | None, text: str, **where) -> None:
    """A dashed horizontal target line labelled with the formatted target."""
    if target is None:
        return
    fig.add_hline(
        y=target,
        line={"color": TARGET, "width": 1.5, "dash": "dash"},
        annotation={"text": chart_text(text), "font": {"color": TARGET, "size": 12}},
        annotation_position="top right",
        **where,
    )


def for_screen(fig: go.Figure) -> go.Figure:
    """The same figure with type large enough to read across a meeting room."""
    fig.update_layout(
        font={"size": SCREEN_FONT},
        hoverlabel={"font": {"size": SCREEN_FONT}},
        title_font_size=SCREEN_FONT + 2,
        legend_font_size=SCREEN_FONT - 2,
    )
    if fig.layout.title.subtitle and fig.layout.title.subtitle.text:
        fig.update_layout(title_subtitle_font_size=SCREEN_FONT - 5)
    fig.update_annotations(font_size=SCREEN_FONT - 4)
    fig.update_xaxes(tickfont={"size": SCREEN_FONT - 2})
    fig.update_yaxes(tickfont={"size": SCREEN_FONT - 2})
    return fig
