"""Reader for a legacy PubMed abstract page saved as text, and for PubMed's text export.

Both start with a citation line ("Eur J Cancer. 2003 Sep;39(14):2006-11."), then the title,
authors, "Author information", the abstract and a footer ("[Indexed for MEDLINE]", "PMID:").
"""

from __future__ import annotations

import re

from imatinib_cli.load._biblio import YEAR_AFTER_STOP, citation_match
from imatinib_cli.load._build import document
from imatinib_cli.load._pubmed_text import may_be_citation, parse_legacy
from imatinib_cli.load._text import split_lines
from imatinib_cli.models import Document

FORMAT = "pubmed_legacy_page"

# The citation line must be near the top, so a reference list deep in an article does not count.
_SNIFF_CHARS = 6000
_SNIFF_LINES = 40
# "PMID:" first: nearly every legacy page and text export holds it, and `any` stops at the first
# cue found (each cue is a scan of the whole text; the answer does not depend on the order).
_CUES = (
    "PMID:",
    "Author information",
    "Indexed for MEDLINE",
    "indexed for MEDLINE",
    "Send to",
    "Choose Destination",
    "Display Settings",
    "Supplemental Content",
    "Full text links",
    "Comment in",
    "Publication Types",
    "LinkOut",
)
# What every citation line holds (CITATION_RE's "." before the year): one search of the first
# 6,000 characters, ~15,000 instructions on a 2 KB plain text against ~34,000 for the twelve
# cue scans, which a text without it need not make; a line without it is not read.
_CITATION_YEAR_RE = re.compile(YEAR_AFTER_STOP)


def sniff(text: str) -> bool:
    """A cue, then a citation line ("Blood. 2004 Jan;103(1):1-5.") among the first 40 lines.

    The same answer as `find_citation(split_lines(text[:6000]), limit=40) is not None`, read from
    plain strings that stop at the first citation, and parse_citation's test without its fields:
    a Line costs ~3,000 instructions to make and the sniff needs no offsets. Most texts hold no
    ". 2004" in their head at all: that one search comes before the cues, and only the lines it
    finds are read (a line without it is no citation; tests/test_speed_lines.py).
    """
    head = text[:_SNIFF_CHARS]
    first = _CITATION_YEAR_RE.search(head)
    if first is None or not any(map(text.__contains__, _CUES)):  # no generator frame
        return False
    line_number, start, end = 0, 0, -1  # the line last read is head[start:end]
    for year in _CITATION_YEAR_RE.finditer(head, first.start()):
        if year.start() < end:
            continue  # on the line just read
        line_start = head.rfind("\n", 0, year.start()) + 1
        line_number += head.count("\n", start, line_start)
        if line_number >= _SNIFF_LINES:
            return False
        start, end = line_start, head.find("\n", year.end())
        end = len(head) if end < 0 else end
        line = head[start:end]
        if may_be_citation(line) and citation_match(line) is not None:
            return True  # what find_citation accepts, without parse_citation's fields
    return False


def read(path: str, sha256: str, text: str) -> Document:
    parsed = parse_legacy(text, split_lines(text))
    return document(path, sha256, FORMAT, text, parsed.fields, parsed.sections)
