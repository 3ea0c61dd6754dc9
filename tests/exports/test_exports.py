"""Exports: CSV that spreadsheets read safely, and slide/PNG/PDF files that really render."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import plotly.graph_objects as go
import polars as pl
import pytest

from benefitboard.config import load_workspace
from exports.images import chart_image, figure_image
from exports.slide import SlideStamp, overview_slide, slide_file
from exports.tables import table_csv
from metrics.engine import compute_kpis
from metrics.periods import Period
from metrics.registry import build_registry
from metrics.settings import MetricSettings
from store.snapshots import current_snapshot

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


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1_000
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_csv_keeps_signed_numbers_as_numbers_and_defuses_the_rest():
    shown = ["+2.5", "-3", "+12.5%", "+1,204", "+2.5 pp", "-1+2", "−0.4"]  # as pages format
    data = table_csv(pl.DataFrame({"change": shown}))
    cells = [r["change"] for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))]
    assert cells == ["+2.5", "-3", "+12.5%", "+1,204", "'+2.5 pp", "'-1+2", "−0.4"]


def test_csv_defuses_categorical_and_enum_text_too():
    frame = pl.DataFrame(
        {
            "theme": pl.Series(["=cmd()", "delivery"], dtype=pl.Categorical),
            "status": pl.Series(["@x", "new"], dtype=pl.Enum(["@x", "new"])),
        }
    )
    rows = list(csv.DictReader(io.StringIO(table_csv(frame).decode("utf-8-sig"))))
    assert [(r["theme"], r["status"]) for r in rows] == [("'=cmd()", "'@x"), ("delivery", "new")]


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


@pytest.mark.slow
def test_a_chart_exports_white_at_its_page_height_and_the_page_figure_is_untouched():
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"height": 360})
    assert png_size(chart_image(figure)) == (1280, 720)  # 16:9 of 360 px, at 2×
    tall = go.Figure(go.Bar(x=["a"], y=[1]), layout={"height": 1000})
    assert png_size(chart_image(tall)) == (2800, 2000)  # width capped at 1400 px
    assert figure.layout.paper_bgcolor is None and figure.layout.margin.l is None  # untouched


@pytest.mark.slow
def test_concurrent_exports_each_get_their_own_image():
    """Two analysts clicking at once: kaleido's shared server must not swap their images."""
    heights = [360, 400, 450, 500, 540, 600]  # widths 640–1067 px: inside the range
    figures = [go.Figure(go.Scatter(y=[1, 2]), layout={"height": h}) for h in heights]
    with ThreadPoolExecutor(max_workers=len(figures)) as pool:
        sizes = list(pool.map(lambda f: png_size(chart_image(f)), figures))
    assert sizes == [(2 * round(h * 16 / 9), 2 * h) for h in heights]


@pytest.mark.slow
def test_slide_files_are_pdf_and_png_at_slide_size(results):
    assert slide_file(results, STAMP, "pdf")[:5] == b"%PDF-"
    assert png_size(slide_file(results, STAMP, "png")) == (3200, 1800)
    with pytest.raises(ValueError, match="pdf"):
        slide_file(results, STAMP, "svg")
