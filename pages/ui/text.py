"""Showing untrusted text (data values, source errors, URL input) safely in Markdown elements.

Streamlit never renders raw HTML unless told to, but its Markdown still turns
``[x](url)`` into a link and ``![x](url)`` into an image fetched from anywhere.
Any text that came from data, a source or a URL goes through ``escape_markdown``
before it reaches ``st.markdown``, ``st.warning``, ``st.toast`` or a label.

Example:
    >>> escape_markdown("[click](javascript:alert(1))")
    '\\\\[click\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=])")


def escape_markdown(text: object) -> str:
    """Backslash-escape every character Markdown (and Streamlit's extensions) gives meaning to."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def printable(text: object, limit: int | None = None) -> str:
    """Replace control characters, and shorten with an ellipsis past ``limit`` characters."""
    cleaned = "".join(c if c.isprintable() else "?" for c in str(text))
    if limit is not None and len(cleaned) > limit:
        return cleaned[:limit] + "…"
    return cleaned
