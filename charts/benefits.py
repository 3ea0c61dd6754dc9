"""Customer-benefit charts: delivery-time distribution, splits by segment, and benefit links.

- ``delivery_shares`` / ``delivery_distribution_figure``: how long deliveries
  took in the period (share of delivered orders per 6-hour band), against the
  comparison period, with the median and 90th percentile marked.
- ``segment_figure``: a KPI per segment value (on-time rate by region) as a
  point with its 95% interval, beside an optional second KPI for the same
  segments (the NPS of those regions), so a benefit and what customers said
  about it are read on one line.
- ``link_figure``: a survey KPI of customers whose last order had each outcome
  (late vs on time), from ``metrics.benefit_links``.

Example:
    >>> import polars as pl
    >>> counts = pl.DataFrame({"delivery_bucket": [1.0, 7.5, 130.0], "n": [2, 1, 1]})
    >>> shares = delivery_shares(counts, bin_hours=6, cap_hours=120).filter(pl.col("n") > 0)
    >>> shares.select("band", "share").rows()
    [('0–6 h', 0.5), ('6–12 h', 0.25), ('120 h or more', 0.25)]
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from charts.drilldown import error_bars
from charts.style import (
    BAD,
    COMPARISON,
    GOOD,
    SERIES,
    TARGET,
    axis_format,
    base_layout,
    chart_text,
)
from metrics.kpi import Kpi


def delivery_shares(counts: pl.DataFrame, bin_hours: int = 6, cap_hours: int = 96) -> pl.DataFrame:
    """Delivered orders per band of ``bin_hours`` (the last band open: ``cap_hours`` or more).

    ``counts`` has ``delivery_bucket`` (lower edge in hours) and ``n``. Returns
    band_start, band, n and share (of all delivered orders), every band present.
    """
    starts = list(range(0, cap_hours + 1, bin_hours))
    bands = pl.DataFrame(
        {
            "band_start": [float(s) for s in starts],
            "band": [f"{s}–{s + bin_hours} h" for s in starts[:-1]] + [f"{cap_hours} h or more"],
        }
    )
    binned = counts.select(
        band_start=(pl.col("delivery_bucket") / bin_hours).floor().clip(0, cap_hours / bin_hours)
        * bin_hours,
        n=pl.col("n"),
    )
    total = binned["n"].sum() or 0
    per_band = binned.group_by("band_start").agg(n=pl.col("n").sum())
    return (
        bands.join(per_band, on="band_start", how="left")
        .with_columns(n=pl.col("n").fill_null(0))
        .with_columns(share=pl.col("n") / total if total else pl.lit(None, dtype=pl.Float64))
        .sort("band_start")
    )


def delivery_distribution_figure(
    current: pl.DataFrame,
    comparison: pl.DataFrame | None = None,
    *,
    median: float | None = None,
    p90: float | None = None,
    bin_hours: int = 6,
    cap_hours: int = 96,
    title: str | None = "How long deliveries took (hours from order to delivery)",
    height: int | None = None,
) -> go.Figure:
    """Share of delivered orders per band of hours: this period (bars), comparison (line)."""
    shares = delivery_shares(current, bin_hours, cap_hours)
    centres = [start + bin_hours / 2 for start in shares["band_start"].to_list()]
    fig = go.Figure()
    fig.add_bar(
        x=centres,
        y=shares["share"].to_list(),
        width=bin_hours * 0.92,
        name="this period",
        marker={"color": SERIES},
        customdata=list(zip(shares["band"].to_list(), shares["n"].to_list(), strict=True)),
        hovertemplate="%{customdata[0]}: %{y:.1%} of delivered orders "
        "(%{customdata[1]:,})<extra></extra>",
    )
    if comparison is not None and not comparison.is_empty():
        before = delivery_shares(comparison, bin_hours, cap_hours)
        fig.add_scatter(
            x=centres,
            y=before["share"].to_list(),
            name="comparison period",
            mode="lines",
            line={"color": COMPARISON, "width": 3, "shape": "hvh"},
            customdata=before["band"].to_list(),
            hovertemplate="%{customdata}: %{y:.1%} in the comparison period<extra></extra>",
        )
    for value, word in ((median, "median"), (p90, "90th percentile")):
        if value is not None:
            fig.add_vline(
                x=min(value, cap_hours + bin_hours / 2),
                line={"color": TARGET, "width": 2, "dash": "dash"},
                annotation={
                    "text": f"{word} {value:.0f} h",
                    "font": {"color": TARGET, "size": 12},
                },
                annotation_position="top right",
            )
    ticks = list(range(0, cap_hours + 1, 12))
    base_layout(fig, title=title, **({"height": height} if height else {}))
    fig.update_layout(hovermode="closest", bargap=0)
    fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(
        tickvals=ticks,
        ticktext=[f"{t} h" for t in ticks[:-1]] + [f"{ticks[-1]}+ h"],
        range=[0, cap_hours + bin_hours],
    )
    return fig


def segment_figure(
    frame: pl.DataFrame,
    kpi: Kpi,
    *,
    target: float | None = None,
    beside: tuple[pl.DataFrame, Kpi, float | None] | None = None,
    currency: str = "EUR",
    title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """``kpi`` per segment value with its interval (and ``beside``: a second KPI, same rows).

    Frames are ``metrics.kpi_by_segment`` outputs (segment, value, low, high, n…).
    Segments are ordered by the first KPI, worst at the top: the problem is read first.
    """
    order = frame.drop_nulls("value").sort("value", descending=kpi.direction == "lower")
    segments = order["segment"].to_list()
    panels = [(frame, kpi, target)] + ([beside] if beside else [])
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        shared_yaxes=True,
        horizontal_spacing=0.08,
        subplot_titles=[chart_text(p[1].label) for p in panels],
    )
    for column, (data, panel_kpi, panel_target) in enumerate(panels, start=1):
        rows = {row["segment"]: row for row in data.iter_rows(named=True)}
        shown = [rows.get(s) for s in segments]
        values = [r["value"] if r else None for r in shown]
        fig.add_scatter(
            x=values,
            y=[chart_text(s) for s in segments],
            mode="markers+text",
            text=[panel_kpi.format_value(v, currency) if v is not None else "" for v in values],
            textposition="top center",
            cliponaxis=False,
            marker={
                "size": 13,
                "color": [_status_color(v, panel_target, panel_kpi) for v in values],
            },
            error_x=_whiskers(shown),
            customdata=[_segment_hover(r, panel_kpi, currency) for r in shown],
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
            row=1,
            col=column,
        )
        fig.update_xaxes(**axis_format(panel_kpi, currency), row=1, col=column)
        if panel_target is not None:
            fig.add_vline(
                x=panel_target,
                line={"color": TARGET, "width": 1.5, "dash": "dash"},
                annotation={
                    "text": f"target {panel_kpi.format_value(panel_target, currency)}",
                    "font": {"color": TARGET, "size": 12},
                },
                annotation_position="bottom right",
                row=1,
                col=column,
            )
    base_layout(fig, title=title, **({"height": height} if height else {}))
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def link_figure(
    links: Sequence[tuple[pl.DataFrame, Kpi]],
    *,
    title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Survey KPIs by last-order outcome, one panel per KPI (``BenefitLink.frame()`` + its KPI).

    Each group is a point with its 95% interval and its number of answers; the
    baseline group (first row, e.g. on time) is green, the other red.
    """
    fig = make_subplots(
        rows=1,
        cols=len(links),
        horizontal_spacing=0.12,
        subplot_titles=[chart_text(kpi.label) for _, kpi in links],
    )
    for column, (frame, kpi) in enumerate(links, start=1):
        rows = list(frame.iter_rows(named=True))
        labels = [f"{chart_text(r['group'])}<br>{r['n']:,} answers" for r in rows]
        fig.add_scatter(
            x=labels,
            y=[r["value"] for r in rows],
            mode="markers+text",
            text=[kpi.format_value(r["value"]) if r["value"] is not None else "" for r in rows],
            textposition="top center",
            cliponaxis=False,
            marker={"size": 16, "color": [GOOD, BAD][: len(rows)]},
            error_y=_whiskers(rows),
            hovertemplate="%{x}: %{text}<extra></extra>",
            showlegend=False,
            row=1,
            col=column,
        )
        fig.update_yaxes(**axis_format(kpi), row=1, col=column)
    base_layout(fig, title=title, **({"height": height} if height else {}))
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


def _whiskers(rows: Sequence[dict | None]) -> dict:
    present = [row or {} for row in rows]
    return error_bars(
        [r.get("value") for r in present],
        [r.get("low") for r in present],
        [r.get("high") for r in present],
        color=COMPARISON,
        thickness=2.5,
    )


def _status_color(value: float | None, target: float | None, kpi: Kpi) -> str:
    if value is None or target is None:
        return SERIES
    on_target = value >= target if kpi.direction == "higher" else value <= target
    return GOOD if on_target else BAD


def _segment_hover(row: dict | None, kpi: Kpi, currency: str) -> str:
    if row is None or row["value"] is None:
        return "no data"
    text = f"{chart_text(row['segment'])}: {kpi.format_value(row['value'], currency)}"
    if row.get("low") is not None:
        text += (
            f" (95% interval {kpi.format_value(row['low'], currency)} to "
            f"{kpi.format_value(row['high'], currency)})"
        )
    if kpi.kind != "census":
        text += f"<br>n = {row['n']:,}"
    if row.get("word"):
        text += f"<br>vs comparison period: {chart_text(row['word'])}"
    return text
