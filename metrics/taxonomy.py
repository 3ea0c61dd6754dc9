"""The shared feedback taxonomy: keyword rules that tag comments and contacts into themes.

Feedback items arrive with a theme (sales, product and support file them); survey
comments and support notes do not. The workspace config declares, per theme, the
words and phrases that mean it (``[taxonomy.themes.referrals] keywords = [...]``),
so "everything customers said about referrals" can gather all three.

Rules, chosen to be predictable for the people who edit them:
- a keyword matches a whole word or phrase, ignoring case: ``plan`` matches
  "my plan" but not "explain"; ``refer a friend`` matches that phrase;
- a trailing ``*`` allows any word ending: ``referral*`` matches "referrals";
- a text can carry several themes (one row per theme after tagging), or none.

Keywords come from the config and are escaped before they become a pattern;
nothing a viewer types ever reaches this module.

Example:
    >>> taxonomy = {"referrals": ("referral*", "refer a friend"), "plan flexibility": ("plan",)}
    >>> texts = pl.DataFrame({"text": ["Referrals!", "Can't explain", "My PLAN: refer a friend"]})
    >>> for row in tag_texts(texts, "text", taxonomy).rows():
    ...     print(row)
    ('Referrals!', 'referrals')
    ('My PLAN: refer a friend', 'referrals')
    ('My PLAN: refer a friend', 'plan flexibility')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import polars as pl

Taxonomy = Mapping[str, Sequence[str]]
"""theme -> keywords (as written in the config)."""

THEME = "theme"


def keyword_pattern(keyword: str) -> str:
    """A case-insensitive, whole-word regex for one config keyword (``*`` = any ending).

    >>> keyword_pattern("refer a friend"), keyword_pattern("gift card*")
    ('(?i)\\\\brefer\\\\s+a\\\\s+friend\\\\b', '(?i)\\\\bgift\\\\s+card\\\\w*')
    """
    text = keyword.strip()
    prefix = text.endswith("*")
    words = text.rstrip("*").split()
    if not words:
        raise ValueError(f"keyword {keyword!r} has no words to match")
    body = r"\s+".join(re.escape(word) for word in words)
    start = r"\b" if re.match(r"\w", words[0]) else ""
    end = r"\w*" if prefix else (r"\b" if re.search(r"\w$", words[-1]) else "")
    return f"(?i){start}{body}{end}"


def theme_pattern(keywords: Sequence[str]) -> str:
    """One regex matching any of a theme's keywords."""
    return "|".join(f"(?:{keyword_pattern(k)})" for k in keywords)


def tag_expression(text: str | pl.Expr, taxonomy: Taxonomy) -> pl.Expr:
    """A list column: the themes whose keywords occur in ``text`` (config order, maybe empty)."""
    column = pl.col(text) if isinstance(text, str) else text
    tags = [
        pl.when(column.str.contains(theme_pattern(keywords))).then(pl.lit(theme))
        for theme, keywords in taxonomy.items()
        if keywords
    ]
    if not tags:
        return pl.lit([], dtype=pl.List(pl.Utf8)).alias(THEME)
    return pl.concat_list(tags).list.drop_nulls().alias(THEME)


def tag_texts(rows: pl.DataFrame | pl.LazyFrame, text: str, taxonomy: Taxonomy):
    """``rows`` with a ``theme`` column, one row per (row, matching theme); untagged rows dropped.

    Lazy in, lazy out; eager in, eager out.
    """
    tagged = (
        rows.lazy()
        .filter(pl.col(text).is_not_null())
        .with_columns(tag_expression(text, taxonomy))
        .explode(THEME)
        .filter(pl.col(THEME).is_not_null())
    )
    return tagged if isinstance(rows, pl.LazyFrame) else tagged.collect()
