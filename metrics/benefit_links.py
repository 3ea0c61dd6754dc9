"""Customer benefit tied to the customers it touched: survey scores by the order they are about.

Why: "on-time delivery fell 10 points" only matters to a leader once it is clear
what it did to customers. Here each survey answer is linked to an order, the
order is classified (delivered on time or late; shipped free or paid), and the
KPI is computed per class by the KPI's own registry formula — so "NPS of
customers whose delivery was late" is the same NPS as on every tile, with its
interval, and the gap between the two classes gets the KPI's own test
(two-sample z for NPS, two-proportion z for CSAT, Welch t for CES).

Which order (``LINK_OWN_ORDER`` or ``LINK_LAST_ORDER``, per answer):
- an answer that names its order (``order_id``, e.g. a review of an order) is
  joined to that order. Why not the customer's latest: a review of a late order
  written after a later order arrived on time would count as "on time", and a
  review written before its order arrived would count under an older delivery
  (on the Olist sample, 307 of 3,986 reviews: 206 written before delivery, 101
  about orders never delivered). No time window applies: the answer says which
  order it is about;
- an answer without ``order_id`` (or responses without the column) is linked to
  its customer's most recent order whose anchor time (``delivered_at`` for
  punctuality, ``ordered_at`` for shipping cost) is at or before the answer and
  at most ``within_days`` earlier.

Classes, each counted, never dropped silently:
- the outcome's two groups: on time means promised_at is set and delivered_at ≤
  promised_at, as for the on-time rate tile (an unpromised delivery cannot be on
  time); free shipping means a shipping cost ≤ 0;
- an answer about its own order written while the customer was still waiting,
  after the promised date had passed, counts as late: the order was late by then,
  whatever day it arrived (on the sample, 192 of the 206 reviews written before
  delivery; their CSAT is 12 %, and leaving them out would hide the unhappiest
  customers of late orders);
- the outcome's ``extra_labels``, for answers about their own order: written
  before the order was delivered (or placed) and before it was late, or about an
  order never delivered. Neither says what that order's outcome did to the
  customer;
- ``NOT_LINKED``: no customer id, no order in the window, an ``order_id`` that
  matches no order, or an order that can't be classified (no shipping cost,
  delivered before it was ordered).

Example (two customers: A's last delivery was late, B's on time):
    >>> from datetime import date, datetime, UTC
    >>> import polars as pl
    >>> at = lambda d, h=12: datetime(2024, 1, d, h, tzinfo=UTC)
    >>> orders = pl.DataFrame({"order_id": ["1", "2"], "customer_id": ["A", "B"],
    ...     "ordered_at": [at(1), at(1)], "amount": [10.0, 10.0],
    ...     "promised_at": [at(3), at(3)], "delivered_at": [at(5), at(2)]})
    >>> responses = pl.DataFrame({"response_id": ["r1", "r2", "r3"], "survey": ["nps"] * 3,
    ...     "score": [2.0, 10.0, 9.0], "customer_id": ["A", "B", "B"],
    ...     "responded_at": [at(10), at(10), at(11)]})
    >>> link = survey_by_last_order("nps", {"responses": responses, "orders": orders},
    ...                             Period(date(2024, 1, 1), date(2024, 1, 31)), ON_TIME)
    >>> [(g.label, g.estimate.value, g.estimate.n) for g in link.groups]
    [('on time', 100.0, 2), ('late', -100.0, 1)]
    >>> link.difference.delta, link.linked, link.unlinked, link.method
    (-200.0, 3, 0, 'last order')

When r1 names its order (A's order 1), it is joined to it; r2 and r3 name none:
    >>> named = responses.with_columns(order_id=pl.Series(["1", None, None], dtype=pl.Utf8))
    >>> link = survey_by_last_order("nps", {"responses": named, "orders": orders},
    ...                             Period(date(2024, 1, 1), date(2024, 1, 31)), ON_TIME)
    >>> link.by_own_order, link.by_last_order, link.method
    (1, 2, 'both')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import polars as pl

from metrics.aggregates import Frame, aggregate_spec, prepared_rows
from metrics.engine import MetricUnavailableError
from metrics.kinds import change_between, estimate_frame, to_estimate
from metrics.kpi import Kpi
from metrics.periods import Period
from metrics.registry import DEFAULT_REGISTRY, Registry
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.stats import Change, Estimate, no_comparison
from metrics.view import KpiView, group_frame, label

NOT_LINKED = "not linked"
LINK_OWN_ORDER = "own order"
"""The answer names its order (``order_id``) and is joined to it."""
LINK_LAST_ORDER = "last order"
"""The answer names no order and is linked to its customer's latest one before answering."""
_OUTCOME = "_order_outcome"
_LINK = "_link_method"
_LINK_KINDS = ("nps", "proportion", "mean")


@dataclass(frozen=True)
class OrderOutcome:
    """How an order is classified: two labels, baseline first, and the extra classes.

    ``classify`` returns, for order rows, the label (or null when the order can't
    be classified, e.g. no shipping cost recorded); ``anchor`` is the order time
    that must precede the answer. An answer about its own order written before the
    anchor is ``before_anchor``, unless ``settled_before_anchor`` (over the order's
    ``columns`` prefixed ``_order_``, and the answer's ``responded_at``) says the
    outcome was already the second label then; about an order whose anchor is null,
    ``no_anchor`` (None: such an order is not linked).
    """

    id: str
    title: str
    labels: tuple[str, str]
    anchor: str
    columns: tuple[str, ...]
    classify: Callable[[], pl.Expr]
    before_anchor: str
    no_anchor: str | None = None
    settled_before_anchor: Callable[[], pl.Expr] | None = None

    @property
    def extra_labels(self) -> tuple[str, ...]:
        """The classes beside the two groups, counted but not compared."""
        return (self.before_anchor, *((self.no_anchor,) if self.no_anchor else ()))


def _punctuality() -> pl.Expr:
    on_time = pl.col("promised_at").is_not_null() & (
        pl.col("delivered_at") <= pl.col("promised_at")
    ).fill_null(False)
    valid = pl.col("delivered_at") >= pl.col("ordered_at")
    return pl.when(valid).then(pl.when(on_time).then(pl.lit("on time")).otherwise(pl.lit("late")))


def _late_while_waiting() -> pl.Expr:
    """Answered after the promised date passed, the order not yet delivered: late already."""
    return (pl.col("_order_promised_at") < pl.col("responded_at")).fill_null(False)


def _shipping() -> pl.Expr:
    cost = pl.col("shipping_cost")
    return (
        pl.when(cost.is_null())
        .then(pl.lit(None, dtype=pl.Utf8))
        .when(cost <= 0)
        .then(pl.lit("free shipping"))
        .otherwise(pl.lit("paid shipping"))
    )


ON_TIME = OrderOutcome(
    id="delivery_punctuality",
    title="delivery was on time or late",
    labels=("on time", "late"),
    anchor="delivered_at",
    columns=("delivered_at", "promised_at"),
    classify=_punctuality,
    before_anchor="answered before delivery",
    no_anchor="not delivered",
    settled_before_anchor=_late_while_waiting,
)
FREE_SHIPPING = OrderOutcome(
    id="shipping_cost",
    title="order shipped free or paid",
    labels=("free shipping", "paid shipping"),
    anchor="ordered_at",
    columns=("shipping_cost",),
    classify=_shipping,
    before_anchor="answered before ordering",
)
OUTCOMES = {outcome.id: outcome for outcome in (ON_TIME, FREE_SHIPPING)}


@dataclass(frozen=True)
class LinkedGroup:
    """The KPI among answers whose order had one outcome."""

    label: str
    estimate: Estimate


@dataclass(frozen=True)
class BenefitLink:
    """A survey KPI split by the outcome of the order each answer is linked to.

    ``difference`` is the second group minus the first (late − on time), with
    the KPI's own test. The counts are valid answers of the KPI's survey in the
    period: ``linked`` in the two groups, ``unlinked`` without a usable order,
    ``extra`` per extra class of the outcome (every one, zeros included), so
    ``total`` adds them all up. ``by_own_order`` of them named their order and
    ``by_last_order`` did not (linked, or not, through the customer's last order).
    """

    kpi: Kpi
    outcome: OrderOutcome
    groups: tuple[LinkedGroup, LinkedGroup]
    difference: Change
    linked: int
    unlinked: int
    within_days: int
    period: Period
    extra: tuple[tuple[str, int], ...] = ()
    by_own_order: int = 0
    by_last_order: int = 0

    @property
    def total(self) -> int:
        return self.linked + self.unlinked + sum(n for _, n in self.extra)

    @property
    def method(self) -> Literal["own order", "last order", "both"]:
        """How the answers were linked: each to its own order, to the customer's last order,
        or both (some answers name their order, others don't). "last order" when there
        are no answers at all, as before responses could name an order."""
        if self.by_own_order and self.by_last_order:
            return "both"
        return "own order" if self.by_own_order else "last order"

    def frame(self) -> pl.DataFrame:
        """One row per group: group, value, low, high, n, small_sample (for charts and tables)."""
        return pl.DataFrame(
            [
                {
                    "group": g.label,
                    "value": g.estimate.value,
                    "low": g.estimate.low,
                    "high": g.estimate.high,
                    "n": g.estimate.n,
                    "small_sample": g.estimate.small_sample,
                }
                for g in self.groups
            ],
            schema={
                "group": pl.Utf8,
                "value": pl.Float64,
                "low": pl.Float64,
                "high": pl.Float64,
                "n": pl.Int64,
                "small_sample": pl.Boolean,
            },
        )


def survey_by_last_order(
    kpi_id: str,
    data: Mapping[str, Frame | None],
    period: Period,
    outcome: OrderOutcome,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
    within_days: int = 30,
) -> BenefitLink:
    """The survey KPI ``kpi_id`` (nps, csat, ces…) of ``period``'s answers, by order outcome.

    Each answer counts under its own order when it names one (``order_id``), else
    under its customer's last order (see the module doc). Segment ``filters``
    select the answers (as on the tiles). Raises ``MetricUnavailableError`` when
    the data can't support the link (no raw responses or orders, neither customer
    nor order ids, no column the outcome needs).
    """
    if within_days < 1:
        raise ValueError(f"within_days must be at least 1, got {within_days}")
    kpi = (registry or DEFAULT_REGISTRY).get(kpi_id).for_settings(settings)
    if kpi.dataset != "responses" or kpi.kind not in _LINK_KINDS:
        raise ValueError(f"{kpi_id!r} is not a survey KPI; link nps, csat or ces")
    responses, orders = _inputs(data, kpi, outcome)
    answers = prepared_rows(
        "responses",
        responses,
        periods=[period],
        filters={k: v for k, v in (filters or {}).items() if v},
        timezone=settings.timezone,
    )
    linked = _link(answers, orders, outcome, within_days)
    counts = aggregate_spec("responses").build(linked, ["day", _OUTCOME, _LINK]).collect()
    groups = group_frame([period])
    rows = _stats_by(counts, groups, _OUTCOME, kpi, settings)
    by_link = _stats_by(counts, groups, _LINK, kpi, settings)
    baseline, other = (rows.get(name) for name in outcome.labels)
    return BenefitLink(
        kpi=kpi,
        outcome=outcome,
        groups=tuple(
            LinkedGroup(name, to_estimate(rows[name]) if name in rows else _empty())
            for name in outcome.labels
        ),  # type: ignore[arg-type]
        difference=(
            change_between(kpi.kind, other, baseline, settings)
            if baseline is not None and other is not None
            else no_comparison()
        ),
        linked=sum(_n(rows, name) for name in outcome.labels),
        unlinked=_n(rows, NOT_LINKED),
        within_days=within_days,
        period=period,
        extra=tuple((name, _n(rows, name)) for name in outcome.extra_labels),
        by_own_order=_n(by_link, LINK_OWN_ORDER),
        by_last_order=_n(by_link, LINK_LAST_ORDER),
    )


def _stats_by(
    counts: pl.DataFrame, groups: pl.DataFrame, key: str, kpi: Kpi, settings: MetricSettings
) -> dict[str, dict]:
    """The KPI's statistics per value of ``key`` (its formula sums over the other keys)."""
    view = KpiView(label(counts, groups), groups, (key,), settings)
    stats = estimate_frame(kpi.kind, kpi.formula(view), settings, kpi.unit)
    return {row[key]: row for row in stats.iter_rows(named=True)}


def _n(rows: Mapping[str, Mapping], name: str) -> int:
    return int(rows[name]["n"] or 0) if name in rows else 0


def _inputs(
    data: Mapping[str, Frame | None], kpi: Kpi, outcome: OrderOutcome
) -> tuple[Frame, Frame]:
    responses, orders = data.get("responses"), data.get("orders")
    if responses is None or orders is None:
        absent = " and ".join(n for n in ("responses", "orders") if data.get(n) is None)
        raise MetricUnavailableError(
            f"no raw {absent} data: {kpi.label} can't be tied to customers' orders"
        )
    answer_columns = set(responses.lazy().collect_schema().names())
    if not answer_columns & {"customer_id", "order_id"}:
        raise MetricUnavailableError(
            f"responses have no customer_id column: {kpi.label} can't be tied to orders "
            "(map customer_id, or the order each answer is about as order_id, in the "
            "workspace config)"
        )
    have = set(orders.lazy().collect_schema().names())
    wanted = ["customer_id", "ordered_at", *outcome.columns]
    if "order_id" in answer_columns:
        wanted.insert(0, "order_id")
    missing = [c for c in dict.fromkeys(wanted) if c not in have]
    if missing:
        raise MetricUnavailableError(
            f"orders have no {', '.join(missing)} column: can't tell whether the {outcome.title}"
        )
    return responses, orders


def _link(
    answers: pl.LazyFrame, orders: Frame, outcome: OrderOutcome, within_days: int
) -> pl.LazyFrame:
    """Answers with ``_OUTCOME`` (their order's class) and ``_LINK`` (how it was found).

    An answer naming its order takes that order's; the others their customer's.
    """
    answers = answers.with_columns(
        pl.col("customer_id").cast(pl.Utf8), pl.col("order_id").cast(pl.Utf8)
    )
    named = pl.col("order_id").is_not_null()
    return pl.concat(
        [
            _by_own_order(answers.filter(named), orders, outcome),
            _by_last_order(answers.filter(~named), orders, outcome, within_days),
        ],
        how="diagonal_relaxed",
    )


def _by_own_order(answers: pl.LazyFrame, orders: Frame, outcome: OrderOutcome) -> pl.LazyFrame:
    """Answers joined to the order they name, classed by it (see the module doc's classes)."""
    anchor = outcome.anchor
    needed = list(dict.fromkeys(["order_id", "ordered_at", anchor, *outcome.columns]))
    own_orders = (
        orders.lazy()
        .select(needed)
        .filter(pl.col("order_id").is_not_null())
        .select(
            pl.col("order_id").cast(pl.Utf8),
            pl.col(anchor).alias("_anchor"),
            outcome.classify().alias("_outcome"),
            *(pl.col(c).alias(f"_order_{c}") for c in outcome.columns),
            _found=pl.lit(True),
        )
        .unique("order_id", keep="first", maintain_order=True)  # keys are unique once validated
    )
    joined = answers.join(own_orders, on="order_id", how="left")
    no_anchor = pl.lit(outcome.no_anchor or NOT_LINKED)
    settled = (outcome.settled_before_anchor or (lambda: pl.lit(False)))()
    return joined.select(
        *answers.collect_schema().names(),
        pl.when(pl.col("_found").is_null())
        .then(pl.lit(NOT_LINKED))
        .when(pl.col("_anchor").is_null())
        .then(no_anchor)
        .when((pl.col("_anchor") > pl.col("responded_at")) & settled)
        .then(pl.lit(outcome.labels[1]))
        .when(pl.col("_anchor") > pl.col("responded_at"))
        .then(pl.lit(outcome.before_anchor))
        .otherwise(pl.col("_outcome").fill_null(NOT_LINKED))
        .alias(_OUTCOME),
        pl.lit(LINK_OWN_ORDER).alias(_LINK),
    )


def _by_last_order(
    answers: pl.LazyFrame, orders: Frame, outcome: OrderOutcome, within_days: int
) -> pl.LazyFrame:
    """Answers with the outcome of their customer's latest order at or before answering."""
    anchor = outcome.anchor
    needed = list(dict.fromkeys(["customer_id", "ordered_at", anchor, *outcome.columns]))
    last_orders = (
        orders.lazy()
        .select(needed)
        .filter(pl.col("customer_id").is_not_null() & pl.col(anchor).is_not_null())
        .select("customer_id", pl.col(anchor).alias("_anchor"), _outcome=outcome.classify())
        .filter(pl.col("_outcome").is_not_null())
        .sort("_anchor")
    )
    return (
        answers.sort("responded_at")
        .join_asof(
            last_orders.with_columns(pl.col("customer_id").cast(pl.Utf8)),
            left_on="responded_at",
            right_on="_anchor",
            by="customer_id",
            strategy="backward",
            tolerance=timedelta(days=within_days),
            check_sortedness=False,  # both sides are sorted just above; polars can't check by group
        )
        .select(
            *answers.collect_schema().names(),
            pl.col("_outcome").fill_null(NOT_LINKED).alias(_OUTCOME),
            pl.lit(LINK_LAST_ORDER).alias(_LINK),
        )
    )


def _empty() -> Estimate:
    return Estimate(None, None, None, 0, True)
