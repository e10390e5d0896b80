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


def prefix_alternation(words: Iterable[str]) -> str:
    """An alternation of `words` sharing their prefixes; where a word ends and a longer one goes
    on, the longer is tried first (as in an alternation sorted longest first)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return _emit(trie)


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


def word_start_alternation(words: Iterable[str]) -> str:
    """`\\b(?:word|word...)` for words that start with a word character, written so that each
    option consumes its first character before checking the boundary behind it."""
    words = list(words)
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    if _END in trie or not all(re.fullmatch(r"\w", ch) for ch in trie):
        return r"\b(?:" + prefix_alternation(words) + ")"
    # (?<!\w\w) after a word character: the character before it is not a word character.
    options = [re.escape(ch) + r"(?<!\w\w)" + _emit(child) for ch, child in sorted(trie.items())]
    return "(?:" + "|".join(options) + ")"
