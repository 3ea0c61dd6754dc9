"""The typed rules a dataset contract is made of (see ``contracts.py`` for the contracts).

Two kinds of rule:
- row-level rules (NotNull, UniqueKey, InRange, WholeNumber, OneOf,
  ParsedCleanly, NotInFuture, ColumnsOrdered, row-level extras) quarantine the
  rows that break them; the other rows carry on;
- dataset-level rules (ColumnsPresent, NotEmpty, Fresh, PlausibleRowCount,
  MostRowsValid, aggregate extras) fail the whole dataset, and the refresh keeps
  the last good snapshot in force.

Every rule says which contract columns it reads (``columns``), whether it is
row-level, and its failure in words (``describe()``), the words a quarantined
row's ``_reasons`` and the run log show.

Example:
    >>> InRange("score", 0, 10, when=When("survey", "nps")).describe()
    'score: not between 0 and 10 for survey nps'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from canonical.datasets import PARSE_ERROR

Number = int | float

DEFAULT_MIN_ROW_SHARE = 0.5
"""A refresh with fewer rows than this share of the previous one is implausible."""
DEFAULT_MIN_VALID_SHARE = 0.5
"""When more than half the rows are quarantined, the source (not the rows) is probably broken."""
TIMESTAMP_FUTURE_TOLERANCE = timedelta(minutes=5)
"""Clock skew between a source and us; a timestamp later than now + this is 'in the future'."""
DATE_FUTURE_TOLERANCE = timedelta(days=1)
"""Dates are local to the reporting time zone, which can be up to 14 h ahead of UTC."""


# ---------------------------------------------------------------------------------------------
# Row-level rules: rows that break them are quarantined with the rule's reason.


@dataclass(frozen=True)
class When:
    """A row condition: the rule applies only to rows where ``column == equals``."""

    column: str
    equals: str

    def describe(self) -> str:
        return f"{self.column} {self.equals}"


@dataclass(frozen=True)
class NotNull:
    """A required value is present."""

    column: str
    row_level = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column}: missing"


@dataclass(frozen=True)
class UniqueKey:
    """No two rows share a key; every row of a duplicated key is quarantined.

    Both (all) copies go, not only the later one: the source order says nothing
    about which copy is right, and keeping one would let a guess into the KPIs.
    """

    column: str
    row_level = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column}: duplicated"


@dataclass(frozen=True)
class InRange:
    """A number lies within bounds (None = unbounded); strict bounds exclude the bound itself."""

    column: str
    min_value: Number | None = None
    max_value: Number | None = None
    strict_min: bool = False
    strict_max: bool = False
    when: When | None = None
    row_level = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,) + ((self.when.column,) if self.when else ())

    def describe(self) -> str:
        low, high = _number(self.min_value), _number(self.max_value)
        if self.max_value is None:
            text = f"{low} or less" if self.strict_min else f"below {low}"
        elif self.min_value is None:
            text = f"{high} or more" if self.strict_max else f"above {high}"
        else:
            text = f"not between {low} and {high}"
            excluded = [b for b, s in ((low, self.strict_min), (high, self.strict_max)) if s]
            if excluded:
                text += f" ({' and '.join(excluded)} excluded)"
        when = f" for {self.when.describe()}" if self.when else ""
        return f"{self.column}: {text}{when}"


@dataclass(frozen=True)
class WholeNumber:
    """A score on an integer scale is a whole number: 4.5 on a 1-5 scale is a data error."""

    column: str
    row_level = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column}: not a whole number"


@dataclass(frozen=True)
class OneOf:
    """A categorical value is one of the allowed values (null is NotNull's business)."""

    column: str
    values: tuple[str, ...]
    row_level = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column}: not one of {', '.join(self.values)}"


@dataclass(frozen=True)
class ParsedCleanly:
    """Every source value of the row could be read (the connector's ``_parse_error`` is null).

    The quarantine reason is the connector's own message, which keeps the raw value.
    """

    column: str = PARSE_ERROR
    row_level = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return "unreadable value"


@dataclass(frozen=True)
class NotInFuture:
    """A timestamp or date is not later than the injected ``now`` plus a small tolerance."""

    column: str
    tolerance: timedelta = TIMESTAMP_FUTURE_TOLERANCE
    row_level = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"{self.column}: in the future"


@dataclass(frozen=True)
class ColumnsOrdered:
    """``low <= high`` where both are present (delivered after ordered, in stock <= offered)."""

    low: str
    high: str
    reason: str
    row_level = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.low, self.high)

    def describe(self) -> str:
        return self.reason


# ---------------------------------------------------------------------------------------------
# Dataset-level rules: a failure keeps the last good snapshot in force.


@dataclass(frozen=True)
class ColumnsPresent:
    """The required columns exist in the frame."""

    columns: tuple[str, ...]
    row_level = False

    def describe(self) -> str:
        return f"required columns {', '.join(self.columns)} present"


@dataclass(frozen=True)
class NotEmpty:
    """At least one row arrived."""

    row_level = False
    columns: tuple[str, ...] = ()

    def describe(self) -> str:
        return "no rows"


@dataclass(frozen=True)
class Fresh:
    """The newest ``column`` value is no older than ``max_age`` before ``now``.

    ``dataset`` and ``configured`` say where the limit comes from, so a stale
    notice can name the setting to change (``[freshness] orders = 72``, or the
    default); ``as_of`` (a workspace pinned to a historical date) replaces the
    refresh's "now" as the moment the age is measured at.

    >>> rule = Fresh("ordered_at", timedelta(days=3), "orders")
    >>> rule.stale_failure("2018-08-29T11:25:34+00:00", datetime(2018, 9, 3, 12, tzinfo=UTC))
    ... # doctest: +NORMALIZE_WHITESPACE
    'stale: newest ordered_at is 2018-08-29 11:25 UTC, 5.0 days before 2018-09-03 12:00 UTC,
    more than the 3 days allowed by [freshness] orders (default: 72 hours); raise that limit,
    set it to "off" for an export that will not grow, or date a historical export with
    [workspace] as_of'
    """

    column: str
    max_age: timedelta
    dataset: str = ""
    configured: bool = False
    """True when the workspace's ``[freshness]`` table set the limit (else the default)."""
    as_of: datetime | None = None
    row_level = False

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self) -> str:
        return f"stale: newest {self.column} is older than {_duration(self.max_age)}"

    def measured_at(self, now: datetime) -> datetime:
        """The moment the data's age is measured at: ``as_of`` when pinned, else ``now``."""
        return self.as_of or now

    def setting(self) -> str:
        """The configuration line that sets this limit, as a person would write it."""
        hours = f"{self.max_age.total_seconds() / 3600:g}"
        if self.configured:
            return f"[freshness] {self.dataset} = {hours}"
        return f"[freshness] {self.dataset} (default: {hours} hours)"

    def stale_failure(self, newest: Any, now: datetime) -> str:
        """Why the data is stale, with the newest value, its age and the setting to change.

        The first clause (up to "; ") is the one-line problem pages show; it names
        the value and the setting that made the data stale.
        """
        moment = self.measured_at(now)
        when = _moment(newest)
        is_day = (isinstance(newest, str) and len(newest) == 10) or type(newest) is date
        shown = when.date().isoformat() if is_day else _shown_moment(when)
        return (
            f"stale: newest {self.column} is {shown}, {_age(moment - when)} before "
            f"{_shown_moment(moment)}, more than the {_duration(self.max_age)} allowed by "
            f'{self.setting()}; raise that limit, set it to "off" for an export that will not '
            "grow, or date a historical export with [workspace] as_of"
        )


@dataclass(frozen=True)
class PlausibleRowCount:
    """The row count is at least ``min_share`` of the previous refresh's (when there was one)."""

    min_share: float = DEFAULT_MIN_ROW_SHARE
    row_level = False
    columns: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"row count below {self.min_share:.0%} of the previous refresh"


@dataclass(frozen=True)
class MostRowsValid:
    """At least ``min_share`` of the rows pass every row-level rule.

    Checked by the runner after the split, not by Great Expectations: when most
    rows fail, the mapping or the source changed (a 0-100 scale, a renamed
    survey) and publishing the few survivors would mislead.
    """

    min_share: float = DEFAULT_MIN_VALID_SHARE
    row_level = False
    columns: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"fewer than {self.min_share:.0%} of rows passed the row checks"


# ---------------------------------------------------------------------------------------------
# Workspace-defined expectations, by Great Expectations class name from an allow-list.

ROW_LEVEL_EXPECTATIONS = frozenset(
    {
        "ExpectColumnValuesToBeBetween",
        "ExpectColumnValuesToBeInSet",
        "ExpectColumnValuesToNotBeInSet",
        "ExpectColumnValuesToNotBeNull",
        "ExpectColumnValuesToBeNull",
        "ExpectColumnValuesToBeUnique",
        "ExpectColumnValuesToMatchRegex",
        "ExpectColumnValuesToNotMatchRegex",
        "ExpectColumnValuesToMatchRegexList",
        "ExpectColumnValuesToNotMatchRegexList",
        "ExpectColumnValueLengthsToBeBetween",
        "ExpectColumnValueLengthsToEqual",
        "ExpectColumnValueZScoresToBeLessThan",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        "ExpectColumnPairValuesToBeEqual",
        "ExpectCompoundColumnsToBeUnique",
        "ExpectSelectColumnValuesToBeUniqueWithinRecord",
        "ExpectMulticolumnSumToEqual",
    }
)
"""Expectations judged row by row: their failing rows are quarantined."""

DATASET_LEVEL_EXPECTATIONS = frozenset(
    {
        "ExpectColumnToExist",
        "ExpectColumnMinToBeBetween",
        "ExpectColumnMaxToBeBetween",
        "ExpectColumnMeanToBeBetween",
        "ExpectColumnMedianToBeBetween",
        "ExpectColumnSumToBeBetween",
        "ExpectColumnStdevToBeBetween",
        "ExpectColumnQuantileValuesToBeBetween",
        "ExpectColumnUniqueValueCountToBeBetween",
        "ExpectColumnProportionOfUniqueValuesToBeBetween",
        "ExpectColumnProportionOfNonNullValuesToBeBetween",
        "ExpectColumnDistinctValuesToBeInSet",
        "ExpectColumnDistinctValuesToContainSet",
        "ExpectColumnDistinctValuesToEqualSet",
        "ExpectColumnMostCommonValueToBeInSet",
        "ExpectTableRowCountToBeBetween",
        "ExpectTableRowCountToEqual",
    }
)
"""Expectations about the whole dataset: a failure fails the dataset."""

ALLOWED_EXPECTATIONS = ROW_LEVEL_EXPECTATIONS | DATASET_LEVEL_EXPECTATIONS

_COLUMN_ARGUMENTS = ("column", "column_A", "column_B", "column_list")


@dataclass(frozen=True)
class ExtraExpectation:
    """A workspace-defined expectation: a GX class name and its arguments, checked by name.

    ``entry`` names where it came from (``expectations[2]``) so every later error
    can point at the config line to fix.
    """

    expectation: str
    arguments: Mapping[str, Any]
    entry: str

    @property
    def row_level(self) -> bool:
        return self.expectation in ROW_LEVEL_EXPECTATIONS

    @property
    def columns(self) -> tuple[str, ...]:
        names: list[str] = []
        for key in _COLUMN_ARGUMENTS:
            value = self.arguments.get(key)
            if isinstance(value, str):
                names.append(value)
            elif isinstance(value, list | tuple):
                names.extend(v for v in value if isinstance(v, str))
        return tuple(names)

    def describe(self) -> str:
        custom = self.arguments.get("description")
        if isinstance(custom, str) and custom:
            return custom
        shown = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items() if k != "column")
        column = self.arguments.get("column")
        subject = f"{column}: " if isinstance(column, str) else ""
        return f"{subject}failed {self.expectation}({shown}) [{self.entry}]"

    def where(self) -> str:
        return f"{self.entry} ({self.expectation})"


Rule = (
    NotNull
    | UniqueKey
    | InRange
    | WholeNumber
    | OneOf
    | ParsedCleanly
    | NotInFuture
    | ColumnsOrdered
    | ColumnsPresent
    | NotEmpty
    | Fresh
    | PlausibleRowCount
    | MostRowsValid
    | ExtraExpectation
)


def _number(value: Number | None) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _moment(value: Any) -> datetime:
    """A newest value as GX or the manifest reports it (datetime, date or ISO text), in UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):  # a date column: its day starts at midnight UTC
        value = datetime.combine(value, time())
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _shown_moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _age(age: timedelta) -> str:
    """'20 hours', '4.5 days', '1,557 days'."""
    hours = age.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.0f} hours"
    days = hours / 24
    return f"{days:.1f} days" if days < 10 else f"{days:,.0f} days"


def _duration(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    if hours % 24 == 0:
        days = int(hours // 24)
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{hours:g} hours"
