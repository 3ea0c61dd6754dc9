"""Personal data in comments: e-mail addresses and phone numbers masked, other numbers kept."""

import polars as pl
import pytest

from connectors.demo.phrases import SPECIAL_CONTACT_COMMENTS, SPECIAL_SURVEY_COMMENTS
from metrics.pii import mask_personal_data, masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mail jane.doe@example.com now", "Mail [email] now"),
        ("write to a.b+c@mail.co.uk.", "write to [email]."),
        ("Call +44 20 7946 0958 please", "Call [phone] please"),
        ("Phone me on 555-0142, thanks", "Phone me on [phone], thanks"),
        ("Contact: +49 170 1234567.", "Contact: [phone]."),
        ("ring (030) 123 4567", "ring [phone]"),
        ("Asked 3 times about 2 parcels", "Asked 3 times about 2 parcels"),
        ("Paid 19.99, waited 45 minutes, order 1234", "Paid 19.99, waited 45 minutes, order 1234"),
        ("", ""),
    ],
)
def test_masks_emails_and_phone_numbers_but_not_other_numbers(text, expected):
    assert mask_personal_data(text) == expected


def test_none_stays_none():
    assert mask_personal_data(None) is None


def test_the_demo_s_planted_personal_data_is_masked():
    texts = [t for *_, t in SPECIAL_SURVEY_COMMENTS] + list(SPECIAL_CONTACT_COMMENTS)
    for text in texts:
        shown = mask_personal_data(text)
        assert "@example" not in shown and "555-01" not in shown and "7946" not in shown
        assert "1234567" not in shown
    assert mask_personal_data(texts[1]) == "Please email [email] about the refund, asked 3 times."


def test_polars_and_python_mask_the_same():
    texts = [t for *_, t in SPECIAL_SURVEY_COMMENTS] + [
        "call +1 (555) 010-9999 or x@y.io",
        "nothing personal here, 42",
        None,
    ]
    by_polars = pl.DataFrame({"t": texts}).select(masked("t"))["t"].to_list()
    assert by_polars == [mask_personal_data(t) for t in texts]
