"""Masking personal data in customers' own words: e-mail addresses and phone numbers.

Comments are shown to product managers and shared in roadmap reviews; the
people who wrote them did not mean their e-mail address or phone number to
travel with them. So every comment is masked by default, on screen and in
downloads, with the same two patterns in Python (one text) and in polars (a
whole column at once, for a download of many rows).

- e-mail: ``name@domain.tld`` → ``[email]``;
- phone: a ``+`` (optional) and at least 7 digits, with at most two separators
  (space . - / ( )) between digits → ``[phone]``. It is deliberately greedy: a
  long order number or a date written 2026-10-01 is masked too, because
  masking too much is the safe side.

Example:
    >>> mask_personal_data("Mail jane.doe@example.com or call +44 20 7946 0958, thanks")
    'Mail [email] or call [phone], thanks'
    >>> mask_personal_data("Asked 3 times about 2 parcels, paid 19.99")
    'Asked 3 times about 2 parcels, paid 19.99'
"""

from __future__ import annotations

import re

import polars as pl

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
PHONE_PATTERN = r"\+?\(?\d(?:[ ./()-]{0,2}\d){6,}"
"""Written so Python's ``re`` and polars' Rust regex read them the same (no look-arounds)."""

_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)


def mask_personal_data(text: str | None) -> str | None:
    """``text`` with e-mail addresses and phone numbers replaced by ``[email]``/``[phone]``."""
    if text is None:
        return None
    return _PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, text))


def masked(column: str | pl.Expr) -> pl.Expr:
    """The polars form of ``mask_personal_data``, for masking a whole column at once.

    >>> frame = pl.DataFrame({"comment": ["call 555-0142 now", None]})
    >>> frame.select(masked("comment"))["comment"].to_list()
    ['call [phone] now', None]
    """
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.str.replace_all(EMAIL_PATTERN, EMAIL_MASK).str.replace_all(
        PHONE_PATTERN, PHONE_MASK
    )
