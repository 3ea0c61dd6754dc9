"""Tables to CSV bytes that open cleanly and safely in spreadsheets.

Two choices, both for people who open the file in Excel:
- a UTF-8 byte-order mark, without which Excel reads "é" and "€" as
  Windows-1252 garbage (polars, pandas and Python's csv module skip it);
- text that starts with ``= + - @`` (or a tab/return) gets a leading ``'``,
  so a customer comment like ``=HYPERLINK(...)`` stays text instead of
  becoming a live formula (OWASP's CSV-injection advice). Numbers are untouched.

Example:
    >>> import polars as pl
    >>> table_csv(pl.DataFrame({"kpi": ["NPS", "=1+1"], "value": [31.5, -2.0]}))
    b'\\xef\\xbb\\xbf"kpi","value"\\n"NPS",31.5\\n"\\'=1+1",-2.0\\n'
"""

from __future__ import annotations

import polars as pl

_FORMULA_START = r"^[=+\-@\t\r]"


def table_csv(frame: pl.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV with a byte-order mark, text quoted and formula-safe."""
    safe = frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.Utf8
    )
    return ("\ufeff" + safe.write_csv(quote_style="non_numeric")).encode("utf-8")
