"""Doses as written ('400 mg twice daily (bid)', '400 or 800 mg/d', '400 mg or 600 mg daily'),
normalized to mg/day. A dose whose schedule is not stated keeps mg_per_day None: no guessing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.numbers import Num
from imatinib_cli.models import Dose
from imatinib_cli.regexes import OTHER_CASES, case_blind_alternation

_SEPARATOR = re.compile(r"\s*(?:mg\b\s*)?(?:,\s*(?:and|or)?|or|and|to|versus|vs\.?|-|–|/)\s*", re.I)
_BRIDGE_WORDS = "|".join(
    (
        r"of|orally|oral|by\s+mouth|po|p\.o\.|given|administered|taken|once|as|a|single",
        r"dose|doses|was|were|is|are|\(|\)|,",
    )
)


@vocab.cached
def _bridge() -> re.Pattern[str]:
    """Words allowed between a dose and its schedule: "400 mg of imatinib daily", "400 mg orally
    twice a day"; any of imatinib's names (schedules.yaml) among them."""
    names = cues.imatinib_names().pattern
    return re.compile(rf"(?:\s*(?:{names}|{_BRIDGE_WORDS}))*\s*", re.I)


@dataclass(slots=True)
class DoseHit:
    doses: list[Dose]
    start: int
    end: int
    respectively: bool


@vocab.cached
def _units() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    data = vocab.load("schedules")
    per_day = frozenset(u.lower().replace(" ", "") for u in data["per_day_units"])
    surface = frozenset(u.lower().replace(" ", "") for u in data["body_surface_units"])
    alternatives = sorted(
        {*data["per_day_units"], *data["body_surface_units"], "mg/kg", "mg/dl", "mg"}, key=len, reverse=True
    )

    def written(unit: str) -> str:
        return re.escape(unit).replace(r"\ ", r"\s*").replace("/", r"\s*/\s*")

    if not all(unit[:1].isalnum() for unit in alternatives):
        pattern = "|".join(written(unit) for unit in alternatives)
        return re.compile(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z0-9²])", re.I), per_day, surface
    # Every unit opens with a letter ("mg"): matched first, case-sensitive in every case, so re
    # skips to it in C instead of trying the lookbehind and each unit at every character; the
    # lookbehind then looks at the character before it. The same matches as
    # "(?<![A-Za-z])(?:mg...|mg)(?![A-Za-z0-9²])" (tests/test_extract_prefilters.py).
    opening = case_blind_alternation([(unit[0], written(unit[1:])) for unit in alternatives], "[A-Za-z]")
    return re.compile(rf"{opening}(?![A-Za-z0-9²])", re.I), per_day, surface


@vocab.cached
def unit_opening() -> str:
    """What every unit holds, lowercase ("mg"; "" when the units share no such opening): a sentence
    whose lowercase text lacks it names no dose (find_doses asks that first)."""
    data = vocab.load("schedules")
    words = [str(u).lower() for u in (*data["per_day_units"], *data["body_surface_units"])] + ["mg"]
    opening = ""
    for letters in zip(*words, strict=False):
        letter = letters[0]
        if len(set(letters)) != 1 or not (letter.isascii() and letter.isalnum()) or letter in OTHER_CASES:
            break
        opening += letter
    return opening


def _schedule(
    text: str, info: SentenceInfo, position: int, schedules: vocab.Matcher
) -> tuple[str | None, float | None, int]:
    """The schedule right after a dose: its key, doses per day, and where it ends."""
    end = info.end
    bridge = _bridge().match(text, position, end)
    start = bridge.end() if bridge else position
    for hit in schedules.find(text, start, min(end, start + 30)):
        if hit.start == start:
            per_day = hit.entry.get("doses_per_day")
            return hit.key, float(per_day) if per_day is not None else None, hit.end
        break
    return None, None, position


def find_doses(context: Context, info: SentenceInfo) -> list[DoseHit]:
    """The doses of one sentence. A sentence without unit_opening() ("mg") has none, answered
    before any set-up: most sentences' only question about doses (extract's _read_doses and the
    arm and registry readers call this for every sentence they read)."""
    opening = unit_opening()
    if opening and opening not in info.lower:
        return []
    hits: list[DoseHit] = []
    unit_pattern, per_day_units, surface_units = _units()
    modifications = cues.matcher("schedules", "modification_cues")
    schedules = cues.matcher("schedules", "schedules", key_field="key")  # once a sentence, for every dose
    text = context.text
    numbers = [n for n in info.numbers if not n.percent]
    for unit in _unit_matches(unit_pattern, opening, text, info):
        unit_text = "".join(unit.group(0).lower().split())
        if unit_text == "mg/dl":
            continue  # a laboratory value, not a dose
        amounts = _amounts_before(text, numbers, unit.start())
        if not amounts:
            continue
        first = amounts[0].start
        if _another_drug(text, info, first):
            continue  # "docetaxel 75 mg/m²": another drug's dose
        window = _clause_window(text, info.start, first)
        if modifications.any(text, window, first):
            continue  # "dose reduction to 600 mg/day": a change, not an assigned dose
        if _changed_to(text, window, first):
            continue  # "allowed to escalate the dose to 800 mg/d": reached by escalation, not assigned
        if hits and first <= hits[-1].start:
            hits.pop()  # "400 mg or 600 mg": the later unit closes the same list
        schedule, per_day, end = _schedule(text, info, unit.end(), schedules)
        if schedule is None and unit_text not in per_day_units:
            schedule, per_day = _sentence_schedule(text, info, schedules)
        if unit_text in per_day_units:
            schedule, per_day, end = schedule or "daily", 1.0, max(end, unit.end())
        is_surface = unit_text in surface_units
        as_written_end = max(end, unit.end())
        as_written = " ".join(text[first:as_written_end].split())
        evidence = info.cite(first, as_written_end)
        doses = []
        for amount in amounts:
            if is_surface or unit_text == "mg/kg" or per_day is None:
                mg_per_day = None
            else:
                mg_per_day = amount.value * per_day
            doses.append(
                Dose(mg_per_day, as_written, schedule, evidence, unit="mg/m2" if is_surface else unit_text)
            )
        # The sentence lowercased once (vocab.lowercase keeps the text's length, so its offsets
        # are the sentence's).
        respectively = info.lower.find("respectively", unit.end() - info.start) >= 0
        hits.append(DoseHit(doses, first, as_written_end, respectively))
    return hits


def _unit_matches(
    pattern: re.Pattern[str], opening: str, text: str, info: SentenceInfo
) -> Iterator[re.Match[str]]:
    """pattern.finditer(text, info.start, info.end), tried only where the lowercase sentence holds
    `opening` (unit_opening, "mg"): every unit opens with it, and its letters are ASCII ones that
    case-blind matching reads only as their two cases, so each match starts at one (the sentence's
    lowercase keeps its offsets). `re`'s own scan tried the pattern's first set at every character
    and its lookbehind at every "m" ('median', 'imatinib'); str.find skips to "mg" in C."""
    if not opening:
        yield from pattern.finditer(text, info.start, info.end)
        return
    lower, offset, end = info.lower, info.start, info.end
    at = lower.find(opening)
    while at >= 0:
        unit = pattern.match(text, offset + at, end)
        if unit is None:
            at = lower.find(opening, at + 1)
        else:
            yield unit
            at = lower.find(opening, unit.end() - offset)


def _clause_window(text: str, sentence_start: int, position: int, width: int = 45) -> int:
    """Where to look back from an amount for a cue: a few words, not past a ';' ("similar to those
    in adults receiving 400 mg", but not "escalated to 800 mg; the others received 400 mg")."""
    start = max(sentence_start, position - width)
    return max(start, text.rfind(";", start, position) + 1)


# "\bto\s+...$" written to open with the "t" it consumes, case-sensitive, the boundary checked behind
# it: re skips to the next "t" in C instead of trying the boundary at every character.
_TO_BEFORE = re.compile(
    case_blind_alternation([("t", r"o\s+(?:a\s+(?:total\s+)?(?:daily\s+)?dose\s+of\s+)?$")]), re.I
)


def _changed_to(text: str, start: int, position: int) -> bool:
    """'... increasing imatinib to 800 mg/day', 'escalate the dose to 800 mg', 'dose reduction to
    300 mg': a verb or noun of change (schedules.yaml: modification_stems), then at most four
    words naming what changed, then 'to' right before the amount. Not 'patients with lower-risk
    tumors were assigned to 400 mg/day': 'lower' there names the risk, far from the 'to'."""
    to = _TO_BEFORE.search(text, start, position)
    if not to:
        return False
    stems = tuple(str(stem) for stem in vocab.load("schedules")["modification_stems"])
    objects = {str(word) for word in vocab.load("schedules")["modification_objects"]}
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*", text[start : to.start()])]
    for place, word in enumerate(words):
        stem = next((stem for stem in stems if word.startswith(stem)), None)
        if stem is None or "-" in word[len(stem) :]:
            continue  # not a change, or a compound adjective ("lower-risk")
        between = words[place + 1 :]
        if len(between) <= 5 and all(w in objects or cues.imatinib_names().fullmatch(w) for w in between):
            return True
    return False


def _another_drug(text: str, info: SentenceInfo, position: int) -> bool:
    """The nearest drug named before the amount, within a few words, is not imatinib."""
    window_start = max(info.start, position - 40)
    hits = cues.matcher("schedules", "other_drugs").find(text, window_start, position)
    if not hits:
        return False
    between = text[hits[-1].end : position].lower()
    return not cues.imatinib_names().search(between) and len(between.split()) <= 4


def _sentence_schedule(
    text: str, info: SentenceInfo, schedules: vocab.Matcher
) -> tuple[str | None, float | None]:
    """'Imatinib was given once daily in cohorts of 400, 600, 800 and 1000 mg': one schedule
    written elsewhere in the sentence applies when none follows the dose."""
    hits = [hit for hit in schedules.find(text, info.start, info.end) if not hit.as_written.startswith("/")]
    keys = {hit.key for hit in hits}
    if len(keys) != 1:
        return None, None
    per_day = hits[0].entry.get("doses_per_day")
    return hits[0].key, float(per_day) if per_day is not None else None


def _amounts_before(text: str, numbers: list[Num], position: int) -> list[Num]:
    """'400', '400 or 800', '400 mg or 600', '400, 600, 800 and 1000' ending right before a unit."""
    before = [n for n in numbers if n.end <= position]
    if not before or text[before[-1].end : position].strip():
        return []
    amounts = [before[-1]]
    for number in reversed(before[:-1]):
        if not _SEPARATOR.fullmatch(text[number.end : amounts[0].start]):
            break
        amounts.insert(0, number)
    return amounts
