"""The files source kind: canonical datasets from CSV, Excel and Parquet files (a path or a glob).

A dataset is either a ``path`` of files whose columns map onto canonical ones, or a
``query``: SQL run by polars over the source's ``tables`` (name = file or glob), for
exports that need shaping first: joins, constants (``'csat' AS survey``), sums per
order. Why polars' SQL: it is already the engine of every other step, runs over the
same lazily read frames, and needs no database. CSV columns arrive as text, so a
query casts what it adds up (``SUM(CAST(payment_value AS DOUBLE))``).

Why every CSV column is read as text: the canonical cast in ``canonicalize``
then decides what parses, and records the raw value of what does not, instead
of polars guessing a dtype from the first rows and failing on row 90,000.

Delimiters are sniffed (comma, semicolon, tab, pipe) unless declared; a UTF-8
byte-order mark is dropped; text that is not in the declared encoding is an
error that says which file, which line, and what to set.

Excel workbooks (``.xlsx``, ``.xlsm``, ``.xls``) are read by polars through fastexcel
(calamine: no Excel needed), every cell as text for the same reason as CSV, from the
dataset's ``sheet`` or the first one. A ``format`` (``connectors/formats/``) reads a
survey tool's or a shop's export as the vendor writes it: the file is read without a
header, as a grid of text, and the vendor's reader names the columns, fills the
canonical ones it can and says which file row each result row came from.

``SOURCE_KIND`` (``FilesSource``) is this kind for ``connectors.kinds``: its
config keys and rules, and ``read``. Files are copied, never live.

Example (a semicolon-delimited export, the delimiter sniffed):
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "feedback.csv").write_text(
    ...     "feedback_id;created_at;theme;source\\nF1;2026-05-01;pricing;survey\\n"
    ... )
    >>> mapping = DatasetMapping("feedback", {}, path="*.csv")
    >>> source = SourceConfig("exports", "files", folder, {"feedback": mapping})
    >>> read_file_dataset(source, "feedback").collect()[["feedback_id", "theme"]].rows()
    [('F1', 'pricing')]
"""

from __future__ import annotations

import csv
import glob
import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import fastexcel
import polars as pl

from benefitboard.config import DatasetMapping, KeyType, SourceConfig, SourceKeyError
from canonical.datasets import SOURCE_ROW
from canonical.surveys import SURVEYS
from connectors.canonicalize import to_canonical
from connectors.errors import SourceError
from connectors.formats.export import EXPORT_ROW, Export
from connectors.formats.registry import format_names, read_export
from connectors.kinds import SourceKind

SOURCE_FILE = "_source_file"
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_DELIMITERS = ",;\t|"


def matching_files(source: SourceConfig, dataset: str) -> list[Path]:
    """The files a dataset's ``path`` names, sorted so row numbering is stable."""
    pattern = source.datasets[dataset].path or ""  # the config requires it; "" matches nothing
    files = _glob(source, pattern)
    if not files:
        raise SourceError(
            source.name,
            dataset,
            f"no file matches {pattern!r} (looked for {_full(source, pattern)})",
            hint="check `path` in the workspace config",
        )
    return files


def read_file_dataset(source: SourceConfig, dataset: str) -> pl.LazyFrame:
    """Read every file of ``dataset`` and return one canonical LazyFrame.

    Each file is canonicalised on its own, so ``_source_row`` counts data rows
    (after the header) within that file and ``_source_file`` names it. A dataset
    with a ``query`` is the query's result (``_source_row`` counts its rows).
    """
    mapping = source.datasets[dataset]
    if mapping.query:
        return read_query_dataset(source, dataset)
    parts = []
    for path in matching_files(source, dataset):
        canonical = _read_canonical(path, source, mapping)
        parts.append(canonical.with_columns(pl.lit(path.name).alias(SOURCE_FILE)))
    return pl.concat(parts, how="vertical_relaxed") if len(parts) > 1 else parts[0]


QUERY_RESULT = "(query)"
"""``_source_file`` of a query's rows: they come from several files at once."""


def read_query_dataset(source: SourceConfig, dataset: str) -> pl.LazyFrame:
    """Run a dataset's ``query`` over the source's ``tables`` and canonicalise the result.

    Only the tables the query names are read. A query that polars cannot run is a
    SourceError naming the source, the dataset and the problem, with the tables and
    their columns to compare against.
    """
    mapping = source.datasets[dataset]
    query = mapping.query or ""
    tables = _query_tables(source, dataset, query)
    context = pl.SQLContext(frames=tables)
    try:
        result = context.execute(query, eager=True)
    except (pl.exceptions.PolarsError, ValueError) as error:
        raise SourceError(
            source.name,
            dataset,
            f"the query failed: {_first_line(error)}",
            hint="the query reads the tables "
            + "; ".join(f"{name} ({', '.join(frame.columns)})" for name, frame in tables.items())
            + ". CSV values are text: CAST them for sums and comparisons",
        ) from None
    canonical = to_canonical(
        result.lazy(), source=source.name, mapping=mapping, timezone=source.timezone
    )
    return canonical.with_columns(pl.lit(QUERY_RESULT).alias(SOURCE_FILE))


def _query_tables(source: SourceConfig, dataset: str, query: str) -> dict[str, pl.DataFrame]:
    declared: Mapping[str, str] = source.options.get("tables", {})
    named = {
        name: pattern
        for name, pattern in declared.items()
        if re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", query, re.IGNORECASE)
    }
    if not named:
        raise SourceError(
            source.name,
            dataset,
            "the query names none of the source's tables "
            f"({', '.join(declared) or 'none declared'})",
            hint="declare each file the query reads under [sources.NAME.tables], "
            'like orders = "data/orders.csv", and name the tables in FROM and JOIN',
        )
    mapping = source.datasets[dataset]
    frames = {}
    for name, pattern in named.items():
        files = _glob(source, pattern)
        if not files:
            raise SourceError(
                source.name,
                dataset,
                f"table {name!r}: no file matches {pattern!r} "
                f"(looked for {_full(source, pattern)})",
                hint="check [sources.NAME.tables] in the workspace config",
            )
        parts = [read_raw_file(path, source.name, mapping).collect() for path in files]
        frames[name] = pl.concat(parts, how="diagonal_relaxed") if len(parts) > 1 else parts[0]
    return frames


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def _full(source: SourceConfig, pattern: str) -> str:
    """A ``path`` or table pattern as a glob: relative ones are read from the config's folder."""
    return pattern if Path(pattern).is_absolute() else str(source.base_dir / pattern)


def _glob(source: SourceConfig, pattern: str) -> list[Path]:
    """The files ``pattern`` matches, sorted so row numbering is stable."""
    return sorted(
        Path(p) for p in glob.glob(_full(source, pattern), recursive=True) if Path(p).is_file()
    )


def _read_canonical(path: Path, source: SourceConfig, mapping: DatasetMapping) -> pl.LazyFrame:
    """One file as canonical rows: as a table, or through the vendor ``format`` it is in."""
    name = mapping.options.get("format")
    if name is None:
        raw = read_raw_file(path, source.name, mapping)
        return to_canonical(raw, source=source.name, mapping=mapping, timezone=source.timezone)
    grid = _read_grid(path, source.name, mapping)
    rows = read_export(name, Export(grid, path.name, source.name, mapping))
    canonical = to_canonical(
        rows.drop(EXPORT_ROW).lazy(), source=source.name, mapping=mapping, timezone=source.timezone
    ).collect()
    return canonical.with_columns(rows[EXPORT_ROW].alias(SOURCE_ROW)).lazy()


def read_raw_file(path: Path, source: str, mapping: DatasetMapping) -> pl.LazyFrame:
    """One file as its columns come, all text (CSV, Excel) or as stored (Parquet): no mapping.

    Public because ``benefitboard.starter`` (``init``) profiles files with the same reader
    the refresh uses, so what ``init`` guesses is what the refresh will read.
    """
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path, source, mapping.dataset)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, source, mapping)
    if suffix in EXCEL_SUFFIXES:
        frame = _read_excel(path, source, mapping, has_header=True)
        return frame.rename({c: c.strip() for c in frame.columns}).lazy()
    raise _unsupported(path, source, mapping, "CSV, Excel or Parquet")


def _read_grid(path: Path, source: str, mapping: DatasetMapping) -> pl.DataFrame:
    """Every row of a CSV or Excel file, header rows included, as text (for a ``format``).

    Vendors write commas (tabs in a ``.tsv``), so the delimiter is not sniffed: the
    quoted question texts and JSON of some exports mislead a sniffer.
    """
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, source, mapping, has_header=False)
    if suffix not in CSV_SUFFIXES:
        raise _unsupported(path, source, mapping, "a CSV or Excel export")
    delimiter = mapping.delimiter or ("\t" if suffix == ".tsv" else ",")
    return _parse_csv(path, source, mapping, delimiter, has_header=False)


def _unsupported(path: Path, source: str, mapping: DatasetMapping, wanted: str) -> SourceError:
    return SourceError(
        source,
        mapping.dataset,
        f"{path.name}: unsupported file type {path.suffix.lower()!r}",
        hint=f"use {wanted}: {', '.join(sorted(CSV_SUFFIXES | EXCEL_SUFFIXES))}"
        + ("" if mapping.options.get("format") else f", {', '.join(sorted(PARQUET_SUFFIXES))}"),
    )


def _read_excel(
    path: Path, source: str, mapping: DatasetMapping, *, has_header: bool
) -> pl.DataFrame:
    """One sheet of a workbook, every cell as text (``infer_schema_length=0``), like CSV.

    The sheet is the dataset's ``sheet``, else the first. A missing sheet is an error
    listing the workbook's sheets; a file calamine cannot open is an error too.
    """
    sheet = mapping.options.get("sheet")
    try:
        return pl.read_excel(
            path,
            sheet_name=sheet,
            engine="calamine",
            has_header=has_header,
            infer_schema_length=0,
            raise_if_empty=False,
        )
    except Exception as error:  # fastexcel raises its own types; polars wraps some
        sheets = _sheet_names(path)
        if sheet is not None and sheets is not None and sheet not in sheets:
            raise SourceError(
                source,
                mapping.dataset,
                f"{path.name} has no sheet {sheet!r}; its sheets are {sheets}",
                hint="set `sheet` to one of them (or remove it to read the first)",
            ) from None
        raise SourceError(
            source,
            mapping.dataset,
            f"{path.name} is not a readable Excel workbook ({type(error).__name__}: "
            f"{str(error).strip().splitlines()[0][:200] if str(error).strip() else ''})",
            hint="open it in a spreadsheet and save it again as .xlsx, or export it as CSV",
        ) from None


def _sheet_names(path: Path) -> list[str] | None:
    try:
        return list(fastexcel.read_excel(path).sheet_names)
    except Exception:  # an unreadable workbook is reported by the caller
        return None


def _read_parquet(path: Path, source: str, dataset: str) -> pl.LazyFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as error:  # polars raises several types for corrupt files
        raise SourceError(
            source,
            dataset,
            f"{path.name} is not a readable Parquet file ({type(error).__name__}: "
            f"{str(error).splitlines()[0][:200]})",
            hint="the file may be truncated or still being written; export it again",
        ) from None
    return frame.lazy()


def _read_csv(path: Path, source: str, mapping: DatasetMapping) -> pl.LazyFrame:
    frame = _parse_csv(path, source, mapping, mapping.delimiter, has_header=True)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return frame.lazy()


def _parse_csv(
    path: Path, source: str, mapping: DatasetMapping, delimiter: str | None, *, has_header: bool
) -> pl.DataFrame:
    """A CSV file as text columns (the delimiter sniffed when None), or a SourceError saying
    which file, which row and what to change."""
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(source, mapping.dataset, f"{path.name} is empty (no header, no rows)")
    text = _decode(data, path, source, mapping)
    delimiter = delimiter or _sniff_delimiter(text)
    try:
        return pl.read_csv(
            io.StringIO(text),
            separator=delimiter,
            has_header=has_header,
            infer_schema=False,
            quote_char='"',
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as error:
        row, problem = _malformed_row(text, delimiter) or (None, str(error).splitlines()[0][:200])
        raise SourceError(
            source,
            mapping.dataset,
            f"{path.name} is not a well-formed CSV with delimiter {delimiter!r}: {problem}",
            rows=[row] if row else [],
            hint="quote values that contain the delimiter or a line break, or set `delimiter` "
            "in the workspace config if it was guessed wrong",
        ) from None


def _malformed_row(text: str, delimiter: str) -> tuple[int, str] | None:
    """The first data row (1-based, blank lines skipped) that breaks the CSV shape, and how.

    Only called once polars has refused the file, to say *where*: a row with
    more or fewer fields than the header, or a quote that is never closed.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    row_number = 0
    try:
        width = len(next(reader))
        for row in reader:
            if not row:
                continue
            row_number += 1
            if len(row) != width:
                fields = f"{len(row)} fields, the header has {width}"
                return row_number, f"data row {row_number} has {fields}"
    except StopIteration:
        return None
    except csv.Error as error:
        row_number += 1
        return row_number, f"data row {row_number} cannot be read ({error}); is a quote open?"
    return None


def _decode(data: bytes, path: Path, source: str, mapping: DatasetMapping) -> str:
    encoding = mapping.encoding
    try:
        text = data.decode(
            "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
        )
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(
            source,
            mapping.dataset,
            f"{path.name} is not valid {encoding} text (byte {error.start}, line {line})",
            hint='set `encoding = "latin-1"` (or the file\'s real encoding) for this dataset',
        ) from None
    except LookupError:
        raise SourceError(source, mapping.dataset, f"unknown encoding {encoding!r}") from None
    return text


def _sniff_delimiter(text: str) -> str:
    """Guess the delimiter from the header and first lines; comma when unsure."""
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


class FilesSource(SourceKind):
    """``kind = "files"``: a dataset is a ``path`` (file or glob) of CSV, Excel or Parquet files,
    optionally in a vendor's export ``format``."""

    name = "files"
    source_keys: ClassVar[Mapping[str, KeyType]] = {"tables": dict}
    dataset_keys: ClassVar[Mapping[str, KeyType]] = {
        "path": str,
        "query": str,
        "delimiter": str,
        "encoding": str,
        "sheet": str,
        "format": str,
        "survey": str,
    }

    def check_source(self, raw: Mapping[str, Any]) -> None:
        tables = raw.get("tables", {})
        for name, pattern in tables.items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise SourceKeyError(
                    f"tables.{name}", "a table name is letters, digits and _, like orders_2024"
                )
            if not isinstance(pattern, str) or not pattern:
                raise SourceKeyError(
                    f"tables.{name}", f"expected a file or a glob, got {pattern!r}"
                )

    def check_dataset(self, raw: Mapping[str, Any]) -> None:
        if bool(raw.get("path")) == bool(raw.get("query")):
            raise SourceKeyError(
                "",
                "a files dataset needs either `path` (a file or a glob like 'data/*.csv') "
                "or `query` (SQL over the source's `tables`), not both",
            )
        delimiter = raw.get("delimiter")
        if delimiter is not None and len(delimiter) != 1:
            raise SourceKeyError("delimiter", f"expected one character, got {delimiter!r}")
        for key in ("sheet", "format"):
            if key in raw and not raw.get("path"):
                raise SourceKeyError(key, f"`{key}` reads the files of `path`; give `path`")
        if "format" in raw and raw["format"] not in format_names():
            raise SourceKeyError(
                "format",
                f"unknown format {raw['format']!r}; expected one of {list(format_names())}",
            )
        if "survey" in raw:
            if "format" not in raw:
                raise SourceKeyError(
                    "survey",
                    "`survey` says which survey a vendor export's score answers; it goes with "
                    '`format` (a plain file maps a column instead: columns = { survey = "..." })',
                )
            if raw["survey"] not in SURVEYS:
                raise SourceKeyError(
                    "survey", f"expected one of {list(SURVEYS)}, got {raw['survey']!r}"
                )

    def read(
        self,
        source: SourceConfig,
        dataset: str,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> pl.LazyFrame:
        return read_file_dataset(source, dataset)


SOURCE_KIND = FilesSource()

__all__ = [
    "QUERY_RESULT",
    "SOURCE_FILE",
    "SOURCE_KIND",
    "SOURCE_ROW",
    "FilesSource",
    "matching_files",
    "read_file_dataset",
    "read_query_dataset",
]
