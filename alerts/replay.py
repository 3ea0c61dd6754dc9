"""Replay: the alerts the rules would have sent after an earlier day's refresh.

A team tunes its rules on history: ``python -m benefitboard alerts --as-of
2026-10-10`` evaluates every rule as of that day (its period ends there; later
data is not looked at) and as of the day before, and lists the alerts that day
would have started: a notable state that did not hold the day before. Rules
whose state still held are listed as ongoing. The snapshot's data trust is
today's, not that day's, so replays ignore it and no message is sent.

Example (a workspace without rules replays to nothing):
    >>> from benefitboard.config import load_workspace
    >>> from benefitboard.workspace import DEMO_CONFIG
    >>> import dataclasses
    >>> from pathlib import Path
    >>> from store.snapshots import Snapshot
    >>> empty = Snapshot("20261101T060000Z", Path("."), "2026-11-01T06:00:00+00:00")
    >>> workspace = load_workspace(DEMO_CONFIG)
    >>> replace_rules = dataclasses.replace(workspace.notifications, rules=())
    >>> replay_day(dataclasses.replace(workspace, notifications=replace_rules), empty,
    ...            date(2026, 10, 10))
    []
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from alerts.data import Data, datasets_of, snapshot_data
from alerts.evaluate import RuleOutcome, evaluate_rules, workspace_registry
from benefitboard.config import WorkspaceConfig
from store.snapshots import Snapshot


@dataclass(frozen=True)
class ReplayedAlert:
    """A rule whose notable state held after the day's refresh."""

    outcome: RuleOutcome
    new: bool
    """True when the state began that day (a message would have been sent)."""

    def line(self) -> str:
        rule = self.outcome.rule
        mark = "ALERT  " if self.new else "ongoing"
        return (
            f"{mark} {rule.name} | kpi {rule.kpi or '-'} | {rule.segment_words} | "
            f"{self.outcome.state} | {self.outcome.headline}"
        )


def replay_day(
    workspace: WorkspaceConfig, snapshot: Snapshot, day: date, data: Data | None = None
) -> list[ReplayedAlert]:
    """The notable states after ``day``'s refresh; ``new`` for those that began that day."""
    rules = workspace.notifications.rules
    if not rules:
        return []
    if data is None:
        kpis = [r.kpi for r in rules if r.kpi]
        data = replay_data(workspace, snapshot, kpis)
    before = evaluate_rules(
        workspace, snapshot, as_of=day - timedelta(days=1), data=data, trust=False
    )
    held = {o.name: o.state for o in before.outcomes}
    earlier = {o.name: o.state for o in before.outcomes if o.notable}
    after = evaluate_rules(workspace, snapshot, as_of=day, previous=held, data=data, trust=False)
    return [ReplayedAlert(o, earlier.get(o.name) != o.state) for o in after.outcomes if o.notable]


def replay_data(workspace: WorkspaceConfig, snapshot: Snapshot, kpis: list[str]) -> Data:
    """The snapshot's data for the rules' KPIs, read once for any number of replayed days."""
    return snapshot_data(
        snapshot, datasets_of(workspace_registry(workspace), kpis), workspace.timezone
    )
