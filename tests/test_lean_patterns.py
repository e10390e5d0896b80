"""The hot path's allocation cuts keep their results (issue 12: few objects per document).

An optional group is written "(?:X|)" and a repeated one "X(?:X)*": Python's re engine allocates a
repeat context each time it enters "(...)?" or "(...)+", i.e. at every position a search tries.
These tests pin the forms and check that the answers are those of the plain forms.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import numbers, populations, sentences
from imatinib_cli.regexes import phrase_group, prefix_alternation

# ")?" or ")+" after a group: a repeat entered at every try ("X(?:X)*" enters its repeat only after X;
# a lookaround's ")" is followed by something else in these patterns).
_GROUP_REPEAT = re.compile(r"(?<!\\)\)[?+](?!\?)")


def test_word_lists_make_no_optional_groups() -> None:
    assert prefix_alternation(["the", "these", "this"]) == "th(?:e(?:se|)|is)"
    assert prefix_alternation(["patient", "patients"]) == "patients?"  # one character: no group
    assert phrase_group(["of", "of the"]) == r"(?:of(?:\s+the|))"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab -", min_size=1, max_size=4), min_size=1, max_size=6), st.text("ab -x"))
def test_word_lists_match_as_the_longest_first_alternation(words: list[str], text: str) -> None:
    built = re.compile(prefix_alternation(words))
    plain = re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True))))
    assert _GROUP_REPEAT.search(built.pattern) is None
    assert [m.span() for m in built.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_numeral_and_subgroup_patterns_enter_no_group_repeat_where_they_start() -> None:
    patterns = numbers._patterns()
    assert _GROUP_REPEAT.search(numbers._DIGITS) is None
    assert patterns.digits.pattern.endswith("|)")
    # After the lookahead of first letters (no group, no repeat): the negation as "(?:...|)".
    subgroup = re.sub(r"^\(\?=\(\?-i:\[[^]]+\]\)\)", "", populations._subgroup_pattern().pattern)
    assert subgroup.startswith("(?:(?P<neg>")


def test_numerals_read_as_before() -> None:
    text = "1,234,567.5 vs 1.234.567,8 vs 1 234 567 vs 1\u2009234.5; 12% and 3 percent, 1.5e+3, 2 x 10^4, 07"
    read = [(n.value, text[n.start : n.end], n.percent) for n in numbers.find_numbers(text)]
    assert read == [
        (1234567.5, "1,234,567.5", False),
        (1234.5, "1\u2009234.5", False),
        (12.0, "12%", True),
        (3.0, "3 percent", True),
        (1500.0, "1.5e+3", False),
        (20000.0, "2 x 10^4", False),
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab .\n\t\u00a0\u2009", min_size=1, max_size=30), st.booleans(), st.booleans())
def test_quotes_are_the_sentence_on_one_line(text: str, cut_before: bool, cut_after: bool) -> None:
    quoted = sentences.quote(sentences.Sentence(0, len(text), text, cut_before, cut_after))
    expected = " ".join(text.split())
    if cut_before:
        expected = sentences.ELLIPSIS + " " + expected
    if cut_after:
        expected = expected + " " + sentences.ELLIPSIS
    assert quoted == expected
