"""A source file replaced by garbage: the last good data stays in force, the failure is recorded.

The survey shop's responses come from a CSV file. After a good refresh the
file is replaced three ways a broken export or a half-finished copy leaves
it: random bytes, a file cut off a third of the way through, and rows whose
values are noise. Each time the refresh keeps the first refresh's 120 rows,
records what went wrong in the run log (with the rows it quarantined), and
the dashboard shows the same NPS under a banner naming the source.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from store.runlog import RunLog
from store.snapshots import current_snapshot
from tests.faults.pages import banners, nps_tile, overview
from tests.faults.survey_shop import FIRST, NPS, RESPONSE_COUNT, SurveyShop, survey_shop

NOISE = random.Random(9)


def random_bytes(original: bytes) -> bytes:
    return NOISE.randbytes(6_000)


def cut_off(original: bytes) -> bytes:
    """The header, 40 rows and the start of the 41st: a copy that stopped a third of the way."""
    lines = original.split(b"\n")
    return b"\n".join(lines[:41]) + b"\n" + lines[41][:20]


def noisy_values(original: bytes) -> bytes:
    """Every row keeps its id but its score and time are noise."""
    lines = original.decode().splitlines()
    noisy = [
        f"{line.split(',')[0]},nps,#{i}?,x{i}-{i}-{i},,basic,North"
        for i, line in enumerate(lines[1:])
    ]
    return ("\n".join([lines[0], *noisy]) + "\n").encode()


GARBAGE = {  # rows read, rows quarantined, one of the failures
    random_bytes: (0, 0, "responses.csv is not valid utf-8 text (byte 1, line 1)"),
    cut_off: (41, 0, "row count below 50% of the previous refresh (120 rows; at least 60); got 41"),
    noisy_values: (
        RESPONSE_COUNT,
        RESPONSE_COUNT,
        "only 0% of rows (0 of 120) passed the row checks (at least 50% expected)",
    ),
}


@pytest.fixture
def shop(tmp_path: Path) -> SurveyShop:
    shop = survey_shop(tmp_path / "ws", files=True)
    assert shop.refresh(FIRST).status == "ok"
    return shop


@pytest.mark.parametrize("garble", list(GARBAGE), ids=lambda f: f.__name__)
def test_garbage_keeps_the_last_good_data_and_is_recorded(shop, garble):
    rows_read, quarantined, failure = GARBAGE[garble]
    shop.csv_path.write_bytes(garble(shop.csv_path.read_bytes()))
    report = shop.refresh()
    assert report.status == "partial"
    snapshot = current_snapshot(shop.store)
    entry = snapshot.datasets["responses"]
    assert entry.status == "carried"
    assert any(failure in f for f in entry.failures), entry.failures
    assert snapshot.scan("responses").collect().height == RESPONSE_COUNT
    (history,) = RunLog(shop.store).dataset_history("responses", limit=1)
    assert (history["status"], history["rows_read"]) == ("carried", rows_read)
    assert history["rows_quarantined"] == quarantined
    assert history["failures"] == list(entry.failures)


def test_the_app_keeps_serving_the_last_good_numbers(shop, monkeypatch):
    shop.csv_path.write_bytes(random_bytes(b""))
    shop.refresh()
    at = overview(shop.config, monkeypatch)
    assert nps_tile(at) == f"{NPS:.1f}"
    (banner,) = banners(at)
    assert banner.replace("\\", "") == (
        "**responses** from warehouse: the latest refresh failed (responses.csv is not valid "
        "utf-8 text (byte 1, line 1)); showing the last good data, loaded 01 Nov 2026, 06:00 UTC."
    )
