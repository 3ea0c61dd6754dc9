"""Replay on the demo: North's on-time and NPS rules fire after the planted slowdown starts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.replay import replay_data, replay_day
from benefitboard.__main__ import main
from benefitboard.config import WorkspaceConfig
from connectors.demo.story import PLANTED_SLOWDOWN_REGION, slowdown_dates
from store.snapshots import current_snapshot
from tests.conftest import DEMO_END_DATE

RULES = ("On-time rate worse in North", "NPS worse in North")


def test_north_rules_fire_after_the_slowdown_starts_and_not_before(
    alert_workspace: WorkspaceConfig,
) -> None:
    snapshot = current_snapshot(alert_workspace.store_dir)
    assert snapshot is not None
    data = replay_data(alert_workspace, snapshot, ["on_time_rate", "nps"])
    first_slow, _ = slowdown_dates(DEMO_END_DATE)  # 2026-10-02
    fired: dict[str, list] = {rule: [] for rule in RULES}
    for offset in range(-10, 21):  # the ten days before the slowdown and its first three weeks
        day = first_slow + timedelta(days=offset)
        for alert in replay_day(alert_workspace, snapshot, day, data):
            rule = alert.outcome.rule
            if rule.name in RULES and alert.new:
                assert rule.segment == (("region", PLANTED_SLOWDOWN_REGION),)
                fired[rule.name].append(day)
    for rule, days in fired.items():
        assert days, f"{rule} never fired in the slowdown's first three weeks"
        assert min(days) >= first_slow, f"{rule} fired before the slowdown: {days}"


def test_the_command_prints_each_alert_with_its_kpi_and_segment(
    alert_workspace: WorkspaceConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    first_slow, _ = slowdown_dates(DEMO_END_DATE)
    day = first_slow + timedelta(days=3)  # the on-time rule fires on the slowdown's fourth day
    code = main(["--config", str(alert_workspace.path), "alerts", "--as-of", day.isoformat()])
    out = capsys.readouterr().out
    assert code == 0
    assert "ALERT   On-time rate worse in North | kpi on_time_rate | region North | worse |" in out
