"""Tile status against a target: green, amber, red or none.

- green: the value is on the right side of the target (≥ for higher-is-better,
  ≤ for lower-is-better), target included;
- amber: on the wrong side, but within ``tolerance`` (default 5%) of the target's
  size, or the value's interval still reaches the target (we can't tell it missed);
- red: on the wrong side, further than the tolerance, and the interval agrees;
- none: no target, or no value.

Examples: NPS 38.5 [34.5, 42.5] against a target of 40 is amber (the interval
reaches 40); an on-time rate of 0.85 [0.84, 0.86] against 0.95 is red (0.10 short,
more than 0.05 × 0.95 = 0.0475, and the interval stays below); a delivery p50 of
30 h against a 36 h lower-is-better target is green.

    >>> status_for(38.5, 34.5, 42.5, 40.0, "higher")
    'amber'
    >>> status_for(0.85, 0.84, 0.86, 0.95, "higher")
    'red'
    >>> status_for(30.0, 28.0, 32.0, 36.0, "lower")
    'green'
"""

from __future__ import annotations

from typing import Literal

Status = Literal["green", "amber", "red", "none"]


def status_for(
    value: float | None,
    low: float | None,
    high: float | None,
    target: float | None,
    direction: str,
    tolerance: float = 0.05,
) -> Status:
    if target is None or value is None:
        return "none"
    on_target = value >= target if direction == "higher" else value <= target
    if on_target:
        return "green"
    near = abs(value - target) <= tolerance * abs(target)
    reaches = low is not None and high is not None and low <= target <= high
    return "amber" if near or reaches else "red"
