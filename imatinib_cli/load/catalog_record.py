"""Reader for a library catalog record (VuFind-style, German or English labels) saved as text.

Fields are "Label:value" lines ("Veröffentlicht in:", "Hauptverfasser:", "Zusammenfassung:",
"ISSN:", "DOI:"); a value runs on until the next label or heading. The teaser above "Ausführliche
Beschreibung" repeats the abstract truncated, so only the labelled summary is the abstract.
"""

from __future__ import annotations

import re
from typing import Any

from imatinib_cli.load._biblio import clean_doi, find_doi, year_of
from imatinib_cli.load._build import document
from imatinib_cli.load._text import (
    ABSTRACT,
    TITLE,
    Line,
    LineStartPattern,
    collapse,
    line_opening,
    span,
    split_lines,
)
from imatinib_cli.models import Document, Section

FORMAT = "catalog_record"

# Label as written (lower case) -> the field it fills. English equivalents sit beside the German.
_LABELS: dict[str, str] = {
    "veröffentlicht in": "published_in",
    "erschienen in": "published_in",
    "published in": "published_in",
    "hauptverfasser": "authors",
    "verfasser": "authors",
    "main author(s)": "authors",
    "main authors": "authors",
    "main author": "authors",
    "authors": "authors",
    "weitere verfasser": "other_authors",
    "other authors": "other_authors",
    "zusammenfassung": "abstract",
    "summary": "abstract",
    "abstract": "abstract",
    "issn": "issn",
    "isbn": "isbn",
    "doi": "doi",
    "pmid": "pmid",
    "sprache": "language",
    "language": "language",
    "format": "format",
    "medientyp": "format",
    "schlagworte": "subjects",
    "subjects": "subjects",
    "online-zugang": "online",
    "online access": "online",
    "gespeichert in": "saved_in",
    "saved in": "saved_in",
    "tags": "tags",
    "titel": "title",
    "title": "title",
    "umfang": "extent",
    "physical description": "extent",
    "anmerkungen": "notes",
    "notes": "notes",
    "körperschaft": "corporate",
    "corporate author": "corporate",
}
# Labels only a catalog record has; one of them must be present for the sniff to accept.
# ("Subjects:" and "Online:" are not among them: a labelled note can have them too.)
_STRONG = frozenset(("published_in", "saved_in"))
_STRONG_LABELS = frozenset(("hauptverfasser", "main author(s)", "main authors", "sprache", "schlagworte"))
_LABEL_ORDER = sorted(_LABELS, key=len, reverse=True)  # longest first, as the alternation tries them
_LABEL_BODY = r"[ \t]*(?P<label>" + "|".join(re.escape(label) for label in _LABEL_ORDER) + r")[ \t]*:[ \t]*"
_LABEL_RE = re.compile("^" + _LABEL_BODY, re.I | re.M)
_LABEL_LINES = LineStartPattern(_LABEL_BODY, re.I)  # the same matches, for the sniff of every file
# A sniff accepts only with a heading cue or a strong label matched at a line start, where this
# pattern of the strong labels alone matches too: without either, no label needs to be read.
# The lookahead, a case-sensitive set of every character a label's first letter matches
# case-blind, turns a line that cannot open a label away before the case-blind alternation is
# tried (~3.3 -> ~1.8 µs a PubMed page of ~55 lines).
_STRONG_WORDS = sorted({label for label, key in _LABELS.items() if key in _STRONG} | _STRONG_LABELS)
_STRONG_LINES = line_opening(_STRONG_WORDS, r"[ \t]*", r"[ \t]*:")
_HEADING_RE = re.compile(
    r"^[ \t]*(?:Ausführliche Beschreibung|Full description|Bibliographische Detailangaben"
    r"|Bibliographic Details|Beschreibung|Description|Keine Tags|No Tags"
    r"|Be the first to tag|Staff View|Ähnliche Einträge"
    r"|Similar Items|Exemplare|Holdings|Internformat|Details)\b[^:\n]*$",
    re.I,
)
_PUBLISHED_RE = re.compile(
    r"^(?P<journal>.*?)[\s,.;:]*(?P<year>(?:1[89]|20)\d{2})(?:[-/.]\d{1,2}){0,2}\b(?P<rest>.*)$"
)
_VOLUME_RE = re.compile(r"\b(?:Vol(?:ume)?|Jg|Bd|Band)\.?\s*(?P<value>[\w.]+?)\s*(?=[,(;]|\s|$)", re.I)
_ISSUE_RE = re.compile(r"\(\s*(?P<value>[^)]{1,20}?)\s*\)|\b(?:No|Nr|Heft|Issue)\.?\s*(?P<value2>\w+)", re.I)
_PAGES_RE = re.compile(r"(?:\bpp?\.|\bS\.|\bpages?)\s*(?P<value>\w+(?:\s*[-\u2013]\s*\w+)?)", re.I)
_BARE_CITATION_RE = re.compile(
    r"(?P<volume>\d+)\s*\((?P<issue>[^)]{1,20})\)\s*[:,]\s*(?P<pages>\d+(?:[-\u2013]\d+)?)"
)
_ROLE_RE = re.compile(r"\[[^\]]*\]|\((?:VerfasserIn|Verfasser|Hrsg\.?|Editor|Author)\)", re.I)


def _label_of(written: str) -> str:
    """The table's label for a label as a case-blind match found it: "Sprache" -> "sprache", and
    "ſprache" -> "sprache" ("ſ" is "s" to the match, not to str.lower; looking that up raised
    KeyError, which stopped the whole run)."""
    lowered = written.lower()
    if lowered in _LABELS:
        return lowered
    return next(label for label in _LABEL_ORDER if re.fullmatch(re.escape(label), written, re.I))


def _fields(lines: list[Line]) -> list[tuple[str, int, int]]:
    """(field, value start, value end) for every labelled value, continuation lines included."""
    out: list[tuple[str, int, int]] = []
    key: str | None = None
    start = end = 0
    for line in lines:
        match = _LABEL_RE.match(line.text)
        if match or _HEADING_RE.match(line.text) or (line.blank and key != "abstract"):
            if key is not None:
                out.append((key, start, end))
            key = None
            if match:
                key = _LABELS[_label_of(match.group("label"))]
                start, end = line.start + match.end(), line.end
        elif key is not None and not line.blank:
            end = line.end
    if key is not None:
        out.append((key, start, end))
    return out


def _has_heading_cue(text: str) -> bool:
    """Whether text holds a heading only a catalog record's page has: "Bibliographische
    Detailangaben", "Bibliographic Details", "Full description" or "Ausführliche Beschreibung".
    Read with fewer scans than a substring test for each (every file is sniffed): the two
    "Bibliographi..." cues only where that common prefix is (one scan for both), and "Ausführliche
    Beschreibung" only where a "ü" is (a memchr, not a substring search): ~2.2 -> ~1.0 µs a PubMed
    page. tests/test_speed_load2.py compares it with the substring tests (HEADING_CUES there)."""
    return (
        (
            "Bibliographi" in text
            and ("Bibliographische Detailangaben" in text or "Bibliographic Details" in text)
        )
        or "Full description" in text
        or ("ü" in text and "Ausführliche Beschreibung" in text)
    )


def sniff(text: str) -> bool:
    """At least three distinct catalog labels, one of which only a catalog record uses."""
    heading = _has_heading_cue(text)
    if not heading and _STRONG_LINES.search(text) is None:
        return False
    labels: set[str] = set()
    keys: set[str] = set()
    for match in _LABEL_LINES.finditer(text):  # every file is sniffed: stop as soon as it is enough
        label = _label_of(match.group("label"))
        labels.add(label)
        keys.add(_LABELS[label])
        if len(keys) >= 3 and (heading or keys & _STRONG or labels & _STRONG_LABELS):
            return True
    return False


def split_authors(value: str) -> tuple[str, ...]:
    """ "Demetri, George D, von Mehren, Margaret" -> ("Demetri, George D", "von Mehren, Margaret")."""
    text = collapse(_ROLE_RE.sub("", value)).strip(" ;,")
    if not text:
        return ()
    if ";" in text:
        return tuple(part.strip(" ,") for part in text.split(";") if part.strip(" ,"))
    parts = [part.strip() for part in text.split(",") if part.strip()]
    return tuple(", ".join(parts[i : i + 2]) for i in range(0, len(parts), 2))


def parse_published_in(value: str) -> dict[str, Any]:
    """Journal, year, volume, issue, pages from "The N Engl J Med 2002-08, Vol.347 (7), p.472-480"."""
    fields: dict[str, Any] = {}
    match = _PUBLISHED_RE.match(collapse(value))
    if not match:
        if value.strip():
            fields["journal"] = collapse(value)
        return fields
    journal = match.group("journal").strip(" ,.;:")
    if journal:
        fields["journal"] = journal
    fields["year"] = int(match.group("year"))
    rest = match.group("rest")
    volume = _VOLUME_RE.search(rest)
    if volume:
        fields["volume"] = volume.group("value").rstrip(".")
        issue = _ISSUE_RE.search(rest, volume.end())
        if issue:
            fields["issue"] = (issue.group("value") or issue.group("value2")).strip()
    pages = _PAGES_RE.search(rest)
    if pages:
        fields["pages"] = re.sub(r"\s+", "", pages.group("value"))
    if "volume" not in fields:
        bare = _BARE_CITATION_RE.search(rest)
        if bare:
            fields.update(
                volume=bare.group("volume"), issue=bare.group("issue").strip(), pages=bare.group("pages")
            )
    return fields


def _title_line(lines: list[Line]) -> Line | None:
    for line in lines:
        if line.blank:
            continue
        if _LABEL_RE.match(line.text) or _HEADING_RE.match(line.text):
            return None
        return line
    return None


def read(path: str, sha256: str, text: str) -> Document:
    lines = split_lines(text)
    values = _fields(lines)
    fields: dict[str, Any] = {}
    sections: list[Section] = []
    title = _title_line(lines)
    if title is not None:
        fields["title"] = collapse(title.text)
        sections.append(span(TITLE, title.start, title.end))
    authors: list[str] = []
    for key, start, end in values:
        value = text[start:end].strip()
        if not value:
            continue
        if key == "abstract":
            sections.append(span(ABSTRACT, start, end))
        elif key == "published_in" and "journal" not in fields:
            for name, item in parse_published_in(value).items():
                fields.setdefault(name, item)
        elif key in ("authors", "other_authors"):
            authors.extend(name for name in split_authors(value) if name not in authors)
        elif key == "title":
            fields.setdefault("title", collapse(value))
        elif key == "language":
            fields.setdefault("language", collapse(value))
        elif key == "doi":
            doi = find_doi(value)
            if doi:
                fields.setdefault("doi", clean_doi(doi))
        elif key == "pmid" and value.split()[0].isdigit():
            fields.setdefault("pmid", value.split()[0])
    if authors:
        fields["authors"] = tuple(authors)
    if "year" not in fields:
        for key, start, end in values:
            if key == "published_in":
                year = year_of(text[start:end])
                if year:
                    fields["year"] = year
    return document(path, sha256, FORMAT, text, fields, sections)
