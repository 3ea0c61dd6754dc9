"""The drill-down pages' bridge to the metrics engine, cached per snapshot and view.

Why cache here: a product manager clicks through segments, reasons and themes;
each click reruns the page, and only the part that changed should be computed.
Every function is keyed by the snapshot id and the view's period, comparison
and filters (``st.cache_resource``: the frames returned are never mutated), so
a new snapshot is a new key and nothing stale survives a refresh.

The comment indexes (comments only, newest first, lower-cased for search) are
built once per snapshot: that is what keeps a search over a million responses
interactive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
import streamlit as st

from benefitboard.access import RowLimits
from charts.trends import trend_window
from metrics.effort import effort_priority
from metrics.effort_trend import effort_trend
from metrics.engine import Data
from metrics.feedback import feedback_themes
from metrics.periods import Grain, Period, buckets
from metrics.segments import kpi_by_two_segments, score_distribution, segment_trends
from metrics.settings import MetricSettings
from metrics.theme_mentions import ThemeMentions, feedback_theme_trend, theme_mentions
from metrics.verbatims import CommentSource, comment_index, find_verbatims
from pages.ui.context import PageContext
from pages.ui.data import DataKey, data_key, fingerprint, metric_data
from pages.ui.kpis import registry_for
from pages.ui.metric_settings import settings_for

Frames = Mapping[str, pl.DataFrame]
FilterKey = tuple[tuple[str, tuple[str, ...]], ...]
_cached = st.cache_resource(show_spinner=False, max_entries=64, ttl=6 * 3600)
"""How every view-keyed result here is cached (the module docstring says why)."""


@dataclass(frozen=True)
class ViewKey:
    """What every cached call depends on besides its own arguments (hashable)."""

    snapshot_id: str
    period: Period
    comparison: Period | None
    filters: FilterKey
    settings: MetricSettings

    @property
    def filter_dict(self) -> dict[str, list[str]]:
        return {segment: list(values) for segment, values in self.filters}


def view_key(context: PageContext, extra_filters: Mapping[str, str] | None = None) -> ViewKey:
    """The view's cache key; ``extra_filters`` narrows it further (e.g. a contact reason)."""
    filters = {segment: tuple(values) for segment, values in context.view.segments.items()}
    for column, value in (extra_filters or {}).items():
        filters[column] = (value,)
    return ViewKey(
        context.snapshot.id,
        context.period.current(),
        context.period.comparison(),
        tuple(sorted(filters.items())),
        settings_for(context.workspace),
    )


def history(context: PageContext) -> Period:
    """The period a trend covers: the view's period, reaching back far enough to read a trend."""
    start, end = trend_window(context.period.start, context.period.end, context.view.grain)
    return Period(start, end)


@_cached
def _two_way(key: ViewKey, data: DataKey, kpi_id: str, first: str, second: str, _frames, _registry):
    return kpi_by_two_segments(
        kpi_id,
        _frames,
        key.period,
        first,
        second,
        filters=key.filter_dict,
        settings=key.settings,
        registry=_registry,
    )


def two_way(context: PageContext, kpi_id: str, first: str, second: str) -> pl.DataFrame:
    """``metrics.segments.kpi_by_two_segments`` for the view's period and filters."""
    registry = registry_for(context.workspace)
    datasets = [registry.get(kpi_id).dataset]
    frames = metric_data(context, datasets, [current(context)], [first, second])
    key = data_key(context.snapshot, datasets)
    return _two_way(view_key(context), key, kpi_id, first, second, frames, registry)


@_cached
def _distribution(key: ViewKey, data: DataKey, survey: str, _frames: Data) -> pl.DataFrame:
    return score_distribution(
        _frames, survey, key.period, filters=key.filter_dict, settings=key.settings
    )


def distribution(context: PageContext, survey: str) -> pl.DataFrame:
    """How the survey's answers in the view spread over its scale."""
    frames = metric_data(context, ["responses"], [current(context)])
    key = data_key(context.snapshot, ["responses"])
    return _distribution(view_key(context), key, survey, frames)


@_cached
def _trends(key, data, window, grain, kpi_id, split, values, _frames, _registry):
    return segment_trends(
        kpi_id,
        _frames,
        window,
        grain,
        split,
        list(values),
        filters=key.filter_dict,
        settings=key.settings,
        registry=_registry,
    )


def trends(context: PageContext, kpi_id: str, split: str, values: tuple[str, ...]):
    """The KPI's trend for each of ``values`` of ``split``, over ``history(context)``."""
    registry = registry_for(context.workspace)
    window, grain = history(context), context.view.grain
    datasets = [registry.get(kpi_id).dataset]
    periods = [inside for _, inside in buckets(window, grain)]
    return _trends(
        view_key(context),
        data_key(context.snapshot, datasets),
        window,
        grain,
        kpi_id,
        split,
        values,
        metric_data(context, datasets, periods, [split]),
        registry,
    )


def current(context: PageContext) -> Period:
    return context.period.current()


@st.cache_resource(show_spinner=False, max_entries=6)
def _comment_index(
    content: str, source: CommentSource, limits: RowLimits, _frames: Frames
) -> pl.DataFrame:
    """Keyed by ``limits`` too: a limited person's frames hold only their rows."""
    return comment_index(_frames[source.dataset], source)


def verbatims(
    context: PageContext,
    source: CommentSource,
    *,
    search: str | None,
    band: str,
    surveys: tuple[str, ...] = (),
    extra_filters: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The comments behind the view (newest first); the index is built once per snapshot."""
    key = view_key(context, extra_filters)
    # Keyed by the dataset's content: snapshot ids repeat across workspaces (same refresh time).
    index = _comment_index(
        fingerprint(context.snapshot, source.dataset), source, context.row_limits, context.frames
    )
    return _verbatims(key, source, search, band, surveys, index)


@_cached
def _verbatims(key, source, search, band, surveys, _index: pl.DataFrame) -> pl.DataFrame:
    return find_verbatims(
        _index,
        key.period,
        source=source,
        filters=key.filter_dict,
        search=search,
        band=band,
        surveys=surveys,
        settings=key.settings,
    )


@_cached
def _effort(key: ViewKey, _frames: Frames) -> pl.DataFrame:
    return effort_priority(_frames, key.period, filters=key.filter_dict, settings=key.settings)


def effort(context: PageContext) -> pl.DataFrame:
    """``metrics.effort_priority`` for the view's period and filters."""
    return _effort(view_key(context), context.frames)


@_cached
def _effort_history(key: ViewKey, window: Period, grain: Grain, _frames: Frames) -> pl.DataFrame:
    return effort_trend(_frames, window, grain, filters=key.filter_dict, settings=key.settings)


def effort_history(context: PageContext) -> pl.DataFrame:
    """``metrics.effort_trend`` over ``history(context)`` at the view's grain."""
    return _effort_history(view_key(context), history(context), context.view.grain, context.frames)


@_cached
def _themes(key: ViewKey, _frames: Frames) -> pl.DataFrame:
    return feedback_themes(
        _frames, key.period, key.comparison, filters=key.filter_dict, settings=key.settings
    )


def themes(context: PageContext) -> pl.DataFrame:
    """``metrics.feedback_themes`` for the view, against its comparison period."""
    return _themes(view_key(context), context.frames)


def theme_window(context: PageContext) -> tuple[Period, Grain]:
    """The dates and grain of theme trends: feedback is sparse, so by month at least (by
    quarter if the view is), over the year (two years by quarter) up to the period's end."""
    grain: Grain = "quarter" if context.view.grain == "quarter" else "month"
    start, end = trend_window(context.period.start, context.period.end, grain)
    return Period(start, end), grain


@_cached
def _theme_history(key: ViewKey, window: Period, grain: Grain, _frames: Frames) -> pl.DataFrame:
    return feedback_theme_trend(
        _frames, window, grain, filters=key.filter_dict, settings=key.settings
    )


def theme_history(context: PageContext) -> pl.DataFrame:
    """``metrics.feedback_themes`` per bucket of ``theme_window(context)``."""
    window, grain = theme_window(context)
    return _theme_history(view_key(context), window, grain, context.frames)


@_cached
def _mentions(key: ViewKey, window: Period, taxonomy: tuple, _frames: Frames) -> ThemeMentions:
    return theme_mentions(
        _frames, dict(taxonomy), window, filters=key.filter_dict, settings=key.settings
    )


def mentions(context: PageContext, window: Period) -> ThemeMentions:
    """Feedback items and taxonomy-tagged comments and contact notes in ``window``."""
    taxonomy = tuple(context.workspace.taxonomy.items())
    return _mentions(view_key(context), window, taxonomy, context.frames)


def period_caption(context: PageContext, *, comparison: bool = True) -> str:
    """'02 Oct 2026 – 31 Oct 2026 · compared with 02 Sep 2026 – 01 Oct 2026'."""
    p = context.period
    text = f"{p.start:%d %b %Y} – {p.end:%d %b %Y}"
    if comparison and p.comparison_start and p.comparison_end:
        text += f" · compared with {p.comparison_start:%d %b %Y} – {p.comparison_end:%d %b %Y}"
    return text
