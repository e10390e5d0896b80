"""Shortcuts in the text load (issue 12, seventh session), each checked against the code it replaced.

`_decode._too_many_controls` asks whether a text holds any control character at all (an `in` test
a character, a memchr in C) before counting them; the old form counted them always. Both are run
here on random texts built from pieces that hold every kind of character the test tells apart:
ASCII controls, tab and newline, C1 controls (U+0080 to U+009F, C2 80 to C2 9F in UTF-8), other
non-ASCII letters and U+FFFD, at lengths around the 64 KiB sample and the 1 % share.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import _decode

_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ASCII_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_C1_UTF8_RE = re.compile(b"\xc2[\x80-\x9f]")


def _old_too_many_controls(text: str, utf8: bytes | None = None) -> bool:
    """_too_many_controls as the sixth session left it."""
    sample = text[:65536]
    if sample.isascii():
        raw = sample.encode("ascii")
        count = len(raw) - len(raw.translate(None, _ASCII_CONTROLS))
    elif utf8 is not None and len(text) <= 65536:
        count = len(utf8) - len(utf8.translate(None, _ASCII_CONTROLS)) + len(_C1_UTF8_RE.findall(utf8))
    else:
        count = len(_CONTROL_RE.findall(sample))
    return count > max(1, len(sample) * 0.01)


_PIECES = [
    "Imatinib 400 mg daily. ",
    "a",
    "\n",
    "\t",
    "\r",
    "\x0b\x0c",
    "\x00",
    "\x01",
    "\x08",
    "\x0e",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\xa0",
    "é",
    "\u017f",
    "\u212a",
    "\u0130",
    "\ufffd",
    "\U0001d6fc",
]


@st.composite
def _texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=300))
    text = "".join(pieces)
    repeat = draw(st.sampled_from([1, 1, 1, 30, 700, 3000]))  # past 64 KiB and the 1 % share
    return text * repeat


@settings(max_examples=400, deadline=None)
@given(_texts(), st.booleans())
def test_too_many_controls_as_before(text: str, give_utf8: bool) -> None:
    utf8 = text.encode("utf-8", "surrogatepass") if give_utf8 else None
    assert _decode._too_many_controls(text, utf8) == _old_too_many_controls(text, utf8)


def test_too_many_controls_real_values() -> None:
    clean = "Imatinib 400 mg daily.\tRESULTS:\n" * 3000  # ~96 KB: the 64 KiB sample is read
    assert _decode._too_many_controls(clean) is False
    assert _decode._too_many_controls("\x01" + "a" * 200) is False  # one is never too many
    assert _decode._too_many_controls("\x01\x02" + "a" * 98) is True  # 2 of 100 > 1 %
    accented = "café \x85\x85 " * 10
    assert _decode._too_many_controls(accented, accented.encode()) is True
    assert _decode._too_many_controls("café " * 100, ("café " * 100).encode()) is False


# --------------------------------------------------------------------------- the PubMed page reader

from imatinib_cli.load import _biblio, _pubmed_text  # noqa: E402
from imatinib_cli.load._build import document  # noqa: E402
from imatinib_cli.load._text import Line, split_lines  # noqa: E402

_LINE_WORDS = [
    "Comment in", "Comment on", "comment ON", "Erratum in", "Collaborators", "Investigators", "Update of",
    "Expression of concern for", "Retracted and republished from", "Abstract", "ABSTRACT", "abstract",
    "Affiliations", "Affiliation", "Author information", "Author affiliations", "PMID:", "PMCID:", "DOI:",
    "doi:", "Epub", "Copyright", "\u00a9", "(c) 2001", "(C) 1999", "Publication types", "Publication Type",
    "MeSH terms", "MeSH Terms", "Substances", "Keywords:", "KEYWORDS:", "Keyword:", "Loading...",
    "Loading\u2026", "Cited by", "Cited by 3 articles", "Similar articles", "Free PMC article",
    "Free full text", "Online ahead of print", "10.1200/JCO.2001.1", "References", "Figures", "LinkOut",
    "[Indexed for MEDLINE]", "Show all 12 references", "Results", "imatinib", "Demetri GD", "et al.",
    " ", "  ", "\t", ":", ": ", ".", ",", "1", "\u017f", "\u212a", "\u0130", "\u0131", "Abſtract",
    "Collaborator\u017f", "\u212aeywords:", "Affiliat\u0130ons", "\u00a0", "\n",
]  # fmt: skip

_lines = st.lists(st.sampled_from(_LINE_WORDS), min_size=0, max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(_lines)
def test_joined_line_patterns_as_before(line: str) -> None:
    """The alternations match where the patterns tried in turn matched (case blindness kept)."""
    p = _pubmed_text
    for text in (line, line.strip()):
        ended = bool(p.FOOTER_RE.match(text) or p.COMMENT_HEAD_RE.match(text))
        assert bool(p._ABSTRACT_END_RE.match(text)) == ended
        heading = bool(
            p.AFFIL_HEAD_RE.match(text)
            or p.COMMENT_HEAD_RE.match(text)
            or p.ABSTRACT_HEAD_RE.match(text)
            or p.FOOTER_RE.match(text)
            or p.ID_LINE_RE.match(text)
        )
        assert p._is_heading(text) == heading


def _old_hard_wrapped(lines: list[Line]) -> bool:
    filled = [line.text.rstrip() for line in lines if not line.blank]
    if len(filled) < 3:
        return False
    mid_sentence = sum(not text.endswith((".", "?", "!", ":", ";")) for text in filled[:-1])
    return 2 * mid_sentence > len(filled) - 1


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b.", "c?", "d!", "e:", "g;", " ", "\t", "\u00a0", "\u2028", "f. "]),
        max_size=12,
    )
)
def test_hard_wrapped_as_before(pieces: list[str]) -> None:
    lines = split_lines("\n".join(pieces))
    assert _biblio._hard_wrapped(lines) == _old_hard_wrapped(lines)


def test_pubmed_page_reader_real_values() -> None:
    page = (
        "Skip to main page content\n\nClinical Trial\n\nA trial of a drug in a disease\n\nAffiliations\n\n"
        "Abstract\n\nBackground: Imatinib was given.\n\nResults: 12 of 20 responded.\n\n"
        "Comment in\n\nPubMed Disclaimer\n\nPublication types\n\nClinical Trial, Phase II\n\nPMID: 12345678\n"
    )
    parsed = _pubmed_text.parse_current(page, split_lines(page))
    assert [line.text for line in parsed.abstract_lines] == [
        "", "Background: Imatinib was given.", "", "Results: 12 of 20 responded.", "",
    ]  # fmt: skip
    assert parsed.fields["pmid"] == "12345678"
    assert parsed.fields["title"] == "A trial of a drug in a disease"
    # (the blank line after "Abstract" is no part of its own: abstract_sections leaves whitespace out)
    assert [(section.kind, section.label) for section in parsed.sections] == [
        ("title", ""), ("abstract", "BACKGROUND"), ("abstract", "RESULTS"),
    ]  # fmt: skip
    laid_out = document("p", "0", "pubmed_page", page, {}, parsed.sections).sections  # as main's code
    assert [(s.kind, s.label) for s in laid_out] == [
        ("boilerplate", ""), ("title", ""), ("boilerplate", ""), ("abstract", "BACKGROUND"),
        ("abstract", "RESULTS"), ("boilerplate", ""),
    ]  # fmt: skip


def _old_publication_types_footer(lines: list[Line], start: int) -> list[str]:
    p = _pubmed_text
    out: list[str] = []
    index = start
    while index < len(lines):
        if p.PUBTYPES_HEAD_RE.match(lines[index].text):
            index += 1
            while index < len(lines):
                item = lines[index].stripped
                if item:
                    if p._LIST_END_RE.match(item) or p.PUBTYPES_HEAD_RE.match(item) or len(item) > 80:
                        break
                    out.append(item.rstrip("."))
                index += 1
            continue
        index += 1
    return out


_FOOTER_LINES = [
    "Publication types", "publication TYPE:", "  Publication types  ", "Publication \u017fypes", "Review.",
    "Clinical Trial, Phase II", "Multicenter Study", "MeSH terms", "Substances", "\u212aeywords", "Cited by",
    "", " ", "\t", "x" * 81, "Imatinib Mesylate / therapeutic use*", "Similar articles", "LinkOut \u0130",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FOOTER_LINES), max_size=14), st.integers(0, 15))
def test_publication_types_footer_as_before(rows: list[str], start: int) -> None:
    text = "\n".join(rows)
    lines = split_lines(text)
    old = _old_publication_types_footer(lines, start)
    assert _pubmed_text._publication_types_footer(lines, start, text) == old
    assert _pubmed_text._publication_types_footer(lines, start) == old


# --------------------------------------------------------------------------- sniffs

# The headings a catalog record's page has and catalog_record._has_heading_cue looks for (a
# substring test for each is the plain form it replaced).
HEADING_CUES = (
    "Ausführliche Beschreibung",
    "Bibliographische Detailangaben",
    "Bibliographic Details",
    "Full description",
)
_CUE_PIECES = [
    "Bibliographi", "sche Detailangaben", "c Details", "Bibliographic", " Details", "Full", " description",
    "Full description", "Ausf", "ü", "hrliche Beschreibung", "Ausführliche Beschreibung", "Ausfuhrliche",
    "Author information", "Indexed for", " MEDLINE", "PMID:", "Send to", "LinkOut", "\n", " ", "x",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=10).map("".join))
def test_heading_cue_as_before(text: str) -> None:
    from imatinib_cli.load import catalog_record, pubmed_legacy_page

    assert catalog_record._has_heading_cue(text) == any(cue in text for cue in HEADING_CUES)
    with_cue = any(cue in text for cue in pubmed_legacy_page._CUES)
    assert with_cue or not pubmed_legacy_page.sniff(text)


def test_heading_cues_are_the_grouped_ones() -> None:
    """_has_heading_cue spells the cues out (its docstring names them): each is found alone."""
    from imatinib_cli.load import catalog_record

    for cue in HEADING_CUES:
        assert catalog_record._has_heading_cue(f"x {cue} y")
        assert catalog_record._has_heading_cue(cue) and not catalog_record._has_heading_cue(cue[:-1])
        assert cue in catalog_record._has_heading_cue.__doc__.replace("\n    ", " ")


def _old_parse_citation(line: str) -> dict[str, object] | None:
    match = _biblio.CITATION_RE.match(line)
    if not match or not (match.group("volume") or match.group("pages") or match.group("issue")):
        return None
    fields: dict[str, object] = {"year": int(match.group("year"))}
    journal = match.group("journal")
    if journal and journal.strip():
        fields["journal"] = journal.strip()
    for key in ("volume", "issue", "pages"):
        if match.group(key):
            fields[key] = match.group(key).strip()
    doi = _biblio.find_doi(line[match.end() :])
    if doi:
        fields["doi"] = doi
    return fields


_CITATION_PIECES = [
    "J Clin Oncol", "Blood", "1.", " ", "\t", ".", ". ", "2011", "1999", "2203", "Sep", "Jan-Feb", "12",
    "1-2", ";", ":", "10", "(1)", "( 2 )", "(Suppl 3)", "100-107", "e12", "S1\u2013S9", "doi: 10.1200/JCO.5.",
    "PMID: 1", "\u017f", "\u212a",
]  # fmt: skip


_citation_lines = st.tuples(
    st.sampled_from(["", "1. ", "J Clin Oncol", "  Blood", "\u017fcience", "N Engl J Med."]),
    st.sampled_from([".", ". ", " .", ""]),
    st.sampled_from(["2011", "1999", "2203", "20x1"]),
    st.sampled_from(["", " Sep", " Jan-Feb 3", " \u212aan 1-2"]),
    st.sampled_from([";", ":", " ; ", ""]),
    st.sampled_from(["", "10", "10 ", "a.b"]),
    st.sampled_from(["", "(1)", " ( 2 )", "(Suppl 3)"]),
    st.sampled_from(["", ":100-107", ": e12", ":S1\u2013S9"]),
    st.sampled_from([".", "", ". doi: 10.1200/JCO.5.", ". PMID: 1", ".doi:10.1/x)"]),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_citation_lines, st.lists(st.sampled_from(_CITATION_PIECES), max_size=14).map("".join)))
def test_parse_citation_as_before(line: str) -> None:
    found = _biblio.parse_citation(line)
    assert found == _old_parse_citation(line)
    assert found is None or list(found) == list(_old_parse_citation(line) or {})  # the same key order


def test_parse_citation_real_values() -> None:
    assert _biblio.parse_citation("J Clin Oncol. 2011 Sep;10(1):100-107. doi: 10.1200/x.5.") == {
        "year": 2011, "journal": "J Clin Oncol", "volume": "10", "issue": "1", "pages": "100-107",
        "doi": "10.1200/x.5",
    }  # fmt: skip


_BADGE_PIECES = [
    "Clinical Trial", "clinical trial", "CLINICAL TRIAL, PHASE II", ", Phase I", ", Phase III", "I", "V",
    "Review", "Review.", "Review..", "Reviewed", "Systematic Review", "Research Support, Non-U.S. Gov't",
    "research support,", "Research Support", "Meta-Analysis", "Letter", "Comment", "Comment in", "News",
    "Journal Article", "Case Reports", ".", " ", "\t", "\u00a0", "\x0b", "\u2028", "\n", "\n", "\n",
    "\u212a", "\u017f", "\u0130", "\u0131", "Ca\u017fe Reports", "\u212aeview", "Cl\u0130nical Trial",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_BADGE_PIECES), max_size=16).map("".join), st.data())
def test_publication_type_lines_as_before(text: str, data: st.DataObject) -> None:
    """Read through the text's search, the badges are those read line by line (the old way)."""
    lines = split_lines(text)
    first = data.draw(st.integers(0, len(lines)))
    last = data.draw(st.integers(first, len(lines)))
    part = lines[first:last]
    assert _biblio.publication_type_lines(part, text) == _biblio.publication_type_lines(part)


def _old_current_preamble(lines: list[Line], parsed: _pubmed_text.Parsed) -> None:
    p = _pubmed_text
    title = parsed.fields.get("title")
    p._add_publication_types(parsed.fields, _biblio.publication_type_lines(lines))
    for index, line in enumerate(lines):
        if (
            title
            and "authors" not in parsed.fields
            and len(line.text) >= len(title)
            and p.collapse(line.text) == title
        ):
            following = p._next_nonblank(lines, index + 1)
            if following < len(lines) and not p._is_heading(lines[following].text):
                authors = p.author_list(lines[following].text)
                if authors:
                    parsed.fields["authors"] = authors
        card = p.ET_AL_RE.match(line.text) if "et al" in line.text else None
        if card and "." not in card.group("author") and p.author_list(card.group("author")):
            if "authors" not in parsed.fields:
                parsed.fields["authors"] = (p.collapse(card.group("author")),)
            if "journal" not in parsed.fields and card.group("journal"):
                parsed.fields["journal"] = p.collapse(card.group("journal"))


_PREAMBLE_LINES = [
    "", " ", "Clinical Trial", "Review.", "A trial of imatinib", "A  trial of\timatinib ", "A trial",
    "trial of imatinib", "Demetri GD, von Mehren M", "PG Schmidt et al. Ann Oncol. .", "PG Schmidt et al",
    "Smith J et al. Blood.", "x et al.", "Affiliations", "Abstract", "PMID: 1", "Kim S", "et al", "aet alb",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_PREAMBLE_LINES), max_size=12),
    st.sampled_from([None, "", "A trial of imatinib", "A trial", "trial", " A trial", "et al"]),
    st.integers(0, 3),
)
def test_current_preamble_as_before(rows: list[str], title: str | None, skip: int) -> None:
    text = "\n".join(rows)
    lines = split_lines(text)[skip:]  # a run of lines that may not start the text
    old, new = _pubmed_text.Parsed(), _pubmed_text.Parsed()
    if title is not None:
        old.fields["title"] = new.fields["title"] = title
    _old_current_preamble(lines, old)
    _pubmed_text._current_preamble(text, lines, new)
    assert new.fields == old.fields
    assert list(new.fields) == list(old.fields)
