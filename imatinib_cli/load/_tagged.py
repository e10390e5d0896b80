"""Shared parts of the tagged-line readers (MEDLINE and RIS): a record is its (tag, value) pairs in order."""

from __future__ import annotations

Record = list[tuple[str, str]]


class RecordBuilder:
    """One record's (tag, value) pairs as its lines are read.

    Continuation lines are gathered and joined to their value once, when the next tag or the end of
    the record comes, so a value continued over 100,000 lines costs linear time, not quadratic.

    >>> builder = RecordBuilder()
    >>> builder.add("AB", "Twenty patients")
    >>> builder.continue_value("      received imatinib.")
    >>> builder.record()
    [('AB', 'Twenty patients received imatinib.')]
    """

    def __init__(self) -> None:
        self._pairs: Record = []
        self._pieces: list[str] = []  # continuation lines of the last pair, stripped

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def add(self, tag: str, value: str) -> None:
        self._join()
        self._pairs.append((tag, value))

    def continue_value(self, line: str) -> None:
        """Join a continuation line to the last value (a line before any tag is ignored)."""
        if self._pairs:
            self._pieces.append(line.strip())

    def record(self) -> Record:
        self._join()
        return self._pairs

    def _join(self) -> None:
        if self._pieces:
            tag, value = self._pairs[-1]
            self._pairs[-1] = (tag, " ".join(piece for piece in (value, *self._pieces) if piece))
            self._pieces = []


def values(record: Record, *tags: str) -> list[str]:
    """The non-empty values of any of the tags, in record order."""
    return [value for tag, value in record if tag in tags and value]


def first(record: Record, *tags: str) -> str | None:
    """The first non-empty value of the first tag (in the order given) that has one."""
    for tag in tags:
        found = values(record, tag)
        if found:
            return found[0]
    return None
