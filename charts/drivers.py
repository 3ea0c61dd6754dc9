"""Key-driver and metric-tree charts: importance bars with intervals, the tree of weekly links.

- ``importance_figure``: one horizontal bar per driver, its general dominance (share
  of the score's variance it accounts for, in R² points) with the 95 % bootstrap
  interval as whiskers, largest on top (``metrics.dominance``).
- ``tree_figure``: the metric tree in three columns (benefits → scores → retention
  and revenue), each edge drawn by the strength of its lagged association and
  labelled "r −0.62 · 1 w" when it passes the permutation test (``metrics.metric_tree``).

Example:
    >>> import polars as pl
    >>> frame = pl.DataFrame({"label": ["Late deliveries", "Shipping cost"],
    ...     "importance": [0.12, 0.01], "low": [0.08, 0.0], "high": [0.17, 0.03]})
    >>> figure = importance_figure(frame, "NPS", n=433, r_squared=0.23)
    >>> list(figure.data[0].y)  # the largest driver is drawn on top
    ['Shipping cost', 'Late deliveries']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import polars as pl

from charts.style import BAD, CHART_HEIGHT, COMPARISON, GOOD, SERIES, chart_text
from metrics.metric_tree import Association

BAR_HEIGHT = 34


def importance_figure(
    frame: pl.DataFrame,
    kpi_label: str,
    *,
    n: int,
    r_squared: float,
    height: int | None = None,
) -> go.Figure:
    """Bars of ``frame``'s importance (label, importance, low, high), whiskers to low/high."""
    rows = frame.sort("importance")
    value = rows["importance"].to_list()
    figure = go.Figure(
        go.Bar(
            x=value,
            y=[chart_text(t) for t in rows["label"].to_list()],
            orientation="h",
            marker_color=SERIES,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [max(h - v, 0.0) for h, v in zip(rows["high"], value, strict=True)],
                "arrayminus": [max(v - lo, 0.0) for lo, v in zip(rows["low"], value, strict=True)],
                "color": COMPARISON,
            },
            hovertemplate="%{y}: %{x:.3f} of R²<extra></extra>",
        )
    )
    figure.update_layout(
        title=f"What drives {chart_text(kpi_label)} (R² {r_squared:.2f}, {n:,} customers)",
        xaxis_title="share of the score's variance it accounts for (R² points, 95% interval)",
        height=height or max(CHART_HEIGHT, 120 + BAR_HEIGHT * rows.height),
        margin={"l": 10, "r": 10, "t": 60, "b": 50},
        showlegend=False,
    )
    return figure


def tree_figure(
    layers: Sequence[Sequence[str]],
    labels: Mapping[str, str],
    edges: Sequence[Association],
    *,
    height: int | None = None,
) -> go.Figure:
    """Nodes of ``layers`` (KPI ids) in columns, edges shaded by |r|, labelled when significant."""
    place: dict[str, tuple[float, float]] = {}
    for column, layer in enumerate(layers):
        for row, kpi_id in enumerate(layer):
            place[kpi_id] = (float(column), (row + 1) / (len(layer) + 1))
    figure = go.Figure()
    for edge in edges:
        if edge.r is None or edge.source not in place or edge.target not in place:
            continue
        (x0, y0), (x1, y1) = place[edge.source], place[edge.target]
        color = GOOD if edge.r > 0 else BAD
        opacity = 0.25 + 0.75 * abs(edge.r) if edge.significant else 0.15
        figure.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                line={"color": color, "width": 1 + 5 * abs(edge.r)},
                opacity=opacity,
                hoverinfo="skip",
                showlegend=False,
            )
        )
        if edge.significant:
            figure.add_annotation(
                x=(x0 + x1) / 2,
                y=(y0 + y1) / 2,
                text=f"r {edge.r:+.2f} · {edge.lag} w",
                showarrow=False,
                font={"size": 11},
                bgcolor="rgba(255,255,255,0.7)",
            )
    names = [k for layer in layers for k in layer if k in place]
    figure.add_trace(
        go.Scatter(
            x=[place[k][0] for k in names],
            y=[place[k][1] for k in names],
            mode="markers+text",
            text=[chart_text(labels.get(k, k)) for k in names],
            textposition="top center",
            marker={"size": 16, "color": SERIES},
            hoverinfo="text",
            showlegend=False,
        )
    )
    figure.update_layout(
        title="Metric tree: weekly changes, best lag 0–4 weeks (labelled when p < 0.05)",
        xaxis={
            "tickvals": [0, 1, 2],
            "ticktext": ["Benefits", "Customer scores", "Retention and revenue"],
            "range": [-0.4, 2.4],
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={"visible": False, "range": [0, 1.05]},
        height=height or CHART_HEIGHT + 60,
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    return figure
