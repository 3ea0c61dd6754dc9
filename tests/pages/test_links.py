"""Drill-down clicks: which view a click opens, and what a selection event holds."""

from pages.ui.links import clicked, drill_into, url_key
from pages.ui.state import ViewState, view_to_params

SEGMENTS = ["plan", "region", "channel"]


def test_drilling_into_a_segment_filters_to_it_and_splits_by_the_next_one():
    view = ViewState(split="region", split2="plan", page_number=4, kpi="csat")
    drilled = drill_into(view, SEGMENTS, "region", "North")
    assert dict(drilled.segments) == {"region": ("North",)}
    assert (drilled.split, drilled.split2, drilled.page_number, drilled.kpi) == (
        "plan",
        None,
        1,
        "csat",
    )
    assert view_to_params(drilled) == {"seg.region": "North", "kpi": "csat", "split": "plan"}


def test_drilling_deeper_keeps_earlier_filters_and_stops_when_every_segment_is_used():
    view = ViewState(segments={"region": ("North",)}, split="plan")
    deeper = drill_into(view, SEGMENTS, "plan", "basic")
    assert dict(deeper.segments) == {"region": ("North",), "plan": ("basic",)}
    assert deeper.split == "channel"
    last = drill_into(deeper, SEGMENTS, "channel", "app")
    assert last.split == "channel"  # nothing left to split by: stay on the last segment


def test_a_selection_event_gives_the_clicked_points_custom_data():
    event = {"selection": {"points": [{"x": "North", "customdata": ["North"]}]}}
    assert clicked(event) == "North"
    assert clicked({"selection": {"points": [{"customdata": "plain"}]}}) == "plain"
    assert (
        clicked({"selection": {"points": [{"customdata": [None]}, {"customdata": ["W"]}]}}) == "W"
    )
    assert clicked({"selection": {"points": []}}) is None
    assert clicked(None) is None


def test_widget_keys_follow_the_urls_value():
    assert url_key("drill_split", "region") != url_key("drill_split", "plan")
