"""Load and lean-path shortcuts (issue 12, ninth session), each checked against the form it replaced.

- LineStartPattern.finditer is one finditer of the "\\n" + body pattern in C again (the eighth
  session's loop of searches is kept here as the reference): the same matches, for every pattern
  that calls it with bounds or without (the catalog and registry sniffs' labels, the publication
  type badges), and the same as the `^`-under-re.M pattern.

Random texts are built from the labels and badges themselves, near-misses, blank runs, tabs and the
letters whose case-blind matches leave ASCII ("ſ", "İ", "ı", the Kelvin sign).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from imatinib_cli.load import _biblio, catalog_record, ctgov_page
from imatinib_cli.load._text import LineStartPattern

_PIECES = [
    "\n", "\n", "\n", "\n\n", " ", "\t", ":", " : ", "|", "x", ".", ",", "\r", "\u2028", "\x0b", "\u00a0",
    "Study Type", "ENROLLMENT", "Allocation", "Masking", "Last Verified", "Official Title", "Condition",
    "Published in", "Veröffentlicht in", "saved in", "ſaved in", "Hauptverfasser", "main author(s)",
    "Main Authors", "Sprache", "Schlagworte", "Title", "Titel", "Language", "ISSN",
    "Review", "review.", "Clinical Trial, Phase II.", "research support, n.i.h.", "Research Support,",
    "Multicenter Study", "Randomized Controlled Trial", "Comparative Study", "Journal Article",
    "İ", "ı", "ſ", "\u212a", "ab", "AB",
]  # fmt: skip
_texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_FINDITER_PATTERNS = {
    "catalog labels": (catalog_record._LABEL_BODY, re.I),
    "registry labels": (ctgov_page._LABEL_BODY, re.I),
    "badges": (_biblio._BADGE_LINES.first.pattern, re.I),
    "a short one": (r"[ \t]*(?P<w>ab):", 0),
}


def _loop_finditer(
    pattern: LineStartPattern, text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """The eighth session's finditer: a search from where the last match ended, in Python."""
    end = len(text) if endpos is None else min(endpos, len(text))
    match = pattern.search(text, min(pos, len(text)), end)
    while match is not None:
        yield match
        after = match.end()
        if after == pattern.line_start(match):
            after += 1
        if after > end:
            return
        match = pattern.search(text, after, end)


def _spans(pattern: LineStartPattern, matches: Iterator[re.Match[str]]) -> list[tuple[int, int, tuple]]:
    return [(pattern.line_start(m), m.end(), m.groups()) for m in matches]


def test_the_patterns_are_the_modules_own() -> None:
    assert _biblio._BADGE_LINES.first.flags & re.I
    for name, module in (("catalog labels", catalog_record), ("registry labels", ctgov_page)):
        assert module._LABEL_LINES.first.pattern == _FINDITER_PATTERNS[name][0]


@settings(max_examples=400, deadline=None)
@given(_texts, st.integers(-2, 60), st.one_of(st.none(), st.integers(-2, 80)))
def test_finditer_in_c_finds_what_the_loop_and_caret_found(text: str, pos: int, endpos: int | None) -> None:
    for body, flags in _FINDITER_PATTERNS.values():
        pattern = LineStartPattern(body, flags)
        caret = re.compile("^(?:" + body + ")", flags | re.M)
        found = _spans(pattern, pattern.finditer(text, pos, endpos))
        assert found == _spans(pattern, _loop_finditer(pattern, text, pos, endpos))
        stop = len(text) if endpos is None else endpos
        assert found == [(m.start(), m.end(), m.groups()) for m in caret.finditer(text, max(pos, 0), stop)]
        assert _spans(pattern, pattern.finditer(text)) == _spans(pattern, _loop_finditer(pattern, text))


def test_finditer_examples() -> None:
    pattern = LineStartPattern(r"[ \t]*(?P<w>ab):")
    text = "ab: ab:\n\tab:\nx ab:\nab:"
    assert [pattern.line_start(m) for m in pattern.finditer(text)] == [0, 8, 19]
    assert [pattern.line_start(m) for m in pattern.finditer(text, 8)] == [8, 19]
    assert [pattern.line_start(m) for m in pattern.finditer(text, 9)] == [19]
    assert [pattern.line_start(m) for m in pattern.finditer(text, 1, 18)] == [8]
    assert list(pattern.finditer(text, 99)) == []
