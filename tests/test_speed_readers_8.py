"""Shortcuts in the design and dose readers (issue 12, eighth session).

Each gate is checked against the words it spares reading, and each reshaped pattern against the
one it replaces, on random texts built from the readers' own words with characters that case
folding or lowercasing treats specially ("ſ", the Kelvin sign, "İ", "ı", a final sigma); a
shortcut that ever changed an answer would change the output bytes.
"""

from __future__ import annotations

import re

from extract_helpers import context_of
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.extract import cues, design, dose

_FOLDING = ["ſ", "\u212a", "İ", "ı", "ς", "Σ", "ΑΣ", "٤"]

_WORDS = [
    "patients", "Patients", "PATIENTS", "patient", "pts", "Pts", "participants", "women", "men", "MEN",
    "children", "cases", "subjects", "persons", "individuals", "adults", "evaluable", "advanced",
    "GIST", "were", "screened", "SCREENED", "pre-screened", "prescreening", "genotyped", "Genotyping",
    "sequenced", "sequencing", "ſcreened", "paтients", "patientſ", "regimen", "treatment", "400",
    "mg", "12", "months", "of", "in", "the", "and", "+", "-", ",", ";", "(", ")", "\n",
]  # fmt: skip

_texts = st.lists(st.sampled_from(_WORDS + _FOLDING), min_size=0, max_size=12).flatmap(
    lambda words: st.lists(
        st.sampled_from(["", " ", "-", "  "]), min_size=len(words), max_size=len(words)
    ).map(lambda gaps: "".join(g + w for g, w in zip(gaps, words, strict=True)))
)


@settings(max_examples=800, deadline=None)
@given(_texts)
def test_a_text_without_the_fewest_words_holds_no_word_of_the_list(text: str) -> None:
    """The gates' premise: a word that people_count or screened_count reads as one of its list
    (a run of ASCII letters, lowercased) is in the text's lowercase, so one of the list's fewest
    words is too."""
    for path, words_pattern in (
        (("cues", "people"), design._PEOPLE_WORDS),
        (("cues", "screening_words"), design._WORDS),
    ):
        listed = cues.words(*path)
        if cues.holds_any(text.lower(), design._fewest(*path)):
            continue
        assert not any(word.lower() in listed for word in words_pattern.findall(text))


def test_fewest_words_drop_only_words_that_hold_another() -> None:
    assert design._fewest("cues", "screening_words") == (
        "genotyped", "genotyping", "screened", "screening", "sequenced", "sequencing",
    )  # fmt: skip
    people = design._fewest("cues", "people")
    assert "patient" in people and "patients" not in people and "men" in people and "women" not in people
    for word in cues.words("cues", "people"):
        assert any(kept in word for kept in people)


def test_people_and_screened_counts_read_as_before() -> None:
    context = context_of(
        "Of 412 patients screened, 42 patients were enrolled. Imatinib 400 mg was given for 12 months."
    )
    info = context.sentences[0]
    screened, enrolled = info.numbers[0], info.numbers[1]
    assert design.people_count(context, info, screened) and design.screened_count(context, info, screened)
    assert design.people_count(context, info, enrolled) and not design.screened_count(context, info, enrolled)
    later = context.sentences[1]
    assert not any(design.people_count(context, later, number) for number in later.numbers)
    assert design.extract_design(context)[0].n_enrolled.value == 42


def _plain_units() -> re.Pattern[str]:
    """The unit pattern as written before the shared "g" was taken out of its options."""
    data = dose.vocab.load("schedules")
    alternatives = sorted(
        {*data["per_day_units"], *data["body_surface_units"], "mg/kg", "mg/dl", "mg"}, key=len, reverse=True
    )
    written = (re.escape(u).replace(r"\ ", r"\s*").replace("/", r"\s*/\s*") for u in alternatives)
    return re.compile(rf"(?<![A-Za-z])(?:{'|'.join(written)})(?![A-Za-z0-9²])", re.I)


def test_unit_pattern_takes_the_shared_letter_out() -> None:
    pattern = dose._units()[0].pattern
    assert pattern.startswith("(?-i:[Mm])(?<![A-Za-z].)g(?:")
    text = "imatinib 400 mg/day, 260 MG/M2, 5 mg/dl, 400 mg per day, 1 mg/kg, emg, mgs, 600 mg."
    fast = [m.group() for m in dose._units()[0].finditer(text)]
    assert fast == [m.group() for m in _plain_units().finditer(text)]
    assert fast == ["mg/day", "MG/M2", "mg/dl", "mg per day", "mg/kg", "mg"]


_OPENING_WORDS = [
    "Results", "RESULTS", "Methods", "Among", "among", "Of", "of", "OF", "In", "in", "İn", "ın", "the",
    "these", "those", "14", "twelve", "Twelve", "patients", "Patients", "patientſ", "pts", "cases", "who",
    "WHO", "had", "received", "Received", "underwent", "were", "treated", "with", "given", "imatinib",
    "neoadjuvant", "exon", "11", "mutation", "\u212aIT", "ſ", "İ", "ı", "\u212a", "Σ", ":", ": ", ",",
    ";", ".", "-", "A", "a", "Z", "z", "abcdefghijklmnopqrstuvwxyz", "\n",
]  # fmt: skip

_openings = st.lists(st.sampled_from(_OPENING_WORDS), min_size=0, max_size=14).flatmap(
    lambda words: st.lists(
        st.sampled_from(["", " ", "  ", "\n"]), min_size=len(words), max_size=len(words)
    ).map(lambda gaps: "".join(g + w for g, w in zip(gaps, words, strict=True)))
)


@settings(max_examples=800, deadline=None)
@given(_openings, st.integers(0, 6))
def test_opening_patterns_read_their_label_as_the_case_blind_sets_did(text: str, start: int) -> None:
    """The three opening patterns with the label written as case-sensitive sets match exactly what
    they matched with `(?:[A-Z][A-Za-z ]{0,20}:\\s*)?` under re.I, group for group."""
    from imatinib_cli.extract import populations

    assert populations._LABEL_OPENING in populations._cohort_opening_pattern().pattern
    start = min(start, len(text))
    for built in (
        populations._opening_pattern(),
        populations._cohort_opening_pattern(),
        populations._cohort_subject_pattern(),
    ):
        before = re.compile(
            built.pattern.replace(populations._LABEL_OPENING, r"(?:[A-Z][A-Za-z ]{0,20}:\s*)?"), built.flags
        )
        for text_start in (0, start):
            new, old = built.match(text, text_start), before.match(text, text_start)
            assert (new and (new.span(), new.groupdict())) == (old and (old.span(), old.groupdict()))


def test_the_label_sets_hold_what_re_i_folds_into_a_letter() -> None:
    import sys

    from imatinib_cli.extract import populations

    blind = re.compile(r"[A-Za-z ]", re.I)
    sensitive = re.compile(populations._LETTER_OR_SPACE)
    letter_blind, letter = re.compile(r"[A-Z]", re.I), re.compile(populations._LETTER)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(blind.fullmatch(char)) == bool(sensitive.fullmatch(char))
        assert bool(letter_blind.fullmatch(char)) == bool(letter.fullmatch(char))
