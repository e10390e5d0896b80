"""Issue 12: patterns rewritten to open with the character they consume (so `re` skips to it in C)
find exactly what the \\b-opening patterns they replace find, case-blind letters included."""

from __future__ import annotations

import re

from extract_helpers import old_time_parts
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import heme, outcomes, toxicity
from imatinib_cli.regexes import case_blind_union, prefix_alternation, word_start_alternation

# Pieces of the texts the patterns read, and the characters case-blind matching also reads as ASCII
# letters ("ſ" as "s", the Kelvin sign as "k", "İ"/"ı" as "i").
_PIECES = [
    "at", "AT", "after", "by", "within", "ſix", "İ", "ı", "\u212a", "one", "twenty-four", "Twenty-Four",
    "eighteen", "eight", "12", "6·5", "1.5", ",", ".", "-", " ", "\n", "month", "months", "mo", "d",
    "yrs", "week", "x", "_", "of them", "OF THESE", "oſ those", "achieved", "had", "a", "an", "one-",
    "grade", "low", "serious", "adverse", "events", "side", "effects", "toxicities", "2",
]  # fmt: skip
_texts = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)


def _old_timepoint() -> re.Pattern[str]:
    number, unit_alt = old_time_parts()
    return re.compile(
        rf"(?:\b(?:at|after|by|within)\s+(?P<value>{number})\s*(?P<unit>{unit_alt})\b)"
        rf"|(?:\b(?P<value2>{number})-(?P<unit2>{unit_alt})\b)",
        re.I,
    )


@settings(max_examples=400, deadline=None)
@given(_texts, st.integers(0, 60), st.integers(0, 200))
def test_timepoint_finds_what_the_word_boundary_pattern_found(text: str, start: int, end: int) -> None:
    old, new = _old_timepoint(), outcomes._time_patterns()[1]
    assert new.pattern.startswith("(?-i:[")
    found = [
        (m.span(), m.group("value") or m.group("value2"), m.group("unit") or m.group("unit2"))
        for m in old.finditer(text, start, end)
    ]
    assert [(m.span(), *outcomes._time_value(m)) for m in new.finditer(text, start, end)] == found


def test_timepoint_on_written_text() -> None:
    pattern = outcomes._time_patterns()[1]
    text = "PFS at 12 months was 80%, the 2-year OS 70%, a Twenty-four-week rate; ſix-month; x3-month"
    found = [outcomes._time_value(m) for m in pattern.finditer(text)]
    assert found == [("12", "months"), ("2", "year"), ("Twenty-four", "week"), ("ſix", "month")]


def _old_of_the_group(text: str, start: int, end: int) -> list[tuple[int, str]]:
    return [(m.start("count"), m.group()) for m in heme._of_the_group_pattern().finditer(text, start, end)]


@settings(max_examples=400, deadline=None)
@given(_texts, st.integers(0, 60), st.integers(0, 200))
def test_of_the_group_gate_turns_away_only_texts_without_a_match(text: str, start: int, end: int) -> None:
    # The gate is a necessary condition: no gate hit in text[start:end] means no pattern match there.
    if not heme._of_the_group_gate().search(text, start, end):
        assert _old_of_the_group(text, start, end) == []


def test_of_the_group_on_written_text() -> None:
    text = "All four pts achieved a CHR; one of them achieved a CMR, ONE OF THOSE\nhad an MMR."
    assert [count for count, _ in heme.counts_of_the_group(text, 0, len(text))] == [29, 57]
    assert heme._of_the_group_gate().search("Of\tthem had ") is not None
    assert heme._of_the_group_gate().search("xof them had ") is None


def _old_word_starts(words: set[str], before: str) -> re.Pattern[str]:
    by_letter: dict[str, list[str]] = {}
    for word in words:
        by_letter.setdefault(word[0], []).append(word[1:])
    return re.compile(
        "|".join(
            rf"{re.escape(letter)}(?<!{before}\w){prefix_alternation(sorted(rests))}"
            for letter, rests in sorted(by_letter.items())
        )
    )


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.text("abgrde", min_size=1, max_size=5), min_size=1, max_size=8),
    st.sampled_from([r"\w", r"[\w-]"]),
    st.text("abgrde -_1", max_size=40),
    st.integers(0, 40),
)
def test_word_start_alternation_not_after_finds_what_toxicity_built(
    words: set[str], before: str, text: str, start: int
) -> None:
    old, new = _old_word_starts(words, before), re.compile(word_start_alternation(words, before))
    assert [m.span() for m in new.finditer(text, start)] == [m.span() for m in old.finditer(text, start)]


def test_word_start_alternation_default_unchanged() -> None:
    assert word_start_alternation(["arm", "and"]) == r"(?:a(?<!\w\w)(?:nd|rm))"
    assert word_start_alternation(["arm"], r"[\w-]") == r"(?:a(?<![\w-]\w)rm)"
    assert word_start_alternation(["(n"]) == r"\b(?:\(n)"
    assert word_start_alternation(["(n"], r"[\w-]") == r"(?<![\w-])(?:\(n)"
    openings = toxicity._aggregate_openings()
    assert openings is not None and openings.search("low-grade 3 adverse events").group() == "adverse"  # type: ignore[union-attr]


def test_case_blind_union_reads_each_part_with_its_tail() -> None:
    parts = [([("a", "t"), ("b", "y")], r"\s+(?P<n>\d+)"), ([(r"\d", r"\d*")], "-month")]
    pattern = re.compile(case_blind_union(parts), re.I)
    assert [m.group() for m in pattern.finditer("AT 6, by 12, a 12-month, cat 3, 3-monthly")] == [
        "AT 6",
        "by 12",
        "12-month",
        "3-month",
    ]
    assert case_blind_union([([("é", "t")], "x")]) == r"(?<!\w)(?:(?:ét)x)"
    try:
        case_blind_union([([("a", "t")], ""), ([("A", "n")], "")])
    except ValueError:
        pass
    else:
        raise AssertionError("a first character in two parts")
