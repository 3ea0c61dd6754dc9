"""Folding text for search: case and accents ignored, alike in Python, polars and SQL.

A customer writes "não recebi", a product manager searches ``nao recebi`` (or the
other way round): both must find the comment. So a searched text and the search
terms are *folded* the same way: lower-cased, then each accented Latin letter is
replaced by its letters without their accents (Unicode NFKD decomposition minus
the combining marks, category Mn), and combining marks written on their own
(text stored decomposed, "a" + U+0303) are dropped. Letters Unicode does not
decompose stay themselves, lower-cased: ``ø``, ``ł``, ``æ``, ``ß``.

Why a table and not ``unicodedata.normalize`` or polars' ``str.normalize``: a
live source searches in SQL, which has no NFKD (PostgreSQL may lack the
``unaccent`` extension; SQLite has nothing). One table, ``FOLDS``, built from
``unicodedata`` over the Latin blocks, is the fold everywhere: ``fold_text``
(Python, search terms), ``folded`` (polars, a whole column at once) and
``fold_pattern`` (a regular expression for SQL ``~``/``REGEXP``, which finds a
term in raw text exactly where the folded text holds the folded term). Every
fold is one character or none, which is what lets a regular expression mirror it.

Example:
    >>> fold_text("NÃO recebi, Ação rápida")
    'nao recebi, acao rapida'
    >>> fold_text("na\\u0303o") == fold_text("não") == "nao"
    True
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache
from itertools import groupby

import polars as pl

FOLDED_BLOCKS = (
    (0x00C0, 0x024F),  # Latin-1 Supplement letters, Latin Extended-A and -B
    (0x0300, 0x036F),  # Combining Diacritical Marks (text stored decomposed)
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese, Welsh …)
)
"""The code points whose accents folding removes: where accented Latin letters live."""


def _without_accents(char: str) -> str:
    """``char`` decomposed (NFKD), its combining marks dropped, lower-cased."""
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def _folds() -> dict[str, str]:
    """Each character of ``FOLDED_BLOCKS`` that folds to something else, and what to.

    Folds of two letters (the ligature ``ĳ``, the digraph ``ǆ``) are left out, so
    every fold is one character or none (which ``fold_pattern`` relies on).
    """
    folds: dict[str, str] = {}
    for first, last in FOLDED_BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            base = _without_accents(char)
            if base != char and len(base) <= 1:
                folds[char] = base
    return folds


FOLDS: dict[str, str] = _folds()
"""Character → its fold (one lower-case letter, or ``""`` for a combining mark)."""
_TABLE = str.maketrans(FOLDS)


def fold_text(text: str) -> str:
    """``text`` lower-cased and without accents: what a search compares (module doc)."""
    return text.lower().translate(_TABLE)


def folded(expr: pl.Expr) -> pl.Expr:
    """The polars form of ``fold_text``, for folding a whole column at once.

    >>> pl.DataFrame({"c": ["Não RECEBI", None]}).select(folded(pl.col("c")))["c"].to_list()
    ['nao recebi', None]
    """
    return expr.str.to_lowercase().str.replace_many(FOLDS)


def fold_pattern(term: str) -> str:
    """A regular expression that finds ``term`` in a text whose fold holds the term's fold.

    Why: SQL cannot fold a column the way ``folded`` does at a tolerable cost
    (PostgreSQL's ``translate`` over this table is ~200× slower than a ``LIKE``;
    SQLite has no ``translate`` and cannot nest ``replace`` hundreds deep), but it
    can match a regular expression. Each folded character becomes the class of
    every character that folds to it (``[aAàÀãÃ…]``, any case, any script), with
    any combining marks allowed after it: so the raw text matches exactly when
    ``fold_text(term) in fold_text(text)``. Every character is written as a
    ``\\UXXXXXXXX`` escape, which Python's ``re`` (SQLite's ``REGEXP`` through
    SQLAlchemy) and PostgreSQL's ``~`` read alike: nothing a person types is
    ever a wildcard.

    >>> import re
    >>> [bool(re.search(fold_pattern("NÃO"), text)) for text in ("Eu nao", "NA\u0303O!", "Nó")]
    [True, True, False]
    """
    classes = _classes()
    marks = _bracket(classes[""]) + "*"
    return marks.join(_bracket(char + classes.get(char, "")) for char in fold_text(term))


@cache
def _classes() -> dict[str, str]:
    """The characters that fold to another, by their fold (one character, or ``""``).

    One pass over all of Unicode (case mappings reach far beyond Latin), done
    once per process, on the first search of a live source.
    """
    members: dict[str, list[str]] = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:  # surrogates are not characters
            continue
        char = chr(code)
        fold = fold_text(char)
        if fold != char and len(fold) <= 1:
            members.setdefault(fold, []).append(char)
    return {fold: "".join(chars) for fold, chars in members.items()}


def _bracket(chars: str) -> str:
    """A regex character class of ``chars``, each escaped, consecutive ones as ranges."""
    codes = sorted(set(map(ord, chars)))
    parts = []
    for _, run in groupby(enumerate(codes), key=lambda pair: pair[1] - pair[0]):
        run_codes = [code for _, code in run]
        first, last = run_codes[0], run_codes[-1]
        parts.append(f"\\U{first:08x}" + (f"-\\U{last:08x}" if last > first else ""))
    return "[" + "".join(parts) + "]"
