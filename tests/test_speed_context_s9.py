"""The ninth session's shortcuts in building a document's context read as what they replace (issue 12).

A bytes automaton of ASCII forms over `vocab.automaton_bytes` (no map from UTF-8 bytes back to
characters on each call) finds what the str automaton finds over `vocab.automaton_text`, at the
same offsets, on texts with letters beyond ASCII, lone surrogates and U+FFFD.
"""

from __future__ import annotations

import ahocorasick_rs
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import numbers

_LETTERS = "abn \x00-é\u00e9\ud800\ufffd\u0130\u017f\x80\u2013"
_FORM_LETTERS = "abn \x00-"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(_FORM_LETTERS, min_size=1, max_size=4), min_size=1, max_size=12, unique=True),
    st.text(_LETTERS, max_size=60),
)
def test_the_bytes_automaton_finds_what_the_str_automaton_finds(forms: list[str], text: str) -> None:
    automaton, reads = vocab.automaton_input(forms)
    assert reads is vocab.automaton_bytes and type(automaton) is ahocorasick_rs.BytesAhoCorasick
    reference = ahocorasick_rs.AhoCorasick(forms)
    expected = reference.find_matches_as_indexes(vocab.automaton_text(text), overlapping=True)
    assert automaton.find_matches_as_indexes(reads(text), overlapping=True) == expected
    assert len(reads(text)) == len(text)


def test_a_form_beyond_ascii_keeps_the_str_automaton() -> None:
    """A --vocab synonym with "é": the bytes automaton could not tell it from another letter."""
    automaton, reads = vocab.automaton_input(["tumeur", "néo"])
    assert reads is vocab.automaton_text and type(automaton) is ahocorasick_rs.AhoCorasick
    assert automaton.find_matches_as_indexes(reads("un néo\ud800 tumeur"), overlapping=True) == [
        (1, 3, 6),
        (0, 8, 14),
    ]


def test_number_words_are_read_as_bytes() -> None:
    """The packaged number words are ASCII: their finder reads bytes, and finds "twelve" and the
    "ten" inside "often" (_word_starts: where one is written, inside words too)."""
    patterns = numbers._patterns()
    assert patterns.finder_reads is vocab.automaton_bytes
    lowered = "often twelve (\u00e9) \ud800 five"
    assert numbers._word_starts(patterns, lowered) == [2, 6, 19]
