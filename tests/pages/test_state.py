"""URL state: links round-trip, and bad parameters are reported and ignored."""

from __future__ import annotations

from datetime import date

import pytest

from pages.ui.state import ViewState, parse_view, view_to_params

SEGMENTS = {"region": ["East", "North", "South", "West"], "plan": ["basic", "plus", "pro"]}


def test_defaults_when_the_url_is_empty():
    view, notices = parse_view({})
    assert view == ViewState()
    assert notices == []
    assert view_to_params(view) == {}


def test_a_full_link_round_trips():
    params = {
        "from": "2026-09-01",
        "to": "2026-09-30",
        "cmp": "year",
        "grain": "month",
        "seg.region": "North,South",
        "asof": "20261101T060000Z",
        "kpi": "nps",
        "screen": "1",
        "split": "region",
        "split2": "plan",
        "reason": "plan correction",
        "theme": "referrals",
        "q": "late delivery",
        "band": "detractors",
        "p": "3",
        "rotate": "60",
        "show": "overview,benefits",
    }
    view, notices = parse_view(params, segment_values=SEGMENTS, kpis=["nps", "csat"])
    assert notices == []
    assert (view.start, view.end) == (date(2026, 9, 1), date(2026, 9, 30))
    assert view.segments == {"region": ("North", "South")}
    assert view.screen is True
    assert view_to_params(view) == params


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"from": "2026-13-45", "to": "2026-12-01"}, r"'from': '2026\-13\-45' is not a date"),
        ({"from": "2026-10-01", "to": "2026-09-01"}, "'from' is after 'to'"),
        ({"from": "2026-10-01"}, "needs both 'from' and 'to'"),
        ({"cmp": "lastweek"}, "Ignored 'cmp'"),
        ({"grain": "hour"}, "Ignored 'grain'"),
        ({"kpi": "nps'; DROP TABLE x;--"}, "unknown KPI"),
        ({"kpi": "churn_magic"}, r"unknown KPI 'churn\_magic'"),
        ({"seg.region": "Atlantis"}, "region value(s) not in the data: Atlantis"),
        ({"seg.planet": "Mars"}, "no such segment"),
        ({"asof": "../../etc/passwd"}, "not a snapshot id"),
        ({"last": "-5"}, "expected a number of days"),
        ({"utm_source": "mail"}, r"unknown parameter 'utm\_source'"),
        ({"kpi": "x" * 10_000}, "too long"),
        ({"split": "planet"}, "no such segment"),
        ({"band": "angry"}, "Ignored 'band'"),
        ({"p": "0"}, "expected a page number"),
        ({"rotate": "1"}, "expected 10 to 3600 seconds"),
        ({"show": "../etc"}, "not a list of pages"),
        ({"q": "a" * 150}, "at most 120 characters"),
    ],
)
def test_bad_parameters_are_reported_and_fall_back_to_defaults(params, notice):
    view, notices = parse_view(params, segment_values=SEGMENTS, kpis=["nps", "csat"])
    assert any(notice in n for n in notices), notices
    assert view.kpi is None and view.start is None and view.asof is None
    assert view.segments == {}


def test_notices_echo_input_shortened_and_printable():
    _, notices = parse_view({"cmp": "<script>alert(1)</script>\n" + "a" * 100})
    assert len(notices) == 1
    assert "\n" not in notices[0]
    assert "…" in notices[0]


def test_notices_neutralise_markdown_links():
    _, notices = parse_view({"cmp": "[click](javascript:alert(1))"})
    assert r"\[click\]\(javascript\:alert\(1\)\)" in notices[0]
