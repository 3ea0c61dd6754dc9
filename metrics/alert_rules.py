"""Alert rules, digests and the refresh schedule as a workspace declares them (pure, typed).

Why in metrics: a rule names a registry KPI, a segment value and a statistical
test, and a mistake in it (an unknown KPI, a percent of zero, a cron line with
four fields) must fail when the workspace loads, naming the key, like every
other workspace mistake. ``benefitboard.config`` calls ``read_notifications``
and turns a ``RuleKeyError`` into its ``ConfigError`` with the file name;
``alerts/`` evaluates the rules and sends the messages.

Addresses and tokens are never here: a rule names *channels*, whose Apprise
URLs live in ``secrets.toml`` (``alerts/channels.py``, docs/ALERTS.md).

Example:
    >>> settings = read_notifications(
    ...     {"alerts": [{"name": "North on time", "kpi": "on_time_rate",
    ...                  "when": "significant_change", "segment": {"region": "North"},
    ...                  "channels": ["ops"]}]},
    ...     known_kpis={"on_time_rate": "orders"}, segments={"orders": ("region",)})
    >>> rule = settings.rules[0]
    >>> rule.kpi, rule.filters, rule.direction, rule.days, rule.cooldown_hours
    ('on_time_rate', {'region': ('North',)}, 'worse', 7, 24.0)
    >>> rule.segment_words
    'region North'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RULE_KINDS = ("significant_change", "status_change", "relative_change", "data_trust")
"""What a rule watches: the engine's change test against the comparison period, the target
status (green, amber, red), a relative change of at least ``percent``, or the data's trust."""
DIRECTIONS = ("worse", "better", "any")
COMPARISONS = ("previous", "year")
SLIDE_FORMATS = ("png", "pdf")
DEFAULT_BASE_URL = "http://localhost:8501"
DEFAULT_COOLDOWN_HOURS = 24.0
RULE_KEYS = frozenset(
    {"name", "kpi", "when", "segment", "direction", "percent", "days", "comparison"}
    | {"channels", "cooldown_hours", "datasets"}
)
DIGEST_KEYS = frozenset({"name", "schedule", "channels", "segment", "days", "format", "top"})
NOTIFICATION_KEYS = frozenset({"base_url", "cooldown_hours"})
SCHEDULE_KEYS = frozenset({"refresh"})


class RuleKeyError(ValueError):
    """A mistake in ``[[alerts]]``, ``[[digests]]``, ``[notifications]`` or ``[schedule]``;
    ``key`` is the full key (``alerts[0].percent``), the config reader adds the file."""

    def __init__(self, key: str, problem: str) -> None:
        self.key, self.problem = key, problem
        super().__init__(f"[{key}] {problem}")


@dataclass(frozen=True)
class AlertRule:
    """One ``[[alerts]]`` entry: what to watch, where, and whom to tell."""

    name: str
    kpi: str | None
    when: str
    channels: tuple[str, ...]
    segment: tuple[tuple[str, str], ...] = ()
    """Segment = value pairs the KPI is computed for (region North); empty: the whole shop."""
    direction: str = "worse"
    percent: float | None = None
    days: int = 7
    comparison: str = "previous"
    cooldown_hours: float = DEFAULT_COOLDOWN_HOURS
    datasets: tuple[str, ...] = ()
    """For ``data_trust``: the datasets watched (empty: every dataset of the workspace)."""

    @property
    def filters(self) -> dict[str, tuple[str, ...]]:
        """The segment as the metrics engine's filters."""
        return {segment: (value,) for segment, value in self.segment}

    @property
    def segment_words(self) -> str:
        """'region North', or 'all customers' without a segment."""
        return ", ".join(f"{s} {v}" for s, v in self.segment) or "all customers"


@dataclass(frozen=True)
class DigestSpec:
    """One ``[[digests]]`` entry: a scheduled summary for one recipient list."""

    name: str
    schedule: str
    channels: tuple[str, ...]
    segment: tuple[tuple[str, str], ...] = ()
    days: int = 7
    format: str = "png"
    top: int = 5

    @property
    def filters(self) -> dict[str, tuple[str, ...]]:
        return {segment: (value,) for segment, value in self.segment}


@dataclass(frozen=True)
class NotificationSettings:
    """Everything about alerts, digests and the schedule a workspace declares."""

    rules: tuple[AlertRule, ...] = ()
    digests: tuple[DigestSpec, ...] = ()
    base_url: str = DEFAULT_BASE_URL
    """Where the dashboard is reachable; the start of every link in a message."""
    cooldown_hours: float = DEFAULT_COOLDOWN_HOURS
    refresh_schedule: str | None = None
    """``[schedule] refresh``: a cron line in the workspace's time zone (``serve`` runs it)."""

    @property
    def channels(self) -> tuple[str, ...]:
        """Every channel a rule or digest names, in first-use order."""
        names = [c for r in self.rules for c in r.channels]
        names += [c for d in self.digests for c in d.channels]
        return tuple(dict.fromkeys(names))


def read_notifications(
    raw: Mapping[str, Any],
    *,
    known_kpis: Mapping[str, str],
    segments: Mapping[str, tuple[str, ...]],
) -> NotificationSettings:
    """Read the four tables from a parsed workspace file (the top-level mapping).

    ``known_kpis`` maps every KPI id (built-in and custom) to its dataset;
    ``segments`` maps each dataset the workspace provides to its declared segments.
    """
    notifications = _table(raw, "notifications")
    _unknown(notifications, "notifications", NOTIFICATION_KEYS)
    base_url = _get(notifications, "notifications", "base_url", str, DEFAULT_BASE_URL)
    if not base_url.startswith(("http://", "https://")):
        raise RuleKeyError(
            "notifications.base_url",
            f"expected the dashboard's address, like 'https://kpis.example.com', got {base_url!r}",
        )
    cooldown = _hours(notifications, "notifications", DEFAULT_COOLDOWN_HOURS)
    schedule = _table(raw, "schedule")
    _unknown(schedule, "schedule", SCHEDULE_KEYS)
    refresh = _get(schedule, "schedule", "refresh", str)
    if refresh is not None:
        check_cron(refresh, "schedule.refresh")
    rules = tuple(
        _rule(entry, f"alerts[{i}]", cooldown, known_kpis, segments)
        for i, entry in enumerate(_array(raw, "alerts"))
    )
    digests = tuple(
        _digest(entry, f"digests[{i}]", segments) for i, entry in enumerate(_array(raw, "digests"))
    )
    for kind, names in (
        ("alerts", [r.name for r in rules]),
        ("digests", [d.name for d in digests]),
    ):
        if len(set(names)) != len(names):
            raise RuleKeyError(kind, f"each name at most once (it keys the history), got {names}")
    return NotificationSettings(rules, digests, base_url.rstrip("/"), cooldown, refresh)


def check_cron(line: str, key: str) -> None:
    """Refuse anything but a five-field cron line (minute hour day month weekday).

    >>> check_cron("0 6 * * *", "schedule.refresh")
    >>> check_cron("every morning", "schedule.refresh")
    Traceback (most recent call last):
    ...
    metrics.alert_rules.RuleKeyError: [schedule.refresh] expected a cron line ...
    """
    from apscheduler.triggers.cron import CronTrigger

    problem = (
        "expected a cron line of five fields, minute hour day month weekday, in the "
        f"workspace's time zone, like '0 6 * * *' (06:00 daily) or '0 8 * * mon'; got {line!r}"
    )
    if len(line.split()) != 5:
        raise RuleKeyError(key, problem)
    try:
        CronTrigger.from_crontab(line, timezone="UTC")
    except ValueError as error:
        raise RuleKeyError(key, f"{problem} ({error})") from None


def _rule(
    entry: Any,
    key: str,
    cooldown: float,
    known_kpis: Mapping[str, str],
    segments: Mapping[str, tuple[str, ...]],
) -> AlertRule:
    if not isinstance(entry, dict):
        raise RuleKeyError(key, f"expected a table, got {entry!r}")
    _unknown(entry, key, RULE_KEYS)
    name = _name(entry, key)
    when = _get(entry, key, "when", str)
    if when not in RULE_KINDS:
        raise RuleKeyError(f"{key}.when", f"expected one of {RULE_KINDS}, got {when!r}")
    kpi = _get(entry, key, "kpi", str)
    if when != "data_trust" and kpi is None:
        raise RuleKeyError(f"{key}.kpi", f"a {when} rule watches a KPI; name one of its ids")
    if kpi is not None and kpi not in known_kpis:
        raise RuleKeyError(f"{key}.kpi", f"unknown KPI {kpi!r}; expected one of {list(known_kpis)}")
    dataset = known_kpis.get(kpi) if kpi else None
    segment = _segment(entry, key, dataset, segments)
    direction = _get(entry, key, "direction", str, "worse")
    if direction not in DIRECTIONS:
        raise RuleKeyError(f"{key}.direction", f"expected one of {DIRECTIONS}, got {direction!r}")
    percent = _get(entry, key, "percent", (int, float))
    if when == "relative_change" and (percent is None or percent <= 0):
        raise RuleKeyError(
            f"{key}.percent", f"a relative_change rule needs percent above 0, got {percent!r}"
        )
    days = _get(entry, key, "days", int, 7)
    if not 1 <= days <= 366:
        raise RuleKeyError(f"{key}.days", f"expected 1 to 366 days, got {days!r}")
    comparison = _get(entry, key, "comparison", str, "previous")
    if comparison not in COMPARISONS:
        raise RuleKeyError(
            f"{key}.comparison", f"expected one of {COMPARISONS}, got {comparison!r}"
        )
    datasets = _strings(entry, key, "datasets", required=False)
    unknown = sorted(set(datasets) - set(segments))
    if unknown:
        raise RuleKeyError(
            f"{key}.datasets", f"the workspace provides no {unknown}; expected some of "
            f"{sorted(segments)}"
        )  # fmt: skip
    return AlertRule(
        name=name,
        kpi=kpi,
        when=when,
        channels=_strings(entry, key, "channels", required=True),
        segment=segment,
        direction=direction,
        percent=None if percent is None else float(percent),
        days=days,
        comparison=comparison,
        cooldown_hours=_hours(entry, key, cooldown),
        datasets=datasets,
    )


def _digest(entry: Any, key: str, segments: Mapping[str, tuple[str, ...]]) -> DigestSpec:
    if not isinstance(entry, dict):
        raise RuleKeyError(key, f"expected a table, got {entry!r}")
    _unknown(entry, key, DIGEST_KEYS)
    schedule = _get(entry, key, "schedule", str, "0 8 * * mon")
    check_cron(schedule, f"{key}.schedule")
    fmt = _get(entry, key, "format", str, "png")
    if fmt not in SLIDE_FORMATS:
        raise RuleKeyError(f"{key}.format", f"expected one of {SLIDE_FORMATS}, got {fmt!r}")
    days = _get(entry, key, "days", int, 7)
    top = _get(entry, key, "top", int, 5)
    if not 1 <= days <= 366 or not 1 <= top <= 20:
        raise RuleKeyError(key, f"expected days 1 to 366 and top 1 to 20, got {days!r}, {top!r}")
    return DigestSpec(
        name=_name(entry, key),
        schedule=schedule,
        channels=_strings(entry, key, "channels", required=True),
        segment=_segment(entry, key, None, segments),
        days=days,
        format=fmt,
        top=top,
    )


def _segment(
    entry: Mapping[str, Any],
    key: str,
    dataset: str | None,
    segments: Mapping[str, tuple[str, ...]],
) -> tuple[tuple[str, str], ...]:
    """``segment = { region = "North" }``: declared by the KPI's dataset (any dataset for a
    digest), one value per segment."""
    raw = entry.get("segment", {})
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v for v in raw.values()):
        raise RuleKeyError(
            f"{key}.segment", f'expected a table like {{ region = "North" }}, got {raw!r}'
        )
    declared = (
        set(segments.get(dataset, ())) if dataset else {s for v in segments.values() for s in v}
    )
    for name in raw:
        if name not in declared:
            owner = f"dataset {dataset!r}" if dataset else "no dataset"
            raise RuleKeyError(
                f"{key}.segment.{name}",
                f"{owner} declares no segment {name!r}; declared: {sorted(declared)}",
            )
    return tuple(sorted(raw.items()))


def _name(entry: Mapping[str, Any], key: str) -> str:
    name = _get(entry, key, "name", str)
    if not name or not name.strip():
        raise RuleKeyError(f"{key}.name", "every entry needs a name (it keys the history)")
    return name.strip()


def _strings(entry: Mapping[str, Any], key: str, name: str, *, required: bool) -> tuple[str, ...]:
    value = entry.get(name, [])
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if not ok or (required and not value):
        raise RuleKeyError(f"{key}.{name}", f"expected a non-empty list of names, got {value!r}")
    return tuple(v.strip() for v in value)


def _hours(raw: Mapping[str, Any], key: str, default: float) -> float:
    hours = _get(raw, key, "cooldown_hours", (int, float), default)
    if hours < 0:
        raise RuleKeyError(f"{key}.cooldown_hours", f"expected 0 or more hours, got {hours!r}")
    return float(hours)


def _table(raw: Mapping[str, Any], key: str) -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise RuleKeyError(key, f"expected a table, got {value!r}")
    return value


def _array(raw: Mapping[str, Any], key: str) -> list:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise RuleKeyError(key, f"expected an array of tables [[{key}]]")
    return value


def _unknown(raw: Mapping[str, Any], key: str, allowed: frozenset[str]) -> None:
    extra = sorted(set(raw) - allowed)
    if extra:
        raise RuleKeyError(key, f"unknown key(s) {extra}; expected some of {sorted(allowed)}")


def _get(raw: Mapping[str, Any], key: str, name: str, kind: type | tuple, default: Any = None):
    value = raw.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else "a number"
        raise RuleKeyError(f"{key}.{name}", f"expected {expected}, got {value!r}")
    return value
