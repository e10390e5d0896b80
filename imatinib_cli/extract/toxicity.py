"""Adverse events: each named event normalized to a CTCAE v5 term, with its frequency when stated.

An event is read from a sentence that talks about toxicity ('side-effects', 'were common',
'grade 3/4') or that gives it a frequency ('hemorrhage occurred in approximately 5 percent').
"""

from __future__ import annotations

import re

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.models import AdverseEvent, Quantity

_GRADE = re.compile(r"\bgrades?\s*(?:≥|>=|>|=)?\s*([1-5](?:\s*(?:/|-|–|or|and|to)\s*[1-5])?)\b", re.I)
# After a term: "(92%)", "in approximately 5 percent of patients", ": 12%", "(grade 3/4, 12%)".
_AFTER = re.compile(
    r"\s*(?:\(\s*(?:grades?\s*[1-5][^,;)]*[,;:]\s*)?(?:n\s*=\s*\d+\s*[,;]\s*)?|[:,]?\s*(?:was|were)?\s*"
    r"(?:(?:reported|observed|seen|noted|occurred|developed|found)\s+)?(?:in\s+)?)"
    r"(?P<approx>(?:approximately|about|around|nearly|almost|roughly|some|~)\s*)?"
    r"(?P<value>\d+(?:\.\d+)?)\s*(?:%|\s*percent\b|\s*per cent\b)",
    re.I,
)
# Before a term: "92% anaemia", "12% of patients had grade 3 neutropenia".
_BEFORE = re.compile(
    r"(?P<value>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)\s*(?:of\s+(?:the\s+)?(?:patients|participants)\s+"
    r"(?:had|experienced|developed|reported)\s+)?(?:grades?\s*[^\s]+\s+)?$",
    re.I,
)
_COORDINATION = re.compile(r"([A-Za-z][A-Za-z\-]*)\s+(?:or|and/or)\s+$")


def find_adverse_events(context: Context, info: SentenceInfo) -> list[AdverseEvent]:
    text = context.text
    has_cue = info.has_word(cues.any_word("cues", "toxicity", "cues")) and bool(
        cues.matcher("cues", "toxicity", "cues").find(text, info.start, info.end)
    )
    if not has_cue and not any(number.percent for number in info.numbers):
        return []
    matcher = vocab.adverse_event_matcher()
    hits = matcher.find(text, info.start, info.end)
    if not hits:
        return []
    events: list[AdverseEvent] = []
    for index, hit in enumerate(hits):
        limit = hits[index + 1].start if index + 1 < len(hits) else info.end
        after = _AFTER.match(text, hit.end, limit)
        previous_end = hits[index - 1].end if index else info.start
        before = _BEFORE.search(text[previous_end : hit.start]) if not after else None
        if not has_cue and not after and not before:
            continue
        start = _extend_left(text, hit.start, hit.end, info.start, matcher)
        # The nearest grade written before the event applies to it ("grade 3/4 toxicities included ...").
        grade_match = next(reversed(list(_GRADE.finditer(text, info.start, start))), None)
        grade = re.sub(r"\s*(?:or|and|to|-|–)\s*", "/", grade_match.group(1)) if grade_match else None
        percent = None
        approximate = False
        if after:
            percent = Quantity(float(after.group("value")), info.cite(start, after.end()))
            approximate = bool(after.group("approx"))
        elif before:
            value_start = previous_end + before.start()
            percent = Quantity(float(before.group("value")), info.cite(value_start, hit.end))
        as_written = " ".join(text[start : hit.end].split())
        events.append(
            AdverseEvent(
                term=hit.key,
                as_written=as_written,
                soc=hit.entry.get("soc"),
                percent=percent,
                count=None,
                grade=grade,
                evidence=info.cite(start, after.end() if after else hit.end),
                approximate=approximate,
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
