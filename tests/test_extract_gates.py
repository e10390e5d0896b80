"""Cheap tests and shortcuts in the response and toxicity readers (issue 12, one C pass per text).

Each gate says "this pass cannot find anything here" from something every match must hold (a
literal "(%)", two "%" or a versus word, a subject verb, "grade"); each shortcut reads the same
answer another way (the last grade match tried from the end). Each is checked against the same
reader without it on random sentences built from the vocabulary's own words, with characters that
re.I folds into ASCII letters ("ſ" into s, the Kelvin sign into k) where a lowercase test would
miss them, and on sentences written by hand. A gate that ever changed an answer would change the
output bytes.
"""

from __future__ import annotations

import re
from typing import Any

from extract_helpers import context_of, patched
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import cues, response, tokens, toxicity
from imatinib_cli.extract.context import Context

_WORDS = [
    "grade", "Grade", "GRADE", "grades", "3", "3/4", "4", "≥", "or", "worse", "higher", "and/or", "and",
    "adverse", "events", "toxicities", "side-effects", "serious", "mild", "transient", "fatigue", "rash",
    "neutropenia", "nausea", "vomiting", "edema", "gastrointestinal", "hemorrhage", "oedema", "with",
    "weight", "gain", "patients", "Five", "(11%)", "had", "experienced", "preſented", "eſperienced",
    "Kelvin\u212a", "ſide", "vs", "vſ", "versus", "VERSUS", "arm", "Arm", "group", "GROUP", "imatinib",
    "placebo", "in", "of", "the", "12", "(12%)", "12%", "8%", "(A)", "(B)", "(A/B)", "1/0", "N", "(%)",
    "(", ")", "%", "(4", "patients)", ";", ":", ",", "at", "least", "more", "than", "-", "\n",
    "complete", "partial", "response", "responses", "CR", "PR", "stable", "disease", "no",
]  # fmt: skip

_sentences = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=20).map(lambda ws: " ".join(ws) + ".")


_ALWAYS = re.compile("")  # a gate pattern that always finds something: the pass always runs


def _toxicity_without_gates() -> Any:
    return patched(
        toxicity,
        _may_compare=lambda *_: True,
        _may_name_subject=lambda *_: True,
        _grade_words_once=lambda: False,
        _aggregate_head_starts=lambda: None,
        _TABLE_MARK_PART=_ALWAYS,
        _OPENS_NUMBER=_ALWAYS,
    )


@settings(max_examples=200, deadline=None)
@given(_sentences)
def test_toxicity_gates_change_nothing(sentence: str) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        fast = toxicity.find_adverse_events(context, info)
        with _toxicity_without_gates():
            slow = toxicity.find_adverse_events(context, info)
        assert fast == slow


def _extend_left_by_regex(text: str, start: int, end: int, floor: int, matcher: Any) -> int:
    """toxicity._extend_left before its gate."""
    match = toxicity._COORDINATION.search(text[max(floor, start - 40) : start])
    if not match:
        return start
    candidate = f"{match.group(1)} {text[start:end].split()[-1]}"
    return start - len(match.group(0)) if matcher.find(candidate) else start


def _extend_modifiers_by_regex(text: str, start: int, floor: int) -> int:
    """toxicity._extend_modifiers before its gate."""
    match = re.search(r"([A-Za-z][A-Za-z\-]*)\s+$", text[max(floor, start - 30) : start])
    words = cues.words("cues", "toxicity", "event_modifiers")
    return start - len(match.group(0)) if match and match.group(1).lower() in words else start


_tails = st.lists(
    st.sampled_from(
        ["transient", "hemorrhagic", "Gastrointestinal", "or", "and/or", "-", "x-", "(", "3,", "\n"]
    )
    | st.sampled_from(["\u00a0", "\u2003", "\x1c", " ", "  ", "\t", "ſ", "\u212a"]),
    max_size=8,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_tails)
def test_word_gates_agree_with_their_regexes(tail: str) -> None:
    """The gates of _extend_left and _extend_modifiers strip the same whitespace as "\\s" (other
    spaces than " " included) and read the same last word."""
    from imatinib_cli import vocab

    matcher = vocab.adverse_event_matcher()
    text = tail + "hemorrhage"
    start, end = len(tail), len(text)
    assert toxicity._extend_left(text, start, end, 0, matcher) == _extend_left_by_regex(
        text, start, end, 0, matcher
    )
    assert toxicity._extend_modifiers(text, start, 0) == _extend_modifiers_by_regex(text, start, 0)


@settings(max_examples=200, deadline=None)
@given(_sentences)
def test_gate_patterns_hold_in_every_match(sentence: str) -> None:
    """What each literal gate searches for is part of every match of the pattern it guards."""
    for mark in toxicity._TABLE_MARK.finditer(sentence):
        assert toxicity._TABLE_MARK_PART.search(mark.group(0))
    for item in toxicity._list_item_pattern().finditer(sentence):
        assert toxicity._OPENS_NUMBER.search(item.group(0))


def _old_aggregate_pattern() -> re.Pattern[str]:
    """_aggregate_pattern with its word lists as plain alternations sorted longest first."""

    def alternation(key: str) -> str:
        words = sorted(cues.words("cues", "toxicity", key), key=len, reverse=True)
        return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)

    grade = (
        r"grades?\s*(?:(?:≥|>=|>)\s*)?(?:[1-5]|iv|v|i{1,3})(?:\s*(?:/|-|–|or|and|to)\s*(?:[1-5]|iv|v|i{1,3}))?\b"
        rf"(?:\s+or\s+{toxicity._words('or_worse')})?"
    )
    modifier = rf"(?:{grade}|(?:{alternation('aggregate_modifiers')})\b)"
    modifiers = rf"{modifier}(?:(?:\s*/\s*|\s*,\s*|\s+(?:to|or|and|and/or)\s+|\s+){modifier}){{0,11}}"
    return re.compile(
        rf"(?<![\w-])(?:(?P<mods>{modifiers})\s+)?(?P<head>{alternation('aggregate_heads')})(?![\w-])", re.I
    )


_aggregate_words = st.lists(
    st.sampled_from(
        sorted(
            cues.words("cues", "toxicity", "aggregate_modifiers")
            | cues.words("cues", "toxicity", "aggregate_heads")
        )
        + [
            "grade 3",
            "grades III and IV",
            "or worse",
            "to",
            "and",
            ",",
            "/",
            "Side  effects",
            "TOXIC",
            "ſide",
            "x",
        ]
    ),
    min_size=1,
    max_size=12,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_aggregate_words)
def test_aggregate_pattern_matches_as_sorted_alternation(text: str) -> None:
    old = [(m.span(), m.group("mods"), m.group("head")) for m in _old_aggregate_pattern().finditer(text)]
    new = [(m.span(), m.group("mods"), m.group("head")) for m in toxicity._aggregate_pattern().finditer(text)]
    assert new == old


_aggregate_pieces = st.lists(
    st.tuples(
        st.sampled_from(
            sorted(
                cues.words("cues", "toxicity", "aggregate_modifiers")
                | cues.words("cues", "toxicity", "aggregate_heads")
            )
            + ["grade 3", "Grade", "GRADE 4", "grades III and IV", "or worse", "to", "and", "at", "many"]
            + [
                "patients",
                "inside",
                "Side  effects",
                "TOXIC",
                "ſide",
                "ſerious",
                "\u212a",
                "İ",
                "x",
                "3",
                "(12%)",
            ]
        ),
        st.sampled_from([" ", " ", "", "-", ", ", "/", "\n", "_"]),
    ),
    min_size=1,
    max_size=14,
).map(lambda pieces: "".join(word + gap for word, gap in pieces))


@settings(max_examples=400, deadline=None)
@given(_aggregate_pieces)
def test_aggregates_tried_at_openings_only(text: str) -> None:
    """The aggregate pattern tried only where an opening word starts finds what a scan of every
    character finds (same spans and groups), in ASCII sentences and in others (a plain scan)."""
    context = context_of("Results. " + text + ".")
    pattern = toxicity._aggregate_pattern()
    for info in context.sentences:
        scanned = [
            (m.span(), m.group("mods"), m.group("head"))
            for m in pattern.finditer(context.text, info.start, info.end)
        ]
        found = toxicity._found_from(pattern, toxicity._aggregate_openings(), context.text, info)
        assert [(m.span(), m.group("mods"), m.group("head")) for m in found] == scanned


def test_side_by_side_gate() -> None:
    """_side_by_side's substring test before its search: "vs" or "versus" in the lowercase text."""
    from imatinib_cli.extract import _side_by_side
    from imatinib_cli.extract.populations import PopulationDraft, Subgroups

    subgroups = Subgroups(PopulationDraft("GIST", "GIST", None))
    anchors = [(0, 1, subgroups.key_of("exon 9")), (5, 6, subgroups.key_of("exon 11"))]
    for sentence, expected in [
        ("Exon 9 compared with exon 11 (36.7% vs. 63.6%).", True),
        ("Exon 9 compared with exon 11 (36.7% VERSUS 63.6%).", True),
        ("Exon 9 compared with exon 11 (36.7% and 63.6%).", False),
        ("Exon 9 vsx exon 11 (canvs 63.6%).", False),
    ]:
        info = context_of(sentence).sentences[0]
        assert _side_by_side(info, anchors, subgroups) is expected


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["vs", "VS", "Vs", "vs.", "versus", "VERSUS", "ver", "sus", "ſ", "\u212a", "v", "s"])
        | st.sampled_from([" ", " ", ",", "%", "0", "-", "x"]),
        max_size=12,
    ).map("".join)
)
def test_side_by_side_gate_never_turns_away_a_match(middle: str) -> None:
    """_side_by_side with its substring test gives what the search alone gives: the gate only
    skips sentences the search would turn away."""
    from imatinib_cli.extract import _VERSUS, _side_by_side
    from imatinib_cli.extract.populations import PopulationDraft, Subgroups

    subgroups = Subgroups(PopulationDraft("GIST", "GIST", None))
    anchors = [(0, 1, subgroups.key_of("exon 9")), (5, 6, subgroups.key_of("exon 11"))]
    for info in context_of(f"Exon 9 compared with exon 11 (36% {middle} 64%).").sentences:
        ungated = _VERSUS.search(info.lower) is not None  # two subgroups own the anchors
        assert _side_by_side(info, anchors, subgroups) is ungated


def test_toxicity_gates_on_written_sentences() -> None:
    context = context_of(
        "Grade 3 adverse events were fatigue (21%), rash (12%) and grade 4 neutropenia (5%). "
        "Anaemia occurred in 29% vs 8% of patients. "
        "Five (11%) patients had grade 3-4 toxicities. "
        "Toxicity N (%) All grades Grade 3-4 Fatigue 29 (50) 1 (2) Rash 12 (20) 0 (0)."
    )
    first, second, third, fourth = (toxicity.find_adverse_events(context, info) for info in context.sentences)
    assert [(e.term, e.percent and e.percent.value, e.grade) for e in first] == [
        ("Fatigue", 21.0, "3"),  # the grade before it in its clause, found from the last "grade" back
        ("Rash maculo-papular", 12.0, "3"),
        ("Neutrophil count decreased", 5.0, "4"),
    ]
    assert [(e.arm, e.percent and e.percent.value) for e in second] == [("1", 29.0), ("2", 8.0)]
    assert [
        (e.as_written, e.count and e.count.value, e.percent and e.percent.value, e.grade) for e in third
    ] == [("grade 3-4 toxicities", 5.0, 11.0, "3/4")]
    assert [(e.term, e.grade, e.count and e.count.value, e.percent and e.percent.value) for e in fourth] == [
        ("Fatigue", None, 29.0, 50.0),
        ("Fatigue", "3/4", 1.0, 2.0),
        ("Rash maculo-papular", None, 12.0, 20.0),
        ("Rash maculo-papular", "3/4", 0.0, 0.0),
    ]
    # A fold that re.I makes and lowercasing does not: "vſ" reads as "vs", so the series is read
    # (no second "%" to pass the gate by).
    folded = context_of("Anaemia occurred in 3 vſ 1 patients.")
    found = toxicity.find_adverse_events(folded, folded.sentences[0])
    assert [(e.arm, e.count and e.count.value) for e in found] == [("1", 3.0), ("2", 1.0)]


_clauses = st.lists(
    st.sampled_from(
        [
            "(95% CI, 2% to 30%)",
            "(95%",
            "CI",
            "ci",
            "ranges",
            "range",
            "(range",
            "1-12)",
            "[78-88]",
            "(84.4-89.8)",
            "(P<0.001)",
            "p",
            "<",
            "HR",
            "hazard",
            "ratio",
            "odds",
            "oddſ",
            "(",
            ")",
            "[",
            "]",
            ";",
            ",",
            "12",
            "12%",
            "percent",
            "to",
            "TO",
            "-",
            "–",
            "3.5",
            "of",
            "25",
            "partial",
            "responses",
            "CR/PR/SD",
            "(%)",
            "95/87/79",
            "/",
            "CHR",
            "MCyR",
            "complete",
            "response",
            "was",
            "in",
        ]
    ),
    min_size=1,
    max_size=16,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_clauses, st.integers(min_value=0, max_value=6))
def test_statistic_gate_changes_nothing(clause: str, cut: int) -> None:
    """tokenize with and without the search for a statistic's opening, on slices that may start
    just after a bracket (the pattern's lookbehind reads the character before the slice)."""
    from imatinib_cli.extract.numbers import find_fractions, find_numbers
    from imatinib_cli.extract.tokens import tokenize

    text = "Rate (" + clause + ")."
    start = min(cut, len(text))
    numbers = find_numbers(text)
    fractions = find_fractions(text, numbers)
    fast = tokenize(text, start, len(text), numbers, fractions, [])
    from imatinib_cli.extract import tokens

    with patched(tokens, _STATISTIC_OPENING=_ALWAYS):
        slow = tokenize(text, start, len(text), numbers, fractions, [])
    assert fast == slow


def _find_responses_as_before(context: Context, info: Any, start: int, end: int) -> Any:
    """find_responses with its sentence test first and the slash-list pass always run."""
    if response._not_this_studys_results(context, info):
        return [], tokens.empty_row(), set()
    with patched(response._Reader, _may_hold_slash_list=lambda self: True):
        return response.find_responses(context, info, start, end)


@settings(max_examples=200, deadline=None)
@given(_clauses | _sentences)
def test_response_gates_change_nothing(sentence: str) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        fast = response.find_responses(context, info, info.start, info.end)
        info.cached.clear()
        assert fast == _find_responses_as_before(context, info, info.start, info.end)


def test_response_gates_on_written_sentences() -> None:
    context = context_of(
        "Best observed CR/PR/SD (%) 95/87/79. "
        "The response rate was 20% (95% CI, 10% to 30%) and 4 patients had a partial response (range 1-12)."
    )
    slash, statistic = context.sentences
    hits, _, _ = response.find_responses(context, slash, slash.start, slash.end)
    assert [(hit.category, hit.percent and hit.percent.value) for hit in hits] == [
        ("cr", 95.0),
        ("pr", 87.0),
        ("sd", 79.0),
    ]
    hits, items, _ = response.find_responses(context, statistic, statistic.start, statistic.end)
    assert [
        (hit.category, hit.percent and hit.percent.value, hit.count and hit.count.value) for hit in hits
    ] == [
        ("orr", 20.0, None),
        ("pr", None, 4.0),
    ]
    assert items.texts.count("ci") == 2  # "95% CI, 10% to 30%" and "range 1-12"
