"""The data contract shared by every layer: canonical dataset names, columns and dtypes.

See docs/DATA_CONTRACT.md. Connectors produce these columns, validation checks them,
the store keeps them, and metrics read them. Nothing here does I/O.
"""
