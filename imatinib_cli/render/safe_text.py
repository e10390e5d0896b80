"""Document strings made safe to show on a terminal: one function, `safe_text`, for every printer.

A title, a quote or a file name comes from a file someone else wrote. Printed raw, its control
characters reach the terminal: `ESC [2J` clears the screen, `ESC ] 8 ; ; URL BEL` opens a hyperlink,
a carriage return overwrites the line, and U+202E (right-to-left override) makes "pdf.exe" read as
"exe.pdf". So each such character is written as a visible backslash escape, never removed: a reader
sees that something was there, and what. Tab and newline are kept (they only move the cursor).

- C0 controls except tab and newline, DEL and C1 controls (U+0080-U+009F, which include the 8-bit
  CSI and OSC introducers): `\\x1b`, `\\x7f`, `\\x9b`. Escaping ESC and BEL is enough to defuse every
  escape sequence (CSI, OSC, OSC 8 links): without them the rest is plain text.
- Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the line and
  paragraph separators (U+2028, U+2029): `\\u202e`, `\\u2028`.
- Lone surrogates (a file name's undecodable byte kept by Python's surrogateescape): the byte, as
  `\\xe9`, the form the walker gives such names; other lone surrogates as `\\udxxx`. Printing one raw
  would raise UnicodeEncodeError on a UTF-8 stream.

The JSON outputs are not passed through this: they keep the real strings, which JSON escapes itself.
The function is idempotent (its output holds none of the characters it escapes) and cheap on clean
text (one regex search), so it can be applied at every printer and again at the console.
"""

from __future__ import annotations

import re

# The characters escaped; a character class, so the scan is one pass in C.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BYTE_SURROGATES = range(0xDC80, 0xDD00)  # surrogateescape's range: bytes 0x80-0xFF


def safe_text(text: str) -> str:
    """`text` with every terminal control and bidirectional override shown as a backslash escape.

    >>> safe_text("Imatinib\\x1b[2J in GIST\\u202e")
    'Imatinib\\\\x1b[2J in GIST\\\\u202e'
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    if code in _BYTE_SURROGATES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"
