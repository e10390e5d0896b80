"""The phrase index's seventh-session shortcuts read as the reference does (issue 12).

`_Scan.word_of` (a compact position's word, looked up) against the tokenizer's own text offsets
on long texts, where the table holds two bytes a position (or, past 16,384 words, is a list)
rather than one byte; the lookups of
`Matcher.find`/`any` against a brute-force reading are in tests/test_vocab_index.py.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab

_PIECES = ["ab", "7", "x", " ", "  ", "-", "\n", "\u2013", "\u00a0", "é", "(", "1 2"]


def _offsets_agree(text: str, start: int, end: int) -> None:
    """Every token's first and last character, through word_of, lands where _tokens puts them."""
    tokens = vocab._tokens(text, start, end)
    scan = vocab._scan(text, start, end)
    word_of = scan.word_of()
    assert len(word_of) == len(scan.low)
    for position, origin, token in zip(tokens.starts, tokens.origin, tokens.tokens, strict=True):
        assert scan.start + position + word_of[position] == origin
        last = position + len(token) - 1
        assert scan.start + last + word_of[last] + 1 == origin + len(token)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32), st.integers(200, 900), st.integers(0, 40))
def test_word_of_on_long_texts_reads_as_the_tokenizer(seed: int, size: int, cut: int) -> None:
    """Texts of up to ~900 pieces (drawn by a seeded generator: hypothesis draws long lists
    slowly): a bytes table up to 255 separators, unsigned shorts beyond."""
    text = "".join(random.Random(seed).choices(_PIECES, k=size))
    _offsets_agree(text, min(cut, len(text)), len(text))


def test_word_of_is_bytes_up_to_256_words_then_shorts_then_a_list() -> None:
    """255 separators (256 words) still fit a byte each; one more and the table holds two bytes a
    position (unsigned shorts) up to 16,384 words; beyond, a list."""
    for words, kind in ((256, bytes), (257, memoryview), (16384, memoryview), (16385, list)):
        text = " ".join(["ab"] * words)
        scan = vocab._scan(text)
        word_of = scan.word_of()
        assert type(word_of) is kind
        assert len(word_of) == len(scan.low) == 2 * words
        assert (word_of[0], word_of[1], word_of[-2], word_of[-1]) == (0, 0, words - 1, words - 1)
        if words < 1000:
            _offsets_agree(text, 0, len(text))


def test_word_of_counts_empty_words_between_separators() -> None:
    """Two separators in a row leave an empty word: the next word's number is two more."""
    scan = vocab._scan("a  bc-d")
    assert scan.low == "abcd"
    assert scan.word_of() == b"\x00\x02\x02\x03"


def test_two_byte_values_grow_into_a_new_list() -> None:
    """A longer region gets a longer list of values; the list an earlier region was handed keeps
    its length, and every value reads back (as an unsigned short) as its word number."""
    before = vocab._more_short_values(300)
    after = vocab._more_short_values(len(before) + 5)
    assert after is not before and len(after) == len(before) + 5
    assert [memoryview(value).cast("H")[0] for value in after] == list(range(len(after)))
    assert vocab._short_values[0] is after


def test_merge_joins_the_groups_into_one_compiled_pass_with_the_same_hits() -> None:
    """A new matcher's forms come as a group of their own (a pass each); merge() joins them into
    one compiled group at once, and a region reads the same hits in that one pass."""
    index = vocab._INDEX
    first = vocab.Matcher([(f"qqmergeform{n}", "A", {}) for n in range(40)])
    second = vocab.Matcher([("qqmergeother", "B", {})])  # a group far smaller than the one before
    text = "a qqmergeform7 and qqmergeother, qqmergeform12."
    before = [(hit.start, hit.end, hit.key) for matcher in (first, second) for hit in matcher.find(text)]
    assert len(index.groups) > 1
    index.merge()
    assert len(index.groups) == 1 and index.groups[0].automaton is not None and index.extra_chars == 0
    vocab._scans.clear()
    vocab._last_scan[:] = vocab._NO_SCAN
    after = [(hit.start, hit.end, hit.key) for matcher in (first, second) for hit in matcher.find(text)]
    assert after == before == [(2, 14, "A"), (33, 46, "A"), (19, 31, "B")]
