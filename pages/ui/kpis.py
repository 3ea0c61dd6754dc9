"""The pages' bridge to the metrics engine, cached per snapshot and view.

Why cache here: a meeting-room screen and twenty laptops open the same view;
the KPIs for (snapshot, period, comparison, filters) are computed once and
shared (``st.cache_resource``: results are frozen dataclasses, never mutated).
A new snapshot id is a new key, so a refresh can never show stale numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
import streamlit as st

from benefitboard.config import WorkspaceConfig
from metrics import (
    KpiResult,
    MetricSettings,
    Period,
    Registry,
    build_registry,
    compute_kpis,
)
from pages.ui.context import PageContext


def settings_for(workspace: WorkspaceConfig) -> MetricSettings:
    """How the metrics engine should read this workspace's data."""
    return MetricSettings(
        timezone=workspace.timezone,
        min_sample=workspace.min_sample,
        csat_scale=workspace.csat_scale,
        ces_scale=workspace.ces_scale,
        currency=workspace.currency,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _registry(path: str, _workspace: WorkspaceConfig, _version: int) -> Registry:
    return build_registry(_workspace.custom_kpis, _workspace.targets)


def registry_for(workspace: WorkspaceConfig) -> Registry:
    """Built-in KPIs plus the workspace's custom ones, with its targets."""
    return _registry(str(workspace.path), workspace, id(workspace))


def _filters(context: PageContext) -> dict[str, list[str]]:
    return {segment: list(values) for segment, values in context.view.segments.items()}


def _periods(context: PageContext) -> tuple[Period, Period | None]:
    p = context.period
    comparison = Period(p.comparison_start, p.comparison_end) if p.comparison_start else None
    return Period(p.start, p.end), comparison


@st.cache_resource(show_spinner=False, max_entries=256, ttl=6 * 3600)
def _kpi_results(
    snapshot_id: str,
    period: Period,
    comparison: Period | None,
    filters: tuple,
    kpi_ids: tuple[str, ...],
    settings: MetricSettings,
    _frames: Mapping[str, pl.DataFrame],
    _registry: Registry,
) -> dict[str, KpiResult]:
    results = compute_kpis(
        list(kpi_ids),
        _frames,
        period,
        comparison,
        filters=dict(filters),
        settings=settings,
        registry=_registry,
    )
    return {r.kpi.id: r for r in results}


def kpi_results(context: PageContext, kpi_ids: Sequence[str]) -> dict[str, KpiResult]:
    """The tiles for the context's view, computed once per snapshot and view."""
    period, comparison = _periods(context)
    filters = tuple(sorted((k, tuple(v)) for k, v in _filters(context).items()))
    return _kpi_results(
        context.snapshot.id,
        period,
        comparison,
        filters,
        tuple(kpi_ids),
        settings_for(context.workspace),
        context.frames,
        registry_for(context.workspace),
    )
