"""The Alerts page on the demo: the shipped rules, their last evaluation, the messages tried."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.full_app import whole_app


def test_the_alerts_page_lists_rules_evaluations_and_messages(
    demo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = whole_app(demo_workspace, monkeypatch).run()
    at.switch_page("pages/alerts.py").run()
    assert not at.exception
    rules, messages = (frame.value for frame in at.dataframe)
    north = rules.set_index("rule").loc["On-time rate worse in North"]
    assert (north["KPI"], north["segment"]) == ("on_time_rate", "region North")
    # the demo refresh (2026-11-01 06:00) evaluated every shipped rule
    assert "not evaluated yet" not in set(rules["state"])
    assert len(rules) == 11
    # the demo defines no channel addresses: every message tried is recorded as failed, by name
    assert set(messages["status"]) == {"failed"}
    assert messages["error"].str.contains("is not defined").all()
