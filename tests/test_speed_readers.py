"""Shortcuts in the design, dose, arm and population readers (issue 12, seventh session).

Each reshaped pattern is checked against the pattern it replaces, and each gate against the test
it spares, on random texts built from the readers' own words with characters that re.I folds into
ASCII letters ("ſ" into s, the Kelvin sign into k, "İ" and "ı" into i), Unicode digits and random
slice bounds; and on sentences written by hand. A shortcut that ever changed an answer would
change the output bytes.
"""

from __future__ import annotations

import re

from extract_helpers import context_of
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import vocab
from imatinib_cli.extract import arms, cues, design

_FOLDING = ["ſ", "\u212a", "İ", "ı", "٤", "ς", "Σ", "ΑΣ"]

_ARM_WORDS = [
    "the", "The", "THE", "arm", "Arm", "ARM", "arms", "group", "Group", "groups", "cohort", "stratum",
    "ſtratum", "400", "400-mg", "400 mg", "800", "mg", "MG", "mg/d", "mg/day", "/", "-", "daily", "once",
    "twice", "once-daily", "twice daily", "b.i.d.", "bid", "a", "day", "per", "high-dose", "HIGH", "dose",
    "low-dose", "placebo", "Placebo", "imatinib", "İmatinib", "ımatinib", "control", "1-year", "1",
    "3-year", "year", "12-month", "36", "month", "1000", "1000 mg", "2.5", "4,5", "best", "supportive",
    "care", "ſunitinib", "\u212a", "observation", "x", "A", "B", "(", ")", ",", "and", "versus", "in",
    "combination", "combination-therapy", "therapy", "standard", "standard-dose", "escalation",
    "interferon", "chemotherapy", "ſtandard-doſe", "lower", "higher-dose", "٤00", "\n", "  ",
]  # fmt: skip

_texts = st.lists(st.sampled_from(_ARM_WORDS + _FOLDING), min_size=0, max_size=14).flatmap(
    lambda words: st.lists(
        st.sampled_from(["", " ", "-", "  "]), min_size=len(words), max_size=len(words)
    ).map(lambda gaps: "".join(g + w for g, w in zip(gaps, words, strict=True)))
)


def _spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[object, ...]]:
    return [(m.span(), m.group("label"), m.group("noun")) for m in pattern.finditer(text, start, end)]


@settings(max_examples=600, deadline=None)
@given(_texts, st.integers(0, 40), st.integers(0, 200))
def test_named_arm_pattern_opening_first_matches_the_plain_one(text: str, start: int, end: int) -> None:
    plain, fast = arms._named_patterns()
    assert fast is not plain  # the vocabulary's labels all open with an ASCII letter or digit
    start = min(start, len(text))
    end = max(start, min(end, len(text)))
    assert _spans(fast, text, start, end) == _spans(plain, text, start, end)
    assert _spans(fast, text, 0, len(text)) == _spans(plain, text, 0, len(text))


def test_named_arm_pattern_plain_is_the_one_written_before() -> None:
    """The plain pattern is the one _patterns built before (and the reference of the test above)."""
    data = vocab.load("cues")["arms"]
    nouns = "|".join(map(re.escape, data["nouns"]))
    labels = "|".join(
        sorted(
            (
                re.escape(str(label)).replace(r"\ ", r"[\s-]?").replace(r"\-", r"[\s-]?")
                for label in data["labels"]
            ),
            key=len,
            reverse=True,
        )
    )
    dose = (
        r"\d+(?:[.,]\d+)?[\s-]?mg(?:\s*/\s*(?:d|day|m2|m²))?"
        r"(?:[\s-]+(?:(?:once|twice)[\s-])?(?:daily|a\s+day|per\s+day|bid|b\.i\.d\.))?"
    )
    written = rf"\b(?P<label>{dose}|{labels})\s+(?P<noun>{nouns})s?\b"
    assert arms._named_patterns()[0].pattern == written
    assert arms._patterns()[1] is arms._named_patterns()[1]


def test_named_arm_pattern_reads_written_arms() -> None:
    fast = arms._named_patterns()[1]
    text = "Patients in the 800 mg daily arm, the 400-mg group and the once-daily cohort; ſtandard-dose arm."
    assert [m.group("label") for m in fast.finditer(text)] == [
        "800 mg daily",
        "400-mg",
        "once-daily",
        "ſtandard-dose",
    ]
    assert fast.search("x400 mg arm") is None  # no word boundary before the dose


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_no_arm_word_in_the_text_means_none_in_any_sentence(text: str) -> None:
    """_may_name_arms False: every sentence's lowercase, and every piece of a section's, lacks every
    arm noun and assignment word."""
    words = arms._nouns() + arms._ASSIGNMENT_WORDS
    context = context_of(text)
    if arms._may_name_arms(context):
        return
    for info in context.sentences:
        assert not any(word in info.lower for word in words)
    for section in context.sections:
        for start in range(section.start, section.end + 1):
            for end in range(start, min(section.end, start + 30) + 1):
                lowered = vocab.lowercase(context.text[start:end])
                assert not any(word in lowered for word in words)


def test_the_document_gate_looks_for_the_sentence_gates_words() -> None:
    assert arms._arm_words() == arms._nouns() + arms._ASSIGNMENT_WORDS


def test_arm_design_without_an_arm_word_reads_no_sentence() -> None:
    context = context_of("Imatinib 400 mg daily was given to 30 patients. Twelve had a partial response.")
    assert not arms._may_name_arms(context)
    assert arms.arm_design(context, [object()]) is None  # type: ignore[list-item]
    assert all("arms" not in info.cached for info in context.sentences)
    context = context_of("Patients were randomized to the 400 mg arm (n = 20) or the 800 mg arm (n = 22).")
    assert arms._may_name_arms(context)
    assert arms._may_name_arms(context_of("RANDOMIZED"))
    assert arms._may_name_arms(context_of("ſtratum")) is False  # "ſ" stays "ſ" lowercased, as in _find_arms


_PHASE_WORDS = [
    "phase", "Phase", "PHASE", "phaſe", "PHAſE", "pHaSe", "II", "ii", "III", "iv", "IV", "İİ", "ıı", "1", "2",
    "3", "4", "/", "-", "–", "and", "or", "trial", "trials", "studies", "of", "have", "showed", "a", "the",
    "p", "ha", "se", "x", "alpha", "\n", "",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(_PHASE_WORDS + _FOLDING), max_size=12),
    st.lists(st.sampled_from(["", " ", "  "]), min_size=12, max_size=12),
    st.integers(0, 30),
    st.integers(0, 120),
)
def test_phase_gate_is_only_where_the_pattern_cannot_match(
    words: list[str], gaps: list[str], start: int, end: int
) -> None:
    text = "".join(g + w for g, w in zip(gaps, words, strict=False))
    start = min(start, len(text))
    end = max(start, min(end, len(text)))
    if design._PHASE.search(text, start, end) is not None:
        assert "pha" in vocab.lowercase(text[start:end])


def test_no_character_but_p_h_a_reads_as_p_h_a() -> None:
    """re.I folds no character outside ASCII into "p", "h" or "a", and vocab.lowercase lowers "P", "H"
    and "A" alone into them: the phase gate's premise, checked over every code point."""
    for letter in "pha":
        pattern = re.compile(letter, re.I)
        folding = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and pattern.fullmatch(chr(c))]
        assert sorted(folding) == sorted({letter, letter.upper()})
        assert all(vocab.lowercase(ch) == letter for ch in folding)


def test_design_reads_the_phase_as_before() -> None:
    found, _ = design.extract_design(
        context_of("A phaſe II trial of imatinib. Methods: 20 patients were enrolled.")
    )
    assert found.phase == "2"
    found, _ = design.extract_design(
        context_of("Phase 2 trials have shown it. In this phase 3 study, 10 were treated.")
    )
    assert found.phase == "3"


_ENROLL_WORDS = [
    "patients", "were", "enrolled", "Enrolled", "ENROLLED", "treated", "randomly", "assigned", "5treated",
    "x-enrolled", "pre", "enrolment", "40", "12", "of", "the", "and", "received", "given", "ſtudied",
    "studied", "\u212a", ",", ".", "(", ")", "İncluded", "included", "ıncluded", "accrued", "a", "–",
    "randomized", "Non-randomized", "non", "open-label", "(open", "label)", "single-arm", "single", "arm",
    "multicentre", "multi-center", "ſingle", "phase", "II", "intergroup", "5randomized", "xopen",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_ENROLL_WORDS), min_size=1, max_size=16),
    st.sampled_from(["enrollment_verbs", "design"]),
)
def test_word_gate_answers_as_the_search(words: list[str], cue: str) -> None:
    """_word_gate (an anchored match at the phrases' first hit, else the search) gives the word
    gate's answer, for the enrollment verbs and the design phrases."""
    context = context_of(" ".join(words) + ".")
    phrases = cues.matcher("cues", cue)
    pattern = cues.any_word("cues", cue)
    for info in context.sentences:
        hits = phrases.find(context.text, info.start, info.end)
        if hits:
            assert design._word_gate(info, pattern, hits[0].start) == info.has_word(pattern)


def test_enrollment_as_before() -> None:
    count, _ = design.find_enrollment(
        context_of("Results: 5treated cells; 42 patients were enrolled in 2001.")
    )
    assert count is not None and count.value == 42
