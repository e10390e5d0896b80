"""Shortcuts in the population readers (issue 12, eighth session).

Each reshaped pattern is checked against the one it replaces, on random texts built from the
readers' own words with characters that case folding treats specially ("ſ", the Kelvin sign,
"İ", "ı", a final sigma), and its sets against every code point; a shortcut that ever changed an
answer would change the output bytes.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import populations

_OPENING_WORDS = [
    "Results", "RESULTS", "Methods", "Among", "among", "Of", "of", "OF", "In", "in", "İn", "ın", "the",
    "these", "those", "14", "twelve", "Twelve", "patients", "Patients", "patientſ", "pts", "cases", "who",
    "WHO", "had", "received", "Received", "underwent", "were", "treated", "with", "given", "imatinib",
    "neoadjuvant", "exon", "11", "mutation", "\u212aIT", "ſ", "İ", "ı", "\u212a", "Σ", ":", ": ", ",",
    ";", ".", "-", "A", "a", "Z", "z", "abcdefghijklmnopqrstuvwxyz", "\n",
]  # fmt: skip

_openings = st.lists(st.sampled_from(_OPENING_WORDS), min_size=0, max_size=14).flatmap(
    lambda words: st.lists(
        st.sampled_from(["", " ", "  ", "\n"]), min_size=len(words), max_size=len(words)
    ).map(lambda gaps: "".join(g + w for g, w in zip(gaps, words, strict=True)))
)


@settings(max_examples=800, deadline=None)
@given(_openings, st.integers(0, 6))
def test_opening_patterns_read_their_label_as_the_case_blind_sets_did(text: str, start: int) -> None:
    """The three opening patterns with the label written as case-sensitive sets match exactly what
    they matched with `(?:[A-Z][A-Za-z ]{0,20}:\\s*)?` under re.I, group for group."""
    assert populations._LABEL_OPENING in populations._cohort_opening_pattern().pattern
    start = min(start, len(text))
    for built in (
        populations._opening_pattern(),
        populations._cohort_opening_pattern(),
        populations._cohort_subject_pattern(),
    ):
        before = re.compile(
            built.pattern.replace(populations._LABEL_OPENING, r"(?:[A-Z][A-Za-z ]{0,20}:\s*)?"), built.flags
        )
        for text_start in (0, start):
            new, old = built.match(text, text_start), before.match(text, text_start)
            assert (new and (new.span(), new.groupdict())) == (old and (old.span(), old.groupdict()))


def test_the_label_sets_hold_what_re_i_folds_into_a_letter() -> None:
    import sys

    blind = re.compile(r"[A-Za-z ]", re.I)
    sensitive = re.compile(populations._LETTER_OR_SPACE)
    letter_blind, letter = re.compile(r"[A-Z]", re.I), re.compile(populations._LETTER)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(blind.fullmatch(char)) == bool(sensitive.fullmatch(char))
        assert bool(letter_blind.fullmatch(char)) == bool(letter.fullmatch(char))
