"""The prefix-shared alternations must match exactly what the plain alternations match."""

from __future__ import annotations

import random
import re

import pytest

from imatinib_cli.regexes import (
    OTHER_CASES,
    case_blind_alternation,
    case_blind_class,
    prefix_alternation,
    prefix_options,
    word_start_alternation,
)

WORDS = ["seven", "seventeen", "seventy", "six", "sixteen", "one", "on", "eleven", "hundred", "and", "a"]
TEXT = "Seventy-six of one hundred and seventeen: sixteen, six, seven; on eleven, a cone, anon. sevens"


def _plain(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def test_prefix_alternation_matches_like_the_longest_first_alternation() -> None:
    shared = re.compile(rf"\b(?:{prefix_alternation(WORDS)})\b", re.I)
    plain = re.compile(rf"\b(?:{_plain(WORDS)})\b", re.I)
    assert [m.span() for m in shared.finditer(TEXT)] == [m.span() for m in plain.finditer(TEXT)]
    assert [m.group() for m in shared.finditer(TEXT)][:3] == ["Seventy", "six", "one"]


@pytest.mark.parametrize("seed", range(20))
def test_word_start_alternation_finds_the_same_places(seed: int) -> None:
    rng = random.Random(seed)
    letters = "abcdeno"
    words = sorted({"".join(rng.choices(letters, k=rng.randint(1, 5))) for _ in range(12)})
    text = " ".join("".join(rng.choices(letters + "_-1", k=rng.randint(1, 7))) for _ in range(60))
    fast = re.compile(word_start_alternation(words))
    plain = re.compile(rf"\b(?:{_plain(words)})")
    for start in range(len(text)):
        a, b = fast.search(text, start), plain.search(text, start)
        assert (a and a.span()) == (b and b.span()), (words, start)


def test_words_that_start_with_punctuation_keep_the_plain_form() -> None:
    pattern = word_start_alternation(["(n", "arm"])
    assert pattern.startswith(r"\b(?:")
    assert re.search(pattern, "the arm") is not None


# Words of letters that case-blind matching also reads as other characters ("ſ" as "s", the Kelvin
# sign as "k", "İ" and "ı" as "i"), a digit, a hyphen and a space.
_CASE_LETTERS = "sSkKiInN1- \u017f\u212a\u0130\u0131_"


@pytest.mark.parametrize("seed", range(30))
def test_case_blind_alternation_finds_what_the_plain_form_finds(seed: int) -> None:
    rng = random.Random(seed)
    words = sorted({"".join(rng.choices("skin1", k=rng.randint(1, 4))) for _ in range(8)})
    text = "".join(rng.choices(_CASE_LETTERS, k=300))
    not_after = rng.choice([r"\w", r"[\w-]", "[A-Za-z]"])
    fast = re.compile(case_blind_alternation(prefix_options(words), not_after) + "(?:-|)", re.I)
    plain = re.compile(rf"(?<!{not_after})(?:{_plain(words)})(?:-|)", re.I)
    assert fast.pattern.startswith("(?-i:[")  # the form re skips to in C
    for start in range(len(text)):
        a, b = fast.search(text, start), plain.search(text, start)
        assert (a and a.span()) == (b and b.span()), (words, not_after, start)


def test_case_blind_alternation_on_written_text() -> None:
    phase = re.compile(case_blind_alternation([("p", r"hase\s*(\d)")]), re.I)
    assert phase.pattern == r"(?-i:[Pp])(?<!\w.)hase\s*(\d)"
    assert [m.group(1) for m in phase.finditer("Phase 2, PHAſE 3, a nonphase 4, -phase 1")] == [
        "2",
        "3",
        "1",
    ]
    months = re.compile(case_blind_alternation([("a", r"t\s+\d+"), (r"\d", r"\d*-month")]), re.I)
    assert [m.group() for m in months.finditer("seen AT 6 and at\n12; a 12-month rate; cat 3")] == [
        "AT 6",
        "at\n12",
        "12-month",
    ]
    # A first letter whose other cases are not listed: the plain (slower) form, the same matches.
    assert case_blind_alternation([("é", "tude")]) == r"(?<!\w)(?:étude)"
    # A digit beside r"\d" matches at the same place: grouping by first character would change
    # which option is tried first, so the plain form keeps the order ("12", not "1234").
    mixed = [(r"\d", "3"), ("1", "2"), (r"\d", "234")]
    assert case_blind_alternation(mixed) == r"(?<!\w)(?:\d3|12|\d234)"
    assert re.search(case_blind_alternation(mixed), "1234").group() == "12"  # type: ignore[union-attr]


def test_case_blind_class_lists_every_case() -> None:
    assert case_blind_class("ps") == "(?-i:[PSpsſ])"
    assert case_blind_class(["K", "1"], "DV") == "(?-i:[1Kk\u212aDV])"
    assert case_blind_class(["é"]) is None and case_blind_class([""]) is None
    # No character outside ASCII reads case-blind as an ASCII one but those regexes.OTHER_CASES lists.
    ascii_any = re.compile("[\x00-\x7f]", re.I)
    others = [chr(c) for c in range(128, 0x110000) if ascii_any.fullmatch(chr(c))]
    assert sorted(others) == sorted("".join(OTHER_CASES.values()))
