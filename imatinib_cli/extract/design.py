"""Study design: phase, randomization, arms, blinding, centres, and how many patients were enrolled."""

from __future__ import annotations

import re

from imatinib_cli.extract import cues
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.numbers import Num
from imatinib_cli.models import Design, Evidence, Flag, Quantity
from imatinib_cli.regexes import case_blind_alternation

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
# "\bphase..." written to open with the "p" it consumes, case-sensitive, and check the boundary
# behind it: re skips to the next "p" in C instead of testing the boundary at every character.
_PHASE = re.compile(
    case_blind_alternation(
        [
            (
                "p",
                r"hase\s*(iv|i{1,3}|[1-4])(?:\s*(?:/|-|–|and|or)\s*(iv|i{1,3}|[1-4]))?\b"
                r"(?!\s*(?:trials|studies)\s+(?:of|have|showed))",
            )
        ]
    ),
    re.IGNORECASE,
)


def _word_gate(info: SentenceInfo, words: re.Pattern[str], position: int) -> bool:
    """info.has_word(words) for a sentence whose phrases the index found, the first at `position`
    (an offset into the text): a cue word at a word start ('enrolled' in '42 patients were
    enrolled') most often stands where the first phrase starts, and one anchored match there
    answers True (a match is a match of the search); else the search, tried at every letter."""
    return words.match(info.lower, position - info.start) is not None or info.has_word(words)


def normalize_phase(first: str, second: str | None = None) -> str:
    one = _ROMAN.get(first.lower(), first)
    if second:
        return f"{one}/{_ROMAN.get(second.lower(), second)}"
    return one


def extract_design(context: Context) -> tuple[Design, SentenceInfo | None]:
    """The design, and the sentence that states enrollment (populations are often broken down there)."""
    phase: str | None = None
    phase_evidence: Evidence | None = None
    flags: dict[str, Flag] = {}
    design_cues = cues.matcher("cues", "design")
    text = context.text
    for info in context.sentences:
        # Every match holds "pha" in any case, and re.I reads no other character as "p", "h" or
        # "a": the substring test (C) spares most sentences the search.
        if phase is None and "pha" in info.lower:
            match = _PHASE.search(text, info.start, info.end)
            if match:
                phase = normalize_phase(match.group(1), match.group(2))
                phase_evidence = info.evidence
        # The phrase index first: it answers at once for a sentence whose region holds no design
        # phrase; the word gate (a regex search) then only for a sentence with a hit. The same
        # answer in either order (both are pure tests, and a sentence needs both).
        hits = design_cues.find(text, info.start, info.end)
        if not hits or not _word_gate(info, cues.any_word("cues", "design"), hits[0].start):
            continue
        for hit in hits:
            key = hit.key
            if key == "not_randomized":
                flags.setdefault("randomized", Flag(False, info.evidence))
            else:
                flags.setdefault(key, Flag(True, info.evidence))
    if phase is None and context.document.metadata.phase:
        phase = context.document.metadata.phase
    n_enrolled, enrollment_sentence = find_enrollment(context)
    design = Design(
        phase=phase,
        phase_evidence=phase_evidence,
        randomized=flags.get("randomized"),
        single_arm=flags.get("single_arm"),
        open_label=flags.get("open_label"),
        multicenter=flags.get("multicenter"),
        n_enrolled=n_enrolled,
    )
    return design, enrollment_sentence


_WORDS = re.compile(r"[A-Za-z][A-Za-z\-]*")
_PEOPLE_WORDS = re.compile(r"[A-Za-z][A-Za-z\-+]*")


def people_count(context: Context, info: SentenceInfo, number: Num) -> bool:
    """True when the number counts people: '186 patients', '51 evaluable patients', '5 participants'."""
    if number.percent or not number.is_int or number.value < 1:
        return False
    after = context.text[number.end : min(info.end, number.end + 80)]
    if after[:1] not in ("", " ", "\n"):
        return False  # the cheap tests first; the word lists and the tumor names only after them
    people = cues.words("cues", "people")
    describing = cues.words("cues", "people_adjectives")
    tumors: set[str] | None = None
    # The first six words after the number, read only as far as needed (most often two: "42
    # patients were ..."), not all the window's words found and lowercased first.
    found = _PEOPLE_WORDS.finditer(after)
    for index in range(6):
        word = next(found, None)
        if word is None:
            return False
        lowered = word.group().lower()
        if lowered in people:
            # "the 25 patients evaluable for response" counts a denominator, not the enrolled
            following = next(found, None) if index < 5 else None
            return following is None or following.group().lower() not in cues.words("cues", "evaluable")
        # Only words that describe people may stand between: "51 evaluable patients", "147 GIST patients".
        if lowered in describing:
            continue
        if tumors is None:
            tumors = {m.as_written.lower() for m in info.tumors}
        if not any(lowered in tumor for tumor in tumors):
            return False
    return False


def screened_count(context: Context, info: SentenceInfo, number: Num) -> bool:
    """A number of people screened or genotyped, not treated: 'genotyping in 823 patients identified
    18 ...', '412 patients were screened', 'of 120 screened' (cues.yaml: screening_words)."""
    words = cues.words("cues", "screening_words")
    text = context.text
    start = max(info.start, number.start - 40)
    start = max(start, text.rfind(",", start, number.start) + 1, text.rfind(";", start, number.start) + 1)
    end = min(info.end, number.end + 40)
    end = min(
        [end] + [i for i in (text.find(",", number.end, end), text.find(";", number.end, end)) if i >= 0]
    )
    # loops, not any() over generators: no generator built per number
    for word in _WORDS.findall(text[start : number.start])[-3:]:
        if word.lower() in words:
            return True
    for word in _WORDS.findall(text[number.end : end])[:3]:  # noqa: SIM110
        if word.lower() in words:
            return True
    return False


# "Of 30 patients with GIST, ...", "Among 60 evaluable patients, ...": at the start of a clause only
# ("stable disease was observed in 45 patients" counts responders, not the enrolled).
_OF_PEOPLE = re.compile(r"(?:^|[,;:(]\s*|^[A-Z]+:\s*)(?:of|among|in)\s+(?:the\s+|all\s+)?$", re.I)
# The same without its "^" options, for the last _OF_PEOPLE_WINDOW characters before a number; the
# whole text before it is searched only when those characters could hide an "^" match or a longer
# one (only letters, spaces and colons; a run of _LONG_SPACE spaces): see _opens_with_people.
_OF_PEOPLE_INSIDE = re.compile(r"[,;:(]\s*(?:of|among|in)\s+(?:the\s+|all\s+)?$", re.I)
_OF_PEOPLE_WINDOW = 200
_LONG_SPACE = re.compile(r"\s{60}")
_NOT_LABEL = re.compile(r"[^\w\s:]|[\d_]")


def _opens_with_people(text: str, start: int, end: int) -> bool:
    """_OF_PEOPLE.search(text[start:end]), in time bounded by a window rather than by the sentence:
    a sentence of n numbers asked it n times over its whole length."""
    if end <= start or not text[end - 1].isspace():
        return False  # the pattern ends with a space
    window = max(start, end - _OF_PEOPLE_WINDOW)
    if window == start:
        return _OF_PEOPLE.search(text[start:end]) is not None
    tail = text[window:end]
    if _OF_PEOPLE_INSIDE.search(tail):
        return True
    if _NOT_LABEL.search(tail) is None or _LONG_SPACE.search(tail):
        return _OF_PEOPLE.search(text[start:end]) is not None
    return False


def find_enrollment(context: Context) -> tuple[Quantity | None, SentenceInfo | None]:
    """The first stated number of people treated, and its sentence.

    "N patients ... were enrolled/treated/..." first; failing that, "Of/Among N patients ...".
    """
    verbs = cues.matcher("cues", "enrollment_verbs")
    text = context.text
    for info in context.sentences:
        if not info.numbers or not info.reports_results:
            continue  # two pure tests: the same answer in either order
        hits = verbs.find(text, info.start, info.end)
        if not hits:
            continue  # the phrase index before the word gate: the same answer, cheaper first
        if not _word_gate(info, cues.any_word("cues", "enrollment_verbs"), hits[0].start):
            continue
        fraction_counts: set[int] | None = None  # built for the first number that counts people
        for number in info.numbers:
            # Three pure tests, the cheapest first (people_count turns a percent or a decimal away
            # before any search): a number that counts people, not a fraction's count, not screened.
            if not people_count(context, info, number):
                continue
            if fraction_counts is None:
                fraction_counts = {f.count.start for f in info.fractions}
            if number.start in fraction_counts:
                continue
            if not screened_count(context, info, number):
                return Quantity(number.value, info.cite(number.start, number.end)), info
    for info in context.sentences:
        if not info.numbers or not info.reports_results:
            continue
        for number in info.numbers:
            # Three pure tests, the cheapest first: "Of 30 patients", counts people, not screened.
            if not _opens_with_people(text, info.start, number.start):
                continue
            if people_count(context, info, number) and not screened_count(context, info, number):
                return Quantity(number.value, info.cite(number.start, number.end)), info
    return None, None
