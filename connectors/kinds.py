"""Source kinds: one class per kind of place data comes from, found by the name a workspace writes.

Why one interface: refresh, live mode and the config reader ask the same
questions of every source (which keys it takes, how to read its rows, whether
it can answer in place) and never branch on ``kind == "sql"``. As Streamlit's
``BaseConnection`` subclasses are found by name by its connection factory, a
kind here is a ``SourceKind`` subclass whose module sets ``SOURCE_KIND`` and is
listed in ``benefitboard.config.BUILT_IN_SOURCE_KINDS`` (or is handed to
``register_source_kind``); ``source_kind`` finds it by name.

The config layer sits below this package, so it sees a kind only through the
``SourceKindRules`` part of this protocol (keys, rules, ``supports_live``) and
finds built-in kinds by module name; the workspace still fails to load, naming
the file and key, when a kind's own key is wrong.

Adding a kind (say ``kind = "sheets"``): write ``connectors/sheets.py`` with a
``SourceKind`` subclass (``name``, its own keys, ``read``; ``check_dataset`` for
rules beyond types) and ``SOURCE_KIND = SheetsSource()``, then add
``"sheets": "connectors.sheets"`` to ``BUILT_IN_SOURCE_KINDS``. Nothing else
changes; tests/connectors/test_kinds.py does the same with a toy kind.

Example:
    >>> source_kind("files").supports_live
    False
    >>> source_kind("sql").dataset_keys["table"]
    <class 'str'>
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from benefitboard.config import (
    KeyType,
    SourceConfig,
    register_source_kind,
    source_kind_names,
    source_kind_rules,
)
from connectors.errors import SourceError

if TYPE_CHECKING:
    from validation.contracts import DatasetContract
    from validation.sql import SqlValidation


@dataclass(frozen=True)
class InPlaceCheck:
    """What validating a live dataset in its own database found (no rows are copied)."""

    validation: SqlValidation
    """The contract's expectations, run where the rows are."""
    quarantined: int
    """Rows the contract's row rules would quarantine."""
    newest_record: str | None
    """The time of the newest row passing the row rules (ISO, UTC), or None."""


class SourceKind(ABC):
    """One kind of source: its own config keys and rules, how to read it, whether it can be live.

    Subclass it, set ``name`` and the keys, implement ``read``; override
    ``check_source``/``check_dataset`` to add rules (raise
    ``benefitboard.config.SourceKeyError`` naming the key), and set ``supports_live`` and
    implement ``validate_in_place`` when the kind answers aggregates in place.
    """

    name: str
    """What a workspace writes as ``kind = "..."``."""
    supports_live: bool = False
    """True when the kind answers aggregates in place, so ``mode = "live"`` is allowed."""
    source_keys: ClassVar[Mapping[str, KeyType]] = {}
    """Keys of ``[sources.NAME]`` only this kind takes, with their types (land in ``options``)."""
    dataset_keys: ClassVar[Mapping[str, KeyType]] = {}
    """Keys of ``[sources.NAME.datasets.DATASET]`` only this kind takes, with their types."""

    def check_source(self, raw: Mapping[str, Any]) -> None:
        """Raise SourceKeyError when the source's table breaks one of the kind's rules."""
        return None  # no rules beyond the declared keys' types

    def check_dataset(self, raw: Mapping[str, Any]) -> None:
        """Raise SourceKeyError when a dataset's own keys break one of the kind's rules."""
        return None  # no rules beyond the declared keys' types

    @abstractmethod
    def read(
        self,
        source: SourceConfig,
        dataset: str,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> pl.LazyFrame:
        """The dataset's rows as canonical columns (``connectors.canonicalize.to_canonical``).

        Unreadable values are kept, marked in ``_parse_error``; a source that
        cannot be read at all raises SourceError. ``progress`` is told the rows
        read so far, when the kind reads in batches.
        """

    def validate_in_place(
        self,
        source: SourceConfig,
        dataset: str,
        contract: DatasetContract,
        *,
        now: datetime,
        previous_row_count: int | None = None,
    ) -> InPlaceCheck:
        """Run the dataset's contract where the rows are (live mode); only kinds that support it."""
        raise SourceError(
            source.name,
            dataset,
            f"a {self.name!r} source cannot be validated in place",
            hint='remove `mode` or write mode = "refresh" for this source',
        )


def source_kind(name: str) -> SourceKind:
    """The kind a workspace calls ``name`` (``SourceConfig.kind``), loading it on first use."""
    kind = source_kind_rules(name)
    if not isinstance(kind, SourceKind):
        raise ValueError(f"unknown source kind {name!r}; expected one of {source_kind_names()}")
    return kind


__all__ = [
    "InPlaceCheck",
    "SourceKind",
    "register_source_kind",
    "source_kind",
]
