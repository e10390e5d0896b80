"""The cheap tests that let extraction skip a regex pass (issue 12, fewer passes in extraction).

Each skip says "this pattern cannot match here" from something every match must hold (a head word,
a digit or a listed name, a colon, a whole number); each is checked against the same extractor run
without the skip on random sentences built from the vocabulary's own words, and on a few written
by hand. A skip that ever changed an answer would change the output bytes.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import context as context_module
from imatinib_cli.extract import numbers, populations, toxicity
from imatinib_cli.extract.context import build_context
from imatinib_cli.models import Document
from imatinib_cli.regexes import prefix_alternation, word_start_alternation

_WORDS = [
    "grade", "grades", "3", "3/4", "III", "IV", "severe", "or", "and", "to", "adverse", "Adverse",
    "events", "event", "toxicities", "TOXICITY", "side-effects", "side", "effects", "cytopenias",
    "patients", "with", "exon", "11", "9", "D842V", "V560del", "non-D842V", "wild-type", "Wild",
    "type", "wildtype", "FS-DFSP", "fs", "KIT", "PDGFRA", "Twelve", "of", "the", "24", "who",
    "received", "adjuvant", "imatinib", "had", "a", "partial", "response", "cases:", "two",
    "neutropenia", "rash", ":", ",", "(", ")", "12%", "were", "escalated", "800", "mg/day", "Ïl",
    "ſide", "Kelvin\u212a",
]  # fmt: skip


def _infos(text: str) -> list[context_module.SentenceInfo]:
    document = Document(path="inline.txt", sha256="0" * 64, format="text", text=text)
    return build_context(document).sentences


def _context(text: str) -> context_module.Context:
    return build_context(Document(path="inline.txt", sha256="0" * 64, format="text", text=text))


_sentences = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=18).map(lambda ws: " ".join(ws) + ".")


@settings(max_examples=150, deadline=None)
@given(_sentences)
def test_aggregate_skip_changes_nothing(sentence: str) -> None:
    context = _context(sentence)
    for info in context.sentences:
        fast = toxicity._aggregates(context.text, info, [])
        real = toxicity._aggregate_head_starts
        toxicity._aggregate_head_starts = lambda: None  # type: ignore[assignment]
        try:
            slow = toxicity._aggregates(context.text, info, [])
        finally:
            toxicity._aggregate_head_starts = real
        assert fast == slow


@settings(max_examples=150, deadline=None)
@given(_sentences)
def test_subgroup_skip_changes_nothing(sentence: str) -> None:
    context = _context(sentence)
    for info in context.sentences:
        fast = populations._find_subgroups(context, info)
        real = populations._subgroup_name_starts
        populations._subgroup_name_starts = lambda: None  # type: ignore[assignment]
        try:
            slow = populations._find_subgroups(context, info)
        finally:
            populations._subgroup_name_starts = real
        assert fast == slow


def test_skips_on_written_sentences() -> None:
    context = _context(
        "Grade 3/4 adverse events occurred in 12 patients. Severe toxicities were rare. "
        "Patients with wild-type GIST did worse. No exon mutation was found in them."
    )
    first, second, third, fourth = context.sentences
    assert [
        (a.grade, context.text[a.start : a.end]) for a in toxicity._aggregates(context.text, first, [])
    ] == [("3/4", "Grade 3/4 adverse events")]
    assert [context.text[a.start : a.end] for a in toxicity._aggregates(context.text, second, [])] == [
        "Severe toxicities"
    ]
    assert toxicity._aggregates(context.text, third, []) == []  # no head word: not run
    assert [m.key for m in populations._find_subgroups(context, third)] == ["wild type"]
    assert populations._find_subgroups(context, fourth) == []  # no digit, no name: not run


def test_cohorts_are_read_once_per_sentence() -> None:
    context = _context(
        "Of 14 patients who received neoadjuvant imatinib, 9 had a partial response. "
        "Patients who received neoadjuvant imatinib did well."
    )
    sized, unsized = context.sentences
    first = populations.find_cohorts(context, sized)
    again = populations.find_cohorts(context, sized)
    assert [(m.n.value, m.label) for m in first] == [(14.0, "patients who received neoadjuvant imatinib")]
    assert again == first and again is not first  # a fresh list each time: callers may change it
    assert "cohorts" in sized.cached
    assert populations.find_cohorts(context, unsized) == []  # no whole number: nothing sizes a cohort


def test_inline_labels_without_a_colon() -> None:
    infos = _infos("Background text here. Results were good. Methods: none.")
    assert [info.inline_label for info in infos] == ["", "", ""]  # no results label: none kept
    infos = _infos("Methods: we treated 12 patients. Results: 3 responded. No colon here")
    assert [info.inline_label for info in infos] == ["methods", "results", "results"]


def _plain_inline_label() -> re.Pattern[str]:
    """The inline-label pattern as first written: one plain alternation, longest label first."""
    data = vocab.load("cues")
    labels = [str(x) for x in data["non_result_labels"]] + [str(x) for x in data["result_labels"]]
    words = sorted((label for label in labels if "_" not in label), key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w-])(?i:{alternation})\s*:", re.M)


_LABEL_PIECES = [
    "Results", "RESULTS", "results", "Patients and methods", "PATIENTS  AND\nMETHODS", "Study design",
    "Background", "sults", "Con", "clusions", "ſtudy design", "\u212aey", "İ", "x", "-", "_", "é", "1",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_LABEL_PIECES), st.sampled_from(["", " ", ":", " :", "-", "a"]))))
def test_inline_label_pattern_matches_as_the_plain_alternation(parts: list[tuple[str, str]]) -> None:
    """The label pattern opens with a case-blind lookahead of first letters and shares prefixes
    (half the time); it must find exactly what the plain alternation finds, "ſtudy design:" too."""
    text = "".join(a + b for a, b in parts)
    fast = [(m.start(), m.end()) for m in context_module._inline_label().finditer(text)]
    assert fast == [(m.start(), m.end()) for m in _plain_inline_label().finditer(text)]


def test_inline_label_pattern_reads_case_folded_letters() -> None:
    assert context_module._inline_label().search("ſtudy design: x").group(0) == "ſtudy design:"
    assert context_module._inline_label().search("in Results : 5") is not None
    assert context_module._inline_label().search("nonresults: 5") is None


def _plain_maybe_dropped() -> re.Pattern[str]:
    """numbers._MAYBE_DROPPED as first written: seven options, the last behind a lookbehind."""
    chars = r"[\d.,·\u2009\u202f\u00a0]"
    return re.compile(
        rf"{chars}{{{numbers.MAX_NUMERAL + 1}}}|\d[eE][+\-−]?\d|10\s?\^|10[⁺⁻{numbers._SUPERSCRIPTS}]"
        r"|\d \d{3}|\d\.\d{3}[.,]\d"
        r"|(?<![\w.\-\u2212])0\d"
    )


_NUMERAL_PIECES = [
    "0", "1", "10", "5", "e", "E", "+", "-", "\u2212", " ", "^", "⁴", "¹", ".", ",", "·", "\u2009",
    "a", "_", "\u0663", "12", "000", "1.234", "07", "x07", ".07", "1e5", "10 ^", "2 500",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_NUMERAL_PIECES), max_size=14), st.integers(0, 40), st.integers(0, 40))
def test_the_dropped_numeral_test_finds_what_the_plain_pattern_finds(
    parts: list[str], a: int, b: int
) -> None:
    """The first-character form of the cheap dropped-numeral test answers as the plain one does,
    for any slice (its lookbehinds see the characters before the slice, as the plain one's do)."""
    text = "".join(parts)
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    fast = numbers._MAYBE_DROPPED.search(text, start, end) is not None
    assert fast == (_plain_maybe_dropped().search(text, start, end) is not None)


def test_the_dropped_numeral_test_on_written_numerals() -> None:
    found = [
        bool(numbers._MAYBE_DROPPED.search(t)) for t in ("1.5e+99", "07", "10^4", "2 500", "12.5", "x07")
    ]
    assert found == [True, True, True, True, False, False]


_NUMBER_WORD_PIECES = [
    "one", "two", "ten", "tens", "twenty", "twenty-one", "hundred", "thousand", "eleven", "and", " ",
    "-", "x", "_", "é", "1", "%", " percent", "onehundred", "Seventy", "ſix",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NUMBER_WORD_PIECES), max_size=10), st.integers(0, 30))
def test_spelled_numbers_are_found_as_with_a_plain_word_boundary(parts: list[str], start: int) -> None:
    """The number-word pattern checks its word boundary after the first letter; it must find what
    "\\b(?:one|two|...)" found, from any start (both look behind the start for the boundary)."""
    text = " ".join(parts).lower()
    start = min(start, len(text))
    plain = re.compile(
        numbers._patterns().words.pattern.replace(
            word_start_alternation(numbers._patterns().values),
            r"\b" + prefix_alternation(numbers._patterns().values),
            1,
        )
    )
    assert plain.pattern != numbers._patterns().words.pattern
    found = [(m.span(), m.group("wpct")) for m in numbers._patterns().words.finditer(text, start)]
    assert found == [(m.span(), m.group("wpct")) for m in plain.finditer(text, start)]
