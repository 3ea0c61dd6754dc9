"""SurveyMonkey "All responses data" (two header rows) to CSAT, as CSV and as XLSX.

fixtures/surveymonkey_csat.csv follows the layout fixtures/README.md describes. The XLSX
is written at test time from the same rows with xlsxwriter (ids and scores as number
cells, dates as date cells, the way a spreadsheet export types them), so one set of
rows and one hand computation cover both files and no binary file is committed.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xlsxwriter

from metrics.engine import compute_kpi
from tests.connectors.formats.workspace import FIXTURES, MAY_2026, read, workspace

SCORE = "How satisfied are you with your delivery?"
CHANNEL = "Which channel did you buy through?"
BODY = (
    'format = "surveymonkey"\nsurvey = "csat"\n'
    f'columns = {{ score = "{SCORE}", comment = "What could we do better? | Open-Ended Response" }}\n'
    f'segments = ["{CHANNEL}", "{CHANNEL} | Other (please specify)"]'
)


def as_workbook(csv_file: Path, workbook: Path) -> None:
    """The CSV's rows in a sheet called "Sheet" of ``workbook``, typed as Excel would hold them."""
    with csv_file.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    book = xlsxwriter.Workbook(workbook)
    sheet = book.add_worksheet("Sheet")
    when = book.add_format({"num_format": "mm/dd/yyyy hh:mm:ss AM/PM"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if r >= 2 and c in (2, 3) and value:  # Start Date, End Date
                sheet.write_datetime(r, c, datetime.strptime(value, "%m/%d/%Y %I:%M:%S %p"), when)
            elif r >= 2 and c in (0, 9) and value:  # Respondent ID, the score
                sheet.write_number(r, c, int(value))
            elif value:
                sheet.write_string(r, c, value)
    book.close()


@pytest.fixture(params=["csv", "xlsx"])
def export(request, tmp_path) -> Path:
    """The workspace over the CSV fixture, or over the same rows as a workbook."""
    if request.param == "csv":
        return workspace(
            tmp_path,
            "responses",
            f'path = "surveymonkey_csat.csv"\n{BODY}',
            "surveymonkey_csat.csv",
        )
    as_workbook(FIXTURES / "surveymonkey_csat.csv", tmp_path / "surveymonkey_csat.xlsx")
    return workspace(tmp_path, "responses", f'path = "surveymonkey_csat.xlsx"\n{BODY}')


def test_the_two_header_rows_become_one_name_per_column(export):
    rows = read(export, "responses")
    # 114006 stopped before the question (a partial response): left out
    assert rows["response_id"].to_list() == [f"11400{i}" for i in (1, 2, 3, 4, 5, 7, 8)]
    assert rows["_source_row"].to_list() == [1, 2, 3, 4, 5, 7, 8]
    assert rows["score"].to_list() == [5, 4, 2, 5, 3, 1, 4]
    assert set(rows["survey"]) == {"csat"}
    assert rows["customer_id"][0] == "ann@example.com"  # Email Address
    assert rows[CHANNEL].to_list()[:3] == ["Web", "App", None]
    assert rows[f"{CHANNEL} | Other (please specify)"][2] == "Phone order"
    assert rows["comment"][5] == "Arrived broken"
    # End Date "05/05/2026 01:05:00 PM" (workspace timezone UTC)
    assert rows["responded_at"][6] == datetime(2026, 5, 5, 13, 5, tzinfo=UTC)


def test_csat_from_the_surveymonkey_export_by_hand(export):
    rows = read(export, "responses")
    # 5 4 2 5 3 1 4 on 1–5: top-2-box (4–5) = 5, 4, 5, 4 = 4 of 7 = 0.571429
    csat = compute_kpi("csat", {"responses": rows}, MAY_2026)
    assert csat.current.n == 7 and csat.current.value == pytest.approx(4 / 7)
    # mean = (5 + 4 + 2 + 5 + 3 + 1 + 4) / 7 = 24 / 7 = 3.428571
    mean = compute_kpi("csat_mean", {"responses": rows}, MAY_2026)
    assert mean.current.value == pytest.approx(24 / 7)
