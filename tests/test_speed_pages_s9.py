"""Rewrites for long HTML pages' extraction, ninth session (issue 12): each reads the same answer as
the code it replaced (kept here as the reference), on random text built from the characters and
words that code turns on."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import populations
from imatinib_cli.extract.context import SentenceInfo
from imatinib_cli.extract.sentences import Sentence

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


_SUBGROUP_PIECES = [
    "exon", "EXON", "exons", "Exon", " ", "  ", "\n", "-", "9", "11", "123", "non", "Non-", "non ", "NON",
    "wild", "type", "Wild-type", "wildtype", "FIP1L1", "-PDGFRA", "/PDGFRA", "fip1l1", "PDGFR-alpha", "FS",
    "-DFSP", "fs", "D842V", "V560del", "without", "lacking", "lack", "patients", "with", "x", ",", "(", ")",
    "\u00e9", "\u017f", "\u212a", "",
]  # fmt: skip

_subgroup_texts = st.lists(st.sampled_from(_SUBGROUP_PIECES), max_size=20).map("".join)


def _info(text: str, start: int, end: int) -> SentenceInfo:
    return SentenceInfo(Sentence(start, end, text[start:end]), "abstract", "", [], [], [], None)


@settings(max_examples=4000, deadline=None)
@given(_subgroup_texts, st.integers(0, 6), st.integers(0, 6))
def test_subgroup_matches_are_finditers(body: str, before: int, after: int) -> None:
    text = "ab " * before + body + " cd" * after
    start, end = 3 * before, 3 * before + len(body)
    found = [(m.span(), m.groupdict()) for m in populations._subgroup_matches(text, _info(text, start, end))]
    plain = [(m.span(), m.groupdict()) for m in populations._subgroup_pattern().finditer(text, start, end)]
    assert found == plain


def _negated_before_by_listing(text: str, info: SentenceInfo, start: int, negative_before: list[str]) -> bool:
    """The test _find_subgroups made before: every run of letters in the window listed, the last
    one looked up."""
    words_before = re.findall(r"[A-Za-z]+", text[max(info.start, start - 30) : start])
    return bool(words_before) and words_before[-1].lower() in negative_before


@settings(max_examples=4000, deadline=None)
@given(_subgroup_texts, st.integers(0, 4), st.data())
def test_negated_before_gate_answers_as_the_listing(body: str, before: int, data: st.DataObject) -> None:
    text = "ab " * before + body
    start = 3 * before
    info = _info(text, start, len(text))
    at = data.draw(st.integers(start, len(text)))
    words = ["without", "lacking", "lacked", "lack", "Without", "n\u00e9"]
    assert populations._negated_before(text, info, at, words) == _negated_before_by_listing(
        text, info, at, words
    )


def test_subgroups_read_at_their_openings() -> None:
    text = (
        "Mutational status of KIT exons 9, 11 and PDGFRA exons 12 was determined in non-exon 11 and "
        "wild-type tumors"
    )
    found = populations._subgroup_matches(text, _info(text, 0, len(text)))
    assert [m.group() for m in found] == ["exons 9", "exons 12", "non-exon 11", "wild-type"]
    assert populations._subgroup_openings() == ("exon", "fip1l1", "fs", "non", "wild")
    assert populations._negated_before(
        "in patients without exon 11", _info("in patients without exon 11", 0, 27), 20, ["without"]
    )
