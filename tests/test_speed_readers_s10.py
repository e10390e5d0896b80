"""Shortcuts in the dose and response readers (issue 12, tenth session): each reads what the form
it replaces read, checked against that form on random texts with the characters case-blind
matching treats apart ("ſ", "İ", "ı", the Kelvin sign) and on written cases. A shortcut that ever
answered differently would change the output bytes."""

from __future__ import annotations

import sys
from types import SimpleNamespace

from extract_helpers import context_of
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import dose, heme, outcomes, response

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
    assert dose.unit_opening() == "mg"
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


# --- outcomes: a sentence searched for a protein change only when its shape holds one ---------------

_CHANGE_TEXT = [
    "D842V", "V560D", "T670I", "D816", "Y823del", "fs", "del", "ins", "dup", "NCT01234567", "CD117", "A1",
    "B12", "KIT", "exon", "11", "9", "2", "400", " ", "(", "%", "-", "ſ", "İ", "ı", "\u212a", "٥٦٠",
    "\u00a0", "é", "patients", "p.", "X",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CHANGE_TEXT), min_size=1, max_size=14).map("".join))
def test_may_name_protein_change_is_the_loose_search(text: str) -> None:
    """The shape gate never turns away a sentence the loose pattern finds something in, ASCII or
    not (Arabic-Indic digits are "\\d" too: a sentence with them is searched)."""
    context = context_of(f"Results: {text} were seen.")
    for info in context.sentences:
        expected = outcomes._PROTEIN_CHANGE_LOOSE.search(info.sentence.text) is not None
        assert outcomes.may_name_protein_change(info) is expected


def test_may_name_protein_change_on_written_sentences() -> None:
    context = context_of(
        "Patients with D842V did not respond. Twelve of 24 patients (50%) responded. "
        "The trial (NCT01234567) enrolled 40. Mutations V٥٦٠D were found."
    )
    assert [outcomes.may_name_protein_change(info) for info in context.sentences] == [
        True,
        False,
        False,
        True,
    ]
    shape = b"D842V at 12".translate(outcomes._CAPITALS_AND_DIGITS)
    assert shape == b"A000Axxxx00"


# --- response: the slash-list test by a loop ----------------------------------------------------------


def _old_may_hold_slash_list(reader: SimpleNamespace) -> bool:
    """_Reader._may_hold_slash_list as written before (any() over the neighbouring pairs)."""
    cues_at, items, text = reader.cues, reader.items, reader.text
    return any(
        later == earlier + 1 and text[items[earlier].end : items[later].start].strip() == "/"
        for earlier, later in zip(cues_at, cues_at[1:], strict=False)
    )


def _reader_of(cues_at: list[int], items: list[SimpleNamespace], text: str) -> SimpleNamespace:
    """What _may_hold_slash_list reads of a reader: the items (for the old form) and, since the
    twelfth session, the row's starts and ends."""
    starts, ends = [item.start for item in items], [item.end for item in items]
    return SimpleNamespace(cues=cues_at, items=items, starts=starts, ends=ends, text=text)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["CHR", "MCyR", "/", " / ", " ", "4", "25", "and", "(%)", ",", "\u00a0/"]),
            st.booleans(),
        ),
        max_size=12,
    ),
    st.data(),
)
def test_slash_list_test_is_the_one_it_replaced(pieces: list[tuple[str, bool]], data: st.DataObject) -> None:
    """The loop answers as any() over zip(cues, cues[1:]) did, for any items and cue indexes. A
    piece is an item or the text between two (so neighbouring items may stand apart, joined by
    "/" or not)."""
    text, items = "", []
    for piece, is_item in pieces:
        if is_item:
            items.append(SimpleNamespace(start=len(text), end=len(text) + len(piece)))
        text += piece
    cues_at = sorted(data.draw(st.sets(st.integers(0, max(len(items) - 1, 0)))) if items else set())
    reader = _reader_of(cues_at, items, text)
    assert response._Reader._may_hold_slash_list(reader) is _old_may_hold_slash_list(reader)


def test_slash_list_test_on_written_items() -> None:
    """'CHR/MCyR' (neighbouring cues joined by "/") may hold a run; cues apart, or neighbours
    joined by a space, do not."""
    text = "CHR/MCyR 4/25 CCyR"
    items = [SimpleNamespace(start=s, end=e) for s, e in [(0, 3), (4, 8), (9, 10), (11, 13), (14, 18)]]
    assert response._Reader._may_hold_slash_list(_reader_of([0, 1, 4], items, text))
    assert not response._Reader._may_hold_slash_list(_reader_of([1, 4], items, text))
    assert not response._Reader._may_hold_slash_list(_reader_of([3, 4], items, text))
    assert not response._Reader._may_hold_slash_list(_reader_of([], items, text))


# --- _read_responses: no call where the clause cannot hold what the callee reads -------------------

_HEAD_TEXT = [
    "complete", "cytogenetic", "molecular", "(", ")", "n", "N", " = ", "=", "13", "8", "or", "and", ",",
    "remission", "responses", " ", "who achieved a", "lost", ":", "ſ", "\u212a",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_HEAD_TEXT), min_size=1, max_size=20).map("".join))
def test_shared_head_finds_nothing_without_an_equals_sign(text: str) -> None:
    """_read_responses asks heme.shared_head only of a clause that holds "=": without one the
    pattern matches nothing, so the call (which no longer tests it) would give nothing. (Read end
    to end: tests/test_extract_heme.py, test_two_kinds_sharing_one_head_noun.)"""
    said = "Patients who achieved a " + text
    found = heme.shared_head(said, 0, len(said))
    if "=" not in said:
        assert found == []


def test_shared_head_needs_the_equals_sign() -> None:
    """The sentence read end to end in tests/test_extract_heme.py gives both counts; written with
    ":" or a space for each "=", it gives none (so the "=" gate drops nothing the pattern reads)."""
    said = "no patient who achieved a complete cytogenetic (n = 17) or molecular (n = 9) remission relapsed."
    assert [(kind, said[start:end]) for kind, start, end, _ in heme.shared_head(said, 0, len(said))] == [
        ("ccyr", "17"),
        ("cmr", "9"),
    ]
    for instead in (":", " ", ""):
        written = said.replace("=", instead)
        assert heme.shared_head(written, 0, len(written)) == []
