"""Survey KPIs across segments: two-way splits, a trend per segment and score distributions.

The drill-down page answers "where?" and "since when?": NPS by region and plan
at once (a heatmap), NPS per region week by week, and how the answers are
spread over the scale. Every number comes from the engine (``kpi_by_segment``,
``kpi_trend``) or from the same day-level survey aggregate it reads, so the
drill-down can never disagree with the tiles.

A two-way split is a one-way split by a combined column ("North␟basic"), split
back afterwards: the engine's intervals, small-sample flags and "(not set)"
handling apply unchanged.

Example:
    >>> from datetime import date, datetime, UTC
    >>> at = datetime(2024, 1, 10, 12, tzinfo=UTC)
    >>> responses = pl.DataFrame({"response_id": ["1", "2", "3"], "survey": ["nps"] * 3,
    ...     "score": [10.0, 3.0, 9.0], "responded_at": [at] * 3,
    ...     "region": ["North", "North", "South"], "plan": ["basic", "basic", "pro"]})
    >>> january = Period(date(2024, 1, 1), date(2024, 1, 31))
    >>> kpi_by_two_segments("nps", {"responses": responses}, january, "region", "plan").select(
    ...     "region", "plan", "value", "n").rows()
    [('North', 'basic', 0.0, 2), ('South', 'pro', 100.0, 1)]
    >>> score_distribution({"responses": responses}, "nps", january)["n"].to_list()[-2:]
    [1, 1]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from metrics.aggregates import AGGREGATES, NOT_SET, Frame, day_aggregate
from metrics.engine import MetricUnavailableError, kpi_by_segment, kpi_trend, missing_reason
from metrics.periods import Grain, Period
from metrics.registry import DEFAULT_REGISTRY, Registry
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings

SURVEY_OF_KPI = {kpi.id: kpi.survey for kpi in DEFAULT_REGISTRY if kpi.survey}
"""Which survey's answers each built-in survey KPI reads (``Kpi.survey``)."""
SEPARATOR = "\u241f"
"""Joins two segment values into one (the 'unit separator' symbol: not found in real data)."""

Data = Mapping[str, Frame | None]
OTHERS = "\u241fothers"
"""The grouped segment value before it is named ("12 others"): no real value looks like it."""


def kpi_by_two_segments(
    kpi_id: str,
    data: Data,
    period: Period,
    first: str,
    second: str,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """The KPI per pair of segment values: <first>, <second>, value, low, high, n, small_sample.

    Only pairs seen in the period appear (with n = 0 and value null when none of
    their answers is on the scale): a heatmap leaves the others empty, not zero.
    """
    if first == second:
        raise ValueError(f"split by two different segments, got {first!r} twice")
    kpi = (registry or DEFAULT_REGISTRY).get(kpi_id).for_settings(settings)
    for segment in (first, second):
        reason = missing_reason(kpi, data, filters=filters, segment=segment)
        if reason:
            raise MetricUnavailableError(reason)
    combined = f"{first}{SEPARATOR}{second}"
    value = lambda column: pl.col(column).cast(pl.Utf8).fill_null(NOT_SET)  # noqa: E731
    joined = dict(data)
    for name in (kpi.dataset, AGGREGATES[kpi.dataset].name):
        frame = data.get(name)
        if frame is not None:
            joined[name] = frame.lazy().with_columns(
                pl.concat_str(value(first), pl.lit(SEPARATOR), value(second)).alias(combined)
            )
    table = kpi_by_segment(
        kpi_id, joined, period, combined, filters=filters, settings=settings, registry=registry
    )
    pairs = table.with_columns(
        pl.col("segment").str.split_exact(SEPARATOR, 1).struct.rename_fields([first, second])
    ).unnest("segment")
    return pairs.select(first, second, "value", "low", "high", "n", "small_sample").sort(
        first, second
    )


def largest_segments(table: pl.DataFrame, limit: int) -> list[str] | None:
    """The ``limit`` segment values with the most observations (``n``) in a ``kpi_by_segment``
    table, or None when the table has no more than ``limit`` values (nothing to group).

    >>> table = pl.DataFrame({"segment": ["SP", "RJ", "AC", "MG"], "n": [120, 40, 2, 40]})
    >>> largest_segments(table, 2), largest_segments(table, 4)
    (['SP', 'MG'], None)
    """
    if table.height <= limit:
        return None
    ordered = table.sort(["n", "segment"], descending=[True, False])
    return ordered.head(limit)["segment"].to_list()


def kpi_by_segment_and_others(
    kpi_id: str,
    data: Data,
    period: Period,
    segment: str,
    kept: Sequence[str],
    *,
    others_label: str = "others",
    comparison: Period | None = None,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """``kpi_by_segment`` for the ``kept`` values plus one row for all the other values.

    The other row is the KPI *computed from the rows* of every other value together
    (its NPS counts their promoters and detractors; its median is the median of their
    deliveries), never an average of their values, which would weigh a state with 3
    orders like one with 3,000. Its ``segment`` is ``others_label`` ("12 others") and its
    ``others`` is True.
    Like a two-way split, it is a one-way split by a derived column, so the engine's
    intervals and comparisons apply unchanged.

    >>> from datetime import date, datetime, UTC
    >>> at = datetime(2024, 1, 10, 12, tzinfo=UTC)
    >>> responses = pl.DataFrame({"response_id": list("12345"), "survey": ["nps"] * 5,
    ...     "score": [10.0, 9.0, 0.0, 10.0, 3.0], "responded_at": [at] * 5,
    ...     "state": ["SP", "SP", "AC", "AP", "AP"]})
    >>> january = Period(date(2024, 1, 1), date(2024, 1, 31))
    >>> table = kpi_by_segment_and_others("nps", {"responses": responses}, january, "state",
    ...     ["SP"], others_label="2 others")
    >>> table.select("segment", "value", "n", "others").rows()  # AC+AP: 1 promoter, 2 detractors
    [('SP', 100.0, 2, False), ('2 others', -33.33333333333333, 3, True)]
    """
    kpi = (registry or DEFAULT_REGISTRY).get(kpi_id).for_settings(settings)
    reason = missing_reason(kpi, data, filters=filters, segment=segment)
    if reason:
        raise MetricUnavailableError(reason)
    grouped = f"{segment}{SEPARATOR}others"
    value = pl.col(segment).cast(pl.Utf8).fill_null(NOT_SET)
    relabelled = pl.when(value.is_in(list(kept))).then(value).otherwise(pl.lit(OTHERS))
    joined = dict(data)
    for name in (kpi.dataset, AGGREGATES[kpi.dataset].name):
        frame = data.get(name)
        if frame is not None:
            joined[name] = frame.lazy().with_columns(relabelled.alias(grouped))
    table = kpi_by_segment(
        kpi_id,
        joined,
        period,
        grouped,
        comparison=comparison,
        filters=filters,
        settings=settings,
        registry=registry,
    )
    is_others = pl.col("segment") == OTHERS
    return table.with_columns(
        segment=pl.when(is_others).then(pl.lit(others_label)).otherwise(pl.col("segment")),
        others=is_others,
    ).sort("others")


def segment_trends(
    kpi_id: str,
    data: Data,
    period: Period,
    grain: Grain,
    segment: str,
    values: Sequence[str],
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """``kpi_trend`` for each of ``values`` of ``segment``, stacked, with a ``segment`` column.

    A value the filters exclude (e.g. filtered to North, asked for South) is skipped.
    """
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    allowed = filters.get(segment)
    frames = []
    for value in values:
        if allowed is not None and value not in allowed:
            continue
        trend = kpi_trend(
            kpi_id,
            data,
            period,
            grain,
            filters={**filters, segment: [value]},
            settings=settings,
            registry=registry,
        )
        frames.append(trend.with_columns(segment=pl.lit(value, pl.Utf8)))
    if not frames:
        raise MetricUnavailableError(f"no {segment} value left to show a trend for")
    return pl.concat(frames).select("segment", pl.exclude("segment"))


def score_distribution(
    data: Data,
    survey: str,
    period: Period,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """How ``survey``'s answers in ``period`` spread over its scale: score, n, share.

    Every point of the scale appears (n = 0 when nobody chose it); answers off
    the scale (11 on 0–10, 4.5) are left out, as the KPIs leave them out.
    """
    low, high = _scale(survey, settings)
    scale = pl.DataFrame({"score": [float(s) for s in range(low, high + 1)]})
    try:
        counts = day_aggregate(
            "responses",
            data,
            periods=[period],
            filters={k: list(v) for k, v in (filters or {}).items() if v},
            timezone=settings.timezone,
        )
    except KeyError as error:
        raise MetricUnavailableError(str(error.args[0])) from None
    counted = (
        counts.filter(pl.col("survey") == survey)
        .group_by("score")
        .agg(n=pl.col("n").sum().cast(pl.Int64))
        .collect()
    )
    table = scale.join(counted, on="score", how="left").with_columns(pl.col("n").fill_null(0))
    total = table["n"].sum()
    return table.with_columns(share=pl.col("n") / total if total else pl.lit(None, pl.Float64))


def _scale(survey: str, settings: MetricSettings) -> tuple[int, int]:
    if survey == "nps":
        return 0, 10
    if survey == "csat":
        return settings.csat_scale
    if survey == "ces":
        return settings.ces_range
    raise ValueError(f"unknown survey {survey!r}; expected nps, csat or ces")
