"""The engine pages call: KPI tiles, trends and segment breakdowns from canonical data.

``data`` maps dataset names to polars frames (lazy or not): raw canonical datasets
(``responses``, ``orders``…) and/or pre-built day aggregates (``survey_counts``,
``order_counts``…, see ``metrics.aggregates``). Each call aggregates each dataset
it needs once, over exactly the days asked for, then every KPI of that dataset
reads the small aggregate.

A KPI whose data is absent never shows zero: ``KpiResult.missing`` says why
(dataset absent, column absent, a filter the dataset can't apply, or no rows in
the period), and frame-returning functions raise ``MetricUnavailableError`` with the
same reason.

Example:
    >>> from datetime import date, datetime, UTC
    >>> import polars as pl
    >>> responses = pl.DataFrame({
    ...     "response_id": ["1", "2", "3", "4"], "survey": ["nps"] * 4,
    ...     "score": [10.0, 9.0, 7.0, 3.0],
    ...     "responded_at": [datetime(2024, 1, d, 12, tzinfo=UTC) for d in (2, 3, 4, 5)]})
    >>> january = Period(date(2024, 1, 1), date(2024, 1, 31))
    >>> result = compute_kpi("nps", {"responses": responses}, january, january.previous())
    >>> result.current.value, result.current.n, result.current.small_sample  # 100 × (2/4 − 1/4)
    (25.0, 4, True)
    >>> result.change.word  # December had no answers
    'no comparison data'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl

from canonical.datasets import DATASETS, dataset_spec
from metrics.aggregates import (
    AGGREGATES,
    Frame,
    day_aggregate,
    has_dataset,
    prepared_rows,
)
from metrics.availability import kpi_inputs
from metrics.kinds import change_between, estimate_frame, to_estimate
from metrics.local_time import local_date_of
from metrics.periods import Grain, Period, buckets, next_bucket_start
from metrics.registry import DEFAULT_REGISTRY, Kpi, Registry
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.stats import Change, Estimate, no_comparison
from metrics.status import Status, status_for
from metrics.view import GROUP, KpiView, group_frame, label

Data = Mapping[str, Frame | None]


class MetricUnavailableError(LookupError):
    """A metric cannot be computed from the data given; ``reason`` says why, for the page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class KpiResult:
    """A tile: the KPI, its current and previous estimates, the change and the status.

    ``missing`` is None when the KPI could be computed, else the reason it could not.
    ``breakdown`` holds sub-shares (NPS promoters/passives/detractors, CES easy share).
    """

    kpi: Kpi
    current: Estimate
    previous: Estimate | None
    change: Change | None
    target: float | None
    status: Status
    missing: str | None
    breakdown: Mapping[str, Estimate] = field(default_factory=dict)
    period: Period | None = None
    comparison: Period | None = None

    def formatted(self, currency: str = "EUR") -> str:
        return self.kpi.format_value(self.current.value, currency)


class _Session:
    """One call's shared inputs and the aggregates built so far (one per dataset)."""

    def __init__(
        self,
        data: Data,
        periods: Sequence[Period],
        filters: Filters | None,
        settings: MetricSettings,
    ):
        self.data = data
        self.periods = list(periods)
        self.filters = {k: list(v) for k, v in (filters or {}).items() if v}
        self.settings = settings
        self._aggregates: dict[tuple[str, tuple[str, ...], bool], pl.DataFrame] = {}
        self._labelled: dict[tuple, tuple[pl.DataFrame, pl.DataFrame]] = {}

    def labelled(
        self, dataset: str, segments: tuple[str, ...], lookback: bool, groups: Sequence[Period]
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The groups' frame and the aggregate's rows labelled by them, built once per call for
        every KPI of the dataset (NPS, CSAT and CES share one labelled survey aggregate)."""
        key = (dataset, segments, lookback, tuple(groups))
        if key not in self._labelled:
            frame = group_frame(groups)
            self._labelled[key] = frame, label(self.aggregate(dataset, segments, lookback), frame)
        return self._labelled[key]

    def aggregate(self, dataset: str, segments: tuple[str, ...], lookback: bool) -> pl.DataFrame:
        key = (dataset, segments, lookback)
        if key not in self._aggregates:
            self._aggregates[key] = day_aggregate(
                dataset,
                self.data,
                periods=None if lookback else self.periods,
                segments=segments,
                filters=self.filters,
                timezone=self.settings.timezone,
            ).collect()
        return self._aggregates[key]

    def raw_rows(self, dataset: str, segments: tuple[str, ...], groups: pl.DataFrame):
        raw = self.data.get(dataset)
        if raw is None:
            return None

        def rows() -> pl.LazyFrame:
            prepared = prepared_rows(
                dataset,
                raw,
                periods=self.periods,
                filters=self.filters,
                timezone=self.settings.timezone,
                segments=segments,
            )
            return label(prepared, groups)

        return rows


def _resolve(
    kpi_id: str, registry: Registry | None, settings: MetricSettings
) -> tuple[Kpi, Registry]:
    registry = registry or DEFAULT_REGISTRY
    return registry.get(kpi_id).for_settings(settings), registry


def missing_reason(
    kpi: Kpi, data: Data, *, filters: Filters | None = None, segment: str | None = None
) -> str | None:
    """Why ``kpi`` can't be computed from ``data`` with these filters/segment, or None."""
    dataset = kpi.dataset
    absent_data = f"no {dataset} data in this workspace: {kpi.label} is computed from {dataset}"
    if not has_dataset(data, dataset):
        return absent_data
    prebuilt = data.get(AGGREGATES[dataset].name)
    read = prebuilt if prebuilt is not None else data.get(dataset)
    if read is None:
        return absent_data
    names = read.lazy().collect_schema().names()
    raw = data.get(dataset)
    if raw is not None:
        # Checked on the rows even beside a pre-built aggregate: an aggregate has a sum for
        # every measure (a source without spend sums to nothing), the rows say what exists.
        raw_names = names if raw is read else raw.lazy().collect_schema().names()
        absent = [c for c in kpi_inputs(kpi) if c not in raw_names]
        if absent:
            return (
                f"{dataset} has no {', '.join(absent)} column: {kpi.label} needs it "
                "(map it in the workspace config)"
            )
    wanted = [c for c, v in (filters or {}).items() if v] + ([segment] if segment else [])
    for column in wanted:
        if column not in names:
            return (
                f"{dataset} has no '{column}' segment, so {kpi.label} "
                "can't be split or filtered by it"
            )
    return None


def _evaluate(
    kpi: Kpi, session: _Session, groups: Sequence[Period], segment: str | None
) -> pl.DataFrame:
    """Estimates of ``kpi`` per group (and segment value): one row per combination."""
    segments = (segment,) if segment else ()
    aggregate = session.aggregate(kpi.dataset, segments, kpi.lookback)
    frame, rows = session.labelled(kpi.dataset, segments, kpi.lookback, groups)
    view = KpiView(
        rows=rows,
        groups=frame,
        segments=segments,
        settings=session.settings,
        history=aggregate if kpi.lookback else None,
        raw=session.raw_rows(kpi.dataset, segments, frame),
    )
    stats = _complete(kpi.formula(view), frame, list(segments))
    return estimate_frame(kpi.kind, stats, session.settings, kpi.unit)


def _complete(stats: pl.DataFrame, groups: pl.DataFrame, segments: list[str]) -> pl.DataFrame:
    """Every group × every segment value seen in any group; absent ones get no stats (n = 0)."""
    grid = groups.select(GROUP)
    for column in segments:
        grid = grid.join(stats.select(column).unique(), how="cross")
    stats = stats.with_columns(pl.col(GROUP).cast(pl.Int32))
    return grid.join(stats, on=[GROUP, *segments], how="left").sort([GROUP, *segments])


def _empty_estimate() -> Estimate:
    return Estimate(None, None, None, 0, True)


def _describe(period: Period, filters: Mapping[str, Sequence[str]]) -> str:
    text = f"between {period.start.isoformat()} and {period.end.isoformat()}"
    if filters:
        shown = "; ".join(f"{k} = {', '.join(map(str, v))}" for k, v in filters.items())
        text += f" for {shown}"
    return text


def _result(
    kpi_id: str,
    session: _Session,
    registry: Registry | None,
    period: Period,
    comparison: Period | None,
) -> KpiResult:
    settings = session.settings
    kpi, registry = _resolve(kpi_id, registry, settings)
    target = registry.target(kpi_id, settings)
    reason = missing_reason(kpi, session.data, filters=session.filters)
    if reason:
        previous = _empty_estimate() if comparison else None
        change = no_comparison() if comparison else None
        return KpiResult(
            kpi,
            _empty_estimate(),
            previous,
            change,
            target,
            "none",
            reason,
            period=period,
            comparison=comparison,
        )
    groups = [period] + ([comparison] if comparison else [])
    rows = {r[GROUP]: r for r in _evaluate(kpi, session, groups, None).iter_rows(named=True)}
    current_row, previous_row = rows[0], rows.get(1)
    current = to_estimate(current_row)
    previous = to_estimate(previous_row) if previous_row else None
    change = change_between(kpi.kind, current_row, previous_row, settings) if comparison else None
    missing = None
    if current.value is None:
        missing = f"no {kpi.label} data {_describe(period, session.filters)}"
        if current.note:
            missing += f" ({current.note})"
    breakdown = (
        kpi.breakdown(current_row, settings) if kpi.breakdown and current.value is not None else {}
    )
    status = status_for(
        current.value, current.low, current.high, target, kpi.direction, settings.amber_tolerance
    )
    return KpiResult(
        kpi,
        current,
        previous,
        change,
        target,
        status,
        missing,
        breakdown,
        period=period,
        comparison=comparison,
    )


def compute_kpi(
    kpi_id: str,
    data: Data,
    period: Period,
    comparison: Period | None = None,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> KpiResult:
    """One KPI tile for ``period``, compared with ``comparison`` (e.g. ``period.previous()``)."""
    return compute_kpis(
        [kpi_id], data, period, comparison, filters=filters, settings=settings, registry=registry
    )[0]


def compute_kpis(
    kpi_ids: Sequence[str],
    data: Data,
    period: Period,
    comparison: Period | None = None,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> list[KpiResult]:
    """Several tiles at once; each dataset is aggregated once for all of them."""
    periods = [period] + ([comparison] if comparison else [])
    session = _Session(data, periods, filters, settings)
    return [_result(kpi_id, session, registry, period, comparison) for kpi_id in kpi_ids]


def kpi_trend(
    kpi_id: str,
    data: Data,
    period: Period,
    grain: Grain = "day",
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """One row per calendar bucket of ``period`` at ``grain`` (weeks start on Monday).

    Columns: bucket_start (calendar start, may precede the period), bucket_end
    (inclusive, clipped to the period), value, low, high, n, small_sample, exact,
    partial (the bucket is cut by the period's edges), note. Buckets without data
    are kept with n = 0 and value null, so a chart shows a gap, not a zero.
    """
    kpi, _ = _resolve(kpi_id, registry, settings)
    session = _Session(data, [period], filters, settings)
    reason = missing_reason(kpi, data, filters=session.filters)
    if reason:
        raise MetricUnavailableError(reason)
    calendar = buckets(period, grain)
    estimates = _evaluate(kpi, session, [inside for _, inside in calendar], None)
    frame = pl.DataFrame(
        {
            GROUP: list(range(len(calendar))),
            "bucket_start": [start for start, _ in calendar],
            "bucket_end": [inside.end for _, inside in calendar],
            "partial": [_cut_short(start, inside, grain) for start, inside in calendar],
        },
        schema_overrides={GROUP: pl.Int32},
    )
    return (
        frame.join(estimates, on=GROUP)
        .sort("bucket_start")
        .select(
            "bucket_start",
            "bucket_end",
            "value",
            "low",
            "high",
            "n",
            "small_sample",
            "exact",
            "partial",
            "note",
        )
    )


def _cut_short(start: date, inside: Period, grain: Grain) -> bool:
    """True when the period's edges cut the calendar bucket starting at ``start``."""
    return start != inside.start or inside.end != next_bucket_start(start, grain) - timedelta(
        days=1
    )


def kpi_by_segment(
    kpi_id: str,
    data: Data,
    period: Period,
    segment: str,
    *,
    comparison: Period | None = None,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """The KPI per value of ``segment``: segment, value, low, high, n, small_sample, exact, note.

    With ``comparison``, also previous_value, previous_n and the change per segment
    (delta, delta_low, delta_high, p_value, significant, word). A segment value
    present in only one of the two periods still appears, with n = 0 and value
    null in the other. Empty segment values show as "(not set)".
    """
    kpi, _ = _resolve(kpi_id, registry, settings)
    periods = [period] + ([comparison] if comparison else [])
    session = _Session(data, periods, filters, settings)
    reason = missing_reason(kpi, data, filters=session.filters, segment=segment)
    if reason:
        raise MetricUnavailableError(reason)
    estimates = _evaluate(kpi, session, periods, segment)
    current = estimates.filter(pl.col(GROUP) == 0)
    out = current.select(
        pl.col(segment).alias("segment"),
        "value",
        "low",
        "high",
        "n",
        "small_sample",
        "exact",
        "note",
    )
    if comparison is None:
        return out
    previous = {r[segment]: r for r in estimates.filter(pl.col(GROUP) == 1).iter_rows(named=True)}
    changes = []
    for row in current.iter_rows(named=True):
        before = previous.get(row[segment])
        change = change_between(kpi.kind, row, before, settings)
        changes.append(
            {
                "previous_value": before["value"] if before else None,
                "previous_n": int(before["n"]) if before else 0,
                "delta": change.delta,
                "delta_low": change.low,
                "delta_high": change.high,
                "p_value": change.p_value,
                "significant": change.significant,
                "word": change.word,
            }
        )
    schema = {
        "previous_value": pl.Float64,
        "previous_n": pl.Int64,
        "delta": pl.Float64,
        "delta_low": pl.Float64,
        "delta_high": pl.Float64,
        "p_value": pl.Float64,
        "significant": pl.Boolean,
        "word": pl.Utf8,
    }
    return pl.concat([out, pl.DataFrame(changes, schema=schema)], how="horizontal")


def available_kpis(
    data: Data, registry: Registry | None = None, settings: MetricSettings | None = None
) -> list[Kpi]:
    """The registry's KPIs whose dataset and columns are present in ``data``."""
    registry = registry or DEFAULT_REGISTRY
    settings = settings or MetricSettings()
    return [k.for_settings(settings) for k in registry if missing_reason(k, data) is None]


def latest_data_day(data: Data, settings: MetricSettings = DEFAULT_SETTINGS) -> date | None:
    """The latest local day with data across the datasets in ``data`` (company events excluded)."""
    days: list[date] = []
    for name, frame in data.items():
        if frame is None or name == "events":
            continue
        if name in DATASETS:
            column = dataset_spec(name).time_column
        elif any(spec.name == name for spec in AGGREGATES.values()):
            column = "day"
        else:
            continue
        latest: Any = frame.lazy().select(pl.col(column).max()).collect().item()
        if latest is None:
            continue
        if isinstance(latest, datetime):
            latest = local_date_of(latest, settings.timezone)
        days.append(latest)
    return max(days) if days else None


def default_period(
    data: Data, days: int = 30, settings: MetricSettings = DEFAULT_SETTINGS
) -> Period:
    """The latest ``days`` days ending on the last day that has data (today if there is none)."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    end = latest_data_day(data, settings)
    if end is None:
        end = local_date_of(datetime.now(UTC), settings.timezone)
    return Period(end - timedelta(days=days - 1), end)
