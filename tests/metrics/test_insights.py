"""Insights: Benjamini–Hochberg by hand, the ranking, the planted North slowdown, and silence on
a null workspace (the demo's measurements shuffled within the two periods)."""

from __future__ import annotations

import pytest

from bench.null_workspace import null_insights
from benefitboard.config import load_workspace
from metrics.engine import default_period
from metrics.insight_tests import change_tests, explain
from metrics.insight_words import insight_sentence
from metrics.insights import ChangeTest, false_discovery_rate, significant_changes
from metrics.settings import MetricSettings
from store.snapshots import current_snapshot


def test_benjamini_hochberg_rejects_the_hand_computed_tests():
    # m = 8, q = 0.05: the k-th smallest p is compared with k × 0.05 / 8 = k × 0.00625:
    # .001 ≤ .00625 ✓, .008 ≤ .0125 ✓, .039 > .01875, .041 > .025, .042 > .03125,
    # .06 > .0375, .074 > .04375, .205 > .05 → the largest passing rank is 2: reject two.
    p = [0.039, 0.001, 0.041, 0.008, 0.042, 0.06, 0.074, 0.205]
    assert false_discovery_rate(p, q=0.05) == [False, True, False, True] + [False] * 4


def test_benjamini_hochberg_steps_up_past_a_failing_rank():
    # m = 4: thresholds .0125, .025, .0375, .05. Sorted .01 ✓, .03 > .025 ✗, .035 ✓, .04 ✓:
    # the largest passing rank is 4, so all four are rejected, .03 included (step-up).
    assert false_discovery_rate([0.03, 0.01, 0.04, 0.035], q=0.05) == [True] * 4
    # The same four at q = 0.01 (thresholds .0025, .005, .0075, .01): none pass.
    assert false_discovery_rate([0.03, 0.01, 0.04, 0.035], q=0.01) == [False] * 4


def _test(kpi, value, p, delta=-1.0):
    segment = "region" if value else None
    return ChangeTest(kpi, segment, value, delta, delta - 0.5, delta + 0.5, p, 0.0, delta)


def test_ranking_keeps_the_most_significant_scope_per_kpi_in_order():
    tests = [
        _test("nps", None, 0.0004),
        _test("nps", "North", 0.00001),
        _test("csat", "South", 0.0002),
        _test("ces", None, 0.9),
        _test("ces", "East", None),  # no test (no comparison data): not in the family
        ChangeTest("revenue", None, None, 5.0, None, None, None, 1.0, 6.0),  # census
    ]
    # Family of 4 p-values: .00001, .0002, .0004 ≤ k × .0125; .9 is not.
    shown = significant_changes(tests)
    assert [(t.kpi_id, t.value) for t in shown] == [("nps", "North"), ("csat", "South")]
    assert significant_changes(tests, limit=1) == shown[:1]
    assert significant_changes([_test("nps", None, 0.2), _test("csat", None, 0.6)]) == []


@pytest.fixture(scope="module")
def demo(demo_workspace):
    workspace = load_workspace(demo_workspace)
    snapshot = current_snapshot(workspace.store_dir)
    frames = {name: frame.collect() for name, frame in snapshot.frames().items()}
    settings = MetricSettings(
        timezone=workspace.timezone,
        min_sample=workspace.min_sample,
        csat_scale=workspace.csat_scale,
        ces_scale=workspace.ces_scale,
        currency=workspace.currency,
    )
    period = default_period(frames, 30, settings)
    segments = {name: workspace.segments(name) for name in frames}
    return frames, workspace.registry(), settings, period, segments


def test_the_planted_north_slowdown_is_the_first_insight(demo):
    frames, registry, settings, period, segments = demo
    options = {"settings": settings, "registry": registry}
    kpis = list(registry.overview_ids)
    tested = change_tests(kpis, frames, period, period.previous(), segments, **options)
    found = significant_changes(tested.tests)
    top = found[0]
    assert (top.segment, top.value) == ("region", "North")
    assert top.kpi_id in ("on_time_rate", "delivery_p50_hours", "nps")
    nps = next(t for t in found if t.kpi_id == "nps")
    insight = explain(nps, tested, frames, period, period.previous(), **options)
    line = insight_sentence(insight)
    assert line.startswith("NPS in region North −") and "after a late delivery" in line
    assert insight.link is not None and insight.link.difference.delta < 0


def test_no_insight_fires_on_the_null_workspace(demo):
    # With every test null, Benjamini–Hochberg at q = 2.5 % fires in at most 2.5 % of seeds
    # (scripts/null_insights.py runs 100). 10 fixed seeds, at most 1 firing: at a true rate of
    # 2.5 % that holds with probability 0.975¹⁰ + 10 × 0.025 × 0.975⁹ = 97 %, and the seeds
    # are fixed, so the test is deterministic; without the control (~70 tests at 5 % each) a
    # seed fires with probability 1 − 0.95⁷⁰ ≈ 97 %, so nearly all ten would.
    frames, registry, settings, period, segments = demo
    kpis = list(registry.overview_ids)
    fired = [
        seed
        for seed in range(10)
        if null_insights(
            frames,
            kpis,
            period,
            period.previous(),
            segments,
            seed,
            settings=settings,
            registry=registry,
        )
    ]
    assert len(fired) <= 1, fired
