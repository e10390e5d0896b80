"""Shortcuts in the readers (issue 12, eleventh session): each reads what the form it replaces
read, checked against that form (kept here) on random clauses. A shortcut that ever answered
differently would change the output bytes."""

from __future__ import annotations

from types import SimpleNamespace

from extract_helpers import (
    SPAN_KINDS,
    SPAN_TEXTS,
    OldItem,
    context_of,
    old_dropped,
    old_filled,
    old_numbers,
    old_statistics,
    row_places,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import imatinib_cli.extract as extract_module
from imatinib_cli.extract import cues, populations, response, tokens, toxicity
from imatinib_cli.extract.numbers import find_fractions, find_numbers


def _tokenize_as_before(text: str, start: int, end: int, numbers, fractions, spans) -> list[OldItem]:  # type: ignore[no-untyped-def]
    """tokens.tokenize before the eleventh session: one sort by a Python key function."""
    taken = old_statistics(text, start, end) + old_numbers(text, start, end, numbers, fractions)
    taken.extend(item for item in spans if start <= item.start and item.end <= end)
    taken += old_dropped(text, start, end)
    taken.sort(key=lambda item: (item.start, -item.end, item.text != "ci"))
    return old_filled(text, start, end, taken)


_PIECES = st.sampled_from(
    [
        "12", "(26.7%)", " (95% CI, 2% to 30%)", "[78-88]", " 4 of 25", "0.00000000000001%", "1.234.567",
        "07", " ", ", ", "; ", "(", ")", "partial", "response", "CI", "ci", "PR", "had", "of", "the",
        "patients", "İ", "ſ", "\u212a", "é", "-", "'s", "(P<0.001)", "range 1-12", "10^9", "two", "=", ":",
    ]
)  # fmt: skip
_KINDS = st.sampled_from(SPAN_KINDS)
_SPAN_TEXTS = st.sampled_from(SPAN_TEXTS)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(_PIECES, min_size=1, max_size=24).map("".join),
    st.data(),
)
def test_tokenize_orders_items_as_the_key_function_did(text: str, data: st.DataObject) -> None:
    """Two stable sorts by start and (descending) end, with the spans written "ci" added right
    after the statistics, give the row the one sort by (start, -end, not "ci") gave: among items
    with the same bounds, the "ci" ones first, then the others in the order they were added. The
    spans may overlap, repeat each other's bounds and be written "ci"."""
    numbers = find_numbers(text)
    fractions = find_fractions(text, numbers)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    spans = []
    for _ in range(data.draw(st.integers(0, 6))):
        first = data.draw(st.integers(0, len(text)))
        last = data.draw(st.integers(first, min(len(text), first + 20)))
        if last > first:  # (every producer's spans hold a character at least)
            spans.append(OldItem(data.draw(_KINDS), first, last, data.draw(_SPAN_TEXTS)))
    if spans and data.draw(st.booleans()):  # the same bounds twice, once written "ci"
        twin = spans[0]
        spans.append(OldItem("blocker", twin.start, twin.end, "ci"))
    fast = tokens.tokenize(
        text, start, end, numbers, fractions, [(s.kind, s.start, s.end, s.text, s.payload) for s in spans]
    )
    slow = _tokenize_as_before(text, start, end, numbers, fractions, list(spans))
    assert row_places(fast) == [(i.kind, i.start, i.end, i.text, i.payload) for i in slow]


def test_a_row_with_a_statistic_and_a_ci_span_of_the_same_bounds() -> None:
    text = "12 patients (26.7%) had CI"
    numbers = find_numbers(text)
    span = ("cue", 24, 26, "CI", ("CR", False))
    same = ("blocker", 24, 26, "ci", None)
    row = tokens.tokenize(text, 0, len(text), numbers, [], [span, same])
    assert list(zip(row.kinds, row.texts, strict=True)) == [
        ("num", "12"),
        ("word", "patients"),
        ("mark", "("),
        ("num", "26.7%"),
        ("mark", ")"),
        ("word", "had"),
        ("blocker", "ci"),
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=12))
def test_toxicity_sort_keys_read_what_the_key_functions_read(places: list[tuple[int, int]]) -> None:
    """_START and _EVIDENCE_START (attrgetter, read in C) sort as the lambdas they replaced."""
    hits = [SimpleNamespace(start=a, end=b) for a, b in places]
    events = [SimpleNamespace(evidence=SimpleNamespace(start=a), percent=b) for a, b in places]
    assert sorted(hits, key=toxicity._START) == sorted(hits, key=lambda hit: hit.start)
    assert sorted(events, key=toxicity._EVIDENCE_START) == sorted(
        events, key=lambda event: event.evidence.start
    )


def _not_results_as_before(context, info) -> bool:  # type: ignore[no-untyped-def]
    """response._not_this_studys_results before the eleventh session: any() over a generator."""
    return any(
        cues.matcher("responses", name).any(context.text, info.start, info.end)
        and info.has_word(cues.any_word("responses", name))
        for name in ("design_statements", "dropout_markers")
    ) or response._cites_work(context, info)


_STATEMENTS = st.sampled_from(
    [
        "The study was designed to detect a response rate of 20% versus 5%.",
        "Previous studies reported response rates of 50%.",
        "NOT COMPLETED 45 Disease progression 1",
        "Compared with historical controls, partial response was seen in 16 patients.",
        "A partial response was seen in 12 (26.7%) of 45 patients.",
        "Sample size: 40 patients were needed to detect an ORR of 30%.",
        "As reported previously [12], 8 patients responded.",
        "Withdrawn 3; Adverse Event 2.",
        "ſtable disease in 10 patients; İmatinib was given.",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_STATEMENTS, min_size=1, max_size=4).map(" ".join))
def test_not_this_studys_results_as_before(text: str) -> None:
    """The loop over the two statement kinds answers as any() over them did, sentence by sentence
    (each sentence asked on a fresh context: the answer is kept in its cache)."""
    expected = [_not_results_as_before(context_of(text), info) for info in context_of(text).sentences]
    context = context_of(text)
    assert [response._not_this_studys_results(context, info) for info in context.sentences] == [
        bool(found) for found in expected
    ]


def _count_before_as_before(context, info, mention):  # type: ignore[no-untyped-def]
    """populations._count_before before the eleventh session: all() over a generator."""
    qualifiers = cues.words("cues", "tumor_qualifiers")
    for number in reversed(info.numbers):
        if number.end > mention.evidence.start:
            continue
        gap = context.text[number.end : mention.evidence.start]
        words = populations._GAP_WORDS.findall(gap)
        if all(word.lower() in qualifiers for word in words):
            return number
        return None
    return None


_BEFORE_A_TUMOR = st.sampled_from(
    ["27 ", "78.5% ", "12 advanced ", "12 patients with ", "two ", "(n = 4) ", "metastatic ", "", "ſ ", "İ "]
)
_TUMORS = st.sampled_from(["GIST", "solid tumors", "soft tissue sarcoma", "chordoma", "CML"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_BEFORE_A_TUMOR, _TUMORS), min_size=1, max_size=4))
def test_count_before_a_tumor_as_before(parts: list[tuple[str, str]]) -> None:
    """The loop over the gap's words returns the number where all() over them did."""
    context = context_of("We enrolled " + ", ".join(before + tumor for before, tumor in parts) + ".")
    for info in context.sentences:
        for mention in info.tumors:
            assert populations._count_before(context, info, mention) is _count_before_as_before(
                context, info, mention
            )


def _all_partial_guard_as_before(hits) -> bool:  # type: ignore[no-untyped-def]
    """The guard _all_partial opened with before the eleventh session (any() over the hits)."""
    orr = next((hit for hit in hits if hit.category == "orr" and not hit.negated), None)
    return orr is None or any(hit.category in ("cr", "pr") for hit in hits)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["orr", "cr", "pr", "sd", "pd"]), st.booleans()), max_size=5))
def test_all_partial_returns_early_where_it_did(found: list[tuple[str, bool]]) -> None:
    """_all_partial hands the hits back untouched exactly where the any() form did (no ORR hit
    that is not negated, or a CR or PR hit among them), and reads "all partial" elsewhere."""
    text = "The overall response rate was 52.5% (21/40), all partial responses."
    context = context_of(text)
    hits = [
        response.ResponseHit(category, None, None, None, negated, category, 0, 9)
        for category, negated in found
    ]
    read = response._all_partial(context, 0, len(text), list(hits))
    assert (read == hits) is _all_partial_guard_as_before(hits)


@settings(max_examples=100, deadline=None)
@given(st.lists(_STATEMENTS | _TUMORS, min_size=1, max_size=5).map(" ".join))
def test_anchors_of_a_sentence_without_a_tumor_or_arms_are_none(text: str) -> None:
    """extract skips the _anchors call for a sentence that names no tumor in a document without
    arms: _anchors gives [] there, and what it gives elsewhere is untouched."""
    for info in context_of(text).sentences:
        if not info.tumors:
            assert extract_module._anchors(info, None, []) == []
