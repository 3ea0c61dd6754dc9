"""A connection password never shows: not in errors, logs, the run log, the store, exports or pages.

The survey shop (files) gets a second source, ``crm``, whose connection URL
holds the password ``s3cr3t-pw`` and points at a port nothing listens on
(127.0.0.1:1), so every read fails with the driver's own words — the moment a
password would most likely slip out. The URL is written three ways (in the
user-info, with no user, as a ``password=`` query parameter). After a refresh
the password is looked for everywhere a person or a log could see it.
"""

from __future__ import annotations

import io
import logging
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from benefitboard.__main__ import main as command_line
from benefitboard.config import load_workspace
from benefitboard.secrets import mask_url
from connectors.errors import SourceError
from connectors.read import read_dataset
from exports.tables import table_csv
from pages.ui.quality import history_table, runs_table
from store.runlog import RunLog
from store.snapshots import current_snapshot
from tests.faults.survey_shop import FIRST, SurveyShop, survey_shop

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PASSWORD = "s3cr3t-pw"
URLS = {
    "user-info": f"postgresql+psycopg://bb:{PASSWORD}@127.0.0.1:1/x",
    "no user": f"postgresql+psycopg://:{PASSWORD}@127.0.0.1:1/x",
    "query parameter": f"postgresql+psycopg://bb@127.0.0.1:1/x?password={PASSWORD}",
    "ssl key password": f"postgresql+psycopg://bb@127.0.0.1:1/x?sslpassword={PASSWORD}&sslmode=require",
}
CRM = """
[sources.crm]
kind = "sql"
connection = "crm"

[sources.crm.datasets.orders]
table = "orders"
"""


@pytest.fixture(scope="module", params=list(URLS))
def leaky_shop(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SurveyShop]:
    """The shop with an unreachable ``crm`` source whose URL holds the password, refreshed.

    One per way of writing the URL, shared by the module's tests (they only read it).
    """
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("BENEFITBOARD_CONNECTION_CRM_URL", URLS[request.param])
        shop = survey_shop(tmp_path_factory.mktemp("leaky") / "ws", files=True)
        shop.config.write_text(shop.config.read_text() + CRM)
        report = shop.refresh(FIRST)
        assert report.status == "partial"
        entry = current_snapshot(shop.store).datasets["orders"]
        assert entry.status == "failed"
        assert entry.problem.startswith("cannot read from postgresql: connection failed")
        yield shop


def test_the_source_error_names_the_database_without_the_password(leaky_shop):
    source = load_workspace(leaky_shop.config).dataset_source("orders")
    with pytest.raises(SourceError) as caught:
        read_dataset(source, "orders")
    message = str(caught.value)
    assert message.startswith("source 'crm', dataset 'orders': cannot read from postgresql")
    assert "127.0.0.1:1/x" in message
    assert PASSWORD not in message and PASSWORD not in repr(caught.value)


def test_the_run_log_and_its_exports_hold_no_password(leaky_shop):
    log = RunLog(leaky_shop.store)
    with log.engine.connect() as connection:
        for table in ("runs", "dataset_runs", "expectation_results"):
            rows = connection.execute(sa.text(f"SELECT * FROM {table}")).all()
            assert rows and PASSWORD not in repr(rows), table
    runs = table_csv(runs_table(log.runs())).decode("utf-8")
    history = table_csv(history_table(log.dataset_history("orders"))).decode("utf-8")
    assert "cannot read from postgresql" in history
    assert PASSWORD not in runs + history


def test_no_file_in_the_store_holds_the_password(leaky_shop):
    """Manifests, parquet, quarantine, the run log database and the Data Docs (unzipped)."""
    snapshot = current_snapshot(leaky_shop.store)
    assert snapshot.has_data_docs
    files = [p for p in leaky_shop.store.rglob("*") if p.is_file()]
    assert len(files) >= 4
    for path in files:
        assert PASSWORD.encode() not in path.read_bytes(), path
    with zipfile.ZipFile(io.BytesIO(snapshot.data_docs_zip())) as docs:
        for name in docs.namelist():
            assert PASSWORD.encode() not in docs.read(name), name


def test_logs_and_the_command_line_hold_no_password(leaky_shop, caplog, capsys):
    with caplog.at_level(logging.DEBUG):
        status = command_line(["--config", str(leaky_shop.config), "refresh"])
    assert status == 0  # partial: the files still loaded
    out, err = capsys.readouterr()
    assert "cannot read from postgresql" in out + err
    assert PASSWORD not in out + err
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


def every_element(at: AppTest) -> list[bytes]:
    """Every element the page sent to the browser, as the bytes of its message."""
    protos = (getattr(node, "proto", None) for node in at._tree)
    return [proto.SerializeToString() for proto in protos if proto is not None]


def test_the_data_quality_page_shows_the_failure_but_not_the_password(leaky_shop, monkeypatch):
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(leaky_shop.config))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/data-quality.py").run()
    assert not at.exception
    assert at.selectbox[0].value == "orders"  # the failed dataset comes first
    assert "orders" in at.error[0].value and "cannot read from postgresql" in at.error[0].value
    elements = every_element(at)
    assert any(b"connection failed" in element for element in elements)
    assert not any(PASSWORD.encode() in element for element in elements)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (URLS["user-info"], "postgresql+psycopg://bb:***@127.0.0.1:1/x"),
        (URLS["no user"], "postgresql+psycopg://:***@127.0.0.1:1/x"),
        (URLS["query parameter"], "postgresql+psycopg://bb@127.0.0.1:1/x?password=***"),
        ("host=db user=bb password=s3cr3t-pw dbname=x", "host=db user=bb password=*** dbname=x"),
        ("Driver={ODBC};Server=db;PWD=s3cr3t-pw;", "Driver={ODBC};Server=db;PWD=***;"),
    ],
)
def test_mask_url_masks_every_way_a_password_is_written(text, masked):
    assert mask_url(text) == masked


def test_tracebacks_are_never_shown_to_viewers():
    """Streamlit reads .streamlit/config.toml from the folder it starts in; scripts/run.sh
    starts there."""
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["address"] == "127.0.0.1"
    assert 'cd "$(dirname "$0")/.."' in (REPO / "scripts" / "run.sh").read_text()
