"""Shared chart vocabulary: axis formats like the tiles, safe text, events that don't overlap."""

from datetime import date

import plotly.graph_objects as go
import polars as pl

from charts.style import add_events, axis_format, chart_text, for_screen, money
from metrics.registry import DEFAULT_REGISTRY


def test_axes_read_like_the_tiles():
    registry = DEFAULT_REGISTRY
    assert axis_format(registry.get("on_time_rate")) == {"tickformat": ".1~%"}
    assert axis_format(registry.get("delivery_p50_hours"))["ticksuffix"] == " h"
    assert axis_format(registry.get("revenue"), "USD") == {"tickformat": ",.0f", "tickprefix": "$"}
    assert money(-1234.4, "GBP") == "−£1,234"


def test_text_from_data_cannot_become_markup():
    assert (
        chart_text('<a href="javascript:x">go</a>') == '&lt;a href="javascript:x"&gt;go&lt;/a&gt;'
    )
    assert chart_text("a\nb  c") == "a b c"


def test_events_close_together_are_stacked_and_late_ones_anchor_left_of_their_line():
    events = pl.DataFrame(
        {
            "date": [date(2026, 1, 10), date(2026, 1, 20), date(2026, 12, 20)],
            "title": ["Release A", "Programme B", "Incident C"],
            "kind": ["release", "programme", "incident"],
        }
    )
    fig = go.Figure()
    drawn = add_events(fig, events, date(2026, 1, 1), date(2026, 12, 31))
    assert drawn == 3
    shifts = {a.text: a.yshift for a in fig.layout.annotations}
    assert shifts["Release A"] != shifts["Programme B"]
    anchors = {a.text: a.xanchor for a in fig.layout.annotations}
    assert anchors == {"Release A": "left", "Programme B": "left", "Incident C": "right"}
    assert add_events(go.Figure(), None, date(2026, 1, 1), date(2026, 12, 31)) == 0


def test_the_screen_version_has_larger_type():
    fig = for_screen(go.Figure().add_scatter(x=[1], y=[1]))
    assert fig.layout.font.size >= 20
