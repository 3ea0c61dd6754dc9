"""One page of raw rows from a live source: verbatims to read, quarantined rows to fix.

Why pages: a person reads fifty comments, not fifty million. The warehouse
filters, orders (newest first, then by key, so pages never overlap) and cuts
the page (LIMIT/OFFSET, one extra row to know whether a next page exists);
only that page travels. The rows are then read by the same
``connectors.canonicalize.to_canonical`` as in refresh mode, so columns,
dtypes and UTC timestamps are the canonical ones.

Search terms are matched as plain text, with the snapshot path's rules
(``metrics.verbatims``): ``%`` and ``_`` in what a person typed are escaped,
every term is a bound parameter, all terms must appear (ignoring case).

Example:
    >>> page = verbatims_page(source, periods=[period], settings=MetricSettings("Europe/Berlin"),
    ...                       search='late "new carrier"', band="detractors")  # doctest: +SKIP
    >>> page.frame.select("responded_at", "score", "comment"), page.has_more  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
import sqlalchemy as sa

from benefitboard.config import SourceConfig
from canonical import PARSE_ERROR, SOURCE_ROW, dataset_spec
from connectors.canonicalize import to_canonical
from connectors.errors import SourceError
from connectors.pushdown.bounds import elementary_ranges, stored_edges, within
from connectors.pushdown.relation import SourceRelation, source_relation
from connectors.pushdown.rules import SqlRule, row_rules
from metrics.periods import Period
from metrics.pii import masked
from metrics.settings import Filters, MetricSettings
from metrics.verbatims import SCORE_BANDS, SEARCH_COLUMN, matches_search, score_bands, search_terms
from validation.contracts import DatasetContract, build_contracts
from validation.runner import REASONS, UNREADABLE

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class RowsPage:
    """One page of canonical rows, newest first."""

    frame: pl.DataFrame
    page: int
    page_size: int
    has_more: bool


def verbatims_page(
    source: SourceConfig,
    *,
    periods: Sequence[Period],
    settings: MetricSettings,
    filters: Filters | None = None,
    search: str | None = None,
    band: str = "all",
    surveys: Sequence[str] = (),
    page: int = 1,
    page_size: int = 20,
    contract: DatasetContract | None = None,
    now: datetime | None = None,
) -> RowsPage:
    """Responses with a comment in ``periods`` (local days), filtered, searched, newest first.

    The same semantics as ``metrics.verbatims.find_verbatims`` on a snapshot:
    ``search`` is words and "quoted phrases" (``search_terms``), every one must
    appear, literally, ignoring case; ``band`` is a score band per survey
    (``score_bands``); ``surveys`` limits the surveys (empty: all). Only rows
    that pass the contract's row rules are shown, as in refresh mode. The rows
    carry their local ``day``.

    Searching happens in the warehouse on the raw text; a row whose match lay
    only inside an e-mail address or phone number (which pages mask) is then
    dropped from the page, so a search never finds what it does not show.
    """
    relation = source_relation(source, "responses")
    now = now or datetime.now(UTC)
    comment = relation.column("comment")
    terms = search_terms(search)
    conditions = [
        _in_periods(relation, periods, settings.timezone),
        row_rules(relation, contract or build_contracts()["responses"], now=now).all_pass(),
        comment.is_not(None),
        sa.func.length(sa.func.trim(comment)) > 0,
        *relation.filter_conditions(filters or {}),
        *(sa.func.lower(comment).contains(term, autoescape=True) for term in terms),
        _in_band(relation, band, settings),
    ]
    if surveys:
        conditions.append(relation.column("survey").in_([s.strip().lower() for s in surveys]))
    statement = _page(relation, sa.and_(*conditions), page, page_size)
    frame, has_more = _fetch(relation, statement, page_size)
    if terms:
        shown = masked(pl.col("comment")).str.to_lowercase().alias(SEARCH_COLUMN)
        frame = frame.with_columns(shown).filter(matches_search(terms)).drop(SEARCH_COLUMN)
    day = pl.col("responded_at").dt.convert_time_zone(settings.timezone).dt.date().alias("day")
    return RowsPage(frame.with_columns(day).drop(PARSE_ERROR), page, page_size, has_more)


def _in_band(relation: SourceRelation, band: str, settings: MetricSettings) -> sa.ColumnElement:
    """SQL twin of ``metrics.verbatims.in_band``: the score lies in the band of its survey."""
    if band not in SCORE_BANDS:
        raise ValueError(f"unknown score band {band!r}; expected one of {SCORE_BANDS}")
    if band == "all":
        return sa.true()
    side = {"detractors": 0, "low": 0, "passives": 1, "promoters": 2, "high": 2}[band]
    survey, score = relation.column("survey"), relation.column("score")
    return sa.or_(
        *(
            sa.and_(survey == sa.bindparam(None, name), score.between(*ranges[side]))
            for name, ranges in score_bands(settings).items()
        )
    )


def quarantine_page(
    source: SourceConfig,
    dataset: str,
    *,
    page: int = 1,
    page_size: int = 50,
    contract: DatasetContract | None = None,
    now: datetime | None = None,
) -> RowsPage:
    """Rows of ``dataset`` that break a row rule, newest first, with ``_reasons`` in contract order.

    The reasons are the contract's own words (``Rule.describe()``), as refresh
    mode's quarantine shows them.
    """
    relation = source_relation(source, dataset)
    rules = row_rules(
        relation, contract or build_contracts()[dataset], now=now or datetime.now(UTC)
    )
    flags = [
        sa.case((rule.passes, 0), else_=1).label(f"_fails_{i}")
        for i, rule in enumerate(rules.rules)
    ]
    statement = _page(relation, rules.any_fails(), page, page_size, extra=flags)
    frame, has_more = _fetch(relation, statement, page_size, keep=[f.name for f in flags])
    reasons = _reasons([flag.name for flag in flags], rules.rules)
    joined = pl.concat_str(reasons, separator="; ", ignore_nulls=True) if reasons else pl.lit("")
    frame = frame.with_columns(joined.alias(REASONS)).drop(f.name for f in flags)
    return RowsPage(frame, page, page_size, has_more)


def _reasons(flags: Sequence[str], rules: Sequence[SqlRule]) -> list[pl.Expr]:
    """Each failed rule's words, as refresh mode's quarantine words them.

    An unreadable value reads ``unreadable: <the connector's message>`` (which
    quotes the raw value); refresh mode then holds it as missing, so the
    column's NotNull rule fails too and its other rules have nothing to judge.
    """
    unreadable: dict[str, pl.Expr] = {}
    for flag, rule in zip(flags, rules, strict=True):
        if rule.unreadable:
            for column in rule.columns:
                failed = pl.col(flag) == 1
                unreadable[column] = unreadable[column] | failed if column in unreadable else failed
    reasons = []
    for flag, rule in zip(flags, rules, strict=True):
        failed = pl.col(flag) == 1
        lost = pl.any_horizontal(
            [unreadable[c] for c in rule.columns if c in unreadable] or [False]
        )
        if rule.unreadable:
            text = pl.lit(UNREADABLE) + pl.coalesce(pl.col(PARSE_ERROR), pl.lit(rule.reason))
            reasons.append(pl.when(failed).then(text))
        elif rule.requires_value:
            reasons.append(pl.when(failed | lost).then(pl.lit(rule.reason)))
        else:
            reasons.append(pl.when(failed & ~lost).then(pl.lit(rule.reason)))
    return reasons


def count_quarantined(
    source: SourceConfig,
    dataset: str,
    *,
    contract: DatasetContract | None = None,
    now: datetime | None = None,
) -> int:
    """How many rows of ``dataset`` break a row rule (one COUNT in the warehouse)."""
    relation = source_relation(source, dataset)
    rules = row_rules(
        relation, contract or build_contracts()[dataset], now=now or datetime.now(UTC)
    )
    statement = (
        sa.select(sa.func.count()).select_from(relation.from_clause).where(rules.any_fails())
    )
    with relation.engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())


def _in_periods(
    relation: SourceRelation, periods: Sequence[Period], timezone: str
) -> sa.ColumnElement:
    stamp = relation.column(dataset_spec(relation.dataset).time_column)
    ranges = elementary_ranges(periods)
    source = relation.source
    return within(stamp, stored_edges(ranges, timezone, relation.time_style, source.timezone))


def _page(
    relation: SourceRelation,
    where: sa.ColumnElement,
    page: int,
    page_size: int,
    extra: Sequence[sa.ColumnElement] = (),
) -> sa.Select:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(
            f"page must be >= 1 and page_size 1..{MAX_PAGE_SIZE}, got {page}, {page_size}"
        )
    spec = dataset_spec(relation.dataset)
    columns = [relation.from_clause.c[name] for name in _source_columns(relation)]
    order = [relation.column(spec.time_column).desc()]
    if spec.key:
        order.append(relation.column(spec.key).desc())
    return (
        sa.select(*columns, *extra)
        .select_from(relation.from_clause)
        .where(where)
        .order_by(*order)
        .limit(page_size + 1)
        .offset((page - 1) * page_size)
    )


def _source_columns(relation: SourceRelation) -> list[str]:
    mapping = relation.mapping
    names = [mapping.source_column(c) for c in dataset_spec(relation.dataset).names]
    return [n for n in dict.fromkeys([*names, *mapping.segments]) if n in relation.from_clause.c]


def _fetch(
    relation: SourceRelation, statement: sa.Select, page_size: int, keep: Sequence[str] = ()
) -> tuple[pl.DataFrame, bool]:
    source = relation.source
    try:
        with relation.engine.connect() as connection:
            result = connection.execute(statement)
            names = list(result.keys())
            fetched = result.all()
    except sa.exc.DBAPIError as error:
        raise SourceError(
            source.name, relation.dataset, f"the page query failed: {error.orig}"
        ) from None
    has_more = len(fetched) > page_size
    raw = pl.DataFrame(fetched[:page_size], schema=names, orient="row", infer_schema_length=None)
    kept = raw.select(keep) if keep else None
    canonical = (
        to_canonical(
            raw.drop(keep).lazy(),
            source=source.name,
            mapping=relation.mapping,
            timezone=source.timezone,
        )
        .drop(SOURCE_ROW)  # a row number within the page would only mislead
        .collect()
    )
    if kept is not None:
        canonical = pl.concat([canonical, kept], how="horizontal")
    return canonical, has_more
