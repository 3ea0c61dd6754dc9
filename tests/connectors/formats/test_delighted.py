"""Delighted responses export to NPS: the export says its score, so nothing is mapped.

fixtures/delighted_nps.csv follows the layout fixtures/README.md describes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.engine import compute_kpi
from tests.connectors.formats.workspace import MAY_2026, read, workspace

BODY = 'path = "delighted_nps.csv"\nformat = "delighted"\nsegments = ["Plan"]'


def test_nps_from_eight_delighted_answers_by_hand(tmp_path):
    rows = read(workspace(tmp_path, "responses", BODY, "delighted_nps.csv"), "responses")
    # response 509 has no score yet: left out
    assert rows["response_id"].to_list() == [str(i) for i in range(501, 509)]
    assert rows["score"].to_list() == [10, 9, 9, 8, 7, 5, 0, 10]
    assert set(rows["survey"]) == {"nps"}  # Delighted's default survey, 0–10
    assert rows["customer_id"][0] == "ann@example.com" and rows["comment"][0] == "Love it"
    # 2026-05-04T10:15:32-07:00 is 17:15:32 UTC
    assert rows["responded_at"][0] == datetime(2026, 5, 4, 17, 15, 32, tzinfo=UTC)
    # promoters (9–10): 10, 9, 9, 10 = 4; detractors (0–6): 5, 0 = 2; n = 8
    # NPS = (4 − 2) / 8 × 100 = 25
    result = compute_kpi("nps", {"responses": rows}, MAY_2026)
    assert result.current.n == 8 and result.current.value == pytest.approx(25.0)
    # by plan: Pro 10, 9, 5, 10 -> (3 − 1) / 4 × 100 = 50; Basic 9, 8, 7, 0 -> (1 − 1) / 4 = 0
    pro = compute_kpi("nps", {"responses": rows.filter(rows["Plan"] == "Pro")}, MAY_2026)
    assert pro.current.value == pytest.approx(50.0)


def test_a_delighted_csat_project_says_so(tmp_path):
    body = BODY + '\nsurvey = "csat"'
    rows = read(workspace(tmp_path, "responses", body, "delighted_nps.csv"), "responses")
    assert set(rows["survey"]) == {"csat"}
