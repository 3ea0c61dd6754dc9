"""NPS, CSAT and CES against a plain-Python reference on random answers (hypothesis)."""

import math
import statistics
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from metrics.engine import compute_kpis
from metrics.periods import Period
from metrics.settings import MetricSettings

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
START = datetime(2023, 12, 20, tzinfo=UTC)
Z = scipy_stats.norm.ppf(0.975)

answer = st.tuples(
    st.sampled_from(["nps", "csat", "ces"]),
    st.one_of(st.integers(-1, 12).map(float), st.sampled_from([4.5, 0.5, 6.99])),
    st.integers(0, 50 * 24 - 1),  # hours after 20 Dec 2023: some fall outside January
)


def reference(rows, csat_scale=(1, 5), ces_scale=(1, 7)):
    """The KPI definitions written out in plain Python, one answer at a time."""
    in_january = [
        (s, x)
        for s, x, h in rows
        if (START + timedelta(hours=h)).month == 1 and (START + timedelta(hours=h)).year == 2024
    ]

    def valid(survey, low, high):
        return [x for s, x in in_january if s == survey and low <= x <= high and x == int(x)]

    result = {}
    nps = valid("nps", 0, 10)
    if nps:
        p_plus = sum(x >= 9 for x in nps) / len(nps)
        p_minus = sum(x <= 6 for x in nps) / len(nps)
        se = math.sqrt((p_plus + p_minus - (p_plus - p_minus) ** 2) / len(nps)) * 100
        value = 100 * (p_plus - p_minus)
        result["nps"] = (value, value - Z * se, value + Z * se, len(nps))
    csat = valid("csat", *csat_scale)
    if csat:
        n, p = len(csat), sum(x >= csat_scale[1] - 1 for x in csat) / len(csat)
        centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
        half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
        low = 0.0 if p == 0 else centre - half
        high = 1.0 if p == 1 else centre + half
        result["csat"] = (p, low, high, n)
    ces = valid("ces", *ces_scale)
    if ces:
        mean = statistics.fmean(ces)
        if len(ces) > 1:
            half = (
                scipy_stats.t.ppf(0.975, len(ces) - 1) * statistics.stdev(ces) / math.sqrt(len(ces))
            )
            result["ces"] = (mean, mean - half, mean + half, len(ces))
        else:
            result["ces"] = (mean, None, None, 1)
    return result


def as_frame(rows):
    return pl.DataFrame(
        {
            "response_id": [str(i) for i in range(len(rows))],
            "survey": [s for s, _, _ in rows],
            "score": [x for _, x, _ in rows],
            "responded_at": [START + timedelta(hours=h) for _, _, h in rows],
        },
        schema={
            "response_id": pl.Utf8,
            "survey": pl.Utf8,
            "score": pl.Float64,
            "responded_at": pl.Datetime("us", "UTC"),
        },
    )


def check(rows, metric_settings, **scales):
    expected = reference(rows, **scales)
    results = compute_kpis(
        ["nps", "csat", "ces"], {"responses": as_frame(rows)}, JAN, settings=metric_settings
    )
    for result in results:
        if result.kpi.id not in expected:
            assert result.current.value is None and result.missing
            continue
        value, low, high, n = expected[result.kpi.id]
        assert result.current.n == n
        assert result.current.value == pytest.approx(value, abs=1e-9)
        if low is None:
            assert result.current.low is None
        else:
            assert result.current.low == pytest.approx(low, abs=1e-9)
            assert result.current.high == pytest.approx(high, abs=1e-9)
        assert result.current.small_sample == (n < metric_settings.min_sample)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(answer, max_size=80))
def test_survey_kpis_match_the_reference(rows):
    check(rows, MetricSettings())


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(answer, max_size=60), min_sample=st.integers(1, 40))
def test_survey_kpis_match_the_reference_on_other_scales(rows, min_sample):
    scales = MetricSettings(csat_scale=(1, 7), ces_scale="effort5", min_sample=min_sample)
    check(rows, scales, csat_scale=(1, 7), ces_scale=(1, 5))
