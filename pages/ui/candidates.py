"""The Feedback page's "Candidate themes": what the comments no keyword tagged talk about.

Clustering a month of comments takes a second or two, so it runs once per content of the
comments read (the datasets' fingerprints, ``pages.ui.data.data_key``), period, filters and
taxonomy, and is shared by every viewer (``st.cache_resource``; results are frozen).
"""

from __future__ import annotations

import streamlit as st

from metrics.candidate_themes import (
    Candidate,
    candidate_themes,
    taxonomy_snippet,
    untagged_comments,
)
from metrics.periods import Period
from metrics.settings import MetricSettings
from pages.ui.comments import words_hidden
from pages.ui.context import PageContext
from pages.ui.data import DataKey, data_key
from pages.ui.metric_settings import settings_for
from pages.ui.text import escape_markdown

TITLE = "Candidate themes (not in the taxonomy yet)"
DATASETS = ("responses", "contacts")


@st.cache_resource(show_spinner=False, max_entries=16, ttl=6 * 3600)
def _candidates(
    key: DataKey,
    period: Period,
    filters: tuple,
    taxonomy: tuple,
    settings: MetricSettings,
    _context: PageContext,
) -> tuple[int, list[Candidate]]:
    frames = {d: _context.frames[d] for d, _ in key if d in _context.frames}
    comments = untagged_comments(
        frames, dict(taxonomy), period, filters=dict(filters), settings=settings
    )
    return comments.height, candidate_themes(comments["text"].to_list())


def candidates(context: PageContext) -> tuple[int, list[Candidate]]:
    """How many comments no keyword tagged in the view, and the candidate themes among them."""
    filters = tuple(sorted((k, tuple(v)) for k, v in context.view.segments.items() if v))
    taxonomy = tuple((theme, tuple(words)) for theme, words in context.workspace.taxonomy.items())
    return _candidates(
        data_key(context.snapshot, DATASETS),
        context.period.current(),
        filters,
        taxonomy,
        settings_for(context.workspace),
        context,
    )


def candidate_section(context: PageContext) -> None:
    """Each candidate: its key phrases, its count, three examples, and the taxonomy entry."""
    untagged, found = candidates(context)
    if not found:
        return
    st.subheader(TITLE, anchor=False)
    st.caption(
        f"{untagged:,} survey comments and contact notes in the period match no theme's "
        "keywords. Grouped by the words they share (TF-IDF and NMF), these are the themes "
        "they suggest; paste a candidate's keywords into [taxonomy] in the workspace config "
        "(rename it and trim the keywords first) to tag them from the next run."
    )
    hidden = words_hidden(context)
    for number, candidate in enumerate(found, start=1):
        phrases = ", ".join(candidate.key_phrases)
        with st.expander(f"{escape_markdown(phrases)} · {candidate.count:,} comments"):
            if not hidden:
                for example in candidate.examples:
                    st.markdown(f"> {escape_markdown(example)}")
            st.code(taxonomy_snippet(candidate, f"candidate {number}"), language="toml")
