"""Regexes built from word lists so Python's engine can skip ahead in C.

`re` tries an alternation of N words one word at a time at every position, and cannot skip to a
likely start when the pattern opens with an assertion such as \\b. Sharing prefixes
("s(?:even(?:teen|ty)?|ix...)") and opening every option with the literal character it consumes
makes the same search several times faster with the same matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""

# The characters besides its two cases that case-blind matching reads as an ASCII letter: "İ" and
# "ı" as "i", the Kelvin sign as "k", "ſ" as "s" (tests/test_extract_prefilters.py checks every
# code point). A lowercase `in` test stands for a case-blind match only for words without these.
OTHER_CASES = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def _trie(words: Iterable[str]) -> dict[str, dict]:
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return trie


def prefix_alternation(words: Iterable[str]) -> str:
    """An alternation of `words` sharing their prefixes; where a word ends and a longer one goes
    on, the longer is tried first (as in an alternation sorted longest first)."""
    return _emit(_trie(words))


def prefix_options(words: Iterable[str]) -> list[tuple[str, str]]:
    """prefix_alternation(words) as (first character, the rest's pattern) pairs, one per first
    character in order: ["at", "after", "by"] -> [("a", "(?:fter|t)"), ("b", "y")]. For
    case_blind_alternation; no word may be empty."""
    trie = _trie(words)
    if _END in trie:
        raise ValueError("an empty word has no first character")
    return [(ch, _emit(child)) for ch, child in sorted(trie.items())]


def phrase_group(words: Iterable[str]) -> str:
    """A vocabulary list as one regex group, `(?:...)`, a space in a phrase matching any run of
    spaces: "were treated with" also reads "were  treated\nwith"."""
    return "(?:" + prefix_alternation(sorted(words)).replace(r"\ ", r"\s+") + ")"


def _emit(node: dict[str, dict]) -> str:
    options = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch != _END]
    if not options:
        return ""
    if _END not in node:
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    last = next(ch for ch in node if ch != _END)
    if len(options) == 1 and last != " " and options[0] == re.escape(last):
        # "s?": one character, repeated in C at no cost (not a space: phrase_group makes it "\s+").
        return options[0] + "?"
    # "(?:ed|ing|)" rather than "(?:ed|ing)?": the same matches, but the re engine allocates a
    # repeat context each time it enters "(...)?" (every search of every cue gate) and none here.
    return "(?:" + "|".join(options) + "|)"


def word_start_alternation(words: Iterable[str], not_after: str = r"\w") -> str:
    """`\\b(?:word|word...)` for words that start with a word character, written so that each
    option consumes its first character before checking the boundary behind it. For a
    case-sensitive pattern (on lowercased text); under re.I use case_blind_alternation.

    `not_after` is one character's pattern that may not stand before a word: r"\\w" (a word
    boundary), r"[\\w-]" ("grade" but not "low-grade"): `(?<!NOT_AFTER)(?:word|...)`."""
    words = list(words)
    trie = _trie(words)
    if _END in trie or not all(re.fullmatch(r"\w", ch) for ch in trie):
        opening = r"\b" if not_after == r"\w" else rf"(?<!{not_after})"
        return opening + "(?:" + prefix_alternation(words) + ")"
    # (?<!\w\w) after a word character: the character before it is not a word character.
    options = [re.escape(ch) + rf"(?<!{not_after}\w)" + _emit(child) for ch, child in sorted(trie.items())]
    return "(?:" + "|".join(options) + ")"


def case_blind_class(firsts: Iterable[str], also: str = "") -> str | None:
    """`(?-i:[...])`: every character that case-blind matching reads as one of `firsts`, as a
    case-sensitive set: "ps" -> "(?-i:[PSpsſ])". `also` is set syntax added as written (r"\\d",
    "DKV"). None when a first is not one ASCII character (its other cases are not listed here).

    `re` cannot skip in C to a case-blind set of letters (it tries the whole pattern at every
    character); to this one it can."""
    chars: set[str] = set()
    for first in firsts:
        if len(first) != 1 or not first.isascii():
            return None
        lower = first.lower()
        chars.update((lower, first.upper(), *OTHER_CASES.get(lower, "")))
    return "(?-i:[" + "".join(re.escape(ch) for ch in sorted(chars)) + also + "])"


_DIGIT = r"\d"


def case_blind_alternation(options: Iterable[tuple[str, str]], not_after: str = r"\w") -> str:
    """For a case-blind pattern (re.I): the same matches as `(?<!NOT_AFTER)(?:F1REST1|F2REST2...)`,
    written to open with the character it consumes (a case_blind_class: `re` skips to it in C,
    ~4x faster), then check behind it: [("p", "hase")] -> "(?-i:[Pp])(?<!\\w.)hase", what
    "\\bphase" reads.

    `options` pairs a first character (one character, or r"\\d") with the pattern of the rest (no
    "|" outside a group). Options of one first character keep their order; options of different
    ones never match at one place, so a lookbehind on that character ("(?<=a)") tells them apart
    (a digit beside r"\\d" would: then the plain form).
    `not_after` is one character's pattern (r"\\w": a word boundary before a word character).
    With a first character outside ASCII, the plain form (as slow as it reads)."""
    options = list(options)
    by_first: dict[str, list[str]] = {}
    for first, rest in options:
        by_first.setdefault(first if first == _DIGIT else first.lower(), []).append(rest)
    letters = [first for first in by_first if first != _DIGIT]
    opening = case_blind_class(letters, _DIGIT if _DIGIT in by_first else "")
    if _DIGIT in by_first and any(first.isdigit() for first in letters):
        opening = None  # "1" and r"\d" both match at a "1": their options' order would change
    if opening is None:
        plain = ((first if first == _DIGIT else re.escape(first)) + rest for first, rest in options)
        return rf"(?<!{not_after})(?:" + "|".join(plain) + ")"
    opening += rf"(?<!{not_after}.)"
    rests = {
        first: rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")" for first, rest in by_first.items()
    }
    if len(rests) == 1:
        return opening + next(iter(rests.values()))
    branches = [
        f"(?<={first if first == _DIGIT else re.escape(first)})" + rest for first, rest in rests.items()
    ]
    return opening + "(?:" + "|".join(branches) + ")"


def case_blind_union(parts: Iterable[tuple[Iterable[tuple[str, str]], str]], not_after: str = r"\w") -> str:
    """For a case-blind pattern (re.I): the same matches as
    `(?<!NOT_AFTER)(?:(?:OPTIONS1)TAIL1|(?:OPTIONS2)TAIL2...)`, opening with one case_blind_class
    as case_blind_alternation does, each part's options followed by its tail (named groups in a
    tail appear once): [([("a", "t"), ("b", "y")], r"\\s+(?P<n>\\d+)"), ([(r"\\d", "")], "-month")]
    reads "at 6", "by 12", "6-month". No first character may be in two parts (one place would
    then match two parts, and which comes first would change): ValueError. With a first
    character outside ASCII, or a digit beside r"\\d", the plain form."""
    groups = []
    seen: set[str] = set()
    for options, tail in parts:
        by_first: dict[str, list[str]] = {}
        for first, rest in options:
            by_first.setdefault(first if first == _DIGIT else first.lower(), []).append(rest)
        if seen & by_first.keys():
            raise ValueError(f"a first character in two parts: {sorted(seen & by_first.keys())}")
        seen |= by_first.keys()
        groups.append((list(options), by_first, tail))
    letters = [first for first in seen if first != _DIGIT]
    opening = case_blind_class(sorted(letters), _DIGIT if _DIGIT in seen else "")
    if opening is None or (_DIGIT in seen and any(first.isdigit() for first in letters)):
        plain = (
            "(?:" + "|".join((f if f == _DIGIT else re.escape(f)) + rest for f, rest in options) + ")" + tail
            for options, _, tail in groups
        )
        return rf"(?<!{not_after})(?:" + "|".join(plain) + ")"
    branches = []
    for _, by_first, tail in groups:
        rests = [
            f"(?<={first if first == _DIGIT else re.escape(first)})"
            + (rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")")
            for first, rest in by_first.items()
        ]
        branches.append("(?:" + "|".join(rests) + ")" + tail)
    return opening + rf"(?<!{not_after}.)(?:" + "|".join(branches) + ")"
