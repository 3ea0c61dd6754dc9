"""Growth charts: acquisition by channel (new customers, spend, CAC, conversion).

Revenue over time uses ``charts.trends`` like every other KPI; what is
particular to growth is the channel view, where a leader compares what each
channel costs with what it brings.

Example:
    >>> import polars as pl
    >>> new = pl.DataFrame({"segment": ["ads", "organic"], "value": [10.0, 30.0]})
    >>> cac = pl.DataFrame({"segment": ["ads", "organic"], "value": [50.0, 0.0]})
    >>> conversion = pl.DataFrame({"segment": ["ads", "organic"], "value": [0.02, 0.05],
    ...                            "low": [0.01, 0.04], "high": [0.03, 0.06]})
    >>> spend = pl.DataFrame({"segment": ["ads", "organic"], "spend": [500.0, 0.0]})
    >>> channel_table(new, cac, conversion, spend).select("channel", "new_customers").rows()
    [('organic', 30.0), ('ads', 10.0)]
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from charts.drilldown import error_bars
from charts.style import (
    COMPARISON,
    SECOND_SERIES,
    SERIES,
    axis_format,
    base_layout,
    chart_text,
    money,
    money_axis,
)
from metrics.kpi import Kpi

PANELS = (
    ("new_customers", "New customers"),
    ("spend", "Spend"),
    ("cac", "CAC"),
    ("conversion", "Conversion"),
)


def channel_table(
    new_customers: pl.DataFrame,
    cac: pl.DataFrame,
    conversion: pl.DataFrame | None,
    spend: pl.DataFrame | None,
) -> pl.DataFrame:
    """One row per channel: new_customers, spend, cac, conversion (+ its low/high), most first.

    Inputs are ``metrics.kpi_by_segment`` frames (segment, value, …) and the
    spend per channel (segment, spend); a channel missing from one is null there.
    """
    table = new_customers.select(channel="segment", new_customers="value").join(
        cac.select(channel="segment", cac="value"), on="channel", how="left"
    )
    if spend is not None:
        table = table.join(spend.select(channel="segment", spend="spend"), on="channel", how="left")
    else:
        table = table.with_columns(spend=pl.lit(None, dtype=pl.Float64))
    if conversion is not None:
        table = table.join(
            conversion.select(
                channel="segment",
                conversion="value",
                conversion_low="low",
                conversion_high="high",
            ),
            on="channel",
            how="left",
        )
    else:
        table = table.with_columns(
            pl.lit(None, dtype=pl.Float64).alias(c)
            for c in ("conversion", "conversion_low", "conversion_high")
        )
    return table.sort("new_customers", descending=True, nulls_last=True)


def channel_figure(
    table: pl.DataFrame,
    kpis: dict[str, Kpi],
    *,
    currency: str = "EUR",
    title: str | None = "Acquisition by channel",
    height: int | None = None,
) -> go.Figure:
    """Four panels side by side, one bar per channel: new customers, spend, CAC, conversion.

    ``kpis`` maps new_customers, cac and conversion to their registry KPIs (for
    formats); spend is money in ``currency``. Conversion carries its interval.
    """
    channels = table["channel"].to_list()
    labels = [chart_text(c.replace("_", " ")) for c in channels]
    fig = make_subplots(
        rows=1,
        cols=len(PANELS),
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[name for _, name in PANELS],
    )
    cac = kpis["cac"]
    for column, (field, _) in enumerate(PANELS, start=1):
        kpi = kpis.get(field, cac)
        values = table[field].to_list()
        text = [
            money(v, currency) if field == "spend" else kpi.format_value(v, currency)
            for v in values
        ]
        error = None
        if field == "conversion":
            lows, highs = table["conversion_low"].to_list(), table["conversion_high"].to_list()
            error = error_bars(values, lows, highs, color=COMPARISON, thickness=2)
        fig.add_bar(
            x=values,
            y=labels,
            orientation="h",
            text=text,
            textposition="auto",
            cliponaxis=False,
            marker={"color": SECOND_SERIES if field in ("spend", "cac") else SERIES},
            error_x=error,
            hovertemplate="%{y}: %{text}<extra></extra>",
            showlegend=False,
            row=1,
            col=column,
        )
        formats = money_axis(currency) if field == "spend" else axis_format(kpi, currency)
        fig.update_xaxes(**formats, row=1, col=column)
    base_layout(fig, title=title, **({"height": height} if height else {}))
    fig.update_layout(hovermode="closest", showlegend=False, bargap=0.25)
    fig.update_yaxes(autorange="reversed", type="category")
    return fig
