"""Showing untrusted text (data values, source errors, URL input) safely in Markdown elements.

Streamlit never renders raw HTML unless told to, but its Markdown still turns
``[x](url)`` into a link and ``![x](url)`` into an image fetched from anywhere.
Any text that came from data, a source or a URL goes through ``escape_markdown``
before it reaches ``st.markdown``, ``st.warning``, ``st.toast`` or a label.

Backslashes are not enough against GitHub-flavoured autolinks: Streamlit's
Markdown finds bare ``https://…``, ``www.…`` and ``name@domain`` in the text
*after* resolving escapes. So an invisible word joiner (U+2060) goes where
such a link would start, which no autolink rule accepts: the reader sees the
same characters, and nothing is clickable.

Example:
    >>> escape_markdown("[click](javascript:alert(1))")
    '\\\\[click\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    >>> escape_markdown("at https://evil.example") == "at https\\\\:\u2060//evil\\\\.example"
    True
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=])")
WORD_JOINER = "\u2060"
_AUTOLINK_STARTS = re.compile(
    r"(?i)(?<=https:)|(?<=http:)|(?<=ftp:)|(?<=mailto:)|(?<=xmpp:)|(?<=www)(?=\.)|(?=@)"
)
"""Where GitHub-flavoured Markdown would start a link: after a scheme's colon, between
``www`` and its dot, and before the ``@`` of an address."""


def escape_markdown(text: object) -> str:
    """Backslash-escape every character Markdown (and Streamlit's extensions) gives meaning to,
    and break every autolink with a word joiner.

    >>> escape_markdown("www.evil.example, phish@evil.example").count(WORD_JOINER)
    2
    """
    defused = _AUTOLINK_STARTS.sub(WORD_JOINER, str(text))
    return _MARKDOWN.sub(r"\\\1", defused)


def printable(text: object, limit: int | None = None) -> str:
    """Replace control characters, and shorten with an ellipsis past ``limit`` characters."""
    cleaned = "".join(c if c.isprintable() else "?" for c in str(text))
    if limit is not None and len(cleaned) > limit:
        return cleaned[:limit] + "…"
    return cleaned
