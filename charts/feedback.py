"""Feedback theme figures: who asks for what, how that moves, and where the asks come from.

Themes are weighed by distinct customers (not by how loudly one customer asks),
so bars and lines count customers; account value rides along in the hover.
Bars carry their theme in ``customdata`` so a click opens the theme page.

Example:
    >>> import polars as pl
    >>> table = pl.DataFrame({"theme": ["referrals", "dark mode"], "customers": [2, 5],
    ...     "account_value": [680.0, 150.0], "items": [2, 5], "previous_customers": [5, 1]})
    >>> fig = theme_bars(table)
    >>> list(fig.data[0].y), [c[0] for c in fig.data[0].customdata]
    (['referrals', 'dark mode'], ['referrals', 'dark mode'])
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from charts.style import COMPARISON, SERIES, base_layout, chart_text

ORIGIN_COLORS = {"feedback": "#3b82f6", "survey comment": "#9b5de5", "support contact": "#e0682b"}


def theme_bars(table: pl.DataFrame, *, currency_symbol: str = "€") -> go.Figure:
    """Distinct customers per theme (``feedback_themes``), most asked at the top.

    With ``previous_customers`` the comparison period is a grey diamond beside each bar.
    """
    rows = table.sort("customers", "theme", descending=[False, True])
    themes = rows["theme"].to_list()
    labels = [chart_text(t) for t in themes]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=rows["customers"].to_list(),
        orientation="h",
        name="customers in the period",
        marker={"color": SERIES},
        customdata=[[t] for t in themes],
        hovertext=[_hover(row, currency_symbol) for row in rows.iter_rows(named=True)],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    if "previous_customers" in rows.columns:
        fig.add_scatter(
            y=labels,
            x=rows["previous_customers"].to_list(),
            mode="markers",
            name="comparison period",
            marker={"symbol": "diamond", "size": 10, "color": COMPARISON},
            customdata=[[t] for t in themes],
            hovertemplate="%{y}: %{x} customers in the comparison period<extra></extra>",
        )
    base_layout(
        fig, title="Distinct customers asking, per theme", height=max(280, 44 * len(themes))
    )
    fig.update_layout(hovermode="closest", clickmode="event+select", showlegend=False)
    fig.update_xaxes(title="distinct customers (◆ comparison period)", rangemode="tozero")
    return fig


def theme_trend_heatmap(
    trend: pl.DataFrame, *, measure: str = "customers", grain: str = "month"
) -> go.Figure:
    """Themes down, calendar buckets across, ``measure`` as colour and number in each cell.

    ``trend`` is ``feedback_theme_trend`` or ``theme_trend`` output. A heatmap,
    not lines: eight themes as lines are a tangle, as rows each reads on its own
    (a theme fading after its answer shipped, another surging).
    """
    totals = trend.group_by("theme").agg(pl.col(measure).sum())
    themes = totals.sort(measure, "theme", descending=[True, False])["theme"].to_list()
    starts = sorted(set(trend["bucket_start"].to_list()))
    cells = {(r["theme"], r["bucket_start"]): r[measure] for r in trend.iter_rows(named=True)}
    z = [[cells.get((theme, start)) or 0 for start in starts] for theme in themes]
    word = measure.replace("_", " ")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=starts,
            y=[chart_text(t) for t in themes],
            text=[[f"{v:,.0f}" if v else "" for v in row] for row in z],
            texttemplate="%{text}",
            colorscale=[[0.0, "#f8fafc"], [1.0, SERIES]],
            colorbar={"title": word},
            xgap=2,
            ygap=2,
            hovertemplate=f"%{{y}}, {grain} of %{{x|%b %Y}}: %{{z:,}} {word}<extra></extra>",
        )
    )
    base_layout(
        fig,
        title=f"{word.capitalize()} per theme, by {grain}",
        height=max(300, 34 * len(themes) + 120),
    )
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_yaxes(autorange="reversed")
    return fig


def theme_origin_figure(trend: pl.DataFrame, theme: str) -> go.Figure:
    """Distinct customers mentioning ``theme`` per bucket, stacked by where they said it
    (``theme_trend(..., by_origin=True)``)."""
    rows = trend.filter(pl.col("theme") == theme)
    fig = go.Figure()
    for origin, color in ORIGIN_COLORS.items():
        part = rows.filter(pl.col("origin") == origin).sort("bucket_start")
        if part.is_empty():
            continue
        fig.add_bar(
            x=part["bucket_start"].to_list(),
            y=part["customers"].to_list(),
            name=origin,
            marker={"color": color},
            hovertemplate="%{x|%d %b %Y}: %{y:,} customers<extra>" + origin + "</extra>",
        )
    base_layout(fig, title=f"Customers mentioning {chart_text(theme)}, by where they said it")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(rangemode="tozero", title="distinct customers")
    return fig


def _hover(row: dict, currency_symbol: str) -> str:
    text = f"{chart_text(row['theme'])}: {row['customers']:,} customers, {row['items']:,} items"
    if row.get("account_value") is not None:
        text += f"<br>account value {currency_symbol}{row['account_value']:,.0f}"
    if row.get("previous_customers") is not None:
        text += f"<br>comparison period: {row['previous_customers']:,} customers"
    return text
