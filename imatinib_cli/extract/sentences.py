"""Sentence splitting with offsets, tuned for abstracts (decimals, 'et al.', 'vs.', section labels)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from imatinib_cli import vocab
from imatinib_cli.models import record

# A boundary: sentence punctuation followed by space and a capital, digit or opening bracket;
# a blank line; or a line that starts a list item or a labelled abstract section. Every option
# opens with the character it consumes (the punctuation too: the boundary starts after it), so
# `re` skips in C to the next ".!?\n|" instead of trying each option at every character: the same
# boundaries as "(?<=[.!?])[\"')\]]?\s+(?=...)|\n\s*\n|..." in a fifth of the time.
_AFTER_STOP = r"[\"')\]]?\s+(?=[A-Z0-9(\[\"'])"
# The two options that open with a line break: a blank line; a line that starts a list item or a
# labelled section.
_AT_LINE_BREAK = r"\n\s*\n|\n(?=\s*(?:[-*\u2022]\s|\d+\.\s|[A-Z][A-Za-z ]{2,40}:\s))"
_BOUNDARY = re.compile(
    rf"\.{_AFTER_STOP}|!{_AFTER_STOP}|\?{_AFTER_STOP}"
    rf"|{_AT_LINE_BREAK}"
    r"|\|[ \t]*\n"  # the end of a pipe-table row: one row reads as one sentence
)
_STOPS = ".!?"
# The first option alone: what _BOUNDARY finds in a stretch without "!", "?" or a line break
# (every other option consumes one of them, so none can match there). Opening with one
# literal, `re` searches it at memchr speed (~6 instructions a character) instead of testing each
# character against a set (~52): most abstracts' sections hold full stops only.
_FULL_STOP_BOUNDARY = re.compile(rf"\.{_AFTER_STOP}")
# _BOUNDARY's two options that open with a line break, matched at each line break by itself.
_LINE_BOUNDARY = re.compile(_AT_LINE_BREAK)


def _boundaries(text: str, begin: int, end: int) -> Iterable[re.Match[str]]:
    """What _BOUNDARY.finditer(text, begin, end) finds, in order, the same matches.

    With no "!", "?" or "|" in the stretch (`in` tests of its slice, in C, decide:
    `str.find(sub, begin, end)` parses its three arguments on each call, ~1,500 instructions
    against ~200 for the slice and each `in`), only the full-stop option and the two line-break
    options can match: the full stops are searched at memchr speed, and _LINE_BOUNDARY is
    matched at each line break (an article's sections open with a heading line: "Results\nOf
    261 evaluable patients, ..."), where _BOUNDARY tested every character against its set. A
    line-break match that starts inside a full stop's match is dropped, as the one scan skips
    it: it holds only whitespace, and a full stop's match takes the whole run of whitespace after
    it, so it ends inside that match too; a full stop is never inside a line-break match
    (whitespace only)."""
    stretch = text[begin:end]
    if "?" in stretch or "!" in stretch:
        return _BOUNDARY.finditer(text, begin, end)
    if "\n" not in stretch:
        return _FULL_STOP_BOUNDARY.finditer(text, begin, end)  # (the "|" option needs a line break)
    if "|" in stretch:
        return _BOUNDARY.finditer(text, begin, end)
    find = text.find
    line = find("\n", begin, end)
    breaks = []
    while line >= 0:
        match = _LINE_BOUNDARY.match(text, line, end)
        if match is None:
            line = find("\n", line + 1, end)
        else:
            breaks.append(match)
            line = find("\n", match.end(), end)
    stops = _FULL_STOP_BOUNDARY.finditer(text, begin, end)
    if not breaks:
        return stops
    merged: list[re.Match[str]] = []
    append = merged.append
    stop = next(stops, None)
    for line_break in breaks:
        at = line_break.start()
        while stop is not None and stop.start() < at:
            append(stop)
            stop = next(stops, None)
        if not merged or merged[-1].end() <= at:
            append(line_break)  # (else it starts inside the full stop's match before it)
    if stop is not None:
        append(stop)
        merged.extend(stops)
    return merged


@vocab.cached
def _abbreviations() -> frozenset[str]:
    """Words whose trailing period does not end a sentence ('et al.', 'vs.', 'b.i.d.')."""
    return frozenset(str(word).lower().rstrip(".") for word in vocab.load("cues")["abbreviations"])


_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."


def _last_word(head: str) -> str:
    """The word before a full stop: what `([A-Za-z][A-Za-z.]*)\\.\\s*$` captures in head + "." ("",
    no match), by two strips in C instead of a search tried at every letter of the window:
    "see Smith et al" -> "al", "(b.i.d" -> "b.i.d", "3.5" -> "". The match ends at the full stop
    (the last character), so its word is the run of letters and dots before it, from the run's
    first letter."""
    return head[len(head.rstrip(_WORD_CHARS)) :].lstrip(".")


# The last word is looked for in this many characters before a boundary, not in the whole sentence
# so far: longer than any abbreviation, so a word cut at the window's edge is never taken for one.
_LAST_WORD_WINDOW = 64

# A sentence longer than this is read in pieces of at most this many characters. The longest
# sentence of the real-dev corpus is 657 characters (1,306 in any document of seeds/ and tests/ but
# Python source); a "sentence" of 4,000 is a table, a list or a file without full stops, and every
# extractor's work on a sentence grows with its length.
MAX_SENTENCE_CHARS = 4000
# A piece is cut at the last line break in its second half, else the last ';' or ',', else the last
# space, else at the cap itself.
_CLAUSE_END = re.compile(r"[;,]\s")
# A quote is never longer than this: a piece of a sentence and its two ellipses; a quote made from
# other text (a table row) is cut here with an ellipsis.
MAX_QUOTE_CHARS = MAX_SENTENCE_CHARS + 4
ELLIPSIS = "\u2026"


@record
class Sentence:
    """A sentence (or a piece of a long one) with its offsets into the document's text."""

    start: int
    end: int
    text: str
    # A piece of a sentence longer than MAX_SENTENCE_CHARS: cut before it, after it (or both).
    cut_before: bool = False
    cut_after: bool = False


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of text[start:end] with offsets into text; whitespace at the edges trimmed.

    Linear in the length: each boundary looks back over a fixed window only, and a sentence over
    MAX_SENTENCE_CHARS is cut into pieces ("12 patients had a partial response" on 10,000 lines
    with no full stop is 2,000 pieces of about 4,000 characters, each a Sentence with cut flags).
    """
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    cursor = start
    # A stop right before the slice still ends a sentence at its start (as a lookbehind would see it).
    begin = start - 1 if start > 0 and text[start - 1] in _STOPS else start
    # Sentence's own __new__ (the record's generated constructor), called directly: the same
    # record without the class call's look-up of __new__ and its argument tuple (~30 % of its cost).
    new = Sentence.__new__
    append = sentences.append
    for match in _boundaries(text, begin, end):
        boundary = match.start()
        if text[boundary] in _STOPS:
            boundary += 1
        if text[boundary - 1] == "." and "\n" not in match.group(0):
            word = _last_word(text[max(cursor, boundary - _LAST_WORD_WINDOW) : boundary - 1])
            if word and word.lower().rstrip(".") in _abbreviations():
                continue
        if (
            cursor < boundary
            and boundary - cursor <= MAX_SENTENCE_CHARS
            and not text[cursor].isspace()
            and not text[boundary - 1].isspace()
        ):
            # What _append does with a sentence that has no space at either edge (most: a boundary
            # ends after its full stop, and the next sentence starts after the spaces), inline.
            append(new(Sentence, cursor, boundary, text[cursor:boundary]))
        else:
            _append(sentences, text, cursor, boundary)
        cursor = match.end()
    _append(sentences, text, cursor, end)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > MAX_SENTENCE_CHARS:
        _append_pieces(sentences, text, start, end)
    elif end > start:
        sentences.append(Sentence.__new__(Sentence, start, end, text[start:end]))


def _append_pieces(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    """A sentence over the cap, as pieces of at most MAX_SENTENCE_CHARS cut at a line break, a
    clause end or a space in the second half of each window (at the cap when there is none)."""
    first = True
    while start < end:
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            break
        if end - start <= MAX_SENTENCE_CHARS:
            cut = end
        else:
            limit = start + MAX_SENTENCE_CHARS
            half = start + MAX_SENTENCE_CHARS // 2
            cut = text.rfind("\n", half, limit) + 1
            if cut <= 0:
                ends = [m.start() for m in _CLAUSE_END.finditer(text, half, limit)]
                cut = ends[-1] + 1 if ends else text.rfind(" ", half, limit) + 1
            if cut <= 0:
                cut = limit
        stop = cut
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            sentences.append(Sentence(start, stop, text[start:stop], not first, cut < end))
            first = False
        start = cut


def quote(sentence: Sentence) -> str:
    """The sentence as one line: hard-wrapped text joined with single spaces; a piece of a cut
    sentence shows the cut with an ellipsis ("… 12 patients had a partial response …")."""
    # Splitting and joining in C (~1 µs a sentence) costs a quarter of a regex search for the
    # irregular spaces that would make it needed; most sentences need neither: ASCII text that is
    # printable (no tab, line break or other control) has only " " for whitespace, and with no
    # two in a row and none at an edge it is its own quote (~0.2 µs).
    text = sentence.text
    if text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        joined = text
    else:
        joined = " ".join(text.split())
    if sentence.cut_before:
        joined = ELLIPSIS + " " + joined
    if sentence.cut_after:
        joined = joined + " " + ELLIPSIS
    return joined
