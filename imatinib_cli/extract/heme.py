"""The hematologic axis: hematologic, cytogenetic and molecular responses of blood diseases.

A CML abstract's "complete cytogenetic response in 82%" is not a tumor response: reading it as CR
or ORR would put leukemia rates next to GIST response rates in `compare`. Response phrases of
vocab/hematologic.yaml are read by the same walk as tumor responses (extract/response.py) and
attached to populations the same way; this module says which categories are on the axis, where a
result's time point is, and (`settle`) what a population keeps once its disease is known:

- a leukemia (CML, Ph+ ALL) keeps no tumor CR/PR/SD/PD/NE/ORR; "complete remission (CR) rate of
  95%" is its hematologic complete remission (CHR);
- another myeloid disease (HES, mastocytosis, MPN) keeps a complete or partial response/remission
  the document states, and a complete hematologic remission is also its CR; "96% responded" (kind
  not stated) is no tumor ORR;
- any other population (a solid tumor, no tumor named) keeps no value on the axis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.models import HemeResponse, ResponseCount
from imatinib_cli.regexes import case_blind_alternation
from imatinib_cli.resolve_rules import BLOOD, LEUKEMIA, disease_kind


@vocab.cached
def heme_axes() -> dict[str, str]:
    """category -> axis, for the categories of vocab/hematologic.yaml ("ccyr" -> "cytogenetic")."""
    return {
        str(entry["category"]): str(entry["axis"])
        for entry in vocab.load("hematologic")["responses"]
        if entry.get("category") != "none" and entry.get("axis")
    }


def is_heme(category: str) -> bool:
    return category in heme_axes()


@vocab.cached
def category_matcher() -> vocab.Matcher:
    """Tumor and hematologic response phrases in one matcher, so the longer phrase wins
    ("major cytogenetic response" over "response")."""
    triples: list[tuple[str, str, Mapping[str, Any]]] = []
    for name in ("responses", "hematologic"):
        for entry in vocab.load(name)["responses"]:
            key = str(entry.get("category"))
            triples.extend((str(synonym), key, entry) for synonym in entry.get("synonyms") or ())
    return vocab.Matcher(triples)


@vocab.cached
def _timepoint_pattern() -> re.Pattern[str]:
    data = vocab.load("hematologic")
    openers = sorted((str(w) for w in data["timepoint_openers"]), key=len, reverse=True)
    unit_words = {str(w) for synonyms in vocab.load("cues")["time_units"].values() for w in synonyms}
    units = sorted(unit_words, key=len, reverse=True)
    periods = sorted((str(w) for w in data["timepoint_periods"]), key=len, reverse=True)
    unit = "|".join(re.escape(w) for w in units)
    period = "|".join(re.escape(w) for w in periods)
    number = r"\d+(?:\.\d+)?"
    # At most 16 numbers in a list ("at 3, 6 and 12 months" has 3): "and" and "or" open a time point
    # too, so in a long list with no unit after it every "and" walked to the list's end.
    numbers = rf"{number}(?:\s*(?:,|and|or|-|–|to)\s*{number}){{0,15}}"
    after_opener = (
        rf"\s+(?:"
        rf"{numbers}[\s-]*(?:{unit})s?\b"  # "at 3, 6 and 12 months", "by 24 months", "within 1 or 3 mo"
        rf"|(?:{period})s?\s+{number}\b"  # "at month 6", "by the end of course 2"
        rf")"
    )
    if not all(word[:1].isascii() and word[:1].isalpha() for word in openers):
        opener = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in openers)
        return re.compile(rf"\b(?:(?:{opener}){after_opener}|{number}-(?:{unit})\b)", re.I)
    by_letter: dict[str, list[str]] = {}
    for word in openers:  # longest first, kept so within each first letter
        by_letter.setdefault(word[0].lower(), []).append(re.escape(word[1:]).replace(r"\ ", r"\s+"))
    # "\b(?:(?:at|by|...)\s+...|\d+...-month\b)" written so that it opens with the character it
    # consumes, case-sensitive: re then skips in C to the next opener's first letter or digit
    # instead of trying the boundary and every opener at each character (regexes.
    # case_blind_alternation). The same matches as the plain pattern (tests/test_extract_prefilters.py).
    options = [(letter, "(?:" + "|".join(rests) + ")" + after_opener) for letter, rests in by_letter.items()]
    options.append((r"\d", rf"\d*(?:\.\d+)?-(?:{unit})\b"))
    return re.compile(case_blind_alternation(options), re.I)


# The time points of the last few spans of one text: every result in a sentence asks for its
# sentence's time points (in_timepoint, timepoint_of), and scanning the sentence again for each made a
# sentence of n results cost n times its length.
_TIMEPOINTS_SEEN: list[tuple[str, object, dict[tuple[int, int], tuple[tuple[int, int, str], ...]]]] = [
    ("", None, {})
]
_TIMEPOINTS_KEPT = 64


def timepoints(text: str, start: int, end: int) -> tuple[tuple[int, int, str], ...]:
    """Time points in text[start:end] with their offsets: "at 12 months", "by the end of course 2",
    "12-month". Their numbers are never counts of patients. Found once per span and kept (the
    readers ask again per result read: in_timepoint), as a tuple, since every caller shares it."""
    # (text, pattern, its spans): one object, so a thread never reads another's; a new pattern (the
    # vocabularies changed) starts afresh.
    seen = _TIMEPOINTS_SEEN[0]
    if seen[0] is not text or seen[1] is not _timepoint_pattern() or len(seen[2]) >= _TIMEPOINTS_KEPT:
        seen = _TIMEPOINTS_SEEN[0] = (text, _timepoint_pattern(), {})
    known = seen[2].get((start, end))
    if known is None:
        known = seen[2][(start, end)] = _find_timepoints(text, start, end)
    return known


_LEADING_JOIN = re.compile(r"^(?:and|or)\s+", re.I)


@vocab.cached
def _timepoint_gate() -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """What every time point holds, for ASCII text: a digit then a unit's first two letters ("12
    months", "3-mo", "7 d"), or a period word ("cycle 2"). Most spans that reach the time-point
    pattern hold neither (~4 in 5 of the generated abstracts' clauses). The first is a search that
    stops only at digits; the period words (lowercase) are tested as substrings of the lowercased
    span, a C scan each: one search for both stopped at every "c", "m", "w" and "y" as well
    (~5 µs a 180-character clause against ~3). Case-sensitive, each unit letter as its two ASCII
    cases: what re.I reads in ASCII text, without its per-character case folding. None when a
    unit or period is not ASCII letters. Checked against the pattern and against the one search
    it replaces in tests/test_extract_setup_shortcuts.py and tests/test_speed_tox.py."""
    units = {str(w).lower() for synonyms in vocab.load("cues")["time_units"].values() for w in synonyms}
    periods = sorted({str(w).lower() for w in vocab.load("hematologic")["timepoint_periods"]})
    if not all(word.isascii() and word.isalpha() for word in units | set(periods)):
        return None
    heads = {unit[:2] for unit in units}
    heads = {head for head in heads if not any(other != head and head.startswith(other) for other in heads)}
    unit = "|".join(_both_cases(head) for head in sorted(heads))
    return re.compile(rf"[0-9][\s\-]*(?:{unit})"), tuple(periods)


def _both_cases(word: str) -> str:
    """'mo' -> '[mM][oO]': an ASCII word in either case, letter by letter."""
    return "".join(f"[{ch}{ch.upper()}]" for ch in word)


def _find_timepoints(text: str, start: int, end: int) -> tuple[tuple[int, int, str], ...]:
    gate = _timepoint_gate()
    if (
        gate is not None
        and (text.isascii() or text[start:end].isascii())
        and gate[0].search(text, start, end) is None
        and not cues.holds_any(text[start:end].lower(), gate[1])
    ):
        # (the pattern's digits are any Unicode digit: the gate is for ASCII text only)
        return ()
    found = []
    for match in _timepoint_pattern().finditer(text, start, end):
        words = _LEADING_JOIN.sub("", " ".join(match.group(0).split()).rstrip("."))
        words = words[:1].lower() + words[1:]  # "At 12 months" and "at 12 months" are one time point
        found.append((match.start(), match.start() + len(match.group(0).rstrip(". ")), words))
    return tuple(found)  # kept and shared by timepoints: a tuple, so no reader can change it


def timepoint_of(text: str, sentence: tuple[int, int], hit: tuple[int, int]) -> str | None:
    """The time point a result in `sentence` is stated for: one inside the result ("MMR at 12
    months was 40%"), else the nearest one before it in the sentence ("at 6 months (MCyR: 34% arm
    A ...)"), else one right after it in its clause ("CCyR in 37% at 12 months")."""
    found = timepoints(text, *sentence)
    inside = [t for t in found if hit[0] <= t[0] and t[1] <= hit[1]]
    if inside:
        return inside[0][2]
    before = [t for t in found if t[1] <= hit[0]]
    if (
        len(before) > 1
        and _opens(text, sentence, before[0])
        and _CLAUSE_END.search(text, before[-1][1], hit[0])
    ):
        # "At 12 months, following a dose reduction at month 6, the rates of MCyR were ...": the
        # sentence's own time point, not one said in passing in another clause.
        return before[0][2]
    if before:
        return before[-1][2]
    limit = next(
        (
            end.start()
            for end in _CLAUSE_END.finditer(text, hit[1], sentence[1])
            if not any(s <= end.start() < e for s, e, _ in found)  # "at 3, 6 and 12 months"
        ),
        sentence[1],
    )
    after = [t for t in found if hit[1] <= t[0] and t[1] <= limit]
    return after[0][2] if after else None


def _opens(text: str, sentence: tuple[int, int], timepoint: tuple[int, int, str]) -> bool:
    """'At 12 months, ...': the time point opens the sentence and a comma closes it."""
    return not text[sentence[0] : timepoint[0]].strip() and bool(re.match(r"\s*,", text[timepoint[1] :]))


# A clause ends at a comma, a semicolon, a line break (a table's row) or a bracket with numbers in
# it; a bracket without numbers explains a phrase: "(CCyR)".
_CLAUSE_END = re.compile(r"[,;\n]|\((?=[^()]*\d)")


@vocab.cached
def _bound_pattern() -> re.Pattern[str]:
    words = sorted((str(w) for w in vocab.load("hematologic")["bounds"]), key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\s*$", re.I)


def is_bound(text: str, number_start: int) -> bool:
    """'>92%', 'at least 80%': the number is a bound, not a stated result."""
    return bool(_bound_pattern().search(text, max(0, number_start - 12), number_start))


@vocab.cached
def _comparison_pattern() -> re.Pattern[str]:
    words = sorted((str(w) for w in vocab.load("hematologic")["comparisons"]), key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"\s*,?\s*(?:{alternation})(?![A-Za-z])\s*\d", re.I)


def compared_after(text: str, end: int) -> bool:
    """'more cytogenetic responses (28% compared to 16%)': the value is one of two groups'."""
    return bool(_comparison_pattern().match(text, end))


@vocab.cached
def _complete_pattern() -> re.Pattern[str]:
    words = sorted((str(w) for w in vocab.load("hematologic")["complete_in"]), key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"\(\s*(?:{alternation})\s*,?\s*(?P<value>\d+(?:\.\d+)?)\s*(?:%|percent)\s*\)", re.I)


@vocab.cached
def _complete_of_axis() -> dict[str, str]:
    """axis -> its complete response's category (hematologic.yaml complete_of_axis)."""
    return {str(k): str(v) for k, v in vocab.load("hematologic")["complete_of_axis"].items()}


def complete_in(text: str, start: int, end: int) -> list[tuple[str, float, int, int, str]]:
    """'hematologic responses ... in 69% (complete in 34%)': (category, percent, start, end, the
    phrase it completes) for each such bracket in text[start:end], the category being the
    complete response of the axis of the nearest response phrase before it."""
    found = []
    complete_of = _complete_of_axis()
    for match in _complete_pattern().finditer(text, start, end):
        phrases = [h for h in category_matcher().find(text, start, match.start()) if h.entry.get("axis")]
        if not phrases:
            continue
        category = complete_of.get(str(phrases[-1].entry["axis"]))
        if category is not None:
            value = float(match.group("value"))
            found.append((category, value, match.start("value"), match.end(), phrases[-1].as_written))
    return found


def listed_timepoints(text: str, sentence: tuple[int, int], k: int) -> list[str] | None:
    """'CHR was reached within 1 or 3 mo in 59% and 100% of patients, respectively': the one time
    point of the sentence that lists k numbers, split into k ("within 1 mo", "within 3 mo")."""
    found = [words for _, _, words in timepoints(text, *sentence) if len(_NUMBER.findall(words)) == k]
    if len(found) != 1 or k < 2:
        return None
    words = found[0]
    numbers = list(_NUMBER.finditer(words))
    opener, unit = words[: numbers[0].start()].strip(), words[numbers[-1].end() :].strip(" -")
    return [" ".join(part for part in (opener, number.group(0), unit) if part) for number in numbers]


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def follows_listed_timepoint(text: str, sentence: tuple[int, int], groups: Sequence[Any]) -> bool:
    """'... was seen within 3 or 6 mo in 27% (4/15) and 83% (10/12) of pts, respectively': the k
    values (objects with .start) come right after the one time point that lists k numbers, with at
    most a preposition between, so a phrase far before them (after a definition) still owns them."""
    found = [
        (start, end)
        for start, end, words in timepoints(text, *sentence)
        if len(_NUMBER.findall(words)) == len(groups)
    ]
    if len(found) != 1 or len(groups) < 2:
        return False
    between = text[found[0][1] : groups[0].start]
    return bool(re.fullmatch(r"\s*(?:(?:in|of|for|among)\s+)?(?:the\s+)?", between, re.I))


def in_timepoint(text: str, sentence: tuple[int, int], start: int, end: int) -> bool:
    """True when text[start:end] (a number) is part of a time point ("at 3, 6 and 12 months")."""
    for s, e, _ in timepoints(text, *sentence):  # noqa: SIM110 (a loop: no generator per number)
        if s <= start and end <= e:
            return True
    return False


def _several_times(timepoint: str | None) -> bool:
    """'within 1 or 3 mo', 'at 3, 6 and 12 months': several time points in one phrase."""
    return timepoint is not None and len(re.findall(r"\d+(?:\.\d+)?", timepoint)) > 1


def settle(
    code: str | None,
    responses: Mapping[str, ResponseCount],
    heme: Iterable[HemeResponse],
    n: float | None = None,
) -> tuple[tuple[ResponseCount, ...], tuple[HemeResponse, ...]]:
    """What a population of tumor type `code` (of size n, if known) keeps of its tumor and
    hematologic responses. A count above n is not emitted (its percent stays)."""
    kind = disease_kind(code)
    heme_list = [
        replace(item, count=None) if n is not None and item.count and item.count.value > n else item
        for item in heme
    ]
    heme_list = [item for item in heme_list if item.count is not None or item.percent is not None]
    if kind is None:
        return tuple(responses.values()), ()
    if kind == BLOOD:
        return tuple(responses.values()), tuple(heme_list)
    unspecified = cues.words("hematologic", "unspecified_responses")
    if kind == LEUKEMIA:
        # "complete remission (CR) rate of 95%" in Ph+ ALL: the hematologic complete remission.
        tumor_cr = responses.get("cr")
        if tumor_cr is not None and not any(h.category == "chr" for h in heme_list):
            heme_list.append(
                HemeResponse(
                    "hematologic",
                    "chr",
                    tumor_cr.count,
                    tumor_cr.percent,
                    None,
                    tumor_cr.as_written,
                    tumor_cr.evidence,
                )
            )
        return (), tuple(heme_list)
    # RESTRICTED: HES, mastocytosis, MPN.
    kept = {
        category: response
        for category, response in responses.items()
        if not (category == "orr" and " ".join(response.as_written.lower().split()) in unspecified)
    }
    # One complete (partial) hematologic remission, at one time point, is the CR (PR); so is the
    # latest of remissions counted cumulatively ("within 1 or 3 mo in 59% and 100%"); several at
    # points in time (at 1 and at 3 months) or one stated for several time points leave it open.
    for category, tumor in (("chr", "cr"), ("phr", "pr")):
        stated = [h for h in heme_list if h.category == category and (h.count or h.percent) is not None]
        item = stated[0] if len(stated) == 1 and not _several_times(stated[0].timepoint) else None
        item = item or cumulative_best(stated)
        if tumor not in kept and item is not None:
            kept[tumor] = ResponseCount(tumor, item.count, item.percent, item.as_written, item.evidence)
    return tuple(kept.values()), tuple(heme_list)


def cumulative_best(items: Sequence[HemeResponse]) -> HemeResponse | None:
    """The latest of one category's results when every one is counted up to its time point
    ("CHR was achieved within 1 or 3 mo in 59% (10/17) and 100% (15/15)": by 3 months every
    evaluable patient had had one, the best response so far). Results "at" a time point are
    point-in-time rates (a response may be lost): none of them is the best."""
    if len(items) < 2:
        return None
    openers = "|".join(re.escape(str(w)) for w in vocab.load("hematologic")["cumulative_openers"])
    found = []
    for item in items:
        shape = rf"(?:{openers})\s+(\d+(?:\.\d+)?)\s*-?\s*([A-Za-z]+)"
        match = re.fullmatch(shape, item.timepoint or "", re.I)
        if match is None:
            return None
        found.append((float(match.group(1)), match.group(2).lower()[:2], item))
    if len({unit for _, unit, _ in found}) != 1 or len({value for value, _, _ in found}) != len(found):
        return None
    return max(found, key=lambda entry: entry[0])[2]


@vocab.cached
def _of_the_group_pattern() -> re.Pattern[str]:
    data = vocab.load("hematologic")
    pronouns = "|".join(re.escape(str(w)).replace(r"\ ", r"\s+") for w in data["of_the_group"])
    verbs = "|".join(re.escape(str(w)) for w in data["achieve_verbs"])
    return re.compile(rf"\b(?P<count>[\w-]+)\s+(?:{pronouns})\s+(?:{verbs})\s+(?:an?\s+)?", re.I)


@vocab.cached
def _of_the_group_gate() -> re.Pattern[str]:
    """'of them achieved ': what every _of_the_group_pattern match holds after the space behind its
    count, as a search that opens with the character it consumes. That pattern opens with \\b and
    a word of any letters, so `re` tries it at every character; this one is skipped to in C, and
    most sentences have no match of it (then neither has the pattern)."""
    data = vocab.load("hematologic")
    pronouns = [(str(w)[0], re.escape(str(w)[1:]).replace(r"\ ", r"\s+")) for w in data["of_the_group"]]
    verbs = "|".join(re.escape(str(w)) for w in data["achieve_verbs"])
    return re.compile(case_blind_alternation(pronouns, r"\S") + rf"\s+(?:{verbs})\s", re.I)


def counts_of_the_group(text: str, start: int, end: int) -> list[tuple[int, vocab.TermHit]]:
    """'All four pts ... achieved a CHR ..., one of them achieved a CMR': (where the count starts,
    the response phrase) for each "<count> of them <verb> a <phrase>" in text[start:end]. The group
    is the one the sentence opened with; the caller checks the count against its size."""
    if not _of_the_group_gate().search(text, start, end):
        return []
    found = []
    for match in _of_the_group_pattern().finditer(text, start, end):
        hits = [h for h in category_matcher().find(text, match.end(), end) if h.start == match.end()]
        if hits and hits[0].key != "none" and is_heme(hits[0].key):
            found.append((match.start("count"), hits[0]))
    return found


@vocab.cached
def _shared_head_pattern() -> re.Pattern[str]:
    data = vocab.load("hematologic")["shared_head"]

    def alternation(key: str) -> str:
        words = sorted((str(w) for w in data[key]), key=len, reverse=True)
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)

    size = r"\(\s*n\s*=\s*(?P<{0}>\d+)\s*\)"
    verbs = "|".join(re.escape(str(w)) for w in vocab.load("hematologic")["achieve_verbs"])
    return re.compile(
        rf"\b(?:{verbs})\s+(?:an?\s+|the\s+)?(?P<degree>{alternation('degrees')})\s+"
        rf"(?P<first>{alternation('kinds')})\s*{size.format('x')}\s*(?:,|or|and)\s*"
        rf"(?P<second>{alternation('kinds')})\s*{size.format('y')}\s*(?P<head>{alternation('heads')})\b",
        re.I,
    )


def shared_head(text: str, start: int, end: int) -> list[tuple[str, int, int, str]]:
    """'patients who achieved a complete cytogenetic (n = 13) or molecular (n = 8) remission':
    (category, start and end of its count, the phrase it abbreviates) for each of the two kinds
    sharing degree and head noun. Each bracketed n counts those who reached that response; only
    after a verb of reaching it (vocab achieve_verbs), never after 'lost'."""
    found: list[tuple[str, int, int, str]] = []
    # (extract's _read_responses calls this only for a clause that holds "=", as every match does)
    for match in _shared_head_pattern().finditer(text, start, end):
        degree, head = " ".join(match.group("degree").split()), " ".join(match.group("head").split())
        for kind, number in (("first", "x"), ("second", "y")):
            phrase = f"{degree} {' '.join(match.group(kind).split())} {head}"
            hits = category_matcher().find(phrase)
            if len(hits) != 1 or (hits[0].start, hits[0].end) != (0, len(phrase)) or not is_heme(hits[0].key):
                found = [item for item in found if item[1] < match.start()]  # both kinds or neither
                break
            found.append((hits[0].key, match.start(number), match.end(number), phrase))
    return found


_BRACKET = re.compile(r"\(([^()]*)\)")
_PERCENT = re.compile(r"\s*(?P<value>\d+(?:\.\d+)?)\s*%\s*")


def arm_brackets(
    text: str, sentence: tuple[int, int], anchors: Sequence[tuple[int, int, str]]
) -> list[tuple[vocab.TermHit, list[tuple[str, int, int]]]]:
    """Per-group percents in a bracket after a response phrase, each group named:
    'CHR rates were similar at 3, 6 and 12 months (82% arm A, 90% arm B)' (each value followed by
    its group), or 'MMR at 6 months in arm B compared to arm A (20% vs 7%)' (as many values as
    groups named before the bracket, in that order). Returns (the phrase, [(group key, start and
    end of the percent)]). The phrase is the last response phrase before the bracket, with no
    number between them but a time point's; a bracket of any other shape gives nothing."""
    found: list[tuple[vocab.TermHit, list[tuple[str, int, int]]]] = []
    if len(anchors) < 2:
        return found  # both shapes name two groups or more (_labelled, _versus_values): not read
    for match in _BRACKET.finditer(text, sentence[0], sentence[1]):
        inside = [a for a in anchors if match.start() < a[0] and a[1] < match.end()]
        if inside:
            values, phrase_limit = _labelled(text, match, inside), match.start()
        else:
            before = [a for a in anchors if sentence[0] <= a[0] and a[1] <= match.start()]
            keys = [key for _, _, key in before]
            percents = _versus_values(text, match)
            if not percents or not len(keys) == len(set(keys)) == len(percents):
                continue
            values = [(key, *span) for key, span in zip(keys, percents, strict=True)]
            phrase_limit = before[0][0]
        if not values:
            continue
        phrases = [h for h in category_matcher().find(text, sentence[0], phrase_limit) if h.key != "none"]
        if not phrases or not is_heme(phrases[-1].key):
            continue
        gap = text[phrases[-1].end : match.start()]
        for start, end, _ in timepoints(text, phrases[-1].end, match.start()):
            gap = gap.replace(text[start:end], " ")
        if re.search(r"\d", gap):
            continue
        found.append((phrases[-1], values))
    return found


def _labelled(
    text: str, bracket: re.Match[str], inside: Sequence[tuple[int, int, str]]
) -> list[tuple[str, int, int]] | None:
    """'(82% arm A, 90% arm B)': every part is a percent then one group's name, each group once."""
    values = []
    position = bracket.start() + 1
    for index, (start, end, key) in enumerate(inside):
        lead = text[position:start]
        if index:
            separator = re.match(r"\s*[,;]\s*", lead)
            if separator is None:
                return None
            lead, offset = lead[separator.end() :], position + separator.end()
        else:
            offset = position
        number = _PERCENT.fullmatch(lead)
        if number is None:
            return None
        values.append((key, offset + number.start("value"), offset + number.end("value")))
        position = end
    if text[position : bracket.end() - 1].strip() or len({key for key, _, _ in values}) != len(values):
        return None
    return values if len(values) >= 2 else None


@vocab.cached
def _versus_shape() -> re.Pattern[str]:
    """'20% vs 7%': percents joined by a comparison (hematologic.yaml comparisons), nothing else."""
    versus = vocab.load("hematologic")["comparisons"]
    joiner = "|".join(re.escape(str(w)).replace(r"\ ", r"\s+") for w in versus)
    return re.compile(rf"\s*\d+(?:\.\d+)?\s*%(?:\s*,?\s*(?:{joiner})\s*\d+(?:\.\d+)?\s*%)+\s*", re.I)


_PERCENT_VALUE = re.compile(r"\d+(?:\.\d+)?(?=\s*%)")


def _versus_values(text: str, bracket: re.Match[str]) -> list[tuple[int, int]] | None:
    """'(20% vs 7%)': the percents of a bracket that holds nothing else."""
    inner = bracket.group(1)
    if not _versus_shape().fullmatch(inner):
        return None
    offset = bracket.start(1)
    return [(offset + m.start(), offset + m.end()) for m in _PERCENT_VALUE.finditer(inner)]


# A line's last value: "... at 30 mos. 90". Searched line by line from the end of each line (a lazy
# label scanned from every position of a long paragraph was quadratic in its length).
_ROW_VALUE = re.compile(r"[ \t]+(?P<value>\d+(?:\.\d+)?)[ \t]*$")
_ROW_PERCENT = re.compile(r"\(\s*%\s*\)|%|\bpercent\b|\brate\b", re.I)


@vocab.cached
def _bound_anywhere() -> re.Pattern[str]:
    words = sorted((str(w) for w in vocab.load("hematologic")["bounds"]), key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![A-Za-z])(?:{alternation})(?![A-Za-z])", re.I)


def _has_bound(label: str) -> bool:
    """'>92% remain in response', 'at least': a bound anywhere in a row's label."""
    return bool(_bound_anywhere().search(label))


def table_rows(
    text: str, first: int = 0, last: int | None = None
) -> list[tuple[vocab.TermHit, str | None, int, int]]:
    """Rows of a results table saved as text, one value at the end of the line: 'Estimated
    cumulative MCyR % at 30 mos. 90', 'Estimated major molecular response at 12 mos. (%) 40'.
    Returns (the response phrase, the row's time point, start and end of the value). Only a row
    whose label names one response of the axis and nothing else that is counted, says it is a
    percent, and has no number but its time point's; a bound ('>92%') or a blocker ('loss of
    MCyR', 'time to CCyR') in it gives nothing."""
    found = []
    for start, line in _lines(text, first, last):
        match = _ROW_VALUE.search(line)
        if match is None:
            continue
        end = start + match.start()
        label = line[: match.start()]
        if not _ROW_PERCENT.search(label) or _has_bound(label):
            continue
        phrases = category_matcher().find(text, start, end)
        if len(phrases) != 1 or not is_heme(phrases[0].key):
            continue
        points = timepoints(text, start, end)
        rest = label
        for point_start, point_end, _ in points:
            rest = rest.replace(text[point_start:point_end], " ")
        if re.search(r"\d|[<>≤≥]", rest.replace(phrases[0].as_written, " ")) or len(points) > 1:
            continue
        value_start, value_end = start + match.start("value"), start + match.end("value")
        found.append((phrases[0], points[0][2] if points else None, value_start, value_end))
    return found


def _lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """Each line of text[start:end] with its offset (a line that cannot end in a value is skipped
    early): 'MCyR % at 30 mos. 90' is kept, 'Patients in CCyR' is not. Only a kept line is copied
    out of the text (a section of prose is one line that ends with a full stop)."""
    end = len(text) if end is None else min(end, len(text))
    lines = []
    offset = min(start, end)
    while True:
        stop = text.find("\n", offset, end)
        line_end = end if stop < 0 else stop
        last = line_end - 1
        while last >= offset and text[last] in " \t":
            last -= 1
        if last >= offset and text[last].isdigit():
            lines.append((offset, text[offset:line_end]))
        if stop < 0:
            return lines
        offset = stop + 1
