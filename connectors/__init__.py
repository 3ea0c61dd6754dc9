"""Connectors: read a source and return canonical datasets (polars LazyFrames).

No metric logic and no Streamlit here. A connector renames the source's
columns to canonical ones, casts them to canonical dtypes with timestamps in
UTC, and marks values it could not read in ``_parse_error`` (see
``connectors.canonicalize``). Validation decides what to do with them.

Each kind of source (``sql``, ``files``) is a ``connectors.kinds.SourceKind``
found by name: ``read_dataset`` asks the source's kind, it never branches on it.
"""
