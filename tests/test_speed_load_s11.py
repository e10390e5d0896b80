"""Text load and lean-path shortcuts (issue 12, eleventh session), each checked against the form it
replaced.

- layout takes spans in order inside the text as their own pieces (_in_order), not through the
  sweep: the same sections as the sweep's painting, on random texts and spans.
- Line is a tuple with named fields made by tuple's own constructor (no NamedTuple `__new__`):
  split_lines gives the same start, end, text, blank and stripped as the NamedTuple Lines did.
- abstract_sections gives each part trimmed to its visible characters (layout then keeps the
  Section itself): the same laid-out sections as the tenth session's form, which ended a part where
  the next label's line starts, alone or over and under other spans (html_page paints abstracts
  over its body).

Random texts hold labels, near-misses, blank runs, tabs, "\u2028" (a space to `str.strip` that
split_lines does not split at) and "\u1680".
"""

from __future__ import annotations

from typing import NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import _biblio, _text
from imatinib_cli.load._text import Line, collapse, layout, split_lines
from imatinib_cli.models import Section

_kinds = st.sampled_from(["body", "abstract", "title", "boilerplate", "results"])
_spans = st.lists(
    st.builds(lambda kind, a, b, label: Section(kind, min(a, b), max(a, b), label), _kinds,
              st.integers(-2, 80), st.integers(-2, 80), st.sampled_from(["", "RESULTS", "X"])),
    max_size=5,
)  # fmt: skip


def _tenth_abstract_sections(lines: list[Line], lines_are_paragraphs: bool) -> list[Section]:
    """abstract_sections as the tenth session left it: a part ends where the next label's line
    starts (its trailing blank lines included), the last one at the last line's end."""
    out: list[Section] = []
    start = lines[0].start
    label = ""
    previous_blank = True
    visible = False
    for line in lines:
        found = None
        text = line.text
        blank = not text.strip()
        if not blank:
            match = _biblio._UPPER_LABEL_RE.match(text)
            if not match and (previous_blank or lines_are_paragraphs):
                match = _biblio._TITLE_LABEL_RE.match(text)
            if match:
                found = collapse(match.group("label")).upper()
        if found is not None:
            label_start = line.start + (len(text) - len(text.lstrip()))
            if label_start > start and visible:
                out.append(Section("abstract", start, label_start, label))
            start, label, visible = label_start, found, False
        visible = visible or not blank
        previous_blank = blank
    out.append(Section("abstract", start, lines[-1].end, label))
    return out


_abstract_texts = st.lists(
    st.sampled_from(
        ["RESULTS: x", "Results: y", " METHODS:", "\tCONCLUSIONS: z ", "A b", "Re sults: q", " ", "\t",
         "\n", "\n\n", "\u2028", "\u1680", "z.", "RESULTS:x"]
    ),
    min_size=1,
    max_size=24,
).map("".join)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(_abstract_texts, st.integers(0, 10), st.booleans(), _spans)
def test_trimmed_abstract_sections_lay_out_as_before(
    text: str, skip: int, paragraphs: bool, others: list[Section]
) -> None:
    lines = split_lines(text)[skip:] or split_lines(text)
    new = _biblio.abstract_sections(lines, lines_are_paragraphs=paragraphs)
    old = _tenth_abstract_sections(lines, paragraphs)
    for section in new:  # each trimmed and visible: layout keeps it as it is
        piece = text[section.start : section.end]
        assert piece and piece == piece.strip()
    assert [s.label for s in new] == [s.label for s in old if text[s.start : s.end].strip()]
    for before, after in (([], []), (others, []), ([], others), (others[:2], others[2:])):
        assert layout(text, [*before, *new, *after]) == layout(text, [*before, *old, *after])
    if all(a.label != b.label for a, b in zip(new, new[1:], strict=False)):  # (parts of one label are joined)
        assert [s for s in layout(text, new) if s.kind == "abstract"] == new
        assert all(any(kept is s for s in new) for kept in layout(text, new) if kept.kind == "abstract")


_layout_texts = st.lists(
    st.sampled_from(["a", "b c", " ", "\t", "\n", "\n\n", "\u2028", "RESULTS: x"]), max_size=30
).map("".join)


@settings(max_examples=600, deadline=None)
@given(_layout_texts, _spans, st.booleans(), st.sampled_from(["boilerplate", None, ""]))
def test_layout_of_spans_in_order_as_by_the_sweep(
    text: str, spans: list[Section], ordered: bool, fill: str | None
) -> None:
    if ordered:  # in order without overlaps, as most readers give them
        spans = sorted(spans, key=lambda s: s.start)
        spans = [s for i, s in enumerate(spans) if all(s.start >= t.end for t in spans[:i])]
    by_sweep = _layout_by_sweep(text, spans, fill)
    assert layout(text, spans, fill=fill) == by_sweep
    assert layout(text, iter(spans), fill=fill) == by_sweep


def _layout_by_sweep(text: str, spans: list[Section], fill: str | None) -> tuple[Section, ...]:
    """layout with every painting made by the sweep (_in_order never true)."""
    in_order = _text._in_order
    _text._in_order = lambda spans, size: False
    try:
        return layout(text, spans, fill=fill)
    finally:
        _text._in_order = in_order


class _NamedLine(NamedTuple):
    """Line as it was before the eleventh session."""

    start: int
    end: int
    text: str


@settings(max_examples=300, deadline=None)
@given(_layout_texts, st.integers(-3, 40), st.one_of(st.none(), st.integers(-3, 40)))
def test_lines_as_the_named_tuples(text: str, start: int, end: int | None) -> None:
    got = _text.split_lines(text, max(start, 0), end)
    stop = len(text) if end is None else end
    expected, at = [], max(start, 0)
    for piece in text[max(start, 0) : stop].split("\n"):
        expected.append(_NamedLine(at, at + len(piece), piece))
        at += len(piece) + 1
    assert got == expected  # equal as tuples
    for line, named in zip(got, expected, strict=True):
        assert type(line) is _text.Line
        assert (line.start, line.end, line.text) == (named.start, named.end, named.text)
        assert line.blank == (not named.text.strip()) and line.stripped == named.text.strip()
    assert repr(_text.Line((2, 4, "bc"))) == "Line(start=2, end=4, text='bc')"
