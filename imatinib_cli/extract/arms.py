"""Randomized arms and named groups ('the once-daily group', 'arm B', 'groups A and B').

Arms matter because a randomized trial often reports results per arm; each arm then becomes a
population of its own, with its own N and dose, instead of one pooled population.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from imatinib_cli import vocab
from imatinib_cli.extract import cues, heme
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.dose import find_doses
from imatinib_cli.extract.numbers import Num
from imatinib_cli.extract.populations import PopulationDraft
from imatinib_cli.models import Dose, Quantity, record
from imatinib_cli.regexes import case_blind_alternation


@record
class ArmMention:
    """An arm named in a sentence: "in arm A", "groups A and B" (two keys)."""

    keys: tuple[str, ...]  # one key, or several for "groups A and B"
    label: str
    start: int
    end: int


@vocab.cached
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = vocab.load("cues")["arms"]
    nouns = "|".join(map(re.escape, data["nouns"]))
    letter = r"(?:[A-Z]|[1-9]|I{1,3}V?)"
    lettered = re.compile(
        rf"\b(?P<noun>(?i:{nouns}))s?\s+(?P<first>{letter})\b"
        rf"(?P<more>(?:\s*,\s*{letter}\b)*\s*,?\s*(?:and|or|vs\.?|versus)\s+{letter}\b)?"
    )
    return lettered, _named_patterns()[1]


# "the 800 mg daily arm", "the 400-mg group", "the 260 mg/m2 cohort": the dose, one digit consumed
_DOSE_REST = (
    r"\d*(?:[.,]\d+)?[\s-]?mg(?:\s*/\s*(?:d|day|m2|m²))?"
    r"(?:[\s-]+(?:(?:once|twice)[\s-])?(?:daily|a\s+day|per\s+day|bid|b\.i\.d\.))?"
)


@vocab.cached
def _named_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The named-arm pattern ("the 800 mg daily arm", "the once-daily group") as written plainly,
    and the same written to open with the character it consumes (a digit, or a label's first letter
    in any case), the word boundary checked behind it: re skips to the next candidate in C instead
    of trying the dose and some fifty labels at every character (~45 µs a 150-character sentence).
    The same matches (tests/test_speed_readers.py); the plain one twice when a label does not open
    with an ASCII letter or digit."""
    data = vocab.load("cues")["arms"]
    nouns = "|".join(map(re.escape, data["nouns"]))
    written = sorted(
        (
            re.escape(str(label)).replace(r"\ ", r"[\s-]?").replace(r"\-", r"[\s-]?")
            for label in data["labels"]
        ),
        key=len,
        reverse=True,
    )
    tail = rf"\s+(?P<noun>{nouns})s?\b"
    plain = re.compile(rf"\b(?P<label>\d+{_DOSE_REST[3:]}|{'|'.join(written)}){tail}", re.I)
    if not all(label[:1].isascii() and label[:1].isalnum() for label in written):
        return plain, plain
    # A label that opens with a digit ("400-mg") is an option of the digit too, after the dose as
    # in the plain pattern, the digit it consumed checked behind it.
    options = [(r"\d", _DOSE_REST)] + [
        (r"\d", f"(?<={label[0]}){label[1:]}") if label[0].isdigit() else (label[0], label[1:])
        for label in written
    ]
    return plain, re.compile(rf"(?P<label>{case_blind_alternation(options)}){tail}", re.I)


@vocab.cached
def _nouns() -> tuple[str, ...]:
    return tuple(str(noun).lower() for noun in vocab.load("cues")["arms"]["nouns"])


def _key(label: str) -> str:
    """One key per arm however it is named: 'the imatinib group', 'imatinib 400 mg' -> 'imatinib';
    'once-daily group', 'once daily arm' -> 'once daily'."""
    words = re.sub(r"[\s\-]+", " ", label.lower()).strip()
    words = re.sub(r"^the\s+|\s+(?:arm|group|cohort|stratum)s?$", "", words)
    first = words.split()[0] if words else words
    if cues.imatinib_names().fullmatch(first):
        return "imatinib"  # 'the Glivec arm' and 'the imatinib group' are one arm
    return first if first in cues.words("cues", "arms", "comparators") else words


def find_arms(context: Context, info: SentenceInfo) -> list[ArmMention]:
    """The arms a sentence names, in order (read once per sentence: several readers ask)."""
    found = info.cached.get("arms")
    if found is None:
        found = info.cached["arms"] = _find_arms(context, info)
    return found  # type: ignore[return-value]


def _find_arms(context: Context, info: SentenceInfo) -> list[ArmMention]:
    lowered = info.lower
    # Both patterns need an arm noun, _RANDOMIZED_TO an assignment word; the C substring tests
    # spare most sentences the regexes (a sentence with neither names no arm at all).
    has_noun = cues.holds_any(lowered, _nouns())
    assigns = cues.holds_any(lowered, _ASSIGNMENT_WORDS)
    if not (has_noun or assigns):
        return []
    lettered, named = _patterns()
    text = context.text
    found: list[ArmMention] = []
    if has_noun:
        for match in lettered.finditer(text, info.start, info.end):
            noun = match.group("noun").lower()  # "Arm 1" and "arm 1" are one arm
            more = match.group("more") or ""
            letters = [match.group("first"), *re.findall(r"\b(?:[A-Z]|[1-9]|I{1,3}V?)\b", more)]
            keys = tuple(f"{noun} {letter}" for letter in letters)
            found.append(ArmMention(keys, " ".join(match.group(0).split()), match.start(), match.end()))
        for match in named.finditer(text, info.start, info.end):
            if any(m.start <= match.start() < m.end for m in found):
                continue
            key = _key(match.group("label"))
            found.append(ArmMention((key,), " ".join(match.group(0).split()), match.start(), match.end()))
    if not assigns:
        return sorted(found, key=lambda mention: mention.start)
    for match in _RANDOMIZED_TO.finditer(text, info.start, info.end):
        # "randomly assigned to imatinib 400 mg (n = 359) or to placebo (n = 354)"
        for name in ("first", "second"):
            start, end = match.start(name), match.end(name)
            if not any(m.start <= start < m.end for m in found):
                label = " ".join(match.group(name).split())
                found.append(ArmMention((_key(label),), label, start, end))
    return sorted(found, key=lambda mention: mention.start)


_ASSIGNMENT_WORDS = ("assigned", "randomis", "randomiz", "allocated")  # what _RANDOMIZED_TO needs


def _may_name_arms(context: Context) -> bool:
    """Whether any sentence may name an arm: _find_arms reads nothing in a sentence whose
    lowercase holds no arm noun and no assignment word, and an ASCII word in a sentence's
    lowercase is in the lowercase of its section (each of its letters is the one-character
    lowercase of one character of the text, there too). Most documents hold none ("randomized",
    "arm", "group": 80 % of generated abstracts do not), and then no sentence is asked. Only the
    sections read are (an HTML page's text is mostly what is not read). True (ask each sentence)
    for a vocabulary word outside ASCII, whose lowercase may depend on its neighbours (a final
    sigma)."""
    words = _arm_words()
    if words is None:
        return True
    text = context.text
    for section in context.sections:  # noqa: SIM110 (every sentence lies in one of them)
        if cues.holds_any(text[section.start : section.end].lower(), words):
            return True
    return False


@vocab.cached
def _arm_words() -> tuple[str, ...] | None:
    """The arm nouns and the assignment words, the words _may_name_arms looks for (one pass over
    the text each); None when one is not ASCII."""
    words = _nouns() + _ASSIGNMENT_WORDS
    return words if all(word.isascii() for word in words) else None


_RANDOMIZED_TO = re.compile(
    r"(?:assigned|randomi[sz]ed|allocated)\s+(?:\w+\s+){0,2}?to\s+(?:receive\s+)?(?:either\s+)?"
    r"(?P<first>[^();,]{2,50}?)\s*\(\s*n\s*=\s*\d+\s*\)\s*(?:,\s*)?(?:or|versus|vs\.?|and)\s+(?:to\s+)?"
    r"(?P<second>[^();,]{2,50}?)\s*\(\s*n\s*=\s*\d+\s*\)",
    re.I,
)


_SIZE_BEFORE = re.compile(
    r"(?:patients\s+)?(?:were\s+)?(?:(?:randomi[sz]ed|assigned|allocated|included|enrolled|entered)\s+)?(?:to|in|into)\s+(?:the\s+)?$",
    re.I,
)
_SIZE_AFTER = re.compile(r"\s*\(\s*n\s*=\s*(?P<n>\d+)\s*\)", re.I)
# "HU alone (N = 8; Arm B)": the size in the bracket that the arm's name closes.
_SIZE_IN_BRACKET = re.compile(r"\(\s*n\s*=\s*(?P<n>\d+)\s*[;,]\s*$", re.I)
_CLOSES_BRACKET = re.compile(r"\s*\)")


@dataclass(slots=True)
class ArmDesign:
    """The arms of a one-population document and the population they split."""

    base: PopulationDraft
    keys: list[str]
    labels: dict[str, str]
    # Arms named in a bracket after what they receive ("standard dose (400 mg/d; arm A)"): the
    # doses written in that description, or [] when it does not name imatinib ("HU alone (arm B)").
    described: dict[str, list[Dose]] = field(default_factory=dict)

    def key_of(self, arm: str) -> str:
        return f"{self.base.key}|{arm}"

    def draft(
        self, arm: str, by_key: dict[str, PopulationDraft], drafts: list[PopulationDraft]
    ) -> PopulationDraft:
        key = self.key_of(arm)
        if key not in by_key:
            label = self.labels.get(arm, arm)
            draft = PopulationDraft(key, f"{self.base.label}, {label}", self.base.mention, arm=label)
            draft.evidence = self.base.evidence
            by_key[key] = draft
            drafts.append(draft)
        return by_key[key]

    def read_sizes(
        self,
        context: Context,
        info: SentenceInfo,
        mentions: list[ArmMention],
        by_key: dict[str, PopulationDraft],
        drafts: list[PopulationDraft],
    ) -> None:
        """'473 to each group', '30 in group A', 'group B (n = 22)'."""
        text = context.text
        each = vocab.load("cues")["arms"]["each"]
        lowered = info.lower
        for phrase in each:
            position = lowered.find(str(phrase))
            if position < 0:
                continue
            absolute = info.start + position
            number = _number_before(context, info, absolute)
            if number is not None:
                for arm in self.keys:
                    draft = self.draft(arm, by_key, drafts)
                    draft.n = draft.n or Quantity(
                        number.value, info.cite(number.start, absolute + len(phrase))
                    )
        for mention in mentions:
            if len(mention.keys) != 1:
                continue
            number = _number_before(context, info, mention.start)
            after = _SIZE_AFTER.match(text, mention.end, info.end)
            draft = self.draft(mention.keys[0], by_key, drafts)
            if number is not None and draft.n is None:
                draft.n = Quantity(number.value, info.cite(number.start, mention.end))
            elif after and draft.n is None:
                draft.n = Quantity(float(after.group("n")), info.cite(mention.start, after.end()))
            inside = _SIZE_IN_BRACKET.search(text, max(info.start, mention.start - 30), mention.start)
            if inside and draft.n is None:
                draft.n = Quantity(float(inside.group("n")), info.cite(inside.start(), mention.end))

    def read_descriptions(self, context: Context, info: SentenceInfo, mentions: list[ArmMention]) -> None:
        """'... comparing standard dose imatinib (400 mg/d; arm A) with 800 mg/d for 6 months
        followed by 400 mg/d (arm B)', '... to receive HU + imatinib (N = 7; Arm A) or HU alone
        (N = 8; Arm B)': an arm's name that closes a bracket labels what was written since the
        previous arm's name; its doses are the imatinib doses written there, none if it names
        another treatment only ('alone', a comparator) and not imatinib."""
        text = context.text
        previous = info.start
        hits = None
        for mention in mentions:
            if len(mention.keys) != 1 or not _CLOSES_BRACKET.match(text, mention.end, info.end):
                continue
            arm = mention.keys[0]
            start, end = previous, mention.start
            previous = _CLOSES_BRACKET.match(text, mention.end, info.end).end()
            if arm in self.described:
                continue
            if not cues.imatinib_names().search(text, start, end):
                # Only the words just before the name describe its treatment ("HU alone (N = 8;
                # Arm B)"); "... in combination with radiotherapy. ... newly diagnosed (arm A)" does not.
                words = set(re.findall(r"[a-z][a-z\-]*", text[max(start, end - 60) : end].lower()))
                if words & (
                    cues.words("cues", "arms", "without_imatinib") | cues.words("cues", "arms", "comparators")
                ):
                    self.described[arm] = []  # "HU alone (N = 8; Arm B)"; not "primary GIST (group A)"
                continue
            if hits is None:
                hits = find_doses(context, info)
            doses = [dose for hit in hits if start <= hit.start < end for dose in hit.doses]
            if doses:
                self.described[arm] = doses

    def assign_doses(self, text: str, by_key: dict[str, PopulationDraft], study_doses: list[Dose]) -> None:
        """An arm named after a dose ('800 mg arm') or a schedule ('twice-daily group') gets that
        dose; an arm whose name is written just before a dose ('high-dose imatinib (400 mg twice a
        day)') gets that one; with one study dose, every arm has it; otherwise none."""
        schedules = cues.matcher("schedules", "schedules", key_field="key")
        distinct = {d.mg_per_day for d in study_doses}
        for arm in self.keys:
            draft = by_key.get(self.key_of(arm))
            if draft is None or draft.doses:
                continue
            if arm in self.described:
                draft.doses = list(self.described[arm])
                continue
            label = self.labels.get(arm, arm)
            amount = re.search(r"(\d+)\s*-?\s*mg", label)
            chosen: list[Dose] = []
            if amount:
                chosen = [d for d in study_doses if d.mg_per_day == float(amount.group(1))]
            else:
                hits = schedules.find(label)
                if hits:
                    chosen = [d for d in study_doses if d.schedule == hits[0].key]
            if not chosen:
                chosen = _dose_written_after(text, label, study_doses)
            comparator = set(re.findall(r"[a-z][a-z\-]*", label.lower())) & cues.words(
                "cues", "arms", "comparators"
            )
            if comparator:
                chosen = []  # "the placebo group", "the combination-therapy group"
            elif not chosen and len(distinct) == 1:
                chosen = list(study_doses)
            draft.doses = chosen


def _dose_written_after(text: str, label: str, study_doses: list[Dose]) -> list[Dose]:
    """The study dose written within a few words after the arm's name ('standard-dose imatinib
    (400 mg daily)')."""
    nouns = r"\s+(?:arm|group|cohort|stratum)s?$"
    name = re.sub(nouns, "", label, flags=re.I).strip()
    if not name:
        return []
    pattern = re.compile(re.escape(name).replace(r"\-", r"[\s-]?").replace(r"\ ", r"[\s-]?"), re.I)
    for match in pattern.finditer(text):
        if text[max(0, match.start() - 1) : match.start()] == "(":
            # "imatinib 400 mg daily (arm A) or 600 mg daily (arm B)": the name labels the dose before it.
            before = [d for d in study_doses if 0 <= match.start() - 1 - d.evidence.end <= 2]
            if before:
                return before[:1]
        after = [d for d in study_doses if 0 <= d.evidence.start - match.end() <= 30]
        if after:
            return after[:1]
    return []


def _number_before(context: Context, info: SentenceInfo, position: int) -> Num | None:
    gap = _SIZE_BEFORE.search(context.text[max(info.start, position - 60) : position])
    if gap is None:
        return None
    gap_start = position - len(gap.group(0))
    for number in info.numbers:
        if number.is_int and number.end <= gap_start and context.text[number.end : gap_start].strip() == "":
            if heme.in_timepoint(context.text, (info.start, info.end), number.start, number.end):
                return None  # "a dose reduction at month 6 in arm B": a time point sizes nothing
            return number
    return None


def arm_design(context: Context, drafts: list[PopulationDraft]) -> ArmDesign | None:
    """Arms apply when a document about one population names two or more of them."""
    if len(drafts) != 1 or not _may_name_arms(context):
        return None
    labels: dict[str, str] = {}
    for info in context.sentences:
        if info.reports_results:
            for mention in find_arms(context, info):
                if len(mention.keys) == 1:
                    labels.setdefault(mention.keys[0], re.sub(r"^the\s+", "", mention.label, flags=re.I))
                else:
                    for key in mention.keys:
                        labels.setdefault(key, key)
    if len(labels) < 2:
        return None
    return ArmDesign(drafts[0], list(labels), labels)
