"""The Drivers page's computations, cached per snapshot, view and KPI.

Why cached: a driver fit resamples customers 200 times and the metric tree shuffles
weekly series for every edge; both are the same for every viewer of a snapshot and
view, so each is computed once (``st.cache_resource``; results are never mutated).
The segment filters (which hold a person's row limits) are part of the key.
Every number comes from ``metrics``: this module only chooses what to ask for.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import streamlit as st

from metrics.dominance import Dominance, dominance
from metrics.drivers import DriverFrame, customer_drivers
from metrics.engine import MetricUnavailableError
from metrics.metric_tree import LAYERS, Association, metric_tree
from metrics.periods import Period, bucket_start
from pages.ui import series
from pages.ui.context import PageContext
from pages.ui.data import DataKey, data_key
from pages.ui.kpis import registry_for, tracked_ids
from pages.ui.metric_settings import settings_for

DRIVER_DATASETS = ("responses", "orders", "contacts")
TREE_WEEKS = 26
"""The metric tree reads the half year up to the period's end: enough weeks for lags."""


def _filters(context: PageContext) -> tuple:
    return tuple(sorted((k, tuple(v)) for k, v in context.view.segments.items() if v))


@st.cache_resource(show_spinner=False, max_entries=128, ttl=6 * 3600)
def _drivers(
    key: DataKey, kpi_id: str, period: Period, filters: tuple, _context: PageContext
) -> tuple[DriverFrame, Dominance]:
    workspace = _context.workspace
    found = customer_drivers(
        kpi_id,
        _context.frames,
        period,
        filters=dict(filters),
        settings=settings_for(workspace),
        registry=registry_for(workspace),
        taxonomy=workspace.taxonomy,
    )
    if found.rows.height < 2 * len(found.drivers) + 10:
        raise MetricUnavailableError(
            f"only {found.rows.height} customers have the linked data: too few to split the fit"
        )
    rows = found.rows
    return found, dominance(rows.select(found.drivers).to_numpy(), rows["score"].to_numpy(),
                            found.drivers)  # fmt: skip


def key_drivers(context: PageContext, kpi_id: str) -> tuple[DriverFrame, Dominance]:
    """The customer-level driver frame of ``kpi_id`` in the view's period, and its dominance."""
    present = [d for d in DRIVER_DATASETS if d in context.snapshot.datasets]
    key = data_key(context.snapshot, present)
    return _drivers(key, kpi_id, series.current_period(context), _filters(context), context)


def tree_window(context: PageContext) -> Period:
    end = context.period.end
    return Period(bucket_start(end - timedelta(weeks=TREE_WEEKS) + timedelta(days=1), "week"), end)


@st.cache_resource(show_spinner=False, max_entries=64, ttl=6 * 3600)
def _tree(key: DataKey, window: Period, filters: tuple, _context: PageContext):
    weekly: dict[str, np.ndarray] = {}
    wanted = [k for layer in LAYERS for k in layer]
    for kpi_id in tracked_ids(_context, wanted):
        try:
            frame = series.trend(_context, kpi_id, window, "week")
        except MetricUnavailableError:
            continue
        values = np.array([np.nan if v is None else v for v in frame["value"].to_list()], float)
        if np.isfinite(values).sum() >= 3:
            weekly[kpi_id] = values
    return weekly, metric_tree(weekly)


def tree(context: PageContext) -> tuple[dict[str, np.ndarray], list[Association]]:
    """Weekly series of the tree's tracked KPIs over ``tree_window``, and every edge."""
    key = data_key(context.snapshot, list(context.snapshot.datasets))
    return _tree(key, tree_window(context), _filters(context), context)
