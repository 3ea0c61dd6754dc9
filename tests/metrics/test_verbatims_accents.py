"""Verbatim search ignores accents both ways (issue 15 item 5), on a stored snapshot.

``nao recebi`` and ``não recebi`` find the same comments, whichever way the
customer wrote them, in any case; masking still comes first, so an address
cannot be found by its accented name.
"""

import pytest

from metrics.verbatims import SEARCH_COLUMN, comment_index, find_verbatims, search_terms
from tests.metrics.test_verbatims import JAN, responses

INDEX = comment_index(
    responses(
        ("nps", 2, "2024-01-05", "Não recebi o pedido", "North"),
        ("nps", 3, "2024-01-06", "nao recebi nada", "North"),
        ("nps", 9, "2024-01-07", "recebi tudo", "South"),
        ("nps", 1, "2024-01-08", "NA\u0303O RECEBI a tempo", "South"),  # stored decomposed
        ("nps", 4, "2024-01-09", "Escreva para joão@exemplo.com", "North"),
    )
)
NOT_RECEIVED = ["NA\u0303O RECEBI a tempo", "nao recebi nada", "Não recebi o pedido"]


def found(search):
    return find_verbatims(INDEX, JAN, search=search)["comment"].to_list()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("nao recebi", NOT_RECEIVED),
        ("não recebi", NOT_RECEIVED),
        ("NÃO RECEBI", NOT_RECEIVED),
        ("NAO", NOT_RECEIVED),
        ("não", NOT_RECEIVED),
        ("na\u0303o", NOT_RECEIVED),
        ('"não recebi o"', ["Não recebi o pedido"]),
        ("pedído NÃO", ["Não recebi o pedido"]),
        (
            "recebi",
            ["NA\u0303O RECEBI a tempo", "recebi tudo", "nao recebi nada", "Não recebi o pedido"],
        ),
        ("TÚDO", ["recebi tudo"]),
        ('"recebi tudo" não', []),
    ],
)
def test_search_ignores_accents_both_ways(search, expected):
    assert found(search) == expected


def test_accented_and_plain_terms_are_one_term():
    assert search_terms("não NAO nao Não") == ["nao"]
    assert search_terms('"Não  Recebi" \u0303') == ["nao recebi"]  # a lone mark is no term


def test_the_index_holds_the_masked_folded_text():
    assert INDEX[SEARCH_COLUMN].to_list() == [
        "escreva para [email]",
        "nao recebi a tempo",
        "recebi tudo",
        "nao recebi nada",
        "nao recebi o pedido",
    ]


def test_an_address_is_not_found_by_its_name_accented_or_not():
    assert found("joao") == [] and found("joão") == [] and found("exemplo") == []
    assert found("escreva") == ["Escreva para joão@exemplo.com"]
