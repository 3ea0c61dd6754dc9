"""Read one canonical dataset from a source, through the source's kind."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from benefitboard.config import SourceConfig
from canonical.datasets import PARSE_ERROR, SOURCE_ROW
from connectors.errors import SourceError
from connectors.kinds import source_kind


def read_dataset(
    source: SourceConfig,
    dataset: str,
    *,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> pl.LazyFrame:
    """Read one canonical dataset from ``source``.

    With ``strict=True`` any unparsable value raises a SourceError naming the
    column and rows (for scripts and imports); by default the rows are kept
    with ``_parse_error`` set, for validation to quarantine.
    """
    if dataset not in source.datasets:
        raise SourceError(source.name, dataset, "this source does not declare that dataset")
    frame = source_kind(source.kind).read(source, dataset, progress=progress)
    return _raise_on_parse_errors(frame, source.name, dataset) if strict else frame


def _raise_on_parse_errors(frame: pl.LazyFrame, source: str, dataset: str) -> pl.LazyFrame:
    collected = frame.collect()
    bad = collected.filter(pl.col(PARSE_ERROR).is_not_null())
    if bad.height:
        first = bad.row(0, named=True)[PARSE_ERROR]
        column = first.split(":", 1)[0]
        raise SourceError(
            source,
            dataset,
            f"{bad.height} row(s) have values that cannot be read, e.g. {first}",
            column=column,
            rows=bad[SOURCE_ROW].to_list(),
        )
    return collected.lazy()
