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
    clean_doi,
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
# Values (scalars, lists, mappings) front matter may hold once its aliases are expanded.
MAX_FRONT_MATTER_NODES = 10_000
_MAX_DETAIL = 160
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_TAG_RE = re.compile(r"for the tag '([^']+)'")
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
_PMID_VALUE_RE = re.compile(r"^\s*(?:PMID\s*:?\s*)?(\d{1,9})\s*$", re.I)
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


def _expanded_size(root: Any, limit: int) -> int:
    """How many nodes the YAML graph holds once every alias is expanded (stops above limit).

    Counted over the composed node graph, memoized per node, so a billion-laughs document of a few
    hundred bytes is measured in a few steps instead of being expanded.
    """
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done and id(node) in open_nodes:
            return limit + 1  # a node that contains itself: endless once expanded
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [item for pair in node.value for item in pair]
        else:
            sizes[id(node)] = 1
            continue
        if children_done:
            sizes[id(node)] = min(limit + 1, 1 + sum(sizes[id(child)] for child in children))
        else:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _refused_tag(problem: str) -> str | None:
    match = _TAG_RE.search(problem)
    if not match:
        return None
    tag = match.group(1)
    return "!!" + tag[len(_YAML_TAG_PREFIX) :] if tag.startswith(_YAML_TAG_PREFIX) else tag


def _load_yaml(source: str) -> tuple[dict[str, Any], str | None]:
    """The front matter as a dict, and why it was ignored (None when it was read).

    Only yaml.SafeLoader is used, exactly as yaml.safe_load does (get_single_node, then
    construct_document), with one step between the two: the composed graph is measured, and a
    graph whose aliases expand beyond MAX_FRONT_MATTER_NODES values (an alias bomb) is refused
    before anything is constructed. Tags such as !!python/object/apply are never constructed:
    SafeLoader has no constructor for them and the front matter is ignored with that reason.
    """
    import yaml

    loader = None
    try:
        loader = yaml.SafeLoader(source)  # its reader refuses control characters: a YAMLError
        node = loader.get_single_node()
        if node is None:
            return {}, None
        if _expanded_size(node, MAX_FRONT_MATTER_NODES) > MAX_FRONT_MATTER_NODES:
            return {}, (
                f"YAML front matter ignored: its aliases expand to more than {MAX_FRONT_MATTER_NODES} "
                "values (an alias bomb)"
            )
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        tag = _refused_tag(str(exc.problem or exc))
        if tag:
            return {}, (
                f"YAML front matter ignored: the tag {tag} is not allowed (only plain YAML values are read; "
                "nothing in a document is executed)"
            )
        return {}, f"YAML front matter ignored: {_yaml_detail(exc)}"
    except yaml.YAMLError as exc:
        return {}, f"YAML front matter ignored: malformed YAML ({_yaml_detail(exc)})"
    except RecursionError:
        return {}, "YAML front matter ignored: nested too deeply"
    except (ValueError, TypeError, OverflowError) as exc:
        return {}, f"YAML front matter ignored: {collapse(str(exc))[:_MAX_DETAIL] or type(exc).__name__}"
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        return {}, "YAML front matter ignored: not a mapping of keys to values"
    return data, None


def _yaml_detail(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    detail = collapse(str(problem)) if problem else collapse(str(exc))
    if mark is not None:
        detail = f"line {mark.line + 1}: {detail}"
    return detail[:_MAX_DETAIL]


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


def _front_matter_fields(data: dict[str, Any]) -> dict[str, Any]:
    keyed = {str(key).strip().lower().replace("-", "_"): value for key, value in data.items()}
    fields: dict[str, Any] = {}
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
        fields["doi"] = doi if doi else clean_doi(fields["doi"])
    if "pmid" in fields:
        match = _PMID_VALUE_RE.match(fields["pmid"])
        fields["pmid"] = match.group(1) if match else fields["pmid"]
    if "phase" in fields:
        phase = normalize_phase(fields["phase"]) or normalize_phase("phase " + fields["phase"])
        fields["phase"] = phase
    if "nct_id" in fields:
        match = NCT_RE.search(fields["nct_id"].upper())
        fields["nct_id"] = match.group(0) if match else None
    return fields


def _reference(value: str, fields: dict[str, Any]) -> None:
    """ "PMID:12181401", "DOI:10.x/y" or "NCT01234567" in a reference_id style key."""
    match = _REFERENCE_PREFIX_RE.match(value)
    scheme, rest = (match.group("scheme").upper(), match.group("value").strip()) if match else ("", value)
    if scheme == "PMID" and rest.isdigit():
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
            fields = _front_matter_fields(data)
        else:
            problem = f"YAML front matter ignored: longer than {MAX_FRONT_MATTER_CHARS // 1024} KiB"
    sections = _body(text, lines[body_start:], fields)
    result = document(path, sha256, FORMAT, text, fields, sections)
    return replace(result, reason=problem) if problem else result
