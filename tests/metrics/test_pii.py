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


# The corpus: how people write contact details into a comment box, and text that only
# looks like it. Every entry is checked in Python and in polars (tests below).
MUST_MASK = [
    ("jane.doe@example.com", "[email]"),
    ("JANE.DOE@EXAMPLE.COM", "[email]"),
    ("a.b+c@mail.co.uk", "[email]"),
    ("first_last@sub.domain.example.org", "[email]"),
    ("john.doe at example dot com", "[email]"),
    ("john.doe AT example DOT com", "[email]"),
    ("john.doe [at] example [dot] com", "[email]"),
    ("john.doe (at) example (dot) com", "[email]"),
    ("john.doe {at} example {dot} com", "[email]"),
    ("john.doe <at> example <dot> com", "[email]"),
    ("john.doe[at]example[dot]com", "[email]"),
    ("john.doe [at] example.com", "[email]"),
    ("john.doe at mail dot example dot com", "[email]"),
    ("anna@müller.de", "[email]"),
    ("jürgen@straße.example", "[email]"),
    ("用户@例子.广告", "[email]"),
    ("иван@пример.рф", "[email]"),
    ("anna＠example.com", "[email]"),
    ("anna＠example．com", "[email]"),
    ("jane\u200b.doe@example.com", "[email]"),
    ("jane.doe@exa\u200bmple.com", "[email]"),
    ("jane.doe\u2060@example.com", "[email]"),
    ("jane.doe@\ufeffexample.com", "[email]"),
    ("jane\u00ad.doe@example.com", "[email]"),
    ("mail me: jane.doe@example.com.", "mail me: [email]."),
    ("<jane.doe@example.com>", "<[email]>"),
    ("+44 20 7946 0958", "[phone]"),
    ("555-0142 ext", "[phone] ext"),
    ("(030) 123 4567", "[phone]"),
    ("+49 170 1234567", "[phone]"),
    ("+1 (555) 010-9999", "[phone]"),
    ("555 - 123 - 4567", "[phone]"),
    ("555 / 123 / 4567", "[phone]"),
    ("555.123.4567", "[phone]"),
    ("5551234567", "[phone]"),
    ("555\u200b123\u200b4567", "[phone]"),
    ("555\u200c-\u200d123-4567", "[phone]"),
    ("＋44 20 7946 0958", "[phone]"),
    ("０３０ １２３ ４５６７", "[phone]"),
    ("٠٣٠١٢٣٤٥٦٧", "[phone]"),
    ("call 0049-30-1234567 now", "call [phone] now"),
    ("2026-10-01", "[phone]"),  # greedy on purpose: a date is masked too (the safe side)
]
MUST_KEEP = [
    "Asked 3 times about 2 parcels",
    "Paid 19.99, waited 45 minutes",
    "order 1234 arrived late",
    "ticket #123456 still open",
    "I bought it at shop.example",
    "meet at 10 dot 5",
    "Look at the app, then dot the i's",
    "great service @ the counter",
    "the @ sign on my keyboard is broken",
    "email me",
    "5 stars",
    "version 2.1.0 crashed",
    "from 9 to 5",
    "50% off at checkout",
    "delivery took 3-4 days",
    "price went from 12.50 to 14.99",
    "rated 4/5",
    "room 101, floor 3",
    "dark mode please!!!",
    "user@ with no domain",
    "@everyone please fix",
    "a.b.c",
    "",
]


@pytest.mark.parametrize(("text", "shown"), MUST_MASK)
def test_the_corpus_of_contact_details_is_masked(text, shown):
    assert mask_personal_data(text) == shown


@pytest.mark.parametrize("text", MUST_KEEP)
def test_the_corpus_of_look_alikes_is_kept(text):
    assert mask_personal_data(text) == text


def test_the_corpus_is_large_enough():
    assert len(MUST_MASK) + len(MUST_KEEP) >= 60


def test_polars_masks_the_corpus_like_python():
    texts = [text for text, _ in MUST_MASK] + MUST_KEEP
    by_polars = pl.DataFrame({"t": texts}).select(masked("t"))["t"].to_list()
    assert by_polars == [mask_personal_data(t) for t in texts]
