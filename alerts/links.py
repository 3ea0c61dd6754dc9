"""The pinned link in a message: it reopens exactly the view the message talks about.

Why not ``pages/ui/share.py``: a message is written after a refresh, far from
any page, and the layers keep ``alerts/`` below ``pages/``. The parameters are
the ones docs/URL_STATE.md documents and ``pages/ui/state.py`` parses: the
period pinned with ``from``/``to`` (not ``last``, which would move), ``cmp``,
``seg.NAME``, ``kpi`` and ``asof`` (the snapshot, so the numbers do not move
either). The refresh pins that snapshot in ``store/pins.py`` so pruning keeps it.

Example:
    >>> from datetime import date
    >>> from metrics.periods import Period
    >>> view_link("https://kpis.example.com/", "drilldown",
    ...           Period(date(2026, 10, 25), date(2026, 10, 31)), "previous",
    ...           {"region": ("North",)}, "20261101T060000Z", kpi="nps")
    'https://kpis.example.com/drilldown?from=2026-10-25&to=2026-10-31&seg.region=North&asof=20261101T060000Z&kpi=nps'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from metrics.periods import Period

SURVEY_DATASETS = ("responses",)
"""KPIs of these datasets open on the survey drill-down; every other KPI on the overview."""


def view_link(
    base_url: str,
    page: str,
    period: Period | None,
    comparison: str,
    segments: Mapping[str, Sequence[str]],
    snapshot_id: str | None,
    *,
    kpi: str | None = None,
) -> str:
    """The absolute link to ``page`` ('' is the overview) showing exactly this view."""
    params: dict[str, str] = {}
    if period is not None:
        params["from"], params["to"] = period.start.isoformat(), period.end.isoformat()
    if comparison != "previous":
        params["cmp"] = comparison
    for segment, values in sorted(segments.items()):
        if values:
            params[f"seg.{segment}"] = ",".join(values)
    if snapshot_id:
        params["asof"] = snapshot_id
    if kpi:
        params["kpi"] = kpi
    query = urlencode(params, safe=",")
    return f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def page_for(dataset: str) -> str:
    """Where a KPI of ``dataset`` is best looked at: the drill-down for survey KPIs.

    >>> page_for("responses"), page_for("orders")
    ('drilldown', '')
    """
    return "drilldown" if dataset in SURVEY_DATASETS else ""
