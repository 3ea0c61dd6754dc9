"""The benchmark's data: the demo shop at any size, as Parquet files, and a workspace reading them.

Why Parquet files and not the demo's SQLite file: writing ten million rows
through SQLite's executemany takes minutes; the demo's own generators write
Parquet parts in seconds (``generate_demo_database(writer_class=ParquetTables)``),
and the workspace then reads them through the ordinary ``files`` connector, so
the refresh measured is the real one (read → canonicalise → validate → snapshot).

Example:
    >>> config = make_files_workspace(Path("/tmp/bench"), responses=10_000)  # doctest: +SKIP
    >>> load_workspace(config).sources["shop_db"].kind  # doctest: +SKIP
    'files'
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType

import polars as pl

from benefitboard.workspace import DEMO_CONFIG
from connectors.demo.generate import generate_demo_database
from connectors.demo.schema import METADATA

END_DATE = date(2026, 10, 31)
"""Fixed, so every run generates the same rows."""
REFRESH_NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
"""The refresh runs the morning after the data's last day (``END_DATE``)."""


class ParquetTables:
    """A demo writer (same ``write``/``rows`` interface as the SQLite one) writing Parquet parts.

    Each ``write`` becomes ``<folder>/source/<table>/part-NNNNN.parquet``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.rows: dict[str, int] = {name: 0 for name in METADATA.tables}
        self._parts: dict[str, int] = {name: 0 for name in METADATA.tables}

    def __enter__(self) -> ParquetTables:
        return self

    def write(self, table: str, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        target = self.folder / "source" / table
        target.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(target / f"part-{self._parts[table]:05d}.parquet")
        self._parts[table] += 1
        self.rows[table] += frame.height

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None


def make_files_workspace(folder: Path, *, responses: int, orders: int | None = None) -> Path:
    """Generate the demo shop into ``folder`` as Parquet and write a workspace reading it.

    The config is the shipped demo config with its SQLite source turned into a
    ``files`` source (same mappings, segments, targets and expectations).
    Returns the config path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    generate_demo_database(
        folder, responses=responses, orders=orders, end_date=END_DATE, writer_class=ParquetTables
    )
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    text = text.replace('kind = "sql"', 'kind = "files"')
    text = re.sub(r'(?m)^url = "sqlite:///[^"]*"\n', "", text)
    text = re.sub(r'(?m)^table = "(\w+)"$', r'path = "source/\1/*.parquet"', text)
    config = folder / "benefitboard.toml"
    config.write_text(text, encoding="utf-8")
    return config
