"""Shortcuts in the adverse-event and response readers (issue 12, ninth session): each reads what
the form it replaces read, checked against that form (turned back on, or kept here) on random
texts with the characters case-blind matching and Unicode whitespace treat apart ("ſ", "İ", "ı",
the Kelvin sign, no-break and other spaces) and on written cases. A shortcut that ever answered
differently would change the output bytes."""

from __future__ import annotations

from extract_helpers import context_of, findings, patched
from hypothesis import given, settings
from hypothesis import strategies as st

import imatinib_cli.extract as extract_module
from imatinib_cli import vocab
from imatinib_cli.extract import cues, toxicity
from imatinib_cli.models import add_dose

# --- toxicity: no bound test before a bracketed share ----------------------------------------------

_SHARE_TEXT = [
    "fatigue", "rash", "edema", "(", ")", " ", "   ", "\u00a0", "\u2009", "\x1c", "\t", "21.1", "5", "%",
    "·", "at least", "more than", "≥", ">", "<=", "up to", "over", "ſ", "İ", "ı", "\u212a", ",", ";",
    "grade 3", "of patients", "in", "were", "                ",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SHARE_TEXT), min_size=1, max_size=14).map("".join))
def test_a_share_is_never_bounded_without_a_bound_ending_with_a_bracket(text: str) -> None:
    """_share_frequency asks _bounded only when a bound word ends with "(" (_bound_ends_bracket):
    with the packaged bounds, _bounded never holds at a _SHARE match's number, at any start."""
    assert not toxicity._bound_ends_bracket()
    for start in range(len(text) + 1):
        share = toxicity._SHARE.match(text, start)
        if share is not None:
            assert not toxicity._bounded(text, share.start(1))


def test_a_bound_ending_with_a_bracket_is_asked() -> None:
    """With a bound word that ends with "(" the test is made, and it holds there."""
    share = toxicity._SHARE.match("rash (12%)", 4)
    assert share is not None
    with patched(toxicity, _bound_words=lambda: ("sh (",)):
        toxicity._bound_ends_bracket.cache_clear()
        try:
            assert toxicity._bound_ends_bracket()
            assert toxicity._share_frequency("rash (12%)", _Hit(0, 4), share) is None
        finally:
            toxicity._bound_ends_bracket.cache_clear()
    frequency = toxicity._share_frequency("rash (12%)", _Hit(0, 4), share)
    assert frequency is not None and (frequency.percent, frequency.end) == (12.0, 9)


class _Hit:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


_LIST_WORDS = [
    "fatigue", "rash", "diarrhea", "neutropenia", "grade", "3", "or", "4", "adverse", "events", "were",
    "(21.1%)", "(17.7%),", "(4 %)", "( 3%", "at least", "(≥ 5%)", "more than", "in", "12%", "of",
    "patients", ",", "and", "vs", "8%", "ſ", "\u212a", "(12 patients)",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LIST_WORDS), min_size=1, max_size=18).map(" ".join), st.booleans())
def test_list_sentences_read_as_with_the_bound_test(sentence: str, armed: bool) -> None:
    """Every sentence's events are those read with the bound test made before every share."""
    context = context_of(sentence)
    for info in context.sentences:
        events = toxicity.find_adverse_events(context, info, armed)
        with patched(toxicity, _bound_ends_bracket=lambda: True):
            assert toxicity.find_adverse_events(context, info, armed) == events


# --- toxicity: a grade's text kept per groups -------------------------------------------------------

_GRADE_PIECES = [
    "grade", "grades", "Grade", "GRADE", " ", "  ", "\u00a0", "3", "4", "1", "5", "or", "and", "to", "/",
    "-", "–", "≥", ">=", ">", "=", "worse", "higher", "or worse", "ſ", "\u212a", "x",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_GRADE_PIECES), min_size=1, max_size=12).map("".join))
def test_a_kept_grade_text_is_the_one_written_from_its_groups(text: str) -> None:
    """_grade_text (kept per groups) gives what _grade_text_of writes from the match's groups
    unkept (its __wrapped__), the first time and every time after."""
    for match in toxicity._grade_pattern().finditer(text):
        fresh = toxicity._grade_text_of.__wrapped__(*match.group("grade", "cmp", "worse"))
        assert toxicity._grade_text(match) == fresh
        assert toxicity._grade_text(match) == fresh


def test_grade_texts_written_and_bounded() -> None:
    for text, written in [
        ("grade 3 or 4", "3/4"),
        ("grades 3-4", "3/4"),
        ("grade ≥ 3", "≥3"),
        ("grade >= 3", "≥3"),
        ("grade 3 or worse", "≥3"),
        ("grade 2", "2"),
        ("grade 1 to 2", "1/2"),
    ]:
        match = toxicity._grade_pattern().search(text)
        assert match is not None and toxicity._grade_text(match) == written
    assert toxicity._grade_text_of.cache_info().maxsize == toxicity._GRADE_MEMO_SIZE == 256
    toxicity._grade_text_of.cache_clear()
    for spaces in range(300):  # 300 distinct groups: "3 or 4" with 0..299 spaces before "or"
        match = toxicity._grade_pattern().search(f"grade 3{' ' * spaces}or 4")
        assert match is not None and toxicity._grade_text(match) == "3/4"
    assert toxicity._grade_text_of.cache_info().currsize == 256
    misses = toxicity._grade_text_of.cache_info().misses
    match = toxicity._grade_pattern().search("grade 3 or 4")
    assert match is not None and toxicity._grade_text(match) == "3/4"  # evicted, written again
    assert toxicity._grade_text_of.cache_info().misses == misses + 1


# --- toxicity: an aggregate's grade kept per modifiers ----------------------------------------------

_MODIFIER_PIECES = [*_GRADE_PIECES, "III", "IV", "iv", "ii", "v", "serious", "severe", "moderate", "toxic"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_MODIFIER_PIECES), min_size=1, max_size=10).map("".join))
def test_a_kept_aggregate_grade_is_the_one_read_from_its_modifiers(modifiers: str) -> None:
    """_aggregate_grade_memo() (kept per modifiers) gives what _aggregate_grade_of reads, every time."""
    fresh = toxicity._aggregate_grade_of(modifiers)
    assert toxicity._aggregate_grade_memo()(modifiers) == fresh
    assert toxicity._aggregate_grade_memo()(modifiers) == fresh


def test_aggregate_grades_written_bounded_and_renewed() -> None:
    for modifiers, grade in [
        ("grades III and IV", "3/4"),
        ("grade 3 or worse", "≥3"),
        ("grade 4", "4"),
        ("serious", None),
        ("grade ≥ 3", "≥3"),
    ]:
        assert toxicity._aggregate_grade_memo()(modifiers) == grade
        assert toxicity._aggregate_grade_memo()(modifiers) == grade
    kept = toxicity._aggregate_grade_memo()
    assert kept is toxicity._aggregate_grade_memo()  # one memo while the vocabularies stay
    assert kept.cache_info().maxsize == 256
    for number in range(300):
        assert kept(f"grade {number % 5 + 1} {' ' * number}") == str(number % 5 + 1)
    assert kept.cache_info().currsize == 256
    vocab.clear_caches()  # the vocabularies renewed: a new, empty memo
    renewed = toxicity._aggregate_grade_memo()
    assert renewed is not kept and renewed.cache_info().currsize == 0
    assert renewed("grades III and IV") == "3/4"


# --- doses: what a sentence names read once, the conclusion cue only where it decides ----------------


def _old_read_doses(context, info, by_key, study_doses, group_anchors):  # type: ignore[no-untyped-def]
    """extract._read_doses as it was (each dose read the named populations and the conclusion
    cue afresh)."""
    hits = extract_module.find_doses(context, info)
    if not hits:
        return
    named_groups = {key for _, _, key in group_anchors if key in by_key}
    for hit in hits:
        if len(named_groups) == 1:
            for dose in hit.doses:
                add_dose(by_key[next(iter(named_groups))].doses, dose)
            continue
        after = [m for m in info.tumors if m.evidence.start >= hit.end and m.code in by_key]
        if hit.respectively and len(hit.doses) > 1 and len(after) >= len(hit.doses):
            for dose, mention in zip(hit.doses, after, strict=False):
                add_dose(by_key[mention.code].doses, dose)
            continue
        named = {m.code for m in info.tumors if m.code in by_key}
        general = (
            info.kind == "title"
            or named == set(by_key)
            or cues.matcher("schedules", "conclusion_cues").any(context.text, info.start, info.end)
        )
        if named and len(by_key) > 1 and not general:
            for code in named:
                for dose in hit.doses:
                    add_dose(by_key[code].doses, dose)
        else:
            for dose in hit.doses:
                add_dose(study_doses, dose)


_DOSE_WORDS = [
    "The recommended dose", "in GIST", "was", "imatinib 400 mg daily", "and", "800 mg daily",
    "respectively", "in GIST and melanoma", "imatinib 400 or 800 mg daily", "for melanoma", ",",
    "MTD", "patients with GIST", "were treated with", "600 mg/day", "or", "GIST",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_DOSE_WORDS), min_size=1, max_size=9), min_size=1, max_size=3))
def test_doses_read_as_before(sentences: list[list[str]]) -> None:
    """A document's findings are those read with every dose asking afresh (two populations named
    first, so a dose may be one population's, each's in turn, or the study's)."""
    opening = (
        "A phase II study of imatinib\n\nPatients with GIST (n = 10) and melanoma (n = 12) were enrolled. "
    )
    text = opening + " ".join(" ".join(words) + "." for words in sentences)
    new = findings(text)
    with patched(extract_module, _read_doses=_old_read_doses):
        assert findings(text) == new


def test_doses_written_cases() -> None:
    """A dose in a sentence that names one of two populations is that population's; one that names
    both is the study's (each keeps it); as read by the reader as it was."""
    opening = "Patients with GIST (n = 10) and melanoma (n = 12) were enrolled. "
    for sentence, doses in [
        ("GIST patients received imatinib 400 mg daily.", {"GIST": ["400 mg daily"], "melanoma": []}),
        (
            "Imatinib 400 mg daily and 800 mg daily were given to GIST and melanoma, respectively.",
            {"GIST": ["400 mg daily", "800 mg daily"], "melanoma": ["400 mg daily", "800 mg daily"]},
        ),
    ]:
        new = findings(opening + sentence)
        assert {p.label: [d.as_written for d in p.doses] for p in new.populations} == doses
        with patched(extract_module, _read_doses=_old_read_doses):
            assert findings(opening + sentence) == new
