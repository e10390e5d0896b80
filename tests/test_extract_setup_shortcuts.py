"""Shortcuts in extraction's per-document setup (issue 12): each reads what the form it replaces
reads, checked against that form on random text (hypothesis) with the characters case-blind
matching and Unicode whitespace treat apart ("ſ", "İ", "ı", the Kelvin sign, tabs, no-break and
other spaces, controls) and on written cases. A shortcut that ever answered differently would
change the output bytes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import context, cues, numbers, sentences
from imatinib_cli.models import Evidence

_ODD = [
    "ſ",
    "İ",
    "ı",
    "\u212a",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\x1c",
    "\x1f",
    "\x0b",
    "\x0c",
    "\r",
    "\t",
    "\n",
]
_CHARS = st.sampled_from(list("aZk.s. ,;()-1") + _ODD) | st.characters()


@settings(max_examples=600, deadline=None)
@given(st.text(_CHARS, max_size=30))
def test_last_word_is_what_the_search_captured(head: str) -> None:
    """`_last_word(head)` is group 1 of `([A-Za-z][A-Za-z.]*)\\.\\s*$` searched in head + "." (""
    when it does not match): the word before a full stop, for the abbreviation test."""
    match = re.search(r"([A-Za-z][A-Za-z.]*)\.\s*$", head + ".")
    assert sentences._last_word(head) == (match.group(1) if match else "")


def test_last_word_written_cases() -> None:
    assert sentences._last_word("see Smith et al") == "al"
    assert sentences._last_word("given (b.i.d") == "b.i.d"
    assert sentences._last_word("a rate of 3") == ""
    assert sentences._last_word("end ..e.g") == "e.g"
    assert sentences._last_word("ſ") == ""


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b", " ", ".", "1", "  ", " \n", "\r\n", *_ODD]) | st.characters(), max_size=30
    ).map("".join)
)
def test_quote_is_the_text_with_its_whitespace_joined(text: str) -> None:
    """A sentence's quote is `" ".join(text.split())` (with the cut marks); the shortcut that
    returns the text itself when that join would not change it answers the same."""
    sentence = sentences.Sentence(0, len(text), text)
    assert sentences.quote(sentence) == " ".join(text.split())
    cut = sentences.Sentence(0, len(text), text, True, True)
    assert sentences.quote(cut) == f"{sentences.ELLIPSIS} {' '.join(text.split())} {sentences.ELLIPSIS}"


def test_quote_written_cases() -> None:
    assert sentences.quote(sentences.Sentence(0, 9, "12 of 30.")) == "12 of 30."
    assert sentences.quote(sentences.Sentence(0, 10, "12 of\n 30.")) == "12 of 30."
    assert sentences.quote(sentences.Sentence(0, 9, "12\x1cof 30")) == "12 of 30"
    assert sentences.quote(sentences.Sentence(0, 9, "12\u00a0of 30")) == "12 of 30"


_ASCII_PIECES = st.lists(
    st.sampled_from(["one", "twenty", "-", " and ", "four", "%", " percent", "none", "_", "1", "x", "."])
    | st.characters(max_codepoint=127),
    max_size=20,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_ASCII_PIECES, st.integers(0, 3))
def test_spelled_scan_for_ascii_text_finds_what_the_unicode_one_does(text: str, at: int) -> None:
    """numbers' after_gap_ascii ("[^0-9A-Za-z_]" for "\\W") finds the same matches, groups
    included, on ASCII text: the only text find_numbers scans with it."""
    patterns = numbers._patterns()
    assert patterns.after_gap is not None and patterns.after_gap_ascii is not None
    lowered = text.lower()
    found = [
        (m.span(), m.groupdict()) for m in patterns.after_gap_ascii.finditer(lowered, min(at, len(lowered)))
    ]
    assert found == [
        (m.span(), m.groupdict()) for m in patterns.after_gap.finditer(lowered, min(at, len(lowered)))
    ]


_CUE_LISTS = [
    ("cues", "design"), ("responses", "anaphora"), ("cues", "toxicity", "cues"), ("cues", "mutation_words"),
    ("cues", "evaluable"), ("responses", "negations"), ("responses", "cited_work"),
]  # fmt: skip
_CUE_PIECES = st.lists(
    st.sampled_from(
        ["random", "randomized", "non-randomized", "these", "the", "this", "grade", "mutations", "no", "not"]
        + ["evaluable", "assessable", "open-label", "multicenter", "_", "1", "-", " ", "x", "ſ", "\u212a"]
    )
    | st.characters(max_codepoint=127),
    max_size=16,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_CUE_PIECES, st.sampled_from(_CUE_LISTS))
def test_cue_word_search_for_ascii_text_answers_as_the_unicode_one(
    text: str, cue_list: tuple[str, ...]
) -> None:
    """SentenceInfo.has_word searches an ASCII sentence with the cue pattern's ASCII twin (its
    word-start tests as ASCII sets): the same matches there, and the pattern itself elsewhere."""
    pattern = cues.any_word(cue_list[0], *cue_list[1:])
    twin = context._ascii_twin(pattern)
    assert twin.pattern != pattern.pattern
    lowered = text.lower()
    expected = [m.span() for m in pattern.finditer(lowered)]
    if lowered.isascii():
        assert [m.span() for m in twin.finditer(lowered)] == expected
    info = context.SentenceInfo(
        sentences.Sentence(0, len(text), text), "abstract", "", [], [], [], Evidence("x", 0, 0, "")
    )
    assert info.has_word(pattern) is bool(expected)
