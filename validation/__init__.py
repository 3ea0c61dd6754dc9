"""Validation: each canonical dataset's contract, run as a Great Expectations suite.

Flow (DESIGN.md §1): ``contracts`` declares the rules once, ``suites`` turns a
contract into typed GX expectations, ``runner`` validates a polars frame and
splits it into valid rows and quarantined rows with reasons, ``data_docs``
renders a run's results as HTML.

Importing this package does not import Great Expectations (~4 s): only
running a validation, building a suite or Data Docs does.

Example:
    >>> from validation import build_contracts, validate_dataset  # doctest: +SKIP
    >>> result = validate_dataset("responses", frame, build_contracts()["responses"],
    ...                           source="shop_db", now=datetime.now(UTC))  # doctest: +SKIP
    >>> result.ok, result.valid.height, result.quarantine["_reasons"].to_list()  # doctest: +SKIP
"""

from validation.contracts import (
    ContractError,
    DatasetContract,
    build_contracts,
    check_extra_expectations,
    contracts_for_workspace,
)
from validation.data_docs import build_data_docs
from validation.runner import REASONS, DatasetValidation, ExpectationOutcome, validate_dataset
from validation.suites import build_suite

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
