"""Shortcuts in building a document's context (issue 12, eighth session): each gives what the form
it replaces gives, on random text (hypothesis) with number words, every numeral form, NULs, "ſ",
the Kelvin sign, "İ", final sigma and lone surrogates, and on written cases."""

from __future__ import annotations

import dataclasses
import re

from extract_helpers import patched
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import context, numbers, sentences
from imatinib_cli.models import Document, Section

_PIECES = [
    "a", "Z", "1", "0", "07", "12", "45.2", "3·5", "1,234", "1 234", "1\u2009234", "1.234.567", "53,8",
    "1.5e+3", "2 x 10^3", "10⁴", "\u2212", "-", ".", ",", " ", "  ", "\n", "\n\n", "\t", "%", " %",
    "percent", " per cent", "PERCENT", "one", "Twenty", "twenty-four", "-four", "methodstwenty-four",
    " and ", "hundred", "often", "_", "(", ")", "/", " of ", "ſ", "\u212a", "İ", "Σ", "ΑΣ", "\ud800",
    "\u00a0", "\x1c", "\0", "٣",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=30).map("".join)
_SECTION = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)


_GAPS = [
    "",
    " ",
    "%",
    "x",
    "1",
    "(",
    "-",
    ".",
    "\0",
    "_",
    "\n",
    "\t",
    "\x1c",
    "\u2009",
    "\n\n",
    " %",
    " percent ",
    "\n1",
    "-\n",
    "Title 3:\n",
]
_LAID_OUT = st.lists(st.tuples(st.sampled_from(_GAPS), _SECTION | _TEXT), min_size=1, max_size=5)


def _laid_out(parts: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """A text of gaps and sections, and the sections' spans."""
    text, spans = "", []
    for gap, section in parts:
        text += gap
        spans.append((len(text), len(text) + len(section)))
        text += section
    return text, spans


@settings(max_examples=250, deadline=None)
@given(_LAID_OUT)
def test_numbers_across_are_each_spans_numbers(parts: list[tuple[str, str]]) -> None:
    """find_numbers_across gives, when it joins the spans, what find_numbers gives for each span in
    turn: the same numbers (values, spans, flags) and the same numerals dropped, in order."""
    text, spans = _laid_out(parts)
    dropped: list[numbers.Dropped] = []
    joined = numbers.find_numbers_across(text, spans, dropped)
    expected: list[numbers.Num] = []
    expected_dropped: list[numbers.Dropped] = []
    for start, end in spans:
        expected += numbers.find_numbers(text, start, end, expected_dropped)
    if joined is None:
        assert dropped == []
        return
    assert joined == expected
    assert dropped == expected_dropped


def test_numbers_across_written_cases() -> None:
    text = "Title 5.\n\nMethods: 12 of 40 had 07.\n\nResults: Nine (22%)\n\npercent twenty-one"
    spans = [(0, 8), (10, 35), (37, 56), (58, len(text))]
    found = numbers.find_numbers_across(text, spans, [])
    assert found is not None
    assert [(text[n.start : n.end], n.value, n.percent) for n in found] == [
        ("5", 5.0, False),
        ("12", 12.0, False),
        ("40", 40.0, False),
        ("Nine", 9.0, False),
        ("22%", 22.0, True),
        ("twenty-one", 21.0, False),
    ]
    # the "percent" opening the last section is not read with the "(22%)" before it, nor "9" with it
    assert found == [n for start, end in spans for n in numbers.find_numbers(text, start, end)]
    # not joined: one character between spans that is no whitespace, or a word character right
    # before a span; one whitespace character between is read as the spans' edges
    assert numbers.find_numbers_across("12-3", [(0, 2), (3, 4)]) is None
    assert numbers.find_numbers_across("12x3", [(0, 2), (3, 4)]) is None
    cases = [
        ("12 3", [(0, 2), (3, 4)]),
        ("12\n3 of 40", [(0, 2), (3, 10)]),
        ("twenty\nfour", [(0, 6), (7, 11)]),
        ("12\n%", [(0, 2), (3, 4)]),
        ("1 234", [(0, 1), (2, 5)]),
        ("5\u2009000", [(0, 1), (2, 5)]),
        ("and\tfour", [(0, 3), (4, 8)]),
        ("Results\n3.5e+3\n-4", [(0, 7), (8, 14), (15, 17)]),
    ]
    for text, spans in cases:
        found = numbers.find_numbers_across(text, spans, [])
        assert found is not None, text
        assert found == [n for start, end in spans for n in numbers.find_numbers(text, start, end)], text
    assert numbers.find_numbers_across("12  x3", [(0, 2), (5, 6)]) is None
    assert numbers.find_numbers_across("12  (3", [(0, 2), (5, 6)]) is not None


def test_context_numbers_with_joined_sections() -> None:
    """build_context gives each sentence its numbers whether the sections were joined or not."""
    text = "Imatinib trial.\n\nMethods: 40 patients.\n\nResults: 12 of 40 (30%) responded. Two died."
    sections = (
        Section("title", 0, 15),
        Section("abstract", 17, 38, "METHODS"),
        Section("abstract", 40, len(text), "RESULTS"),
    )
    built = context.build_context(Document("doc.txt", "0" * 64, "text", text, sections=sections))
    read = [[text[n.start : n.end] for n in info.numbers] for info in built.sentences]
    assert read == [[], ["40"], ["12", "40", "30%"], ["Two"]]
    assert [[(f.count.value, f.total.value) for f in info.fractions] for info in built.sentences] == [
        [],
        [],
        [(12.0, 40.0)],
        [],
    ]
    # sections one character apart are read section by section, with the same numbers
    close = "40 patients. 12 of 40"
    built = context.build_context(
        Document("d.txt", "0" * 64, "text", close, sections=(Section("body", 0, 12), Section("body", 13, 21)))
    )
    assert [[n.value for n in info.numbers] for info in built.sentences] == [[40.0], [12.0, 40.0]]


def test_fractions_found_on_first_read() -> None:
    """A sentence's fractions, given as None with the document's text, are found on the first read,
    once; equality, repr and dataclasses.replace read them as the field they were."""
    text = "Of 40 patients, 12 of 40 responded and 3/25 progressed."
    found = numbers.find_numbers(text)
    sentence = sentences.Sentence(0, len(text), text)
    lazy = context.SentenceInfo(sentence, "abstract", "", found, None, [], None, None, "", "a.txt", text)
    eager = context.SentenceInfo(
        sentence, "abstract", "", found, numbers.find_fractions(text, found), [], None, None, "", "a.txt"
    )
    assert [(f.count.value, f.total.value) for f in lazy.fractions] == [(12.0, 40.0), (3.0, 25.0)]
    assert lazy.fractions is lazy.fractions
    assert lazy == eager and repr(lazy) == repr(eager)
    assert dataclasses.replace(lazy, label="RESULTS").fractions == eager.fractions
    one = context.SentenceInfo(sentence, "abstract", "", found[:1], None, [], None, None, "", "a.txt", text)
    assert one.fractions == []


_LABELS = [
    "Results", "RESULTS", "results", "Result", "Main results", "Conclusions", "Findings", "Methods",
    "Patients and\nmethods", "Interpretation", "Discussion", "Background", "ReſULTS", "Re\u212aults",
    "İnterpretation", "Conclu", "-Results", "_Results", "aResults", "12", "",
]  # fmt: skip
_COLONS = [":", " :", ": ", "", ". ", " "]
_FILLERS = ["", "The 12.", "a", " b. ", "\n", "sions", "-", "Results", "Yes. No: Results"]
_LABELLED = st.lists(
    st.tuples(st.sampled_from(_LABELS), st.sampled_from(_COLONS), st.sampled_from(_FILLERS)).map("".join),
    min_size=1,
    max_size=4,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_LABELLED, st.integers(0, 3))
def test_inline_labels_gate_keeps_the_labels(text: str, skip: int) -> None:
    """A section without a results label's first word skips the backwards label search, with the
    labels it would have found (ASCII or not, any slice start)."""
    found = sentences.split_sentences(text, min(skip, len(text)))
    if found:
        gated = context._inline_labels(text, found)
        with patched(context, _result_label_words=lambda: None):  # the gate's own "off" answer
            assert gated == context._inline_labels(text, found)


def test_sentence_info_slots_read_as_the_properties_did() -> None:
    """start, end, reports_results and lower are plain slots set by __init__ (each read was a
    property call): the values the properties gave, also after dataclasses.replace, and no field."""
    sentence = sentences.Sentence(5, 26, "ReſULTS İn 12 Patients")
    info = context.SentenceInfo(sentence, "abstract", "RESULTS", [], [], [], None, None, "", "a.txt")
    assert (info.start, info.end, info.reports_results) == (5, 26, True)
    assert info.lower == vocab.lowercase(sentence.text) and len(info.lower) == len(sentence.text)
    assert info.has_word(re.compile(r"patients")) and not info.has_word(re.compile(r"results"))
    for kind, label in (("title", ""), ("registry", "outcome_measures")):
        assert not dataclasses.replace(info, kind=kind, label=label).reports_results
    moved = dataclasses.replace(info, sentence=sentences.Sentence(0, 3, "ONE"))
    assert (moved.start, moved.end, moved.lower) == (0, 3, "one")
    assert {f.name for f in dataclasses.fields(info)}.isdisjoint({"start", "end", "reports_results", "lower"})


def test_context_text_is_the_documents() -> None:
    """Context.text is a slot set from the document (it was a property): the same text, also
    for a Context made directly or replaced, and no init argument, compared or printed field."""
    document = Document("a.txt", "0" * 64, "text", "Ten patients.")
    made = context.Context(document)
    assert made.text is document.text and context.build_context(document).text is document.text
    other = Document("b.txt", "1" * 64, "text", "Two.")
    assert dataclasses.replace(made, document=other).text == "Two."
    assert "text=" not in repr(made).replace("text='Ten patients.'", "")


def test_states_results_is_what_the_property_gave() -> None:
    """states_results, set by __init__, answers as the property did: never in a title or an outcome
    definition; by the inline label when there is one, else the section's label."""

    def expected(kind: str, label: str, inline: str) -> bool:
        if kind == "title" or label in context.DEFINITION_LABELS:
            return False
        named = inline or label
        return not named or named.lower().rstrip(":") not in context.cues_non_result_labels()

    sentence = sentences.Sentence(0, 3, "Ten")
    cases = [
        (kind, label, inline)
        for kind in ("title", "abstract", "registry")
        for label in ("", "METHODS", "Results", "outcome_measures", "Patients and methods:")
        for inline in ("", "results", "methods", "METHODS:")
    ]
    assert any(expected(*case) for case in cases) and not all(expected(*case) for case in cases)
    for kind, label, inline in cases:
        info = context.SentenceInfo(sentence, kind, label, [], [], [], None, None, inline, "a.txt")
        assert info.states_results is expected(kind, label, inline)
        assert dataclasses.replace(info, inline_label="").states_results is expected(kind, label, "")
