"""``detect_format`` recognises each fixture's layout from its first three rows (what
``python -m benefitboard init`` reads to suggest a ``format``), and nothing in a plain table."""

from __future__ import annotations

import csv

import pytest

from connectors.formats.registry import detect_format
from tests.connectors.formats.workspace import FIXTURES


def first_rows(name: str) -> list[list[str]]:
    with (FIXTURES / name).open(encoding="utf-8-sig", newline="") as f:
        return [row for _, row in zip(range(3), csv.reader(f), strict=False)]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("qualtrics_nps.csv", "qualtrics"),
        ("surveymonkey_csat.csv", "surveymonkey"),
        ("typeform_ces.csv", "typeform"),
        ("delighted_nps.csv", "delighted"),
        ("zendesk_csat.csv", "zendesk_csat"),
        ("shopify_orders.csv", "shopify_orders"),
    ],
)
def test_each_vendor_layout_is_recognised(fixture, expected):
    assert detect_format(first_rows(fixture)) == expected


def test_a_plain_table_or_an_empty_file_is_no_vendor_export():
    assert detect_format([["response_id", "survey", "score"], ["r1", "nps", "9"]]) is None
    assert detect_format([]) is None
