"""Validation: each canonical dataset's contract, run as a Great Expectations suite.

Flow (docs/ARCHITECTURE.md): ``contracts`` declares the rules once, ``suites`` turns a
contract into typed GX expectations, ``runner`` validates a polars frame and
splits it into valid rows and quarantined rows with reasons, ``data_docs``
renders a run's results as HTML.

Importing this package does not import Great Expectations (~4 s): only
running a validation, building a suite or Data Docs does.

Example (one score out of range is quarantined; the dataset as a whole is fine):
    >>> from datetime import UTC, datetime
    >>> import polars as pl
    >>> frame = pl.DataFrame({"response_id": ["r1", "r2", "r3"], "survey": ["nps", "nps", "csat"],
    ...     "score": [9.0, 11.0, 4.0], "responded_at": [datetime(2025, 3, 9, tzinfo=UTC)] * 3})
    >>> result = validate_dataset("responses", frame, build_contracts()["responses"],
    ...                           source="shop_db", now=datetime(2025, 3, 10, tzinfo=UTC))
    >>> result.ok, result.valid.height, result.quarantine["_reasons"].to_list()
    (True, 2, ['score: not between 0 and 10 for survey nps'])
"""

from validation.contracts import (
    ContractError,
    DatasetContract,
    build_contracts,
    contracts_for_workspace,
)
from validation.data_docs import build_data_docs
from validation.runner import REASONS, DatasetValidation, ExpectationOutcome, validate_dataset
from validation.suites import build_suite, check_extra_expectations

__all__ = [
    "REASONS",
    "ContractError",
    "DatasetContract",
    "DatasetValidation",
    "ExpectationOutcome",
    "build_contracts",
    "build_data_docs",
    "build_suite",
    "check_extra_expectations",
    "contracts_for_workspace",
    "validate_dataset",
]
