"""Downloads in the running app: who gets them, that a render makes no file, and what the files hold.

Downloads are deferred: a page hands ``st.download_button`` a callable that
Streamlit runs only on a click. The tests record those callables as the page
registers them (``MediaFileManager.add_deferred``, Streamlit's own hook) and
run them the way a click does, so the files checked are the ones a user gets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import exports.images
import exports.slide
import exports.tables
import store.pins
from benefitboard.config import load_workspace
from metrics.engine import kpi_by_segment
from metrics.what_changed import what_changed
from store.snapshots import current_snapshot
from tests.app.test_access_app import app_for, guarded_workspace  # noqa: F401 (a fixture)
from tests.app.test_drilldown_app import COMPARISON, PERIOD, engine
from tests.app.test_drilldown_app import run as opened

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ANALYST = {"is_logged_in": True, "email": "pm@shop.example"}
VIEWER = {"is_logged_in": True, "email": "ceo@shop.example"}
PAGES = (
    "pages/overview.py",
    "pages/benefits.py",
    "pages/growth.py",
    "pages/drilldown.py",
    "pages/effort.py",
    "pages/feedback.py",
)


@dataclass(frozen=True)
class Download:
    label: str
    file_name: str
    make: Callable[[], bytes]


@pytest.fixture
def registered(monkeypatch) -> dict[str, tuple[str, Callable]]:
    """Every deferred download the app registers: file id -> (file name, callable)."""
    found: dict[str, tuple[str, Callable]] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        found[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


@pytest.fixture
def app(demo_workspace, monkeypatch) -> AppTest:
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(demo_workspace))
    return AppTest.from_file(APP, default_timeout=90)


def downloads(at: AppTest, registered: dict) -> list[Download]:
    """The download buttons on screen, each with the file it makes when clicked."""
    shown = []
    for button in at.get("download_button"):
        file_id = button.proto.deferred_file_id
        assert file_id, f"{button.label!r} builds its file on every render, not on a click"
        name, make = registered[file_id]
        shown.append(Download(button.label, name, make))
    return shown


def labelled(at: AppTest, registered: dict, label: str) -> list[Download]:
    return [d for d in downloads(at, registered) if d.label == label]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The CSV as a spreadsheet reads it: BOM dropped, formula-defusing apostrophes removed."""
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    return [
        {k: v[1:] if v[:2] in ("'=", "'+", "'-", "'@") else v for k, v in row.items()}
        for row in rows
    ]


def page_rows(frame) -> list[dict[str, str]]:
    """A table shown on the page (pandas, from AppTest) as strings, the way CSV holds them."""
    return [
        {k: "" if v is None else str(v) for k, v in row.items()} for row in frame.to_dict("records")
    ]


@pytest.mark.parametrize("page", PAGES)
def test_an_analyst_gets_a_png_under_every_chart_and_a_csv_under_every_table(app, registered, page):
    at = opened(app, page)
    assert len(at.get("plotly_chart")) >= 1
    assert len(labelled(at, registered, "PNG")) == len(at.get("plotly_chart"))
    assert len(labelled(at, registered, "CSV")) == len(at.dataframe)


def test_a_viewer_gets_charts_but_no_downloads(guarded_workspace, monkeypatch):  # noqa: F811
    for page in ("pages/overview.py", "pages/growth.py", "pages/drilldown.py"):
        at = app_for(guarded_workspace, monkeypatch, VIEWER)
        at.run()
        at.switch_page(page).run()
        assert not at.exception
        assert len(at.get("plotly_chart")) >= 1, page
        assert [b.label for b in at.get("download_button")] == [], page


def test_a_signed_in_analyst_gets_the_downloads(guarded_workspace, monkeypatch, registered):  # noqa: F811
    at = app_for(guarded_workspace, monkeypatch, ANALYST)
    at.run()
    assert not at.exception
    labels = [d.label for d in downloads(at, registered)]
    assert labels.count("PNG") == len(at.get("plotly_chart")) >= 1
    assert "Slide (PDF)" in labels and "Slide (PNG)" in labels


def test_the_leadership_screen_offers_no_downloads(app):
    at = opened(app, "pages/overview.py", screen="1")
    assert len(at.metric) >= 8
    assert [b.label for b in at.get("download_button")] == []


def test_a_render_exports_nothing_until_a_click(app, registered, monkeypatch):
    calls: list[str] = []
    for module, name in (
        (exports.images, "chart_image"),
        (exports.tables, "table_csv"),
        (exports.slide, "slide_file"),
    ):
        monkeypatch.setattr(module, name, _counted(getattr(module, name), name, calls))
    at = opened(app, "pages/drilldown.py")
    at.run()  # a rerun, as every click elsewhere on the page causes
    offered = downloads(at, registered)
    assert {d.label for d in offered} == {"PNG", "CSV"}
    assert calls == []  # nothing rendered or encoded: the buttons only hold callables
    next(d for d in offered if d.label == "CSV").make()
    assert calls == ["table_csv"]


def _counted(function, name: str, calls: list[str]):
    def call(*args, **kwargs):
        calls.append(name)
        return function(*args, **kwargs)

    return call


def test_the_what_changed_csv_holds_the_table_on_the_page_and_the_engines_numbers(
    app, registered, demo_workspace
):
    at = opened(app, "pages/drilldown.py", split="region")
    shown = page_rows(at.dataframe[0].value)
    (download,) = labelled(at, registered, "CSV")
    assert download.file_name == "what-changed-nps-2026-10-02-2026-10-31.csv"
    rows = csv_rows(download.make())
    assert rows == shown  # same columns, same order, same values as the page
    assert list(rows[0]) == [
        "segment",
        "value",
        "contribution",
        "rate effect",
        "mix effect",
        "before",
        "now",
        "answers",
    ]
    frames, settings, registry, _ = engine(demo_workspace)
    kpi = registry.get("nps")
    region = kpi_by_segment(
        "nps", frames, PERIOD, "region", comparison=COMPARISON, settings=settings, registry=registry
    )
    segments = what_changed(region, "nps").segments
    in_csv = {r["value"]: r for r in rows if r["segment"] == "region"}
    assert set(in_csv) == set(segments["segment"])
    for engine_row in segments.iter_rows(named=True):
        row = in_csv[engine_row["segment"]]
        assert row["answers"] == f"{engine_row['previous_n']} → {engine_row['n']}"
        assert row["now"] == kpi.format_value(engine_row["value"])
        assert row["contribution"] == kpi.format_delta(engine_row["contribution"])


def test_the_growth_channel_csv_is_the_channel_table(app, registered):
    at = opened(app, "pages/growth.py")
    (download,) = labelled(at, registered, "CSV")
    rows = csv_rows(download.make())
    assert rows == page_rows(at.dataframe[0].value)
    assert [r["Channel"] for r in rows] and all(r["New customers"] for r in rows)


@pytest.mark.slow
def test_chart_png_and_overview_slides_are_real_files_stamped_with_the_view(
    app, registered, monkeypatch, demo_workspace
):
    pins: list[tuple] = []
    monkeypatch.setattr(store.pins, "pin_snapshot", lambda *args: pins.append(args))
    stamps: list[exports.slide.SlideStamp] = []
    real_slide_file = exports.slide.slide_file

    def slide_file(rows, stamp, fmt):
        stamps.append(stamp)
        return real_slide_file(rows, stamp, fmt)

    monkeypatch.setattr(exports.slide, "slide_file", slide_file)
    at = opened(app, "pages/overview.py", seg__region="North")
    snapshot = current_snapshot(load_workspace(demo_workspace).store_dir)

    chart = labelled(at, registered, "PNG")[0]
    assert chart.file_name == "nps-by-week-2026-10-02-2026-10-31.png"
    png = chart.make()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1280, 720)  # the chart's 360 px height, 16:9, at 2×

    (pdf_button,) = labelled(at, registered, "Slide (PDF)")
    (png_button,) = labelled(at, registered, "Slide (PNG)")
    assert pdf_button.file_name == "executive-overview-2026-10-02-2026-10-31.pdf"
    pdf = pdf_button.make()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    slide = png_button.make()
    assert slide.startswith(PNG_SIGNATURE)
    assert int.from_bytes(slide[16:20], "big") == 3200

    stamp = stamps[0]
    assert stamp.period == "02 Oct 2026 – 31 Oct 2026"
    assert stamp.comparison == "compared with 02 Sep 2026 – 01 Oct 2026"
    assert stamp.filters == "region: North"
    assert stamp.snapshot == snapshot.id
    assert f"asof={snapshot.id}" in stamp.link and "seg.region=North" in stamp.link
    assert pins and all(args[1] == snapshot.id for args in pins)  # the pinned link will work


def test_the_slide_shows_the_tiles_numbers(app, registered, monkeypatch):
    shown: list = []
    monkeypatch.setattr(
        exports.slide, "slide_file", lambda rows, stamp, fmt: shown.append(rows) or b""
    )
    monkeypatch.setattr(store.pins, "pin_snapshot", lambda *args: None)
    at = opened(app, "pages/overview.py")
    labelled(at, registered, "Slide (PDF)")[0].make()
    (rows,) = shown
    on_slide = {r.kpi.label: r.kpi.format_value(r.current.value) for _, rs in rows for r in rs}
    on_tiles = {m.label: m.value for m in at.metric}
    assert len(on_slide) == len(on_tiles) >= 8
    assert on_slide == on_tiles
