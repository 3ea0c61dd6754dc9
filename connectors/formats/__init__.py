"""Vendor export formats of the files source kind: survey-tool and shop exports read as they come.

One module per vendor; ``registry`` maps a ``format`` name to its reader. This root
imports nothing (docs/ARCHITECTURE.md): import from the defining module.
"""
