"""Numbers as abstracts write them: digits, decimals, percents, spelled-out words, fractions.

Every number keeps its character span so a value can always be traced back to the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from typing import Any, NamedTuple

from imatinib_cli import vocab
from imatinib_cli.models import record
from imatinib_cli.regexes import prefix_alternation, word_start_alternation


@record
class Num:
    """A number as written: "45%" is Num(45.0, start, end, percent=True); "twelve" is spelled."""

    value: float
    start: int
    end: int
    percent: bool
    spelled: bool = False
    decimals: int = 0

    @property
    def is_int(self) -> bool:
        return not self.percent and self.value == int(self.value)


@record
class Fraction:
    """ "x/n", "x of n", "x of the n": a count over a denominator."""

    count: Num
    total: Num
    start: int
    end: int


# Not part of a word, version or identifier ("D816T", "v1.0", "2717-25", "−5"); "400mg" still counts.
# Every option starts with the digit it consumes and then looks behind it, so the regex engine can
# skip in C to the next digit instead of trying the whole pattern at every character.
_FIRST_DIGIT = r"\d(?<![\w.\-\u2212]\d)"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_MANTISSA = r"\d*(?:[.·]\d+|)"
# "(?:X|)" for an optional X and "X(?:X)*" for a repeated one: the same matches, but the re engine
# allocates a repeat context each time it enters "(...)?" or "(...)+", for every number it reads.
# After the first digit (so the engine skips in C to a digit, and an ordinary number tries these few
# short alternatives and falls through to the last one). The forms that need more than float() are
# in the group "special", each ending in an empty group that names it.
# First, the common case: digits not followed by anything another option reads (a decimal point
# or comma, "e", "×", "x", "*", "^", a superscript, or a space before a digit, "×" or "^"), and no
# leading zero; then the options below can only read what the last one (_MANTISSA) reads, so the
# match is the same, without trying each of them (~8,000 fewer instructions a number). Possessive:
# where it does not lead to a match (the digits run into a letter), the options are tried as before.
# A decimal part ("48.4", "0.5") is read the same way: the options below read no more than the
# last one would there either (~3,000 fewer instructions a decimal).
_DECIMAL_PART = r"(?:[.·]\d++|)"
_COMMON = rf"(?:(?<!0)\d*+|(?<=0)){_DECIMAL_PART}(?![\d.·eE×xX*^,⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]|\s[\d×xX*^])|"
_DIGITS = (
    rf"{_FIRST_DIGIT}(?:{_COMMON}(?P<special>"
    r"\d*(?:[.·]\d+|)[eE](?P<e>[+\-−]?\d+)(?P<sci>)"  # 1.5e+3, 2E-4
    # a power of ten: 10^4, 10⁴, 1.5 × 10^3, 2 x 10⁻³
    rf"|(?:{_MANTISSA}\s?[×xX*]\s?10|(?<=1)0)"
    rf"(?:\s?\^\s?(?P<exp>[+\-−]?\d+)|(?P<sup>[⁺⁻]?[{_SUPERSCRIPTS}]+))(?P<power>)"
    # 1.234.567, 1.234,5: dots between groups of three (European thousands): which is meant is unsure
    r"|\d{0,2}(?:\.\d{3}\.\d{3}(?:\.\d{3})*(?:,\d+|)|\.\d{3},\d+)(?P<euro>)"
    # 1 234 with a plain space: one number or two? Unsure, so neither is read.
    r"|\d{0,2} \d{3}(?: \d{3})*(?![\d.,·])(?P<spaced>)"
    r"|(?<=0)\d+(?P<lead>)"  # 07, 007: part of a date or a code, not a count
    r")"
    r"|\d*,\d{1,2}(?=\s?%)"  # 53,8%: a decimal comma before a percent sign
    r"|\d{0,2},\d{3}(?:,\d{3})*(?:[.·]\d+|)"  # 1,234 and 1,234.5
    # 1 234 (thin or no-break space)
    r"|\d{0,2}[\u2009\u202f\u00a0]\d{3}(?:[\u2009\u202f\u00a0]\d{3})*(?:[.·]\d+|)"
    rf"|{_MANTISSA}"
    r")(?!\d)(?![.·]\d)(?![A-LN-Za-ln-z_])"
)
# The longest numeral read (15 characters: what a float holds exactly, beyond any count or rate).
MAX_NUMERAL = 15
# Powers of ten beyond 10^15 (or below 10^-15) say nothing a count or rate could.
_MAX_EXPONENT = 15
_SUPERSCRIPT_DIGITS = str.maketrans({**{c: str(i) for i, c in enumerate(_SUPERSCRIPTS)}, "⁻": "-", "⁺": "+"})


@record
class Dropped:
    """A numeral that is not read, with why: its place still counts, so no other number takes its role.

    "A partial response was seen in 0.00000000000001% of the 40 patients": the percent is too long to
    read, and the 40 must not become the count of responders.
    """

    start: int
    end: int
    text: str
    reason: str
    warn: bool = True  # False for numerals that are plainly not quantities (07 in "07/2014")


_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")


class _Patterns(NamedTuple):
    digits: re.Pattern[str]  # on the text
    words: re.Pattern[str]  # on the lowercased text
    fraction: re.Pattern[str]
    values: dict[str, int]  # number word -> value
    # `words` found from the non-word character before each (a lookahead: it consumes that one
    # character only); None when a number word opens with anything but a word character.
    after_gap: re.Pattern[str] | None
    # after_gap for ASCII text: "\W" as the set of ASCII characters it reads there, which `re`
    # tests from a bitmap instead of a Unicode look-up at every character (~half the cost).
    after_gap_ascii: re.Pattern[str] | None
    # `digits` for ASCII text (ascii_twin): "\d" tested as [0-9] at every character.
    digits_ascii: re.Pattern[str] | None
    # Every number word in an Aho-Corasick automaton (ahocorasick-rs): one pass in Rust finds
    # where a number word is written, so after_gap is tried there only (see _spelled); and the
    # form of a text it reads (vocab.automaton_input).
    word_finder: Any
    finder_reads: Callable[[str], str | bytes]


@vocab.cached
def _patterns() -> _Patterns:
    data = vocab.load("numbers")
    words: dict[str, int] = {}
    for group in ("units", "tens", "scales"):
        words.update({str(k).lower(): int(v) for k, v in data[group].items()})
    word_alt = prefix_alternation(words)
    # The first word as word_start_alternation writes it ("\b" checked after its first letter, so
    # `re` skips in C to a letter a number word starts with); the same matches as "\b{word_alt}".
    more = rf"(?:(?:[\s\-]+|\s+and\s+){word_alt})*\b"
    spelled = rf"{word_start_alternation(words)}{more}"
    percents = [str(p) for p in data["percent_words"]]
    percent_alt = "|".join(r"\s?%" if p == "%" else r"\s*" + re.escape(p.lower()) + r"\b" for p in percents)
    percent_any_case = "|".join(r"\s?%" if p == "%" else r"\s*(?i:" + re.escape(p) + r")\b" for p in percents)
    after_gap = after_gap_ascii = None
    if all(word[:1].isalnum() or word[:1] == "_" for word in words):
        ahead = rf"(?=(?P<words>(?:{word_alt}){more})(?:(?P<wpct>{percent_alt})|))"
        after_gap = re.compile(rf"\W{ahead}")
        after_gap_ascii = re.compile(rf"[^0-9A-Za-z_]{ahead}")
    digits = re.compile(rf"(?P<digits>{_DIGITS})(?:(?P<pct>{percent_any_case})|)")
    finder, reads = (
        vocab.automaton_input(list(words)) if words and all(words) else (None, vocab.automaton_text)
    )
    return _Patterns(
        digits,
        re.compile(rf"(?P<words>{spelled})(?:(?P<wpct>{percent_alt})|)"),
        re.compile(r"\s*(?:/|of(?:\s+the)?(?:\s+total)?|out of)\s*", re.IGNORECASE),
        words,
        after_gap,
        after_gap_ascii,
        # (its only case-blind parts are the percent words: ASCII ones read alike with re.ASCII)
        _ascii_twin(digits) if all(p.isascii() for p in percents) else None,
        finder,
        reads,
    )


# What "\s" reads in ASCII text (str.isspace: the information separators \x1c-\x1f too).
_ASCII_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f "


def _ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`pattern` for ASCII text, with re.ASCII: "\\d", "\\w" and "\\b" then read the same in
    ASCII text, tested from tables instead of Unicode look-ups (~15 % of a numeral scan that
    stops at every character); "\\s" is written out (re.ASCII's leaves out \\x1c-\\x1f). None
    with "\\S" (re.ASCII's reads \\x1c-\\x1f). Only for a pattern whose case-blind parts are
    ASCII: re.I folds "ſ" into "s" and the Kelvin sign into "k", re.ASCII does not."""
    source = pattern.pattern
    if "\\S" in source:
        return None
    out: list[str] = []
    in_set = False
    at = 0
    while at < len(source):
        ch = source[at]
        if ch == "\\":
            escape = source[at : at + 2]
            if escape == "\\s":
                escape = _ASCII_SPACE if in_set else f"[{_ASCII_SPACE}]"
            out.append(escape)
            at += 2
            continue
        if ch == "[" and not in_set:
            in_set = True
            out.append(ch)
            if source[at + 1 : at + 2] == "^":
                out.append("^")
                at += 1
            if source[at + 1 : at + 2] == "]":  # "[]...]" and "[^]...]": a literal "]" first
                out.append("]")
                at += 1
        elif ch == "]" and in_set:
            in_set = False
            out.append(ch)
        else:
            out.append(ch)
        at += 1
    return re.compile("".join(out), (pattern.flags & ~re.UNICODE) | re.ASCII)


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


def written_number(text: str) -> float | None:
    """A numeral or number words as the value they write: '12' -> 12.0, '5·2' -> 5.2 (Lancet's
    mid-dot), 'three' -> 3.0, 'twenty-one' -> 21.0; None for words that are no number. For a
    group a pattern has already matched as one number (digits first, or words)."""
    if text[:1].isdigit():
        return float(text.replace("·", "."))
    value = words_to_int(text)
    return float(value) if value is not None else None


def find_numbers(
    text: str, start: int = 0, end: int | None = None, dropped: list[Dropped] | None = None
) -> list[Num]:
    """All numbers in text[start:end], in order; the numerals not read go to `dropped` if given.

    "1.5e+3" and "1.5 × 10^3" are 1500, "10⁴" is 10000; "1,234" and "1 234" (thin space) are 1234.
    Dropped (never read as another number): numerals over 15 characters, powers beyond 10^±15,
    "1.234.567" and "1.234,5" (European separators), "1 234" with a plain space, "07".
    """
    end = len(text) if end is None else end
    before = 1 if start > 0 else 0
    # (the character before the slice too: the first digit's lookbehind reads it)
    ascii_text = text.isascii() or text[start - before : end].isascii()
    # Spelled-out numbers never overlap digits; they are read from the lowercased text (one
    # character before the slice is kept for the word boundary).
    return _scan(text, start, end, dropped, ascii_text, vocab.lowercase(text[start - before : end]))


def find_numbers_across(
    text: str, spans: list[tuple[int, int]], dropped: list[Dropped] | None = None
) -> list[Num] | None:
    """find_numbers of each span of `text` in turn, concatenated, in one scan: a PubMed page's
    abstract is five labelled sections, and each section's scan set-up cost more than its numbers.
    None when the spans cannot be joined (then call find_numbers for each).

    The spans are scanned as one stretch in which every character between two spans is a NUL
    but the one right before each span (which the first digit's lookbehind and the number words'
    boundary read). No part of the numeral or number-word patterns matches a NUL (no ".", negated
    set or "\\W" but the number-word gap, which consumes one character and needs a number word
    after it), so a NUL after a span stops every match and lookahead as the span's end does; the
    kept character must be no word character (a number could start there) and be followed by a
    NUL (two characters between spans at least). "Methods: 12 of 40.\n\nResults: Nine (22%)"
    with its two labelled sections: 12, 40, Nine and 22%, as two find_numbers calls give them.
    One whitespace character between two spans (an article's "...toxicity.\nResults\n...", its
    sections split at the line break) is scanned as a NUL: every pattern reads a NUL before a span
    as it reads whitespace (none of the first digit's lookbehind set, no word character, no "-"
    before a number word), and after the span before as that span's end.
    """
    patterns = _patterns()
    if not spans or patterns.after_gap is None or patterns.word_finder is None:
        return None
    first = spans[0][0]
    before = 1 if first > 0 else 0
    pieces = [text[first - before : spans[0][1]]]
    last = spans[0][1]
    for start, end in spans[1:]:
        if start - last < 2 or end < start:
            if start - last != 1 or end < start or not text[last].isspace():
                return None
            pieces.append("\0")  # (the one whitespace character between, read as whitespace is)
            pieces.append(text[start:end])
            last = end
            continue
        kept = text[start - 1]
        if kept.isalnum() or kept == "_":
            return None
        pieces.append("\0" * (start - 1 - last))
        pieces.append(text[start - 1 : end])
        last = end
    joined = "".join(pieces)
    scanned = "\0" * (first - before) + joined  # (the offsets of `text`)
    if joined.isascii():  # (ASCII lowercasing is per character: each piece's, joined)
        return _scan(scanned, first, last, dropped, True, joined.lower())
    return _scan(scanned, first, last, dropped, False, "".join(map(vocab.lowercase, pieces)))


def _scan(
    text: str,
    start: int,
    end: int,
    dropped: list[Dropped] | None,
    ascii_text: bool,
    lowered: str,
) -> list[Num]:
    """find_numbers' scan of text[start:end] (`ascii_text`: the ASCII twin may scan it); `lowered`
    is text[start - 1 : end] lowercased (text[:end] when start is 0), where number words are read."""
    patterns = _patterns()
    found: list[Num] = []
    append = found.append
    # Num's own __new__ (the record's generated constructor), called directly: the same record,
    # without the class call's look-up of __new__ and its argument tuple (~30 % of a Num's cost).
    new = Num.__new__
    digits = patterns.digits
    if ascii_text and patterns.digits_ascii is not None:
        digits = patterns.digits_ascii
    # The groups by number, looked up once a scan (by name, each number looked its three up).
    numbered = digits.groupindex
    raw_group, special_group, percent_group = numbered["digits"], numbered["special"], numbered["pct"]
    for match in digits.finditer(text, start, end):
        raw, special, percent = match.group(raw_group, special_group, percent_group)
        if special is None and len(raw) <= MAX_NUMERAL:
            # Most numerals: digits only, or digits, a point and digits ("45.2"), read as
            # _read_numeral reads them, without its calls.
            if raw.isdigit():
                at, stop = match.span()
                append(new(Num, float(raw), at, stop, bool(percent)))
                continue
            whole, point, fraction = raw.partition(".")
            if point and whole.isdigit() and fraction.isdigit():
                at, stop = match.span()
                append(new(Num, float(raw), at, stop, bool(percent), False, len(fraction)))
                continue
        read = _read_numeral(match)
        if isinstance(read, Dropped):
            if dropped is not None:
                dropped.append(read)
            continue
        value, decimals = read
        append(Num(value, match.start(), match.end(), bool(percent), decimals=decimals))
    before = 1 if start > 0 else 0
    starts = _word_starts(patterns, lowered)
    if starts == []:
        return found  # no number word written (most sections: one pass in Rust says so)
    spelled = []
    for first, last, written, percent in _spelled(patterns, lowered, before, starts):
        value = words_to_int(written)
        if value is None:
            continue
        at = first
        glued = _glued_tens(lowered, first)
        if glued is not None and value < 10:
            # "METHODSTwenty-four cases ...": a label glued to a number word; the whole is 24, not 4.
            at, value = glued, value + (words_to_int(lowered[glued : first - 1]) or 0)
        offset = start - before
        spelled.append(Num(float(value), at + offset, last + offset, percent, True))
    if spelled:
        found = sorted(found + spelled, key=lambda number: number.start)
    return found


def _spelled(
    patterns: _Patterns, lowered: str, at: int, starts: list[int] | None = None
) -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, the number words, a percent after them?) of each match of
    patterns.words.finditer(lowered, at). A number word starts a word: after a non-word character
    (where after_gap matches; the one before `at` included) or at the text's start (one anchored
    match); a match that starts inside the one before ("four" in "twenty-four") is none finditer
    finds. With `starts` (_word_starts: where a number word is written), after_gap is tried
    before those only (~1 character in 100) instead of at every non-word character (~1 in 6)."""
    after_gap = patterns.after_gap_ascii if lowered.isascii() else patterns.after_gap
    if after_gap is None:
        for match in patterns.words.finditer(lowered, at):
            yield match.start(), match.end(), match.group("words"), bool(match.group("wpct"))
        return
    done = at
    if at == 0:
        match = patterns.words.match(lowered)
        if match is not None:
            yield 0, match.end(), match.group("words"), bool(match.group("wpct"))
            done = match.end()
    if starts is None:
        matches: Iterable[re.Match[str] | None] = after_gap.finditer(lowered, max(at - 1, 0))
    else:
        # every match is one character, then a number word (its lookahead opens with one); finditer
        # finds one wherever the pattern matches (each consumes one character)
        lowest = max(at, 1)  # the gap before it at max(at - 1, 0) or after
        gaps = [first - 1 for first in starts if first >= lowest]
        matches = map(after_gap.match, repeat(lowered), gaps)
    for match in matches:
        if match is None:
            continue
        first = match.start("words")
        if first >= done:
            done = max(match.end("words"), match.end("wpct"))
            yield first, done, match.group("words"), bool(match.group("wpct"))


def _word_starts(patterns: _Patterns, lowered: str) -> list[int] | None:
    """Where a number word is written in `lowered`, in order (inside other words too: "often"
    holds "ten"), found in one pass of word_finder; None when there is no finder (then every
    place is tried). Empty: no number word, so patterns.words matches nowhere in `lowered`."""
    finder = patterns.word_finder
    if finder is None:
        return None
    hits = finder.find_matches_as_indexes(patterns.finder_reads(lowered), overlapping=True)
    return sorted({first for _, first, _ in hits}) if hits else []


def find_dropped(text: str, start: int = 0, end: int | None = None) -> list[Dropped]:
    """The numerals in text[start:end] that find_numbers does not read (tokens.py makes each a stop)."""
    dropped: list[Dropped] = []
    if _MAYBE_DROPPED.search(text, start, len(text) if end is None else end):
        find_numbers(text, start, end, dropped)
    return dropped


# Cheap test before the full scan: what every dropped numeral holds, from the digit it opens with
# (find_numbers' numerals all do): sixteen digits and separators in a row (a numeral too long to
# read is made of them, unless it is one of the forms after), a digit and an exponent, "10^" or
# "10" and a superscript, a plain-space group, European separators, a leading zero. Opening with
# the digit, not with any separator: ~half the places tried (each "." and "," of a clause was one),
# and the options after it share its lookbehinds.
_NUMERAL_CHARS = r"\d.,·\u2009\u202f\u00a0"
_MAYBE_DROPPED = re.compile(
    rf"\d(?:[{_NUMERAL_CHARS}]{{{MAX_NUMERAL}}}|[eE][+\-−]?\d|(?<=1)0(?:\s?\^|[⁺⁻{_SUPERSCRIPTS}])"
    rf"| \d{{3}}|\.\d{{3}}[.,]\d|(?<=0)(?<![\w.\-\u2212].)\d)"
)


def _read_numeral(match: re.Match[str]) -> tuple[float, int] | Dropped:
    """(value, decimals written) of one numeral, or why it is not read."""
    raw = match.group("digits")
    if len(raw) > MAX_NUMERAL:
        return Dropped(match.start(), match.end(), match.group(0), f"longer than {MAX_NUMERAL} characters")
    if match.group("special") is not None:
        return _read_special(match)
    if not raw.isdigit():
        raw = raw.replace("·", ".").translate(_SPACES)  # "33·3%" (Lancet style), "1 234"
        # "53,8%": a decimal comma before a percent sign; "1,500": a thousands separator.
        if "," in raw:
            raw = raw.replace(",", ".") if _DECIMAL_COMMA.fullmatch(raw) else raw.replace(",", "")
        return float(raw), len(raw.split(".")[1]) if "." in raw else 0
    return float(raw), 0


_SPACES = str.maketrans("", "", "\u2009\u202f\u00a0")


def _read_special(match: re.Match[str]) -> tuple[float, int] | Dropped:
    """1.5e+3, 1.5 × 10^3, 10⁴: the value as written, computed in decimal (1.1 × 10^3 is 1100); the
    forms that are not read, with why."""
    from decimal import Decimal

    span = (match.start(), match.end(), match.group(0))
    if match.group("euro") is not None:
        return Dropped(*span, "thousands separator or decimal point? (European style: not read)")
    if match.group("spaced") is not None:
        return Dropped(*span, "one number or two? (digits grouped by a plain space: not read)")
    if match.group("lead") is not None:
        return Dropped(*span, "a leading zero (a date or a code, not a quantity)", warn=False)
    raw = match.group("digits")
    if match.group("sci") is not None:
        exponent = match.group("e")
        mantissa = raw[: match.start("e") - match.start("digits") - 1]
    else:
        cut = max(raw.rfind(sign) for sign in "×xX*")
        mantissa = raw[:cut].strip() if cut > 0 else "1"
        exponent = match.group("exp") or match.group("sup").translate(_SUPERSCRIPT_DIGITS)
    exponent = exponent.replace("−", "-")
    if abs(int(exponent)) > _MAX_EXPONENT:
        return Dropped(*span, f"a power of ten beyond 10^±{_MAX_EXPONENT}")
    value = Decimal(mantissa.replace("·", ".")).scaleb(int(exponent))
    if value >= Decimal(10) ** _MAX_EXPONENT:
        return Dropped(*span, f"a value of 10^{_MAX_EXPONENT} or more")
    exponent_left = value.normalize().as_tuple().exponent
    return float(value), max(0, -exponent_left) if isinstance(exponent_left, int) else 0


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
    fractions: list[Fraction] = []
    if len(numbers) < 2:
        return fractions
    joiner = _patterns().fraction
    left = numbers[0]
    for right in numbers[1:]:
        # left.is_int and right.is_int, the percents tested once each, without the property calls.
        if (
            not left.percent
            and not right.percent
            and left.value == int(left.value)
            and right.value == int(right.value)
            and right.value >= left.value
            and right.value != 0
            and joiner.fullmatch(text, left.end, right.start)
        ):
            fractions.append(Fraction(left, right, left.start, right.end))
        left = right
    return fractions
