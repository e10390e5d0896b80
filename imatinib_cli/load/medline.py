"""Reader for MEDLINE / .nbib tagged text (PubMed's "MEDLINE" export), one or many records.

A record is "TAG - value" lines (the tag left-aligned in four columns: "PMID- ", "TI  - "), values
continued on lines indented by six spaces, records separated by blank lines. Each record becomes one
Document whose text is the title and the abstract, the abstract split at its inline labels
("PURPOSE: ... METHODS: ..."). Tags read: PMID, TI, AB, AU (FAU when AU is absent), CN, TA / JT,
DP, VI, IP, PG, LID / AID "[doi]", PT, LA, SI "ClinicalTrials.gov/NCT...", SO (citation fallback).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from imatinib_cli.load._biblio import NCT_RE, clean_doi, parse_cit_tail, year_of
from imatinib_cli.load._build import document, read_capped, skipped
from imatinib_cli.load._render import article_text, split_inline_labels
from imatinib_cli.load._tagged import Record, RecordBuilder, first, values
from imatinib_cli.load._text import collapse
from imatinib_cli.load.pubmed_xml import phase_from_types
from imatinib_cli.models import Document

FORMAT = "medline"

_TAG_RE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{1,3}) {0,3}- ?(?P<value>.*)$")
_PMID_RE = re.compile(r"^PMID- ?\d+", re.M)
_OTHER_TAG_RE = re.compile(r"^(?:TI|AB|AU|FAU|DP|PT|TA|SO|OWN|STAT) {0,2}- ", re.M)
_CONTINUATION = "      "
_SNIFF_CHARS = 4000
_DOI_ID_RE = re.compile(r"^(?P<doi>10\.\d{4,9}/\S+)\s*\[doi\]", re.I)


def sniff(text: str) -> bool:
    head = text[:_SNIFF_CHARS]
    opening = head.lstrip()
    return opening.startswith("PMID-") and bool(_PMID_RE.search(head)) and bool(_OTHER_TAG_RE.search(head))


def records(text: str) -> Iterator[Record]:
    """Each record's (tag, value) pairs, continuation lines joined to their value."""
    current = RecordBuilder()
    for line in text.split("\n"):
        if not line.strip():
            if current:
                yield current.record()
                current = RecordBuilder()
            continue
        match = _TAG_RE.match(line)
        if match and not line.startswith(" "):
            current.add(match.group("tag"), match.group("value").strip())
        elif current and (line.startswith(_CONTINUATION) or line.startswith("\t") or line[:1] == " "):
            current.continue_value(line)
    if current:
        yield current.record()


def _doi(record: Record) -> str | None:
    for value in values(record, "LID", "AID"):
        match = _DOI_ID_RE.match(value)
        if match:
            return clean_doi(match.group("doi"))
    return None


def _nct_ids(record: Record, abstract: str) -> list[str]:
    found: list[str] = []
    for value in values(record, "SI"):
        if value.lower().startswith("clinicaltrials.gov"):
            found.extend(m.group(0) for m in NCT_RE.finditer(value.upper()))
    found.extend(m.group(0) for m in NCT_RE.finditer(abstract))
    return list(dict.fromkeys(found))


def parse_record(path: str, sha256: str, record: Record) -> Document:
    title = collapse(first(record, "TI") or "")
    abstract = collapse(" ".join(values(record, "AB")))
    text, sections = article_text(title, split_inline_labels(abstract))
    if not text.strip():
        return skipped(path, sha256, FORMAT, "MEDLINE record without title or abstract")
    authors = values(record, "AU") or values(record, "FAU")
    types = tuple(values(record, "PT"))
    fields: dict[str, Any] = {
        "title": title,
        "pmid": first(record, "PMID"),
        "authors": tuple(authors) + tuple(values(record, "CN")),
        "journal": first(record, "TA", "JT"),
        "volume": first(record, "VI"),
        "issue": first(record, "IP"),
        "pages": first(record, "PG"),
        "year": year_of(first(record, "DP") or ""),
        "doi": _doi(record),
        "language": first(record, "LA"),
        "publication_types": types,
    }
    source = first(record, "SO")
    if source:
        for key, value in parse_cit_tail(source).items():
            if not fields.get(key):
                fields[key] = value
    fields["phase"] = phase_from_types(types)
    nct_ids = _nct_ids(record, abstract)
    if nct_ids:
        fields["nct_id"] = nct_ids[0]
        fields["other_ids"] = tuple(nct_ids[1:])
    return document(path, sha256, FORMAT, text, fields, sections)


def read(path: str, sha256: str, text: str) -> list[Document]:
    found = (record for record in records(text) if any(tag == "PMID" for tag, _ in record))
    return read_capped(path, sha256, FORMAT, found, parse_record)
