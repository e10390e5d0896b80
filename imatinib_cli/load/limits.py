"""The limits the structured readers apply to absurd files, in one place (docs/robustness.md lists them).

Each is far above what a real record holds (the largest seen: 97 investigators and 68 locations in
one registry record, 26 authors and 4 AbstractText parts in one PubMed record, 18 items in one
registry JSON list; PubMed exports at most 10,000 records at a time). What goes past a limit is
not read, and the Document says so in its reason, naming the limit, e.g.
"1,000,000 conditions; only the first 1,000 are read (the limit per study)".
"""

from __future__ import annotations

# Records read from one file (PubMed XML, a ClinicalTrials.gov study list, MEDLINE, RIS). The
# records past it become one skipped Document that says how many there were.
MAX_RECORDS_PER_FILE = 100_000
# Conditions of one registry study (ClinicalTrials.gov JSON and XML).
MAX_CONDITIONS = 1_000
# AbstractText parts of one PubMed record.
MAX_ABSTRACT_PARTS = 100
# Elements of one name under one XML parent, and items of one JSON list: outcome measures,
# adverse events, authors, locations, ...
MAX_SIBLINGS = 100_000
# Elements of one HTML page, counted as start tags in its markup; the page is read up to the first
# start tag past it. The largest page in the fixtures has 232 elements, a long full-text article
# page some thousands (estimated); each element costs about 1 KB through the reader and extraction.
MAX_PAGE_ELEMENTS = 100_000
# XML is parsed in pieces of this many characters, so the parser's event lists stay short.
XML_CHUNK_CHARS = 1 << 16


def count(value: int) -> str:
    """1000000 -> "1,000,000"."""
    return f"{value:,}"


def over_limit(found: int, noun: str, limit: int, scope: str) -> str:
    """The warning for `found` items where at most `limit` are read.

    >>> over_limit(1_000_000, "conditions", 1_000, "the limit per study")
    '1,000,000 conditions; only the first 1,000 are read (the limit per study)'
    """
    return f"{count(found)} {noun}; only the first {count(limit)} are read ({scope})"
