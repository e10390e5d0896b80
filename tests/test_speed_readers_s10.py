"""Shortcuts in the dose and response readers (issue 12, tenth session): each reads what the form
it replaces read, checked against that form on random texts with the characters case-blind
matching treats apart ("ſ", "İ", "ı", the Kelvin sign) and on written cases. A shortcut that ever
answered differently would change the output bytes."""

from __future__ import annotations

import sys

from extract_helpers import context_of
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import dose

# --- doses: the unit pattern tried only where the lowercase sentence holds "mg" ---------------------

_UNIT_TEXT = [
    "mg", "MG", "Mg", "mG", "m", "M", "g", "G", "/", " / ", "day", "DAY", "d", "kg", "m2", "m²", "²", "dl",
    "per", " ", "daily", "x", "a", "ſ", "\u212a", "İ", "ı", "ＭＧ", "1", "400", "-", "(2)", "^2", "24 h",
    "sqm", "square meter", "imatinib", "median", ".", ",", "\u00a0",
]  # fmt: skip


def test_only_m_and_g_read_as_the_units_opening() -> None:
    """The premise: "mg" is the units' opening, and no character but "m", "M", "g", "G" lowercases
    to "m" or "g" (so the lowercase sentence holds "mg" wherever a unit starts), nor matches one
    case-blind (checked by the unit pattern's own test, tests/test_extract_prefilters.py)."""
    assert dose._unit_opening() == "mg"
    lowered_to = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).lower() in ("m", "g")}
    assert lowered_to == {"m", "M", "g", "G"}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_UNIT_TEXT), min_size=1, max_size=16).map("".join))
def test_unit_matches_are_the_patterns_scan(text: str) -> None:
    """_unit_matches finds what pattern.finditer finds over each sentence, span for span."""
    context = context_of(f"Patients received {text} twice. Then {text}")
    pattern = dose._units()[0]
    for info in context.sentences:
        fast = [m.span() for m in dose._unit_matches(pattern, "mg", context.text, info)]
        assert fast == [m.span() for m in pattern.finditer(context.text, info.start, info.end)]
        # no opening (units that share none): the plain scan
        plain = [m.span() for m in dose._unit_matches(pattern, "", context.text, info)]
        assert plain == fast


def test_unit_matches_on_written_sentences() -> None:
    context = context_of("Imatinib 400 MG daily in the median arm, then 300 mg/m² and 5 Mg/kg; mgmg 2 mg.")
    (info,) = context.sentences
    found = [
        context.text[m.start() : m.end()]
        for m in dose._unit_matches(dose._units()[0], "mg", context.text, info)
    ]
    assert found == ["MG daily", "mg/m²", "Mg/kg", "mg"]
