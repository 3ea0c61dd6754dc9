"""Qualtrics response export (three header rows) to NPS.

fixtures/qualtrics_nps.csv follows Qualtrics' "Understanding Your Dataset" page
(fixtures/README.md says more): field IDs, question texts, ImportId JSON with the
dates' time zone, then one row per response.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.engine import compute_kpi
from tests.connectors.formats.workspace import MAY_2026, read, workspace

QUALTRICS = 'path = "qualtrics_nps.csv"\nformat = "qualtrics"\ncolumns = { score = "Q1", comment = "Q2" }\nsegments = ["Plan"]'


def test_a_qualtrics_export_reads_as_nps_answers(tmp_path):
    rows = read(workspace(tmp_path, "responses", QUALTRICS, "qualtrics_nps.csv"), "responses")
    # 10 responses: R_1aXk07 is a survey preview, R_1aXk08 stopped before Q1 (40 %),
    # R_1aXk10 skipped it: left out. R_1aXk09 is partial (60 %) but answered Q1: kept.
    assert rows["response_id"].to_list() == [f"R_1aXk0{i}" for i in (1, 2, 3, 4, 5, 6, 9)]
    assert rows["_source_row"].to_list() == [1, 2, 3, 4, 5, 6, 9]  # data rows after the 3 headers
    assert rows["score"].to_list() == [10, 9, 8, 7, 6, 3, 9]
    assert set(rows["survey"]) == {"nps"}  # from the Q1_NPS_GROUP column beside Q1
    # ExternalReference, else the recipient's e-mail (R_1aXk04 has no reference)
    assert rows["customer_id"].to_list()[:4] == ["C001", "C002", "C003", "dana@example.com"]
    assert rows["comment"][5] == "Late, and the box was damaged"
    assert rows["Plan"].to_list()[:2] == ["Pro", "Basic"]
    # RecordedDate 2026-05-04 10:15:00 in Europe/Paris (the ImportId row's timeZone), UTC+2
    assert rows["responded_at"][0] == datetime(2026, 5, 4, 8, 15, tzinfo=UTC)


def test_nps_from_the_qualtrics_export_by_hand(tmp_path):
    rows = read(workspace(tmp_path, "responses", QUALTRICS, "qualtrics_nps.csv"), "responses")
    # scores 10 9 8 7 6 3 9: promoters (9–10) 10, 9, 9 = 3; detractors (0–6) 6, 3 = 2; n = 7
    # NPS = (3 − 2) / 7 × 100 = 14.2857
    result = compute_kpi("nps", {"responses": rows}, MAY_2026)
    assert result.current.n == 7
    assert result.current.value == pytest.approx(100 / 7)
