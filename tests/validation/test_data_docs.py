"""Data Docs: a folder of GX HTML for a run's results, built without validating again."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.validation.frames import NOW, responses_frame, validate
from validation.data_docs import build_data_docs


def test_data_docs_show_each_dataset_of_the_run(tmp_path):
    responses = validate("responses", responses_frame())
    empty = validate("responses", responses_frame().clear(), source="survey_files")
    run_time = datetime(2025, 3, 10, 12, 30, tzinfo=UTC)

    index = build_data_docs(
        [responses, empty], tmp_path / "docs", run_name="refresh-7", run_time=run_time
    )

    assert index == tmp_path / "docs" / "index.html"
    pages = sorted(p.name for p in (tmp_path / "docs" / "validations").rglob("*.html"))
    assert pages == ["shop_db.responses.html", "survey_files.responses.html"]
    page = next((tmp_path / "docs" / "validations").rglob("shop_db.responses.html")).read_text()
    assert "benefitboard.responses" in page
    assert "refresh-7" in page
    assert ">survey == nps</span>, then values must be" in page  # the score range's condition
    assert "shop_db.responses" in index.read_text()


def test_validation_still_works_after_building_docs(tmp_path):
    build_data_docs([validate("responses", responses_frame())], tmp_path)
    again = validate("responses", responses_frame(), now=NOW)
    assert again.valid.height == 14
