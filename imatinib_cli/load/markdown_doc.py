"""Reader for Markdown whose YAML front matter holds the bibliographic record.

The front matter is parsed with yaml.SafeLoader only (as yaml.safe_load does; capped in size and in
the values its aliases expand to, scalars only; refused front matter is a warning in the
Document's reason, the body is still read) and wins over
what the body says. The body's "# Title" line is the title; "**Label:** value" lines under it are
a citation header (boilerplate); the content below is the abstract. When the content is a PubMed
text export, that export's own citation, authors and footer are parsed and kept out of it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import replace
from typing import Any

from imatinib_cli.load._biblio import (
    NCT_RE,
    abstract_sections,
    find_doi,
    normalize_phase,
    year_of,
)
from imatinib_cli.load._build import document
from imatinib_cli.load._pubmed_text import find_citation, parse_legacy
from imatinib_cli.load._text import (
    ABSTRACT,
    BODY,
    BOILERPLATE,
    ELIGIBILITY,
    RESULTS,
    TITLE,
    Line,
    collapse,
    span,
    split_lines,
)
from imatinib_cli.models import Document, Section

FORMAT = "markdown"

MAX_FRONT_MATTER_CHARS = 64 * 1024
# Values (scalars, lists, mappings) that aliases may add to front matter once expanded (the values
# written count nothing: the size cap above bounds them).
MAX_FRONT_MATTER_NODES = 10_000
_MAX_VALUE_CHARS = 2000
_MAX_LIST_ITEMS = 2000
_DELIMITERS = ("---", "...")
_KEY_LINE_RE = re.compile(r"^[A-Za-z_][\w .-]{0,60}:(?:\s|$)", re.M)
_H1_RE = re.compile(r"^[ \t]{0,3}#[ \t]+(?P<text>.*?)[ \t#]*$")
_HEADING_RE = re.compile(r"^[ \t]{0,3}#{2,6}[ \t]+(?P<text>.*?)[ \t#]*$")
_FIELD_LINE_RE = re.compile(
    r"^[ \t]*(?:[-*][ \t]+)?\*\*(?P<label>[^*\n]{1,40}?)[ \t]*:?[ \t]*\*\*[ \t]*:?[ \t]*(?P<value>.*)$"
)
_TRAILING_YEAR_RE = re.compile(r"\s*\((?P<year>(?:1[89]|20)\d{2})\)\s*$")
_PMID_VALUE_RE = re.compile(r"^\s*(?:PMID\s*(?::\s*)?)?([0-9]{1,9})\s*$", re.I)
_REFERENCE_PREFIX_RE = re.compile(r"^\s*(?P<scheme>PMID|DOI|NCT|PMC|PMCID)\s*:\s*(?P<value>\S.*)$", re.I)

_ABSTRACT_HEADINGS_RE = re.compile(r"^(?:abstract|summary|content|contents|text|synopsis)\b", re.I)
_RESULTS_HEADINGS_RE = re.compile(r"^(?:results?|findings)\b", re.I)
_ELIGIBILITY_HEADINGS_RE = re.compile(r"eligibility|inclusion criteria|exclusion criteria", re.I)
_BOILERPLATE_HEADINGS_RE = re.compile(
    r"^(?:references|bibliography|acknowledg|funding|disclosures?|conflicts? of interest|competing interests"
    r"|author information|affiliations|copyright|licen[cs]e|citation|keywords|links|metadata|notes?\b"
    r"|supplementary|data availability)",
    re.I,
)
# Front-matter keys (lower case, "-" read as "_") for each Metadata field.
_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "authors": ("authors", "author", "creators", "creator"),
    "journal": ("journal", "journal_title", "container_title", "source", "publication", "venue"),
    "year": ("year", "publication_year", "date", "published", "publication_date", "pubdate", "issued"),
    "volume": ("volume",),
    "issue": ("issue", "number"),
    "pages": ("pages", "page"),
    "doi": ("doi",),
    "pmid": ("pmid", "pubmed_id"),
    "nct_id": ("nct_id", "nct", "nctid", "nct_number"),
    "language": ("language", "lang"),
    "publication_types": ("publication_types", "publication_type", "pub_types"),
    "phase": ("phase",),
    "registry_status": ("registry_status", "overall_status", "recruitment_status"),
    "enrollment": ("enrollment",),
}
_REFERENCE_KEYS = ("reference_id", "id", "identifier", "identifiers")


def _closing_line(lines: list[Line]) -> int | None:
    if not lines or lines[0].text.rstrip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.text.rstrip() in _DELIMITERS:
            return index
    return None


def sniff(text: str) -> bool:
    """Front matter: a "---" first line, "key:" lines, and a closing delimiter, all near the top."""
    if not text.startswith("---"):
        return False
    head = split_lines(text[: MAX_FRONT_MATTER_CHARS + 8])
    close = _closing_line(head)
    if close is None or close < 2:
        return False
    return bool(_KEY_LINE_RE.search(text, head[1].start, head[close].start))


def _load_yaml(source: str) -> tuple[dict[str, Any], str | None]:
    """The front matter as a dict, and why it was ignored (None when it was read).

    Read by imatinib_cli.safe_yaml: SafeLoader only, as yaml.safe_load does, with the composed graph
    measured first, so front matter whose aliases add more than MAX_FRONT_MATTER_NODES values (an
    alias bomb) is refused before anything is constructed. A plain mapping with 10,000 keys has no
    alias and is read. Tags such as !!python/object/apply are never constructed.
    """
    from imatinib_cli.safe_yaml import YamlProblem, load

    try:
        data = load(source, max_expansion=MAX_FRONT_MATTER_NODES)
    except YamlProblem as problem:
        if problem.tag:
            return {}, (
                f"YAML front matter ignored: the tag {problem.tag} is not allowed (only plain YAML values "
                "are read; nothing in a document is executed)"
            )
        return {}, f"YAML front matter ignored: {problem.reason}"
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, "YAML front matter ignored: not a mapping of keys to values"
    return data, None


def _scalar(value: object) -> str | None:
    """Only plain values are used, so a crafted nested structure is never walked or printed."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float, _dt.date)):
        text = collapse(str(value))[:_MAX_VALUE_CHARS]
        return text or None
    return None


def _scalars(value: object) -> list[str]:
    if isinstance(value, list):
        items = (_scalar(item) for item in value[:_MAX_LIST_ITEMS])
        return [item for item in items if item]
    single = _scalar(value)
    if not single:
        return []
    separator = ";" if ";" in single else ","
    return [part.strip() for part in single.split(separator) if part.strip()]


def _front_matter_fields(data: dict[str, Any], notes: list[str] | None = None) -> dict[str, Any]:
    """Metadata fields from the front matter's keys (only the keys imx knows are looked at). An
    identifier that is not one ("pmid: .inf", "pmid: -5", "doi: n/a") is left out, with a note in
    `notes`, so it never becomes a study id such as PMID:inf."""
    keyed = {str(key).strip().lower().replace("-", "_"): value for key, value in data.items()}
    fields: dict[str, Any] = {}
    notes = [] if notes is None else notes
    for name, keys in _KEYS.items():
        value = next((keyed[key] for key in keys if key in keyed and keyed[key] is not None), None)
        if value is None:
            continue
        if name in ("authors", "publication_types"):
            items = _scalars(value)
            if items:
                fields[name] = tuple(items)
        elif name == "year":
            year = year_of(value) if isinstance(value, (int, _dt.date)) else year_of(_scalar(value))
            if year:
                fields["year"] = year
        elif name == "enrollment":
            text = _scalar(value)
            if text and text.replace(",", "").isascii() and text.replace(",", "").isdigit():
                fields["enrollment"] = int(text.replace(",", ""))
        else:
            text = _scalar(value)
            if text:
                fields[name] = text
    for key in _REFERENCE_KEYS:
        for reference in _scalars(keyed.get(key)):
            _reference(reference, fields)
    if "doi" in fields:
        doi = find_doi(fields["doi"])
        if doi is None:
            notes.append(f"front matter doi {_shown(fields.pop('doi'))} is not a DOI (10.x/y): not used")
        else:
            fields["doi"] = doi
    pmid_given = next((keyed[key] for key in _KEYS["pmid"] if keyed.get(key) is not None), None)
    if pmid_given is not None:
        match = _PMID_VALUE_RE.match(fields.get("pmid", "")) if isinstance(pmid_given, str | int) else None
        if match and not isinstance(pmid_given, bool) and int(match.group(1)) > 0:
            fields["pmid"] = match.group(1)
        else:
            fields.pop("pmid", None)
            notes.append(
                f"front matter pmid {_shown(pmid_given)} is not a PubMed ID (1 to 9 digits): not used"
            )
    if "phase" in fields:
        phase = normalize_phase(fields["phase"]) or normalize_phase("phase " + fields["phase"])
        fields["phase"] = phase
    if "nct_id" in fields:
        match = NCT_RE.search(fields["nct_id"].upper())
        fields["nct_id"] = match.group(0) if match else None
    return fields


def _shown(value: object) -> str:
    """A front-matter value as a warning quotes it: short, one line, quoted."""
    text = collapse(str(value)) if isinstance(value, str | int | float) else type(value).__name__
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def _reference(value: str, fields: dict[str, Any]) -> None:
    """ "PMID:12181401", "DOI:10.x/y" or "NCT01234567" in a reference_id style key."""
    match = _REFERENCE_PREFIX_RE.match(value)
    scheme, rest = (match.group("scheme").upper(), match.group("value").strip()) if match else ("", value)
    if scheme == "PMID" and _PMID_VALUE_RE.match(rest) and int(rest) > 0:
        fields.setdefault("pmid", rest)
    elif scheme == "DOI" or (not scheme and rest.startswith("10.")):
        doi = find_doi(rest)
        if doi:
            fields.setdefault("doi", doi)
    nct = NCT_RE.search(value.upper())
    if nct:
        fields.setdefault("nct_id", nct.group(0))


def _header_field(label: str, value: str, fields: dict[str, Any]) -> None:
    """Fallback metadata from the "**Journal:** N Engl J Med (2002)" lines under the title."""
    key = label.strip().lower()
    value = value.strip()
    if not value:
        return
    if key.startswith("author"):
        fields.setdefault(
            "authors", tuple(p.strip() for p in value.split(";" if ";" in value else ",") if p.strip())
        )
    elif key in ("journal", "source"):
        match = _TRAILING_YEAR_RE.search(value)
        if match:
            fields.setdefault("year", int(match.group("year")))
            value = value[: match.start()]
        fields.setdefault("journal", value.strip())
    elif key == "doi":
        doi = find_doi(value)
        if doi:
            fields.setdefault("doi", doi)
    elif key == "pmid":
        match = _PMID_VALUE_RE.match(value)
        if match:
            fields.setdefault("pmid", match.group(1))
    elif key == "year":
        year = year_of(value)
        if year:
            fields.setdefault("year", year)


def _region_kind(heading: str | None) -> str:
    if heading is None or _ABSTRACT_HEADINGS_RE.match(heading):
        return ABSTRACT
    if _RESULTS_HEADINGS_RE.match(heading):
        return RESULTS
    if _ELIGIBILITY_HEADINGS_RE.search(heading):
        return ELIGIBILITY
    if _BOILERPLATE_HEADINGS_RE.match(heading):
        return BOILERPLATE
    return BODY


def _body(text: str, lines: list[Line], fields: dict[str, Any]) -> list[Section]:
    """Sections of the Markdown body; fills `fields` from the header lines and any PubMed export."""
    sections: list[Section] = []
    index = 0
    while index < len(lines) and lines[index].blank:
        index += 1
    has_title = False
    if index < len(lines):
        match = _H1_RE.match(lines[index].text)
        if match and match.group("text"):
            line = lines[index]
            sections.append(span(TITLE, line.start + match.start("text"), line.start + match.end("text")))
            fields.setdefault("title", collapse(match.group("text")))
            has_title = True
            index += 1
    while index < len(lines):
        line = lines[index]
        match = _FIELD_LINE_RE.match(line.text)
        if match:
            _header_field(match.group("label"), match.group("value"), fields)
        elif not line.blank:
            break
        index += 1

    regions: list[tuple[str | None, list[Line]]] = []
    heading: str | None = None
    current: list[Line] = []
    for line in lines[index:]:
        match = _HEADING_RE.match(line.text)
        if match:
            regions.append((heading, current))
            heading, current = collapse(match.group("text")), []
        else:
            current.append(line)
    regions.append((heading, current))

    export_fields: dict[str, Any] = {}
    for heading, region in regions:
        if not region or all(line.blank for line in region):
            continue
        kind = _region_kind(heading)
        if kind in (ABSTRACT, BODY) and find_citation(region, limit=10) is not None:
            parsed = parse_legacy(text, region)
            if parsed.abstract_lines:
                for key, value in parsed.fields.items():
                    export_fields.setdefault(key, value)
                for section in parsed.sections:
                    if section.kind == TITLE:
                        kind_here = BOILERPLATE if has_title else TITLE
                        has_title = True
                        sections.append(span(kind_here, section.start, section.end))
                    else:
                        sections.append(section)
                continue
        if kind == ABSTRACT:
            sections.extend(abstract_sections(region))
        elif kind != BOILERPLATE:
            sections.append(span(kind, region[0].start, region[-1].end))
    for key, value in export_fields.items():
        fields.setdefault(key, value)
    return sections


def read(path: str, sha256: str, text: str) -> Document:
    lines = split_lines(text)
    close = _closing_line(lines[: text.count("\n", 0, MAX_FRONT_MATTER_CHARS) + 2])
    fields: dict[str, Any] = {}
    body_start = 0
    problem: str | None = None
    if close is not None:
        body_start = close + 1
        source = text[lines[1].start : lines[close].start] if close > 1 else ""
        if len(source) <= MAX_FRONT_MATTER_CHARS:
            data, problem = _load_yaml(source)
            notes: list[str] = []
            fields = _front_matter_fields(data, notes)
            problem = "; ".join(filter(None, [problem, *notes])) or None
        else:
            problem = f"YAML front matter ignored: longer than {MAX_FRONT_MATTER_CHARS // 1024} KiB"
    sections = _body(text, lines[body_start:], fields)
    result = document(path, sha256, FORMAT, text, fields, sections)
    return replace(result, reason=problem) if problem else result
