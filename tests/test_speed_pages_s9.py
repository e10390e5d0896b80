"""Rewrites for long HTML pages' extraction, ninth session (issue 12): each reads the same answer as
the code it replaced (kept here as the reference), on random text built from the characters and
words that code turns on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import populations

_BREAK_PIECES = [
    "(", ")", "[", "]", ";", ",", " ", "  ", "\n", "\u00a0", "and", "whereas", "compared with",
    "versus", "vs.", "v", "exon 11", "12%", "n = 8", "x", "",
]  # fmt: skip

_clause_texts = st.lists(st.sampled_from(_BREAK_PIECES), max_size=24).map("".join)


def _last_break_per_character(text: str, start: int, end: int) -> tuple[int, int] | None:
    """populations._last_break as it was: the bracket depth after each character, in Python."""
    depth = 0
    depth_at: list[int] = []
    for char in text[start:end]:
        depth += char in "([" and 1 or 0
        depth -= char in ")]" and 1 or 0
        depth_at.append(depth)
    best = None
    for match in populations._clause_break_pattern().finditer(text, start, end):
        if depth_at[match.start() - start] <= 0:
            best = (match.start(), match.end())
    return best


@settings(max_examples=3000, deadline=None)
@given(_clause_texts, st.integers(0, 40), st.integers(0, 40))
def test_last_break_counts_brackets_as_the_character_loop_did(text: str, start: int, length: int) -> None:
    start = min(start, len(text))
    end = min(len(text), start + length)
    assert populations._last_break(text, start, end) == _last_break_per_character(text, start, end)


def test_last_break_on_written_clauses() -> None:
    text = "exon 9 (n = 8, 12%), compared with exon 11 (n = 30; 40%)"
    assert populations._last_break(text, 6, 35) == (19, 35)  # ", compared with ", not ", 12%"
    assert populations._last_break("in GIST (8, 12%) x", 7, 16) is None  # every break in brackets
    assert populations._last_break("a; b", 0, 4) == (1, 2)
