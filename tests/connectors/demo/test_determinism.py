"""Same seed, end date and sizes give identical tables; another seed gives other data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from connectors.demo import generate as generate_module
from connectors.demo.generate import generate_demo_database
from connectors.demo.phrases import SPECIAL_CONTACT_COMMENTS
from connectors.demo.schema import METADATA
from tests.connectors.demo.tables import END, read_table

SMALL = {"end_date": END, "responses": 3_000, "days": 90}
BIG_TABLES = ("survey_responses", "orders", "support_contacts", "feedback_items")


@pytest.fixture(scope="module")
def seven_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("determinism")
    first = generate_demo_database(folder / "first.db", seed=7, **SMALL).path
    second = generate_demo_database(folder / "second.db", seed=7, **SMALL).path
    return first, second


@pytest.mark.parametrize("table", sorted(METADATA.tables))
def test_same_seed_gives_identical_tables(seven_twice: tuple[Path, Path], table: str) -> None:
    first, second = (read_table(path, table) for path in seven_twice)
    assert first.height > 0
    assert first.equals(second, null_equal=True)


def test_another_seed_gives_other_data(seven_twice: tuple[Path, Path], tmp_path: Path) -> None:
    other = generate_demo_database(tmp_path / "other.db", seed=8, **SMALL).path
    for table in BIG_TABLES:
        assert not read_table(other, table).equals(read_table(seven_twice[0], table)), table
    # Same sizes asked for, so the tables that follow the sizes exactly still match in length.
    assert read_table(other, "survey_responses").height == 3_000


def test_chunked_generation_keeps_counts_ids_and_time_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Force chunks of ~300 rows (a few days each; contacts in two frames) to exercise the
    # carry-over of delivery surveys from one chunk of days to the next.
    monkeypatch.setattr(generate_module, "ROWS_PER_CHUNK", 300)
    summary = generate_demo_database(tmp_path / "chunked.db", seed=7, **SMALL)
    responses = read_table(summary.path, "survey_responses")
    orders = read_table(summary.path, "orders")
    assert responses.height == 3_000 and orders.height == 5_000
    assert responses["id"].to_list() == list(range(1, 3_001))
    assert orders["id"].to_list() == list(range(1, 5_001))
    assert responses["submitted_at"].is_sorted()
    assert orders["ordered_at"].is_sorted()
    # Delivery answers exist all along, not only where a chunk happened to hold deliveries.
    delivery_days = responses.filter(responses["touchpoint"] == "delivery")[
        "submitted_at"
    ].str.slice(0, 10)
    assert delivery_days.n_unique() >= 85
    assert np.isclose((responses["touchpoint"] == "delivery").mean(), 0.405, atol=0.03)
    contacts = read_table(summary.path, "support_contacts")
    assert contacts.height > 300
    assert contacts["id"].to_list() == list(range(1, contacts.height + 1))
    assert contacts["opened_at"].is_sorted()
    assert set(SPECIAL_CONTACT_COMMENTS) <= set(contacts["comment"].drop_nulls())
