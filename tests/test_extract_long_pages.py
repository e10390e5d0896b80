"""Shortcuts in the readers of long pages (issue 12): each reads the same answer as the plain
pattern it stands for, checked on random text built from the words and spaces that pattern turns
on, with characters re.I would fold into ASCII letters ("ſ", the Kelvin sign) and Unicode spaces."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import outcomes, populations

_PIECES = [
    "in", "of", "the", "In", "THE", "mutations", "mutated", "KIT", "x", "ab", "5", "12", "-", "(", ",",
    "ſ", "\u212a", "é", "inthe", "ofin", "the-", "ni", "eht", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "",
]  # fmt: skip

_heads = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)


# The plain search outcomes._word_before stands for.
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+(?:in\s+|of\s+)?(?:the\s+)?$")


def _plain(head: str) -> str | None:
    found = _WORD_BEFORE.search(head)
    return found.group(1) if found else None


@settings(max_examples=3000, deadline=None)
@given(_heads)
def test_word_before_read_backwards_is_the_search(head: str) -> None:
    assert outcomes._word_before(head) == _plain(head)


def test_word_before_on_written_heads() -> None:
    assert outcomes._word_before("Of 20 tumors, 12 had mutations in the ") == "mutations"
    assert outcomes._word_before("two had mutated ") == "mutated"
    assert outcomes._word_before("(in the ") == "in"
    assert outcomes._word_before("no KIT-mutations\n") == "mutations"
    assert outcomes._word_before("12 patients had") is None  # no space before the gene: no word
    assert outcomes._word_before("") is None


def test_subgroup_gate_words_hold_no_other() -> None:
    # "exons" and "wildtype" hold "exon" and "wild": a sentence with them passes on those.
    starts = populations._subgroup_name_starts()
    assert starts is not None
    assert "exon" in starts and "exons" not in starts
    assert not any(a != b and a in b for a in starts for b in starts)


_CHANGE_PIECES = [
    "D842V", "V560del", "N822K", "A", "D", "T", "X", "B", "K", "V", "8", "42", "842", "5601", "\u0663",
    "del", "ins", "dup", "fs", "q", "x", "_", " ", "-", "é", "ſ", "\u212a", "(", "NCT0123",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_CHANGE_PIECES), max_size=12).map("".join))
def test_loose_protein_change_holds_both_patterns(text: str) -> None:
    # each pattern finds something only where the loose one does: the shared gate never hides one
    loose = outcomes._PROTEIN_CHANGE_LOOSE.search(text) is not None
    for pattern in (outcomes._PROTEIN_CHANGE, populations._VARIANT_OPENING):
        if pattern.search(text) is not None:
            assert loose
        for match in pattern.finditer(text):
            assert outcomes._PROTEIN_CHANGE_LOOSE.match(text, match.start()) is not None
