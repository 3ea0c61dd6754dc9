"""Insights that are not noise: which KPI changes, overall or in one segment, pass a multiplicity
control, ranked, each worded once.

Why a multiplicity control: the overview tests every KPI's change for the whole workspace and
for every value of every segment its dataset declares (NPS in North, in South, on plan pro…),
some fifty tests on the demo. At 5 % each, noise alone would make about two and a half of them
"significant" every period, and a leader would learn to ignore the list. The
Benjamini–Hochberg procedure (``false_discovery_rate``) keeps the expected share of false
insights among those shown at most q. When nothing changed at all, every insight is false,
so q is also the chance that a period shows any insight at all.

Why q = 2.5 % and not the customary 5 %: the tests are calibrated (on the null workspace,
``bench.null_workspace``, 300 seeds × 71 tests, each KPI's share of p < 0.001 is within
chance of 0.1 %), so at q = 5 % a quiet period shows a false insight in about one in twenty
meetings — measured 23 of 400 null seeds (5.8 %), which a leadership list seen every week
cannot afford. At q = 2.5 %: 12 of 400 (3.0 %). A real change of the size leaders act on
(the demo's North slowdown, p < 1e-20) passes either way.

Each test is a KPI's own change test (``metrics.stats``: two-sample z for NPS, two-proportion
z, Welch t, …), the p-value the tiles already show. Census KPIs (counts, revenue) have no test
and are never insights.

Ranking: the passing tests, most significant first, one line per KPI (the KPI's most
significant scope: "on-time rate in region North" rather than the whole workspace and North
twice), at most ``limit`` lines.

Example (four tests, m = 4; BH at q = 0.025 compares the sorted p-values 1e-7, 1e-4, .004, .2
with .00625, .0125, .01875, .025 and rejects the three smallest; one line per KPI leaves two):
    >>> tests = [ChangeTest("nps", None, None, -2.0, -5.0, 1.0, 0.2, 30.0, 28.0),
    ...          ChangeTest("nps", "region", "North", -30.0, -38.0, -22.0, 0.0001, 40.0, 10.0),
    ...          ChangeTest("on_time_rate", None, None, -0.08, -0.1, -0.06, 0.004, 0.9, 0.82),
    ...          ChangeTest("on_time_rate", "region", "North", -0.3, -0.34, -0.26, 0.0000001,
    ...                     0.92, 0.62)]
    >>> [(t.kpi_id, t.value) for t in significant_changes(tests)]
    [('on_time_rate', 'North'), ('nps', 'North')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import false_discovery_control

Q = 0.025
"""The false discovery rate the overview's insights are held to (why 2.5 %: above)."""
LIMIT = 5
"""At most this many insights: a short list a leader reads in a few seconds."""


@dataclass(frozen=True)
class ChangeTest:
    """One KPI's change test in one scope: the whole view (``segment`` None) or one value."""

    kpi_id: str
    segment: str | None
    value: str | None
    delta: float | None
    low: float | None
    high: float | None
    p_value: float | None
    previous: float | None
    current: float | None

    @property
    def scope(self) -> dict[str, tuple[str, ...]]:
        """The segment filter that shows this scope (empty for the whole view)."""
        return {self.segment: (self.value,)} if self.segment and self.value is not None else {}


def false_discovery_rate(p_values: Sequence[float], q: float = Q) -> list[bool]:
    """Which of ``p_values`` the Benjamini–Hochberg procedure rejects at false discovery rate q.

    Sort the m p-values, find the largest rank k with p₍ₖ₎ ≤ k·q/m, reject the k smallest.
    scipy's ``false_discovery_control`` gives the adjusted p-values (min over j ≥ i of
    p₍ⱼ₎·m/j); a test is rejected when its adjusted p-value is at most q, the same thing.

    >>> false_discovery_rate([0.01, 0.04, 0.03, 0.5], q=0.05)  # thresholds .0125 .025 .0375 .05
    [True, False, False, False]
    >>> false_discovery_rate([0.01, 0.04, 0.03, 0.5])  # q = 0.025: .00625 .0125 .01875 .025
    [False, False, False, False]
    >>> false_discovery_rate([])
    []
    """
    if not p_values:
        return []
    adjusted = false_discovery_control(np.asarray(p_values, dtype=float), method="bh")
    return [bool(a <= q) for a in adjusted]


def with_p_values(tests: Sequence[ChangeTest]) -> list[ChangeTest]:
    """The tests with a p-value (census KPIs and scopes without both periods' data have none)."""
    return [
        t
        for t in tests
        if t.p_value is not None and not np.isnan(t.p_value) and t.delta is not None
    ]


def significant_changes(
    tests: Sequence[ChangeTest], q: float = Q, limit: int = LIMIT
) -> list[ChangeTest]:
    """The tests that pass Benjamini–Hochberg over all of ``tests`` (the whole family, so the
    control covers every KPI × segment value tried), most significant first, one per KPI.

    Ties in p-value (two changes so large both underflow to 0) go to the larger change in
    units of its own interval.
    """
    family = with_p_values(tests)
    p_values = [float(t.p_value) for t in family if t.p_value is not None]
    rejected = false_discovery_rate(p_values, q)
    passed = [t for t, ok in zip(family, rejected, strict=True) if ok]
    ranked = sorted(passed, key=lambda t: (t.p_value, -_standardised(t)))
    shown: list[ChangeTest] = []
    for test in ranked:
        if all(test.kpi_id != seen.kpi_id for seen in shown):
            shown.append(test)
    return shown[:limit]


def _standardised(test: ChangeTest) -> float:
    """|Δ| over the half-width of its interval (0 without an interval)."""
    if test.delta is None or test.low is None or test.high is None or test.high <= test.low:
        return 0.0
    return abs(test.delta) / ((test.high - test.low) / 2)
