"""Share links: the page path appears once, defaults stay out, a pin adds the snapshot id."""

from __future__ import annotations

import pytest

from pages.ui.share import link_from
from pages.ui.state import ViewState


@pytest.mark.parametrize(
    "page_url",
    ["http://host:8501/drilldown", "http://host:8501/drilldown/", "http://host:8501"],
)
def test_the_page_path_appears_once_whether_or_not_the_url_has_it(page_url):
    # st.context.url includes the current page's path; a fallback base does not
    link = link_from(ViewState(kpi="csat", split="plan"), page_url, "drilldown")
    assert link == "http://host:8501/drilldown?kpi=csat&split=plan"


def test_the_default_page_and_view_link_to_the_root():
    assert link_from(ViewState(), "http://host:8501/", "") == "http://host:8501/"


def test_a_pinned_relative_view_keeps_last_days_and_adds_the_snapshot():
    view = ViewState(last_days=90, segments={"region": ("North", "South")}, asof="20261101T060000Z")
    link = link_from(view, "https://dash.example.com/bb", "")
    assert link == (
        "https://dash.example.com/bb/?last=90&seg.region=North%2CSouth&asof=20261101T060000Z"
    )
