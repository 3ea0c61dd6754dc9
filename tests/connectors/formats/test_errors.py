"""Each kind of mistake with a vendor format is an error that says where and what to do: at load
for the config (unknown format, misplaced keys), at read for the file (not that vendor's
layout, no score question named, no survey said, a dataset the format does not fill)."""

from __future__ import annotations

import pytest

from benefitboard.config import ConfigError, load_workspace
from connectors.errors import SourceError
from connectors.read import read_dataset
from tests.connectors.formats.workspace import workspace


def read_error(config) -> str:
    with pytest.raises(SourceError) as raised:
        read_dataset(load_workspace(config).sources["exports"], "responses").collect()
    return str(raised.value)


def test_a_plain_csv_given_a_vendor_format_names_the_file_and_the_expected_header(tmp_path):
    (tmp_path / "answers.csv").write_text("response_id,survey,score\nr1,nps,9\n")
    config = workspace(tmp_path, "responses", 'path = "answers.csv"\nformat = "qualtrics"')
    message = read_error(config)
    assert "source 'exports', dataset 'responses'" in message
    assert "answers.csv is not a Qualtrics export" in message
    assert "expected three header rows: field IDs (StartDate, EndDate, ResponseId" in message
    assert "its first row is 'response_id, survey, score'" in message
    assert "remove `format` to read a plain table" in message


def test_an_export_of_another_vendor_says_which_format_it_looks_like(tmp_path):
    body = 'path = "delighted_nps.csv"\nformat = "surveymonkey"\nsurvey = "nps"'
    message = read_error(workspace(tmp_path, "responses", body, "delighted_nps.csv"))
    assert "delighted_nps.csv is not a SurveyMonkey export" in message
    assert 'it looks like a Delighted export: write format = "delighted"' in message


def test_an_unknown_format_fails_at_load_listing_the_formats(tmp_path):
    config = workspace(tmp_path, "responses", 'path = "x.csv"\nformat = "googleforms"')
    with pytest.raises(ConfigError) as raised:
        load_workspace(config)
    message = str(raised.value)
    assert "[sources.exports.datasets.responses.format]" in message
    assert "unknown format 'googleforms'; expected one of ['qualtrics', 'surveymonkey'" in message


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        ('query = "SELECT 1"\nformat = "qualtrics"', "format", "give `path`"),
        ('path = "x.csv"\nsurvey = "nps"', "survey", "it goes with `format`"),
        ('path = "x.csv"\nformat = "typeform"\nsurvey = "promoter"', "survey", "expected one of"),
    ],
)
def test_format_keys_in_the_wrong_place_fail_at_load(tmp_path, body, key, problem):
    config = workspace(tmp_path, "responses", body)
    with pytest.raises(ConfigError, match=problem) as raised:
        load_workspace(config)
    assert f"[sources.exports.datasets.responses.{key}]" in str(raised.value)


def test_a_survey_export_without_its_score_question_lists_the_questions(tmp_path):
    body = 'path = "qualtrics_nps.csv"\nformat = "qualtrics"'
    message = read_error(workspace(tmp_path, "responses", body, "qualtrics_nps.csv"))
    assert "qualtrics_nps.csv: say which question is the score" in message
    assert 'columns = { score = "Q1" }' in message
    assert "the export's questions are 'Q1', 'Q2', 'Plan'" in message


def test_a_misspelt_score_question_is_named_with_the_closest_one(tmp_path):
    body = 'path = "qualtrics_nps.csv"\nformat = "qualtrics"\ncolumns = { score = "Q_1" }'
    message = read_error(workspace(tmp_path, "responses", body, "qualtrics_nps.csv"))
    assert "column 'Q_1'" in message and "did you mean 'Q1'?" in message


def test_a_survey_export_that_cannot_say_its_survey_asks_for_it(tmp_path):
    question = "How satisfied are you with your delivery?"
    body = f'path = "surveymonkey_csat.csv"\nformat = "surveymonkey"\ncolumns = {{ score = "{question}" }}'
    message = read_error(workspace(tmp_path, "responses", body, "surveymonkey_csat.csv"))
    assert "the export does not say which survey the score answers" in message
    assert "add survey = 'nps' (or 'csat', 'ces')" in message


def test_a_format_read_as_a_dataset_it_does_not_fill_says_which_it_fills(tmp_path):
    body = 'path = "shopify_orders.csv"\nformat = "shopify_orders"'
    message = read_error(workspace(tmp_path, "responses", body, "shopify_orders.csv"))
    assert "format 'shopify_orders' reads orders or revenue exports, not responses" in message


def test_a_format_on_a_parquet_file_asks_for_the_export_itself(tmp_path):
    (tmp_path / "answers.parquet").write_bytes(b"PAR1")
    config = workspace(tmp_path, "responses", 'path = "answers.parquet"\nformat = "delighted"')
    assert "unsupported file type '.parquet'" in read_error(config)
