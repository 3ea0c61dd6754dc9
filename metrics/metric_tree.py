"""The metric tree: benefit inputs → customer scores → retention and revenue, week by week.

Why: a leader reads "on-time fell, then NPS fell, then churn rose" as a chain. Each
edge of the tree says how strongly the weekly series at its two ends move together,
and after how many weeks: the correlation of the upstream KPI's week-over-week
change with the downstream KPI's change ``lag`` weeks later, for the lag in
0…``MAX_LAG`` with the largest |r|.

Why changes, not levels: two series that both drift (a price index falling all
year, an app score slowly rising) correlate strongly in levels whatever links them.

Honest numbers for each edge: ``r`` at the chosen lag with its 95 % Fisher-z interval
(which ignores that the lag was chosen), and a permutation p-value that does not:
the downstream changes are shuffled across weeks and the best |r| over all lags is
recomputed each time, so choosing among five lags is paid for. Weekly changes still
carry some autocorrelation, which a shuffle ignores: read p as a screen, not proof.
An association is not a cause.

Example (y's changes copy x's one week later, so lag 1 wins with r = 1):
    >>> import numpy as np
    >>> x = np.array([0., 1, 0, 2, 1, 3, 1, 0, 2, 2, 0, 1])
    >>> y = np.concatenate([[5.0], 5 + x[:-1]])
    >>> found = lagged_association(x, y, permutations=199)
    >>> found.lag, round(found.r, 3), found.p_value < 0.05
    (1, 1.0, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

MAX_LAG = 4
MIN_PAIRS = 6
"""Fewer weekly pairs than this at a lag: no correlation is computed there."""
PERMUTATIONS = 199
"""p resolves to 0.005; enough to screen edges, and quick for ~20 edges on a page."""
BENEFIT_INPUTS = (
    "on_time_rate",
    "delivery_p50_hours",
    "shipping_cost_per_order",
    "price_index",
    "in_stock_rate",
)
CUSTOMER_SCORES = ("nps", "csat", "ces")
OUTCOMES = ("gross_churn", "nrr", "revenue")
"""Retention and revenue: the tree's last column."""
LAYERS = (BENEFIT_INPUTS, CUSTOMER_SCORES, OUTCOMES)


@dataclass(frozen=True)
class Association:
    """One edge's lagged association (``r`` None when too few weeks)."""

    source: str
    target: str
    lag: int
    r: float | None
    low: float | None
    high: float | None
    p_value: float | None
    pairs: int

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05


def _changes(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values[1:] - values[:-1] if values.size > 1 else np.zeros(0)


def _corr_at(dx: np.ndarray, dy: np.ndarray, lag: int) -> tuple[float | None, int]:
    if lag:
        dx, dy = dx[:-lag], dy[lag:]
    keep = ~(np.isnan(dx) | np.isnan(dy))
    dx, dy = dx[keep], dy[keep]
    if dx.size < MIN_PAIRS or dx.std() == 0 or dy.std() == 0:
        return None, int(dx.size)
    return float(np.corrcoef(dx, dy)[0, 1]), int(dx.size)


def _best(dx: np.ndarray, dy: np.ndarray, max_lag: int) -> tuple[int, float | None, int]:
    best: tuple[int, float | None, int] = (0, None, 0)
    for lag in range(max_lag + 1):
        r, pairs = _corr_at(dx, dy, lag)
        if r is not None and (best[1] is None or abs(r) > abs(best[1])):
            best = (lag, r, pairs)
    return best


def lagged_association(
    upstream: np.ndarray,
    downstream: np.ndarray,
    *,
    max_lag: int = MAX_LAG,
    permutations: int = PERMUTATIONS,
    seed: int = 0,
    source: str = "",
    target: str = "",
) -> Association:
    """The best-lag correlation of weekly changes (module doc), its interval and p-value.

    ``upstream`` and ``downstream`` are aligned weekly values (NaN: no value that week).
    """
    dx, dy = _changes(upstream), _changes(downstream)
    lag, r, pairs = _best(dx, dy, max_lag)
    if r is None:
        return Association(source, target, 0, None, None, None, None, pairs)
    z, half = np.arctanh(np.clip(r, -0.999999, 0.999999)), 1.959964 / np.sqrt(max(pairs - 3, 1))
    rng = np.random.default_rng(seed)
    exceed = 0
    for _ in range(permutations):
        shuffled = _best(dx, rng.permutation(dy), max_lag)[1]
        exceed += shuffled is not None and abs(shuffled) >= abs(r) - 1e-12
    return Association(
        source,
        target,
        lag,
        r,
        float(np.tanh(z - half)),
        float(np.tanh(z + half)),
        (exceed + 1) / (permutations + 1),
        pairs,
    )


def metric_tree(
    weekly: Mapping[str, np.ndarray], *, permutations: int = PERMUTATIONS, seed: int = 0
) -> list[Association]:
    """Every edge between consecutive layers (``LAYERS``) whose two KPIs are in ``weekly``.

    ``weekly``: KPI id → its values over the same weeks (NaN where a week has none).
    """
    edges = []
    for upstream, downstream in pairwise(LAYERS):
        for source in (k for k in upstream if k in weekly):
            for target in (k for k in downstream if k in weekly):
                edges.append(
                    lagged_association(
                        weekly[source],
                        weekly[target],
                        permutations=permutations,
                        seed=seed,
                        source=source,
                        target=target,
                    )
                )
    return edges
