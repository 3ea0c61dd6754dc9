"""Text that is safe to show on the operator's console and to keep in the run log.

Why: messages quote bad source values ("score: '…' is not a number"), and a
source can hold anything. A terminal obeys escape sequences in what it prints:
``ESC [2J`` clears the screen, an OSC-8 sequence turns text into a hidden
hyperlink, a C1 control (U+009B is a one-byte CSI) does the same on some
terminals, and a bidi override (U+202E) shows text reversed. So every control
character is spelled out as its escape (``\\x1b``, ``\\u202e``): the operator
sees that the value was bad and what it held, and the terminal obeys nothing.

Spelled out: C0 and C1 controls (Unicode category Cc, including tab and line
breaks: a line break inside one value must not forge a line of its own), format
controls (Cf: bidi overrides and isolates, soft hyphen, invisible tags), lone
surrogates (Cs) and the line and paragraph separators (Zl, Zp). Kept: every
printable character, other spaces, and the zero-width (non-)joiners U+200C and
U+200D, which emoji and many scripts need and which no terminal obeys.

Apply it to one value or one line; a message of several lines is made
printable line by line (``printable_lines``).

Example:
    >>> print(printable("score: '\\x1b[2J\\x1b[H9' is not a number"))
    score: '\\x1b[2J\\x1b[H9' is not a number
    >>> printable("São Paulo 🙂")
    'São Paulo 🙂'
"""

from __future__ import annotations

import unicodedata

SPELLED_OUT = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories whose characters are shown as their escape."""

_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

KEPT = frozenset({"\u200c", "\u200d"})
"""Format characters kept: zero-width non-joiner and joiner (emoji sequences, scripts)."""


def printable(text: str) -> str:
    """``text`` with every control character spelled out as its escape, the rest unchanged.

    >>> print(printable("\\x1b]8;;http://evil.example\\x1b\\\\click\\x1b]8;;\\x1b\\\\"))
    \\x1b]8;;http://evil.example\\x1b\\click\\x1b]8;;\\x1b\\
    >>> print(printable("web\\x07 \\x9b31m \\u202eevil\\tend\\r\\n"))
    web\\x07 \\x9b31m \\u202eevil\\tend\\r\\n
    """
    if text.isprintable():  # the common case: nothing to do, no copy
        return text
    return "".join(_spelled_out(char) for char in text)


def printable_lines(text: str) -> str:
    """A message of several lines, each made ``printable``; its own line breaks kept.

    >>> print(printable_lines("snapshot: failed\\n  ! bad \\x1b[2J value"))
    snapshot: failed
      ! bad \\x1b[2J value
    """
    return "\n".join(printable(line) for line in text.split("\n"))


def _spelled_out(char: str) -> str:
    if char.isprintable() or char in KEPT or unicodedata.category(char) not in SPELLED_OUT:
        return char
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
