"""A clause as a row of items (numbers, cue phrases, tumors, words, brackets) to walk left and right.

Extractors attach a number to a cue by walking from the cue over filler words only, so
"79 patients (53.7 percent) had a partial response" links 79 and 53.7% to the partial response
while "71% of the patients had received prior chemotherapy" links nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter
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
_WORD_OR_MARK = re.compile(r"[A-Za-z][A-Za-z'\-]*|[()\[\],;:=]")
_MARKS = frozenset("()[],;:=")
_START = attrgetter("start")
_END = attrgetter("end")


@dataclass(slots=True)
class Item:
    kind: str  # "num", "frac", "cue", "blocker", "tumor", "word", "mark"
    start: int
    end: int
    text: str
    payload: Any = None


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
    spans: list[Item],
) -> list[Item]:
    """Items of text[start:end]: the given cue/tumor spans, numbers and fractions, then plain words.

    A bracket that reports a statistic ('(95% CI, 2% to 30%)', '[78-88]' after one, '(P<0.001)',
    '(range 1-12)') becomes one 'ci' word: its numbers are never counts or rates.
    """
    taken: list[Item] = []
    if _STATISTIC_OPENING.search(text, max(0, start - 1), end) is not None:
        # (from one character earlier: a match's lookbehind may read the character before start)
        taken = [
            Item("word", m.start(), m.end(), "ci") for m in _STATISTIC_BRACKET.finditer(text, start, end)
        ]
    # A span written "ci" joins the statistics here: of items with the same start and end, the
    # sort below keeps a "ci" one first, then the others as they were added.
    others: list[Item] = []
    for item in spans:
        if start <= item.start and item.end <= end:
            (taken if item.text == "ci" else others).append(item)
    in_fraction = set()
    for fraction in fractions:
        if start <= fraction.start and fraction.end <= end:
            taken.append(
                Item("frac", fraction.start, fraction.end, text[fraction.start : fraction.end], fraction)
            )
            in_fraction.update((fraction.count.start, fraction.total.start))
    for number in numbers:
        if start <= number.start and number.end <= end and number.start not in in_fraction:
            taken.append(Item("num", number.start, number.end, text[number.start : number.end], number))
    taken += others
    # A numeral that is not read ("0.00000000000001%", "1.234.567") stays in the row as a word that
    # is no filler, so the number beside it never takes its role.
    for dropped in find_dropped(text, start, end):  # (a loop: no generator a clause)
        taken.append(Item("word", dropped.start, dropped.end, "#unread"))
    # By start, the longer first, a "ci" one first, then as added: two stable sorts by keys read
    # in C (not a Python key function an item); the "ci" ones were added before the others.
    taken.sort(key=_END, reverse=True)
    taken.sort(key=_START)
    items: list[Item] = []
    cursor = start
    for item in taken:
        if item.start < cursor:
            continue  # overlaps an earlier, longer item
        _words(text, cursor, item.start, items)
        items.append(item)
        cursor = item.end
    _words(text, cursor, end, items)
    return items


def _words(text: str, start: int, end: int, items: list[Item]) -> None:
    """The words and marks of text[start:end], lowercased: 'Partial (PR)' gives "partial", "(", "pr", ")".

    The pattern reads ASCII letters only, so an ASCII stretch is lowered as a whole first (the
    same length: offsets hold), and each match is found again with str.find from the end of the
    one before (the first place at or after it where the match's text starts is where the scan
    matched: a match could start at any earlier such place), which is cheaper than a match
    object's start(), end() and group() for every word. A stretch that is not ASCII ("ſ", the
    Kelvin sign, "İ" lower to other lengths or to ASCII letters) is scanned as written.
    """
    if start >= end:
        return
    chunk = text[start:end]
    ascii_only = chunk.isascii()
    if ascii_only:
        chunk = chunk.lower()
    at = 0
    find = chunk.find
    for written in _WORD_OR_MARK.findall(chunk):
        at = find(written, at)
        after = at + len(written)
        items.append(
            Item(
                "mark" if written in _MARKS else "word",
                start + at,
                start + after,
                written if ascii_only else written.lower(),
            )
        )
        at = after


def is_number(item: Item) -> bool:
    return item.kind in ("num", "frac")


def group_at(items: list[Item], index: int, people: frozenset[str]) -> Group:
    """The number group that the number at `index` belongs to, starting from its first number.

    A group is a first number, then optionally people words, a bracketed second number and
    "of [the] N": '79 patients (53.7 percent)', '12% (3/25)', 'Twenty (74%) of the 27 patients'.
    """
    index = _group_start(items, index, people)
    first = last = index
    parts = [items[index]]
    probe = _skip_people(items, index + 1, people)
    if (
        probe + 1 < len(items)
        and items[probe].text in ("(", "[")
        and is_number(items[probe + 1])
        and not _names_its_own(items, probe + 1)
    ):
        parts.append(items[probe + 1])
        last = probe + 1
        if last + 1 < len(items) and items[last + 1].text in (")", "]"):
            last += 1
    if last + 3 < len(items) and items[last + 1].text in ("(", "[") and items[last + 2].text == "ci":
        last += 3 if items[last + 3].text in (")", "]") else 2  # "76.2 percent (95% CI, 72.5 to 79.9)"
    total_at = _total_after(items, last + 1)
    count = percent = total = None
    if total_at is not None:
        total = items[total_at].payload
        last = total_at
    stated_n = _n_equals_after(items, last + 1, people)
    if stated_n is not None:
        # "in 20 percent of patients (n = 6)": the bracketed n is the count of that percent.
        parts.append(items[stated_n])
        last = stated_n + 1 if stated_n + 1 < len(items) and items[stated_n + 1].text == ")" else stated_n
    for part in parts:
        if part.kind == "frac":
            fraction: Fraction = part.payload
            count = count or fraction.count
            total = total or fraction.total
        else:
            number: Num = part.payload
            if number.percent:
                percent = percent or number
            elif number.is_int:
                count = count or number
    return Group(first, last, count, percent, total, items[first].start, items[last].end)


def _skip_people(items: list[Item], probe: int, people: frozenset[str]) -> int:
    while probe < len(items) and items[probe].kind == "word" and items[probe].text in people:
        probe += 1
    return probe


def _n_equals_after(items: list[Item], probe: int, people: frozenset[str]) -> int | None:
    """'... of patients (n = 6)': the index of the number after 'n ='."""
    while probe < len(items) and (items[probe].text in ("of", "the") or items[probe].text in people):
        probe += 1
    if (
        probe + 3 < len(items)
        and items[probe].text == "("
        and items[probe + 1].text == "n"
        and items[probe + 2].text == "="
        and items[probe + 3].kind == "num"
        and items[probe + 3].payload.is_int
    ):
        return probe + 3
    return None


def _total_after(items: list[Item], probe: int) -> int | None:
    """'of the 27' right after a group: the index of the denominator, if any."""
    if probe < len(items) and items[probe].text == "of":
        probe += 1
        if probe < len(items) and items[probe].text == "the":
            probe += 1
        if probe < len(items) and items[probe].kind == "num" and items[probe].payload.is_int:
            return probe
    return None


def _group_start(items: list[Item], index: int, people: frozenset[str]) -> int:
    """Walk back from a number to the first number of its group."""
    back = index - 1
    if back >= 0 and items[back].text == "the":
        back -= 1
    if back >= 1 and items[back].text == "of" and index - back <= 2:
        # "20 (74%) of the 27": the 27 is the denominator of the group before it.
        before = back - 1
        if before >= 0 and items[before].text in (")", "]"):
            before -= 1
        if before >= 0 and is_number(items[before]):
            return _group_start(items, before, people)
        return index
    if index >= 2 and items[index - 1].text in ("(", "["):
        back = index - 2
        while back >= 0 and items[back].kind == "word" and items[back].text in people:
            back -= 1
        if back >= 0 and is_number(items[back]) and not _names_its_own(items, index):
            return back
    return index


def _names_its_own(items: list[Item], index: int) -> bool:
    """'4.5% (0 complete response, 1 partial response)': a bracketed number followed by its own
    category is a breakdown, not the companion of the number before the bracket."""
    return index + 1 < len(items) and items[index + 1].kind == "cue"


def negated_total(items: list[Item], index: int, negations: frozenset[str]) -> bool:
    """'None of the 15 evaluable patients': the number is a denominator behind a negation."""
    back = index - 1
    if back >= 0 and items[back].text == "the":
        back -= 1
    return back >= 1 and items[back].text == "of" and items[back - 1].text in negations
