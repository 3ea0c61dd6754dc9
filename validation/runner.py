"""Run a dataset's suite and split its rows into valid and quarantined-with-reason.

Why a split and not a pass/fail: one bad survey answer must not hide a
thousand good ones, and must not vanish either. Row-level failures go to the
quarantine with every reason that applies; dataset-level failures (a missing
column, no rows, stale data, an implausible row count, most rows failing) are
reported in ``dataset_failures`` and the refresh keeps the last good snapshot.

How rows are found again: GX returns, per failing row-level expectation, the
pandas index of each failing row (``unexpected_index_list``). The pandas frame
is a fresh ``to_pandas()`` with a RangeIndex, so the index *is* the row's
position in the polars frame: exact even when ``_source_row`` repeats (several
files) and ~3-10x faster than asking GX for ``unexpected_index_column_names``
(which builds a dict per failing row).

Example:
    >>> from datetime import UTC, date, datetime
    >>> from validation.contracts import build_contracts
    >>> frame = pl.DataFrame({"date": [date(2025, 1, 1)] * 2, "title": ["v2", "v3"],
    ...                       "kind": ["release", "launch"]})
    >>> result = validate_dataset("events", frame, build_contracts()["events"], source="demo",
    ...                           now=datetime(2025, 1, 2, tzinfo=UTC))
    >>> result.valid["title"].to_list(), result.quarantine["_reasons"].to_list()
    (['v2'], ['kind: not one of release, programme, incident'])
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from time import perf_counter
from typing import Any

import numpy as np
import polars as pl

from canonical.datasets import PARSE_ERROR, SOURCE_ROW, DatasetSpec, dataset_spec
from metrics.pii import masked_frame
from validation.contracts import DatasetContract
from validation.rules import ExtraExpectation, Fresh, MostRowsValid
from validation.suites import META_KEY, build_suite, helper_columns

REASONS = "_reasons"
"""Quarantine column: every failed row-level rule of the row, in contract order, '; '-joined."""
REASON_SEPARATOR = "; "
UNREADABLE = "unreadable: "
"""Prefix of a reason that is the connector's parse message, e.g. "unreadable: score: 'abc' …"."""
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result in words a person (and the run log) can use."""

    expectation_type: str
    column: str | None
    kwargs: str
    success: bool
    unexpected_count: int
    examples: tuple[Any, ...]
    row_level: bool
    reason: str
    rule: str
    error: str | None = None
    observed: Any = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (dates and numpy values become plain text/numbers)."""
        return {
            "expectation_type": self.expectation_type,
            "column": self.column,
            "kwargs": self.kwargs,
            "success": self.success,
            "unexpected_count": self.unexpected_count,
            "examples": [_plain(e) for e in self.examples],
            "row_level": self.row_level,
            "reason": self.reason,
            "rule": self.rule,
            "error": self.error,
            "observed": _plain(self.observed),
        }


@dataclass(frozen=True)
class DatasetValidation:
    """The outcome of validating one dataset from one source.

    ``valid`` has the canonical and segment columns only (the bookkeeping
    columns ``_source_row``/``_parse_error`` are dropped: every valid row parsed,
    and the snapshot schema stays the canonical one). ``quarantine`` keeps every
    column of the failing rows, ``_source_row`` included, plus ``_reasons``.
    ``valid`` is filled even when the dataset fails; the caller decides (and
    keeps the last good snapshot when ``ok`` is False).
    """

    dataset: str
    source: str
    valid: pl.DataFrame
    quarantine: pl.DataFrame
    dataset_failures: list[str]
    results: list[ExpectationOutcome]
    row_count: int
    seconds: float
    gx_result: Any = field(default=None, repr=False, compare=False)
    """GX's ExpectationSuiteValidationResult, for Data Docs."""

    @property
    def ok(self) -> bool:
        """True when no dataset-level rule failed: the valid rows may be published."""
        return not self.dataset_failures


def validate_dataset(
    dataset: str,
    frame: pl.DataFrame,
    contract: DatasetContract,
    *,
    source: str,
    now: datetime,
    previous_row_count: int | None = None,
) -> DatasetValidation:
    """Validate ``frame`` against ``contract`` and split it into valid and quarantined rows.

    ``now`` (timezone-aware) fixes "in the future" and "stale" so a run is
    reproducible; ``previous_row_count`` is the last refresh's row count (None
    the first time). Never raises for bad data: a missing column, a wrong dtype
    or an expectation GX cannot evaluate becomes a dataset failure naming the
    source, dataset and column.
    """
    started = perf_counter()
    if contract.dataset != dataset:
        raise ValueError(f"contract is for {contract.dataset!r}, not {dataset!r}")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC), e.g. datetime.now(UTC)")
    fresh = next((r for r in contract.rules if isinstance(r, Fresh)), None)
    findings = _Findings(where=f"source {source!r}, dataset {dataset!r}", fresh=fresh, now=now)
    frame, wrong_dtypes = _conform_dtypes(_with_source_row(frame), dataset_spec(dataset))
    for column, problem in wrong_dtypes.items():
        findings.dataset_problem(problem, _dtype_outcome(column, problem))
    for extra in contract.extras:
        missing = [c for c in extra.columns if c not in frame.columns]
        if missing:
            problem = (
                f"{extra.where()} names column(s) {', '.join(map(repr, missing))}, which the data "
                f"does not have (columns: {', '.join(_shown_columns(frame))})"
            )
            findings.dataset_problem(problem, _unchecked_outcome(extra, problem))

    checkable = [c for c in frame.columns if c not in wrong_dtypes]
    suite = build_suite(contract, now=now, previous_row_count=previous_row_count, columns=checkable)
    gx_result = _run_suite(suite, _columns_to_check(frame, suite, contract, checkable))
    for result in _in_suite_order(gx_result):
        findings.gx_result(result, frame)

    valid, quarantine = _split(frame, findings.flagged)
    for rule in contract.rules:
        if isinstance(rule, MostRowsValid) and frame.height:
            outcome = most_rows_valid(rule, valid.height, frame.height, quarantine)
            findings.outcomes.append(outcome)
            if not outcome.success:
                findings.failures.append(f"{findings.where}: {outcome.reason}")
    return DatasetValidation(
        dataset=dataset,
        source=source,
        valid=valid,
        quarantine=quarantine,
        dataset_failures=findings.failures,
        results=findings.outcomes,
        row_count=frame.height,
        seconds=perf_counter() - started,
        gx_result=gx_result,
    )


@dataclass
class _Findings:
    """What one validation found so far: dataset failures, outcomes, rows to quarantine."""

    where: str
    fresh: Fresh | None = None
    """The contract's freshness rule, whose failure names its setting."""
    now: datetime | None = None
    failures: list[str] = field(default_factory=list)
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    flagged: list[tuple[np.ndarray, str, str]] = field(default_factory=list)
    """(row positions, reason, rule) per failed row-level expectation, in contract order."""

    def dataset_problem(self, problem: str, outcome: ExpectationOutcome) -> None:
        self.failures.append(f"{self.where}: {problem}")
        self.outcomes.append(outcome)

    def gx_result(self, result: Any, frame: pl.DataFrame) -> None:
        outcome, positions = _outcome(result, frame)
        self.outcomes.append(outcome)
        if outcome.error:
            self.failures.append(
                f"{self.where}: could not check '{outcome.reason}': {outcome.error}"
            )
        elif outcome.row_level:
            # Even when a workspace expectation's `mostly` lets it succeed, its
            # unexpected rows are still bad rows: they go to the quarantine.
            if len(positions):
                self.flagged.append((positions, outcome.reason, outcome.rule))
        elif outcome.rule == "Fresh" and not outcome.success and outcome.observed is not None:
            self.failures.append(f"{self.where}: {self._stale(outcome)}")
        elif not outcome.success:
            self.failures.append(f"{self.where}: {_dataset_failure(outcome, frame)}")

    def _stale(self, outcome: ExpectationOutcome) -> str:
        """The stale sentence naming the ``[freshness]`` setting and the data's age."""
        if self.fresh is None or self.now is None:
            return _dataset_failure(outcome, pl.DataFrame())
        return self.fresh.stale_failure(_plain(outcome.observed), self.now)


# ---------------------------------------------------------------------------------------------
# Preparing the frame.


def _with_source_row(frame: pl.DataFrame) -> pl.DataFrame:
    """Connectors always add ``_source_row``; a hand-made frame gets 1..n."""
    if SOURCE_ROW in frame.columns:
        return frame
    return frame.with_row_index(SOURCE_ROW, offset=1).with_columns(
        pl.col(SOURCE_ROW).cast(pl.Int64)
    )


def _conform_dtypes(frame: pl.DataFrame, spec: DatasetSpec) -> tuple[pl.DataFrame, dict[str, str]]:
    """Cast lossless near-misses to the canonical dtype; report the rest by column.

    Lossless: any integer to Float64 or Int64 (widening), integers and categoricals
    to Utf8 (ids), timestamps of any unit/zone to UTC microseconds (naive ones are
    taken as UTC), and all-null columns. Anything else (text in a number column, a
    timestamp in a date column) would need a guess, so it is a dataset failure.
    """
    casts, problems = [], {}
    for column in spec.columns:
        if column.name not in frame.columns:
            continue
        actual, expected = frame.schema[column.name], column.dtype
        if actual == expected:
            continue
        expr = pl.col(column.name)
        if actual == pl.Null:
            casts.append(expr.cast(expected))
        elif expected == pl.Float64 and actual.is_numeric():
            casts.append(expr.cast(pl.Float64))
        elif expected == pl.Int64 and actual.is_integer():
            casts.append(expr.cast(pl.Int64))
        elif expected == pl.Utf8 and (actual.is_integer() or actual == pl.Categorical):
            casts.append(expr.cast(pl.Utf8))
        elif isinstance(expected, pl.Datetime) and isinstance(actual, pl.Datetime):
            zoned = (
                expr.dt.replace_time_zone("UTC")
                if actual.time_zone is None
                else expr.dt.convert_time_zone("UTC")
            )
            casts.append(zoned.cast(expected))
        else:
            problems[column.name] = (
                f"column {column.name!r} has dtype {actual}, expected {expected}; "
                "fix the connector's cast or the source column"
            )
    return (frame.with_columns(casts) if casts else frame), problems


def _columns_to_check(
    frame: pl.DataFrame, suite: Any, contract: DatasetContract, checkable: list[str]
) -> pl.DataFrame:
    """Only the columns the suite reads (converting free text to pandas costs), plus helpers."""
    used = {c for e in suite.expectations for c in e.meta[META_KEY]["columns"]}
    kept = [c for c in frame.columns if c in used or c == SOURCE_ROW]
    return frame.select(kept).with_columns(**helper_columns(contract, checkable))


def _run_suite(suite: Any, checked: pl.DataFrame) -> Any:
    from validation.gx_context import VALIDATION_LOCK, dataframe_batch_definition

    # Default conversion: numpy numbers and datetimes, pandas' own str dtype. Measured on 1M
    # responses: 1.7 s; object strings 3.2 s; use_pyarrow_extension_array=True 25 s.
    pandas_frame = checked.to_pandas()
    with VALIDATION_LOCK, warnings.catch_warnings():
        # GX's column-pair metrics read tz-aware columns through Series.values; both sides
        # are UTC, so the pandas 3.1 deprecation about dropping the zone is harmless here.
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        batch = dataframe_batch_definition().get_batch(batch_parameters={"dataframe": pandas_frame})
        return batch.validate(suite, result_format={"result_format": "COMPLETE"})


def _in_suite_order(gx_result: Any) -> list[Any]:
    """GX reorders results by metric; put them back in contract order (the reasons' order)."""
    return sorted(gx_result.results, key=lambda r: r.expectation_config.meta[META_KEY]["order"])


# ---------------------------------------------------------------------------------------------
# Reading GX results.


def _outcome(result: Any, frame: pl.DataFrame) -> tuple[ExpectationOutcome, np.ndarray]:
    config = result.expectation_config
    meta = config.meta[META_KEY]
    columns: list[str] = meta["columns"]
    error = _error_message(result.exception_info)
    details = result.result or {}
    positions = np.asarray(details.get("unexpected_index_list") or [], dtype=np.int64)
    if meta["row_level"] and not error:
        examples = _example_rows(frame, positions, columns)
        unexpected = int(details.get("unexpected_count") or 0)
    else:
        examples, unexpected = (), 0
    observed = details.get("observed_value")
    outcome = ExpectationOutcome(
        expectation_type=config.type,
        column=", ".join(columns) or None,
        kwargs=_kwargs_summary(config.kwargs),
        success=bool(result.success),
        unexpected_count=unexpected,
        examples=examples,
        row_level=bool(meta["row_level"]),
        reason=meta["reason"],
        rule=meta["rule"],
        error=error,
        observed=None if _is_missing(observed) else observed,
    )
    return outcome, positions


def _error_message(exception_info: Any) -> str | None:
    """GX nests exception info per metric when several metrics failed; find the first message."""
    if not exception_info:
        return None
    infos = (
        exception_info.values() if "raised_exception" not in exception_info else [exception_info]
    )
    for info in infos:
        if isinstance(info, dict) and info.get("raised_exception"):
            return str(info.get("exception_message") or "unknown error")
    return None


def _example_rows(frame: pl.DataFrame, positions: np.ndarray, columns: list[str]) -> tuple:
    shown = [SOURCE_ROW, *(c for c in columns if c in frame.columns and c != SOURCE_ROW)]
    rows = frame[positions[:MAX_EXAMPLES].tolist()].select(shown)
    return tuple(rows.pipe(masked_frame).to_dicts())  # examples reach the run log and CSVs


def _kwargs_summary(kwargs: dict[str, Any]) -> str:
    skipped = {"batch_id", "column", "column_A", "column_B", "result_format", "catch_exceptions"}
    parts = []
    for key, value in kwargs.items():
        if key in skipped or value is None or (key == "condition_parser"):
            continue
        if key == "row_condition":
            value = _condition_text(value)
        elif key.startswith("strict_") and value is False:
            continue
        parts.append(f"{key}={value}")
    return ", ".join(parts)


def _condition_text(condition: Any) -> str:
    if isinstance(condition, dict) and {"column", "operator", "parameter"} <= set(condition):
        column = condition["column"]
        name = column.get("name") if isinstance(column, dict) else column
        return f"{name} {condition['operator']} {condition['parameter']!r}"
    return str(condition)


def _dataset_failure(outcome: ExpectationOutcome, frame: pl.DataFrame) -> str:
    """The sentence for a failed dataset-level expectation, with what was observed."""
    if outcome.rule == "ColumnsPresent":
        return (
            f"{outcome.reason} (columns present: {', '.join(_shown_columns(frame))}); "
            "map it in the workspace config's columns table"
        )
    if outcome.rule == "NotEmpty":
        return "no rows arrived"
    if outcome.rule == "Fresh":
        newest = _plain(outcome.observed) if outcome.observed is not None else "none (no rows)"
        return f"{outcome.reason}; newest is {newest}"
    if outcome.rule == "PlausibleRowCount":
        return f"{outcome.reason}; got {outcome.observed}"
    if outcome.rule == "ExtraExpectation":
        return f"{outcome.reason} (observed {_plain(outcome.observed)})"
    return f"{outcome.reason} (observed {_plain(outcome.observed)})"


def _shown_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in (SOURCE_ROW, PARSE_ERROR)]


# ---------------------------------------------------------------------------------------------
# Splitting rows.


def _split(
    frame: pl.DataFrame, flagged: list[tuple[np.ndarray, str, str]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Valid rows (bookkeeping dropped) and quarantined rows with their '; '-joined reasons."""
    bookkeeping = [c for c in (SOURCE_ROW, PARSE_ERROR) if c in frame.columns]
    failing = np.zeros(frame.height, dtype=bool)
    pieces = []
    for order, (positions, reason, rule) in enumerate(flagged):
        failing[positions] = True
        if rule == "ParsedCleanly":
            # The connector's messages keep the raw value: "score: 'abc' is not a number";
            # several are "; "-joined, and each becomes a reason of its own.
            messages = frame[PARSE_ERROR].gather(positions)
            text = UNREADABLE + messages.str.replace_all(
                r"; ([A-Za-z_][A-Za-z0-9_]*: ')", REASON_SEPARATOR + UNREADABLE + "$1"
            )
        else:
            text = pl.Series([reason] * len(positions), dtype=pl.Utf8)
        pieces.append(
            pl.DataFrame(
                {"_position": positions, "_order": np.full(len(positions), order), REASONS: text}
            )
        )
    mask = pl.Series(failing)
    valid = frame.filter(~mask).drop(bookkeeping)
    if not pieces:
        empty_reasons = pl.Series(REASONS, [], dtype=pl.Utf8)
        return valid, frame.clear().with_columns(empty_reasons)
    reasons = (
        pl.concat(pieces)
        .sort("_position", "_order")
        .group_by("_position", maintain_order=True)
        .agg(pl.col(REASONS).str.join(REASON_SEPARATOR))
    )
    # Both are in row order, so the reasons line up with the filtered rows.
    quarantine = frame.filter(mask).with_columns(reasons[REASONS])
    return valid, quarantine


def most_rows_valid(
    rule: MostRowsValid, valid_rows: int, total_rows: int, quarantine: pl.DataFrame
) -> ExpectationOutcome:
    """Judge "most rows valid" from the counts, naming the most common reasons when it fails.

    Public because live mode judges it too (``connectors.pushdown.validate``),
    from SQL counts and a sample of quarantined rows instead of a split frame.
    """
    share = valid_rows / total_rows
    success = share >= rule.min_share
    reason = rule.describe()
    if not success:
        top = (
            quarantine[REASONS]
            .str.split(REASON_SEPARATOR)
            .explode()
            .value_counts(sort=True)
            .head(3)
            if quarantine.height
            else pl.DataFrame({REASONS: [], "count": []})
        )
        common = ", ".join(f"{r} ({n})" for r, n in top.iter_rows())
        reason = (
            f"only {share:.0%} of rows ({valid_rows} of {total_rows}) passed the row checks "
            f"(at least {rule.min_share:.0%} expected); most common reasons: {common}. "
            "A changed source (scale, codes, mapping) is more likely than bad rows"
        )
    return ExpectationOutcome(
        expectation_type="benefitboard.most_rows_valid",
        column=None,
        kwargs=f"min_share={rule.min_share}",
        success=success,
        unexpected_count=total_rows - valid_rows,
        examples=(),
        row_level=False,
        reason=reason,
        rule="MostRowsValid",
        observed=round(share, 4),
    )


def _dtype_outcome(column: str, problem: str) -> ExpectationOutcome:
    return ExpectationOutcome(
        expectation_type="benefitboard.column_dtype",
        column=column,
        kwargs="",
        success=False,
        unexpected_count=0,
        examples=(),
        row_level=False,
        reason=problem,
        rule="CanonicalDtype",
    )


def _unchecked_outcome(extra: ExtraExpectation, problem: str) -> ExpectationOutcome:
    return ExpectationOutcome(
        expectation_type=extra.expectation,
        column=", ".join(extra.columns) or None,
        kwargs="",
        success=False,
        unexpected_count=0,
        examples=(),
        row_level=extra.row_level,
        reason=extra.describe(),
        rule="ExtraExpectation",
        error=problem,
    )


# ---------------------------------------------------------------------------------------------
# Values for people and JSON.


def _is_missing(value: Any) -> bool:
    try:
        return value is None or bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """numpy/pandas scalars and datetimes as JSON-friendly values."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is None and value.time() == time():
        return value.date().isoformat()  # a Date column seen through pandas
    if isinstance(value, date | datetime) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    return value
