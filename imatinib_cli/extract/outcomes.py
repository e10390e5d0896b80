"""Other results: medians of time to progression / survival, rates at a time point, early
resistance, and gene mutations with their counts."""

from __future__ import annotations

import os
import re

from imatinib_cli import vocab
from imatinib_cli.extract import cues
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.numbers import Num, written_number
from imatinib_cli.models import Outcome, Quantity
from imatinib_cli.regexes import case_blind_union, prefix_options

_MEDIANS = {"median_ttp", "median_pfs", "median_os", "median_dor", "median_rfs"}
_RATES = {"pfs_rate", "os_rate", "rfs_rate", "efs_rate"}
# "PFS6": a rate whose time point is written into its name.
_NAMED_TIMEPOINT = re.compile(r"(?:PFS-?(?P<months>\d+)\b)", re.I)
# A numeral starts at a number's start ("18·2 months" is 18.2, never 2 months; "18,2 months",
# a decimal comma, is no duration at all) and may have a Lancet-style mid-dot decimal.
_SPELLED = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "twelve",
    "eighteen",
)
_NUMBER = r"(?:(?<![\d.,·])\d+(?:[.·]\d+)?|" + "|".join(_SPELLED) + "|twenty-four)"
# _NUMBER as (first character, rest) options for case_blind_union, in its order: the numeral's
# first digit consumed, its "(?<![\d.,·])" then checks the character before that digit.
_NUMBER_OPTIONS = [
    (r"\d", r"(?<![\d.,·].)\d*(?:[.·]\d+)?"),
    *((word[0], word[1:]) for word in _SPELLED),
    ("t", r"wenty\-four"),
]
_EARLY = re.compile(
    r"[^.;]{0,60}?\b(?:in|of)\s+(?:(?P<count>\d+)\s+(?:patients|participants|pts|cases)"
    r"(?:\s*\(\s*(?P<pct>\d+(?:[.·]\d+)?)\s*(?:%|percent|per cent)\s*\))?"
    r"|(?P<pct_only>\d+(?:[.·]\d+)?)\s*(?:%|percent|per cent))",
    re.I,
)
# A protein change after its capital ("D842V", "V560del"): spelled once here for the patterns below.
_CHANGE_REST = r"\d{2,4}(?:[A-Z]|del|ins|dup|fs)"
_AFTER_GENE = re.compile(
    rf"\s*(?:exon\s+\d+\s+|gene\s+|activating\s+)?(?P<variant>[A-Z]{_CHANGE_REST}\b)?"
    r"\s*(?P<word>[A-Za-z]+)?"
)
# "... was detected in 14 of 20 patients", "... in 8 (15%) of 54 patients", "... in the 12 tumors".
_IN_COUNT = re.compile(
    r"(?:\s*\([^()]{1,40}\))?(?:\s+(?:was|were))?(?:\s+(?:found|detected|present|identified|observed|seen))?\s+in\s+(?:the\s+)?"
    rf"(?P<count>\d+|{_NUMBER})(?:\s*\([^)]*\))?(?:\s+(?:of|out of)\s+(?:the\s+)?(?P<total>\d+))?"
    r"\s+(?:evaluable\s+|analy[sz]ed\s+)?[A-Za-z]+",
    re.I,
)
_JOINED = re.compile(r"\b(?:and|vs\.?|versus)\b|,", re.I)
# What every _JOINED match holds, lowercase (_stops_at_interval's substring test; a join added
# above is added here: tests/test_speed_tox.py checks the two agree).
_JOIN_NEEDLES = (",", "and", "vs", "versus")
_FOLLOW_UP = re.compile(r"follow-?up|interquartile|range|95%|\bCI\b", re.I)
_VARIANT = re.compile(rf"\b(?:[A-Z]{_CHANGE_REST}|exon\s+\d+)\b")
# _VARIANT's two options as searches `re` can skip through in C (_VARIANT opens with \b, tried at
# every character): a protein change from its capital, "exon 11" from the literal "exon".
_PROTEIN_CHANGE = re.compile(rf"[A-Z](?<!\w.){_CHANGE_REST}\b")
_EXON = re.compile(r"exon(?<!\wexon)\s+\d+\b")
# What every match of _PROTEIN_CHANGE, and of populations._VARIANT_OPENING, holds where it starts:
# a capital, 2-4 digits and a residue or del/ins/dup/fs (no lookbehind, no word boundary).
_PROTEIN_CHANGE_LOOSE = re.compile(rf"[A-Z]{_CHANGE_REST}")


# An ASCII text's shape for _PROTEIN_CHANGE_LOOSE's opening: a capital as "A", a digit as "0",
# any other byte as "x". Every match opens with a capital and two digits ("D842V"; in ASCII text
# "\d" reads only 0-9), so its text's shape holds "A00".
_CAPITALS_AND_DIGITS = bytes(
    ord("A") if 65 <= byte <= 90 else ord("0") if 48 <= byte <= 57 else ord("x") for byte in range(256)
)


def may_name_protein_change(info: SentenceInfo) -> bool:
    """Whether the sentence could name a protein change ('D842V'), by one search shared by the
    subgroup gate and the mutation reader: False for most sentences, and then neither runs its
    own pattern. Checked against both patterns in tests/test_extract_long_pages.py. An ASCII
    sentence is searched only when its shape (_CAPITALS_AND_DIGITS: two C passes, ~1 ns a
    character) holds a capital then two digits: `re` tried its first set, [A-Z], at every
    character (~10 ns each), and most sentences hold none ('NCT01234567' does)."""
    found = info.cached.get("protein_change")
    if found is None:
        text = info.sentence.text
        found = info.cached["protein_change"] = (
            not text.isascii() or b"A00" in text.encode("ascii").translate(_CAPITALS_AND_DIGITS)
        ) and _PROTEIN_CHANGE_LOOSE.search(text) is not None
    return found  # type: ignore[return-value]


_SCREENED_NOUNS = r"(?:tumors|tumours|patients|samples|specimens|cases|biopsies)"
_SCREENED = re.compile(rf"\s+{_SCREENED_NOUNS}\s+(?:were|was)\s+([a-z]+)", re.I)


@vocab.cached
def _time_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    units = vocab.load("cues")["time_units"]
    alternatives = {synonym: key for key, synonyms in units.items() for synonym in synonyms}
    unit_alt = "|".join(sorted(map(re.escape, alternatives), key=len, reverse=True))
    # "18.2 months": what `(?P<value>NUMBER)\s*(?:-\s*)?(?P<unit>UNIT)\b` reads, written to open
    # with the character it consumes (re skips to it in C instead of trying every option at every
    # character); no boundary before the numeral, as there (the never-matching "(?!)"). The
    # numeral runs from the match's start to the empty group "numeral_end": _duration_value.
    duration = re.compile(
        case_blind_union(
            [(_NUMBER_OPTIONS, rf"(?P<numeral_end>)\s*(?:-\s*)?(?P<unit>{unit_alt})\b")], not_after="(?!)"
        ),
        re.I,
    )
    # "at 12 months" or "12-month": what `\b(?:at|after|by|within)\s+(?P<value>NUMBER)\s*(?P<unit>UNIT)\b
    # |\b(?P<value2>NUMBER)-(?P<unit2>UNIT)\b` reads, written to open with the character it consumes
    # (re skips to it in C instead of trying \b at every character). The numeral of "12-month"
    # starts at the match: _time_value reads it.
    timepoint = re.compile(
        case_blind_union(
            [
                (
                    prefix_options(["at", "after", "by", "within"]),
                    rf"\s+(?P<value>{_NUMBER})\s*(?P<unit>{unit_alt})\b",
                ),
                (_NUMBER_OPTIONS, rf"-(?P<unit2>{unit_alt})\b"),
            ]
        ),
        re.I,
    )
    return duration, timepoint


def _duration_value(match: re.Match[str]) -> str:
    """A duration match's numeral as written: "18.2" for "18.2 months", "six" for "six-month"."""
    return match.string[match.start() : match.start("numeral_end")]


def _time_value(match: re.Match[str]) -> tuple[str, str]:
    """A time point match's number and unit as written: ("12", "months") for "at 12 months",
    ("12", "month") for "12-month" (the numeral runs from the match's start to the hyphen)."""
    if match.group("value") is not None:
        return match.group("value"), match.group("unit")
    return match.string[match.start() : match.start("unit2") - 1], match.group("unit2")


def _unit_key(unit: str) -> str:
    """The time unit's key in cues.yaml time_units ("Months" -> "month"), else the unit lowercased."""
    lowered = unit.lower()
    return _unit_keys().get(lowered, lowered)


@vocab.cached
def _unit_keys() -> dict[str, str]:
    """time_units as synonym -> key, the first key listing a synonym winning (as a scan in order
    would): one dictionary look-up per unit instead of a scan of every list."""
    keys: dict[str, str] = {}
    for key, synonyms in vocab.load("cues")["time_units"].items():
        for synonym in synonyms:
            keys.setdefault(synonym, key)
    return keys


@vocab.cached
def _mutation_parts() -> tuple[str, ...]:
    """Substrings one of which every word cues.any_word("cues", "mutation_words") finds contains:
    the longest prefix shared by the words of one first letter, or (under three letters) the words
    themselves: ("alteration", "muta"). A lowercase sentence holding none of the parts holds no
    mutation word, so the word search is not run."""
    words = cues.first_words("cues", "mutation_words")
    parts: set[str] = set()
    for letter in {word[0] for word in words}:
        group = sorted(word for word in words if word[0] == letter)
        shared = os.path.commonprefix(group)
        parts.update([shared] if len(shared) >= 3 else group)
    return tuple(sorted(parts))


def find_outcomes(context: Context, info: SentenceInfo, population: str | None) -> list[Outcome]:
    if not info.reports_results:
        return []
    text = context.text
    outcomes: list[Outcome] = []
    lower = info.lower
    sentence = info.sentence.text
    # Substring tests first (C, no regex): a mutation word needs one of its prefixes in the
    # lowercase sentence, "exon 11" the literal "exon"; only then the regex that decides.
    mutations = cues.holds_any(lower, _mutation_parts()) and info.has_word(
        cues.any_word("cues", "mutation_words")
    )
    if (
        mutations
        or ("exon" in sentence and _EXON.search(sentence) is not None)
        or (may_name_protein_change(info) and _PROTEIN_CHANGE.search(sentence) is not None)
    ):
        outcomes.extend(_mutations(context, info))
    if not info.numbers and "reach" not in lower:
        return outcomes
    hits = cues.matcher("cues", "outcomes").find(text, info.start, info.end)
    if not hits:
        return outcomes  # most sentences with numbers name no outcome: nothing below is fetched
    duration, timepoint = _time_patterns()
    not_reached = cues.matcher("cues", "outcomes", "not_reached")
    timepoints: list[re.Match[str]] | None = None  # the sentence's time points, found once
    for hit in hits:
        kind = hit.key
        if kind in _MEDIANS:
            stop = info.end
            reached = not_reached.find(text, hit.end, stop)
            length = duration.search(text, hit.end, stop)
            if reached and (length is None or reached[0].start < length.start()):
                outcomes.append(
                    Outcome(kind, None, None, "not reached", info.cite(hit.start, reached[0].end), population)
                )
            elif length:
                # "the median PFS was 20.4 months with 400 mg daily and 23.2 months with 800 mg daily":
                # further durations joined by "and"/"vs" before the next cue are more values of it.
                cues_after = [h.start for h in hits if h.start > hit.end]
                limit = min(cues_after, default=stop)
                while length is not None:
                    value = written_number(_duration_value(length))
                    if value is None:
                        break
                    evidence = info.cite(hit.start, length.end())
                    outcomes.append(
                        Outcome(
                            kind,
                            Quantity(value, evidence),
                            _unit_key(length.group("unit")),
                            " ".join(text[hit.start : length.end()].split()),
                            evidence,
                            population,
                        )
                    )
                    if _stops_at_interval(text, length.end(), limit):
                        break  # "15.1 months (95% CI, ...)": no further value, so no search for one
                    following = duration.search(text, length.end(), limit)
                    between = text[length.end() : following.start()] if following else ""
                    if following is None or not _JOINED.search(between) or _FOLLOW_UP.search(between):
                        break
                    length = following
        elif kind in _RATES:
            percent = _nearest_percent(info, hit.start, hit.end)
            if timepoints is None:
                timepoints = list(timepoint.finditer(text, info.start, info.end))
            when = _nearest(timepoints, hit.start, hit.end)
            named = _NAMED_TIMEPOINT.fullmatch(hit.as_written)
            if percent is None or (when is None and named is None):
                continue
            if when is not None:
                raw, unit = _time_value(when)
                start, end = (
                    min(percent.start, hit.start, when.start()),
                    max(percent.end, hit.end, when.end()),
                )
            else:
                raw, unit = named.group("months"), "month"
                start, end = min(percent.start, hit.start), max(percent.end, hit.end)
            evidence = info.cite(start, end)
            outcomes.append(
                Outcome(
                    kind,
                    Quantity(percent.value, evidence),
                    "%",
                    " ".join(text[start:end].split()),
                    evidence,
                    population,
                    timepoint=f"{raw} {_unit_key(unit)}",
                )
            )
        elif kind == "early_resistance":
            match = _EARLY.match(text, hit.end, info.end)
            if match and match.group("pct_only"):
                evidence = info.cite(hit.start, match.end())
                outcomes.append(
                    Outcome(
                        kind,
                        Quantity(float(match.group("pct_only").replace("·", ".")), evidence),
                        "%",
                        " ".join(text[hit.start : match.end()].split()),
                        evidence,
                        population,
                    )
                )
            elif match:
                evidence = info.cite(hit.start, match.end())
                outcomes.append(
                    Outcome(
                        kind,
                        Quantity(float(match.group("count")), evidence),
                        "patients",
                        " ".join(text[hit.start : match.end()].split()),
                        evidence,
                        population,
                        denominator=None,
                    )
                )
                if match.group("pct"):
                    outcomes.append(
                        Outcome(
                            kind,
                            Quantity(float(match.group("pct").replace("·", ".")), evidence),
                            "%",
                            " ".join(text[hit.start : match.end()].split()),
                            evidence,
                            population,
                        )
                    )
    return outcomes


def _stops_at_interval(text: str, start: int, limit: int) -> bool:
    """True when no further duration after text[:start] can be read as another value: "95%" (which
    _FOLLOW_UP reads) stands in text[start:limit] with no join before it (_JOIN_NEEDLES: what every
    _JOINED match holds, case-blind). A duration that starts before "95%" has
    no join before it; one after has "95%" before it (none starts inside "95%": a numeral's digit
    is never read after another digit); either ends the list. On ASCII text only ("ſ" is "s"
    case-blind). Saves the search over a confidence interval's numbers ('(95% CI, 10.6 to 21.1)')."""
    at = text.find("95%", start, limit)
    if at < 0:
        return False
    head = text[start:at]
    if not head.isascii():
        return False
    return not cues.holds_any(head.lower(), _JOIN_NEEDLES)


def _find_variant(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """_VARIANT.search(text, start, end): the earlier of its options' matches (no place holds
    both: one opens with a capital, the other with "e"): "KIT exon 11 V560D" -> "exon 11"."""
    end = len(text) if end is None else end
    change = _PROTEIN_CHANGE.search(text, start, end)
    exon = _EXON.search(text, start, end)
    if exon is not None and (change is None or exon.start() < change.start()):
        return exon
    return change


def _nearest(matches: list[re.Match[str]], start: int, end: int) -> re.Match[str] | None:
    """The match closest to a cue: 'One-year OS was 78% and 2-year OS was 60%'."""
    if not matches:
        return None
    return min(matches, key=lambda m: min(abs(m.end() - start), abs(m.start() - end)))


def _nearest_percent(info: SentenceInfo, start: int, end: int) -> Num | None:
    candidates = [n for n in info.numbers if n.percent]
    if not candidates:
        return None
    return min(candidates, key=lambda n: min(abs(n.end - start), abs(n.start - end)))


# The word just before a gene, across "in"/"of"/"the": "mutations in the KIT" -> "mutations".
# The search `([A-Za-z]+)\s+(?:in\s+|of\s+)?(?:the\s+)?$` read backwards from the gene, on the
# reversed head: anchored where the gene starts, it tries a few words, where the search tried every
# letter of the head up to the gene (its leftmost match is the longest tail: "the" and "in"/"of"
# taken when they can be, then the whole letter run). Checked against that search in
# tests/test_extract_long_pages.py.
_WORD_BEFORE_REVERSED = re.compile(r"\s+(?:eht\s+)?(?:(?:ni|fo)\s+)?([A-Za-z]+)")


def _word_before(head: str) -> str | None:
    """The word the search above finds at the end of `head`, or None: 'mutations in the ' -> 'mutations'."""
    found = _WORD_BEFORE_REVERSED.match(head[::-1])
    return found.group(1)[::-1] if found else None


def _word_before_is(head: str, words: frozenset[str]) -> bool:
    word = _word_before(head)
    return word is not None and word.lower() in words


def _mutations(context: Context, info: SentenceInfo) -> list[Outcome]:
    text = context.text
    mutation_words = cues.words("cues", "mutation_words")
    genes = cues.matcher("cues", "genes").find(text, info.start, info.end)
    if not genes:
        return []
    # The screened total is read once, for the first gene named as a mutation: most genes an
    # article names are not ("KIT-positive", "PDGFRA expression"), and then it is never needed.
    total: Num | None = None
    total_read = False
    outcomes: list[Outcome] = []
    negations = cues.words("responses", "negations")
    for gene in genes:
        after = _AFTER_GENE.match(text, gene.end, info.end)
        variant = _VARIANT.match(text, after.start("variant")) if after and after.group("variant") else None
        # the word before the gene ("mutated KIT", "mutations in the KIT") only when nothing after it
        # already says mutation: a search back over the sentence up to the gene.
        is_mutation = (
            bool(after and after.group("word") and after.group("word").lower() in mutation_words)
            or variant is not None
            or _word_before_is(text[info.start : gene.start], mutation_words)
        )
        if not is_mutation:
            continue
        if not total_read:
            total, total_read = _screened_total(context, info), True
        end = after.end() if after else gene.end
        count = _count_before(context, info, gene.start, negations)
        denominator = total
        found_in = _IN_COUNT.match(context.text, end, info.end)
        if found_in is not None:
            stated = written_number(found_in.group("count"))
            if count is not None and count[0] == 0:
                denominator = denominator or _num_at(
                    info, found_in.start("count")
                )  # "no ... in the 12 tumors"
            elif count is None and stated is not None:
                count = (stated, gene.start)
                if found_in.group("total"):
                    denominator = _num_at(info, found_in.start("total"))
            end = found_in.end()
        variant = variant or _find_variant(text, gene.end, info.end)
        if count is None and variant is None:
            continue
        start = count[1] if count else gene.start
        evidence = info.cite(start, end)
        outcomes.append(
            Outcome(
                "mutation",
                Quantity(count[0], evidence) if count else None,
                "count" if count else None,
                " ".join(text[start:end].split()),
                evidence,
                gene=gene.key,
                variant=variant.group(0) if variant else None,
                denominator=Quantity(denominator.value, info.cite(denominator.start, denominator.end))
                if denominator and count
                else None,
            )
        )
    return outcomes


def _num_at(info: SentenceInfo, position: int) -> Num | None:
    return next((number for number in info.numbers if number.start == position), None)


def _count_before(
    context: Context, info: SentenceInfo, position: int, negations: frozenset[str]
) -> tuple[float, int] | None:
    """'five KIT mutations' -> 5, 'no PDGFR mutations' -> 0, with where the count starts."""
    head = context.text[info.start : position]
    word = re.search(
        r"([A-Za-z]+|\d+)\s+(?:(?:had|carried|harbou?red|showed)\s+)?(?:activating\s+|novel\s+)?$", head
    )
    if not word:
        return None
    token = word.group(1)
    start = info.start + word.start(1)
    if re.search(r"\b(?:exon|exons|codon|codons)\s+$", head[: word.start(1)], re.I):
        return None  # "exon 11 KIT mutations": a location, not a count
    if token.lower() in negations:
        return 0.0, start
    for number in info.numbers:
        if number.start == start and number.is_int:
            return number.value, start
    return None


def _screened_total(context: Context, info: SentenceInfo) -> Num | None:
    verbs = cues.words("cues", "screening_verbs")
    for number in info.numbers:
        if not number.is_int:
            continue
        rest = context.text[number.end : info.end]
        match = _SCREENED.match(rest)
        if match and match.group(1).lower() in verbs:
            return number
    return None
