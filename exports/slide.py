"""The executive overview as one slide: every tile, stamped with period, filters, snapshot and link.

Why a Plotly figure and not a screenshot: it renders the same numbers from the
same ``KpiResult`` objects the page shows, at slide size, without a browser
session or the sidebar, and kaleido turns it into PNG or PDF. The stamp makes
a pasted slide traceable: which period, which filters, which data snapshot,
and the link that reopens the view.

Example (the overview passes its tile rows, ``[(row title, [KpiResult, ...]), ...]``):
    >>> stamp = SlideStamp("Executive overview", "02 Oct 2026 – 31 Oct 2026",
    ...     "previous period", "region: North", "20261101T060000Z",
    ...     "http://localhost:8501/?asof=20261101T060000Z")
    >>> slide_file([], stamp, "pdf")[:5]
    b'%PDF-'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from exports.images import figure_image

SLIDE_WIDTH, SLIDE_HEIGHT = 1600, 900
SLIDE_FORMATS = ("pdf", "png")
STATUS_COLOUR = {"green": "#1a7f37", "amber": "#b7791f", "red": "#c62828", "none": "#8a94a0"}
INK, MUTED, CARD = "#14212b", "#5b6770", "#f3f6f8"


@dataclass(frozen=True)
class SlideStamp:
    """Where the numbers come from, printed at the foot of the slide."""

    title: str
    period: str
    comparison: str
    filters: str
    snapshot: str
    link: str


def overview_slide(
    rows: Sequence[tuple[str, Sequence]], stamp: SlideStamp, *, columns: int = 4
) -> go.Figure:
    """A 16:9 figure with one card per KPI result, grouped in titled rows.

    ``rows`` is ``[(row title, [KpiResult, ...]), ...]`` in display order.
    """
    figure = go.Figure()
    card_lines = sum((len(results) + columns - 1) // columns for _, results in rows)
    title_band, gap = 0.045, 0.015
    card = min(0.16, (0.84 - 0.08 - len(rows) * title_band) / max(card_lines, 1) - gap)
    width = 0.96 / columns
    y = 0.86
    for title, results in rows:
        _text(figure, 0.02, y - title_band / 2, f"<b>{_plain(title)}</b>", 16, INK)
        y -= title_band
        for index, result in enumerate(results):
            if index and index % columns == 0:
                y -= card + gap
            _card(figure, result, 0.02 + (index % columns) * width, y, width - 0.01, card)
        y -= card + gap
    _text(figure, 0.02, 0.96, f"<b>{_plain(stamp.title)}</b>", 26, INK)
    _text(figure, 0.02, 0.915, _plain(f"{stamp.period} · {stamp.comparison}"), 14, MUTED)
    foot = f"Filters: {stamp.filters} · Data snapshot {stamp.snapshot} · {stamp.link}"
    _text(figure, 0.02, 0.03, _plain(foot), 11, MUTED)
    figure.update_layout(
        width=SLIDE_WIDTH,
        height=SLIDE_HEIGHT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={"visible": False, "range": [0, 1]},
        yaxis={"visible": False, "range": [0, 1]},
        showlegend=False,
    )
    return figure


def slide_file(rows: Sequence[tuple[str, Sequence]], stamp: SlideStamp, fmt: str = "pdf") -> bytes:
    """The slide as a file: PDF (vector, sharp at any size) or PNG (2×, 3200 × 1800 pixels)."""
    if fmt not in SLIDE_FORMATS:
        raise ValueError(f"a slide is one of {SLIDE_FORMATS}, got {fmt!r}")
    figure = overview_slide(rows, stamp)
    scale = 2 if fmt == "png" else 1
    return figure_image(figure, fmt, width=SLIDE_WIDTH, height=SLIDE_HEIGHT, scale=scale)


def _card(figure: go.Figure, result, x: float, y: float, width: float, height: float) -> None:
    kpi = result.kpi
    figure.add_shape(
        type="rect",
        x0=x,
        x1=x + width,
        y0=y - height,
        y1=y,
        fillcolor=CARD,
        line={"color": STATUS_COLOUR.get(result.status, STATUS_COLOUR["none"]), "width": 2},
        layer="below",
    )
    _text(figure, x + 0.008, y - height * 0.18, _plain(kpi.label), 13, MUTED)
    if result.missing:
        _text(figure, x + 0.008, y - height * 0.5, "—", 26, INK)
        _text(figure, x + 0.008, y - height * 0.8, _plain(result.missing)[:60], 10, MUTED)
        return
    value = kpi.format_value(result.current.value)
    _text(figure, x + 0.008, y - height * 0.5, f"<b>{_plain(value)}</b>", 26, INK)
    _text(figure, x + 0.008, y - height * 0.8, _plain(_change_line(result)), 11, MUTED)


def _change_line(result) -> str:
    change = result.change
    if change is None or change.delta is None:
        return "no comparison data"
    word = change.word if change.significant else "no significant change"
    target = f" · target {result.kpi.format_value(result.target)}" if result.target else ""
    return f"{result.kpi.format_delta(change.delta)} ({word}){target}"


def _text(figure: go.Figure, x: float, y: float, text: str, size: int, colour: str) -> None:
    figure.add_annotation(
        x=x,
        y=y,
        xref="paper",
        yref="paper",
        text=text,
        showarrow=False,
        xanchor="left",
        yanchor="middle",
        font={"size": size, "color": colour},
        align="left",
    )


def _plain(text: str) -> str:
    """Plotly annotations read a subset of HTML: escape it so data shows as text."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
