"""Customer-benefit charts: delivery-time distribution, splits by segment, and benefit links.

- ``delivery_bins`` / ``delivery_shares`` / ``delivery_distribution_figure``: how
  long deliveries took in the period (share of delivered orders per band), against
  the comparison period, with the median and 90th percentile marked. The bands fit
  the data's spread: hours for a same-day shop, days for a marketplace, and the
  open last band holds only a small tail.
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

import math
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from charts.drilldown import error_bars
from charts.style import (
    BAD,
    CHART_HEIGHT,
    COMPARISON,
    GOOD,
    SERIES,
    TARGET,
    axis_format,
    base_layout,
    chart_text,
)
from metrics.kpi import Kpi

ROW_HEIGHT = 36
"""Pixels per segment value in a dot plot: the value label above the dot, the dot, the
whisker, and air before the next row's label."""
SEGMENT_CHROME = 80
"""Pixels of a dot plot that are not rows: title, subplot titles and the value axis."""
AUTO_TITLE = "auto"
"""Title of the delivery histogram: its default names the unit its bands are in."""


BIN_LADDER_HOURS = (1, 2, 3, 6, 12, 24, 48)
"""Band widths the histogram picks from: hours for a same-day shop, days for a marketplace."""
MAX_BANDS = 30
"""At most this many bands before the open last one, so each stays wide enough to read."""
MIN_BANDS = 6
TAIL_SHARE = 0.03
"""The open last band ("N h or more") holds at most this share of deliveries (beyond what
the stored histogram keeps apart: it ends in one bucket from 720 h, 30 days, on)."""
DAYS_ABOVE_HOURS = 72.0
"""Typical deliveries (the median) longer than three days are shown in days."""
_STORED_WIDTHS = ((72.0, 0.5), (168.0, 2.0), (math.inf, 12.0))
"""(below, bucket width) of ``metrics.quantiles.DELIVERY_HOUR_EDGES``: a band must hold whole
buckets, so a band reaching past 72 h is a multiple of 2 h and past 168 h of 12 h."""


@dataclass(frozen=True)
class DeliveryBins:
    """How the delivery histogram bands its hours: width, where the open band starts, unit."""

    bin_hours: int
    cap_hours: int
    in_days: bool = False

    def label(self, hours: float) -> str:
        """'36 h' or '7 d' (halves and quarters of days as decimals: '3.5 d')."""
        return f"{hours / 24:g} d" if self.in_days else f"{hours:g} h"

    def band(self, start: float) -> str:
        """A band's name: '6–12 h', '7–8 d', or '20 d or more' for the open last one."""
        if start >= self.cap_hours:
            return f"{self.label(start)} or more"
        end = self.label(start + self.bin_hours)
        return f"{self.label(start).split()[0]}–{end}"


def delivery_bins(counts: pl.DataFrame, median: float | None = None) -> DeliveryBins:
    """Bands that fit the data's spread: the narrowest width of ``BIN_LADDER_HOURS`` that
    covers all but ``TAIL_SHARE`` of the deliveries in at most ``MAX_BANDS`` bands.

    ``counts`` is the delivery-hours histogram (``delivery_bucket`` = lower edge in hours,
    ``n``); ``median`` (hours) decides the unit: days once it passes three days, and then
    bands of at least half a day. A shop that delivers within a day gets hour bands; a
    marketplace whose deliveries take a week gets day bands, with no catch-all band
    holding most of the deliveries.

    >>> same_day = pl.DataFrame({"delivery_bucket": [2.0, 5.0, 9.5, 20.0], "n": [40, 30, 20, 10]})
    >>> delivery_bins(same_day)  # 97% reached in the 20–20.5 h bucket: 21 one-hour bands
    DeliveryBins(bin_hours=1, cap_hours=21, in_days=False)
    """
    ordered = counts.filter(pl.col("n") > 0).sort("delivery_bucket")
    total = ordered["n"].sum() if ordered.height else 0
    if not total:
        return DeliveryBins(6, 96)
    lower = ordered["delivery_bucket"].to_list()
    shares = (ordered["n"].cum_sum() / total).to_list()
    reach_at = next(i for i, share in enumerate(shares) if share >= 1 - TAIL_SHARE - 1e-9)
    reach = min(lower[reach_at] + _bucket_width(lower[reach_at]), 720.0)
    if median is None:
        median = lower[next(i for i, share in enumerate(shares) if share >= 0.5)]
    in_days = median > DAYS_ABOVE_HOURS
    for width in BIN_LADDER_HOURS:
        if in_days and width < 12:
            continue
        cap = max(math.ceil(reach / width), MIN_BANDS) * width
        if cap // width <= MAX_BANDS and _holds_whole_buckets(width, cap):
            return DeliveryBins(width, cap, in_days)
    return DeliveryBins(BIN_LADDER_HOURS[-1], 720, in_days)


def _bucket_width(lower: float) -> float:
    return next(width for below, width in _STORED_WIDTHS if lower < below)


def _holds_whole_buckets(width: int, cap: int) -> bool:
    """True when no stored bucket below ``cap`` straddles two bands of ``width`` hours."""
    previous = 0.0
    for below, bucket in _STORED_WIDTHS:
        if cap > previous and width % bucket:
            return False
        previous = below
    return True


def delivery_shares(
    counts: pl.DataFrame,
    bin_hours: int = 6,
    cap_hours: int = 96,
    *,
    in_days: bool = False,
) -> pl.DataFrame:
    """Delivered orders per band of ``bin_hours`` (the last band open: ``cap_hours`` or more).

    ``counts`` has ``delivery_bucket`` (lower edge in hours) and ``n``. Returns
    band_start, band, n and share (of all delivered orders), every band present.
    """
    bins = DeliveryBins(bin_hours, cap_hours, in_days)
    starts = list(range(0, cap_hours + 1, bin_hours))
    bands = pl.DataFrame(
        {"band_start": [float(s) for s in starts], "band": [bins.band(s) for s in starts]}
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
    bins: DeliveryBins | None = None,
    title: str | None = AUTO_TITLE,
    height: int | None = None,
) -> go.Figure:
    """Share of delivered orders per band: this period (bars), comparison (line).

    The bands fit the current period's spread (``delivery_bins``) unless ``bins`` is given;
    the comparison period is drawn on the same bands.
    """
    bins = bins or delivery_bins(current, median)
    width, cap = bins.bin_hours, bins.cap_hours
    shares = delivery_shares(current, width, cap, in_days=bins.in_days)
    centres = [start + width / 2 for start in shares["band_start"].to_list()]
    unit = "days" if bins.in_days else "hours"
    fig = go.Figure()
    fig.add_bar(
        x=centres,
        y=shares["share"].to_list(),
        width=width * 0.92,
        name="this period",
        marker={"color": SERIES},
        customdata=list(zip(shares["band"].to_list(), shares["n"].to_list(), strict=True)),
        hovertemplate="%{customdata[0]}: %{y:.1%} of delivered orders "
        "(%{customdata[1]:,})<extra></extra>",
    )
    if comparison is not None and not comparison.is_empty():
        before = delivery_shares(comparison, width, cap, in_days=bins.in_days)
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
            shown = f"{value / 24:.1f} d" if bins.in_days else f"{value:.0f} h"
            fig.add_vline(
                x=min(value, cap + width / 2),
                line={"color": TARGET, "width": 2, "dash": "dash"},
                annotation={"text": f"{word} {shown}", "font": {"color": TARGET, "size": 12}},
                annotation_position="top right",
            )
    step = width * max(1, round(cap / width / 8))
    ticks = [*range(0, cap, step), cap]
    if title == AUTO_TITLE:
        title = f"How long deliveries took ({unit} from order to delivery)"
    base_layout(fig, title=title, **({"height": height} if height else {}))
    fig.update_layout(hovermode="closest", bargap=0)
    fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(
        tickvals=ticks,
        ticktext=[bins.label(t) for t in ticks[:-1]] + [f"{bins.label(cap)}+"],
        range=[0, cap + width],
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
    Segments are ordered by the first KPI, worst at the top: the problem is read first; a
    grouped "others" row (``others`` True, ``metrics.segments.kpi_by_segment_and_others``)
    comes last. The chart grows by ``ROW_HEIGHT`` per segment value (``height`` is a
    minimum), so 27 states get 27 readable rows instead of labels on top of each other.
    """
    grouped = pl.col("others") if "others" in frame.columns else pl.lit(False)
    order = (
        frame.drop_nulls("value")
        .with_columns(_last=grouped)
        .sort(["_last", "value"], descending=[False, kpi.direction == "lower"])
    )
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
            textfont={"size": 11},
            cliponaxis=False,
            marker={
                "size": 11,
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
    base_layout(fig, title=title, height=max(height or CHART_HEIGHT, segment_height(segments)))
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    return fig


def segment_height(segments: Sequence[str]) -> int:
    """Pixels a dot plot of ``segments`` needs: ``ROW_HEIGHT`` per row plus title and axis.

    >>> segment_height(["SP"] * 27)
    1052
    """
    return SEGMENT_CHROME + ROW_HEIGHT * len(segments)


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
