"""The clause row as parallel lists (issue 12, twelfth session): tokens.tokenize gives the row the
Item objects of the form it replaced gave (kept here as the reference: an object a word, the words
read stretch by stretch between the spans), checked on random clauses with numbers, fractions,
statistics, dropped numerals, overlapping spans and spans of the same bounds, spans written "ci",
a NUL of the text's own (tokenize marks a span's place with one), and "ſ", "İ", "ı", the Kelvin
sign and accented letters (they lower to other lengths or to ASCII letters); the row's cue places
against the reader's old test of every item; group_at against its form with helpers. A row that
ever read differently would change the output bytes.
"""

from __future__ import annotations

from operator import attrgetter

from extract_helpers import (
    SPAN_KINDS,
    SPAN_TEXTS,
    OldItem,
    old_dropped,
    old_filled,
    old_numbers,
    old_statistics,
    row_places,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import response, tokens
from imatinib_cli.extract.numbers import find_fractions, find_numbers


def _tokenize_as_before(text: str, start: int, end: int, numbers, fractions, spans) -> list[OldItem]:  # type: ignore[no-untyped-def]
    """tokens.tokenize before this session (0bf4b15): an Item a word, a span or a number."""
    taken = old_statistics(text, start, end)
    others: list[OldItem] = []
    for item in spans:
        if start <= item.start and item.end <= end:
            (taken if item.text == "ci" else others).append(item)
    taken += old_numbers(text, start, end, numbers, fractions) + others + old_dropped(text, start, end)
    taken.sort(key=attrgetter("end"), reverse=True)
    taken.sort(key=attrgetter("start"))
    return old_filled(text, start, end, taken)


def _cues_as_before(items: list[OldItem]) -> list[int]:
    """The reader's cue indexes as it found them before this session: every item asked."""
    return [i for i, item in enumerate(items) if item.kind == "cue" and isinstance(item.payload, tuple)]


_PIECES = st.sampled_from(
    [
        "12", "(26.7%)", " (95% CI, 2% to 30%)", "[78-88]", " 4 of 25", "4/25", "0.00000000000001%",
        "1.234.567", "07", " ", ", ", "; ", "(", ")", "partial", "response", "Response", "CI", "ci", "PR",
        "had", "of", "the", "patients", "İ", "ſ", "ı", "\u212a", "é", "É", "ß", "-", "'s", "don't", "-x",
        "(P<0.001)", "range 1-12", "10^9", "two", "=", ":", "\x00", "CR-like", "\n",
    ]
)  # fmt: skip
_KINDS = st.sampled_from(SPAN_KINDS)
_SPAN_TEXTS = st.sampled_from(SPAN_TEXTS)
_PAYLOADS = st.sampled_from([None, ("pr", False), ("cr", True), "mention"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=24).map("".join), st.data())
def test_tokenize_gives_the_row_the_items_gave(text: str, data: st.DataObject) -> None:
    """The row's places, in order, are the items' kinds, bounds, texts and payloads: the same spans
    kept (the longer first, a "ci" one first among the same bounds), the same words between them."""
    numbers = find_numbers(text)
    fractions = find_fractions(text, numbers)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    spans: list[tokens.Span] = []
    for _ in range(data.draw(st.integers(0, 6))):
        first = data.draw(st.integers(0, len(text)))
        last = data.draw(st.integers(first, min(len(text), first + 20)))
        spans.append((data.draw(_KINDS), first, last, data.draw(_SPAN_TEXTS), data.draw(_PAYLOADS)))
    if spans and data.draw(st.booleans()):  # the same bounds twice, once written "ci"
        spans.append(("blocker", spans[0][1], spans[0][2], "ci", None))
    row = tokens.tokenize(text, start, end, numbers, fractions, list(spans))
    items = _tokenize_as_before(text, start, end, numbers, fractions, [OldItem(*span) for span in spans])
    assert row_places(row) == [(i.kind, i.start, i.end, i.text, i.payload) for i in items]
    assert row.cues == _cues_as_before(items)


def test_a_written_clause_row() -> None:
    text = "Partial response (PR; 95% CI, 2-30) in 12 (26.7%) of 45 patients, İt's"
    numbers = find_numbers(text)
    cue = ("cue", 0, 16, "Partial response", ("pr", False))
    row = tokens.tokenize(text, 0, len(text), numbers, find_fractions(text, numbers), [cue])
    assert [
        (kind, text[s:e], written)
        for kind, s, e, written in zip(row.kinds, row.starts, row.ends, row.texts, strict=True)
    ] == [
        ("cue", "Partial response", "Partial response"),
        ("mark", "(", "("),
        ("word", "PR", "pr"),
        ("mark", ";", ";"),
        ("word", " 95% CI, 2-30", "ci"),  # the statistic, from after the semicolon to the bracket
        ("mark", ")", ")"),
        ("word", "in", "in"),
        ("num", "12", "12"),
        ("mark", "(", "("),
        ("num", "26.7%", "26.7%"),
        ("mark", ")", ")"),
        ("word", "of", "of"),
        ("num", "45", "45"),
        ("word", "patients", "patients"),
        ("mark", ",", ","),
        ("word", "t's", "t's"),
    ]
    assert row.payloads[0] == ("pr", False) and row.payloads[7] is numbers[-3]


def test_a_span_of_no_characters_and_a_nul_of_the_text() -> None:
    """Where a span's place cannot be marked (it holds no character, or the clause holds a NUL of
    its own), the row is read stretch by stretch, as the items were."""
    for text, spans in [
        ("had a partial response", [("blocker", 4, 4, "x", None), ("cue", 6, 22, "partial response", None)]),
        ("had\x00 a partial response", [("cue", 7, 23, "partial response", ("pr", False))]),
    ]:
        row = tokens.tokenize(text, 0, len(text), [], [], spans)
        items = _tokenize_as_before(text, 0, len(text), [], [], [OldItem(*span) for span in spans])
        assert row_places(row) == [(i.kind, i.start, i.end, i.text, i.payload) for i in items]
        assert row.cues == _cues_as_before(items)


def _group_at_as_before(row: tokens.Row, index: int, people: frozenset[str]) -> tokens.Group:
    """tokens.group_at before its look-ups were written out: _group_start always called, the
    denominator and the "(n = 6)" read by two helpers."""
    kinds, texts, payloads = row.kinds, row.texts, row.payloads
    size = len(kinds)

    def total_after(probe: int) -> int | None:
        if probe < size and texts[probe] == "of":
            probe += 1
            if probe < size and texts[probe] == "the":
                probe += 1
            if probe < size and kinds[probe] == "num" and payloads[probe].is_int:
                return probe
        return None

    def n_equals_after(probe: int) -> int | None:
        while probe < size and (texts[probe] in ("of", "the") or texts[probe] in people):
            probe += 1
        if (
            probe + 3 < size
            and texts[probe] == "("
            and texts[probe + 1] == "n"
            and texts[probe + 2] == "="
            and kinds[probe + 3] == "num"
            and payloads[probe + 3].is_int
        ):
            return probe + 3
        return None

    index = tokens._group_start(row, index, people)
    first = last = index
    parts = [index]
    probe = index + 1
    while probe < size and kinds[probe] == "word" and texts[probe] in people:
        probe += 1
    if (
        probe + 1 < size
        and texts[probe] in ("(", "[")
        and kinds[probe + 1] in ("num", "frac")
        and not tokens._names_its_own(row, probe + 1)
    ):
        parts.append(probe + 1)
        last = probe + 1
        if last + 1 < size and texts[last + 1] in (")", "]"):
            last += 1
    if last + 3 < size and texts[last + 1] in ("(", "[") and texts[last + 2] == "ci":
        last += 3 if texts[last + 3] in (")", "]") else 2
    total_at = total_after(last + 1)
    count = percent = total = None
    if total_at is not None:
        total = payloads[total_at]
        last = total_at
    stated_n = n_equals_after(last + 1)
    if stated_n is not None:
        parts.append(stated_n)
        last = stated_n + 1 if stated_n + 1 < size and texts[stated_n + 1] == ")" else stated_n
    for part in parts:
        if kinds[part] == "frac":
            count = count or payloads[part].count
            total = total or payloads[part].total
        elif payloads[part].percent:
            percent = percent or payloads[part]
        elif payloads[part].is_int:
            count = count or payloads[part]
    return tokens.Group(first, last, count, percent, total, row.starts[first], row.ends[last])


_GROUP_PIECES = st.sampled_from(
    [
        "12", "20", "27", "(74%)", "(26.7%)", "74%", "4/25", "(4/25)", "of", "the", "of the", "patients",
        "pts", "(", ")", "[", "]", "(n = 6)", "(n=6)", "n", "=", "(95% CI, 2% to 30%)", "partial response",
        "twelve", "Twenty", "percent", ",", "and", "had", "1.5", "ſ", "İ",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_GROUP_PIECES, min_size=1, max_size=16).map(" ".join), st.booleans())
def test_group_at_is_the_group_before(text: str, with_cue: bool) -> None:
    """group_at, its look-ups written out and _group_start called only after "of", "the" or a
    bracket, gives every number's group as the form with the helpers did."""
    numbers = find_numbers(text)
    spans: list[tokens.Span] = []
    at = text.find("partial response")
    if with_cue and at >= 0:
        spans.append(("cue", at, at + 16, "partial response", ("pr", False)))
    row = tokens.tokenize(text, 0, len(text), numbers, find_fractions(text, numbers), spans)
    people = response._reader_words().people
    for index, kind in enumerate(row.kinds):
        if kind in ("num", "frac"):
            assert tokens.group_at(row, index, people) == _group_at_as_before(row, index, people)
