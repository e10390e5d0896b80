"""The cheap tests that let extraction skip a regex pass (issue 12, fewer passes in extraction).

Each skip says "this pattern cannot match here" from something every match must hold (a head word,
a digit or a listed name, a colon, a whole number); each is checked against the same extractor run
without the skip on random sentences built from the vocabulary's own words, and on a few written
by hand. A skip that ever changed an answer would change the output bytes.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from extract_helpers import (
    aggregates_with_and_without_gate,
    context_of,
    patched,
    subgroups_with_and_without_skip,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli import regexes, vocab
from imatinib_cli.extract import context as context_module
from imatinib_cli.extract import cues, design, dose, heme, numbers, populations, sentences, toxicity
from imatinib_cli.extract.context import build_context
from imatinib_cli.models import Document, Quantity
from imatinib_cli.regexes import prefix_alternation, word_start_alternation

_WORDS = [
    "grade", "grades", "3", "3/4", "III", "IV", "severe", "or", "and", "to", "adverse", "Adverse",
    "events", "event", "toxicities", "TOXICITY", "side-effects", "side", "effects", "cytopenias",
    "patients", "with", "exon", "11", "9", "D842V", "V560del", "non-D842V", "wild-type", "Wild",
    "type", "wildtype", "FS-DFSP", "fs", "KIT", "PDGFRA", "Twelve", "of", "the", "24", "who",
    "received", "adjuvant", "imatinib", "had", "a", "partial", "response", "cases:", "two",
    "neutropenia", "rash", ":", ",", "(", ")", "12%", "were", "escalated", "800", "mg/day", "Ïl",
    "ſide", "Kelvin\u212a", "exons", "EXON", "A12", "q12h", "T670I", "FIP1L1", "Fip1l1-PDGFRA",
    "FIP1L1/PDGFRA", "nonexon", "non-exon", "non", "ſ", "İn",
]  # fmt: skip


def _infos(text: str) -> list[context_module.SentenceInfo]:
    document = Document(path="inline.txt", sha256="0" * 64, format="text", text=text)
    return build_context(document).sentences


_sentences = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=18).map(lambda ws: " ".join(ws) + ".")


@settings(max_examples=150, deadline=None)
@given(_sentences)
def test_aggregate_skip_changes_nothing(sentence: str) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        fast, slow = aggregates_with_and_without_gate(context, info)
        assert fast == slow


@settings(max_examples=150, deadline=None)
@given(_sentences)
def test_subgroup_skip_changes_nothing(sentence: str) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        fast, slow = subgroups_with_and_without_skip(context, info)
        assert fast == slow


def test_skips_on_written_sentences() -> None:
    context = context_of(
        "Grade 3/4 adverse events occurred in 12 patients. Severe toxicities were rare. "
        "Patients with wild-type GIST did worse. No exon mutation was found in them."
    )
    first, second, third, fourth = context.sentences
    assert [
        (a.grade, context.text[a.start : a.end]) for a in toxicity._aggregates(context.text, first, [])
    ] == [("3/4", "Grade 3/4 adverse events")]
    assert [context.text[a.start : a.end] for a in toxicity._aggregates(context.text, second, [])] == [
        "Severe toxicities"
    ]
    assert toxicity._aggregates(context.text, third, []) == []  # no head word: not run
    assert [m.key for m in populations._find_subgroups(context, third)] == ["wild type"]
    assert populations._find_subgroups(context, fourth) == []  # no digit, no name: not run


def test_cohorts_are_read_once_per_sentence() -> None:
    context = context_of(
        "Of 14 patients who received neoadjuvant imatinib, 9 had a partial response. "
        "Patients who received neoadjuvant imatinib did well."
    )
    sized, unsized = context.sentences
    first = populations.find_cohorts(context, sized)
    again = populations.find_cohorts(context, sized)
    assert [(m.n.value, m.label) for m in first] == [(14.0, "patients who received neoadjuvant imatinib")]
    assert again == first and again is not first  # a fresh list each time: callers may change it
    assert "cohorts" in sized.cached
    assert populations.find_cohorts(context, unsized) == []  # no whole number: nothing sizes a cohort


def test_inline_labels_without_a_colon() -> None:
    infos = _infos("Background text here. Results were good. Methods: none.")
    assert [info.inline_label for info in infos] == ["", "", ""]  # no results label: none kept
    infos = _infos("Methods: we treated 12 patients. Results: 3 responded. No colon here")
    assert [info.inline_label for info in infos] == ["methods", "results", "results"]


def _plain_inline_label() -> re.Pattern[str]:
    """The inline-label pattern as first written: one plain alternation, longest label first."""
    data = vocab.load("cues")
    labels = [str(x) for x in data["non_result_labels"]] + [str(x) for x in data["result_labels"]]
    words = sorted((label for label in labels if "_" not in label), key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w-])(?i:{alternation})\s*:", re.M)


_LABEL_PIECES = [
    "Results", "RESULTS", "results", "Patients and methods", "PATIENTS  AND\nMETHODS", "Study design",
    "Background", "sults", "Con", "clusions", "ſtudy design", "\u212aey", "İ", "x", "-", "_", "é", "1",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_LABEL_PIECES), st.sampled_from(["", " ", ":", " :", "-", "a", "::"]))
    ),
    st.integers(0, 3),
    st.integers(0, 3),
)
def test_inline_label_pattern_matches_as_the_plain_alternation(
    parts: list[tuple[str, str]], start: int, cut: int
) -> None:
    """The label pattern opens with its first letters in every case and shares prefixes; the
    spans are found backwards from each colon. Both must find exactly what the plain alternation
    finds in the same slice, "ſtudy design:" too."""
    text = "".join(a + b for a, b in parts)
    end = max(start, len(text) - cut)
    plain = [(m.start(), m.end()) for m in _plain_inline_label().finditer(text, start, end)]
    assert [(m.start(), m.end()) for m in context_module._inline_label().finditer(text, start, end)] == plain
    assert context_module._label_spans(text, start, end) == plain


def test_inline_label_pattern_reads_case_folded_letters() -> None:
    assert context_module._inline_label().search("ſtudy design: x").group(0) == "ſtudy design:"
    assert context_module._inline_label().search("in Results : 5") is not None
    assert context_module._inline_label().search("nonresults: 5") is None
    assert context_module._label_spans("ſtudy design: x", 0, 15) == [(0, 13)]
    assert context_module._label_spans("Patients and\nmethods : Results:", 0, 31) == [(0, 22), (23, 31)]
    assert context_module._label_spans("nonresults: 5. results:", 3, 23) == [(15, 23)]
    assert context_module._label_spans("-results: 5", 1, 11) == []  # "-" before the slice still counts


def test_subgroup_skip_reads_protein_changes_and_numbered_nouns() -> None:
    context = context_of(
        "Twelve of 24 patients (50%) responded at 400 mg daily. The D842V mutation was rare. "
        "Tumors with EXON 9 mutations grew. Wild type tumors did too."
    )
    counts, variant, numbered, named = context.sentences
    assert populations._find_subgroups(context, counts) == []  # digits, but no protein change: not run
    assert [m.key for m in populations._find_subgroups(context, variant)] == ["D842V"]
    assert [m.key for m in populations._find_subgroups(context, numbered)] == ["exon 9"]
    assert [m.key for m in populations._find_subgroups(context, named)] == ["wild type"]


def _plain_units() -> re.Pattern[str]:
    """The unit pattern as first written: a lookbehind, then every unit in full, longest first."""
    data = vocab.load("schedules")
    units = sorted(
        {*data["per_day_units"], *data["body_surface_units"], "mg/kg", "mg/dl", "mg"}, key=len, reverse=True
    )
    alternation = "|".join(re.escape(u).replace(r"\ ", r"\s*").replace("/", r"\s*/\s*") for u in units)
    return re.compile(rf"(?<![A-Za-z])(?:{alternation})(?![A-Za-z0-9²])", re.I)


_UNIT_PIECES = [
    "mg", "MG", "Mg", "mG", "m", "M", "g", "/", " / ", "day", "DAY", "d", "kg", "m2", "m²", "²", "dl", "per",
    " ", "daily", "x", "a", "ſ", "\u212a", "İ", "ı", "1", "400", "-", "(2)", "^2", "24 h", "sqm",
    "square meter", "\n",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_UNIT_PIECES), max_size=14), st.integers(0, 3))
def test_unit_pattern_matches_as_the_plain_one(parts: list[str], pos: int) -> None:
    """The unit pattern opens with "m" or "M", then looks behind it; it must find what the plain
    pattern finds, from any start (its lookbehind reads the character before the start too)."""
    text = "".join(parts)
    fast = [(m.start(), m.end()) for m in dose._units()[0].finditer(text, pos)]
    assert fast == [(m.start(), m.end()) for m in _plain_units().finditer(text, pos)]


_DOSE_WORDS = [
    "400", "mg", "MG", "daily", "twice", "a", "day", "mg/day", "mg/m²", "Mg/kg", "imatinib", "of", "or",
    "600", "and", "escalated", "to", "patients", "received", "milligrams", "m", "g", "12", "ſ", "İ", "(", ")",
    "docetaxel", "75", "mg/dl", "respectively", ",",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_DOSE_WORDS), min_size=1, max_size=14).map(lambda ws: " ".join(ws) + "."))
def test_dose_skip_changes_nothing(sentence: str) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        fast = dose.find_doses(context, info)
        with patched(dose, unit_opening=lambda: ""):
            slow = dose.find_doses(context, info)
        assert fast == slow
        if dose.unit_opening() not in info.lower:
            assert fast == []  # what extract's _read_doses skips the call for


def test_dose_skip_on_written_sentences() -> None:
    context = context_of("Patients received 400 MG daily. Twelve of 24 patients responded.")
    named, unnamed = context.sentences
    assert [d.mg_per_day for hit in dose.find_doses(context, named) for d in hit.doses] == [400.0]
    assert dose.unit_opening() == "mg"
    assert dose.find_doses(context, unnamed) == []  # no "mg": none (_read_doses does not ask)


def _plain_timepoint() -> re.Pattern[str]:
    """The time point pattern as first written: a boundary, then every opener, longest first."""
    data = vocab.load("hematologic")
    openers = sorted((str(w) for w in data["timepoint_openers"]), key=len, reverse=True)
    units = sorted(
        {str(w) for ws in vocab.load("cues")["time_units"].values() for w in ws}, key=len, reverse=True
    )
    periods = sorted((str(w) for w in data["timepoint_periods"]), key=len, reverse=True)
    opener = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in openers)
    unit = "|".join(re.escape(w) for w in units)
    period = "|".join(re.escape(w) for w in periods)
    number = r"\d+(?:\.\d+)?"
    numbers = rf"{number}(?:\s*(?:,|and|or|-|–|to)\s*{number}){{0,15}}"
    return re.compile(
        rf"\b(?:(?:{opener})\s+(?:{numbers}[\s-]*(?:{unit})s?\b|(?:{period})s?\s+{number}\b)"
        rf"|{number}-(?:{unit})\b)",
        re.I,
    )


_TIME_PIECES = [
    "at", "At", "AT", "a", "t", "the", "end", "of", "in", "İn", "ın", "In", "first", "within", "WITHIN",
    "after", "and", "or", "OR", "by", "By", "3", ",", "6", "12", "1.5", "٣", "months", "mo", "MOS",
    "d", "day", "-", "–", "to", "course", "cycle", "year", "s", "ſ", " ", "  ", "\n", "x", "_", "(", "that",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TIME_PIECES), max_size=16), st.integers(0, 3))
def test_timepoint_pattern_matches_as_the_plain_one(parts: list[str], pos: int) -> None:
    """The time point pattern opens with a case-sensitive class of the openers' first letters (and
    digits), then checks the boundary and the rest of each opener behind it; it must find what
    the plain pattern finds ("İn the first 3 months" too)."""
    text = "".join(parts)
    fast = [(m.start(), m.end()) for m in heme._timepoint_pattern().finditer(text, pos)]
    assert fast == [(m.start(), m.end()) for m in _plain_timepoint().finditer(text, pos)]


def test_timepoint_pattern_on_written_text() -> None:
    text = "CCyR at 3, 6 and 12 months; by the end of course 2 and a 12-month rate; İn the first 2 wks."
    assert [words for _, _, words in heme._find_timepoints(text, 0, len(text))] == [
        "at 3, 6 and 12 months",
        "by the end of course 2",
        "12-month",
        "i\u0307n the first 2 wks",  # "İ" lowercased
    ]


def test_other_cases_are_all_there_are() -> None:
    """Case-blind matching reads an ASCII letter as its two cases and as regexes.OTHER_CASES only."""
    letters = re.compile("[a-z]", re.I)
    others = [chr(c) for c in range(128, 0x110000) if letters.fullmatch(chr(c))]
    assert sorted(others) == sorted("".join(regexes.OTHER_CASES.values()))
    for letter, cases in regexes.OTHER_CASES.items():
        assert all(re.fullmatch(letter, case, re.I) for case in cases)


_COHORT_WORDS = [
    "Of", "of", "OF", "the", "14", "12", "two", "9", "patients", "pts", "who", "WHO", "had", "were",
    "escalated", "to", "800", "mg/day", "achieved", "a", "partial", "response", "after", "AFTER", "raising",
    "dose", "(0/9)", "(", "0", "/", "9", ")", ",", "neoadjuvant", "imatinib", "received", "adjuvant",
    "ſ", "İ", "Nine",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_COHORT_WORDS), min_size=1, max_size=18).map(lambda ws: " ".join(ws) + "."))
def test_cohort_skips_change_nothing(sentence: str) -> None:
    fast_context, slow_context = context_of(sentence), context_of(sentence)
    fast = [populations._find_cohorts(fast_context, info) for info in fast_context.sentences]
    with patched(populations, _INLINE_WORDS=(), _AFTER_WORDS=()):
        slow = [populations._find_cohorts(slow_context, info) for info in slow_context.sentences]
    assert fast == slow
    for info in fast_context.sentences:  # the opening, read once, is the one read afresh
        plain = populations._cohort_opening_pattern().match(fast_context.text, info.start, info.end)
        assert populations.evaluated_opening(fast_context, info) == _plain_evaluated(
            fast_context, info, plain
        )


def _plain_evaluated(context, info, opening):  # type: ignore[no-untyped-def]
    """evaluated_opening as first written: the opening matched afresh, with no whole-number test."""
    if opening is None:
        return None
    words = re.findall(r"[a-z][a-z\-]*", opening.group("cond").lower())
    evaluated = tuple(str(w).lower() for w in vocab.load("cues")["cohorts"]["evaluated"])
    if not any(word.startswith(evaluated) for word in words):
        return None
    return next(
        (
            x
            for x in info.numbers
            if x.start == opening.start("n") and x.end == opening.end("n") and x.is_int and x.value > 0
        ),
        None,
    )


def test_cohort_skips_on_written_sentences() -> None:
    context = context_of(
        "Two of the 12 patients who were escalated to 800 mg/day achieved a partial response. "
        "One responded after raising the dose to 800 mg/day (1/9). "
        "Of the 36 patients who had at least one tumor assessment, 12 had a partial response."
    )
    inline, after, evaluated = context.sentences
    assert [(m.n.value, m.count.value) for m in populations._find_cohorts(context, inline)] == [(12.0, 2.0)]
    assert [(m.n.value, m.count.value) for m in populations._find_cohorts(context, after)] == [(9.0, 1.0)]
    assert populations.evaluated_opening(context, evaluated).value == 36.0
    assert populations._cohort_opening(context, evaluated) is evaluated.cached["cohort_opening"]


_OF_WHOM_WORDS = [
    "A", "total", "of", "OF", "Of", "230", "patients", "were", "enrolled", ",", "whom", "WHOM", "190", "had",
    "a", "confirmed", "diagnosis", "these", "THESE", "theſe", "which", "whİch", "with", "the", "12",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_OF_WHOM_WORDS), min_size=1, max_size=16).map(lambda ws: " ".join(ws) + "."))
def test_of_whom_skip_changes_nothing(sentence: str) -> None:
    context = context_of(sentence)
    for info in context.sentences:
        enrolled = Quantity(1000.0, info.cite(info.start, info.start + 1))
        fast = populations._enrolled_subset(context, info, enrolled)
        with patched(populations, _may_say_of_whom=lambda info: True):
            slow = populations._enrolled_subset(context, info, enrolled)
        assert fast == slow


def test_of_whom_skip_on_written_sentences() -> None:
    context = context_of(
        "A total of 230 patients were enrolled, of whom 190 had a confirmed diagnosis. "
        "A total of 230 patients were enrolled and 190 had a confirmed diagnosis."
    )
    said, unsaid = context.sentences
    enrolled = Quantity(230.0, said.cite(said.start, said.start + 1))
    assert populations._enrolled_subset(context, said, enrolled).value == 190.0
    assert not populations._may_say_of_whom(unsaid)  # "of", but no "whom", "these" or "which"
    assert populations._may_say_of_whom(context_of("Of thoſe, which one.").sentences[0])  # "ſ": run


_WINDOW_PIECES = [
    "advanced", "Other", "-", "--", "a", "Z", " ", "  ", "\n", "\t", "\x1c", "\u0085", "\u00a0", "\u2028",
    "\u200b", "1", "é", "ſ", "\u212a", "(", ",", "metastatic-",
]  # fmt: skip
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z\-]*)\s+$")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_WINDOW_PIECES), max_size=10))
def test_last_word_reads_as_the_pattern(parts: list[str]) -> None:
    window = "".join(parts)
    match = _LAST_WORD.search(window)
    expected = None if match is None else (match.group(1), len(match.group(0)))
    assert populations.last_word(window) == expected


def test_last_word_on_written_windows() -> None:
    assert populations.last_word("in the advanced ") == ("advanced", 9)
    assert populations.last_word("patients with -metastatic \n") == ("metastatic", 12)
    assert populations.last_word("advanced") is None  # no whitespace after it
    assert populations.last_word("12 ") is None and populations.last_word("-- ") is None


def _plain_phase() -> re.Pattern[str]:
    return re.compile(
        r"\bphase\s*(iv|i{1,3}|[1-4])(?:\s*(?:/|-|–|and|or)\s*(iv|i{1,3}|[1-4]))?\b"
        r"(?!\s*(?:trials|studies)\s+(?:of|have|showed))",
        re.I,
    )


_PHASE_PIECES = [
    "phase", "Phase", "PHASE", "phaſe", "pHase", "p", "hase", "xphase", "_phase", "-", " ", "II", "ii", "İI",
    "iv", "1", "2", "/", "and", "trials", "of", "studies", "showed", "\n", "4", "3b",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PHASE_PIECES), max_size=10), st.integers(0, 2))
def test_phase_pattern_matches_as_the_plain_one(parts: list[str], pos: int) -> None:
    text = " ".join(parts)
    fast = [m.span() + m.groups() for m in design._PHASE.finditer(text, pos)]
    assert fast == [m.span() + m.groups() for m in _plain_phase().finditer(text, pos)]


def _plain_split(text: str, start: int, end: int) -> list[int]:
    """split_semicolons' cuts as first written: a walk over every character."""
    cuts, depth = [start], 0
    for position in range(start, end):
        char = text[position]
        depth += (char in "([") - (char in ")]")
        if char == ";" and depth <= 0:
            cuts.append(position + 1)
    return [*cuts, end]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab ;()[]", max_size=30))
def test_semicolon_cuts_as_the_walk(text: str) -> None:
    stand_in = SimpleNamespace(text=text)  # split_semicolons reads only the context's text
    pieces = populations.split_semicolons(stand_in, [(0, len(text), ("k",))], [])  # type: ignore[arg-type]
    cuts = _plain_split(text, 0, len(text))
    if len(cuts) == 2:
        assert pieces == [(0, len(text), ("k",))]
    else:
        assert pieces == [(left, right, ()) for left, right in zip(cuts, cuts[1:], strict=False)]


def _plain_subgroup() -> re.Pattern[str]:
    """The subgroup pattern as first written: no lookahead of first letters."""
    data = vocab.load("cues")["subgroups"]
    numbered = "|".join(sorted(map(re.escape, data["numbered"]), key=len, reverse=True))
    negations = "|".join(sorted(map(re.escape, data["negations"]), key=len, reverse=True))
    names = "|".join(
        sorted(
            (re.escape(str(n)).replace(r"\ ", r"[\s-]").replace(r"\-", r"[\s-]?") for n in data["names"]),
            key=len,
            reverse=True,
        )
    )
    variant = r"(?-i:[ACDEFGHIKLMNPQRSTVWY]\d{2,4}(?:[ACDEFGHIKLMNPQRSTVWXY]|del|ins|dup))\b"
    term = rf"(?:{numbered})\s+\d{{1,2}}\b"
    return re.compile(
        rf"(?:(?P<neg>(?:{negations})\s?)|)(?:(?P<v1>{variant})(?:\s+{term})?"
        rf"|(?P<num>{term})(?:\s+(?P<v2>{variant}))?|(?P<name>{names}))",
        re.I,
    )


_SUBGROUP_PIECES = [
    "non", "NON", "Non-", "non ", "exon", "EXONS", "Exon", "9", "11", "D842V", "d842v", "V560del", "A12",
    "T670I", "wild", "Wild-type", "WILDTYPE", "type", "FIP1L1", "fip1l1-PDGFRA", "FIP1L1/PDGFRA", "FS-DFSP",
    "fs dfsp", "-", " ", "\n", "x", "ſ", "İ", "\u212a", "q12h", "(", "12",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SUBGROUP_PIECES), max_size=12), st.integers(0, 2))
def test_subgroup_pattern_matches_as_the_plain_one(parts: list[str], pos: int) -> None:
    """The subgroup pattern opens with a case-sensitive lookahead of every option's first letters;
    it must find what the plain pattern finds, groups and all."""
    text = "".join(parts)
    fast = [m.span() + m.groups() for m in populations._subgroup_pattern().finditer(text, pos)]
    assert fast == [m.span() + m.groups() for m in _plain_subgroup().finditer(text, pos)]


_TO_PIECES = [
    "to", "TO", "To", "t", "o", "into", "_to", "-to", "a", "total", "daily", "dose", "of", "DOSE", "ſ", " ",
    "\n", "x", "1",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TO_PIECES), max_size=10), st.integers(0, 2))
def test_to_before_matches_as_the_plain_one(parts: list[str], pos: int) -> None:
    text = " ".join(parts) + " "
    plain = re.compile(r"\bto\s+(?:a\s+(?:total\s+)?(?:daily\s+)?dose\s+of\s+)?$", re.I)
    for end in range(pos, len(text) + 1):
        fast = dose._TO_BEFORE.search(text, pos, end)
        slow = plain.search(text, pos, end)
        assert (fast and fast.span()) == (slow and slow.span())


def test_respectively_after_a_capital_dotted_i() -> None:
    context = context_of("İmatinib 400 mg or 600 mg daily in GIST and DFSP, respectively. 400 mg daily İ.")
    first, second = context.sentences
    assert [hit.respectively for hit in dose.find_doses(context, first)] == [True]
    assert [hit.respectively for hit in dose.find_doses(context, second)] == [False]


_HEME_WORDS = [
    "achieved", "a", "complete", "cytogenetic", "(n", "=", "13)", "or", "molecular", "8)", "remission", "CHR",
    "rates", "(82%", "arm", "A,", "90%", "B)", "MMR", "in", "compared", "to", "(20%", "vs", "7%)", "at", "6",
    "months", "(", ")", "n", "12",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_HEME_WORDS), min_size=1, max_size=20).map(" ".join), st.integers(0, 40))
def test_heme_skips_change_nothing(text: str, at: int) -> None:
    """arm_brackets reads nothing with fewer than two anchors: a bracket's percents come two or
    more (_versus_values) and a labelled bracket needs two groups (_labelled); every match of the
    shared head pattern holds "=", so a span without one is not searched."""
    for bracket in heme._BRACKET.finditer(text):
        percents = heme._versus_values(text, bracket)
        assert percents is None or len(percents) >= 2
        inside = [(bracket.start() + 1, bracket.start() + 2, "arm A")]
        assert heme._labelled(text, bracket, inside) is None
    for match in heme._shared_head_pattern().finditer(text):
        assert "=" in match.group(0)
    anchor = [(at, at + 3, "arm A")]
    assert heme.arm_brackets(text, (0, len(text)), anchor) == []


def test_heme_skips_on_written_text() -> None:
    text = "MMR in arm B compared to arm A (20% vs 7%). A complete cytogenetic (n = 13) or molecular (n = 8)"
    anchors = [(7, 12, "arm B"), (25, 30, "arm A")]
    assert [[key for key, _, _ in values] for _, values in heme.arm_brackets(text, (0, 43), anchors)] == [
        ["arm B", "arm A"]
    ]
    said = "who achieved a complete cytogenetic (n = 13) or molecular (n = 8) remission"
    assert [category for category, _, _, _ in heme.shared_head(said, 0, len(said))] == ["ccyr", "cmr"]
    assert heme.shared_head(said.replace("=", ":"), 0, len(said)) == []


def _plain_maybe_dropped() -> re.Pattern[str]:
    """numbers._MAYBE_DROPPED as first written: seven options, the last behind a lookbehind."""
    chars = r"[\d.,·\u2009\u202f\u00a0]"
    return re.compile(
        rf"{chars}{{{numbers.MAX_NUMERAL + 1}}}|\d[eE][+\-−]?\d|10\s?\^|10[⁺⁻{numbers._SUPERSCRIPTS}]"
        r"|\d \d{3}|\d\.\d{3}[.,]\d"
        r"|(?<![\w.\-\u2212])0\d"
    )


_NUMERAL_PIECES = [
    "0", "1", "10", "5", "e", "E", "+", "-", "\u2212", " ", "^", "⁴", "¹", ".", ",", "·", "\u2009",
    "a", "_", "\u0663", "12", "000", "1.234", "07", "x07", ".07", "1e5", "10 ^", "2 500", "×", "x",
    "*", "\u202f", "\u00a0", "1,234", "9999999", "·5", "%", "−",
]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_NUMERAL_PIECES), max_size=14), st.integers(0, 40), st.integers(0, 40))
def test_the_dropped_numeral_test_finds_what_the_plain_pattern_finds(
    parts: list[str], a: int, b: int
) -> None:
    """The cheap dropped-numeral test (opening with a digit) fires only where the plain one does,
    and wherever find_numbers drops a numeral, for any slice (its lookbehinds see the characters
    before the slice, as the plain one's and find_numbers' do)."""
    text = "".join(parts)
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    fast = numbers._MAYBE_DROPPED.search(text, start, end) is not None
    assert not fast or _plain_maybe_dropped().search(text, start, end) is not None
    dropped: list[numbers.Dropped] = []
    numbers.find_numbers(text, start, end, dropped)
    assert numbers.find_dropped(text, start, end) == dropped
    assert fast or not dropped


def test_the_dropped_numeral_test_on_written_numerals() -> None:
    found = [
        bool(numbers._MAYBE_DROPPED.search(t)) for t in ("1.5e+99", "07", "10^4", "2 500", "12.5", "x07")
    ]
    assert found == [True, True, True, True, False, False]


_NUMBER_WORD_PIECES = [
    "one", "two", "ten", "tens", "twenty", "twenty-one", "hundred", "thousand", "eleven", "and", " ",
    "-", "x", "_", "é", "1", "%", " percent", "onehundred", "Seventy", "ſix",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NUMBER_WORD_PIECES), max_size=10), st.integers(0, 30))
def test_spelled_numbers_are_found_as_with_a_plain_word_boundary(parts: list[str], start: int) -> None:
    """The number-word pattern checks its word boundary after the first letter; it must find what
    "\\b(?:one|two|...)" found, from any start (both look behind the start for the boundary)."""
    text = " ".join(parts).lower()
    start = min(start, len(text))
    plain = re.compile(
        numbers._patterns().words.pattern.replace(
            word_start_alternation(numbers._patterns().values),
            r"\b" + prefix_alternation(numbers._patterns().values),
            1,
        )
    )
    assert plain.pattern != numbers._patterns().words.pattern
    found = [(m.span(), m.group("wpct")) for m in numbers._patterns().words.finditer(text, start)]
    assert found == [(m.span(), m.group("wpct")) for m in plain.finditer(text, start)]


_PLAIN_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.\s*$")
_PLAIN_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9(\[\"'])"
    r"|\n\s*\n"
    r"|\n(?=\s*(?:[-*\u2022]\s|\d+\.\s|[A-Z][A-Za-z ]{2,40}:\s))"
    r"|\|[ \t]*\n"
)


def _plain_sentences(text: str, start: int, end: int) -> list[sentences.Sentence]:
    """split_sentences as first written: the boundary found by a lookbehind on the stop."""
    found: list[sentences.Sentence] = []
    cursor = start
    for match in _PLAIN_BOUNDARY.finditer(text, start, end):
        head = text[max(cursor, match.start() - sentences._LAST_WORD_WINDOW) : match.start()]
        last = _PLAIN_LAST_WORD.search(head)
        if (
            last
            and last.group(1).lower().rstrip(".") in sentences._abbreviations()
            and "\n" not in match.group(0)
        ):
            continue
        sentences._append(found, text, cursor, match.start())
        cursor = match.end()
    sentences._append(found, text, cursor, end)
    return found


_SENTENCE_PIECES = [
    "Twelve", "patients", "responded", ".", "!", "?", '"', "'", ")", "]", "(", "[", " ", "  ", "\n", "\n\n",
    "\n- item", "\n2. item", "\nResults: x", "|", "| \n", "et al.", "vs.", "e.g.", "A", "5", "b.i.d.", "x",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=25), st.integers(0, 4), st.integers(0, 4))
def test_sentence_boundaries_as_with_a_lookbehind(parts: list[str], start: int, cut: int) -> None:
    """The boundary pattern consumes the stop it opens with (so re skips to it in C); the sentences
    are those the lookbehind form gives, a slice starting right after a stop too."""
    text = "".join(parts)
    start = min(start, len(text))
    end = max(start, len(text) - cut)
    assert sentences.split_sentences(text, start, end) == _plain_sentences(text, start, end)


_NAME_PIECES = [
    "imatinib", "IMATINIB", "İmatinib", "ımatinib", "mesylate", "Gleevec", "GLIVEC", "glivec", "STI", "ſTI",
    "571", "STI571", "CGP", "57148", "CGP57148B", "xImatinib", "1imatinib", "-", " ", "\n", "_", "i", "g",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_NAME_PIECES), max_size=10), st.sampled_from(["", " ", "-"]), st.integers(0, 3)
)
def test_imatinib_names_match_as_the_plain_alternation(parts: list[str], glue: str, pos: int) -> None:
    names = sorted((str(n) for n in vocab.load("schedules")["imatinib_names"]), key=len, reverse=True)
    flexible = (re.escape(n).replace(r"\ ", r"[\s-]*").replace(r"\-", r"[\s-]*") for n in names)
    plain = re.compile(r"(?<![A-Za-z])(?:" + "|".join(flexible) + r")", re.I)
    text = glue.join(parts)
    fast = cues.imatinib_names()
    assert fast.pattern.startswith("(?-i:[")
    assert [m.span() for m in fast.finditer(text, pos)] == [m.span() for m in plain.finditer(text, pos)]
    assert [bool(fast.fullmatch(p)) for p in parts] == [bool(plain.fullmatch(p)) for p in parts]
