"""Recognizes structured data (JSON, non-HTML XML) that no reader handles yet.

Reading such a file as plain text would feed markup and keys to extraction, so it is skipped
with a reason instead. A reader for the format goes before this one in the dispatch list.
"""

from __future__ import annotations

import re

from imatinib_cli.load._build import skipped
from imatinib_cli.models import Document

FORMAT = "data"

_XML_ROOT_RE = re.compile(r"<([A-Za-z_][\w.:-]*)")
_XML_SKIP_RE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S)


def _kind(text: str) -> str | None:
    head = text.lstrip()
    if head[:1] in "{[" and text.rstrip()[-1:] in "}]":
        return "JSON"
    if head.startswith("<"):
        return "XML"
    return None


def sniff(text: str) -> bool:
    return _kind(text) is not None


def _root(text: str) -> str | None:
    """The first element name after any XML declaration, comments and DOCTYPE."""
    head = text.lstrip()[:20000]
    position = 0
    while (match := _XML_SKIP_RE.match(head, position)) and match.end() > position:
        position = match.end()
    root = _XML_ROOT_RE.match(head[position:].lstrip())
    return root.group(1) if root else None


def read(path: str, sha256: str, text: str) -> Document:
    kind = _kind(text) or "data"
    detail = kind
    if kind == "XML":
        root = _root(text)
        if root:
            detail = f"XML, root element <{root}>"
    return skipped(path, sha256, kind.lower(), f"unrecognized format ({detail})")
