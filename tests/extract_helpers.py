"""Shared helpers for extractor tests: a one-document extraction from an inline string, and the
reference runs and old patterns that the gate and rewrite tests compare against."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from imatinib_cli import vocab
from imatinib_cli.extract import extract, populations, toxicity
from imatinib_cli.extract.context import Context, SentenceInfo, build_context
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
