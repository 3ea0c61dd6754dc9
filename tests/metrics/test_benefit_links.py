"""Survey KPIs of the customers a benefit touched: linking answers to each customer's last order."""

from datetime import date

import pytest

from metrics.benefit_links import FREE_SHIPPING, NOT_LINKED, ON_TIME, survey_by_last_order
from metrics.engine import MetricUnavailableError, compute_kpi
from metrics.periods import Period
from metrics.settings import MetricSettings
from metrics.stats import nps_interval, proportion_change, z_change
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))


def order(customer, ordered, delivered=None, promised=None, cost=None, **segments):
    return {
        "customer_id": customer,
        "ordered_at": utc(ordered),
        "amount": 20.0,
        "delivered_at": utc(delivered) if delivered else None,
        "promised_at": utc(promised) if promised else None,
        "shipping_cost": cost,
        **segments,
    }


def answer(customer, score, day, survey="nps", clock="12:00", **segments):
    return {
        "survey": survey,
        "score": float(score),
        "responded_at": utc(day, clock),
        "customer_id": customer,
        **segments,
    }


ORDERS = frame(
    "orders",
    [
        # A: delivered late on the 5th (promised the 3rd)
        order("A", "2024-01-01", delivered="2024-01-05", promised="2024-01-03", cost=0.0),
        # B: delivered on time on the 2nd; a later order arrives only after B answered
        order("B", "2024-01-01", delivered="2024-01-02", promised="2024-01-03", cost=4.9),
        order("B", "2024-01-20", delivered="2024-01-28", promised="2024-01-22", cost=4.9),
        # D: the last delivery was 40 days before answering: too long ago to count
        order("D", "2023-12-01", delivered="2023-12-03", promised="2023-12-04", cost=0.0),
        # E: delivered on the promised instant itself: on time
        order("E", "2024-01-08", delivered="2024-01-09", promised="2024-01-09", cost=0.0),
    ],
)
RESPONSES = frame(
    "responses",
    [
        answer("A", 3, "2024-01-10"),
        answer("A", 5, "2024-01-11"),
        answer("B", 10, "2024-01-10"),
        answer("B", 9, "2024-01-12"),
        answer("B", 7, "2024-01-15"),
        answer("C", 10, "2024-01-10"),  # never ordered
        answer(None, 9, "2024-01-10"),  # anonymous
        answer("D", 0, "2024-01-12"),
        answer("E", 9, "2024-01-20"),
    ],
)
DATA = {"responses": RESPONSES, "orders": ORDERS}


def test_each_answer_counts_under_its_customers_latest_delivery_before_answering():
    link = survey_by_last_order("nps", DATA, JAN, ON_TIME)
    on_time, late = link.groups
    # on time: B's 10, 9, 7 and E's 9 -> 3 promoters, 0 detractors of 4 = NPS 75
    assert (on_time.label, on_time.estimate.value, on_time.estimate.n) == ("on time", 75.0, 4)
    # late: A's 3 and 5 -> NPS −100
    assert (late.label, late.estimate.value, late.estimate.n) == ("late", -100.0, 2)
    # C, the anonymous answer and D (delivery 40 days earlier) are counted, not dropped
    assert (link.linked, link.unlinked) == (6, 3)


def test_the_groups_carry_the_nps_interval_and_the_gap_its_two_sample_z_test():
    link = survey_by_last_order("nps", DATA, JAN, ON_TIME)
    on_time, late = link.groups
    _, se_on_time, low, high = (float(v) for v in nps_interval(3, 0, 4))
    assert on_time.estimate.low == pytest.approx(low)
    assert on_time.estimate.high == pytest.approx(high)
    _, se_late, _, _ = (float(v) for v in nps_interval(0, 2, 2))
    expected = z_change(-100.0, se_late, 75.0, se_on_time)
    assert link.difference.delta == pytest.approx(-175.0)
    assert link.difference.p_value == pytest.approx(expected.p_value)
    assert on_time.estimate.small_sample and late.estimate.small_sample


def test_a_linked_group_matches_the_tile_formula_on_the_same_answers():
    link = survey_by_last_order("nps", DATA, JAN, ON_TIME)
    late_answers = RESPONSES.filter(RESPONSES["customer_id"] == "A")
    tile = compute_kpi("nps", {"responses": late_answers}, JAN)
    assert link.groups[1].estimate == tile.current


def test_the_link_window_is_configurable():
    link = survey_by_last_order("nps", DATA, JAN, ON_TIME, within_days=60)
    # D's delivery 40 days before the answer now counts (on time); D scored 0
    assert link.groups[0].estimate.n == 5
    assert link.unlinked == 2


def test_csat_uses_the_two_proportion_test():
    responses = frame(
        "responses",
        [answer("A", s, "2024-01-10", "csat") for s in (1, 2, 4)]
        + [answer("B", s, "2024-01-10", "csat") for s in (5, 5, 4, 3)],
    )
    link = survey_by_last_order("csat", {"responses": responses, "orders": ORDERS}, JAN, ON_TIME)
    on_time, late = link.groups
    assert on_time.estimate.value == pytest.approx(3 / 4)
    assert late.estimate.value == pytest.approx(1 / 3)
    expected = proportion_change(1, 3, 3, 4)
    assert link.difference.delta == pytest.approx(1 / 3 - 3 / 4)
    assert link.difference.p_value == pytest.approx(expected.p_value)


def test_shipping_cost_links_to_the_latest_order_placed_before_answering():
    link = survey_by_last_order("nps", DATA, JAN, FREE_SHIPPING)
    free, paid = link.groups
    # free: A (3, 5) and E (9); paid: B's three answers (B's second order, placed on the
    # 20th, is after its answers on the 10th, 12th and 15th, but it is paid too)
    assert (free.estimate.n, paid.estimate.n) == (3, 3)
    assert free.estimate.value == pytest.approx(100 * (1 / 3 - 2 / 3))
    assert paid.estimate.value == pytest.approx(100 * (2 / 3))


def test_segment_filters_select_the_answers():
    responses = frame(
        "responses",
        [
            answer("A", 3, "2024-01-10", region="North"),
            answer("B", 10, "2024-01-10", region="South"),
        ],
    )
    link = survey_by_last_order(
        "nps",
        {"responses": responses, "orders": ORDERS},
        JAN,
        ON_TIME,
        filters={"region": ["North"]},
    )
    assert [g.estimate.n for g in link.groups] == [0, 1]
    assert link.groups[0].estimate.value is None
    assert link.difference.word == "no comparison data"


def test_answers_are_dated_in_the_reporting_time_zone():
    # 31 Dec 23:30 UTC is 1 January in Berlin: in the period there, not in UTC
    responses = frame("responses", [answer("B", 10, "2023-12-31", clock="23:30")])
    orders = frame("orders", [order("B", "2023-12-20", "2023-12-22", "2023-12-23")])
    data = {"responses": responses, "orders": orders}
    berlin = survey_by_last_order(
        "nps", data, JAN, ON_TIME, settings=MetricSettings("Europe/Berlin")
    )
    in_utc = survey_by_last_order("nps", data, JAN, ON_TIME)
    assert berlin.linked == 1 and in_utc.linked == 0


def test_missing_inputs_say_what_to_map():
    anonymous = RESPONSES.drop("customer_id")
    with pytest.raises(MetricUnavailableError, match="no customer_id column"):
        survey_by_last_order("nps", {"responses": anonymous, "orders": ORDERS}, JAN, ON_TIME)
    with pytest.raises(MetricUnavailableError, match="no raw orders"):
        survey_by_last_order("nps", {"responses": RESPONSES}, JAN, ON_TIME)
    unpriced = ORDERS.drop("shipping_cost")
    with pytest.raises(MetricUnavailableError, match="no shipping_cost column"):
        survey_by_last_order(
            "nps", {"responses": RESPONSES, "orders": unpriced}, JAN, FREE_SHIPPING
        )
    with pytest.raises(ValueError, match="not a survey KPI"):
        survey_by_last_order("revenue", DATA, JAN, ON_TIME)


def test_the_frame_lists_both_groups_in_order():
    table = survey_by_last_order("nps", DATA, JAN, ON_TIME).frame()
    assert table["group"].to_list() == ["on time", "late"]
    assert table["n"].to_list() == [4, 2]
    assert NOT_LINKED not in table["group"].to_list()
