"""The pages' bridge to the metrics engine, cached per content of the data and view.

Why cache here: a meeting-room screen and twenty laptops open the same view;
the KPIs for (data, period, comparison, filters) are computed once and shared
(``st.cache_resource``: results are frozen dataclasses, never mutated). The
data part of the key is the fingerprints of the datasets read
(``pages.ui.data.data_key``), so a refresh can never show stale numbers and
recomputes only what it changed; live datasets add a five-minute slot.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from benefitboard.config import WorkspaceConfig
from metrics.availability import Untracked, tracked, untracked
from metrics.engine import KpiResult, compute_kpis
from metrics.kpi import Kpi
from metrics.periods import Period
from metrics.registry import Registry
from metrics.settings import MetricSettings
from pages.ui.context import PageContext
from pages.ui.data import DataKey, data_key, holdings, metric_data
from pages.ui.metric_settings import settings_for


@st.cache_resource(show_spinner=False, max_entries=8)
def _registry(path: str, _workspace: WorkspaceConfig, _version: int) -> Registry:
    return _workspace.registry()


def registry_for(workspace: WorkspaceConfig) -> Registry:
    """Built-in KPIs plus the workspace's custom ones, with its targets and overview tiles."""
    return _registry(str(workspace.path), workspace, id(workspace))


def _filters(context: PageContext) -> dict[str, list[str]]:
    return {segment: list(values) for segment, values in context.view.segments.items()}


def _periods(context: PageContext) -> tuple[Period, Period | None]:
    return context.period.current(), context.period.comparison()


def kpi_datasets(registry: Registry, kpi_ids: Sequence[str]) -> tuple[str, ...]:
    """The datasets the KPIs read (what their cached results depend on)."""
    return tuple(sorted({registry.get(k).dataset for k in kpi_ids if k in registry}))


@st.cache_resource(show_spinner=False, max_entries=256, ttl=6 * 3600)
def _kpi_results(
    key: DataKey,
    period: Period,
    comparison: Period | None,
    filters: tuple,
    kpi_ids: tuple[str, ...],
    settings: MetricSettings,
    _context: PageContext,
    _registry: Registry,
) -> dict[str, KpiResult]:
    data = metric_data(_context, [dataset for dataset, _ in key], [period, comparison])
    results = compute_kpis(
        list(kpi_ids),
        data,
        period,
        comparison,
        filters=dict(filters),
        settings=settings,
        registry=_registry,
    )
    return {r.kpi.id: r for r in results}


def kpi_results(context: PageContext, kpi_ids: Sequence[str]) -> dict[str, KpiResult]:
    """The tiles for the context's view, computed once per content of the data read and view.

    Keyed by the fingerprints of the datasets the KPIs read (``data.data_key``),
    not by the snapshot: a refresh that changed only orders recomputes the
    delivery tiles and serves the survey tiles from the cache.
    """
    period, comparison = _periods(context)
    filters = tuple(sorted((k, tuple(v)) for k, v in _filters(context).items()))
    registry = registry_for(context.workspace)
    return _kpi_results(
        data_key(context.snapshot, kpi_datasets(registry, kpi_ids)),
        period,
        comparison,
        filters,
        tuple(kpi_ids),
        settings_for(context.workspace),
        context,
        registry,
    )


def tracked_kpis(context: PageContext, kpis: Sequence[Kpi]) -> list[Kpi]:
    """The KPIs of ``kpis`` this workspace can compute (``metrics.availability``), in order:
    pages draw only these, so no tile or chart waits for data the workspace can never have."""
    return tracked(kpis, holdings(context))


def tracked_ids(context: PageContext, kpi_ids: Sequence[str]) -> list[str]:
    """``tracked_kpis`` by id (ids the registry does not know are dropped too)."""
    registry = registry_for(context.workspace)
    known = [registry.get(k) for k in kpi_ids if k in registry]
    return [kpi.id for kpi in tracked_kpis(context, known)]


def untracked_kpis(context: PageContext, kpis: Sequence[Kpi]) -> list[Untracked]:
    """The KPIs of ``kpis`` this workspace can't compute, each with what it lacks."""
    return untracked(kpis, holdings(context))
