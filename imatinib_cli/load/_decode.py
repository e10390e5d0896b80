"""Bytes to text: binary signatures, byte-order marks, UTF-8, then a declared or Western charset.

Returns the text with CRLF/CR normalized to LF, or a one-line reason the bytes are not text. A text
that could only be decoded by replacing bytes (or that already holds U+FFFD replacement characters)
comes with a warning saying how many, never silently.

The order (docs/robustness.md):
1. signatures of binary formats (PDF, ZIP/Office, OLE, PNG, JPEG, gzip, ...);
2. a byte-order mark (UTF-8, UTF-16, UTF-32), before the NUL check, because UTF-16 text is full of
   NULs; bytes invalid in that encoding are replaced and counted;
3. NUL bytes: binary;
4. UTF-8; a file that is mostly UTF-8 with a few bad bytes stays UTF-8, the bad bytes replaced and
   counted (read as cp1252 it would turn every accent into mojibake);
5. otherwise the charset the file declares (an HTML `<meta charset>` or an XML declaration, found by
   beautifulsoup4's EncodingDetector, imported only here), else cp1252, the Windows superset of
   Latin-1; the few bytes cp1252 leaves undefined are replaced and counted.
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
    (b"PK\x07\x08", "ZIP"),
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
    (b"\x28\xb5\x2f\xfd", "zstd"),
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
_SIGNATURE_PREFIXES = tuple(signature for signature, _ in _SIGNATURES)  # one startswith call for all
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)
_CODEC_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}
_FALLBACK = "cp1252"
_REPLACEMENT = "\ufffd"
_REPLACEMENT_UTF8 = _REPLACEMENT.encode("utf-8")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ASCII_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])  # _CONTROL_RE's ASCII part
# Every ASCII control byte to 0x80, every other byte to 0x00: `raw.translate(_CONTROL_FLAGS).isascii()`
# is true when raw holds none of them (one pass in C, ~8.5 instructions a byte and ~5,000 a call,
# against ~700 a call and ~0.1 a byte for each of the 27 memchr scans): cheaper below ~2 KB.
_CONTROL_FLAGS = bytes(0x80 if byte in _ASCII_CONTROLS else 0 for byte in range(256))
_TRANSLATE_BELOW = 2048
_C1_UTF8_RE = re.compile(b"\xc2[\x80-\x9f]")  # _CONTROL_RE's U+0080 to U+009F in UTF-8
_HTML_HINT_RE = re.compile(rb"<(?:!doctype\s+html|html|meta|head)[\s>]", re.I)
# Share of control characters (or replaced bytes) above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.01
_CONTROL_SAMPLE = 65536
_DECLARED_SAMPLE = 8192


class Decoded(NamedTuple):
    text: str | None
    status: str | None = None
    reason: str | None = None
    # For text that was read: what the reader should know (replaced characters), or None.
    warning: str | None = None
    encoding: str | None = None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _declared(data: bytes) -> str | None:
    """An ASCII-compatible charset the file declares (HTML meta, XML declaration) that Python knows."""
    from bs4.dammit import EncodingDetector

    sample = data[:_DECLARED_SAMPLE]
    declared = EncodingDetector.find_declared_encoding(sample, is_html=bool(_HTML_HINT_RE.search(sample)))
    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name
        # A UTF-16/32 declaration without a BOM is a lie about this ASCII-looking file.
        if "abc<>".encode(name) != b"abc<>":
            return None
    except (LookupError, UnicodeError, ValueError):
        return None
    return name


_DECODED_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")


def _mostly_utf8(lenient: str, replaced: int) -> bool:
    """Valid multi-byte UTF-8 sequences outnumber the invalid bytes: UTF-8 with some damage."""
    valid = len(_DECODED_NON_ASCII.findall(lenient))  # one C pass, not a Python loop per character
    return valid > 0 and valid >= replaced


def _non_utf8(data: bytes) -> tuple[str, str, int]:
    """(text, encoding, replaced byte count) for bytes that are not valid UTF-8."""
    lenient = data.decode("utf-8", errors="replace")
    replaced = lenient.count(_REPLACEMENT) - data.count(_REPLACEMENT_UTF8)
    if _mostly_utf8(lenient, replaced):
        return lenient, "utf-8", replaced
    declared = _declared(data)
    for encoding in (declared, _FALLBACK):
        if encoding is None:
            continue
        try:
            return data.decode(encoding), encoding, 0
        except UnicodeDecodeError:
            continue
    text = data.decode(_FALLBACK, errors="replace")
    return text, _FALLBACK, text.count(_REPLACEMENT)


def _too_many_controls(text: str, utf8: bytes | None = None) -> bool:
    r"""More than 1 % of the first 65,536 characters are control characters (not tab or newline).

    Read from the text's own UTF-8 bytes where they are given (the file's, when it decoded as they
    are) and the text is no longer than the sample, else from an ASCII sample's bytes: there the
    ASCII controls are single bytes, and U+0080 to U+009F are C2 80 to C2 9F (C2 only ever leads a
    character), found by `re` from their literal first byte (0.03 ms on a 50 KB non-ASCII page;
    the character class took 0.11). One branch for both; the regex stays for other
    text.

    >>> _too_many_controls("\x85\x01é" * 9, "\x85\x01é".encode() * 9), _too_many_controls("é" * 200)
    (True, False)
    """
    sample = text[:_CONTROL_SAMPLE]
    if utf8 is not None and len(text) <= _CONTROL_SAMPLE:
        raw = utf8
    elif sample.isascii():
        raw = sample.encode("ascii")
    else:
        return len(_CONTROL_RE.findall(sample)) > max(1, len(sample) * _MAX_CONTROL_SHARE)
    # Most text holds no ASCII control, so whether it holds any is asked first: under 2,048 bytes
    # (a text abstract) by one translate to flags (~14,000 instructions on 1 KB), above it by an `in`
    # test for each of the 27 (a memchr each: ~8 µs on a 47 KB HTML page, where deleting them
    # with bytes.translate to count them took ~18-25); bytes that hold some are counted by
    # deleting them in C (~5x faster than the regex).
    if (
        raw.translate(_CONTROL_FLAGS).isascii()
        if len(raw) < _TRANSLATE_BELOW
        else not any(map(raw.__contains__, _ASCII_CONTROLS))
    ):
        if sample.isascii():
            return False
        count = 0
    else:
        count = len(raw) - len(raw.translate(None, _ASCII_CONTROLS))
    if not sample.isascii():
        count += len(_C1_UTF8_RE.findall(raw))
    return count > max(1, len(sample) * _MAX_CONTROL_SHARE)


def _warning(text: str, replaced: int, encoding: str, utf8: bytes | None = None) -> str | None:
    r"""How many U+FFFD the text holds: bytes replaced in decoding, or already in the file.

    utf8 is the text's own UTF-8, if at hand: U+FFFD is EF BF BD there, so a text whose bytes hold
    no EF (one memchr) holds none, and the count over a non-ASCII text is skipped.

    >>> _warning("caf\u00e9", 0, "utf-8", b"caf\xc3\xa9")
    >>> _warning("a\ufffd", 0, "utf-8", b"a\xef\xbf\xbd")
    '1 replacement character (U+FFFD) already in the file'
    """
    # (an ASCII text's count is answered at once: the character is wider than any it holds)
    total = 0 if utf8 is not None and not text.isascii() and b"\xef" not in utf8 else text.count(_REPLACEMENT)
    present = total - replaced
    parts = []
    if replaced > 0:
        name = _CODEC_NAMES.get(encoding, encoding)
        parts.append(
            f"{_plural(replaced, 'byte sequence')} not valid {name} replaced by U+FFFD"
            f" (the text around them may be incomplete)"
        )
    if present > 0:
        parts.append(f"{_plural(present, 'replacement character')} (U+FFFD) already in the file")
    return "; ".join(parts) or None


def decode(data: bytes) -> Decoded:
    if not data:
        return Decoded(None, STATUS_SKIPPED, "empty file")
    if data.startswith(_SIGNATURE_PREFIXES):
        for signature, name in _SIGNATURES:
            if data.startswith(signature):
                return Decoded(None, STATUS_SKIPPED, f"binary file ({name} signature)")
    replaced = 0
    utf8_text = None  # the text as decoded from data, when data is its UTF-8
    for bom, codec in _BOMS if data.startswith(_BOM_PREFIXES) else ():
        if data.startswith(bom):
            encoding = codec
            text = data.decode(codec, errors="replace")
            replaced = text.count(_REPLACEMENT) - (
                data.count(_REPLACEMENT_UTF8) if codec == "utf-8-sig" else 0
            )
            if replaced > max(1, len(text) * _MAX_CONTROL_SHARE):
                name = _CODEC_NAMES[codec]
                return Decoded(None, STATUS_ERROR, f"not valid {name} despite its byte-order mark")
            break
    else:
        if data.find(b"\x00", 0, _CONTROL_SAMPLE) >= 0:  # no copy of the first 64 KiB
            return Decoded(None, STATUS_SKIPPED, "binary file (NUL bytes)")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
            utf8_text = text
        except UnicodeDecodeError:
            text, encoding, replaced = _non_utf8(data)
    text = normalize_newlines(text.lstrip("\ufeff"))
    if not text or text.isspace():  # as `not text.strip()`, without the copy
        return Decoded(None, STATUS_SKIPPED, "empty file (whitespace only)")
    # text is still utf8_text when nothing was stripped or normalized: data is its UTF-8 then
    utf8 = data if text is utf8_text else None
    if _too_many_controls(text, utf8):
        if encoding not in _CODEC_NAMES:
            return Decoded(None, STATUS_ERROR, "not valid UTF-8 and no charset detected")
        return Decoded(None, STATUS_SKIPPED, "binary file (control characters)")
    replaced = max(replaced, 0)
    return Decoded(text, warning=_warning(text, replaced, encoding, utf8), encoding=encoding)
