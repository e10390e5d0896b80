"""Fallback reader: any other text is one "body" section.

Only identifiers the text labels as such are taken as metadata ("doi: ...", "PMID: ...",
"ClinicalTrials.gov Identifier: NCT..."). One layout is read as a title: a first paragraph of a
single short line, set apart by a blank line, before a longer text (an abstract saved as text).
"""

from __future__ import annotations

import re
from dataclasses import replace

from imatinib_cli.load._biblio import labelled_ids
from imatinib_cli.load._build import document
from imatinib_cli.load._text import BODY, TITLE, span
from imatinib_cli.models import Document

FORMAT = "text"
# A text longer than this is read up to it (at its last line break in the last tenth), with a warning
# naming the limit: reading costs 5 to 20 seconds a million characters on texts made only of
# results or numbers, and a full-text trial report is some 100,000. The same figure bounds every
# format in extract (extract/context.py: MAX_DOCUMENT_CHARS).
MAX_TEXT_CHARS = 1_000_000


def sniff(text: str) -> bool:
    return True


def read(path: str, sha256: str, text: str) -> Document:
    """The text as one document; past MAX_TEXT_CHARS, its first part, with a warning that says so."""
    if len(text) <= MAX_TEXT_CHARS:
        return _read(path, sha256, text)
    cut = text.rfind("\n", MAX_TEXT_CHARS - MAX_TEXT_CHARS // 10, MAX_TEXT_CHARS)
    cut = cut if cut > 0 else MAX_TEXT_CHARS
    warning = (
        f"only the first {cut:,} of {len(text):,} characters read "
        f"(the limit is {MAX_TEXT_CHARS:,} characters a text)"
    )
    return replace(_read(path, sha256, text[:cut]), reason=warning)


def _read(path: str, sha256: str, text: str) -> Document:
    fields = labelled_ids(text)
    title = _TITLE_RE.match(text)
    if title and _CITATION_RE.match(title.group(1)):
        # PubMed's text export opens with "1. Lancet. 2004 Sep 25;364(9440):1127-34."; the title follows.
        title = _TITLE_RE.match(text, title.end())
    if title and len(text) > 2 * len(title.group(1)) and not _LABEL_RE.match(title.group(1)):
        fields["title"] = " ".join(title.group(1).split()).rstrip(".")
        sections = [span(TITLE, title.start(1), title.end(1)), *_labelled(text, title.end(), len(text))]
        return document(path, sha256, FORMAT, text, fields, sections)
    return document(path, sha256, FORMAT, text, fields, _labelled(text, 0, len(text)))


def _labelled(text: str, start: int, end: int) -> list:
    """Body sections split at upper-case abstract labels ('BACKGROUND:', 'RESULTS:'), offsets kept,
    so extraction can tell a plan (METHODS) from results."""
    cuts = _label_cuts(text, start, end)
    if not cuts:
        return [span(BODY, start, end)]
    sections = [span(BODY, start, cuts[0][0])] if text[start : cuts[0][0]].strip() else []
    for index, (position, label) in enumerate(cuts):
        stop = cuts[index + 1][0] if index + 1 < len(cuts) else end
        sections.append(span(BODY, position, stop, " ".join(label.split())))
    return sections


# "RESULTS: ..." at the start of a line: an abstract's labelled part, searched where lines start
# (as `^` under re.M reads it; a pattern opening with `^` is tried at every position). Its
# `\s*:\s` can take a newline, so a match can end where the next line starts.
_LINE_LABEL_BODY = r"[ \t]*(?P<label>[A-Z][A-Z]{2,}(?:[ /&,-]{1,3}[A-Z]{2,}){0,6})\s*:\s"
_FIRST_LABEL_RE = re.compile(_LINE_LABEL_BODY)
# A newline before a label, the label read by a lookahead: a match takes only its newline, so one
# finditer in C finds the label after a label whose `\s` took the newline ("A:\nB: x"), which a
# search for "\n" + body resumed at the first match's end would not. (No newline inside a match
# starts another: a newline there is in `\s*` before the colon, and what follows it up to the
# colon is space.)
_LATER_LABELS_RE = re.compile(r"\n(?=" + _LINE_LABEL_BODY + ")")


def _label_cuts(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(line start, label in upper case) of each match of "^" + _LINE_LABEL_BODY (re.M) in text[start:end]:
    "x\nRESULTS: y" -> [(2, "RESULTS")]. One finditer in C (~55,000 -> ~39,000 instructions on a plain
    abstract of ~5 labels, where a Python loop of searches made each step)."""
    cuts: list[tuple[int, str]] = []
    if start <= 0:
        first = _FIRST_LABEL_RE.match(text, 0, end)
        if first is not None:
            cuts.append((0, first.group("label").upper()))
    elif text[start - 1] == "\n":
        start -= 1  # its newline is before start: the line at start counts
    found = _LATER_LABELS_RE.finditer(text, max(start, 0), end)
    cuts.extend([(match.end(), match.group("label").upper()) for match in found])
    return cuts


# A first line of at most 300 characters followed by a blank line.
_CITATION_RE = re.compile(r"\s*(?:\d+\.\s+)?[^\n]*\b(?:19|20)\d{2}\b[^\n]*;\s*\d+\s*(?:\(|:)")
_LABEL_RE = re.compile(r"\s*\w+(?:\s+\w+)?\s*:")  # "Results:", "Study Type:" open a field, not a title
_TITLE_RE = re.compile(r"\s*([^\n]{10,300})\n[ \t]*\n")
