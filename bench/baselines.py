"""The executive page's core work in plain pandas and in DuckDB SQL, to measure the engine against.

Both read the same in-memory rows the engine reads (responses and orders,
canonical columns) and produce the same numbers the engine's ``core`` view
shows: the survey, delivery, on-time and shipping-cost tiles for a period and
its comparison (value, interval, n, change p-value), the two-year weekly NPS
trend, and NPS by plan and by region with the comparison. The heavy part —
local days in the reporting zone, filtering and counting ten million rows —
is each engine's own; turning the resulting counts into intervals and tests
is the same few lines of numpy/scipy (``metrics.stats``) for everyone.

``summarise_engine`` puts the engine's output in the same shape, so the
benchmark can check that all three agree before it compares their times.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binom

from bench.workload import SPLITS, ExecutiveView
from metrics.stats import (
    mean_interval,
    nps_interval,
    proportion_change,
    welch_change,
    wilson_interval,
    z_change,
)

Z95 = 1.959963984540054
Summary = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Shared: sufficient statistics → values, intervals, tests (tiny arrays, the same for everyone).


def nps_stats(n: float, promoters: float, detractors: float) -> dict[str, float]:
    value, se, low, high = (float(v) for v in nps_interval(promoters, detractors, n, Z95))
    return {"value": value, "low": low, "high": high, "n": n, "se": se}


def share_stats(n: float, successes: float) -> dict[str, float]:
    value, low, high = (float(v) for v in wilson_interval(successes, n, Z95))
    return {"value": value, "low": low, "high": high, "n": n, "successes": successes}


def mean_stats(n: float, total: float, total_sq: float) -> dict[str, float]:
    value, sd, low, high = (float(v) for v in mean_interval(n, total, total_sq))
    return {"value": value, "low": low, "high": high, "n": n, "sd": sd}


def with_change(kind: str, now: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    if kind in ("nps", "quantile"):
        change = z_change(now["value"], now["se"], before["value"], before["se"])
    elif kind == "share":
        change = proportion_change(now["successes"], now["n"], before["successes"], before["n"])
    else:
        change = welch_change(
            now["n"], now["value"], now["sd"], before["n"], before["value"], before["sd"]
        )
    return {**now, "p_value": change.p_value}


def quantile_stats(sorted_picks: Mapping[int, float], n: int, q: float = 0.5) -> dict[str, float]:
    """Linear quantile and the distribution-free interval from chosen order statistics."""
    position = 1 + (n - 1) * q
    lo_rank, hi_rank = int(np.floor(position)), int(np.ceil(position))
    value = sorted_picks[lo_rank] + (position - lo_rank) * (
        sorted_picks[hi_rank] - sorted_picks[lo_rank]
    )
    j, k = quantile_ranks(n, q)
    low, high = sorted_picks[j], sorted_picks[k]
    return {"value": value, "low": low, "high": high, "n": n, "se": (high - low) / (2 * Z95)}


def quantile_ranks(n: int, q: float = 0.5) -> tuple[int, int]:
    j = int(np.clip(binom.ppf(0.025, n, q), 1, n))
    k = int(np.clip(binom.ppf(0.975, n, q) + 1, 1, n))
    return j, k


def order_ranks(n: int, q: float = 0.5) -> list[int]:
    position = 1 + (n - 1) * q
    return sorted({int(np.floor(position)), int(np.ceil(position)), *quantile_ranks(n, q)})


# ---------------------------------------------------------------------------------------------
# pandas.


def pandas_core(
    responses: pd.DataFrame, orders: pd.DataFrame, view: ExecutiveView, tz: str
) -> Summary:
    """The core view in plain pandas (numpy-backed frames, as ``to_pandas()`` gives them)."""
    day = responses["responded_at"].dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    survey, score = responses["survey"], responses["score"]
    groups = {
        0: (day >= _ts(view.period.start)) & (day <= _ts(view.period.end)),
        1: (day >= _ts(view.comparison.start)) & (day <= _ts(view.comparison.end)),
    }
    is_nps, is_csat, is_ces = survey == "nps", survey == "csat", survey == "ces"
    promoter, detractor = score >= 9, score <= 6
    tiles: dict[str, list[dict]] = {"nps": [], "csat": [], "ces": []}
    for mask in groups.values():
        nps = mask & is_nps
        tiles["nps"].append(nps_stats(nps.sum(), (nps & promoter).sum(), (nps & detractor).sum()))
        csat = mask & is_csat
        tiles["csat"].append(share_stats(csat.sum(), (csat & (score >= 4)).sum()))
        ces_scores = score[mask & is_ces]
        tiles["ces"].append(
            mean_stats(len(ces_scores), ces_scores.sum(), (ces_scores * ces_scores).sum())
        )
    in_history = (day >= _ts(view.history.start)) & (day <= _ts(view.history.end)) & is_nps
    weekly = (
        pd.DataFrame(
            {
                "week": (day - pd.to_timedelta(day.dt.weekday, unit="D"))[in_history],
                "promoter": promoter[in_history],
                "detractor": detractor[in_history],
            }
        )
        .groupby("week")
        .agg(n=("promoter", "size"), promoters=("promoter", "sum"), detractors=("detractor", "sum"))
    )
    trend = {
        week.date(): nps_stats(r.n, r.promoters, r.detractors)["value"]
        for week, r in weekly.iterrows()
    }
    splits = {}
    for segment in SPLITS:
        per_group = []
        for mask in groups.values():
            chosen = mask & is_nps
            frame = pd.DataFrame(
                {segment: responses[segment][chosen], "p": promoter[chosen], "d": detractor[chosen]}
            )
            per_group.append(
                frame.groupby(segment).agg(n=("p", "size"), p=("p", "sum"), d=("d", "sum"))
            )
        splits[segment] = _split_stats(*per_group)

    ordered_day = orders["ordered_at"].dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    hours = (orders["delivered_at"] - orders["ordered_at"]).dt.total_seconds() / 3600
    delivered = orders["delivered_at"].notna() & (hours >= 0)
    on_time = orders["promised_at"].notna() & (orders["delivered_at"] <= orders["promised_at"])
    cost = orders["shipping_cost"]
    order_tiles: dict[str, list[dict]] = {
        "delivery_p50_hours": [],
        "on_time_rate": [],
        "shipping_cost_per_order": [],
    }
    for period in (view.period, view.comparison):
        mask = (ordered_day >= _ts(period.start)) & (ordered_day <= _ts(period.end))
        values = hours[mask & delivered].to_numpy()
        ranks = order_ranks(len(values))
        picked = np.partition(values, [r - 1 for r in ranks])
        order_tiles["delivery_p50_hours"].append(
            quantile_stats({r: picked[r - 1] for r in ranks}, len(values))
        )
        order_tiles["on_time_rate"].append(
            share_stats((mask & delivered).sum(), (mask & delivered & on_time).sum())
        )
        costs = cost[mask & cost.notna()]
        order_tiles["shipping_cost_per_order"].append(
            mean_stats(len(costs), costs.sum(), (costs * costs).sum())
        )
    return _summary({**tiles, **order_tiles}, trend, splits)


def _ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _split_stats(now: pd.DataFrame, before: pd.DataFrame) -> dict[str, dict]:
    out = {}
    for value, row in now.iterrows():
        current = nps_stats(row.n, row.p, row.d)
        previous = before.loc[value] if value in before.index else None
        p_value = (
            with_change("nps", current, nps_stats(previous.n, previous.p, previous.d))["p_value"]
            if previous is not None
            else None
        )
        out[str(value)] = {"value": current["value"], "n": int(row.n), "p_value": p_value}
    return out


# ---------------------------------------------------------------------------------------------
# DuckDB.


def duckdb_core(connection: Any, view: ExecutiveView, tz: str) -> Summary:
    """The core view in DuckDB SQL over tables ``responses`` and ``orders`` held in memory."""
    p, c, h = view.period, view.comparison, view.history
    local = f"CAST(timezone('{tz}', {{}}) AS DATE)"
    group = (
        f"CASE WHEN day BETWEEN DATE '{p.start}' AND DATE '{p.end}' THEN 0 "
        f"WHEN day BETWEEN DATE '{c.start}' AND DATE '{c.end}' THEN 1 END"
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE r AS SELECT survey, score, plan, region, "
        f"{local.format('responded_at')} AS day "
        "FROM responses"
    )
    counts = connection.execute(
        f"""SELECT g, survey, count(*) n, count(*) FILTER (score >= 9) promoters,
                   count(*) FILTER (score <= 6) detractors, count(*) FILTER (score >= 4) top2,
                   sum(score) total, sum(score * score) total_sq
            FROM (SELECT {group} g, survey, score FROM r) WHERE g IS NOT NULL
            GROUP BY g, survey"""
    ).fetchall()
    by = {(g, s): row for g, s, *row in counts}
    tiles: dict[str, list[dict]] = {"nps": [], "csat": [], "ces": []}
    for g in (0, 1):
        n, pro, det, *_ = by[(g, "nps")]
        tiles["nps"].append(nps_stats(n, pro, det))
        n, _, _, top2, *_ = by[(g, "csat")]
        tiles["csat"].append(share_stats(n, top2))
        n, *_, total, total_sq = by[(g, "ces")]
        tiles["ces"].append(mean_stats(n, total, total_sq))
    weekly = connection.execute(
        f"""SELECT date_trunc('week', day) w, count(*), count(*) FILTER (score >= 9),
                   count(*) FILTER (score <= 6)
            FROM r WHERE survey = 'nps' AND day BETWEEN DATE '{h.start}' AND DATE '{h.end}'
            GROUP BY w ORDER BY w"""
    ).fetchall()
    trend = {w: nps_stats(n, pro, det)["value"] for w, n, pro, det in weekly}
    splits = {}
    for segment in SPLITS:
        rows = connection.execute(
            f"""SELECT g, {segment}, count(*), count(*) FILTER (score >= 9),
                       count(*) FILTER (score <= 6)
                FROM (SELECT {group} g, {segment}, score FROM r WHERE survey = 'nps')
                WHERE g IS NOT NULL GROUP BY g, {segment}"""
        ).fetchall()
        frames = [
            pd.DataFrame(
                [(v, n, pro, det) for g, v, n, pro, det in rows if g == k],
                columns=[segment, "n", "p", "d"],
            ).set_index(segment)
            for k in (0, 1)
        ]
        splits[segment] = _split_stats(*frames)

    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE o AS
            SELECT {local.format("ordered_at")} AS day,
                   (epoch_us(delivered_at) - epoch_us(ordered_at)) / 3600e6 AS hours,
                   delivered_at, promised_at, shipping_cost FROM orders"""
    )
    sums = connection.execute(
        f"""SELECT g, count(*) FILTER (delivered_at IS NOT NULL AND hours >= 0) delivered,
                   count(*) FILTER (delivered_at IS NOT NULL AND hours >= 0
                                    AND promised_at IS NOT NULL AND delivered_at <= promised_at),
                   count(shipping_cost), sum(shipping_cost), sum(shipping_cost * shipping_cost)
            FROM (SELECT {group} g, * FROM o) WHERE g IS NOT NULL GROUP BY g"""
    ).fetchall()
    by_group = {g: row for g, *row in sums}
    order_tiles: dict[str, list[dict]] = {
        "delivery_p50_hours": [],
        "on_time_rate": [],
        "shipping_cost_per_order": [],
    }
    for g in (0, 1):
        delivered, on_time, cost_n, cost_sum, cost_sq = by_group[g]
        ranks = order_ranks(delivered)
        positions = ", ".join(str((r - 1) / (delivered - 1)) for r in ranks)
        picked = connection.execute(
            f"""SELECT quantile_cont(hours, [{positions}])
                FROM (SELECT {group} g, hours, delivered_at FROM o)
                WHERE g = {g} AND delivered_at IS NOT NULL AND hours >= 0"""
        ).fetchone()[0]
        order_tiles["delivery_p50_hours"].append(
            quantile_stats(dict(zip(ranks, picked, strict=True)), delivered)
        )
        order_tiles["on_time_rate"].append(share_stats(delivered, on_time))
        order_tiles["shipping_cost_per_order"].append(mean_stats(cost_n, cost_sum, cost_sq))
    return _summary({**tiles, **order_tiles}, trend, splits)


# ---------------------------------------------------------------------------------------------
# One shape for every implementation.

_KIND = {
    "nps": "nps", "csat": "share", "ces": "mean", "on_time_rate": "share",
    "shipping_cost_per_order": "mean", "delivery_p50_hours": "quantile",
}  # fmt: skip


def _summary(tiles: dict[str, list[dict]], trend: dict, splits: dict) -> Summary:
    shaped = {}
    for kpi, (now, before) in tiles.items():
        shaped[kpi] = with_change(_KIND[kpi], now, before)
    return {"tiles": shaped, "trend": {_as_date(w): v for w, v in trend.items()}, "splits": splits}


def summarise_engine(view_output: Mapping[str, Any]) -> Summary:
    """The engine's core view output in the baselines' shape."""
    tiles = {}
    for kpi, result in view_output["tiles"].items():
        tiles[kpi] = {
            "value": result.current.value,
            "low": result.current.low,
            "high": result.current.high,
            "n": result.current.n,
            "p_value": result.change.p_value if result.change else None,
        }
    trend = {
        row["bucket_start"]: row["value"]
        for row in view_output["trend"].iter_rows(named=True)
        if row["n"]
    }
    splits = {
        segment: {
            row["segment"]: {"value": row["value"], "n": row["n"], "p_value": row["p_value"]}
            for row in frame.iter_rows(named=True)
        }
        for segment, frame in view_output["splits"].items()
    }
    return {"tiles": tiles, "trend": trend, "splits": splits}


def largest_difference(a: Summary, b: Summary, skip: tuple[str, ...] = ()) -> float:
    """The largest absolute difference between two summaries' numbers (tiles, trend, splits)."""
    worst = 0.0
    for kpi, numbers in a["tiles"].items():
        if kpi in skip:
            continue
        for key in ("value", "low", "high", "n", "p_value"):
            worst = max(worst, _gap(numbers.get(key), b["tiles"][kpi].get(key)))
    for week, value in a["trend"].items():
        worst = max(worst, _gap(value, b["trend"].get(week)))
    for segment, rows in a["splits"].items():
        for value, numbers in rows.items():
            other = b["splits"][segment].get(value, {})
            for key in ("value", "n", "p_value"):
                worst = max(worst, _gap(numbers.get(key), other.get(key)))
    return worst


def _as_date(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def _gap(x: Any, y: Any) -> float:
    if x is None and y is None:
        return 0.0
    if x is None or y is None:
        return float("inf")
    return abs(float(x) - float(y))
