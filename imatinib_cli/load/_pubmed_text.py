"""Parse PubMed abstract pages saved as text (current and legacy site) and PubMed text exports.

The shapes share a citation line, a title, authors, affiliations, an abstract and a footer of
identifiers and index terms; they differ in what surrounds the abstract. The parser finds the
abstract by structure: after an "Abstract" heading (current site) or after the title/author/
affiliation block (legacy page, text export), up to the first footer cue.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from imatinib_cli.load._biblio import (
    CITATION_RE,
    PMID_LINES,
    abstract_sections,
    author_list,
    clean_doi,
    find_doi,
    is_publication_type,
    parse_citation,
    publication_type_lines,
)
from imatinib_cli.load._text import TITLE, Line, LineStartPattern, collapse, first_line_at, span, start_of
from imatinib_cli.models import Section

# How far from the top the citation line may sit (site chrome comes first on saved pages).
PREAMBLE_LINES = 120

ID_LINE_RE = re.compile(
    r"^\s*(?:doi:|DOI:|Epub\b|PMID:|PMCID:|Free (?:PMC )?article|eCollection\b|Online ahead of print"
    r"|Published online|10\.\d{4,9}/)",
    re.I,
)
_AFFIL_HEADINGS = r"(?:Author information|Author affiliations?|Affiliations?)"
AFFIL_HEAD_RE = re.compile(rf"^\s*{_AFFIL_HEADINGS}(?:\s*:\s*(?P<rest>.*?)|\s*)$", re.I)
# The same line pattern over a whole text, as _ABSTRACT_HEAD_LINES below.
_AFFIL_HEAD_LINES = LineStartPattern(
    rf"[^\S\n]*{_AFFIL_HEADINGS}(?:[^\S\n]*:[^\S\n]*(?P<rest>.*?)|[^\S\n]*)$", re.I | re.M
)
AFFIL_NUM_RE = re.compile(r"^\(?\d{1,3}\)?\s*\S")
COMMENT_HEAD_RE = re.compile(
    r"^\s*(?:Comment (?:in|on)|Erratum (?:in|for)|Update (?:in|of)|Retraction (?:in|of)"
    r"|Republished (?:in|from)|Retracted and republished (?:in|from)|Corrected and republished (?:in|from)"
    r"|Expression of concern (?:in|for)"
    r"|Collaborators|Investigators)\s*(?::\s*)?$",
    re.I,
)
ABSTRACT_HEAD_RE = re.compile(r"^\s*Abstract\s*(?::\s*)?$", re.I)
# The same line patterns over a whole text (a line's `\s` is a space other than a newline), to find
# the first line they match with first_line_at.
_ABSTRACT_HEAD_LINES = LineStartPattern(r"[^\S\n]*Abstract[^\S\n]*(?::[^\S\n]*)?$", re.I | re.M)
# Case-sensitive and mostly whole-line, because a wrapped abstract line can start with "loading
# dose" or "cited by"; these cues are the pages' own capitalized headings and links.
FOOTER_RE = re.compile(
    r"^\s*(?:\[Indexed for MEDLINE\]|PMID:|PMCID:|DOI:|Copyright\b|\u00a9|\([cC]\)\s*(?:19|20)\d\d"
    r"|Publication [Tt]ypes?\b|MeSH [Tt]erms\b|Substances\s*$|Grant support\b|Grants and funding\s*$"
    r"|Supplemental Content\s*$|Full [Tt]ext [Ll]inks\s*$|LinkOut\b|Similar articles\s*$"
    r"|Cited by(?:\s+\d+\s+articles?)?\s*$|Related information\s*$|(?:Keywords?|KEYWORDS?):"
    r"|Conflict of interest statement|PubMed Disclaimer\s*$|References\s*$|Figures\s*$"
    r"|Supplementary info|Associated data\s*$|Free full text\b|Icon for\b|Loading\s*(?:\.\.\.|\u2026)?\s*$"
    r"|Support Center\s*$|Secondary Source ID\b|Show all \d+ references|Full text sources\s*$"
    r"|Other Literature Sources\s*$|Molecular Biology Databases\s*$|Research Materials\s*$)"
)
# A line whose stripped text starts "doi:" in any case (`stripped[:4].lower() == "doi:"`: no
# letter but "D"/"d", "O"/"o", "I"/"i" lowers to "d", "o", "i"; "İ" lowers to two characters),
# tried from the line of the first colon on.
_DOI_LINES = LineStartPattern(r"[^\S\n]*[dD][oO][iI]:", re.M, literal=":")
PUBTYPES_HEAD_RE = re.compile(r"^\s*Publication types?\s*(?::\s*)?$", re.I)
_PUBTYPES_HEAD_LINES = LineStartPattern(r"[^\S\n]*Publication types?[^\S\n]*(?::[^\S\n]*)?$", re.I | re.M)
_LIST_END_RE = re.compile(
    r"^\s*(?:MeSH terms|Substances|Grant support|Grants and funding|Related information|LinkOut"
    r"|Secondary Source ID|Full text sources|Cited by|Similar articles|Associated data|Supplementary info)\b",
    re.I,
)


def _any_of(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern whose `match` finds a match wherever one of patterns' does (an alternation of
    them, each with its own case blindness as a scoped flag): one call a line, not one a pattern.

    >>> bool(_any_of(re.compile("^a$", re.I), re.compile("^b")).match("A"))
    True
    """
    for pattern in patterns:
        if pattern.flags & ~(re.I | re.U):  # only case blindness is carried over
            raise ValueError(f"_any_of takes case blindness only: {pattern}")
    return re.compile("|".join(f"(?{'i' if p.flags & re.I else ''}:{p.pattern})" for p in patterns))


# A line that ends an abstract (`FOOTER_RE.match(line) or COMMENT_HEAD_RE.match(line)`).
_ABSTRACT_END_RE = _any_of(FOOTER_RE, COMMENT_HEAD_RE)
# A line that ends a list of publication types (`_LIST_END_RE.match(line) or PUBTYPES_HEAD_RE.match(line)`).
_PUBTYPES_END_RE = _any_of(_LIST_END_RE, PUBTYPES_HEAD_RE)
# A heading line (`_is_heading`), as the five patterns tried in turn.
_HEADING_RE = _any_of(AFFIL_HEAD_RE, COMMENT_HEAD_RE, ABSTRACT_HEAD_RE, FOOTER_RE, ID_LINE_RE)
ET_AL_RE = re.compile(r"^\s*(?P<author>\S.{1,80}?)\s+et al\.?(?:\s+(?P<journal>[^.\n]{2,120}?)\s*\.)?")
_SENTENCE_END = (".", "?", "!")


@dataclass
class Parsed:
    """What the parser found: metadata fields and sections (unclaimed text is boilerplate)."""

    fields: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    title_lines: list[Line] = field(default_factory=list)
    abstract_lines: list[Line] = field(default_factory=list)


def may_be_citation(line: str) -> bool:
    """The substring test before the citation pattern: a citation line holds a "." and a ";" or
    ":" ("Blood. 2004 Jan;103(1):1-5.")."""
    return "." in line and (";" in line or ":" in line)


def find_citation(lines: list[Line], limit: int = PREAMBLE_LINES) -> tuple[int, dict[str, Any]] | None:
    """Index and fields of the first NLM citation line near the top. may_be_citation's test is
    written out here, not called for each of the ~27 lines above a page's abstract."""
    for index, line in enumerate(lines[:limit]):
        text = line.text
        if "." in text and (";" in text or ":" in text):  # may_be_citation(text)
            fields = parse_citation(text)
            if fields:
                return index, fields
    return None


def _after_citation(lines: list[Line], citation: int, stop: int) -> int:
    """First line after the citation, its wrapped tail ("Epub 2006 Oct\n2.") and id lines."""
    index = citation + 1
    while index < stop and not lines[index].blank and not lines[index - 1].stripped.endswith("."):
        index += 1
    while index < stop and (lines[index].blank or ID_LINE_RE.match(lines[index].text)):
        index += 1
    return index


def _next_nonblank(lines: list[Line], index: int) -> int:
    while index < len(lines) and lines[index].blank:
        index += 1
    return index


def _is_heading(text: str) -> bool:
    return _HEADING_RE.match(text) is not None


def _title_end(lines: list[Line], start: int) -> int:
    """Last line index of a title starting at `start` (titles wrap in text exports)."""
    end = start
    while end + 1 < len(lines):
        current = lines[end].stripped
        following = lines[end + 1]
        if current.endswith(_SENTENCE_END) or following.blank:
            break
        text = following.stripped
        if _is_heading(text) or is_publication_type(text) or author_list(text) or ET_AL_RE.match(text):
            break
        end += 1
    return end


def _skip_affiliations(lines: list[Line], index: int) -> int:
    """Index after an "Author information" block: heading, then one paragraph of affiliations."""
    match = AFFIL_HEAD_RE.match(lines[index].text)
    previous = (match.group("rest") or "").strip() if match else ""
    index += 1
    first = not previous
    if first:
        index = _next_nonblank(lines, index)
    while index < len(lines) and not lines[index].blank:
        text = lines[index].stripped
        if ABSTRACT_HEAD_RE.match(text) or FOOTER_RE.match(text) or COMMENT_HEAD_RE.match(text):
            break
        if not (first or AFFIL_NUM_RE.match(text) or not previous.endswith((".", ";"))):
            break
        previous, first = text, False
        index += 1
    return index


def _skip_comment_block(lines: list[Line], index: int) -> int:
    """Index after a "Comment in" style block (heading plus its citation lines)."""
    index += 1
    if index < len(lines) and lines[index].blank:
        following = _next_nonblank(lines, index)
        if following < len(lines) and CITATION_RE.match(lines[following].text):
            index = following
    while index < len(lines) and not lines[index].blank:
        index += 1
    return index


def _publication_types_footer(lines: list[Line], start: int, text: str | None = None) -> list[str]:
    """The items of every "Publication types" list in lines[start:]; given the text the lines are
    of, each heading is found by one search over it (the lines before it hold no heading)."""
    out: list[str] = []
    index = _pubtypes_head(lines, start, text)
    while index < len(lines):
        index += 1
        while index < len(lines):
            item = lines[index].text.strip()
            if item:
                if _PUBTYPES_END_RE.match(item) or len(item) > 80:
                    break
                out.append(item.rstrip("."))
            index += 1
        index = _pubtypes_head(lines, index, text)  # the line that ended the list may head another
    return out


def _pubtypes_head(lines: list[Line], index: int, text: str | None) -> int:
    """Index of the first "Publication types" heading in lines[index:], else len(lines)."""
    if text is not None:
        return first_line_at(text, lines, index, _PUBTYPES_HEAD_LINES)
    while index < len(lines) and not PUBTYPES_HEAD_RE.match(lines[index].text):
        index += 1
    return index


def _add_publication_types(fields: dict[str, Any], found: list[str]) -> None:
    seen = list(fields.get("publication_types", ()))
    for item in found:
        if item not in seen:
            seen.append(item)
    if seen:
        fields["publication_types"] = tuple(seen)


def _citation_doi(lines: list[Line], citation: int, title: int) -> str | None:
    """A "doi:" continuing the citation line, before the title starts."""
    chunk = " ".join([line.stripped for line in lines[citation:title]])
    return find_doi(chunk)


def _doi_pmid_lines(text: str, lines: list[Line], fields: dict[str, Any], start: int) -> None:
    if not lines or start >= len(lines):
        return
    region_start, region_end = lines[start].start, lines[-1].end
    if "pmid" not in fields:
        match = PMID_LINES.search(text, region_start, region_end)
        if match:
            fields["pmid"] = match.group(1)
    if "doi" not in fields:
        index = first_line_at(text, lines, start, _DOI_LINES)
        while index < len(lines):
            doi = find_doi(lines[index].stripped)
            if doi:
                fields["doi"] = clean_doi(doi)
                break
            index = first_line_at(text, lines, index + 1, _DOI_LINES)


def parse_legacy(text: str, lines: list[Line]) -> Parsed:
    """Legacy PubMed page or PubMed text export: citation, title, authors, affiliations, abstract."""
    parsed = Parsed()
    found = find_citation(lines)
    if found is None:
        return parsed
    citation, fields = found
    parsed.fields.update(fields)
    index = _after_citation(lines, citation, len(lines))
    if index >= len(lines):
        return parsed
    title_end = _title_end(lines, index)
    parsed.title_lines = lines[index : title_end + 1]
    parsed.fields["title"] = collapse(" ".join([line.text for line in parsed.title_lines]))
    if "doi" not in parsed.fields:
        doi = _citation_doi(lines, citation, index)
        if doi:
            parsed.fields["doi"] = doi

    index = _next_nonblank(lines, title_end + 1)
    paragraph_end = index
    while paragraph_end < len(lines) and not lines[paragraph_end].blank:
        if paragraph_end > index and _is_heading(lines[paragraph_end].text):
            break
        paragraph_end += 1
    authors = author_list(" ".join([line.text for line in lines[index:paragraph_end]]))
    if authors and not _is_heading(lines[index].text):
        parsed.fields["authors"] = authors
        index = paragraph_end

    in_abstract = False
    abstract: list[Line] = []
    while index < len(lines):
        line = lines[index]
        stripped = line.stripped
        if not in_abstract:
            if not stripped or ID_LINE_RE.match(stripped) or is_publication_type(stripped):
                index += 1
            elif AFFIL_HEAD_RE.match(stripped):
                index = _skip_affiliations(lines, index)
            elif COMMENT_HEAD_RE.match(stripped):
                index = _skip_comment_block(lines, index)
            elif ABSTRACT_HEAD_RE.match(stripped):
                in_abstract = True
                index += 1
            elif FOOTER_RE.match(stripped):
                break
            else:
                in_abstract = True
            continue
        if stripped and _ABSTRACT_END_RE.match(stripped):
            break
        abstract.append(line)
        index += 1
    parsed.abstract_lines = abstract
    _finish(text, lines, parsed, index)
    return parsed


def parse_current(text: str, lines: list[Line]) -> Parsed:
    """Current PubMed page saved as text: chrome, citation, title (twice), "Abstract", footer."""
    parsed = Parsed()
    head = first_line_at(text, lines, 0, _ABSTRACT_HEAD_LINES)
    found = find_citation(lines[:head])
    title_index: int | None = None
    if found is not None:
        citation, fields = found
        parsed.fields.update(fields)
        if "journal" not in fields:
            previous = citation - 1
            while previous >= 0 and lines[previous].blank:
                previous -= 1
            if previous >= 0 and _journal_like(lines[previous].stripped):
                parsed.fields["journal"] = lines[previous].stripped
        index = _after_citation(lines, citation, head)
        if index < head:
            title_index = index
            if "doi" not in parsed.fields:
                doi = _citation_doi(lines, citation, index)
                if doi:
                    parsed.fields["doi"] = doi
    else:
        # one search over the lines before the abstract, not a match a line
        affiliations = first_line_at(text, lines[:head], 0, _AFFIL_HEAD_LINES)
        if affiliations < head:
            index = affiliations - 1
            while index >= 0 and (lines[index].blank or author_list(lines[index].text)):
                index -= 1
            if index >= 0:
                title_index = index
    if title_index is not None:
        title_end = _title_end(lines, title_index)
        parsed.title_lines = lines[title_index : title_end + 1]
        parsed.fields["title"] = collapse(" ".join([line.text for line in parsed.title_lines]))

    _current_preamble(text, lines[:head], parsed)
    end = len(lines)
    for index in range(head + 1, end):  # the abstract runs to its first footer or "Comment in" line
        stripped = lines[index].text.strip()
        if stripped and _ABSTRACT_END_RE.match(stripped):
            end = index
            break
    parsed.abstract_lines = lines[head + 1 : end]
    _finish(text, lines, parsed, 0)
    return parsed


def _journal_like(value: str) -> bool:
    """A journal abbreviation standing alone on the line before the citation date."""
    words = value.split()
    return (
        0 < len(words) <= 10
        and len(value) <= 100
        and not value.endswith((".", ":"))
        and not is_publication_type(value)
        and all(word[0].isupper() or word in {"of", "and", "the", "for", "in", "&"} for word in words)
    )


def _current_preamble(text: str, lines: list[Line], parsed: Parsed) -> None:
    """Publication-type badges, authors and the "Author et al. Journal." card above the abstract
    (lines are text's first lines)."""
    title = parsed.fields.get("title")
    _add_publication_types(parsed.fields, publication_type_lines(lines, text))
    # Only a line that holds the title's first word (collapse(line) == title: the same words) or
    # "et al" can do anything below: those lines are found by `find` over the text (~4 of a
    # preamble's ~27 lines), and only they are read, in order.
    cues = ["et al", *(title.split()[:1] if title else ())]
    for index in _lines_holding(text, lines, cues):
        line = lines[index]
        # collapse never lengthens a line: a shorter line cannot be the title (most are shorter).
        if (
            title
            and "authors" not in parsed.fields
            and len(line.text) >= len(title)
            and collapse(line.text) == title
        ):
            following = _next_nonblank(lines, index + 1)
            if following < len(lines) and not _is_heading(lines[following].text):
                authors = author_list(lines[following].text)
                if authors:
                    parsed.fields["authors"] = authors
        # ET_AL_RE holds the literal "et al" (case-sensitive): a line without it cannot match.
        card = ET_AL_RE.match(line.text) if "et al" in line.text else None
        if card and "." not in card.group("author") and author_list(card.group("author")):
            if "authors" not in parsed.fields:
                parsed.fields["authors"] = (collapse(card.group("author")),)
            if "journal" not in parsed.fields and card.group("journal"):
                parsed.fields["journal"] = collapse(card.group("journal"))


def _lines_holding(text: str, lines: list[Line], words: list[str]) -> list[int]:
    """Indices of the lines that hold one of words (none holds a newline), in order; lines are
    consecutive lines of text as split_lines gives them (else every index)."""
    if not lines:
        return []
    begin, stop = lines[0].start, lines[-1].end
    if begin > 0 and text[begin - 1] != "\n":
        return list(range(len(lines)))
    found: set[int] = set()
    for word in words:
        at = text.find(word, begin, stop)
        while at >= 0:
            index = bisect_right(lines, at, key=start_of) - 1
            found.add(index)
            at = text.find(word, lines[index].end, stop)  # on from the next line
    return sorted(found)


def _finish(text: str, lines: list[Line], parsed: Parsed, id_start: int) -> None:
    _doi_pmid_lines(text, lines, parsed.fields, id_start)
    _add_publication_types(parsed.fields, _publication_types_footer(lines, 0, text))
    if "doi" in parsed.fields:
        parsed.fields["doi"] = clean_doi(parsed.fields["doi"])
    sections: list[Section] = []
    if parsed.title_lines:
        sections.append(span(TITLE, parsed.title_lines[0].start, parsed.title_lines[-1].end))
    sections.extend(abstract_sections(parsed.abstract_lines))
    parsed.sections = sections
