"""What changed: which segments moved a KPI between the comparison period and the period.

A product manager asks "why did NPS drop?". NPS, CSAT and CES are answer-weighted
averages of their segments (region, plan…), so the overall change splits exactly
into one contribution per segment, each made of two effects:

    R = Σ sᵢ·rᵢ          sᵢ = nᵢ / Σn (the segment's share of answers), rᵢ = its KPI value

    ΔR = R₁ − R₀ = Σ Δsᵢ·r₀ᵢ  +  Σ s₁ᵢ·Δrᵢ
                   ─────────     ─────────
                   mix effect    rate effect

- *mix*: the segment's share of answers changed (more answers from a region that
  always scores low pulls the total down, though nobody there got less happy);
- *rate*: the segment's own value changed, weighted by its current share.

Per segment the mix effect is reported as Δsᵢ·(r₀ᵢ − R₀). Because Σ Δsᵢ = 0 this
changes no total (Σ Δsᵢ·R₀ = 0), but a segment that merely grew while scoring
exactly the average no longer looks as if it moved the KPI. A segment with no
answers in the comparison period takes r₀ᵢ = R₀ (it is compared with the old
average); one with no answers now has s₁ᵢ = 0 and so no rate effect. Either way
the contributions still add up to R₁ − R₀ exactly: the decomposition is an
identity, not an approximation.

Only KPIs that are answer-weighted averages decompose like this (kinds nps,
proportion and mean); a median or a ratio of sums does not.

Worked example (NPS; segments A and B):
- before: A 50 answers at 40, B 50 at 20 → R₀ = 30;
- now:    A 20 answers at 40, B 80 at 0  → R₁ = 0.2·40 + 0.8·0 = 8, ΔR = −22.
A: mix = (0.2 − 0.5)·(40 − 30) = −3, rate = 0.2·(40 − 40) = 0 → −3.
B: mix = (0.8 − 0.5)·(20 − 30) = −3, rate = 0.8·(0 − 20) = −16 → −19 (ranks first).

    >>> import polars as pl
    >>> table = pl.DataFrame({"segment": ["A", "B"], "value": [40.0, 0.0], "n": [20, 80],
    ...                       "previous_value": [40.0, 20.0], "previous_n": [50, 50]})
    >>> result = what_changed(table, "nps")
    >>> result.previous, result.current, result.change, result.mix, result.rate
    (30.0, 8.0, -22.0, -6.0, -16.0)
    >>> shown = result.segments.select("rank", "segment", "mix", "rate", "contribution")
    >>> shown.with_columns(pl.col(pl.Float64).round(9)).rows()
    [(1, 'B', -3.0, -16.0, -19.0), (2, 'A', -3.0, 0.0, -3.0)]
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

DECOMPOSABLE_KINDS = ("nps", "proportion", "mean")
"""KPI kinds whose overall value is the answer-weighted average of their segments' values."""

COLUMNS = (
    "rank",
    "segment",
    "previous_n",
    "n",
    "previous_share",
    "share",
    "previous_value",
    "value",
    "mix",
    "rate",
    "contribution",
)


@dataclass(frozen=True)
class WhatChanged:
    """The change of a KPI and each segment's part in it (see the module doc).

    ``segments`` has one row per segment, largest contribution (either sign) first:
    rank, segment, previous_n, n, previous_share, share, previous_value, value,
    mix, rate, contribution. ``change`` is None when either period has no answers.
    """

    segments: pl.DataFrame
    previous: float | None
    current: float | None
    change: float | None
    mix: float | None
    rate: float | None


def what_changed(by_segment: pl.DataFrame, kind: str) -> WhatChanged:
    """Split a KPI's change into per-segment mix and rate effects.

    ``by_segment`` is what ``metrics.kpi_by_segment(..., comparison=...)`` returns
    (segment, value, n, previous_value, previous_n): the same aggregates the
    segment bars show, so the decomposition can never disagree with them.
    """
    if kind not in DECOMPOSABLE_KINDS:
        raise ValueError(
            f"a {kind!r} KPI is not an answer-weighted average, so its change cannot be split "
            f"into segment contributions; use one of kind {DECOMPOSABLE_KINDS} (NPS, CSAT, CES)"
        )
    missing = {"segment", "value", "n", "previous_value", "previous_n"} - set(by_segment.columns)
    if missing:
        raise ValueError(
            f"what_changed needs kpi_by_segment's table with a comparison period; "
            f"missing column(s) {sorted(missing)}"
        )
    rows = by_segment.select(
        "segment",
        pl.col("n").fill_null(0).cast(pl.Int64),
        pl.col("previous_n").fill_null(0).cast(pl.Int64),
        pl.when(pl.col("n") > 0).then(pl.col("value")).cast(pl.Float64).alias("value"),
        pl.when(pl.col("previous_n") > 0)
        .then(pl.col("previous_value"))
        .cast(pl.Float64)
        .alias("previous_value"),
    )
    total, previous_total = int(rows["n"].sum()), int(rows["previous_n"].sum())
    if total == 0 or previous_total == 0:
        empty = rows.with_columns(
            share=_share("n", total),
            previous_share=_share("previous_n", previous_total),
            mix=pl.lit(None, pl.Float64),
            rate=pl.lit(None, pl.Float64),
            contribution=pl.lit(None, pl.Float64),
        )
        return WhatChanged(_ranked(empty), None, None, None, None, None)
    rows = rows.with_columns(
        share=_share("n", total), previous_share=_share("previous_n", previous_total)
    )
    before = float((rows["previous_share"] * rows["previous_value"].fill_null(0.0)).sum())
    now = float((rows["share"] * rows["value"].fill_null(0.0)).sum())
    baseline = pl.col("previous_value").fill_null(before)
    effects = rows.with_columns(
        mix=(pl.col("share") - pl.col("previous_share")) * (baseline - before),
        rate=pl.when(pl.col("n") > 0)
        .then(pl.col("share") * (pl.col("value") - baseline))
        .otherwise(0.0),
    ).with_columns(contribution=pl.col("mix") + pl.col("rate"))
    return WhatChanged(
        segments=_ranked(effects),
        previous=before,
        current=now,
        change=now - before,
        mix=float(effects["mix"].sum()),
        rate=float(effects["rate"].sum()),
    )


def _share(column: str, total: int) -> pl.Expr:
    """Each segment's share of the period's answers (null when the period has none)."""
    return pl.col(column) / total if total else pl.lit(None, pl.Float64)


def _ranked(table: pl.DataFrame) -> pl.DataFrame:
    ranked = table.sort(
        [pl.col("contribution").abs(), "segment"], descending=[True, False], nulls_last=True
    )
    return ranked.with_row_index("rank", offset=1).select(
        pl.col("rank").cast(pl.Int64), *COLUMNS[1:]
    )
