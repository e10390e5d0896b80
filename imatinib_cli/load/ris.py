"""Reader for RIS files (reference-manager exports), one or many TY ... ER records.

Each record becomes one Document whose text is the title and the abstract, split at inline labels
("BACKGROUND: ... RESULTS: ..."). Tags read: TI/T1 (title; ST, the short title, as a last resort),
AU/A1 (authors; A2 editors are not authors), JO/JF/T2/JA (journal), PY/Y1/DA (year), VL (or VO),
IS, SP/EP, DO, AB/N2, LA, UR (a doi.org or PubMed link). AN is a PMID only when DB names
PubMed/MEDLINE or the value says "PMID"; ID is the exporting library's own reference number and
is not read. Lines outside a record (a stray "1." before the first TY) are ignored; a line without
a tag continues the previous value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from imatinib_cli.load._biblio import DOI_RE, NCT_RE, clean_doi, year_of
from imatinib_cli.load._build import document, read_capped, skipped
from imatinib_cli.load._render import article_text, split_inline_labels
from imatinib_cli.load._tagged import Record, RecordBuilder, first, values
from imatinib_cli.load._text import collapse
from imatinib_cli.models import Document

FORMAT = "ris"

_LINE_RE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])[ \t]{1,2}-(?:[ \t](?P<value>.*)|[ \t]*)$")
_TY_RE = re.compile(r"^TY[ \t]{1,2}- ?\S", re.M)
_ER_RE = re.compile(r"^ER[ \t]{1,2}-", re.M)
_SNIFF_CHARS = 4000
_PUBMED_URL_RE = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})\b", re.I)
_PMID_VALUE_RE = re.compile(r"^(?:PMID:?\s*)?(\d{1,9})$", re.I)


def sniff(text: str) -> bool:
    """A "TY  - " line near the top and an "ER  -" line. _TY_RE needs "TY" at a line start: tested
    with `in` first, since re tries a pattern that opens with `^` at every position."""
    head = text[:_SNIFF_CHARS]
    if not (head.startswith("TY") or "\nTY" in head):
        return False
    return bool(_TY_RE.search(head)) and bool(_ER_RE.search(text))


def records(text: str) -> Iterator[Record]:
    """Each TY ... ER record's (tag, value) pairs in order."""
    current: RecordBuilder | None = None
    for raw in text.split("\n"):
        line = raw.rstrip()
        match = _LINE_RE.match(line)
        if match:
            tag, value = match.group("tag"), (match.group("value") or "").strip()
            if tag == "TY":
                if current:
                    yield current.record()
                current = RecordBuilder()
                current.add(tag, value)
            elif current is not None:
                if tag == "ER":
                    yield current.record()
                    current = None
                else:
                    current.add(tag, value)
        elif current and line.strip():
            current.continue_value(line)
    if current:
        yield current.record()


def _pmid(record: Record) -> str | None:
    database = " ".join(values(record, "DB", "DP")).lower()
    for value in values(record, "AN"):
        match = _PMID_VALUE_RE.match(value)
        if match and ("pubmed" in database or "medline" in database or value.lower().startswith("pmid")):
            return match.group(1)
    for value in values(record, "UR", "L1", "L2"):
        match = _PUBMED_URL_RE.search(value)
        if match:
            return match.group(1)
    return None


def _doi(record: Record) -> str | None:
    for value in values(record, "DO", "UR", "L1", "L2", "M3"):
        match = DOI_RE.search(value)
        if match:
            return clean_doi(match.group(0))
    return None


def _pages(record: Record) -> str | None:
    start, end = first(record, "SP"), first(record, "EP")
    if start and end and end != start and "-" not in start:
        return f"{start}-{end}"
    return start or end


def parse_record(path: str, sha256: str, record: Record) -> Document:
    title = collapse(first(record, "TI", "T1", "CT", "BT", "ST") or "")
    abstract = collapse(" ".join(values(record, "AB") or values(record, "N2")))
    text, sections = article_text(title, split_inline_labels(abstract))
    if not text.strip():
        return skipped(path, sha256, FORMAT, "RIS record without title or abstract")
    fields: dict[str, Any] = {
        "title": title,
        "authors": tuple(values(record, "AU", "A1")),
        "journal": first(record, "JO", "JF", "T2", "JA", "J2"),
        "year": next((y for v in values(record, "PY", "Y1", "DA") if (y := year_of(v))), None),
        "volume": first(record, "VL", "VO"),
        "issue": first(record, "IS"),
        "pages": _pages(record),
        "doi": _doi(record),
        "pmid": _pmid(record),
        "language": first(record, "LA"),
    }
    nct_ids = list(dict.fromkeys(m.group(0) for m in NCT_RE.finditer(f"{title} {abstract}")))
    if nct_ids:
        fields["nct_id"] = nct_ids[0]
        fields["other_ids"] = tuple(nct_ids[1:])
    return document(path, sha256, FORMAT, text, fields, sections)


def read(path: str, sha256: str, text: str) -> list[Document]:
    return read_capped(path, sha256, FORMAT, records(text), parse_record)
