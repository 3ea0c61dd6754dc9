"""Answers that name their order (``order_id``) are tied to that order, not the customer's last.

One hand fixture (CSAT on 1-5: 4 and 5 are satisfied) where the two links disagree:

    order  customer  ordered  promised  delivered   class
    o1     A         01-01    01-05     01-08       late
    o2     A         01-06    01-10     01-09       on time
    o3     B         01-10    01-19     01-20       late (B answered on the 18th, before it came
                                                    and before it was late)
    o4     C         01-12    01-16     —           never delivered
    o5     D         01-02    01-06     01-04       on time
    o6     B         01-11    01-14     01-22       late (B answered on the 17th, still waiting
                                                    three days after the promise: late already)

    answer  customer  order  answered  score
    r1      A         o1     01-12     2      about the late o1, after the on-time o2 arrived
    r2      A         o2     01-11     5
    r3      B         o3     01-18     1      before o3 was delivered
    r4      C         o4     01-20     1      o4 never delivered
    r5      D         o99    01-10     5      no such order
    r6      D         —      01-10     4      names no order: D's last delivery, o5 (on time)
    r7      A         —      01-12     3      names no order: A's last delivery, o2 (on time)
    r8      B         o6     01-17     1      o6 not yet delivered, its promise passed: late
"""

from datetime import date

import pytest

from metrics.benefit_links import (
    FREE_SHIPPING,
    LINK_LAST_ORDER,
    LINK_OWN_ORDER,
    ON_TIME,
    survey_by_last_order,
)
from metrics.engine import compute_kpi
from metrics.periods import Period
from metrics.stats import proportion_change
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))


def order(order_id, customer, ordered, promised, delivered, cost=4.9):
    return {
        "order_id": order_id,
        "customer_id": customer,
        "ordered_at": utc(ordered),
        "amount": 20.0,
        "promised_at": utc(promised),
        "delivered_at": utc(delivered) if delivered else None,
        "shipping_cost": cost,
    }


def answer(response_id, customer, order_id, day, score, clock="12:00"):
    return {
        "response_id": response_id,
        "survey": "csat",
        "score": float(score),
        "responded_at": utc(day, clock),
        "customer_id": customer,
        "order_id": order_id,
    }


ORDERS = frame(
    "orders",
    [
        order("o1", "A", "2024-01-01", "2024-01-05", "2024-01-08", cost=0.0),
        order("o2", "A", "2024-01-06", "2024-01-10", "2024-01-09"),
        order("o3", "B", "2024-01-10", "2024-01-19", "2024-01-20"),
        order("o4", "C", "2024-01-12", "2024-01-16", None),
        order("o5", "D", "2024-01-02", "2024-01-06", "2024-01-04"),
        order("o6", "B", "2024-01-11", "2024-01-14", "2024-01-22"),
    ],
)
RESPONSES = frame(
    "responses",
    [
        answer("r1", "A", "o1", "2024-01-12", 2),
        answer("r2", "A", "o2", "2024-01-11", 5),
        answer("r3", "B", "o3", "2024-01-18", 1),
        answer("r4", "C", "o4", "2024-01-20", 1),
        answer("r5", "D", "o99", "2024-01-10", 5),
        answer("r6", "D", None, "2024-01-10", 4),
        answer("r7", "A", None, "2024-01-12", 3),
        answer("r8", "B", "o6", "2024-01-17", 1),
    ],
)


def link_of(responses, outcome=ON_TIME, orders=ORDERS):
    return survey_by_last_order("csat", {"responses": responses, "orders": orders}, JAN, outcome)


def test_an_answer_about_an_earlier_late_order_counts_as_late_not_as_the_later_on_time_one():
    r1 = RESPONSES.filter(RESPONSES["response_id"] == "r1")
    own = link_of(r1)
    # r1 names o1, delivered the 8th, promised the 5th: late
    assert [g.estimate.n for g in own.groups] == [0, 1]
    assert own.method == LINK_OWN_ORDER
    # without order_id, A's latest delivery before the 12th is o2 (the 9th, on time)
    last = link_of(r1.drop("order_id"))
    assert [g.estimate.n for g in last.groups] == [1, 0]
    assert last.method == LINK_LAST_ORDER


def test_rows_with_and_without_order_id_each_take_their_own_link():
    link = link_of(RESPONSES)
    on_time, late = link.groups
    # on time: r2 (5, own o2), r6 (4, D's last delivery o5), r7 (3, A's last delivery o2)
    # -> 2 satisfied of 3
    assert on_time.estimate.n == 3 and on_time.estimate.value == pytest.approx(2 / 3)
    # late: r1 (2, own o1), r8 (1, own o6, waiting past its promise) -> 0 satisfied of 2
    assert late.estimate.n == 2 and late.estimate.value == pytest.approx(0.0)
    # gap 0 − 2/3, by the two-proportion test of CSAT
    assert link.difference.delta == pytest.approx(-2 / 3)
    assert link.difference.p_value == pytest.approx(proportion_change(0, 2, 2, 3).p_value)
    # r1, r2, r6, r7, r8 linked; r5 (o99 matches no order) not linked
    assert (link.linked, link.unlinked) == (5, 1)
    # r3 answered on the 18th, before o3's promise (19th) and delivery (20th); r4's o4 never came
    assert link.extra == (("answered before delivery", 1), ("not delivered", 1))
    # 5 + 1 + 1 + 1: every answer counted once
    assert link.total == 8
    # r1-r5 and r8 name an order, r6 and r7 don't
    assert (link.by_own_order, link.by_last_order, link.method) == (6, 2, "both")


def test_an_answer_written_while_waiting_past_the_promise_is_late_not_before_delivery():
    r8 = RESPONSES.filter(RESPONSES["response_id"] == "r8")
    # o6 promised the 14th, answered the 17th, delivered the 22nd: late when answered
    assert [g.estimate.n for g in link_of(r8).groups] == [0, 1]
    assert link_of(r8).extra == (("answered before delivery", 0), ("not delivered", 0))
    # the same answer on the 13th, before the promise: the customer had no late order yet
    early = RESPONSES.filter(RESPONSES["response_id"] == "r8").with_columns(
        responded_at=utc("2024-01-13")
    )
    assert [g.estimate.n for g in link_of(early).groups] == [0, 0]
    assert link_of(early).extra[0] == ("answered before delivery", 1)


def test_without_order_ids_every_answer_falls_back_to_the_customers_last_delivery():
    link = link_of(RESPONSES.drop("order_id"))
    on_time, late = link.groups
    # r1 (2), r2 (5), r7 (3): A's o2, delivered the 9th; r5 (5), r6 (4): D's o5, the 4th
    # -> 3 satisfied of 5; nobody's last delivery was late
    assert on_time.estimate.n == 5 and on_time.estimate.value == pytest.approx(3 / 5)
    assert late.estimate.n == 0
    # r3, r8: B's deliveries (20th, 22nd) came after the answers; r4: C's order never came
    # -> not linked
    assert (link.linked, link.unlinked) == (5, 3)
    assert link.extra == (("answered before delivery", 0), ("not delivered", 0))
    assert (link.by_own_order, link.by_last_order, link.method) == (0, 8, LINK_LAST_ORDER)


def test_a_null_order_id_column_is_the_same_as_none():
    all_null = RESPONSES.with_columns(RESPONSES["order_id"].clear(RESPONSES.height))
    assert link_of(all_null) == link_of(RESPONSES.drop("order_id"))


def test_own_order_links_ignore_the_window():
    # r1 answered 60 days after o1 arrived: still about o1, still late
    late_review = frame("responses", [answer("r1", "A", "o1", "2024-03-08", 2)])
    link = survey_by_last_order(
        "csat",
        {"responses": late_review, "orders": ORDERS},
        Period(date(2024, 3, 1), date(2024, 3, 31)),
        ON_TIME,
        within_days=30,
    )
    assert [g.estimate.n for g in link.groups] == [0, 1]


def test_an_answer_at_the_delivery_instant_is_about_the_delivered_order():
    # o2 delivered the 9th at 12:00 (promised the 10th); answered then: counts by o2's
    # outcome (on time), a minute earlier: answered before delivery
    at_delivery = frame("responses", [answer("r2", "A", "o2", "2024-01-09", 5)])
    before = frame("responses", [answer("r2", "A", "o2", "2024-01-09", 5, clock="11:59")])
    assert [g.estimate.n for g in link_of(at_delivery).groups] == [1, 0]
    assert link_of(before).extra[0] == ("answered before delivery", 1)


def test_the_late_group_is_the_tile_formula_on_the_answers_about_late_orders():
    link = link_of(RESPONSES)
    late = RESPONSES.filter(RESPONSES["response_id"].is_in(["r1", "r8"]))
    assert link.groups[1].estimate == compute_kpi("csat", {"responses": late}, JAN).current


def test_shipping_cost_of_the_own_order_and_answers_before_ordering():
    responses = frame(
        "responses",
        [
            answer("r1", "A", "o1", "2024-01-12", 2),  # o1 shipped free
            answer("r2", "A", "o2", "2024-01-11", 5),  # o2 paid 4.90
            answer("r3", "B", "o3", "2024-01-09", 1),  # o3 was ordered on the 10th
        ],
    )
    link = link_of(responses, FREE_SHIPPING)
    # without order_id, r1 would count under A's latest order placed before the 12th: o2, paid
    assert [g.estimate.n for g in link.groups] == [1, 1]
    assert link.extra == (("answered before ordering", 1),)
    assert (link.linked, link.unlinked, link.total) == (2, 0, 3)


def test_answers_with_order_ids_need_no_customer_id():
    anonymous = RESPONSES.drop("customer_id")
    link = link_of(anonymous)
    # r1 and r8 late, r2 on time as before; r6 and r7 name no order and no customer: not linked
    assert [g.estimate.n for g in link.groups] == [1, 2]
    assert (link.linked, link.unlinked) == (3, 3)  # r5, r6, r7
