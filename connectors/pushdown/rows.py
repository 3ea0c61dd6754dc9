"""One page of raw rows from a live source: verbatims to read, quarantined rows to fix.

Why pages: a person reads fifty comments, not fifty million. The warehouse
counts the matching rows (one COUNT, for the pager), filters, orders (newest
first, then by key, so pages never overlap) and cuts the page (LIMIT/OFFSET of
exactly the page size); only that page travels. The rows are then read by the same
``connectors.canonicalize.to_canonical`` as in refresh mode, so columns,
dtypes and UTC timestamps are the canonical ones.

Search terms are matched as plain text, with the snapshot path's rules
(``metrics.verbatims``): every term is a bound parameter, nothing in it is a
wildcard, all terms must appear, ignoring case and accents (``metrics.text_fold``).

Example:
    >>> page = verbatims_page(source, periods=[period], settings=MetricSettings("Europe/Berlin"),
    ...                       search='late "new carrier"', band="detractors", now=now)
    >>> page.frame.select("score", "comment").rows(), page.total
    ([(3.0, 'Parcel late with the new carrier')], 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from math import ceil

import polars as pl
import sqlalchemy as sa

from benefitboard.config import SourceConfig
from canonical.datasets import PARSE_ERROR, SOURCE_ROW, dataset_spec
from connectors.canonicalize import to_canonical
from connectors.database import failure_words
from connectors.errors import SourceError
from connectors.pushdown.bounds import elementary_ranges, stored_edges, within
from connectors.pushdown.relation import SourceRelation, source_relation
from connectors.pushdown.rules import RowRules, SqlRule, row_rules
from metrics.periods import Period
from metrics.pii import masked
from metrics.settings import Filters, MetricSettings
from metrics.text_fold import fold_pattern, folded
from metrics.verbatims import SCORE_BANDS, SEARCH_COLUMN, matches_search, score_bands, search_terms
from validation.contracts import DatasetContract, build_contracts
from validation.runner import REASONS, UNREADABLE

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class RowsPage:
    """One page of canonical rows, newest first, and how many rows match in all.

    ``page`` is the page number asked for, clamped to the pages there are (as
    ``metrics.verbatims.page_of`` clamps), so a stale link shows the last page.
    """

    frame: pl.DataFrame
    page: int
    page_size: int
    total: int
    """Rows matching in the warehouse (one COUNT): what the pager counts."""

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.page_size))

    @property
    def has_more(self) -> bool:
        return self.page * self.page_size < self.total


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
    appear, literally, ignoring case and accents; ``band`` is a score band per survey
    (``score_bands``); ``surveys`` limits the surveys (empty: all). Only rows
    that pass the contract's row rules are shown, as in refresh mode. The rows
    carry their local ``day``.

    Every term is a bound parameter (``_contains``), so ``100%`` finds "100%"
    and nothing else.

    Searching happens in the warehouse on the raw text; a row whose match lay
    only inside an e-mail address or phone number (which pages mask) is then
    dropped from the page, so a search never finds what it does not show.
    ``total`` counts the warehouse's matches, such rows included: the one
    place where it can exceed what the snapshot path counts (which searches
    the masked text).
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
        *(_contains(relation, comment, term) for term in terms),
        _in_band(relation, band, settings),
    ]
    if surveys:
        conditions.append(relation.column("survey").in_([s.strip().lower() for s in surveys]))
    frame, total, number = _counted_page(relation, sa.and_(*conditions), page, page_size)
    if terms:
        shown = folded(masked(pl.col("comment"))).alias(SEARCH_COLUMN)
        frame = frame.with_columns(shown).filter(matches_search(terms)).drop(SEARCH_COLUMN)
    day = pl.col("responded_at").dt.convert_time_zone(settings.timezone).dt.date().alias("day")
    return RowsPage(frame.with_columns(day).drop(PARSE_ERROR), number, page_size, total)


def _contains(
    relation: SourceRelation, comment: sa.ColumnElement, term: str
) -> sa.ColumnElement[bool]:
    """True where ``comment`` holds the (folded) ``term`` once folded: the snapshot's search.

    PostgreSQL (``~``) and SQLite (``REGEXP``, which SQLAlchemy's pysqlite
    dialect provides with Python's ``re``) match ``fold_pattern(term)``, a bound
    regular expression in which every character is an escaped class, so case
    and accents are ignored exactly as ``metrics.text_fold`` folds (a ``LIKE``
    on a folded column would need ``translate``, far slower, or ``replace``
    nested deeper than SQLite parses). Other databases fall back to ``lower()``
    and ``LIKE`` with ``%``, ``_`` and ``/`` escaped: case (as far as their
    ``lower()`` goes) but not accents.
    """
    if relation.dialect in ("postgresql", "sqlite"):
        return comment.regexp_match(fold_pattern(term))
    return sa.func.lower(comment).contains(term, autoescape=True)


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
    reason: str | None = None,
    page: int = 1,
    page_size: int = 50,
    contract: DatasetContract | None = None,
    now: datetime | None = None,
) -> RowsPage:
    """Rows of ``dataset`` that break a row rule, newest first, ``_reasons`` first.

    The reasons are the contract's own words (``Rule.describe()``), in contract
    order, as refresh mode's quarantine shows them. ``reason`` keeps the rows
    showing that reason kind (a name from ``quarantine_reason_counts``, as
    ``validation.quarantine.matching_rows`` filters a stored quarantine).
    """
    rules = _rules(source, dataset, contract, now)
    relation = source_relation(source, dataset)
    where = rules.any_fails()
    if reason:
        kinds = _reason_kinds(rules.rules)
        if reason not in kinds:
            raise ValueError(f"{dataset} has no quarantine reason {reason!r}; known: {list(kinds)}")
        where = sa.and_(where, kinds[reason])
    flags = [_failed(rule).label(f"_fails_{i}") for i, rule in enumerate(rules.rules)]
    frame, total, number = _counted_page(relation, where, page, page_size, extra=flags)
    reasons = _reasons([flag.name for flag in flags], rules.rules)
    joined = pl.concat_str(reasons, separator="; ", ignore_nulls=True) if reasons else pl.lit("")
    frame = frame.with_columns(joined.alias(REASONS)).drop(f.name for f in flags)
    return RowsPage(frame.select(REASONS, pl.exclude(REASONS)), number, page_size, total)


def quarantine_reason_counts(
    source: SourceConfig,
    dataset: str,
    *,
    contract: DatasetContract | None = None,
    now: datetime | None = None,
) -> pl.DataFrame:
    """Rows per quarantine reason kind, most common first, from one aggregate query.

    The columns and order of ``validation.quarantine.reason_counts`` (``reason``,
    ``rows``; a row breaking two rules counts under both): the data-quality
    page lists a live quarantine as it lists a stored one. One row comes back.

    >>> quarantine_reason_counts(source, "responses", now=now).rows()
    [('response_id: duplicated', 2), ('score: not between 0 and 10 for survey nps', 1)]
    """
    rules = _rules(source, dataset, contract, now)
    relation = source_relation(source, dataset)
    kinds = _reason_kinds(rules.rules)
    sums = [
        sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0).label(f"_kind_{i}")
        for i, condition in enumerate(kinds.values())
    ]
    statement = sa.select(*sums).select_from(relation.from_clause).where(rules.any_fails())
    counts = _read(relation, statement, "the quarantine count").one() if sums else ()
    found = [(kind, int(n)) for kind, n in zip(kinds, counts, strict=True) if n]
    schema = {"reason": pl.Utf8, "rows": pl.UInt32}
    return pl.DataFrame(found, schema=schema, orient="row").sort(
        ["rows", "reason"], descending=[True, False]
    )


def newest_record(
    source: SourceConfig,
    dataset: str,
    *,
    contract: DatasetContract | None = None,
    now: datetime | None = None,
) -> str | None:
    """The time of the newest row that passes the row rules (ISO, UTC), or None when none does.

    What refresh mode records as ``newest_record`` from its valid rows: pages
    take the default period's last day and the freshness banner from it. The
    newest row is read like any page (one row), so the time is converted to UTC
    exactly as the connector converts it.
    """
    relation = source_relation(source, dataset)
    rules = _rules(source, dataset, contract, now)
    frame = _fetch(relation, _page(relation, rules.all_pass(), 1, 1))
    newest = frame[dataset_spec(dataset).time_column].max() if frame.height else None
    return newest.isoformat() if isinstance(newest, date) else None  # date or datetime


def segment_values(
    source: SourceConfig, dataset: str, segments: Sequence[str], limit: int = 1000
) -> dict[str, list[str]]:
    """The distinct values of each declared segment (``SELECT DISTINCT``), for the filter bar.

    Empty values are left out (the filter bar offers the values people can pick);
    at most ``limit`` values per segment, in order.
    """
    relation = source_relation(source, dataset)
    found: dict[str, list[str]] = {}
    try:
        with relation.engine.connect() as connection:
            for name in segments:
                column = relation.segment(name)
                statement = sa.select(column).where(column.is_not(None)).distinct()
                values = connection.execute(statement.order_by(column).limit(limit)).scalars()
                found[name] = [str(v) for v in values]
    except sa.exc.DBAPIError as error:
        raise SourceError(
            source.name, dataset, f"reading segment values {failure_words(error, source)}"
        ) from None
    return found


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
    reasons: list[pl.Expr] = []
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
    where = _rules(source, dataset, contract, now).any_fails()
    return _count(relation, where, "the quarantine count")


def _rules(
    source: SourceConfig, dataset: str, contract: DatasetContract | None, now: datetime | None
) -> RowRules:
    relation = source_relation(source, dataset)
    contract = contract or build_contracts()[dataset]
    return row_rules(relation, contract, now=now or datetime.now(UTC))


def _failed(rule: SqlRule) -> sa.ColumnElement[bool]:
    """True when a row breaks ``rule`` (a rule that cannot say, NULL, counts as broken)."""
    return sa.case((rule.passes, 0), else_=1) == 1


def _reason_kinds(rules: Sequence[SqlRule]) -> dict[str, sa.ColumnElement[bool]]:
    """Each reason kind, and when a row shows it: ``_reasons`` (below) as SQL conditions.

    Kinds are those ``validation.quarantine.reason_kinds`` reads from a stored
    quarantine: a rule's words, or ``unreadable: <column>`` for a value the
    connector could not read (which also fails the column's NotNull rule and
    silences its other rules, as in refresh mode).
    """
    unreadable: dict[str, list[sa.ColumnElement[bool]]] = {}
    for rule in rules:
        if rule.unreadable:
            for column in rule.columns:
                unreadable.setdefault(column, []).append(_failed(rule))
    kinds: dict[str, list[sa.ColumnElement[bool]]] = {}
    for rule in rules:
        lost = [failed for column in rule.columns for failed in unreadable.get(column, [])]
        if rule.unreadable:
            for column in rule.columns:
                kinds.setdefault(UNREADABLE + column, []).append(_failed(rule))
        elif rule.requires_value:
            kinds.setdefault(rule.reason, []).append(sa.or_(_failed(rule), *lost))
        else:
            shown = sa.and_(_failed(rule), sa.not_(sa.or_(*lost))) if lost else _failed(rule)
            kinds.setdefault(rule.reason, []).append(shown)
    return {kind: sa.or_(*conditions) for kind, conditions in kinds.items()}


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
    """The statement of one page: newest first, then by key, ``LIMIT page_size``."""
    _check_page(page, page_size)
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
        .limit(page_size)
        .offset((page - 1) * page_size)
    )


def _check_page(page: int, page_size: int) -> None:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(
            f"page must be >= 1 and page_size 1..{MAX_PAGE_SIZE}, got {page}, {page_size}"
        )


def _counted_page(
    relation: SourceRelation,
    where: sa.ColumnElement,
    page: int,
    page_size: int,
    extra: Sequence[sa.ColumnElement] = (),
) -> tuple[pl.DataFrame, int, int]:
    """(rows, total, page number): COUNT the matches, clamp ``page`` to the pages there are,
    then fetch that page alone."""
    _check_page(page, page_size)
    total = _count(relation, where)
    number = min(page, max(1, ceil(total / page_size)))
    frame = _fetch(
        relation, _page(relation, where, number, page_size, extra), [e.name for e in extra]
    )
    return frame, total, number


def _count(relation: SourceRelation, where: sa.ColumnElement, what: str = "the page query") -> int:
    statement = sa.select(sa.func.count()).select_from(relation.from_clause).where(where)
    return int(_read(relation, statement, what).scalar_one())


def _source_columns(relation: SourceRelation) -> list[str]:
    mapping = relation.mapping
    names = [mapping.source_column(c) for c in dataset_spec(relation.dataset).names]
    return [n for n in dict.fromkeys([*names, *mapping.segments]) if n in relation.from_clause.c]


def _read(relation: SourceRelation, statement: sa.Select, what: str) -> sa.Result:
    """Run ``statement`` and buffer its (small) result; a database error names the source."""
    source = relation.source
    try:
        with relation.engine.connect() as connection:
            return connection.execute(statement).freeze()()
    except sa.exc.DBAPIError as error:
        raise SourceError(
            source.name, relation.dataset, f"{what} {failure_words(error, source)}"
        ) from None


def _fetch(
    relation: SourceRelation, statement: sa.Select, keep: Sequence[str] = ()
) -> pl.DataFrame:
    """The page's rows as canonical columns (``keep``: extra columns passed through as read)."""
    source = relation.source
    result = _read(relation, statement, "the page query")
    names = list(result.keys())
    raw = pl.DataFrame(result.all(), schema=names, orient="row", infer_schema_length=None)
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
    return canonical
