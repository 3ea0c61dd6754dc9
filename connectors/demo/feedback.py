"""Feedback items: what customers ask for, in one shared taxonomy of eight themes.

Why: the feedback page weighs requests by distinct customers and account
value, and links them to the roadmap. So themes differ in volume and in who
asks (pro accounts ask for bulk ordering and invoice export), requests fade
once shipped ('dark mode' after its release, 'referrals' after the programme),
and 'faster delivery' / 'order tracking' surge in North during the slowdown.

Example:
    >>> ROADMAP["dark mode"]
    ('Dark mode', 'shipped')
"""

from __future__ import annotations

import numpy as np
import polars as pl

from connectors.demo.comments import feedback_texts
from connectors.demo.customers import PLANS, REGIONS, CustomerBase, label
from connectors.demo.phrases import FEEDBACK_SOURCE_PREFIX, FEEDBACK_THEMES
from connectors.demo.story import PLANTED_SLOWDOWN_REGION, SLOWDOWN_DAYS, Timeline
from connectors.demo.volume import (
    OFFICE_HOURS,
    spread_over_days,
    survey_weights,
    times_on_days,
    utc_text,
)

SOURCES = tuple(FEEDBACK_SOURCE_PREFIX)  # support, survey, sales, product
# Sources per plan (rows basic, plus, pro): account managers talk to pro customers.
SOURCE_MIX = np.array(
    [
        [0.40, 0.35, 0.05, 0.20],
        [0.36, 0.32, 0.12, 0.20],
        [0.25, 0.20, 0.35, 0.20],
    ]
)
THEME_WEIGHT = np.array([8.0, 16.0, 12.0, 7.0, 9.0, 12.0, 13.0, 8.0])
THEME_PLAN_LIFT = np.ones((len(PLANS), len(FEEDBACK_THEMES)))
THEME_PLAN_LIFT[2, FEEDBACK_THEMES.index("bulk ordering")] = 3.0
THEME_PLAN_LIFT[2, FEEDBACK_THEMES.index("invoice export")] = 3.0
THEME_PLAN_LIFT[0, FEEDBACK_THEMES.index("gift cards")] = 1.5
SHIPPED_FADE = 0.15  # requests left after a theme's answer shipped
ROADMAP: dict[str, tuple[str, str] | None] = {
    "referrals": ("Refer-a-friend programme", "shipped"),
    "faster delivery": ("Same-day delivery pilot", "planned"),
    "dark mode": ("Dark mode", "shipped"),
    "bulk ordering": ("Bulk order upload", "wont_do"),
    "invoice export": ("Invoice export (PDF and CSV)", "in_progress"),
    "plan flexibility": ("Self-service plan changes", "planned"),
    "order tracking": ("Live order tracking", "in_progress"),
    "gift cards": None,
}
LINKED_SHARE = 0.75
SLOWDOWN_EXTRA = 0.8  # extra North items per usual North item during the slowdown
SLOWDOWN_THEMES = {"faster delivery": 0.6, "order tracking": 0.4}


def feedback_frame(
    count: int, base: CustomerBase, timeline: Timeline, rng: np.random.Generator
) -> pl.DataFrame:
    """About ``count`` feedback items (plus the North slowdown surge), sorted by time."""
    weights = survey_weights(timeline)
    day = np.repeat(np.arange(timeline.days), spread_over_days(count, weights, rng))
    customer = base.pick(day, rng)
    theme = _themes(day, base.plan[customer], timeline, rng)

    north = REGIONS.index(PLANTED_SLOWDOWN_REGION)
    usual_north_per_day = count * weights[-SLOWDOWN_DAYS:].mean() / weights.sum() * 0.28
    extra = rng.poisson(SLOWDOWN_EXTRA * usual_north_per_day * SLOWDOWN_DAYS)
    extra_day = np.sort(rng.integers(timeline.slowdown_start, timeline.days, size=extra))
    extra_theme = rng.choice(
        [FEEDBACK_THEMES.index(t) for t in SLOWDOWN_THEMES],
        size=extra,
        p=list(SLOWDOWN_THEMES.values()),
    )
    day = np.concatenate([day, extra_day])
    customer = np.concatenate([customer, base.pick(extra_day, rng, region=north)])
    theme = np.concatenate([theme, extra_theme])

    n = day.size
    plan = base.plan[customer]
    source = draw_rows(SOURCE_MIX[plan], rng)
    source[n - extra :] = rng.choice([0, 1], size=extra)  # the surge arrives via support/surveys
    created = times_on_days(day, OFFICE_HOURS, timeline, rng)
    on_roadmap = np.array([ROADMAP[t] is not None for t in FEEDBACK_THEMES])
    linked = on_roadmap[theme] & (rng.random(n) < LINKED_SHARE)
    item = np.array([(ROADMAP[t] or (None, "new"))[0] for t in FEEDBACK_THEMES], dtype=object)
    status = np.array([(ROADMAP[t] or (None, "new"))[1] for t in FEEDBACK_THEMES], dtype=object)
    roadmap_item = np.where(linked, item[theme], None)
    roadmap_status = np.where(linked, status[theme], "new")
    text = feedback_texts(theme, source, rng)

    order = np.argsort(created, kind="stable")
    return pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "created_at": utc_text(created[order]),
            "theme": label(theme[order], FEEDBACK_THEMES),
            "source": label(source[order], SOURCES),
            "customer_id": base.ids.gather(customer[order]),
            "account_value": base.account_value[customer[order]],
            "text": text.gather(order),
            "roadmap_item": pl.Series(roadmap_item[order].tolist(), dtype=pl.Utf8),
            "status": pl.Series(roadmap_status[order].tolist(), dtype=pl.Utf8),
            "plan": label(plan[order], PLANS),
        }
    )


def _themes(
    day: np.ndarray, plan: np.ndarray, timeline: Timeline, rng: np.random.Generator
) -> np.ndarray:
    weight = THEME_WEIGHT[None, :] * THEME_PLAN_LIFT[plan]
    weight[day >= timeline.dark_mode, FEEDBACK_THEMES.index("dark mode")] *= SHIPPED_FADE
    referrals = FEEDBACK_THEMES.index("referrals")
    weight[day >= timeline.referral_programme, referrals] *= 2 * SHIPPED_FADE
    return draw_rows(weight, rng)


def draw_rows(weight: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One category per row, drawn with that row's (unnormalised) weights."""
    cumulative = weight.cumsum(axis=1) / weight.sum(axis=1, keepdims=True)
    rows = int(weight.shape[0])
    drawn = (rng.random(rows)[:, None] > cumulative).sum(axis=1)
    return np.minimum(drawn, weight.shape[1] - 1)
