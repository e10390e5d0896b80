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


@settings(max_examples=500, deadline=None)
@given(_TEXT, st.integers(0, 60), st.integers(0, 60))
def test_boundary_pattern_finds_what_the_full_pattern_finds(text: str, begin: int, end: int) -> None:
    """The full-stop pattern, picked where no "!", "?", line break or "|" is in text[begin:end],
    finds every boundary _BOUNDARY finds there, with the same spans and text."""
    begin, end = min(begin, len(text)), min(end, len(text))
    picked = sentences._boundary_pattern(text, begin, end)
    expected = [(m.span(), m.group(0)) for m in sentences._BOUNDARY.finditer(text, begin, end)]
    assert [(m.span(), m.group(0)) for m in picked.finditer(text, begin, end)] == expected


def test_boundary_pattern_written_cases() -> None:
    plain = "One. Two had 3.5 cycles. Three."
    assert sentences._boundary_pattern(plain, 0, len(plain)) is sentences._FULL_STOP_BOUNDARY
    assert [s.text for s in sentences.split_sentences(plain)] == ["One.", "Two had 3.5 cycles.", "Three."]
    for other in ("Why? No.", "Yes! No.", "a\n\nb. C", "a |\nb. C"):
        assert sentences._boundary_pattern(other, 0, len(other)) is sentences._BOUNDARY
    # a stop just before the slice is read (as a lookbehind would read it)
    assert sentences._boundary_pattern("Why? Then.", 3, 10) is sentences._BOUNDARY


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
