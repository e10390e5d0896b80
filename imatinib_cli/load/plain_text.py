"""Fallback reader: any other text is one "body" section.

Only identifiers the text labels as such are taken as metadata ("doi: ...", "PMID: ...",
"ClinicalTrials.gov Identifier: NCT..."); nothing is guessed from position.
"""

from __future__ import annotations

import re
from typing import Any

from imatinib_cli.load._biblio import DOI_LABEL_RE, PMID_LINE_RE, clean_doi
from imatinib_cli.load._build import document
from imatinib_cli.load._text import BODY, span
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
    return document(path, sha256, FORMAT, text, fields, [span(BODY, 0, len(text))])
