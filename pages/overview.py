"""Executive overview: customer benefit first, beside delivery, cost, selection and growth.

Every tile comes from the KPI registry (metrics/), computed for the filter
bar's period against its comparison period, with interval, significance,
target status, sample size and data trust.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.context import page_context
from pages.ui.kpis import kpi_results, kpi_sparklines, registry_for
from pages.ui.tiles import kpi_tile

ROWS = (
    ("Customer benefit", ("nps", "csat", "ces")),
    (
        "Faster, cheaper, more choice",
        ("delivery_p50_hours", "on_time_rate", "shipping_cost_per_order", "price_index"),
    ),
    ("Selection", ("skus_offered", "in_stock_rate")),
    ("Growth", ("new_customers", "cac", "revenue", "nrr")),
)

context = page_context()
st.title("Executive overview")
if context is not None:
    period = context.period
    compared = (
        f" · compared with {period.comparison_start:%d %b %Y} – {period.comparison_end:%d %b %Y}"
        if period.comparison_start
        else ""
    )
    st.caption(f"{period.start:%d %b %Y} – {period.end:%d %b %Y}{compared}")
    registry = registry_for(context.workspace)
    wanted = [kpi for _, ids in ROWS for kpi in ids if kpi in registry]
    results = kpi_results(context, tuple(wanted))
    sparks = kpi_sparklines(context, tuple(wanted))
    for title, ids in ROWS:
        shown = [kpi for kpi in ids if kpi in results]
        if not shown:
            continue
        st.subheader(title)
        for column, kpi_id in zip(st.columns(len(shown)), shown, strict=True):
            with column:
                result = results[kpi_id]
                kpi_tile(
                    result,
                    context.snapshot.datasets.get(result.kpi.dataset),
                    sparks.get(kpi_id),
                )
