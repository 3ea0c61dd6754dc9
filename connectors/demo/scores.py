"""Score draws on the survey scales, parameterised by what a KPI tile would show.

Why these shapes: real NPS answers are lumpy (many 10s, 8s and 5s), so an NPS
score is drawn as promoter / passive / detractor first and then a score inside
the group; the agreement scales (CSAT 1-5, CES 1-7) are drawn beta-binomially: each
respondent has their own ease ``p`` (Beta around the wanted mean), and answers
``1 + Binomial(steps, p)``. That lands on the wanted mean without clipping and
keeps the long tails of real answers (a few 1s even where most say 7).

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> s = nps_scores(np.full(100_000, 0.5), np.full(100_000, 0.2), rng)
    >>> round(100 * ((s >= 9).mean() - (s <= 6).mean()))
    30
    >>> round(float(agreement_scores(np.full(100_000, 6.2), 7, rng).mean()), 1)
    6.2
"""

from __future__ import annotations

import numpy as np

# Inside each NPS group: detractors lean towards 5-6, angry ones (late deliveries) lower.
DETRACTOR_SCORES = np.array([0.04, 0.03, 0.05, 0.08, 0.12, 0.26, 0.42])
ANGRY_DETRACTOR_SCORES = np.array([0.16, 0.10, 0.14, 0.16, 0.14, 0.16, 0.14])
PASSIVE_SCORES = np.array([0.42, 0.58])  # 7, 8
PROMOTER_SCORES = np.array([0.46, 0.54])  # 9, 10
CONCENTRATION = 4.0
"""How alike respondents are on the agreement scales (higher: answers bunch at the mean)."""


def nps_scores(
    promoter: np.ndarray,
    detractor: np.ndarray,
    rng: np.random.Generator,
    angry: np.ndarray | None = None,
) -> np.ndarray:
    """0-10 scores where each answer is a promoter with probability ``promoter`` and a
    detractor with probability ``detractor``; ``angry`` detractors score lower."""
    n = promoter.size
    group = rng.random(n)
    is_promoter = group < promoter
    is_detractor = group >= 1 - detractor
    detractor_score = rng.choice(7, size=n, p=DETRACTOR_SCORES)
    if angry is not None:
        angry_score = rng.choice(7, size=n, p=ANGRY_DETRACTOR_SCORES)
        detractor_score = np.where(angry, angry_score, detractor_score)
    passive_score = 7 + rng.choice(2, size=n, p=PASSIVE_SCORES)
    promoter_score = 9 + rng.choice(2, size=n, p=PROMOTER_SCORES)
    return np.where(
        is_promoter, promoter_score, np.where(is_detractor, detractor_score, passive_score)
    ).astype(np.int64)


def respondent_ease(mean: np.ndarray, points: int, rng: np.random.Generator) -> np.ndarray:
    """Each respondent's ease in [0, 1], spread around the one that gives ``mean``."""
    p = np.clip((mean - 1.0) / (points - 1), 0.01, 0.99)
    return rng.beta(p * CONCENTRATION, (1 - p) * CONCENTRATION)


def scores_from_ease(ease: np.ndarray, points: int, rng: np.random.Generator) -> np.ndarray:
    """Answers 1..``points`` of respondents with the given ease (the same ease on two
    scales gives two answers that agree, as CES and CSAT of one contact do)."""
    return (1 + rng.binomial(points - 1, ease)).astype(np.int64)


def agreement_scores(mean: np.ndarray, points: int, rng: np.random.Generator) -> np.ndarray:
    """Scores 1..``points`` with expected value ``mean`` (e.g. CES on 7 points, CSAT on 5)."""
    return scores_from_ease(respondent_ease(mean, points, rng), points, rng)
