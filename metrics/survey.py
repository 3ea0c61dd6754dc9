"""NPS, CSAT and CES from ``survey_counts`` (day, survey, <segments>, score, n) only.

Out-of-scale answers never reach a KPI: a score that is not a whole number on the
survey's scale (11 or 4.5 on 0–10 NPS, 6 on a 1–5 CSAT) is left out and counted
in ``excluded`` (the tile's note says how many). Validation should already have
quarantined them; the engine does not rely on it.

- NPS = 100 × (share of 9–10 − share of 0–6) on 0–10.
- CSAT = share of the two highest answers of ``settings.csat_scale`` (4–5 on 1–5).
- CES = mean answer on ``settings.ces_scale``; "easy" share = 5–7 on agreement7,
  1–2 on effort5. Mean and variance come from Σn·score and Σn·score².

Example (NPS from counts: 6 promoters, 2 passives, 2 detractors → 100 × (0.6 − 0.2) = 40):
    >>> import polars as pl
    >>> from datetime import date
    >>> from metrics.settings import MetricSettings
    >>> from metrics.view import KpiView, group_frame, label
    >>> from metrics.periods import Period
    >>> groups = group_frame([Period(date(2024, 1, 1), date(2024, 1, 1))])
    >>> counts = pl.DataFrame({"day": [date(2024, 1, 1)] * 3, "survey": ["nps"] * 3,
    ...                        "score": [10.0, 8.0, 3.0], "n": [6, 2, 2]})
    >>> nps_stats(KpiView(label(counts, groups), groups, (), MetricSettings())).row(0)
    (0, 10, 6, 2, 0)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from metrics.settings import MetricSettings
from metrics.stats import Estimate, wilson_interval
from metrics.view import KpiView

_N = pl.col("n")
_SCORE = pl.col("score")


def on_scale(score: pl.Expr, low: int, high: int) -> pl.Expr:
    """True for whole numbers within [low, high]; null scores are off the scale."""
    return (score.is_between(low, high) & (score == score.floor())).fill_null(False)


def _survey_rows(view: KpiView, survey: str) -> pl.DataFrame:
    return view.rows.filter(pl.col("survey") == survey)


def nps_stats(view: KpiView) -> pl.DataFrame:
    valid = on_scale(_SCORE, 0, 10)
    return (
        _survey_rows(view, "nps")
        .group_by(view.keys)
        .agg(
            n=_N.filter(valid).sum(),
            promoters=_N.filter(valid & (_SCORE >= 9)).sum(),
            detractors=_N.filter(valid & (_SCORE <= 6)).sum(),
            excluded=_N.filter(~valid).sum(),
        )
    )


def csat_stats(view: KpiView) -> pl.DataFrame:
    low, high = view.settings.csat_scale
    valid = on_scale(_SCORE, low, high)
    return (
        _survey_rows(view, "csat")
        .group_by(view.keys)
        .agg(
            n=_N.filter(valid).sum(),
            successes=_N.filter(valid & _SCORE.ge(high - 1)).sum(),
            excluded=_N.filter(~valid).sum(),
        )
    )


def csat_mean_stats(view: KpiView) -> pl.DataFrame:
    """Mean CSAT answer ("mean stars") on ``settings.csat_scale``: Σn·score and Σn·score².

    The top-2 share hides movement inside the scale (a 5 turning into a 4 is still
    "satisfied"); the mean shows it, which is how star ratings are usually read.
    """
    low, high = view.settings.csat_scale
    return _mean_stats(view, "csat", low, high)


def ces_stats(view: KpiView) -> pl.DataFrame:
    low, high = view.settings.ces_range
    easy_low, easy_high = view.settings.ces_easy
    easy = on_scale(_SCORE, low, high) & _SCORE.is_between(easy_low, easy_high)
    return _mean_stats(view, "ces", low, high, successes=_N.filter(easy).sum())


def _mean_stats(view: KpiView, survey: str, low: int, high: int, **more: pl.Expr) -> pl.DataFrame:
    """n, Σn·score and Σn·score² of one survey's answers on [low, high] (the mean kind's
    sufficient statistics), plus ``more``, and how many answers were off the scale."""
    valid = on_scale(_SCORE, low, high)
    return (
        _survey_rows(view, survey)
        .group_by(view.keys)
        .agg(
            n=_N.filter(valid).sum(),
            total=(_N * _SCORE).filter(valid).sum(),
            total_sq=(_N * _SCORE * _SCORE).filter(valid).sum(),
            **more,
            excluded=_N.filter(~valid).sum(),
        )
    )


def ces_easy_stats(view: KpiView) -> pl.DataFrame:
    return ces_stats(view).select(*view.keys, "n", "successes", "excluded")


def nps_breakdown(row: Mapping[str, Any], settings: MetricSettings) -> dict[str, Estimate]:
    """Promoter, passive and detractor shares (Wilson intervals) of one NPS stats row."""
    n = row["n"] or 0
    promoters, detractors = row["promoters"] or 0, row["detractors"] or 0
    counts = {
        "promoters": promoters,
        "passives": n - promoters - detractors,
        "detractors": detractors,
    }
    return {name: share(count, n, settings) for name, count in counts.items()}


def ces_breakdown(row: Mapping[str, Any], settings: MetricSettings) -> dict[str, Estimate]:
    """The "easy" share of one CES stats row (5–7 on agreement7, 1–2 on effort5)."""
    return {"easy_share": share(row["successes"] or 0, row["n"] or 0, settings)}


def share(count: int, n: int, settings: MetricSettings) -> Estimate:
    """A Wilson-interval share as an ``Estimate`` (value None when n = 0)."""
    if n <= 0:
        return Estimate(None, None, None, 0, True)
    p, low, high = (float(v) for v in wilson_interval(count, n, settings.z))
    return Estimate(p, low, high, int(n), n < settings.min_sample)
