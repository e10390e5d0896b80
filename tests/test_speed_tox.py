"""Shortcuts in the adverse-event, outcome and heme readers (issue 12, seventh session): each reads
what the form it replaces read, checked against that form (kept here) on random texts with the
characters case-blind matching and Unicode whitespace treat apart ("ſ", "İ", "ı", the Kelvin sign,
no-break and other spaces, Unicode digits), at every start, and on written cases. A shortcut that
ever answered differently would change the output bytes."""

from __future__ import annotations

import re
from types import SimpleNamespace

from extract_helpers import aggregates_with_and_without_gate, context_of, patched
from hypothesis import given, settings
from hypothesis import strategies as st
from test_extract_setup_shortcuts import _PERIOD_POINT, _TIME_PIECES, _TIME_POINT

from imatinib_cli import vocab
from imatinib_cli.extract import heme, outcomes, toxicity

_ODD = ["ſ", "İ", "ı", "\u212a", "\u00a0", "\u2009", "\x1c", "\t", "\n", "٣", "²"]

# --- toxicity: one match for the closed and the plain share -------------------------------------

_SHARE_PIECES = [
    "(", ")", " ", "  ", "\u00a0", "\x1c", "21", "1", "5", ".", "·", "%", "٣", "percent", "of",
    "patients", ",", ";", "grade", "3", "x", "ſ", "\u212a", "İ", "ı", "e", ") ", " )",
]  # fmt: skip
_OLD_CLOSED_SHARE = re.compile(r"\s*\(\s*\d+(?:[.·]\d+)?\s*%\s*\)")
_OLD_PLAIN_SHARE = re.compile(r"\s*\(\s*(\d+(?:[.·]\d+)?)\s*%")
_shares = st.lists(st.sampled_from(_SHARE_PIECES), min_size=1, max_size=14).map("".join)


def _closed_agrees(text: str, start: int, end: int) -> None:
    share = toxicity._SHARE.match(text, start, end)
    old = _OLD_CLOSED_SHARE.match(text, start, end)
    plain = _OLD_PLAIN_SHARE.match(text, start, end)
    # _SHARE matches where the plain share did, reads the same number to the same end (group 2's
    # start), and its group 2 is non-empty exactly where the closed share matched, ending there.
    assert (share is None) is (plain is None)
    assert (old is not None) is (share is not None and share.end(2) > share.start(2))
    if share is None:
        return
    assert (plain.group(1), plain.start(1), plain.end()) == (share.group(1), share.start(1), share.start(2))
    if old is not None:
        assert old.span() == share.span()


@settings(max_examples=400, deadline=None)
@given(_shares, st.integers(0, 6))
def test_share_holds_the_closed_and_the_plain_share(text: str, cut_end: int) -> None:
    """_SHARE reads what the closed share and the plain share read apart (one pattern typed once,
    the closing bracket an optional group): _frequencies reads both from the one match."""
    for start in range(len(text) + 1):
        _closed_agrees(text, start, len(text))
        _closed_agrees(text, start, max(start, len(text) - cut_end))


def test_closed_share_written_cases() -> None:
    for text, value, end in [(" (21.1%)", "21.1", 7), ("(5·2 % )", "5·2", 6), (" ( 3%)\u00a0)", "3", 5)]:
        share = toxicity._SHARE.match(text)
        assert share is not None and (share.group(1), share.start(2)) == (value, end)
        assert share.end(2) > share.start(2)
    for text in [" (21.1% of patients)", " (21.1%", "(3 %;"]:
        share = toxicity._SHARE.match(text)
        assert share is not None and share.group(2) == ""
    for text in [" (3/4)", " 21%)", "(grade 3, 12%)"]:
        assert toxicity._SHARE.match(text) is None


# --- toxicity: no reader of a number after an event where none is written (eighth session) --------

_WINDOW_WORDS = [
    "fatigue", "rash", "neutropenia", "grade", "3/4", "adverse", "events", "were", "was", "in", "of",
    "patients", "pts", "(", ")", "[", "]", "%", "12", "4", "2.5", "·", "٣", "vs", "versus", ",", ";",
    ":", "/", "one", "Two", "ſix", "nİne", "ONE", "twelve", "none", "\u212a", "occurred", "arm", "A",
    "B", "(A/B)", "n", "=", "20", "each", "respectively", "and", "with", "imatinib", "group",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WINDOW_WORDS), min_size=1, max_size=16).map(" ".join), st.booleans())
def test_number_gate_reads_as_every_reader_tried(sentence: str, armed: bool) -> None:
    """_frequencies skips the readers that consume a digit or a count word after a hit where the
    window holds neither (_COUNTED): every hit's values, and the sentence's events, are those read
    with the gate turned off (_COUNTED matching everywhere)."""
    context = context_of(sentence)
    always = re.compile("")
    for info in context.sentences:
        hits = toxicity._event_matcher().find(context.text, info.start, info.end)
        hits = sorted([*hits, *toxicity._aggregates(context.text, info, hits)], key=lambda hit: hit.start)
        fast = [toxicity._frequencies(context, info, hits, k, armed) for k in range(len(hits))]
        events = toxicity.find_adverse_events(context, info, armed)
        with patched(toxicity, _COUNTED=always):
            slow = [toxicity._frequencies(context, info, hits, k, armed) for k in range(len(hits))]
            assert toxicity.find_adverse_events(context, info, armed) == events
        assert fast == slow


def test_number_gate_written_cases() -> None:
    for sentence in [
        "Grade 3/4 adverse events were fatigue (21.1%), rash (4%).",
        "Serious adverse events occurred in ONE patient.",
        "Neutropenia was seen in ſix patients and rash in nİne.",
        "Grade 3 toxicities were more frequent with imatinib (40% vs 20%).",
        "Adverse events were reported by 38% of patients.",
    ]:
        context = context_of(sentence)
        (info,) = context.sentences
        events = toxicity.find_adverse_events(context, info)
        with patched(toxicity, _COUNTED=re.compile("")):
            assert toxicity.find_adverse_events(context, info) == events


# --- heme: the time-point gate as a digit search and substrings ---------------------------------


def _old_gate() -> re.Pattern[str]:
    """heme._timepoint_gate as it was: one search for a digit and a unit's first letters or a
    period word, opening with a digit or any period word's first letter."""
    units = {str(w).lower() for synonyms in vocab.load("cues")["time_units"].values() for w in synonyms}
    periods = sorted({str(w).lower() for w in vocab.load("hematologic")["timepoint_periods"]})
    heads = {unit[:2] for unit in units}
    heads = {head for head in heads if not any(other != head and head.startswith(other) for other in heads)}
    by_first: dict[str, list[str]] = {}
    for word in periods:
        by_first.setdefault(word[0], []).append(heme._both_cases(word[1:]))
    firsts = "".join(first + first.upper() for first in by_first)
    after = [f"(?<=[{first}{first.upper()}])(?:{'|'.join(rests)})" for first, rests in by_first.items()]
    unit = "|".join(heme._both_cases(head) for head in sorted(heads))
    return re.compile(rf"[0-9{firsts}](?:(?<=[0-9])[\s\-]*(?:{unit})|{'|'.join(after)})")


def _new_gate(text: str, start: int, end: int) -> bool:
    gate = heme._timepoint_gate()
    assert gate is not None
    if gate[0].search(text, start, end) is not None:
        return True
    lower = text[start:end].lower()
    return any(period in lower for period in gate[1])


@settings(max_examples=500, deadline=None)
@given(
    st.lists(_TIME_POINT | _PERIOD_POINT | st.sampled_from(_TIME_PIECES + _ODD), max_size=8).map("".join),
    st.integers(0, 6),
    st.integers(0, 6),
)
def test_time_point_gate_answers_as_the_one_search(text: str, start: int, cut: int) -> None:
    """On an ASCII span (the only one the gate is asked of) the two tests pass exactly where the
    one search found something."""
    start = min(start, len(text))
    end = max(start, len(text) - cut)
    if text[start:end].isascii():
        assert _new_gate(text, start, end) is (_old_gate().search(text, start, end) is not None)


def test_time_point_gate_written_cases() -> None:
    for text, passes in [
        ("at 12 months", True), ("by the end of COURSE two", True), ("in Week x", True),
        ("after 7 d", True), ("400 mg daily", False), ("Cyc le 2", False),
    ]:  # fmt: skip
        assert _new_gate(text, 0, len(text)) is passes is (_old_gate().search(text) is not None)


# --- outcomes: the protein change written once ---------------------------------------------------


def test_protein_change_patterns_as_written_before() -> None:
    """The variant patterns built from one spelling of a protein change are the patterns as they
    were written out (the same strings, so the same matches)."""
    assert outcomes._VARIANT.pattern == r"\b(?:[A-Z]\d{2,4}(?:[A-Z]|del|ins|dup|fs)|exon\s+\d+)\b"
    assert outcomes._PROTEIN_CHANGE.pattern == r"[A-Z](?<!\w.)\d{2,4}(?:[A-Z]|del|ins|dup|fs)\b"
    assert outcomes._PROTEIN_CHANGE_LOOSE.pattern == r"[A-Z]\d{2,4}(?:[A-Z]|del|ins|dup|fs)"
    assert outcomes._AFTER_GENE.pattern == (
        r"\s*(?:exon\s+\d+\s+|gene\s+|activating\s+)?(?P<variant>[A-Z]\d{2,4}(?:[A-Z]|del|ins|dup|fs)\b)?"
        r"\s*(?P<word>[A-Za-z]+)?"
    )


# --- toxicity: the aggregate head gate, for every sentence ---------------------------------------


def test_folding_covers_every_character_an_ascii_letter_matches() -> None:
    """_folded turns each character that case-blind matching reads as an ASCII letter into that
    letter (lowercase): so an ASCII word found case-blind in a sentence is a substring of it."""
    letters = re.compile("[a-z]", re.I)
    for code in range(0x110000):
        char = chr(code)
        if letters.fullmatch(char) is None:
            continue
        folded = toxicity._folded(SimpleNamespace(lower=vocab.lowercase(char)))  # type: ignore[arg-type]
        assert len(folded) == 1
        assert re.fullmatch(folded, char, re.I), char


_AGGREGATE_WORDS = [
    "grade", "3/4", "III", "and", "IV", "serious", "adverse", "events", "Adverse", "EVENTS", "side",
    "effects", "side-effects", "toxicities", "toxic", "reactions", "Cytopenias", "hematologic",
    "ſide", "toxİcity", "toxıcity", "ADVERſE", "\u212a", "≥", "µg", "–", "were", "common", "(12%)",
    "non-adverse", "grade-3", "toxicity_", "x",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_AGGREGATE_WORDS), min_size=1, max_size=12).map(" ".join))
def test_aggregate_gate_passes_every_sentence_the_pattern_reads(sentence: str) -> None:
    """Wherever _aggregate_pattern matches (ASCII sentence or not), a head word is in the folded
    sentence, so skipping the pattern elsewhere changes nothing; and the reader's answer is the
    one it gives with no gate at all."""
    context = context_of(sentence)
    for info in context.sentences:
        words = toxicity._aggregate_head_starts()
        assert words is not None
        found = toxicity._aggregate_pattern().search(context.text, info.start, info.end)
        if found is not None:
            assert any(word in toxicity._folded(info) for word in words)
        fast, slow = aggregates_with_and_without_gate(context, info)
        assert fast == slow


def test_aggregate_gate_written_cases() -> None:
    for sentence, named in [
        ("Grade 3 TOXİCITY occurred in 4%.", True), ("Serious adverſe events were rare.", True),
        ("No side-effects ≥ grade 3 were seen.", True), ("Toxic reactions: none.", True),
        ("Toxic deaths: none.", False),
        ("Responses were durable (≥ 12 months).", False),
    ]:  # fmt: skip
        context = context_of(sentence)
        (info,) = context.sentences
        assert bool(toxicity._aggregates(context.text, info, [])) is named


# --- toxicity: no list item search where every bracket follows a hit (eighth session) ------------

_LIST_PIECES = [
    "fatigue", "rash", "edema", "nausea", "migraine", "ab", "x", "memory complaints", "surgery",
    "were", "included", "and", "or", ",", ";", ":", " ", "  ", "\u00a0", "\x1c", "\t", "(", ")",
    "(21.1%)", "( 3 %)", "(4 patients)", "(5·2%)", "(٣%)", "(12%", "grade 3", "adverse events",
    "ſ", "İ", "ı", "\u212a", "-", "the most common",
]  # fmt: skip


def _list_hits(context: object, info: object) -> list:
    hits = toxicity._event_matcher().find(context.text, info.start, info.end)  # type: ignore[attr-defined]
    found = toxicity._aggregates(context.text, info, hits)  # type: ignore[attr-defined]
    return sorted([*hits, *found], key=lambda hit: hit.start)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LIST_PIECES), min_size=1, max_size=14).map("".join))
def test_claimed_brackets_leave_no_unknown_item(sentence: str) -> None:
    """Where every bracket that opens with a number follows a hit's end, _unknown_terms finds
    nothing with its pattern run either: the same answer as with the shortcut turned off."""
    context = context_of("The most common were " + sentence)
    for info in context.sentences:
        hits = _list_hits(context, info)
        fast = toxicity._unknown_terms(context.text, info, hits)
        with patched(toxicity, _unclaimed_bracket=lambda *_: True):
            slow = toxicity._unknown_terms(context.text, info, hits)
        assert fast == slow


def test_claimed_brackets_written_cases() -> None:
    for sentence, unknown in [
        ("Adverse events were fatigue (21.1%), rash\u00a0(4%).", []),
        ("Adverse events were fatigue (21.1%), migraine (20%).", ["migraine"]),
        ("Adverse events were fatigue (21.1%) and ab (20%).", ["ab"]),
    ]:
        context = context_of(sentence)
        (info,) = context.sentences
        hits = _list_hits(context, info)
        with patched(toxicity, _unclaimed_bracket=lambda *_: True):
            slow = toxicity._unknown_terms(context.text, info, hits)
        assert toxicity._unknown_terms(context.text, info, hits) == slow
        assert [event.as_written for event in slow] == unknown


# --- outcomes: no search for a further duration after a confidence interval (eighth session) ----

_DURATION_PIECES = [
    "15.1 months", "2·5 months", "six months", "18 mo", "(95% CI, 10.6 to 21.1)", "95%", "(95%",
    "95 %", "and", "AND", "vs", "Vs.", "versus", "verſus", "vſ", ",", " ", "  ", "\u00a0", "with",
    "400 mg", "follow-up", "range", "CI", "in", "arm", "B", "ſ", "İ", "\u212a", "5%", "12", "months",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DURATION_PIECES), min_size=1, max_size=12).map(" ".join))
def test_interval_stop_reads_as_the_search(rest: str) -> None:
    """find_outcomes stops its list of durations at a "95%" with no join before it without
    searching for a further one: the same outcomes as with that shortcut turned off."""
    context = context_of("The median PFS was 20.4 months " + rest + ".")
    for info in context.sentences:
        fast = outcomes.find_outcomes(context, info, None)
        with patched(outcomes, _stops_at_interval=lambda *_: False):
            assert outcomes.find_outcomes(context, info, None) == fast


def test_interval_stop_written_cases() -> None:
    for sentence, values in [
        ("Median PFS was 15.1 months (95% CI, 10.6 to 21.1 months).", [15.1]),
        ("Median PFS was 15.1 months and 18.2 months (95% CI, 10 to 21 months).", [15.1, 18.2]),
        ("Median PFS was 15.1 months, (95% CI) 18.2 months.", [15.1]),
    ]:
        context = context_of(sentence)
        (info,) = context.sentences
        found = outcomes.find_outcomes(context, info, None)
        with patched(outcomes, _stops_at_interval=lambda *_: False):
            assert outcomes.find_outcomes(context, info, None) == found
        assert [outcome.value.value for outcome in found if outcome.value] == values


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*_DURATION_PIECES, "or", ";", "plus", "AnD", "VERSUS"]), max_size=12).map(
        " ".join
    )
)
def test_join_needles_are_held_by_every_join(text: str) -> None:
    """_stops_at_interval tests _JOIN_NEEDLES as substrings in place of a _JOINED search (on ASCII
    text): every _JOINED match, lowercased, holds one, so a join added to _JOINED and not to the
    needles fails here."""
    if not text.isascii():
        return
    for match in outcomes._JOINED.finditer(text):
        assert any(needle in match.group(0).lower() for needle in outcomes._JOIN_NEEDLES), match.group(0)


def test_join_needles_and_the_joins_as_written() -> None:
    # the pattern the needles were read from: change both together
    assert outcomes._JOINED.pattern == r"\b(?:and|vs\.?|versus)\b|,"
    assert outcomes._JOIN_NEEDLES == (",", "and", "vs", "versus")
    assert "95%" in outcomes._FOLLOW_UP.pattern


def _gated_patterns() -> list[re.Pattern[str]]:
    """The patterns _frequencies and its readers try only where the number gate lets them."""
    return [
        toxicity._after_pattern(),
        toxicity._ELIDED,
        toxicity._aggregate_after_pattern(),
        toxicity._late_comparison_pattern(),
        toxicity._GRADE_PAIR,
        toxicity._slash_pair_pattern(),
    ]


_UNCOUNTED_WORDS = [
    "none", "no", "a single", "eleven", "twelve", "all", "each", "both", "half", "several", "few",
    "many", "patients", "pts", "(", ")", "[", "]", "%", "of", "in", "vs", "versus", "and", ",", ";",
    ":", "/", "=", "n", "grade", "arm", "A", "B", "were", "was", "respectively", "ſix", "ONE?",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_UNCOUNTED_WORDS), max_size=14).map(" ".join))
def test_the_number_gates_readers_need_a_digit_or_a_count_word(window: str) -> None:
    """Each reader the number gate turns away reads a digit or a count word ("one".."ten"): no
    match in a window with neither (_COUNTED finds nothing there). A pattern taught to read
    "none", "a single" or "eleven" must be taken out of the gate, and fails here."""
    if toxicity._COUNTED.search(window) is not None:
        return  # ("none" holds "one": the gate lets the readers try)
    for pattern in _gated_patterns():
        assert pattern.search(window) is None, pattern.pattern[:60]


def test_the_number_gates_readers_skip_written_uncounted_windows() -> None:
    for window in [
        " (a single)", " ( eleven )", " in eleven patients", " (all)", " in several patients (few)",
        " vs twelve", " (twelve; eleven)", " in no patients", " in half of patients", " (a single/all)",
    ]:  # fmt: skip
        assert toxicity._COUNTED.search(window) is None
        for pattern in _gated_patterns():
            assert pattern.search(window) is None, (window, pattern.pattern[:60])
