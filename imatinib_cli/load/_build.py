"""Turn a reader's loose field dict into the typed records of the model."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from typing import Any

from imatinib_cli.load import limits
from imatinib_cli.load._text import layout
from imatinib_cli.models import STATUS_OK, STATUS_SKIPPED, Document, Metadata, Section

_TEXT_FIELDS = frozenset(
    (
        "title",
        "journal",
        "volume",
        "issue",
        "pages",
        "doi",
        "pmid",
        "nct_id",
        "registry_status",
        "phase",
        "language",
        "allocation",
        "masking",
    )
)
_METADATA_FIELDS = frozenset(f.name for f in dataclass_fields(Metadata))


def metadata(fields: dict[str, Any]) -> Metadata:
    """Metadata from known keys only, with empty strings dropped and types made exact."""
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in _METADATA_FIELDS or value is None:
            continue
        if key in _TEXT_FIELDS:
            value = str(value).strip()
            if not value:
                continue
        elif key in ("authors", "publication_types"):
            value = tuple(filter(None, [str(item).strip() for item in value]))  # no generator frame
        clean[key] = value
    return Metadata(**clean)


def document(
    path: str, sha256: str, fmt: str, text: str, fields: dict[str, Any], sections: list[Section]
) -> Document:
    """An "ok" Document whose sections are laid out over the whole text."""
    return Document(
        path=path,
        sha256=sha256,
        format=fmt,
        text=text,
        metadata=metadata(fields),
        sections=layout(text, sections),
    )


def skipped(path: str, sha256: str, fmt: str, reason: str, status: str = STATUS_SKIPPED) -> Document:
    """A Document that carries no text, only why it was not read."""
    return Document(path=path, sha256=sha256, format=fmt, text="", status=status, reason=reason)


def with_warnings(document: Document, warnings: Iterable[str]) -> Document:
    """An ok Document with warnings added to its reason ("; " between them); others unchanged."""
    added = [w for w in warnings if w]
    if not added or document.status != STATUS_OK:
        return document
    return replace(document, reason="; ".join([document.reason, *added] if document.reason else added))


def rest_of_file(path: str, sha256: str, fmt: str, records: int) -> Document:
    """The skipped Document that stands for a file's records past MAX_RECORDS_PER_FILE.

    >>> rest_of_file("big.xml", "", "pubmed_xml", 300_000).reason
    '300,000 records; only the first 100,000 are read (the limit per file)'
    """
    return skipped(
        path,
        sha256,
        fmt,
        limits.over_limit(records, "records", limits.MAX_RECORDS_PER_FILE, "the limit per file"),
    )


def read_capped(
    path: str, sha256: str, fmt: str, records: Iterable[Any], parse: Callable[[str, str, Any], Document]
) -> list[Document]:
    """parse(path, sha256, record) for each record up to MAX_RECORDS_PER_FILE; the rest are counted
    (not parsed) and stand as one skipped Document (see rest_of_file)."""
    out: list[Document] = []
    total = 0
    for record in records:
        total += 1
        if total <= limits.MAX_RECORDS_PER_FILE:
            out.append(parse(path, sha256, record))
    if total > limits.MAX_RECORDS_PER_FILE:
        out.append(rest_of_file(path, sha256, fmt, total))
    return out
