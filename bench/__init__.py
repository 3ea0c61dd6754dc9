"""The benchmark: ten million responses, the executive page, pandas and DuckDB baselines, live mode.

Run ``python -m bench.run`` (see bench/README.md).
"""
