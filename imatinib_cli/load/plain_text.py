"""Fallback reader: any other text is one "body" section.

Only identifiers the text labels as such are taken as metadata ("doi: ...", "PMID: ...",
"ClinicalTrials.gov Identifier: NCT..."). One layout is read as a title: a first paragraph of a
single short line, set apart by a blank line, before a longer text (an abstract saved as text).
"""

from __future__ import annotations

import re
from typing import Any

from imatinib_cli.load._biblio import DOI_LABEL_RE, PMID_LINE_RE, clean_doi
from imatinib_cli.load._build import document
from imatinib_cli.load._text import BODY, TITLE, span
from imatinib_cli.models import Document

FORMAT = "text"

_REGISTRY_ID_RE = re.compile(
    r"(?:ClinicalTrials\.gov\s+(?:Identifier|ID|number|registration)|Trial registration|NCT Number)"
    r"\W{0,20}(NCT\d{8})",
    re.I,
)


def sniff(text: str) -> bool:
    return True


def read(path: str, sha256: str, text: str) -> Document:
    fields: dict[str, Any] = {}
    doi = DOI_LABEL_RE.search(text)
    if doi:
        fields["doi"] = clean_doi(doi.group(1))
    pmid = PMID_LINE_RE.search(text)
    if pmid:
        fields["pmid"] = pmid.group(1)
    nct = _REGISTRY_ID_RE.search(text)
    if nct:
        fields["nct_id"] = nct.group(1).upper()
    title = _TITLE_RE.match(text)
    if title and len(text) > 2 * len(title.group(1)) and not _LABEL_RE.match(title.group(1)):
        fields["title"] = " ".join(title.group(1).split()).rstrip(".")
        sections = [span(TITLE, title.start(1), title.end(1)), span(BODY, title.end(), len(text))]
        return document(path, sha256, FORMAT, text, fields, sections)
    return document(path, sha256, FORMAT, text, fields, [span(BODY, 0, len(text))])


# A first line of at most 300 characters followed by a blank line.
_LABEL_RE = re.compile(r"\s*\w+(?:\s+\w+)?\s*:")  # "Results:", "Study Type:" open a field, not a title
_TITLE_RE = re.compile(r"\s*([^\n]{10,300})\n[ \t]*\n")
