"""Numbers as the text a page shows, column by column, without Polars Python UDFs.

Why not ``pl.col(c).map_elements(format)``: a Python function inside a Polars
expression runs on Polars' worker threads, which must take the GIL. With many
sessions, another script thread can hold the GIL while it waits for those same
workers (``DataFrame.to_pandas`` does), and the server deadlocks — seen in the
25-session load test. Formatting a few dozen display values in plain Python is
as fast and cannot deadlock.

Example::

    frame.with_columns(formatted(frame, "value", kpi.format_value).alias("now"))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl


def formatted(
    frame: pl.DataFrame, column: str, form: Callable[[Any], str], *, skip_nulls: bool = False
) -> pl.Series:
    """``frame[column]`` as text, each value through ``form``.

    A missing value goes through ``form`` too (it may say "n/a"), unless
    ``skip_nulls``: then it stays missing.
    """
    values = frame[column].to_list()
    texts = [None if skip_nulls and v is None else form(v) for v in values]
    return pl.Series(column, texts, dtype=pl.Utf8)
