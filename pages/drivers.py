"""Key drivers and the metric tree: which benefits go with each survey score, and how.

Two views of "why did it move". Key drivers, per survey KPI the workspace tracks:
each customer who answered in the period is one row (their score and what they
experienced, ``metrics.drivers``), and the fit's R² is split among the drivers by
general dominance with bootstrap intervals (``metrics.dominance``). The metric tree:
benefits → scores → retention and revenue, each edge the best-lag correlation of
weekly changes (``metrics.metric_tree``). Both follow the filter bar's period and
segments, so "North" shows North's drivers. docs/DRIVERS.md explains the method.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import polars as pl
import streamlit as st

from charts.drivers import importance_figure, tree_figure
from metrics.drivers import driver_label
from metrics.engine import MetricUnavailableError
from metrics.metric_tree import LAYERS
from pages.ui import drivers_data
from pages.ui.charts import show_chart
from pages.ui.context import PageContext, page_context
from pages.ui.kpis import registry_for, tracked_ids
from pages.ui.screen import page_header
from pages.ui.text import escape_markdown

SURVEY_KINDS = ("nps", "proportion", "mean")
NEEDS = (
    "Key drivers need survey answers with a customer_id (or order_id) plus orders or support "
    "contacts for the same customers (docs/DRIVERS.md)."
)
METHOD = (
    "**How to read this.** Each bar is the share of the differences between customers' "
    "scores that the driver accounts for (general dominance: its R² gain averaged over every "
    "combination of the other drivers), with a 95% bootstrap interval. It shows association, "
    "not proof of cause. Drivers that move together (late deliveries and long delivery hours) "
    "share the credit between them. Only customers with the linked data count. NPS counts a "
    "customer +100 as a promoter, −100 as a detractor, so the bars explain NPS itself."
)


def survey_scores(context: PageContext) -> list[str]:
    """Each survey's first KPI in the registry (NPS, CSAT, CES) that the workspace tracks."""
    first: dict[str, str] = {}
    for kpi in registry_for(context.workspace):
        if kpi.survey and kpi.kind in SURVEY_KINDS:
            first.setdefault(kpi.survey, kpi.id)
    return tracked_ids(context, list(first.values()))


def drivers_section(context: PageContext) -> None:
    scores = survey_scores(context)
    if not scores:
        st.info(NEEDS)
        return
    registry = registry_for(context.workspace)
    st.markdown(METHOD)
    for place, kpi_id in zip(st.columns(len(scores)), scores, strict=True):
        label = registry.get(kpi_id).label
        with place:
            try:
                found, fit = drivers_data.key_drivers(context, kpi_id)
            except MetricUnavailableError as error:
                st.info(f"No drivers for {label}: {escape_markdown(error.reason)}. {NEEDS}")
                continue
            frame = fit.frame()
            frame = frame.with_columns(
                label=pl.Series([driver_label(d) for d in frame["driver"]], dtype=pl.Utf8)
            )
            figure = importance_figure(frame, label, n=fit.n, r_squared=fit.r_squared)
            show_chart(figure, key=f"drivers_{kpi_id}")
            top = frame.row(0, named=True)
            st.caption(
                escape_markdown(
                    f"{fit.n:,} of {found.customers:,} customers who answered have the linked "
                    f"data. Top driver: {top['label']} ({top['share']:.0%} of the explained "
                    f"variance; R² {fit.r_squared:.2f}, 95% {fit.r_squared_low:.2f}–"
                    f"{fit.r_squared_high:.2f}). "
                    + ("Orders: the ones the answers name. " if found.own_order else "")
                    + " ".join(found.left_out)
                )
            )


def tree_section(context: PageContext) -> None:
    st.subheader("Metric tree: benefits → scores → retention and revenue")
    weekly, edges = drivers_data.tree(context)
    drawn = [e for e in edges if e.r is not None]
    if not drawn:
        st.info(
            "The metric tree needs weekly values of at least one benefit and one survey score "
            "(or a score and retention or revenue) over the half year before the period's end."
        )
        return
    registry = registry_for(context.workspace)
    layers = [[k for k in layer if k in weekly] for layer in LAYERS]
    labels = {k: registry.get(k).label for k in weekly}
    show_chart(tree_figure(layers, labels, drawn), key="metric_tree")
    strongest = max(drawn, key=lambda e: abs(e.r or 0.0))
    window = drivers_data.tree_window(context)
    st.caption(
        escape_markdown(
            f"Weekly changes from {window.start:%d %b %Y} to {window.end:%d %b %Y}. Strongest "
            f"link: {labels[strongest.source]} → {labels[strongest.target]}, r "
            f"{strongest.r:+.2f} ({strongest.low:+.2f} to {strongest.high:+.2f}) after "
            f"{strongest.lag} week(s), permutation p = {strongest.p_value:.3f}. Weeks move "
            "together for many reasons: an edge is a lead to check, not a cause."
        )
    )


context = page_context()
page_header("Key drivers", context)
if context is not None:
    st.subheader("What drives each survey score")
    drivers_section(context)
    tree_section(context)
