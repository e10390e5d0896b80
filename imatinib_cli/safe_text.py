"""Text someone else wrote, made safe to show: the escaping shared by every terminal printer
(`safe_text`, used throughout render/) and by the folder walker's file names (`escape_controls`,
used by load/_walk.py `printable`).

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
- Invisible characters: the zero-width space, non-joiner and joiner and the direction marks
  (U+200B-U+200F: ZWSP, ZWNJ, ZWJ, LRM, RLM), the Arabic letter mark U+061C, the word joiner and
  invisible operators U+2060-U+2064, the deprecated format controls U+206A-U+206F and the zero-width
  no-break space U+FEFF: `\\u200b`, `\\u200d`. They draw nothing, so `report\\u200b.txt` and
  `report.txt`, or two titles, would look the same. ZWNJ and ZWJ are escaped in quotes too, where
  Persian or Devanagari text (and emoji sequences) use them: see docs/robustness.md, "Output safe
  to show and to open".
- Lone surrogates (a file name's undecodable byte kept by Python's surrogateescape): the byte, as
  `\\xe9`, the form the walker gives such names; other lone surrogates as `\\udxxx`. Printing one raw
  would raise UnicodeEncodeError on a UTF-8 stream.

The JSON outputs are not passed through this: they keep the real strings, which JSON escapes itself
(render/json.py `_RAW_UNSAFE` escapes the same characters as `\\uXXXX`, which decode to them).
`safe_text` is idempotent (its output holds none of the characters it escapes) and cheap on clean
text (one regex search), so it can be applied at every printer and again at the console.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, tab and newline included: a regex character class's inside, shared
# with load/_walk.py (a file name is shown on one line, so its tab and newline are escaped too).
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f"

# Beyond C0: what a terminal obeys or hides even inside a JSON string, which escapes C0 itself
# (render/json.py escapes exactly these as \uXXXX). A character class's inside.
UNSAFE_BEYOND_C0 = (
    "\x7f-\x9f"  # DEL, C1
    "\u2028\u2029\u202a-\u202e\u2066-\u2069"  # line separators, bidi embeddings/overrides/isolates
    "\u061c\u200b-\u200f\u2060-\u2064\u206a-\u206f\ufeff"  # invisible: zero-width, marks, joiners
    "\ud800-\udfff"  # lone surrogates
)

# The characters safe_text escapes; a character class, so the scan is one pass in C.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{UNSAFE_BEYOND_C0}]")  # C0 but tab and newline
_CONTROLS = re.compile(f"[{CONTROL_CHARACTERS}]")
_BYTE_SURROGATES = range(0xDC80, 0xDD00)  # surrogateescape's range: bytes 0x80-0xFF


def safe_text(text: str) -> str:
    """`text` with every terminal control, bidirectional override and invisible character shown as
    a backslash escape.

    >>> safe_text("Imatinib\\x1b[2J in GIST\\u202e, N=\\u200b40")
    'Imatinib\\\\x1b[2J in GIST\\\\u202e, N=\\\\u200b40'
    """
    return _escape_all(_UNSAFE, text)


def escape_controls(text: str) -> str:
    """`text` on one line: every C0 control (tab and newline too), DEL and C1 control as `\\xNN`;
    nothing else changed. The walker's file names (`printable`) take this part from here.

    >>> escape_controls("scan\\n2024.txt")
    'scan\\\\x0a2024.txt'
    """
    return _escape_all(_CONTROLS, text)


def _escape_all(characters: re.Pattern[str], text: str) -> str:
    """Each match of `characters` escaped; clean text, the common case, returned as it is after one
    search (the same object: no copy)."""
    if characters.search(text) is None:
        return text
    return characters.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    if code in _BYTE_SURROGATES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"
