"""Shortcuts in the adverse-event reader (issue 12, sixth session): each reads the same answer
with less work, checked against the reader as it was on random sentences built from the
vocabulary's words (short names, linking words, brackets with numbers, "ſ" and the Kelvin sign)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extract_helpers import context_of, patched
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import cues, toxicity
from imatinib_cli.extract.numbers import words_to_int
from imatinib_cli.models import AdverseEvent, Quantity

_WORDS = [
    "were", "was", "is", "are", "included", "including", "and", "or", "the", "most", "common",
    "adverse", "events", "dermatitis", "migraine", "memory", "complaints", "nausea", "fatigue", "rash",
    "neutropenia", "ab", "is", "x", "ſkin", "\u212aeratitis", "six", "surgery", "grade", "3",
    "(12%)", "(3%)", "(4 patients)", "(2 pts)", "( 5 %)", "(n", "=", "4)", ",", ";", ":", "-", "  ", "\n",
]  # fmt: skip

_sentences = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=18).map(lambda ws: " ".join(ws) + ".")


@dataclass
class _Span:
    start: int
    end: int


def _unknown_terms_as_before(text: str, info: Any, hits: list) -> list[AdverseEvent]:
    """toxicity._unknown_terms before the sixth session: the linking word searched for every item."""
    if toxicity._OPENS_NUMBER.search(text, info.start, info.end) is None:
        return []
    known = [(hit.start, hit.end) for hit in hits]
    events = []
    event_words = cues.words("cues", "toxicity", "event_words")
    for match in toxicity._list_item_pattern().finditer(text, info.start, info.end):
        start = match.start("name")
        linked = list(toxicity._linking_pattern().finditer(text, start, match.end("name")))
        if linked:
            start = linked[-1].end()
        if any(s < match.end() and start < e for s, e in known):
            continue
        name = " ".join(text[start : match.end("name")].split())
        if not name:
            continue
        words = name.lower().split()
        if set(words) & cues.words("cues", "toxicity", "not_events") or len(words) > 4:
            continue
        if any(words_to_int(word) is not None for word in words):
            continue
        if match.group("count") and not set(words) & event_words:
            continue
        percent = None
        if match.group("value"):
            percent = Quantity(float(match.group("value").replace("·", ".")), info.cite(start, match.end()))
        count = None
        if match.group("count"):
            count = Quantity(float(match.group("count")), info.cite(start, match.end()))
        events.append(
            AdverseEvent(
                term=None,
                as_written=name,
                soc=None,
                percent=percent,
                count=count,
                grade=toxicity._grade(text, info, start),
                evidence=info.cite(start, match.end()),
            )
        )
    return events


@settings(max_examples=300, deadline=None)
@given(_sentences, st.lists(st.tuples(st.integers(0, 120), st.integers(0, 30)), max_size=4))
def test_unknown_terms_skip_the_linking_search_for_a_hit_at_the_names_end(
    sentence: str, spans: list[tuple[int, int]]
) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        found = vocab.adverse_event_matcher().find(context.text, info.start, info.end)
        arbitrary = [_Span(start, start + size) for start, size in spans]
        # Hits that end at, or one to three characters before, a list item's name ends.
        near = [
            _Span(at - size, at - back)
            for match in toxicity._list_item_pattern().finditer(context.text, info.start, info.end)
            for back in range(4)
            for at, size in ((match.end("name"), 1 + back), (match.end("name"), 6 + back))
        ]
        for hits in (found, arbitrary, near, near[::3], []):
            assert toxicity._unknown_terms(context.text, info, hits) == _unknown_terms_as_before(
                context.text, info, hits
            )


@given(st.sampled_from(["were x (12%)", "and ab (4 patients)", "is (3%)", "were is (5%)", "ſkin rash (2%)"]))
def test_unknown_terms_with_a_one_letter_name_after_a_linking_word(item: str) -> None:
    # The name is what follows the linking word; a hit that ends where that name starts does not
    # overlap it, one that ends a character later does.
    text = f"The side effects {item}."
    context = context_of(text)
    info = context.sentences[0]
    name_end = text.index(" (")
    for start in range(name_end - 4, name_end):
        for end in range(start + 1, name_end + 2):
            hits = [_Span(start, end)]
            assert toxicity._unknown_terms(text, info, hits) == _unknown_terms_as_before(text, info, hits)


def test_unknown_terms_on_written_sentences() -> None:
    text = (
        "The most common were dermatitis (3%), migraine (12%) and nausea (20%); and "
        "memory complaints (4 patients)."
    )
    context = context_of(text)
    info = context.sentences[0]
    hits = vocab.adverse_event_matcher().find(context.text, info.start, info.end)
    fast = toxicity._unknown_terms(context.text, info, hits)
    assert fast == _unknown_terms_as_before(context.text, info, hits)
    assert [(event.as_written, event.percent.value if event.percent else None) for event in fast] == [
        ("dermatitis", 3.0),
        ("migraine", 12.0),
        ("memory complaints", None),
    ]


_SERIES_WORDS = [
    "neutropenia", "nausea", "fatigue", "rash", "edema", "anaemia", "(12%)", "(21.1%)", "( 5 % )", "(4·5%)",
    "(12%", "%)", ")", "(", "12%", "8%", "vs", "vſ", "versus", "(A)", "(B)", "2%", ";", "(48%;", "4%)",
    "in", "1/0", "2/3", "occurred", "the", "imatinib", "group", "arm", "\u212aarm", "and", ",", "were",
    "(grades 1/2; grade 3):", "(A/B)", "Arm A", "Arm B", "(n = 20)", "patients", "of", "41", "[29%]",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SERIES_WORDS), min_size=1, max_size=20))
def test_a_closed_share_is_read_as_no_series(words: list[str]) -> None:
    # "fatigue (21.1%)" skips the grade, slash and arm series readers: the same events as with them.
    text = (
        "Arm A (n = 20) and Arm B (n = 20) (A/B). The most common adverse events were "
        + " ".join(words)
        + "."
    )
    context = context_of(text)
    for info in context.sentences:
        fast = toxicity.find_adverse_events(context, info)
        with patched(toxicity, _closed_share_exact=lambda: False):
            slow = toxicity.find_adverse_events(context, info)
        assert fast == slow


def test_closed_share_on_written_sentences() -> None:
    # An open bracket is still read as a series: per arm, then per grade after a grade header.
    series = (
        "Adverse events were anaemia (29% vs 8%). Adverse events (all grades; grade 3-4): edema (48%; 4%)."
    )
    context = context_of(series)
    found = [
        (event.term, event.percent.value if event.percent else None, event.arm, event.grade)
        for info in context.sentences
        for event in toxicity.find_adverse_events(context, info)
    ]
    assert found == [
        ("Anemia", 29.0, "1", None),
        ("Anemia", 8.0, "2", None),
        ("Generalized edema", 48.0, None, None),
        ("Generalized edema", 4.0, None, "3/4"),
    ]
    text = "Adverse events were fatigue (21.1%), rash (12%) vs (8%), and edema (48%; 4%)."
    context = context_of(text)
    found = [
        (event.term, event.percent.value if event.percent else None, event.arm)
        for info in context.sentences
        for event in toxicity.find_adverse_events(context, info)
    ]
    assert found == [
        ("Fatigue", 21.1, None),
        ("Rash maculo-papular", 12.0, None),
        ("Generalized edema", 48.0, None),
    ]
