"""The response reader's cheaper row building and gates (issue 12, sixth session) change nothing
(the row is tokens.Row, parallel lists, since the twelfth session).

Each rewrite is checked against the code it replaced (kept here as the reference) on random text
with "ſ", "İ", "ı", the Kelvin sign and accented letters mixed in (they lower to other lengths or
to ASCII letters), with random slice bounds, and each gate against the reader without it.
"""

from __future__ import annotations

import re
from typing import Any

from extract_helpers import context_of, row_places
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import response, tokens

_WORD_OR_MARK = re.compile(r"[A-Za-z][A-Za-z'\-]*|[()\[\],;:=]")


def _words_as_before(text: str, start: int, end: int) -> list[tuple[str, int, int, str]]:
    """tokens._words before the sixth session: one match object a word (kind, bounds, text)."""
    items = []
    for match in _WORD_OR_MARK.finditer(text, start, end):
        written = match.group(0)
        kind = "word" if written[0].isalpha() else "mark"
        lowered = written if written.isascii() and written.islower() else written.lower()
        items.append((kind, match.start(), match.end(), lowered))
    return items


def _places(row: tokens.Row) -> list[tuple[str, int, int, str]]:
    assert row.payloads == [None] * len(row.kinds)
    return row_places(row, payloads=False)


_CHARACTERS = st.sampled_from(
    list("aZq'- -()[],;:=.%/0123456789\n")
    + ["ſ", "İ", "ı", "\u212a", "é", "É", "ß", "Response", "CR", "PR", "don't", "-x", "'s", "  "]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHARACTERS, max_size=40).map("".join), st.integers(0, 60), st.integers(0, 60))
def test_words_are_as_before(text: str, start: int, length: int) -> None:
    start = min(start, len(text))
    end = min(start + length, len(text))
    assert _places(tokens._words(text, start, end)) == _words_as_before(text, start, end)


def test_words_of_a_written_clause() -> None:
    assert _places(tokens._words("Partial Response (PR; n=4), İt's", 0, 32)) == [
        ("word", 0, 7, "partial"),
        ("word", 8, 16, "response"),
        ("mark", 17, 18, "("),
        ("word", 18, 20, "pr"),
        ("mark", 20, 21, ";"),
        ("word", 22, 23, "n"),
        ("mark", 23, 24, "="),
        ("mark", 25, 26, ")"),
        ("mark", 26, 27, ","),
        ("word", 29, 32, "t's"),
    ]


def test_reader_takes_each_word_list_by_name() -> None:
    """_Reader unpacks the word lists in one go: each attribute is the field of the same name."""
    reader = response._Reader(tokens.empty_row(), "")
    words = response._reader_words()
    for name in response._ReaderWords._fields:
        assert getattr(reader, name) is getattr(words, name)
    assert words.negation_cues == words.negations | {"not"}


class _AlwaysOverlaps(frozenset[str]):
    """A negation-cue set that never says "none of these here": the negation pass always runs."""

    def isdisjoint(self, other: Any) -> bool:
        return False


_PHRASES = [
    "complete", "partial", "response", "responses", "CR", "PR", "SD", "stable", "disease",
    "progression", "no", "None", "none of the", "not", "were", "was", "observed", "neither", "nor",
    "zero", "other", "of", "the", "12", "patients", "had", "a", "and", "or", ",", "(", ")", "12%",
    "4/25", "at", "6", "months", "there", "single", "evaluable", "Nötig", "ſ", "\u212a",
]  # fmt: skip


@settings(max_examples=250, deadline=None)
@given(st.lists(st.sampled_from(_PHRASES), min_size=1, max_size=20).map(lambda ws: " ".join(ws) + "."))
def test_negation_gate_changes_nothing(sentence: str) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        spans = response.category_items(context, info.start, info.end)
        row = tokens.tokenize(context.text, info.start, info.end, info.numbers, info.fractions, spans)
        fast = response._Reader(row, context.text).read()
        slow_reader = response._Reader(row, context.text)
        slow_reader.negation_cues = _AlwaysOverlaps(slow_reader.negation_cues)
        assert fast == slow_reader.read()


def test_negation_gate_on_written_clauses() -> None:
    context = context_of(
        "Complete responses were not observed. No patient had a partial response. "
        "Two patients had a partial response."
    )
    found = [
        [(hit.category, hit.negated, hit.count and hit.count.value) for hit in hits]
        for hits, _, _ in (
            response.find_responses(context, info, info.start, info.end) for info in context.sentences
        )
    ]
    assert found == [[("cr", True, None)], [("pr", True, None)], [("pr", False, 2.0)]]
