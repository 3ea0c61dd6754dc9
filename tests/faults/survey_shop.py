"""A small survey shop for fault and security tests: 120 NPS answers in October 2026.

Every day from 2 to 31 October four customers answer the NPS survey with
10, 9, 7 and 3: two promoters, one passive, one detractor. So NPS over the
default view (the last 30 days of data) is (60 − 30) / 120 = **+25**, a number
a person can check by hand, and large enough (n = 120) for the dashboard to
show it. A few comments carry an e-mail address and a phone number, for the
masking tests. The same rows go into any database (SQLite file or PostgreSQL)
or into a CSV file.

    shop = survey_shop(tmp_path / "ws", sql_url=url)       # or files=True
    shop.refresh(FIRST).status == "ok"
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from benefitboard.refresh import RefreshReport, refresh_workspace

FIRST = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
"""The good refresh, the morning after the last day of data."""
SECOND = FIRST + timedelta(hours=12)
"""The refresh that meets the fault."""
NPS = 25.0
SCORES = (10, 9, 7, 3)
DAYS = [date(2026, 10, 2) + timedelta(days=i) for i in range(30)]
PERSONAL = {
    0: "Please email jane.doe@example.com about my refund",
    1: "Call me on +44 20 7946 0958, the parcel never came",
}
"""Comments (by response index) that hold personal data."""
SEGMENTS = ("plan", "region")
PLANS, REGIONS = ("basic", "prime"), ("North", "South", "East")
RESPONSE_COUNT = len(DAYS) * len(SCORES)
TABLE = "survey_responses"
EVENT = {"date": "2026-10-20", "title": "Free returns", "kind": "programme"}
COLUMNS = ("id", "survey_type", "score", "submitted_at", "comment", "plan", "region")


def response_rows() -> list[dict]:
    """The 120 answers, as the source stores them (text timestamps, like a CSV export)."""
    rows = []
    for day_index, day in enumerate(DAYS):
        for slot, score in enumerate(SCORES):
            index = day_index * len(SCORES) + slot
            rows.append(
                {
                    "id": index + 1,
                    "survey_type": "nps",
                    "score": score,
                    "submitted_at": f"{day} {9 + slot:02d}:15:00",
                    "comment": PERSONAL.get(index, f"answer {index + 1}: score {score}"),
                    "plan": PLANS[index % 2],
                    "region": REGIONS[index % 3],
                }
            )
    return rows


@dataclass(frozen=True)
class SurveyShop:
    """A workspace reading ``survey_responses`` and ``company_events`` from one source."""

    config: Path
    url: str | None
    """The database URL (None for the files variant)."""

    @property
    def folder(self) -> Path:
        return self.config.parent

    @property
    def store(self) -> Path:
        return self.folder / "store"

    @property
    def csv_path(self) -> Path:
        return self.folder / "responses.csv"

    def refresh(self, now: datetime = SECOND) -> RefreshReport:
        return refresh_workspace(self.config, now=now)

    def set_timeout(self, seconds: float) -> None:
        """Give the source a new ``query_timeout_seconds``."""
        text = self.config.read_text()
        head, _, rest = text.partition("[sources.warehouse.datasets.responses]")
        head = "\n".join(x for x in head.splitlines() if "query_timeout_seconds" not in x)
        self.config.write_text(
            f"{head}\nquery_timeout_seconds = {seconds}\n\n"
            f"[sources.warehouse.datasets.responses]{rest}"
        )

    def table_counts(self) -> dict[str, int]:
        """Rows per table in the source database (to prove nothing was dropped or added)."""
        assert self.url is not None
        return table_counts(self.url)


def table_counts(url: str) -> dict[str, int]:
    """Rows per table of the database at ``url``."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.execute(
                    sa.select(sa.func.count()).select_from(sa.table(name))
                ).scalar_one()
                for name in sa.inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


def survey_shop(
    folder: Path,
    *,
    sql_url: str | None = None,
    connection: bool = False,
    files: bool = False,
    responses_query: str | None = None,
    timeout_seconds: float | None = None,
) -> SurveyShop:
    """Write the rows (into ``sql_url`` or a CSV) and a workspace config reading them.

    ``connection``: the config names connection "warehouse" (the URL then comes
    from BENEFITBOARD_CONNECTION_WAREHOUSE_URL) instead of writing the URL.
    ``responses_query``: read responses through this configured query.
    """
    folder.mkdir(parents=True, exist_ok=True)
    mapping = (
        'columns = { response_id = "id", survey = "survey_type", responded_at = "submitted_at" }\n'
        f"segments = {list(SEGMENTS)!r}".replace("'", '"')
    )
    if files:
        where = 'kind = "files"'
        responses = 'path = "responses.csv"'
        events = 'path = "events.csv"'
        _write_csv(folder / "responses.csv", response_rows())
        _write_csv(folder / "events.csv", [EVENT])
    else:
        assert sql_url is not None
        where = 'kind = "sql"\n' + (
            'connection = "warehouse"' if connection else f'url = "{sql_url}"'
        )
        responses = f'query = """{responses_query}"""' if responses_query else f'table = "{TABLE}"'
        events = 'table = "company_events"'
        _write_tables(sql_url)
    timeout = f"query_timeout_seconds = {timeout_seconds}\n" if timeout_seconds else ""
    config = folder / "benefitboard.toml"
    config.write_text(
        f"""[workspace]
name = "survey shop"
timezone = "UTC"

[sources.warehouse]
{where}
{timeout}
[sources.warehouse.datasets.responses]
{responses}
{mapping}

[sources.warehouse.datasets.events]
{events}
"""
    )
    return SurveyShop(config, sql_url)


def _write_tables(url: str) -> None:
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    responses = sa.Table(
        TABLE,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_type", sa.Text),
        sa.Column("score", sa.Integer),
        sa.Column("submitted_at", sa.Text),
        sa.Column("comment", sa.Text),
        sa.Column("plan", sa.Text),
        sa.Column("region", sa.Text),
    )
    events = sa.Table("company_events", metadata, *(sa.Column(name, sa.Text) for name in EVENT))
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(responses.insert(), response_rows())
        connection.execute(events.insert(), [EVENT])
    engine.dispose()


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
