"""Hand-made canonical frames shared by the validation tests, with the reasons expected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from canonical.datasets import PARSE_ERROR, SOURCE_ROW
from validation.contracts import build_contracts
from validation.runner import validate_dataset

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
YESTERDAY = datetime(2025, 3, 9, 8, 0, tzinfo=UTC)
TOMORROW = NOW + timedelta(days=1)
CONTRACTS = build_contracts()

# (response_id, survey, score, responded_at, parse error) -> expected reasons ("" = valid)
RESPONSES = [
    ("r01", "nps", 9.0, YESTERDAY, None, ""),
    ("r02", "nps", 0.0, YESTERDAY, None, ""),
    ("r03", "nps", 10.0, YESTERDAY, None, ""),
    ("r04", "csat", 1.0, YESTERDAY, None, ""),
    ("r05", "csat", 5.0, YESTERDAY, None, ""),
    ("r06", "ces", 7.0, YESTERDAY, None, ""),
    ("r07", "ces", 1.0, YESTERDAY, None, ""),
    ("r08", "nps", 6.0, YESTERDAY, None, ""),
    ("r09", "csat", 3.0, YESTERDAY, None, ""),
    ("r10", "nps", 7.0, YESTERDAY, None, ""),
    ("r11", "nps", 11.0, YESTERDAY, None, "score: not between 0 and 10 for survey nps"),
    ("r12", "nps", -1.0, YESTERDAY, None, "score: not between 0 and 10 for survey nps"),
    ("r13", "csat", 4.5, YESTERDAY, None, "score: not a whole number"),
    (
        "r14",
        "nps",
        None,
        YESTERDAY,
        "score: 'abc' is not a number",
        "unreadable: score: 'abc' is not a number; score: missing",
    ),
    ("r15", "nps", 8.0, YESTERDAY, None, "response_id: duplicated"),
    ("r15", "nps", 8.0, YESTERDAY, None, "response_id: duplicated"),
    ("r17", "nps", 9.0, TOMORROW, None, "responded_at: in the future"),
    ("r18", None, 9.0, YESTERDAY, None, "survey: missing"),
    ("r19", "promoter", 9.0, YESTERDAY, None, "survey: not one of nps, csat, ces"),
    ("r20", "csat", 6.0, YESTERDAY, None, "score: not between 1 and 5 for survey csat"),
    ("r21", "ces", 6.0, None, None, "responded_at: missing"),
    (
        "r22",
        "nps",
        10.5,
        YESTERDAY,
        None,
        "score: not between 0 and 10 for survey nps; score: not a whole number",
    ),
    ("r23", "ces", 4.0, YESTERDAY, None, ""),
    ("r24", "csat", 2.0, YESTERDAY, None, ""),
    ("r25", "nps", 5.0, NOW, None, ""),
    ("r26", "ces", 2.0, NOW + timedelta(minutes=4), None, ""),  # within clock-skew tolerance
]


def responses_frame(rows=RESPONSES) -> pl.DataFrame:
    return pl.DataFrame(
        {
            SOURCE_ROW: list(range(1, len(rows) + 1)),
            "response_id": [r[0] for r in rows],
            "survey": [r[1] for r in rows],
            "score": [r[2] for r in rows],
            "responded_at": [r[3] for r in rows],
            "customer_id": [f"c{i % 4}" for i in range(len(rows))],
            "comment": ["fine"] * len(rows),
            "touchpoint": [None] * len(rows),
            "plan": [("pro", "free")[i % 2] for i in range(len(rows))],
            PARSE_ERROR: [r[4] for r in rows],
        },
        schema_overrides={
            "responded_at": pl.Datetime("us", "UTC"),
            "touchpoint": pl.Utf8,
            SOURCE_ROW: pl.Int64,
        },
    )


def validate(dataset, frame, contract=None, **kwargs):
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("source", "shop_db")
    return validate_dataset(dataset, frame, contract or CONTRACTS[dataset], **kwargs)
