"""Benefitboard's metrics engine: KPI registry, formulas and statistics (pure polars).

Frames in, frames and dataclasses out; no Streamlit, no I/O. See engine.py for the
entry points and aggregates.py for the scale-ready aggregate shapes.

Import from the submodules (``from metrics.kpi import Kpi``). Like every package root
of the app, this one imports nothing: a root that re-exports its submodules forms an
import cycle with them, and Streamlit imports modules from many sessions' threads at
once, where such a cycle hands a thread a half-built module (docs/ARCHITECTURE.md).
"""
