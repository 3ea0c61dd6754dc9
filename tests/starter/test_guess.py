"""The guessing behind `init`, on small hand-made tables: datasets, exact column mappings,
survey scales, segments, lookups and sums through shared ids."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from benefitboard.starter.guess import guess_all, guess_datasets, score_scale
from benefitboard.starter.profile import profile_column, profile_frame
from benefitboard.starter.query import dataset_query


def mappings(guess) -> dict[str, str]:
    """canonical column -> how it is filled, in words."""
    return {canonical: pick.describe() for canonical, pick in guess.picks.items()}


def test_a_survey_export_becomes_nps_responses_with_its_exact_mapping():
    answers = profile_frame(
        "survey_answers",
        pl.DataFrame(
            {
                "Response ID": ["a1", "a2", "a3", "a4"],
                "Submitted At": [
                    "2026-05-01T10:00:00+02:00",
                    "2026-05-01T11:00:00+02:00",
                    "2026-05-02T09:00:00Z",
                    "2026-05-02T10:30:00+02:00",
                ],
                "How likely are you to recommend us?": ["10", "9", "6", "0"],
                "Why?": ["fast", None, "slow", "broken"],
                "Customer Email": ["a@x", "b@x", "a@x", "c@x"],
            }
        ),
    )
    guesses, misses = guess_all([answers])
    assert list(guesses) == ["responses"] and misses == []
    responses = guesses["responses"]
    assert mappings(responses) == {
        "response_id": "Response ID",
        "score": "How likely are you to recommend us?",
        "responded_at": "Submitted At",
        "customer_id": "Customer Email",
        "survey": "the constant 'nps'",
    }
    assert responses.scale is not None and (responses.scale.low, responses.scale.high) == (0, 10)
    assert answers.column("Submitted At").offset == "offset"


def test_an_orders_file_with_every_column_maps_directly_and_keeps_a_region_segment():
    orders = profile_frame(
        "orders",
        pl.DataFrame(
            {
                "order_no": ["o1", "o2", "o3", "o4", "o5", "o6"],
                "placed": [datetime(2026, 5, d, 9) for d in range(1, 7)],
                "buyer": ["c1", "c2", "c1", "c3", "c2", "c4"],
                "total": [20.0, 35.5, 12.25, 50.0, 8.0, 9.5],
                "shipping": [4.0, 0.0, 4.0, 0.0, 2.5, 2.5],
                "eta": [datetime(2026, 5, d + 3) for d in range(1, 7)],
                "delivered_at": [datetime(2026, 5, d + 2) for d in range(1, 7)],
                "region": ["North", "South", "North", "North", "South", "North"],
                "city": ["A", "B", "C", "D", "E", "F"],
            }
        ),
    )
    guess = guess_datasets([orders])["orders"]
    assert mappings(guess) == {
        "order_id": "order_no",
        "ordered_at": "placed",
        "customer_id": "buyer",
        "amount": "total",
        "promised_at": "eta",
        "delivered_at": "delivered_at",
        "shipping_cost": "shipping",
    }
    assert not guess.needs_query
    # region: 2 values over 6 rows, a filter; city: every row differs, a label, not a segment.
    assert list(guess.segments) == ["region"]
    assert "2 values (North 4, South 2)" in guess.segments["region"].why


def test_a_segment_with_too_many_values_is_named_as_left_out():
    cities = [f"city{i % 60}" for i in range(300)]  # 60 cities, each 5 times
    table = profile_frame(
        "reviews",
        pl.DataFrame(
            {
                "review_id": [f"r{i}" for i in range(300)],
                "rating": [str(1 + i % 5) for i in range(300)],
                "created_at": ["2026-05-01 10:00:00"] * 300,
                "city": cities,
                "channel": ["app", "web", "store"] * 100,
            }
        ),
    )
    guess = guess_datasets([table])["responses"]
    assert list(guess.segments) == ["channel"]
    assert guess.crowded == (("city", 60),)


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("nps", [0, 7, 10], ("nps", 0, 10, None)),
        ("score", [0, 3, 9], ("nps", 0, 10, None)),  # a 0 exists only on the NPS scale
        ("review_score", [1, 2, 5], ("csat", 1, 5, None)),
        ("stars", [3, 4], ("csat", 1, 5, None)),  # unseen 1 and 2: still the 1–5 scale
        ("satisfaction", [1, 6, 7], ("csat", 1, 7, None)),
        ("rating", [1, 8, 10], ("csat", 1, 10, None)),
        ("effort", [1, 2, 5], ("ces", 1, 5, "effort5")),
        ("ces", [2, 6, 7], ("ces", 1, 7, "agreement7")),
    ],
)
def test_score_scales_are_read_from_names_and_values(name, values, expected):
    scale = score_scale(profile_column(pl.Series(name, [str(v) for v in values])))
    assert scale is not None
    assert (scale.survey, scale.low, scale.high, scale.ces_scale) == expected


@pytest.mark.parametrize(
    ("values", "why"),
    [([1.5, 4.0], "not whole"), ([1, 11], "above 10"), ([-1, 5], "below 0")],
)
def test_values_off_every_survey_scale_are_no_score(values, why):
    assert score_scale(profile_column(pl.Series("score", values))) is None, why


def test_day_first_timestamps_get_their_format():
    column = profile_column(pl.Series("created", ["31/01/2026 10:00", "01/02/2026 09:30"]))
    assert (column.kind, column.timestamp_format) == ("timestamp", "%d/%m/%Y %H:%M")
    us = profile_column(pl.Series("created", ["01/31/2026", "02/01/2026"]))
    assert (us.kind, us.timestamp_format) == ("date", "%m/%d/%Y")


def test_marketplace_exports_join_reviews_to_orders_and_sum_payments():
    """Olist's layout in miniature: an order's amount is the sum of its payments, the
    customer (the person, not the per-order id) is two joins away from a review."""
    reviews = profile_frame(
        "reviews",
        pl.DataFrame(
            {
                "review_id": ["r1", "r2", "r3"],
                "order_id": ["o1", "o2", "o3"],
                "review_score": ["5", "1", "4"],
                "review_answer_timestamp": ["2018-01-02 10:00:00"] * 3,
            }
        ),
    )
    orders = profile_frame(
        "orders",
        pl.DataFrame(
            {
                "order_id": ["o1", "o2", "o3"],
                "customer_id": ["k1", "k2", "k3"],  # one per order
                "order_purchase_timestamp": ["2018-01-01 09:00:00"] * 3,
            }
        ),
    )
    customers = profile_frame(
        "customers",
        pl.DataFrame(
            {
                "customer_id": ["k1", "k2", "k3"],
                "customer_unique_id": ["p1", "p2", "p1"],  # p1 ordered twice
                "customer_state": ["SP", "RJ", "SP"],
            }
        ),
    )
    payments = profile_frame(
        "payments",
        pl.DataFrame(
            {"order_id": ["o1", "o1", "o2", "o3"], "payment_value": ["10.5", "4.5", "8", "3"]}
        ),
    )
    guesses = guess_datasets([reviews, orders, customers, payments])
    assert mappings(guesses["orders"]) == {
        "order_id": "order_id",
        "ordered_at": "order_purchase_timestamp",
        "customer_id": "customer_unique_id of customers (by customer_id)",
        "amount": "sum of payment_value in payments per order_id",
    }
    assert mappings(guesses["responses"]) == {
        "response_id": "review_id",
        "score": "review_score",
        "responded_at": "review_answer_timestamp",
        "order_id": "order_id",
        "survey": "the constant 'csat'",
        "customer_id": "customer_unique_id of customers (by order_id, then customer_id)",
    }
    assert list(guesses["responses"].segments) == ["customer_state"]
    query = dataset_query(
        guesses["orders"], {t: t for t in ("orders", "customers", "payments")}, cast=True
    )
    assert "SUM(CAST(payment_value AS DOUBLE)) AS total" in query
    assert "LEFT JOIN customers j1 ON j1.customer_id = t.customer_id" in query


def test_tables_that_feed_no_dataset_are_left_alone():
    products = profile_frame(
        "products",
        pl.DataFrame(
            {"product_id": ["p1", "p2"], "category": ["toys", "books"], "weight_g": [10, 20]}
        ),
    )
    assert guess_all([products]) == ({}, [])


def test_a_table_named_for_a_dataset_but_lacking_a_required_column_is_a_near_miss():
    tickets = profile_frame(
        "tickets",
        pl.DataFrame({"ticket_id": ["t1", "t2"], "created_at": ["2026-05-01 10:00:00"] * 2}),
    )
    guesses, misses = guess_all([tickets])
    assert guesses == {}
    assert [(m.dataset, m.table, m.missing) for m in misses] == [
        ("contacts", "tickets", ("contact_reason",))
    ]


def test_a_survey_column_with_canonical_values_is_mapped_not_replaced_by_a_constant():
    answers = profile_frame(
        "responses",
        pl.DataFrame(
            {
                "id": ["1", "2", "3", "4"],
                "kind": ["nps", "csat", "nps", "csat"],
                "value": ["9", "4", "0", "5"],
                "created": ["2026-05-01 10:00:00"] * 4,
            }
        ),
    )
    guess = guess_datasets([answers])["responses"]
    assert mappings(guess) == {
        "response_id": "id",
        "survey": "kind",
        "score": "value",
        "responded_at": "created",
    }
    assert guess.scale is None  # NPS and CSAT answers share the column: no one scale
