"""Text load shortcuts (issue 12, tenth session), each checked against the form it replaced.

- LineStartPattern.search with a literal every match holds ("PMID", the "doi:" line's colon)
  finds the first "PMID" first and tries the pattern from its line on: the same match as the
  search without it, wherever pos and endpos fall.
- _pubmed_text._lines_holding bisects with `start_of = itemgetter(0)`: the lines that hold a word
  are those a line-by-line `in` test finds.
- layout makes a gap's fill once, trimmed (_place): the same sections as the old layout, which made
  the fill then trimmed it, on random spans (overlapping or in order).
- split_lines sums each piece's length and its newline in one running sum: the same Lines as the
  line-by-line form, for every start and end.

Random texts hold the pieces the patterns read, near-misses, blank runs, "\u2028" and the letters
whose case-blind matches leave ASCII ("ſ", "İ", "ı", the Kelvin sign).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import _biblio, _pubmed_text
from imatinib_cli.load._text import BOILERPLATE, Line, LineStartPattern, layout, split_lines
from imatinib_cli.models import Section

_PIECES = [
    "PMID: 123",
    "PMID 45",
    "PMID:",
    "PMCID: PMC1",
    " PMID: 9",
    "\tPMID:7",
    "doi: 10.1/x",
    "DOI:",
    "dOi:",
    "d\u0130i:",
    "x: y",
    ":",
    "Abstract",
    "et al",
    "Phase",
    "a",
    " ",
    "\t",
    "\n",
    "\n\n",
    "\u00a0",
    "\u2028",
    "\u017f",
    "\u0130",
    "\u0131",
    "\u212a",
]
_texts = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


# Texts of many lines, so the literal often stands on a line after pos's (the branch that searches
# from that line on).
_lined_texts = st.lists(st.sampled_from(_PIECES) | st.just("\n"), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_lined_texts, st.data())
def test_search_from_the_literal_as_without_it(text: str, data: st.DataObject) -> None:
    """Wherever pos and endpos fall in the text (or just outside it), from the start to the end."""
    near = st.integers(-3, len(text) + 3)
    pos = data.draw(st.just(0) | near)
    endpos = data.draw(st.none() | near)
    for with_literal in (_biblio.PMID_LINES, _pubmed_text._DOI_LINES):
        plain = LineStartPattern(with_literal.first.pattern, with_literal.first.flags)
        assert with_literal.literal
        new, old = with_literal.search(text, pos, endpos), plain.search(text, pos, endpos)
        assert (new and (new.span(), new.groups())) == (old and (old.span(), old.groups()))


@settings(max_examples=300, deadline=None)
@given(_texts, st.integers(0, 40), st.lists(st.sampled_from(["et al", "Phase", "a", "PMID"]), max_size=3))
def test_lines_holding_as_a_line_by_line_test(text: str, head: int, words: list[str]) -> None:
    lines = split_lines(text)[:head]
    expected = [index for index, line in enumerate(lines) if any(word in line.text for word in words)]
    assert _pubmed_text._lines_holding(text, lines, words) == expected


def _old_layout(text: str, spans: list[Section], fill: str | None = BOILERPLATE) -> tuple[Section, ...]:
    from imatinib_cli.load._text import _paint

    def trim(start: int, end: int) -> tuple[int, int]:
        chunk = text[start:end]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        return (start, start) if right <= left else (start + left, start + right)

    full: list[Section] = []
    pos = 0
    for item in _paint(spans, len(text)):
        if fill and item.start > pos:
            full.append(Section(fill, pos, item.start))
        full.append(item)
        pos = item.end
    if fill and pos < len(text):
        full.append(Section(fill, pos, len(text)))
    out: list[Section] = []
    for item in full:
        start, end = trim(item.start, item.end)
        if start >= end:
            continue
        if out:
            prev = out[-1]
            if prev.kind == item.kind and prev.label == item.label and not text[prev.end : start].strip():
                out[-1] = Section(prev.kind, prev.start, end, prev.label)
                continue
        out.append(Section(item.kind, start, end, item.label))
    return tuple(out)


_spans = st.lists(
    st.builds(
        Section,
        st.sampled_from(["abstract", "title", "boilerplate"]),
        st.integers(-2, 120),
        st.integers(-2, 120),
        st.sampled_from(["", "RESULTS"]),
    ),
    max_size=8,
)


@settings(max_examples=400, deadline=None)
@given(_texts, _spans, st.booleans(), st.sampled_from([BOILERPLATE, None, ""]))
def test_layout_as_before(text: str, spans: list[Section], ordered: bool, fill: str | None) -> None:
    if ordered:  # in order without overlaps, as the PubMed readers give them
        spans = sorted(spans, key=lambda s: s.start)
        spans = [s for i, s in enumerate(spans) if all(s.start >= t.end for t in spans[:i])]
    assert layout(text, spans, fill=fill) == _old_layout(text, spans, fill)


@settings(max_examples=300, deadline=None)
@given(_texts, st.integers(0, 200), st.integers(0, 200) | st.none())
def test_split_lines_as_line_by_line(text: str, start: int, end: int | None) -> None:
    stop = len(text) if end is None else end
    expected, at = [], start
    for piece in text[start:stop].split("\n"):
        expected.append(Line((at, at + len(piece), piece)))
        at += len(piece) + 1
    got = split_lines(text, start, end)
    assert got == expected
    assert all(type(line) is Line for line in got)


def _old_abstract_sections(lines: list[Line], lines_are_paragraphs: bool) -> list[Section]:
    out: list[Section] = []
    start, label, previous_blank = lines[0].start, "", True
    for line in lines:
        found = None
        if not line.blank:
            match = _biblio._UPPER_LABEL_RE.match(line.text)
            if not match and (previous_blank or lines_are_paragraphs):
                match = _biblio._TITLE_LABEL_RE.match(line.text)
            if match:
                found = " ".join(match.group("label").split()).upper()
        if found is not None:
            label_start = line.start + (len(line.text) - len(line.text.lstrip()))
            if label_start > start:
                out.append(Section("abstract", start, label_start, label))
            start, label = label_start, found
        previous_blank = line.blank
    out.append(Section("abstract", start, lines[-1].end, label))
    return out


_abstract_texts = st.lists(
    st.sampled_from(["RESULTS: x", "Results: y", "METHODS:", "A b", " ", "\t", "\n", "\n\n", "\u2028", "z."]),
    min_size=1,
    max_size=20,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_abstract_texts, st.integers(0, 10), st.booleans(), _spans)
def test_abstract_sections_lay_out_as_before(
    text: str, skip: int, paragraphs: bool, others: list[Section]
) -> None:
    """Whitespace-only parts are left out of abstract_sections: layout makes the same sections,
    alone or over and under other spans (html_page paints abstracts over its body spans)."""
    lines = split_lines(text)[skip:] or split_lines(text)
    new = _biblio.abstract_sections(lines, lines_are_paragraphs=paragraphs)
    old = _old_abstract_sections(lines, paragraphs)
    for before, after in (([], []), (others, []), ([], others), (others[:2], others[2:])):
        assert layout(text, [*before, *new, *after]) == layout(text, [*before, *old, *after])
