"""Typeform responses download (one header row, # token, UTC dates) to CES.

fixtures/typeform_ces.csv follows the layout fixtures/README.md describes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.engine import compute_kpi
from tests.connectors.formats.workspace import MAY_2026, read, workspace

QUESTION = "How easy was it to get your issue resolved?"
BODY = (
    'path = "typeform_ces.csv"\nformat = "typeform"\nsurvey = "ces"\n'
    f'columns = {{ score = "{QUESTION}", comment = "Anything else you\'d like to tell us?" }}\n'
    'segments = ["Response Type"]'
)


def test_a_typeform_download_reads_as_ces_answers(tmp_path):
    # a source time zone that must not apply: the dates say (UTC)
    sydney = 'timezone = "Australia/Sydney"'
    rows = read(
        workspace(tmp_path, "responses", BODY, "typeform_ces.csv", source=sydney), "responses"
    )
    # q7w2e9r1a6 is a partial response without an answer: left out; a7 is partial but answered
    assert rows["response_id"].to_list() == [f"q7w2e9r1a{i}" for i in (1, 2, 3, 4, 5, 7, 8)]
    assert rows["score"].to_list() == [7, 6, 5, 2, 1, 7, 4]
    assert rows["Response Type"][5] == "partial"
    # the hidden field customer_id has a canonical name: read as it is (else map it)
    assert rows["customer_id"].to_list()[:2] == ["C001", "C002"]
    # Submit Date (UTC) 2026-05-04 08:01:30, read as UTC; the partial one by its Stage Date
    assert rows["responded_at"][0] == datetime(2026, 5, 4, 8, 1, 30, tzinfo=UTC)
    assert rows["responded_at"][5] == datetime(2026, 5, 7, 23, 31, tzinfo=UTC)


def test_ces_from_the_typeform_download_by_hand(tmp_path):
    rows = read(workspace(tmp_path, "responses", BODY, "typeform_ces.csv"), "responses")
    # 7 6 5 2 1 7 4 on the 1–7 agreement scale: mean = 32 / 7 = 4.571429;
    # easy (5–7) = 7, 6, 5, 7 = 4 of 7
    result = compute_kpi("ces", {"responses": rows}, MAY_2026)
    assert result.current.n == 7 and result.current.value == pytest.approx(32 / 7)
    assert result.breakdown["easy_share"].value == pytest.approx(4 / 7)
