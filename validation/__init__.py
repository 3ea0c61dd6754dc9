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
    >>> from validation.contracts import build_contracts
    >>> from validation.runner import validate_dataset
    >>> frame = pl.DataFrame({"response_id": ["r1", "r2", "r3"], "survey": ["nps", "nps", "csat"],
    ...     "score": [9.0, 11.0, 4.0], "responded_at": [datetime(2025, 3, 9, tzinfo=UTC)] * 3})
    >>> result = validate_dataset("responses", frame, build_contracts()["responses"],
    ...                           source="shop_db", now=datetime(2025, 3, 10, tzinfo=UTC))
    >>> result.ok, result.valid.height, result.quarantine["_reasons"].to_list()
    (True, 2, ['score: not between 0 and 10 for survey nps'])
"""
