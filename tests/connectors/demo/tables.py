"""Read the demo database's tables back for tests (real SQLite, declared column types)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import Float, Integer

from connectors.demo.schema import METADATA

END = date(2026, 11, 22)


def read_table(path: Path, table: str) -> pl.DataFrame:
    """All rows of ``table`` in insertion order, with the declared column types."""
    types = {
        c.name: pl.Int64
        if isinstance(c.type, Integer)
        else pl.Float64
        if isinstance(c.type, Float)
        else pl.Utf8
        for c in METADATA.tables[table].columns
    }
    with closing(sqlite3.connect(path)) as connection:
        return pl.read_database(
            f"SELECT * FROM {table} ORDER BY rowid",
            connection,
            schema_overrides=types,
            infer_schema_length=None,
        )
