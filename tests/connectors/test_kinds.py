"""Source kinds: a new kind is one class plus its registration, and checks its own keys.

The toy ``inline`` kind below keeps a dataset's rows in the workspace file
itself. Registering it is the only change: the workspace loads, the refresh
reads and snapshots it, and a key the kind does not take fails on load with
the file, the key and what was expected, like a built-in kind's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
import pytest

from benefitboard.config import (
    SOURCE_KINDS,
    ConfigError,
    KeyType,
    SourceConfig,
    SourceKeyError,
    load_workspace,
)
from benefitboard.refresh import refresh_workspace
from connectors.canonicalize import to_canonical
from connectors.errors import SourceError
from connectors.kinds import SourceKind, register_source_kind, source_kind
from connectors.read import read_dataset
from store.snapshots import current_snapshot


class InlineSource(SourceKind):
    """``kind = "inline"``: a dataset's rows written in the workspace file as ``rows``."""

    name = "inline"
    source_keys: ClassVar[Mapping[str, KeyType]] = {"owner": str}
    dataset_keys: ClassVar[Mapping[str, KeyType]] = {"rows": list}

    def check_dataset(self, raw: Mapping[str, Any]) -> None:
        rows = raw.get("rows")
        if not rows or not all(isinstance(row, dict) for row in rows):
            raise SourceKeyError("rows", f"expected a non-empty array of tables, got {rows!r}")

    def read(
        self,
        source: SourceConfig,
        dataset: str,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> pl.LazyFrame:
        mapping = source.datasets[dataset]
        raw = pl.DataFrame(mapping.options["rows"], infer_schema_length=None)
        return to_canonical(raw.lazy(), source=source.name, mapping=mapping, timezone="UTC")


WORKSPACE = """
[workspace]
name = "Inline"

[sources.notes]
kind = "inline"
owner = "support team"

[sources.notes.datasets.feedback]
columns = { customer_id = "customer" }
rows = [
  { feedback_id = "F1", created_at = "2026-05-01 09:00:00", theme = "referrals", source = "survey", customer = "C1" },
  { feedback_id = "F2", created_at = "2026-05-02 10:30:00", theme = "dark mode", source = "support", customer = "C2" },
]
"""


@pytest.fixture
def inline_kind() -> Iterator[InlineSource]:
    kind = InlineSource()
    register_source_kind(kind)
    yield kind
    SOURCE_KINDS.pop(kind.name)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "benefitboard.toml"
    path.write_text(text)
    return path


def test_a_registered_kind_loads_reads_and_refreshes(tmp_path, inline_kind):
    workspace = load_workspace(write(tmp_path, WORKSPACE))
    source = workspace.sources["notes"]
    assert source.kind == "inline" and source.options == {"owner": "support team"}
    assert source_kind("inline") is inline_kind

    frame = read_dataset(source, "feedback", strict=True).collect()
    assert frame["customer_id"].to_list() == ["C1", "C2"]
    assert frame["created_at"][0] == datetime(2026, 5, 1, 9, tzinfo=UTC)

    report = refresh_workspace(workspace, now=datetime(2026, 5, 3, tzinfo=UTC))
    assert [(e.dataset, e.rows) for e in report.datasets] == [("feedback", 2)]
    snapshot = current_snapshot(workspace.store_dir)
    assert snapshot is not None
    stored = snapshot.frames()["feedback"].collect()
    assert stored["feedback_id"].to_list() == ["F1", "F2"]


def test_a_registered_kind_rejects_a_key_it_does_not_take(tmp_path, inline_kind):
    path = write(tmp_path, WORKSPACE.replace("columns = {", 'path = "fb.csv"\ncolumns = {'))
    with pytest.raises(ConfigError) as caught:
        load_workspace(path)
    assert caught.value.key == "sources.notes.datasets.feedback"
    assert "unknown key(s) ['path']" in caught.value.problem
    assert "'rows'" in caught.value.problem and str(path) in str(caught.value)


def test_a_registered_kind_checks_its_own_keys_on_load(tmp_path, inline_kind):
    path = write(tmp_path, WORKSPACE.replace('owner = "support team"', "owner = 7"))
    with pytest.raises(ConfigError) as caught:
        load_workspace(path)
    assert caught.value.key == "sources.notes.owner" and "expected str" in caught.value.problem

    empty = WORKSPACE.split("rows = [")[0] + "rows = []\n"
    with pytest.raises(ConfigError) as caught:
        load_workspace(write(tmp_path, empty))
    assert caught.value.key == "sources.notes.datasets.feedback.rows"
    assert "non-empty array of tables" in caught.value.problem


def test_live_mode_is_refused_for_a_kind_that_cannot_answer_in_place(tmp_path, inline_kind):
    path = write(tmp_path, WORKSPACE.replace('kind = "inline"', 'kind = "inline"\nmode = "live"'))
    with pytest.raises(ConfigError) as caught:
        load_workspace(path)
    assert caught.value.key == "sources.notes.mode"
    assert "'inline' source can only be copied" in caught.value.problem


def test_an_unregistered_kind_is_named_with_the_kinds_there_are(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_workspace(write(tmp_path, WORKSPACE))
    assert caught.value.key == "sources.notes.kind"
    assert "expected one of ('sql', 'files'), got 'inline'" in caught.value.problem


def test_a_kind_without_live_support_cannot_be_validated_in_place(tmp_path, inline_kind):
    source = load_workspace(write(tmp_path, WORKSPACE)).sources["notes"]
    with pytest.raises(SourceError, match="cannot be validated in place"):
        inline_kind.validate_in_place(source, "feedback", None, now=datetime.now(UTC))  # type: ignore[arg-type]


def test_the_built_in_kinds_are_found_by_name():
    assert source_kind("sql").supports_live and not source_kind("files").supports_live
    assert set(source_kind("sql").dataset_keys) == {"table", "query"}
    assert set(source_kind("files").dataset_keys) == {
        *("path", "query", "delimiter", "encoding"),
        *("sheet", "format", "survey"),  # Excel sheets, vendor exports (connectors/formats/)
    }
    assert set(source_kind("files").source_keys) == {"tables"}
