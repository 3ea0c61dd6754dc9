"""Effort prioritisation: a rare reason where customers struggle outranks a frequent easy one,
but only when enough customers answered to show it."""

import math
from datetime import date

import polars as pl
import pytest
from scipy import stats as scipy_stats

from metrics.effort import effort_priority
from metrics.engine import MetricUnavailableError
from metrics.periods import Period
from metrics.settings import MetricSettings
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))


def counts(reason, contacts, minutes, answers):
    """contact_counts rows: ``contacts`` contacts of ``minutes`` each; answers = {score: n}."""
    seconds = minutes * 60.0
    rows = []
    unanswered = contacts - sum(answers.values())
    for score, n in [*answers.items(), (None, unanswered)]:
        rows.append(
            {
                "day": date(2024, 1, 10),
                "contact_reason": reason,
                "ces_score": score,
                "n": n,
                "handle_n": n,
                "handle_sum": n * seconds,
                "handle_sumsq": n * seconds**2,
            }
        )
    return rows


def table(*reasons):
    rows = [row for reason in reasons for row in counts(*reason)]
    schema = {
        "day": pl.Date,
        "contact_reason": pl.Utf8,
        "ces_score": pl.Float64,
        "n": pl.Int64,
        "handle_n": pl.Int64,
        "handle_sum": pl.Float64,
        "handle_sumsq": pl.Float64,
    }
    return effort_priority({"contact_counts": pl.DataFrame(rows, schema=schema)}, JAN)


WISMO = ("where is my order", 400, 4, {7.0: 48, 6.0: 72})  # 120 answers, mean 6.4


def test_rare_painful_reason_outranks_frequent_easy_one_with_enough_answers():
    # refund: 40 contacts, 18 min, 30 answers 24 × 2 + 6 × 3 (mean 2.2)
    # overall CES = (768 + 66)/150 = 5.56; WISMO CES* = 6.232 -> 400·4·(7 − 6.232)/6 = 204.8
    # refund CES* = (66 + 30·5.56)/60 = 3.88 -> 40·18·(7 − 3.88)/6 = 374.4
    ranked = table(WISMO, ("refund failed", 40, 18, {2.0: 24, 3.0: 6}))
    rows = {r["contact_reason"]: r for r in ranked.iter_rows(named=True)}
    assert rows["refund failed"]["rank"] == 1 and rows["where is my order"]["rank"] == 2
    assert rows["refund failed"]["priority"] == pytest.approx(374.4)
    assert rows["where is my order"]["priority"] == pytest.approx(204.8)
    assert rows["refund failed"]["ces_shrunk"] == pytest.approx(3.88)
    assert (
        rows["refund failed"]["ces"] == pytest.approx(2.2) and rows["refund failed"]["ces_n"] == 30
    )


def test_three_answers_are_not_enough_to_outrank():
    # refund answered only 3 times (1, 2, 3: mean 2.0): overall = (768 + 6)/123 = 6.2927
    # refund CES* = (6 + 30·6.2927)/33 = 5.9024 -> 40·18·0.1829 = 131.7
    # WISMO CES* = (768 + 30·6.2927)/150 = 6.3785 -> 400·4·0.1036 = 165.7
    ranked = table(WISMO, ("refund failed", 40, 18, {1.0: 1, 2.0: 1, 3.0: 1}))
    assert ranked["contact_reason"].to_list() == ["where is my order", "refund failed"]
    assert ranked["priority"].to_list() == pytest.approx([165.7236, 131.7073], abs=1e-4)
    refund = ranked.row(1, named=True)
    assert refund["ces_small_sample"] and refund["ces_n"] == 3
    # its raw CES interval is wide: 2 ± t(2)·1/√3
    half = scipy_stats.t.ppf(0.975, 2) / math.sqrt(3)
    assert (refund["ces_low"], refund["ces_high"]) == pytest.approx((2 - half, 2 + half))


def test_volume_share_and_handle_time_interval_from_raw_contacts():
    # login: 3 contacts of 2, 4 and 6 min -> mean 4, sd 2, 4 ± t(2)·2/√3; billing: 1 contact
    contacts = frame(
        "contacts",
        [
            {
                "opened_at": utc("2024-01-05"),
                "contact_reason": "login",
                "handle_seconds": s,
                "ces_score": None,
            }
            for s in (120.0, 240.0, 360.0)
        ]
        + [
            {
                "opened_at": utc("2024-01-06"),
                "contact_reason": "billing",
                "handle_seconds": None,
                "ces_score": 7.0,
            }
        ],
    )
    ranked = effort_priority({"contacts": contacts}, JAN)
    login = ranked.filter(pl.col("contact_reason") == "login").row(0, named=True)
    half = scipy_stats.t.ppf(0.975, 2) * 2 / math.sqrt(3)
    assert (login["volume"], login["share"]) == (3, 0.75)
    assert login["handle_minutes"] == pytest.approx(4.0)
    assert (login["handle_low"], login["handle_high"]) == pytest.approx((4 - half, 4 + half))
    billing = ranked.filter(pl.col("contact_reason") == "billing").row(0, named=True)
    # billing has no handle time: it borrows the overall mean (4 min); its one CES answer of 7
    # is all there is, so CES* = 7 and struggle 0
    assert billing["handle_minutes"] is None and billing["struggle"] == 0.0
    assert login["basis"] == "volume × handle time × struggle"


def test_effort_scale_counts_high_answers_as_struggle():
    # effort5: 1 = no effort. A reason answered 30 × 5 struggles, one answered 30 × 1 does not
    easy = ("easy", 100, 5, {1.0: 30})
    hard = ("hard", 10, 5, {5.0: 30})
    rows = [row for reason in (easy, hard) for row in counts(*reason)]
    frame_ = pl.DataFrame(rows).with_columns(pl.col("ces_score").cast(pl.Float64))
    ranked = effort_priority(
        {"contact_counts": frame_}, JAN, settings=MetricSettings(ces_scale="effort5")
    )
    # overall = 3; easy CES* = (30 + 90)/60 = 2 -> struggle 0.25; hard CES* = 4 -> 0.75
    assert ranked["struggle"].to_list() == pytest.approx([0.25, 0.75])
    assert ranked["contact_reason"].to_list() == ["easy", "hard"]  # 100·5·.25 > 10·5·.75


def test_without_contacts_it_says_why():
    with pytest.raises(MetricUnavailableError, match="no contacts data"):
        effort_priority({}, JAN)
