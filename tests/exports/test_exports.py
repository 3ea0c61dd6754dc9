"""Exports: CSV that spreadsheets read safely, and slide/PNG/PDF files that really render."""

from __future__ import annotations

import csv
import io
from datetime import date

import plotly.graph_objects as go
import polars as pl
import pytest

from benefitboard.config import load_workspace
from exports import figure_image, overview_slide, table_csv
from exports.slide import SlideStamp
from metrics import MetricSettings, Period, build_registry, compute_kpis
from store import current_snapshot

ROWS = [("Customer benefit", ["nps", "csat", "ces"]), ("Growth", ["new_customers", "revenue"])]
STAMP = SlideStamp(
    "Benefitboard — Executive overview",
    "2 Oct 2026 – 31 Oct 2026",
    "compared with 2 Sep 2026 – 1 Oct 2026",
    "region: <b>North</b>",
    "20261101T060000Z",
    "http://localhost:8501/?from=2026-10-02&to=2026-10-31&seg.region=North",
)


def test_csv_has_a_bom_quotes_text_and_defuses_formulas():
    frame = pl.DataFrame(
        {
            "comment": ["fine", '=HYPERLINK("http://x")', "+1 call me", "@sum"],
            "score": [9, 1, 5, -3],
        }
    )
    data = table_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["comment"] for r in rows] == [
        "fine",
        '\'=HYPERLINK("http://x")',
        "'+1 call me",
        "'@sum",
    ]
    assert [int(r["score"]) for r in rows] == [9, 1, 5, -3]  # numbers are left as they are


@pytest.fixture(scope="module")
def results(demo_workspace):
    workspace = load_workspace(demo_workspace)
    snapshot = current_snapshot(workspace.store_dir)
    frames = {name: frame.collect() for name, frame in snapshot.frames().items()}
    period = Period(date(2026, 10, 2), date(2026, 10, 31))
    computed = compute_kpis(
        [k for _, ids in ROWS for k in ids],
        frames,
        period,
        period.previous(),
        settings=MetricSettings(timezone=workspace.timezone),
        registry=build_registry(workspace.custom_kpis, workspace.targets),
    )
    by_id = {r.kpi.id: r for r in computed}
    return [(title, [by_id[k] for k in ids]) for title, ids in ROWS]


def test_overview_slide_shows_each_value_and_the_stamp(results):
    figure = overview_slide(results, STAMP)
    texts = [a.text for a in figure.layout.annotations]
    for _, row in results:
        for result in row:
            assert f"<b>{result.kpi.format_value(result.current.value)}</b>" in texts
    footer = next(t for t in texts if t.startswith("Filters:"))
    assert "region: &lt;b&gt;North&lt;/b&gt;" in footer  # data text is escaped, not rendered
    assert "Data snapshot 20261101T060000Z" in footer
    assert STAMP.link.replace("&", "&amp;") in footer  # renders as the plain link


@pytest.mark.slow
def test_slide_and_chart_render_to_real_png_and_pdf(results):
    slide = overview_slide(results, STAMP)
    png = figure_image(slide, "png", width=1600, height=900, scale=1)
    pdf = figure_image(slide, "pdf", width=1600, height=900, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert pdf[:5] == b"%PDF-" and len(pdf) > 5_000
    chart = figure_image(go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2])), width=400, height=300)
    width = int.from_bytes(chart[16:20], "big")
    assert chart[:4] == b"\x89PNG" and width == 800  # scale 2 by default: sharp on slides
