"""Benefitboard's metrics engine: KPI registry, formulas and statistics (pure polars).

Frames in, frames and dataclasses out; no Streamlit, no I/O. See engine.py for the
entry points and aggregates.py for the scale-ready aggregate shapes.

This package root only re-exports, for the pages: modules inside ``metrics``
import each other by submodule (``from metrics.kpi import Kpi``), never from here,
so importing any one of them never runs the whole engine in a half-built state.
"""

from metrics.aggregates import NOT_SET, contact_counts, day_aggregate, order_counts, survey_counts
from metrics.custom import CustomKpiSpec
from metrics.effort import effort_priority
from metrics.engine import (
    KpiResult,
    MetricUnavailableError,
    available_kpis,
    compute_kpi,
    compute_kpis,
    default_period,
    kpi_by_segment,
    kpi_trend,
    latest_data_day,
    missing_reason,
)
from metrics.feedback import feedback_themes
from metrics.kpi import Kpi
from metrics.periods import Comparison, Grain, Period, buckets
from metrics.quantiles import DELIVERY_HOUR_EDGES
from metrics.registry import DEFAULT_REGISTRY, Registry, build_registry
from metrics.settings import Filters, MetricSettings
from metrics.stats import Change, Estimate

__all__ = [
    "DEFAULT_REGISTRY",
    "DELIVERY_HOUR_EDGES",
    "NOT_SET",
    "Change",
    "Comparison",
    "CustomKpiSpec",
    "Estimate",
    "Filters",
    "Grain",
    "Kpi",
    "KpiResult",
    "MetricSettings",
    "MetricUnavailableError",
    "Period",
    "Registry",
    "available_kpis",
    "buckets",
    "build_registry",
    "compute_kpi",
    "compute_kpis",
    "contact_counts",
    "day_aggregate",
    "default_period",
    "effort_priority",
    "feedback_themes",
    "kpi_by_segment",
    "kpi_trend",
    "latest_data_day",
    "missing_reason",
    "order_counts",
    "survey_counts",
]
