"""After a refresh: evaluate the rules, send each new state once per channel, remember it all.

No alert storms, by construction:
- **one message per rule and state**: a rule's state and since when it holds form
  an *episode* (``store/alert_log.py``); a channel gets a message when a notable
  episode begins, and nothing more while it holds;
- **a cooldown** per rule and channel: within ``cooldown_hours`` of the last
  message, a new episode waits (it is sent on a later run if it still holds);
- **stale data**: KPI rules on data that is not current stay quiet, and one
  "data not current" message goes to every channel they would have used;
- **a failing channel never fails the refresh**: the failure is recorded, and
  since the episode never reached that channel, the next run sends it again.

Every evaluation and delivery is kept in the run log for the Alerts page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from alerts.channels import Delivery, MissingChannelError, channel_urls, send
from alerts.evaluate import DATA_RULE, Evaluation, RuleOutcome, evaluate_rules
from alerts.message import Message, alert_message, data_not_current_message
from benefitboard.config import WorkspaceConfig
from store.alert_log import AlertLog
from store.pins import pin_snapshot
from store.snapshots import Snapshot, current_snapshot

log = logging.getLogger("benefitboard.alerts")


@dataclass(frozen=True)
class SentAlert:
    """One message tried on one channel."""

    rule: str
    channel: str
    title: str
    delivery: Delivery
    message: Message | None


@dataclass(frozen=True)
class AlertRun:
    """What the alerts did after one refresh."""

    evaluation: Evaluation | None
    sent: tuple[SentAlert, ...] = ()
    problem: str | None = None

    def summary(self) -> list[str]:
        """Lines for the refresh's console summary."""
        if self.problem:
            return [f"alerts: not evaluated ({self.problem})"]
        if self.evaluation is None:
            return []
        lines = [f"alerts: {len(self.evaluation.outcomes)} rule(s) evaluated"]
        for item in self.sent:
            outcome = "sent" if item.delivery.ok else f"FAILED ({item.delivery.error})"
            lines.append(f"  {item.channel:<14} {outcome}: {item.title}")
        return lines


@dataclass(frozen=True)
class _Plan:
    rule: str
    episode: str
    channels: tuple[str, ...]
    title: str
    cooldown_hours: float
    write: Callable[[], Message]


def run_alerts(
    workspace: WorkspaceConfig, *, snapshot: Snapshot | None = None, now: datetime | None = None
) -> AlertRun:
    """Evaluate every rule on the current snapshot and send what is new; never raises."""
    if not workspace.notifications.rules:
        return AlertRun(None)
    now = now or datetime.now(UTC)
    try:
        snapshot = snapshot or current_snapshot(workspace.store_dir)
        if snapshot is None:
            return AlertRun(None, problem="no snapshot yet")
        alert_log = AlertLog(workspace.store_dir)
        try:
            return _run(workspace, snapshot, alert_log, now)
        finally:
            alert_log.engine.dispose()
    except Exception as error:  # alerts must never fail the refresh that triggers them
        log.exception("alert evaluation failed")
        return AlertRun(None, problem=f"{type(error).__name__}: {error}")


def _run(
    workspace: WorkspaceConfig, snapshot: Snapshot, alert_log: AlertLog, now: datetime
) -> AlertRun:
    moment = now.isoformat(timespec="seconds")
    previous = {
        r.name: s[0] for r in workspace.notifications.rules if (s := alert_log.state(r.name))
    }
    evaluation = evaluate_rules(workspace, snapshot, previous=previous)
    episodes = {}
    for outcome in evaluation.outcomes:
        since = alert_log.set_state(outcome.name, outcome.state, moment)
        episodes[outcome.name] = f"{outcome.state}@{since}"
        alert_log.record_evaluation(
            evaluated_at=moment,
            snapshot_id=snapshot.id,
            rule=outcome.name,
            kpi=outcome.rule.kpi,
            segment=outcome.rule.segment_words,
            state=outcome.state,
            notable=outcome.notable,
            headline=outcome.headline,
        )
    plans = [*_data_plan(workspace, evaluation, alert_log, moment)]
    for outcome in evaluation.outcomes:
        if outcome.notable and not outcome.not_current and outcome.rule.when != "data_trust":
            plans.append(_rule_plan(workspace, evaluation, outcome, episodes[outcome.name]))
    sent = [item for plan in plans for item in _deliver(workspace, snapshot, plan, alert_log, now)]
    return AlertRun(evaluation, tuple(sent))


def _rule_plan(
    workspace: WorkspaceConfig, evaluation: Evaluation, outcome: RuleOutcome, episode: str
) -> _Plan:
    base_url, currency = workspace.notifications.base_url, workspace.currency
    return _Plan(
        outcome.name,
        episode,
        outcome.rule.channels,
        outcome.headline,
        outcome.rule.cooldown_hours,
        lambda: alert_message(outcome, evaluation, base_url, currency),
    )


def _data_plan(
    workspace: WorkspaceConfig, evaluation: Evaluation, alert_log: AlertLog, moment: str
) -> list[_Plan]:
    """The one "data not current" message, for every rule the data silences."""
    affected = [o for o in evaluation.outcomes if o.not_current]
    datasets = sorted({e.dataset for o in affected for e in o.not_current})
    state = "not current: " + ", ".join(datasets) if datasets else "current"
    since = alert_log.set_state(DATA_RULE, state, moment)
    if not affected:
        return []
    channels = tuple(dict.fromkeys(c for o in affected for c in o.rule.channels))
    base_url = workspace.notifications.base_url
    return [
        _Plan(
            DATA_RULE,
            f"{state}@{since}",
            channels,
            f"data not current: {', '.join(datasets)}",
            min(o.rule.cooldown_hours for o in affected),
            lambda: data_not_current_message(affected, evaluation.snapshot, base_url),
        )
    ]


def _deliver(
    workspace: WorkspaceConfig,
    snapshot: Snapshot,
    plan: _Plan,
    alert_log: AlertLog,
    now: datetime,
) -> Sequence[SentAlert]:
    sent: list[SentAlert] = []
    message: Message | None = None
    for channel in plan.channels:
        last = alert_log.last_delivery(plan.rule, channel)
        if last and last["episode"] == plan.episode:
            continue  # this state already reached this channel
        if last and now - datetime.fromisoformat(last["sent_at"]) < timedelta(
            hours=plan.cooldown_hours
        ):
            continue  # cooling down; sent on a later run if the state still holds
        missing = _missing(channel, workspace)
        if missing:
            delivery = Delivery(channel, False, missing)
        else:
            message = message or plan.write()
            if message.link:
                pin_snapshot(workspace.store_dir, snapshot.id, now)
            delivery = send(channel, message, workspace.base_dir)
        alert_log.record_delivery(
            sent_at=now.isoformat(timespec="seconds"),
            rule=plan.rule,
            channel=channel,
            episode=plan.episode,
            status="sent" if delivery.ok else "failed",
            title=message.title if message else plan.title,
            body=message.body if message else None,
            link=message.link if message else None,
            error=delivery.error,
        )
        sent.append(SentAlert(plan.rule, channel, plan.title, delivery, message))
    return sent


def _missing(channel: str, workspace: WorkspaceConfig) -> str | None:
    """Why ``channel`` cannot be used, before a message is written for it (None: try it;
    any other trouble with the secrets file is reported by ``send``)."""
    try:
        channel_urls(channel, workspace.base_dir)
    except MissingChannelError as error:
        return str(error).splitlines()[0]
    except Exception:
        return None
    return None
