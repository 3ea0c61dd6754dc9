"""NPS, CSAT and CES through the engine, on hand-checkable fixtures."""

import math
from datetime import date

import polars as pl
import pytest
from scipy import stats as scipy_stats

from metrics.engine import compute_kpi
from metrics.periods import Period
from metrics.settings import MetricSettings
from tests.metrics.fixtures import nps_answers, responses

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
DEC = Period(date(2023, 12, 1), date(2023, 12, 31))
Z95 = 1.959963984540054


def nps(data, period=JAN, comparison=None, **kwargs):
    return compute_kpi("nps", data, period, comparison, **kwargs)


def test_nps_by_hand_with_published_interval():
    # scores 10 10 9 9 9 | 8 7 | 6 3 0 -> 5 promoters, 2 passives, 3 detractors of 10
    # NPS = 100 × (0.5 − 0.3) = 20; SE = sqrt((0.5 + 0.3 − 0.2²)/10) × 100 = 27.5681
    result = nps({"responses": nps_answers([10, 10, 9, 9, 9, 8, 7, 6, 3, 0])})
    se = math.sqrt((0.5 + 0.3 - 0.2**2) / 10) * 100
    assert result.current.value == pytest.approx(20.0, abs=1e-9)
    assert abs(result.current.low - (20 - Z95 * se)) < 1e-9
    assert abs(result.current.high - (20 + Z95 * se)) < 1e-9
    assert result.current.n == 10 and result.current.small_sample
    shares = {k: v.value for k, v in result.breakdown.items()}
    assert shares == pytest.approx({"promoters": 0.5, "passives": 0.2, "detractors": 0.3})
    assert result.missing is None


def test_all_promoters():
    # 5 × 10: NPS 100, SE = sqrt((1 + 0 − 1)/5) = 0 -> interval [100, 100]
    result = nps({"responses": nps_answers([10, 10, 9, 10, 9])})
    assert (result.current.value, result.current.low, result.current.high) == (100.0, 100.0, 100.0)


def test_a_single_response():
    # one 3: NPS −100 from n = 1, flagged small
    result = nps({"responses": nps_answers([3])})
    assert result.current.value == -100.0 and result.current.n == 1
    assert result.current.small_sample


def test_no_responses_in_the_period_is_missing_not_zero():
    result = nps({"responses": nps_answers([9, 10], day="2023-06-01")})
    assert result.current.value is None and result.current.n == 0
    assert result.missing == "no NPS data between 2024-01-01 and 2024-01-31"
    assert result.status == "none"


def test_out_of_scale_scores_never_reach_the_kpi():
    # 11, 4.5 and −1 are not NPS answers: ignored, counted in the note; NPS of [10, 0] = 0
    result = nps({"responses": nps_answers([10, 0, 11, 4.5, -1])})
    assert result.current.value == 0.0 and result.current.n == 2
    assert result.current.note == "3 out-of-scale values ignored"


def test_only_out_of_scale_scores_is_missing_with_the_reason():
    result = nps({"responses": nps_answers([11, 12])})
    assert result.current.value is None
    assert "2 out-of-scale values ignored" in result.missing


def test_nps_change_up_when_significant():
    # Jan 60 P / 20 D of 100 (NPS 40, SE 8); Dec 30 P / 40 D of 100 (NPS −10, SE sqrt(69))
    # z = 50 / sqrt(133) = 4.34 -> p = 1.45e-5: "up"
    jan = nps_answers([10] * 60 + [8] * 20 + [0] * 20, day="2024-01-10")
    dec = nps_answers([10] * 30 + [8] * 30 + [0] * 40, day="2023-12-10")
    result = nps({"responses": pl.concat([jan, dec])}, comparison=DEC)
    assert result.previous.value == pytest.approx(-10.0)
    assert result.change.delta == pytest.approx(50.0)
    expected_p = 2 * scipy_stats.norm.sf(50 / math.sqrt(133))
    assert result.change.p_value == pytest.approx(expected_p, rel=1e-9)
    assert result.change.word == "up" and result.change.significant


def test_nps_change_that_could_be_noise_is_not_called():
    # Jan 12 P / 8 D of 30 (NPS 13.3); Dec 10 P / 10 D of 30 (NPS 0): z ≈ 0.56
    jan = nps_answers([9] * 12 + [7] * 10 + [2] * 8, day="2024-01-10")
    dec = nps_answers([9] * 10 + [7] * 10 + [2] * 10, day="2023-12-10")
    result = nps({"responses": pl.concat([jan, dec])}, comparison=DEC)
    assert result.change.delta == pytest.approx(40 / 3)
    assert result.change.word == "no significant change" and not result.change.significant


def test_no_comparison_data():
    result = nps({"responses": nps_answers([9, 10])}, comparison=DEC)
    assert result.previous.value is None and result.previous.n == 0
    assert result.change.word == "no comparison data" and result.change.delta is None


def test_csat_top_two_box_on_1_to_5():
    # 5 5 4 3 2 1 4 5 -> top-2 (4–5) = 5 of 8 = 0.625, Wilson [0.305742, 0.863156]; the 6 and
    # the 0 are not on the 1–5 scale
    data = {
        "responses": responses(*(("csat", s, "2024-01-05") for s in [5, 5, 4, 3, 2, 1, 4, 5, 6, 0]))
    }
    result = compute_kpi("csat", data, JAN, None)
    assert result.current.value == 0.625 and result.current.n == 8
    assert result.current.low == pytest.approx(0.305742, abs=1e-6)
    assert result.current.high == pytest.approx(0.863156, abs=1e-6)
    assert result.current.note == "2 out-of-scale values ignored"
    assert result.kpi.format_value(result.current.value) == "62.5%"


def test_csat_on_a_7_point_scale_counts_6_and_7():
    # 7 6 5 7 1 on 1–7 -> top-2 = {6, 7}: 3 of 5 = 0.6
    data = {"responses": responses(*(("csat", s, "2024-01-05") for s in [7, 6, 5, 7, 1]))}
    result = compute_kpi("csat", data, JAN, None, settings=MetricSettings(csat_scale=(1, 7)))
    assert result.current.value == 0.6 and result.current.n == 5


def test_csat_mean_stars_with_t_interval_on_1_to_5_and_1_to_10():
    # 5 5 4 3 2 1 4 5 on 1–5 -> mean 29/8 = 3.625, sd = 1.5980, t(7) interval; the 6 and the 0
    # are off the scale. Target 1 + 0.75 × 4 = 4.0.
    scores = [5.0, 5.0, 4.0, 3.0, 2.0, 1.0, 4.0, 5.0]
    data = {"responses": responses(*(("csat", s, "2024-01-05") for s in [*scores, 6, 0]))}
    result = compute_kpi("csat_mean", data, JAN, None)
    mean = 29 / 8
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / 7)
    half = scipy_stats.t.ppf(0.975, 7) * sd / math.sqrt(8)
    assert result.current.value == pytest.approx(3.625, abs=1e-12) and result.current.n == 8
    assert (result.current.low, result.current.high) == pytest.approx((mean - half, mean + half))
    assert result.current.note == "2 out-of-scale values ignored"
    assert result.kpi.format_value(result.current.value) == "3.6"
    assert result.target == 4.0
    # 10 9 3 on 1–10 -> mean 22/3; the 0 is off that scale. Target 1 + 0.75 × 9 = 7.75.
    ten = {"responses": responses(*(("csat", s, "2024-01-05") for s in [10, 9, 3, 0]))}
    on_ten = compute_kpi("csat_mean", ten, JAN, None, settings=MetricSettings(csat_scale=(1, 10)))
    assert on_ten.current.value == pytest.approx(22 / 3) and on_ten.current.n == 3
    assert on_ten.target == 7.75


def test_ces_mean_with_t_interval_and_easy_share():
    # 7 6 5 2 1 7 -> mean 28/6 = 4.667, sd = 2.503, t(5) interval; easy (5–7) = 4/6
    scores = [7.0, 6.0, 5.0, 2.0, 1.0, 7.0]
    data = {"responses": responses(*(("ces", s, "2024-01-05") for s in scores))}
    result = compute_kpi("ces", data, JAN, None)
    mean = 28 / 6
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / 5)
    half = scipy_stats.t.ppf(0.975, 5) * sd / math.sqrt(6)
    assert result.current.value == pytest.approx(mean, abs=1e-12)
    assert (result.current.low, result.current.high) == pytest.approx((mean - half, mean + half))
    assert result.breakdown["easy_share"].value == pytest.approx(4 / 6)
    assert result.kpi.direction == "higher"
    easy = compute_kpi("ces_easy_share", data, JAN, None)
    assert easy.current.value == pytest.approx(4 / 6)


def test_ces_on_the_effort_scale_flips_direction():
    # 1 2 2 5 4 on 1–5 effort (lower is better): mean 14/5 = 2.8; easy (1–2) = 3/5; a 7 is
    # off this scale
    data = {"responses": responses(*(("ces", s, "2024-01-05") for s in [1, 2, 2, 5, 4, 7]))}
    effort = MetricSettings(ces_scale="effort5")
    result = compute_kpi("ces", data, JAN, None, settings=effort)
    assert result.current.value == pytest.approx(2.8) and result.current.n == 5
    assert result.kpi.direction == "lower" and result.target == 2.0
    assert result.breakdown["easy_share"].value == pytest.approx(0.6)
    # 2.8 misses the 2.0 target by 40%, but with sd = sqrt(2.7) the t interval is
    # 2.8 ± 2.776·1.643/√5 = [0.76, 4.84], which still reaches 2.0: amber, not red
    assert result.status == "amber"
