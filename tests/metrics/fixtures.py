"""Tiny canonical frames for metric tests, built from readable rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from canonical.datasets import dataset_spec


def utc(day: str, clock: str = "12:00") -> datetime:
    """An aware UTC instant from 'YYYY-MM-DD' and 'HH:MM'."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)


def d(day: str) -> date:
    return date.fromisoformat(day)


def frame(dataset: str, rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """A canonical frame of ``dataset``: canonical dtypes, extra columns as Utf8 segments.

    The key column (response_id, order_id, …) is numbered when the rows leave it out.
    """
    spec = dataset_spec(dataset)
    rows = [dict(r) for r in rows]
    if spec.key:
        for i, row in enumerate(rows):
            row.setdefault(spec.key, str(i + 1))
    names = list(dict.fromkeys([c for row in rows for c in row]))
    schema = {name: (spec.schema().get(name) or pl.Utf8) for name in names}
    return pl.DataFrame(rows, schema=schema)


def responses(*rows: tuple, **segments: Any) -> pl.DataFrame:
    """Responses from (survey, score, 'YYYY-MM-DD'[, 'HH:MM']) tuples; segments apply to all."""
    records = []
    for survey, score, day, *clock in rows:
        records.append(
            {"survey": survey, "score": score, "responded_at": utc(day, *clock), **segments}
        )
    return frame("responses", records)


def nps_answers(scores: Iterable[float], day: str = "2024-01-15", **segments: Any) -> pl.DataFrame:
    return responses(*(("nps", s, day) for s in scores), **segments)
