"""Issue 4's definition of done, on the demo shop with faults injected into its tables.

"Against the demo data with injected faults, every injected bad row is in the
quarantine with the right reason and every good row reaches the metrics."

The demo database is a real SQLite file; the faults are written into it with
SQLAlchemy, the way a broken export would leave them, then the ordinary
refresh runs. Every count below is exact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from benefitboard.config import load_workspace
from benefitboard.demo import create_demo_workspace
from benefitboard.refresh import RefreshReport, refresh_workspace
from benefitboard.workspace import demo_database_path
from canonical.datasets import SOURCE_ROW
from metrics.engine import compute_kpis
from metrics.periods import Period
from metrics.settings import MetricSettings
from store.snapshots import current_snapshot
from tests.conftest import DEMO_END_DATE, DEMO_NOW, DEMO_SEED
from validation.runner import REASONS

RESPONSES = 6_000
NPS_RANGE = "score: not between 0 and 10 for survey nps"
CSAT_RANGE = "score: not between 1 and 5 for survey csat"

# (table, id column, SQL SET clause, the _reasons the row must get). Each fault is applied to
# rows picked by id (see `picked`), so the test knows exactly which rows are bad.
FAULTS = {
    "responses": [
        ("score = 11", "survey_type = 'nps'", 4, NPS_RANGE),
        ("score = -1", "survey_type = 'nps'", 2, NPS_RANGE),
        ("score = 4.5", "survey_type = 'csat'", 3, "score: not a whole number"),
        ("score = 7", "survey_type = 'csat'", 2, CSAT_RANGE),
        ("survey_type = 'promoter'", "1 = 1", 2, "survey: not one of nps, csat, ces"),
        (
            "submitted_at = '2027-03-01 10:00:00'",
            "1 = 1",
            3,
            "responded_at: in the future",
        ),
        (
            "score = 'n/a'",
            "survey_type = 'ces'",
            2,
            "unreadable: score: 'n/a' is not a number; score: missing",
        ),
        (
            "submitted_at = '31/10/2026 09:00'",
            "1 = 1",
            2,
            "unreadable: responded_at: '31/10/2026 09:00' is not a timestamp; "
            "responded_at: missing",
        ),
    ],
    "orders": [
        ("amount = -amount - 1", "1 = 1", 3, "amount: below 0"),
        (
            "delivered_at = datetime(ordered_at, '-2 hours')",
            "delivered_at IS NOT NULL",
            2,
            "delivered_at: before ordered_at",
        ),
        ("shipping_cost = -4.5", "1 = 1", 2, "shipping_cost: below 0"),
    ],
    "contacts": [
        ("csat_score = 9", "csat_score IS NOT NULL", 2, "csat_score: not between 1 and 5"),
        (
            "handle_seconds = -30",
            "1 = 1",
            2,
            "handle_seconds: not between 0 and 86400 (86400 excluded)",
        ),
    ],
}
TABLES = {"responses": "survey_responses", "orders": "orders", "contacts": "support_contacts"}


@dataclass(frozen=True)
class FaultyDemo:
    config: Path
    originals: dict[str, pl.DataFrame]
    """Each faulty table as it was before the faults."""
    injected: dict[str, dict[int, str]]
    """dataset -> {id of a row given a fault: the _reasons it must get}"""
    report: RefreshReport


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> FaultyDemo:
    """A refreshed demo workspace whose tables got FAULTS first."""
    folder = tmp_path_factory.mktemp("faulty_demo")
    config = create_demo_workspace(
        folder, seed=DEMO_SEED, end_date=DEMO_END_DATE, responses=RESPONSES
    )
    engine = sa.create_engine(f"sqlite:///{demo_database_path(load_workspace(config))}")
    originals: dict[str, pl.DataFrame] = {}
    injected: dict[str, dict[int, str]] = {}
    with engine.begin() as connection:
        for dataset, faults in FAULTS.items():
            table = TABLES[dataset]
            originals[dataset] = pl.read_database(f'SELECT * FROM "{table}"', connection)
            injected[dataset] = {}
            for change, condition, count, reason in faults:
                ids = picked(connection, table, condition, count, set(injected[dataset]))
                listed = ",".join(map(str, ids))
                connection.execute(sa.text(f'UPDATE "{table}" SET {change} WHERE id IN ({listed})'))
                injected[dataset].update(dict.fromkeys(ids, reason))
    engine.dispose()
    return FaultyDemo(config, originals, injected, refresh_workspace(config, now=DEMO_NOW))


def picked(connection, table, condition, count, used) -> list[int]:
    """``count`` ids matching ``condition``, spread over the table, none picked before."""
    rows = connection.execute(
        sa.text(f'SELECT id FROM "{table}" WHERE {condition} ORDER BY id')
    ).scalars()
    candidates = [i for i in rows if i not in used]
    stride = len(candidates) // (count + 1)
    return [candidates[stride * (k + 1)] for k in range(count)]


def source_rows(originals: pl.DataFrame) -> dict[int, int]:
    """id -> 1-based position in the table as the connector reads it (rowid order)."""
    return {row_id: position + 1 for position, row_id in enumerate(originals["id"])}


@pytest.mark.parametrize("dataset", sorted(FAULTS))
def test_every_injected_row_is_quarantined_with_its_reason(demo: FaultyDemo, dataset):
    snapshot = current_snapshot(load_workspace(demo.config).store_dir)
    quarantine = snapshot.quarantine(dataset).collect()
    positions = source_rows(demo.originals[dataset])
    expected = {positions[row_id]: reason for row_id, reason in demo.injected[dataset].items()}

    assert dict(zip(quarantine[SOURCE_ROW], quarantine[REASONS], strict=True)) == expected
    counts = Counter(demo.injected[dataset].values())
    assert Counter(quarantine[REASONS]) == counts
    assert sum(counts.values()) == sum(f[2] for f in FAULTS[dataset])


@pytest.mark.parametrize("dataset", sorted(FAULTS))
def test_every_untouched_row_reaches_the_snapshot(demo: FaultyDemo, dataset):
    snapshot = current_snapshot(load_workspace(demo.config).store_dir)
    entry = snapshot.datasets[dataset]
    total = demo.originals[dataset].height
    assert entry.status == "ok"
    assert (entry.rows, entry.quarantined) == (
        total - len(demo.injected[dataset]),
        len(demo.injected[dataset]),
    )
    key = {"responses": "response_id", "orders": "order_id", "contacts": "contact_id"}[dataset]
    valid_ids = set(snapshot.scan(dataset).select(key).collect()[key].cast(pl.Int64))
    assert valid_ids == set(demo.originals[dataset]["id"]) - set(demo.injected[dataset])


def test_the_other_datasets_are_untouched_and_the_run_is_ok(demo: FaultyDemo):
    assert demo.report.status == "ok", demo.report.summary()
    clean = [e for e in demo.report.datasets if e.dataset not in FAULTS]
    assert clean and all(e.quarantined == 0 and e.status == "ok" for e in clean)


def test_kpis_from_the_snapshot_equal_kpis_from_the_untouched_rows(demo: FaultyDemo):
    workspace = load_workspace(demo.config)
    frames = {n: f.collect() for n, f in current_snapshot(workspace.store_dir).frames().items()}
    everything = Period(date(2020, 1, 1), DEMO_END_DATE)
    settings = MetricSettings(timezone=workspace.timezone, csat_scale=workspace.csat_scale)
    results = {
        r.kpi.id: r.current
        for r in compute_kpis(
            ["nps", "csat", "shipping_cost_per_order"], frames, everything, settings=settings
        )
    }
    responses = untouched(demo, "responses")
    nps = responses.filter(pl.col("survey_type") == "nps")["score"].cast(pl.Float64)
    by_hand_nps = 100 * ((nps >= 9).mean() - (nps <= 6).mean())
    csat = responses.filter(pl.col("survey_type") == "csat")["score"].cast(pl.Float64)
    by_hand_csat = (csat >= 4).mean()
    orders = untouched(demo, "orders")
    by_hand_shipping = orders["shipping_cost"].mean()

    assert results["nps"].n == nps.len()
    assert results["nps"].value == pytest.approx(by_hand_nps, abs=1e-9)
    assert results["csat"].n == csat.len()
    assert results["csat"].value == pytest.approx(by_hand_csat, abs=1e-12)
    assert results["shipping_cost_per_order"].n == orders.height
    assert results["shipping_cost_per_order"].value == pytest.approx(by_hand_shipping, rel=1e-12)


def untouched(demo: FaultyDemo, dataset: str) -> pl.DataFrame:
    """The rows as they were before the faults, minus the rows that got one."""
    return demo.originals[dataset].filter(~pl.col("id").is_in(list(demo.injected[dataset])))


def test_data_docs_of_the_run_are_in_the_snapshot(demo: FaultyDemo, tmp_path):
    import zipfile

    snapshot = current_snapshot(load_workspace(demo.config).store_dir)
    archive = tmp_path / "docs.zip"
    archive.write_bytes(snapshot.data_docs_zip())
    names = zipfile.ZipFile(archive).namelist()
    assert "index.html" in names
    pages = sorted(Path(n).name for n in names if n.startswith("validations/"))
    assert pages == sorted(f"shop_db.{d}.html" for d in load_workspace(demo.config).datasets())
