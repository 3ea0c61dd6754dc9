"""Zendesk satisfaction ratings (good/bad) to CSAT: the tile equals Zendesk's own score.

fixtures/zendesk_csat.csv follows the layout fixtures/README.md describes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.engine import compute_kpi
from tests.connectors.formats.workspace import MAY_2026, read, workspace

BODY = 'path = "zendesk_csat.csv"\nformat = "zendesk_csat"\nsegments = ["reason", "ticket_id"]'


def test_csat_share_from_zendesk_good_and_bad_ratings_by_hand(tmp_path):
    rows = read(workspace(tmp_path, "responses", BODY, "zendesk_csat.csv"), "responses")
    # "offered" (…005) and "unoffered" (…008) are no rating yet: left out
    assert rows["_source_row"].to_list() == [1, 2, 3, 4, 6, 7, 9]
    # good = 5, bad = 1 on the 1–5 CSAT scale
    assert rows["score"].to_list() == [5, 5, 1, 5, 1, 5, 5]
    assert set(rows["survey"]) == {"csat"}
    assert rows["customer_id"].to_list()[:2] == ["90001", "90002"]  # requester_id
    assert rows["reason"][2] == "The issue took too long to resolve"
    assert rows["responded_at"][0] == datetime(2026, 5, 4, 9, tzinfo=UTC)
    # good 5 of 7 rated (good + bad) = 0.714286, which is Zendesk's CSAT score
    result = compute_kpi("csat", {"responses": rows}, MAY_2026)
    assert result.current.n == 7 and result.current.value == pytest.approx(5 / 7)
