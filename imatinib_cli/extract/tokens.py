"""A clause as a row of items (numbers, cue phrases, tumors, words, brackets) to walk left and right.

The row is parallel lists (tokens.Row), one place an item, walked by index.

Extractors attach a number to a cue by walking from the cue over filler words only, so
"79 patients (53.7 percent) had a partial response" links 79 and 53.7% to the partial response
while "71% of the patients had received prior chemotherapy" links nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import itemgetter
from typing import Any

from imatinib_cli.extract.numbers import Fraction, Num, find_dropped

_STATISTIC_NAME = (
    r"(?:CI\b|confidence\s+interval|interquartile|IQR\b|range\b|p\s*[<=>≤]|HR\b|hazard\s+ratio|odds\s+ratio)"
)
_STATISTIC_BRACKET = re.compile(
    # "(95% CI, 2% to 30%)", "(4 of 25; 95% CI 2-30)": from the statistic's name to the bracket's end
    rf"(?<=[\(\[;,])\s*(?:\d+(?:[.·]\d+)?\s*(?:%|percent)\s*)?{_STATISTIC_NAME}"
    r"[^()\[\]]*?(?=[\)\]])"
    # "83% [78-88]", "(84.4-89.8)": a bare bracketed range
    r"|[\(\[]\s*\d+(?:[.·]\d+)?\s*%?\s*(?:[–-]|to)\s*\d+(?:[.·]\d+)?\s*%?\s*[\)\]]",
    re.I,
)
# What every _STATISTIC_BRACKET match opens with, the character before it included: a bracket,
# semicolon or comma, then a statistic's name, a percent and a name, or a number and a range's dash.
# Opening with a character set (the engine skips to one in C; the pattern itself opens with a
# lookbehind and is tried at every character) and with no optional group (each costs a repeat
# context), it is searched ~3x faster; most clauses hold none and are not scanned.
_STATISTIC_OPENING = re.compile(
    rf"[(\[;,]\s*(?:\d+(?:[.·]\d+|)\s*(?:(?:%|percent)\s*{_STATISTIC_NAME}|%?\s*(?:[–-]|to))|{_STATISTIC_NAME})",
    re.I,
)
# Splitting on a capturing group gives [gap, word, gap, word, ..., gap]: the words and, from the
# pieces' lengths summed in C, their offsets, with no Python step a word.
# (One character set first, the rest of a word only after a letter: the engine then skips in C to
# the next place a word or mark can start, where an alternation of two sets is tried at every
# character.) The second pattern reads tokenize's mark of a span's place (a NUL) as a piece too.
_WORD_OR_MARK_SPLIT = re.compile(r"([A-Za-z()\[\],;:=](?:(?<=[A-Za-z])[A-Za-z'\-]*)?)")
_WORD_MARK_OR_PLACE_SPLIT = re.compile(r"([A-Za-z()\[\],;:=\x00](?:(?<=[A-Za-z])[A-Za-z'\-]*)?)")
_SPAN_PLACE = "\x00"  # tokenize's mark of a span's place in the clause it scans
_KIND_OF_PIECE = dict.fromkeys("()[],;:=", "mark")  # any other piece is a "word"
NUMBER_KINDS = ("num", "frac")  # the kinds of a row's numbers
# What stands right before a number that an earlier number's group may hold: "of" or "of the"
# ('20 (74%) of the 27'), a bracket ('79 patients (53.7 percent)'). _group_start's first tests.
_MAY_FOLLOW_AN_EARLIER_NUMBER = frozenset(("the", "of", "(", "["))
_SPAN_START = itemgetter(1)
_SPAN_END = itemgetter(2)

# A span given to tokenize: (kind, start, end, text, payload), a plain tuple (made with no call).
Span = tuple[str, int, int, str, Any]


@dataclass(slots=True, eq=True)
class Row:
    """A clause as parallel lists, one place an item: its kind ("num", "frac", "cue", "blocker",
    "tumor", "word", "mark"), offsets, lowercased text (a cue's as written) and payload (a number's
    Num, a fraction's Fraction, a cue's (category, needs_number), a tumor's mention, else None).

    'Partial (PR) in 4' is kinds ["word", "mark", "word", "mark", "word", "num"], texts
    ["partial", "(", "pr", ")", "in", "4"]. The readers walk indexes over these lists: a clause's
    ~15 words cost a few list operations a stretch between numbers and cues, not an object each.
    `cues`: the places of the response cues (kind "cue", payload a (category, needs_number)
    pair), in order, noted as tokenize places them (every reader's pass starts from one).
    """

    kinds: list[str]
    starts: list[int]
    ends: list[int]
    texts: list[str]
    payloads: list[Any]
    cues: list[int]

    def __len__(self) -> int:
        return len(self.kinds)


def empty_row() -> Row:
    return Row([], [], [], [], [], [])


@dataclass(slots=True)
class Group:
    """A number with its companions: '79 patients (53.7 percent)', '12% (3/25)', 'two of 30 (6.7%)'."""

    first: int  # item indexes, inclusive
    last: int
    count: Num | None
    percent: Num | None
    total: Num | None
    start: int
    end: int


def tokenize(
    text: str,
    start: int,
    end: int,
    numbers: list[Num],
    fractions: list[Fraction],
    spans: list[Span],
) -> Row:
    """The row of text[start:end]: the given cue/tumor spans, numbers and fractions, then plain words.

    A bracket that reports a statistic ('(95% CI, 2% to 30%)', '[78-88]' after one, '(P<0.001)',
    '(range 1-12)') becomes one 'ci' word: its numbers are never counts or rates.
    """
    taken: list[Span] = []
    if _STATISTIC_OPENING.search(text, max(0, start - 1), end) is not None:
        # (from one character earlier: a match's lookbehind may read the character before start)
        taken = [
            ("word", m.start(), m.end(), "ci", None) for m in _STATISTIC_BRACKET.finditer(text, start, end)
        ]
    # A span written "ci" joins the statistics here: of spans with the same start and end, the
    # sort below keeps a "ci" one first, then the others as they were added.
    others: list[Span] = []
    for span in spans:
        if start <= span[1] and span[2] <= end:
            (taken if span[3] == "ci" else others).append(span)
    in_fraction = set()
    for fraction in fractions:
        if start <= fraction.start and fraction.end <= end:
            taken.append(
                ("frac", fraction.start, fraction.end, text[fraction.start : fraction.end], fraction)
            )
            in_fraction.update((fraction.count.start, fraction.total.start))
    for number in numbers:
        if start <= number.start and number.end <= end and number.start not in in_fraction:
            taken.append(("num", number.start, number.end, text[number.start : number.end], number))
    taken += others
    # A numeral that is not read ("0.00000000000001%", "1.234.567") stays in the row as a word that
    # is no filler, so the number beside it never takes its role.
    for dropped in find_dropped(text, start, end):  # (a loop: no generator a clause)
        taken.append(("word", dropped.start, dropped.end, "#unread", None))
    # By start, the longer first, a "ci" one first, then as added: two stable sorts by keys read
    # in C (not a Python key function a span); the "ci" ones were added before the others.
    taken.sort(key=_SPAN_END, reverse=True)
    taken.sort(key=_SPAN_START)
    # The clause with each kept span written as a NUL and spaces to its length: one scan of it
    # gives the words between the spans (a NUL or space ends a word as a stretch's end does) and,
    # at each span's place, a NUL that the span then takes.
    kept: list[Span] = []
    pieces: list[str] = []
    cursor = start
    for span in taken:
        span_start = span[1]
        if span_start < cursor:
            continue  # overlaps an earlier, longer span
        pieces.append(text[cursor:span_start])
        pieces.append(_SPAN_PLACE.ljust(span[2] - span_start))
        kept.append(span)
        cursor = span[2]
    if not kept:
        return _words(text, start, end)
    pieces.append(text[cursor:end])
    clause = "".join(pieces)
    if len(clause) != end - start or text.find(_SPAN_PLACE, start, end) >= 0:
        # (a span of no characters, which no reader gives, has no place to mark; a clause may
        # hold a NUL of its own)
        return _stretches(text, start, end, kept)
    row = _words(clause, 0, end - start, start, _WORD_MARK_OR_PLACE_SPLIT)
    kinds, ends, texts, payloads, cues = row.kinds, row.ends, row.texts, row.payloads, row.cues
    at = -1
    for kind, _, span_end, written, payload in kept:
        at = texts.index(_SPAN_PLACE, at + 1)
        kinds[at] = kind
        ends[at] = span_end
        texts[at] = written
        payloads[at] = payload
        if kind == "cue" and isinstance(payload, tuple):
            cues.append(at)
    return row


def _stretches(text: str, start: int, end: int, kept: list[Span]) -> Row:
    """The row of text[start:end] with the kept spans (sorted, not overlapping), the words read
    stretch by stretch between them: where a span's place cannot be marked in one scan."""
    row = empty_row()
    cursor = start
    for kind, span_start, span_end, written, payload in kept:
        if cursor < span_start:
            _add_words(row, _words(text, cursor, span_start))
        row.kinds.append(kind)
        row.starts.append(span_start)
        row.ends.append(span_end)
        row.texts.append(written)
        row.payloads.append(payload)
        if kind == "cue" and isinstance(payload, tuple):
            row.cues.append(len(row.kinds) - 1)
        cursor = span_end
    if cursor < end:
        _add_words(row, _words(text, cursor, end))
    return row


def _add_words(row: Row, words: Row) -> None:
    row.kinds += words.kinds
    row.starts += words.starts
    row.ends += words.ends
    row.texts += words.texts
    row.payloads += words.payloads


def _words(
    text: str, start: int, end: int, offset: int = 0, pattern: re.Pattern[str] = _WORD_OR_MARK_SPLIT
) -> Row:
    """The words and marks of text[start:end], lowercased, at their offsets plus `offset`:
    'Partial (PR)' gives "partial", "(", "pr", ")" (and a NUL, tokenize's mark of a span's place).

    One split on the pattern (captured) gives the words between the gaps; the offsets are the
    pieces' lengths summed (itertools.accumulate), all in C: no Python step a word. The pattern
    reads ASCII letters only, so an ASCII stretch is lowered as a whole first (the same length:
    offsets hold); a stretch that is not ASCII ("ſ", the Kelvin sign, "İ" lower to other lengths
    or to ASCII letters) is split as written and its words (ASCII letters, "'" and "-") lowered
    one by one.
    """
    chunk = text[start:end]
    ascii_only = chunk.isascii()
    pieces = pattern.split(chunk.lower() if ascii_only else chunk)
    if len(pieces) == 1:
        return empty_row()  # no word
    offsets = list(accumulate(map(len, pieces), initial=start + offset))
    words = pieces[1::2]
    if not ascii_only:
        words = list(map(str.lower, words))
    return Row(
        list(map(_KIND_OF_PIECE.get, words, repeat("word"))),
        offsets[1:-2:2],  # (offsets holds one more than the pieces: the end of the last gap)
        offsets[2::2],
        words,
        [None] * len(words),
        [],
    )


def group_at(row: Row, index: int, people: frozenset[str]) -> Group:
    """The number group that the number at `index` belongs to, starting from its first number.

    A group is a first number, then optionally people words, a bracketed second number and
    "of [the] N": '79 patients (53.7 percent)', '12% (3/25)', 'Twenty (74%) of the 27 patients'.
    """
    kinds, texts, payloads = row.kinds, row.texts, row.payloads
    size = len(kinds)
    if index >= 1 and texts[index - 1] in _MAY_FOLLOW_AN_EARLIER_NUMBER:
        index = _group_start(row, index, people)  # (no call where no earlier number can lead)
    first = last = index
    parts = [index]
    probe = index + 1
    while probe < size and kinds[probe] == "word" and texts[probe] in people:  # the people words
        probe += 1
    if (
        probe + 1 < size
        and texts[probe] in ("(", "[")
        and kinds[probe + 1] in NUMBER_KINDS
        and not (probe + 2 < size and kinds[probe + 2] == "cue")  # _names_its_own(row, probe + 1)
    ):
        parts.append(probe + 1)
        last = probe + 1
        if last + 1 < size and texts[last + 1] in (")", "]"):
            last += 1
    if last + 3 < size and texts[last + 1] in ("(", "[") and texts[last + 2] == "ci":
        last += 3 if texts[last + 3] in (")", "]") else 2  # "76.2 percent (95% CI, 72.5 to 79.9)"
    count = percent = total = None
    # "of the 27" right after the group: the denominator.
    probe = last + 1
    if probe < size and texts[probe] == "of":
        probe += 1
        if probe < size and texts[probe] == "the":
            probe += 1
        if probe < size and kinds[probe] == "num" and payloads[probe].is_int:
            total = payloads[probe]
            last = probe
    # "in 20 percent of patients (n = 6)": the bracketed n is the count of that percent.
    probe = last + 1
    while probe < size and (texts[probe] in ("of", "the") or texts[probe] in people):
        probe += 1
    if (
        probe + 3 < size
        and texts[probe] == "("
        and texts[probe + 1] == "n"
        and texts[probe + 2] == "="
        and kinds[probe + 3] == "num"
        and payloads[probe + 3].is_int
    ):
        parts.append(probe + 3)
        last = probe + 4 if probe + 4 < size and texts[probe + 4] == ")" else probe + 3
    for part in parts:
        if kinds[part] == "frac":
            fraction: Fraction = payloads[part]
            count = count or fraction.count
            total = total or fraction.total
        else:
            number: Num = payloads[part]
            if number.percent:
                percent = percent or number
            elif number.is_int:
                count = count or number
    return Group(first, last, count, percent, total, row.starts[first], row.ends[last])


def _group_start(row: Row, index: int, people: frozenset[str]) -> int:
    """Walk back from a number to the first number of its group."""
    kinds, texts = row.kinds, row.texts
    back = index - 1
    if back >= 0 and texts[back] == "the":
        back -= 1
    if back >= 1 and texts[back] == "of" and index - back <= 2:
        # "20 (74%) of the 27": the 27 is the denominator of the group before it.
        before = back - 1
        if before >= 0 and texts[before] in (")", "]"):
            before -= 1
        if before >= 0 and kinds[before] in NUMBER_KINDS:
            return _group_start(row, before, people)
        return index
    if index >= 2 and texts[index - 1] in ("(", "["):
        back = index - 2
        while back >= 0 and kinds[back] == "word" and texts[back] in people:
            back -= 1
        if back >= 0 and kinds[back] in NUMBER_KINDS and not _names_its_own(row, index):
            return back
    return index


def _names_its_own(row: Row, index: int) -> bool:
    """'4.5% (0 complete response, 1 partial response)': a bracketed number followed by its own
    category is a breakdown, not the companion of the number before the bracket."""
    return index + 1 < len(row.kinds) and row.kinds[index + 1] == "cue"


def negated_total(row: Row, index: int, negations: frozenset[str]) -> bool:
    """'None of the 15 evaluable patients': the number is a denominator behind a negation."""
    texts = row.texts
    back = index - 1
    if back >= 0 and texts[back] == "the":
        back -= 1
    return back >= 1 and texts[back] == "of" and texts[back - 1] in negations
