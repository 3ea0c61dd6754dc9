"""The weekly digest: the overview's numbers, the top movers and the pinned link, per recipient.

A digest (``[[digests]]``) goes to its channels on its schedule, filtered to its
segment values (the regional manager gets North). It holds the overview's
tiles as computed for that view (``digest_results``; the slide attached to it
is drawn from the same results by ``exports/slide.py``, see
``benefitboard/serve.py``), the KPIs that moved most (significant changes
first, by relative size), and a link pinned to the snapshot.

Example:
    >>> from metrics.alert_rules import DigestSpec
    >>> digest_title(DigestSpec("North weekly", "0 8 * * mon", ("north",),
    ...                         segment=(("region", "North"),)))
    'Benefitboard · North weekly (region North)'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from alerts.data import datasets_of, evaluation_day, snapshot_data
from alerts.evaluate import workspace_registry, workspace_settings
from alerts.links import view_link
from alerts.message import PRODUCT, Message, freshness_sentence
from benefitboard.config import WorkspaceConfig
from benefitboard.text import printable
from metrics.alert_rules import DigestSpec
from metrics.change_words import delta_style, relative_change
from metrics.engine import KpiResult, compute_kpis
from metrics.periods import Period
from store.snapshots import Snapshot


@dataclass(frozen=True)
class Digest:
    """A digest's message and the tile rows its slide is drawn from."""

    message: Message
    rows: tuple[tuple[str, tuple[KpiResult, ...]], ...]
    period: Period
    comparison: Period
    filters: str


def digest_title(spec: DigestSpec) -> str:
    who = ", ".join(f"{s} {v}" for s, v in spec.segment)
    return f"{PRODUCT} · {spec.name}" + (f" ({who})" if who else "")


def build_digest(
    workspace: WorkspaceConfig, snapshot: Snapshot, spec: DigestSpec, as_of: date | None = None
) -> Digest:
    """The digest of ``spec`` for the ``days`` ending on the snapshot's last day with data."""
    registry = workspace_registry(workspace)
    settings = workspace_settings(workspace)
    kpi_ids = list(registry.overview_ids)
    data = snapshot_data(snapshot, datasets_of(registry, kpi_ids), workspace.timezone)
    end = as_of or evaluation_day(snapshot, data, settings)
    period = Period(end - timedelta(days=spec.days - 1), end)
    comparison = period.previous()
    filters = {k: list(v) for k, v in spec.filters.items()}
    results = compute_kpis(
        kpi_ids, data, period, comparison, filters=filters, settings=settings, registry=registry
    )
    by_id = {r.kpi.id: r for r in results}
    rows = tuple(
        (title, tuple(by_id[k.id] for k in kpis if k.id in by_id))
        for title, kpis in registry.overview_rows()
    )
    link = view_link(
        workspace.notifications.base_url, "", period, "previous", spec.filters, snapshot.id
    )
    currency = workspace.currency
    movers = top_movers(results, spec.top)
    lines = [f"{period} against {comparison}, {_who(spec)}.", "", "Top movers:"]
    lines += [f"- {mover_line(r, currency)}" for r in movers] or ["- no KPI moved"]
    datasets = sorted({r.kpi.dataset for r in movers})
    lines += ["", *(freshness_sentence(snapshot.datasets.get(d)) for d in datasets)]
    lines += ["", f"Open the overview (pinned to data snapshot {snapshot.id}): {link}"]
    message = Message(digest_title(spec), "\n".join(printable(line) for line in lines), link)
    return Digest(message, rows, period, comparison, _who(spec))


def top_movers(results: list[KpiResult], top: int) -> list[KpiResult]:
    """The KPIs with a change, significant ones first, then by the size of the relative change."""
    moved = [r for r in results if not r.missing and r.change and r.change.delta is not None]

    def size(result: KpiResult) -> tuple[bool, float]:
        assert result.change is not None
        share = relative_change(result.change.delta, result.previous)
        return (delta_style(result).color != "gray", abs(share) if share is not None else 0.0)

    return sorted(moved, key=size, reverse=True)[:top]


def mover_line(result: KpiResult, currency: str = "EUR") -> str:
    """'On-time delivery: 84.3% (−7.8 pp, significantly worse)'."""
    style = delta_style(result, currency)
    value = result.kpi.format_value(result.current.value, currency)
    return f"{result.kpi.label}: {value} ({style.text}, {style.description})"


def _who(spec: DigestSpec) -> str:
    return ", ".join(f"{s} {v}" for s, v in spec.segment) or "all customers"
