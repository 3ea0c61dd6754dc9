"""Small stop-word lists per language, for finding key phrases in comments.

Why our own lists: the candidate themes (``metrics.candidate_themes``) run offline and
scikit-learn ships English only; the Olist comments are Portuguese. Short lists of the
function words that would otherwise top every cluster ("de", "que", "the", "and") are
enough, since TF-IDF's ``max_df`` drops whatever else is in nearly every comment.
A language is picked by which list covers most of a sample's words (``language_of``).

    >>> language_of(["o produto chegou antes do prazo", "não recebi o pedido"])
    'pt'
    >>> language_of(["the parcel was late again"])
    'en'
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        """a about above after again all also am an and any are as at be because been before
        being below between both but by can could did do does doing down during each few for
        from further had has have having he her here hers him his how i if in into is it its
        itself just me more most my no nor not now of off on once only or other our ours out
        over own same she should so some such than that the their theirs them then there these
        they this those through to too under until up very was we were what when where which
        while who whom why will with would you your yours i'm it's don't can't didn't i've
        im dont cant didnt ive get got"""
    ),
    "pt": _words(
        """a à ao aos as às até com como da das de dela dele deles depois do dos e é ela elas
        ele eles em entre era essa esse esta está estão este eu foi for foram há isso isto já
        lhe mais mas me mesmo meu minha muito na nas não nem no nos nós o os ou para pela pelas
        pelo pelos por qual quando que quem se sem ser seu seus só sua suas também te tem têm
        ter tinha um uma umas uns você vocês vou nao pra pro ja estao voce ate so tambem
        ainda porque sim bem tudo todo toda"""
    ),
}
_WORD = re.compile(r"\w+", re.UNICODE)


def language_of(texts: Iterable[str], sample: int = 500) -> str | None:
    """The language whose stop words are most of the words of (up to ``sample``) ``texts``;
    None when no list covers even 5 % of them (rely on TF-IDF's ``max_df`` alone)."""
    counts = dict.fromkeys(STOP_WORDS, 0)
    words = 0
    for index, text in enumerate(texts):
        if index >= sample:
            break
        for word in _WORD.findall(text.lower()):
            words += 1
            for language, stop in STOP_WORDS.items():
                counts[language] += word in stop
    if not words:
        return None
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] >= 0.05 * words else None
