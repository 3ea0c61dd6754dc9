"""Customer benefit tied to the customers it touched: survey scores by their last order.

Why: "on-time delivery fell 10 points" only matters to a leader once it is clear
what it did to customers. Here each survey answer is linked to the answering
customer's most recent order before the answer (within ``within_days``), the
order is classified (delivered on time or late; shipped free or paid), and the
KPI is computed per class by the KPI's own registry formula — so "NPS of
customers whose last delivery was late" is the same NPS as on every tile, with
its interval, and the gap between the two classes gets the KPI's own test
(two-sample z for NPS, two-proportion z for CSAT, Welch t for CES).

Linking rules:
- only answers with a ``customer_id`` can be linked; orders are matched on it;
- the order's anchor time (``delivered_at`` for punctuality, ``ordered_at`` for
  shipping cost) must be at or before the answer and at most ``within_days``
  earlier; the latest such order counts;
- on time means promised_at is set and delivered_at ≤ promised_at, as for the
  on-time rate tile (an unpromised delivery cannot be on time);
- answers without such an order are counted as not linked, never dropped silently.

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
    >>> link.difference.delta, link.linked, link.unlinked
    (-200.0, 3, 0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

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
_OUTCOME = "_order_outcome"
_LINK_KINDS = ("nps", "proportion", "mean")


@dataclass(frozen=True)
class OrderOutcome:
    """How a customer's last order is classified: two labels, baseline first.

    ``classify`` returns, for order rows, the label (or null when the order can't
    be classified, e.g. no shipping cost recorded); ``anchor`` is the order time
    that must precede the answer.
    """

    id: str
    title: str
    labels: tuple[str, str]
    anchor: str
    columns: tuple[str, ...]
    classify: Callable[[], pl.Expr]


def _punctuality() -> pl.Expr:
    on_time = pl.col("promised_at").is_not_null() & (
        pl.col("delivered_at") <= pl.col("promised_at")
    ).fill_null(False)
    valid = pl.col("delivered_at") >= pl.col("ordered_at")
    return pl.when(valid).then(pl.when(on_time).then(pl.lit("on time")).otherwise(pl.lit("late")))


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
    title="last delivery on time or late",
    labels=("on time", "late"),
    anchor="delivered_at",
    columns=("delivered_at", "promised_at"),
    classify=_punctuality,
)
FREE_SHIPPING = OrderOutcome(
    id="shipping_cost",
    title="last order shipped free or paid",
    labels=("free shipping", "paid shipping"),
    anchor="ordered_at",
    columns=("shipping_cost",),
    classify=_shipping,
)
OUTCOMES = {outcome.id: outcome for outcome in (ON_TIME, FREE_SHIPPING)}


@dataclass(frozen=True)
class LinkedGroup:
    """The KPI among answers whose customer's last order had one outcome."""

    label: str
    estimate: Estimate


@dataclass(frozen=True)
class BenefitLink:
    """A survey KPI split by the outcome of the customer's last order.

    ``difference`` is the second group minus the first (late − on time), with
    the KPI's own test; ``linked`` and ``unlinked`` count valid answers of the
    KPI's survey in the period with and without such an order.
    """

    kpi: Kpi
    outcome: OrderOutcome
    groups: tuple[LinkedGroup, LinkedGroup]
    difference: Change
    linked: int
    unlinked: int
    within_days: int
    period: Period

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
    """The survey KPI ``kpi_id`` (nps, csat, ces…) of ``period``'s answers, by last-order outcome.

    Segment ``filters`` select the answers (as on the tiles). Raises
    ``MetricUnavailableError`` when the data can't support the link (no raw
    responses or orders, no customer ids, no column the outcome needs).
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
    counts = aggregate_spec("responses").build(linked, ["day", _OUTCOME]).collect()
    groups = group_frame([period])
    view = KpiView(label(counts, groups), groups, (_OUTCOME,), settings)
    stats = estimate_frame(kpi.kind, kpi.formula(view), settings, kpi.unit)
    rows = {row[_OUTCOME]: row for row in stats.iter_rows(named=True)}
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
        linked=sum(int(rows[name]["n"]) for name in outcome.labels if name in rows),
        unlinked=int(rows[NOT_LINKED]["n"]) if NOT_LINKED in rows else 0,
        within_days=within_days,
        period=period,
    )


def _inputs(
    data: Mapping[str, Frame | None], kpi: Kpi, outcome: OrderOutcome
) -> tuple[Frame, Frame]:
    responses, orders = data.get("responses"), data.get("orders")
    if responses is None or orders is None:
        absent = " and ".join(n for n in ("responses", "orders") if data.get(n) is None)
        raise MetricUnavailableError(
            f"no raw {absent} data: {kpi.label} can't be tied to customers' orders"
        )
    if "customer_id" not in responses.lazy().collect_schema().names():
        raise MetricUnavailableError(
            f"responses have no customer_id column: {kpi.label} can't be tied to orders "
            "(map customer_id in the workspace config)"
        )
    have = set(orders.lazy().collect_schema().names())
    missing = [c for c in ("customer_id", "ordered_at", *outcome.columns) if c not in have]
    if missing:
        raise MetricUnavailableError(
            f"orders have no {', '.join(missing)} column: can't tell whether the {outcome.title}"
        )
    return responses, orders


def _link(
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
        answers.with_columns(pl.col("customer_id").cast(pl.Utf8))
        .sort("responded_at")
        .join_asof(
            last_orders.with_columns(pl.col("customer_id").cast(pl.Utf8)),
            left_on="responded_at",
            right_on="_anchor",
            by="customer_id",
            strategy="backward",
            tolerance=timedelta(days=within_days),
            check_sortedness=False,  # both sides are sorted just above; polars can't check by group
        )
        .with_columns(pl.col("_outcome").fill_null(NOT_LINKED).alias(_OUTCOME))
    )


def _empty() -> Estimate:
    return Estimate(None, None, None, 0, True)
