"""Turn a source's own columns into a canonical frame: rename, cast, and note what did not parse.

Why parse here and not in validation: only the connector knows the source's
raw text ("12,5", "2025-13-45", "n/a"). It casts what it can and writes why a
value failed into ``_parse_error``; validation then quarantines those rows
with that reason, and the raw value is kept in the message so nothing is lost.

Timestamps without an offset are read in the source's declared time zone and
converted to UTC; timestamps with an offset (``+02:00``, ``Z``) are converted
directly.

Example:
    >>> import polars as pl
    >>> raw = pl.LazyFrame({"id": [1], "kind": ["nps"], "s": ["9"], "at": ["2025-01-02 10:00"]})
    >>> m = DatasetMapping("responses", {"response_id": "id", "survey": "kind", "score": "s",
    ...                    "responded_at": "at"})
    >>> to_canonical(raw, source="demo", mapping=m, timezone="UTC").collect()["score"].to_list()
    [9.0]
"""

from __future__ import annotations

import polars as pl

from benefitboard.config import DatasetMapping
from canonical import PARSE_ERROR, SOURCE_ROW, dataset_spec
from connectors.errors import SourceError

_STRING_TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_NUMERIC = (pl.Float64, pl.Float32, pl.Int64, pl.Int32, pl.Int16, pl.Int8, pl.UInt64, pl.UInt32)


def to_canonical(
    raw: pl.LazyFrame,
    *,
    source: str,
    mapping: DatasetMapping,
    timezone: str,
    row_offset: int = 1,
) -> pl.LazyFrame:
    """Rename and cast ``raw`` to the canonical columns of ``mapping.dataset``.

    Adds ``_source_row`` (1-based, counting from ``row_offset``) and
    ``_parse_error``. Raises SourceError when a required or declared column is
    missing. Optional canonical columns absent from the source become typed
    nulls, so every snapshot of a dataset has the same schema.
    """
    spec = dataset_spec(mapping.dataset)
    schema = raw.collect_schema()
    available = list(schema.names())
    raw = raw.with_row_index(SOURCE_ROW, offset=row_offset).with_columns(
        pl.col(SOURCE_ROW).cast(pl.Int64)
    )
    values: list[pl.Expr] = []
    errors: list[pl.Expr] = []
    for column in spec.columns:
        name = mapping.source_column(column.name)
        if name not in schema:
            if column.required or column.name in mapping.columns:
                raise _missing(source, mapping, column.name, name, available)
            values.append(pl.lit(None, dtype=column.dtype).alias(column.name))
            continue
        value, error = _cast(
            pl.col(name), schema[name], column.dtype, column.name, timezone, mapping
        )
        values.append(value.alias(column.name))
        if error is not None:
            errors.append(error)
    for segment in mapping.segments:
        if segment not in schema:
            raise _missing(source, mapping, segment, segment, available, what="segment column")
        values.append(pl.col(segment).cast(pl.Utf8).alias(segment))
    parse_error = pl.concat_str(errors, separator="; ", ignore_nulls=True) if errors else pl.lit("")
    return raw.select(
        pl.col(SOURCE_ROW),
        *values,
        pl.when(parse_error == "").then(None).otherwise(parse_error).alias(PARSE_ERROR),
    )


def _missing(
    source: str,
    mapping: DatasetMapping,
    canonical: str,
    name: str,
    available: list[str],
    what: str = "column",
) -> SourceError:
    mapped = f" (mapped from canonical {canonical!r})" if name != canonical else ""
    return SourceError(
        source,
        mapping.dataset,
        f"{what} {name!r}{mapped} not found; the source has {available}",
        column=name,
        hint="fix the column name in the workspace config's [columns] mapping",
    )


def _cast(
    expr: pl.Expr,
    source_dtype: pl.DataType,
    target: pl.DataType,
    name: str,
    timezone: str,
    mapping: DatasetMapping,
) -> tuple[pl.Expr, pl.Expr | None]:
    """Return (cast value, error message or null) for one column."""
    if target == pl.Utf8:
        return expr.cast(pl.Utf8), None
    is_text = source_dtype == pl.Utf8
    text = expr.cast(pl.Utf8).str.strip_chars() if is_text else None
    present = (text.is_not_null() & (text != "")) if is_text else expr.is_not_null()
    if target == pl.Float64:
        value = (
            text.cast(pl.Float64, strict=False) if is_text else expr.cast(pl.Float64, strict=False)
        )
        return value, _error(present, value, name, expr, "is not a number")
    if target == pl.Int64:
        as_float = (
            text.cast(pl.Float64, strict=False) if is_text else expr.cast(pl.Float64, strict=False)
        )
        whole = pl.when(as_float == as_float.round(0)).then(as_float.cast(pl.Int64, strict=False))
        return whole, _error(present, whole, name, expr, "is not a whole number")
    if isinstance(target, pl.Datetime):
        value, wall_clock = _timestamp(expr, text, source_dtype, timezone, mapping.timestamp_format)
        error = _error(present, value, name, expr, "is not a timestamp")
        if wall_clock is None:
            return value, error
        # A wall-clock time that parses but cannot be placed: the hour skipped
        # when clocks go forward. Say so, rather than "not a timestamp".
        in_gap = pl.format(
            "{}: '{}' does not exist in " + timezone + " (clocks go forward then)",
            pl.lit(name),
            expr.cast(pl.Utf8),
        )
        return value, pl.when(present & value.is_null() & wall_clock.is_not_null()).then(
            in_gap
        ).otherwise(error)
    if target == pl.Date:
        value = _date(expr, text, source_dtype, mapping.timestamp_format)
        return value, _error(present, value, name, expr, "is not a date (YYYY-MM-DD)")
    raise TypeError(f"no cast for canonical dtype {target}")  # a programming error


def _error(present: pl.Expr, value: pl.Expr, name: str, raw: pl.Expr, problem: str) -> pl.Expr:
    shown = raw.cast(pl.Utf8).str.slice(0, 60)
    return pl.when(present & value.is_null()).then(
        pl.format("{}: '{}' " + problem, pl.lit(name), shown)
    )


def _timestamp(
    expr: pl.Expr, text: pl.Expr | None, dtype: pl.DataType, timezone: str, fmt: str | None
) -> tuple[pl.Expr, pl.Expr | None]:
    """(UTC timestamp, the naive wall-clock reading or None when the value carried a zone)."""
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            naive = expr.cast(pl.Datetime("us"))
            return _localise(naive, timezone), naive
        return expr.dt.convert_time_zone("UTC").cast(pl.Datetime("us", "UTC")), None
    if dtype == pl.Date:
        naive = expr.cast(pl.Datetime("us"))
        return _localise(naive, timezone), naive
    if text is None:
        return pl.lit(None, dtype=pl.Datetime("us", "UTC")), None
    if fmt:
        parsed = text.str.to_datetime(fmt, strict=False, time_unit="us")
        if "%z" in fmt:
            return parsed.dt.convert_time_zone("UTC").cast(pl.Datetime("us", "UTC")), None
        return _localise(parsed, timezone), parsed
    normalised = text.str.replace("T", " ", literal=True)
    with_offset = normalised.str.to_datetime(
        "%Y-%m-%d %H:%M:%S%.f%#z", strict=False, time_zone="UTC"
    )
    naive = pl.coalesce(
        [
            normalised.str.to_datetime(f, strict=False, time_unit="us")
            for f in _STRING_TIMESTAMP_FORMATS
        ]
    )
    value = pl.coalesce(with_offset.cast(pl.Datetime("us", "UTC")), _localise(naive, timezone))
    return value, naive


def _localise(naive: pl.Expr, timezone: str) -> pl.Expr:
    """Read naive wall-clock times in ``timezone`` and express them in UTC."""
    return (
        naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .cast(pl.Datetime("us", "UTC"))
    )


def _date(expr: pl.Expr, text: pl.Expr | None, dtype: pl.DataType, fmt: str | None) -> pl.Expr:
    if dtype == pl.Date:
        return expr
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date()
    if text is None:
        return pl.lit(None, dtype=pl.Date)
    if fmt:
        return text.str.to_date(fmt, strict=False)
    # A plain date, or a timestamp whose date part is taken as written.
    as_timestamp = text.str.replace("T", " ", literal=True).str.to_datetime(
        "%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us"
    )
    return pl.coalesce(text.str.to_date("%Y-%m-%d", strict=False), as_timestamp.dt.date())
