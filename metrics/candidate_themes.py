"""Themes no taxonomy rule catches yet: clusters of the comments no keyword tagged.

Why: a taxonomy only finds what someone thought of. The survey comments and contact notes
that no theme's keywords match (``metrics.taxonomy``) hold the themes nobody wrote down;
grouping them by the words they share shows each as a few key phrases, a count and three
examples, and its key phrases are keywords a product manager can paste into the taxonomy.

Method (scikit-learn, offline, on CPU): TF-IDF of word 1–2-grams (accents kept, case folded,
the language's function words left out: ``metrics.stop_words``; terms in more than 80 % of
the comments dropped as carrying no theme), then non-negative matrix factorisation into
``clusters`` topics. NMF rather than KMeans: its topics are weighted lists of terms, so the
key phrases are the topic's heaviest terms, and a comment belongs to the topic with its
largest weight. A comment with none of the kept terms belongs to no candidate. At most
``MAX_COMMENTS`` comments are read (a seeded sample beyond that), so the page stays fast.

No sentiment per candidate: a lexicon for Portuguese and English would be a guess of its
own; the score of each comment's survey answer is shown with its examples on the Verbatims
page instead.

Example (two planted topics):
    >>> texts = (["the courier left the parcel at the wrong door"] * 3
    ...          + ["wrong door again, courier never rings"] * 2
    ...          + ["the app crashes when I open the invoice"] * 3
    ...          + ["invoice screen crashes the app"] * 2)
    >>> found = candidate_themes(texts, clusters=2)
    >>> sorted((c.count, "courier" in c.key_phrases or "wrong door" in c.key_phrases)
    ...        for c in found)
    [(5, False), (5, True)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from metrics.aggregates import prepared_rows
from metrics.engine import Data
from metrics.periods import Period
from metrics.pii import mask_personal_data
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.stop_words import STOP_WORDS, language_of
from metrics.taxonomy import Taxonomy, tag_expression

MAX_COMMENTS = 10_000
"""At most this many comments are clustered (a seeded sample of them beyond)."""
CLUSTERS = 6
KEY_PHRASES = 6
EXAMPLES = 3
MIN_WORDS = 3
"""Comments shorter than this many words ("ok", "bom") carry no theme."""
SOURCES = (("responses", "survey comment"), ("contacts", "support contact"))


@dataclass(frozen=True)
class Candidate:
    """A theme the taxonomy doesn't have: its key phrases, how many comments, examples."""

    key_phrases: tuple[str, ...]
    count: int
    examples: tuple[str, ...]
    """The comments most typical of it, e-mail addresses and phone numbers masked."""


def untagged_comments(
    data: Data,
    taxonomy: Taxonomy,
    period: Period,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Survey comments and contact notes in ``period`` that no theme's keywords match.

    Columns: origin (``survey comment`` / ``support contact``), text. A dataset without a
    ``comment`` column, or without a filtered segment, is left out.
    """
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    parts = []
    for dataset, origin in SOURCES:
        raw = data.get(dataset)
        if raw is None:
            continue
        names = raw.lazy().collect_schema().names()
        if "comment" not in names or any(c not in names for c in filters):
            continue
        rows = prepared_rows(
            dataset, raw, periods=[period], filters=filters, timezone=settings.timezone
        )
        text = pl.col("comment").str.strip_chars()
        parts.append(
            rows.filter(text.is_not_null() & (text.str.count_matches(r"\w+") >= MIN_WORDS))
            .with_columns(tag_expression("comment", taxonomy))
            .filter(pl.col("theme").list.len() == 0)
            .select(origin=pl.lit(origin), text=text)
        )
    if not parts:
        return pl.DataFrame(schema={"origin": pl.Utf8, "text": pl.Utf8})
    return pl.concat(parts).collect()


def candidate_themes(
    texts: Sequence[str],
    *,
    clusters: int = CLUSTERS,
    max_comments: int = MAX_COMMENTS,
    seed: int = 0,
) -> list[Candidate]:
    """Up to ``clusters`` candidate themes in ``texts``, most comments first (see module doc).

    Too few comments to tell themes apart (fewer than five per cluster asked for) give none.
    """
    texts = list(texts)
    if len(texts) > max_comments:
        chosen = np.random.default_rng(seed).choice(len(texts), max_comments, replace=False)
        texts = [texts[i] for i in sorted(chosen)]
    if len(texts) < 5 * clusters:
        return []
    language = language_of(texts)
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words=sorted(STOP_WORDS[language]) if language else None,
        max_df=0.8,
        min_df=2,
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w[\w'-]*\w\b",
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term left after the stop words and document-frequency limits
        return []
    if matrix.shape[1] < clusters:
        return []
    model = NMF(n_components=clusters, init="nndsvda", random_state=seed, max_iter=1000)
    weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    member = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    candidates = []
    for topic in range(clusters):
        inside = np.flatnonzero(member == topic)
        if inside.size == 0:
            continue
        heaviest = np.argsort(model.components_[topic])[::-1][:KEY_PHRASES]
        typical = inside[np.argsort(weights[inside, topic])[::-1]]
        examples: list[str] = []
        for index in typical:
            shown = mask_personal_data(texts[index]) or ""
            if shown not in examples:
                examples.append(shown)
            if len(examples) == EXAMPLES:
                break
        candidates.append(
            Candidate(tuple(str(terms[i]) for i in heaviest), int(inside.size), tuple(examples))
        )
    return sorted(candidates, key=lambda c: -c.count)


def taxonomy_snippet(candidate: Candidate, name: str) -> str:
    """The candidate as a taxonomy entry to paste into the workspace config.

    >>> print(taxonomy_snippet(Candidate(("wrong door", "courier"), 5, ()), "candidate 1"))
    [taxonomy.themes."candidate 1"]
    keywords = ["wrong door", "courier"]
    """
    keywords = ", ".join('"' + k.replace("\\", "\\\\").replace('"', '\\"') + '"'
                         for k in candidate.key_phrases)  # fmt: skip
    return f'[taxonomy.themes."{name}"]\nkeywords = [{keywords}]'
