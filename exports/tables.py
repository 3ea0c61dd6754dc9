"""Tables to CSV bytes that open cleanly and safely in spreadsheets.

Two choices, both for people who open the file in Excel:
- a UTF-8 byte-order mark, without which Excel reads "é" and "€" as
  Windows-1252 garbage (polars, pandas and Python's csv module skip it);
- text that starts with ``= + - @`` (or a tab/return) gets a leading ``'``,
  so a customer comment like ``=HYPERLINK(...)`` stays text instead of
  becoming a live formula (OWASP's CSV-injection advice). Numbers are untouched,
  and so is text that is only a signed number ("+2.5", "-3", "+12.5%": a
  change as the page shows it), which a spreadsheet reads as that number.

Example:
    >>> import polars as pl
    >>> table_csv(pl.DataFrame({"kpi": ["NPS", "=1+1"], "value": [31.5, -2.0]}))
    b'\\xef\\xbb\\xbf"kpi","value"\\n"NPS",31.5\\n"\\'=1+1",-2.0\\n'
"""

from __future__ import annotations

import polars as pl

_FORMULA_START = r"^[=+\-@\t\r]"
_SIGNED_NUMBER = r"^[+-][0-9][0-9,]*(\.[0-9]+)?%?$"


def table_csv(frame: pl.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV with a byte-order mark, text quoted and formula-safe."""
    text = {
        name: pl.col(name).cast(pl.Utf8)
        for name, dtype in frame.schema.items()
        if dtype in (pl.Utf8, pl.Categorical) or isinstance(dtype, pl.Enum)
    }
    safe = frame.with_columns(
        pl.when(value.str.contains(_FORMULA_START) & ~value.str.contains(_SIGNED_NUMBER))
        .then(pl.lit("'") + value)
        .otherwise(value)
        .alias(name)
        for name, value in text.items()
    )
    return ("\ufeff" + safe.write_csv(quote_style="non_numeric")).encode("utf-8")
