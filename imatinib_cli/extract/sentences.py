"""Sentence splitting with offsets, tuned for abstracts (decimals, 'et al.', 'vs.', section labels)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from imatinib_cli import vocab

# A boundary: sentence punctuation followed by space and a capital, digit or opening bracket;
# a blank line; or a line that starts a list item or a labelled abstract section.
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9(\[\"'])"
    r"|\n\s*\n"
    r"|\n(?=\s*(?:[-*\u2022]\s|\d+\.\s|[A-Z][A-Za-z ]{2,40}:\s))"
    r"|\|[ \t]*\n"  # the end of a pipe-table row: one row reads as one sentence
)


@vocab.cached
def _abbreviations() -> frozenset[str]:
    """Words whose trailing period does not end a sentence ('et al.', 'vs.', 'b.i.d.')."""
    return frozenset(str(word).lower().rstrip(".") for word in vocab.load("cues")["abbreviations"])


_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.\s*$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of text[start:end] with offsets into text; whitespace at the edges trimmed."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        head = text[cursor : match.start()]
        last = _LAST_WORD.search(head)
        if last and last.group(1).lower().rstrip(".") in _abbreviations() and "\n" not in match.group(0):
            continue
        _append(sentences, text, cursor, match.start())
        cursor = match.end()
    _append(sentences, text, cursor, end)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start, end, text[start:end]))


def quote(sentence: Sentence) -> str:
    """The sentence as one line: hard-wrapped text joined with single spaces."""
    return " ".join(sentence.text.split())
