"""The prefix-shared alternations must match exactly what the plain alternations match."""

from __future__ import annotations

import random
import re

import pytest

from imatinib_cli.regexes import prefix_alternation, word_start_alternation

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
