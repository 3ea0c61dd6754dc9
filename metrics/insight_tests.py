"""The insights' inputs from the engine: every KPI's change test per scope, and each shown
insight's explanation (its "what changed" contribution and the benefit linked to it).

Why its own module: ``metrics.insights`` ranks and words plain values (pure, cheap to test
by hand); this one asks the engine for them. One ``compute_kpis`` call gives each KPI's
change for the whole view, and one ``kpi_by_segment`` per KPI and segment the KPI's dataset
declares gives the change of every segment value, from the same day aggregates the tiles and
the drill-down read. The segment tables are kept: "what changed" (``metrics.what_changed``)
splits a KPI's change from them without another computation.

The benefit linked to an insight, computed only for the few insights shown:
- a survey score (NPS, CSAT, CES) in a scope: the score after a late delivery against after
  an on-time one in that scope (``metrics.benefit_links``), and the on-time rate there before
  and now;
- a delivery KPI (on-time rate, delivery hours, shipping cost): NPS in that scope before and
  now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from metrics.benefit_links import ON_TIME, BenefitLink, survey_by_last_order
from metrics.engine import Data, KpiResult, MetricUnavailableError, compute_kpis, kpi_by_segment
from metrics.insights import ChangeTest
from metrics.kpi import Kpi
from metrics.periods import Period
from metrics.registry import DEFAULT_REGISTRY, Registry
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.what_changed import DECOMPOSABLE_KINDS, what_changed

SURVEY_SCORE_KINDS = ("nps", "proportion", "mean")
ON_TIME_RATE = "on_time_rate"
NPS = "nps"


@dataclass(frozen=True)
class Tested:
    """Every change test of a view, with the whole-view results and the segment tables."""

    __test__ = False  # pytest: a result, not a test class

    tests: tuple[ChangeTest, ...]
    results: Mapping[str, KpiResult]
    tables: Mapping[tuple[str, str], pl.DataFrame] = field(default_factory=dict)
    """``kpi_by_segment`` with the comparison, per (KPI id, segment)."""


@dataclass(frozen=True)
class Contribution:
    """A segment value's part in a KPI's overall change (mix and rate, ``what_changed``)."""

    segment: str
    value: str
    contribution: float
    total: float


@dataclass(frozen=True)
class Insight:
    """A significant change, explained."""

    test: ChangeTest
    kpi: Kpi
    contribution: Contribution | None = None
    link: BenefitLink | None = None
    related: KpiResult | None = None
    """The linked benefit's KPI in the same scope (on-time rate for a score, NPS for delivery)."""


def change_tests(
    kpi_ids: Sequence[str],
    data: Data,
    period: Period,
    comparison: Period,
    segments: Mapping[str, Sequence[str]],
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> Tested:
    """Each KPI's change, for the whole view and for every value of every segment of
    ``segments`` (dataset → segment names) the KPI's dataset declares.

    A segment the view already filters is not split again (its one value is the whole view).
    KPIs that count a whole population (``Kpi.is_sample`` False: census KPIs, the catalogue's
    in-stock rate) are not tested: their interval treats SKU-days as independent draws, which
    they are not, so on shuffled data their "changes" pass any test.
    """
    registry = registry or DEFAULT_REGISTRY
    filtered = {k for k, v in (filters or {}).items() if v}
    results = compute_kpis(
        kpi_ids, data, period, comparison, filters=filters, settings=settings, registry=registry
    )
    tests: list[ChangeTest] = []
    tables: dict[tuple[str, str], pl.DataFrame] = {}
    for result in results:
        if result.missing is not None or result.change is None or not result.kpi.is_sample:
            continue  # a whole population (the catalogue's SKU-days) has no sampling noise
        kpi = result.kpi
        tests.append(_whole(result))
        for segment in segments.get(kpi.dataset, ()):
            if segment in filtered:
                continue
            try:
                table = kpi_by_segment(
                    kpi.id,
                    data,
                    period,
                    segment,
                    comparison=comparison,
                    filters=filters,
                    settings=settings,
                    registry=registry,
                )
            except MetricUnavailableError:
                continue
            tables[(kpi.id, segment)] = table
            tests.extend(
                ChangeTest(
                    kpi.id,
                    segment,
                    str(row["segment"]),
                    row["delta"],
                    row["delta_low"],
                    row["delta_high"],
                    row["p_value"],
                    row["previous_value"],
                    row["value"],
                )
                for row in table.iter_rows(named=True)
            )
    return Tested(tuple(tests), {r.kpi.id: r for r in results}, tables)


def _whole(result: KpiResult) -> ChangeTest:
    change = result.change
    assert change is not None
    previous = result.previous.value if result.previous is not None else None
    return ChangeTest(
        result.kpi.id,
        None,
        None,
        change.delta,
        change.low,
        change.high,
        change.p_value,
        previous,
        result.current.value,
    )


def contribution(test: ChangeTest, tested: Tested) -> Contribution | None:
    """The "what changed" line of ``test``: for a segment value, its own part in the KPI's
    overall change; for the whole view, the segment value that contributed most (over every
    segment split). None for KPIs whose change does not decompose (quantiles, ratios)."""
    result = tested.results.get(test.kpi_id)
    if result is None or result.kpi.kind not in DECOMPOSABLE_KINDS:
        return None
    best: Contribution | None = None
    for (kpi_id, segment), table in tested.tables.items():
        if kpi_id != test.kpi_id or (test.segment is not None and segment != test.segment):
            continue
        split = what_changed(table, result.kpi.kind)
        if split.change is None:
            continue
        rows = split.segments.filter(pl.col("contribution").is_not_null())
        if test.value is not None:
            rows = rows.filter(pl.col("segment").cast(pl.Utf8) == test.value)
        if rows.is_empty():
            continue
        top = rows.row(0, named=True)
        found = Contribution(segment, str(top["segment"]), top["contribution"], split.change)
        if best is None or abs(found.contribution) > abs(best.contribution):
            best = found
    return best


def explain(
    test: ChangeTest,
    tested: Tested,
    data: Data,
    period: Period,
    comparison: Period,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> Insight:
    """``test`` with its contribution and its linked benefit, in the test's own scope."""
    registry = registry or DEFAULT_REGISTRY
    kpi = registry.get(test.kpi_id).for_settings(settings)
    scope: dict[str, list[str]] = {k: list(v) for k, v in (filters or {}).items() if v}
    scope.update({k: list(v) for k, v in test.scope.items()})
    link: BenefitLink | None = None
    related_id: str | None = None
    if kpi.dataset == "responses" and kpi.kind in SURVEY_SCORE_KINDS:
        try:
            link = survey_by_last_order(
                kpi.id, data, period, ON_TIME, filters=scope, settings=settings, registry=registry
            )
        except MetricUnavailableError:
            link = None
        related_id = ON_TIME_RATE
    elif kpi.dataset == "orders":
        related_id = NPS
    related = None
    if related_id is not None and related_id in registry:
        found = compute_kpis(
            [related_id],
            data,
            period,
            comparison,
            filters=scope,
            settings=settings,
            registry=registry,
        )[0]
        related = found if found.missing is None else None
    return Insight(test, kpi, contribution(test, tested), link, related)
