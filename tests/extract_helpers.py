"""Shared helpers for extractor tests: a one-document extraction from an inline string, and the
reference runs and old patterns that the gate and rewrite tests compare against."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from imatinib_cli import vocab
from imatinib_cli.extract import extract, populations, tokens, toxicity
from imatinib_cli.extract.context import Context, SentenceInfo, build_context
from imatinib_cli.extract.numbers import find_dropped
from imatinib_cli.models import Document, Findings, Population


@contextmanager
def patched(module: Any, **values: Any) -> Iterator[None]:
    """module's names set to values for the block, then restored: the gate tests run the code
    once as it is and once with a shortcut turned off (`with patched(dose, unit_opening=lambda:
    ""): ...`). Not pytest's monkeypatch: hypothesis runs many examples in one test call."""
    saved = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


def context_of(text: str) -> Context:
    """The extraction context (sentences, numbers, tumors) of one inline plain-text document."""
    return build_context(Document(path="inline.txt", sha256="0" * 64, format="text", text=text))


def findings(text: str) -> Findings:
    return extract(Document(path="inline.txt", sha256="0" * 64, format="text", text=text))


def only_population(text: str) -> Population:
    populations = findings(text).populations
    assert len(populations) == 1, populations
    return populations[0]


def response(population: Population, category: str) -> tuple[float | None, float | None]:
    item = population.response(category)
    assert item is not None, f"no {category} in {population}"
    return (
        item.count.value if item.count else None,
        item.percent.value if item.percent else None,
    )


def subgroups_with_and_without_skip(context: Context, info: SentenceInfo) -> tuple[object, object]:
    """_find_subgroups as it runs, and with its name-start skip turned off (the pattern always
    run): a gate test asserts both are equal."""
    fast = populations._find_subgroups(context, info)
    with patched(populations, _subgroup_name_starts=lambda: None):
        slow = populations._find_subgroups(context, info)
    return fast, slow


def aggregates_with_and_without_gate(context: Context, info: SentenceInfo) -> tuple[object, object]:
    """toxicity._aggregates as it runs, and with its head-word gate turned off (the aggregate
    pattern always run): a gate test asserts both are equal."""
    fast = toxicity._aggregates(context.text, info, [])
    with patched(toxicity, _aggregate_head_starts=lambda: None):
        slow = toxicity._aggregates(context.text, info, [])
    return fast, slow


def old_time_parts() -> tuple[str, str]:
    """(number, unit alternation) as the time patterns wrote them before issue 12, for the tests
    that prove their rewrites equal: every unit synonym, longest first."""
    units = vocab.load("cues")["time_units"]
    alternatives = {synonym for synonyms in units.values() for synonym in synonyms}
    unit_alt = "|".join(sorted(map(re.escape, alternatives), key=len, reverse=True))
    number = (
        r"(?:(?<![\d.,·])\d+(?:[.·]\d+)?"
        r"|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|twenty-four)"
    )
    return number, unit_alt


@dataclass(slots=True)
class OldItem:
    """An item of a clause's row before the twelfth session (tokens.Row since): the reference
    tokenizers of the speed tests build rows of these."""

    kind: str
    start: int
    end: int
    text: str
    payload: Any = None


_OLD_WORD_OR_MARK = re.compile(r"[A-Za-z][A-Za-z'\-]*|[()\[\],;:=]")


def old_words(text: str, start: int, end: int, items: list[OldItem]) -> None:
    """tokens._words before the twelfth session: findall, then str.find for each word's place,
    an OldItem a word or mark."""
    if start >= end:
        return
    chunk = text[start:end]
    ascii_only = chunk.isascii()
    if ascii_only:
        chunk = chunk.lower()
    at = 0
    for written in _OLD_WORD_OR_MARK.findall(chunk):
        at = chunk.find(written, at)
        after = at + len(written)
        kind = "mark" if written in "()[],;:=" else "word"
        items.append(OldItem(kind, start + at, start + after, written if ascii_only else written.lower()))
        at = after


def old_statistics(text: str, start: int, end: int) -> list[OldItem]:
    """The old tokenizers' first items: each statistic's bracket ("(95% CI, 2% to 30%)") as a
    word written "ci", found only where a statistic opens."""
    if tokens._STATISTIC_OPENING.search(text, max(0, start - 1), end) is None:
        return []
    return [
        OldItem("word", m.start(), m.end(), "ci")
        for m in tokens._STATISTIC_BRACKET.finditer(text, start, end)
    ]


def old_numbers(text: str, start: int, end: int, numbers, fractions) -> list[OldItem]:  # type: ignore[no-untyped-def]
    """The old tokenizers' fractions, then the numbers in none of them, inside [start, end)."""
    items: list[OldItem] = []
    in_fraction = set()
    for fraction in fractions:
        if start <= fraction.start and fraction.end <= end:
            items.append(
                OldItem("frac", fraction.start, fraction.end, text[fraction.start : fraction.end], fraction)
            )
            in_fraction.update((fraction.count.start, fraction.total.start))
    for number in numbers:
        if start <= number.start and number.end <= end and number.start not in in_fraction:
            items.append(OldItem("num", number.start, number.end, text[number.start : number.end], number))
    return items


def old_dropped(text: str, start: int, end: int) -> list[OldItem]:
    """The old tokenizers' dropped numerals, each a word written "#unread"."""
    return [OldItem("word", d.start, d.end, "#unread") for d in find_dropped(text, start, end)]


def old_filled(text: str, start: int, end: int, taken: list[OldItem]) -> list[OldItem]:
    """The old tokenizers' row from their sorted items: an item that starts before the last one
    kept ends is skipped, and the words between the kept ones are read (old_words)."""
    items: list[OldItem] = []
    cursor = start
    for item in taken:
        if item.start < cursor:
            continue
        old_words(text, cursor, item.start, items)
        items.append(item)
        cursor = item.end
    old_words(text, cursor, end, items)
    return items


def row_places(row: tokens.Row, *, payloads: bool = True) -> list[tuple[Any, ...]]:
    """A row's places as tuples, in order: kind, start, end, text (and payload)."""
    if payloads:
        return list(zip(row.kinds, row.starts, row.ends, row.texts, row.payloads, strict=True))
    return list(zip(row.kinds, row.starts, row.ends, row.texts, strict=True))


# Span kinds and texts the tokenizer tests draw (a "ci" text among them: the statistics' spans).
SPAN_KINDS = ["cue", "blocker", "tumor", "word"]
SPAN_TEXTS = ["ci", "CI", "partial response", "<time point>", "gist", "pr"]
