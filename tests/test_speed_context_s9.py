"""The ninth session's shortcuts in building a document's context read as what they replace (issue 12).

A bytes automaton over `vocab.automaton_bytes` (one byte a character, no map from UTF-8 bytes
back to characters on each call) finds what the str automaton finds over `vocab.automaton_text`,
at the same offsets, on texts with letters beyond ASCII, lone surrogates and U+FFFD.
"""

from __future__ import annotations

import ahocorasick_rs
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import numbers

_LETTERS = "abn \x00-\u00e9\u2265\ud800\ufffd\u0130\u017f\u212a\x80\xff\u2013"
_FORM_LETTERS = "abn \x00-\u00e9\u2265\u017f\u212a"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(_FORM_LETTERS, min_size=1, max_size=4), min_size=1, max_size=12, unique=True),
    st.text(_LETTERS, max_size=60),
)
def test_the_bytes_automaton_finds_what_the_str_automaton_finds(forms: list[str], text: str) -> None:
    """Forms with letters beyond ASCII ("é", "≥", "ſ", the Kelvin sign), texts with those and
    others ("İ", a lone surrogate, U+FFFD, U+0080 and U+00FF, whose code points are bytes the
    automaton reads): the same (form, start, end) as the str automaton over automaton_text."""
    automaton, reads = vocab.automaton_input(forms)
    assert reads is vocab.automaton_bytes and type(automaton) is ahocorasick_rs.BytesAhoCorasick
    reference = ahocorasick_rs.AhoCorasick(forms)
    expected = reference.find_matches_as_indexes(vocab.automaton_text(text), overlapping=True)
    assert automaton.find_matches_as_indexes(reads(text), overlapping=True) == expected
    assert len(reads(text)) == len(text)


def test_forms_beyond_127_other_characters_keep_the_str_automaton() -> None:
    """Each character beyond ASCII that a form holds takes one of the bytes 0x80-0xfe: a
    vocabulary in another script (200 CJK characters) gets the str automaton, and the bytes
    given out before stay as they were."""
    before = dict(vocab._FORM_BYTES)
    forms = [chr(0x4E00 + number) + "ab" for number in range(200)]
    automaton, reads = vocab.automaton_input(forms)
    assert reads is vocab.automaton_text and type(automaton) is ahocorasick_rs.AhoCorasick
    assert before == vocab._FORM_BYTES
    assert automaton.find_matches_as_indexes(reads("x\u4e01ab \ud800"), overlapping=True) == [(1, 1, 4)]


def test_a_grade_sign_form_is_read_as_bytes() -> None:
    """The packaged cue "grade≥3" holds "≥": its own byte, so "grade≥3" is found and "grade>3"
    or "grade≤3" is not."""
    automaton, reads = vocab.automaton_input(["grade≥3", "ab"])
    assert reads is vocab.automaton_bytes
    assert reads("grade≥3")[5] == vocab._FORM_BYTES["≥"]
    assert reads("\u00fc\ud800") == bytes([0xFF, vocab._FORM_BYTES.get("\ufffd", 0xFF)])
    found = automaton.find_matches_as_indexes(reads("grade\u22643 grade≥3 grade>3"), overlapping=True)
    assert found == [(0, 8, 15)]


def test_number_words_are_read_as_bytes() -> None:
    """The packaged number words are ASCII: their finder reads bytes, and finds "twelve" and the
    "ten" inside "often" (_word_starts: where one is written, inside words too)."""
    patterns = numbers._patterns()
    assert patterns.finder_reads is vocab.automaton_bytes
    lowered = "often twelve (\u00e9) \ud800 five"
    assert numbers._word_starts(patterns, lowered) == [2, 6, 19]


def test_a_lone_surrogate_reads_as_the_replacement_character() -> None:
    """automaton_text writes a lone surrogate as U+FFFD, so a form holding U+FFFD (a --vocab
    phrase) is found over one; the bytes automaton reads it the same way."""
    automaton, reads = vocab.automaton_input(["a\ufffdb"])
    assert reads is vocab.automaton_bytes
    assert automaton.find_matches_as_indexes(reads("xa\ud800b"), overlapping=True) == [(0, 1, 4)]
    assert automaton.find_matches_as_indexes(reads("xa\ufffdb ya\u00e9b"), overlapping=True) == [(0, 1, 4)]


def test_threads_compiling_at_once_give_a_character_one_byte() -> None:
    """Two threads building their first automaton with the same new character (a Dask worker's
    threads) must not each give it a byte: the later byte would leave the earlier automaton
    blind to its own form."""
    import threading

    form = "dose\u2265400 \u00e8\u00e8"
    start = threading.Barrier(8)
    found: list[list[tuple[int, int, int]]] = []

    def build() -> None:
        start.wait()
        automaton, reads = vocab.automaton_input([form])
        found.append(automaton.find_matches_as_indexes(reads(form), overlapping=True))

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [[(0, 0, len(form))]] * 8
