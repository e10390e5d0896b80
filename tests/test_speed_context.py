"""Shortcuts in building a document's context (issue 12, seventh session): each answers what the
form it replaces answers, on random text (hypothesis) with "ſ", the Kelvin sign, "İ", lone
surrogates and every stop character, and on written cases."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import context, sentences
from imatinib_cli.models import Document, Evidence, Section

_PIECES = [
    "a", "Z", "1", " ", "  ", ".", ". ", ".\"", ".)", "!", "?", "|", "\n", "\n\n", " \n", "\t", "(",
    "[", "\"", "'", "]", ")", "-", "et al.", "vs.", "e.g.", "1.", "Results:", "ſ", "\u212a", "İ",
    "\ud800", "\u00a0", "\u2009", "\x1c",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_TEXT, st.integers(0, 60), st.integers(0, 60))
def test_boundaries_are_what_the_full_pattern_finds(text: str, begin: int, end: int) -> None:
    """The full-stop pattern where no "!", "?", line break or "|" is in text[begin:end], it and the
    line-break options matched at each line break where no "!", "?" or "|" is: every boundary
    _BOUNDARY finds there, with the same spans and text, in order."""
    begin, end = min(begin, len(text)), min(end, len(text))
    expected = [(m.span(), m.group(0)) for m in sentences._BOUNDARY.finditer(text, begin, end)]
    assert [(m.span(), m.group(0)) for m in sentences._boundaries(text, begin, end)] == expected


def test_boundaries_written_cases() -> None:
    plain = "One. Two had 3.5 cycles. Three."
    assert [m.re for m in sentences._boundaries(plain, 0, len(plain))] == [sentences._FULL_STOP_BOUNDARY] * 2
    assert [s.text for s in sentences.split_sentences(plain)] == ["One.", "Two had 3.5 cycles.", "Three."]
    for other in ("Why? No. Yes", "Yes! No. Yes", "a |\nb. C"):
        assert {m.re for m in sentences._boundaries(other, 0, len(other))} == {sentences._BOUNDARY}
    # a stop just before the slice is read (as a lookbehind would read it)
    assert [m.span() for m in sentences._boundaries("Why? Then.", 3, 10)] == [(3, 5)]
    # an article's section: a heading line, a list, a blank line inside a full stop's whitespace
    page = "Results\n- Of 26, 13 responded.\n\nTwelve had SD.\n\n\nMethods: none"
    found = [(m.span(), m.re is sentences._LINE_BOUNDARY) for m in sentences._boundaries(page, 0, len(page))]
    assert found == [((7, 8), True), ((29, 32), False), ((45, 49), False)]
    assert [m.span() for m in sentences._BOUNDARY.finditer(page)] == [(7, 8), (29, 32), (45, 49)]


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_lazy_evidence_is_the_eager_evidence(text: str) -> None:
    """A context's sentence quotes itself on the first read of `evidence`, as build_context quoted
    every sentence before: the same Evidence, and it is made once."""
    built = context.build_context(
        Document("doc.txt", "0" * 64, "text", text, sections=(Section("abstract", 0, len(text)),))
    )
    for info in built.sentences:
        eager = Evidence("doc.txt", info.start, info.end, sentences.quote(info.sentence))
        assert info.cite(info.start, info.end) == eager
        assert info.evidence == eager
        assert info.evidence is info.evidence


def test_sentence_info_is_still_a_dataclass() -> None:
    """Readers `dataclasses.replace` a SentenceInfo (a table row's own evidence); fields, equality
    and repr read the evidence as a field."""
    sentence = sentences.Sentence(0, 12, "Ten  patients")
    lazy = context.SentenceInfo(sentence, "abstract", "", [], [], [], None, None, "", "a.txt")
    eager = context.SentenceInfo(
        sentence, "abstract", "", [], [], [], Evidence("a.txt", 0, 12, "Ten patients")
    )
    assert lazy == eager
    assert [f.name for f in dataclasses.fields(lazy)][6] == "evidence"
    assert "quote='Ten patients'" in repr(lazy)
    row = dataclasses.replace(lazy, evidence=Evidence("a.txt", 4, 12, "patients"))
    assert row.evidence.quote == "patients" and row.cached is lazy.cached and row.sentence is sentence
