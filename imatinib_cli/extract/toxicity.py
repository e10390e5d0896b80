"""Adverse events: each named event normalized to a CTCAE v5 term, with its frequency when stated.

An event is read from a sentence that talks about toxicity ('side-effects', 'were common',
'grade 3/4') or that gives it a frequency ('hemorrhage occurred in approximately 5 percent').
An event the vocabulary does not know is kept with term None when a toxicity list gives it a
frequency ('dermatitis (3%)'), so nothing stated is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.numbers import words_to_int
from imatinib_cli.models import AdverseEvent, Quantity

_GRADE = re.compile(
    r"\bgrades?\s*(?P<cmp>≥|>=|>|=)?\s*(?P<grade>[1-5](?:\s*(?:/|-|–|or|and|to)\s*[1-5])?)\b", re.I
)
_PERCENT = r"(?P<value>\d+(?:[.·]\d+)?)\s*(?:%|percent\b|per cent\b)"
_COUNT = r"(?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_SECOND_PERCENT = r"(?P<value2>\d+(?:[.·]\d+)?)\s*(?:%|percent\b|per cent\b)"
# After a term: "(92%)", "in approximately 5 percent of patients", ": 12%", "(grade 3/4, 12%)",
# "occurred in one patient (4%)", "in 2 of 6 patients", "(grade 1-2) was reported in 62%",
# "were reported by 38%", "(in 58% of patients)", "(≥ 5 kg) was noted in 11 patients (22%)".
_AFTER = re.compile(
    r"\s*(?:\((?!\s*(?:grades?\s*)?[1-5]?\s*[,;:]?\s*\d+(?:[.·]\d+)?\s*%)\s*(?P<note>[^()]{1,30}?)\s*\)\s*)?"
    r"(?:\(\s*(?:grades?\s*(?P<grade_in>[1-5][^,;)%]*?)\s*[,;:]\s*)?(?:in\s+)?(?:n\s*=\s*\d+\s*[,;]\s*)?"
    r"|[:,]?\s*(?:(?:was|were|is|are)\s+)?(?:(?:reported|observed|seen|noted|occurred|occurring|developed|found|"
    r"documented|recorded|experienced)\s+)?(?:(?:in|by|among)\s+)?)"
    r"(?P<approx>(?:approximately|about|around|nearly|almost|roughly|some|only|~)\s*)?"
    rf"(?:{_COUNT}(?:\s+of\s+(?P<total>\d+))?\s+(?:patients?|participants?|cases?|subjects?)"
    rf"(?:\s*\(\s*{_SECOND_PERCENT}\s*\))?|{_PERCENT})",
    re.I,
)
# "(grade 3/4 in 14%)" right after a frequency: the same event at a higher grade.
_GRADED_SHARE = re.compile(
    r"\s*(?:of\s+(?:the\s+)?patients\s*)?\(\s*grades?\s*(?P<grade>[1-5](?:\s*(?:/|-|–|or|and|to)\s*[1-5])?)\s*"
    r"(?:in\s+)?(?P<value>\d+(?:[.·]\d+)?)\s*%\s*\)",
    re.I,
)
# Before a term: "92% anaemia", "12% of patients had grade 3 neutropenia".
_BEFORE = re.compile(
    rf"{_PERCENT}\s*(?:of\s+(?:the\s+)?(?:patients|participants)\s+"
    r"(?:had|experienced|developed|reported)\s+)?(?:grades?\s*[1-5](?:\s*(?:or|and|/|-|to)\s*[1-5])?\s+)?$",
    re.I,
)
_COORDINATION = re.compile(r"([A-Za-z][A-Za-z\-]*)\s+(?:or|and/or)\s+$")
# An item of a toxicity list whose name the vocabulary may not know: "dermatitis (3%)".
_LIST_ITEM = re.compile(
    r"(?:^|[,;:]|\band\b|\bincluded\b|\bwere\b|\bwas\b)\s*(?:grades?\s*[1-5/\-–]+\s+)?"
    rf"(?P<name>[a-z][a-z\- ]{{2,40}}?)\s*\(\s*{_PERCENT}\s*\)",
    re.I,
)
_PERCENT_RUN = re.compile(rf"{_PERCENT}", re.I)
_PERCENT_LIST = re.compile(
    r"\d+(?:[.·]\d+)?\s*(?:%|percent)(?:\s*(?:,\s*(?:and\s+)?|and|or)\s*\d+(?:[.·]\d+)?\s*(?:%|percent))+",
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


def find_adverse_events(context: Context, info: SentenceInfo) -> list[AdverseEvent]:
    text = context.text
    has_cue = info.has_word(cues.any_word("cues", "toxicity", "cues")) and bool(
        cues.matcher("cues", "toxicity", "cues").find(text, info.start, info.end)
    )
    if not has_cue and not info.numbers:
        return []
    matcher = vocab.adverse_event_matcher()
    hits = matcher.find(text, info.start, info.end)
    frequencies = [_frequency_of(text, info, hits, index) for index in range(len(hits))]
    _respectively(text, info, hits, frequencies)
    events: list[AdverseEvent] = []
    for hit, frequency in zip(hits, frequencies, strict=True):
        if not has_cue and frequency is None:
            continue
        start = _extend_left(text, hit.start, hit.end, info.start, matcher)
        end = frequency.end if frequency else hit.end
        events.append(
            AdverseEvent(
                term=hit.key,
                as_written=" ".join(text[start : hit.end].split()),
                soc=hit.entry.get("soc"),
                percent=_quantity(frequency.percent if frequency else None, info, start, end),
                count=_quantity(frequency.count if frequency else None, info, start, end),
                grade=(frequency.grade if frequency else None) or _grade(text, info, start),
                evidence=info.cite(start, end),
                approximate=bool(frequency and frequency.approximate),
            )
        )
        graded = _GRADED_SHARE.match(text, end, info.end) if frequency else None
        if graded:
            # "Neutropenia occurred in 45% of patients (grade 3/4 in 14%)": the same event, graded.
            events.append(
                AdverseEvent(
                    term=hit.key,
                    as_written=" ".join(text[start : hit.end].split()),
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
    return sorted(events, key=lambda event: event.evidence.start)


def _quantity(value: float | None, info: SentenceInfo, start: int, end: int) -> Quantity | None:
    return Quantity(value, info.cite(start, end)) if value is not None else None


def _frequency_of(text: str, info: SentenceInfo, hits: list, index: int) -> _Frequency | None:
    hit = hits[index]
    limit = hits[index + 1].start if index + 1 < len(hits) else info.end
    after = _AFTER.match(text, hit.end, limit)
    if after:
        count = after.group("count")
        count_value = None
        if count:
            count_value = float(count) if count.isdigit() else words_to_int(count)
        value = after.group("value") or after.group("value2")
        note = after.group("grade_in") or after.group("note") or ""
        grade = _GRADE.search("grade " + note if after.group("grade_in") else note)
        return _Frequency(
            float(value.replace("·", ".")) if value else None,
            float(count_value) if count_value is not None else None,
            hit.start,
            after.end(),
            bool(after.group("approx")),
            _grade_text(grade) if grade else None,
        )
    previous_end = hits[index - 1].end if index else info.start
    before = _BEFORE.search(text[previous_end : hit.start])
    if before:
        start = previous_end + before.start()
        return _Frequency(float(before.group("value").replace("·", ".")), None, start, hit.end, False)
    return None


def _respectively(text: str, info: SentenceInfo, hits: list, frequencies: list) -> None:
    """'neutropenia and thrombocytopenia occurred in 35% and 20% ..., respectively': the last
    k events named take the k percents listed after them, in order."""
    if len(hits) < 2 or "respectively" not in info.lower:
        return
    run = _PERCENT_LIST.search(text, hits[-1].end, info.end)
    if run is None:
        return
    values = list(_PERCENT_RUN.finditer(text, run.start(), run.end()))
    if len(values) < 2 or len(values) > len(hits):
        return
    first = len(hits) - len(values)
    for index, match in zip(range(first, len(hits)), values, strict=True):
        frequencies[index] = _Frequency(
            float(match.group("value").replace("·", ".")), None, hits[index].start, match.end(), False
        )


def _grade_text(match: re.Match[str]) -> str:
    grade = re.sub(r"\s*(?:or|and|to|-|–)\s*", "/", match.group("grade"))
    comparator = {">=": "≥", "≥": "≥", ">": ">"}.get(match.group("cmp") or "", "")
    return comparator + grade


def _grade(text: str, info: SentenceInfo, start: int) -> str | None:
    """The nearest grade written before the event within its clause ('grade 3/4 toxicities included')."""
    clause_start = max(info.start, text.rfind(";", info.start, start) + 1)
    matches = list(_GRADE.finditer(text, clause_start, start))
    if not matches:
        return None
    return _grade_text(matches[-1])


def _unknown_terms(text: str, info: SentenceInfo, hits: list) -> list[AdverseEvent]:
    known = [(hit.start, hit.end) for hit in hits]
    events = []
    for match in _LIST_ITEM.finditer(text, info.start, info.end):
        start = match.start("name")
        if any(s < match.end() and start < e for s, e in known):
            continue
        name = " ".join(match.group("name").split())
        if set(name.lower().split()) & cues.words("cues", "toxicity", "not_events"):
            continue
        events.append(
            AdverseEvent(
                term=None,
                as_written=name,
                soc=None,
                percent=Quantity(
                    float(match.group("value").replace("·", ".")), info.cite(start, match.end())
                ),
                count=None,
                grade=_grade(text, info, start),
                evidence=info.cite(start, match.end()),
            )
        )
    return events


def _extend_left(text: str, start: int, end: int, floor: int, matcher: vocab.Matcher) -> int:
    """'Gastrointestinal or intraabdominal hemorrhage': include a coordinated modifier in the name
    when modifier + head noun is itself an adverse event."""
    match = _COORDINATION.search(text[max(floor, start - 40) : start])
    if not match:
        return start
    head = text[start:end].split()[-1]
    candidate = f"{match.group(1)} {head}"
    return start - len(match.group(0)) if matcher.find(candidate) else start
