"""Survey drill-down figures: segment bars, a two-way heatmap, the score spread, what changed.

Each figure answers one product question and carries the evidence with it: a
bar's whisker is its 95% interval and its label its number of answers (a short
bar from 12 answers is not news); the previous period sits beside it as a
marker; a waterfall walks from the comparison value to today's, one segment at
a time, so "North cost us 13 points" is read, not computed.

Bars and waterfall steps carry their segment value in ``customdata``, so a
click (``st.plotly_chart(..., on_select="rerun")``) says which segment to open.

Example:
    >>> import polars as pl
    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> table = pl.DataFrame({"segment": ["North", "South"], "value": [1.0, 45.0],
    ...     "low": [-12.0, 34.0], "high": [14.0, 56.0], "n": [158, 147],
    ...     "small_sample": [False, False]})
    >>> fig = segment_bars(table, DEFAULT_REGISTRY.get("nps"), "region")
    >>> click_targets, bars = fig.data  # invisible full-height columns, then the bars
    >>> [list(c) for c in click_targets.customdata], list(bars.text)
    ([['North'], ['South']], ['n = 158', 'n = 147'])
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl

from charts.style import (
    BAD,
    CHART_HEIGHT,
    COMPARISON,
    GOOD,
    NEUTRAL,
    SERIES,
    axis_format,
    base_layout,
    chart_text,
)
from charts.trends import TrendLine, trend_figure
from metrics.kpi import Kpi

SEGMENT_COLORS = (
    "#3b82f6",
    "#e0682b",
    "#079464",
    "#9b5de5",
    "#d94a57",
    "#0ea5b7",
    "#b58900",
    "#6b7280",
)
"""One colour per segment value, in order (mid-tones readable on light and dark themes)."""
HEATMAP_SCALE = [[0.0, BAD], [0.5, "#f3f4f6"], [1.0, GOOD]]
MANY_SEGMENTS = 12
"""Above this many values, segment bars lie on their side (one row per value)."""
BAR_ROW_HEIGHT = 26
"""Pixels per segment value when bars lie on their side."""


def segment_bars(
    table: pl.DataFrame,
    kpi: Kpi,
    segment: str,
    *,
    currency: str = "EUR",
    overall: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """One bar per segment value (``kpi_by_segment``'s table) with its interval and n.

    With a comparison (previous_value, significant, delta), the previous value is
    a grey diamond and a bar whose change is significant is coloured good/bad.

    A few values stand in name order, side by side. More than ``MANY_SEGMENTS`` (27
    states, 70 categories) lie on their side, best first, one row of ``BAR_ROW_HEIGHT``
    each: the chart grows taller instead of squeezing names into overlapping labels.
    """
    horizontal = table.height > MANY_SEGMENTS
    rows = (
        table.sort("value", descending=kpi.direction == "higher", nulls_last=True)
        if horizontal
        else table.sort("segment")
    )
    names = rows["segment"].to_list()
    labels = [chart_text(n) for n in names]
    values, lows, highs = (rows[c].to_list() for c in ("value", "low", "high"))
    colors = [_bar_color(row, kpi) for row in rows.iter_rows(named=True)]
    fig = go.Figure()
    previous = rows["previous_value"].to_list() if "previous_value" in rows.columns else []
    _click_targets(fig, names, [*values, *lows, *highs, *previous, 0.0], horizontal=horizontal)
    whiskers = error_bars(values, lows, highs)
    fig.add_bar(
        **_placed(labels, values, horizontal),
        name=kpi.label,
        marker={"color": colors},
        **({"error_x": whiskers} if horizontal else {"error_y": whiskers}),
        text=[f"n = {n:,}" for n in rows["n"].to_list()],
        textposition="inside",
        insidetextanchor="start",
        customdata=[[n] for n in names],
        hovertext=[_bar_hover(row, kpi, currency) for row in rows.iter_rows(named=True)],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    if "previous_value" in rows.columns:
        fig.add_scatter(
            **_placed(labels, rows["previous_value"].to_list(), horizontal),
            mode="markers",
            name="comparison period",
            marker={"symbol": "diamond", "size": 11, "color": COMPARISON},
            customdata=[[n] for n in names],
            hovertemplate=f"%{{{'y' if horizontal else 'x'}}}: "
            f"%{{{'x' if horizontal else 'y'}}} in the comparison period<extra></extra>",
        )
    if overall is not None:
        line = {
            "line": {"color": SERIES, "width": 1, "dash": "dot"},
            "annotation": {"text": f"all: {kpi.format_value(overall, currency)}"},
            "annotation_position": "top right",
        }
        if horizontal:
            fig.add_vline(x=overall, **line)
        else:
            fig.add_hline(y=overall, **line)
    height = max(CHART_HEIGHT, 90 + BAR_ROW_HEIGHT * len(names)) if horizontal else CHART_HEIGHT
    base_layout(fig, title=title or f"{kpi.label} by {_words(segment)}", height=height)
    fig.update_layout(hovermode="closest", bargap=0.35, barmode="overlay", clickmode="event+select")
    values_axis = {
        **axis_format(kpi, currency),
        "rangemode": "tozero" if kpi.id != "nps" else None,
    }
    if horizontal:
        fig.update_xaxes(**values_axis)
        fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    else:
        fig.update_yaxes(**values_axis)
    return fig


def _placed(labels: Sequence[str], values: Sequence, horizontal: bool) -> dict:
    """x/y (and orientation) for a trace of one value per segment label."""
    if horizontal:
        return {"x": values, "y": labels, "orientation": "h"}
    return {"x": labels, "y": values}


def two_way_heatmap(
    table: pl.DataFrame, kpi: Kpi, first: str, second: str, *, currency: str = "EUR"
) -> go.Figure:
    """The KPI per (first, second) pair (``kpi_by_two_segments``): value and n in each cell.

    Empty cells had no answers. Small samples are marked with an asterisk.
    """
    rows_values = sorted(set(table[first].to_list()))
    column_values = sorted(set(table[second].to_list()))
    cells = {(r[first], r[second]): r for r in table.iter_rows(named=True)}
    z, text, hover = [], [], []
    for row_value in rows_values:
        z_row, text_row, hover_row = [], [], []
        for column_value in column_values:
            cell = cells.get((row_value, column_value))
            value = cell["value"] if cell else None
            z_row.append(value)
            if cell is None or value is None:
                text_row.append("")
                hover_row.append("no answers")
                continue
            flag = "*" if cell["small_sample"] else ""
            text_row.append(f"{kpi.format_value(value, currency)}{flag}<br>n = {cell['n']:,}")
            hover_row.append(
                _bar_hover({**cell, "segment": f"{row_value} · {column_value}"}, kpi, currency)
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    middle = {"zmid": 0} if kpi.id == "nps" else {}
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[chart_text(v) for v in column_values],
            y=[chart_text(v) for v in rows_values],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=HEATMAP_SCALE if kpi.direction == "higher" else HEATMAP_SCALE[::-1],
            colorbar={"title": chart_text(kpi.label)},
            xgap=2,
            ygap=2,
            **middle,
        )
    )
    base_layout(fig, title=f"{kpi.label} by {_words(first)} and {_words(second)}")
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_xaxes(title=_words(second), side="bottom")
    fig.update_yaxes(title=_words(first), autorange="reversed")
    return fig


def score_distribution_figure(
    distribution: pl.DataFrame, survey: str, bands: Sequence[tuple[str, float, float]]
) -> go.Figure:
    """Bars of the share of answers per score, coloured by band (unhappy, middle, happy).

    ``bands`` is (name, low, high) for the unhappy, middle and happy ends, in that order.
    """
    colors = {0: BAD, 1: NEUTRAL, 2: GOOD}
    scores = distribution["score"].to_list()
    band_of = [
        next((i for i, (_, low, high) in enumerate(bands) if low <= s <= high), 1) for s in scores
    ]
    fig = go.Figure()
    fig.add_bar(
        x=[f"{s:g}" for s in scores],
        y=distribution["share"].to_list(),
        marker={"color": [colors[b] for b in band_of]},
        text=[f"{n:,}" for n in distribution["n"].to_list()],
        textposition="outside",
        customdata=[bands[b][0] for b in band_of],
        hovertemplate="score %{x}: %{y:.1%} of answers (%{text}) · %{customdata}<extra></extra>",
        showlegend=False,
    )
    base_layout(fig, title=f"How {survey.upper()} answers spread over the scale")
    fig.update_layout(hovermode="closest", bargap=0.2)
    fig.update_xaxes(title="score", type="category")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return fig


def segment_trend_figure(
    trends: pl.DataFrame,
    kpi: Kpi,
    segment: str,
    *,
    grain: str,
    window: tuple[date, date],
    period: tuple[date, date],
    events: pl.DataFrame | None = None,
    currency: str = "EUR",
) -> go.Figure:
    """A line per segment value (``segment_trends``), with company events and the period shaded."""
    values = list(dict.fromkeys(trends["segment"].to_list()))
    lines = [
        TrendLine(
            str(value),
            trends.filter(pl.col("segment") == value),
            SEGMENT_COLORS[i % len(SEGMENT_COLORS)],
            band=len(values) == 1,
        )
        for i, value in enumerate(values)
    ]
    fig = trend_figure(
        lines,
        kpi,
        grain=grain,
        currency=currency,
        events=events,
        window=window,
        period=period,
        title=f"{kpi.label} by {_words(segment)} over time",
    )
    fig.update_layout(showlegend=True)
    return fig


def what_changed_figure(
    segments: pl.DataFrame,
    kpi: Kpi,
    previous: float,
    current: float,
    segment: str,
    *,
    currency: str = "EUR",
    limit: int = 8,
) -> go.Figure:
    """A waterfall from the comparison value to the current one, a step per segment.

    Steps are the segments' contributions (``metrics.what_changed``), largest
    first; beyond ``limit`` segments the rest are summed into one step, so the
    bars still add up to the current value.
    """
    ranked = segments.filter(pl.col("contribution").is_not_null()).sort("rank")
    shown, rest = ranked.head(limit), ranked.slice(limit)
    names = [chart_text(s) for s in shown["segment"].to_list()]
    steps = shown["contribution"].to_list()
    hover = [
        f"{chart_text(row['segment'])}: {kpi.format_delta(row['contribution'], currency)}"
        f"<br>rate effect {kpi.format_delta(row['rate'], currency)} "
        f"({kpi.format_value(row['previous_value'], currency)} → "
        f"{kpi.format_value(row['value'], currency)})"
        f"<br>mix effect {kpi.format_delta(row['mix'], currency)} "
        f"(share {_share(row['previous_share'])} → {_share(row['share'])})"
        for row in shown.iter_rows(named=True)
    ]
    custom = [[s] for s in shown["segment"].to_list()]
    if rest.height:
        names.append(f"{rest.height} other {_words(segment)} values")
        steps.append(float(rest["contribution"].sum()))
        hover.append(f"the other {rest.height}: {kpi.format_delta(steps[-1], currency)}")
        custom.append([None])
    fig = go.Figure(
        go.Waterfall(
            x=["comparison period", *names, "this period"],
            y=[previous, *steps, current],
            measure=["absolute", *["relative"] * len(steps), "total"],
            text=[
                kpi.format_value(previous, currency),
                *(kpi.format_delta(s, currency) for s in steps),
                kpi.format_value(current, currency),
            ],
            textposition="outside",
            customdata=[[None], *custom, [None]],
            hovertext=[
                f"comparison period: {kpi.format_value(previous, currency)}",
                *hover,
                f"this period: {kpi.format_value(current, currency)}",
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            increasing={"marker": {"color": GOOD if kpi.direction == "higher" else BAD}},
            decreasing={"marker": {"color": BAD if kpi.direction == "higher" else GOOD}},
            totals={"marker": {"color": SERIES}},
            connector={"line": {"color": COMPARISON, "width": 1}},
        )
    )
    base_layout(fig, title=f"What changed {kpi.label}: contribution of each {_words(segment)}")
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_yaxes(**axis_format(kpi, currency))
    return fig


def _click_targets(
    fig: go.Figure,
    names: Sequence[str],
    heights: Sequence[float | None],
    *,
    horizontal: bool = False,
) -> None:
    """Invisible full-height columns under the bars, so a click anywhere above a segment's
    name selects it (a bar at NPS 0.6 is too thin to hit). They carry the segment value."""
    known = [h for h in heights if h is not None]
    low, high = min(known), max(known)
    fig.add_bar(
        **_placed([chart_text(n) for n in names], [high - low] * len(names), horizontal),
        base=[low] * len(names),
        name="click to open",
        marker={"color": "rgba(0, 0, 0, 0)"},
        customdata=[[n] for n in names],
        hoverinfo="none",
        showlegend=False,
    )


def _bar_color(row: dict, kpi: Kpi) -> str:
    if not row.get("significant") or row.get("delta") is None:
        return SERIES
    return GOOD if kpi.better(row["delta"]) else BAD


def _bar_hover(row: dict, kpi: Kpi, currency: str) -> str:
    name = chart_text(row["segment"])
    if row.get("value") is None:
        return f"{name}: no answers"
    text = f"{name}: {kpi.format_value(row['value'], currency)}"
    if row.get("low") is not None and row.get("high") is not None:
        text += (
            f" (95% interval {kpi.format_value(row['low'], currency)} to "
            f"{kpi.format_value(row['high'], currency)})"
        )
    text += f"<br>n = {row['n']:,}" + (" · small sample" if row.get("small_sample") else "")
    if row.get("previous_value") is not None:
        text += (
            f"<br>comparison period {kpi.format_value(row['previous_value'], currency)}, "
            f"change {kpi.format_delta(row.get('delta'), currency)} ({row.get('word')})"
        )
    return text


def error_bars(
    values: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    color: str = "#374151",
    thickness: float = 1.5,
) -> dict:
    """Plotly ``error_y`` whiskers drawing each value's interval (none where it is unknown)."""

    def gap(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else max(a - b, 0.0)

    return {
        "type": "data",
        "symmetric": False,
        "array": [gap(h, v) for h, v in zip(highs, values, strict=True)],
        "arrayminus": [gap(v, lo) for v, lo in zip(values, lows, strict=True)],
        "color": color,
        "thickness": thickness,
    }


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _words(name: str) -> str:
    return chart_text(name.replace("_", " "))
