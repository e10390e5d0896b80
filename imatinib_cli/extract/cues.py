"""Cue-word matchers built once per process from the YAML vocabularies."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from imatinib_cli import resolve_rules, vocab
from imatinib_cli.regexes import case_blind_alternation, word_start_alternation

# Defined in resolve_rules (resolve needs it without importing the extractors); kept here by name.
words = resolve_rules.words


def _triples(node: Any, key_field: str | None) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Accept either a list of entries ({key_field: k, synonyms: [...]}) or a mapping k -> [...]."""
    if isinstance(node, dict):
        for key, synonyms in node.items():
            for synonym in synonyms or ():
                yield str(synonym), str(key), {"key": str(key)}
    elif isinstance(node, list):
        for entry in node:
            if isinstance(entry, dict):
                key = str(entry.get(key_field or "key"))
                for synonym in entry.get("synonyms") or ():
                    yield str(synonym), key, entry
            else:
                yield str(entry), str(entry), {"key": str(entry)}


@vocab.cached
def matcher(file: str, *path: str, key_field: str | None = None) -> vocab.Matcher:
    """A Matcher over vocab file `file`, descending into `path` (e.g. "cues", "design")."""
    node: Any = vocab.load(file)
    for part in path:
        node = node[part]
    return vocab.Matcher(list(_triples(node, key_field)))


@vocab.cached
def any_word(file: str, *path: str) -> re.Pattern[str]:
    """A quick test for 'does this lowercase text contain any of these words (as word starts)'."""
    return re.compile(word_start_alternation(sorted(first_words(file, *path), key=len, reverse=True)))


@vocab.cached
def first_words(file: str, *path: str) -> frozenset[str]:
    """The words any_word searches for: each listed phrase's first_word, a grouped list's phrases
    all read ("evaluable": {"evaluable", "assessable", ...})."""
    node: Any = vocab.load(file)
    for part in path:
        node = node[part]
    phrases = [p for group in node.values() for p in group] if isinstance(node, dict) else node
    return frozenset(first_word(str(item)) for item in phrases)


def first_word(phrase: str) -> str:
    """The word any_word searches for a phrase: its first, lowercase, brackets stripped
    ("(Evaluable) patients" -> "evaluable")."""
    return phrase.lower().strip("()").split()[0]


def substring_gate(words: Iterable[str]) -> tuple[str, ...]:
    """The words, less each that holds another of them ("none" holds "no"), sorted: a text holds
    one of the words exactly when it holds one of these (holds_any's list)."""
    kept = set(words)
    return tuple(sorted(word for word in kept if not any(other in word for other in kept if other != word)))


def first_words_gate(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """The first word of each phrase (lowercase, as `words` gives them) as one plain alternation,
    to search a lowercase ASCII text with before a case-blind pattern that needs one of them:
    `first_words_gate({"vs", "versus", "arm"})` -> re.compile("arm|versus|vs"). None when a phrase
    is not ASCII: case-blind matching then reads more than lowercasing does ("ſ" as "s", the Kelvin
    sign as "k"), so the pattern always runs. (A gate on a sentence is likewise only for ASCII text.)"""
    phrases = list(phrases)
    if not all(phrase.isascii() for phrase in phrases):
        return None
    return re.compile("|".join(re.escape(word) for word in sorted({phrase.split()[0] for phrase in phrases})))


@vocab.cached
def imatinib_names() -> re.Pattern[str]:
    """Any of imatinib's names (schedules.yaml imatinib_names), spaces and hyphens optional: one
    C-level search, cheaper than a phrase scan of a whole text."""
    names = sorted((str(n) for n in vocab.load("schedules")["imatinib_names"]), key=len, reverse=True)

    def flexible(name: str) -> str:
        return re.escape(name).replace(r"\ ", r"[\s-]*").replace(r"\-", r"[\s-]*")

    if not all(name[:1].isalnum() for name in names):
        return re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(flexible, names)) + r")", re.I)
    # Opening with the first letter it consumes, in every case: re skips in C to an "i", "g", "s"
    # or "c" instead of trying every name at every character of a whole document (extract asks
    # whether a text names imatinib at all). The same matches as "(?<![A-Za-z])(?:name|...)".
    options = [(name[0], flexible(name[1:])) for name in names]
    return re.compile(case_blind_alternation(options, "[A-Za-z]"), re.I)


def holds_any(lowered: str, words: tuple[str, ...]) -> bool:
    """Whether any of the words is in the lowercased sentence (the per-sentence "could this
    pattern match here" test of the readers): a loop, not any() over a generator, which costs
    more than the few C substring tests it runs."""
    for word in words:  # noqa: SIM110
        if word in lowered:
            return True
    return False
