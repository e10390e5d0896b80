"""Bytes to text: binary signatures, byte-order marks, UTF-8, then a charset guess.

Returns the text with CRLF/CR normalized to LF, or a one-line reason the bytes are not text.
bs4's UnicodeDammit is imported only for files that are not UTF-8.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from imatinib_cli.models import STATUS_ERROR, STATUS_SKIPPED

# Leading bytes of common binary formats that end up in evidence folders.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"PK\x05\x06", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x7fELF", "ELF"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"{\\rtf", "RTF"),
)
# Checked longest first so UTF-32 LE is not taken for UTF-16 LE.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_HTML_HINT_RE = re.compile(rb"<(?:!doctype\s+html|html|meta|head)[\s>]", re.I)
# Share of control characters above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.01
_CONTROL_SAMPLE = 65536


class Decoded(NamedTuple):
    text: str | None
    status: str | None = None
    reason: str | None = None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _guess(data: bytes) -> str | None:
    """Latin-1 / cp1252 (or a charset an HTML page declares) for text that is not UTF-8."""
    from bs4.dammit import UnicodeDammit

    dammit = UnicodeDammit(data, is_html=bool(_HTML_HINT_RE.search(data[:4096])))
    if dammit.unicode_markup is not None and not dammit.contains_replacement_characters:
        return dammit.unicode_markup
    try:
        return data.decode("latin-1")
    except UnicodeDecodeError:  # pragma: no cover - latin-1 maps every byte
        return None


def _too_many_controls(text: str) -> bool:
    sample = text[:_CONTROL_SAMPLE]
    return len(_CONTROL_RE.findall(sample)) > max(1, len(sample) * _MAX_CONTROL_SHARE)


def decode(data: bytes) -> Decoded:
    if not data:
        return Decoded(None, STATUS_SKIPPED, "empty file")
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return Decoded(None, STATUS_SKIPPED, f"binary file ({name} signature)")
    guessed = False
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return Decoded(None, STATUS_ERROR, f"not valid {codec.upper()} despite its byte-order mark")
            break
    else:
        if b"\x00" in data[:_CONTROL_SAMPLE]:
            return Decoded(None, STATUS_SKIPPED, "binary file (NUL bytes)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            decoded = _guess(data)
            if decoded is None:
                return Decoded(None, STATUS_ERROR, "not valid UTF-8 and no charset detected")
            text, guessed = decoded, True
    text = normalize_newlines(text.lstrip("\ufeff"))
    if not text.strip():
        return Decoded(None, STATUS_SKIPPED, "empty file (whitespace only)")
    if _too_many_controls(text):
        if guessed:
            return Decoded(None, STATUS_ERROR, "not valid UTF-8 and no charset detected")
        return Decoded(None, STATUS_SKIPPED, "binary file (control characters)")
    return Decoded(text)
