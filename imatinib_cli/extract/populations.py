"""Which groups of patients a document reports on, how many each has, and which clause speaks of which.

Populations come from the enrollment sentence's breakdown ("51 patients (27 GIST, 24 other STS)",
"78.5% solid tumors, 21.5% hematologic malignancies"), else from the tumor type the document is
about. Later clauses are attributed to a population by the tumor they name, by a reference back
("in this subgroup"), or to the only population there is.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.numbers import Num
from imatinib_cli.extract.outcomes import may_name_protein_change
from imatinib_cli.models import (
    Dose,
    Evidence,
    HemeResponse,
    Quantity,
    ResponseCount,
    TumorMention,
    record,
)
from imatinib_cli.regexes import OTHER_CASES, case_blind_class, phrase_group

ALL_PATIENTS = "all"


@vocab.cached
def _words(key: str) -> str:
    """cues.yaml `populations.<key>` as one regex group: the cue words of the patterns here ('of
    whom', 'were treated with') live in the vocabulary."""
    return phrase_group(cues.words("cues", "populations", key))


@vocab.cached
def _clause_break_pattern() -> re.Pattern[str]:
    """Where a clause ends: ';', ', whereas ', ' compared with ', ' vs. '."""
    return re.compile(rf";|,?\s+{_words('clause_breaks')}\s+|,\s+")


@dataclass(slots=True)
class PopulationDraft:
    """A population while a document is being read; frozen into models.Population at the end."""

    key: str
    label: str
    mention: TumorMention | None
    n: Quantity | None = None
    n_percent: Quantity | None = None
    n_evaluable: Quantity | None = None
    arm: str | None = None
    criterion: str | None = None
    responses: dict[str, ResponseCount] = field(default_factory=dict)
    # Hematologic, cytogenetic and molecular responses by (category, time point).
    heme: dict[tuple[str, str | None], HemeResponse] = field(default_factory=dict)
    # The stated denominator of a hematologic result ("100% (15/15)"), by (category, time point).
    heme_totals: dict[tuple[str, str | None], Quantity] = field(default_factory=dict)
    doses: list[Dose] = field(default_factory=list)
    evidence: Evidence | None = None


@vocab.cached
def _label_qualifiers() -> frozenset[str]:
    """The qualifiers a label keeps before its tumor type ('advanced'; not 'with', 'patients')."""
    return frozenset(
        cues.words("cues", "tumor_qualifiers") - {"with", "patients", "patient", "pts", "and", "or"}
    )


_WORD_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"


def last_word(window: str) -> tuple[str, int] | None:
    r"""The word that ends `window` before whitespace, and how many characters it and that
    whitespace take: what `re.search(r"([A-Za-z][A-Za-z\-]*)\s+$", window)` finds (group 1, and
    the length of group 0), by string methods in C instead of a search from every character:
    'the advanced ' -> ('advanced', 9). None when the window does not end with whitespace, or
    the run of letters and hyphens before it holds no letter."""
    stripped = window.rstrip()  # str.isspace() is what "\s" reads
    if len(stripped) == len(window):
        return None
    run = stripped[len(stripped.rstrip(_WORD_CHARACTERS)) :]
    word = run.lstrip("-")  # group 1 opens with a letter
    if not word:
        return None
    return word, len(window) - len(stripped) + len(word)


def _label(context: Context, mention: TumorMention) -> str:
    """The mention with the qualifiers written right before it ('advanced', 'other')."""
    qualifiers = _label_qualifiers()
    text = context.text
    start = mention.evidence.start
    while True:
        found = last_word(text[max(0, start - 40) : start])
        if found is None or found[0].lower() not in qualifiers:
            break
        start = start - found[1]
    return " ".join(text[start : mention.evidence.end].split())


_GAP_WORDS = re.compile(r"[A-Za-z][A-Za-z\-]*|[^\sA-Za-z]")


def _count_before(context: Context, info: SentenceInfo, mention: TumorMention):
    """The number written right before a tumor mention ('27 GIST', '78.5% solid tumors')."""
    qualifiers = cues.words("cues", "tumor_qualifiers")
    for number in reversed(info.numbers):
        if number.end > mention.evidence.start:
            continue
        gap = context.text[number.end : mention.evidence.start]
        for word in _GAP_WORDS.findall(gap):  # (a loop: no generator a mention)
            if word.lower() not in qualifiers:
                return None
        return number
    return None


def _count_after(context: Context, info: SentenceInfo, mention: TumorMention):
    """'GIST (n = 27)', 'GIST: 27 patients', 'patients with GIST (n = 40)'."""
    match = re.match(
        r"\s*(?:(?:patients?|participants?)\s*)?(?:\(\s*n\s*=\s*|:\s*|\(\s*)",
        context.text[mention.evidence.end : info.end],
    )
    if not match:
        return None
    position = mention.evidence.end + match.end()
    for number in info.numbers:
        if number.start == position and not number.percent:
            return number
    return None


def stated_size(context: Context, info: SentenceInfo, mention: TumorMention):
    """A population's size written anywhere: 'the 19 patients with small cell lung cancer',
    'of the 5 with systemic mastocytosis', 'GIST (n = 40)'. Bare '10 DFSP patients' is not one:
    it is as often a count of responders."""
    after = _count_after(context, info, mention)
    if after is not None:
        return after
    before = _count_before(context, info, mention)
    if before is not None and re.search(r"\bwith\b", context.text[before.end : mention.evidence.start]):
        return before
    return None


def find_populations(
    context: Context, enrollment: SentenceInfo | None, n_enrolled: Quantity | None
) -> list[PopulationDraft]:
    populations: dict[str, PopulationDraft] = {}
    if enrollment is not None:
        for mention in enrollment.tumors:
            number = _count_before(context, enrollment, mention) or _count_after(context, enrollment, mention)
            if number is None or (n_enrolled and number.start == n_enrolled.evidence.start):
                continue
            if mention.code in populations:
                continue
            draft = PopulationDraft(
                mention.code, _label(context, mention), mention, evidence=enrollment.evidence
            )
            evidence = enrollment.cite(number.start, mention.evidence.end)
            if number.percent:
                draft.n_percent = Quantity(number.value, evidence)
            else:
                draft.n = Quantity(number.value, evidence)
            populations[mention.code] = draft
    if len(populations) >= 2 or (populations and n_enrolled is None):
        return list(populations.values())
    if len(populations) == 1:
        # One named group with a count is the whole study when the count is the total.
        only = next(iter(populations.values()))
        if only.n is None and only.n_percent is not None:
            return [only]
    mention = dominant_tumor(context)
    if mention is None:
        draft = PopulationDraft(ALL_PATIENTS, "all patients", None, n=n_enrolled)
    else:
        draft = PopulationDraft(mention.code, _label(context, mention), mention, n=n_enrolled)
    draft.evidence = mention.evidence if mention else None
    subset = _enrolled_subset(context, enrollment, n_enrolled)
    if subset is not None:
        draft.n = subset
    return [draft]


@vocab.cached
def _of_whom_pattern() -> re.Pattern[str]:
    """ ", of whom 190 had a confirmed diagnosis"."""
    return re.compile(
        rf",?\s*{_words('of_whom')}\s+(?P<n>[\w-]+)\s+(?:patients\s+)?{_words('of_whom_verbs')}\s+"
        r"(?:an?\s+|the\s+)?(?P<word>[A-Za-z]+)",
        re.I,
    )


@vocab.cached
def _of_whom_words() -> tuple[tuple[tuple[str, ...], bool], ...]:
    """The words of each cues.yaml `populations.of_whom` phrase, lowercase, and whether one holds
    a letter that case-blind matching also reads as another character: (("of", "whom"), False)."""
    phrases = [tuple(str(phrase).lower().split()) for phrase in cues.words("cues", "populations", "of_whom")]
    return tuple((words, any(set(word) & OTHER_CASES.keys() for word in words)) for words in phrases)


def _may_say_of_whom(info: SentenceInfo) -> bool:
    """False when no of_whom phrase has all its words in the lowercased sentence, so
    _of_whom_pattern cannot match it; a word with "i", "k" or "s" (which case-blind matching also
    reads as "İ", the Kelvin sign, "ſ") is only tested this way in an ASCII sentence."""
    lowered = info.lower
    ascii_text = None
    for words, folds in _of_whom_words():
        if folds:
            if ascii_text is None:
                ascii_text = info.sentence.text.isascii()
            if not ascii_text:
                return True
        if _holds_all(lowered, words):
            return True
    return False


def _enrolled_subset(
    context: Context, enrollment: SentenceInfo | None, n_enrolled: Quantity | None
) -> Quantity | None:
    """'A total of 230 patients were enrolled, of whom 190 had a confirmed diagnosis of ...': the
    confirmed are the population the results are over (cues.yaml enrollment_subset)."""
    if enrollment is None or n_enrolled is None or not _may_say_of_whom(enrollment):
        return None
    for match in _of_whom_pattern().finditer(context.text, enrollment.start, enrollment.end):
        if match.group("word").lower() not in cues.words("cues", "enrollment_subset"):
            continue
        number = next((x for x in enrollment.numbers if x.start == match.start("n")), None)
        if number is not None and number.is_int and 0 < number.value < n_enrolled.value:
            return Quantity(number.value, enrollment.cite(match.start("n"), match.end()))
    return None


def dominant_tumor(context: Context) -> TumorMention | None:
    """The tumor type a document is about: named most often, title mentions counting double."""
    counts: dict[str, int] = {}
    first: dict[str, TumorMention] = {}
    for info in context.sentences:
        if not info.tumors:
            continue
        weight = 2 if info.kind == "title" else 1
        for mention in info.tumors:
            code = mention.code
            if code in counts:
                counts[code] += weight
            else:
                counts[code] = weight
                first[code] = mention
    if not counts:
        return None
    best = max(counts.items(), key=lambda item: (item[1], -first[item[0]].evidence.start))[0]
    # Prefer a mention from the abstract that carries qualifiers ("advanced GIST") for the label:
    # the first qualified one, else the abstract's first mention, else the title's.
    earliest = None
    for info in context.sentences:
        if info.kind == "title" or not info.tumors:
            continue
        for mention in info.tumors:
            if mention.code != best:
                continue
            if _qualified(context.text, mention):
                return mention
            if earliest is None:
                earliest = mention
    return earliest or first[best]


def _qualified(text: str, mention: TumorMention) -> bool:
    """Whether a label qualifier is written right before the mention ('advanced GIST'): whether
    _label(context, mention) says more than the mention's own words, without building the label
    (the mention's words are text[start:end], so its label differs exactly when a qualifier
    moved its start)."""
    start = mention.evidence.start
    found = last_word(text[max(0, start - 40) : start])
    return found is not None and found[0].lower() in _label_qualifiers()


def clauses(
    context: Context, anchors: list[tuple[int, int, str]], start: int, end: int
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Split text[start:end] into clauses at the breaks between populations named (anchors: span
    and key). A clause keeps every key it names: 'in liposarcoma or pleomorphic sarcoma'."""
    if not anchors:
        return [(start, end, ())]
    if len({key for _, _, key in anchors}) == 1:
        return [(start, end, (anchors[0][2],))]
    pieces: list[tuple[int, int, tuple[str, ...]]] = []
    keys: list[str] = [anchors[0][2]]
    for left, right in zip(anchors, anchors[1:], strict=False):
        boundary = _last_break(context.text, left[1], right[0])
        if boundary is None:
            keys.append(right[2])
            continue
        pieces.append((start, boundary[0], tuple(dict.fromkeys(keys))))
        start = boundary[1]
        keys = [right[2]]
    pieces.append((start, end, tuple(dict.fromkeys(keys))))
    return pieces


def split_semicolons(
    context: Context, pieces: list[tuple[int, int, tuple[str, ...]]], anchors: list[tuple[int, int, str]]
) -> list[tuple[int, int, tuple[str, ...]]]:
    """A ';' outside brackets always ends a clause; each part keeps only the keys named in it."""
    result: list[tuple[int, int, tuple[str, ...]]] = []
    text = context.text
    for start, end, keys in pieces:
        semicolon = text.find(";", start, end)  # no slice copied
        if semicolon < 0:
            result.append((start, end, keys))
            continue
        cuts = [start]
        depth = 0
        counted = start
        while semicolon >= 0:
            # The bracket depth at each ";": brackets opened minus closed since the clause began.
            between = text[counted:semicolon]
            depth += between.count("(") + between.count("[") - between.count(")") - between.count("]")
            if depth <= 0:
                cuts.append(semicolon + 1)
            counted = semicolon
            semicolon = text.find(";", semicolon + 1, end)
        cuts.append(end)
        if len(cuts) == 2:
            result.append((start, end, keys))
            continue
        for left, right in zip(cuts, cuts[1:], strict=False):
            named = tuple(dict.fromkeys(key for a, b, key in anchors if left <= a and b <= right))
            result.append((left, right, named))
    return result


def _last_break(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The last clause break between two mentions that is not inside brackets: where the brackets
    opened minus those closed from `start` up to the break's first character are at most 0
    ("exon 9 (n = 8, 12%), compared with exon 11" breaks at ", compared with", not at ", 12%").
    The brackets are counted in C between one break and the next, not character by character in
    Python (a page's sentences run to a few hundred characters between two mentions)."""
    best = None
    depth = 0
    counted = start
    for match in _clause_break_pattern().finditer(text, start, end):
        at = match.start()
        between = text[counted : at + 1]
        depth += between.count("(") + between.count("[") - between.count(")") - between.count("]")
        counted = at + 1
        if depth <= 0:
            best = (at, match.end())
    return best


def refers_back(context: Context, info: SentenceInfo) -> bool:
    """'in this subgroup': the sentence speaks of the population before it (read once per sentence:
    each of its clauses asks)."""
    found = info.cached.get("refers_back")
    if found is None:
        # The phrase index before the word gate's regex search: both must hold, either order.
        found = info.cached["refers_back"] = cues.matcher("responses", "anaphora").any(
            context.text, info.start, info.end
        ) and info.has_word(cues.any_word("responses", "anaphora"))
    return found  # type: ignore[return-value]


@record
class SubgroupMention:
    """A biomarker subgroup named in a sentence: 'KIT exon 11 mutations', 'non-D842V', 'wild-type'."""

    key: str  # one key however it is written: 'exon 11', 'D842V', 'non-D842V', 'wild-type'
    label: str
    start: int
    end: int


@vocab.cached
def _subgroup_pattern() -> re.Pattern[str]:
    """Built from cues.yaml `subgroups`: a numbered noun ('exon 11'), a protein change ('D842V'),
    either one negated ('non-D842V'), or a listed name ('wild-type')."""
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
    # A protein change is written in capitals ('D842V', 'V560del'), case-sensitive inside the
    # case-blind pattern: 'q12h' (every 12 hours) is a schedule, not a variant.
    variant = rf"(?-i:{_VARIANT_BODY})\b"
    numbered_term = rf"(?:{numbered})\s+\d{{1,2}}\b"
    # Every match opens with a negation's, a numbered noun's or a name's first letter (in either
    # case, or another character case-blind matching reads as it), or a protein change's capital:
    # a lookahead of those, case-sensitive, turns most positions away before the groups are entered.
    firsts = {str(word)[:1] for key in ("negations", "numbered", "names") for word in data[key]}
    letters = case_blind_class(firsts, _AMINO_ACIDS)
    opening = f"(?={letters})" if letters else ""
    return re.compile(
        # "(?:(?P<neg>...)|)", not "(?P<neg>...)?": the same matches, without the repeat context the
        # re engine allocates for "(...)?" at every position finditer tries.
        rf"{opening}(?:(?P<neg>(?:{negations})\s?)|)(?:(?P<v1>{variant})(?:\s+{numbered_term})?"
        rf"|(?P<num>{numbered_term})(?:\s+(?P<v2>{variant}))?|(?P<name>{names}))",
        re.I,
    )


@vocab.cached
def _negative_after_pattern() -> re.Pattern[str]:
    """A subgroup negated after its name: "KIT-negative", "PDGFRA neg"."""
    return re.compile(rf"[\s-]{_words('negative_after')}\b", re.I)


@vocab.cached
def _subgroup_names() -> dict[str, str]:
    """Each subgroup name as matched (lowercase, hyphens as spaces) -> as listed in cues.yaml."""
    return {str(n).lower().replace("-", " "): str(n) for n in vocab.load("cues")["subgroups"]["names"]}


def find_subgroups(context: Context, info: SentenceInfo) -> list[SubgroupMention]:
    """The biomarker subgroups a sentence names, in order (read once per sentence)."""
    found = info.cached.get("subgroups")
    if found is None:
        found = info.cached["subgroups"] = _find_subgroups(context, info)
    return found  # type: ignore[return-value]


# A protein change ("D842V", "V560del") as _subgroup_pattern reads it (case-sensitive, a word
# boundary after it), alone: what a match without a numbered noun or listed name holds. Not "T01"
# of a registry number ("NCT01234567"), which the first letter and two digits alone let through.
_AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
_VARIANT_BODY = rf"[{_AMINO_ACIDS}]\d{{2,4}}(?:[ACDEFGHIKLMNPQRSTVWXY]|del|ins|dup)"
_VARIANT_OPENING = re.compile(rf"{_VARIANT_BODY}\b")


@vocab.cached
def _subgroup_name_starts() -> tuple[str, ...] | None:
    """What every match of _subgroup_pattern without a protein change holds, lowercase: a numbered
    noun ('exon') or the first part of a listed name ('wild', 'fs'); a negation ('non-') only
    opens one of these. None when the vocabulary is not all ASCII (case-blind matching is then
    more than lowercasing)."""
    data = vocab.load("cues")["subgroups"]
    listed = [str(x) for key in ("numbered", "negations", "names") for x in data[key]]
    if not all(word.isascii() for word in listed):
        return None
    numbered = {str(noun).lower() for noun in data["numbered"]}
    words = numbered | _name_first_words(data)
    # a word that holds another ('exons' holds 'exon') adds no test: a sentence holding it holds that one
    return tuple(sorted(w for w in words if not any(other != w and other in w for other in words)))


def _name_first_words(subgroups: Mapping[str, Any]) -> set[str]:
    """The lowercase first word of each listed subgroup name (cues.yaml `subgroups.names`), where a
    match of _subgroup_pattern naming it starts: "wild-type" -> "wild", "FIP1L1-PDGFRA" -> "fip1l1"."""
    return {re.split(r"[\s-]", str(name).lower())[0] for name in subgroups["names"]}


@vocab.cached
def _subgroup_openings() -> tuple[str, ...] | None:
    """The lowercase words a match of _subgroup_pattern without a protein change opens with: a
    negation ('non'), a numbered noun ('exon') or a listed name's first part ('wild', 'fip1l1'),
    less each that another opens ('exons' opens with 'exon': its matches start where that one's
    do). None when one is not ASCII (case-blind matching is then more than lowercasing) or empty."""
    data = vocab.load("cues")["subgroups"]
    words = {str(word).lower() for key in ("negations", "numbered") for word in data[key]}
    words |= _name_first_words(data)
    if "" in words or not all(word.isascii() for word in words):
        return None
    return tuple(sorted(w for w in words if not any(other != w and w.startswith(other) for other in words)))


def _subgroup_matches(text: str, info: SentenceInfo) -> Iterable[re.Match[str]]:
    """_subgroup_pattern().finditer over the sentence. In an ASCII sentence that names no protein
    change (may_name_protein_change: most of an article's sentences that name an exon), every
    match opens with one of _subgroup_openings, so the pattern is matched only where one is
    written (a few `str.find`s on the lowercase sentence), leftmost first and never inside the
    match before, as finditer does; finditer tries the pattern at every character (it opens with
    a lookahead, which `re` cannot skip to in C: ~60,000 instructions a page's sentence)."""
    pattern = _subgroup_pattern()
    openings = _subgroup_openings()
    if openings is None or not info.sentence.text.isascii() or may_name_protein_change(info):
        return pattern.finditer(text, info.start, info.end)
    lowered = info.lower
    places = []
    for word in openings:
        at = lowered.find(word)
        while at >= 0:
            places.append(at)
            at = lowered.find(word, at + 1)
    places.sort()
    start, end = info.start, info.end
    found = []
    after = start
    for at in places:
        at += start
        if at < after:
            continue  # inside the match before
        match = pattern.match(text, at, end)
        if match is not None:
            found.append(match)
            after = match.end()
    return found


def _find_subgroups(context: Context, info: SentenceInfo) -> list[SubgroupMention]:
    found: list[SubgroupMention] = []
    starts = _subgroup_name_starts()
    sentence = info.sentence.text
    # the few substring tests (C) first: of an article's sentences that pass, most name "exon"
    if (
        starts is not None
        and sentence.isascii()
        and not cues.holds_any(info.lower, starts)
        and (not may_name_protein_change(info) or _VARIANT_OPENING.search(sentence) is None)
    ):
        return found  # no protein change, numbered noun or listed name: the pattern cannot match
    data = vocab.load("cues")["subgroups"]
    names = _subgroup_names()
    for match in _subgroup_matches(context.text, info):
        variant = match.group("v1") or match.group("v2")
        if variant:
            key = variant.upper()
        elif match.group("num"):
            words = match.group("num").lower().split()
            key = f"{words[0].rstrip('s')} {words[-1]}"
        else:
            written = re.sub(r"[\s-]+", " ", match.group("name").lower())
            key = names.get(written, written)
        end = match.end()
        suffix = _negative_after_pattern().match(context.text, end, info.end)
        negated_before = _negated_before(context.text, info, match.start(), data["negative_before"])
        if match.group("neg") or suffix or negated_before:
            key = f"non-{key}"  # "non-D842V", "fusion-negative", "patients without D816V"
        if suffix:
            end = suffix.end()
        label = " ".join(context.text[match.start() : end].split())
        found.append(SubgroupMention(key, label, match.start(), end))
    return found


_LETTER_RUNS = re.compile(r"[A-Za-z]+")
_NEGATED_BEFORE_WINDOW = 30


def _negated_before(text: str, info: SentenceInfo, start: int, negative_before: list[str]) -> bool:
    """Whether the last run of letters in the 30 characters of the sentence before a subgroup is
    a negative_before word ("patients without D816V"). That run, lowercased, is in the sentence's
    lowercase there, so where no such word is (most subgroups) the runs are not listed."""
    window = max(info.start, start - _NEGATED_BEFORE_WINDOW)
    lowered, offset = info.lower, info.start
    for word in _negative_before_gate():  # (a loop: no generator per subgroup)
        if lowered.find(word, window - offset, start - offset) >= 0:
            break
    else:
        return False
    words_before = _LETTER_RUNS.findall(text, window, start)
    return bool(words_before) and words_before[-1].lower() in negative_before


@vocab.cached
def _negative_before_gate() -> tuple[str, ...]:
    """The negative_before words a run of ASCII letters, lowercased, can equal (any other never
    does), less each that holds another: "lack" for "lacking" and "lacked"."""
    words = vocab.load("cues")["subgroups"]["negative_before"]
    return cues.substring_gate(
        str(w) for w in words if str(w).isascii() and str(w).isalpha() and str(w).islower()
    )


@dataclass(slots=True)
class Subgroups:
    """Biomarker subgroups of the one population a document is about; a subgroup becomes a
    population of its own (`arm` set to its name) once a result is stated for it."""

    base: PopulationDraft
    labels: dict[str, str] = field(default_factory=dict)

    def key_of(self, subgroup: str) -> str:
        return f"{self.base.key}|sub:{subgroup}"

    def owns(self, key: str) -> bool:
        return key.startswith(f"{self.base.key}|sub:")

    def draft(self, key: str, by_key: dict[str, PopulationDraft], drafts: list[PopulationDraft]) -> None:
        if key in by_key:
            return
        name = self.labels.get(key, key.split("|sub:", 1)[1])
        draft = PopulationDraft(key, f"{self.base.label}, {name}", self.base.mention, arm=name)
        draft.evidence = self.base.evidence
        by_key[key] = draft
        drafts.append(draft)

    def anchors(self, context: Context, info: SentenceInfo) -> list[tuple[int, int, str]]:
        """Where a sentence names subgroups, when it gives them results of their own: two or more
        subgroups side by side ('exon 9 ..., compared with exon 11 ...'), or one in the opening
        phrase ('In the patients with the D816V mutation, ...'); a subgroup named in passing
        ('5 of 20 responded, all among the 6 without D816V') is not where the result belongs."""
        mentions = find_subgroups(context, info)
        if not mentions:
            return []
        if len({m.key for m in mentions}) < 2:
            opening = _opening_pattern().match(context.text, info.start, info.end)
            mentions = [
                m
                for m in mentions
                if (opening and m.end <= opening.end())
                or (
                    not m.key.startswith("non-")
                    and _in_patients_with().search(context.text, max(info.start, m.start - 45), m.start)
                )
            ]
        result = []
        for mention in mentions:
            key = self.key_of(mention.key)
            self.labels[key] = mention.label  # the words of the sentence that gives the result
            result.append((mention.start, mention.end, key))
        return result

    def read_sizes(self, context: Context, by_key: dict[str, PopulationDraft]) -> None:
        """After the results are read, the sizes of the subgroups that have results: '222 (76.6%)
        in exon 11', '14 with wild-type tumors', 'exon 9 (n = 35)'. A sentence that states a
        response gives none (its numbers count responders)."""
        responses = cues.matcher("responses", "responses", key_field="category")
        for info in context.sentences:
            if not info.numbers or not info.reports_results:
                continue
            mentions = find_subgroups(context, info)
            if not mentions or responses.any(context.text, info.start, info.end):
                continue
            for mention in mentions:
                draft = by_key.get(self.key_of(mention.key))
                if draft is None or draft.n is not None:
                    continue
                number = _subgroup_size(context, info, mention)
                if number is not None:
                    draft.n = Quantity(number.value, info.cite(number.start, max(number.end, mention.end)))


# "In the patient who expressed the X rearrangement, ...", "Among those with exon 11 mutations, ...".
# "Results: " before an opening's words: `(?:[A-Z][A-Za-z ]{0,20}:\s*)?` as re.I reads it, written
# with case-sensitive sets of the same characters (the letters, and the "İ", "ı", "ſ" and Kelvin
# sign that re.I folds into them): re tests a case-blind set by folding each character's case first
# (~2,600 instructions a sentence for this label), a case-sensitive one from a bitmap (~1,000).
# The same matches (tests/test_speed_readers_8.py).
_LETTER = case_blind_class(string.ascii_uppercase)
_LETTER_OR_SPACE = case_blind_class(string.ascii_uppercase, " ")
assert _LETTER and _LETTER_OR_SPACE  # ASCII letters always have their class (None is for others)
_LABEL_OPENING = rf"(?:{_LETTER}{_LETTER_OR_SPACE}{{0,20}}:\s*)?"


@vocab.cached
def _opening_pattern() -> re.Pattern[str]:
    """A sentence's opening phrase: "In the patient who expressed the X rearrangement, ..."."""
    return re.compile(rf"\s*{_LABEL_OPENING}{_words('openings')}\s[^,;:]{{1,120}}?,", re.I)


@vocab.cached
def _in_patients_with() -> re.Pattern[str]:
    """ "... were observed in patients with mutations in exon 11": the result is the subgroup's."""
    return re.compile(
        rf"\b{_words('among')}\s+(?:the\s+)?{_words('carriers')}\s+{_words('carrying')}\s+"
        r"(?:an?\s+|the\s+)?(?:[A-Za-z][A-Za-z0-9\-]{1,12}\s+){0,3}$",
        re.I,
    )


@vocab.cached
def _size_gap_pattern() -> re.Pattern[str]:
    """Between a number and its subgroup: "14 patients with KIT exon 9", "222 (76.6%) in exon 11"."""
    return re.compile(
        rf"\s*(?:\([^()]*\)\s*)?(?:{_words('size_nouns')}\s+)?"
        rf"{_words('size_links')}\s+(?:an?\s+|the\s+)?(?P<gene>[A-Za-z][A-Za-z0-9\-]{{1,12}}\s+)?$"
    )


_FOUND_IN = re.compile(
    r"\s*\)?\s*(?:was|were)\s+(?:confirmed|found|present|detected|identified|diagnosed|seen)\s+in\s+"
    r"(?:the\s+)?(?P<n>\d+)\s+(?:patients|cases|participants|subjects|tumou?rs)\b",
    re.I,
)


def _subgroup_size(context: Context, info: SentenceInfo, mention: SubgroupMention) -> Num | None:
    """'222 (76.6%) in exon 11', '14 patients with KIT exon 9', 'exon 9 (n = 35)'."""
    after = re.match(r"\s*(?:mutations?\s*)?\(\s*n\s*=\s*", context.text[mention.end : info.end])
    found_in = _FOUND_IN.match(context.text, mention.end, info.end)
    if found_in is not None:
        # "fibrosarcomatous transformation (FS-DFSP) was confirmed in 16 patients (52%)"
        return next((x for x in info.numbers if x.start == found_in.start("n") and x.is_int), None)
    genes = {str(g).lower() for names in vocab.load("cues")["genes"].values() for g in names}
    for number in info.numbers:
        if number.percent or not number.is_int:
            continue
        if after and number.start == mention.end + after.end():
            return number
        if number.end <= mention.start:
            gap = _size_gap_pattern().fullmatch(context.text, number.end, mention.start)
            if gap and (not gap.group("gene") or gap.group("gene").strip().lower() in genes):
                return number
    return None


def subgroup_design(context: Context, drafts: list[PopulationDraft]) -> Subgroups | None:
    """Subgroups apply to a document about one population."""
    whole = [d for d in drafts if d.arm is None]
    return Subgroups(whole[0]) if len(drafts) == 1 and whole else None


# Cohorts: patients picked out by what happened to them, inside the sentence that reports on them.
# "Of 14 patients who had neoadjuvant imatinib, 9 had a partial response ...": a population of 14
# apart from the study's. The condition must carry a cue of cues.yaml `cohorts` (a treatment
# setting, a duration, a dose change, progression); "Of the 40 patients treated, ..." is the study.
@vocab.cached
def _people() -> str:
    """The people of a cohort: "14 patients who had neoadjuvant imatinib"."""
    return rf"(?:{_words('cohort_people')}\s+)"


@vocab.cached
def _cohort_opening_pattern() -> re.Pattern[str]:
    """ "Of 14 patients who had neoadjuvant imatinib, ..."."""
    return re.compile(
        rf"\s*{_LABEL_OPENING}{_words('cohort_openings')}\s+(?:the\s+|these\s+|those\s+)?"
        rf"(?P<n>[\w-]+)\s+{_people()}?"
        rf"(?P<cond>{_words('cohort_conditions')}\b[^,;:]{{3,160}}?)\s*,",
        re.I,
    )


@vocab.cached
def _cohort_inline_pattern() -> re.Pattern[str]:
    """ "9 of the 14 patients who had neoadjuvant imatinib achieved a partial response"."""
    return re.compile(
        rf"\b(?P<count>[\w-]+)\s+of\s+(?:the\s+)?(?P<n>[\w-]+)\s+{_people()}(?P<cond>who\s+[^,;()]{{3,120}}?)\s+"
        rf"{_words('cohort_result_verbs')}\b",
        re.I,
    )


_COHORT_AFTER = re.compile(
    r"\bafter\s+(?P<cond>(?:[A-Za-z]+\s+){0,3}?[A-Za-z]+\s+to\s+\d+[^()]{0,40}?)\s*"
    r"\(\s*(?P<count>\d+)\s*/\s*(?P<n>\d+)\s*\)",
    re.I,
)


@vocab.cached
def _cohort_subject_pattern() -> re.Pattern[str]:
    """ "Twelve patients who progressed were treated with 800 mg"."""
    return re.compile(
        rf"\s*{_LABEL_OPENING}(?P<n>[\w-]+)\s+{_people()}"
        rf"(?P<cond>(?:who\s+[^,;]{{3,120}}?\s+)?"
        rf"{_words('cohort_treatment_verbs')}\s+[^,;.]{{3,100}})",
        re.I,
    )


@vocab.cached
def _median_clause() -> re.Pattern[str]:
    """Where a cohort's condition gives way to its follow-up: " for a median of 14 months"."""
    return re.compile(rf"\s+{_words('median_links')}\s+(?:a\s+)?median\b", re.I)


@vocab.cached
def _dose_per_day() -> re.Pattern[str]:
    """A dose changed to: "escalated to 800 mg daily"."""
    return re.compile(rf"\bto\s+(?P<mg>\d+)\s*-?\s*mg\s*(?:/\s*d(?:ay)?\b|{_words('per_day')}\b)", re.I)


@record
class CohortMention:
    """A cohort named in a sentence. `results`: the sentence reports on it (the clause or the
    whole sentence is the cohort's); otherwise it only gives the cohort's size."""

    n: Num
    label: str
    start: int
    end: int
    results: bool
    dose_mg: float | None
    setting: bool  # named by its treatment setting ("postoperative"): kept with a size alone
    whole_sentence: bool = False  # it opens the sentence, or its result comes before it ("after ...")
    # The cohort's count when the mention carries it: "two of the 12 ... achieved", "(0/9)".
    count: Num | None = None


def _cohort_cues() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    data = vocab.load("cues")["cohorts"]
    return (
        tuple(str(w).lower() for w in data["condition_cues"]),
        tuple(str(w).lower() for w in data["not_cohort"]),
        frozenset(str(w).lower() for w in data["settings"]),
    )


@vocab.cached
def _duration() -> re.Pattern[str]:
    """'for at least 6 months', 'more than two cycles': a duration with its time unit."""
    data = vocab.load("cues")["cohorts"]
    return re.compile(
        rf"\b(?:{alternation_of(data['durations'])})\s+(?:[\w-]+\s+)?(?:{alternation_of(data['duration_units'])})\b",
        re.I,
    )


@vocab.cached
def _prior() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{alternation_of(vocab.load('cues')['cohorts']['prior'])})\b", re.I)


def alternation_of(words: object) -> str:
    """A regex alternation of vocabulary words, longest first, any run of spaces between words."""
    items = sorted((str(word) for word in words or []), key=len, reverse=True)  # type: ignore[attr-defined]
    return "|".join(re.escape(item).replace(r"\ ", r"\s+") for item in items)


def _condition(text: str) -> tuple[bool, bool]:
    """(is a cohort condition, is named by a treatment setting)."""
    cues_, excluded, settings = _cohort_cues()
    words = re.findall(r"[a-z][a-z\-]*", text.lower())
    joined = " ".join(words)
    if any(word.startswith(excluded) for word in words):
        return False, False
    setting = any(word in settings for word in words)
    found = (
        setting
        or any(word.startswith(cues_) for word in words)
        or any(" " in cue and f" {cue} " in f" {joined} " for cue in cues_)
        or _duration().search(text) is not None
    )
    return found, setting


def _setting_in_design(context: Context, info: SentenceInfo, condition: str) -> bool:
    """A size-only cohort named by its setting is one the study is about: the setting is not
    therapy before the study ('received adjuvant imatinib before enrollment'), and another
    sentence of the document names a treatment setting too, so the study tells settings apart
    ('Of 14 patients who received neoadjuvant imatinib, ...'; '... after preoperative and/or
    postoperative imatinib')."""
    if _prior().search(condition):
        return False
    return any(_named_outside(context.text, setting, info.start, info.end) for setting in _cohort_cues()[2])


class _SettingIndex:
    """Where each setting word occurs in one text, lowercased once: a document of n cohort
    sentences asked, for each, whether another sentence names a setting; once over the text now."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lowered = vocab.lowercase(text)
        self.positions: dict[str, list[int]] = {}

    def named_outside(self, setting: str, start: int, end: int) -> bool:
        """setting in (text[:start] + " " + text[end:]).lower(), without building that string."""
        positions = self.positions.get(setting)
        if positions is None:
            positions = self.positions[setting] = []
            at = self.lowered.find(setting)
            while at >= 0:
                positions.append(at)
                at = self.lowered.find(setting, at + 1)
        size = len(setting)
        if positions and (positions[0] + size <= start or positions[-1] >= end):
            return True
        return setting in self.lowered[max(0, start - size) : start] + " " + self.lowered[end : end + size]


_SETTING_INDEX: list[_SettingIndex | None] = [None]


def _named_outside(text: str, setting: str, start: int, end: int) -> bool:
    index = _SETTING_INDEX[0]
    if index is None or index.text is not text:
        index = _SETTING_INDEX[0] = _SettingIndex(text)
    return index.named_outside(setting, start, end)


def evaluated_opening(context: Context, info: SentenceInfo) -> Num | None:
    """'Of the 36 patients who had at least one tumor assessment, 12 had a partial response': the
    opening names the response denominator (cues.yaml cohorts.evaluated), not a cohort."""
    if not _sized_by_a_whole_number(info):
        return None  # the opening's number must be a whole number above 0 (below)
    opening = _cohort_opening(context, info)
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


def find_cohorts(context: Context, info: SentenceInfo) -> list[CohortMention]:
    """The cohorts a sentence names by a condition: 'Of 14 patients who had neoadjuvant imatinib,
    ...', 'two of the 12 patients who were escalated to 800 mg/day achieved ...', '... after
    raising the dose to 800 mg/day (0/9)', 'Nine patients received adjuvant imatinib'. Read once
    per sentence (extract asks twice: for the anchors, then for the counts)."""
    found = info.cached.get("cohorts")
    if found is None:
        found = info.cached["cohorts"] = _find_cohorts(context, info)
    return list(found)  # type: ignore[call-overload]


def _sized_by_a_whole_number(info: SentenceInfo) -> bool:
    """A sentence with a whole number above 0: what sizes every cohort (read once per sentence)."""
    sized = info.cached.get("whole_number")
    if sized is None:
        sized = False
        for x in info.numbers:  # a loop, not any() over a generator: most sentences have a few numbers
            if x.is_int and x.value > 0:
                sized = True
                break
        info.cached["whole_number"] = sized
    return sized  # type: ignore[return-value]


def _cohort_opening(context: Context, info: SentenceInfo) -> re.Match[str] | None:
    """ "Of 14 patients who had neoadjuvant imatinib, ...": the sentence's cohort opening, matched
    once per sentence (the evaluable reader and the cohort reader both ask)."""
    if "cohort_opening" not in info.cached:
        info.cached["cohort_opening"] = _cohort_opening_pattern().match(context.text, info.start, info.end)
    return info.cached["cohort_opening"]  # type: ignore[return-value]


# Words every match of the inline pattern ("9 of the 14 patients who ...") and of _COHORT_AFTER
# ("after ... (0/9)") holds. Without "i", "k" or "s" (which case-blind matching also reads as "İ",
# the Kelvin sign, "ſ"), a case-blind match of them is in the lowercased sentence as written.
_INLINE_WORDS = ("who", "of")
_AFTER_WORDS = ("after", "/")


def _holds_all(lowered: str, words: tuple[str, ...]) -> bool:
    """Whether every one of the words is in the lowercased sentence (a loop, as cues.holds_any)."""
    for word in words:  # noqa: SIM110
        if word not in lowered:
            return False
    return True


def _find_cohorts(context: Context, info: SentenceInfo) -> list[CohortMention]:
    if not _sized_by_a_whole_number(info):
        return []  # every cohort is sized by one of the sentence's whole numbers (number_at)
    text = context.text
    found: list[CohortMention] = []

    def number_at(start: int, end: int) -> Num | None:
        return next(
            (x for x in info.numbers if x.start == start and x.end == end and x.is_int and x.value > 0), None
        )

    def add(match: re.Match[str], results: bool, subject: bool = False, whole: bool = False) -> None:
        n = number_at(match.start("n"), match.end("n"))
        if n is None:
            return
        cond = " ".join(match.group("cond").split())
        is_cohort, setting = _condition(cond)
        if setting and not results:
            setting = _setting_in_design(context, info, cond)
        if not is_cohort or (subject and not setting and not results and not _dose_per_day().search(cond)):
            return
        dose = _dose_per_day().search(cond)
        label = ("patients after " if match.re is _COHORT_AFTER else "patients ") + _median_clause().split(
            cond
        )[0].strip()
        count = None
        if "count" in match.groupdict():
            count = next(
                (
                    x
                    for x in info.numbers
                    if x.start == match.start("count") and x.is_int and x.value <= n.value
                ),
                None,
            )
        found.append(
            CohortMention(
                n,
                label,
                match.start(),
                match.end(),
                results,
                float(dose.group("mg")) if dose else None,
                setting,
                whole,
                count,
            )
        )

    opening = _cohort_opening(context, info)
    if opening:
        add(opening, True, whole=True)
    else:
        subject = _cohort_subject_pattern().match(text, info.start, info.end)
        if subject:
            add(subject, False, subject=True)
    # Each pattern is run only where its words are written (all of them, lowercase).
    lowered = info.lower
    if _holds_all(lowered, _INLINE_WORDS):
        for match in _cohort_inline_pattern().finditer(text, info.start, info.end):
            add(match, True)
    if _holds_all(lowered, _AFTER_WORDS):
        for match in _COHORT_AFTER.finditer(text, info.start, info.end):
            add(match, True, whole=True)
    return found


@dataclass(slots=True)
class Cohorts:
    """Cohorts of the one population a document is about. A cohort becomes a population of its
    own (`arm` set to its condition) when a result is stated for it, or when it is named by its
    treatment setting; mentions of one size are one cohort ('fifteen patients who progressed were
    escalated ...'; later 'one of the 15 patients who were escalated ...')."""

    base: PopulationDraft
    pending: dict[str, tuple[CohortMention, Evidence]] = field(default_factory=dict)

    def key_of(self, mention: CohortMention) -> str:
        return f"{self.base.key}|cohort:{int(mention.n.value)}"

    def owns(self, key: str) -> bool:
        return key.startswith(f"{self.base.key}|cohort:")

    def is_cohort(self, mention: CohortMention) -> bool:
        """A cohort is smaller than the study and is not its response denominator."""
        n, evaluable = self.base.n, self.base.n_evaluable
        if n is not None and mention.n.value >= n.value:
            return False
        return evaluable is None or mention.n.value != evaluable.value

    def note(
        self,
        info: SentenceInfo,
        mentions: list[CohortMention],
        by_key: dict[str, PopulationDraft],
        drafts: list[PopulationDraft],
    ) -> list[tuple[int, int, str]]:
        """Record the sentence's cohorts; return the anchors of those it reports results for."""
        anchors = []
        for mention in mentions:
            if not self.is_cohort(mention):
                continue
            key = self.key_of(mention)
            evidence = info.cite(mention.start, mention.end)
            if key not in by_key and not (mention.results or mention.setting):
                self.pending.setdefault(key, (mention, evidence))
                continue
            draft = by_key.get(key)
            earlier = self.pending.get(key)
            if draft is None:
                first, cited = earlier or (mention, evidence)
                draft = PopulationDraft(
                    key, f"{self.base.label}, {first.label}", self.base.mention, arm=first.label
                )
                draft.evidence = cited
                draft.n = Quantity(first.n.value, cited)
                by_key[key] = draft
                drafts.append(draft)
            for source, cited in (earlier, (mention, evidence)) if earlier else ((mention, evidence),):
                if source.dose_mg is not None and not draft.doses:
                    draft.doses.append(Dose(source.dose_mg, f"{int(source.dose_mg)} mg/day", "daily", cited))
            if mention.results:
                if not mention.whole_sentence and mention.start > info.start:
                    # "PR in 10, and two of the 12 patients who were escalated ...": what comes
                    # before the cohort is the study's.
                    anchors.append((info.start, info.start, self.base.key))
                anchors.append((mention.start, mention.end, key))
        return sorted(set(anchors))


def cohort_design(drafts: list[PopulationDraft]) -> Cohorts | None:
    """Cohorts apply to a document about one population."""
    whole = [d for d in drafts if d.arm is None]
    return Cohorts(whole[0]) if len(drafts) == 1 and whole else None


# Groups declared with their size in a bracket, two or more in one sentence: "a phase II study of
# EosMPD (n = 21) with PDGFRA rearrangement (FIP1L1-PDGFRA, n = 17) or PDGFRB (n = 4) and HES (no
# marker, n = 14)", "subjects with a myeloid neoplasm (FP; n = 12) or ... (SR; n = 5)".
_SIZED_BRACKET = re.compile(r"\((?P<inner>[^()]{0,80}?)\bn\s*=\s*(?P<n>\d+)\s*\)", re.I)
_WORD_BEFORE = re.compile(r"(?:(?P<w0>[A-Za-z][\w\-/]*)\s+)?(?P<w1>[A-Za-z][\w\-/]*)\s*$")
_ABBREVIATION = re.compile(r"[A-Z][A-Za-z0-9\-]*")


@dataclass(slots=True)
class DeclaredGroup:
    """One group of a sized list: its name as written, the names later sentences call it by, its
    size, and the tumor mention when the name is a tumor type."""

    key: str
    name: str
    aliases: tuple[str, ...]
    n: Quantity
    mention: TumorMention | None
    bracket: tuple[int, int]


def _is_abbreviation(word: str) -> bool:
    """'EosMPD', 'MHES', 'FP': a name written with two or more capitals."""
    return bool(_ABBREVIATION.fullmatch(word)) and sum(c.isupper() for c in word) >= 2


def _group_name(
    context: Context, info: SentenceInfo, bracket: re.Match[str]
) -> tuple[str, tuple[str, ...], TumorMention | None] | None:
    """The name of the group a sized bracket closes: an abbreviation inside it ('(FP; n = 12)'),
    else the tumor type, gene, biomarker or abbreviation right before it ('PDGFRB (n = 4)', 'the FP
    group (n = 16)'). People nouns alone ('patients (n = 30)') name no group."""
    data = vocab.load("cues")["declared_groups"]
    group_nouns = {str(w).lower() for w in data["group_nouns"]}
    inner = bracket.group("inner").strip(" ,;:")
    if inner and " " not in inner and _is_abbreviation(inner):
        return inner, (inner,), None
    before = _WORD_BEFORE.search(context.text, info.start, bracket.start())
    if before is None:
        return None
    word = before.group("w1")
    name, alias = word, word
    if word.lower() in group_nouns:
        if not before.group("w0"):
            return None
        alias = before.group("w0")
        name = f"{alias} {word}"
    genes = {str(g).lower() for names in data_genes().values() for g in names}
    mention = next((m for m in info.tumors if m.evidence.end == before.start("w1") + len(alias)), None)
    known = (
        mention is not None
        or alias.lower() in genes
        or _is_abbreviation(alias)
        or bool(_subgroup_pattern().fullmatch(alias))
    )
    if not known or alias.lower() in {str(w).lower() for w in data["not_names"]}:
        return None
    aliases = [name]
    for found in _subgroup_pattern().finditer(inner):
        aliases.append(found.group(0))  # "PDGFRA (FIP1L1-PDGFRA fusion gene, n = 17)"
    return name, tuple(aliases), mention


def data_genes() -> dict[str, list[str]]:
    return vocab.load("cues")["genes"]


def declared_groups(context: Context) -> list[DeclaredGroup]:
    """Every group of a sentence that lists two or more groups with their sizes; one name with
    another size elsewhere is another group (the prospective FP cohort of 12 is not the FP group of
    16 that adds the retrospective patients)."""
    groups: dict[tuple[str, float], DeclaredGroup] = {}
    responses = cues.matcher("responses", "responses", key_field="category")
    text = context.text
    for info in context.sentences:
        if info.kind == "title" or text.find("=", info.start, info.end) < 0:
            continue  # every sized bracket holds "n = ...": most sentences have no "=" (a C search)
        if not _SIZED_BRACKET.search(text, info.start, info.end):
            continue
        if responses.any(context.text, info.start, info.end):
            continue  # "responses in one leiomyosarcoma (n = 14), ...": list items of a result
        found = []
        for bracket in _SIZED_BRACKET.finditer(context.text, info.start, info.end):
            named = _group_name(context, info, bracket)
            number = next((x for x in info.numbers if x.start == bracket.start("n")), None)
            if named is None or number is None or not number.is_int or number.value <= 0:
                continue
            name, aliases, mention = named
            n = Quantity(number.value, info.cite(bracket.start(), bracket.end()))
            found.append(DeclaredGroup("", name, aliases, n, mention, (bracket.start(), bracket.end())))
        if len(found) < 2:
            continue
        for group in found:
            groups.setdefault((group.name.lower(), group.n.value), group)
    result = list(groups.values())
    if len(result) < 2:
        return []  # most documents declare no groups: no keys to work out
    codes = Counter(g.mention.code for g in result if g.mention is not None)
    for group in result:
        if group.mention is not None and codes[group.mention.code] == 1:
            group.key = group.mention.code  # "HES (n = 14)": the tumor type's own population
        else:
            group.key = f"grp:{group.name}:{int(group.n.value)}"
    return result


@dataclass(slots=True)
class GroupDesign:
    """The declared groups of a document, each a population (`arm` set to its name)."""

    groups: list[DeclaredGroup]

    def drafts(self, base: PopulationDraft) -> list[PopulationDraft]:
        result = []
        for group in self.groups:
            mention = group.mention or base.mention
            arm = group.aliases[-1] if len(group.aliases) > 1 else group.name
            label = f"{base.label}, {arm}" if group.mention is None else _label_or(group)
            draft = PopulationDraft(group.key, label, mention, n=group.n, arm=arm)
            draft.evidence = group.n.evidence
            result.append(draft)
        return result

    def anchors(self, context: Context, info: SentenceInfo) -> list[tuple[int, int, str]]:
        """Where a sentence names a group by one of its names ('In FIP1L1-PDGFRA positive pts,
        ...'). A name two groups share goes to the one whose sized bracket follows it, else to none."""
        by_alias: dict[str, list[DeclaredGroup]] = {}
        for group in self.groups:
            for alias in group.aliases:
                by_alias.setdefault(alias.lower(), []).append(group)
        if not by_alias:
            return []
        pattern = "|".join(re.escape(a) for a in sorted(by_alias, key=len, reverse=True))
        result = []
        names = re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.I)
        for match in names.finditer(context.text[info.start : info.end]):
            start, end = info.start + match.start(), info.start + match.end()
            owners = by_alias[match.group(0).lower()]
            if len(owners) > 1:
                owners = [
                    g for g in owners if start <= g.bracket[0] and context.text[end : g.bracket[0]].isspace()
                ]
            if len(owners) == 1:
                result.append((start, end, owners[0].key))
        return result


def _label_or(group: DeclaredGroup) -> str:
    return " ".join(group.mention.as_written.split()) if group.mention else group.name


def group_design(context: Context) -> GroupDesign | None:
    """Declared groups apply to a document about one population (the caller checks)."""
    groups = declared_groups(context)
    return GroupDesign(groups) if groups else None
