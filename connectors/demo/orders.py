"""Orders and what follows from each one: its delivery, a survey about it, a contact.

Why together: the planted North slowdown must flow causally from deliveries to
scores and contacts. A late order makes its delivery survey likely to be a
detractor and may make the customer ask 'where is my order'; so the survey
candidates and order-driven contacts are derived here from the orders
themselves, not drawn separately.

Delivery model: a promise of 21:00 UTC two days after the order day; delivery
time log-normal with a median of 26 hours (about 92% on time), 12% slower in
December, and in North from the slowdown's first day on, 1.9x slower and less
predictable (about 55% on time). Orders whose delivery would fall after the
window's end are still in transit (``delivered_at`` NULL).

Example:
    >>> import numpy as np
    >>> from datetime import date
    >>> from connectors.demo.customers import CustomerBase
    >>> from connectors.demo.story import Timeline
    >>> t = Timeline.ending(date(2026, 11, 22), 90)
    >>> base = CustomerBase.build(500, t, np.random.default_rng(1))
    >>> o = generate_orders(np.repeat(np.arange(90), 20), base, t, np.random.default_rng(2))
    >>> bool((o.promised > o.ordered).all()), o.size
    (True, 1800)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from connectors.demo.customers import CHANNELS, PLANS, REGIONS, CustomerBase, label
from connectors.demo.phrases import CONTACT_REASONS
from connectors.demo.story import (
    PLANTED_SLOWDOWN_REGION,
    SLOWDOWN_DELIVERY_FACTOR,
    SLOWDOWN_SPREAD,
    Timeline,
)
from connectors.demo.volume import ORDER_HOURS, day_dates, times_on_days, utc_text

NOT_DELIVERED = -1
BASE_MEDIAN_HOURS = 26.0
BASE_SPREAD = 0.50
DECEMBER_RUSH = 1.12
PROMISE_DAYS = 2
PROMISE_HOUR = 21
# Basket size per plan (median EUR) and shipping fees.
AMOUNT_MEDIAN = np.array([31.0, 42.0, 64.0])
SHIPPING_FEE = 4.90
FREE_SHIPPING_FROM = 40.0
EXPRESS_FEE = 7.90
EXPRESS_SHARE = 0.07
# How an order leads to a contact.
WISMO_IF_LATE = 0.16
WISMO_IF_ON_TIME = 0.012
DAMAGED_SHARE = 0.011
# Late deliveries are more likely to get a survey answer (angry customers reply).
LATE_ANSWER_WEIGHT = 1.8

NORTH = REGIONS.index(PLANTED_SLOWDOWN_REGION)
PLUS_OR_PRO = np.array([False, True, True])
WISMO = CONTACT_REASONS.index("where is my order")
DAMAGED = CONTACT_REASONS.index("damaged item")


@dataclass(frozen=True)
class Orders:
    """One chunk of orders as parallel arrays; times are Unix seconds (UTC)."""

    ordered: np.ndarray
    customer: np.ndarray
    amount: np.ndarray
    promised: np.ndarray
    delivered: np.ndarray  # NOT_DELIVERED while in transit
    shipping: np.ndarray
    slowed: np.ndarray  # placed in North during the planted slowdown

    @property
    def size(self) -> int:
        return self.ordered.size


def december_rush_by_day(timeline: Timeline) -> np.ndarray:
    """The December rush per order day: deliveries this much slower, baskets this much bigger."""
    return np.array(
        [DECEMBER_RUSH if d.month == 12 and d.day <= 24 else 1.0 for d in day_dates(timeline)]
    )


def generate_orders(
    day_index: np.ndarray, base: CustomerBase, timeline: Timeline, rng: np.random.Generator
) -> Orders:
    """Orders placed on the given days (one entry per order, sorted by day)."""
    n = day_index.size
    ordered = np.sort(times_on_days(day_index, ORDER_HOURS, timeline, rng))
    customer = base.pick(day_index, rng)
    plan = base.plan[customer]
    rush = december_rush_by_day(timeline)[day_index]
    amount = np.maximum(3.0, AMOUNT_MEDIAN[plan] * rush * rng.lognormal(0.0, 0.6, size=n))
    amount = np.round(amount, 2)

    promised = (
        timeline.start_epoch + (day_index + PROMISE_DAYS) * 86_400 + PROMISE_HOUR * 3600
    ).astype(np.int64)
    slowed = (base.region[customer] == NORTH) & (day_index >= timeline.slowdown_start)
    median = BASE_MEDIAN_HOURS * rush * np.where(slowed, SLOWDOWN_DELIVERY_FACTOR, 1.0)
    spread = np.where(slowed, SLOWDOWN_SPREAD, BASE_SPREAD)
    hours = median * np.exp(spread * rng.standard_normal(n))
    delivered = ordered + np.round(hours * 3600).astype(np.int64)
    delivered[delivered >= timeline.end_epoch_exclusive] = NOT_DELIVERED

    free_for_plan = PLUS_OR_PRO[plan] & (day_index >= timeline.free_shipping)
    standard = np.where(free_for_plan | (amount >= FREE_SHIPPING_FROM), 0.0, SHIPPING_FEE)
    express = rng.random(n) < EXPRESS_SHARE
    shipping = np.where(express, EXPRESS_FEE, standard)
    return Orders(ordered, customer, amount, promised, delivered, shipping, slowed)


def orders_frame(orders: Orders, first_id: int, base: CustomerBase) -> pl.DataFrame:
    """The chunk as rows of the ``orders`` source table."""
    customer = orders.customer
    return pl.DataFrame(
        {
            "id": np.arange(first_id, first_id + orders.size, dtype=np.int64),
            "ordered_at": utc_text(orders.ordered),
            "customer_id": base.ids.gather(customer),
            "amount": orders.amount,
            "promised_at": utc_text(orders.promised),
            "delivered_at": utc_text(orders.delivered, orders.delivered == NOT_DELIVERED),
            "shipping_cost": orders.shipping,
            "currency": pl.repeat("EUR", orders.size, eager=True, dtype=pl.Utf8),
            "region": label(base.region[customer], REGIONS),
            "plan": label(base.plan[customer], PLANS),
            "channel": label(base.channel[customer], CHANNELS),
        }
    )


@dataclass(frozen=True)
class DeliverySurveys:
    """Delivered orders that could be asked 'how was your delivery?', and when."""

    at: np.ndarray
    customer: np.ndarray
    hours_late: np.ndarray  # <= 0 when on time
    new_carrier: np.ndarray  # late North delivery during the slowdown
    weight: np.ndarray  # relative chance that the customer answers

    @property
    def size(self) -> int:
        return self.at.size

    def take(self, rows: np.ndarray) -> DeliverySurveys:
        return DeliverySurveys(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))

    @staticmethod
    def empty() -> DeliverySurveys:
        return DeliverySurveys(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0),
            np.zeros(0, bool),
            np.zeros(0),
        )

    @staticmethod
    def concat(parts: list[DeliverySurveys]) -> DeliverySurveys:
        fields = DeliverySurveys.__dataclass_fields__
        return DeliverySurveys(*(np.concatenate([getattr(p, f) for p in parts]) for f in fields))


def delivery_surveys(
    orders: Orders, timeline: Timeline, rng: np.random.Generator
) -> DeliverySurveys:
    """A survey moment a few hours after each delivery that is still inside the window."""
    lag = np.minimum(96.0, rng.lognormal(np.log(5.0), 0.8, size=orders.size))
    at = orders.delivered + np.round(lag * 3600).astype(np.int64)
    keep = (orders.delivered != NOT_DELIVERED) & (at < timeline.end_epoch_exclusive)
    hours_late = (orders.delivered - orders.promised) / 3600.0
    late = hours_late > 0
    return DeliverySurveys(
        at=at[keep],
        customer=orders.customer[keep],
        hours_late=hours_late[keep],
        new_carrier=(orders.slowed & late)[keep],
        weight=np.where(late, LATE_ANSWER_WEIGHT, 1.0)[keep],
    )


@dataclass(frozen=True)
class OrderContacts:
    """Contacts that orders cause: 'where is my order' and 'damaged item'."""

    opened: np.ndarray
    customer: np.ndarray
    reason: np.ndarray
    late: np.ndarray


def order_contacts(orders: Orders, timeline: Timeline, rng: np.random.Generator) -> OrderContacts:
    """Late (or slow-feeling) orders make customers ask where they are; some arrive broken."""
    n = orders.size
    delivered = orders.delivered != NOT_DELIVERED
    late = np.where(
        delivered,
        orders.delivered > orders.promised,
        orders.promised < timeline.end_epoch_exclusive,
    )
    u = rng.random(n)

    asks_late = late & (u < WISMO_IF_LATE)
    after_promise = orders.promised + rng.integers(2 * 3600, 30 * 3600, size=n)
    while_waiting = orders.promised + (
        (orders.delivered - orders.promised) * rng.uniform(0.2, 0.9, size=n)
    ).astype(np.int64)
    late_opened = np.where(
        delivered & (after_promise >= orders.delivered), while_waiting, after_promise
    )

    asks_early = delivered & ~late & (u > 1 - WISMO_IF_ON_TIME)
    early_opened = orders.ordered + (
        (orders.delivered - orders.ordered) * rng.uniform(0.3, 0.95, size=n)
    ).astype(np.int64)

    damaged = delivered & (rng.random(n) < DAMAGED_SHARE)
    damaged_opened = orders.delivered + rng.integers(3600, 48 * 3600, size=n)

    opened = np.concatenate(
        [late_opened[asks_late], early_opened[asks_early], damaged_opened[damaged]]
    )
    customer = np.concatenate(
        [orders.customer[asks_late], orders.customer[asks_early], orders.customer[damaged]]
    )
    reason = np.concatenate(
        [
            np.full(asks_late.sum(), WISMO),
            np.full(asks_early.sum(), WISMO),
            np.full(damaged.sum(), DAMAGED),
        ]
    )
    was_late = np.concatenate(
        [np.ones(asks_late.sum(), bool), np.zeros(asks_early.sum(), bool), late[damaged]]
    )
    keep = opened < timeline.end_epoch_exclusive
    return OrderContacts(opened[keep], customer[keep], reason[keep], was_late[keep])
