"""Numbers as abstracts write them: digits, decimals, percents, spelled-out words, fractions.

Every number keeps its character span so a value can always be traced back to the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from imatinib_cli import vocab
from imatinib_cli.regexes import prefix_alternation


@dataclass(frozen=True, slots=True)
class Num:
    value: float
    start: int
    end: int
    percent: bool
    spelled: bool = False
    decimals: int = 0

    @property
    def is_int(self) -> bool:
        return not self.percent and self.value == int(self.value)


@dataclass(frozen=True, slots=True)
class Fraction:
    """ "x/n", "x of n", "x of the n": a count over a denominator."""

    count: Num
    total: Num
    start: int
    end: int


# Not part of a word, version or identifier ("D816T", "v1.0", "2717-25"); "400mg" still counts.
# Every option starts with the digit it consumes and then looks behind it, so the regex engine can
# skip in C to the next digit instead of trying the whole pattern at every character.
_FIRST_DIGIT = r"\d(?<![\w.\-]\d)"
_DIGITS = (
    rf"(?:{_FIRST_DIGIT}\d*,\d{{1,2}}(?=\s?%)|{_FIRST_DIGIT}\d{{0,2}}(?:,\d{{3}})+|{_FIRST_DIGIT}\d*(?:[.·]\d+)?)"
    r"(?!\d)(?![A-LN-Za-ln-z_])"
)


_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")


class _Patterns(NamedTuple):
    digits: re.Pattern[str]  # on the text
    words: re.Pattern[str]  # on the lowercased text
    fraction: re.Pattern[str]
    values: dict[str, int]  # number word -> value


@vocab.cached
def _patterns() -> _Patterns:
    data = vocab.load("numbers")
    words: dict[str, int] = {}
    for group in ("units", "tens", "scales"):
        words.update({str(k).lower(): int(v) for k, v in data[group].items()})
    word_alt = prefix_alternation(words)
    spelled = rf"\b{word_alt}(?:(?:[\s\-]+|\s+and\s+){word_alt})*\b"
    percents = [str(p) for p in data["percent_words"]]
    percent_alt = "|".join(r"\s?%" if p == "%" else r"\s*" + re.escape(p.lower()) + r"\b" for p in percents)
    percent_any_case = "|".join(r"\s?%" if p == "%" else r"\s*(?i:" + re.escape(p) + r")\b" for p in percents)
    return _Patterns(
        re.compile(rf"(?P<digits>{_DIGITS})(?P<pct>{percent_any_case})?"),
        re.compile(rf"(?P<words>{spelled})(?P<wpct>{percent_alt})?"),
        re.compile(r"\s*(?:/|of(?:\s+the)?(?:\s+total)?|out of)\s*", re.IGNORECASE),
        words,
    )


def words_to_int(text: str) -> int | None:
    """'One hundred eighty-six' -> 186; None when the words are not a number."""
    words = _patterns().values
    total = current = 0
    seen = False
    for token in re.split(r"[\s\-]+", text.lower()):
        if not token or token == "and":
            continue
        value = words.get(token)
        if value is None:
            return None
        seen = True
        if value == 100:
            current = max(current, 1) * 100
        elif value == 1000:
            total += max(current, 1) * 1000
            current = 0
        else:
            current += value
    return total + current if seen else None


def find_numbers(text: str, start: int = 0, end: int | None = None) -> list[Num]:
    """All numbers in text[start:end], in order."""
    patterns = _patterns()
    end = len(text) if end is None else end
    found: list[Num] = []
    for match in patterns.digits.finditer(text, start, end):
        raw = match.group("digits").replace("·", ".")  # "33·3%" (Lancet style)
        # "53,8%": a decimal comma before a percent sign; "1,500": a thousands separator.
        if "," in raw:
            raw = raw.replace(",", ".") if _DECIMAL_COMMA.fullmatch(raw) else raw.replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        if len(raw) > 15:
            continue  # beyond any count or rate, and beyond what a float holds exactly
        found.append(Num(float(raw), match.start(), match.end(), bool(match.group("pct")), decimals=decimals))
    # Spelled-out numbers never overlap digits; they are read from the lowercased text (one
    # character before the slice is kept for the word boundary).
    before = 1 if start > 0 else 0
    lowered = vocab.lowercase(text[start - before : end])
    spelled = []
    for match in patterns.words.finditer(lowered, before):
        value = words_to_int(match.group("words"))
        if value is None:
            continue
        first = match.start()
        glued = _glued_tens(lowered, first)
        if glued is not None and value < 10:
            # "METHODSTwenty-four cases ...": a label glued to a number word; the whole is 24, not 4.
            first, value = glued, value + (words_to_int(lowered[glued : match.start() - 1]) or 0)
        offset = start - before
        spelled.append(
            Num(float(value), first + offset, match.end() + offset, bool(match.group("wpct")), True)
        )
    if spelled:
        found = sorted(found + spelled, key=lambda number: number.start)
    return found


def _glued_tens(lowered: str, at: int) -> int | None:
    """Where a number word after a hyphen continues a tens word glued to the word before it
    ("methodstwenty-four", a section label run into the text), the start of that tens word."""
    if at < 2 or lowered[at - 1] != "-":
        return None
    word = re.search(r"[a-z]+$", lowered[max(0, at - 40) : at - 1])
    if word is None:
        return None
    tens = {w for w, v in _patterns().values.items() if 20 <= v <= 90 and v % 10 == 0}
    for size in range(len(word.group(0)) - 1, 2, -1):
        tail = word.group(0)[-size:]
        if tail in tens:
            return at - 1 - size
    return None


def find_fractions(text: str, numbers: list[Num]) -> list[Fraction]:
    """Pairs of adjacent whole numbers joined by '/', 'of', 'of the' or 'out of'."""
    joiner = _patterns().fraction
    fractions: list[Fraction] = []
    for left, right in zip(numbers, numbers[1:], strict=False):
        if left.percent or right.percent or not left.is_int or not right.is_int:
            continue
        if right.value < left.value or right.value == 0:
            continue
        gap = text[left.end : right.start]
        if joiner.fullmatch(gap):
            fractions.append(Fraction(left, right, left.start, right.end))
    return fractions
