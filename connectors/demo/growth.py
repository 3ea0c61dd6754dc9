"""Acquisition and revenue: marketing per channel and day, and MRR movements per plan.

Why together: new subscriptions are the acquisition funnel's output and the
revenue table's 'new' MRR, so one drives the other.

Acquisition: visitors -> trials -> new customers per channel, growing ~30% a
year, quieter at weekends, busier in November/December. CAC differs by
channel: referral (~EUR 22) < organic (~35) < social (~60) < paid search
(~95). The 'Refer-a-friend programme' lifts referral volume.

Revenue per plan and day: 'new' MRR from new customers, 'expansion' (~2.9% of
MRR a month), 'contraction' (~0.5%) and 'churn' (~2.0%) as signed MRR
movements, so net revenue retention is about 105% a year. The 'recurring' row
holds the revenue recognised that day (MRR / days in the month) and, in
``mrr``, the MRR at the end of the day:
``mrr[today] = mrr[yesterday] + new + expansion + contraction + churn``.

Example:
    >>> round(float(PLAN_PRICE @ NEW_PLAN_MIX), 2)  # average new MRR per customer
    18.99
"""

from __future__ import annotations

import calendar

import numpy as np
import polars as pl

from connectors.demo.customers import PLANS
from connectors.demo.story import Timeline
from connectors.demo.volume import day_dates, day_grid, december_peak, weekdays

MARKETING_CHANNELS = ("paid_search", "social", "referral", "organic")
VISITORS_AT_START = np.array([5_600.0, 4_200.0, 700.0, 6_200.0])
TRIAL_RATE = np.array([0.060, 0.045, 0.140, 0.055])  # trials per visitor
PAID_RATE = 0.42  # new customers per trial
CAC = np.array([95.0, 60.0, 22.0, 35.0])  # spend per new customer, EUR
ACQUISITION_GROWTH_PER_YEAR = 1.30
REFERRAL_PROGRAMME_LIFT = 1.8
SIGNUP_WEEKDAY = np.array([1.10, 1.06, 1.03, 1.00, 0.95, 0.88, 0.90])

PLAN_PRICE = np.array([9.99, 19.99, 49.99])  # monthly, EUR
NEW_PLAN_MIX = np.array([0.55, 0.30, 0.15])
MRR_AT_START = np.array([2_300_000.0, 2_600_000.0, 3_300_000.0])
MONTHLY_RATE = {"expansion": 0.029, "contraction": 0.005, "churn": 0.020}
DAYS_PER_MONTH = 30.44
KINDS = ("recurring", "new", "expansion", "contraction", "churn")


def marketing_frame(timeline: Timeline, rng: np.random.Generator) -> pl.DataFrame:
    """``marketing_daily``: visitors, trials, new customers and spend per day and channel."""
    t = np.arange(timeline.days)
    trend = ACQUISITION_GROWTH_PER_YEAR ** (t / 365) * SIGNUP_WEEKDAY[weekdays(timeline)]
    trend *= np.sqrt(december_peak(timeline, 0.3))
    lift = np.ones((timeline.days, 4))
    lift[t >= timeline.referral_programme, 2] = REFERRAL_PROGRAMME_LIFT
    visitors = rng.poisson(VISITORS_AT_START[None, :] * trend[:, None] * lift)
    trials = rng.binomial(visitors, TRIAL_RATE[None, :])
    new = rng.binomial(trials, PAID_RATE)
    expected_new = visitors * TRIAL_RATE[None, :] * PAID_RATE
    spend = np.round(expected_new * CAC[None, :] * rng.lognormal(0, 0.08, size=visitors.shape), 2)
    return day_grid(timeline, channel=MARKETING_CHANNELS).with_columns(
        new_customers=new.ravel().astype(np.int64),
        spend=spend.ravel(),
        visitors=visitors.ravel().astype(np.int64),
        trials=trials.ravel().astype(np.int64),
    )


def revenue_frame(
    new_customers_per_day: np.ndarray, timeline: Timeline, rng: np.random.Generator
) -> pl.DataFrame:
    """``revenue_daily``: five rows per day and plan, MRR movements adding up exactly."""
    days = day_dates(timeline)
    n_days, n_plans = timeline.days, len(PLANS)
    days_in_month = np.array([calendar.monthrange(d.year, d.month)[1] for d in days])
    january = np.array([d.month == 1 for d in days])
    new_subs = rng.multinomial(new_customers_per_day, NEW_PLAN_MIX)
    noise = rng.lognormal(0, 0.25, size=(n_days, 3, n_plans))

    mrr = MRR_AT_START.copy()
    rows = np.zeros((n_days, n_plans, len(KINDS)))
    end_mrr = np.zeros((n_days, n_plans))
    for i in range(n_days):  # one step per day: MRR compounds, so this is a recurrence
        rows[i, :, 0] = mrr / days_in_month[i]
        rows[i, :, 1] = new_subs[i] * PLAN_PRICE
        rows[i, :, 2] = mrr * MONTHLY_RATE["expansion"] / DAYS_PER_MONTH * noise[i, 0]
        rows[i, :, 3] = -mrr * MONTHLY_RATE["contraction"] / DAYS_PER_MONTH * noise[i, 1]
        churn_lift = 1.2 if january[i] else 1.0
        rows[i, :, 4] = -mrr * MONTHLY_RATE["churn"] * churn_lift / DAYS_PER_MONTH * noise[i, 2]
        rows[i] = np.round(rows[i], 2)
        mrr = np.round(mrr + rows[i, :, 1:].sum(axis=1), 2)
        end_mrr[i] = mrr

    mrr_column = np.full((n_days, n_plans, len(KINDS)), np.nan)
    mrr_column[:, :, 0] = end_mrr
    return day_grid(timeline, plan=PLANS, kind=KINDS).with_columns(
        amount=rows.ravel(), mrr=pl.Series(mrr_column.ravel()).fill_nan(None)
    )
