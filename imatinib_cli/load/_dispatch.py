"""Which reader reads a text: the first whose sniff accepts it, in READERS order.

Order matters: structural formats that are unambiguous (HTML, data, front matter) come first,
then records recognized by their labels, and plain text last because it accepts everything.
"""

from __future__ import annotations

from types import ModuleType

from imatinib_cli.load import (
    catalog_record,
    ctgov_page,
    data_file,
    html_page,
    markdown_doc,
    plain_text,
    pubmed_legacy_page,
    pubmed_page,
)
from imatinib_cli.load._build import skipped
from imatinib_cli.load._text import collapse
from imatinib_cli.models import STATUS_ERROR, Document

# Each reader module has FORMAT: str, sniff(text) -> bool and read(path, sha256, text) -> Document.
READERS: tuple[ModuleType, ...] = (
    html_page,
    data_file,
    markdown_doc,
    ctgov_page,
    catalog_record,
    pubmed_page,
    pubmed_legacy_page,
    plain_text,
)
_MAX_REASON = 200


def read_text(path: str, sha256: str, text: str) -> Document:
    """Dispatch to the first reader that recognizes the text; a reader crash becomes an error."""
    reader = next(reader for reader in READERS if reader.sniff(text))
    try:
        return reader.read(path, sha256, text)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the run
        message = collapse(f"{type(exc).__name__}: {exc}")[:_MAX_REASON]
        return skipped(path, sha256, reader.FORMAT, f"{reader.FORMAT} reader failed: {message}", STATUS_ERROR)
