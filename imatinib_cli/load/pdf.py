"""Reader for PDF articles, through pypdf (the optional `pdf` extra), imported only for a PDF file.

A PDF is recognized from its bytes: the `%PDF-` header and the `%%EOF` trailer near the end (a
file cut short before its trailer stays a "binary file"). The text of every page becomes one
"body" section, pages separated by a blank line. Metadata: the title from the PDF's document
information, when set; DOI, PMID and NCT ID only where the first page labels them as such
("doi: 10...", "PMID: ...", "ClinicalTrials.gov Identifier: NCT..."), else a bare DOI on the first
page. Without pypdf the file is skipped with the command that installs it.
"""

from __future__ import annotations

from typing import Any

from imatinib_cli.load._biblio import DOI_RE, clean_doi, labelled_ids
from imatinib_cli.load._build import document, skipped
from imatinib_cli.load._decode import normalize_newlines
from imatinib_cli.load._text import BODY, collapse, span
from imatinib_cli.models import STATUS_ERROR, Document

FORMAT = "pdf"
# imx is not on a package index: the extra is installed from the checkout (as render/plot.py says).
MISSING_EXTRA = "PDF needs the pdf extra: pip install '.[pdf]' in the imx checkout (or pip install pypdf)"

_HEADER = b"%PDF-"
_TRAILER = b"%%EOF"
_TRAILER_WINDOW = 2048
_MAX_REASON = 160


def sniff(data: bytes) -> bool:
    return data.startswith(_HEADER) and _TRAILER in data[-_TRAILER_WINDOW:]


def _metadata(info: Any, first_page: str) -> dict[str, Any]:
    fields = labelled_ids(first_page)
    title = getattr(info, "title", None) if info is not None else None
    if isinstance(title, str) and collapse(title):
        fields["title"] = collapse(title)
    if "doi" not in fields:
        bare = DOI_RE.search(first_page)  # an article's first page prints its DOI, often unlabelled
        if bare:
            fields["doi"] = clean_doi(bare.group(0))
    return fields


def read(path: str, sha256: str, data: bytes) -> Document:
    try:
        from pypdf import PdfReader
    except ImportError:
        return skipped(path, sha256, FORMAT, MISSING_EXTRA)
    import io

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return skipped(path, sha256, FORMAT, "PDF is encrypted")
        pages = [normalize_newlines(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on damaged files
        detail = collapse(f"{type(exc).__name__}: {exc}")[:_MAX_REASON]
        return skipped(path, sha256, FORMAT, f"PDF could not be read: {detail}", STATUS_ERROR)
    text = "\n\n".join(page for page in pages if page)
    if not text.strip():
        return skipped(path, sha256, FORMAT, "PDF has no text layer (scanned pages need OCR first)")
    text += "\n"
    first_page = next((page for page in pages if page), "")
    return document(path, sha256, FORMAT, text, _metadata(info, first_page), [span(BODY, 0, len(text))])
