"""How a change is said: its text, arrow, colour and significance words, for tiles and messages.

Why in metrics: a KPI tile (``pages/ui/tiles.py``) and an alert or digest
message (``alerts/``) must use the same words for the same change, and a
message is written far from any page. "significantly worse" only when the
engine's change test calls it; otherwise "no significant change", never a red
arrow on noise. The arrow follows the sign; the colour says better or worse
for customers (a faster delivery is a *down* arrow in green).

Example:
    >>> from metrics.engine import KpiResult
    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> from metrics.stats import Change, Estimate
    >>> nps = DEFAULT_REGISTRY.get("nps")
    >>> down = Change(-7.1, -9.0, -5.2, 0.0001, True, "down")
    >>> result = KpiResult(nps, Estimate(25.8, 24.0, 27.6, 3106, False), None, down, 35.0,
    ...                    "red", None)
    >>> delta_style(result)
    DeltaStyle(text='−7.1', arrow='down', color='red', description='significantly worse')
    >>> change_interval_words(result)
    '95% interval −9.0 to −5.2'
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.engine import KpiResult
from metrics.stats import Estimate

STATUS_WORDS = {
    "green": "on target",
    "amber": "near target",
    "red": "off target",
    "none": "no target",
}


@dataclass(frozen=True)
class DeltaStyle:
    """How a change is drawn: text, arrow (sign), colour (better/worse) and its caption."""

    text: str | None
    arrow: str
    color: str
    description: str


def delta_style(result: KpiResult, currency: str = "EUR") -> DeltaStyle:
    """The change as the tile shows it: grey, "no significant change", unless the test calls it."""
    change = result.change
    if change is None or change.delta is None:
        return DeltaStyle(None, "off", "gray", "no comparison data")
    kpi = result.kpi
    text = kpi.format_delta(change.delta, currency)
    shown_as_zero = not any(digit in text for digit in "123456789")
    arrow = "off" if shown_as_zero else "up" if change.delta > 0 else "down"
    census = kpi.kind == "census"
    if shown_as_zero or not change.significant:
        return DeltaStyle(text, arrow, "gray", "no change" if census else "no significant change")
    better = kpi.better(change.delta)
    color = "green" if better else "red"
    if census:
        words = "better" if better else "worse"
        relative = (
            relative_words(change.delta, result.previous)
            if kpi.format in ("count", "currency", "currency0")
            else ""
        )
        return DeltaStyle(text, arrow, color, f"{relative} · {words}" if relative else words)
    return DeltaStyle(text, arrow, color, "significantly " + ("better" if better else "worse"))


def relative_words(delta: float, previous: Estimate | None) -> str:
    """'−0.3%': a change relative to the comparison period's value ('' without one).

    >>> relative_words(-3.0, Estimate(1000.0, None, None, 0, False))
    '−0.3%'
    """
    share = relative_change(delta, previous)
    if share is None:
        return ""
    return f"{'+' if share > 0 else '−'}{abs(share):.1%}"


def relative_change(delta: float | None, previous: Estimate | None) -> float | None:
    """The change as a fraction of the comparison period's value (None when that is 0 or absent).

    >>> relative_change(-0.05, Estimate(0.9, None, None, 0, False))
    -0.05555555555555556
    """
    if delta is None or previous is None or not previous.value:
        return None
    return delta / abs(previous.value)


def change_interval_words(result: KpiResult, currency: str = "EUR") -> str:
    """'95% interval −9.0 to −5.2': the interval of the change, in the KPI's own units."""
    change = result.change
    if change is None or change.low is None or change.high is None:
        return "no interval"
    kpi = result.kpi
    low, high = kpi.format_delta(change.low, currency), kpi.format_delta(change.high, currency)
    return f"95% interval {low} to {high}"
