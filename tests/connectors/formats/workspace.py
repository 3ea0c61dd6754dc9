"""A real workspace over a vendor export: the fixture copied into tmp_path, a TOML file beside it,
the config loaded and the files kind reading it, as a refresh would."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl

from benefitboard.config import load_workspace
from canonical.datasets import PARSE_ERROR
from connectors.read import read_dataset
from metrics.periods import Period

FIXTURES = Path(__file__).parent / "fixtures"
MAY_2026 = Period(date(2026, 5, 1), date(2026, 5, 31))
"""Every fixture's answers and orders fall in May 2026."""


def workspace(folder: Path, dataset: str, body: str, *files: str, source: str = "") -> Path:
    """``benefitboard.toml`` in ``folder`` with one files source ``exports`` reading ``dataset``.

    ``files`` are fixture names copied beside it; ``body`` is the dataset table's keys and
    ``source`` more keys of the source (``timezone = "..."``).
    """
    for name in files:
        shutil.copy(FIXTURES / name, folder / name)
    config = folder / "benefitboard.toml"
    config.write_text(
        '[workspace]\nname = "Vendor exports"\n\n[sources.exports]\nkind = "files"\n'
        f"{source}\n\n[sources.exports.datasets.{dataset}]\n{body}\n",
        encoding="utf-8",
    )
    return config


def read(config: Path, dataset: str) -> pl.DataFrame:
    """The dataset's canonical rows; every value must have parsed."""
    rows = read_dataset(load_workspace(config).sources["exports"], dataset).collect()
    assert rows[PARSE_ERROR].null_count() == rows.height, rows[PARSE_ERROR].drop_nulls().to_list()
    return rows
