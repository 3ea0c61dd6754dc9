"""Validate a dataset where it lives: the contract's Great Expectations suite on a SQL query.

Why: a live source is never copied into the store, so its contract is checked
by the database itself. GX's SQL datasource turns each expectation into SQL
(counts of unexpected values, a max, a row count); only those results travel.
The suite is the very one refresh mode runs (``suites.build_suite``), so the
outcomes read the same (``ExpectationOutcome``) on the data-quality page.

The caller (``connectors.pushdown.validate``) supplies the rows as a
SQLAlchemy ``Select`` with canonical column names, and says how a UTC instant
is written in the source (``stored_time``), so "stale" and "in the future"
compare like with like when timestamps are stored as text or wall-clock time.
Quarantined rows are not listed here: they stay in the source, and
``connectors.pushdown.quarantine_page`` pages through them.

Great Expectations is imported inside ``validate_sql`` (~4 s).

Example (a SQLite table that stores instants as UTC text, one score out of range):
    >>> import tempfile
    >>> from datetime import UTC
    >>> from validation.contracts import build_contracts
    >>> url = f"sqlite:///{tempfile.mkdtemp()}/warehouse.sqlite"
    >>> answers = sa.Table("answers", sa.MetaData(), sa.Column("response_id", sa.Text),
    ...     sa.Column("survey", sa.Text), sa.Column("score", sa.Float),
    ...     sa.Column("responded_at", sa.Text))
    >>> engine = sa.create_engine(url)
    >>> answers.create(engine)
    >>> with engine.begin() as db:
    ...     _ = db.execute(answers.insert(), [
    ...         {"response_id": str(i), "survey": "nps", "score": score,
    ...          "responded_at": "2026-10-31 09:00:00"}
    ...         for i, score in enumerate([9.0, 7.0, 11.0])])
    >>> result = validate_sql("responses", url, sa.select(answers), build_contracts()["responses"],
    ...     source="warehouse", now=datetime(2026, 11, 1, 6, tzinfo=UTC),
    ...     stored_time=lambda instant: instant.strftime("%Y-%m-%d %H:%M:%S"))
    >>> result.ok, [(r.reason, r.unexpected_count) for r in result.results if not r.success]
    (True, [('score: not between 0 and 10 for survey nps', 1)])
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from time import perf_counter
from typing import Any

import sqlalchemy as sa

from validation.contracts import DatasetContract
from validation.rules import Fresh, WholeNumber
from validation.runner import ExpectationOutcome
from validation.suites import FRACTION_PREFIX, META_KEY, build_suite

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class SqlValidation:
    """The outcome of validating one dataset in its database."""

    dataset: str
    source: str
    results: list[ExpectationOutcome]
    dataset_failures: list[str]
    row_count: int
    unexpected_rows: int
    """Rows counted unexpected, summed over row-level expectations (a row may count twice)."""
    seconds: float
    gx_result: Any = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.dataset_failures


def validate_sql(
    dataset: str,
    url: str,
    rows: sa.Select,
    contract: DatasetContract,
    *,
    source: str,
    now: datetime,
    previous_row_count: int | None = None,
    stored_time: Callable[[datetime], Any] | None = None,
) -> SqlValidation:
    """Run ``contract``'s suite on ``rows`` (canonical column names) in the database at ``url``.

    ``stored_time`` turns a UTC instant into the source's own representation
    (identity for zone-aware timestamps). Never raises for bad data: an
    expectation the database cannot evaluate becomes a dataset failure.
    """
    import great_expectations as gx

    from validation.gx_context import VALIDATION_LOCK, ephemeral_context

    started = perf_counter()
    engine = sa.create_engine(url)
    checked = _with_helpers(rows, contract)
    columns = list(checked.selected_columns.keys())
    suite = build_suite(contract, now=now, previous_row_count=previous_row_count, columns=columns)
    if stored_time is not None:
        _store_time_bounds(suite, stored_time)
    query = str(checked.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    engine.dispose()
    name = f"benefitboard-sql-{uuid.uuid4().hex[:8]}"
    with VALIDATION_LOCK:
        context = ephemeral_context()
        datasource = _add_datasource(context, name, url)
        try:
            batch = (
                datasource.add_query_asset(name="rows", query=query)
                .add_batch_definition_whole_table("all rows")
                .get_batch()
            )
            gx_result = batch.validate(
                gx.ExpectationSuite(name=suite.name, expectations=suite.expectations),
                result_format={"result_format": "SUMMARY"},
            )
        finally:
            context.data_sources.delete(name)
    where = f"source {source!r}, dataset {dataset!r}"
    outcomes, failures, unexpected, row_count = [], [], 0, 0
    for result in sorted(
        gx_result.results, key=lambda r: r.expectation_config.meta[META_KEY]["order"]
    ):
        outcome = _outcome(result)
        outcomes.append(outcome)
        row_count = max(row_count, int((result.result or {}).get("element_count") or 0))
        if outcome.error:
            failures.append(f"{where}: could not check '{outcome.reason}': {outcome.error}")
        elif outcome.row_level:
            unexpected += outcome.unexpected_count
        elif not outcome.success:
            failures.append(f"{where}: {_dataset_failure(outcome, contract, now)}")
    return SqlValidation(
        dataset=dataset,
        source=source,
        results=outcomes,
        dataset_failures=failures,
        row_count=row_count,
        unexpected_rows=unexpected,
        seconds=perf_counter() - started,
        gx_result=gx_result,
    )


def _add_datasource(context: Any, name: str, url: str) -> Any:
    dialect = sa.engine.make_url(url).get_backend_name()
    if dialect == "sqlite":
        return context.data_sources.add_sqlite(name, connection_string=url)
    if dialect == "postgresql":
        return context.data_sources.add_postgres(name, connection_string=url)
    return context.data_sources.add_sql(name, connection_string=url)


def _with_helpers(rows: sa.Select, contract: DatasetContract) -> sa.Select:
    """``rows`` plus the helper columns the suite reads (``suites.helper_columns``, in SQL)."""
    present = set(rows.selected_columns.keys())
    inner = rows.subquery("canonical_rows")
    helpers = [
        # CASE keeps NULL as NULL without calling floor (a Python function in SQLite).
        sa.case((inner.c[rule.column].is_not(None), _fraction(inner.c[rule.column]))).label(
            FRACTION_PREFIX + rule.column
        )
        for rule in contract.all_rules
        if isinstance(rule, WholeNumber) and rule.column in present
    ]
    return sa.select(*inner.c, *helpers)


def _fraction(value: sa.ColumnElement) -> sa.ColumnElement:
    return value - sa.func.floor(value)


def _store_time_bounds(suite: Any, stored_time: Callable[[datetime], Any]) -> None:
    """Write every datetime bound of the suite the way the source stores time."""
    for expectation in suite.expectations:
        for key in ("min_value", "max_value"):
            value = getattr(expectation, key, None)
            if isinstance(value, datetime) and value.tzinfo is not None:
                setattr(expectation, key, stored_time(value))


def _outcome(result: Any) -> ExpectationOutcome:
    config = result.expectation_config
    meta = config.meta[META_KEY]
    details = result.result or {}
    info = result.exception_info or {}
    infos = info.values() if "raised_exception" not in info else [info]
    error = next(
        (
            str(i.get("exception_message"))
            for i in infos
            if isinstance(i, dict) and i.get("raised_exception")
        ),
        None,
    )
    examples = tuple(
        {meta["columns"][0] if meta["columns"] else "value": value}
        for value in (details.get("partial_unexpected_list") or [])[:MAX_EXAMPLES]
    )
    return ExpectationOutcome(
        expectation_type=config.type,
        column=", ".join(meta["columns"]) or None,
        kwargs="",
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or 0) if meta["row_level"] else 0,
        examples=examples if meta["row_level"] else (),
        row_level=bool(meta["row_level"]),
        reason=meta["reason"],
        rule=meta["rule"],
        error=error,
        observed=details.get("observed_value"),
    )


def _dataset_failure(outcome: ExpectationOutcome, contract: DatasetContract, now: datetime) -> str:
    """A failed dataset-level expectation in words; staleness names its setting and age."""
    fresh = next((r for r in contract.rules if isinstance(r, Fresh)), None)
    if outcome.rule == "Fresh" and fresh is not None:
        try:
            return fresh.stale_failure(outcome.observed, now)
        except (TypeError, ValueError):  # a value in the source's own form we cannot read
            pass
    observed = f" (observed {outcome.observed})" if outcome.observed is not None else ""
    return f"{outcome.reason}{observed}"
