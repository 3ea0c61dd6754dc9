"""Every control on every page is in the URL: changing one updates the URL, opening a URL
restores it, and the share panel's link is exactly the URL.

Runs the whole app (app.py and the page, on every run, as the server does; see
``tests.app.full_app``) on the shared demo workspace, whose data ends on
31 October 2026.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import parse_qsl, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.full_app import whole_app

PAGES = (
    "pages/overview.py",
    "pages/benefits.py",
    "pages/growth.py",
    "pages/drilldown.py",
    "pages/verbatims.py",
    "pages/effort.py",
    "pages/feedback.py",
    "pages/data-quality.py",
)
RENAMED = {"pages/data-quality.py"}
"""Pages whose URL path is not their file name (``/data-quality``)."""
PAGE_PARAMS = {"kpi", "split", "dataset"}
"""What a page writes on its own on a first visit (its default selection, so links are exact)."""


def opened(config, monkeypatch, page: str, params: dict[str, str] | None = None) -> AppTest:
    """The app opened at ``page`` with ``params``, as a fresh browser opens a link."""
    at = whole_app(config, monkeypatch)
    if page in RENAMED:  # AppTest finds a page by file name only once st.navigation ran
        ran(at)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.switch_page(page)
    return ran(at)


def ran(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def url(at: AppTest) -> dict[str, str]:
    return {name: str(value) for name, value in at.query_params.items()}


def shared_link(at: AppTest) -> dict[str, str]:
    """The query of the live link the share panel offers."""
    link = at.sidebar.expander[-1].code[0].value
    return dict(parse_qsl(urlparse(link).query))


def select(key: str, value) -> Callable[[AppTest], object]:
    return lambda at: at.selectbox(key=key).set_value(value)


FILTER_STEPS = [
    # (what the user does, what the URL must then say; None: must not say anything)
    (select("filter_period", "Last 90 days"), {"last": "90", "from": None, "to": None}),
    (select("filter_comparison", "year"), {"cmp": "year"}),
    (select("filter_grain", "month"), {"grain": "month"}),
    (
        lambda at: at.multiselect(key="filter_seg_region").set_value(["North", "South"]),
        {"seg.region": "North,South"},
    ),
    (
        select("filter_period", "Custom dates"),
        {"from": "2026-10-02", "to": "2026-10-31", "last": None},
    ),
    (
        lambda at: at.date_input(key="filter_dates").set_value(
            (date(2026, 9, 1), date(2026, 9, 30))
        ),
        {"from": "2026-09-01", "to": "2026-09-30", "last": None},
    ),
    (select("filter_period", "Last 30 days"), {"from": None, "to": None, "last": None}),
]


def assert_url_says(at: AppTest, wanted: dict[str, str | None]) -> None:
    shown = url(at)
    for name, value in wanted.items():
        assert shown.get(name) == value, (name, shown)
    assert shared_link(at) == shown  # the link to copy is the address bar, nothing stale


@pytest.mark.parametrize("page", PAGES)
def test_each_filter_change_goes_into_the_url_and_the_share_link(page, demo_workspace, monkeypatch):
    at = opened(demo_workspace, monkeypatch, page)
    assert set(url(at)) <= PAGE_PARAMS  # the default view: a short link
    expected: dict[str, str | None] = {}
    for change, says in FILTER_STEPS:
        change(at)
        ran(at)
        expected.update(says)
        assert_url_says(at, expected)


FULL_FILTERS = {
    "from": "2026-09-01",
    "to": "2026-09-30",
    "cmp": "year",
    "grain": "month",
    "seg.region": "North",
    "seg.plan": "basic,plus",
}


@pytest.mark.parametrize("page", PAGES)
def test_opening_a_url_restores_every_filter(page, demo_workspace, monkeypatch):
    at = opened(demo_workspace, monkeypatch, page, FULL_FILTERS)
    assert at.selectbox(key="filter_period").value == "Custom dates"
    assert at.date_input(key="filter_dates").value == (date(2026, 9, 1), date(2026, 9, 30))
    assert at.selectbox(key="filter_comparison").value == "year"
    assert at.selectbox(key="filter_grain").value == "month"
    assert at.multiselect(key="filter_seg_region").value == ["North"]
    assert at.multiselect(key="filter_seg_plan").value == ["basic", "plus"]
    assert at.multiselect(key="filter_seg_channel").value == []
    assert_url_says(at, FULL_FILTERS)  # and the page kept them all


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/drilldown.py"])
@pytest.mark.parametrize("days", ["90", "45"])
def test_a_relative_period_stays_relative(page, days, demo_workspace, monkeypatch):
    at = opened(demo_workspace, monkeypatch, page, {"last": days})
    assert at.selectbox(key="filter_period").value == f"Last {days} days"
    assert_url_says(at, {"last": days, "from": None, "to": None})
    assert at.caption[0].value.startswith(
        {"90": "03 Aug 2026 – 31 Oct 2026", "45": "17 Sep 2026 – 31 Oct 2026"}[days]
    )


# ---- each page's own controls ---------------------------------------------------------------


def main_select(at: AppTest, label: str):
    return next(box for box in at.main.selectbox if box.label == label)


PAGE_CONTROLS = {
    "pages/overview.py": [
        (select("trend_kpi", "csat"), {"kpi": "csat"}),
        (select("trend_kpi", "revenue"), {"kpi": "revenue"}),
    ],
    "pages/drilldown.py": [
        (lambda at: at.get("button_group")[0].set_value("csat"), {"kpi": "csat"}),
        (lambda at: main_select(at, "Split by").set_value("region"), {"split": "region"}),
        (
            lambda at: main_select(at, "…and by (heatmap)").set_value("channel"),
            {"split2": "channel"},
        ),
        (lambda at: main_select(at, "…and by (heatmap)").set_value("—"), {"split2": None}),
    ],
    "pages/verbatims.py": [
        (lambda at: main_select(at, "Survey").set_value("nps"), {"kpi": "nps"}),
        (lambda at: main_select(at, "Score").set_value("detractors"), {"band": "detractors"}),
        (lambda at: at.text_input[0].input('late "new carrier"'), {"q": 'late "new carrier"'}),
        (lambda at: main_select(at, "Survey").set_value("all"), {"kpi": None}),
    ],
    "pages/data-quality.py": [
        (
            lambda at: at.selectbox(key="data_quality_dataset").set_value("prices"),
            {"dataset": "prices"},
        ),
    ],
    "pages/effort.py": [
        (lambda at: at.button[0].click(), {"reason": None}),  # "Close this reason"
    ],
    "pages/feedback.py": [
        (lambda at: at.button[0].click(), {"theme": None}),  # "All themes"
    ],
}
START = {
    "pages/effort.py": {"reason": "refund request"},
    "pages/feedback.py": {"theme": "dark mode"},
}


@pytest.mark.parametrize("page", sorted(PAGE_CONTROLS))
def test_each_page_control_goes_into_the_url(page, demo_workspace, monkeypatch):
    at = opened(demo_workspace, monkeypatch, page, START.get(page))
    expected: dict[str, str | None] = {}
    for change, says in PAGE_CONTROLS[page]:
        change(at)
        ran(at)
        expected.update(says)
        assert_url_says(at, expected)


RESTORED = {
    "pages/overview.py": ({"kpi": "ces"}, lambda at: at.selectbox(key="trend_kpi").value == "ces"),
    "pages/drilldown.py": (
        {"kpi": "ces", "split": "channel", "split2": "plan"},
        lambda at: (
            (
                at.get("button_group")[0].value,
                main_select(at, "Split by").value,
                main_select(at, "…and by (heatmap)").value,
            )
            == ("ces", "channel", "plan")
        ),
    ),
    "pages/verbatims.py": (
        {
            "from": "2025-11-01",
            "to": "2026-10-31",
            "kpi": "csat",
            "band": "promoters",
            "q": "fast",
            "p": "2",
        },
        lambda at: (
            (
                main_select(at, "Survey").value,
                main_select(at, "Score").value,
                at.text_input[0].value,
            )
            == ("csat", "promoters", "fast")
            and any("page 2 of" in c.value.lower() for c in at.caption)
        ),
    ),
    "pages/effort.py": (
        {"reason": "refund request"},
        lambda at: any(s.value == "Contact reason: refund request" for s in at.subheader),
    ),
    "pages/feedback.py": (
        {"theme": "dark mode"},
        lambda at: any(h.value == "Theme: dark mode" for h in at.header),
    ),
    "pages/data-quality.py": (
        {"dataset": "prices"},
        lambda at: at.selectbox(key="data_quality_dataset").value == "prices",
    ),
}


@pytest.mark.parametrize("page", sorted(RESTORED))
def test_opening_a_url_restores_the_page_controls(page, demo_workspace, monkeypatch):
    params, restored = RESTORED[page]
    at = opened(demo_workspace, monkeypatch, page, params)
    assert restored(at)
    assert_url_says(at, params)
