"""Scans reshaped so `re` stops at fewer places (issue 12, numbers, outcomes and heme, third pass).

Each reshaped scan is checked against the pattern it stands for on random texts made of the words
it looks for, the characters case-blind matching folds ("ſ", "İ", "ı", the Kelvin sign) and the
punctuation around them, with random slice bounds. A scan that ever found another match would
change the output bytes.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import numbers, outcomes

_FOLDS = ["\u017f", "\u0130", "\u0131", "\u212a"]

_SPELLED_PIECES = [
    "one", "One", "twenty", "TWENTY", "four", "-", " ", "  ", "and", " and ", "hundred", "thousand",
    "seven", "seventeen", "seventy", "six", "ſix", "ſeven", "eight", "eighteen", "%", " %", "percent",
    " per cent", "pct", "none", "often", "x", "_", "1", "(", ")", ".", ",", "methods", "Methods",
    "single", "zero", "ten", "twelve", "\n", "\u2009", "é", "·", *_FOLDS,
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_SPELLED_PIECES), max_size=16), st.integers(0, 4))
def test_spelled_numbers_found_after_gaps_as_by_the_first_letter_scan(parts: list[str], at: int) -> None:
    lowered = vocab.lowercase("".join(parts))
    patterns = numbers._patterns()
    assert patterns.after_gap is not None
    at = min(at, len(lowered))
    expected = [
        (m.start(), m.end(), m.group("words"), bool(m.group("wpct")))
        for m in patterns.words.finditer(lowered, at)
    ]
    assert list(numbers._spelled(patterns, lowered, at)) == expected


def test_spelled_numbers_on_written_text() -> None:
    found = numbers.find_numbers(
        "Twenty-four of thirty-one (five%six) had one hundred and two; METHODSTwenty-four"
    )
    assert [(n.value, n.start, n.end, n.percent) for n in found] == [
        (24.0, 0, 11, False),
        (31.0, 15, 25, False),
        (5.0, 27, 32, True),
        (6.0, 32, 35, False),
        (102.0, 41, 60, False),
        (24.0, 69, 80, False),  # "METHODSTwenty-four": the label glued to the number
    ]
    # A slice that starts inside a word reads no number from its rest ("one" in "none").
    assert numbers.find_numbers("none of them", 1) == []
    assert [n.value for n in numbers.find_numbers("-four", 1)] == [4.0]


_NUMERAL_PIECES = [
    "0", "1", "10", "07", "45", "2004", "123", "1234", ".", "·", ",", "5", "e", "E", "+", "-", "−",
    "×", "x", "X", "*", "^", "⁴", "¹", "²", "⁻", "⁺", " ", "\u2009", "\u202f", "\u00a0", "\n", "%",
    " %", " percent", "mg", "T", "D", "v", "_", "٣", "(", ")", "a", *_FOLDS,
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_NUMERAL_PIECES), max_size=14), st.integers(0, 3), st.integers(0, 3))
def test_numeral_pattern_with_the_common_case_first_matches_as_without(
    parts: list[str], pos: int, cut: int
) -> None:
    text = "".join(parts)
    plain = re.compile(numbers._patterns().digits.pattern.replace(numbers._COMMON, "", 1))
    fast = numbers._patterns().digits
    assert fast.pattern != plain.pattern
    end = max(pos, len(text) - cut)
    got = [(m.span(), m.groupdict()) for m in fast.finditer(text, pos, end)]
    assert got == [(m.span(), m.groupdict()) for m in plain.finditer(text, pos, end)]


def test_numerals_on_written_text() -> None:
    found = numbers.find_numbers(
        "45 patients, 07/2014, 1 234 and 10⁴, 1.5e+3, 45T, 400mg, 2 x 10^3, 12 %, 1,234"
    )
    assert [(n.value, n.percent) for n in found] == [
        (45.0, False),
        (2014.0, False),
        (10000.0, False),
        (1500.0, False),
        (400.0, False),
        (2000.0, False),
        (12.0, True),
        (1234.0, False),
    ]


def _fractions_as_first_written(text: str, found: list[numbers.Num]) -> list[numbers.Fraction]:
    joiner = numbers._patterns().fraction
    fractions = []
    for left, right in zip(found, found[1:], strict=False):
        if left.percent or right.percent or not left.is_int or not right.is_int:
            continue
        if right.value < left.value or right.value == 0:
            continue
        if joiner.fullmatch(text[left.end : right.start]):
            fractions.append(numbers.Fraction(left, right, left.start, right.end))
    return fractions


_FRACTION_PIECES = [
    "3", "12", "0", "2.5", "40%", "/", " / ", " of ", " OF the ", " of the total ", " out of ", "of",
    " ", "\n", "five", "Twenty", " and ", "x", "(", ")", "ſ", *_FOLDS,
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_FRACTION_PIECES), max_size=12))
def test_fractions_read_as_first_written(parts: list[str]) -> None:
    text = "".join(parts)
    found = numbers.find_numbers(text)
    assert numbers.find_fractions(text, found) == _fractions_as_first_written(text, found)


def test_fractions_on_written_text() -> None:
    text = "12 of 40 patients, 3/3, 5 out of the 2, 0/0, 7 OF the total 9, 40% of 50"
    pairs = [(f.count.value, f.total.value) for f in numbers.find_fractions(text, numbers.find_numbers(text))]
    assert pairs == [(12.0, 40.0), (3.0, 3.0), (7.0, 9.0)]


_VARIANT_PIECES = [
    "D842V", "V560del", "Y823D", "W557_K558del", "exon", "EXON", "Exon", " ", "  ", "\n", "11", "9",
    "1234", "ins", "dup", "fs", "A", "a", "non", "-", "_", "(", ")", "KIT", "nonexon", "exons", "ſ",
    *_FOLDS,
]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_VARIANT_PIECES), max_size=12), st.integers(0, 6), st.integers(0, 6))
def test_variant_search_finds_what_the_boundary_pattern_finds(parts: list[str], pos: int, cut: int) -> None:
    text = "".join(parts)
    end = max(pos, len(text) - cut)
    fast = outcomes._find_variant(text, pos, end)
    slow = outcomes._VARIANT.search(text, pos, end)
    assert (fast and (fast.span(), fast.group(0))) == (slow and (slow.span(), slow.group(0)))


def test_variant_search_on_written_text() -> None:
    found = outcomes._find_variant("KIT exon 11 V560D and nonexon 9, D842V")
    assert found is not None and found.group(0) == "exon 11"
    found = outcomes._find_variant("KIT exon 11 V560D and nonexon 9, D842V", 9)
    assert found is not None and found.group(0) == "V560D"
    assert outcomes._find_variant("aD842V, exon9, nonexon 9") is None
