"""Reader for a current PubMed abstract page (pubmed.ncbi.nlm.nih.gov) saved as text."""

from __future__ import annotations

import re

from imatinib_cli.load._build import document
from imatinib_cli.load._pubmed_text import parse_current
from imatinib_cli.load._text import split_lines
from imatinib_cli.models import Document

FORMAT = "pubmed_page"

_STRONG_CUE = "PubMed Disclaimer"
_CHROME_CUES = (
    "Skip to main page content",
    "An official website of the United States government",
    "Access keys NCBI Homepage",
    "Similar articles",
    "Cited by",
    "MeSH terms",
    "Publication types",
    "Full text links",
)
_ABSTRACT_LINE_RE = re.compile(r"^[ \t]*Abstract[ \t]*$", re.M)
_AFFILIATIONS_LINE_RE = re.compile(r"^[ \t]*Affiliations[ \t]*$", re.M)


def sniff(text: str) -> bool:
    """PubMed's own disclaimer, or an "Abstract" heading amid the site's chrome."""
    if _STRONG_CUE in text:
        return True
    if "Abstract" not in text or not _ABSTRACT_LINE_RE.search(text):  # `in` first: one C scan
        return False
    hits = sum(cue in text for cue in _CHROME_CUES) + bool(_AFFILIATIONS_LINE_RE.search(text))
    return hits >= 2


def read(path: str, sha256: str, text: str) -> Document:
    parsed = parse_current(text, split_lines(text))
    return document(path, sha256, FORMAT, text, parsed.fields, parsed.sections)
