"""Evaluate the workspace's alert rules on a snapshot, as of one day: each rule's state.

A rule's *state* is what it sees now ("worse", "red", "beyond", "data not
current"); a message goes out when a *notable* state begins (an episode), not
while it holds (``alerts/dispatch.py``). The numbers are the tiles' numbers:
``metrics.engine.compute_kpi`` over the rule's last ``days`` days ending on the
day evaluated, against the comparison period, filtered to the rule's segment.

- ``significant_change``: the engine's own change test (the tile's "significantly
  worse"); states worse, better, steady; notable when it matches ``direction``.
- ``status_change``: the target status; every move between green, amber and red
  is notable (green only when coming back from amber or red).
- ``relative_change``: |change| / comparison value of at least ``percent``, in
  ``direction``; states beyond, within.
- ``data_trust``: its datasets' trust; notable when one failed or went stale.

When a KPI rule's dataset is not current (stale, carried or failed), the rule
says "data not current" and stays quiet; the data's state is reported once, in
one "data not current" message for every rule it silences (no storm of one
message per KPI built on a stale dataset).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from alerts.data import Data, datasets_of, evaluation_day, snapshot_data
from benefitboard.config import WorkspaceConfig
from metrics.alert_rules import AlertRule
from metrics.change_words import delta_style, relative_change
from metrics.engine import KpiResult, compute_kpis
from metrics.periods import Comparison, Period
from metrics.registry import Registry
from metrics.settings import MetricSettings
from store.snapshots import DatasetEntry, Snapshot

NOT_CURRENT = ("stale", "carried", "failed")
DATA_NOT_CURRENT = "data not current"
DATA_RULE = "data not current"
"""The history's name for the one message about data that is not current."""


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule sees after a refresh."""

    rule: AlertRule
    state: str
    notable: bool
    headline: str
    """One line a leader reads first: KPI, segment, what happened."""
    result: KpiResult | None = None
    not_current: tuple[DatasetEntry, ...] = ()
    """The datasets that are not current (data_trust rules, and KPI rules they silence)."""

    @property
    def name(self) -> str:
        return self.rule.name


@dataclass(frozen=True)
class Evaluation:
    """Every rule's outcome for one snapshot and day, with what messages need to be written."""

    as_of: date
    snapshot: Snapshot
    outcomes: tuple[RuleOutcome, ...]
    data: Data
    settings: MetricSettings
    registry: Registry


def workspace_settings(workspace: WorkspaceConfig) -> MetricSettings:
    """How the engine reads this workspace's data (as the pages read it)."""
    return workspace.metric_settings()


def workspace_registry(workspace: WorkspaceConfig) -> Registry:
    """Built-in KPIs plus the workspace's custom ones, with its targets."""
    return workspace.registry()


def evaluate_rules(
    workspace: WorkspaceConfig,
    snapshot: Snapshot,
    *,
    as_of: date | None = None,
    previous: Mapping[str, str] | None = None,
    data: Data | None = None,
    trust: bool = True,
) -> Evaluation:
    """Every rule's state on ``snapshot`` for the ``days`` ending on ``as_of``.

    ``as_of`` defaults to the snapshot's last day with data (what the pages show
    by default). ``previous`` holds each rule's state after the last evaluation
    (a status change needs it). ``trust=False`` ignores the manifest's data trust
    (a replay of an earlier day, whose trust the snapshot does not know).
    """
    rules = workspace.notifications.rules
    registry = workspace_registry(workspace)
    settings = workspace_settings(workspace)
    kpi_ids = [r.kpi for r in rules if r.kpi]
    if data is None:
        data = snapshot_data(snapshot, datasets_of(registry, kpi_ids), workspace.timezone)
    day = as_of or evaluation_day(snapshot, data, settings)
    previous = previous or {}
    outcomes = []
    for rule in rules:
        outcome = _evaluate(rule, workspace, snapshot, data, day, registry, settings, trust)
        outcomes.append(_with_notability(outcome, previous.get(rule.name)))
    return Evaluation(day, snapshot, tuple(outcomes), data, settings, registry)


def rule_periods(rule: AlertRule, as_of: date) -> tuple[Period, Period | None]:
    """The rule's period (its last ``days`` days up to ``as_of``) and the comparison.

    >>> from metrics.alert_rules import AlertRule
    >>> rule = AlertRule("r", "nps", "significant_change", ("c",), days=7)
    >>> [str(p) for p in rule_periods(rule, date(2026, 10, 31))]
    ['2026-10-25 – 2026-10-31', '2026-10-18 – 2026-10-24']
    """
    period = Period(as_of - timedelta(days=rule.days - 1), as_of)
    comparison = Comparison.YEAR_AGO if rule.comparison == "year" else Comparison.PREVIOUS
    return period, comparison.period_for(period)


def _evaluate(
    rule: AlertRule,
    workspace: WorkspaceConfig,
    snapshot: Snapshot,
    data: Data,
    as_of: date,
    registry: Registry,
    settings: MetricSettings,
    trust: bool,
) -> RuleOutcome:
    if rule.when == "data_trust":
        watched = rule.datasets or tuple(snapshot.datasets)
        bad = _not_current(snapshot, watched) if trust else ()
        state = "not current: " + ", ".join(e.dataset for e in bad) if bad else "current"
        return RuleOutcome(rule, state, False, _trust_headline(bad), None, bad)
    assert rule.kpi is not None  # read_notifications requires a KPI on every other rule
    kpi = registry.get(rule.kpi)
    label = f"{kpi.label}, {rule.segment_words}"
    bad = _not_current(snapshot, (kpi.dataset,)) if trust else ()
    if bad:
        return RuleOutcome(rule, DATA_NOT_CURRENT, False, f"{label}: {DATA_NOT_CURRENT}", None, bad)
    period, comparison = rule_periods(rule, as_of)
    result = compute_kpis(
        [rule.kpi],
        data,
        period,
        comparison,
        filters={k: list(v) for k, v in rule.filters.items()},
        settings=settings,
        registry=registry,
    )[0]
    if result.missing:
        return RuleOutcome(rule, "no data", False, f"{label}: {result.missing}", result)
    state = _state(rule, result)
    return RuleOutcome(rule, state, False, f"{label}: {_words(rule, state, result)}", result)


def _state(rule: AlertRule, result: KpiResult) -> str:
    change = result.change
    if rule.when == "status_change":
        return result.status
    if change is None or change.delta is None:
        return "no comparison"
    if rule.when == "significant_change":
        if not change.significant or delta_style(result).color == "gray":
            return "steady"
        return "better" if result.kpi.better(change.delta) else "worse"
    share = relative_change(change.delta, result.previous)
    if share is None or abs(share) * 100 < (rule.percent or 0):
        return "within"
    return "beyond, " + ("better" if result.kpi.better(change.delta) else "worse")


def _with_notability(outcome: RuleOutcome, previous: str | None) -> RuleOutcome:
    rule, state = outcome.rule, outcome.state
    if rule.when == "data_trust":
        notable = state != "current"
    elif rule.when == "status_change":
        notable = state in ("amber", "red") or (state == "green" and previous in ("amber", "red"))
    elif rule.when == "significant_change":
        notable = state in ("worse", "better") and rule.direction in (state, "any")
    elif rule.when == "relative_change":
        notable = state.startswith("beyond") and rule.direction in (state.split(", ")[1], "any")
    else:
        notable = False
    return RuleOutcome(rule, state, notable, outcome.headline, outcome.result, outcome.not_current)


def _words(rule: AlertRule, state: str, result: KpiResult) -> str:
    style = delta_style(result)
    value = result.kpi.format_value(result.current.value)
    change = f"{style.text}, {style.description}" if style.text else style.description
    if rule.when == "status_change":
        return f"{value}, {_status(state)} ({change})"
    if rule.when == "relative_change" and result.change and result.change.delta is not None:
        share = relative_change(result.change.delta, result.previous)
        relative = f"{share:+.1%}".replace("-", "−") if share is not None else "n/a"
        return f"{value}, {relative} against the comparison period ({change})"
    return f"{value} ({change})"


def _status(status: str) -> str:
    return {"green": "on target", "amber": "near target", "red": "off target"}.get(
        status, "no target"
    )


def _not_current(snapshot: Snapshot, datasets: Sequence[str]) -> tuple[DatasetEntry, ...]:
    entries = (snapshot.datasets.get(d) for d in datasets)
    return tuple(e for e in entries if e is not None and e.status in NOT_CURRENT)


def _trust_headline(bad: Sequence[DatasetEntry]) -> str:
    if not bad:
        return "every dataset is current"
    return "not current: " + ", ".join(f"{e.dataset} ({e.status})" for e in bad)
