"""Key drivers: dominance on hand-built fixtures, the metric tree's lags, and the demo's story."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benefitboard.config import load_workspace
from connectors.demo.story import slowdown_dates
from metrics.dominance import dominance, general_dominance, subset_r_squared
from metrics.drivers import customer_drivers
from metrics.metric_tree import lagged_association
from metrics.periods import Period
from store.snapshots import current_snapshot
from tests.conftest import DEMO_END_DATE

X1 = np.array([1.0, -1.0, 1.0, -1.0])
X2 = np.array([1.0, 1.0, -1.0, -1.0])
"""Orthogonal, each with mean 0 and variance 1."""


def test_a_driver_that_determines_the_score_gets_all_of_r_squared() -> None:
    # y = 2·x1 exactly; x2 is orthogonal to x1 → R² = 1, all of it x1's.
    found = dominance(np.column_stack([X1, X2]), 2 * X1, ("x1", "x2"), replicates=0)
    assert found.r_squared == pytest.approx(1.0)
    assert found.general == pytest.approx([1.0, 0.0], abs=1e-8)
    assert found.top == "x1"


def test_orthogonal_drivers_get_their_own_r_squared() -> None:
    # y = 3·x1 + x2: var(y) = 9 + 1 = 10, so r²(x1) = 9/10 and r²(x2) = 1/10, and they add.
    found = dominance(np.column_stack([X1, X2]), 3 * X1 + X2, ("x1", "x2"), replicates=0)
    assert found.general == pytest.approx([0.9, 0.1], abs=1e-8)
    assert found.frame()["share"].to_list() == pytest.approx([0.9, 0.1], abs=1e-8)


def test_a_duplicated_driver_shares_credit_equally() -> None:
    # x2 = x1, y = x1: R²({x1}) = R²({x2}) = R²({x1, x2}) = 1 → each gets (1 + 0) / 2 = 0.5.
    found = dominance(np.column_stack([X1, X1]), X1, ("a", "b"), replicates=0)
    assert found.general == pytest.approx([0.5, 0.5], abs=1e-6)


def test_general_dominance_averages_within_sizes_then_over_sizes() -> None:
    # Correlated drivers: R²(∅)=0, R²(1)=.4, R²(2)=.3, R²(1,2)=.5.
    # x1: size 0 gain .4, size 1 gain .5 − .3 = .2 → (.4 + .2) / 2 = .3; x2: (.3 + .1) / 2 = .2.
    assert general_dominance(np.array([0, 0.4, 0.3, 0.5]), 2) == pytest.approx([0.3, 0.2])


def test_subset_r_squared_matches_a_least_squares_fit() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 3))
    y = x @ [1.0, 0.5, 0.0] + rng.normal(size=200)
    corr = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    design = np.column_stack([np.ones(200), x[:, [0, 2]]])  # subset {x1, x3}: mask 0b101
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    expected = 1 - residual.var() / y.var()
    assert subset_r_squared(corr)[0b101] == pytest.approx(expected, rel=1e-6)


def test_bootstrap_intervals_hold_the_estimate_and_importances_sum_to_r_squared() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(400, 3))
    y = x @ [2.0, 1.0, 0.0] + rng.normal(size=400)
    found = dominance(x, y, ("a", "b", "c"), replicates=100, seed=1)
    assert found.general.sum() == pytest.approx(found.r_squared)
    assert np.all(found.low[:2] <= found.general[:2]) and np.all(
        found.general[:2] <= found.high[:2]
    )
    assert found.r_squared_low <= found.r_squared <= found.r_squared_high


def test_the_metric_tree_finds_the_lag_and_screens_out_noise() -> None:
    rng = np.random.default_rng(2)
    upstream = np.cumsum(rng.normal(size=30))
    downstream = np.concatenate([[0.0, 0.0], -2 * upstream[:-2]])  # follows two weeks later
    found = lagged_association(upstream, downstream, permutations=199)
    assert (found.lag, round(found.r, 6)) == (2, -1.0)
    assert found.p_value == pytest.approx(1 / 200)  # no shuffle does as well
    noise = lagged_association(upstream, rng.normal(size=30), permutations=199, seed=1)
    assert noise.p_value is not None and noise.p_value > 0.05


def test_late_delivery_is_the_top_driver_of_norths_nps_over_the_slowdown(
    demo_workspace: Path,
) -> None:
    workspace = load_workspace(demo_workspace)
    snapshot = current_snapshot(workspace.store_dir)
    assert snapshot is not None
    first, last = slowdown_dates(DEMO_END_DATE)
    found = customer_drivers(
        "nps",
        snapshot.frames(),
        Period(first, last),
        filters={"region": ["North"]},
        settings=_settings(workspace),
        taxonomy=workspace.taxonomy,
    )
    rows = found.rows
    fit = dominance(rows.select(found.drivers).to_numpy(), rows["score"].to_numpy(), found.drivers)
    assert {"late_share", "delivery_hours"} <= set(found.drivers)
    assert fit.top in {"late_share", "delivery_hours"}, fit.frame()
    assert rows.height >= 100  # North's NPS customers with orders in the window


def _settings(workspace):
    from pages.ui.metric_settings import settings_for  # the settings the pages use

    return settings_for(workspace)
