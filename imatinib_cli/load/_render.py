"""Clean Document.text for records that arrive as fields (XML, JSON, tagged text).

Such a record has no page to point into, so its reader writes the readable fields out as
paragraphs and records, for each, the section it belongs to. Structured abstracts written inline
("PURPOSE: ... METHODS: ...") are split at their labels so each part becomes its own section.
"""

from __future__ import annotations

import re

from imatinib_cli.load._text import ABSTRACT, TITLE, collapse, span
from imatinib_cli.models import Section

# An upper-case label at the start of the abstract or right after a sentence ends: "RESULTS:",
# "CONCLUSIONS AND RELEVANCE:", "PATIENTS AND METHODS:". At least three letters and only where a
# sentence ends, so "HR:" or "95% CI:" inside a sentence never split it.
_INLINE_LABEL_RE = re.compile(
    r"(?:(?<=^)|(?<=[.?!)\]]\s)|(?<=[.?!)\]]\s\s))"
    r"(?P<label>[A-Z][A-Z]{2,}(?:[ /&,-]{1,3}[A-Z]{2,}){0,6})\s*:\s+"
)


class TextBuilder:
    """Paragraphs joined by blank lines, each remembered as a section of the final text."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.sections: list[Section] = []

    def add(self, text: str, kind: str | None = None, label: str = "") -> tuple[int, int]:
        """Append a paragraph; returns its (start, end) in the final text."""
        text = text.strip()
        if not text:
            return (self._length, self._length)
        if self._parts:
            self._parts.append("\n\n")
            self._length += 2
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        if kind is not None:
            self.sections.append(span(kind, start, self._length, label))
        return (start, self._length)

    @property
    def text(self) -> str:
        return "".join(self._parts) + ("\n" if self._parts else "")


def split_inline_labels(abstract: str) -> list[tuple[str, str]]:
    """("RESULTS", "text ...") parts of an abstract whose labels are written inline.

    The part before the first label (or the whole abstract without labels) has label "".
    The label is kept in the part's text ("RESULTS: ..."), as PubMed shows it.
    """
    text = collapse(abstract)
    if not text:
        return []
    matches = list(_INLINE_LABEL_RE.finditer(text))
    if not matches:
        return [("", text)]
    parts: list[tuple[str, str]] = []
    if matches[0].start() > 0:
        parts.append(("", text[: matches[0].start()].strip()))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        parts.append((collapse(match.group("label")).upper(), text[match.start() : end].strip()))
    return [(label, part) for label, part in parts if part]


def article_text(title: str | None, abstract: list[tuple[str, str]]) -> tuple[str, list[Section]]:
    """Title and abstract parts as clean text: the title, then one paragraph per labelled part."""
    builder = TextBuilder()
    if title:
        builder.add(collapse(title), TITLE)
    for label, part in abstract:
        builder.add(part, ABSTRACT, label)
    return builder.text, builder.sections
