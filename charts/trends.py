"""KPI trends read against what the company did: interval band, target, events, selected period.

A trend answers "is this a blip or a direction, and did something we did cause
it?" So each line carries its 95% interval as a band (a wiggle inside the band
is noise), the target as a dashed line, company events (releases, programmes,
incidents) as labelled markers, and the period the tiles describe as a shaded
band. Buckets cut short by the period's edge are drawn hollow and say so.

Example:
    >>> from datetime import date
    >>> trend_window(date(2026, 10, 2), date(2026, 10, 31), "week")
    (datetime.date(2026, 4, 27), datetime.date(2026, 10, 31))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from charts.style import (
    BAD,
    BAND_OPACITY,
    GOOD,
    NEUTRAL,
    SERIES,
    add_events,
    add_target,
    axis_format,
    base_layout,
    chart_text,
    note,
    shade_period,
)
from metrics.kpi import Kpi
from metrics.periods import bucket_start

HISTORY_DAYS = {"day": 91, "week": 26 * 7, "month": 365, "quarter": 2 * 365}
"""How far back a trend reaches at each grain (at least), so a 30-day view still has context."""
GRAIN_WORDS = {"day": "Day", "week": "Week of", "month": "Month of", "quarter": "Quarter from"}


def trend_window(start: date, end: date, grain: str) -> tuple[date, date]:
    """The dates a trend covers: the selected period, reaching back ``HISTORY_DAYS`` at least.

    The first day is moved back to the start of its calendar bucket, so the first
    point is a whole week/month/quarter and not a sliver of one.
    """
    first = min(start, end - timedelta(days=HISTORY_DAYS[grain] - 1))
    return bucket_start(first, grain), end  # type: ignore[arg-type]


@dataclass(frozen=True)
class TrendLine:
    """One line of a trend chart: a ``metrics.kpi_trend`` frame and how to draw it."""

    label: str
    frame: pl.DataFrame
    color: str = SERIES
    band: bool = True


def trend_figure(
    lines: Sequence[TrendLine],
    kpi: Kpi,
    *,
    grain: str = "week",
    currency: str = "EUR",
    targets: Sequence[tuple[float | None, str]] = (),
    events: pl.DataFrame | None = None,
    window: tuple[date, date] | None = None,
    period: tuple[date, date] | None = None,
    title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Lines (``kpi_trend`` frames) in ``kpi``'s units with bands, targets, events and period."""
    fig = go.Figure()
    if kpi.kind == "census":  # a total over a bucket the window cuts short would dip
        lines = [replace(line, frame=line.frame.filter(~pl.col("partial"))) for line in lines]
    for line in lines:
        _add_line(fig, line, kpi, grain, currency)
    for target, text in targets:
        add_target(fig, target, text)
    base_layout(fig, title=title, **({"height": height} if height else {}))
    if kpi.kind == "census":
        note(fig, f"totals of whole {grain}s only")
    fig.update_yaxes(**axis_format(kpi, currency), rangemode="normal")
    if window:
        if period:
            shade_period(fig, *period)
        add_events(fig, events, *window)
        fig.update_xaxes(range=[window[0] - timedelta(days=2), window[1] + timedelta(days=2)])
    fig.update_layout(showlegend=len(lines) > 1)
    return fig


def kpi_trend_figure(
    trend: pl.DataFrame,
    kpi: Kpi,
    *,
    target: float | None = None,
    currency: str = "EUR",
    **options,
) -> go.Figure:
    """One KPI's trend with its band and target (``options`` as for ``trend_figure``)."""
    targets = [(target, f"target {kpi.format_value(target, currency)}")] if target else []
    return trend_figure(
        [TrendLine(kpi.label, trend)], kpi, currency=currency, targets=targets, **options
    )


def _add_line(fig: go.Figure, line: TrendLine, kpi: Kpi, grain: str, currency: str) -> None:
    frame = line.frame.sort("bucket_start")
    x = frame["bucket_start"].to_list()
    if line.band:
        fig.add_scatter(
            x=x,
            y=frame["high"].to_list(),
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            connectgaps=False,
        )
        fig.add_scatter(
            x=x,
            y=frame["low"].to_list(),
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=_transparent(line.color),
            hoverinfo="skip",
            name=f"{line.label}: 95% interval",
            showlegend=False,
            connectgaps=False,
        )
    partial = frame["partial"].to_list() if "partial" in frame.columns else [False] * len(x)
    fig.add_scatter(
        x=x,
        y=frame["value"].to_list(),
        mode="lines+markers",
        name=chart_text(line.label),
        line={"color": line.color, "width": 3},
        marker={
            "size": 8,
            "color": [_hollow(line.color, p) for p in partial],
            "line": {"color": line.color, "width": 2},
        },
        customdata=[_hover(row, kpi, grain, currency) for row in frame.iter_rows(named=True)],
        hovertemplate="%{customdata}<extra>" + chart_text(line.label) + "</extra>",
        connectgaps=False,
    )


def _hover(row: dict, kpi: Kpi, grain: str, currency: str) -> str:
    when = f"{GRAIN_WORDS.get(grain, '')} {row['bucket_start']:%d %b %Y}".strip()
    if row["value"] is None:
        return f"{when}: no data"
    text = f"{when}: {kpi.format_value(row['value'], currency)}"
    if row.get("low") is not None and row.get("high") is not None:
        low, high = kpi.format_value(row["low"], currency), kpi.format_value(row["high"], currency)
        text += f" (95% interval {low} to {high})"
    if row.get("n") and kpi.kind != "census":
        text += f"<br>n = {row['n']:,}" + (" · small sample" if row.get("small_sample") else "")
    if row.get("partial"):
        text += "<br>partial: the period cuts this bucket short"
    return text


def nps_mix_figure(
    mix: pl.DataFrame,
    *,
    grain: str = "week",
    events: pl.DataFrame | None = None,
    window: tuple[date, date] | None = None,
    title: str | None = "Promoters, passives and detractors",
    height: int | None = None,
) -> go.Figure:
    """NPS as stacked shares per bucket: detractors at the bottom, promoters on top.

    ``mix`` has bucket_start, detractors, passives, promoters (shares 0..1) and n;
    NPS is the promoters' share minus the detractors' share, so both ends show.
    """
    fig = go.Figure()
    frame = mix.sort("bucket_start")
    x = frame["bucket_start"].to_list()
    n = frame["n"].to_list()
    for name, color in (("detractors", BAD), ("passives", NEUTRAL), ("promoters", GOOD)):
        shares = frame[name].to_list()
        fig.add_bar(
            x=x,
            y=shares,
            name=name.capitalize(),
            marker={"color": color},
            customdata=[
                f"{GRAIN_WORDS.get(grain, '')} {day:%d %b %Y}: "
                + (f"{share:.0%} of {count:,} answers" if share is not None else "no answers")
                for day, share, count in zip(x, shares, n, strict=True)
            ],
            hovertemplate="%{customdata}<extra>" + name.capitalize() + "</extra>",
        )
    base_layout(fig, title=title, **({"height": height} if height else {}))
    fig.update_layout(barmode="stack", bargap=0.15)
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    if window:  # no period shading: the bars would hide it
        add_events(fig, events, *window)
        fig.update_xaxes(range=[window[0] - timedelta(days=4), window[1] + timedelta(days=4)])
    return fig


def _transparent(hex_color: str, opacity: float = BAND_OPACITY) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {opacity})"


def _hollow(color: str, partial: bool) -> str:
    return "rgba(0, 0, 0, 0)" if partial else color
