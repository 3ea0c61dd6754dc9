"""Pages: read URL state, call metrics, draw. No SQL and no file I/O here."""
