"""Effort prioritisation per contact reason: where customers spend time and struggle.

The founding idea: volume × handle time × effort. A rare reason where customers
struggle badly can matter more than a frequent easy one — but only when enough
customers answered the CES question to show it. So each reason's CES is shrunk
towards the overall CES mean before it counts:

    CES* = (n · CES_reason + k · CES_overall) / (n + k)      k = prior_answers
    struggle = (CES* − best) / (worst − best)                0 = effortless, 1 = worst answer
    priority = volume × handle minutes × struggle

``k`` (default ``settings.min_sample``, 30) is how many answers the overall mean is
worth: with 3 answers a reason keeps 3/33 ≈ 9% of its own CES, with 30 half, with
300 about 91%. CES_overall is the answer-weighted mean over every reason. On the
agreement7 scale best = 7 and worst = 1; on effort5 best = 1 and worst = 5. A reason
without handle times uses the overall mean handle time; without any handle times
the factor is left out (``basis`` says which factors were used). A reason with no
CES answers gets the overall mean (CES* = CES_overall).

Worked example (agreement7, k = 30):
- "Where is my order": 400 contacts, 4 min each, 120 CES answers averaging 6.4;
- "Refund failed": 40 contacts, 18 min each, 30 answers averaging 2.2.
CES_overall = (120·6.4 + 30·2.2) / 150 = 5.56.
WISMO: CES* = (768 + 30·5.56)/150 = 6.232, struggle = (7 − 6.232)/6 = 0.128,
priority = 400 × 4 × 0.128 = 204.8.
Refund: CES* = (66 + 166.8)/60 = 3.88, struggle = 0.52, priority = 40 × 18 × 0.52 =
374.4 → the rare, painful reason ranks first.
With only 3 refund answers (1, 2 and 3: mean 2.0, even worse): CES_overall =
(768 + 6)/123 = 6.2927, refund CES* = (6 + 30·6.2927)/33 = 5.9024, struggle 0.1829,
priority 131.7; WISMO CES* = 6.3785, struggle 0.1036, priority 165.7 → WISMO ranks
first: three answers are not evidence enough.

Also reported per reason: volume and share of volume, mean handle time in minutes
with its t interval, CES mean with its t interval and the number of answers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from metrics.aggregates import Frame, day_aggregate, has_dataset
from metrics.engine import MetricUnavailableError
from metrics.periods import Period
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.stats import mean_interval
from metrics.survey import on_scale


def effort_priority(
    data: Mapping[str, Frame | None],
    period: Period,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
    prior_answers: int | None = None,
) -> pl.DataFrame:
    """One row per contact reason, ranked by priority (1 = act first); see module doc.

    Columns: rank, contact_reason, volume, share, handle_minutes, handle_low,
    handle_high, handle_n, ces, ces_low, ces_high, ces_n, ces_small_sample,
    ces_shrunk, struggle, priority, basis.
    """
    if not has_dataset(data, "contacts"):
        raise MetricUnavailableError("no contacts data in this workspace: effort priority needs it")
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    try:
        counts = day_aggregate(
            "contacts", data, periods=[period], filters=filters, timezone=settings.timezone
        ).collect()
    except KeyError as error:
        raise MetricUnavailableError(str(error.args[0])) from None
    if counts.is_empty():
        raise MetricUnavailableError(f"no contacts between {period.start} and {period.end}")
    low, high = settings.ces_range
    score = pl.col("ces_score")
    answered = on_scale(score, low, high)
    by_reason = (
        counts.group_by("contact_reason")
        .agg(
            volume=pl.col("n").sum(),
            handle_n=pl.col("handle_n").sum(),
            handle_sum=pl.col("handle_sum").sum() / 60,
            handle_sumsq=pl.col("handle_sumsq").sum() / 3600,
            ces_n=pl.col("n").filter(answered).sum(),
            ces_total=(pl.col("n") * score).filter(answered).sum(),
            ces_total_sq=(pl.col("n") * score * score).filter(answered).sum(),
        )
        .sort("contact_reason")
    )
    return _rank(
        by_reason, settings, settings.min_sample if prior_answers is None else prior_answers
    )


def _rank(by_reason: pl.DataFrame, settings: MetricSettings, k: int) -> pl.DataFrame:
    column = lambda name: by_reason[name].cast(pl.Float64).fill_null(0).to_numpy()  # noqa: E731
    volume, handle_n, ces_n = column("volume"), column("handle_n"), column("ces_n")
    handle, _, handle_low, handle_high = mean_interval(
        handle_n, column("handle_sum"), column("handle_sumsq"), settings.confidence
    )
    ces, _, ces_low, ces_high = mean_interval(
        ces_n, column("ces_total"), column("ces_total_sq"), settings.confidence
    )
    overall_handle = column("handle_sum").sum() / handle_n.sum() if handle_n.sum() else np.nan
    overall_ces = column("ces_total").sum() / ces_n.sum() if ces_n.sum() else np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        shrunk = (np.nan_to_num(ces) * ces_n + k * overall_ces) / (ces_n + k)
        best, worst = settings.ces_best, settings.ces_worst
        struggle = np.clip((shrunk - best) / (worst - best), 0.0, 1.0)
    handle_used = np.where(handle_n > 0, handle, overall_handle)
    factors = ["volume"]
    priority = volume.copy()
    if not np.isnan(overall_handle):
        priority = priority * handle_used
        factors.append("handle time")
    if not np.isnan(overall_ces):
        priority = priority * struggle
        factors.append("struggle")
    nan_to_null = lambda values: pl.Series(values, dtype=pl.Float64).fill_nan(None)  # noqa: E731
    table = pl.DataFrame(
        {
            "contact_reason": by_reason["contact_reason"],
            "volume": by_reason["volume"].cast(pl.Int64),
            "share": volume / volume.sum(),
            "handle_minutes": nan_to_null(handle),
            "handle_low": nan_to_null(handle_low),
            "handle_high": nan_to_null(handle_high),
            "handle_n": by_reason["handle_n"].cast(pl.Int64),
            "ces": nan_to_null(ces),
            "ces_low": nan_to_null(ces_low),
            "ces_high": nan_to_null(ces_high),
            "ces_n": by_reason["ces_n"].cast(pl.Int64),
            "ces_small_sample": ces_n < settings.min_sample,
            "ces_shrunk": nan_to_null(shrunk),
            "struggle": nan_to_null(struggle),
            "priority": nan_to_null(priority),
            "basis": [" × ".join(factors)] * len(by_reason),
        }
    )
    ranked = table.sort(["priority", "volume"], descending=True, nulls_last=True)
    return ranked.with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))
