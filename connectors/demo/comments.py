"""Compose customers' comments from the fragments in ``phrases``, vectorised.

Why: thousands of distinct, score-consistent texts without a Python loop per
row; the only loop is over the dozen topics.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(4)
    >>> texts = survey_comments(np.array(["app_good", "delivery_late"]),
    ...                         np.array([0.0, 30.0]), np.array([False, False]), rng)
    >>> "late" in texts[1] or "behind" in texts[1] or "extra" in texts[1]
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from connectors.demo import phrases
from connectors.demo.phrases import NEGATIVE, NEUTRAL, POSITIVE


def pick(bank: Sequence[str], size: int, rng: np.random.Generator) -> np.ndarray:
    """One random fragment per row, as an object array of str."""
    return np.asarray(bank, dtype=object)[rng.integers(0, len(bank), size=size)]


def compose(size: int, rng: np.random.Generator, *banks: Sequence[str]) -> np.ndarray:
    """Concatenate one random fragment of each bank, per row (trailing spaces kept)."""
    text = np.full(size, "", dtype=object)
    for bank in banks:
        text = text + pick(bank, size, rng)
    return text


def as_text(text: np.ndarray) -> pl.Series:
    """Object array of str/None as a trimmed Utf8 series."""
    return pl.Series(text.tolist(), dtype=pl.Utf8).str.strip_chars()


def lateness_text(hours_late: np.ndarray) -> np.ndarray:
    """'9 hours', '1 day', '3 days': how late a parcel was, in words a customer would use."""
    days = np.ceil(hours_late / 24).astype(np.int64)
    hours = np.maximum(1, np.round(hours_late)).astype(np.int64)
    day_text = days.astype(str).astype(object) + np.where(days == 1, " day", " days").astype(object)
    hour_text = hours.astype(str).astype(object) + " hours"
    return np.where(hours_late < 20, hour_text, day_text)


def survey_comments(
    topic: np.ndarray, hours_late: np.ndarray, new_carrier: np.ndarray, rng: np.random.Generator
) -> pl.Series:
    """A comment per row for topics named like ``phrases.SURVEY_TOPICS`` or 'delivery_late'.

    ``hours_late`` is used on 'delivery_late' rows; ``new_carrier`` marks late
    North deliveries during the slowdown, whose comments blame the new carrier.
    """
    text = np.full(topic.size, None, dtype=object)
    for name, (sentiment, cores, details) in phrases.SURVEY_TOPICS.items():
        rows = np.flatnonzero(topic == name)
        text[rows] = compose(
            rows.size, rng, phrases.OPENERS[sentiment], cores, details, phrases.CLOSERS[sentiment]
        )
    rows = np.flatnonzero(topic == "delivery_late")
    if rows.size:
        late_cores = phrases.LATE_DELIVERY_CORES
        core = rng.integers(0, len(late_cores), size=rows.size)
        before = np.asarray([c[0] for c in late_cores], dtype=object)[core]
        after = np.asarray([c[1] for c in late_cores], dtype=object)[core]
        detail = np.where(
            new_carrier[rows],
            pick(phrases.NORTH_CARRIER_DETAILS, rows.size, rng),
            pick(phrases.LATE_DELIVERY_DETAILS, rows.size, rng),
        )
        text[rows] = (
            pick(phrases.OPENERS[NEGATIVE], rows.size, rng)
            + before
            + lateness_text(hours_late[rows])
            + after
            + detail
            + pick(phrases.CLOSERS[NEGATIVE], rows.size, rng)
        )
    return as_text(text)


def contact_comments(reason: np.ndarray, ces: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """A note in the customer's voice per contact; its tone follows the CES answer
    (``ces`` is 0 where the customer did not answer)."""
    tone = np.where(
        ces == 0, NEUTRAL, np.where(ces <= 3, NEGATIVE, np.where(ces >= 6, POSITIVE, NEUTRAL))
    )
    text = np.full(reason.size, None, dtype=object)
    for code, name in enumerate(phrases.CONTACT_REASONS):
        for mood in (NEGATIVE, NEUTRAL, POSITIVE):
            rows = np.flatnonzero((reason == code) & (tone == mood))
            text[rows] = compose(
                rows.size,
                rng,
                phrases.CONTACT_OPENERS,
                phrases.CONTACT_CORES[name],
                phrases.CONTACT_DETAILS[name],
                phrases.CONTACT_CLOSERS[mood],
                phrases.CONTACT_SIGNOFFS,
            )
    return as_text(text)


def feedback_texts(theme: np.ndarray, source: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """A request per feedback item, worded for its theme and source (sales, product, ...)."""
    sources = tuple(phrases.FEEDBACK_SOURCE_PREFIX)
    text = np.full(theme.size, None, dtype=object)
    for t, name in enumerate(phrases.FEEDBACK_THEMES):
        for s, source_name in enumerate(sources):
            rows = np.flatnonzero((theme == t) & (source == s))
            text[rows] = compose(
                rows.size,
                rng,
                phrases.FEEDBACK_SOURCE_PREFIX[source_name],
                phrases.FEEDBACK_CORES[name],
                phrases.FEEDBACK_CONTEXT,
                phrases.FEEDBACK_CLOSERS,
            )
    return as_text(text)
