"""Folding for search: case and accents ignored, the same in Python, polars and a regex.

Issue 15 item 5: ``nao recebi`` and ``não recebi`` must find the same comments.
The three forms of the fold (``fold_text`` for terms, ``folded`` for a polars
column, ``fold_pattern`` for SQL) must agree on every text, or the stored and
live paths would find different comments.
"""

import re

import polars as pl
import pytest

from metrics.text_fold import FOLDS, fold_pattern, fold_text, folded

TEXTS = [
    "Não recebi o pedido",
    "nao recebi nada",
    "recebi tudo",
    "NA\u0303O RECEBI a tempo",  # stored decomposed: N, A, combining tilde, O
    "AÇÃO rápida, ÉTÉ à Zürich",
    "Đà Nẵng: giao hàng chậm",
    "Łódź, Ørsted, Straße, ÆØÅ",
    "İstanbul ve Iğdır",
    "100% late_delivery [x]^-\\ .* (a",
    "ПРИВЕТ мир",
    "ĳs en ǅemal",
    "",
]
TERMS = [
    "nao recebi",
    "NÃO RECEBI",
    "não",
    "recebi tudo",
    "a\u0303o r",
    "acao",
    "ete a zurich",
    "da nang",
    "hang cham",
    "lodz",
    "łódź",
    "orsted",
    "strasse",
    "straße",
    "æøå",
    "istanbul",
    "igdir",
    "100% late_",
    "[x]^-\\",
    ".*",
    "привет",
    "ij",
    "ĳ",
    "ǆ",
    "o",
    " ",
]


def test_fold_drops_case_and_accents():
    assert fold_text("Não recebi o pedido") == "nao recebi o pedido"
    assert fold_text("NÃO RECEBI") == fold_text("não recebi") == "nao recebi"
    assert fold_text("NA\u0303O") == "nao"  # a combining mark written on its own is dropped
    assert fold_text("AÇÃO rápida à Zürich") == "acao rapida a zurich"
    assert fold_text("Đà Nẵng") == "đa nang"  # đ is a letter of its own, not d with an accent
    assert fold_text("Łódź Ørsted Straße") == "łodz ørsted straße"  # undecomposable: kept
    assert fold_text("ĲS ǅemal") == "ĳs ǆemal"  # two-letter folds are left out: lower-cased only


def test_the_table_maps_each_character_to_one_letter_or_none():
    assert FOLDS["Ã"] == FOLDS["ã"] == "a" and FOLDS["\u0303"] == ""
    assert all(len(key) == 1 and len(value) <= 1 for key, value in FOLDS.items())
    assert not set(FOLDS.values()) & set(FOLDS)  # one pass folds completely
    for text in TEXTS:
        assert fold_text(fold_text(text)) == fold_text(text)


def test_polars_folds_a_column_as_python_folds_a_text():
    column = pl.DataFrame({"text": [*TEXTS, None]}).select(folded(pl.col("text")))["text"]
    assert column.to_list() == [*(fold_text(t) for t in TEXTS), None]


@pytest.mark.parametrize("term", TERMS)
def test_the_pattern_finds_a_term_exactly_where_the_folded_text_holds_it(term):
    pattern = re.compile(fold_pattern(term))
    for text in TEXTS:
        expected = fold_text(term) in fold_text(text)
        assert (pattern.search(text) is not None) == expected, (term, text)


def test_the_pattern_matches_by_hand():
    def finds(term, text):
        return re.search(fold_pattern(term), text) is not None

    assert finds("nao recebi", "Não recebi o pedido")
    assert finds("NÃO RECEBI", "nao recebi nada")
    assert finds("não", "NA\u0303O RECEBI")
    assert not finds("não", "recebi tudo")
    assert finds(".*", "a .* b") and not finds(".*", "anything")  # never a wildcard
    assert finds("k", "KELVIN \u212a") and finds("k", "\u212a")  # Kelvin sign lower-cases to k
