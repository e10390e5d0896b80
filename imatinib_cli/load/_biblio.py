"""Bibliographic patterns shared by the readers: citation lines, identifiers, phases, authors.

Everything here recognizes how records are written (NLM citation lines, DOI syntax, author
lists), never what a particular record says.
"""

from __future__ import annotations

import datetime as _dt
import re
from itertools import repeat
from operator import itemgetter
from typing import Any

from imatinib_cli.load._text import ABSTRACT, Line, LineStartPattern, collapse, line_opening
from imatinib_cli.models import Section

# "Eur J Cancer. 2003 Sep;39(14):2006-11." / ". 2008 May 1;14(9):2717-25." (journal link lost) /
# "1. N Engl J Med. 2002 Aug 15;347(7):472-80. doi: ..." (PubMed text export, numbered).
# Each optional group is written "(?:X|)", not "(X)?" (the same matches: a greedy "?" tries X, then
# nothing, as the branch does): re allocates a repeat context for every "(...)?" it enters. The
# journal, which holds no "." and is followed by `[ \t]*\.`, is taken greedily and given back to
# its last character that is not a space or tab (the lookbehind), where a lazy `{0,150}?` tried the
# rest of the pattern after every character: the only end either can take is where the spaces
# before the line's first "." start. ~16,800 -> ~5,600 instructions a citation line
# (tests/test_speed_load_8b.py checks the pattern against the plain one).
# The year a citation line gives after the journal's full stop; pubmed_legacy_page's sniff searches
# for this piece alone before it tries the whole line.
_YEAR = r"(?:1[89]|20)\d{2}"
_STOP_BEFORE_YEAR = r"\.[ \t]*"
YEAR_AFTER_STOP = _STOP_BEFORE_YEAR + _YEAR
CITATION_RE = re.compile(
    r"^[ \t]*(?:\d{1,4}\.[ \t]+|)(?:(?P<journal>[^\W\d_][^.\n]{0,150}(?<![ \t]))|)[ \t]*"
    + _STOP_BEFORE_YEAR
    + rf"(?P<year>{_YEAR})"
    r"(?:[ \t]+(?P<month>[A-Z][a-z]{2,8}(?:[-/][A-Z][a-z]{2,8}|))(?:[ \t]+(?P<day>\d{1,2}(?:-\d{1,2}|))|)|)"
    r"[ \t]*(?P<sep>[;:])[ \t]*"
    r"(?:(?:(?P<volume>[^\s():;.]+)|)(?:[ \t]*\((?P<issue>[^)\n]{1,30})\)|)|)"
    r"(?:[ \t]*:[ \t]*(?P<pages>[A-Za-z]{0,2}\d+[A-Za-z]?(?:[-\u2013][A-Za-z]{0,2}\d+[A-Za-z]?|))|)"
    r"[ \t]*\.",
)
# The date;volume(issue):pages part alone, as in PubMed HTML's <span class="cit">.
CIT_TAIL_RE = re.compile(
    r"(?P<year>(?:1[89]|20)\d{2})(?:\s+[A-Z][a-z]{2,8}(?:[-/][A-Z][a-z]{2,8})?(?:\s+\d{1,2})?)?\s*;\s*"
    r"(?P<volume>[^\s():;.]+)?(?:\s*\((?P<issue>[^)]{1,30})\))?"
    r"(?:\s*:\s*(?P<pages>[A-Za-z]{0,2}\d+[A-Za-z]?(?:[-\u2013][A-Za-z]{0,2}\d+[A-Za-z]?)?))?"
)
DOI_RE = re.compile(r"\b10\.\d{4,9}/[^\s\"<>\]]+")
DOI_LABEL_RE = re.compile(r"\bdoi:\s*(10\.\d{4,9}/[^\s\"<>\]]+)", re.I)
# The same matches (group 1 the same DOI), each starting at its colon: a pattern that opens with a
# case-blind letter or `\b` is tried at every position (~9 µs an abstract), one that opens with ":"
# only where re's scan finds a colon, the "doi" before it read by the lookbehind (~0.5 µs).
_DOI_LABEL_AT_COLON_RE = re.compile(r":(?<=\bdoi:)\s*(10\.\d{4,9}/[^\s\"<>\]]+)", re.I)
PMID_LINE_RE = re.compile(r"^[ \t]*PMID:?[ \t]*(\d{1,9})\b", re.M)
# The same matches, found ~2x faster; tried only from the line of the first "PMID" (a page's is in
# its footer: ~30,000 -> ~20,000 instructions a PubMed page, ~56 line starts not tried).
PMID_LINES = LineStartPattern(PMID_LINE_RE.pattern[1:], literal="PMID")
NCT_RE = re.compile(r"\bNCT\d{8}\b")
YEAR_RE = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")
_PHASE_RE = re.compile(
    r"\b(?P<early>early\s+)?phase\s*(?P<a>[0-4]|IV|III|II|I)[ab]?"
    r"(?:(?:\s*(?:/|-|and|to|or)\s*(?:phase\s*)?|\s+phase\s*)(?P<b>[0-4]|IV|III|II|I)[ab]?)?\b",
    re.I,
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}

# PubMed publication types a saved page shows as a badge above the title.
PUBLICATION_TYPES = frozenset(
    t.lower()
    for t in (
        "Clinical Trial",
        "Clinical Trial, Phase I",
        "Clinical Trial, Phase II",
        "Clinical Trial, Phase III",
        "Clinical Trial, Phase IV",
        "Controlled Clinical Trial",
        "Randomized Controlled Trial",
        "Pragmatic Clinical Trial",
        "Multicenter Study",
        "Comparative Study",
        "Observational Study",
        "Validation Study",
        "Evaluation Study",
        "Case Reports",
        "Review",
        "Systematic Review",
        "Meta-Analysis",
        "Practice Guideline",
        "Guideline",
        "Letter",
        "Editorial",
        "Comment",
        "News",
        "Journal Article",
        "Clinical Study",
        "Equivalence Trial",
        "Adaptive Clinical Trial",
        "Published Erratum",
        "Retracted Publication",
        "Consensus Development Conference",
    )
)
# Where a badge can be: a line that opens with a type's name or "research support," (publication_type_lines).
_BADGE_LINES = line_opening(PUBLICATION_TYPES | {"research support,"}, r"[^\S\n]*")
_NAME_PARTICLES = frozenset(
    ("von", "van", "de", "den", "der", "da", "di", "du", "le", "la", "dos", "das", "del", "della")
    + ("y", "ten", "ter", "zu", "al", "el", "bin", "ibn", "mac", "mc")
)
_AFFIL_MARK_RE = re.compile(r"\(\d+(?:\s*,\s*\d+)*\)|(?:\s+\d+)+\s*$|[*\u2020\u2021]")
_NAME_MAX = 60  # characters in one author's name, marks removed
_ASCII_NON_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_text_of = itemgetter(2)  # Line.text (a Line is (start, end, text))
_AFFIL_MARK_HINT_RE = re.compile(r"[\d*\u2020\u2021]")  # in every mark: where none is, nothing to take out

# Structured-abstract labels: "RESULTS:" anywhere at a line start; "Results:" only where a
# paragraph starts, because wrapped text can begin a line with a capitalized word and a colon.
_UPPER_LABEL_RE = re.compile(r"[ \t]*(?P<label>[A-Z][A-Z0-9/&,()' -]{1,58}[A-Z)])[ \t]*:(?=\s|$)")
_SENTENCE_ENDS = (".", "?", "!", ":", ";")
_TITLE_LABEL_RE = re.compile(r"[ \t]*(?P<label>[A-Z][a-z]+(?:[ -][A-Za-z]+){0,4})[ \t]*:(?=\s|$)")


def clean_doi(value: str) -> str:
    """Strip sentence punctuation a DOI picks up at the end of a line ("...4575.")."""
    doi = value.strip().rstrip(".,;")
    while doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1].rstrip(".,;")
    return doi


def find_doi(text: str) -> str | None:
    """A DOI written as "doi: 10.x/y" (preferred) or bare."""
    match = _DOI_LABEL_AT_COLON_RE.search(text) or DOI_RE.search(text)
    if not match:
        return None
    return clean_doi(match.group(1) if match.re is _DOI_LABEL_AT_COLON_RE else match.group(0))


def citation_match(line: str) -> re.Match[str] | None:
    """CITATION_RE's match of a line that names a volume, issue or pages (what parse_citation
    reads), else None: "Blood. 2004 Jan;103(1):1-5." matches, "Blood. 2004." does not. Asked alone
    where only the answer counts (the legacy page's sniff builds no fields)."""
    match = CITATION_RE.match(line)
    if match is None or not any(match.group("volume", "issue", "pages")):
        return None
    return match


def parse_citation(line: str) -> dict[str, Any] | None:
    """Journal, year, volume, issue and pages from one NLM-style citation line."""
    match = citation_match(line)
    if match is None:
        return None
    # the groups in one call, not two a group
    year, journal, volume, issue, pages = match.group("year", "journal", "volume", "issue", "pages")
    fields: dict[str, Any] = {"year": int(year)}
    if journal and journal.strip():
        fields["journal"] = journal.strip()
    if volume:
        fields["volume"] = volume.strip()
    if issue:
        fields["issue"] = issue.strip()
    if pages:
        fields["pages"] = pages.strip()
    doi = find_doi(line[match.end() :])
    if doi:
        fields["doi"] = doi
    return fields


def parse_cit_tail(value: str) -> dict[str, Any]:
    """Year, volume, issue, pages from "2008 May 1;14(9):2717-25." (no journal)."""
    match = CIT_TAIL_RE.search(value)
    if not match:
        year = year_of(value)
        return {"year": year} if year else {}
    fields: dict[str, Any] = {"year": int(match.group("year"))}
    for key in ("volume", "issue", "pages"):
        if match.group(key):
            fields[key] = match.group(key).strip()
    return fields


def year_of(value: object) -> int | None:
    """A year from an int, a date or the first plausible 4-digit year in a string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1800 <= value <= 2100 else None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.year
    if isinstance(value, str):
        match = YEAR_RE.search(value)
        return int(match.group(1)) if match else None
    return None


def normalize_phase(value: str) -> str | None:
    """ "Phase II" / "Phase 2" / "phase II" -> "2"; "Phase 1/Phase 2" -> "1/2".

    ClinicalTrials.gov's "Early Phase 1" (formerly "Phase 0") becomes "0"; sub-phases
    (IIa/IIb) are folded into their phase so studies group together.
    """
    match = _PHASE_RE.search(value)
    if not match:
        return None

    def number(token: str) -> str:
        return _ROMAN.get(token.lower(), token)

    if match.group("early"):
        return "0"
    first = number(match.group("a"))
    second = match.group("b")
    return f"{first}/{number(second)}" if second else first


def is_publication_type(line: str) -> bool:
    """A publication-type badge: "Review.", "Research Support, Non-U.S. Gov't"."""
    return _names_a_type(line.strip().rstrip(".").lower())


def _names_a_type(lowered: str) -> bool:
    """The badge test on a stripped, lowercased line without its final period."""
    return lowered in PUBLICATION_TYPES or lowered.startswith("research support,")


def publication_type_lines(lines: list[Line], text: str | None = None) -> list[str]:
    """The badges among lines (`is_publication_type`), stripped and without their final period:
    ["Review.", "Abstract"] -> ["Review"].

    Given the text that lines are consecutive lines of (as split_lines gives them), only the lines
    that open with a type's name (or "research support,"), case-blind, are read: one search over
    the text finds them (a line read in Python costs ~2,800 instructions; a page's preamble has
    ~27 lines and ~2 badges). Every line the test keeps is among them: strip takes the spaces
    `[^\\S\\n]` takes, and the one character not ASCII that str.lower turns into an ASCII one, the
    Kelvin sign, is "k" to a case-blind match.
    """
    if text is None or not lines or (lines[0].start > 0 and text[lines[0].start - 1] != "\n"):
        return _type_badges([line.text.strip().rstrip(".") for line in lines])
    stop = lines[-1].end
    starts = map(_BADGE_LINES.line_start, _BADGE_LINES.finditer(text, lines[0].start, stop))
    return _type_badges([_line_from(text, start, stop).strip().rstrip(".") for start in starts])


def _line_from(text: str, start: int, stop: int) -> str:
    """The line of text that starts at start (not past stop)."""
    end = text.find("\n", start, stop)
    return text[start : stop if end < 0 else end]


def _type_badges(badges: list[str]) -> list[str]:
    """Those of badges (stripped, final period removed) that name a publication type, case-blind."""
    return [badge for badge in badges if _names_a_type(badge.lower())]


def _more_letters(value: str, limit: int) -> bool:
    """Whether value holds more than limit letters (str.isalpha): "Phase 2 study of imatinib in
    chronic myeloid leukemia and in gastrointestinal stromal tumors" has 72, more than a name's 60.

    An ASCII value is counted in C (its bytes without the non-letters); _AFFIL_MARK_RE removes no
    letter (its matches are digits, spaces, brackets, commas and marks), so a part with more than
    _NAME_MAX letters stays too long for _name_like whatever the removal takes out.
    """
    if len(value) <= limit:
        return False
    if value.isascii():
        return len(value.encode("ascii").translate(None, _ASCII_NON_LETTERS)) > limit
    return sum(map(str.isalpha, value)) > limit


def _name_like(item: str) -> bool:
    tokens = item.split()
    if not 1 <= len(tokens) <= 6 or len(item) > _NAME_MAX:
        return False
    for token in tokens:
        if not token.isalpha() and any(ch.isdigit() for ch in token):  # no letter is a digit
            return False
        if not (token[0].isupper() or token.lower() in _NAME_PARTICLES):
            return False
    return True


def author_list(value: str) -> tuple[str, ...] | None:
    """Authors from "Demetri GD(1), von Mehren M, ..." or "Charles D Blanke 1, ..." if it is one.

    Returns None when the text does not look like a list of personal names, so callers can
    try it on a candidate line without risking a title or a heading being taken as authors.
    """
    text = collapse(value)
    if not text or len(text) > 5000:
        return None
    text = text.rstrip(".").strip()
    if _AFFIL_MARK_HINT_RE.search(text):
        parts = text.split(",")
        if any([_more_letters(part, _NAME_MAX) for part in parts]):
            return None  # the marks' removal keeps every letter: that item is no name (~6 µs a title)
        items = [_AFFIL_MARK_RE.sub("", part).strip() for part in parts]
    else:
        items = [part.strip() for part in text.split(",")]
    items = [item for item in items if item and not item.isdigit()]
    if not items or not all(map(_name_like, items)):  # no generator frame
        return None
    if len(items) == 1 and len(items[0].split()) < 2:
        return None
    return tuple(items)


def _hard_wrapped(lines: list[Line]) -> bool:
    """Text exports break lines mid-sentence; a saved web page has one line per paragraph."""
    # a line is blank (`not text.strip()`) exactly when text.rstrip() is empty: no property call a line
    filled = [text for text in map(str.rstrip, map(_text_of, lines)) if text]
    if len(filled) < 3:
        return False
    ended = sum(map(str.endswith, filled[:-1], repeat(_SENTENCE_ENDS)))  # no generator frame
    mid_sentence = len(filled) - 1 - ended
    return 2 * mid_sentence > len(filled) - 1


def abstract_sections(lines: list[Line], *, lines_are_paragraphs: bool | None = None) -> list[Section]:
    """Abstract sections for the given lines, split at structured-abstract labels.

    The part before the first label (or the whole abstract when it has none) is an
    unlabelled "abstract" section, unless it holds only whitespace (the blank line after a
    page's "Abstract" heading, which layout drops anyway); each "RESULTS:" part gets label
    "RESULTS". Whether each line is a paragraph is guessed from the line lengths unless the
    caller knows. lines are consecutive lines of the text (as split_lines gives them).

    Each section runs from its first visible character to its last, as layout trims it, so layout
    keeps the Section itself instead of making a trimmed copy (a page's parts end in a blank line:
    ~5 Sections made twice a page, ~3,500 instructions each).
    """
    if not lines:
        return []
    if lines_are_paragraphs is None:
        lines_are_paragraphs = not _hard_wrapped(lines)
    out: list[Section] = []
    label = ""
    part_start = -1  # the first visible character of the part read now; -1: none yet
    part_end = 0  # past its last visible character so far
    previous_blank = True
    for line in lines:
        text = line.text
        visible = text.rstrip()  # a line is blank (`not text.strip()`) exactly when this is empty
        if not visible:
            previous_blank = True
            continue
        match = _UPPER_LABEL_RE.match(text)
        if not match and (previous_blank or lines_are_paragraphs):
            match = _TITLE_LABEL_RE.match(text)
        if match:
            if part_start >= 0:  # a part of whitespace alone is left out: layout would drop it
                out.append(Section(ABSTRACT, part_start, part_end, label))
            label = collapse(match.group("label")).upper()
            part_start = line.start + (len(text) - len(text.lstrip()))
        elif part_start < 0:
            part_start = line.start + (len(text) - len(text.lstrip()))
        part_end = line.start + len(visible)
        previous_blank = False
    if part_start >= 0:
        out.append(Section(ABSTRACT, part_start, part_end, label))
    return out


# "ClinicalTrials.gov Identifier: NCT00123456", "Trial registration: ... NCT00123456".
REGISTRY_ID_RE = re.compile(
    r"(?:ClinicalTrials\.gov\s+(?:Identifier|ID|number|registration)|Trial registration|NCT Number)"
    r"\W{0,40}(NCT\d{8})",
    re.I,
)


def _may_name_registry(text: str) -> bool:
    """False where REGISTRY_ID_RE cannot match: each of its labels, case-blind, holds ".gov",
    "al reg" or "nct number", letters whose only case-blind matches are their two ASCII cases
    (regexes.OTHER_CASES), so a lowercased copy holds them too; the pattern opens with an
    alternation and is tried at every position (~19 µs an abstract, ~0.5 for these tests)."""
    lowered = text.lower()
    return ".gov" in lowered or "al reg" in lowered or "nct number" in lowered


def labelled_ids(text: str) -> dict[str, Any]:
    """The DOI, PMID and NCT ID a text states with their labels ("doi:", "PMID:", "ClinicalTrials.gov
    Identifier:"), for readers of unstructured text (plain text, PDF)."""
    fields: dict[str, Any] = {}
    doi = _DOI_LABEL_AT_COLON_RE.search(text)
    if doi:
        fields["doi"] = clean_doi(doi.group(1))
    pmid = PMID_LINES.search(text)
    if pmid:
        fields["pmid"] = pmid.group(1)
    nct = REGISTRY_ID_RE.search(text) if _may_name_registry(text) else None
    if nct:
        fields["nct_id"] = nct.group(1).upper()
    return fields
