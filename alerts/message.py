"""Messages a leader can act on: which KPI moved, by how much, why, how fresh, and the link.

An alert says in its first line which KPI, for whom, and what happened; then
the value against the comparison period with the change's interval and the
tile's significance words (``metrics/change_words.py``, the same words the tile
shows), the target status, the segment that contributed most to the change
(``metrics/what_changed.py``, the drill-down's "what changed"), the data's
freshness, and a pinned link that reopens exactly that view.

Texts are plain (no HTML, no Markdown markup), so every channel shows them as
written; segment values come from the data and are made printable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from alerts.evaluate import Evaluation, RuleOutcome, rule_periods
from alerts.links import page_for, view_link
from benefitboard.text import printable
from metrics.alert_rules import AlertRule
from metrics.change_words import STATUS_WORDS, change_interval_words, delta_style
from metrics.engine import KpiResult, MetricUnavailableError, kpi_by_segment
from metrics.what_changed import DECOMPOSABLE_KINDS, what_changed
from store.snapshots import DatasetEntry, Snapshot

PRODUCT = "Benefitboard"


@dataclass(frozen=True)
class Message:
    """One message, as every channel receives it."""

    title: str
    body: str
    link: str | None = None


def alert_message(
    outcome: RuleOutcome, evaluation: Evaluation, base_url: str, currency: str = "EUR"
) -> Message:
    """The message for a rule whose notable state just began."""
    rule, result = outcome.rule, outcome.result
    title = f"{PRODUCT} · {printable(outcome.headline)}"
    if result is None:
        return Message(title, printable(outcome.headline))
    period, _ = rule_periods(rule, evaluation.as_of)
    snapshot = evaluation.snapshot
    link = view_link(
        base_url,
        page_for(result.kpi.dataset),
        period,
        rule.comparison,
        rule.filters,
        snapshot.id,
        kpi=result.kpi.id,
    )
    lines = [
        change_sentence(result, rule.segment_words, currency),
        target_sentence(result, currency),
        largest_contribution(rule, result, evaluation, currency),
        freshness_sentence(snapshot.datasets.get(result.kpi.dataset)),
        f"Open this view (pinned to data snapshot {snapshot.id}): {link}",
    ]
    return Message(title, "\n".join(printable(line) for line in lines if line), link)


def change_sentence(result: KpiResult, who: str, currency: str = "EUR") -> str:
    """'On-time delivery rate for region North: 84.3% over 2026-10-25 – 2026-10-31, against
    92.1% over 2026-10-18 – 2026-10-24: −7.8 pts (95% interval …), significantly worse.'"""
    kpi = result.kpi
    value = kpi.format_value(result.current.value, currency)
    sentence = f"{kpi.label} for {who}: {value} over {result.period}"
    style = delta_style(result, currency)
    if result.previous is not None and result.previous.value is not None:
        before = kpi.format_value(result.previous.value, currency)
        sentence += f", against {before} over {result.comparison}"
    if style.text is None:
        return f"{sentence} ({style.description})."
    interval = change_interval_words(result, currency)
    return f"{sentence}: {style.text} ({interval}), {style.description}."


def target_sentence(result: KpiResult, currency: str = "EUR") -> str:
    """'Target ≥ 90.0%: off target.' ('' without a target)."""
    if result.target is None:
        return ""
    sign = "≥" if result.kpi.direction == "higher" else "≤"
    target = result.kpi.format_value(result.target, currency)
    return f"Target {sign} {target}: {STATUS_WORDS[result.status]}."


def largest_contribution(
    rule: AlertRule, result: KpiResult, evaluation: Evaluation, currency: str = "EUR"
) -> str:
    """The segment value that moved the KPI most (mix and rate effect), over every segment the
    KPI's dataset declares besides the rule's own; '' when the KPI does not decompose."""
    kpi = result.kpi
    change = result.change
    if kpi.kind not in DECOMPOSABLE_KINDS or change is None or change.delta is None:
        return ""
    period, comparison = rule_periods(rule, evaluation.as_of)
    best: tuple[float, str, str, float] | None = None
    for segment in _segments(evaluation.snapshot, kpi.dataset, rule):
        try:
            table = kpi_by_segment(
                kpi.id,
                evaluation.data,
                period,
                segment,
                comparison=comparison,
                filters={k: list(v) for k, v in rule.filters.items()},
                settings=evaluation.settings,
                registry=evaluation.registry,
            )
        except MetricUnavailableError:
            continue
        split = what_changed(table, kpi.kind)
        if split.change is None or split.segments.is_empty():
            continue
        top = split.segments.row(0, named=True)
        contribution = top["contribution"]
        if contribution is not None and (best is None or abs(contribution) > abs(best[0])):
            best = (contribution, segment, str(top["segment"]), split.change)
    if best is None:
        return ""
    contribution, segment, value, total = best
    return (
        f"Largest contribution to the change: {segment} {value}, "
        f"{kpi.format_delta(contribution, currency)} of the {kpi.format_delta(total, currency)}."
    )


def freshness_sentence(entry: DatasetEntry | None) -> str:
    """'Data: orders from shop_db, ok; newest record 31 Oct 2026; loaded 01 Nov 2026, 06:00 UTC.'

    >>> freshness_sentence(DatasetEntry("orders", "shop_db", "ok", newest_record="2026-10-31",
    ...                                 loaded_at="2026-11-01T06:00:00+00:00")).split("; ")[1:]
    ['newest record 31 Oct 2026', 'loaded 01 Nov 2026, 06:00 UTC.']
    """
    if entry is None:
        return "Data: no source for this KPI."
    status = {"ok": "fresh and valid", "carried": "stale (the latest refresh failed)"}.get(
        entry.status, entry.status
    )
    return (
        f"Data: {entry.dataset} from {entry.source}, {status}; newest record "
        f"{when(entry.newest_record)}; loaded {when(entry.loaded_at)}."
    )


def data_not_current_message(
    outcomes: Sequence[RuleOutcome], snapshot: Snapshot, base_url: str
) -> Message:
    """One message for every dataset that is not current and every rule it silences."""
    entries = {e.dataset: e for o in outcomes for e in o.not_current}
    names = ", ".join(sorted(entries))
    lines = [
        f"{e.dataset} from {e.source} is {e.status}: {e.problem or 'no newer data'}; "
        f"newest record {when(e.newest_record)}, loaded {when(e.loaded_at)}."
        for e in entries.values()
    ]
    silenced = sorted(o.name for o in outcomes if o.rule.when != "data_trust")
    if silenced:
        lines.append(
            f"{len(silenced)} alert rule(s) wait until the data is current: {', '.join(silenced)}."
        )
    link = f"{base_url.rstrip('/')}/data-quality?asof={snapshot.id}"
    lines.append(f"Data quality: {link}")
    return Message(
        f"{PRODUCT} · data not current: {names}",
        "\n".join(printable(line) for line in lines),
        link,
    )


def when(moment: str | None) -> str:
    """An ISO day or time as people read it: '31 Oct 2026' or '01 Nov 2026, 06:00 UTC'.

    >>> when("2026-10-31T23:10:00+01:00"), when(None)
    ('31 Oct 2026, 22:10 UTC', 'unknown')
    """
    if not moment:
        return "unknown"
    if len(moment) == 10:
        return date.fromisoformat(moment).strftime("%d %b %Y")
    parsed = datetime.fromisoformat(moment)
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def _segments(snapshot: Snapshot, dataset: str, rule: AlertRule) -> list[str]:
    entry = snapshot.datasets.get(dataset)
    own = {s for s, _ in rule.segment}
    return [s for s in (entry.segments if entry else ()) if s not in own]
