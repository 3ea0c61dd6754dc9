"""Each canonical dataset's contract, declared once, as data.

Why data and not code: the same rules are shown to people (the data-quality
page, Data Docs), turned into a Great Expectations suite (``suites.py``) and
used to explain a quarantined row ("score: not between 0 and 10 for survey
nps"). One typed rule (``rules.py``) per promise keeps those three views in step.

What every dataset promises comes from its canonical spec (required columns
present and not null, a unique key, readable values, no future timestamps,
fresh, not empty, a plausible row count); what needs a person's knowledge of
the numbers (score scales, amounts >= 0, delivered after ordered) is listed per
dataset in ``_specific_rules``. Workspace settings adjust scales and freshness,
and the workspace's ``[[expectations]]`` add GX expectations by class name.

Nothing here imports Great Expectations: contracts are built when a workspace
loads, long before (and often without) any validation running.

Example:
    >>> contract = build_contracts()["responses"]
    >>> [r.describe() for r in contract.rules if isinstance(r, InRange)][0]
    'score: not between 0 and 10 for survey nps'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from canonical.datasets import DATASETS, dataset_spec
from canonical.surveys import CES_SCALES, SURVEYS
from validation.rules import (
    ALLOWED_EXPECTATIONS,
    DATE_FUTURE_TOLERANCE,
    DEFAULT_MIN_ROW_SHARE,
    DEFAULT_MIN_VALID_SHARE,
    TIMESTAMP_FUTURE_TOLERANCE,
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
    When,
    WholeNumber,
)

if TYPE_CHECKING:
    from benefitboard.config import WorkspaceConfig

EVENT_KINDS = ("release", "programme", "incident")
REVENUE_KINDS = ("new", "expansion", "contraction", "churn", "recurring")
SECONDS_PER_DAY = 24 * 60 * 60

DEFAULT_MAX_AGE: dict[str, timedelta | None] = {
    # Event data arrives all day long: three days without a row means a broken feed.
    "responses": timedelta(days=3),
    "contacts": timedelta(days=3),
    "orders": timedelta(days=3),
    "selection": timedelta(days=3),
    "acquisition": timedelta(days=3),
    # Slower feeds: weekly price checks, feedback from small teams, monthly KPIs.
    "revenue": timedelta(days=7),
    "prices": timedelta(days=14),
    "feedback": timedelta(days=14),
    "kpi_values": timedelta(days=45),
    # Events are rare by nature (a release a month); their age says nothing about the feed.
    "events": None,
}
"""How old the newest row of each dataset may be; a workspace overrides per dataset."""


class ContractError(ValueError):
    """A contract that cannot be built, naming the config entry and what to change."""


@dataclass(frozen=True)
class DatasetContract:
    """Everything one canonical dataset promises, as an ordered tuple of rules.

    The order is the order reasons appear in a quarantined row's ``_reasons``.
    """

    dataset: str
    rules: tuple[Rule, ...]
    extras: tuple[ExtraExpectation, ...] = field(default=())

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        return self.rules + self.extras

    @property
    def required_columns(self) -> tuple[str, ...]:
        return dataset_spec(self.dataset).required

    @property
    def max_age(self) -> timedelta | None:
        """How old the newest row may be before the data is stale (None: not checked)."""
        return next((r.max_age for r in self.rules if isinstance(r, Fresh)), None)


# ---------------------------------------------------------------------------------------------
# Building contracts.


def build_contracts(
    *,
    csat_scale: tuple[int, int] = (1, 5),
    ces_scale: str = "agreement7",
    max_age_hours: Mapping[str, float] | None = None,
    extra_expectations: Sequence[Mapping[str, Any]] = (),
    min_row_share: float = DEFAULT_MIN_ROW_SHARE,
    min_valid_share: float = DEFAULT_MIN_VALID_SHARE,
    as_of: datetime | None = None,
) -> dict[str, DatasetContract]:
    """The contract of every canonical dataset for one workspace's settings.

    ``max_age_hours`` overrides the freshness limit per dataset (0 turns the
    check off, e.g. for a one-off historical import); ``as_of`` (a workspace pinned to a
    historical date) is the moment freshness is measured at instead of the refresh's
    "now". ``extra_expectations`` are
    the workspace's ``[[expectations]]`` tables; a wrong one raises
    ContractError naming the entry.

    Example:
        >>> contracts = build_contracts(ces_scale="effort5", max_age_hours={"orders": 12})
        >>> next(r for r in contracts["orders"].rules if isinstance(r, Fresh)).max_age
        datetime.timedelta(seconds=43200)
    """
    if ces_scale not in CES_SCALES:
        raise ContractError(f"ces_scale {ces_scale!r} is unknown; use one of {sorted(CES_SCALES)}")
    low, high = csat_scale
    if not low < high:
        raise ContractError(f"csat_scale {csat_scale!r} must be [low, high] with low < high")
    max_age = _max_ages(max_age_hours or {})
    extras = parse_extra_expectations(extra_expectations)
    specific = _specific_rules(csat_scale, CES_SCALES[ces_scale])
    contracts = {}
    for name in DATASETS:
        fresh = (
            Fresh(dataset_spec(name).time_column, limit, name, name in (max_age_hours or {}), as_of)
            if (limit := max_age[name]) is not None
            else None
        )
        generic = _generic_rules(name, fresh, min_row_share)
        contracts[name] = DatasetContract(
            dataset=name,
            rules=(*generic, *specific.get(name, ()), MostRowsValid(min_valid_share)),
            extras=tuple(e for dataset, e in extras if dataset == name),
        )
    return contracts


def contracts_for_workspace(workspace: WorkspaceConfig) -> dict[str, DatasetContract]:
    """``build_contracts`` with a loaded workspace's scales, freshness and expectations."""
    return build_contracts(
        csat_scale=workspace.csat_scale,
        ces_scale=workspace.ces_scale,
        max_age_hours=workspace.max_age_hours,
        extra_expectations=workspace.expectations,
        as_of=end_of_day(workspace.as_of, workspace.timezone) if workspace.as_of else None,
    )


def end_of_day(day: date, timezone: str) -> datetime:
    """The moment ``day`` ends in ``timezone`` (the next local midnight), in UTC: a workspace
    pinned ``as_of`` a date measures freshness there.

    >>> end_of_day(date(2018, 8, 31), "America/Sao_Paulo").isoformat()
    '2018-09-01T03:00:00+00:00'
    """
    midnight = datetime.combine(day + timedelta(days=1), time(), ZoneInfo(timezone))
    return midnight.astimezone(UTC)


def parse_extra_expectations(
    entries: Sequence[Mapping[str, Any]],
) -> list[tuple[str, ExtraExpectation]]:
    """Check each ``{"dataset": ..., "expectation": ..., **arguments}`` entry by name.

    Names come from an allow-list and are never evaluated. The arguments are
    checked against the GX class itself when the suite is built (that needs
    GX); ``validation.suites.check_extra_expectations`` does it eagerly.

    Example:
        >>> parse_extra_expectations([{"dataset": "responses",
        ...     "expectation": "ExpectColumnValueLengthsToBeBetween",
        ...     "column": "comment", "max_value": 5000}])[0][1].row_level
        True
    """
    parsed = []
    for index, entry in enumerate(entries):
        label = f"expectations[{index}]"
        if not isinstance(entry, Mapping):
            raise ContractError(f"{label}: expected a table, got {entry!r}")
        dataset, name = entry.get("dataset"), entry.get("expectation")
        if dataset not in DATASETS:
            raise ContractError(
                f"{label}: unknown dataset {dataset!r}; expected one of {sorted(DATASETS)}"
            )
        if name not in ALLOWED_EXPECTATIONS:
            hint = _closest(str(name), ALLOWED_EXPECTATIONS)
            raise ContractError(
                f"{label} (dataset {dataset!r}): expectation {name!r} is not allowed"
                + (f"; did you mean {hint!r}?" if hint else "")
                + f" Allowed: {', '.join(sorted(ALLOWED_EXPECTATIONS))}"
            )
        arguments = {k: v for k, v in entry.items() if k not in ("dataset", "expectation")}
        # Columns are not checked here: segments are workspace-defined, so the runner
        # reports a column missing from the data as a dataset failure naming the entry.
        parsed.append((dataset, ExtraExpectation(name, arguments, label)))
    return parsed


# ---------------------------------------------------------------------------------------------
# The rules themselves.


def _generic_rules(dataset: str, fresh: Fresh | None, min_row_share: float) -> tuple[Rule, ...]:
    """What every dataset promises, derived from its canonical spec."""
    spec = dataset_spec(dataset)
    rules: list[Rule] = [
        ColumnsPresent(spec.required),
        NotEmpty(),
        PlausibleRowCount(min_row_share),
    ]
    if fresh is not None:
        rules.append(fresh)
    rules.append(ParsedCleanly())
    rules.extend(NotNull(name) for name in spec.required)
    if spec.key:
        rules.append(UniqueKey(spec.key))
    rules.extend(
        NotInFuture(c.name, _future_tolerance(c.dtype))
        for c in spec.columns
        if c.dtype.is_temporal() and (dataset, c.name) not in _MAY_BE_IN_FUTURE
    )
    return tuple(rules)


_MAY_BE_IN_FUTURE = {
    ("orders", "promised_at"),  # a delivery promise is about the future
    ("events", "date"),  # a planned release is announced before it ships
}


def _specific_rules(
    csat_scale: tuple[int, int], ces_scale: tuple[int, int]
) -> dict[str, tuple[Rule, ...]]:
    """The rules that need a person's knowledge of what the numbers mean."""
    nps, csat, ces = (0, 10), csat_scale, ces_scale
    scales = {"nps": nps, "csat": csat, "ces": ces}
    return {
        "responses": (
            OneOf("survey", SURVEYS),
            *(InRange("score", lo, hi, when=When("survey", s)) for s, (lo, hi) in scales.items()),
            WholeNumber("score"),
        ),
        "contacts": (
            ColumnsOrdered("opened_at", "closed_at", "closed_at: before opened_at"),
            InRange("handle_seconds", 0, SECONDS_PER_DAY, strict_max=True),
            InRange("ces_score", *ces),
            WholeNumber("ces_score"),
            InRange("csat_score", *csat),
            WholeNumber("csat_score"),
        ),
        "orders": (
            InRange("amount", 0),
            InRange("shipping_cost", 0),
            ColumnsOrdered("ordered_at", "delivered_at", "delivered_at: before ordered_at"),
        ),
        "selection": (
            InRange("skus_offered", 0),
            InRange("skus_in_stock", 0),
            ColumnsOrdered(
                "skus_in_stock", "skus_offered", "skus_in_stock: more than skus_offered"
            ),
        ),
        "prices": (
            InRange("our_price", 0, strict_min=True),
            InRange("reference_price", 0, strict_min=True),
        ),
        "acquisition": (
            InRange("new_customers", 0),
            InRange("spend", 0),
            InRange("visitors", 0),
            InRange("trials", 0),
        ),
        "revenue": (OneOf("kind", REVENUE_KINDS), InRange("mrr", 0)),
        "feedback": (InRange("account_value", 0),),
        "events": (OneOf("kind", EVENT_KINDS),),
    }


def _max_ages(overrides: Mapping[str, float]) -> dict[str, timedelta | None]:
    ages = dict(DEFAULT_MAX_AGE)
    for dataset, hours in overrides.items():
        if dataset not in DATASETS:
            raise ContractError(
                f"freshness.{dataset}: unknown dataset; expected one of {sorted(DATASETS)}"
            )
        if not isinstance(hours, int | float) or hours < 0:
            raise ContractError(f"freshness.{dataset}: expected hours >= 0, got {hours!r}")
        ages[dataset] = timedelta(hours=hours) if hours > 0 else None
    return ages


def _future_tolerance(dtype: pl.DataType) -> timedelta:
    return DATE_FUTURE_TOLERANCE if dtype == pl.Date else TIMESTAMP_FUTURE_TOLERANCE


def _closest(name: str, candidates: frozenset[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
