"""Masking personal data in customers' own words: e-mail addresses and phone numbers.

Comments are shown to product managers and shared in roadmap reviews; the
people who wrote them did not mean their e-mail address or phone number to
travel with them. So every comment is masked by default, on screen and in
downloads, with the same two patterns in Python (one text) and in polars (a
whole column at once, for a download of many rows).

- e-mail: ``name@domain.tld`` → ``[email]``, also written ``name at domain dot
  tld``, ``name [at] domain [dot] tld``, with a full-width ``＠`` or in any script;
- phone: a ``+`` (optional) and at least 7 digits, with at most three separators
  (space . - / ( )) between digits → ``[phone]``. It is deliberately greedy: a
  long order number or a date written 2026-10-01 is masked too, because
  masking too much is the safe side.

Invisible characters (zero-width spaces, soft hyphens) are dropped first.
Why patterns and not a PII library: the maintained detectors (Microsoft
Presidio, scrubadub) need spaCy models or NLTK data, hundreds of MB and no
polars form, and they find names and places we do not mask; these two
patterns run as one vectorised polars expression over a whole column
(tests/metrics/test_pii.py holds the corpus of what they must and must not mask).

Example:
    >>> mask_personal_data("Mail jane.doe@example.com or call +44 20 7946 0958, thanks")
    'Mail [email] or call [phone], thanks'
    >>> mask_personal_data("Asked 3 times about 2 parcels, paid 19.99")
    'Asked 3 times about 2 parcels, paid 19.99'
"""

from __future__ import annotations

import re

import polars as pl

from canonical.datasets import FREE_TEXT_COLUMNS

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
INVISIBLE_PATTERN = "[\u00ad\u200b-\u200f\u2060\ufeff]"
"""Soft hyphen, zero-width spaces and joiners, direction marks: dropped before masking, so an
address or number with an invisible character inside is still found."""
_AT = r"(?:[@＠]|\s*[\[({<]\s*at\s*[\])}>]\s*)"
_DOT = r"(?:[.．]|\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
EMAIL_PATTERN = (
    r"(?i)"
    rf"[\w.%+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_]{{2,}}"  # name@domain.tld, name [at] …
    r"|[\w.%+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+[^\W\d_]{2,}"  # … at … dot tld
)
"""An address as written, spelled out (``at``/``dot``, bracketed or not) or with full-width
signs, in any script (``anna@müller.de``). A plain `` at `` counts only with a spelled-out
`` dot ``, so "bought it at shop.example" is left alone."""
PHONE_PATTERN = r"[+＋]?\(?\d(?:[ ./()-]{0,3}\d){6,}"
"""At least 7 digits of any script, with up to three separators between two (``555 - 123``)."""

_INVISIBLE = re.compile(INVISIBLE_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)


def mask_personal_data(text: str | None) -> str | None:
    """``text`` with e-mail addresses and phone numbers replaced by ``[email]``/``[phone]``."""
    if text is None:
        return None
    visible = _INVISIBLE.sub("", text)
    return _PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, visible))


def masked(column: str | pl.Expr) -> pl.Expr:
    """The polars form of ``mask_personal_data``, for masking a whole column at once.

    >>> frame = pl.DataFrame({"comment": ["call 555-0142 now", None]})
    >>> frame.select(masked("comment"))["comment"].to_list()
    ['call [phone] now', None]
    """
    expr = pl.col(column) if isinstance(column, str) else column
    return (
        expr.str.replace_all(INVISIBLE_PATTERN, "")
        .str.replace_all(EMAIL_PATTERN, EMAIL_MASK)
        .str.replace_all(PHONE_PATTERN, PHONE_MASK)
    )


def mask_emails(text: str) -> str:
    """Only e-mail addresses: for values that are not free text (ids, codes, raw dates),
    where the greedy phone pattern would hide the very value a reader must see.

    >>> mask_emails("customer jane@example.com, row 2026-10-01")
    'customer [email], row 2026-10-01'
    """
    return _EMAIL.sub(EMAIL_MASK, _INVISIBLE.sub("", text))


def mask_value(column: str | None, value: object) -> object:
    """A value shown outside the verbatims (quarantined rows, check examples, Data Docs):
    free text fully masked, other text e-mail-masked, anything else as it is.

    >>> mask_value("comment", "call 555 123 4567"), mask_value("survey", "nps@x.com")
    ('call [phone]', '[email]')
    >>> mask_value("responded_at", "2026-10-01"), mask_value("score", 11.0)
    ('2026-10-01', 11.0)
    """
    if not isinstance(value, str):
        return value
    return mask_personal_data(value) if column in FREE_TEXT_COLUMNS else mask_emails(value)


def masked_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` masked as ``mask_value`` masks one value.

    >>> rows = pl.DataFrame({"comment": ["mail a@b.co"], "_reasons": ["survey: 'x@y.io' unknown"]})
    >>> masked_frame(rows).rows()
    [('mail [email]', "survey: '[email]' unknown")]
    """
    text = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    return frame.with_columns(
        (masked(name) if name in FREE_TEXT_COLUMNS else _masked_emails(name)).alias(name)
        for name in text
    )


def _masked_emails(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .str.replace_all(INVISIBLE_PATTERN, "")
        .str.replace_all(EMAIL_PATTERN, EMAIL_MASK)
    )
