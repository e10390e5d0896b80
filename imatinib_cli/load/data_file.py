"""Recognizes structured data (JSON, non-HTML XML) that no reader before it took.

Reading such a file as plain text would feed markup and keys to extraction, so it is skipped with
a reason instead; JSON that does not parse (a download cut short) is an error. The readers for
PubMed XML, ClinicalTrials.gov JSON and legacy XML go before this one in the dispatch list and
recognize their files by root element or keys, so what arrives here is data of another shape.
"""

from __future__ import annotations

import re

from imatinib_cli.load._build import skipped
from imatinib_cli.load._structured import Unreadable, parse_json, root_name
from imatinib_cli.models import Document

FORMAT = "data"

# An object that starts with a key, or an array of objects/arrays: JSON even when cut short.
_JSON_START_RE = re.compile(r'\A\s*(?:\{\s*"|\[\s*[\[{])')


def _kind(text: str) -> str | None:
    head = text.lstrip()
    if (head[:1] in "{[" and text.rstrip()[-1:] in "}]") or _JSON_START_RE.match(text):
        return "JSON"
    if head.startswith("<"):
        return "XML"
    return None


def sniff(text: str) -> bool:
    return _kind(text) is not None


def read(path: str, sha256: str, text: str) -> Document:
    kind = _kind(text) or "data"
    detail = kind
    if kind == "JSON":
        try:
            parse_json(text)
        except Unreadable as exc:
            return exc.document(path, sha256, "json")
    if kind == "XML":
        root = root_name(text)
        if root:
            detail = f"XML, root element <{root}>"
    return skipped(path, sha256, kind.lower(), f"unrecognized format ({detail})")
