"""Tumor responses (CR, PR, SD, PD, NE, ORR) stated in one clause, as counts and percents.

A number belongs to a response category only when filler words alone stand between them; a
negation ("no patient had a complete response") gives zero. Which population a clause speaks of is
decided by extract.populations, not here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import NamedTuple

from imatinib_cli import vocab
from imatinib_cli.extract import cues, heme
from imatinib_cli.extract.context import Context, SentenceInfo
from imatinib_cli.extract.numbers import Num
from imatinib_cli.extract.tokens import (
    NUMBER_KINDS,
    Group,
    Row,
    Span,
    empty_row,
    group_at,
    negated_total,
    tokenize,
)

_MAX_STEPS = 10
_KIND = itemgetter(0)  # a span's kind (read in C over the spans: no generator step per span)
_START = attrgetter("start")
_FILLER_KINDS = ("word", "blocker")  # the kinds of item a filler word may be
TIMEPOINT = "<time point>"  # the text of a time point's item


def _words(key: str) -> frozenset[str]:
    """responses.yaml `<key>`: the words the token walks here read ("had", "at", "vs") live in the
    vocabulary."""
    return cues.words("responses", key)


@vocab.cached
def _short_bridge() -> frozenset[str]:
    """Between people and their category: "12 patients had a partial response", "(n = 12) were"."""
    return _words("short_bridge") | {")", "]"}


@vocab.cached
def _listing() -> frozenset[str]:
    """What joins the categories of a list: "complete or partial responses", "CR, PR"."""
    return _words("listing_words") | {","}


_SLASH_VALUES = re.compile(
    r"\s*(?:\(\s*%\s*\)|%|\(\s*percent\s*\))\s*(?P<values>\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)+)(?![\d/])"
)


# The rest of a clause after a word: up to its punctuation.
_UNTIL_CLAUSE_END = re.compile(r"[^.;,:()\n]{0,200}")


@dataclass(slots=True)
class ResponseHit:
    category: str
    count: Num | None
    percent: Num | None
    total: Num | None
    negated: bool
    as_written: str
    start: int
    end: int
    # True when the category came before its number ("response rate was 12%"), which a
    # following parallel clause may share ("... and 27.5% of hematologic patients").
    leads: bool = False


def category_items(context: Context, start: int, end: int) -> list[Span]:
    """Category phrases in text[start:end]; blockers ('time to progression') hide shorter matches.
    Hematologic, cytogenetic and molecular phrases (extract/heme.py) are read the same way."""
    items, covered = _phrase_items(context, start, end)
    _add_timepoints(context.text, start, end, items, covered)
    return items


def _phrase_items(context: Context, start: int, end: int) -> tuple[list[Span], list[tuple[int, int]]]:
    """category_items without the time points: the category and blocker phrases, and the spans
    of the main matcher's hits (which hide a time point inside them)."""
    text = context.text
    items: list[Span] = []
    main = heme.category_matcher()
    covered: list[tuple[int, int]] = []
    for hit in main.find(text, start, end):
        covered.append((hit.start, hit.end))
        if hit.key != "none":
            items.append(("cue", hit.start, hit.end, hit.as_written, (hit.key, False)))
        else:
            # A blocker reads as one word, so "best response" can be a filler but never a category.
            items.append(("blocker", hit.start, hit.end, " ".join(hit.as_written.lower().split()), None))
    short = cues.matcher("responses", "needs_number", key_field="category").find(text, start, end)
    if not short:
        return items, covered  # (most clauses: no start list built)
    # The main hits come left to right without overlapping: the one that may cover a short hit is
    # the last that starts at or before it (a bisect, not a scan of them all per hit).
    covered_starts = [s for s, _ in covered]
    for hit in short:
        at = bisect_right(covered_starts, hit.start) - 1
        if at >= 0 and hit.start < covered[at][1]:
            continue
        items.append(("cue", hit.start, hit.end, hit.as_written, (hit.key, True)))
    return items, covered


def _add_timepoints(
    text: str, start: int, end: int, items: list[Span], covered: list[tuple[int, int]]
) -> None:
    """'within 3 months', 'at the end of course 2': read as one filler, its numbers count nobody."""
    for tp_start, tp_end, _ in heme.timepoints(text, start, end):
        if not any(s < tp_end and tp_start < e for s, e in covered):
            items.append(("blocker", tp_start, tp_end, TIMEPOINT, None))


def find_responses(
    context: Context, info: SentenceInfo, start: int, end: int, extra: list[Span] | None = None
) -> tuple[list[ResponseHit], Row, set[int]]:
    """Response hits in one clause, the clause's row (tokens.Row), and the indexes of numbers they used."""
    return _read_clause(context, info, start, end, category_items(context, start, end) + list(extra or ()))


def clause_responses(
    context: Context, info: SentenceInfo, start: int, end: int
) -> tuple[list[ResponseHit], Row | None, set[int]]:
    """find_responses(context, info, start, end), the row None (not built) when the clause has
    no category cue: every pass of the reader starts from a cue, so such a clause has no hit and
    claims nothing ('Median duration of response was 15 months': "duration of response" is a
    blocker), and its time points and words are not read. Its row, which only a carried-over
    reading of the clause asks for, is then find_responses(context, info, start, end)[1]."""
    items, covered = _phrase_items(context, start, end)
    if "cue" not in map(_KIND, items):
        return [], None, set()
    _add_timepoints(context.text, start, end, items, covered)
    return _read_clause(context, info, start, end, items)


def _read_clause(
    context: Context, info: SentenceInfo, start: int, end: int, spans: list[Span]
) -> tuple[list[ResponseHit], Row, set[int]]:
    """find_responses with the clause's category spans (and any extra spans) given."""
    if not spans or _not_this_studys_results(context, info):
        # (a clause with no category asks nothing of its sentence: the same empty answer)
        return [], empty_row(), set()
    if info.tumors:  # (most sentences name no tumor: no list built)
        spans = spans + [
            ("tumor", m.evidence.start, m.evidence.end, m.as_written.lower(), m)
            for m in info.tumors
            if start <= m.evidence.start and m.evidence.end <= end
        ]
    row = tokenize(context.text, start, end, info.numbers, info.fractions, spans)
    hits, row, claimed = _Reader(row, context.text).read()
    hits = _best_was(context, start, end, _all_partial(context, start, end, _sum_kinds(context, hits)))
    return hits, row, claimed


def _sum_kinds(context: Context, hits: list[ResponseHit]) -> list[ResponseHit]:
    """'2 durable partial responses and 2 transient partial responses': one category counted in
    parts joined by 'and' is their sum."""
    merged: list[ResponseHit] = []
    for hit in hits:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.category == hit.category
            and not (last.negated or hit.negated)
            and last.count is not None
            and hit.count is not None
            and last.percent is None
            and hit.percent is None
            and re.fullmatch(r"\s*,?\s*and\s+", context.text[last.end : hit.start])
        ):
            total = Num(last.count.value + hit.count.value, last.count.start, hit.count.end, False)
            merged[-1] = ResponseHit(
                last.category, total, None, last.total, False, last.as_written, last.start, hit.end
            )
            continue
        merged.append(hit)
    return merged


_BETTER = {"pr": ("cr",), "sd": ("cr", "pr")}


def _best_was(context: Context, start: int, end: int, hits: list[ResponseHit]) -> list[ResponseHit]:
    """'The best reported response was seven partial responses': nobody had a complete response,
    unless the document names one somewhere (then the phrase may speak of a subgroup)."""
    said = cues.matcher("responses", "best_response_was").find(context.text, start, end)
    if not said:
        return hits
    first = next((hit for hit in hits if hit.start >= said[0].start and not hit.negated), None)
    if first is None or first.category not in _BETTER or first.start - said[0].end > 20:
        return hits
    named = {hit.category for hit in hits}
    main = cues.matcher("responses", "responses", key_field="category")
    elsewhere = {
        hit.key
        for hit in main.find(context.text, 0, len(context.text))
        if not _in_definition(context.text, hit.start, main)
    }
    zeros = [c for c in _BETTER[first.category] if c not in named and c not in elsewhere]
    return hits + [
        ResponseHit(c, None, None, None, True, said[0].as_written, said[0].start, said[0].end) for c in zeros
    ]


def _in_definition(text: str, at: int, main: vocab.Matcher) -> bool:
    """'a 64% clinical benefit rate (ie, complete response + PR + SD)': a category named in the
    brackets that define a measure that is not a response (`responses.yaml: none`, "clinical
    benefit rate", "disease control rate") names no patient's response."""
    opening = text.rfind("(", max(0, at - 80), at)
    if opening < 0 or ")" in text[opening:at]:
        return False
    before = text[max(0, opening - 60) : opening].rstrip()
    offset = opening - len(text[max(0, opening - 60) : opening]) + len(before)
    return any(
        hit.key == "none" and hit.end == offset for hit in main.find(text, max(0, opening - 60), offset)
    )


def _all_partial(context: Context, start: int, end: int, hits: list[ResponseHit]) -> list[ResponseHit]:
    """'the overall response rate was 52.5% (21/40), all partial responses': PR = ORR, CR = 0."""
    orr = None
    for hit in hits:  # (a loop: no generator a clause)
        if hit.category == "orr" and not hit.negated:
            orr = hit
            break
    if orr is None:
        return hits
    for hit in hits:  # (a loop: no generator a clause)
        if hit.category in ("cr", "pr"):
            return hits
    said = cues.matcher("responses", "all_partial").find(context.text, start, end)
    if not said:
        return hits
    return [
        *hits,
        ResponseHit(
            "pr", orr.count, orr.percent, orr.total, False, said[0].as_written, orr.start, said[0].end
        ),
        ResponseHit("cr", None, None, orr.total, True, said[0].as_written, orr.start, said[0].end),
    ]


class _Reader:
    """The passes over one clause's row, sharing which numbers and cues are used up. The passes
    walk indexes over the row's parallel lists (tokens.Row): `kinds[i]`, `texts[i]`, ..."""

    def __init__(self, row: Row, text: str = "") -> None:
        self.row = row
        self.text = text
        self.kinds, self.starts, self.ends, self.texts, self.payloads = (
            row.kinds,
            row.starts,
            row.ends,
            row.texts,
            row.payloads,
        )
        self.size = len(row.kinds)
        # One unpacking, not fifteen reads of a named tuple's fields (a reader is made per clause);
        # tests/test_reader_rows.py checks each attribute against its field by name.
        (
            self.fillers,
            self.people,
            self.negations,
            self.measures,
            self.evaluable,
            self.negatable_short,
            self.not_all,
            self.reasons,
            self.negation_walk,
            self.listing,
            self.after_comma,
            self.short_bridge,
            self.number_labels,
            self.loose_number_labels,
            self.versus_words,
            self.negation_cues,
        ) = _reader_words()
        self.claimed: set[int] = set()
        self.done: set[int] = set()
        self.explaining: set[int] = set()
        self.hits: list[ResponseHit] = []
        self.cues = row.cues

    def read(self) -> tuple[list[ResponseHit], Row, set[int]]:
        self._slash_lists()
        self._explanations()
        if not self.negation_cues.isdisjoint(self.texts):
            self._negations()  # (no negation word and no "not": it finds nothing)
        self._numbers_before()
        self._numbers_after()
        self.hits.sort(key=_START)
        return self.hits, self.row, self.claimed

    # -- helpers ------------------------------------------------------------------------------

    def is_cue(self, index: int) -> bool:
        """_is_cue(self.row, index)."""
        return self.kinds[index] == "cue" and isinstance(self.payloads[index], tuple)

    def skippable(self, index: int, leftward: bool = False) -> bool:
        # (inlined in _numbers_before's and _numbers_after's walks: a change here goes there too)
        kind, text = self.kinds[index], self.texts[index]
        if kind == "mark":
            return text in (")]" if leftward else "()[]")
        return (kind in _FILLER_KINDS and text in self.fillers) or kind == "tumor" or text == TIMEPOINT

    def a_measure(self, index: int) -> bool:
        """'48 weeks', '400 mg', 'at 3, 6 and 12 months', 'a two-stage design': a number with a unit,
        or in a list that ends with one, is not a count of patients."""
        return _measured(self.row, index, self.measures)

    def not_a_count(self, index: int) -> bool:
        """'RECIST 1.1': a decimal that is not a percent counts nobody; '0 to 35 percent of cells':
        the ends of a range are a definition, not a result."""
        kinds, texts = self.kinds, self.texts
        if kinds[index] == "num":
            number = self.payloads[index]
            if not number.percent and not number.is_int:
                return True
        if index >= 1 and texts[index - 1] in self.number_labels:
            return True  # "phase 2", "exon 11"
        if (
            index >= 1
            and texts[index - 1] in self.loose_number_labels
            and not (index + 1 < self.size and texts[index + 1] in self.people)
        ):
            return True  # "protocol 20", but not "in this study 12 patients"
        if index + 2 < self.size and texts[index + 1] == "to" and kinds[index + 2] in NUMBER_KINDS:
            return True
        return index >= 2 and texts[index - 1] == "to" and kinds[index - 2] in NUMBER_KINDS

    def _defines_range(self, opening: int) -> bool:
        return (
            opening + 1 < self.size
            and self.kinds[opening + 1] in NUMBER_KINDS
            and self.not_a_count(opening + 1)
        )

    def _closing(self, opening: int) -> int:
        """The index just after the bracket that opens at `opening`."""
        depth = 0
        texts = self.texts
        for index in range(opening, self.size):
            text = texts[index]
            depth += text in ("(", "[")
            depth -= text in (")", "]")
            if depth == 0:
                return index + 1
        return self.size

    def claim(
        self, category: str, index: int, cue_index: int, leads: bool, group: Group | None = None
    ) -> bool:
        """Claim the number group at index for the cue at cue_index (an index, not the item: a
        list.index() here made a clause of n cues cost n^2). `group`: group_at(row, index),
        when the caller has it already (a pure function of the row: not read twice)."""
        if group is None:
            group = group_at(self.row, index, self.people)
        first, last = group.first, group.last
        indexes = range(first, last + 1)
        after = last + 1
        if (
            after + 1 < self.size
            and self.texts[after] in self.versus_words
            and self.kinds[after + 1] in NUMBER_KINDS
            and not _measured(self.row, after + 1, self.measures)
        ):
            # "a lower objective response rate (36.7% vs. 63.6%)": two groups' values side by side;
            # which is whose is for the population splitter, not for one population.
            self.claimed.update(indexes)
            return True
        # (one method: the comparison test, the claim and the hit were three calls per claim)
        if (group.count is None and group.percent is None) or not self.claimed.isdisjoint(indexes):
            return False
        self.claimed.update(indexes)
        cue_start, cue_end = self.starts[cue_index], self.ends[cue_index]
        start = group.start if group.start < cue_start else cue_start  # min(), max(): no calls
        end = group.end if group.end > cue_end else cue_end
        hit = ResponseHit(
            category, group.count, group.percent, group.total, False, self.texts[cue_index], start, end, leads
        )
        if hit.percent is None and not leads:
            hit = self._percent_after(hit, cue_index)
        self.hits.append(hit)
        return True

    def _percent_after(self, hit: ResponseHit, cue_index: int) -> ResponseHit:
        """'2 complete responses (4%)', 'a partial remission (PR; 30%)', 'responded (17%)'."""
        texts, size = self.texts, self.size
        probe = cue_index + 1
        if probe < size and texts[probe] in ("(", "["):
            probe += 1
            while probe < size and (self.is_cue(probe) or texts[probe] in (";", ",")):
                probe += 1
            if (
                probe < size
                and self.kinds[probe] == "num"
                and self.payloads[probe].percent
                and probe not in self.claimed
            ):
                self.claimed.add(probe)
                return ResponseHit(
                    hit.category,
                    hit.count,
                    self.payloads[probe],
                    hit.total,
                    False,
                    hit.as_written,
                    hit.start,
                    self.ends[probe],
                    hit.leads,
                )
        return hit

    # -- passes -------------------------------------------------------------------------------

    def _slash_lists(self) -> None:
        """'Best observed CHR/MCyR/CCyR (%) 95/87/79': k categories joined by '/', a percent sign,
        then k numbers joined by '/', in the same order. Without the percent sign the numbers'
        role is not stated and they are left alone."""
        text, kinds, starts, ends, payloads = self.text, self.kinds, self.starts, self.ends, self.payloads
        if not self._may_hold_slash_list():
            return
        index = 0
        size = self.size
        while text and index < size:
            run = [index] if self.is_cue(index) and not payloads[index][1] else []
            probe = index + 1
            while run and probe < size and self.is_cue(probe):
                if text[ends[probe - 1] : starts[probe]].strip() != "/":
                    break
                run.append(probe)
                probe += 1
            if len(run) < 2:
                index += 1
                continue
            match = _SLASH_VALUES.match(text, ends[run[-1]])
            values = [float(v) for v in re.split(r"\s*/\s*", match.group("values"))] if match else []
            numbers = [i for i in range(probe, size) if kinds[i] in NUMBER_KINDS][: len(run)]
            if len(values) == len(run) and len(numbers) == len(run) and ends[numbers[-1]] <= match.end():
                for cue_index, number_index, value in zip(run, numbers, values, strict=True):
                    percent = Num(value, starts[number_index], ends[number_index], True)
                    category = payloads[cue_index][0]
                    self.hits.append(
                        ResponseHit(
                            category,
                            None,
                            percent,
                            None,
                            False,
                            self.texts[cue_index],
                            starts[cue_index],
                            ends[number_index],
                        )
                    )
                    self.done.add(cue_index)
                    self.claimed.add(number_index)
            index = probe

    def _may_hold_slash_list(self) -> bool:
        """A run is two cues or more at neighbouring items with only "/" between them ('CHR/MCyR'):
        False when no two cues of the clause are neighbours so joined (a fraction's "/", '4/25',
        joins none)."""
        text, starts, ends = self.text, self.starts, self.ends
        earlier = -2  # (a loop: no generator and no slice of the cue list a clause)
        for later in self.cues:
            if later == earlier + 1 and text[ends[earlier] : starts[later]].strip() == "/":
                return True
            earlier = later
        return False

    def _explanations(self) -> None:
        """Cues in brackets right after a cue explain it: 'partial response (PR)', 'ORR (CR + PR)',
        'clinical benefit rate (CR + PR + SD)', 'objective responses (all partial)'."""
        kinds, texts, payloads = self.kinds, self.texts, self.payloads
        for index in self.cues:
            opening = index - 1
            while opening >= 0 and (
                # self.is_cue(opening), written out (the walk's first test, a call each step)
                (kinds[opening] == "cue" and isinstance(payloads[opening], tuple))
                or texts[opening] in self.fillers
                or texts[opening] in self.listing
            ):
                opening -= 1
            if (
                opening >= 1
                and texts[opening] == "("
                and (
                    self.is_cue(opening - 1)
                    or (kinds[opening - 1] == "blocker" and texts[opening - 1] != TIMEPOINT)
                )
            ):
                self.done.add(index)
                self.explaining.add(index)
        for index in self.cues:
            if payloads[index][0] == "orr" and self._counts_stable_disease(index):
                self.done.add(index)

    def _counts_stable_disease(self, index: int) -> bool:
        """'12 patients responded (2 partial responses and 10 stable disease)', 'response rate (CR +
        PR + SD)': a "response" that counts stable disease is disease control, not ORR."""
        if index + 1 >= self.size or self.texts[index + 1] != "(":
            return False
        closing = self._closing(index + 1)
        for inside in range(index + 1, closing):  # (a loop: no generator a cue)
            if self.is_cue(inside) and self.payloads[inside][0] == "sd":
                return True
        return False

    def _negations(self) -> None:
        """'no patient had a complete response', 'no objective responses among the 21 evaluable',
        'no complete or partial responses', 'complete responses were not observed': zero."""
        kinds, texts, payloads = self.kinds, self.texts, self.payloads
        for index in self.cues:
            category, short = payloads[index]
            if index in self.done or (short and category not in self.negatable_short):
                continue
            coordinated: list[int] = []
            negation = None  # the negation's index
            probe, steps = index - 1, 0
            while probe >= 0 and steps < (3 if short else _MAX_STEPS):
                if kinds[probe] == "word" and texts[probe] in self.negations:
                    negation = probe
                    break
                if self.is_cue(probe) and payloads[probe][1]:
                    coordinated.append(probe)  # "complete or partial responses"
                elif not (self.skippable(probe) or texts[probe] in self.negation_walk):
                    break
                probe, steps = probe - 1, steps + 1
            if short and (
                negation is None or self._time_point_after(index) or not self._closes_clause(index)
            ):
                continue  # "no progression at 6 months" is a rate at a time point
            if negation is not None and texts[probe + 1] in self.not_all:
                self.done.add(index)  # "no other objective responses": the rest, not everyone
                continue
            if negation is None and not _negated_after(self.row, index):
                continue
            total = self._denominator_after(index)
            start = self.starts[negation] if negation is not None else self.starts[index]
            for cue_index in [index, *coordinated]:
                category = payloads[cue_index][0]
                self.hits.append(
                    ResponseHit(category, None, None, total, True, texts[cue_index], start, self.ends[index])
                )
                self.done.add(cue_index)

    def _closes_clause(self, index: int) -> bool:
        """'there was no tumour progression.', 'no progression was observed;': nothing but a
        verb of observing (responses.yaml negated_short_ends) between the short category and the
        clause's end. Not 'no progression during the first year' or '... after 6 months could'."""
        ends = cues.words("responses", "negated_short_ends")
        match = _UNTIL_CLAUSE_END.match(self.text, self.ends[index])
        rest = f" {' '.join((match.group(0) if match else '').lower().split())} "
        for span in sorted(cues.words("responses", "negated_short_spans"), key=len, reverse=True):
            rest = rest.replace(f" {span} ", " ")  # "during treatment": the whole study
        return all(word in ends for word in rest.split())

    def _time_point_after(self, index: int, words: frozenset[str] | None = None) -> bool:
        """'no progression at 12 months', '15% progression by 2 years': a rate at a time point
        ('progression after 1 cycle' is not one: it says when the progression was seen)."""
        if words is None:
            words = _words("time_point_openers")
        texts, kinds = self.texts, self.kinds
        window = range(index + 1, min(index + 5, self.size))
        if any(texts[i] == TIMEPOINT and self._opener(i) in words for i in window):
            return True  # the time point read as one item ("at 12 months")
        return any(
            texts[i] in words and kinds[j] in NUMBER_KINDS and self.a_measure(j)
            for i in window
            for j in range(i + 1, min(i + 4, self.size))  # "within the first 8 weeks"
        )

    def _opener(self, index: int) -> str:
        """The first word of a time point read as one item: 'at' of 'at 12 months'."""
        words = self.text[self.starts[index] : self.ends[index]].split(None, 1)
        return words[0].lower() if words else ""

    def _denominator_after(self, index: int) -> Num | None:
        """'... among the 21 evaluable patients': after a negation, a number is the denominator."""
        probe, steps = index + 1, 0
        while probe < self.size and steps < 6:
            if self.kinds[probe] == "num" and self.payloads[probe].is_int and probe not in self.claimed:
                self.claimed.add(probe)
                return self.payloads[probe]
            if not self.skippable(probe):
                return None
            probe, steps = probe + 1, steps + 1
        return None

    def _numbers_before(self) -> None:
        kinds, texts, payloads = self.kinds, self.texts, self.payloads
        people, short_bridge, fillers = self.people, self.short_bridge, self.fillers
        for index in self.cues:
            if index in self.done:
                continue
            category, needs_number = payloads[index]
            if (
                needs_number
                and category in self.negatable_short
                and index > 0
                and kinds[index - 1] == "num"
                and payloads[index - 1].percent
                and self._time_point_after(index, _words("rate_time_point_openers"))
            ):
                continue  # "15% progression at 12 months": a rate at a time point, not PD
            found = None
            probe, steps = index - 1, 0
            limit = 4 if needs_number else _MAX_STEPS
            while probe >= 0 and steps < limit:
                kind, text = kinds[probe], texts[probe]
                if (kind == "num" or kind == "frac") and not self.not_a_count(probe):  # a number
                    found = probe
                    break
                aside = self._before_aside(probe) if text == "," and not needs_number else None
                if aside is not None:
                    probe, steps = aside, steps + 1
                    continue
                if needs_number:
                    # Only people words, a verb like "had" and a bracket: "14 (28%) progressed".
                    if not (text in people or text in short_bridge):
                        break
                elif not (
                    # self.skippable(probe, leftward=True), inlined (the walk's most frequent test)
                    (
                        text in ")]"
                        if kind == "mark"
                        else (kind in _FILLER_KINDS and text in fillers)
                        or kind == "tumor"
                        or text == TIMEPOINT
                    )
                    or (
                        kind == "cue"
                        and isinstance(payloads[probe], tuple)  # self.is_cue(probe)
                        and payloads[probe][1]
                        and probe + 1 < index
                        and texts[probe + 1] in ("or", "and")
                    )
                    or (text in ("or", "and") and self.is_cue(probe - 1) and payloads[probe - 1][1])
                ):
                    found = self._qualified_subject(probe, index)
                    break
                probe, steps = probe - 1, steps + 1
            if found is None or found in self.claimed or _measured(self.row, found, self.measures):
                continue
            denominator = False
            for i in range(found + 1, index - 1):  # (a loop: no generator a cue)
                if texts[i] in ("were", "was", "are") and texts[i + 1] in self.evaluable:
                    denominator = True
                    break
            if denominator:
                continue  # "50 were evaluable for response": a denominator, not a result
            if negated_total(self.row, found, self.negations):
                # "None of the 15 evaluable patients achieved an objective response"; "In none of the 10
                # patients was a partial or complete response documented": each category named is zero.
                named = [index, *(i for i in range(found, index) if self.is_cue(i))]
                for cue_index in named:
                    self.hits.append(
                        ResponseHit(
                            payloads[cue_index][0],
                            None,
                            None,
                            payloads[found],
                            True,
                            texts[cue_index],
                            self.starts[found],
                            self.ends[index],
                        )
                    )
                    self.done.add(cue_index)
                self.claimed.add(found)
                continue
            if found + 1 == index and self._counts_the_category(found, index):
                continue
            if self.claim(category, found, index, False):
                self.done.add(index)

    def _qualified_subject(self, last: int, cue: int) -> int | None:
        """'One patient with 3+/4+ KIT expression had a partial response': the count of a subject
        described by a 'with' phrase (`responses.yaml: qualified_subjects`), read over that phrase
        when a result verb (`qualified_verbs`) follows it and only fillers stand before the cue. The
        phrase names no category and opens no bracket; its numbers ("3+/4+") count nobody."""
        kinds, texts = self.kinds, self.texts
        if last + 1 >= cue or texts[last + 1] not in cues.words("responses", "qualified_verbs"):
            return None
        if "rate" in texts[cue].lower():
            return None  # "had a higher response rate": a comparison, not a count
        for probe in range(last, max(last - 12, 0), -1):
            if self.is_cue(probe) or kinds[probe] == "mark" or texts[probe] in self.negations:
                return None
            if texts[probe] != "with":
                continue
            subject, count = probe - 1, probe - 2
            if count < 0 or texts[subject] not in cues.words("responses", "qualified_subjects"):
                return None
            if kinds[count] != "num" or self.payloads[count].percent or not self.payloads[count].is_int:
                return None
            if count > 0 and texts[count - 1] in ("the", "these", "those", "of", "among", "all"):
                return None  # "the 10 patients with KIT mutations had ...": a group's size
            return count
        return None

    def _before_aside(self, comma: int) -> int | None:
        """'Six of 36 patients (17%), enrolled on an intention-to-treat basis, had an objective
        response': the index just before a participle clause between commas (and before the bracket
        that precedes it), else None."""
        kinds, texts = self.kinds, self.texts
        for earlier in range(comma - 1, max(comma - 12, 0), -1):
            if texts[earlier] != ",":
                continue
            opener = texts[earlier + 1]
            if not (kinds[earlier + 1] == "word" and opener.endswith("ed") and opener not in self.fillers):
                return None
            before = earlier - 1
            if texts[before] in (")", "]"):
                depth = 0
                while before >= 0:
                    depth += (texts[before] in (")", "]")) - (texts[before] in ("(", "["))
                    if depth == 0:
                        break
                    before -= 1
                before -= 1
            while before >= 0 and texts[before] in self.people:
                before -= 1
            return before if before >= 0 and kinds[before] in NUMBER_KINDS else None
        return None

    def _counts_the_category(self, found: int, index: int) -> bool:
        """'nine of the 10 PRs were in exon 11': the 10 counts the category, the nine a subset."""
        written = self.texts[index]
        if self.kinds[found] != "frac" or not written.endswith("s") or written.endswith("ss"):
            return False
        total: Num = self.payloads[found].total
        self.claimed.add(found)
        self.done.add(index)
        self.hits.append(
            ResponseHit(
                self.payloads[index][0], total, None, None, False, written, total.start, self.ends[index]
            )
        )
        return True

    def _numbers_after(self) -> None:
        kinds, texts, payloads = self.kinds, self.texts, self.payloads
        fillers, listing, explaining = self.fillers, self.listing, self.explaining
        size = self.size
        for index in self.cues:
            if index in self.done:
                continue
            category, needs_number = payloads[index]
            if needs_number:
                continue
            probe, steps = index + 1, 0
            while probe < size and steps < _MAX_STEPS:
                kind, text = kinds[probe], texts[probe]
                if kind == "num" or kind == "frac":  # a number
                    if _measured(self.row, probe, self.measures):  # self.a_measure(probe)
                        probe, steps = probe + 2, steps + 2  # "for at least 6 months"
                        continue
                    if self.not_a_count(probe):
                        probe, steps = probe + 1, steps + 1  # "by RECIST 1.1"
                        continue
                    group = group_at(self.row, probe, self.people)
                    gives_reason = probe + 1 < size and texts[probe + 1] in self.reasons
                    if (
                        not gives_reason
                        and probe not in self.claimed
                        and group.first == probe
                        and self.claim(category, probe, index, True, group)
                    ):
                        self.done.add(index)
                    break
                if text in ("(", "[") and self._defines_range(probe):
                    probe = self._closing(probe)  # "(0 to 35 percent of cells ...)": a definition
                    steps += 1
                    continue
                if kind == "cue" and isinstance(payloads[probe], tuple) and payloads[probe][0] == category:
                    self.done.add(probe)  # an acronym after its phrase: "partial response (PR)"
                elif probe in explaining:
                    pass
                elif text in listing and probe + 1 in explaining:
                    pass  # "ORR (CR or PR) was 20%"
                elif text == "," and probe + 1 < size and texts[probe + 1] in self.after_comma:
                    pass  # "stable disease, observed in 10 patients"
                elif text == "," and probe == index + 1 and index > 0 and texts[index - 1] == "(":
                    pass  # "(ORR, 2%)", "(SD, 70%)"
                elif not (
                    # self.skippable(probe), inlined (the walk's most frequent test)
                    (
                        text in "()[]"
                        if kind == "mark"
                        else (kind in _FILLER_KINDS and text in fillers)
                        or kind == "tumor"
                        or text == TIMEPOINT
                    )
                    or text in (":", "=")
                ):
                    break
                probe, steps = probe + 1, steps + 1


class _ReaderWords(NamedTuple):
    """The word lists a _Reader walks with (responses.yaml unless named): `fillers`, `people`
    (cues.yaml people and people_adjectives), `negations`, `measures` (_measure_words),
    `evaluable` (cues.yaml), `negatable_short`, `not_all`, `reasons`, `negation_walk`, `listing`
    (_listing), `after_comma`, `short_bridge` (_short_bridge), `number_labels`,
    `loose_number_labels`, `versus_words`, `negation_cues` (`negations` and "not": a clause
    with none of them holds no negated category)."""

    fillers: frozenset[str]
    people: frozenset[str]
    negations: frozenset[str]
    measures: frozenset[str]
    evaluable: frozenset[str]
    negatable_short: frozenset[str]
    not_all: frozenset[str]
    reasons: frozenset[str]
    negation_walk: frozenset[str]
    listing: frozenset[str]
    after_comma: frozenset[str]
    short_bridge: frozenset[str]
    number_labels: frozenset[str]
    loose_number_labels: frozenset[str]
    versus_words: frozenset[str]
    negation_cues: frozenset[str]


@vocab.cached
def _reader_words() -> _ReaderWords:
    """The word lists a _Reader walks with, looked up once (a reader is made per clause)."""
    return _ReaderWords(
        fillers=cues.words("responses", "fillers"),
        people=cues.words("cues", "people") | cues.words("cues", "people_adjectives"),
        negations=cues.words("responses", "negations"),
        measures=_measure_words(),
        evaluable=cues.words("cues", "evaluable"),
        negatable_short=cues.words("responses", "negatable_short"),
        not_all=cues.words("responses", "not_all"),
        reasons=cues.words("responses", "reasons"),
        negation_walk=_words("negation_walk"),
        listing=_listing(),
        after_comma=_words("after_comma"),
        short_bridge=_short_bridge(),
        number_labels=_number_labels(),
        loose_number_labels=cues.words("responses", "loose_number_labels"),
        versus_words=_words("versus_words"),
        negation_cues=cues.words("responses", "negations") | {"not"},
    )


def _measured(row: Row, index: int, measures: frozenset[str]) -> bool:
    """'400 mg', 'at 3, 6 and 12 months': the number, or the list it opens, ends with a unit."""
    kinds, texts = row.kinds, row.texts
    size = len(kinds)
    probe = index + 1
    while probe + 1 < size and texts[probe] in (",", "and", "or", "to") and kinds[probe + 1] in NUMBER_KINDS:
        probe += 2
    return probe < size and kinds[probe] == "word" and texts[probe] in measures


def _is_cue(row: Row, index: int) -> bool:
    """A response cue the reader placed (its payload the cue's reading); _Reader._explanations
    writes this test out in its walk: keep the two alike."""
    return row.kinds[index] == "cue" and isinstance(row.payloads[index], tuple)


def _negated_after(row: Row, index: int) -> bool:
    """'Complete responses were not observed.'"""
    window = row.texts[index + 1 : index + 4]
    return (
        len(window) >= 2
        and window[0] in ("were", "was")
        and window[1] == "not"
        and (len(window) < 3 or window[2] in _words("after_comma"))
    )


def _not_this_studys_results(context: Context, info: SentenceInfo) -> bool:
    """A plan ('designed to detect a response rate of 20% versus 5%'), other work ('previous
    studies reported response rates of 50%') or a dropout table ('NOT COMPLETED 45 ... Disease
    progression 1'): no number in such a sentence is a result of this study."""
    if "not_results" not in info.cached:
        stated = False
        for name in ("design_statements", "dropout_markers"):  # (a loop: no generator a sentence)
            # (the phrase index first: it answers at once where the sentence holds no phrase)
            if cues.matcher("responses", name).any(context.text, info.start, info.end) and info.has_word(
                cues.any_word("responses", name)
            ):
                stated = True
                break
        info.cached["not_results"] = stated or _cites_work(context, info)
    return bool(info.cached["not_results"])


def _cites_work(context: Context, info: SentenceInfo) -> bool:
    """'Previous studies reported response rates of 50%': the sentence is other work's. Not when
    every cited work sits in an opening phrase of its own with no number ('Compared with
    historical controls, partial response was seen in 16 patients'): the rest is this study's."""
    # Both tests must hold; the phrase index first, as it answers at once where there is no phrase.
    found = cues.matcher("responses", "cited_work").find(context.text, info.start, info.end)
    if not found or not info.has_word(cues.any_word("responses", "cited_work")):
        return False
    openers = cues.matcher("responses", "cited_openers")
    text = context.text
    for hit in found:
        before = max(text.rfind(mark, info.start, hit.start) for mark in ",;:")
        segment_start = before + 1 if before >= 0 else info.start
        after = [text.find(mark, hit.end, info.end) for mark in ",;:"]
        segment_end = min((position for position in after if position >= 0), default=info.end)
        opener = openers.find(text, segment_start, hit.start)
        if (
            segment_start != info.start
            or segment_end == info.end
            or not opener
            or text[segment_start : opener[0].start].strip()
            or any(character.isdigit() for character in text[segment_start:segment_end])
        ):
            return True
    return False


def carry_over(
    context: Context,
    info: SentenceInfo,
    span: tuple[int, int],
    leading: ResponseHit,
    row: Row | None,
    claimed: set[int],
) -> ResponseHit | None:
    """A parallel clause's bare number takes the category of the previous clause's leading cue."""
    people = cues.words("cues", "people")
    if not row:
        row = tokenize(context.text, span[0], span[1], info.numbers, info.fractions, [])
    for index, kind in enumerate(row.kinds):
        if kind not in NUMBER_KINDS or index in claimed:
            continue
        group = group_at(row, index, people)
        if group.first != index:
            continue
        if (leading.percent is not None) != (group.percent is not None):
            continue
        claimed.update(range(group.first, group.last + 1))
        return ResponseHit(
            leading.category,
            group.count,
            group.percent,
            group.total,
            False,
            leading.as_written,
            group.start,
            group.end,
        )
    return None


@vocab.cached
def _measure_words() -> frozenset[str]:
    units = vocab.load("cues")["time_units"]
    words = {str(w).lower() for synonyms in units.values() for w in synonyms}
    design = {str(w).lower() for w in vocab.load("responses")["design_nouns"] if " " not in str(w)}
    return frozenset(words | design | _words("measure_units"))


@vocab.cached
def _number_labels() -> frozenset[str]:
    return frozenset(str(w).lower() for w in vocab.load("responses")["number_labels"])


def respectively_lists(
    context: Context, info: SentenceInfo, reach: int = 14
) -> list[tuple[str, str, list[Group]]]:
    """'partial responses in 7% and 4.5% ... respectively': each category with its list of numbers
    within `reach` items of it (more where the groups are named between cue and numbers; a time
    point's numbers are not in it: 'within 1 or 3 mo in 59% and 100%')."""
    people = cues.words("cues", "people")
    spans = [
        span
        for span in category_items(context, info.start, info.end)
        if span[0] == "cue" or span[3] == TIMEPOINT
    ]
    row = tokenize(context.text, info.start, info.end, info.numbers, info.fractions, spans)
    kinds, texts, payloads = row.kinds, row.texts, row.payloads
    size = len(kinds)
    measures = _measure_words()
    found: list[tuple[str, str, list[Group]]] = []
    used: set[int] = set()
    for index in row.cues:
        if payloads[index][1]:
            continue
        groups: list[Group] = []
        probe = index + 1
        while probe < size and probe - index < reach:
            kind = kinds[probe]
            if kind == "cue":
                break
            if kind in NUMBER_KINDS and probe not in used:
                if heme.is_bound(context.text, row.starts[probe]):
                    break  # "reduction to <= 0.0032%": a bound ends the list, it is not a value
                if _measured(row, probe, measures):
                    probe += 1
                    continue
                group = group_at(row, probe, people)
                if group.first != probe:
                    probe += 1
                    continue
                groups.append(group)
                probe = group.last + 1
                if probe < size and texts[probe] in (",", "and", "or", "vs", "versus"):
                    probe += 1
                    if probe < size and texts[probe] in ("and", "or"):
                        probe += 1
                    continue
                if len(groups) >= 2:
                    break
                groups = []
                continue
            probe += 1
        if len(groups) >= 2:
            for group in groups:
                used.update(range(group.first, group.last + 1))
            found.append((payloads[index][0], texts[index], groups))
    return found


def category_lists(context: Context, info: SentenceInfo) -> list[tuple[str, str, Group]]:
    """'Complete response, partial response and stable disease were observed in 2, 10 and 8
    patients, respectively': k categories named in a row take the k numbers listed after them.
    A non-category in the row ('response rate and clinical benefit were 57% and 87%') keeps its
    place, and its value is dropped."""
    people = cues.words("cues", "people")
    fillers = cues.words("responses", "fillers")
    spans = category_items(context, info.start, info.end)
    row = tokenize(context.text, info.start, info.end, info.numbers, info.fractions, spans)
    kinds, texts, payloads = row.kinds, row.texts, row.payloads
    size = len(kinds)
    joins = _words("category_joins") | {","}
    passed = _words("category_list_words")
    index = 0
    while index < size:
        if not _is_cue(row, index):
            index += 1
            continue
        run = [index]
        probe = index + 1
        while probe < size and (texts[probe] in joins or _is_cue(row, probe) or kinds[probe] == "blocker"):
            if _is_cue(row, probe) or kinds[probe] == "blocker":
                run.append(probe)
            probe += 1
        categories = [payloads[i][0] for i in run if _is_cue(row, i)]
        if len(run) < 2 or len(set(categories)) != len(categories):
            index = probe
            continue
        groups: list[Group] = []
        unknown = 0
        while probe < size and len(groups) < len(run):
            kind, text = kinds[probe], texts[probe]
            if kind in NUMBER_KINDS:
                group = group_at(row, probe, people)
                groups.append(group)
                probe = group.last + 1
                continue
            if text not in joins and text not in fillers and kind != "blocker":
                if groups or kind != "word":
                    break
                if text not in passed:
                    unknown += 1  # "... clinical benefit for IM was 57.3% and 87.1%"
                    if unknown > 2:
                        break
            probe += 1
        if len(groups) == len(run):
            return [
                (payloads[i][0], texts[i], g) for i, g in zip(run, groups, strict=True) if _is_cue(row, i)
            ]
        index = probe
    return _values_then_categories(row, people)


def _values_then_categories(row: Row, people: frozenset[str]) -> list[tuple[str, str, Group]]:
    """'10 patients (23.3%) and 13 patients (30.2%) achieved partial response (PR) and stable
    disease (SD), respectively': k values, then k categories in the same order."""
    kinds, texts, payloads = row.kinds, row.texts, row.payloads
    size = len(kinds)
    skipped = _words("values_skipped") | {";", ")", "]"}
    index = 0
    while index < size:
        if kinds[index] not in NUMBER_KINDS:
            index += 1
            continue
        groups: list[Group] = []
        probe = index
        while probe < size and kinds[probe] in NUMBER_KINDS:
            group = group_at(row, probe, people)
            if group.first != probe:
                break
            groups.append(group)
            probe = group.last + 1
            while probe < size and texts[probe] in skipped:
                probe += 1  # "(23.3%; 95% CI, 10.2% to 36.4%)"
            if probe < size and texts[probe] in (",", "and"):
                probe += 1 + (probe + 1 < size and texts[probe + 1] == "and")
                continue
            break
        if len(groups) < 2:
            index = max(probe, index + 1)
            continue
        steps = 0
        while probe < size and kinds[probe] == "word" and steps < 4:
            probe, steps = probe + 1, steps + 1  # "achieved", "had", "showed a"
        run: list[int] = []
        depth = 0
        while probe < size and (_is_cue(row, probe) or texts[probe] in (",", "and", "(", ")")):
            text = texts[probe]
            depth += (text == "(") - (text == ")")
            if _is_cue(row, probe) and depth == 0:
                run.append(probe)  # an acronym in brackets after its phrase is not another category
            probe += 1
        categories = [payloads[i][0] for i in run]
        after = set(texts[probe : probe + 3])
        if len(run) == len(groups) and len(set(categories)) == len(categories) and "respectively" in after:
            return [(payloads[i][0], texts[i], g) for i, g in zip(run, groups, strict=True)]
        index = probe
    return []


def carry_many(
    context: Context,
    info: SentenceInfo,
    span: tuple[int, int],
    previous: list[ResponseHit],
    row: Row | None,
    claimed: set[int],
) -> list[ResponseHit]:
    """A clause of bare numbers parallel to the clause before takes its categories in order."""
    people = cues.words("cues", "people")
    if not row:
        row = tokenize(context.text, span[0], span[1], info.numbers, info.fractions, [])
    kinds = row.kinds
    size = len(kinds)
    groups = []
    index = 0
    measures = _measure_words()
    while index < size:
        if kinds[index] in NUMBER_KINDS and index not in claimed and not _measured(row, index, measures):
            group = group_at(row, index, people)
            if group.first == index:
                groups.append(group)
                index = group.last + 1
                continue
        index += 1
    if len(groups) != len(previous):
        return []
    hits = []
    for hit, group in zip(previous, groups, strict=True):
        if (hit.percent is not None) != (group.percent is not None):
            return []
        claimed.update(range(group.first, group.last + 1))
        hits.append(
            ResponseHit(
                hit.category,
                group.count,
                group.percent,
                group.total,
                False,
                hit.as_written,
                group.start,
                group.end,
            )
        )
    return hits
