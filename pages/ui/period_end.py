"""Where a page's relative period ("last 30 days") ends: the newest day its KPIs all have data.

Why per page: datasets of one workspace rarely end on the same day. In the Olist
export the last review was answered six weeks after the last order; ending every
page on the newest row of any dataset left "last 30 days" with no orders at all,
so the order, revenue and growth tiles said "no data" and CSAT rested on three
answers. A page therefore ends its relative period on the oldest of the newest
days of the datasets *its* KPIs read (``metrics.periods.relative_end``): on the
overview that is the day orders and reviews both reach; on the survey drill-down,
which reads only reviews, it is the last review day.

The rule is a function of the snapshot's manifest, the workspace file and the
page, so a shared link (``asof`` pins the snapshot) reproduces the same dates and
the same numbers. Pinned dates (``from``/``to``) are used as given.
"""

from __future__ import annotations

from datetime import date

from benefitboard.config import WorkspaceConfig
from metrics.periods import relative_end
from metrics.registry import Registry
from pages.ui.context import last_complete_day, newest_days
from pages.ui.kpis import registry_for
from store.snapshots import Snapshot

OVERVIEW = ""
"""The default page's URL path: its KPIs are the overview tiles."""
SECTION_PAGES = ("benefits", "growth", "drilldown")
"""Pages whose KPIs are the registry's ``<page>.…`` sections (``Kpi.sections``)."""
ALSO_READ: dict[str, tuple[str, ...]] = {"benefits": ("responses",)}
"""Datasets a section page reads beside its sections' KPIs: the customer-benefit page sets
survey answers beside the deliveries they follow."""
OTHER_PAGES: dict[str, tuple[str, ...]] = {
    "verbatims": ("responses",),
    "effort": ("contacts",),
    "feedback": ("feedback", "responses", "contacts"),
}
"""Pages drawn from datasets rather than registry KPIs, with the datasets they read."""


def page_datasets(registry: Registry, page_path: str) -> set[str] | None:
    """The datasets the KPIs on page ``page_path`` read; None for a page without KPIs
    (data quality), whose relative period ends on the newest data of any dataset.

    >>> from metrics.registry import build_registry
    >>> sorted(page_datasets(build_registry(), "growth"))
    ['acquisition', 'revenue']
    >>> sorted(page_datasets(build_registry(), "drilldown"))
    ['responses']
    >>> page_datasets(build_registry(), "data-quality") is None
    True
    """
    if page_path == OVERVIEW:
        return {registry.get(kpi_id).dataset for kpi_id in registry.overview_ids}
    if page_path in SECTION_PAGES:
        prefix = f"{page_path}."
        kpis = {k.dataset for k in registry if any(s.startswith(prefix) for s in k.sections)}
        return kpis | set(ALSO_READ.get(page_path, ()))
    if page_path in OTHER_PAGES:
        return set(OTHER_PAGES[page_path])
    return None


def page_period_end(snapshot: Snapshot, workspace: WorkspaceConfig, page_path: str) -> date:
    """The day relative periods end on for ``page_path`` (see the module docstring)."""
    datasets = page_datasets(registry_for(workspace), page_path)
    newest = newest_days(snapshot, workspace.timezone)
    cutoff = last_complete_day(snapshot, workspace.timezone, workspace.as_of)
    if datasets is None or not datasets & set(newest):  # no KPIs here: any data's newest day
        return min(max(newest.values(), default=cutoff), cutoff)
    return relative_end(newest, datasets, cutoff)
