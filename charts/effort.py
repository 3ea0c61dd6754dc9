"""Effort prioritisation figures: where customers spend time and struggle, and how it moves.

The bubble chart puts the three factors of ``metrics.effort_priority`` on one
picture: volume across, mean handle time up (with its 95% interval), CES as the
colour (red = hard) and the priority as the bubble's size. A small, high, red
bubble is the rare-but-painful reason the table ranks high; a big bubble low on
the chart is frequent but easy. Bubbles carry their reason in ``customdata`` so
a click opens it.

Example:
    >>> import polars as pl
    >>> table = pl.DataFrame({"rank": [1], "contact_reason": ["plan correction"], "volume": [7],
    ...     "share": [0.03], "handle_minutes": [31.0], "handle_low": [25.0], "handle_high": [37.0],
    ...     "ces": [1.3], "ces_n": [3], "ces_shrunk": [4.3], "priority": [97.0]})
    >>> fig = effort_bubbles(table, (1, 7))
    >>> fig.data[0].customdata[0][0], fig.data[0].x[0], fig.data[0].y[0]
    ('plan correction', 7, 31.0)
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from charts.drilldown import error_bars
from charts.style import BAD, GOOD, NEUTRAL, SERIES, base_layout, chart_text

EFFORT_SCALE = [[0.0, BAD], [0.5, "#f2c14e"], [1.0, GOOD]]
MAX_BUBBLE_PX = 60


def effort_bubbles(table: pl.DataFrame, ces_range: tuple[int, int], *, best: int = 7) -> go.Figure:
    """Volume × mean handle time, coloured by CES and sized by priority (``effort_priority``).

    ``ces_range`` is the CES scale (1–7 or 1–5) and ``best`` its easiest answer,
    so red always means hard whichever way the scale runs.
    """
    rows = table.sort("rank")
    priority = [p or 0.0 for p in rows["priority"].to_list()]
    largest = max(priority, default=0.0)
    low, high = ces_range
    reversed_scale = best == low
    values, lows, highs = (
        rows[c].to_list() for c in ("handle_minutes", "handle_low", "handle_high")
    )
    fig = go.Figure(
        go.Scatter(
            x=rows["volume"].to_list(),
            y=values,
            mode="markers+text",
            text=[chart_text(r, 24) for r in rows["contact_reason"].to_list()],
            textposition=[
                "top center" if i % 2 == 0 else "bottom center" for i in range(rows.height)
            ],  # alternate, so labels of bubbles close together do not print over each other
            marker={
                "size": priority,
                "sizemode": "area",
                "sizeref": 2.0 * largest / MAX_BUBBLE_PX**2 if largest > 0 else 1.0,
                "sizemin": 6,
                # a reason without CES answers in the view has no colour (Plotly refuses None)
                "color": [float("nan") if c is None else c for c in rows["ces"].to_list()],
                "cmin": low,
                "cmax": high,
                "colorscale": EFFORT_SCALE[::-1] if reversed_scale else EFFORT_SCALE,
                "colorbar": {"title": "CES"},
                "line": {"color": "#374151", "width": 1},
            },
            error_y=error_bars(values, lows, highs, color=NEUTRAL, thickness=1),
            customdata=[[r] for r in rows["contact_reason"].to_list()],
            hovertext=[_hover(row) for row in rows.iter_rows(named=True)],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    base_layout(fig, title="Contact reasons: volume × handle time × effort", height=440)
    fig.update_layout(hovermode="closest", clickmode="event+select")
    fig.update_xaxes(title="contacts in the period", rangemode="tozero")
    fig.update_yaxes(title="mean handle time (minutes)", rangemode="tozero")
    return fig


def reason_trend_figure(trend: pl.DataFrame, reason: str, *, grain: str = "week") -> go.Figure:
    """One reason's volume (bars) and CES (line, right axis) per bucket (``effort_trend``)."""
    rows = trend.filter(pl.col("contact_reason") == reason).sort("bucket_start")
    x = rows["bucket_start"].to_list()
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=rows["volume"].to_list(),
        name="contacts",
        marker={"color": SERIES, "opacity": 0.55},
        hovertemplate=f"{grain} of %{{x|%d %b %Y}}: %{{y:,}} contacts<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=rows["ces"].to_list(),
        name="CES (mean)",
        mode="lines+markers",
        yaxis="y2",
        line={"color": BAD, "width": 2},
        customdata=[[n or 0] for n in rows["ces_n"].to_list()],
        hovertemplate="CES %{y:.2f} from %{customdata[0]} answers<extra></extra>",
        connectgaps=False,
    )
    base_layout(fig, title=f"{chart_text(reason)}: contacts and effort over time")
    fig.update_layout(
        hovermode="x unified",
        yaxis={"title": "contacts", "rangemode": "tozero"},
        yaxis2={"title": "CES", "overlaying": "y", "side": "right", "showgrid": False},
    )
    return fig


def _hover(row: dict) -> str:
    text = f"{chart_text(row['contact_reason'])} (rank {row['rank']})"
    text += f"<br>{row['volume']:,} contacts ({row['share']:.1%} of all)"
    if row.get("handle_minutes") is not None:
        text += f"<br>handle time {row['handle_minutes']:.1f} min"
        if row.get("handle_low") is not None:
            text += f" (95% interval {row['handle_low']:.1f}–{row['handle_high']:.1f})"
    if row.get("ces") is not None:
        text += f"<br>CES {row['ces']:.2f} from {row['ces_n']:,} answers"
        if row.get("ces_shrunk") is not None:
            text += f" (counted as {row['ces_shrunk']:.2f} after shrinking small samples)"
    if row.get("priority") is not None:
        text += f"<br>priority {row['priority']:,.0f}"
    return text
