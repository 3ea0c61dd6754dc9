"""Survey responses: NPS, CSAT and CES answers with the customer's comment.

Why two kinds: a response about a delivery comes from a real delivered order
(see ``orders.delivery_surveys``) and its score depends on whether that order
was late, which is what makes North's NPS fall during the planted slowdown.
Responses about support, checkout and the app are drawn per day, with their
own stories (the checkout outage, faster refunds, a slowly improving app).

Mix: 50% NPS, 30% CSAT, 20% CES. NPS answers are 60% about deliveries, CSAT
35%; CES is never asked about deliveries. Comments: about a quarter of NPS
and CSAT answers (detractors write more), a tenth of CES answers.

Example:
    >>> DELIVERY_SHARE
    0.405
"""

from __future__ import annotations

import numpy as np
import polars as pl

from canonical.surveys import SURVEYS
from connectors.demo.comments import survey_comments
from connectors.demo.customers import CHANNELS, PLANS, REGIONS, CustomerBase, label
from connectors.demo.orders import DeliverySurveys
from connectors.demo.phrases import SPECIAL_SURVEY_COMMENTS
from connectors.demo.scores import agreement_scores, nps_scores
from connectors.demo.story import CHECKOUT_OUTAGE_LENGTH_DAYS, Timeline
from connectors.demo.volume import SURVEY_HOURS, times_on_days, utc_text

SURVEY_MIX = np.array([0.50, 0.30, 0.20])
TOUCHPOINTS = ("delivery", "support", "checkout", "app")
DELIVERY, SUPPORT, CHECKOUT, APP = range(4)
NPS, CSAT, CES = range(3)
TOUCHPOINT_MIX = np.array(
    [
        [0.60, 0.10, 0.15, 0.15],  # nps
        [0.35, 0.35, 0.15, 0.15],  # csat
        [0.00, 0.50, 0.30, 0.20],  # ces
    ]
)
_JOINT = SURVEY_MIX[:, None] * TOUCHPOINT_MIX
DELIVERY_SHARE = round(float(_JOINT[:, DELIVERY].sum()), 6)
"""Share of all responses that are about a delivery (linked to an order)."""
NPS_SHARE_OF_DELIVERY = float(_JOINT[NPS, DELIVERY] / _JOINT[:, DELIVERY].sum())
# Other responses: (survey, touchpoint) pairs and their probabilities.
_OTHER = _JOINT.copy()
_OTHER[:, DELIVERY] = 0.0
OTHER_PAIRS = np.argwhere(_OTHER > 0)
OTHER_PAIR_P = _OTHER[_OTHER > 0] / _OTHER.sum()

# NPS as (promoters, detractors) per touchpoint; delivery depends on lateness.
NPS_ON_TIME = (0.60, 0.09)
NPS_LATE = (0.08, 0.76)
NPS_VERY_LATE = (0.04, 0.86)  # more than a day late
NPS_OTHER = {SUPPORT: (0.40, 0.26), CHECKOUT: (0.52, 0.15), APP: (0.47, 0.17)}
NPS_DURING_OUTAGE = (0.15, 0.60)
REGION_PROMOTER_OFFSET = np.array([0.00, 0.02, -0.02, 0.01])
# Means on the agreement scales.
CSAT_DELIVERY = {"on_time": 4.5, "late": 2.4, "very_late": 1.9}
CSAT_OTHER = {SUPPORT: 3.8, CHECKOUT: 4.25, APP: 4.1}
CES_OTHER = {SUPPORT: 4.9, CHECKOUT: 5.9, APP: 5.6}
FASTER_REFUNDS_LIFT = {"promoter": 0.05, "csat": 0.35, "ces": 0.6}
OUTAGE_CSAT, OUTAGE_CES = 2.6, 3.2
APP_PROMOTER_DRIFT = 0.04  # app NPS improves slowly over the window
COMMENT_SHARE = np.array([0.38, 0.18, 0.22])  # negative, neutral, positive
CES_COMMENT_SHARE = 0.10


def pick_delivery_surveys(
    candidates: DeliverySurveys, count: int, rng: np.random.Generator
) -> DeliverySurveys:
    """``count`` answered delivery surveys, late deliveries weighted up (weighted sampling
    without replacement by Efraimidis-Spirakis keys; with replacement if too few)."""
    if count >= candidates.size:
        if candidates.size == 0:
            return candidates
        p = candidates.weight / candidates.weight.sum()
        extra = rng.choice(candidates.size, size=count - candidates.size, p=p)
        return candidates.take(np.concatenate([np.arange(candidates.size), extra]))
    keys = np.log(rng.random(candidates.size)) / candidates.weight
    return candidates.take(np.argpartition(-keys, count - 1)[:count])


def response_frame(
    other_days: np.ndarray,
    answered: DeliverySurveys,
    first_id: int,
    base: CustomerBase,
    timeline: Timeline,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """One chunk of ``survey_responses`` rows, sorted by time, ids from ``first_id``.

    ``other_days`` holds the day index of each non-delivery response; ``answered``
    the delivery surveys answered in this chunk.
    """
    n_other, n_delivery = other_days.size, answered.size
    pair = OTHER_PAIRS[rng.choice(len(OTHER_PAIRS), size=n_other, p=OTHER_PAIR_P)]
    survey = np.concatenate(
        [
            pair[:, 0],
            np.where(rng.random(n_delivery) < NPS_SHARE_OF_DELIVERY, NPS, CSAT),
        ]
    )
    touchpoint = np.concatenate([pair[:, 1], np.full(n_delivery, DELIVERY)])
    at = np.concatenate([times_on_days(other_days, SURVEY_HOURS, timeline, rng), answered.at])
    day = (at - timeline.start_epoch) // 86_400
    customer = np.concatenate([base.pick(other_days, rng), answered.customer])
    hours_late = np.concatenate([np.zeros(n_other), answered.hours_late])
    new_carrier = np.concatenate([np.zeros(n_other, bool), answered.new_carrier])

    score = _scores(survey, touchpoint, day, hours_late, base.region[customer], timeline, rng)
    comment = _comments(survey, touchpoint, score, hours_late, new_carrier, rng)

    order = np.argsort(at, kind="stable")
    return pl.DataFrame(
        {
            "id": np.arange(first_id, first_id + at.size, dtype=np.int64),
            "survey_type": label(survey[order], SURVEYS),
            "score": score[order],
            "submitted_at": utc_text(at[order]),
            "customer_id": base.ids.gather(customer[order]),
            "comment": comment.gather(order),
            "touchpoint": label(touchpoint[order], TOUCHPOINTS),
            "plan": label(base.plan[customer[order]], PLANS),
            "region": label(base.region[customer[order]], REGIONS),
            "channel": label(base.channel[customer[order]], CHANNELS),
        }
    )


def _scores(
    survey: np.ndarray,
    touchpoint: np.ndarray,
    day: np.ndarray,
    hours_late: np.ndarray,
    region: np.ndarray,
    timeline: Timeline,
    rng: np.random.Generator,
) -> np.ndarray:
    late, very_late = hours_late > 0, hours_late > 24
    outage = (
        (touchpoint == CHECKOUT)
        & (day >= timeline.checkout_outage)
        & (day < timeline.checkout_outage + CHECKOUT_OUTAGE_LENGTH_DAYS)
    )
    refunds_faster = (touchpoint == SUPPORT) & (day >= timeline.faster_refunds)

    promoter = np.zeros(survey.size)
    detractor = np.zeros(survey.size)
    csat_mean = np.zeros(survey.size)
    ces_mean = np.zeros(survey.size)
    for tp in (SUPPORT, CHECKOUT, APP):
        at_tp = touchpoint == tp
        promoter[at_tp], detractor[at_tp] = NPS_OTHER[tp]
        csat_mean[at_tp], ces_mean[at_tp] = CSAT_OTHER[tp], CES_OTHER[tp]
    on_delivery = touchpoint == DELIVERY
    for mask, (p, d), c in (
        (on_delivery & ~late, NPS_ON_TIME, CSAT_DELIVERY["on_time"]),
        (on_delivery & late & ~very_late, NPS_LATE, CSAT_DELIVERY["late"]),
        (on_delivery & very_late, NPS_VERY_LATE, CSAT_DELIVERY["very_late"]),
        (outage, NPS_DURING_OUTAGE, OUTAGE_CSAT),
    ):
        promoter[mask], detractor[mask], csat_mean[mask] = p, d, c
    ces_mean[outage] = OUTAGE_CES
    promoter[refunds_faster] += FASTER_REFUNDS_LIFT["promoter"]
    detractor[refunds_faster] -= FASTER_REFUNDS_LIFT["promoter"]
    csat_mean[refunds_faster] += FASTER_REFUNDS_LIFT["csat"]
    ces_mean[refunds_faster] += FASTER_REFUNDS_LIFT["ces"]
    promoter += np.where(touchpoint == APP, APP_PROMOTER_DRIFT * day / timeline.days, 0.0)
    promoter += np.where(on_delivery, 0.0, REGION_PROMOTER_OFFSET[region])

    return np.select(
        [survey == NPS, survey == CSAT],
        [
            nps_scores(promoter, detractor, rng, angry=very_late),
            agreement_scores(csat_mean, 5, rng),
        ],
        agreement_scores(ces_mean, 7, rng),
    )


def sentiment_of(survey: np.ndarray, score: np.ndarray) -> np.ndarray:
    """0 negative, 1 neutral, 2 positive, read from the score on its own scale."""
    low = np.select([survey == NPS, survey == CSAT], [6, 2], 3)
    high = np.select([survey == NPS, survey == CSAT], [9, 4], 6)
    return np.where(score <= low, 0, np.where(score >= high, 2, 1))


def _comments(
    survey: np.ndarray,
    touchpoint: np.ndarray,
    score: np.ndarray,
    hours_late: np.ndarray,
    new_carrier: np.ndarray,
    rng: np.random.Generator,
) -> pl.Series:
    sentiment = sentiment_of(survey, score)
    share = np.where(survey == CES, CES_COMMENT_SHARE, COMMENT_SHARE[sentiment])
    writes = rng.random(survey.size) < share
    mood = np.array(["bad", "ok", "good"], dtype=object)[sentiment]
    topic = np.array(TOUCHPOINTS, dtype=object)[touchpoint] + "_" + mood
    topic[(touchpoint == DELIVERY) & (sentiment == 0) & (hours_late > 0)] = "delivery_late"
    topic[~writes] = ""
    return survey_comments(topic, hours_late, new_carrier, rng)


def plant_special_comments(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Put the comments from ``phrases.SPECIAL_SURVEY_COMMENTS`` (an email address, phone
    numbers, ``<b>html</b>``, a Markdown link, a script tag) on a few NPS rows."""
    if frame.height < len(SPECIAL_SURVEY_COMMENTS):
        return frame
    survey = frame["survey_type"].to_numpy()
    touchpoint = frame["touchpoint"].to_numpy()
    taken: set[int] = set()
    rows = []
    for survey_type, _, where, _ in SPECIAL_SURVEY_COMMENTS:
        fits = np.flatnonzero((survey == survey_type) & (touchpoint == where))
        fits = np.array([i for i in fits[-2_000:] if i not in taken], dtype=np.int64)
        if fits.size == 0:
            fits = np.array([i for i in range(frame.height) if i not in taken][-2_000:])
        row = int(rng.choice(fits))
        taken.add(row)
        rows.append(row)
    index = np.array(rows)
    return frame.with_columns(
        frame["survey_type"].clone().scatter(index, [s[0] for s in SPECIAL_SURVEY_COMMENTS]),
        frame["score"].clone().scatter(index, [s[1] for s in SPECIAL_SURVEY_COMMENTS]),
        frame["touchpoint"].clone().scatter(index, [s[2] for s in SPECIAL_SURVEY_COMMENTS]),
        frame["comment"].clone().scatter(index, [s[3] for s in SPECIAL_SURVEY_COMMENTS]),
    )
