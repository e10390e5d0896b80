"""Issue 12 (outcomes, design, doses): the cheaper forms find exactly what the forms they replace
found, case-blind letters ("ſ" as "s", the Kelvin sign as "k") included."""

from __future__ import annotations

import re

from extract_helpers import old_time_parts
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import cues, outcomes

_PIECES = [
    "median", "PFS", "was", "18", "18.2", "18·2", "18,2", "6", "one", "ONE", "ſix", "six", "Seven",
    "eight", "eighteen", "Eighteen", "twenty-four", "Twenty-Four", "twelve", "ten", "none", "someone",
    "month", "months", "Months", "mo", "mos", "d", "days", "week", "wee\u212a", "weeks", "wk", "w\u212a",
    "yrs", "year", "-", " - ", " ", "  ", "\n", ".", ",", "·", "x", "_", "and", "vs", "İ", "ı",
    "mutation", "Mutations", "MUTATED", "mutant", "alteration", "ALTERATIONS", "muta", "alter",
    "immutable", "nonmutated", "ſ", "\u212a", "KIT", "exon", "V560D",
]  # fmt: skip
_texts = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)


def _old_duration() -> re.Pattern[str]:
    """The pattern before issue 12: every option tried at every character."""
    number, unit_alt = old_time_parts()
    return re.compile(rf"(?P<value>{number})\s*(?:-\s*)?(?P<unit>{unit_alt})\b", re.I)


@settings(max_examples=500, deadline=None)
@given(_texts, st.integers(0, 60), st.integers(0, 250))
def test_duration_finds_what_the_plain_pattern_found(text: str, start: int, end: int) -> None:
    old, new = _old_duration(), outcomes._time_patterns()[0]
    assert new.pattern.startswith("(?-i:[")
    found = [(m.span(), m.group("value"), m.group("unit")) for m in old.finditer(text, start, end)]
    assert [
        (m.span(), outcomes._duration_value(m), m.group("unit")) for m in new.finditer(text, start, end)
    ] == found
    first = old.search(text, start, end)
    again = new.search(text, start, end)
    assert (first and first.span()) == (again and again.span())


def test_duration_on_written_text() -> None:
    pattern = outcomes._time_patterns()[0]
    text = "median PFS 18·2 months, ſix-weeks, Twenty-Four mo, none months, 18,2 months, 3 - years"
    found = [(outcomes._duration_value(m), m.group("unit")) for m in pattern.finditer(text)]
    assert found == [
        ("18·2", "months"),
        ("ſix", "weeks"),
        ("Twenty-Four", "mo"),
        ("one", "months"),
        ("3", "years"),
    ]  # fmt: skip (no "2 months" in "18,2 months": a decimal comma)


@settings(max_examples=500, deadline=None)
@given(_texts)
def test_mutation_parts_turn_away_only_sentences_without_a_mutation_word(text: str) -> None:
    # The substring test is a necessary condition for the word search (on the same lowercase text).
    lower = vocab.lowercase(text)
    if cues.any_word("cues", "mutation_words").search(lower):
        assert any(part in lower for part in outcomes._mutation_parts())


def test_mutation_parts_from_the_vocabulary() -> None:
    assert outcomes._mutation_parts() == ("alteration", "muta")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PIECES + ["MONTHS", "Wks", "Yr", "hours", "m\u212a"]))
def test_unit_key_as_a_scan_of_the_lists_gave_it(unit: str) -> None:
    def scanned(unit: str) -> str:
        for key, synonyms in vocab.load("cues")["time_units"].items():
            if unit.lower() in synonyms:
                return key
        return unit.lower()

    assert outcomes._unit_key(unit) == scanned(unit)
    assert outcomes._unit_key("Months") == "month"
