"""Great Expectations Data Docs (static HTML) for the validation results of one refresh.

Why Data Docs: a data engineer fixing a source wants GX's own per-expectation
report (observed values, unexpected examples) beside our quarantine table; it
is a folder of HTML anyone can open or publish, no server needed.

How (GX 1.24): the results already exist, so nothing is validated again. A
private in-memory context gets a local ``SiteBuilder`` whose store is
``target_dir``; each dataset's suite and validation result go into that
context's stores under a ``ValidationResultIdentifier`` (suite, run, source),
and ``build_data_docs`` renders them. The context is built directly (not with
``gx.get_context``) so it never replaces the process's validation context as
GX's "current project". The checkpoint route with ``UpdateDataDocsAction``
would re-run every suite on the data, which the refresh has already done.

Example:
    >>> from tempfile import TemporaryDirectory
    >>> import polars as pl
    >>> from validation.contracts import build_contracts
    >>> from validation.runner import validate_dataset
    >>> frame = pl.DataFrame({"response_id": ["r1", "r2"], "survey": ["nps", "nps"],
    ...     "score": [9.0, 11.0], "responded_at": [datetime(2025, 3, 9, tzinfo=UTC)] * 2})
    >>> responses = validate_dataset("responses", frame, build_contracts()["responses"],
    ...                              source="shop_db", now=datetime(2025, 3, 10, tzinfo=UTC))
    >>> with TemporaryDirectory() as folder:
    ...     index = build_data_docs([responses], Path(folder) / "run-42")
    ...     print(index.relative_to(Path(folder).resolve()), index.exists())
    run-42/index.html True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metrics.pii import mask_value

if TYPE_CHECKING:
    from validation.runner import DatasetValidation

SITE_NAME = "benefitboard"


def build_data_docs(
    results_of_a_run: Iterable[DatasetValidation],
    target_dir: Path,
    *,
    run_name: str | None = None,
    run_time: datetime | None = None,
) -> Path:
    """Write Data Docs for a run's dataset validations into ``target_dir``; return index.html.

    ``run_name``/``run_time`` label the run in the docs (default: now, UTC).
    Validations without a GX result (none so far) are skipped.
    """
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context import EphemeralDataContext
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    target_dir = Path(target_dir).resolve()
    target_dir.mkdir(parents=True, exist_ok=True)
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(target_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = EphemeralDataContext(project_config=config)
    run_time = run_time or datetime.now(UTC)
    run_id = RunIdentifier(
        run_name=run_name or run_time.strftime("%Y%m%dT%H%M%SZ"), run_time=run_time
    )
    for validation in results_of_a_run:
        result = validation.gx_result
        if result is None:
            continue
        _mask_personal_data(result)
        suite_name = result.suite_name
        suite_id = ExpectationSuiteIdentifier(name=suite_name)
        configs = [r.expectation_config for r in result.results]
        context.expectations_store.set(suite_id, ExpectationSuite(suite_name, expectations=configs))
        result.meta["run_id"] = run_id
        result.meta["validation_time"] = run_time
        result.meta["source"] = validation.source
        key = ValidationResultIdentifier(
            expectation_suite_identifier=suite_id,
            run_id=run_id,
            batch_identifier=f"{validation.source}.{validation.dataset}",
        )
        context.validation_results_store.set(key, result)
    context.build_data_docs(site_names=[SITE_NAME])
    return target_dir / "index.html"


def _mask_personal_data(suite_result: Any) -> None:
    """Mask the values GX shows (unexpected values and their counts, observed values) the way
    the dashboard masks them: the docs are a download, and a bad row's comment may hold an
    address. The runner has already taken what it needs from these results."""
    for result in suite_result.results:
        column = result.expectation_config.kwargs.get("column")
        result.result = _masked(column, result.result)


def _masked(column: str | None, value: Any) -> Any:
    """``value`` with every string inside it masked (dicts and lists walked).

    >>> _masked("comment", {"partial_unexpected_list": ["call 555 123 4567"], "n": 1})
    {'partial_unexpected_list': ['call [phone]'], 'n': 1}
    """
    if isinstance(value, dict):
        return {key: _masked(column, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_masked(column, item) for item in value)
    return mask_value(column, value)
