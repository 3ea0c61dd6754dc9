"""Benefitboard's workspace and orchestration: config, secrets, refresh, command line.

Kept free of imports so that ``connectors`` can use ``benefitboard.config``
without pulling in the refresh pipeline that uses ``connectors``.
"""
