"""Turn a dataset contract into a Great Expectations suite of typed expectations.

Why one function: the contract says *what* must hold; this module is the only
place that knows *how* GX expresses it. Each expectation carries, in its
``meta``, the rule's readable reason, whether it is row-level and the contract
columns it checks, so the runner can explain results without a lookup table
and Data Docs show the same words as the quarantine.

Two choices the GX 1.24 pandas backend shaped:
- Ranges per survey type use GX's own ``row_condition`` with a Condition object
  (``Column("survey") == "nps"``). The pandas engine turns it into
  ``DataFrame.query("`survey` == 'nps'")``, keeps the original index (so failing
  rows map back exactly) and ignores rows whose survey is null or unknown (those
  fail NotNull/OneOf). String conditions with ``condition_parser`` are deprecated
  since GX 1.9, so they are not used.
- "Whole number" has no GX expectation for float columns (regex needs strings,
  ``ExpectColumnValuesToBeOfType`` looks at the dtype, not the values). The
  runner adds a helper column ``_fraction_of_<column>`` = ``column % 1`` (see
  ``helper_columns``) and the suite expects it to be in ``{0}``. Nulls stay
  null there and count as "missing", not unexpected, exactly like NotNull
  leaves them to its own rule.

Great Expectations is imported inside the functions: importing it costs ~4 s.

Example:
    >>> from datetime import datetime, UTC
    >>> from validation.contracts import build_contracts
    >>> suite = build_suite(build_contracts()["events"], now=datetime(2025, 1, 1, tzinfo=UTC))
    >>> suite.expectations[0].meta["benefitboard"]["reason"]
    "required column 'date' missing"
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

import polars as pl

from canonical.datasets import dataset_spec
from validation.contracts import ContractError, DatasetContract, parse_extra_expectations
from validation.rules import (
    ColumnsOrdered,
    ColumnsPresent,
    ExtraExpectation,
    Fresh,
    InRange,
    MostRowsValid,
    NotEmpty,
    NotInFuture,
    NotNull,
    OneOf,
    ParsedCleanly,
    PlausibleRowCount,
    Rule,
    UniqueKey,
    WholeNumber,
)

if TYPE_CHECKING:
    import great_expectations as gx
    from great_expectations.expectations import Expectation

META_KEY = "benefitboard"
"""Key under each expectation's ``meta``: reason, row_level, columns, rule, entry and order."""

FRACTION_PREFIX = "_fraction_of_"


def build_suite(
    contract: DatasetContract,
    *,
    now: datetime,
    previous_row_count: int | None = None,
    columns: Collection[str] | None = None,
) -> gx.ExpectationSuite:
    """The GX suite for ``contract`` as of ``now``.

    ``now`` fixes "in the future" and "stale"; ``previous_row_count`` (None on
    the first refresh) sets the plausible minimum row count. With ``columns``
    (the frame's columns), rules on absent columns are left out: the suite
    still checks that required columns exist, and the runner reports absent
    columns of workspace expectations itself, so GX never errors on a missing
    column.
    """
    import great_expectations as gx

    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC), e.g. datetime.now(UTC)")
    present = None if columns is None else set(columns)
    expectations = [
        expectation
        for rule in contract.all_rules
        if present is None
        or isinstance(rule, ColumnsPresent)
        or all(column in present for column in rule.columns)
        for expectation in _expectations(contract.dataset, rule, now, previous_row_count)
    ]
    for order, expectation in enumerate(expectations):
        # GX returns results grouped by metric; the order restores the contract's order.
        meta = expectation.meta
        assert meta is not None, "_expectations gives every expectation Benefitboard's meta"
        meta[META_KEY]["order"] = order
    # Passing the expectations to the constructor (not suite.add_expectation) keeps the suite
    # free of any data context: add_expectation looks the suite up in the current context's store.
    return gx.ExpectationSuite(name=f"benefitboard.{contract.dataset}", expectations=expectations)


def helper_columns(
    contract: DatasetContract, columns: Collection[str] | None = None
) -> dict[str, pl.Expr]:
    """Columns the runner adds before validation, by name (see the module docstring).

    Example:
        >>> from validation.contracts import build_contracts
        >>> list(helper_columns(build_contracts()["responses"]))
        ['_fraction_of_score']
    """
    helpers = {}
    for rule in contract.all_rules:
        if isinstance(rule, WholeNumber) and (columns is None or rule.column in columns):
            helpers[FRACTION_PREFIX + rule.column] = pl.col(rule.column).cast(pl.Float64) % 1
    return helpers


def check_extra_expectations(entries: Sequence[Mapping[str, Any]]) -> None:
    """Build every workspace expectation now (imports GX) so a wrong argument fails at load.

    Lives here, beside ``instantiate_extra``, because it needs Great Expectations;
    ``contracts`` only parses the entries by name.

    Raises ContractError naming the entry, e.g.
    ``expectations[0] (ExpectColumnValueLengthsToBeBetween): unexpected argument 'max_len'``.
    """
    for _, extra in parse_extra_expectations(entries):
        instantiate_extra(extra)


def instantiate_extra(extra: ExtraExpectation, meta: dict[str, Any] | None = None) -> Expectation:
    """Build a workspace expectation's GX class by allow-listed name, never by eval.

    Raises ContractError naming the config entry when the arguments do not fit.
    """
    import great_expectations.expectations as gxe
    from great_expectations.compatibility import pydantic

    expectation_class = getattr(gxe, extra.expectation, None)
    if expectation_class is None:
        raise ContractError(
            f"{extra.where()}: this Great Expectations version has no such expectation"
        )
    refused = sorted(set(extra.arguments) & _REFUSED_ARGUMENTS)
    if refused:
        raise ContractError(
            f"{extra.where()}: argument(s) {', '.join(map(repr, refused))} are not accepted in "
            "workspace expectations ('meta' is Benefitboard's; a string row_condition would be "
            "evaluated by pandas.query)"
        )
    try:
        return expectation_class(**extra.arguments, meta=meta or {})
    except pydantic.ValidationError as error:
        problems = "; ".join(_pydantic_problems(error.errors()))
        known = sorted(set(expectation_class.__fields__) - _INTERNAL_FIELDS - _REFUSED_ARGUMENTS)
        raise ContractError(
            f"{extra.where()}: {problems}. Arguments it accepts: {', '.join(known)}"
        ) from None
    except (TypeError, ValueError) as error:
        raise ContractError(f"{extra.where()}: {error}") from None


_INTERNAL_FIELDS = {"id", "meta", "notes", "rendered_content", "result_format", "catch_exceptions"}
_INTERNAL_FIELDS |= {"batch_id", "windows", "severity"}


_REFUSED_ARGUMENTS = {"meta", "row_condition", "condition_parser"}


def _pydantic_problems(errors: Iterable[Mapping[str, Any]]) -> list[str]:
    """Pydantic's errors as short phrases, one per argument.

    GX fields also accept a ``{"$PARAMETER": ...}`` dict, so each wrong value gets a
    second "not a valid dict" error; only the first error per argument is kept.
    """
    problems: dict[str, str] = {}
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        if error.get("type") == "value_error.extra":
            problem = f"unexpected argument {where!r}"
        elif error.get("type") == "value_error.missing":
            problem = f"missing argument {where!r}"
        elif where == "__root__":
            problem = str(error.get("msg"))
        else:
            problem = f"{where}: {error.get('msg')}"
        problems.setdefault(where, problem)
    return list(problems.values())


def _expectations(
    dataset: str, rule: Rule, now: datetime, previous_row_count: int | None
) -> Iterator[Expectation]:
    """The GX expectation(s) for one rule, each tagged with the rule's meta."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    def meta(reason: str | None = None, columns: tuple[str, ...] | None = None) -> dict:
        return {
            META_KEY: {
                "rule": type(rule).__name__,
                "reason": reason or rule.describe(),
                "row_level": rule.row_level,
                "columns": list(rule.columns if columns is None else columns),
                "entry": rule.entry if isinstance(rule, ExtraExpectation) else None,
            }
        }

    match rule:
        case ColumnsPresent():
            for column in rule.columns:
                reason = f"required column {column!r} missing"
                yield gxe.ExpectColumnToExist(column=column, meta=meta(reason, (column,)))
        case NotEmpty():
            yield gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=meta())
        case PlausibleRowCount():
            if previous_row_count:
                minimum = math.ceil(previous_row_count * rule.min_share)
                reason = f"{rule.describe()} ({previous_row_count} rows; at least {minimum})"
                yield gxe.ExpectTableRowCountToBeBetween(min_value=minimum, meta=meta(reason))
        case Fresh():
            oldest = _bound(dataset, rule.column, rule.measured_at(now) - rule.max_age)
            reason = f"{rule.describe()} (before {_shown(oldest)})"
            yield gxe.ExpectColumnMaxToBeBetween(
                column=rule.column, min_value=oldest, meta=meta(reason)
            )
        case ParsedCleanly():
            yield gxe.ExpectColumnValuesToBeNull(column=rule.column, meta=meta())
        case NotNull():
            yield gxe.ExpectColumnValuesToNotBeNull(column=rule.column, meta=meta())
        case UniqueKey():
            yield gxe.ExpectColumnValuesToBeUnique(column=rule.column, meta=meta())
        case InRange():
            yield gxe.ExpectColumnValuesToBeBetween(
                column=rule.column,
                min_value=rule.min_value,
                max_value=rule.max_value,
                strict_min=rule.strict_min,
                strict_max=rule.strict_max,
                row_condition=(Column(rule.when.column) == rule.when.equals) if rule.when else None,
                meta=meta(),
            )
        case WholeNumber():
            yield gxe.ExpectColumnValuesToBeInSet(
                column=FRACTION_PREFIX + rule.column, value_set=[0], meta=meta()
            )
        case OneOf():
            yield gxe.ExpectColumnValuesToBeInSet(
                column=rule.column, value_set=list(rule.values), meta=meta()
            )
        case NotInFuture():
            latest = _bound(dataset, rule.column, now + rule.tolerance)
            yield gxe.ExpectColumnValuesToBeBetween(
                column=rule.column, max_value=latest, meta=meta()
            )
        case ColumnsOrdered():
            yield gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=rule.high,
                column_B=rule.low,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=meta(),
            )
        case ExtraExpectation():
            yield instantiate_extra(rule, meta())
        case MostRowsValid():
            return  # judged by the runner after the split, not by GX
        case _:
            raise TypeError(f"no Great Expectations translation for rule {rule!r}")


def _bound(dataset: str, column: str, moment: datetime) -> datetime:
    """A time bound in the form pandas compares with the column.

    Canonical timestamps are UTC-aware (``datetime64[us, UTC]`` in pandas); dates
    arrive as naive ``datetime64[ms]`` at midnight, so their bound is the naive
    midnight of the moment's UTC date.
    """
    moment = moment.astimezone(UTC)
    if dataset_spec(dataset).column(column).dtype == pl.Date:
        return datetime.combine(moment.date(), time())
    return moment


def _shown(moment: datetime) -> str:
    if moment.tzinfo is None and moment.time() == time():
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%d %H:%M UTC")
