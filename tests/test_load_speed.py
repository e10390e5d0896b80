"""The loader's faster forms give what the plain ones gave (issue 12, load and the lean path).

Each rewrite is checked against the form it replaced, kept here as the reference, on random texts
built from the pieces the patterns look for (labels, identifiers, line breaks, tabs, colons, pipes)
in every case, with the characters a case-blind match also reads as i, k and s ("İ", "ı", the
Kelvin sign, "ſ"). A rewrite that ever differed would change which reader reads a file.
"""

from __future__ import annotations

import re
import sys
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st
from test_speed_load2 import HEADING_CUES

from imatinib_cli.load import (
    _biblio,
    _decode,
    _pubmed_text,
    _text,
    catalog_record,
    ctgov_page,
    plain_text,
    pubmed_page,
    ris,
)
from imatinib_cli.load._text import Line, LineStartPattern, collapse, first_line_at, split_lines
from imatinib_cli.models import Section
from imatinib_cli.regexes import OTHER_CASES

_PIECES = [
    "\n", "\n", "\n", " ", "\t", ":", " : ", "|", " | ", ".", "a", "x", "Study", "STARTED",
    "NCT01234567", "nct12345678", "NCT 12345678", "NCT ID", "NCT Number", "nct number",
    "ClinicalTrials.gov Identifier", "clinicaltrials.gov id", "ClinicalTrials.gov İD",
    "ClinicalTrials.gov ıdentifier", "Participant Flow", "participant milestones", "Recruitment Status",
    "Study Type", "ENROLLMENT", "Allocation", "Masking", "Last Verified", "Published in",
    "Veröffentlicht in", "saved in", "ſaved in", "Hauptverfasser", "main author(s)", "Main Authors",
    "Sprache", "Schlagworte", "Title", "Abstract", "Summary", "DOI", "PMID", "ISSN", "Language",
    "Ausführliche Beschreibung", "Bibliographic Details", "TY  - JOUR", "TY - ", "ER  -", "TY",
    "Abstract", "PubMed Disclaimer", "Skip to main page content", "Cited by", "MeSH terms",
    "Affiliations", "\u212aeywords", "İ", "ı", "ſ", "\u212a", "\u00a0", "\u2028", "\x1c",
    "Publication types", "PUBLICATION TYPE:", "publication  types", "PMID:", "PMID: 123", "PMID 4567",
    "\u0662\u0663", "12", ",", ", ", "Demetri GD(1)", "von Mehren M", "Blanke 1", "O'Brien", "†", "*",
    "\u00b2", "J.-P. Doe", "Abstract:", " abstract ", "\r", "Author information", "AFFILIATION: 1 Lab",
    "author affiliations", "Phase 2 study of imatinib 400 mg daily in chronic myeloid leukemia (X-1)",
    "Abcdefghij Klmnopqrst Uvwxyzabcd Efghijklmn Opqrstuvwx Yzabcdefgh(1)",
    "\u00dcnl\u00fc-\u00d6zt\u00fcrk " * 4, "doi:", "DOI: 10.1000/x1", "dOİ:", " Doi:10.1/2",
    "Cited by", "Cited by 3 articles", "Substances", "Copyright", "\u00a9", "(c) 2001", "(C)  19",
    "Keywords:", "Loading", "Loading...", "Loading\u2026", "Show all 12 references", "Comment in",
    "erratum FOR", "Collaborators", "Similar articles", "References", "[Indexed for MEDLINE]",
    "Grants and funding", "Free full text", "Icon for", "RESULTS", "RESULTS: ", "PATIENTS AND METHODS",
    "CONCLUSIONS:", "CR/PR", " - ", "Review", "Review . .", "Clinical Trial, Phase II.",
    "research support, n.i.h.", "Multicenter Study",
    " \t", "\x0b", "\x85",
]  # fmt: skip
_texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_OLD_WS = re.compile(r"\s+")


def _old_split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    stop = len(text) if end is None else end
    out: list[Line] = []
    pos = start
    for piece in text[start:stop].split("\n"):
        out.append(Line((pos, pos + len(piece), piece)))
        pos += len(piece) + 1
    return out


def test_collapse_splits_on_what_backslash_s_matches() -> None:
    space = re.compile(r"\s")
    assert [c for c in range(sys.maxunicode + 1) if bool(space.match(chr(c))) != chr(c).isspace()] == []
    assert collapse(" a \u2028\t b\u00a0c \x1c") == "a b c"


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_collapse_and_split_lines_as_before(text: str) -> None:
    assert collapse(text) == _OLD_WS.sub(" ", text).strip()
    assert split_lines(text) == _old_split_lines(text)
    middle = len(text) // 2
    assert split_lines(text, middle) == _old_split_lines(text, middle)
    assert split_lines(text, 1, middle) == _old_split_lines(text, 1, middle)
    assert all(type(line) is Line for line in split_lines(text))


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_line_start_patterns_find_what_caret_found(text: str) -> None:
    for old, new in (
        (catalog_record._LABEL_RE, catalog_record._LABEL_LINES),
        (ctgov_page._LABEL_RE, ctgov_page._LABEL_LINES),
    ):
        found = [(m.end(), m.group(0).lstrip("\n"), m.groups()) for m in new.finditer(text)]
        assert found == [(m.end(), m.group(0), m.groups()) for m in old.finditer(text)]
        assert (new.search(text) is None) == (old.search(text) is None)


def _old_catalog_sniff(text: str) -> bool:
    heading = any(cue in text for cue in HEADING_CUES)
    labels: set[str] = set()
    keys: set[str] = set()
    for match in catalog_record._LABEL_RE.finditer(text):
        label = catalog_record._label_of(match.group("label"))  # .lower() raised KeyError on "ſaved in"
        labels.add(label)
        keys.add(catalog_record._LABELS[label])
        if len(keys) >= 3 and (
            heading or keys & catalog_record._STRONG or labels & catalog_record._STRONG_LABELS
        ):
            return True
    return False


def _old_ctgov_sniff(text: str) -> bool:
    if not ctgov_page._IDENTIFIER_RE.search(text):
        return False
    if ctgov_page._FLOW_HEADING_RE.search(text) and ctgov_page._STARTED_ROW_RE.search(text):
        return True
    labels: set[str] = set()
    for match in ctgov_page._LABEL_RE.finditer(text):
        labels.add(match.group(0).split(":")[0].strip().lower())
        if len(labels) >= 2:
            return True
    return False


def _old_ris_sniff(text: str) -> bool:
    return bool(ris._TY_RE.search(text[:4000])) and bool(ris._ER_RE.search(text))


def _old_pubmed_page_sniff(text: str) -> bool:
    if "PubMed Disclaimer" in text:
        return True
    if not pubmed_page._ABSTRACT_LINE_RE.search(text):
        return False
    hits = sum(cue in text for cue in pubmed_page._CHROME_CUES)
    return hits + bool(pubmed_page._AFFILIATIONS_LINE_RE.search(text)) >= 2


@settings(max_examples=500, deadline=None)
@given(_texts)
def test_sniffs_as_before(text: str) -> None:
    assert catalog_record.sniff(text) == _old_catalog_sniff(text)
    strong = re.compile(
        r"^[ \t]*(?:" + "|".join(map(re.escape, catalog_record._STRONG_WORDS)) + r")[ \t]*:", re.I | re.M
    )
    assert (catalog_record._STRONG_LINES.search(text) is None) == (strong.search(text) is None)
    assert ctgov_page.sniff(text) == _old_ctgov_sniff(text)
    assert ris.sniff(text) == _old_ris_sniff(text)
    assert pubmed_page.sniff(text) == _old_pubmed_page_sniff(text)


def test_sniffs_on_written_records() -> None:
    catalog = (
        "Bibliographic Details\nTitle: A\nMain Authors: Doe, J\nPublished in: J Clin 2002\nDOI: 10.1/x\n"
    )
    assert catalog_record.sniff(catalog) and _old_catalog_sniff(catalog)
    weak = (
        catalog.replace("Main Authors", "Authors")
        .replace("Published in", "Notes")
        .replace("Bibliographic", "B")
    )
    assert not catalog_record.sniff(weak) and not _old_catalog_sniff(weak)
    registry = (
        "ClinicalTrials.gov Identifier: NCT01234567\nStudy Type : Interventional\nAllocation: Randomized\n"
    )
    assert ctgov_page.sniff(registry) and _old_ctgov_sniff(registry)
    dotless = registry.replace("Identifier", "\u0130dentifier")  # "İ" is "i" to a case-blind match
    assert ctgov_page.sniff(dotless) and _old_ctgov_sniff(dotless)
    assert not ctgov_page.sniff(registry.replace("Identifier", "Number"))
    assert ris.sniff("TY  - JOUR\nTI  - A\nER  - \n") and not ris.sniff("A TY  - JOUR\nER  - \n")


def test_ctgov_prefilter_covers_every_case_blind_letter() -> None:
    """The letters of ".gov" and "nct" have no case-blind match outside ASCII; "i" has two."""
    for letter in "govnct":
        assert letter not in OTHER_CASES
    assert set(OTHER_CASES["i"]) == {"\u0130", "\u0131"}
    assert "\u0130".lower().startswith("i") and "\u0131".lower() == "\u0131"


def test_line_start_pattern_matches_at_zero_and_after_newlines() -> None:
    pattern = LineStartPattern(r"[ \t]*(?P<w>ab):")
    assert [m.group("w") for m in pattern.finditer(" ab: ab:\nab:\n\tAB:")] == ["ab", "ab"]
    assert pattern.search("x\n ab:") is not None and pattern.search("x ab:") is None


def _old_author_list(value: str) -> tuple[str, ...] | None:
    text = _OLD_WS.sub(" ", value).strip()
    if not text or len(text) > 5000:
        return None
    text = text.rstrip(".").strip()
    items = [_biblio._AFFIL_MARK_RE.sub("", part).strip() for part in text.split(",")]
    items = [item for item in items if item and not item.isdigit()]

    def name_like(item: str) -> bool:
        tokens = item.split()
        if not 1 <= len(tokens) <= 6 or len(item) > 60:
            return False
        return all(
            not any(ch.isdigit() for ch in token)
            and (token[0].isupper() or token.lower() in _biblio._NAME_PARTICLES)
            for token in tokens
        )

    if not items or not all(name_like(item) for item in items):
        return None
    if len(items) == 1 and len(items[0].split()) < 2:
        return None
    return tuple(items)


def test_no_letter_is_a_digit() -> None:
    """_name_like skips its digit test on a token of letters only."""
    assert [c for c in range(sys.maxunicode + 1) if chr(c).isalpha() and chr(c).isdigit()] == []


@settings(max_examples=300, deadline=None)
@given(_texts, st.integers(0, 60), st.integers(0, 60))
def test_line_finders_as_before(text: str, first: int, last: int) -> None:
    assert _biblio.author_list(text) == _old_author_list(text)
    lines = split_lines(text)
    for start in {0, min(first, len(lines))}:
        for pattern, lines_pattern in (
            (_pubmed_text.ABSTRACT_HEAD_RE, _pubmed_text._ABSTRACT_HEAD_LINES),
            (_pubmed_text.PUBTYPES_HEAD_RE, _pubmed_text._PUBTYPES_HEAD_LINES),
            (_pubmed_text.AFFIL_HEAD_RE, _pubmed_text._AFFIL_HEAD_LINES),
        ):
            expected = next((i for i in range(start, len(lines)) if pattern.match(lines[i].text)), len(lines))
            assert first_line_at(text, lines, start, lines_pattern) == expected
            run = lines[first // 2 : first // 2 + last]  # a run of lines, as markdown_doc's regions
            expected = next((i for i in range(len(run)) if pattern.match(run[i].text)), len(run))
            assert first_line_at(text, run, 0, lines_pattern) == expected
    for start in {0, min(first, len(lines))}:
        expected = next(
            (i for i in range(start, len(lines)) if lines[i].stripped[:4].lower() == "doi:"), len(lines)
        )
        assert first_line_at(text, lines, start, _pubmed_text._DOI_LINES) == expected
    badges = [line.stripped.rstrip(".") for line in lines if _biblio.is_publication_type(line.stripped)]
    assert _biblio.publication_type_lines(lines) == badges
    pos, end = sorted((min(first, len(text)), min(last, len(text))))
    for begin, stop in ((0, len(text)), (pos, end), (pos, len(text))):
        found = re.compile("^" + plain_text._LINE_LABEL_BODY, re.M).finditer(text, begin, stop)
        assert plain_text._label_cuts(text, begin, stop) == [
            (m.start(), m.group("label").upper()) for m in found
        ]
    new = _biblio.PMID_LINES.search(text, pos, end)
    old = _biblio.PMID_LINE_RE.search(text, pos, end)
    assert (new and (new.group(1), new.end())) == (old and (old.group(1), old.end()))
    assert _biblio.labelled_ids(text) == _old_labelled_ids(text)
    assert _biblio.find_doi(text) == _old_find_doi(text)


def _old_labelled_ids(text: str) -> dict[str, str]:
    fields = {}
    doi = _biblio.DOI_LABEL_RE.search(text)
    if doi:
        fields["doi"] = _biblio.clean_doi(doi.group(1))
    pmid = _biblio.PMID_LINE_RE.search(text)
    if pmid:
        fields["pmid"] = pmid.group(1)
    nct = _biblio.REGISTRY_ID_RE.search(text)
    if nct:
        fields["nct_id"] = nct.group(1).upper()
    return fields


def test_line_finders_on_a_region_that_starts_mid_line() -> None:
    text = "x Abstract\nAbstract\n"
    lines = split_lines(text, 2)  # "Abstract" (mid-line in the text), then "Abstract", then ""
    assert first_line_at(text, lines, 0, _pubmed_text._ABSTRACT_HEAD_LINES) == 0
    assert first_line_at(text, split_lines(text), 0, _pubmed_text._ABSTRACT_HEAD_LINES) == 1


_controls = st.text(
    alphabet=st.sampled_from(
        ["a", " ", "\n", "\t", "\x00", "\x07", "\x0e", "\x1f", "\x7f", "\x85", "\x9f", "é"]
    )
)


@settings(max_examples=300, deadline=None)
@given(_controls)
def test_control_count_as_before(text: str) -> None:
    sample = text[: _decode._CONTROL_SAMPLE]
    old = len(_decode._CONTROL_RE.findall(sample)) > max(1, len(sample) * _decode._MAX_CONTROL_SHARE)
    assert _decode._too_many_controls(text) == old


_spans = st.lists(
    st.builds(
        Section,
        st.sampled_from(["title", "abstract", "body"]),
        st.integers(-2, 30),
        st.integers(-2, 30),
        st.sampled_from(["", "RESULTS"]),
    ),
    max_size=8,
)


@settings(max_examples=400, deadline=None)
@given(_spans, st.integers(0, 28))
def test_spans_in_order_are_their_own_pieces(spans: list[Section], size: int) -> None:
    """What layout takes as the painting of spans in order (_in_order): the spans themselves, which
    the sweep gives too, but for touching spans of one kind and label (joined there; layout joins
    them, nothing but "" being between them: tests/test_speed_load_s11.py)."""
    ordered = sorted(spans, key=lambda s: s.start)
    disjoint = [s for i, s in enumerate(ordered) if all(s.start >= o.end for o in ordered[:i])]
    if not _text._in_order(disjoint, size):
        assert any(s.start < 0 or s.end > size or s.start >= s.end for s in disjoint)
        return
    joined: list[Section] = []
    for s in disjoint:
        last = joined[-1] if joined else None
        if last is not None and last.end == s.start and (last.kind, last.label) == (s.kind, s.label):
            joined[-1] = Section(s.kind, last.start, s.end, s.label)
        else:
            joined.append(s)
    assert _text._paint(disjoint, size) == joined


def test_a_catalog_label_written_with_long_s_or_dotless_i_is_read() -> None:
    """ "ſ" and "ı" are "s" and "i" to the case-blind label pattern but not to str.lower: the
    label's lookup raised KeyError (in the sniff of every file, which stopped the whole run)."""
    assert catalog_record._label_of("\u017faved in") == "saved in"
    assert catalog_record._label_of("T\u0131tle") == "title"
    assert catalog_record._label_of("Main Author(s)") == "main author(s)"
    text = "Bibliographic Details\nT\u0131tle: A trial\n\u017faved in: Library\nDOI: 10.1000/x\n"
    assert catalog_record.sniff(text)
    document = catalog_record.read("a.txt", "0" * 64, text)
    assert document.metadata.title == "A trial" and document.metadata.doi == "10.1000/x"


def _old_find_doi(text: str) -> str | None:
    match = _biblio.DOI_LABEL_RE.search(text) or _biblio.DOI_RE.search(text)
    if not match:
        return None
    return _biblio.clean_doi(match.group(1) if match.re is _biblio.DOI_LABEL_RE else match.group(0))


def test_labelled_ids_on_written_lines() -> None:
    text = "A trial.\nDOİ: 10.1000/xyz.\nTrial registration: NCT01234567\n"
    assert (
        _biblio.labelled_ids(text)
        == _old_labelled_ids(text)
        == {"doi": "10.1000/xyz", "nct_id": "NCT01234567"}
    )
    assert _biblio.find_doi("see xdoi: 10.1000/a") == "10.1000/a"  # bare, as before: no word boundary


_c1_and_latin = st.lists(
    st.sampled_from(
        ["a", "\n", "\x01", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\xa0", "\xbf", "é", "\u0100"]
    )
    | st.sampled_from(["\u2013", "\ufffd", "\U0001f600"]),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_c1_and_latin, st.sampled_from([8, 65536]))
def test_control_count_in_utf8_bytes_as_before(text: str, sample_size: int) -> None:
    """A text counted in its UTF-8 bytes (C1 controls as C2 80 to C2 9F) gives the regex's answer,
    whether it is shorter than the sample or not (then the sample is counted by the regex)."""
    with patch.object(_decode, "_CONTROL_SAMPLE", sample_size):
        sample = text[:sample_size]
        old = len(_decode._CONTROL_RE.findall(sample)) > max(1, len(sample) * _decode._MAX_CONTROL_SHARE)
        assert _decode._too_many_controls(text, text.encode("utf-8")) == old
        assert _decode._too_many_controls(text) == old


@settings(max_examples=200, deadline=None)
@given(_c1_and_latin)
def test_replacement_warning_from_utf8_bytes_as_before(text: str) -> None:
    """A text whose UTF-8 holds no EF byte holds no U+FFFD; the warning is the count's."""
    assert _decode._warning(text, 0, "utf-8", text.encode("utf-8")) == _decode._warning(text, 0, "utf-8")
