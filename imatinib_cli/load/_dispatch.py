"""Which reader reads a text: the first whose sniff accepts it, in READERS order.

Order matters: structured data recognized by its root element or keys (PubMed XML, registry
XML and JSON) comes first, then HTML and other data, then tagged-text records (MEDLINE, RIS) and
front matter, then records recognized by their labels, and plain text last because it accepts
everything.

A reader's read() returns one Document or a list of them (a file with several records); the
records of a file are numbered 0, 1, 2, ... in Document.record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import ModuleType

from imatinib_cli.load import (
    catalog_record,
    ctgov_json,
    ctgov_page,
    ctgov_xml,
    data_file,
    html_page,
    markdown_doc,
    medline,
    plain_text,
    pubmed_legacy_page,
    pubmed_page,
    pubmed_xml,
    ris,
)
from imatinib_cli.load._build import skipped
from imatinib_cli.load._text import collapse
from imatinib_cli.models import STATUS_ERROR, Document

# Each reader module has FORMAT: str, sniff(text) -> bool and
# read(path, sha256, text) -> Document | Sequence[Document].
# The markup readers accept only a text whose first visible character is "<", "{" or "[" (an XML
# root or declaration, a JSON object or list, an HTML tag; data_file also a blank text): any other
# text, nearly every abstract and page saved as text, skips their five sniffs (~20,000
# instructions a file) by one look at that character (tests/test_speed_textload.py checks that
# each says no to such a text). They come first in READERS, so the skip keeps the order.
_MARKUP_READERS: tuple[ModuleType, ...] = (pubmed_xml, ctgov_xml, ctgov_json, html_page, data_file)
_TEXT_READERS: tuple[ModuleType, ...] = (
    medline,
    ris,
    markdown_doc,
    ctgov_page,
    catalog_record,
    pubmed_page,
    pubmed_legacy_page,
    plain_text,
)
READERS: tuple[ModuleType, ...] = _MARKUP_READERS + _TEXT_READERS
_MARKUP_FIRSTS = "<{["
_MAX_REASON = 200


def read_records(path: str, sha256: str, text: str) -> list[Document]:
    """Dispatch to the first reader that recognizes the text; a reader crash becomes an error."""
    first = text.lstrip()[:1]
    # a blank text goes the long way, as data_file reads it
    readers = READERS if not first or first in _MARKUP_FIRSTS else _TEXT_READERS
    for reader in readers:  # plain_text, the last, accepts every text (a loop: no generator frame)
        if reader.sniff(text):
            break
    try:
        result: Document | Sequence[Document] = reader.read(path, sha256, text)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the run
        message = collapse(f"{type(exc).__name__}: {exc}")[:_MAX_REASON]
        return [
            skipped(path, sha256, reader.FORMAT, f"{reader.FORMAT} reader failed: {message}", STATUS_ERROR)
        ]
    documents = [result] if isinstance(result, Document) else list(result)
    if not documents:
        return [skipped(path, sha256, reader.FORMAT, "no records in the file")]
    return [doc if doc.record == index else replace(doc, record=index) for index, doc in enumerate(documents)]
