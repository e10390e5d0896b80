"""Shared parts of the tagged-line readers (MEDLINE and RIS): a record is its (tag, value) pairs in order."""

from __future__ import annotations

Record = list[tuple[str, str]]


def continue_value(record: Record, line: str) -> None:
    """Join a continuation line to the record's last value."""
    tag, value = record[-1]
    record[-1] = (tag, f"{value} {line.strip()}".strip())


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
