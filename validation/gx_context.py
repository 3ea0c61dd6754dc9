"""One ephemeral Great Expectations context per process, and the batch definition it serves.

Why cached: building a context and a pandas datasource costs ~0.1 s and GX
keeps global state about "the current project"; one context per process makes
every validation cheap and predictable. GX is not thread-safe, so callers
validate under ``VALIDATION_LOCK`` (Streamlit may refresh from several sessions).

GX's tqdm progress bars are switched off: the refresh pipeline shows its own.

Example:
    >>> import great_expectations as gx
    >>> import pandas as pd
    >>> suite = gx.ExpectationSuite(name="example", expectations=[
    ...     gx.expectations.ExpectColumnValuesToNotBeNull(column="score")])
    >>> batch = dataframe_batch_definition().get_batch(
    ...     batch_parameters={"dataframe": pd.DataFrame({"score": [1.0, None]})})
    >>> with VALIDATION_LOCK:
    ...     batch.validate(suite).success
    False
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.data_context import AbstractDataContext

VALIDATION_LOCK = threading.Lock()


@functools.cache
def ephemeral_context() -> AbstractDataContext:
    """The process's in-memory GX context (no files, no network, no progress bars)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch under 1 GB (an md5 over every value, computed twice per
    # validation) only to label it in the batch markers, which Benefitboard never reads. On 1.7M
    # orders that is 1.9 s of 3.5 s; a threshold of 0 skips it and changes no result.
    pandas_execution_engine.HASH_THRESHOLD = 0

    # An explicit config: GX's default ephemeral config also creates a temporary Data Docs
    # folder that is never removed; Data Docs are built on demand by data_docs.py instead.
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


@functools.cache
def dataframe_batch_definition() -> BatchDefinition:
    """A whole-dataframe batch definition: pass the frame per call as a batch parameter."""
    return (
        ephemeral_context()
        .data_sources.add_pandas("benefitboard")
        .add_dataframe_asset("canonical frame")
        .add_batch_definition_whole_dataframe("whole frame")
    )
