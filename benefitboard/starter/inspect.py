"""Read a sample of each file, sheet or database table that ``init`` is pointed at, and profile it.

Why through the files source's own reader: a CSV is then read exactly as the
refresh will read it (delimiter sniffed, byte-order mark dropped, every value as
text, the same errors), so what ``init`` saw is what the dashboard gets. Text that
is not UTF-8 is tried as latin-1 (cp1252 exports from spreadsheets), and the
written config says so with ``encoding``.

Excel workbooks are read with ``polars.read_excel`` (calamine, no Excel needed),
one table per sheet; databases through SQLAlchemy's inspector and one sample
``SELECT`` per table.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "Reviews 2025.csv").write_text("id;stars\\nr1;5\\nr2;4\\n")
    >>> [(t.name, t.rows, t.names) for t in inspect_files([folder])]
    [('reviews_2025', 2, ('id', 'stars'))]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import polars as pl

from benefitboard.config import DatasetMapping
from benefitboard.starter.profile import TableProfile, profile_frame
from connectors.errors import SourceError
from connectors.files import (
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    read_raw_file,  # the refresh's own CSV/Parquet reader
)

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
SAMPLE_ROWS = 100_000
"""Rows profiled per table: enough for every value of a segment, quick on big tables."""
FALLBACK_ENCODING = "latin-1"

Progress = Callable[[float, str], None]


class InspectError(ValueError):
    """A path or database that cannot be inspected, saying which and what to do."""


def table_name(stem: str) -> str:
    """A name a query can use without quotes, from a file name or sheet.

    >>> table_name("Olist Orders-2018"), table_name("2025 answers")
    ('olist_orders_2018', 't_2025_answers')
    """
    name = re.sub(r"[^0-9a-zA-Z]+", "_", stem).strip("_").lower() or "table"
    return f"t_{name}" if name[0].isdigit() else name


def data_files(paths: Iterable[Path]) -> list[Path]:
    """The CSV, Parquet and Excel files among ``paths`` (folders are searched, not recursively)."""
    suffixes = CSV_SUFFIXES | PARQUET_SUFFIXES | EXCEL_SUFFIXES
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes
            )
        elif path.is_file():
            if path.suffix.lower() not in suffixes:
                raise InspectError(
                    f"{path}: not a CSV, Parquet or Excel file (suffixes: {sorted(suffixes)})"
                )
            found.append(path)
        else:
            raise InspectError(f"{path}: no such file or folder")
    if not found:
        raise InspectError("no CSV, Parquet or Excel file in " + ", ".join(str(p) for p in paths))
    return found


def inspect_files(paths: Sequence[Path], progress: Progress | None = None) -> list[TableProfile]:
    """Profile every table in ``paths``: one per CSV or Parquet file, one per Excel sheet."""
    files = data_files(paths)
    tables: list[TableProfile] = []
    taken: set[str] = set()
    for number, path in enumerate(files):
        if progress:
            progress(number / len(files), f"reading {path.name}")
        for table in _read_tables(path):
            name = table.name
            while name in taken:  # orders.csv beside orders.parquet
                name += "_2"
            taken.add(name)
            tables.append(replace(table, name=name))
    if progress:
        progress(1.0, f"read {len(files)} file(s)")
    return tables


def _read_tables(path: Path) -> list[TableProfile]:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_workbook(path)
    encoding = "utf-8"
    mapping = DatasetMapping("responses", {}, path=path.name)
    try:
        frame = read_raw_file(path, "init", mapping).head(SAMPLE_ROWS).collect()
    except SourceError as error:
        if "is not valid" not in error.problem:
            raise InspectError(f"{path}: {error.problem} — {error.hint}") from None
        encoding = FALLBACK_ENCODING
        mapping = replace(mapping, encoding=encoding)
        frame = read_raw_file(path, "init", mapping).head(SAMPLE_ROWS).collect()
    rows = _row_count(path, frame.height, mapping)
    table = profile_frame(table_name(path.stem), frame, rows=rows)
    reader = "parquet" if suffix in PARQUET_SUFFIXES else "csv"
    vendor = (
        _vendor_format([list(frame.columns), *_cells(frame.head(2))]) if reader == "csv" else None
    )
    return [
        replace(
            table,
            location=str(path.resolve()),
            reader=reader,
            encoding=encoding,
            vendor_format=vendor,
        )
    ]


def _row_count(path: Path, sampled: int, mapping: DatasetMapping) -> int:
    if sampled < SAMPLE_ROWS:
        return sampled
    return read_raw_file(path, "init", mapping).select(pl.len()).collect().item()


def _read_workbook(path: Path) -> list[TableProfile]:
    """Every sheet, cells as text as the files source reads them (``infer_schema_length=0``)."""
    try:
        sheets = pl.read_excel(path, sheet_id=0, infer_schema_length=0, raise_if_empty=False)
    except Exception as error:  # calamine raises its own types for damaged or locked workbooks
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise InspectError(
            f"{path}: not a readable workbook ({type(error).__name__}: {first}); "
            "save it again from Excel, or export the sheet as CSV"
        ) from None
    tables = []
    for number, (sheet, frame) in enumerate(sheets.items()):
        if frame.width == 0 or frame.height == 0:
            continue
        name = table_name(path.stem if len(sheets) == 1 else f"{path.stem}_{sheet}")
        table = profile_frame(name, frame.head(SAMPLE_ROWS), rows=frame.height)
        vendor = _vendor_format([list(frame.columns), *_cells(frame.head(2))])
        tables.append(
            replace(
                table,
                location=str(path.resolve()),
                reader="excel",
                sheet=sheet,
                first_sheet=number == 0,
                vendor_format=vendor,
            )
        )
    return tables


def _cells(frame: pl.DataFrame) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in frame.iter_rows()]


def _vendor_format(header_rows: list[list[str]]) -> str | None:
    """The vendor export layout (Qualtrics, Shopify…) of a file's first rows, if one matches.

    ``connectors.formats`` reads those exports; without it (an older install) every file
    is read as a plain table, which is what this returns None for.
    """
    try:
        from connectors.formats.registry import detect_format
    except ImportError:
        return None
    return detect_format(header_rows)


def inspect_database(url: str, progress: Progress | None = None) -> list[TableProfile]:
    """Profile every table and view of a database (a sample of ``SAMPLE_ROWS`` rows each)."""
    from sqlalchemy import column, create_engine, func, inspect, select, table
    from sqlalchemy.exc import SQLAlchemyError

    from benefitboard.secrets import mask_url

    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ValueError) as error:
        raise InspectError(
            f"{mask_url(url)}: not a database URL SQLAlchemy reads ({error})"
        ) from None
    tables: list[TableProfile] = []
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            names = [*inspector.get_table_names(), *inspector.get_view_names()]
            for number, name in enumerate(names):
                if progress:
                    progress(number / max(len(names), 1), f"reading table {name}")
                columns = [c["name"] for c in inspector.get_columns(name)]
                source = table(name, *(column(c) for c in columns))
                sample = select(source).limit(SAMPLE_ROWS)
                frame = pl.read_database(sample, connection, infer_schema_length=None)
                rows = frame.height
                if rows >= SAMPLE_ROWS:
                    rows = connection.execute(select(func.count()).select_from(source)).scalar_one()
                profile = profile_frame(table_name(name), frame, rows=rows)
                tables.append(replace(profile, location=name, reader="sql"))
    except SQLAlchemyError as error:
        first = str(error).splitlines()[0][:300]
        raise InspectError(
            f"{mask_url(url)}: cannot read the database ({mask_url(first)})"
        ) from None
    finally:
        engine.dispose()
    if progress:
        progress(1.0, f"read {len(tables)} table(s)")
    if not tables:
        raise InspectError(f"{mask_url(url)}: the database has no tables or views")
    return tables
