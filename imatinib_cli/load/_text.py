"""Line and section helpers shared by the readers.

Readers describe regions loosely (overlaps allowed, later wins); `layout` turns them into the
clean, non-overlapping, whitespace-trimmed sections the model promises, and marks everything a
reader did not claim as boilerplate so no chrome can leak into the text extract reads.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import accumulate, chain, repeat
from operator import itemgetter
from typing import Any

from imatinib_cli.models import Section
from imatinib_cli.regexes import case_blind_class, prefix_alternation

TITLE = "title"
ABSTRACT = "abstract"
BODY = "body"
RESULTS = "results"
REGISTRY = "registry"
ELIGIBILITY = "eligibility"
BOILERPLATE = "boilerplate"


_flat = chain.from_iterable


try:  # the C accessor namedtuple's fields use; the same as a property of an itemgetter
    from _collections import _tuplegetter
except ImportError:  # pragma: no cover - another interpreter

    def _tuplegetter(index: int, doc: str) -> Any:
        return property(itemgetter(index), doc=doc)


class Line(tuple):  # type: ignore[type-arg]
    """One line of Document.text: [start, end) excludes the newline. Made from its
    (start, end, text): `Line((0, 1, "a"))`.

    A tuple with named fields, like a NamedTuple, but without a `__new__` of its own: `Line(row)` is
    then tuple's own constructor in C, where a NamedTuple's (a Python function) or
    `tuple.__new__(Line, row)` (a wrapper that checks and slices its arguments first) cost ~500
    instructions a line more (split_lines makes ~55 a PubMed page).
    """

    __slots__ = ()

    start: int = _tuplegetter(0, "Where the line starts in the text.")
    end: int = _tuplegetter(1, "Where it ends (before its newline).")
    text: str = _tuplegetter(2, "The line, without its newline.")

    def __repr__(self) -> str:
        return f"Line(start={self[0]!r}, end={self[1]!r}, text={self[2]!r})"

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    r"""All lines of text[start:end] with their offsets: "a\nbc" -> Line((0, 1, "a")), Line((2, 4, "bc")).

    Built in C (one split, one running sum, Line's constructor mapped over them), not by a Python
    loop that calls a constructor once a line (~5x the cost on a 55-line page). The running
    sum of each piece's length then 1 (its newline) gives start, end, next start, ... in turn, so
    one iterator zipped with itself gives each line's start and end: one addition an offset
    (~169,000 -> ~164,000 instructions a PubMed page against sums of lengths and starts apart).
    """
    stop = len(text) if end is None else end
    pieces = text[start:stop].split("\n")
    bounds = accumulate(_flat(zip(map(len, pieces), repeat(1))), initial=start)
    rows = zip(bounds, bounds, pieces, strict=False)  # bounds holds one offset more than two a piece
    return list(map(Line, rows))


def collapse(value: str) -> str:
    r"""Whitespace runs (including wrapped lines) become one space: " a \n b " -> "a b".

    str.split() splits on exactly the characters `\s` matches in a str pattern (str.isspace, every
    code point checked in tests/test_load_speed.py), so this equals `re.sub(r"\s+", " ", v).strip()`
    at ~1/3 of its cost.
    """
    return " ".join(value.split())


class LineStartPattern:
    r"""A pattern that matches only at a line start (`^` under re.M), searched ~2x faster.

    Python's re tries a pattern that opens with `^` at every position of the text (the anchor is
    checked after the call); written as "\n" + body it has a literal first character, which re
    finds with a tight scan, and is tried only where a line starts. The first line is matched apart.
    For a body that matches no newline, finditer yields the same matches as `re.compile("^" + body,
    flags | re.M).finditer(text, pos, endpos)`, except that group(0) of a match after the first line
    starts with the "\n": read named groups, `line_start`, or strip it.

    >>> [m.group("w") for m in LineStartPattern(r"(?P<w>[a-z]+):").finditer("a: x\nb: y c:")]
    ['a', 'b']
    """

    __slots__ = ("first", "later", "literal")

    def __init__(self, body: str, flags: int = 0, literal: str = "") -> None:
        """literal: a string that every match holds as it is written (not case-blind), or "": then
        `search` looks for it first (one `str.find` in C) and tries the pattern only from the line
        it is on, not at every line start before it (~300 instructions each)."""
        self.first = re.compile(body, flags)
        self.later = re.compile("\n(?:" + body + ")", flags)
        self.literal = literal

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        """Each match in turn: the first line's by `first`, the rest by one finditer of `later` in C
        (a Python loop of searches cost ~1,000 instructions a match more, in the catalog and
        registry sniffs of every file). Exact for a body that matches no newline, as every
        line-start pattern here: a match then ends on its line, before the next line's newline.
        The iterator is re's own, chained after the first line's match: no generator frame that
        each match passes through (the sniffs of every file read ~3 such searches)."""
        end = len(text) if endpos is None else endpos
        pos = min(pos, len(text))  # as re clamps it (a later line start past the end: the last)
        if pos <= 0:
            first = self.first.match(text, 0, end)
            later = self.later.finditer(text, 0, end)
            return later if first is None else chain((first,), later)
        return self.later.finditer(text, pos - 1 if text[pos - 1 : pos] == "\n" else pos, end)

    def line_start(self, match: re.Match[str]) -> int:
        """Where the line of a match starts (after the "\n" the later pattern opens with)."""
        return match.start() if match.re is self.first else match.start() + 1

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The first match at a line start in text[pos:endpos] (pos counts as one when a newline
        or the text's start is before it, as `^` under re.M has it)."""
        end = len(text) if endpos is None else endpos
        pos = min(pos, len(text))  # as re clamps it (a later line start past the end: the last)
        if self.literal:
            # a match holds the literal on its own line: none starts on a line before its first
            at = text.find(self.literal, max(pos, 0), max(end, 0))
            if at < 0:
                return None
            newline = text.rfind("\n", max(pos, 0), at)
            if newline >= 0:
                return self.later.search(text, newline, end)
        if pos <= 0:
            return self.first.match(text, 0, end) or self.later.search(text, 0, end)
        return self.later.search(text, pos - 1 if text[pos - 1] == "\n" else pos, end)


def line_opening(words: Collection[str], lead: str, tail: str = "", flags: int = re.I) -> LineStartPattern:
    """A line that opens with one of words, case-blind: `lead` (its spaces), a word, `tail`.

    The word's first letter is looked ahead for as a case-sensitive set of every character that
    case-blind matching reads as it (regexes.case_blind_class), which turns a line that cannot
    open a word away before the alternation of words (regexes.prefix_alternation) is tried.

    >>> line_opening(["review"], "[ \\t]*").first.pattern
    '[ \\t]*(?=(?-i:[Rr]))(?:review)'
    """
    firsts = case_blind_class({word[0] for word in words}) or "."
    return LineStartPattern(
        lead + "(?=" + firsts + ")(?:" + prefix_alternation(sorted(words)) + ")" + tail, flags
    )


def first_line_at(text: str, lines: list[Line], start: int, pattern: LineStartPattern) -> int:
    """Index of the first of lines[start:] where pattern matches at the line's start, else len(lines).

    lines are a run of consecutive lines of text as split_lines gives them; the pattern, searched
    over the text in C, finds the line (a bisect of the starts) instead of a regex call for every
    line before it. Where a line is not where the text has it, every line is tried in turn.
    """
    if start >= len(lines):
        return len(lines)
    begin = lines[start].start
    if begin > 0 and text[begin - 1] != "\n":
        return next((i for i in range(start, len(lines)) if pattern.first.match(lines[i].text)), len(lines))
    found = pattern.search(text, lines[start].start, lines[-1].end)
    if found is None:
        return len(lines)
    at = pattern.line_start(found)
    index = bisect_left(lines, at, lo=start, key=start_of)
    if index < len(lines) and lines[index].start == at:
        return index
    return next((i for i in range(start, len(lines)) if pattern.first.match(lines[i].text)), len(lines))


# A Line's start, as the key of a bisect over lines (first_line_at, _pubmed_text._lines_holding):
# an itemgetter is called in C, ~6 calls a bisect (a Python function cost ~400 instructions a call).
start_of: Callable[[Line], int] = itemgetter(0)


def span(kind: str, start: int, end: int, label: str = "") -> Section:
    return Section(kind, start, end, label)


def _paint(spans: Iterable[Section], size: int) -> list[Section]:
    """Non-overlapping pieces, sorted, where each point shows the last span given that covers it.

    A sweep over the span boundaries with a heap of open spans: O(k log k) for k spans, so a
    reader may emit one span per line of a long record. (Spans in order inside the text, as most
    readers give them, never come here: layout takes each as its own piece.)
    """
    items = [(max(0, s.start), min(size, s.end), s) for s in spans]
    items = [(start, end, s) for start, end, s in items if start < end]
    return _sweep(items) if items else []


def _in_order(spans: Sequence[Section], size: int) -> bool:
    """Whether spans lie inside a text of `size` in order, none empty and none over another: the
    title then the abstract's parts, a plain text's labelled parts. Each is then its own piece of
    the painting (the sweep cuts none and joins only touching pieces of one kind and label, which
    layout joins anyway: nothing but "" is between them); one loop over the spans, not the sweep's
    lists (~4 µs a PubMed page)."""
    end = 0
    for item in spans:
        if item.start < end or item.end <= item.start:
            return False
        end = item.end
    return end <= size


def _sweep(items: list[tuple[int, int, Section]]) -> list[Section]:
    """_paint's pieces of (start, end, span) items, clipped and not empty, by a sweep."""
    events = sorted({point for start, end, _ in items for point in (start, end)})
    by_start = sorted(range(len(items)), key=lambda i: items[i][0])
    open_heap: list[tuple[int, int]] = []  # (-priority, end)
    out: list[Section] = []
    cursor = 0
    for left, right in zip(events, events[1:], strict=False):
        while cursor < len(by_start) and items[by_start[cursor]][0] <= left:
            index = by_start[cursor]
            heapq.heappush(open_heap, (-index, items[index][1]))
            cursor += 1
        while open_heap and open_heap[0][1] <= left:
            heapq.heappop(open_heap)
        if not open_heap:
            continue
        winner = items[-open_heap[0][0]][2]
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.end == left
            and previous.kind == winner.kind
            and previous.label == winner.label
        ):
            out[-1] = Section(winner.kind, previous.start, right, winner.label)
        else:
            out.append(Section(winner.kind, left, right, winner.label))
    return out


def layout(text: str, spans: Iterable[Section], *, fill: str | None = BOILERPLATE) -> tuple[Section, ...]:
    """Paint spans in order (a later span wins where they overlap), trim, fill gaps, merge.

    Gaps that hold any non-space text become `fill` sections, so every visible character
    belongs to exactly one section and unknown chrome is never read as a result.
    """
    size = len(text)
    given = spans if isinstance(spans, (list, tuple)) else list(spans)
    out: list[Section] = []
    pos = 0
    for item in given if _in_order(given, size) else _paint(given, size):
        # a gap of whitespace alone is no fill (_place would add nothing): asked here, not by a call
        # (trimmed spans leave such a gap between each two, ~4 a page)
        if fill and item.start > pos and not text[pos : item.start].isspace():
            _place(text, out, fill, pos, item.start, "", None)
        _place(text, out, item.kind, item.start, item.end, item.label, item)
        pos = item.end
    if fill and pos < size:
        _place(text, out, fill, pos, size, "", None)
    return tuple(out)


def _place(
    text: str, out: list[Section], kind: str, start: int, end: int, label: str, item: Section | None
) -> None:
    """Append text[start:end] trimmed to out as a `kind` section (item itself where it is that
    section already), joined to the last one where they have the same kind and label and only
    whitespace is between them; nothing where it is all whitespace. A gap's fill is made once,
    trimmed (a page's three fills each cost two records before, ~3,500 instructions a record)."""
    chunk = text[start:end]
    left = len(chunk) - len(chunk.lstrip())
    right = len(chunk.rstrip())
    if right <= left:
        return
    trimmed_end = start + right
    start += left
    if out:
        prev = out[-1]
        if prev.kind == kind and prev.label == label and not text[prev.end : start].strip():
            out[-1] = Section(prev.kind, prev.start, trimmed_end, prev.label)
            return
    if item is not None and start == item.start and trimmed_end == item.end:
        out.append(item)
    else:
        out.append(Section(kind, start, trimmed_end, label))
