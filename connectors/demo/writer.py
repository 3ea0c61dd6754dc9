"""Write the demo tables into a SQLite file, atomically.

Why atomically: the app reads this file. The writer fills a temporary file in
the same folder and only ``os.replace``-s it over the target at the end, so a
crash (or Ctrl-C) never leaves a half-written database where the app reads;
it leaves the old one. Because the temporary file is thrown away on failure,
SQLite's journal and fsync-per-commit are switched off while writing, and the
file is synced once before the swap.

Example:
    >>> import tempfile
    >>> events = pl.DataFrame({"date": ["2026-10-01"], "title": ["Dark mode"],
    ...                        "kind": ["release"], "link": ["https://example.com/dark"]})
    >>> with DemoDatabaseWriter(Path(tempfile.mkdtemp()) / "demo.db") as writer:
    ...     writer.write("company_events", events)
    >>> writer.rows["company_events"], writer.path.exists()
    (1, True)
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import polars as pl
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

from connectors.demo.schema import METADATA

INSERT_BATCH_ROWS = 100_000


@dataclass(frozen=True)
class _OpenFile:
    """The temporary database being filled, and the connection filling it."""

    temp: Path
    engine: sa.Engine
    connection: sa.Connection


class DemoDatabaseWriter:
    """A context manager: create the tables, ``write`` frames, swap the file in on success."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.rows: dict[str, int] = {name: 0 for name in METADATA.tables}
        self._file: _OpenFile | None = None

    def _open(self) -> _OpenFile:
        if self._file is None:
            raise RuntimeError(
                f"demo database {self.path}: use DemoDatabaseWriter in a `with` block"
            )
        return self._file

    def __enter__(self) -> DemoDatabaseWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A fresh name beside the target (same file system, so os.replace is atomic);
        # SQLite creates the file, with the usual permissions (umask), unlike mkstemp's 0600.
        temp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:12]}.tmp")
        engine = sa.create_engine(f"sqlite:///{temp}")
        self._file = _OpenFile(temp, engine, engine.connect())
        connection = self._file.connection
        connection.exec_driver_sql("PRAGMA journal_mode=OFF")
        connection.exec_driver_sql("PRAGMA synchronous=OFF")
        for table in METADATA.sorted_tables:
            connection.execute(CreateTable(table))
        return self

    def write(self, table: str, frame: pl.DataFrame) -> None:
        """Append ``frame`` (columns in the table's order) to ``table``."""
        if frame.height == 0:
            return
        columns = [c.name for c in METADATA.tables[table].columns]
        if frame.columns != columns:
            raise ValueError(
                f"demo table {table!r}: generated columns {frame.columns} do not match the "
                f"declared columns {columns}; fix the generator or connectors/demo/schema.py"
            )
        placeholders = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        connection = self._open().connection
        # Python tuples take ~10x the memory of the frame: hand them over in batches.
        for batch in frame.iter_slices(INSERT_BATCH_ROWS):
            connection.exec_driver_sql(sql, batch.rows())
        self.rows[table] += frame.height

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        file = self._open()
        written = False
        try:
            if kind is None:
                for table in METADATA.sorted_tables:
                    for index in sorted(table.indexes, key=lambda i: i.name or ""):
                        index.create(file.connection)
                file.connection.commit()
            file.connection.close()
            file.engine.dispose()
            if kind is None:
                with open(file.temp, "rb+") as synced:
                    os.fsync(synced.fileno())
                os.replace(file.temp, self.path)
                written = True
        finally:
            if not written:
                file.connection.close()
                file.engine.dispose()
                file.temp.unlink(missing_ok=True)
            self._file = None
