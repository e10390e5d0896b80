"""Adverse events: each named event normalized to a CTCAE v5 term, with its frequency when stated.

An event is read from a sentence that talks about toxicity ('side-effects', 'were common',
'grade 3/4') or that gives it a frequency ('hemorrhage occurred in approximately 5 percent').
An event the vocabulary does not know is kept with term None when a toxicity list gives it a
frequency ('dermatitis (3%)'), so nothing stated is lost. So is an aggregate rate ('grade 3/4
toxicities in 38%', 'serious adverse events 12%'), named by its words as written.

One event may carry several values: one per arm ('anaemia 29% vs 8%', '2% (A), 12% (B)'), one per
grade ('(all grades; grade 3): edema (48%; 4%)', a table with 'All grades | Grade 3-4' columns).
A count over a stated n ('in 4 of 51 patients') gets its percent derived, marked as such. A bound
('in at least 10%') is not a frequency.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from types import MappingProxyType
from typing import Any, ClassVar

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.numbers import words_to_int, written_number
from imatinib_cli.extract.populations import last_word
from imatinib_cli.models import AdverseEvent, Evidence, Quantity
from imatinib_cli.regexes import OTHER_CASES, phrase_group, prefix_alternation, word_start_alternation

_PERCENT = r"(?P<value>\d+(?:[.·]\d+)?)\s*(?:%|percent\b|per cent\b)"
# Sort keys read in C (no Python key function an item): a hit's start, an event's evidence's.
_START = attrgetter("start")
_EVIDENCE_START = attrgetter("evidence.start")
_COUNT_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
_COUNT = rf"(?P<count>\d+|{_COUNT_WORDS})"
_SECOND_PERCENT = r"(?P<value2>\d+(?:[.·]\d+)?)\s*(?:%|percent\b|per cent\b)"


@vocab.cached
def _words(key: str) -> str:
    """cues.yaml `toxicity.<key>` as one regex group, a space matching any run of spaces: the cue
    words of the patterns below ('was reported in', 'compared with') live in the vocabulary."""
    return phrase_group(cues.words("cues", "toxicity", key))


@vocab.cached
def _grade_pattern() -> re.Pattern[str]:
    """'grade 3/4', 'grades ≥ 3', 'grade 3 or worse'."""
    return re.compile(
        r"\bgrades?\s*(?:(?P<cmp>≥|>=|>|=)\s*)?(?P<grade>[1-5](?:\s*(?:/|-|–|or|and|to)\s*[1-5])?)\b"
        rf"(?P<worse>\s+or\s+{_words('or_worse')})?",
        re.I,
    )


@vocab.cached
def _after_pattern() -> re.Pattern[str]:
    """After a term: "(92%)", "in approximately 5 percent of patients", ": 12%", "(grade 3/4, 12%)",
    "occurred in one patient (4%)", "in 2 of 6 patients", "(grade 1-2) was reported in 62%",
    "were reported by 38%", "(in 58% of patients)", "(≥ 5 kg) was noted in 11 patients (22%)"."""
    return re.compile(
        r"\s*(?:\((?!\s*(?:grades?\s*)?[1-5]?\s*[,;:]?\s*\d+(?:[.·]\d+)?\s*%)\s*(?P<note>[^()]{1,30}?)\s*\)\s*)?"
        rf"(?:\(\s*(?:grades?\s*(?P<grade_in>[1-5][^,;)%]*?)\s*[,;:]\s*)?(?:{_words('bracket_verbs')}\s+)?(?:in\s+)?"
        rf"(?:n\s*=\s*\d+\s*[,;]\s*)?|[:,]?\s*(?:{_words('copulas')}\s+)?(?:{_words('frequency_verbs')}\s+)?"
        rf"(?:{_words('frequency_prepositions')}\s+)?)"
        rf"(?P<approx>{_words('approximations')}\s*)?"
        rf"(?:{_COUNT}(?:\s*(?:of|/)\s*(?P<total>\d+))?\s*{_words('counted_people')}\b\.?"
        rf"(?:\s*\(\s*{_SECOND_PERCENT}\s*\))?|{_PERCENT})",
        re.I,
    )


# "(grade 3/4 in 14%)" right after a frequency: the same event at a higher grade.
_GRADED_SHARE = re.compile(
    r"\s*(?:of\s+(?:the\s+)?patients\s*)?\(\s*grades?\s*(?P<grade>[1-5](?:\s*(?:/|-|–|or|and|to)\s*[1-5])?)\s*"
    r"(?:in\s+)?(?P<value>\d+(?:[.·]\d+)?)\s*%\s*\)",
    re.I,
)


@vocab.cached
def _before_pattern() -> re.Pattern[str]:
    """Before a term: "92% anaemia", "12% of patients had grade 3 neutropenia"."""
    return re.compile(
        rf"{_PERCENT}\s*(?:of\s+(?:the\s+)?{_words('percent_people')}\s+"
        rf"{_words('percent_verbs')}\s+)?(?:grades?\s*[1-5](?:\s*(?:or|and|/|-|to)\s*[1-5])?\s+)?$",
        re.I,
    )


_COORDINATION = re.compile(r"([A-Za-z][A-Za-z\-]*)\s+(?:or|and/or)\s+$")
# What every _list_item_pattern match holds, opening with a literal (a fast search).
_OPENS_NUMBER = re.compile(r"\(\s*\d")


@vocab.cached
def _list_item_pattern() -> re.Pattern[str]:
    """An item of a toxicity list whose name the vocabulary may not know: "dermatitis (3%)"."""
    return re.compile(
        rf"(?:^|[,;:]|\b{_words('list_openers')}\b)\s*(?:grades?\s*[1-5/\-–]+\s+)?"
        rf"(?P<name>(?!{_words('list_not_names')}\b)[a-z][a-z\- ]{{2,40}}?)\s*"
        rf"\(\s*(?:{_PERCENT}|(?P<count>\d+)\s*{_words('list_people')}\b\.?)\s*\)",
        re.I,
    )


def _found_from(
    pattern: re.Pattern[str], openings: re.Pattern[str] | None, text: str, info: SentenceInfo
) -> Iterator[re.Match[str]]:
    """pattern.finditer(text, info.start, info.end), tried only where `openings` finds a possible
    start of a match in the lowercase sentence: the same matches, when every match starts at such
    a place (for an ASCII sentence, where case-blind matching is lowercasing) and none is empty.
    Else (no openings pattern, a sentence with other characters) the plain scan. Worth it for a
    pattern whose every try at a word start costs (the aggregate pattern's modifiers), not for
    one that fails at most characters at once."""
    if openings is None or not info.sentence.text.isascii():
        yield from pattern.finditer(text, info.start, info.end)
        return
    lower, offset, end = info.lower, info.start, info.end
    at = 0
    while (opening := openings.search(lower, at)) is not None:
        match = pattern.match(text, offset + opening.start(), end)
        if match is None:
            at = opening.start() + 1
            continue
        yield match
        at = match.end() - offset


@vocab.cached
def _linking_pattern() -> re.Pattern[str]:
    """A word that links a list to its subject: 'were', 'included'."""
    return re.compile(rf"\b{_words('linking')}\s+", re.I)


_PERCENT_RUN = re.compile(rf"{_PERCENT}", re.I)
_PERCENT_LIST = re.compile(
    r"\d+(?:[.·]\d+)?\s*(?:%|percent)(?:\s*(?:,\s*(?:and\s+)?|and|or)\s*\d+(?:[.·]\d+)?\s*(?:%|percent))+",
    re.I,
)


# "(?:X|)" rather than "(?:X)?": the same matches, but the re engine allocates a repeat context
# each time it enters "(...)?" (at every position a search tries), and nothing for a branch.
_NUM = r"\d+(?:[.·]\d+|)"
_WORD_NUMBER = r"[A-Za-z]+(?:-[A-Za-z]+|)"


@vocab.cached
def _arm_part_pattern() -> re.Pattern[str]:
    """One arm's value in a comparison: "12 [29%] of 41 patients in the imatinib group", "three [8%]",
    "none", "29%", "4/51"."""
    return re.compile(
        rf"(?:(?P<count>\d+(?![\d.·])(?!\s*%)|{_WORD_NUMBER}|none)\s*)?"
        rf"(?:[\[(]\s*(?P<pct>{_NUM})\s*%\s*[\])]|(?P<bare>{_NUM})\s*%)?"
        rf"(?:\s*(?:of|/)\s*(?P<total>\d+)(?:\s+{_words('people')})?"
        rf"|\s+of\s+(?:the\s+)?{_words('people')})?"
        rf"(?:\s+{_words('arm_prepositions')}\s+(?:the\s+)?"
        rf"(?P<arm>[A-Za-z0-9][\w\- ]{{0,30}}?\s{_words('arm_nouns')}s?))?",
        re.I,
    )


@vocab.cached
def _versus_pattern() -> re.Pattern[str]:
    """ "29% vs 8%"."""
    return re.compile(rf"\s*{_words('versus')}\s*", re.I)


@vocab.cached
def _named_arm_separator_pattern() -> re.Pattern[str]:
    """ "in 12 patients in the imatinib group and 3 in the placebo group"."""
    return re.compile(rf"\s*,?\s*{_words('arm_separators')}\s+", re.I)


@vocab.cached
def _series_open_pattern() -> re.Pattern[str]:
    """Before a comparison: "(", ": ", " in ", " occurred in ", " were seen in "."""
    return re.compile(
        rf"\s*(?:(?P<paren>[(\[])\s*|:\s*|,\s*)?(?:{_words('past_copulas')}\s+)?(?:{_words('series_verbs')}\s+)?"
        rf"(?:{_words('series_prepositions')}\s+)?",
        re.I,
    )


# "2% (A), 12% (B)": percents each followed by the arm's short name.
_LABELED = re.compile(rf"\s*(?P<pct>{_NUM})\s*%\s*\(\s*(?P<arm>(?:arm\s+)?[A-Z][\w\-]{{0,12}})\s*\)")


@vocab.cached
def _labeled_separator_pattern() -> re.Pattern[str]:
    """Between "2% (A)" and "12% (B)": ", ", " and ", " vs "."""
    words = cues.words("cues", "toxicity", "labeled_separators") | cues.words("cues", "toxicity", "versus")
    return re.compile(rf"\s*(?:{prefix_alternation(sorted(words))})\s*", re.I)


@vocab.cached
def _late_comparison_pattern() -> re.Pattern[str]:
    """An aggregate or event compared later in its clause: "were more frequent with chemotherapy
    (90% vs 39%"."""
    return re.compile(
        rf"\s+{_words('past_copulas')}\s+[^%\d;]{{0,60}}?\(\s*(?P<a>{_NUM})\s*%\s*{_words('versus')}\s*"
        rf"(?P<b>{_NUM})\s*%",
        re.I,
    )


@vocab.cached
def _grade_label() -> str:
    """A grade header for per-grade pairs: "(grades 1/2; grade 3)", "(all grades; grade 3-4)"."""
    return rf"(?:{_words('all_grades')}|grades?\s*(?:(?:≥|>=)\s*)?[1-5](?:\s*(?:/|-|–|or|to)\s*[1-5])?)"


@vocab.cached
def _grade_header_pattern() -> re.Pattern[str]:
    """ "(all grades; grade 3-4)"."""
    return re.compile(rf"\(\s*(?P<a>{_grade_label()})\s*;\s*(?P<b>{_grade_label()})\s*\)", re.I)


_GRADE_PAIR = re.compile(rf"\s*\(\s*(?P<a>{_NUM})\s*%?\s*;\s*(?P<b>{_NUM})\s*%\s*\)")
# A table saved as text: "N (%)" in the header, grade columns, then rows "Fatigue 29 (50) 1 (2)".
_TABLE_MARK = re.compile(r"\bN\s*\(\s*%\s*\)", re.I)
# The part of every _TABLE_MARK that opens with a literal: searched ~15x faster (the engine skips in
# C to a "("; the mark's leading \b makes it try every character), so most sentences stop here.
_TABLE_MARK_PART = re.compile(r"\(\s*%\s*\)")


@vocab.cached
def _table_columns_pattern() -> re.Pattern[str]:
    """A table's grade columns: "All grades Grade 3-4"."""
    return re.compile(rf"{_grade_label()}(?:\s+{_grade_label()})*", re.I)


_ROW_NAME = re.compile(rf"\s*(?P<name>[A-Za-z][^\d()]{{1,50}}?)\s+(?=\d+\s*\(\s*{_NUM}\s*\))")
_ROW_PAIR = re.compile(rf"\s*(?P<count>\d+)\s*\(\s*(?P<pct>{_NUM})\s*\)")


@vocab.cached
def _aggregate_after_pattern() -> re.Pattern[str]:
    """After an aggregate: "from imatinib treatment were registered in 30/75 patients"."""
    return re.compile(
        rf"(?:\s+{_words('aggregate_links')}\s+[^\d%;,()]{{1,40}}?)?\s+{_words('past_copulas')}\s+"
        rf"(?:{_words('aggregate_verbs')}\s+)?{_words('series_prepositions')}\s+(?:(?P<count>\d+)\s*(?:/|of)\s*"
        rf"(?P<total>\d+)\s+{_words('people')}|(?P<pct>{_NUM})\s*%)",
        re.I,
    )


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
# A count in brackets with its noun left out, after a sibling that wrote it: "rash (five patients)
# and oedema (six)".
_ELIDED = re.compile(rf"\s*\(\s*{_COUNT}\s*\)", re.I)


@vocab.cached
def _nouned_pattern() -> re.Pattern[str]:
    """A count in brackets with its noun: "(five patients)"."""
    return re.compile(rf"\(\s*{_COUNT}\s+{_words('counted_people')}\b", re.I)


@vocab.cached
def _shared_pattern() -> re.Pattern[str]:
    """One percent for every event of the coordination before it: "occurring both in 20% of
    patients", "each in 12%", "in 8% each"."""
    return re.compile(
        rf"[^;%()\d]{{0,60}}?\b(?:(?P<word>{_words('shared_words')})\s+(?:{_words('shared_verbs')}\s+)?"
        rf"(?:in\s+)?(?P<value>{_NUM})\s*(?:%|percent\b)|in\s+(?P<value2>{_NUM})\s*%\s+each\b)",
        re.I,
    )


_COORDINATOR = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)", re.I)
# Per-arm counts written "in 1/0" once the document has set the order with a legend "(A/B)".
_LEGEND = re.compile(r"\(\s*(?P<a>[A-Z][\w\-]{0,12})\s*/\s*(?P<b>[A-Z][\w\-]{0,12})\s*\)")


@vocab.cached
def _slash_pair_pattern() -> re.Pattern[str]:
    """Per-arm counts after a legend: "occurred in 1/0", "in 2/3 patients"."""
    return re.compile(
        rf"\s*(?:{_words('slash_verbs')}\s+)?(?:in\s+)?(?P<a>\d+)\s*/\s*(?P<b>\d+)"
        rf"(?!\s*[%/·]|\d|[.,]\d)(?:\s*{_words('slash_people')})?(?=\s*(?:[,;.)]|and\b|$))",
        re.I,
    )


# A group's size as a document writes it beside the group: "(n = 20; Arm A)", "(N=7)".
_GROUP_SIZE = re.compile(r"\b[nN]\s*=\s*(\d+)\b")
# The end of a list of events: only closing punctuation may follow its last item.
_LIST_END = re.compile(r"\s*[.)\]]?\s*$")


@vocab.cached
def _combining_pattern() -> re.Pattern[str]:
    """Between two events that are one: "oedema with weight gain"."""
    return re.compile(rf"\s+{_words('combining')}\s+", re.I)


@vocab.cached
def _subject_pattern() -> re.Pattern[str]:
    """Before an event or aggregate: "Five (11%) patients had", "Eleven percent of patients
    experienced", "37% experienced", "Four patients experienced", "one patient developed a
    treatment-related", and at the start of a sentence "Two with a non-study related"."""
    attributions = "|".join(
        re.escape(word).replace(r"\ ", r"\s+")
        for word in sorted(cues.words("cues", "toxicity", "attributions"), key=len, reverse=True)
    )
    return re.compile(
        rf"(?:(?:(?P<count>\d+|{_WORD_NUMBER})\s*(?:\(\s*(?P<pct1>{_NUM})\s*%\s*\)\s*)?"
        rf"{_words('people_any_number')}"
        rf"|(?P<pct2>{_NUM})\s*(?:%|percent)|(?P<pctw>{_WORD_NUMBER})\s+percent)\s*"
        rf"(?:of\s+(?:the\s+)?{_words('people')}\s*)?"
        rf"{_words('subject_verbs')}"
        rf"|(?P<elided>\d+|{_WORD_NUMBER})\s+with)\s+(?:an?\s+)?(?:(?:{attributions})\s+)?"
        r"(?:grades?\s*[1-5](?:\s*(?:/|-|–|or|and|to)\s*[1-5])?\s+)?$",
        re.I,
    )


@dataclass(slots=True)
class _Frequency:
    percent: float | None
    count: float | None
    start: int
    end: int
    approximate: bool
    grade: str | None = None  # written with the frequency: "(grade 1-2)", "(grade 1, 63%)"
    arm: str | None = None  # one value of a per-arm comparison
    derivation: str | None = None  # the percent is computed: "4/51"
    grade_given: bool = False  # the grade comes from a column or header, even when it is None (all grades)
    count_derivation: str | None = None  # the count is computed: "2 cases, 2 events named"


# What an aggregate or uncoded hit has for a vocabulary entry: nothing (no "soc"), one read-only
# mapping shared by all (no dict made per hit).
_NO_ENTRY: Mapping[str, Any] = MappingProxyType({})


@dataclass(slots=True)
class _Aggregate:
    """A group of events named as one ('grade 3/4 toxicities'): a hit without a CTCAE term.
    Not frozen (a frozen dataclass sets each field through object.__setattr__; nothing changes
    one after it is made), and no dict made per hit for its entry."""

    start: int
    end: int
    grade: str | None
    key: ClassVar[None] = None
    entry: ClassVar[Mapping[str, Any]] = _NO_ENTRY


@dataclass(slots=True)
class _Uncoded:
    """An event with no certain CTCAE term ('GI perforation', 'oedema with weight gain'): a hit
    named by its words as written."""

    start: int
    end: int
    key: ClassVar[None] = None
    entry: ClassVar[Mapping[str, Any]] = _NO_ENTRY


# A hit with no CTCAE term (an isinstance tuple: `_Aggregate | _Uncoded` builds a union per test).
_UNNAMED = (_Aggregate, _Uncoded)


def find_adverse_events(context: Context, info: SentenceInfo, armed: bool = True) -> list[AdverseEvent]:
    """The adverse events of one sentence. `armed`: the study has arms, so a late comparison
    ('were more frequent with chemotherapy (90% vs 39%)') is one value per arm; in a study
    without arms it compares subgroups ('in elderly patients (40% vs 20%)') and is not read."""
    text = context.text
    # Whether the sentence talks about toxicity: needed at once without a number (nothing else can
    # give an event there), else only once a hit, a table row or a bracket that opens with a number
    # ('migraine (20%)', an unknown list item) is found; None until asked.
    # The cue matcher is fetched (so built, joining the phrase index) on the first call either way:
    # when a matcher joins moves when the index's groups merge, a one-time cost (see _has_cue).
    cue_matcher = cues.matcher("cues", "toxicity", "cues")
    has_cue = None if info.numbers else _has_cue(text, info, cue_matcher)
    if has_cue is False:
        return []
    matcher = _event_matcher()
    first, last = info.start, info.end  # read once, not per hit
    hits: list[Any] = matcher.find(text, first, last)
    events: list[AdverseEvent] = []
    if hits:  # a table's row is read only where it starts with a hit
        events, covered = _table_events(text, info, hits, matcher)
        if covered:
            hits = [hit for hit in hits if not any(s <= hit.start < e for s, e in covered)]
    named_uncoded = cues.matcher("cues", "toxicity", "uncoded_events").find(text, first, last)
    if named_uncoded:  # (most sentences: none, and no call)
        uncoded = _uncoded(named_uncoded, hits)
        if uncoded:
            hits = sorted([*hits, *uncoded], key=_START)
    if len(hits) > 1:  # the phrase index's hits come sorted; one hit combines with nothing
        hits = _combined(text, hits)
    aggregates = _aggregates(text, info, hits)
    if aggregates:
        has_cue = True
        hits = sorted([*hits, *aggregates], key=_START)
    if not hits and not events and _OPENS_NUMBER.search(text, first, last) is None:
        return []  # no event named, no table row read, no bracket for an unknown list item
    if has_cue is None:
        has_cue = _has_cue(text, info, cue_matcher)
    if not hits and not has_cue and not events:
        return []  # no cue for an unknown list item
    frequencies = [_frequencies(context, info, hits, index, armed) for index in range(len(hits))]
    _respectively(text, info, hits, frequencies)
    _shared(text, info, hits, frequencies)
    _one_each(text, info, hits, frequencies)
    _carry_arm_names(frequencies)
    for hit, found in zip(hits, frequencies, strict=True):
        aggregate = isinstance(hit, _Aggregate)
        if (not has_cue or isinstance(hit, _UNNAMED)) and not found:
            continue
        start = hit.start if aggregate else _extend_left(text, hit.start, hit.end, first, matcher)
        start = _extend_modifiers(text, start, first)
        name = " ".join(text[start : hit.end].split())
        grade = hit.grade if aggregate else None
        if not found:
            # Named with no value: no percent, count, arm or grade of its own.
            events.append(
                AdverseEvent(
                    term=hit.key,
                    as_written=name,
                    soc=hit.entry.get("soc"),
                    percent=None,
                    count=None,
                    grade=grade or _grade(text, info, start),
                    evidence=info.cite(start, hit.end),
                )
            )
        for frequency in found:
            # One Evidence for the event and its values: the records are frozen, so sharing it
            # reads (and writes out) the same as three equal ones.
            evidence = info.cite(start, frequency.end)
            events.append(
                AdverseEvent(
                    term=hit.key,
                    as_written=name,
                    soc=hit.entry.get("soc"),
                    percent=_value(frequency.percent, evidence, frequency.derivation),
                    count=_value(frequency.count, evidence, frequency.count_derivation),
                    grade=frequency.grade
                    if frequency.grade_given
                    else frequency.grade or grade or _grade(text, info, start),
                    evidence=evidence,
                    approximate=bool(frequency.approximate),
                    arm=frequency.arm,
                )
            )
        graded = _GRADED_SHARE.match(text, found[-1].end, last) if len(found) == 1 else None
        if graded:
            # "Neutropenia occurred in 45% of patients (grade 3/4 in 14%)": the same event, graded.
            events.append(
                AdverseEvent(
                    term=hit.key,
                    as_written=name,
                    soc=hit.entry.get("soc"),
                    percent=Quantity(
                        float(graded.group("value").replace("·", ".")), info.cite(start, graded.end())
                    ),
                    count=None,
                    grade=re.sub(r"\s*(?:or|and|to|-|–)\s*", "/", graded.group("grade")),
                    evidence=info.cite(start, graded.end()),
                )
            )
    if has_cue:
        events.extend(_unknown_terms(text, info, hits))
    if not events:
        return events  # (no sort, key function or list built for nothing)
    return [event for event in sorted(events, key=_EVIDENCE_START) if _possible(event)]


@vocab.cached
def _event_matcher() -> vocab.Matcher:
    """vocab.adverse_event_matcher(), asked once per vocabulary (both are forgotten together
    when the vocabularies change) instead of once a sentence."""
    return vocab.adverse_event_matcher()


def _has_cue(text: str, info: SentenceInfo, cue_matcher: vocab.Matcher) -> bool:
    """The sentence talks about toxicity ('side-effects', 'were common'): the phrase index first
    (it answers at once where the sentence's region holds no cue), the word gate's regex search
    only after a hit; both must hold, so the order changes nothing. `cue_matcher` is cues.yaml
    `toxicity.cues`, built by the caller on its first call: a matcher built later joins the
    phrase index later, which can move the index's one-time merge of its groups into another
    document (measured: +0.5 M instructions a document on 200 documents, all in that merge)."""
    return cue_matcher.any(text, info.start, info.end) and info.has_word(
        cues.any_word("cues", "toxicity", "cues")
    )


def _possible(event: AdverseEvent) -> bool:
    """Never a percent over 100, a negative number, or a count over the n it was stated with."""
    if event.percent is not None and not 0 <= event.percent.value <= 100:
        return False
    return event.count is None or event.count.value >= 0


def _value(value: float | None, evidence: Evidence, derivation: str | None) -> Quantity | None:
    """A frequency's percent or count as a Quantity: derived when the frequency says how ('4/51')."""
    if value is None:
        return None
    return Quantity(value, evidence, True, derivation) if derivation else Quantity(value, evidence)


def _number(text: str | None) -> float | None:
    """'12' -> 12, '5·2' -> 5.2, 'three' -> 3, 'none' -> 0; None for a word that is not a number."""
    if not text:
        return None
    if text.lower() == "none":
        return 0.0
    return written_number(text)


@vocab.cached
def _bound_words() -> tuple[str, ...]:
    """cues.yaml `toxicity.bounds` as a tuple, for one str.endswith call ('at least', '≥')."""
    return tuple(sorted(cues.words("cues", "toxicity", "bounds")))


def _bounded(text: str, start: int) -> bool:
    """'in at least 10%', 'more than 20% of patients': the number that starts at `start` is a bound."""
    return text[max(0, start - 16) : start].lower().rstrip().endswith(_bound_words())


def _frequencies(
    context: Context, info: SentenceInfo, hits: list, index: int, armed: bool = True
) -> list[_Frequency]:
    """The values stated for hits[index]: several for a per-arm or per-grade series, else one."""
    text = context.text
    hit = hits[index]
    limit = hits[index + 1].start if index + 1 < len(hits) else info.end
    share = _SHARE.match(text, hit.end, limit)
    if share is None or share.end(2) == share.start(2) or not _closed_share_exact():
        # Every reader below that reads after the hit needs a digit there, or a count word
        # ("one".."ten"), but the arm series (any number word) and those that read before it:
        # where the window holds neither (" were " between an aggregate and the next event), they
        # are not tried. A share holds a digit.
        numbered = share is not None or _COUNTED.search(text, hit.end, limit) is not None
        series = (
            _grade_series(text, info, hit, limit) or _slash_series(context, info, hit, limit)
            if numbered
            else []
        )
        series = series or _arm_series(text, hit, limit)
        if series:
            return series
    else:
        numbered = True  # "fatigue (21.1%)" is no series (see _closed_share_exact)
    if share is not None and _plain_share_exact():
        # What _after_pattern reads there (see _plain_share_exact), from this match.
        single = _share_frequency(text, hit, share)
    else:
        single = _frequency_of(text, info, hits, index, limit, numbered)
    if single is None:
        single = _subject_frequency(text, info, hit, limit, numbered)
    if single is None and numbered:
        late = _late_comparison_pattern().match(text, hit.end, limit)
        if late and ";" not in text[hit.end : late.start("a")] and (armed or _between_treatments(text, late)):
            return [
                _Frequency(
                    float(late.group(g).replace("·", ".")), None, hit.start, late.end(), False, arm=str(i)
                )
                for i, g in enumerate(("a", "b"), start=1)
            ]
    return [single] if single else []


def _between_treatments(text: str, late: re.Match[str]) -> bool:
    """'were more frequent during Ind(chemo) (90% vs 39%': the comparison's words name a treatment
    (cues.yaml comparison_treatments, another drug, imatinib) and no people ('in elderly patients')."""
    words = text[late.start() : late.start("a")]
    found = set(re.findall(r"[a-z]+", words.lower()))
    if found & cues.words("cues", "people"):
        return False
    if found & cues.words("cues", "toxicity", "comparison_treatments") or cues.imatinib_names().search(words):
        return True
    return cues.matcher("schedules", "other_drugs").any(text, late.start(), late.start("a"))


# The commonest frequency after an event, "fatigue (21.1%)": one percent in brackets. Group 1 is
# the percent's number, group 2 the closing "\s*)" where one follows, else empty (the bracket
# closed: see _closed_share_exact). Up to group 2 the reading is the only one (no shorter number,
# bracket or space lets "%" match), so the bracket changes nothing before it; where it matches,
# _after_pattern matches the same way up to group 2 (see _plain_share_exact), so the long pattern
# is not tried.
_SHARE = re.compile(r"\s*\(\s*(\d+(?:[.·]\d+)?)\s*%(\s*\)|)")
# What every reader of a frequency after an event but the arm series consumes there: a digit or
# a count word of _COUNT (case-blind, as the readers match).
_COUNTED = re.compile(rf"\d|{_COUNT_WORDS}", re.I)


@vocab.cached
def _closed_share_exact() -> bool:
    """True when no series reader can read a value list where _SHARE matches closed: the grade
    pair needs ";" after its first value, the slash pair digits then "/" (after words), the
    labeled series "(" after its "%", and an arm series a versus word, or an arm named after a
    preposition, where ")" stands. Holds when every cue word those readers try there (cues.yaml
    toxicity: versus, slash_verbs, past_copulas, series_verbs, series_prepositions,
    arm_prepositions) opens with a letter, which no digit, space, "(", ")", "%", "." or "·"
    matches, case-blind or not."""
    keys = (
        "versus",
        "slash_verbs",
        "past_copulas",
        "series_verbs",
        "series_prepositions",
        "arm_prepositions",
    )
    return all(word[:1].isalpha() for key in keys for word in cues.words("cues", "toxicity", key))


@vocab.cached
def _plain_share_exact() -> bool:
    """True when a _SHARE match up to its group 2 is _after_pattern's match too, with the same value and end
    and every other group empty: the bracket's note is refused ("(" then a percent), and no
    bracket verb, approximation or counted noun (cues.yaml toxicity) can start at a digit, a
    space, ".", "·" or "%", so the count reading fails and the percent is read ("21.1" then "%")."""
    words = (
        cues.words("cues", "toxicity", "bracket_verbs")
        | cues.words("cues", "toxicity", "approximations")
        | cues.words("cues", "toxicity", "counted_people")
    )
    return all(
        word[:1] and not word[:1].isdigit() and not word[:1].isspace() and word[:1] not in ".·%"
        for word in words
    )


def _share_frequency(text: str, hit: Any, share: re.Match[str]) -> _Frequency | None:
    """'fatigue (21.1%)': the percent of a _SHARE match after the hit, as _frequency_of would read
    it from _after_pattern's match there (no count, note or grade); None for a bound. The text
    before the number ends with "(" and spaces, so _bounded can hold only for a bound word that
    ends with "(" (see _bound_ends_bracket); it is not asked otherwise."""
    if _bound_ends_bracket() and _bounded(text, share.start(1)):
        return None
    return _Frequency(float(share.group(1).replace("·", ".")), None, hit.start, share.start(2), False)


@vocab.cached
def _bound_ends_bracket() -> bool:
    """Whether a bound word (cues.yaml `toxicity.bounds`) is empty or ends with "(": only then
    can _bounded hold for a number whose text before it, lowercased and stripped of trailing
    spaces, ends with "(" (or is empty: a bracket more than 16 spaces back)."""
    return any(not word or word.endswith("(") for word in _bound_words())


def _frequency_of(
    text: str,
    info: SentenceInfo,
    hits: list,
    index: int,
    limit: int,
    numbered: bool,
) -> _Frequency | None:
    """The one value stated for hits[index] where no _SHARE match is read after it (see
    _share_frequency); `numbered`: False when the window to `limit` holds no digit and no count
    word (_COUNTED), so neither _after_pattern nor _ELIDED can match."""
    hit = hits[index]
    after = _after_pattern().match(text, hit.end, limit) if numbered else None
    if after:
        value_at = after.start("value") if after.group("value") else after.start("count")
        if value_at >= 0 and _bounded(text, value_at):
            return None
        count_value = _number(after.group("count"))
        value = after.group("value") or after.group("value2")
        note = after.group("grade_in") or after.group("note") or ""
        grade = _grade_pattern().search("grade " + note if after.group("grade_in") else note)
        percent = float(value.replace("·", ".")) if value else None
        total = int(after.group("total")) if after.group("total") else None
        derivation = None
        if total is not None and count_value is not None:
            if not total > 0 or count_value > total:
                return None  # a count over its own n is not a frequency
            if percent is None:
                percent, derivation = round(100 * count_value / total, 1), f"{count_value:g}/{total}"
        return _Frequency(
            percent,
            count_value,
            hit.start,
            after.end(),
            bool(after.group("approx")),
            _grade_text(grade) if grade else None,
            derivation=derivation,
        )
    elided = _ELIDED.match(text, hit.end, limit) if numbered else None
    if elided and _nouned_pattern().search(text, info.start, hit.start):
        # "skin rash (five patients) and oedema (six)": the noun is the sibling's.
        return _Frequency(None, _number(elided.group("count")), hit.start, elided.end(), False)
    previous_end = hits[index - 1].end if index else info.start
    before = _before_pattern().search(text[previous_end : hit.start])
    if before and not _bounded(text, previous_end + before.start()):
        start = previous_end + before.start()
        return _Frequency(float(before.group("value").replace("·", ".")), None, start, hit.end, False)
    return None


def _arm_series(text: str, hit: Any, limit: int) -> list[_Frequency]:
    """'(12 [29%] of 41 patients in the imatinib group vs three [8%] of 40 in the placebo group)',
    'anaemia 29% vs 8%', ': 2% (A), 12% (B)': one value per arm, in the order written."""
    if not _may_compare(text, hit.end, limit):
        return []
    opened = _series_open_pattern().match(text, hit.end, limit)
    if opened is None:
        return []
    labeled = _labeled_series(text, hit, opened.end(), limit)
    if labeled:
        return labeled
    parts: list[re.Match[str]] = []
    position = opened.end()
    joined_by_and = False
    while True:
        part = _arm_part_pattern().match(text, position, limit)
        if (
            part is None
            or part.end() == position
            or not (part.group("pct") or part.group("bare") or part.group("count"))
        ):
            return []
        if _number(part.group("count")) is None and not (part.group("pct") or part.group("bare")):
            return []
        parts.append(part)
        separator = _versus_pattern().match(text, part.end(), limit)
        if separator is None and part.group("arm"):
            # "30% of patients in the imatinib group and 18% in the placebo group": named arms only.
            separator = _named_arm_separator_pattern().match(text, part.end(), limit)
            joined_by_and = True
        if separator is None:
            break
        position = separator.end()
    if len(parts) < 2 or _bounded(text, parts[0].start()):
        return []
    if joined_by_and and not all(part.group("arm") for part in parts):
        return []
    if opened.group("paren") and not re.match(r"\s*[)\];]", text[parts[-1].end() : limit]):
        return []
    frequencies = []
    for place, part in enumerate(parts, start=1):
        count = _number(part.group("count"))
        stated = part.group("pct") or part.group("bare")
        percent = float(stated.replace("·", ".")) if stated else None
        total = int(part.group("total")) if part.group("total") else None
        derivation = None
        if total is not None and count is not None and count > total:
            return []
        if percent is None and count == 0:
            percent, derivation = 0.0, "none"
        elif percent is None and count is not None and total:
            percent, derivation = round(100 * count / total, 1), f"{count:g}/{total}"
        arm = " ".join(part.group("arm").split()) if part.group("arm") else str(place)
        frequencies.append(
            _Frequency(percent, count, hit.start, part.end(), False, arm=arm, derivation=derivation)
        )
    return frequencies


@vocab.cached
def _comparison_words() -> re.Pattern[str] | None:
    """The first word of each versus word and arm noun (cues.yaml `toxicity.versus`,
    `toxicity.arm_nouns`), lowercase, as one plain alternation; None when one is not ASCII."""
    return cues.first_words_gate(
        cues.words("cues", "toxicity", "versus") | cues.words("cues", "toxicity", "arm_nouns")
    )


def _may_compare(text: str, start: int, limit: int) -> bool:
    """False when text[start:limit] cannot hold a series of two values: '2% (A), 12% (B)' has two
    "%"; any other series joins its values with a versus word ('29% vs 8%') or names arms
    ('... in the imatinib group and 3 in the placebo group'). On ASCII text only (re.I folds
    "ſ" and the Kelvin sign into "s" and "k"; lowercasing does not)."""
    window = text[start:limit]
    if window.count("%") >= 2:
        return True
    words = _comparison_words()
    return words is None or not window.isascii() or words.search(window.lower()) is not None


def _carry_arm_names(frequencies: list[list[_Frequency]]) -> None:
    """'anaemia (12 of 41 in the imatinib group vs 3 of 40 in the placebo group), fatigue (4 vs
    none)': a later comparison in the sentence, with as many values, is between the same arms."""
    named: list[str] | None = None
    for found in frequencies:
        if len(found) < 2:
            continue
        arms = [frequency.arm or "" for frequency in found]
        if not any(arm.isdigit() for arm in arms):
            named = arms
        elif named and len(named) == len(found) and all(arm.isdigit() for arm in arms):
            for frequency, arm in zip(found, named, strict=True):
                frequency.arm = arm


def _labeled_series(text: str, hit: Any, position: int, limit: int) -> list[_Frequency]:
    frequencies: list[_Frequency] = []
    while True:
        part = _LABELED.match(text, position, limit)
        if part is None:
            break
        frequencies.append(
            _Frequency(
                float(part.group("pct").replace("·", ".")),
                None,
                hit.start,
                part.end(),
                False,
                arm=part.group("arm"),
            )
        )
        separator = _labeled_separator_pattern().match(text, part.end(), limit)
        if separator is None:
            break
        position = separator.end()
    return frequencies if len(frequencies) >= 2 else []


def _grade_series(text: str, info: SentenceInfo, hit: Any, limit: int) -> list[_Frequency]:
    """'(grades 1/2; grade 3): edema (48%; 4%)': the pair follows the header's grades in order."""
    pair = _GRADE_PAIR.match(text, hit.end, limit)
    if pair is None:
        return []
    headers = [h for h in _grade_header_pattern().finditer(text, info.start, hit.start)]
    if not headers:
        return []
    header = headers[-1]
    return [
        _Frequency(
            float(pair.group(g).replace("·", ".")),
            None,
            hit.start,
            pair.end(),
            False,
            grade=_label_grade(header.group(g)),
            grade_given=True,
        )
        for g in ("a", "b")
    ]


def _label_grade(label: str) -> str | None:
    """'grades 1/2' -> '1/2', 'grade 3–4' -> '3/4', 'all grades' -> None (no grade restriction)."""
    match = _grade_pattern().search(label)
    return _grade_text(match) if match else None


def _table_events(
    text: str, info: SentenceInfo, hits: list, matcher: vocab.Matcher
) -> tuple[list[AdverseEvent], list[tuple[int, int]]]:
    """A table saved as text ('N (%)', columns 'All grades Grade 3–4', rows 'Fatigue 29 (50) 1 (2)'):
    each row that starts with an adverse event gives one value per column, the column's grade."""
    if _TABLE_MARK_PART.search(text, info.start, info.end) is None:
        return [], []  # no "(%)": no table mark
    mark = _TABLE_MARK.search(text, info.start, info.end)
    if mark is None:
        return [], []
    columns = _table_columns_pattern().search(text, mark.end(), min(info.end, mark.end() + 80))
    if columns is None:
        return [], []
    grades = [_label_grade(label.group(0)) for label in re.finditer(_grade_label(), columns.group(0), re.I)]
    events: list[AdverseEvent] = []
    covered: list[tuple[int, int]] = []
    position = columns.end()
    while True:
        row = _ROW_NAME.match(text, position, info.end)
        if row is None:
            break
        pairs = []
        position = row.end()
        while (pair := _ROW_PAIR.match(text, position, info.end)) is not None:
            pairs.append(pair)
            position = pair.end()
        start, end = row.start("name"), row.end("name")
        name = " ".join(row.group("name").split())
        first = next((hit for hit in hits if start <= hit.start < end), None)
        if first is None or first.start != start or len(name.split()) > 5 or len(pairs) > len(grades):
            continue
        covered.append((start, position))
        for grade, pair in zip(grades, pairs, strict=False):
            percent = float(pair.group("pct").replace("·", "."))
            evidence = info.cite(start, pair.end())  # one for the row's values (frozen records)
            events.append(
                AdverseEvent(
                    term=first.key,
                    as_written=name,
                    soc=first.entry.get("soc"),
                    percent=Quantity(percent, evidence),
                    count=Quantity(float(pair.group("count")), evidence),
                    grade=grade,
                    evidence=evidence,
                )
            )
    return events, covered


@vocab.cached
def _aggregate_pattern() -> re.Pattern[str]:
    """'grade 3/4 adverse events', 'moderate to severe or life-threatening toxic reactions',
    'grades III and IV cytopenias' (the heads and modifiers come from cues.yaml)."""

    def alternation(key: str) -> str:
        # Shared prefixes, the longer word first where one goes on (regexes.prefix_alternation): the
        # matches of a list sorted longest first, at about half the cost per word start.
        return prefix_alternation(sorted(cues.words("cues", "toxicity", key))).replace(r"\ ", r"\s+")

    # One way to read each space: "\\s*(?:>)?\\s*" could split a space two ways, and the modifiers'
    # repetition made "grade 3/4 grade 3/4 ..." cost 2^n (25 of them took two minutes).
    grade = (
        r"grades?\s*(?:(?:≥|>=|>)\s*)?(?:[1-5]|iv|v|i{1,3})(?:\s*(?:/|-|–|or|and|to)\s*(?:[1-5]|iv|v|i{1,3}))?\b"
        rf"(?:\s+or\s+{_words('or_worse')})?"
    )
    modifier = rf"(?:{grade}|(?:{alternation('aggregate_modifiers')})\b)"
    # At most 12 modifiers ("moderate to severe or life-threatening" is 3): each place a match may
    # start then costs a bounded walk, not one to the end of a long run that names no event.
    modifiers = rf"{modifier}(?:(?:\s*/\s*|\s*,\s*|\s+(?:to|or|and|and/or)\s+|\s+){modifier}){{0,11}}"
    return re.compile(
        rf"(?<![\w-])(?:(?P<mods>{modifiers})\s+)?(?P<head>{alternation('aggregate_heads')})(?![\w-])", re.I
    )


@vocab.cached
def _aggregate_head_starts() -> tuple[str, ...] | None:
    """The first word of each aggregate head, lowercase, without one that holds another
    ("toxicities" holds "toxic"): ('adverse', 'cytopenias', 'side', 'toxic'). Every match of
    _aggregate_pattern holds one of them as written, so a sentence whose _folded form holds none
    names no aggregate; a substring test each (a C scan) costs less than one search for them all,
    which stopped at every "a", "c", "s" and "t". None when a head is not ASCII (then the
    pattern is always run)."""
    heads = cues.words("cues", "toxicity", "aggregate_heads")
    if not all(head.isascii() for head in heads):
        return None
    return cues.substring_gate(head.lower().split()[0] for head in heads)


def _folded(info: SentenceInfo) -> str:
    """The lowercase sentence (vocab.lowercase: the Kelvin sign already "k") with "ſ", "ı" and
    "İ" read as "s", "i", "i": where case-blind matching finds an ASCII word, this holds it, as
    no other character matches an ASCII letter case-blind (tests/test_speed_tox.py checks every
    code point). The lowercase sentence itself when it is ASCII."""
    lower = info.lower
    if lower.isascii():
        return lower
    return lower.translate(_TO_ASCII_CASE)


# Each character case-blind matching reads as an ASCII letter, to that letter (regexes.OTHER_CASES).
_TO_ASCII_CASE = str.maketrans({other: letter for letter, others in OTHER_CASES.items() for other in others})


@vocab.cached
def _aggregate_openings() -> re.Pattern[str] | None:
    """Where an _aggregate_pattern match may start in a lowercase ASCII sentence: a grade
    ("grade"), the first word of a modifier ('serious', 'at') or of a head ('adverse', 'side',
    'toxicities'), with no letter, digit, "_" or "-" before it. None when one of them is not
    ASCII (case-blind matching then reads more than lowercasing does)."""
    words = cues.words("cues", "toxicity", "aggregate_modifiers") | cues.words(
        "cues", "toxicity", "aggregate_heads"
    )
    if not all(word.isascii() and word[:1].isalpha() for word in words):
        return None
    # Each option consumes its first letter, then checks behind it: the engine skips to a possible
    # first letter in C. "grade" in "no grade 3", not in "low-grade".
    return re.compile(word_start_alternation({"grade"} | {word.split()[0] for word in words}, r"[\w-]"))


def _aggregates(text: str, info: SentenceInfo, hits: list) -> list[_Aggregate]:
    """Groups of events named as one, where they are not the reason for another count."""
    starts = _aggregate_head_starts()
    if starts is not None and not cues.holds_any(_folded(info), starts):
        # No head word: the case-blind pattern cannot match, so it is not run (most sentences
        # name no aggregate).
        return []
    found = []
    causes = cues.words("cues", "toxicity", "causes")
    for match in _found_from(_aggregate_pattern(), _aggregate_openings(), text, info):
        start, end = match.span()
        overlapped = False
        for hit in hits:  # (a loop: no generator a match)
            if hit.start < end and start < hit.end:
                overlapped = True
                break
        if overlapped:
            continue
        before = text[max(info.start, start - 14) : start].lower().split()
        if before and (before[-1] in causes or " ".join(before[-2:]) in causes):
            continue
        grade = None
        if match.group("mods"):
            grade = _aggregate_grade_memo()(match.group("mods"))
        found.append(_Aggregate(start, end, grade))
    return found


@vocab.cached
def _aggregate_grade_pattern() -> re.Pattern[str]:
    """The grade in an aggregate's modifiers: 'grades III and IV', 'grade 3 or worse'."""
    return re.compile(
        r"grades?\s*(?:(?P<cmp>≥|>=|>)\s*)?(?P<a>[1-5]|iv|v|i{1,3})\b(?:\s*(?:/|-|–|or|and|to)\s*(?P<b>[1-5]|iv|v|i{1,3})\b)?"
        rf"(?P<worse>\s+or\s+{_words('or_worse')})?",
        re.I,
    )


# At most this many values a bounded memo of grades keeps (functools.lru_cache): a run sees a few
# distinct grades; the bound only keeps an odd corpus from growing one without end.
_GRADE_MEMO_SIZE = 256


@vocab.cached
def _aggregate_grade_memo() -> Callable[[str], str | None]:
    """_aggregate_grade_of kept per modifiers as written ('grades III and IV' -> '3/4'): most
    aggregates of a corpus are written alike ("grade 3 or 4"). At most _GRADE_MEMO_SIZE kept; a new memo
    whenever the vocabularies change (the pattern's "or worse" words are cues.yaml's)."""
    return functools.lru_cache(maxsize=_GRADE_MEMO_SIZE)(_aggregate_grade_of)


def _aggregate_grade_of(modifiers: str) -> str | None:
    """'grades III and IV' -> '3/4', 'grade 3 or worse' -> '≥3', 'grade 4' -> '4', read from an
    aggregate's modifiers."""
    match = _aggregate_grade_pattern().search(modifiers)
    if match is None:
        return None
    first = _ROMAN.get(match.group("a").lower(), match.group("a"))
    if match.group("worse") or match.group("cmp"):
        return "≥" + first
    second = match.group("b")
    return f"{first}/{_ROMAN.get(second.lower(), second)}" if second else first


def _subject_frequency(
    text: str, info: SentenceInfo, hit: Any, limit: int, numbered: bool = True
) -> _Frequency | None:
    """The patients as the subject: 'Five (11%) patients had grade 3-4 toxicities', '37% experienced
    grade 3 nonhematologic toxicity', 'one patient suffered a fatal pulmonary embolus', 'toxic
    reactions from imatinib were registered in 30/75 patients'."""
    name_start = _extend_modifiers(text, hit.start, info.start)
    floor = max(info.start, name_start - 80)
    before = (
        _subject_pattern().search(text, floor, name_start)
        if _may_name_subject(text, floor, name_start)
        else None
    )
    if before and before.end() == name_start and before.group("elided"):
        # "Two with a fatal MI": the patients left unsaid, only as the sentence's subject.
        count = _number(before.group("elided"))
        if count is None or text[info.start : before.start()].strip():
            return None
        return _Frequency(None, count, before.start(), hit.end, False)
    if before and before.end() == name_start:
        count = _number(before.group("count"))
        stated = before.group("pct1") or before.group("pct2")
        percent = float(stated.replace("·", ".")) if stated else _number(before.group("pctw"))
        if (count is not None or before.group("count") is None) and (
            percent is not None or count is not None
        ):
            if percent is not None and _bounded(text, before.start()):
                return None
            return _Frequency(percent, count, before.start(), hit.end, False)
    # `numbered` False: no digit after the hit, which every _aggregate_after_pattern match holds.
    after = _aggregate_after_pattern().match(text, hit.end, limit) if numbered else None
    if after is None:
        return None
    if after.group("pct"):
        if _bounded(text, after.start("pct")):
            return None
        return _Frequency(float(after.group("pct").replace("·", ".")), None, hit.start, after.end(), False)
    count, total = int(after.group("count")), int(after.group("total"))
    if total <= 0 or count > total:
        return None
    return _Frequency(
        round(100 * count / total, 1),
        float(count),
        hit.start,
        after.end(),
        False,
        derivation=f"{count}/{total}",
    )


@vocab.cached
def _subject_words() -> re.Pattern[str] | None:
    """The first word of each subject verb (cues.yaml `toxicity.subject_verbs`) and "with",
    lowercase, as one plain alternation; None when a verb is not ASCII."""
    return cues.first_words_gate(cues.words("cues", "toxicity", "subject_verbs") | {"with"})


def _may_name_subject(text: str, start: int, end: int) -> bool:
    """False when text[start:end] holds neither a subject verb ('had', 'experienced') nor "with":
    every _subject_pattern match holds one. On ASCII text only (re.I folds "ſ" into "s")."""
    words = _subject_words()
    if words is None:
        return True
    window = text[start:end]
    return not window.isascii() or words.search(window.lower()) is not None


def _extend_modifiers(text: str, start: int, floor: int) -> int:
    """'transient hepatotoxicity', 'hemorrhagic pleural effusions': a qualifier right before an
    event belongs to its name as written (the last word of the 30 characters before it,
    populations.last_word: string methods, no search from every character)."""
    found = last_word(text[max(floor, start - 30) : start])
    if found is not None and found[0].lower() in cues.words("cues", "toxicity", "event_modifiers"):
        return start - found[1]
    return start


def _respectively(text: str, info: SentenceInfo, hits: list, frequencies: list) -> None:
    """'neutropenia and thrombocytopenia occurred in 35% and 20% ..., respectively': the last
    k events named take the k percents listed after them, in order."""
    if len(hits) < 2 or "respectively" not in info.lower:
        return
    run = _PERCENT_LIST.search(text, hits[-1].end, info.end)
    if run is None or _bounded(text, run.start()):
        return
    values = list(_PERCENT_RUN.finditer(text, run.start(), run.end()))
    if len(values) < 2 or len(values) > len(hits):
        return
    first = len(hits) - len(values)
    for index, match in zip(range(first, len(hits)), values, strict=True):
        frequencies[index] = [
            _Frequency(
                float(match.group("value").replace("·", ".")), None, hits[index].start, match.end(), False
            )
        ]


_GRADE_JOINER = re.compile(r"\s*(?:or|and|to|-|–)\s*")


_COMPARATORS = {">=": "≥", "≥": "≥", ">": ">"}


def _grade_text(match: re.Match[str]) -> str:
    """'grade 3 or 4' -> '3/4', 'grade ≥ 3' -> '≥3', 'grade 3 or worse' -> '≥3': written from the
    match's three groups (_grade_text_of, kept per groups)."""
    return _grade_text_of(*match.group("grade", "cmp", "worse"))


@functools.lru_cache(maxsize=_GRADE_MEMO_SIZE)
def _grade_text_of(grade: str, comparator: str | None, worse: str | None) -> str:
    """_grade_text from the groups: the grade's joiners as "/", the comparator first. Kept per
    groups (a list sentence asks once per event, each time of the same "grade 3 or 4"; a run sees
    a few distinct ones), at most _GRADE_MEMO_SIZE; no vocabulary is read, so nothing renews it."""
    if len(grade) > 1:  # one digit has no joiner to replace
        grade = _GRADE_JOINER.sub("/", grade)
    written = _COMPARATORS.get(comparator or "", "")
    if worse and not written:
        written = "≥"  # "grade 3 or worse"
    return written + grade


def _grade(text: str, info: SentenceInfo, start: int) -> str | None:
    """The nearest grade written before the event within its clause ('grade 3/4 toxicities included')."""
    offset = info.start
    clause_start = max(offset, text.rfind(";", offset, start) + 1)
    if _grade_words_once():
        # Every match opens with "grade" (whose letters no other character folds to, so the
        # lowercase sentence shows each) and holds no other: the last match is the one at the
        # last "grade" where the pattern matches, tried from the end; no scan of the clause.
        lower = info.lower
        at = lower.rfind("grade", clause_start - offset, start - offset)
        while at >= 0:
            match = _grade_pattern().match(text, at + offset, start)
            if match is not None:
                return _grade_text(match)
            at = lower.rfind("grade", clause_start - offset, at)  # "grade" never overlaps itself
        return None
    matches = list(_grade_pattern().finditer(text, clause_start, start))
    if not matches:
        return None
    return _grade_text(matches[-1])


@vocab.cached
def _grade_words_once() -> bool:
    """True when no "or worse" word (cues.yaml `toxicity.or_worse`) holds "grade": then a match of
    _grade_pattern holds it once, at its start."""
    return not any("grade" in word for word in cues.words("cues", "toxicity", "or_worse"))


def _unknown_terms(text: str, info: SentenceInfo, hits: list) -> list[AdverseEvent]:
    """List items the vocabulary does not know ('migraine (20%)'), kept without a term when their
    words can name an event: no number word, no group noun ('and six (32%)' is a count of
    patients, not an event), no treatment ('surgery (50%)'), at most four words. A count of
    patients ('memory complaints (4 patients)') only with a word that says the item is an event
    (cues.yaml event_words): 'prior therapies included surgery (20 patients)' is no event."""
    if not _unclaimed_bracket(text, info, hits):
        return []  # every list item's bracket is right after a hit: all covered, no pass
    known = [(hit.start, hit.end) for hit in hits]
    events = []
    event_words = cues.words("cues", "toxicity", "event_words")
    for match in _list_item_pattern().finditer(text, info.start, info.end):
        end, name_end = match.end(), match.end("name")
        covered = False
        for s, e in known:  # a loop, not any() over a generator: one per list item
            if s < end and e >= name_end:
                covered = True
                break
        if covered:
            # A hit that reaches the name's end overlaps the item wherever the linking word below
            # puts the name's start (at most name_end - 1: a linking word ends with whitespace and
            # a name of more than three characters with a letter or "-"; at name_end, the name is
            # empty and skipped anyway): the usual known list item, read without that search.
            continue
        start = match.start("name")
        # "the most common were dermatitis (3%)": the name is the words after the last linking word.
        linked = list(_linking_pattern().finditer(text, start, name_end))
        if linked:
            start = linked[-1].end()
        if any(s < end and start < e for s, e in known):
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
        evidence = info.cite(start, end)  # one for the event and its value (frozen records)
        percent = None
        if match.group("value"):
            percent = Quantity(float(match.group("value").replace("·", ".")), evidence)
        count = None
        if match.group("count"):
            count = Quantity(float(match.group("count")), evidence)
        events.append(
            AdverseEvent(
                term=None,
                as_written=name,
                soc=None,
                percent=percent,
                count=count,
                grade=_grade(text, info, start),
                evidence=evidence,
            )
        )
    return events


def _unclaimed_bracket(text: str, info: SentenceInfo, hits: list) -> bool:
    r"""Whether the sentence has a bracket that opens with a number ("(12%", "(4 patients") with no
    hit ending right before it (across whitespace). Every list item holds such a bracket, its
    name ending right before it (across the "\s*" between, which str.isspace reads alike), so an
    item whose bracket follows a hit's end is one _unknown_terms skips as covered ("fatigue
    (21.1%)": the hit reaches the name's end and starts before the item's): where every bracket
    does, the list item pattern (a search from every ",", ";" and word) is not run."""
    ends = None
    floor = info.start
    for bracket in _OPENS_NUMBER.finditer(text, floor, info.end):
        at = bracket.start()
        while at > floor and text[at - 1].isspace():
            at -= 1
        if ends is None:
            ends = {hit.end for hit in hits}
        if at not in ends:
            return True
    return False


def _extend_left(text: str, start: int, end: int, floor: int, matcher: vocab.Matcher) -> int:
    """'Gastrointestinal or intraabdominal hemorrhage': include a coordinated modifier in the name
    when modifier + head noun is itself an adverse event."""
    before = text[max(floor, start - 40) : start]
    stripped = before.rstrip()
    if len(stripped) == len(before) or not stripped.endswith("or"):
        return start  # every match ends "or" and whitespace ("\s" and str.isspace agree)
    match = _COORDINATION.search(before)
    if not match:
        return start
    head = text[start:end].split()[-1]
    candidate = f"{match.group(1)} {head}"
    return start - len(match.group(0)) if matcher.any(candidate) else start


def _uncoded(found: list[vocab.TermHit], hits: list) -> list[_Uncoded]:
    """Events the CTCAE vocabulary has no certain term for (`found`: the sentence's hits of
    cues.yaml uncoded_events), where no vocabulary event already covers their words."""
    return [
        _Uncoded(match.start, match.end)
        for match in found
        if not any(hit.start < match.end and match.start < hit.end for hit in hits)
    ]


def _combined(text: str, hits: list) -> list:
    """'oedema with weight gain (six)': two events joined by 'with' are one event, named as written
    (no single CTCAE term fits the pair). Kept for two known terms too ('nausea with vomiting
    (20%)'): the 20% are patients who had both together, which is neither nausea's rate nor
    vomiting's, so giving each term the 20% would state a rate the text does not."""
    result: list = []
    for hit in hits:
        previous = result[-1] if result else None
        if previous is not None and _combining_pattern().fullmatch(text[previous.end : hit.start]):
            result[-1] = _Uncoded(previous.start, hit.end)
        else:
            result.append(hit)
    return result


def _legend(context: Context, info: SentenceInfo) -> tuple[str, str] | None:
    """'PFS-9 (A/B) was 0/75%': the order in which this document writes its two arms' values
    with a slash, when both labels name arms ('Arm A', 'group B'). The last legend before the
    sentence ends counts. The legends are found once per document (_Legends)."""
    return _legends_of(context.text).before(info.end)


class _Legends:
    """Every legend of a document and, for each, the last one up to it whose labels name arms;
    and the group sizes ('n = 20') with where they end. One pass each over the text, so a sentence
    asks in O(log n) what it used to scan the text before it for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nouns = cues.words("cues", "toxicity", "arm_nouns")  # a new object when the vocabularies change
        self.ends: list[int] = []
        self.valid: list[tuple[str, str] | None] = []
        self._arm_words: dict[str, list[int]] | None = None
        self._names_arm: dict[str, bool] = {}
        last: tuple[str, str] | None = None
        for legend in _LEGEND.finditer(text):
            labels = (legend.group("a"), legend.group("b"))
            if labels[0] != labels[1] and all(self.names_arm(label) for label in labels):
                last = labels
            self.ends.append(legend.end())
            self.valid.append(last)
        self._size_ends: list[int] | None = None

    def before(self, end: int) -> tuple[str, str] | None:
        at = bisect_right(self.ends, end)
        return self.valid[at - 1] if at else None

    def names_arm(self, label: str) -> bool:
        """'Arm A', 'group B' somewhere in the text (any case): the words after each arm noun are
        indexed once by their lowercased first 1 to 13 characters, and a candidate is confirmed
        with the one regex at its position."""
        known = self._names_arm.get(label)
        if known is not None:
            return known
        if self._arm_words is None:
            self._arm_words = {}
            for noun in re.finditer(rf"\b{_words('arm_nouns')}\s+", self.text, re.I):
                following = self.text[noun.end() : noun.end() + 13].lower()
                for size in range(1, len(following) + 1):
                    self._arm_words.setdefault(following[:size], []).append(noun.start())
        pattern = re.compile(rf"\b{_words('arm_nouns')}\s+{re.escape(label)}\b", re.I)
        found = any(pattern.match(self.text, at) for at in self._arm_words.get(label.lower(), ()))
        self._names_arm[label] = found
        return found

    def small_per_arm(self, before: int, first: int, second: int) -> bool:
        """_small_per_arm over the group sizes ('n = 20') stated before `before`: the sizes are found
        once, with where each ends, the running smallest and where each value is first stated."""
        if self._size_ends is None:
            self._size_ends, self._size_min, self._size_first = [], [], {}
            smallest: int | None = None
            for match in _GROUP_SIZE.finditer(self.text):
                size = int(match.group(1))
                smallest = size if smallest is None else min(smallest, size)
                self._size_ends.append(match.end())
                self._size_min.append(smallest)
                self._size_first.setdefault(size, match.end())
        at = bisect_right(self._size_ends, before)
        sizes = [self._size_min[at - 1]] if at else []
        stated = self._size_first.get(second, before + 1) <= before
        # A size the whole text's scan reads longer ("n = 123") but `before` cuts ("n = 12").
        edge = _GROUP_SIZE.search(self.text, max(0, before - 40), before)
        while edge is not None:
            if edge.end() == before and (at == 0 or self._size_ends[at - 1] != before):
                sizes.append(int(edge.group(1)))
                stated = stated or int(edge.group(1)) == second
            edge = _GROUP_SIZE.search(self.text, edge.end(), before) if edge.end() < before else None
        if not sizes:
            return False
        return max(first, second) * 2 <= min(sizes) and not stated


def _legends_of(text: str) -> _Legends:
    """The _Legends of this text: the one _legend made for the document being read."""
    current = _CURRENT_LEGENDS[0]
    if (
        current is None
        or current.text is not text
        or current.nouns is not cues.words("cues", "toxicity", "arm_nouns")
    ):
        current = _CURRENT_LEGENDS[0] = _Legends(text)
    return current


_CURRENT_LEGENDS: list[_Legends | None] = [None]


def _slash_series(context: Context, info: SentenceInfo, hit: Any, limit: int) -> list[_Frequency]:
    """'G3 neutropenia in 1/0' after a legend '(A/B)': a count per arm, in the legend's order. A
    zero count is 0% whatever the arm's size; other percents wait for the arm's N (resolve).
    The legend is asked only after a pair: finding a document's legends is a pass over its whole
    text (~0.4 % of extracting an HTML article), and few documents write a pair."""
    text = context.text
    pair = _slash_pair_pattern().match(text, hit.end, limit)
    if pair is None:
        return []
    legend = _legend(context, info)
    if legend is None or not _small_per_arm(text, hit.start, int(pair.group("a")), int(pair.group("b"))):
        return []
    frequencies = []
    for arm, group in zip(legend, ("a", "b"), strict=True):
        count = float(pair.group(group))
        percent, derivation = (0.0, "none") if count == 0 else (None, None)
        frequencies.append(
            _Frequency(percent, count, hit.start, pair.end(), False, arm=arm, derivation=derivation)
        )
    return frequencies


def _small_per_arm(text: str, before: int, first: int, second: int) -> bool:
    """'neutropenia in 1/0' is one count per arm; 'neutropenia in 3/20' is 3 of 20 patients. Read
    per arm only when the document states its group sizes ('(n = 20; Arm A)') before the pair, and
    both numbers are at most half the smallest of them: a count over a denominator has its second
    number near a group's size (or above it)."""
    return _legends_of(text).small_per_arm(before, first, second)


def _shared(text: str, info: SentenceInfo, hits: list, frequencies: list) -> None:
    """'Diarrhoea and migraine were the most frequent, occurring both in 20% of patients': every
    event of the coordination takes the percent ('both' only for two, 'each' / 'all' for any)."""
    for last in range(len(hits) - 1, 0, -1):
        if frequencies[last]:
            continue
        limit = hits[last + 1].start if last + 1 < len(hits) else info.end
        match = _shared_pattern().match(text, hits[last].end, limit)
        if match is None:
            continue
        value = match.group("value") or match.group("value2")
        if _bounded(text, match.start("value") if match.group("value") else match.start("value2")):
            return
        first = last
        while (
            first > 0
            and not frequencies[first - 1]
            and _COORDINATOR.fullmatch(text, hits[first - 1].end, hits[first].start)
        ):
            first -= 1
        size = last - first + 1
        if size < 2 or (match.group("word") or "").lower() == "both" and size != 2:
            return
        for index in range(first, last + 1):
            frequencies[index] = [
                _Frequency(float(value.replace("·", ".")), None, hits[index].start, match.end(), False)
            ]
        return


@vocab.cached
def _one_each_pattern() -> re.Pattern[str]:
    nouns = "|".join(re.escape(word) for word in sorted(cues.words("cues", "toxicity", "event_counts")))
    return re.compile(rf"(?P<count>\d+|{_WORD_NUMBER})\s+(?P<noun>{nouns})\s*:\s*$", re.I)


def _one_each(text: str, info: SentenceInfo, hits: list, frequencies: list) -> None:
    """'Life-threatening complications occurred in two cases: agranulocytosis and tumour
    perforation': as many distinct events named as cases counted, so each occurred once (each
    named event is at least one case). Not for patients: one patient may have had two events."""
    floor = info.start
    if not hits or text.find(":", floor, hits[-1].start) < 0:
        return  # every head ends with a colon before its event (hits are in order): none here
    for first, hit in enumerate(hits):
        window = max(floor, hit.start - 40)
        if text.find(":", window, hit.start) < 0:
            continue  # the head ends with a colon ("in two cases:"): no regex pass without one
        head = _one_each_pattern().search(text, window, hit.start)
        if head is None:
            continue
        count = _number(head.group("count"))
        last = first
        while last + 1 < len(hits) and _COORDINATOR.fullmatch(text, hits[last].end, hits[last + 1].start):
            last += 1
        named = hits[first : last + 1]
        names = {" ".join(text[h.start : h.end].lower().split()) for h in named}
        if (
            count is None
            or count != len(named)
            or len(names) != len(named)
            or any(frequencies[index] for index in range(first, last + 1))
            or not _LIST_END.match(text, hits[last].end, info.end)
        ):
            return
        how = f"{count:g} {head.group('noun').lower()}, {len(named)} events named"
        for index in range(first, last + 1):
            frequencies[index] = [
                _Frequency(None, 1.0, hits[index].start, hits[last].end, False, count_derivation=how)
            ]
        return
