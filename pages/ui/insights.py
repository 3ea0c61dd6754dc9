"""The overview's and the leadership screen's insights: what moved significantly this period.

Every KPI of the overview is tested for the whole view and for each value of each segment its
dataset declares; Benjamini–Hochberg over all of those tests keeps only changes that are not
noise (``metrics.insights``), each explained by its "what changed" contribution and linked
benefit (``metrics.insight_tests``) and worded once (``metrics.insight_words``). Nothing passes,
nothing is drawn but one quiet line.

Cached like the tiles (``st.cache_resource`` keyed by the fingerprints of the datasets read and
the view), so twenty viewers of one view compute it once; on the demo it adds about 0.4 s to
a first render and nothing after.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from metrics.insight_tests import Insight, change_tests, explain
from metrics.insight_words import insight_sentence
from metrics.insights import LIMIT, significant_changes
from metrics.periods import Period
from metrics.registry import Registry
from metrics.settings import MetricSettings
from pages.ui.context import PageContext
from pages.ui.data import DataKey, data_key, metric_data
from pages.ui.kpis import kpi_datasets, registry_for
from pages.ui.links import link_to
from pages.ui.metric_settings import settings_for
from pages.ui.text import escape_markdown

NOTHING = "No significant changes this period."
PAGE_OF_DATASET = {
    "responses": "pages/drilldown.py",
    "orders": "pages/benefits.py",
    "prices": "pages/benefits.py",
    "selection": "pages/benefits.py",
    "contacts": "pages/effort.py",
    "acquisition": "pages/growth.py",
    "revenue": "pages/growth.py",
}
"""Where each insight's line leads: the page that drills into its KPI's dataset."""


@st.cache_resource(show_spinner=False, max_entries=64, ttl=6 * 3600)
def _insights(
    key: DataKey,
    period: Period,
    comparison: Period,
    filters: tuple,
    kpi_ids: tuple[str, ...],
    segments: tuple[tuple[str, tuple[str, ...]], ...],
    settings: MetricSettings,
    _context: PageContext,
    _registry: Registry,
) -> list[Insight]:
    splits = sorted({s for _, names in segments for s in names})
    data = metric_data(_context, [dataset for dataset, _ in key], [period, comparison], splits)
    filtered = dict(filters)
    tested = change_tests(
        list(kpi_ids),
        data,
        period,
        comparison,
        dict(segments),
        filters=filtered,
        settings=settings,
        registry=_registry,
    )
    return [
        explain(
            test,
            tested,
            data,
            period,
            comparison,
            filters=filtered,
            settings=settings,
            registry=_registry,
        )
        for test in significant_changes(tested.tests, limit=LIMIT)
    ]


def insights(context: PageContext, kpi_ids: Sequence[str]) -> list[Insight]:
    """The significant changes of ``kpi_ids`` in the context's view, ranked (none without a
    comparison period)."""
    period, comparison = context.period.current(), context.period.comparison()
    if comparison is None or not kpi_ids:
        return []
    registry = registry_for(context.workspace)
    datasets = kpi_datasets(registry, kpi_ids)
    if {"responses", "orders"} & set(datasets):  # scores and deliveries explain each other
        datasets = tuple(sorted({*datasets, "responses", "orders"}))
    segments = tuple((d, tuple(context.workspace.segments(d))) for d in datasets)
    filters = tuple(sorted((k, tuple(v)) for k, v in context.view.segments.items() if v))
    return _insights(
        data_key(context.snapshot, datasets),
        period,
        comparison,
        filters,
        tuple(kpi_ids),
        segments,
        settings_for(context.workspace),
        context,
        registry,
    )


def insights_section(context: PageContext, kpi_ids: Sequence[str]) -> None:
    """'What moved' with one line per insight, each a link into the view that shows it."""
    found = insights(context, kpi_ids)
    if not found:
        st.caption(NOTHING)
        return
    st.subheader("What moved")
    currency = context.workspace.currency
    for rank, insight in enumerate(found, start=1):
        view = context.view.with_(
            segments={**context.view.segments, **insight.test.scope},
            kpi=insight.kpi.id,
            page_number=1,
        )
        page = PAGE_OF_DATASET.get(insight.kpi.dataset, "pages/overview.py")
        label = f"{rank}. {escape_markdown(insight_sentence(insight, currency))}"
        link_to(page, label, view)
    st.caption(
        "Changes that pass a false-discovery-rate control (Benjamini–Hochberg, 2.5 %) over every "
        "KPI × segment value tested, most significant first, one line per KPI."
    )
