"""Key drivers of a survey KPI: one row per customer, their score and the benefits they got.

Why per customer: "which benefit drives NPS" is a question about customers, so
each customer who answered the KPI's survey in the period is one row: their
score, and what they experienced — their orders' delivery hours, lateness and
shipping cost, their support contacts' handle time and ease, and the themes they
wrote about. ``metrics.dominance`` then splits the fit's R² among those drivers.

The score is the KPI's own registry formula over the customer's answers, so the
mean over customers is the (customer-weighted) KPI on the tiles: for NPS a
customer counts +100 as a promoter, −100 as a detractor and 0 as a passive (the
0–10 score would be a different number from the NPS leaders read: a 6 → 8 move
changes the mean score but not the NPS); for CSAT the share of top-box answers;
for CES the mean answer.

Which orders (``metrics.benefit_links`` rules, per customer):
- answers that name their order (``order_id``) count that order (its own
  outcome), the customer's other orders don't;
- otherwise the customer's orders placed in the period or the ``within_days``
  before it (the experience their answers can be about).
Lateness is ``benefit_links.ON_TIME``'s (on time = delivered by the promised
date); an order still undelivered after its promised date at the period's end
counts as late, as in ``benefit_links``. Delivery hours count delivered orders.

Support: contacts opened in the same window; handle time is their total minutes
(0 for a customer without contacts: no effort spent), ease is the mean CES of the
contacts that answered it. Themes: 1 when the customer's comments in the period
match the taxonomy theme (``metrics.taxonomy``), else 0; the most mentioned
themes fill the drivers left after the benefits, up to ``MAX_DRIVERS``.

Price index: prices are compared per item or category and day, and orders name
neither, so what a customer paid against the reference can't be known; the
frame says so in ``left_out``.

A driver held by fewer than ``MIN_COVERAGE`` of the customers is left out (and
named), then customers missing any remaining driver are dropped: only customers
with the linked data count, and ``customers`` / ``rows.height`` say how many.

Example (two customers: A's order was late and took 100 h, B's on time in 20 h):
    >>> from datetime import date, datetime, UTC
    >>> at = lambda d, h=12: datetime(2024, 1, d, h, tzinfo=UTC)
    >>> orders = pl.DataFrame({"order_id": ["1", "2"], "customer_id": ["A", "B"],
    ...     "ordered_at": [at(1, 0), at(1, 0)], "amount": [10.0, 10.0],
    ...     "promised_at": [at(3), at(3)], "delivered_at": [at(5, 4), at(1, 20)]})
    >>> responses = pl.DataFrame({"response_id": ["r1", "r2", "r3"], "survey": ["nps"] * 3,
    ...     "score": [2.0, 10.0, 8.0], "customer_id": ["A", "B", "B"],
    ...     "responded_at": [at(10), at(10), at(11)]})
    >>> found = customer_drivers("nps", {"responses": responses, "orders": orders},
    ...                          Period(date(2024, 1, 1), date(2024, 1, 31)))
    >>> found.drivers
    ('delivery_hours', 'late_share')
    >>> found.rows.sort("unit").rows()  # B: one promoter, one passive → (100 + 0) / 2
    [('A', -100.0, 100.0, 1.0), ('B', 50.0, 20.0, 0.0)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from metrics.aggregates import Frame, aggregate_spec, prepared_rows
from metrics.benefit_links import ON_TIME
from metrics.dominance import MAX_DRIVERS as MAX_FITTABLE
from metrics.engine import MetricUnavailableError
from metrics.kinds import estimate_frame
from metrics.kpi import Kpi
from metrics.periods import Period
from metrics.registry import DEFAULT_REGISTRY, Registry
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.taxonomy import THEME, Taxonomy, tag_texts
from metrics.view import KpiView, group_frame, label

MAX_DRIVERS = 8
"""Benefits first, then themes, up to this many (2^8 subset fits per bootstrap sample)."""
MIN_COVERAGE = 0.3
"""A driver known for fewer customers than this share is left out rather than shrinking n."""
MIN_THEME_SHARE = 0.02
"""A theme mentioned by fewer customers than this share is too rare to estimate."""
WITHIN_DAYS = 30
UNIT = "unit"
SCORE = "score"
DRIVER_LABELS = {
    "delivery_hours": "Delivery hours",
    "late_share": "Late deliveries",
    "shipping_cost": "Shipping cost",
    "handle_minutes": "Support handle time",
    "contact_ces": "Support ease (contacts' CES)",
}
"""How each benefit driver reads on the page; a theme reads as 'Mentioned “theme”'."""
THEME_PREFIX = "theme: "
_SURVEY_KINDS = ("nps", "proportion", "mean")
assert MAX_DRIVERS <= MAX_FITTABLE


def driver_label(driver: str) -> str:
    """A driver column's words.

    >>> driver_label("late_share"), driver_label("theme: faster delivery")
    ('Late deliveries', 'Mentioned “faster delivery”')
    """
    if driver.startswith(THEME_PREFIX):
        return f"Mentioned “{driver[len(THEME_PREFIX) :]}”"
    return DRIVER_LABELS.get(driver, driver)


@dataclass(frozen=True)
class DriverFrame:
    """The customers' scores and drivers, complete cases only (columns: unit, score, drivers…)."""

    kpi: Kpi
    rows: pl.DataFrame
    drivers: tuple[str, ...]
    customers: int
    """Customers (or answers, when answers name an order but no customer) with a score."""
    left_out: tuple[str, ...]
    """Why a driver is not in the fit, one sentence each."""
    own_order: bool
    """True when answers named their orders (each customer's named orders count)."""


def customer_drivers(
    kpi_id: str,
    data: Mapping[str, Frame | None],
    period: Period,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    registry: Registry | None = None,
    taxonomy: Taxonomy | None = None,
    within_days: int = WITHIN_DAYS,
) -> DriverFrame:
    """The driver frame of survey KPI ``kpi_id`` for the answers of ``period`` (module doc).

    Segment ``filters`` select the answers (the customers), as on the tiles; the
    customers' orders and contacts are theirs whatever segment those rows carry.
    Raises ``MetricUnavailableError`` when no driver can be built.
    """
    kpi = (registry or DEFAULT_REGISTRY).get(kpi_id).for_settings(settings)
    if kpi.dataset != "responses" or kpi.kind not in _SURVEY_KINDS:
        raise ValueError(f"{kpi_id!r} is not a survey KPI; drivers are for nps, csat or ces")
    responses = data.get("responses")
    if responses is None:
        raise MetricUnavailableError(f"no raw responses: {kpi.label} has no customers to explain")
    answers = prepared_rows(
        "responses",
        responses,
        periods=[period],
        filters={k: v for k, v in (filters or {}).items() if v},
        timezone=settings.timezone,
    )
    own_order = bool(answers.select(pl.col("order_id").is_not_null().any()).collect().item())
    unit = pl.coalesce(pl.col("customer_id").cast(pl.Utf8), pl.col("order_id").cast(pl.Utf8))
    answers = answers.with_columns(unit.alias(UNIT)).filter(pl.col(UNIT).is_not_null())
    scores = _scores(answers, kpi, period, settings)
    if scores.height == 0:
        raise MetricUnavailableError(f"no {kpi.label} answers from known customers in the period")
    window = Period(period.start - timedelta(days=within_days), period.end)
    left_out: list[str] = []
    frame = scores
    for part in (
        _order_drivers(answers, data.get("orders"), window, period, settings, own_order, left_out),
        _contact_drivers(answers, data.get("contacts"), window, settings, left_out),
    ):
        if part is not None:
            frame = frame.join(part, on=UNIT, how="left")
    if "handle_minutes" in frame.columns:
        frame = frame.with_columns(pl.col("handle_minutes").fill_null(0.0))
    benefits = [c for c in frame.columns if c not in (UNIT, SCORE)]
    themes = _theme_drivers(answers, taxonomy, scores.height, MAX_DRIVERS - len(benefits))
    if themes is not None:
        frame = frame.join(themes, on=UNIT, how="left").with_columns(
            pl.col(c).fill_null(0.0) for c in themes.columns if c != UNIT
        )
    left_out.append(
        "Price index: orders name no item or category to compare with price checks, so what "
        "each customer paid against the reference is unknown."
    )
    drivers = _usable(frame, left_out)
    if not drivers:
        raise MetricUnavailableError(
            f"no driver is known for enough {kpi.label} customers: link answers to orders "
            "(customer_id or order_id), or add contacts or a taxonomy"
        )
    complete = frame.select(UNIT, SCORE, *drivers).drop_nulls()
    varying = [c for c in drivers if complete[c].n_unique() > 1]
    left_out.extend(
        f"{driver_label(c)}: the same for every customer with the linked data."
        for c in drivers
        if c not in varying
    )
    drivers, complete = varying, complete.select(UNIT, SCORE, *varying)
    return DriverFrame(kpi, complete, tuple(drivers), scores.height, tuple(left_out), own_order)


def _scores(answers: pl.LazyFrame, kpi: Kpi, period: Period, settings: MetricSettings):
    """unit → the KPI's value over that unit's answers (its own formula)."""
    groups = group_frame([period])
    counts = aggregate_spec("responses").build(answers, ["day", UNIT]).collect()
    view = KpiView(label(counts, groups), groups, (UNIT,), settings)
    stats = estimate_frame(kpi.kind, kpi.formula(view), settings, kpi.unit)
    return stats.filter(pl.col("n") > 0).select(UNIT, pl.col("value").alias(SCORE)).drop_nulls()


def _order_drivers(
    answers: pl.LazyFrame,
    orders: Frame | None,
    window: Period,
    period: Period,
    settings: MetricSettings,
    own_order: bool,
    left_out: list[str],
) -> pl.DataFrame | None:
    if orders is None:
        left_out.append("Delivery and shipping: no orders data in this workspace.")
        return None
    have = set(orders.lazy().collect_schema().names())
    if own_order:
        named = answers.select(UNIT, pl.col("order_id").cast(pl.Utf8)).drop_nulls().unique()
        rows = named.join(
            orders.lazy().with_columns(pl.col("order_id").cast(pl.Utf8)), on="order_id"
        )
    else:
        customers = answers.select(UNIT).unique()
        rows = prepared_rows(
            "orders", orders, periods=[window], filters=None, timezone=settings.timezone
        ).with_columns(pl.col("customer_id").cast(pl.Utf8).alias(UNIT))
        rows = rows.join(customers, on=UNIT, how="semi")
    measures = []
    if {"delivered_at", "ordered_at"} <= have:
        hours = (pl.col("delivered_at") - pl.col("ordered_at")).dt.total_seconds() / 3600
        measures.append(hours.filter(hours >= 0).mean().alias("delivery_hours"))
    else:
        left_out.append("Delivery hours: orders have no delivered_at column.")
    if {"delivered_at", "promised_at", "ordered_at"} <= have:
        end = _end_instant(period, settings)
        overdue = pl.col("delivered_at").is_null() & (pl.col("promised_at") < end)
        late = (
            pl.when(overdue)
            .then(pl.lit(1.0))
            .otherwise((ON_TIME.classify() == "late").cast(pl.Float64))
        )
        measures.append(late.mean().alias("late_share"))
    else:
        left_out.append("Late deliveries: orders have no promised_at or delivered_at column.")
    if "shipping_cost" in have:
        measures.append(pl.col("shipping_cost").mean().alias("shipping_cost"))
    if not measures:
        return None
    return rows.group_by(UNIT).agg(measures).collect()


def _end_instant(period: Period, settings: MetricSettings) -> pl.Expr:
    """The instant the period ends (local midnight after its last day), as a UTC literal."""
    local = datetime.combine(period.end + timedelta(days=1), time(), ZoneInfo(settings.timezone))
    return pl.lit(local.astimezone(UTC))


def _contact_drivers(
    answers: pl.LazyFrame,
    contacts: Frame | None,
    window: Period,
    settings: MetricSettings,
    left_out: list[str],
) -> pl.DataFrame | None:
    if contacts is None:
        left_out.append("Support effort: no contacts data in this workspace.")
        return None
    have = set(contacts.lazy().collect_schema().names())
    if "customer_id" not in have:
        left_out.append("Support effort: contacts have no customer_id to tie them to customers.")
        return None
    rows = prepared_rows(
        "contacts", contacts, periods=[window], filters=None, timezone=settings.timezone
    ).with_columns(pl.col("customer_id").cast(pl.Utf8).alias(UNIT))
    rows = rows.join(answers.select(UNIT).unique(), on=UNIT, how="semi")
    measures = []
    if "handle_seconds" in have:
        measures.append((pl.col("handle_seconds").sum() / 60).alias("handle_minutes"))
    if "ces_score" in have:
        measures.append(pl.col("ces_score").mean().alias("contact_ces"))
    if not measures:
        return None
    return rows.group_by(UNIT).agg(measures).collect()


def _theme_drivers(
    answers: pl.LazyFrame, taxonomy: Taxonomy | None, customers: int, room: int
) -> pl.DataFrame | None:
    """unit → 1.0 per theme mentioned, for the ``room`` most mentioned themes."""
    if not taxonomy or room <= 0:
        return None
    tagged = tag_texts(answers.select(UNIT, "comment"), "comment", taxonomy)
    counts = (tagged.select(UNIT, THEME).unique().group_by(THEME).agg(n=pl.len()).collect()).filter(
        pl.col("n") >= max(1.0, MIN_THEME_SHARE * customers)
    )
    themes = counts.sort(["n", THEME], descending=[True, False]).head(room)[THEME].to_list()
    if not themes:
        return None
    mentioned = tagged.filter(pl.col(THEME).is_in(themes)).select(UNIT, THEME).unique().collect()
    return (
        mentioned.with_columns(hit=pl.lit(1.0))
        .pivot(on=THEME, index=UNIT, values="hit")
        .rename({t: f"{THEME_PREFIX}{t}" for t in themes})
    )


def _usable(frame: pl.DataFrame, left_out: list[str]) -> list[str]:
    """Drivers known for at least ``MIN_COVERAGE`` of the customers and not constant."""
    drivers = []
    for column in frame.columns:
        if column in (UNIT, SCORE):
            continue
        known = float(frame[column].is_not_null().sum()) / max(frame.height, 1)
        if known < MIN_COVERAGE:
            left_out.append(
                f"{driver_label(column)}: known for only {known:.0%} of the customers "
                f"(needs {MIN_COVERAGE:.0%})."
            )
        elif frame[column].drop_nulls().n_unique() < 2:
            left_out.append(f"{driver_label(column)}: the same for every customer.")
        else:
            drivers.append(column)
    return drivers[:MAX_DRIVERS]
