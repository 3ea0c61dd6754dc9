"""A dataset contract's row-level rules as SQL: the rows refresh mode would quarantine, left out.

Why from the contract: the rules are declared once (``validation.contracts``)
and this module only translates each typed rule into a SQLAlchemy condition
that is true for a row the rule lets through. Refresh mode and live mode
therefore drop the same rows for the same reasons, and the quarantine browser
can say which rule a row broke in the contract's own words.

Like Great Expectations, a rule ignores a missing value (NotNull is there for
that), and a conditional rule ("score between 0 and 10 for survey nps") ignores
rows the condition does not select.

What the connector checks while parsing (``ParsedCleanly``) has SQL stand-ins:
ISO shape for text timestamps, no wall-clock time that does not exist in the
source's zone. Numbers are expected in numeric columns (cast them in the
configured query otherwise). Workspace expectations that have no portable SQL
(regular expressions, z-scores) are listed in ``RowRules.unenforced`` so a page
can say so, instead of silently differing from refresh mode.

Example:
    >>> rules = row_rules(relation, contract, now=now)
    >>> passing = sa.select(sa.func.count()).select_from(relation.from_clause)
    >>> with relation.engine.connect() as connection:  # 8 rows, 3 break a rule
    ...     connection.execute(passing.where(rules.all_pass())).scalar()
    5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import polars as pl
import sqlalchemy as sa

from canonical.datasets import PARSE_ERROR, dataset_spec
from connectors.pushdown.bounds import gaps, iso_text, source_value
from connectors.pushdown.relation import SourceRelation, TimeStyle
from validation.contracts import DatasetContract
from validation.rules import (
    ColumnsOrdered,
    ExtraExpectation,
    InRange,
    NotInFuture,
    NotNull,
    OneOf,
    ParsedCleanly,
    UniqueKey,
    WholeNumber,
)

_GAP_SEARCH_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class SqlRule:
    """One row-level rule: its reason (the quarantine's words) and when a row passes it."""

    reason: str
    passes: sa.ColumnElement[bool]
    columns: tuple[str, ...] = ()
    """The canonical columns the rule reads."""
    unreadable: bool = False
    """A stand-in for the connector's parsing: the connector's own message says more."""
    requires_value: bool = False
    """A NotNull rule: refresh mode also fails it when the value could not be read."""


@dataclass(frozen=True)
class RowRules:
    """Every row-level rule of a contract that SQL can check, and those it cannot."""

    rules: tuple[SqlRule, ...]
    unenforced: tuple[str, ...] = ()

    def all_pass(self) -> sa.ColumnElement[bool]:
        """True for rows that break no rule (the rows refresh mode would publish)."""
        return sa.and_(sa.true(), *(r.passes for r in self.rules))

    def any_fails(self) -> sa.ColumnElement[bool]:
        """True for rows that break at least one rule (refresh mode's quarantine)."""
        return sa.not_(self.all_pass())


def row_rules(
    relation: SourceRelation,
    contract: DatasetContract,
    *,
    now: datetime,
    window: tuple[datetime, datetime] | None = None,
) -> RowRules:
    """The contract's row-level rules as SQL on ``relation``.

    ``now`` (aware) fixes "in the future". ``window`` (UTC instants) bounds the
    search for non-existent wall-clock times when timestamps are stored naive;
    without it the whole span up to ``now`` is searched.
    """
    if contract.dataset != relation.dataset:
        raise ValueError(f"contract is for {contract.dataset!r}, not {relation.dataset!r}")
    rules: list[SqlRule] = []
    unenforced: list[str] = []
    for rule in contract.all_rules:
        if not rule.row_level:
            continue
        if isinstance(rule, ParsedCleanly):
            rules.extend(_parse_rules(relation, now, window))
            continue
        if not all(relation.has(c) for c in rule.columns if c != PARSE_ERROR):
            continue  # refresh mode cannot break a rule on an absent (all-null) column either
        if isinstance(rule, UniqueKey) and relation.enforces_unique([rule.column]):
            continue  # the database guarantees it: no full-table check per query
        condition = _condition(relation, rule, now)
        if condition is None:
            unenforced.append(rule.describe())
        else:
            rules.append(
                SqlRule(
                    rule.describe(),
                    condition,
                    columns=tuple(rule.columns),
                    requires_value=isinstance(rule, NotNull),
                )
            )
    return RowRules(tuple(rules), tuple(unenforced))


def _condition(relation: SourceRelation, rule, now: datetime) -> sa.ColumnElement[bool] | None:
    col = relation.column
    match rule:
        case NotNull():
            return col(rule.column).is_not(None)
        case UniqueKey():
            return _unique(relation, [rule.column])
        case InRange():
            value = col(rule.column)
            checks = [_missing(value), _between(value, rule)]
            if rule.when:
                selector = col(rule.when.column)
                checks += [_missing(selector), selector != _bound(rule.when.equals)]
            return sa.or_(*checks)
        case WholeNumber():
            value = col(rule.column)
            # CASE, not OR: SQLAlchemy's SQLite floor() is a Python function that fails on NULL.
            return sa.case((_missing(value), sa.true()), else_=value == sa.func.floor(value))
        case OneOf():
            value = col(rule.column)
            return sa.or_(_missing(value), value.in_(list(rule.values)))
        case NotInFuture():
            return _not_after(relation, rule.column, now + rule.tolerance)
        case ColumnsOrdered():
            low, high = col(rule.low), col(rule.high)
            return sa.or_(_missing(low), _missing(high), high >= low)
        case ExtraExpectation():
            return _extra(relation, rule)
    return None


def _between(value: sa.ColumnElement, rule: InRange) -> sa.ColumnElement[bool]:
    checks = []
    if rule.min_value is not None:
        low = _bound(rule.min_value)
        checks.append(value > low if rule.strict_min else value >= low)
    if rule.max_value is not None:
        high = _bound(rule.max_value)
        checks.append(value < high if rule.strict_max else value <= high)
    return sa.and_(sa.true(), *checks)


def _unique(relation: SourceRelation, canonical: Sequence[str]) -> sa.ColumnElement[bool]:
    """No other row shares the key (every copy of a duplicated key fails, as in refresh mode).

    ``NOT EXISTS`` against the duplicated keys (a derived table) rather than
    ``NOT IN``: planners run it as one anti-join, where PostgreSQL falls back to
    a per-row scan for a ``NOT IN`` list it cannot hash in memory.
    """
    columns = [relation.column(c) for c in canonical]
    duplicated = (
        sa.select(*(c.label(f"key_{i}") for i, c in enumerate(columns)))
        .select_from(relation.from_clause)
        .where(*(c.is_not(None) for c in columns))
        .group_by(*columns)
        .having(sa.func.count() > 1)
        .correlate(None)
        .subquery("duplicated_keys")
    )
    match = sa.exists().where(*(duplicated.c[f"key_{i}"] == c for i, c in enumerate(columns)))
    # A missing key matches no duplicated key, so it passes without an OR (an OR around
    # NOT EXISTS would stop the planner from turning it into an anti-join).
    return ~match


def _not_after(relation: SourceRelation, canonical: str, latest: datetime) -> sa.ColumnElement:
    """``canonical`` <= ``latest``; a dataset's timestamps are all stored like its time column."""
    value = relation.column(canonical)
    bound: date | datetime | str
    if dataset_spec(relation.dataset).column(canonical).dtype == pl.Date:
        bound = latest.astimezone(UTC).date()
    else:
        after = latest + timedelta(microseconds=1)
        bound = source_value(after, relation.time_style, relation.source.timezone)
        return sa.or_(_missing(value), value < _bound(bound, value.type))
    return sa.or_(_missing(value), value <= _bound(bound, value.type))


def _parse_rules(
    relation: SourceRelation, now: datetime, window: tuple[datetime, datetime] | None
) -> list[SqlRule]:
    """SQL stand-ins for what the connector checks while reading values."""
    rules = []
    spec = dataset_spec(relation.dataset)
    zone = relation.source.timezone
    for column in spec.columns:
        if not isinstance(column.dtype, pl.Datetime):
            continue
        if not relation.has(column.name):
            continue
        value = relation.column(column.name)
        if relation.time_style is TimeStyle.TEXT:
            shaped = sa.or_(value.like("____-__-__"), value.like("____-__-__ __:__%"))
            rules.append(
                SqlRule(
                    f"{column.name}: not a timestamp",
                    sa.or_(_missing(value), shaped),
                    columns=(column.name,),
                    unreadable=True,
                )
            )
        if relation.time_style in (TimeStyle.TEXT, TimeStyle.NAIVE) and zone != "UTC":
            start, end = window or (datetime(1970, 1, 1, tzinfo=UTC), now)
            for low, high in gaps(start - _GAP_SEARCH_MARGIN, end + _GAP_SEARCH_MARGIN, zone):
                low_value, high_value = _wall(low, relation), _wall(high, relation)
                rules.append(
                    SqlRule(
                        f"{column.name}: does not exist in {zone} (clocks go forward then)",
                        sa.or_(
                            _missing(value),
                            value < _bound(low_value, value.type),
                            value >= _bound(high_value, value.type),
                        ),
                        columns=(column.name,),
                        unreadable=True,
                    )
                )
    return rules


def _wall(wall: datetime, relation: SourceRelation) -> datetime | str:
    return iso_text(wall) if relation.time_style is TimeStyle.TEXT else wall


def _extra(relation: SourceRelation, rule: ExtraExpectation) -> sa.ColumnElement | None:
    """Workspace expectations with a portable SQL meaning; None for the others."""
    args = rule.arguments
    name = args.get("column")
    found = relation.column(name) if isinstance(name, str) else None  # an unknown name raises

    def column() -> sa.ColumnElement:  # the expectation's `column`, for those that have one
        assert found is not None, f"{rule.expectation} needs a `column`"
        return found

    match rule.expectation:
        case "ExpectColumnValuesToNotBeNull":
            return column().is_not(None)
        case "ExpectColumnValuesToBeNull":
            return column().is_(None)
        case "ExpectColumnValuesToBeBetween":
            bounds = InRange(
                args["column"],
                args.get("min_value"),
                args.get("max_value"),
                bool(args.get("strict_min")),
                bool(args.get("strict_max")),
            )
            return sa.or_(_missing(column()), _between(column(), bounds))
        case "ExpectColumnValuesToBeInSet":
            return sa.or_(_missing(column()), column().in_(list(args["value_set"])))
        case "ExpectColumnValuesToNotBeInSet":
            return sa.or_(_missing(column()), column().not_in(list(args["value_set"])))
        case "ExpectColumnValueLengthsToBeBetween":
            bounds = InRange(args["column"], args.get("min_value"), args.get("max_value"))
            return sa.or_(_missing(column()), _between(sa.func.length(column()), bounds))
        case "ExpectColumnValueLengthsToEqual":
            return sa.or_(_missing(column()), sa.func.length(column()) == _bound(args["value"]))
        case "ExpectColumnValuesToBeUnique":
            return _unique(relation, [args["column"]])
        case "ExpectCompoundColumnsToBeUnique":
            return _unique(relation, list(args["column_list"]))
        case "ExpectColumnPairValuesAToBeGreaterThanB":
            a, b = relation.column(args["column_A"]), relation.column(args["column_B"])
            compare = a >= b if args.get("or_equal") else a > b
            return sa.or_(_missing(a), _missing(b), compare)
        case "ExpectColumnPairValuesToBeEqual":
            a, b = relation.column(args["column_A"]), relation.column(args["column_B"])
            return sa.or_(_missing(a), _missing(b), a == b)
    return None


def _missing(value: sa.ColumnElement) -> sa.ColumnElement[bool]:
    return value.is_(None)


def _bound(value: object, type_: sa.types.TypeEngine | None = None) -> sa.BindParameter:
    return sa.bindparam(None, value, type_=type_)
