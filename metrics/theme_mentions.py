"""Everything customers said about a theme: feedback items, tagged survey comments and contacts.

A theme page is what a product manager shares in a roadmap review ("here is
everything customers said about referrals"). Feedback items carry their theme;
survey comments and support notes are tagged by the workspace's taxonomy
(``metrics.taxonomy``). This module gathers the three into one shape:

| column | meaning |
| --- | --- |
| theme | the theme (a feedback item's own, or a taxonomy match) |
| origin | ``feedback``, ``survey comment`` or ``support contact`` |
| at, day | when (UTC instant, local reporting day) |
| customer_id | who, when known |
| account_value | the customer's account value (feedback items only) |
| text | their words |
| detail | feedback source, survey and score, or contact reason |
| roadmap_item, status | the roadmap link (feedback items only) |

Filters apply to each dataset that has the filtered segment; a dataset that
lacks it is left out and named in ``ThemeMentions.left_out`` (a page says so),
never silently counted unfiltered.

Counting: ``customers`` is the number of distinct customers who mentioned the
theme in a bucket, across origins (a customer who wrote feedback and a survey
comment counts once); ``mentions`` counts every item.

Example:
    >>> from datetime import date, datetime, UTC
    >>> at = datetime(2024, 1, 10, 12, tzinfo=UTC)
    >>> feedback = pl.DataFrame({"feedback_id": ["1"], "created_at": [at], "theme": ["referrals"],
    ...     "source": ["sales"], "customer_id": ["C1"], "text": ["Referral bonus please"]})
    >>> responses = pl.DataFrame({"response_id": ["9"], "survey": ["nps"], "score": [9.0],
    ...     "responded_at": [at], "customer_id": ["C1"], "comment": ["I'd invite friends"]})
    >>> january = Period(date(2024, 1, 1), date(2024, 1, 31))
    >>> found = theme_mentions({"feedback": feedback, "responses": responses},
    ...                        {"referrals": ["invite"]}, january)
    >>> found.rows.select("origin", "customer_id").rows()
    [('feedback', 'C1'), ('survey comment', 'C1')]
    >>> theme_trend(found.rows, january, "month").select("theme", "customers", "mentions").rows()
    [('referrals', 1, 2)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from metrics.aggregates import Frame, prepared_rows
from metrics.calendar_grid import every_bucket
from metrics.feedback import feedback_themes
from metrics.periods import Grain, Period, buckets
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.taxonomy import THEME, Taxonomy, tag_texts

ORIGINS = ("feedback", "survey comment", "support contact")
SCHEMA = pl.Schema(
    {
        "theme": pl.Utf8(),
        "origin": pl.Utf8(),
        "at": pl.Datetime("us", "UTC"),
        "day": pl.Date(),
        "customer_id": pl.Utf8(),
        "account_value": pl.Float64(),
        "text": pl.Utf8(),
        "detail": pl.Utf8(),
        "roadmap_item": pl.Utf8(),
        "status": pl.Utf8(),
    }
)
"""The columns of a theme mention, whichever dataset it came from."""
_TRUNCATE = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q"}


@dataclass(frozen=True)
class ThemeMentions:
    """The mentions found (columns in the module doc), newest first, and what was left out."""

    rows: pl.DataFrame
    left_out: tuple[str, ...]
    """Sentences like "contacts: no 'channel' segment to filter by"."""


def theme_mentions(
    data: Mapping[str, Frame | None],
    taxonomy: Taxonomy,
    period: Period,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    themes: list[str] | None = None,
) -> ThemeMentions:
    """Feedback items plus taxonomy-tagged survey comments and contact notes in ``period``.

    ``themes`` keeps only those themes (a theme page); None keeps every theme.
    """
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    parts: list[pl.LazyFrame] = []
    left_out: list[str] = []
    for dataset, build in (
        ("feedback", _feedback),
        ("responses", _survey_comments),
        ("contacts", _contact_notes),
    ):
        raw = data.get(dataset)
        if raw is None:
            continue
        names = raw.lazy().collect_schema().names()
        absent = [c for c in filters if c not in names]
        if absent:
            left_out.append(f"{dataset}: no {', '.join(repr(c) for c in absent)} to filter by")
            continue
        if dataset != "feedback" and not taxonomy:
            continue
        rows = prepared_rows(
            dataset, raw, periods=[period], filters=filters, timezone=settings.timezone
        )
        parts.append(build(rows, taxonomy).select(*(pl.col(c).cast(t) for c, t in SCHEMA.items())))
    if not parts:
        return ThemeMentions(pl.DataFrame(schema=SCHEMA), tuple(left_out))
    found = pl.concat(parts)
    if themes is not None:
        found = found.filter(pl.col(THEME).is_in(themes))
    newest_first = found.sort(["at", THEME, "origin"], descending=[True, False, False])
    return ThemeMentions(newest_first.collect(), tuple(left_out))


def theme_trend(rows: pl.DataFrame, period: Period, grain: Grain, by_origin: bool = False):
    """Distinct customers and mentions per theme per calendar bucket of ``period``.

    Columns: bucket_start, theme, [origin,] customers, mentions. Every bucket
    appears for every theme (0 when nobody mentioned it), so a line drops to
    zero instead of skipping a gap.
    """
    keys = [THEME, "origin"] if by_origin else [THEME]
    counted = (
        rows.filter(pl.col("day").is_between(period.start, period.end))
        .with_columns(bucket_start=pl.col("day").dt.truncate(_TRUNCATE[grain]))
        .group_by(["bucket_start", *keys])
        .agg(
            customers=pl.col("customer_id").drop_nulls().n_unique().cast(pl.Int64),
            mentions=pl.len().cast(pl.Int64),
        )
    )
    return every_bucket(counted, period, grain, keys, zero=["customers", "mentions"])


def feedback_theme_trend(
    data: Mapping[str, Frame | None],
    period: Period,
    grain: Grain,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """``metrics.feedback_themes`` for each calendar bucket of ``period`` (feedback items only).

    Columns: bucket_start, theme, customers, account_value, items; a theme
    without feedback in a bucket has zeros there (nulls when the source has no
    customer_id or account_value, as in ``feedback_themes``).
    """
    tables = [
        feedback_themes(data, inside, filters=filters, settings=settings).with_columns(
            bucket_start=pl.lit(start, pl.Date)
        )
        for start, inside in buckets(period, grain)
    ]
    found = pl.concat(tables).select("bucket_start", THEME, "customers", "account_value", "items")
    counted = [
        c for c in ("customers", "account_value", "items") if found[c].null_count() < found.height
    ]
    return every_bucket(found, period, grain, [THEME], zero=counted)


def theme_summary(rows: pl.DataFrame) -> pl.DataFrame:
    """Per theme: distinct customers (all origins), mentions per origin, and its roadmap link.

    The roadmap item and status are those of the theme's newest feedback item
    that is linked to one (null when none is).
    """
    per_origin = {
        origin: pl.col("origin").eq(origin).sum().cast(pl.Int64).alias(origin.replace(" ", "_"))
        for origin in ORIGINS
    }
    linked = rows.filter(pl.col("roadmap_item").is_not_null()).sort("at", descending=True)
    roadmap = linked.group_by(THEME).agg(pl.col("roadmap_item", "status").first())
    return (
        rows.group_by(THEME)
        .agg(
            *per_origin.values(),
            all_customers=pl.col("customer_id").drop_nulls().n_unique().cast(pl.Int64),
            mentions=pl.len().cast(pl.Int64),
        )
        .join(roadmap, on=THEME, how="left")
        .sort(["all_customers", "mentions", THEME], descending=[True, True, False])
    )


def _feedback(rows: pl.LazyFrame, _: Taxonomy) -> pl.LazyFrame:
    return rows.with_columns(
        origin=pl.lit("feedback"),
        at=pl.col("created_at"),
        detail=pl.col("source"),
    )


def _survey_comments(rows: pl.LazyFrame, taxonomy: Taxonomy) -> pl.LazyFrame:
    score = pl.col("score").round(1).cast(pl.Utf8).str.strip_suffix(".0")
    return tag_texts(rows, "comment", taxonomy).with_columns(
        origin=pl.lit("survey comment"),
        at=pl.col("responded_at"),
        text=pl.col("comment"),
        detail=pl.concat_str(pl.col("survey").str.to_uppercase(), pl.lit(" "), score),
        account_value=pl.lit(None, pl.Float64),
        roadmap_item=pl.lit(None, pl.Utf8),
        status=pl.lit(None, pl.Utf8),
    )


def _contact_notes(rows: pl.LazyFrame, taxonomy: Taxonomy) -> pl.LazyFrame:
    return tag_texts(rows, "comment", taxonomy).with_columns(
        origin=pl.lit("support contact"),
        at=pl.col("opened_at"),
        text=pl.col("comment"),
        detail=pl.col("contact_reason"),
        account_value=pl.lit(None, pl.Float64),
        roadmap_item=pl.lit(None, pl.Utf8),
        status=pl.lit(None, pl.Utf8),
    )
