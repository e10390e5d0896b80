"""toxicity._SHARE ("fatigue (21.1%)", to its group 2) read without _after_pattern (issue 12, fifth session).

Where the short pattern matches, the long one must match the same way: the same value at the same
place, the same end, every other group empty. Checked on random texts made of the pieces either
pattern reads (brackets, digits, percent words, the vocabulary's verbs and nouns), with characters
that case-blind matching folds ("ſ", the Kelvin sign, "İ", "ı"), Unicode digits and spaces, at
random slice bounds; and on written cases.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import toxicity

_PIECES = [
    "(", ")", " ", "  ", "\u00a0", "\x1c", "21", "1", "5", ".", "·", "%", "٣", "percent", "per cent",
    "patients", "patient", "pts", "cases", "of", "/", "n", "=", ";", ",", ":", "grade", "grades", "3",
    "in", "approximately", "about", "~", "seen", "reported", "were", "ſeen", "\u212a", "İ", "ı", "e",
]  # fmt: skip

_pieces = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)
_spaces = st.sampled_from(["", " ", "  ", "\u00a0", "\x1c", "\n"])
_numbers = st.sampled_from(["21", "1", "5", "0", "٣", "12.5", "5·2", "3.", "21.1.4", "4/51"])
# A bracketed share, each part sometimes swapped for a random piece, between random pieces.
_shares = st.tuples(
    _pieces, _spaces, st.sampled_from(["(", "(", "[", "((", "( ("]), _spaces, _numbers, _spaces,
    st.sampled_from(["%", "%", "percent", " patients", "%)", ""]), _pieces,
).map("".join)  # fmt: skip
_texts = st.one_of(_shares, st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14).map("".join))
_GROUPS = ("note", "grade_in", "approx", "count", "total", "value2")


def _agrees(text: str, start: int, end: int) -> None:
    plain = toxicity._SHARE.match(text, start, end)
    if plain is None:
        return
    after = toxicity._after_pattern().match(text, start, end)
    assert after is not None
    assert (after.group("value"), after.start("value"), after.end()) == (
        plain.group(1),
        plain.start(1),
        plain.start(2),
    )
    assert all(after.group(name) is None for name in _GROUPS)


@settings(max_examples=400, deadline=None)
@given(_texts, st.integers(0, 6))
def test_plain_share_reads_as_the_after_pattern(text: str, cut_end: int) -> None:
    assert toxicity._plain_share_exact()
    for start in range(len(text) + 1):  # every place an event could end
        _agrees(text, start, len(text))
        _agrees(text, start, max(start, len(text) - cut_end))


def test_plain_share_written_cases() -> None:
    for text in [" (21.1%), diarrhea", "(5·2 %)", "( 12 %) of patients", " (3%)", "(21.1% of 40 patients)"]:
        assert toxicity._SHARE.match(text) is not None
        _agrees(text, 0, len(text))
    # Not plain: the long pattern reads these (a count, a grade, a word first).
    for text in [" (4 patients)", "(grade 3, 12%)", "(approximately 5%)", " in 12%", "(12 of 40)"]:
        assert toxicity._SHARE.match(text) is None
