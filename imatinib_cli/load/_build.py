"""Turn a reader's loose field dict into the typed records of the model."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

from imatinib_cli.load._text import layout
from imatinib_cli.models import STATUS_SKIPPED, Document, Metadata, Section

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
            value = tuple(str(item).strip() for item in value if str(item).strip())
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
