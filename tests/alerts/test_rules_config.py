"""Mistakes in [[alerts]], [[digests]] and [schedule] fail at load, naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from benefitboard.config import ConfigError, load_workspace

BASE = """
[workspace]
[sources.exports]
kind = "files"
[sources.exports.datasets.orders]
path = "orders.csv"
segments = ["region"]
"""


@pytest.mark.parametrize(
    ("extra", "key", "words"),
    [
        ('[[alerts]]\nname = "a"\nkpi = "nope"\nwhen = "status_change"\nchannels = ["c"]',
         "alerts[0].kpi", "unknown KPI 'nope'"),
        ('[[alerts]]\nname = "a"\nkpi = "on_time_rate"\nwhen = "relative_change"\nchannels = ["c"]',
         "alerts[0].percent", "needs percent above 0"),
        ('[[alerts]]\nname = "a"\nkpi = "on_time_rate"\nwhen = "status_change"\n'
         'segment = { plan = "pro" }\nchannels = ["c"]',
         "alerts[0].segment.plan", "declares no segment 'plan'"),
        ('[[alerts]]\nname = "a"\nkpi = "on_time_rate"\nwhen = "status_change"',
         "alerts[0].channels", "non-empty list"),
        ('[schedule]\nrefresh = "every morning"', "schedule.refresh", "five fields"),
        ('[[digests]]\nname = "d"\nchannels = ["c"]\nformat = "gif"', "digests[0].format",
         "expected one of ('png', 'pdf')"),
    ],
)  # fmt: skip
def test_a_rule_mistake_names_its_key(tmp_path: Path, extra: str, key: str, words: str) -> None:
    path = tmp_path / "benefitboard.toml"
    path.write_text(BASE + extra + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_workspace(path)
    assert error.value.key == key and words in error.value.problem
    assert str(path) in str(error.value)


def test_a_valid_rule_loads_typed(tmp_path: Path) -> None:
    path = tmp_path / "benefitboard.toml"
    path.write_text(
        BASE + '[[alerts]]\nname = "North"\nkpi = "on_time_rate"\nwhen = "relative_change"\n'
        'percent = 5\nsegment = { region = "North" }\nchannels = ["ops"]\n',
        encoding="utf-8",
    )
    (rule,) = load_workspace(path).notifications.rules
    assert (rule.percent, rule.filters, rule.channels) == (5.0, {"region": ("North",)}, ("ops",))
