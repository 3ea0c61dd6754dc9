"""URL state: links round-trip, and bad parameters are reported and ignored."""

from __future__ import annotations

from datetime import date

import pytest

from pages.ui.state import MAX_NOTICES, ViewState, parse_view, view_to_params, within_data

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
        "dataset": "responses",
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
        # digits that are not 0–9: int() refuses the first two, and reads the last two
        ({"last": "²"}, "expected a number of days"),
        ({"last": "①"}, "expected a number of days"),
        ({"last": "３０"}, "expected a number of days"),
        ({"last": "٣"}, "expected a number of days"),
        ({"p": "²"}, "expected a page number"),
        ({"rotate": "²"}, "expected 10 to 3600 seconds"),
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


def test_a_parameter_given_twice_with_different_values_is_ignored():
    view, notices = parse_view({"cmp": ["year", "none"], "grain": ["month", "month"]})
    assert view.comparison == "previous" and view.grain == "month"
    assert notices == ["Ignored 'cmp': it is given 2 times."]


def test_a_flood_of_bad_parameters_gives_a_few_notices_and_a_count():
    _, notices = parse_view({f"junk{i}": "1" for i in range(50)})
    assert len(notices) == MAX_NOTICES
    assert notices[-1] == "Ignored 46 more problems in the link."


@pytest.mark.parametrize("name", ["reason", "theme", "q"])
def test_free_text_with_control_or_direction_characters_is_ignored(name):
    view, notices = parse_view({name: "\u202eNorth"})
    assert notices == [f"Ignored '{name}': it contains control characters."]
    assert view == ViewState()


def test_page_is_not_a_parameter():
    _, notices = parse_view({"page": "2"})
    assert notices == ["Ignored unknown parameter 'page'."]


@pytest.mark.parametrize(
    ("start", "end", "kept"),
    [
        (date(2026, 9, 1), date(2026, 9, 30), True),
        (date(2023, 1, 1), date(2026, 10, 31), True),
        (date(2022, 12, 31), date(2023, 1, 31), False),
        (date(2026, 10, 1), date(2026, 11, 1), False),
        (date(2030, 1, 1), date(2030, 1, 31), False),
    ],
)
def test_a_pinned_period_outside_the_data_falls_back_to_the_default(start, end, kept):
    view = ViewState(start=start, end=end, last_days=None)
    checked, notices = within_data(view, date(2023, 1, 1), date(2026, 10, 31))
    assert (checked == view) is kept
    if not kept:
        assert (checked.start, checked.last_days) == (None, 30)
        assert notices == ["Ignored the period: the data covers 2023-01-01 to 2026-10-31."]


def test_a_relative_period_is_always_within_the_data():
    assert within_data(ViewState(last_days=90), date(2026, 1, 1), date(2026, 1, 2)) == (
        ViewState(last_days=90),
        [],
    )
